// CoxCommand+Screen.swift — `cox screen ~ a + b + c keep=0.05`: univariable screen, then one
// multivariable model, in one table ("variable | univariable HR (95% CI) | p | multivariable HR
// (95% CI) | p") with n and events per model. Each univariable model uses the complete cases of its
// own term; the multivariable model those of the retained terms together, so n can shrink between
// the steps — the table says so. A term is retained when its univariable Wald p (the joint Wald test
// for a term with several columns) is below keep. strata() and cluster() apply to every model.

import SurvivalStats
import SurvshCore

extension CoxCommand {
    struct ScreenStep {
        let term: FormulaTerm
        let model: CoxModelInput
        let fit: CoxFitResult
        var p: Double { fit.waldTest.p }
    }

    static func screen(body: String, args: Arguments, level: Double, session: Session) throws -> CommandOutput {
        try session.requireData("cox")
        let (formula, response) = try CoxModelInput.parse(body, session: session, command: "cox")
        let keep = args.double("keep", default: 0.05)
        let tiesValue = ties(args, session: session)
        let ctl = try control(args)
        var warnings: [String] = []
        var steps: [ScreenStep] = []
        for term in formula.terms {
            let m = try CoxModelInput.build(formula: formula, response: response, terms: [term], session: session, command: "cox")
            let fit = try fitModel(m, ties: tiesValue, level: level, control: ctl)
            warnings += (m.data.warnings + fit.warningMessages).map { "univariable \(term.label): \($0)" }
            steps.append(ScreenStep(term: term, model: m, fit: fit))
        }
        let selected = steps.filter { $0.p.isFinite && $0.p < keep }.map(\.term)
        var multi: (model: CoxModelInput, fit: CoxFitResult)? = nil
        if !selected.isEmpty {
            let m = try CoxModelInput.build(formula: formula, response: response, terms: selected, session: session, command: "cox")
            let fit = try fitModel(m, ties: tiesValue, level: level, control: ctl)
            warnings += (m.data.warnings + fit.warningMessages).map { "multivariable: \($0)" }
            multi = (m, fit)
            session.lastCoxFit = m.lastFit(fit)
            session.lastHazardRatios = CoxView(session: session, model: m, fit: fit).hazardRatios()
        }

        let f = { (x: Double?) in session.fmt(x) }
        let pv = { (p: Double?) in NumberFormat.pValue(p, digits: session.settings.digits) }
        let lp = NumberFormat.significant(level * 100, digits: 6)
        func hrText(_ c: CoxCoefficient?) -> String {
            guard let c else { return "" }
            if c.aliased { return "NA (dropped)" }
            return "\(f(c.hazardRatio)) (\(f(c.hrLower))–\(f(c.hrUpper)))" + (c.possiblyInfinite ? " *" : "")
        }
        // rows
        var rows: [[String]] = []
        for s in steps {
            let dterm = s.model.design.terms[0]
            let multiTerm = multi.flatMap { mm in mm.model.design.terms.firstIndex { $0.label == s.term.label }.map { (mm, $0) } }
            func multiCoef(_ k: Int) -> CoxCoefficient? {
                guard let (mm, ti) = multiTerm else { return nil }
                return mm.fit.coefficients[mm.model.design.terms[ti].columns[k]]
            }
            if dterm.columns.count == 1 && !dterm.isFactor {
                let c = s.fit.coefficients[0]
                let mc = multiCoef(0)
                rows.append([s.term.label, hrText(c), pv(c.p), mc == nil ? "—" : hrText(mc), mc == nil ? "" : pv(mc?.p)])
                continue
            }
            // a term with several columns (or a factor): joint Wald p on the term's line, one line per column
            var jointMulti = ""
            if let (mm, ti) = multiTerm {
                jointMulti = pv(termWaldP(mm.fit, columns: mm.model.design.terms[ti].columns))
            }
            rows.append([s.term.label + (dterm.columns.count > 1 ? " (\(dterm.columns.count) df)" : ""), "", pv(s.p),
                         multiTerm == nil ? "—" : "", jointMulti])
            if dterm.isFactor, let ref = dterm.referenceLevel, s.term.variables.count == 1 {
                rows.append(["  \(ref)", "1 (reference)", "", multiTerm == nil ? "" : "1 (reference)", ""])
            }
            for (k, col) in dterm.columns.enumerated() {
                let c = s.fit.coefficients[col]
                let name = s.term.variables.count == 1 && k + 1 < dterm.levels.count ? dterm.levels[k + 1] : c.name
                let mc = multiCoef(k)
                rows.append(["  \(name)", hrText(c), pv(c.p), mc == nil ? "" : hrText(mc), mc == nil ? "" : pv(mc?.p)])
            }
        }
        let header = ["variable", "univariable HR (\(lp)% CI)", "p", "multivariable HR (\(lp)% CI)", "p"]
        // n and events
        var notes: [String] = []
        let ns = Set(steps.map { $0.fit.n }), evs = Set(steps.map { $0.fit.events })
        if ns.count == 1 && evs.count == 1 {
            notes.append("Univariable models: n = \(steps[0].fit.n), events = \(steps[0].fit.events) each.")
        } else {
            notes.append("Univariable models: " + steps.map { "\($0.term.label) n = \($0.fit.n), events = \($0.fit.events)" }.joined(separator: "; ") + ".")
        }
        if let mm = multi {
            notes.append("Multivariable model (\(selected.map(\.label).joined(separator: " + "))): n = \(mm.fit.n), events = \(mm.fit.events); likelihood ratio test = \(f(mm.fit.lrTest.chisq)) on \(mm.fit.lrTest.df) df, p = \(pv(mm.fit.lrTest.p)).")
            let largest = steps.filter { selected.contains($0.term) }.map { $0.fit.n }.max() ?? mm.fit.n
            if mm.fit.n < largest {
                notes.append("Note: missing values reduce n from \(largest) (largest univariable model of a retained term) to \(mm.fit.n) in the multivariable model.")
            }
        } else {
            notes.append("No term has a univariable p below \(NumberFormat.significant(keep, digits: 6)): no multivariable model.")
        }
        notes.append("Retained: univariable Wald p < \(NumberFormat.significant(keep, digits: 6)) (joint Wald test for terms with several columns). Ties: \(tiesValue == .efron ? "Efron" : "Breslow"); CI: Wald, as summary.coxph.")
        if let line = session.settings.convention.resultLine { notes.append(line + ".") }
        if steps.contains(where: { $0.fit.coefficients.contains(where: \.possiblyInfinite) })
            || (multi?.fit.coefficients.contains(where: \.possiblyInfinite) ?? false) {
            notes.append("* coefficient may be infinite (see the warnings).")
        }
        let title = "Cox regression, univariable screen and multivariable model: \(response.label)"
            + (formula.strata.isEmpty ? "" : ", strata(\(formula.strata.joined(separator: ", ")))")
        let table = ResultTable(title: title, header: header, rows: rows, footnotes: notes, name: "screen")
        var t = TextTable(header)
        for r in rows { t.add(r) }
        let text = ([title, t.render(), ""] + notes).joined(separator: "\n")

        func coefJSON(_ c: CoxCoefficient) -> JSONValue {
            .object([("name", .string(c.name)), ("coef", .num(c.coef)), ("hr", .num(c.hazardRatio)),
                     ("hr_lower", .num(c.hrLower)), ("hr_upper", .num(c.hrUpper)), ("p", .num(c.p))])
        }
        var j = JSONObject(command: "cox")
        j["kind"] = .string("screen")
        j["keep"] = .num(keep)
        j["ties"] = .string(tiesValue.rawValue)
        j["convention"] = .string(session.settings.convention.rawValue)
        j["level"] = .num(level)
        j["univariable"] = .array(steps.map { s in
            .object([("term", .string(s.term.label)), ("n", .int(s.fit.n)), ("events", .int(s.fit.events)),
                     ("p", .num(s.p)), ("retained", .bool(selected.contains(s.term))),
                     ("terms", .array(s.fit.coefficients.map(coefJSON)))])
        })
        j["selected"] = .array(selected.map { .string($0.label) })
        if let mm = multi {
            j["multivariable"] = .object([
                ("model", .string(mm.model.modelText)), ("n", .int(mm.fit.n)), ("events", .int(mm.fit.events)),
                ("terms", .array(mm.fit.coefficients.map(coefJSON))),
                ("lr_test", .object([("chisq", .num(mm.fit.lrTest.chisq)), ("df", .int(mm.fit.lrTest.df)),
                                     ("p", .num(mm.fit.lrTest.p))])),
            ])
        } else {
            j["multivariable"] = .null
        }
        return CommandOutput(text: text, json: j.value, warnings: warnings, tables: [table],
                             methods: [.coxScreen(ties: tiesValue.rawValue, keep: keep)])
    }

    /// Joint Wald p of some columns of a fit: b' V^-1 b on the columns' sub-matrix.
    static func termWaldP(_ fit: CoxFitResult, columns: [Int]) -> Double? {
        let keep = columns.filter { !fit.coefficients[$0].aliased }
        if keep.isEmpty { return nil }
        if keep.count == 1 { return fit.coefficients[keep[0]].p }
        let p = fit.columnNames.count
        let m = keep.count
        // solve V_sub x = b by Gaussian elimination (small m)
        var a = [[Double]](repeating: [Double](repeating: 0, count: m + 1), count: m)
        for (r, i) in keep.enumerated() {
            for (c, jj) in keep.enumerated() { a[r][c] = fit.variance[i * p + jj] }
            a[r][m] = fit.beta[i]
        }
        for col in 0..<m {
            var piv = col
            for r in col..<m where abs(a[r][col]) > abs(a[piv][col]) { piv = r }
            if a[piv][col] == 0 { return nil }
            a.swapAt(col, piv)
            for r in 0..<m where r != col {
                let fct = a[r][col] / a[col][col]
                for c in col...m { a[r][c] -= fct * a[col][c] }
            }
        }
        var chisq = 0.0
        for (r, i) in keep.enumerated() { chisq += fit.beta[i] * a[r][m] / a[r][r] }
        return ChiSquared.sf(chisq, df: Double(m))
    }
}
