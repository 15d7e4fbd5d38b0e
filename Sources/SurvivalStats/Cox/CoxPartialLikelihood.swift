// CoxPartialLikelihood.swift — log partial likelihood, score and information in one pass.
//
// Contract
//   Inputs:   a CoxRiskSet (sorted, scaled data), coefficients in the scaled units, ties.
//   Outputs:  loglik, score vector U (p), information matrix I (p x p, row-major, symmetric);
//             optionally the per-block quantities needed by score residuals.
//   Algorithm (O(n p^2), no per-event rescans):
//     1. eta = X beta, r = exp(eta) (vectorizable).
//     2. One backward sweep per stratum over the stop-sorted rows (adding rows as time
//        decreases) and, for counting-process data, over the start-sorted rows (removing rows
//        whose start is >= the event time) keeps the risk-set sums S0 = sum r, S1 = sum r x.
//        At each event block with d deaths (sums D0, D1 over the deaths, R0 = S0 - D0 over the
//        others) the Efron terms k = 1..d use S0_k = R0 + (k/d) D0, a_k = S1_k / S0_k:
//          loglik += sum_deaths eta - sum_k log S0_k,   U += sum_deaths x - sum_k a_k,
//        and I = sum_k (S2_k / S0_k - a_k a_k'). Breslow (or d = 1) uses one term with weight d.
//     3. The second-moment part sum_k S2_k / S0_k is not accumulated per block: it equals
//        sum_i w_i r_i x_i x_i' where w_i = sum over the blocks at which row i is at risk of
//        c_b = sum_k 1/S0_k (or, at its own death block, e_b = sum_k (k/d)/S0_k). The w_i come
//        from prefix sums of c_b over blocks, so I = sum_i w_i r_i x_i x_i' - sum_b sum_k a_k a_k'.
//     Threads (CoxParallel, large n only): eta/r and the w_i r_i x_i x_i' sum run on row chunks;
//     the backward sweep is cut at a time boundary into two segments, the earlier one starting
//     from the risk-set sums of the later rows. Chunks and segments depend on n only and partial
//     sums are combined in a fixed order, so the result is the same for every number of threads.
//   Reference: Efron (1977) JASA 72:557; Breslow (1974) Biometrics 30:89; Therneau & Grambsch
//             (2000) §3.3; the cumulative-hazard form of the information is the Nelson–Aalen
//             representation of the risk-set sums (Andersen, Borgan, Gill & Keiding 1993, §VII.2).
//   R convention: identical to survival's coxfit6 / agfit4 (Efron weights (k/d), the k-th term
//             of a tied block adds k/d of the deaths' risk to the others').

import CSurvshKernels
import Foundation

struct CoxEvaluation: Sendable {
    var loglik: Double
    var score: [Double]
    var information: [Double]
}

/// Per-block quantities kept for residuals (all in scaled units).
struct CoxBlockTerms: Sendable {
    /// c_b and e_b (see file header).
    var c: [Double]
    var e: [Double]
    /// Per block, p values each: G_b = sum_k a_k / S0_k, Ge_b = sum_k f_k a_k / S0_k, abar_b = mean_k a_k.
    var g: [Double]
    var ge: [Double]
    var abar: [Double]
}

extension CoxRiskSet {
    /// eta = x beta (scaled units) and r = exp(eta - shift), in sorted order.
    /// Right-censored data: no shift, as coxfit6, so that an overflowing (or all-underflowing) risk
    /// set gives a non-finite log-likelihood at the same trial points as R and the step is halved
    /// there as in R. Counting-process data: a shift by a constant when |eta| is huge (agfit4
    /// recentres its running sums likewise); it leaves every likelihood quantity unchanged.
    func riskScores(_ beta: [Double]) -> (eta: [Double], risk: [Double]) {
        var eta = [Double](unsafeUninitializedCapacity: n) { _, c in c = n }
        var risk = [Double](unsafeUninitializedCapacity: n) { _, c in c = n }
        let p = self.p
        let chunks = CoxParallel.chunkCount(n)
        let rgs = CoxParallel.ranges(n, chunks: chunks)
        var lims = [Double](repeating: 0, count: 2 * chunks)
        x.withUnsafeBufferPointer { xb in
        beta.withUnsafeBufferPointer { bb in
        eta.withUnsafeMutableBufferPointer { eb in
        risk.withUnsafeMutableBufferPointer { rb in
        lims.withUnsafeMutableBufferPointer { lb in
            let sh = UncheckedBox((xb.baseAddress!, bb.baseAddress!, eb.baseAddress!, rb.baseAddress!, lb.baseAddress!))
            CoxParallel.run(chunks) { k in
                let (xp, bp, ep, rp, lp) = sh.value
                var emax = -Double.infinity, emin = Double.infinity
                var poll = CancelPoll(cancel)
                for i in rgs[k] {
                    var s = 0.0
                    let row = i * p
                    for j in 0..<p { s += xp[row + j] * bp[j] }
                    ep[i] = s
                    emax = max(emax, s); emin = min(emin, s)
                    rp[i] = exp(s)
                    if poll.stop() { break }
                }
                lp[2 * k] = emax; lp[2 * k + 1] = emin
            }
        }}}}}
        var emax = -Double.infinity, emin = Double.infinity
        for k in 0..<chunks { emax = max(emax, lims[2 * k]); emin = min(emin, lims[2 * k + 1]) }
        if counting && (emax > 500 || emin < -500) {
            // |eta| this large would overflow exp: shift by a constant (the likelihood is invariant)
            let shift = 0.5 * (emax + emin)
            for i in 0..<n { eta[i] -= shift; risk[i] = exp(eta[i]) }
        }
        return (eta, risk)
    }

    /// Whether some |x beta| exceeds 200 (agfit4's recentring threshold).
    func largeLinearPredictor(_ beta: [Double]) -> Bool {
        x.withUnsafeBufferPointer { xp in
            for i in 0..<n {
                var s = 0.0
                for j in 0..<p { s += xp[i * p + j] * beta[j] }
                if abs(s) > 200 { return true }
            }
            return false
        }
    }

    /// The backward sweep over the sorted rows `rows` (a union of whole time groups): adds the
    /// per-block terms to loglik, u and aa (lower triangle of sum a a') and fills c, e (and the
    /// residual terms) for the blocks of those rows. Risk-set sums start from the rows of the same
    /// stratum that lie after the range.
    func backwardSegment(rows: Range<Int>, eta: [Double], risk: [Double], ties: CoxTies, wantInfo: Bool,
                         loglik llOut: UnsafeMutablePointer<Double>, u up: UnsafeMutablePointer<Double>,
                         aa aap: UnsafeMutablePointer<Double>,
                         cb cbp: UnsafeMutablePointer<Double>, eb ebp: UnsafeMutablePointer<Double>,
                         gb gbp: UnsafeMutablePointer<Double>?, geb gebp: UnsafeMutablePointer<Double>?,
                         abar abp: UnsafeMutablePointer<Double>?) {
        let p = self.p
        let efron = ties == .efron
        let wantTerms = gbp != nil
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 7 * p + 4)
        scratch.initialize(repeating: 0, count: 7 * p + 4)
        defer { scratch.deallocate() }
        let s1p = scratch, d1p = scratch + p, ap = scratch + 2 * p
        let batch = scratch + 3 * p, bw = scratch + 7 * p
        var nbatch = 0
        var loglik = 0.0
        @inline(__always) func flush() {
            accumulateWeightedOuterProducts(aap, rows: batch, weights: bw, count: nbatch, p: p)
            nbatch = 0
        }
        @inline(__always) func push(_ w: Double) {
            let dst = batch + nbatch * p
            for q in 0..<p { dst[q] = ap[q] }
            bw[nbatch] = w
            nbatch += 1
            if nbatch == 4 { flush() }
        }
        x.withUnsafeBufferPointer { xb in
        risk.withUnsafeBufferPointer { rb in
        eta.withUnsafeBufferPointer { eb2 in
        stop.withUnsafeBufferPointer { stb in
        event.withUnsafeBufferPointer { evb in
        start.withUnsafeBufferPointer { sab in
        startOrder.withUnsafeBufferPointer { sob in
        blockTime.withUnsafeBufferPointer { btb in
        blockDeaths.withUnsafeBufferPointer { bdb in
        stopBlock.withUnsafeBufferPointer { sbk in
            let xp = xb.baseAddress!, rp = rb.baseAddress!, ep = eb2.baseAddress!, stp = stb.baseAddress!
            let evp = evb.baseAddress!
            let sap = sab.baseAddress, sop = sob.baseAddress
            let btp = btb.baseAddress, bdp = bdb.baseAddress
            var poll = CancelPoll(cancel)
            strata: for s in 0..<strataCount {
                let sLo = strataBounds[s], sHi = strataBounds[s + 1]
                let lo = max(sLo, rows.lowerBound), hi = min(sHi, rows.upperBound)
                if lo >= hi { continue }
                var s0 = 0.0
                var nrisk = 0
                for q in 0..<p { s1p[q] = 0 }
                // rows of this stratum after the range are already at risk
                for i in hi..<sHi {
                    let r = rp[i]
                    s0 += r
                    let row = xp + i * p
                    for q in 0..<p { s1p[q] += r * row[q] }
                    nrisk += 1
                }
                var i = hi - 1                 // next stop-sorted row to add
                var polledAt = i               // rows added since the last poll: polledAt - i
                var j = sHi - 1                // next start-sorted row to remove
                var b = Int(sbk[hi - 1])
                let bLow = lo > sLo ? Int(sbk[lo - 1]) + 1 : blockBounds[s]
                while b >= bLow {
                    if poll.stop(after: polledAt - i + 1) { break strata }
                    polledAt = i
                    let t = btp![b]
                    var d0 = 0.0
                    var deta = 0.0
                    for q in 0..<p { d1p[q] = 0 }
                    // add rows with stop >= t
                    while i >= lo && stp[i] >= t {
                        let r = rp[i]
                        let row = xp + i * p
                        if evp[i] != 0 && stp[i] == t {
                            d0 += r
                            deta += ep[i]
                            for q in 0..<p {
                                let xv = row[q]
                                d1p[q] += r * xv
                                up[q] += xv
                            }
                        } else {
                            s0 += r
                            for q in 0..<p { s1p[q] += r * row[q] }
                        }
                        nrisk += 1
                        i -= 1
                    }
                    // remove rows whose start >= t
                    if counting {
                        while j >= sLo {
                            let k = Int(sop![j])
                            if sap![k] < t { break }
                            nrisk -= 1
                            if nrisk == 0 {
                                s0 = 0
                                for q in 0..<p { s1p[q] = 0 }
                            } else {
                                let r = rp[k]
                                s0 -= r
                                let row = xp + k * p
                                for q in 0..<p { s1p[q] -= r * row[q] }
                            }
                            j -= 1
                        }
                    }
                    let dcount = Int(bdp![b])
                    loglik += deta
                    if !efron || dcount == 1 {
                        let den = s0 + d0
                        let dd = Double(dcount)
                        loglik -= dd * log(den)
                        let inv = 1 / den
                        for q in 0..<p {
                            ap[q] = (s1p[q] + d1p[q]) * inv
                            up[q] -= dd * ap[q]
                        }
                        if wantInfo { push(dd) }
                        cbp[b] = dd * inv
                        ebp[b] = dd * inv
                        if wantTerms {
                            for q in 0..<p {
                                gbp![b * p + q] = dd * ap[q] * inv
                                gebp![b * p + q] = dd * ap[q] * inv
                                abp![b * p + q] = ap[q]
                            }
                        }
                    } else {
                        let dd = Double(dcount)
                        var c = 0.0, e = 0.0
                        for k in 0..<dcount {
                            let f = Double(k + 1) / dd
                            let den = s0 + f * d0
                            loglik -= log(den)
                            c += 1 / den
                            e += f / den
                            for q in 0..<p {
                                ap[q] = (s1p[q] + f * d1p[q]) / den
                                up[q] -= ap[q]
                            }
                            if wantInfo { push(1) }
                            if wantTerms {
                                for q in 0..<p {
                                    gbp![b * p + q] += ap[q] / den
                                    gebp![b * p + q] += f * ap[q] / den
                                    abp![b * p + q] += ap[q] / dd
                                }
                            }
                        }
                        cbp[b] = c
                        ebp[b] = e
                    }
                    // the deaths join the risk set for earlier times
                    s0 += d0
                    for q in 0..<p { s1p[q] += d1p[q] }
                    b -= 1
                }
            }
            if wantInfo { flush() }
        }}}}}}}}}}
        llOut.pointee = loglik
    }

    /// Loglik, score and information at `beta` (scaled units). Counting-process data with some
    /// |eta| > 200 are evaluated as agfit4 does, recentring on the way (CoxPartialLikelihood+Recentred).
    func evaluate(_ beta: [Double], ties: CoxTies, information wantInfo: Bool = true) -> CoxEvaluation {
        if counting && largeLinearPredictor(beta) { return evaluateRecentred(beta, ties: ties) }
        let (eta, risk) = riskScores(beta)
        return evaluate(eta: eta, risk: risk, ties: ties, information: wantInfo, blockTerms: nil)
    }

    func evaluate(eta: [Double], risk: [Double], ties: CoxTies, information wantInfo: Bool,
                  blockTerms: UnsafeMutablePointer<CoxBlockTerms>?) -> CoxEvaluation {
        let p = self.p
        let nb = blockCount
        let wantTerms = blockTerms != nil
        var cb = [Double](repeating: 0, count: nb)
        var eb = [Double](repeating: 0, count: nb)
        var gb = wantTerms ? [Double](repeating: 0, count: nb * p) : []
        var geb = wantTerms ? [Double](repeating: 0, count: nb * p) : []
        var abarb = wantTerms ? [Double](repeating: 0, count: nb * p) : []

        // Split the sorted rows at a time boundary into two segments processed concurrently: the
        // earlier segment starts from the risk-set sums of the later rows of its stratum.
        var cuts = [0, n]
        if CoxParallel.chunkCount(n) > 1 {
            var m = Int(Double(n) * 0.42)
            while m < n && m > 0 && stop[m] == stop[m - 1] { m += 1 }
            if m > 0 && m < n { cuts = [0, m, n] }
        }
        let nseg = cuts.count - 1
        // per segment: loglik, u (p), aa (p*p)
        var segOut = [Double](repeating: 0, count: nseg * (1 + p + p * p))
        let outStride = 1 + p + p * p
        cb.withUnsafeMutableBufferPointer { cbb in
        eb.withUnsafeMutableBufferPointer { ebb in
        gb.withUnsafeMutableBufferPointer { gbb in
        geb.withUnsafeMutableBufferPointer { gebb in
        abarb.withUnsafeMutableBufferPointer { abb in
        segOut.withUnsafeMutableBufferPointer { sob in
            // (an empty array's baseAddress need not be nil: pass nil explicitly when not wanted)
            let sh = UncheckedBox((cbb.baseAddress, ebb.baseAddress, wantTerms ? gbb.baseAddress : nil,
                                   wantTerms ? gebb.baseAddress : nil, wantTerms ? abb.baseAddress : nil,
                                   sob.baseAddress!))
            CoxParallel.run(nseg) { k in
                let (cbp, ebp, gbp, gebp, abp, outp) = sh.value
                let out = outp + k * outStride
                backwardSegment(rows: cuts[k]..<cuts[k + 1], eta: eta, risk: risk, ties: ties, wantInfo: wantInfo,
                                loglik: out, u: out + 1, aa: out + 1 + p,
                                cb: cbp!, eb: ebp!, gb: gbp, geb: gebp, abar: abp)
            }
        }}}}}}
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var aa = [Double](repeating: 0, count: p * p)
        for k in 0..<nseg {
            let o = k * outStride
            loglik += segOut[o]
            for q in 0..<p { u[q] += segOut[o + 1 + q] }
            for q in 0..<(p * p) { aa[q] += segOut[o + 1 + p + q] }
        }
        var info = [Double](repeating: 0, count: wantInfo ? p * p : 0)
        if wantInfo {
            // prefix sums of c over blocks (global; ranges never cross strata)
            var pc = [Double](repeating: 0, count: nb + 1)   // pc[b+1] = sum_{b' <= b} c
            for b in 0..<nb { pc[b + 1] = pc[b] + cb[b] }
            let chunks = CoxParallel.chunkCount(n)
            let rgs = CoxParallel.ranges(n, chunks: chunks)
            var partial = [Double](repeating: 0, count: chunks * p * p)
            partial.withUnsafeMutableBufferPointer { pb in
            x.withUnsafeBufferPointer { xb in
            risk.withUnsafeBufferPointer { rb in
            stopBlock.withUnsafeBufferPointer { sbb in
            startBlock.withUnsafeBufferPointer { stb in
            event.withUnsafeBufferPointer { evb in
            stop.withUnsafeBufferPointer { spb in
            blockTime.withUnsafeBufferPointer { btb in
            pc.withUnsafeBufferPointer { pcb in
            cb.withUnsafeBufferPointer { cbb in
            eb.withUnsafeBufferPointer { ebb in
                let sh = UncheckedBox((pb.baseAddress!, xb.baseAddress!, rb.baseAddress!, sbb.baseAddress!, stb.baseAddress!,
                                       evb.baseAddress!, spb.baseAddress!, btb.baseAddress, pcb.baseAddress!, cbb.baseAddress,
                                       ebb.baseAddress))
                CoxParallel.run(chunks) { k in
                    let (pp, xp, rp, sbp, stbp, evp, stp, btp, pcp, cbp, ebp) = sh.value
                    let ip = pp + k * p * p
                    // weights w_i r_i of the chunk, then the outer products (accumulateWeightedOuterProducts)
                    let rg = rgs[k]
                    let wbuf = UnsafeMutablePointer<Double>.allocate(capacity: rg.count)
                    defer { wbuf.deallocate() }
                    var poll = CancelPoll(cancel)
                    for i in rg {
                        let hi = Int(sbp[i]), lo = Int(stbp[i])
                        var w = 0.0
                        if hi > lo {
                            w = pcp[hi + 1] - pcp[lo + 1]
                            if evp[i] != 0 && stp[i] == btp![hi] { w -= cbp![hi] - ebp![hi] }
                        }
                        wbuf[i - rg.lowerBound] = w * rp[i]
                    }
                    var i = rg.lowerBound
                    while i < rg.upperBound && !poll.stop(after: 1024) {
                        let m = min(1024, rg.upperBound - i)
                        accumulateWeightedOuterProducts(ip, rows: xp + i * p, weights: wbuf + (i - rg.lowerBound), count: m, p: p)
                        i += m
                    }
                }
            }}}}}}}}}}}
            for k in 0..<chunks { for q in 0..<(p * p) { info[q] += partial[k * p * p + q] } }
            for q in 0..<p {
                for r2 in 0...q { info[q * p + r2] -= aa[q * p + r2] }
            }
            symmetrizeFromLower(&info, p: p)
        }
        if let bt = blockTerms {
            bt.pointee = CoxBlockTerms(c: cb, e: eb, g: gb, ge: geb, abar: abarb)
        }
        return CoxEvaluation(loglik: loglik, score: u, information: info)
    }
}

/// Adds sum_t w_t x_t x_t' to the lower triangle of the row-major p x p matrix `acc`, for `count`
/// rows stored row-major at `rows` (row t at rows + t p) with weights `weights[t]`. Every entry gets
/// acc + s(rows 0-3) + s(rows 4-7) + ... with s = ((v0 x0 + v1 x1) + v2 x2) + v3 x3, v_k = w_k x_k[q],
/// and the last count % 4 rows one at a time: the same numbers whichever kernel runs (where the
/// processor has AVX2, CSurvshKernels' kernel takes the whole groups of eight rows and
/// `OuterProductKernel.portable` the rest; else the portable kernel all). Entries above the diagonal
/// may be changed too (callers fill the upper triangle from the lower one).
@inline(__always)
func accumulateWeightedOuterProducts(_ acc: UnsafeMutablePointer<Double>, rows: UnsafePointer<Double>,
                                     weights: UnsafePointer<Double>, count: Int, p: Int) {
    var t = 0
    #if arch(x86_64)
    if CPUFeatures.avx2 {
        t = count & ~7
        survsh_outer_products8_avx2(acc, rows, weights, t, p)
    }
    #endif
    OuterProductKernel.portable(acc, rows: rows + t * p, weights: weights + t, count: count - t, p: p)
}

/// The kernels of `accumulateWeightedOuterProducts`.
enum OuterProductKernel {
    /// The portable kernel (SIMD4, two instructions per four doubles on baseline x86-64): eight rows
    /// per pass over the triangle, then four, then one at a time. Eight rows a pass loads and stores
    /// each entry half as often as four (16.2 against 21.9 ms of CPU per 10^6 rows of p = 10, an
    /// L1-resident block, 2026-12-07), with the same additions: acc + s(0-3), then + s(4-7).
    @inline(__always)
    static func portable(_ acc: UnsafeMutablePointer<Double>, rows: UnsafePointer<Double>,
                         weights: UnsafePointer<Double>, count: Int, p: Int) {
        typealias V = SIMD4<Double>
        @inline(__always) func load(_ a: UnsafePointer<Double>) -> V { UnsafeRawPointer(a).loadUnaligned(as: V.self) }
        var t = 0
        while t + 8 <= count {
            let x0 = rows + t * p, x1 = x0 + p, x2 = x1 + p, x3 = x2 + p
            let x4 = x3 + p, x5 = x4 + p, x6 = x5 + p, x7 = x6 + p
            let w = weights + t
            for q in 0..<p {
                let v0 = w[0] * x0[q], v1 = w[1] * x1[q], v2 = w[2] * x2[q], v3 = w[3] * x3[q]
                let v4 = w[4] * x4[q], v5 = w[5] * x5[q], v6 = w[6] * x6[q], v7 = w[7] * x7[q]
                let orow = acc + q * p
                var r2 = 0
                while r2 <= q && r2 + 4 <= p {
                    let s = V(repeating: v0) * load(x0 + r2) + V(repeating: v1) * load(x1 + r2)
                        + V(repeating: v2) * load(x2 + r2) + V(repeating: v3) * load(x3 + r2)
                    let s2 = V(repeating: v4) * load(x4 + r2) + V(repeating: v5) * load(x5 + r2)
                        + V(repeating: v6) * load(x6 + r2) + V(repeating: v7) * load(x7 + r2)
                    UnsafeMutableRawPointer(orow + r2).storeBytes(of: (load(orow + r2) + s) + s2, as: V.self)
                    r2 += 4
                }
                while r2 <= q {
                    let a = orow[r2] + (v0 * x0[r2] + v1 * x1[r2] + v2 * x2[r2] + v3 * x3[r2])
                    orow[r2] = a + (v4 * x4[r2] + v5 * x5[r2] + v6 * x6[r2] + v7 * x7[r2])
                    r2 += 1
                }
            }
            t += 8
        }
        if t + 4 <= count {
            let w0 = weights[t], w1 = weights[t + 1], w2 = weights[t + 2], w3 = weights[t + 3]
            let x0 = rows + t * p, x1 = x0 + p, x2 = x1 + p, x3 = x2 + p
            for q in 0..<p {
                let v0 = w0 * x0[q], v1 = w1 * x1[q], v2 = w2 * x2[q], v3 = w3 * x3[q]
                let orow = acc + q * p
                var r2 = 0
                while r2 <= q && r2 + 4 <= p {
                    let s = V(repeating: v0) * load(x0 + r2) + V(repeating: v1) * load(x1 + r2)
                        + V(repeating: v2) * load(x2 + r2) + V(repeating: v3) * load(x3 + r2)
                    UnsafeMutableRawPointer(orow + r2).storeBytes(of: load(orow + r2) + s, as: V.self)
                    r2 += 4
                }
                while r2 <= q {
                    orow[r2] += v0 * x0[r2] + v1 * x1[r2] + v2 * x2[r2] + v3 * x3[r2]
                    r2 += 1
                }
            }
            t += 4
        }
        while t < count {
            let w0 = weights[t]
            let x0 = rows + t * p
            for q in 0..<p {
                let v0 = w0 * x0[q]
                let orow = acc + q * p
                for r2 in 0...q { orow[r2] += v0 * x0[r2] }
            }
            t += 1
        }
    }
}
