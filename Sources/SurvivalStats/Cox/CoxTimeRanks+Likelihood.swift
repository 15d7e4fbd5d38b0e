// CoxTimeRanks+Likelihood.swift — the two passes of CoxTimeRanks (see its header for the algorithm):
// risk-set buckets by rank, the Efron/Breslow terms per event rank, and the information as a
// per-row weighted sum of outer products.

import CSurvshKernels
import CSurvshPrefetch
import Foundation

extension CoxTimeRanks {
    /// Rows transformed at a time into a row-major scratch block (fits in the L1 cache with p = 10).
    static let blockRows = 256

    /// Copies rows lo ..< lo + m of the design into `xb` (row-major, m x p), centered and scaled.
    /// It asks for the next block's lines of each column while it copies (one line in 8 values): the
    /// copy waited on the column reads (most of its samples at 10^6 rows, a tenth of a fit's CPU).
    /// With `beta`, also each row's eta = x beta into `etas` (m values), added up column by column:
    /// the same additions as a row's own loop over its columns (0 + x_0 b_0 + x_1 b_1 + ...), made
    /// for eight rows at once instead of as one chain of p dependent additions per row.
    /// Where the processor has AVX2, CSurvshKernels' kernel does it (four rows by four columns at a
    /// time, transposed in registers: the same operations per value; CoxKernelTests).
    @inline(__always)
    func transformBlock(_ cols: UnsafePointer<UnsafePointer<Double>>, lo: Int, m: Int, into xb: UnsafeMutablePointer<Double>,
                        beta: UnsafePointer<Double>? = nil, etas: UnsafeMutablePointer<Double>? = nil) {
        precondition((beta == nil) == (etas == nil), "transformBlock: beta and etas go together")
        let ahead = min(Self.blockRows, n - lo - m)   // the next block's rows of the column, while in range
        #if arch(x86_64)
        if CPUFeatures.avx2 {
            center.withUnsafeBufferPointer { c in
                scale.withUnsafeBufferPointer { s in
                    cols.withMemoryRebound(to: UnsafePointer<Double>?.self, capacity: p) { cp in
                        survsh_transform_block_avx2(cp, lo, m, p, c.baseAddress, s.baseAddress, xb, beta, etas, ahead)
                    }
                }
            }
            return
        }
        #endif
        Self.transformBlockPortable(cols, lo: lo, m: m, p: p, center: center, scale: scale, into: xb, beta: beta, etas: etas,
                                    ahead: ahead)
    }

    /// `transformBlock` in Swift.
    @inline(__always)
    static func transformBlockPortable(_ cols: UnsafePointer<UnsafePointer<Double>>, lo: Int, m: Int, p: Int, center: [Double],
                                       scale: [Double], into xb: UnsafeMutablePointer<Double>, beta: UnsafePointer<Double>?,
                                       etas: UnsafeMutablePointer<Double>?, ahead: Int) {
        if let etas { etas.update(repeating: 0, count: m) }
        for j in 0..<p {
            let col = cols[j] + lo, c = center[j], s = scale[j], b = beta?[j] ?? 0
            var t = 0
            while t < m {
                if t < ahead { survsh_prefetch_for_read(col + m + t) }
                for u in t..<min(t + 8, m) {
                    let v = (col[u] - c) * s
                    xb[u * p + j] = v
                    if let etas { etas[u] += v * b }
                }
                t += 8
            }
        }
    }

    /// Runs body(k, lo, m, xb, scratch, columns) on every block of rows lo ..< lo + m (at most
    /// `blockRows`) of every CoxParallel chunk k, with xb the block's design rows centered and scaled
    /// (row-major), `scratch` room for `blockRows` values and `columns` the design columns as stored;
    /// polls the cancellation between blocks.
    /// With `beta`, `scratch` holds the block's etas (transformBlock).
    func forEachBlock(beta: [Double]? = nil, _ body: (Int, Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>,
                                                   UnsafePointer<UnsafePointer<Double>>) -> Void) {
        let chunks = CoxParallel.chunkCount(n)
        let rgs = CoxParallel.ranges(n, chunks: chunks)
        let betaCopy = beta.map { b -> UnsafeMutablePointer<Double> in
            precondition(b.count == p, "forEachBlock: \(b.count) coefficients for \(p) columns")
            let q = UnsafeMutablePointer<Double>.allocate(capacity: max(p, 1))
            q.initialize(from: b, count: p)
            return q
        }
        defer { betaCopy?.deallocate() }
        columns.withUnsafeBufferPointer { colArr in
            var ptrs: [UnsafePointer<Double>] = []
            for j in 0..<p { ptrs.append(colArr[j].withUnsafeBufferPointer { $0.baseAddress! }) }
            ptrs.withUnsafeBufferPointer { cp in
                let sh = UncheckedBox((cp.baseAddress ?? UnsafePointer(bitPattern: 8)!, betaCopy.map { UnsafePointer($0) }))
                CoxParallel.run(chunks) { k in
                    let (colsBase, betaPointer) = sh.value
                    let xb = UnsafeMutablePointer<Double>.allocate(capacity: Self.blockRows * (p + 1))
                    defer { xb.deallocate() }
                    var poll = CancelPoll(cancel)
                    var lo = rgs[k].lowerBound
                    while lo < rgs[k].upperBound {
                        let m = min(Self.blockRows, rgs[k].upperBound - lo)
                        if poll.stop(after: m) { break }
                        let scratch = xb + Self.blockRows * p
                        transformBlock(colsBase, lo: lo, m: m, into: xb, beta: betaPointer, etas: betaPointer == nil ? nil : scratch)
                        body(k, lo, m, xb, scratch, colsBase)
                        lo += m
                    }
                }
            }
        }
    }

    /// Loglik, score and information (when `information`) at `beta` (scaled units).
    func evaluate(_ beta: [Double], ties: CoxTies, information: Bool) -> CoxEvaluation {
        evaluate(beta, ties: ties, information: information, linearPredictor: nil).evaluation
    }

    /// `evaluate`, and with `information` and a `plan` also the linear predictor X coef - offset of
    /// every row (input order), made in the information pass from the design block it has just read,
    /// into the storage of the risk scores that pass is done with: the same additions in the same
    /// order as CoxFit.linearPredictor (the same numbers), without another pass over the n x p design.
    func evaluate(_ beta: [Double], ties: CoxTies, information: Bool, linearPredictor plan: CoxLinearPredictorPlan?)
        -> (evaluation: CoxEvaluation, linearPredictor: [Double]?) {
        let p = self.p, d = rankCount, bs = bucketStride
        let chunks = CoxParallel.chunkCount(n)
        var risk = [Double](unsafeUninitializedCapacity: n) { _, c in c = n }
        var buckets = [Double](repeating: 0, count: chunks * d * bs)
        // per chunk: sum of eta over the deaths, then sum of x over the deaths (p)
        var deathSums = [Double](repeating: 0, count: chunks * (1 + p))

        // ---- pass 1: eta, w = exp(eta), buckets by rank
        risk.withUnsafeMutableBufferPointer { rb in
        buckets.withUnsafeMutableBufferPointer { bb in
        deathSums.withUnsafeMutableBufferPointer { db in
        rank.withUnsafeBufferPointer { rkb in
        event.withUnsafeBufferPointer { evb in
            let sh = UncheckedBox((rb.baseAddress!, bb.baseAddress, db.baseAddress!, rkb.baseAddress!, evb.baseAddress!))
            forEachBlock(beta: beta) { k, lo, m, xb, etas, _ in
                let (wp, bkAll, dsAll, rk, ev) = sh.value
                let bk = bkAll! + k * d * bs
                let ds = dsAll + k * (1 + p)
                // w of the block's rows first (their etas come with the block), then their bucket
                // additions: the additions are read-modify-writes at random ranks of buckets larger
                // than the L2 cache (4 MB a chunk at 10^6 rows and 22,000 times), so the first loop
                // also prefetches each row's bucket lines (the first and the last of its 1 + p values),
                // which arrive during the exps: the read-modify-writes then hit the cache instead of
                // stalling a row at a time (61% of this pass waited on the first bucket load before).
                // The same additions in the same order as in one loop: the same numbers.
                for t in 0..<m {
                    let b = bk + Int(rk[lo + t]) * bs + (ev[lo + t] ? 1 + p : 0)
                    survsh_prefetch_for_write(b)
                    survsh_prefetch_for_write(b + p)
                    wp[lo + t] = exp(etas[t])
                }
                for t in 0..<m {
                    let row = xb + t * p
                    let i = lo + t
                    let w = wp[i]
                    let dies = ev[i]
                    let b = bk + Int(rk[i]) * bs + (dies ? 1 + p : 0)
                    b[0] += w
                    for j in 0..<p { b[1 + j] += w * row[j] }
                    if dies {
                        ds[0] += etas[t]
                        for j in 0..<p { ds[1 + j] += row[j] }
                    }
                }
            }
        }}}}}
        var (loglik, u) = chunkSums(deathSums, chunks: chunks)
        mergeChunkBuckets(&buckets, chunks: chunks)
        let (vN, vD, aa) = riskSetTerms(buckets, ties: ties, information: information, loglik: &loglik, score: &u)
        guard information else { return (CoxEvaluation(loglik: loglik, score: u, information: []), nil) }

        // ---- pass 2: I = sum_i v_i w_i x_i x_i' - sum_r sum_k a_k a_k'
        var partial = [Double](repeating: 0, count: chunks * p * p)
        partial.withUnsafeMutableBufferPointer { pb in
        risk.withUnsafeMutableBufferPointer { rb in
        vN.withUnsafeBufferPointer { vnb in
        vD.withUnsafeBufferPointer { vdb in
        rank.withUnsafeBufferPointer { rkb in
        event.withUnsafeBufferPointer { evb in
            let sh = UncheckedBox((pb.baseAddress, rb.baseAddress!, vnb.baseAddress!, vdb.baseAddress!, rkb.baseAddress!,
                                   evb.baseAddress!))
            forEachBlock { k, lo, m, xb, wt, cols in
                let (pAll, wp, vn, vd, rk, ev) = sh.value
                for t in 0..<m {
                    let i = lo + t
                    let v = ev[i] ? vd[Int(rk[i])] : vn[Int(rk[i])]
                    // a row in no risk set adds nothing, even when its w overflowed (as coxfit6)
                    wt[t] = v == 0 ? 0 : v * wp[i]
                }
                accumulateWeightedOuterProducts(pAll! + k * p * p, rows: xb, weights: wt, count: m, p: p)
                if let plan { plan.write(rows: lo, count: m, columns: cols, into: wp + lo) }
            }
        }}}}}}
        let info = informationMatrix(partial, chunks: chunks, minus: aa)
        return (CoxEvaluation(loglik: loglik, score: u, information: info), plan == nil ? nil : risk)
    }
}

extension CoxTimeRanks {
    /// The log-likelihood's sum of eta over the deaths and the score's sum of x over the deaths, from
    /// the per-chunk sums (1 + p values per chunk) added in chunk order.
    func chunkSums(_ deathSums: [Double], chunks: Int) -> (loglik: Double, score: [Double]) {
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        for k in 0..<chunks {
            loglik += deathSums[k * (1 + p)]
            for j in 0..<p { u[j] += deathSums[k * (1 + p) + 1 + j] }
        }
        return (loglik, u)
    }

    /// Adds chunk k's buckets to chunk 0's in chunk order, the values split among the threads.
    func mergeChunkBuckets(_ buckets: inout [Double], chunks: Int) {
        guard chunks > 1 else { return }
        let size = rankCount * bucketStride
        buckets.withUnsafeMutableBufferPointer { bb in
            let sh = UncheckedBox(bb.baseAddress!)
            let parts = CoxParallel.ranges(size, chunks: chunks)
            CoxParallel.run(chunks) { j in
                let b = sh.value
                for k in 1..<chunks { for q in parts[j] { b[q] += b[k * size + q] } }
            }
        }
    }

    /// The event ranks' Efron/Breslow terms from the merged buckets (the first rankCount x
    /// bucketStride values): subtracts their logs from `loglik` and their means from `score`, and gives
    /// each rank's weight v of a row not dying (vN) and dying (vD) at it, and (with `information`)
    /// sum_k a_k a_k' (lower triangle, p x p). vN and vD depend on the buckets' N0 and E0 only; without
    /// `likelihood` the loglik and score are left as they are (no log taken).
    /// The logs of Efron's denominators are taken of their products, up to 8 at a time (`LogSum`): one
    /// log per death was a single-threaded 0.2 s of a fit of 10^7 rows with 6 x 10^6 deaths.
    /// The per-death sums of each event rank (`RankTerms`, over its d deaths: a division and a log
    /// product each) depend on the rank's own risk-set size and deaths only, so they are made first, on
    /// both threads over ranges of ranks (from 2^16 deaths on); the sums over the ranks then run on
    /// one thread in the order they always did: the same numbers. (At 10^7 rows the per-death loop was
    /// 25-30 ms on one thread, four times per fit, while the other core waited.)
    func riskSetTerms(_ buckets: [Double], ties: CoxTies, information: Bool, likelihood: Bool = true, loglik: inout Double,
                      score u: inout [Double]) -> (vN: [Double], vD: [Double], aa: [Double]) {
        let p = self.p, d = rankCount, bs = bucketStride
        let terms = rankTerms(buckets, efron: ties == .efron, likelihood: likelihood)
        // ---- event ranks: c_r, e_r, the score and sum_k a_k a_k', descending within each stratum
        var vN = [Double](repeating: 0, count: d)      // weight v of a row not dying at its rank
        var vD = [Double](repeating: 0, count: d)      // ... of a row dying at its rank
        var aa = [Double](repeating: 0, count: p * p)
        var s1 = [Double](repeating: 0, count: p), t1 = [Double](repeating: 0, count: p)
        for s in 0..<strataCount {
            for j in 0..<p { t1[j] = 0 }
            for r in stride(from: rankBounds[s + 1] - 1, through: rankBounds[s], by: -1) {
                let b = r * bs
                if rankDeaths[r] > 0 {
                    for j in 0..<p { s1[j] = t1[j] + buckets[b + 1 + j] }
                    let term = terms[r]
                    if likelihood { loglik -= term.logs }
                    let d1 = b + 2 + p
                    if likelihood { for j in 0..<p { u[j] -= term.c * s1[j] + term.e * buckets[d1 + j] } }
                    if information {
                        for q in 0..<p {
                            let sq = s1[q], dq = buckets[d1 + q]
                            for r2 in 0...q {
                                let sr = s1[r2], dr2 = buckets[d1 + r2]
                                aa[q * p + r2] += term.alpha * sq * sr + term.beta * (sq * dr2 + dq * sr) + term.gamma * dq * dr2
                            }
                        }
                    }
                }
                for j in 0..<p { t1[j] += buckets[b + 1 + j] + buckets[b + 2 + p + j] }
            }
            // v: c cumulated over the event ranks at or below r (e_r instead of c_r for a death at r)
            var cum = 0.0
            for r in rankBounds[s]..<rankBounds[s + 1] {
                if rankDeaths[r] > 0 { vD[r] = cum + terms[r].e; cum += terms[r].c }
                vN[r] = cum
            }
        }
        return (vN, vD, aa)
    }

    /// One event rank's sums over its d deaths (Efron: den_k = S0 + f_k E0, f_k = k/d; Breslow, or one
    /// death: d terms of den = S0 + E0): c = sum 1/den, e = sum f/den, alpha, beta, gamma = sum 1, f,
    /// f^2 over den^2, and logs = sum log den.
    struct RankTerms {
        var c = 0.0, e = 0.0, alpha = 0.0, beta = 0.0, gamma = 0.0, logs = 0.0
    }

    /// `RankTerms` of every event rank (zero for the others), from the merged buckets: each rank's S0
    /// (the rows at ranks above it in its stratum, and its own rows not dying) in one pass down each
    /// stratum, then the per-death sums over ranges of ranks on the CoxParallel threads.
    func rankTerms(_ buckets: [Double], efron: Bool, likelihood: Bool) -> [RankTerms] {
        let p = self.p, d = rankCount, bs = bucketStride
        var riskSize = [Double](repeating: 0, count: d)
        var deaths = 0
        for s in 0..<strataCount {
            var t0 = 0.0                                  // risk-set sum over the ranks above r
            for r in stride(from: rankBounds[s + 1] - 1, through: rankBounds[s], by: -1) {
                let n0 = buckets[r * bs], e0 = buckets[r * bs + 1 + p]
                riskSize[r] = t0 + n0
                deaths += Int(rankDeaths[r])
                t0 += n0 + e0
            }
        }
        var terms = [RankTerms](repeating: RankTerms(), count: d)
        let pieces = deaths < 1 << 16 ? 1 : CoxParallel.fixedChunks
        // ranges of ranks holding about equal numbers of deaths (any cut gives the same terms)
        var cuts = [0]
        var seen = 0
        for r in 0..<d where cuts.count < pieces {
            seen += Int(rankDeaths[r])
            if seen * pieces >= deaths * cuts.count { cuts.append(r + 1) }
        }
        while cuts.count <= pieces { cuts.append(d) }
        terms.withUnsafeMutableBufferPointer { tb in
        riskSize.withUnsafeBufferPointer { sb in
        buckets.withUnsafeBufferPointer { bb in
        rankDeaths.withUnsafeBufferPointer { db in
            let sh = UncheckedBox((tb.baseAddress!, sb.baseAddress!, bb.baseAddress!, db.baseAddress!))
            CoxParallel.run(pieces) { k in
                let (out, size, bk, dth) = sh.value
                for r in cuts[k]..<cuts[k + 1] where dth[r] > 0 {
                    out[r] = Self.terms(riskSize: size[r], deathWeight: bk[r * bs + 1 + p], deaths: Int(dth[r]), efron: efron,
                                        likelihood: likelihood)
                }
            }
        }}}}
        return terms
    }

    @inline(__always)
    static func terms(riskSize s0: Double, deathWeight e0: Double, deaths dr: Int, efron: Bool, likelihood: Bool) -> RankTerms {
        var t = RankTerms()
        if !efron || dr == 1 {
            let den = s0 + e0, dd = Double(dr)
            if likelihood { t.logs = dd * log(den) }
            let inv = 1 / den
            t.c = dd * inv; t.e = t.c
            t.alpha = dd * inv * inv; t.beta = t.alpha; t.gamma = t.alpha
        } else {
            let dd = Double(dr)
            var logs = LogSum()
            for k in 1...dr {
                let f = Double(k) / dd
                let den = s0 + f * e0
                if likelihood { logs.add(den) }
                let inv = 1 / den, inv2 = inv * inv
                t.c += inv; t.e += f * inv
                t.alpha += inv2; t.beta += f * inv2; t.gamma += f * f * inv2
            }
            t.logs = logs.total
        }
        return t
    }

    /// sum_i v_i w_i x_i x_i' from the per-chunk partial sums (p x p each, lower triangle) added in
    /// chunk order, minus `aa`, made symmetric.
    func informationMatrix(_ partial: [Double], chunks: Int, minus aa: [Double]) -> [Double] {
        var info = [Double](repeating: 0, count: p * p)
        for k in 0..<chunks { for q in 0..<(p * p) { info[q] += partial[k * p * p + q] } }
        for q in 0..<p { for r2 in 0...q { info[q * p + r2] -= aa[q * p + r2] } }
        symmetrizeFromLower(&info, p: p)
        return info
    }
}

/// The sum of the logs of positive numbers, taken as the logs of their products up to 8 at a time
/// (a number outside [2^-100, 2^100], or not a positive finite one, has its own log: a product of 8
/// in range is a normal number). The same sum up to rounding, about 8 ulp of each product.
struct LogSum {
    private(set) var sum = 0.0
    private var product = 1.0
    private var terms = 0

    @inline(__always)
    mutating func add(_ x: Double) {
        guard x >= 0x1p-100 && x <= 0x1p100 else {
            sum += log(x)
            return
        }
        product *= x
        terms += 1
        if terms == 8 {
            sum += log(product)
            product = 1
            terms = 0
        }
    }

    var total: Double { terms == 0 ? sum : sum + log(product) }
}
