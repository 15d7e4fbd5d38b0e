// LogRank+ChiSquare.swift — the last step of survdiff's statistic written out, for `explain`.
//
// Contract
//   Input    : a LogRankResult.
//   Output   : LogRankChiSquareArithmetic — which groups enter (those with E > 0, the first of them
//              dropped), u = (O − E) over them, W = V restricted to them, x = W⁻¹u (solved as R's
//              solve) and chisq = u'x with df = the number of groups entering; nil when fewer than two
//              groups have E > 0 or W is singular (the result's warnings say so).
//   Method   : exactly the computation of LogRank.compute (LinearSolve, the same order), so u'x equals
//              the reported chisq bit for bit.
//   Reference: R survival 3.5 survdiff: `solve(vv[-1, -1], temp[-1])` over the groups with E > 0.

public struct LogRankChiSquareArithmetic: Sendable, Equatable {
    /// The groups in the quadratic form (indices into the result's groups).
    public let groups: [Int]
    /// The group dropped (the first with E > 0).
    public let dropped: Int
    /// u = O − E over `groups`.
    public let u: [Double]
    /// W = V over `groups` × `groups`.
    public let w: [[Double]]
    /// x = W⁻¹ u.
    public let x: [Double]
    /// u'x.
    public let chisq: Double
}

extension LogRankResult {
    public var chiSquareArithmetic: LogRankChiSquareArithmetic? {
        let keep = (0..<groupCount).filter { expected[$0] > 0 }
        guard keep.count >= 2 else { return nil }
        let idx = Array(keep.dropFirst())
        let u = idx.map { observed[$0] - expected[$0] }
        let w = idx.map { a in idx.map { b in variance[a][b] } }
        guard let x = LinearSolve.solve(w, u) else { return nil }
        return LogRankChiSquareArithmetic(groups: idx, dropped: keep[0], u: u, w: w, x: x,
                                          chisq: zip(x, u).reduce(0) { $0 + $1.0 * $1.1 })
    }
}
