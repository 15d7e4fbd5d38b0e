// CoxTimeRanks+Zero.swift — the evaluation at beta = 0 that starts every Cox fit, in one pass over the
// design instead of two.
//
// Contract
//   Inputs:   a CoxTimeRanks with its columns and events (not a kept start's compact form).
//   Outputs:  `evaluateAtZero(ties:)` is bit for bit `evaluate(0, ties:, information: true)`.
//   Why one pass: at beta = 0 every eta is +0 and every w = exp(0) = 1 (when every centered and
//     scaled design value is finite), so the risk-set sums S0 and the deaths d0 of each rank are its
//     row counts, and the per-rank weights v of the information pass (c_r, e_r cumulated; see
//     CoxTimeRanks.swift) depend on those counts only. They are computed first, from the counts, by
//     the same code (riskSetTerms) on buckets holding only the counts, so they are the same numbers;
//     then one pass over the rows adds w x to the buckets and v x x' to the information, on the same
//     blocks in the same order as the two passes of `evaluate` (the same numbers). The design is read
//     and copied into row blocks once instead of twice, and no exp is taken.
//   Fall-back: a row with a non-finite centered and scaled value (a column holding values near
//     ±1.8e308 overflows its mean or scale) has eta = NaN in `evaluate`; when the pass meets one it
//     returns `evaluate`'s result instead.

import CSurvshPrefetch
import Foundation

extension CoxTimeRanks {
    /// `evaluate([0, ...], ties:, information: true)` in one pass over the design (see the header).
    func evaluateAtZero(ties: CoxTies) -> CoxEvaluation {
        let p = self.p, d = rankCount, bs = bucketStride
        let chunks = CoxParallel.chunkCount(n)
        // the count-only terms give vN and vD (no loglik or score: those come from the real buckets)
        var unusedLoglik = 0.0, unusedScore = [Double](repeating: 0, count: p)
        let (vN, vD, _) = riskSetTerms(countBuckets(), ties: ties, information: false, likelihood: false, loglik: &unusedLoglik,
                                       score: &unusedScore)
        var buckets = [Double](repeating: 0, count: chunks * d * bs)
        var deathSums = [Double](repeating: 0, count: chunks * (1 + p))
        var partial = [Double](repeating: 0, count: chunks * p * p)
        var nonFinite = [Bool](repeating: false, count: chunks)
        buckets.withUnsafeMutableBufferPointer { bb in
        deathSums.withUnsafeMutableBufferPointer { db in
        partial.withUnsafeMutableBufferPointer { pb in
        nonFinite.withUnsafeMutableBufferPointer { nb in
        vN.withUnsafeBufferPointer { vnb in
        vD.withUnsafeBufferPointer { vdb in
        rank.withUnsafeBufferPointer { rkb in
        event.withUnsafeBufferPointer { evb in
            let sh = UncheckedBox((bb.baseAddress!, db.baseAddress!, pb.baseAddress!, nb.baseAddress!, vnb.baseAddress!,
                                   vdb.baseAddress!, rkb.baseAddress!, evb.baseAddress!))
            forEachBlock { k, lo, m, xb, wt, _ in
                let (bkAll, dsAll, pAll, nf, vn, vd, rk, ev) = sh.value
                let bk = bkAll + k * d * bs
                let ds = dsAll + k * (1 + p)
                // the bucket lines are prefetched first and the outer products done while they arrive
                // (as `evaluate`'s pass 1 does its exps), then the buckets' read-modify-writes
                for t in 0..<m {
                    let row = xb + t * p
                    let i = lo + t
                    let dies = ev[i]
                    let b = bk + Int(rk[i]) * bs + (dies ? 1 + p : 0)
                    survsh_prefetch_for_write(b)
                    survsh_prefetch_for_write(b + p)
                    for j in 0..<p where !row[j].isFinite { nf[k] = true }
                    let v = dies ? vd[Int(rk[i])] : vn[Int(rk[i])]
                    wt[t] = v == 0 ? 0 : v
                }
                accumulateWeightedOuterProducts(pAll + k * p * p, rows: xb, weights: wt, count: m, p: p)
                // w = 1: w x is x, and eta (+0) adds nothing to the deaths' sum
                for t in 0..<m {
                    let row = xb + t * p
                    let i = lo + t
                    let dies = ev[i]
                    let b = bk + Int(rk[i]) * bs + (dies ? 1 + p : 0)
                    b[0] += 1
                    for j in 0..<p { b[1 + j] += row[j] }
                    if dies { for j in 0..<p { ds[1 + j] += row[j] } }
                }
            }
        }}}}}}}}
        if nonFinite.contains(true) {
            return evaluate([Double](repeating: 0, count: p), ties: ties, information: true)
        }
        var (loglik, u) = chunkSums(deathSums, chunks: chunks)
        mergeChunkBuckets(&buckets, chunks: chunks)
        let (_, _, aa) = riskSetTerms(buckets, ties: ties, information: true, loglik: &loglik, score: &u)
        return CoxEvaluation(loglik: loglik, score: u, information: informationMatrix(partial, chunks: chunks, minus: aa))
    }

    /// Buckets (rankCount x bucketStride) holding only each rank's N0 and E0 at w = 1: its rows not
    /// dying and dying there (integers, so equal to the sums of ones that `evaluate` adds up).
    private func countBuckets() -> [Double] {
        let bs = bucketStride
        var out = [Double](repeating: 0, count: rankCount * bs)
        for r in 0..<rankCount {
            out[r * bs] = Double(rankRows[r] - rankDeaths[r])
            out[r * bs + 1 + p] = Double(rankDeaths[r])
        }
        return out
    }
}
