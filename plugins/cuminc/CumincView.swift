// CumincView.swift — renders a competing-risks fit as text (summary, times=, Gray's tests, the life
// tables, the convention lines) and as the JSON object documented in docs/json.md (`cuminc`).

import SurvivalStats
import SurvshCore

struct CumincView {
    let session: Session
    let fit: CompetingRisksFit
    let conf: KaplanMeierConfType
    let level: Double
    let times: [Double]
    let showTable: Bool
    let explain: Bool

    var outcome: CompetingRisksOutcome { fit.outcome }
    var labels: [String] { fit.grouping.labels }
    /// A group's label as printed text names it (`set labels=on`: by the columns' variable labels).
    func shownLabel(_ g: Int) -> String { session.displayGroup(labels[g]) }
    var causes: [String] { outcome.causeLabels }

    func f(_ x: Double?) -> String { session.fmt(x) }
    func pv(_ p: Double?) -> String { NumberFormat.pValue(p, digits: session.settings.digits) }
    var percentText: String { NumberFormat.significant(level * 100, digits: 15) + "%" }

    /// One value of a curve at a time, with its std.err and CI (all nil past the follow-up).
    struct Point {
        var time: Double
        var estimate: Double?
        var stdErr: Double?
        var lower: Double?
        var upper: Double?
        var nRisk: Int
    }

    func point(_ c: CompetingRisksCurve, cause k: Int, at t: Double) -> Point {
        guard let v = c.value(cause: k, at: t) else { return Point(time: t, nRisk: c.nRisk(at: t)) }
        let ci = CompetingRisksCI.limits(incidence: v.incidence, variance: v.variance, type: conf, level: level)
        return Point(time: t, estimate: v.incidence, stdErr: v.variance.squareRoot(), lower: ci.lower, upper: ci.upper,
                     nRisk: c.nRisk(at: t))
    }

    // MARK: conventions

    var estimateConvention: String {
        "estimate: Aalen-Johansen (cmprsk::cuminc est = survfit multi-state pstate); std.err: Gray's (cmprsk)"
    }
    var ciConvention: String {
        "CI: \(conf.rawValue) transform of F, survfit_confint's formula\(conf == .log ? " (survfit's default)" : ""), level "
            + NumberFormat.significant(level, digits: 15) + " (cmprsk prints no CI)"
    }
    var testConvention: String? {
        guard !fit.tests.isEmpty else { return nil }
        var s = "Gray's test: cmprsk::cuminc $Tests (rho = 0), chi-square on groups - 1 df"
        if let st = fit.strata { s += "; stratified by \(fit.plan.formula.strata.joined(separator: ", ")) (\(st.count) strata)" }
        return s
    }
    var conventions: [String] {
        ["status: " + outcome.coding, estimateConvention, ciConvention] + [testConvention].compactMap { $0 }
    }

    // MARK: tables

    func summaryTable() -> ResultTable {
        var rows: [[String]] = []
        for (g, c) in fit.curves.enumerated() {
            for k in 1...causes.count {
                let p = point(c, cause: k, at: c.lastTime ?? 0)
                rows.append([shownLabel(g), causes[k - 1], String(c.n), String(c.events[k - 1]), f(c.lastTime), f(p.estimate),
                             f(p.stdErr), f(p.lower), f(p.upper)])
            }
        }
        return ResultTable(title: "Cumulative incidence (Aalen-Johansen): \(fit.modelText)",
                           header: ["", "cause", "n", "failures", "last time", "estimate", "std.err",
                                    "lower \(percentText) CI", "upper \(percentText) CI"],
                           rows: rows, footnotes: conventions, name: "summary")
    }

    /// Cumulative incidence at `times=` (cmprsk::timepoints), nil without times=.
    func timesTable() -> ResultTable? {
        guard !times.isEmpty else { return nil }
        var rows: [[String]] = []
        var beyond = false
        for (g, c) in fit.curves.enumerated() {
            for k in 1...causes.count {
                for t in times {
                    let p = point(c, cause: k, at: t)
                    if p.estimate == nil { beyond = true }
                    rows.append([shownLabel(g), causes[k - 1], f(t), String(p.nRisk), f(p.estimate), f(p.stdErr), f(p.lower), f(p.upper)])
                }
            }
        }
        return ResultTable(title: "Cumulative incidence at given times (cmprsk::timepoints)",
                           header: ["", "cause", "time", "n.risk", "estimate", "std.err",
                                    "lower \(percentText) CI", "upper \(percentText) CI"],
                           rows: rows,
                           footnotes: beyond ? ["NA: after the group's last follow-up time (or before 0), as cmprsk::timepoints."] : [],
                           name: "times")
    }

    func testsTable() -> ResultTable? {
        guard !fit.tests.isEmpty else { return nil }
        return ResultTable(title: "Gray's test, groups \(labels.indices.map(shownLabel).joined(separator: ", "))",
                           header: ["cause", "chisq", "df", "p"],
                           rows: fit.tests.map { t in [causes[t.cause - 1], f(t.chisq), String(t.df), pv(t.p)] },
                           name: "gray")
    }

    /// One table a group (with `table`): every distinct time.
    func lifeTables() -> [ResultTable] {
        guard showTable else { return [] }
        return fit.curves.enumerated().map { g, c in
            var header = ["time", "n.risk", "n.censor"] + causes.map { "d(\($0))" } + ["S(t)"]
            for k in causes { header += ["F(\(k))", "se(\(k))"] }
            let rows = c.time.indices.map { i -> [String] in
                var r = [f(c.time[i]), String(c.nRisk[i]), String(c.nCensor[i])] + c.nEvent.map { String($0[i]) } + [f(c.survival[i])]
                for k in 0..<causes.count { r += [f(c.incidence[k][i]), f(c.variance[k][i].squareRoot())] }
                return r
            }
            return ResultTable(title: "Life table, \(shownLabel(g))", header: header, rows: rows,
                               name: fit.curves.count == 1 ? "table" : "table:\(labels[g])")
        }
    }

    /// Every table the text shows, in order, for `export`.
    func tables() -> [ResultTable] {
        [summaryTable()] + [timesTable(), testsTable()].compactMap { $0 } + lifeTables()
    }

    // MARK: text

    func text() -> String {
        var out: [String] = []
        out.append("Cumulative incidence (Aalen-Johansen): \(fit.modelText) (\(fit.countsText))")
        out.append("At each group's last follow-up time:")
        out.append(summaryTable().textTable(leftAligned: [0, 1]))
        for t in [timesTable(), testsTable()].compactMap({ $0 }) + lifeTables() {
            out.append("")
            out.append(t.title + ":")
            out.append(t.textTable(leftAligned: t.name == "times" || t.name == "gray" ? [0, 1] : []))
            out += t.footnotes
        }
        if explain { out += explainText() }
        out.append("")
        out += conventions.map { $0 + "." }
        return out.joined(separator: "\n")
    }

    // MARK: JSON

    func pointJSON(_ p: Point) -> JSONValue {
        var o = JSONObject()
        o["time"] = .num(p.time)
        o["n_risk"] = .int(p.nRisk)
        o["estimate"] = .num(p.estimate)
        o["std_err"] = .num(p.stdErr)
        o["lower"] = .num(p.lower)
        o["upper"] = .num(p.upper)
        return o.value
    }

    func json(includeTable: Bool) -> JSONValue {
        var j = JSONObject(command: "cuminc")
        j["outcome"] = .string(fit.plan.response.label)
        j["groups"] = .array(fit.plan.formula.terms.map { .string($0.label) })
        if !fit.plan.formula.strata.isEmpty { j["strata_variables"] = .array(fit.plan.formula.strata.map { .string($0) }) }
        j["n"] = .int(outcome.n)
        j["dropped"] = .int(outcome.dropped)
        j["censor"] = .string(outcome.censorLabel)
        j["causes"] = .array(causes.map { .string($0) })
        j["events"] = .array(outcome.eventCounts.map { .int($0) })
        j["coding"] = .string(outcome.coding)
        j["variance"] = .string("gray")
        j["conf_type"] = .string(conf.rawValue)
        j["level"] = .num(level)
        j["curves"] = .array(fit.curves.enumerated().map { g, c in
            var o = JSONObject()
            o["label"] = .string(labels[g])
            o["n"] = .int(c.n)
            o["last_time"] = .num(c.lastTime)
            o["causes"] = .array((1...causes.count).map { k in
                var q = JSONObject()
                q["cause"] = .string(causes[k - 1])
                q["events"] = .int(c.events[k - 1])
                let last = point(c, cause: k, at: c.lastTime ?? 0)
                for key in ["estimate", "std_err", "lower", "upper"] { q[key] = pointJSON(last)[key] }
                if !times.isEmpty { q["at"] = .array(times.map { pointJSON(point(c, cause: k, at: $0)) }) }
                if includeTable || showTable {
                    q["table"] = .array(c.time.indices.map { i in
                        var r = JSONObject()
                        r["time"] = .num(c.time[i])
                        r["n_risk"] = .int(c.nRisk[i])
                        r["n_event"] = .int(c.nEvent[k - 1][i])
                        r["n_censor"] = .int(c.nCensor[i])
                        r["survival"] = .num(c.survival[i])
                        let p = point(c, cause: k, at: c.time[i])
                        r["estimate"] = .num(p.estimate)
                        r["std_err"] = .num(p.stdErr)
                        r["lower"] = .num(p.lower)
                        r["upper"] = .num(p.upper)
                        return r.value
                    })
                }
                return q.value
            })
            if explain { o["explain"] = explainJSON(c) }
            return o.value
        })
        j["tests"] = .array(fit.tests.map { t in
            var o = JSONObject()
            o["cause"] = .string(causes[t.cause - 1])
            o["chisq"] = .num(t.chisq)
            o["df"] = .int(t.df)
            o["p"] = .num(t.p)
            return o.value
        })
        j["convention"] = .string(conventions.joined(separator: "; "))
        return j.value
    }
}
