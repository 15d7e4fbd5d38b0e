// BoxStats.swift — the statistics a box plot draws, as R's `boxplot.stats()`.
//
// Inputs: values (non-finite ones are ignored) and the whisker coefficient (R's coef, 1.5).
// Output: Tukey's five numbers (`fivenum`: minimum, lower hinge, median, upper hinge, maximum), with
// the whisker ends moved in to the most extreme values within coef × (upper − lower hinge) of the
// hinges when any value lies beyond; those values are the outliers (in input order); the notch
// interval median ± 1.58 × IQR / sqrt(n).
// Reference: R documentation of `fivenum` and `boxplot.stats` (Tukey 1977, McGill et al. 1978);
// checked against R in Tests/PlotPluginTests/Reference/figure_stats.json.

import Foundation

/// Box-plot statistics of one group.
public struct BoxStats: Sendable, Equatable {
    /// Lower whisker end, lower hinge, median, upper hinge, upper whisker end.
    public var stats: [Double]
    /// Number of finite values.
    public var n: Int
    /// Notch limits (median ± 1.58 IQR / sqrt(n)).
    public var notchLower: Double
    public var notchUpper: Double
    /// Values beyond the whiskers, in input order.
    public var outliers: [Double]

    public init(values: [Double], coef: Double = 1.5) {
        let x = values.filter { $0.isFinite }
        n = x.count
        var s = BoxStats.fivenum(x)
        let iqr = s[3] - s[1]
        var out: [Double] = []
        if coef > 0 && n > 0 {
            let lowFence = s[1] - coef * iqr
            let highFence = s[3] + coef * iqr
            out = x.filter { $0 < lowFence || $0 > highFence }
            if !out.isEmpty {
                let inside = x.filter { !($0 < lowFence || $0 > highFence) }
                if let lo = inside.min(), let hi = inside.max() {
                    s[0] = lo
                    s[4] = hi
                }
            }
        }
        stats = s
        outliers = out
        let half = n > 0 ? 1.58 * iqr / Double(n).squareRoot() : .nan
        notchLower = s[2] - half
        notchUpper = s[2] + half
    }

    /// Tukey's five-number summary as R's `fivenum` (NaN × 5 for no values).
    public static func fivenum(_ values: [Double]) -> [Double] {
        let x = values.filter { $0.isFinite }.sorted()
        let n = x.count
        guard n > 0 else { return [Double](repeating: .nan, count: 5) }
        let n4 = (Double((n + 3) / 2)) / 2      // floor((n + 3) / 2) / 2
        let depths = [1, n4, Double(n + 1) / 2, Double(n + 1) - n4, Double(n)]
        return depths.map { d in
            0.5 * (x[Int(d.rounded(.down)) - 1] + x[Int(d.rounded(.up)) - 1])
        }
    }
}
