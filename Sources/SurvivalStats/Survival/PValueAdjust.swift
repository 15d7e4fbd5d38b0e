// PValueAdjust — R's p.adjust (holm, hochberg, bonferroni, BH, BY, none) for the pairwise log-rank tests.
//
// Contract
//   Input:  p-values (no NA), the method. Output: adjusted p-values in the same order.
//   Reference: R stats::p.adjust (Holm 1979; Hochberg 1988; Benjamini & Hochberg 1995;
//            Benjamini & Yekutieli 2001). n = number of p-values.
//   Note: internal; if SurvivalStats gains a shared PAdjust, LogRank.adjustP should call it instead.
enum PValueAdjust {
    static func adjust(_ p: [Double], method: LogRankAdjust) -> [Double] {
        let n = p.count
        if n == 0 { return [] }
        let nd = Double(n)
        switch method {
        case .none: return p
        case .bonferroni: return p.map { min(1, nd * $0) }
        case .holm:
            let o = p.indices.sorted { p[$0] < p[$1] }
            var out = [Double](repeating: 0, count: n)
            var running = 0.0
            for (rank, i) in o.enumerated() {
                running = max(running, (nd - Double(rank)) * p[i])
                out[i] = min(1, running)
            }
            return out
        case .hochberg, .bh, .by:
            let o = p.indices.sorted { p[$0] > p[$1] }
            let q = method == .by ? (1...n).reduce(0.0) { $0 + 1 / Double($1) } : 1
            var out = [Double](repeating: 0, count: n)
            var running = Double.infinity
            for (rank, i) in o.enumerated() {
                let iR = nd - Double(rank)          // i = n:1
                let f = method == .hochberg ? (nd - iR + 1) : q * nd / iR
                running = min(running, f * p[i])
                out[i] = min(1, running)
            }
            return out
        }
    }
}
