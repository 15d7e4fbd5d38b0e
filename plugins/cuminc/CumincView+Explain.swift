// CumincView+Explain.swift — `cuminc ... explain`: the Aalen–Johansen steps at each failure time (the
// event-free survival just before, each cause's hazard and the increment it adds to its cumulative
// incidence), and the variance and CI rules written out, so the numbers can be redone by hand.

import SurvivalStats
import SurvshCore

extension CumincView {
    /// Rows of a curve with at least one failure.
    func failureRows(_ c: CompetingRisksCurve) -> [Int] {
        c.time.indices.filter { i in c.nEvent.contains { $0[i] > 0 } }
    }

    /// S(t-) at row i: S after the previous row (1 at the first).
    func survivalBefore(_ c: CompetingRisksCurve, _ i: Int) -> Double { i == 0 ? 1 : c.survival[i - 1] }

    func explainText() -> [String] {
        var out: [String] = []
        for (g, c) in fit.curves.enumerated() {
            out.append("")
            out.append("Aalen-Johansen steps, \(labels[g]) (failure times only):")
            var header = ["time", "n"] + causes.map { "d(\($0))" } + ["S(t-)"]
            for k in causes { header += ["S(t-)d(\(k))/n", "F(\(k))"] }
            header.append("S(t)")
            var t = TextTable(header, leftAligned: [])
            for i in failureRows(c) {
                let before = survivalBefore(c, i)
                var row = [f(c.time[i]), String(c.nRisk[i])] + c.nEvent.map { String($0[i]) } + [f(before)]
                for k in 0..<causes.count {
                    row += [f(before * Double(c.nEvent[k][i]) / Double(c.nRisk[i])), f(c.incidence[k][i])]
                }
                row.append(f(c.survival[i]))
                t.add(row)
            }
            out.append(t.render())
        }
        out.append("n at risk just before the time; d(k) failures of cause k at it (censored rows at a failure time are")
        out.append("  still at risk). S(t-) is the Kaplan-Meier of the first failure of any cause just before t;")
        out.append("  F(k) grows by S(t-) d(k)/n at each failure time: the chance to be event-free until t, times the")
        out.append("  hazard of cause k at t. S(t) = S(t-) (1 - d/n), d = failures of all causes. F(1) + ... + S(t) = 1.")
        out.append("std.err: Gray's variance (cmprsk's cinc): sums v1, v2, v3 gain S(t-)^2 t d/n^2 (a^2, ab, b^2) with")
        out.append("  b = 1/S(t), a = 1 + F b for the cause's own failures and a = F b for other causes', t = 1 - (d-1)/(n-1);")
        out.append("  Var F = v1 + F^2 v3 - 2 F v2, recorded at the cause's own failure times.")
        out.append("Limits (\(percentText)): z = \(f(Normal.quantile(1 - (1 - level) / 2))); \(limitFormula)")
        return out
    }

    var limitFormula: String {
        switch conf {
        case .logLog: return "lower, upper = F^exp(-/+ z se/(F log F))."
        case .plain: return "lower, upper = F -/+ z se, clipped to [0, 1]."
        default: return "lower, upper = F exp(-/+ z se/F), upper capped at 1."
        }
    }

    func explainJSON(_ c: CompetingRisksCurve) -> JSONValue {
        .array(failureRows(c).map { i in
            var o = JSONObject()
            let before = survivalBefore(c, i)
            o["time"] = .num(c.time[i])
            o["n_risk"] = .int(c.nRisk[i])
            o["n_event"] = .array(c.nEvent.map { .int($0[i]) })
            o["surv_before"] = .num(before)
            o["increment"] = .array(c.nEvent.map { .num(before * Double($0[i]) / Double(c.nRisk[i])) })
            o["estimate"] = .array(c.incidence.map { .num($0[i]) })
            o["std_err"] = .array(c.variance.map { .num($0[i].squareRoot()) })
            o["surv"] = .num(c.survival[i])
            return o.value
        })
    }
}
