// CoxCommand+Residuals.swift — `cox residuals [type=...] [gen=NAME]`: the residuals of the last cox
// fit as R's residuals.coxph (martingale, deviance, score, schoenfeld, dfbeta), shown as their first
// and last 5 rows and, with gen=, saved as new columns (NA on the rows the fit did not use; the
// Schoenfeld residuals exist on event rows only). The numbers come from SurvivalStats.CoxResiduals.

import SurvivalStats
import SurvshCore

extension CoxCommand {
    static func residuals(body: String, args: Arguments, session: Session) throws -> CommandOutput {
        if !body.isEmpty {
            throw SurvshError.usage("cox", "cox residuals takes no formula ('\(body)'): it uses the last cox fit",
                                    expected: "cox ~ TERMS first, then cox residuals [type=martingale] [gen=NAME]")
        }
        let last = try session.requireLastCoxFit("cox", "for residuals")
        let type = CoxResidualType(rawValue: args.string("type") ?? "martingale") ?? .martingale
        let cancel = Interrupt.cancellation
        let fit = last.fit, data = last.data
        // per column of the result: name and one value per row of `data` (nil: no value)
        var names: [String] = []
        var values: [[Double?]] = []
        // rows reported, in R's order: all rows of the fit (Schoenfeld: event rows in time order)
        var order = Array(0..<data.n)
        switch type {
        case .martingale, .deviance:
            let m = try CoxResiduals.martingale(data, coefficients: fit.beta, ties: fit.ties, cancel: cancel)
            let v = type == .martingale ? m : CoxResiduals.deviance(martingale: m, event: data.event)
            names = [type.rawValue]
            values = [v]
        case .score, .dfbeta:
            let cols = type == .score ? try CoxResiduals.score(data, coefficients: fit.beta, ties: fit.ties, cancel: cancel)
                : try CoxResiduals.dfbeta(data, coefficients: fit.beta, variance: fit.naiveVariance, ties: fit.ties,
                                          cancel: cancel)
            names = data.columnNames
            values = cols
        case .schoenfeld:
            let s = try CoxResiduals.schoenfeld(data, coefficients: fit.beta, ties: fit.ties, cancel: cancel)
            order = s.rows
            names = data.columnNames
            values = s.values.map { col in
                var v = [Double?](repeating: nil, count: data.n)
                for (k, r) in s.rows.enumerated() { v[r] = col[k] }
                return v
            }
        }
        let f = { (x: Double?) in session.fmt(x) }
        let row = { (i: Int) in [String(last.rows[i] + 1), f(data.stop[i]), data.event[i] ? "1" : "0"] + values.map { f($0[i]) } }
        let header = ["row", "time", "event"] + names
        var t = TextTable(header)
        if order.count <= 10 {
            order.forEach { t.add(row($0)) }
        } else {
            order.prefix(5).forEach { t.add(row($0)) }
            t.add(["..."])
            order.suffix(5).forEach { t.add(row($0)) }
        }
        var text = ["Residuals (R's residuals.coxph, type = \(type.rawValue)): \(last.modelText)",
                    "\(order.count) \(type == .schoenfeld ? "events" : "rows")\(order.count > 10 ? ", first and last 5" : ""); row = row of the data",
                    t.render()]
        var generated: [String] = []
        if let gen = args.string("gen") {
            generated = type.perColumn ? names.map { "\(gen)_\(columnSafe($0))" } : [gen]
            for g in generated where !DataFrame.isValidName(g) || session.frame.index(of: g) != nil {
                throw SurvshError.usage("cox", session.frame.index(of: g) != nil ? "column '\(g)' already exists" : "'\(g)' is not a column name",
                                        expected: "gen=NAME for a new column name (letters, digits, '.', '_')")
            }
            let rowCount = session.frame.rowCount
            session.updateFrame { frame in
                for (c, g) in generated.enumerated() {
                    var v = [Double](repeating: 0, count: rowCount)
                    var mask = MissingMask(count: rowCount)
                    for r in 0..<rowCount { mask[r] = true }
                    for i in 0..<data.n { if let x = values[c][i] { v[last.rows[i]] = x; mask[last.rows[i]] = false } }
                    frame.append(Column(name: g, storage: .real(v), missing: mask))
                }
            }
            text.append("generated \(generated.joined(separator: ", ")) (NA on rows the fit did not use\(type == .schoenfeld ? " and on censored rows" : ""))")
        }
        // export writes every row
        let exportTable = ResultTable(title: "Cox residuals (type = \(type.rawValue)): \(last.modelText)",
                                      header: header, rows: order.map(row),
                                      footnotes: ["residuals.coxph(fit, type = \"\(type.rawValue)\") of R's survival."])
        var j = JSONObject(command: "cox")
        j["kind"] = .string("residuals")
        j["model"] = .string(last.modelText)
        j["type"] = .string(type.rawValue)
        j["columns"] = .array(names.map { .string($0) })
        j["rows"] = .array(order.map { .int(last.rows[$0] + 1) })
        j["values"] = .array(values.map { col in .array(order.map { .num(col[$0]) }) })
        if !generated.isEmpty { j["generated"] = .array(generated.map { .string($0) }) }
        return CommandOutput(text: text.joined(separator: "\n"), json: j.value, tables: [exportTable])
    }

    /// A model column name as part of a data column name: `factor(ph.ecog)1` -> `factor.ph.ecog.1`.
    static func columnSafe(_ name: String) -> String {
        let mapped = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." ? $0 : "." })
        var out = ""
        for ch in mapped where !(ch == "." && out.hasSuffix(".")) { out.append(ch) }
        return out.hasSuffix(".") ? String(out.dropLast()) : out
    }
}
