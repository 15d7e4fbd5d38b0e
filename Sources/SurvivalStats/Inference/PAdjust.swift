// PAdjust.swift — p-value adjustment for multiple comparisons, as R's p.adjust.
//
// Contract
//   Inputs   : p-values (NaN = missing, kept in place and not counted), a method, and optionally the
//              number of comparisons n (default: the number of non-missing p-values; must be ≥ that).
//   Outputs  : adjusted p-values in the input order, capped at 1.
//   Method   : with p_(1) ≤ … ≤ p_(m) sorted and n comparisons:
//                bonferroni  min(1, n p)
//                holm        running maximum over increasing p of (n − i + 1) p_(i)
//                hochberg    running minimum over decreasing p of (n − i + 1) p_(i)
//                BH (fdr)    running minimum over decreasing p of n/i · p_(i)
//                BY          as BH times q = Σ_{k=1..n} 1/k
//                hommel      Hommel's closed procedure (Wright 1992's formulation)
//                none        unchanged
//   Reference: Holm (1979); Hochberg (1988); Hommel (1988); Benjamini & Hochberg (1995);
//              Benjamini & Yekutieli (2001); Wright (1992), "Adjusted p-values for simultaneous inference".
//   R convention: p.adjust(p, method, n); n ≤ 1 returns p unchanged; hommel with n = 2 is hochberg.

import Foundation

/// Multiple-comparison adjustment of p-values as R's `p.adjust`.
public enum PAdjust {

    /// The adjustment methods, spelled as R spells them.
    public enum Method: String, Sendable, CaseIterable, Equatable {
        case holm, hochberg, hommel, bonferroni
        case bh = "BH"
        case by = "BY"
        case fdr
        case none
    }

    /// Adjusted p-values in input order. NaN entries stay NaN and are not counted in the default n.
    /// `n` (number of comparisons) defaults to the number of non-NaN p-values and is raised to at least that.
    public static func adjust(_ p: [Double], method: Method, n: Int? = nil) -> [Double] {
        let present = p.indices.filter { !p[$0].isNaN }
        let values = present.map { p[$0] }
        let lp = values.count
        let comparisons = max(n ?? lp, lp)
        if comparisons <= 1 { return p }
        let adjusted = adjustComplete(values, method: method, n: comparisons)
        var result = p
        for (k, index) in present.enumerated() { result[index] = adjusted[k] }
        return result
    }

    private static func adjustComplete(_ p: [Double], method: Method, n: Int) -> [Double] {
        let lp = p.count
        if lp == 0 { return [] }
        let nd = Double(n)
        switch method {
        case .none:
            return p
        case .bonferroni:
            return p.map { min(1, nd * $0) }
        case .holm:
            let order = stableOrder(p, decreasing: false)
            var result = [Double](repeating: 0, count: lp)
            var running = -Double.infinity
            for (i, index) in order.enumerated() {
                running = max(running, (nd - Double(i + 1) + 1) * p[index])
                result[index] = min(1, running)
            }
            return result
        case .hochberg, .bh, .fdr, .by:
            let order = stableOrder(p, decreasing: true)
            var q = 1.0
            if method == .by {
                var s = 0.0
                for k in 1...n { s += 1 / Double(k) }
                q = s
            }
            var result = [Double](repeating: 0, count: lp)
            var running = Double.infinity
            for (position, index) in order.enumerated() {
                let i = Double(lp - position)  // rank among the sorted p-values, largest first
                let value: Double
                switch method {
                case .hochberg: value = (nd + 1 - i) * p[index]
                case .by: value = q * nd / i * p[index]
                default: value = nd / i * p[index]
                }
                running = min(running, value)
                result[index] = min(1, running)
            }
            return result
        case .hommel:
            if n == 2 { return adjustComplete(p, method: .hochberg, n: n) }
            return hommel(p, n: n)
        }
    }

    /// Hommel's method: with the n p-values sorted (missing comparisons count as p = 1),
    /// for m = n, n−1, …, 2 the adjusted values are raised to the minimum of m·p_(i) and the
    /// Simes bound min_{k} m p_(n−m+k)/k over the last m−1 values.
    private static func hommel(_ pIn: [Double], n: Int) -> [Double] {
        let lp = pIn.count
        var p = pIn
        if n > lp { p += [Double](repeating: 1, count: n - lp) }
        let order = stableOrder(p, decreasing: false)
        let sorted = order.map { p[$0] }
        let nd = Double(n)
        var initial = Double.infinity
        for i in 0..<n { initial = min(initial, nd * sorted[i] / Double(i + 1)) }
        var q = [Double](repeating: initial, count: n)
        var pa = q
        if n >= 3 {
            for m in stride(from: n - 1, through: 2, by: -1) {
                let md = Double(m)
                // i2 = the last m − 1 positions (n − m + 2 … n in R's 1-based indexing)
                var q1 = Double.infinity
                for k in 2...m { q1 = min(q1, md * sorted[n - m + k - 1] / Double(k)) }
                for i in 0..<(n - m + 1) { q[i] = min(md * sorted[i], q1) }
                for i in (n - m + 1)..<n { q[i] = q[n - m] }
                for i in 0..<n { pa[i] = max(pa[i], q[i]) }
            }
        }
        var adjustedSorted = [Double](repeating: 0, count: n)
        for i in 0..<n { adjustedSorted[i] = max(pa[i], sorted[i]) }
        var result = [Double](repeating: 0, count: n)
        for (position, index) in order.enumerated() { result[index] = adjustedSorted[position] }
        return Array(result.prefix(lp))
    }

    /// Indices that sort p (stable, as R's order()).
    private static func stableOrder(_ p: [Double], decreasing: Bool) -> [Int] {
        p.indices.sorted { a, b in
            if p[a] != p[b] { return decreasing ? p[a] > p[b] : p[a] < p[b] }
            return a < b
        }
    }
}
