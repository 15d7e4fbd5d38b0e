// CoxCommand+Compare.swift — `cox ~ ... compare`: one Cox model as R (coxph: Efron ties), SAS
// (PHREG: TIES=BRESLOW) and Stata (stcox: breslow) fit it by default, side by side: coef, HR and
// its CI per term and the log partial likelihood, with a line per rule saying why they differ.

import SurvivalStats
import SurvshCore

extension CoxCommand {
    static func compare(model: CoxModelInput, args: Arguments, level: Double, session: Session) throws -> CommandOutput {
        if args.has("explain") {
            throw SurvshError.usage("cox", "compare does not combine with explain", expected: "cox ~ TERMS compare [ties=...] [level=...]")
        }
        let given = args.given("ties").flatMap(CoxTies.init(rawValue:))
        let control = try control(args)
        var fits: [CoxTies: CoxFitResult] = [:]
        let columns = try Convention.allCases.map { c -> CoxCompareView.Column in
            let ties = given ?? c.coxTies
            if fits[ties] == nil { fits[ties] = try fitModel(model, ties: ties, level: level, control: control, session: session) }
            return CoxCompareView.Column(convention: c, fit: fits[ties]!)
        }
        // Follow-ups (phtest, residuals, forest) use the fit of the session's convention, as `cox` would.
        let own = columns.first { $0.convention == session.settings.convention }!.fit
        session.lastCoxFit = model.lastFit(own)
        session.lastHazardRatios = CoxView(session: session, model: model, fit: own).hazardRatios()
        let view = CoxCompareView(session: session, model: model, columns: columns, tiesGiven: given)
        let table = view.table()
        return CommandOutput(text: view.text(table), json: view.json(), warnings: model.data.warnings + own.warningMessages,
                             tables: [table])
    }
}

struct CoxCompareView {
    struct Column {
        let convention: Convention
        let fit: CoxFitResult
    }

    let session: Session
    let model: CoxModelInput
    let columns: [Column]
    let tiesGiven: CoxTies?

    func f(_ x: Double?) -> String { session.fmt(x) }
    var levelPercent: String { NumberFormat.significant((columns.first?.fit.level ?? 0.95) * 100, digits: 6) }
    var title: String { "Cox model under R's, SAS's and Stata's defaults: \(model.modelText)" }

    /// Rows: coef, HR and its limits per coefficient, then the log partial likelihood.
    func table() -> ResultTable {
        var rows: [[String]] = []
        let names = columns.first?.fit.coefficients.map(\.name) ?? []
        for (k, name) in names.enumerated() {
            func add(_ what: String, _ value: (CoxCoefficient) -> Double?) {
                rows.append([what == "coef" ? name : "", what]
                            + columns.map { $0.fit.coefficients[k].aliased ? "NA" : f(value($0.fit.coefficients[k])) })
            }
            add("coef") { $0.coef }
            add("HR") { $0.hazardRatio }
            add("lower \(levelPercent)%") { $0.hrLower }
            add("upper \(levelPercent)%") { $0.hrUpper }
        }
        rows.append(["log likelihood", ""] + columns.map { f($0.fit.loglik[1]) })
        let header = ["", ""] + columns.map { "\($0.convention.packageName) (\($0.fit.ties.rawValue))" }
        return ResultTable(title: title, header: header, rows: rows, footnotes: differences(), name: "compare")
    }

    /// Events that share their time with another event of the same stratum: where Efron and
    /// Breslow part.
    var tiedEvents: Int {
        let d = model.coxData
        var count: [String: Int] = [:]
        for i in 0..<d.n where d.event[i] { count["\(d.strata?[i] ?? 0) \(d.stop[i])", default: 0] += 1 }
        return count.values.filter { $0 > 1 }.reduce(0, +)
    }

    func differences() -> [String] {
        var out: [String] = []
        if let tiesGiven {
            out.append("ties: ties=\(tiesGiven.rawValue) given, so all three use it.")
        } else {
            let events = columns.first?.fit.events ?? 0
            let tied = tiedEvents
            out.append("ties: R's coxph uses Efron's approximation, SAS PHREG (TIES=BRESLOW) and Stata stcox Breslow's;")
            out.append("  " + (tied == 0 ? "no two events share a time here, so the two agree."
                                : "\(tied) of the \(events) events here share their time with another, so coef, HR and the likelihood differ."))
        }
        out.append("CI: Wald, exp(coef -/+ z se), in all three (summary.coxph, PHREG, stcox); only the fit differs.")
        out.append("help set lists each rule with its manual section.")
        return out
    }

    func text(_ table: ResultTable) -> String {
        let fit = columns[0].fit
        let dropped = model.data.dropped > 0 ? "; \(model.data.dropped) dropped for missing values" : ""
        let head = "\(title) (\(plural(fit.n, "row")), \(plural(fit.events, "event"))\(dropped))"
        return ([head, table.textTable(leftAligned: [0, 1]), ""] + table.footnotes).joined(separator: "\n")
    }

    func json() -> JSONValue {
        var j = JSONObject(command: "cox")
        j["kind"] = .string("compare")
        j["model"] = .string(model.modelText)
        j["n"] = .int(columns.first?.fit.n ?? 0)
        j["events"] = .int(columns.first?.fit.events ?? 0)
        j["tied_events"] = .int(tiedEvents)
        j["conventions"] = .array(columns.map { c in
            var o = JSONObject()
            o["convention"] = .string(c.convention.rawValue)
            o["label"] = .string(c.convention.label)
            o["ties"] = .string(c.fit.ties.rawValue)
            o["loglik"] = .array(c.fit.loglik.map { .num($0) })
            o["terms"] = .array(c.fit.coefficients.map { t in
                .object([("name", .string(t.name)), ("coef", .num(t.aliased ? nil : t.coef)), ("hr", .num(t.hazardRatio)),
                         ("se", .num(t.se)), ("hr_lower", .num(t.hrLower)), ("hr_upper", .num(t.hrUpper)), ("p", .num(t.p))])
            })
            return o.value
        })
        j["differences"] = .array(differences().map { .string($0) })
        return j.value
    }
}
