// KMView.swift — renders Kaplan–Meier results as text (print.survfit / summary.survfit layout) and
// as the JSON object of the contract.

import SurvivalStats
import SurvshCore

struct KMView {
    let session: Session
    let response: SurvivalResponse
    let formula: Formula
    let data: SurvivalData
    let grouping: Grouping
    let curves: [KaplanMeierCurve]
    let conf: KaplanMeierConfType
    let level: Double
    let times: [Double]
    let probs: [Double]
    let tau: Double?
    let showTable: Bool
    let explain: Bool
    /// Whose rules read the median and quantiles off the curves (and name the default transform).
    let convention: Convention

    // MARK: labels and conventions

    var levelText: String { NumberFormat.significant(level, digits: 15) }
    /// "95%" as R's summary headers say it.
    var percentText: String { NumberFormat.significant(level * 100, digits: 15) + "%" }
    var lclHeader: String { "\(levelText)LCL" }
    var uclHeader: String { "\(levelText)UCL" }

    var modelText: String {
        let rhs = formula.terms.isEmpty ? "1" : formula.terms.map(\.label).joined(separator: " + ")
        return "\(response.label) ~ \(rhs)"
    }

    var ciConvention: String {
        let source = conf == convention.kmConfType ? " (\(convention.kmConfSource))" : ""
        return "CI: \(conf.rawValue) transform\(source), level \(levelText); std.err is the standard error of S(t) (Greenwood)"
    }

    /// The median rule, printed as two lines in text (within 100 columns).
    var medianConvention: String { convention.medianRuleLines.joined(separator: " ") }

    /// The median of curve `c` with its limits, by the convention's rule.
    func median(_ c: KaplanMeierCurve) -> KaplanMeierQuantile { c.median(convention.percentiles) }

    func f(_ x: Double?) -> String { session.fmt(x) }

    // MARK: text

    func summaryTable() -> ResultTable {
        var header = ["", "n", "events"]
        if tau != nil { header += ["rmean*", "se(rmean)"] }
        header += ["median", lclHeader, uclHeader]
        var rows: [[String]] = []
        for (i, c) in curves.enumerated() {
            var row = [session.displayGroup(grouping.labels[i]), String(c.n), String(c.events)]
            if let tau {
                let rm = c.restrictedMean(tau: tau)
                row += [f(rm.mean), f(rm.stdErr)]
            }
            let m = median(c)
            row += [f(m.time), f(m.lower), f(m.upper)]
            rows.append(row)
        }
        var notes: [String] = []
        if let tau { notes.append("* restricted mean with upper limit = \(f(tau))") }
        notes += [ciConvention, medianConvention] + [convention.resultLine].compactMap { $0 }
        return ResultTable(title: "Kaplan-Meier: \(modelText)", header: header, rows: rows, footnotes: notes, name: "summary")
    }

    /// Survival at the `times=` (R's summary(fit, times=)), nil without times=.
    func timesTable() -> ResultTable? {
        guard !times.isEmpty else { return nil }
        var rows: [[String]] = []
        var beyond: [String] = []
        for (i, c) in curves.enumerated() {
            for p in c.survival(at: times) {
                rows.append([session.displayGroup(grouping.labels[i]), f(p.time) + (p.beyondLastFollowUp ? "*" : ""), String(p.nRisk),
                             String(p.nEvent), f(p.surv), f(p.stdErr), f(p.lower), f(p.upper)])
                if p.beyondLastFollowUp {
                    beyond.append("\(grouping.labels[i]) at \(f(p.time)) (last follow-up \(f(c.lastTime)))")
                }
            }
        }
        var notes: [String] = []
        if !beyond.isEmpty {
            notes.append("* after the last follow-up of the group: " + beyond.joined(separator: ", ") + ".")
            notes.append("  R's summary(times=) drops these; shown with S(t) carried forward and n.risk 0.")
        }
        return ResultTable(title: "Survival at given times (R's summary(fit, times=))",
                           header: ["", "time", "n.risk", "n.event", "survival", "std.err",
                                    "lower \(percentText) CI", "upper \(percentText) CI"],
                           rows: rows, footnotes: notes, name: "times")
    }

    /// Quantiles of survival time (R's quantile.survfit), nil without quantiles=.
    func quantilesTable() -> ResultTable? {
        guard !probs.isEmpty else { return nil }
        var rows: [[String]] = []
        for (i, c) in curves.enumerated() {
            for v in c.quantiles(probs, convention: convention.percentiles) {
                rows.append([session.displayGroup(grouping.labels[i]), f(v.probability), f(v.time), f(v.lower), f(v.upper)])
            }
        }
        return ResultTable(title: "Quantiles of survival time (\(convention.quantileSource))",
                           header: ["", "p", "time", "lower", "upper"], rows: rows, name: "quantiles")
    }

    /// One life table a curve (with `table`), named `life` for a single curve, else `life:LABEL`.
    func lifeTables() -> [ResultTable] {
        guard showTable else { return [] }
        return curves.enumerated().map { i, c in
            ResultTable(title: "Life table, \(session.displayGroup(grouping.labels[i]))",
                        header: ["time", "n.risk", "n.event", "n.censor", "survival", "std.err",
                                 "lower \(percentText) CI", "upper \(percentText) CI"],
                        rows: c.rows.map { r in
                            [f(r.time), String(r.nRisk), String(r.nEvent), String(r.nCensor), f(r.surv), f(r.stdErr),
                             f(r.lower), f(r.upper)]
                        },
                        name: curves.count == 1 ? "life" : "life:\(grouping.labels[i])")
        }
    }

    /// Every table the text shows, in order, for `export`.
    func tables() -> [ResultTable] {
        [summaryTable()] + [timesTable(), quantilesTable()].compactMap { $0 } + lifeTables()
    }

    func text() -> String {
        var out: [String] = []
        out.append("Kaplan-Meier: \(modelText) (\(data.countsText))")
        out.append(summaryTable().textTable())
        if let tau { out.append("* restricted mean with upper limit = \(f(tau))") }

        if let at = timesTable() {
            out.append("")
            out.append(at.title + ":")
            out.append(at.textTable())
            out += at.footnotes
        }
        if let q = quantilesTable() {
            out.append("")
            out.append(q.title + ":")
            out.append(q.textTable())
        }
        for lt in lifeTables() {
            out.append("")
            out.append(lt.title + ":")
            out.append(lt.textTable(leftAligned: []))
        }

        if explain { out += explainText() }
        out.append("")
        out.append(ciConvention + ".")
        out.append(convention.medianRuleLines[0])
        out.append("  " + convention.medianRuleLines[1] + ".")
        if let line = convention.resultLine { out.append(line + ".") }
        return out.joined(separator: "\n")
    }

    // MARK: JSON

    func json(includeTable: Bool) -> JSONValue {
        var j = JSONObject(command: "km")
        j["outcome"] = .string(response.label)
        j["groups"] = .array(formula.terms.map { .string($0.label) })
        j["n"] = .int(data.n)
        j["events"] = .int(data.events)
        j["dropped"] = .int(data.dropped)
        j["conf_type"] = .string(conf.rawValue)
        j["level"] = .num(level)
        j["ci_transform"] = .string(conf.formula)
        j["median_rule"] = .string(medianConvention)
        j["convention"] = .string(convention.rawValue)
        if let tau { j["rmean_tau"] = .num(tau) }
        var strata: [JSONValue] = []
        for (i, c) in curves.enumerated() {
            var s = JSONObject()
            s["label"] = .string(grouping.labels[i])
            s["n"] = .int(c.n)
            s["events"] = .int(c.events)
            let m = median(c)
            s["median"] = .num(m.time)
            s["median_lower"] = .num(m.lower)
            s["median_upper"] = .num(m.upper)
            s["last_time"] = .num(c.lastTime)
            if let tau {
                let rm = c.restrictedMean(tau: tau)
                s["rmean"] = .num(rm.mean)
                s["rmean_se"] = .num(rm.stdErr)
            }
            if !probs.isEmpty {
                s["quantiles"] = .array(c.quantiles(probs, convention: convention.percentiles).map { q in
                    var o = JSONObject()
                    o["p"] = .num(q.probability)
                    o["time"] = .num(q.time)
                    o["lower"] = .num(q.lower)
                    o["upper"] = .num(q.upper)
                    return o.value
                })
            }
            if includeTable {
                s["table"] = .array(c.rows.map(\.json))
            }
            if !times.isEmpty {
                s["at"] = .array(c.survival(at: times).map { $0.json(lastTime: c.lastTime) })
            }
            if explain {
                s["explain"] = .array(c.explain.map { r in
                    var o = JSONObject()
                    o["time"] = .num(r.time)
                    o["n_risk"] = .int(r.nRisk)
                    o["n_event"] = .int(r.nEvent)
                    o["conditional_surv"] = .num(r.conditionalSurvival)
                    o["surv"] = .num(r.surv)
                    o["greenwood_term"] = .num(r.greenwoodTerm)
                    o["greenwood_sum"] = .num(r.greenwoodSum)
                    o["std_err"] = .num(r.stdErr)
                    o["n_censor"] = .int(r.nCensor)
                    o["lower"] = .num(r.lower)
                    o["upper"] = .num(r.upper)
                    return o.value
                })
            }
            strata.append(s.value)
        }
        j["strata"] = .array(strata)
        return j.value
    }
}
