// LogrankView+Explain.swift — `logrank ... explain`: O − E and the variance contributions at each
// event time, then the totals as the full O − E vector and V matrix, and the chi-square as survdiff
// forms it, (O − E)' V⁻ (O − E) with the dropped group, the solved system and df written out
// (issue 17). Tables wider than 100 columns are split into one table per group.

import SurvivalStats
import SurvshCore

extension LogrankView {
    static let maxWidth = 100

    func explainText() -> [String] {
        let k = result.groupCount
        var out = [""]
        out.append("At each event time: n at risk, d events; per group j: n_j, d_j, E_j = w d n_j/n,")
        out.append("  O-E_j = w(d_j - d n_j/n), V_j = w^2 d(n-d)/(n-1) (n_j/n)(1 - n_j/n)")
        if result.rho != 0 { out.append("  w = S(t-)^rho, S the pooled Kaplan-Meier just before the time") }
        out.append("groups: " + (0..<k).map { "\($0 + 1) = \(grouping.labels[$0])" }.joined(separator: ", "))
        let wide = perTimeTable(groups: Array(0..<k))
        if wide.split(separator: "\n").allSatisfy({ $0.count <= LogrankView.maxWidth }) {
            out.append(wide)
        } else {
            for j in 0..<k {
                out.append("group \(j + 1) (\(grouping.labels[j])):")
                out.append(perTimeTable(groups: [j]))
            }
        }
        out.append("")
        out.append("Totals over the event times\(strata != nil ? " and strata" : ""):")
        var totals = TextTable(["group", "O", "E", "O-E"])
        for j in 0..<k {
            totals.add([String(j + 1), f(result.observed[j]), f(result.expected[j]), f(result.observed[j] - result.expected[j])])
        }
        out.append(totals.render())
        out.append("V, the variance matrix of O - E (off the diagonal: the sum of -w^2 d(n-d)/(n-1) (n_i/n)(n_j/n);")
        out.append("  each row sums to 0):")
        out.append(matrixTable(result.variance, labels: (0..<k).map { String($0 + 1) }))
        guard let q = result.chiSquareArithmetic else {
            out.append("No chi-square: " + (result.warnings.first ?? "fewer than two groups have expected events"))
            return out
        }
        let names = q.groups.map { String($0 + 1) }
        out.append("Chi-square = (O-E)' V^- (O-E): V has rank k - 1, so survdiff drops group \(q.dropped + 1) and solves "
                   + "W x = u")
        out.append("  over groups \(names.joined(separator: ", ")): u = O - E = (\(q.u.map { f($0) }.joined(separator: ", "))),")
        out.append("  W = V restricted to them:")
        out.append(matrixTable(q.w, labels: names, indent: "    "))
        out.append("  x = W^-1 u = (\(q.x.map { f($0) }.joined(separator: ", ")))")
        out.append("  chisq = u'x = " + zip(q.u, q.x).map { "(\(f($0)))(\(f($1)))" }.joined(separator: " + ")
                   + " = \(f(q.chisq))")
        out.append("  df = \(q.groups.count) (the groups with E > 0, minus 1); p = P(chi-square(df) > chisq) = "
                   + NumberFormat.pValue(result.p, digits: session.settings.digits))
        return out
    }

    /// The per-time arithmetic for the given groups.
    func perTimeTable(groups: [Int]) -> String {
        var header = ["time"]
        if strata != nil { header.insert("stratum", at: 0) }
        header += ["n", "d"]
        if result.rho != 0 { header.append("w") }
        for j in groups { header += ["n\(j + 1)", "d\(j + 1)", "E\(j + 1)", "O-E\(j + 1)", "V\(j + 1)"] }
        var table = TextTable(header, leftAligned: strata == nil ? [] : [0])
        for r in explainRows {
            var row: [String] = []
            if let strata { row.append(strata.labels[r.stratum]) }
            row += [f(r.time), String(r.nRisk), String(r.nEvent)]
            if result.rho != 0 { row.append(f(r.weight)) }
            for j in groups {
                row += [String(r.groupRisk[j]), String(r.groupEvents[j]), f(r.expected[j]),
                        f(r.observedMinusExpected[j]), f(r.variance[j])]
            }
            table.add(row)
        }
        return table.render()
    }

    func matrixTable(_ m: [[Double]], labels: [String], indent: String = "  ") -> String {
        var t = TextTable([""] + labels)
        for (a, row) in m.enumerated() { t.add([labels[a]] + row.map { f($0) }) }
        return t.render(indent: indent)
    }

    /// The quadratic form as JSON: the groups in it (1-based, as printed), u, W, x = W^-1 u, chisq.
    func chiSquareJSON(_ q: LogRankChiSquareArithmetic) -> JSONValue {
        .object([("dropped_group", .int(q.dropped + 1)), ("groups", .array(q.groups.map { .int($0 + 1) })),
                 ("u", .array(q.u.map { .num($0) })), ("w", .array(q.w.map { .array($0.map { .num($0) }) })),
                 ("x", .array(q.x.map { .num($0) })), ("chisq", .num(q.chisq))])
    }
}
