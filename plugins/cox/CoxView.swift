// CoxView.swift — renders a Cox fit as text (summary.coxph layout), as the JSON object of the
// contract, as an exportable result table and as the hazard-ratio rows of `plot forest`.

import SurvivalStats
import SurvshCore

struct CoxView {
    let session: Session
    let model: CoxModelInput
    let fit: CoxFitResult

    func f(_ x: Double?) -> String { session.fmt(x) }
    func pv(_ p: Double?) -> String { NumberFormat.pValue(p, digits: session.settings.digits) }
    var levelPercent: String { NumberFormat.significant(fit.level * 100, digits: 6) }
    var robust: Bool { fit.robustVariance != nil }

    var header: String {
        let dropped = model.data.dropped > 0 ? "; \(model.data.dropped) dropped for missing values" : ""
        return "Cox model: \(model.modelText) (\(plural(fit.n, "row")), \(plural(fit.events, "event"))\(dropped))"
    }

    /// R's "coefficient may be infinite", or a confidence limit that overflowed (an HR limit of
    /// infinity prints as NA): both mean a monotone likelihood for that term.
    func mayBeInfinite(_ c: CoxCoefficient) -> Bool {
        c.possiblyInfinite || [c.hrLower, c.hrUpper, c.hazardRatio].contains { !($0?.isFinite ?? true) }
    }

    /// Name with a marker for a possibly infinite coefficient.
    /// Under `set labels=on` the columns in the name are shown by their labels.
    func label(_ c: CoxCoefficient) -> String { session.displayTerm(c.name) + (mayBeInfinite(c) ? " *" : "") }

    /// Why the concordance is NA: no pair of rows can be compared.
    var concordanceNote: String? {
        guard let c = fit.concordance, !c.concordance.isFinite || !c.standardError.isFinite else { return nil }
        if !c.concordance.isFinite {
            return "no comparable pair of rows (a pair is comparable when the shorter time is an event), so the concordance is undefined"
        }
        return "its standard error is undefined with so few comparable pairs"
    }

    /// The note under the table when a term is marked, and the same as a warning (JSON `warnings`).
    var infiniteNote: String? {
        let marked = fit.coefficients.filter { !$0.aliased && mayBeInfinite($0) }.map(\.name)
        guard !marked.isEmpty else { return nil }
        return "* coefficient may be infinite (\(marked.joined(separator: ", "))): the likelihood keeps rising as it grows "
            + "(monotone likelihood, e.g. all events in one group), so its HR, CI and p are not meaningful and a limit "
            + "that is infinite prints as NA; 'cox firth ~ ...' (Firth's penalised likelihood) gives finite estimates"
    }

    func coefficientTable() -> TextTable {
        var head = ["", "coef", "HR", "se(coef)"]
        if robust { head.append("robust se") }
        head += ["z", "p", "lower \(levelPercent)%", "upper \(levelPercent)%"]
        var t = TextTable(head)
        for c in fit.coefficients {
            if c.aliased {
                t.add([session.displayTerm(c.name)] + Array(repeating: "NA", count: head.count - 1))
                continue
            }
            var row = [label(c), f(c.coef), f(c.hazardRatio), f(c.se)]
            if robust { row.append(f(c.robustSE)) }
            row += [f(c.z), pv(c.p), f(c.hrLower), f(c.hrUpper)]
            t.add(row)
        }
        return t
    }

    func testLine(_ name: String, _ t: CoxTest) -> String {
        "\(name) = \(f(t.chisq)) on \(t.df) df, p = \(pv(t.p))"
    }

    var tiesText: String { CoxView.tiesText(fit.ties, convention: session.settings.convention) }

    /// The tie method, with where the default comes from when it is the convention's default.
    static func tiesText(_ ties: CoxTies, convention: Convention) -> String {
        let name = ties == .efron ? "Efron" : "Breslow"
        return ties == convention.coxTies ? "\(name) (\(convention.coxTiesSource))" : name
    }

    var conventionLines: [String] {
        var s = ["Ties: \(tiesText); CI: exp(coef -/+ z se) (Wald, as summary.coxph)"
                 + (robust ? " with the robust se" : "") + "; p: Wald z test."]
        if let st = model.strata {
            s.append("Stratified by \(model.formula.strata.joined(separator: ", ")) (\(st.count) strata): a separate baseline hazard per stratum.")
        }
        if robust, let nc = fit.clusterCount, let cl = model.formula.cluster {
            s.append("Robust se: sandwich over \(nc) clusters of \(cl) (R's coxph robust = TRUE); the likelihood ratio and score tests assume independent rows, the Wald and robust score tests do not.")
        }
        if model.coxData.start != nil { s.append("Counting-process data: each row is at risk on (start, stop].") }
        if let line = session.settings.convention.resultLine { s.append(line + ".") }
        if let c = model.cause {
            let others = c.competingLabels.isEmpty ? "" : " (cause\(c.competingLabels.count == 1 ? "" : "s") \(c.competingLabels.joined(separator: ", ")))"
            s.append("Cause-specific hazard of cause \(c.label): the \(plural(c.competingEvents, "competing event"))\(others) are censored.")
            s.append("Status: \(c.coding).")
        }
        return s
    }

    func text() -> String {
        var out = [header, coefficientTable().render(), ""]
        if let note = infiniteNote { out.append(note) }
        if let c = fit.concordance {
            out.append("Concordance = \(f(c.concordance)) (se = \(f(c.standardError)))" + (concordanceNote.map { ": \($0)" } ?? ""))
        }
        out.append(testLine("Likelihood ratio test", fit.lrTest))
        out.append(testLine(robust ? "Wald test (robust)   " : "Wald test            ", fit.waldTest))
        out.append(testLine("Score (logrank) test ", fit.scoreTest))
        if let r = fit.robustScoreTest { out.append(testLine("Robust score test    ", r)) }
        let conv = fit.converged ? "converged in \(fit.iterations) Newton-Raphson iteration\(fit.iterations == 1 ? "" : "s")"
            : "did not converge in \(fit.iterationsRun) iterations"
        out.append("Log partial likelihood: \(f(fit.loglik[0])) (null), \(f(fit.loglik[1])) (model); \(conv)")
        out += conventionLines
        return out.joined(separator: "\n")
    }

    func testJSON(_ t: CoxTest) -> JSONValue {
        .object([("chisq", .num(t.chisq)), ("df", .int(t.df)), ("p", .num(t.p))])
    }

    func json() -> JSONObject {
        var j = JSONObject(command: "cox")
        j["kind"] = .string("fit")
        j["model"] = .string(model.modelText)
        j["n"] = .int(fit.n)
        j["events"] = .int(fit.events)
        j["dropped"] = .int(model.data.dropped)
        j["ties"] = .string(fit.ties.rawValue)
        j["convention"] = .string(session.settings.convention.rawValue)
        if let c = model.cause {
            j["cause"] = .string(c.label)
            j["competing_events"] = .int(c.competingEvents)
        }
        j["level"] = .num(fit.level)
        j["loglik"] = .array(fit.loglik.map { .num($0) })
        j["terms"] = .array(fit.coefficients.map { c in
            var kv: [(String, JSONValue)] = [
                ("name", .string(c.name)), ("coef", .num(c.coef)), ("hr", .num(c.hazardRatio)), ("se", .num(c.se)),
            ]
            if robust { kv.append(("robust_se", .num(c.robustSE))) }
            kv += [("z", .num(c.z)), ("p", .num(c.p)), ("hr_lower", .num(c.hrLower)), ("hr_upper", .num(c.hrUpper)),
                   ("aliased", .bool(c.aliased)), ("possibly_infinite", .bool(mayBeInfinite(c)))]
            return .object(kv)
        })
        j["lr_test"] = testJSON(fit.lrTest)
        j["wald_test"] = testJSON(fit.waldTest)
        j["score_test"] = testJSON(fit.scoreTest)
        if let r = fit.robustScoreTest { j["robust_score_test"] = testJSON(r) }
        if let c = fit.concordance {
            j["concordance"] = .num(c.concordance)
            j["concordance_se"] = .num(c.standardError)
            j["concordance_counts"] = .object([("concordant", .num(c.concordant)), ("discordant", .num(c.discordant)),
                                               ("tied_x", .num(c.tiedX)), ("tied_y", .num(c.tiedY)),
                                               ("tied_xy", .num(c.tiedXY))])
        }
        let notes = [infiniteNote, concordanceNote].compactMap { $0 }
        if !notes.isEmpty { j["notes"] = .array(notes.map { .string($0) }) }
        j["strata"] = .int(fit.strataCount)
        if let nc = fit.clusterCount { j["clusters"] = .int(nc) }
        j["iterations"] = .int(fit.iterations)
        j["converged"] = .bool(fit.converged)
        return j
    }

    /// Publication-style table for `export`.
    func resultTable() -> ResultTable {
        var rows: [[String]] = []
        for c in fit.coefficients {
            if c.aliased { rows.append([session.displayTerm(c.name), "NA", "NA", "NA", "NA"]); continue }
            rows.append([label(c), f(c.coef), f(robust ? c.robustSE : c.se),
                         "\(f(c.hazardRatio)) (\(f(c.hrLower))–\(f(c.hrUpper)))", pv(c.p)])
        }
        var notes = ["n = \(fit.n), events = \(fit.events)" + (model.data.dropped > 0 ? " (\(model.data.dropped) rows dropped for missing values)" : ""),
                     testLine("Likelihood ratio test", fit.lrTest)]
        if let c = fit.concordance { notes.append("Concordance = \(f(c.concordance)) (se = \(f(c.standardError)))") }
        notes += conventionLines
        return ResultTable(title: "Cox model: \(model.modelText)",
                           header: ["", "coef", robust ? "robust se" : "se", "HR (\(levelPercent)% CI)", "p"],
                           rows: rows, footnotes: notes, name: "coefficients")
    }

    /// Hazard ratios for `plot forest`: factor levels under their term, with the reference level.
    func hazardRatios() -> HazardRatioRows {
        CoxView.hazardRatioRows(design: model.design, coefficients: fit.coefficients.map {
            ($0.aliased ? nil : $0.hazardRatio, $0.hrLower, $0.hrUpper, $0.p)
        }, title: "Cox model: \(model.modelText)", level: fit.level, model: model)
    }

    /// The forest rows of a fit; with `model`, each row's n and events (a factor level: the rows with
    /// that level; a numeric term: the whole model) and the strata named in a footnote.
    static func hazardRatioRows(design: CoxDesign, coefficients: [(hr: Double?, lower: Double?, upper: Double?, p: Double?)],
                                title: String, level: Double, model: CoxModelInput? = nil) -> HazardRatioRows {
        let data = model?.coxData
        /// Rows and events where `inLevel` holds.
        func counts(_ inLevel: (Int) -> Bool) -> (Int?, Int?) {
            guard let data else { return (nil, nil) }
            var n = 0, events = 0
            for i in 0..<data.n where inLevel(i) {
                n += 1
                if data.event[i] { events += 1 }
            }
            return (n, events)
        }
        // every row: its count and the events SurvivalData counted (a closure call per row was 5 ms at 10^6 rows)
        let whole: (Int?, Int?) = model.map { ($0.coxData.n, $0.data.events) } ?? (nil, nil)
        var rows: [HazardRatioRows.Row] = []
        for term in design.terms {
            if term.isFactor, term.columns.count >= 1, let ref = term.referenceLevel, !term.levels.isEmpty {
                let refCounts = counts { i in term.columns.allSatisfy { data?.columns[$0][i] == 0 } }
                rows.append(.init(term: term.label, level: ref, hr: 1, lower: nil, upper: nil, p: nil, isReference: true,
                                  n: refCounts.0, events: refCounts.1))
                for (k, col) in term.columns.enumerated() {
                    let c = coefficients[col]
                    let lvl = k + 1 < term.levels.count ? term.levels[k + 1] : design.names[col]
                    let levelCounts = counts { data?.columns[col][$0] == 1 }
                    rows.append(.init(term: term.label, level: lvl, hr: c.hr, lower: c.lower, upper: c.upper, p: c.p,
                                      isReference: false, n: levelCounts.0, events: levelCounts.1))
                }
            } else {
                for col in term.columns {
                    let c = coefficients[col]
                    rows.append(.init(term: design.names[col], level: nil, hr: c.hr, lower: c.lower, upper: c.upper,
                                      p: c.p, isReference: false, n: whole.0, events: whole.1))
                }
            }
        }
        let strata = model?.formula.strata ?? []
        let footnote = strata.isEmpty ? nil
            : "Stratified by \(strata.joined(separator: ", ")) (\(plural(model?.strata?.count ?? 0, "stratum", "strata"))): a baseline hazard per stratum, no HR for it."
        return HazardRatioRows(title: title, rows: rows, level: level, footnote: footnote)
    }
}
