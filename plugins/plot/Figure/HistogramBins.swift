// HistogramBins.swift — histogram breaks and counts as R's `hist()` computes them.
//
// Inputs: values (non-finite ones are ignored) and optionally explicit break points.
// Output: breaks (increasing) and the count in each interval.
// Convention (R's hist.default): the number of classes is Sturges' ceiling(log2(n) + 1); breaks are
// `pretty(range(x), n = classes, min.n = 1)`; intervals are right-closed (a, b] with the first one
// closed [a, b]; break points are moved outwards by a fuzz of 1e-7 × (the median bin width when there
// are more than 5 breaks, the data range when there are at most 3, else the smallest bin width) so
// that values equal to a break up to rounding fall in the lower bin.
// Reference: R documentation of `hist` and `nclass.Sturges`; checked against R in
// Tests/PlotPluginTests/Reference/figure_stats.json.

import Foundation

/// Histogram bins: `breaks.count == counts.count + 1`.
public struct HistogramBins: Sendable, Equatable {
    public var breaks: [Double]
    public var counts: [Int]
    /// Number of finite values counted.
    public var n: Int

    /// Bins of `values` as R's `hist(values)` (or `hist(values, breaks = breaks)`).
    /// Values outside explicit breaks are not counted (R stops with an error there; the figure
    /// simply leaves them out and `n` still counts all finite values).
    public init(values: [Double], breaks explicit: [Double]? = nil) {
        let x = values.filter { $0.isFinite }
        n = x.count
        var b: [Double]
        if let explicit, explicit.filter({ $0.isFinite }).count > 1 {
            b = explicit.filter { $0.isFinite }.sorted()
        } else if let lo = x.min(), let hi = x.max() {
            let classes = HistogramBins.sturgesClasses(x.count)
            b = prettyBreaks(min: lo, max: hi, n: classes, minN: 1)
        } else {
            b = []
        }
        breaks = b
        guard b.count > 1 else {
            counts = []
            return
        }
        let widths = zip(b.dropFirst(), b).map { $0 - $1 }
        let diddle: Double
        if b.count > 5 {
            diddle = 1e-7 * HistogramBins.median(widths)
        } else if b.count <= 3 {
            diddle = 1e-7 * ((x.max() ?? 0) - (x.min() ?? 0))
        } else {
            diddle = 1e-7 * (widths.filter { $0 > 0 }.min() ?? 0)
        }
        var fuzzy = b.map { $0 + diddle }
        fuzzy[0] = b[0] - diddle
        var c = [Int](repeating: 0, count: b.count - 1)
        for v in x {
            guard v >= fuzzy[0], v <= fuzzy[fuzzy.count - 1] else { continue }
            // first break index j with v <= fuzzy[j]; the bin is j - 1 (first bin closed below).
            var loIdx = 0
            var hiIdx = fuzzy.count - 1
            while hiIdx - loIdx > 1 {
                let mid = (loIdx + hiIdx) / 2
                if v <= fuzzy[mid] { hiIdx = mid } else { loIdx = mid }
            }
            c[loIdx] += 1
        }
        counts = c
    }

    /// Sturges' number of classes, R's `nclass.Sturges`: ceiling(log2(n) + 1).
    public static func sturgesClasses(_ n: Int) -> Int {
        guard n > 0 else { return 1 }
        return Int((log2(Double(n)) + 1).rounded(.up))
    }

    private static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }
}
