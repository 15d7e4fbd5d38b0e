// LogrankView.swift — renders log-rank results as text (print.survdiff layout) and as the JSON object
// of the contract.

import SurvivalStats
import SurvshCore

struct LogrankView {
    let session: Session
    let response: SurvivalResponse
    let formula: Formula
    let data: SurvivalData
    let grouping: Grouping
    let strata: Grouping?
    let result: LogRankResult
    let trend: LogRankTrend?
    let pairs: [LogRankPairwise]
    let adjustName: String
    let explainRows: [LogRankExplainRow]
    let showVariance: Bool

    func f(_ x: Double?) -> String { session.fmt(x) }

    var testName: String {
        if result.rho == 0 { return "Log-rank test" }
        if result.rho == 1 { return "Peto & Peto test (G-rho, rho = 1)" }
        return "Fleming-Harrington G-rho test (rho = \(NumberFormat.significant(result.rho, digits: 15)))"
    }

    var modelText: String {
        var rhs = formula.terms.map(\.label)
        if !formula.strata.isEmpty { rhs.append("strata(\(formula.strata.joined(separator: ", ")))") }
        return "\(response.label) ~ \(rhs.joined(separator: " + "))"
    }

    var convention: String {
        var s = "As R's survdiff: chisq over the groups with expected > 0; df = that count - 1"
        if result.rho != 0 { s += "; observed and expected are weighted by S(t-)^rho (pooled Kaplan-Meier)" }
        if let strata { s += "; stratified by \(formula.strata.joined(separator: ", ")) (\(strata.count) strata), O, E, V summed over strata" }
        return s
    }

    func summaryTable() -> ResultTable {
        var rows: [[String]] = []
        for g in 0..<result.groupCount {
            let o = result.observed[g], e = result.expected[g]
            rows.append([session.displayGroup(grouping.labels[g]), String(result.n[g]), f(o), f(e), f((o - e) * (o - e) / e),
                         f((o - e) * (o - e) / result.variance[g][g])])
        }
        return ResultTable(title: "\(testName): \(modelText)",
                           header: ["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"], rows: rows,
                           footnotes: [chisqLine, convention], name: "summary")
    }

    /// The pairwise tests (with `pairwise`), nil otherwise.
    func pairwiseTable() -> ResultTable? {
        guard !pairs.isEmpty else { return nil }
        let pv = { (p: Double?) in NumberFormat.pValue(p, digits: session.settings.digits) }
        return ResultTable(title: "Pairwise \(result.rho == 0 ? "log-rank" : "G-rho") tests (each pair on its own rows, 1 df; "
                               + "p adjusted: \(adjustName))",
                           header: ["group", "vs", "chisq", "p", "p.adjusted"],
                           rows: pairs.map { pair in
                               [session.displayGroup(grouping.labels[pair.groupA]), session.displayGroup(grouping.labels[pair.groupB]), f(pair.chisq), pv(pair.p), pv(pair.pAdjusted)]
                           },
                           name: "pairwise")
    }

    /// Every table the text shows, in order, for `export`.
    func tables() -> [ResultTable] { [summaryTable()] + [pairwiseTable()].compactMap { $0 } }

    var chisqLine: String {
        "Chisq = \(f(result.chisq)) on \(result.df) degrees of freedom, p = \(NumberFormat.pValue(result.p, digits: session.settings.digits))"
    }

    func text() -> String {
        var out: [String] = []
        out.append("\(testName): \(modelText) (\(data.countsText))")
        out.append(summaryTable().textTable())
        out.append("")
        out.append(chisqLine)

        if showVariance {
            out.append("")
            out.append("Variance matrix of O - E:")
            var v = TextTable([""] + grouping.labels.map(session.displayGroup))
            for a in 0..<result.groupCount {
                v.add([session.displayGroup(grouping.labels[a])] + result.variance[a].map { f($0) })
            }
            out.append(v.render())
        }

        if let trend {
            out.append("")
            let scores = trend.scores.map { NumberFormat.significant($0, digits: 15) }.joined(separator: ", ")
            out.append("Test for trend (scores \(scores)): U = s'(O-E) = \(f(trend.statistic)), s'Vs = \(f(trend.variance))")
            out.append("Chisq = U^2/(s'Vs) = \(f(trend.chisq)) on 1 degree of freedom, p = "
                       + NumberFormat.pValue(trend.p, digits: session.settings.digits))
        }

        if let p = pairwiseTable() {
            out.append("")
            out.append(p.title + ":")
            out.append(p.textTable(leftAligned: [0, 1]))
        }

        if !explainRows.isEmpty { out += explainText() }
        out.append("")
        out.append(convention + ".")
        return out.joined(separator: "\n")
    }

    func json() -> JSONValue {
        var j = JSONObject(command: "logrank")
        j["outcome"] = .string(response.label)
        j["test"] = .string(testName)
        j["rho"] = .num(result.rho)
        j["n"] = .int(data.n)
        j["events"] = .int(data.events)
        j["dropped"] = .int(data.dropped)
        j["chisq"] = .num(result.chisq)
        j["df"] = .int(result.df)
        j["p"] = .num(result.p)
        j["groups"] = .array((0..<result.groupCount).map { g in
            var o = JSONObject()
            o["label"] = .string(grouping.labels[g])
            o["n"] = .int(result.n[g])
            o["events"] = .int(result.events[g])
            o["observed"] = .num(result.observed[g])
            o["expected"] = .num(result.expected[g])
            return o.value
        })
        j["variance"] = .array(result.variance.map { .array($0.map { .num($0) }) })
        if let strata {
            j["strata_variables"] = .array(formula.strata.map { .string($0) })
            j["strata"] = .array((0..<strata.count).map { s in
                var o = JSONObject()
                o["label"] = .string(strata.labels[s])
                o["n"] = .int(result.nByStratum[s])
                o["observed"] = .array(result.observedByStratum[s].map { .num($0) })
                o["expected"] = .array(result.expectedByStratum[s].map { .num($0) })
                return o.value
            })
        }
        if let trend {
            var o = JSONObject()
            o["scores"] = .array(trend.scores.map { .num($0) })
            o["u"] = .num(trend.statistic)
            o["v"] = .num(trend.variance)
            o["chisq"] = .num(trend.chisq)
            o["df"] = .int(trend.df)
            o["p"] = .num(trend.p)
            j["trend"] = o.value
        }
        if !pairs.isEmpty {
            var o = JSONObject()
            o["adjust"] = .string(adjustName)
            o["pairs"] = .array(pairs.map { p in
                var q = JSONObject()
                q["a"] = .string(grouping.labels[p.groupA])
                q["b"] = .string(grouping.labels[p.groupB])
                q["chisq"] = .num(p.chisq)
                q["df"] = .int(p.df)
                q["p"] = .num(p.p)
                q["p_adjusted"] = .num(p.pAdjusted)
                return q.value
            })
            j["pairwise"] = o.value
        }
        if !explainRows.isEmpty {
            j["explain"] = .array(explainRows.map { r in
                var o = JSONObject()
                if let strata { o["stratum"] = .string(strata.labels[r.stratum]) }
                o["time"] = .num(r.time)
                o["n_risk"] = .int(r.nRisk)
                o["n_event"] = .int(r.nEvent)
                o["weight"] = .num(r.weight)
                o["groups"] = .array((0..<result.groupCount).map { g in
                    var q = JSONObject()
                    q["n_risk"] = .int(r.groupRisk[g])
                    q["n_event"] = .int(r.groupEvents[g])
                    q["expected"] = .num(r.expected[g])
                    q["o_minus_e"] = .num(r.observedMinusExpected[g])
                    q["variance"] = .num(r.variance[g])
                    return q.value
                })
                return o.value
            })
            if let q = result.chiSquareArithmetic { j["chisq_arithmetic"] = chiSquareJSON(q) }
        }
        j["convention"] = .string(convention)
        return j.value
    }
}
