// KMView+Explain.swift — `km ... explain`: the product-limit arithmetic at each event time, the
// Greenwood variance, the confidence limits with the transform and z written out, the tie rule,
// and how the median and its limits were read off the curves (issue 17: everything a student
// needs to redo the numbers by hand).

import SurvivalStats
import SurvshCore

extension KMView {
    /// The z of the pointwise limits: qnorm(1 − (1 − level)/2).
    var z: Double { Normal.quantile(1 - (1 - level) / 2) }

    func explainText() -> [String] {
        var out: [String] = []
        for (i, c) in curves.enumerated() {
            out.append("")
            out.append("Product-limit arithmetic, \(grouping.labels[i]) (event times only):")
            var ex = TextTable(["time", "n", "d", "c", "1-d/n", "S(t)", "d/(n(n-d))", "sum", "std.err", "lower", "upper"],
                               leftAligned: [])
            for r in c.explain {
                ex.add([f(r.time), String(r.nRisk), String(r.nEvent), String(r.nCensor), f(r.conditionalSurvival), f(r.surv),
                        f(r.greenwoodTerm), f(r.greenwoodSum), f(r.stdErr), f(r.lower), f(r.upper)])
            }
            out.append(ex.render())
            out += medianReadOff(c, label: grouping.labels[i])
        }
        out.append("n at risk just before the time; d events and c censored at it: a row censored at an event time")
        out.append("  is still in that time's risk set (censoring counts as just after the events), as R's survfit.")
        out.append("S(t) = product of (1 - d/n) over event times <= t; Greenwood: Var(log S) = sum of d/(n(n - d));")
        out.append("  std.err = S(t) sqrt(sum) (NA once S = 0).")
        out.append("Limits (\(percentText)): z = qnorm(\(NumberFormat.significant(1 - (1 - level) / 2, digits: 15))) = \(f(z)), "
                   + "se(log S) = sqrt(sum);")
        out.append("  \(limitFormula)")
        return out
    }

    /// The transform of the limits written with the explain table's names.
    var limitFormula: String {
        switch conf {
        case .log: return "lower, upper = exp(log S -/+ z sqrt(sum)) = S exp(-/+ z sqrt(sum)); upper capped at 1."
        case .logLog: return "lower, upper = S^exp(-/+ z sqrt(sum) / log S)  (= exp(-exp(log(-log S) -/+ z sqrt(sum) / log S)))."
        case .plain: return "lower, upper = S -/+ z std.err, clipped to [0, 1]."
        case .logit: return "lower, upper = expit(logit S -/+ z sqrt(sum) / (1 - S))."
        case .arcsin: return "lower, upper = sin^2(asin(sqrt S) -/+ z sqrt(sum) sqrt(S/(1 - S)) / 2)."
        }
    }

    /// How the median and its limits come from the event-time rows: under R and Stata, the first time
    /// S, the lower limit and the upper limit fall to 0.5 (R: a stretch at exactly 0.5 gives its
    /// midpoint); under SAS, the first time S is below 0.5 and the event times whose CI holds 0.5.
    func medianReadOff(_ c: KaplanMeierCurve, label: String) -> [String] {
        let tolerance = Double.ulpOfOne.squareRoot()
        let never = convention == .sas ? "never falls below 0.5" : "stays above 0.5"
        func line(_ name: String, _ reached: Double?, curve: String, _ value: (KaplanMeierExplainRow) -> Double?) -> String {
            let row = c.explain.first { value($0).map { $0 < 0.5 + tolerance } ?? false }
            guard let reached else { return "\(name): NA, \(curve) \(never)" }
            guard let row, row.time == reached else {
                return "\(name): \(f(reached)), the midpoint of the stretch where \(curve) is exactly 0.5"
            }
            let falls = convention == .sas && value(row).map { $0 < 0.5 - tolerance } == true ? "below 0.5" : "to <= 0.5"
            return "\(name): \(f(reached)), where \(curve) first falls \(falls) (\(f(value(row))))"
        }
        let m = median(c)
        let point = line("Median, \(label)", m.time, curve: "S(t)") { $0.surv }
        guard convention != .sas else {
            return [point,
                    "  \(lclHeader): " + (m.lower.map { "\(f($0)), the first event time whose CI holds 0.5" }
                                        ?? "NA, no event time's CI holds 0.5"),
                    "  \(uclHeader): " + (m.upper.map { "\(f($0)), the event time after the last one whose CI holds 0.5" }
                                        ?? "NA, the CI holds 0.5 up to the last event time")]
        }
        return [point,
                line("  \(lclHeader)", m.lower, curve: "the lower limit") { $0.lower },
                line("  \(uclHeader)", m.upper, curve: "the upper limit") { $0.upper }]
    }
}
