// CoxZph.swift — test of the proportional-hazards assumption, as R's cox.zph (survival >= 3.0).
//
// Contract
//   Inputs:   a CoxFitResult and the CoxData it was fitted on; a time transform g(t):
//             km (default: 1 - KM(t-) of all rows, strata ignored), rank (average ranks of the
//             stop times of all rows), identity.
//   Outputs:  per model term and GLOBAL: chi-square, df, p.
//   Method (survival 3.x, not the 2.x Schoenfeld-residual regression): for each column x_j add the
//             time-varying covariate x_j * G(t), G = g(t) - mean of g over the events, and compute
//             the score test for the added coefficients gamma = 0 at (beta_hat, 0) — one step of
//             Newton–Raphson in the 2p-parameter model. With V_k the risk-set covariance of x at
//             the k-th Efron sub-term of an event block (weight 1; Breslow: one term, weight d):
//               U_gamma = sum_deaths G (x_i - abar),   I = sum_k [ V_k, G V_k ; G V_k, G^2 V_k ]
//             Term test: u = (0_p, U_gamma[term]) against the information restricted to all beta
//             and the term's gamma: u' I[kk,kk]^-1 u, df = number of the term's columns.
//             GLOBAL: (0_p, U_gamma)' I^-1 (0_p, U_gamma), df = p.
//   Aliased columns are dropped first, as cox.zph does with NA coefficients.
//   Reference: Grambsch & Therneau (1994) Biometrika 81:515; Therneau & Grambsch (2000) §6.2;
//             survival 3.0 NEWS (cox.zph rewritten as a score test).
//   R convention: survival 3.5-x cox.zph(fit, transform = "km" | "rank" | "identity", terms = TRUE).

import Foundation

public enum CoxZphTransform: String, Sendable, CaseIterable, Equatable {
    case km, rank, identity
}

/// One row of the cox.zph table.
public struct CoxZphRow: Sendable, Equatable {
    public let term: String
    public let chisq: Double
    public let df: Int
    public let p: Double
}

/// cox.zph's table: one row per model term and a GLOBAL row.
public struct CoxZphResult: Sendable, Equatable {
    public let transform: CoxZphTransform
    public let terms: [CoxZphRow]
    public let global: CoxZphRow
    /// The arithmetic behind the tests (for `explain`), in the original units of the columns tested
    /// (aliased columns dropped): their names; the mean of g(t) over the events (G = g − mean);
    /// the score of the expanded model at (beta_hat, gamma = 0), 2p values (beta part first, about 0);
    /// and its information, 2p × 2p row-major.
    public var columnNames: [String] = []
    public var gMean: Double = .nan
    public var score: [Double] = []
    public var information: [Double] = []
}

public enum CoxZph {
    /// The proportional-hazards score tests of `fit` (fitted on `data`) as R's cox.zph.
    public static func test(_ fit: CoxFitResult, data: CoxData, transform: CoxZphTransform = .km,
                            control: CoxControl = .default, cancel: Cancellation = .never) throws -> CoxZphResult {
        let (d, _) = try estimatedColumns(fit, data: data)
        let p = d.p
        let n = d.n

        // ---- time transform (all rows, strata ignored)
        let tt = try transformedTimes(d, transform: transform, cancel: cancel)
        var gsum = 0.0, ne = 0
        for i in 0..<n where d.event[i] { gsum += tt[i]; ne += 1 }
        let gmean = gsum / Double(ne)

        // ---- score and information of the expanded model at (beta_hat, 0)
        let rs = try CoxRiskSet(d, cancel: cancel)
        // (filled as allocated: zero-filling 3 x n doubles first takes long at 10^7 rows, unpolled)
        var emax = -Double.infinity
        let eta = [Double](unsafeUninitializedCapacity: n) { buf, c in
            cancel.inBlocks(0..<n) { rows in
                for i in rows { buf[i] = fit.linearPredictors[Int(rs.order[i])]; emax = max(emax, buf[i]) }
            }
            c = n
        }
        try cancel.check()
        let shift = emax > 500 ? emax - 500 : 0
        let risk = [Double](unsafeUninitializedCapacity: n) { buf, c in
            cancel.inBlocks(0..<n) { rows in for i in rows { buf[i] = exp(eta[i] - shift) } }
            c = n
        }
        try cancel.check()
        let g = [Double](unsafeUninitializedCapacity: n) { buf, c in
            cancel.inBlocks(0..<n) { rows in for i in rows { buf[i] = tt[Int(rs.order[i])] - gmean } }
            c = n
        }
        try cancel.check()
        let efron = fit.ties == .efron
        let p2 = 2 * p
        var u = [Double](repeating: 0, count: p2)
        var imat = [Double](repeating: 0, count: p2 * p2)
        var s1 = [Double](repeating: 0, count: p), s2 = [Double](repeating: 0, count: p * p)
        var d1 = [Double](repeating: 0, count: p), d2 = [Double](repeating: 0, count: p * p)
        var a = [Double](repeating: 0, count: p)
        let x = rs.x
        var poll = CancelPoll(cancel)
        strata: for s in 0..<rs.strataCount {
            let lo = rs.strataBounds[s]
            var i = rs.strataBounds[s + 1] - 1
            var polledAt = i
            var j = i
            var s0 = 0.0
            var nrisk = 0
            for q in 0..<p { s1[q] = 0 }
            for q in 0..<(p * p) { s2[q] = 0 }
            var b = rs.blockBounds[s + 1] - 1
            while b >= rs.blockBounds[s] {
                if poll.stop(after: polledAt - i + 1) { break strata }
                polledAt = i
                let t = rs.blockTime[b]
                var d0 = 0.0
                var gt = 0.0
                var sumx = [Double](repeating: 0, count: p)
                for q in 0..<p { d1[q] = 0 }
                for q in 0..<(p * p) { d2[q] = 0 }
                while i >= lo && rs.stop[i] >= t {
                    let r = risk[i], row = i * p
                    if rs.event[i] != 0 && rs.stop[i] == t {
                        d0 += r
                        gt = g[i]
                        for q in 0..<p {
                            sumx[q] += x[row + q]
                            d1[q] += r * x[row + q]
                            for q2 in 0...q { d2[q * p + q2] += r * x[row + q] * x[row + q2] }
                        }
                    } else {
                        s0 += r
                        for q in 0..<p {
                            s1[q] += r * x[row + q]
                            for q2 in 0...q { s2[q * p + q2] += r * x[row + q] * x[row + q2] }
                        }
                    }
                    nrisk += 1
                    i -= 1
                }
                if rs.counting {
                    while j >= lo {
                        let k = Int(rs.startOrder[j])
                        if rs.start[k] < t { break }
                        nrisk -= 1
                        if nrisk == 0 {
                            s0 = 0
                            for q in 0..<p { s1[q] = 0 }
                            for q in 0..<(p * p) { s2[q] = 0 }
                        } else {
                            let r = risk[k], row = k * p
                            s0 -= r
                            for q in 0..<p {
                                s1[q] -= r * x[row + q]
                                for q2 in 0...q { s2[q * p + q2] -= r * x[row + q] * x[row + q2] }
                            }
                        }
                        j -= 1
                    }
                }
                let dc = Int(rs.blockDeaths[b])
                let nterms = efron ? dc : 1
                let wt = efron ? 1.0 : Double(dc)
                for q in 0..<p {
                    u[q] += sumx[q]
                    u[p + q] += gt * sumx[q]
                }
                for k in 0..<nterms {
                    let f = efron ? Double(k + 1) / Double(dc) : 1
                    let den = s0 + f * d0
                    for q in 0..<p { a[q] = (s1[q] + f * d1[q]) / den }
                    for q in 0..<p {
                        u[q] -= wt * a[q]
                        u[p + q] -= gt * wt * a[q]
                        for q2 in 0...q {
                            let v = wt * ((s2[q * p + q2] + f * d2[q * p + q2]) / den - a[q] * a[q2])
                            imat[q * p2 + q2] += v
                            imat[(p + q) * p2 + q2] += gt * v
                            imat[(p + q) * p2 + p + q2] += gt * gt * v
                        }
                    }
                }
                s0 += d0
                for q in 0..<p {
                    s1[q] += d1[q]
                    for q2 in 0...q { s2[q * p + q2] += d2[q * p + q2] }
                }
                b -= 1
            }
        }
        try cancel.check()
        // complete the symmetric 2p x 2p matrix: blocks [A, B'; B, C] with A, B, C symmetric
        for q in 0..<p {
            for q2 in 0..<q {
                imat[q2 * p2 + q] = imat[q * p2 + q2]
                imat[(p + q2) * p2 + q] = imat[(p + q) * p2 + q2]
                imat[(p + q2) * p2 + p + q] = imat[(p + q) * p2 + p + q2]
            }
        }
        for q in 0..<p { for q2 in 0..<p { imat[q * p2 + p + q2] = imat[(p + q2) * p2 + q] } }

        // ---- tests
        func scoreTest(_ gammaCols: [Int]) -> Double {
            let kk = Array(0..<p) + gammaCols.map { p + $0 }
            let m = kk.count
            var sub = [Double](repeating: 0, count: m * m)
            for (r, i) in kk.enumerated() { for (c, jj) in kk.enumerated() { sub[r * m + c] = imat[i * p2 + jj] } }
            var uu = [Double](repeating: 0, count: m)
            for (r, i) in kk.enumerated() where i >= p { uu[r] = u[i] }
            let ch = CoxCholesky(sub, p: m, toler: control.tolerChol)
            return ch.quadraticForm(uu)
        }
        var rows: [CoxZphRow] = []
        for t in 0..<d.termNames.count {
            let cols = (0..<p).filter { d.termAssign[$0] == t }
            if cols.isEmpty { continue }
            let chi = scoreTest(cols)
            rows.append(CoxZphRow(term: d.termNames[t], chisq: chi, df: cols.count,
                                  p: ChiSquared.sf(chi, df: Double(cols.count))))
        }
        let gchi = scoreTest(Array(0..<p))
        let global = CoxZphRow(term: "GLOBAL", chisq: gchi, df: p, p: ChiSquared.sf(gchi, df: Double(p)))
        var result = CoxZphResult(transform: transform, terms: rows, global: global)
        // original units: the sorted design is x* = (x − c) · scale (see CoxExplain)
        let sc = (0..<p2).map { rs.scale[$0 % p] }
        result.columnNames = d.columnNames
        result.gMean = gmean
        result.score = (0..<p2).map { u[$0] / sc[$0] }
        result.information = (0..<(p2 * p2)).map { imat[$0] / (sc[$0 / p2] * sc[$0 % p2]) }
        return result
    }

    /// The data without the aliased columns (cox.zph drops NA coefficients) and the kept indices.
    static func estimatedColumns(_ fit: CoxFitResult, data: CoxData) throws -> (CoxData, [Int]) {
        guard fit.n == data.n, fit.columnNames == data.columnNames else {
            throw CoxError.dimensionMismatch("the fit does not belong to these data")
        }
        let keep = (0..<data.p).filter { !fit.coefficients[$0].aliased }
        guard !keep.isEmpty else { throw CoxError.invalidArgument("no estimated coefficients") }
        return (data.selectingColumns(keep), keep)
    }

    /// g(t) of every row: the time transform of cox.zph (all rows, strata ignored).
    static func transformedTimes(_ d: CoxData, transform: CoxZphTransform, cancel: Cancellation = .never) throws -> [Double] {
        let n = d.n
        let times = d.stop
        var tt = [Double](repeating: 0, count: n)
        switch transform {
        case .identity:
            tt = times
        case .rank:
            let o = RadixSort.order(keys: times, cancel: cancel)
            try cancel.check()
            var i = 0
            while i < n {
                var j = i
                while j + 1 < n && times[Int(o[j + 1])] == times[Int(o[i])] { j += 1 }
                let r = Double(i + j) / 2 + 1
                for k in i...j { tt[Int(o[k])] = r }
                i = j + 1
            }
        case .km:
            tt = try oneMinusKMLeft(start: d.start, stop: times, event: d.event, cancel: cancel)
        }
        try cancel.check()
        return tt
    }

    /// 1 - S(t-) of the Kaplan–Meier estimate of all rows, at each row's stop time (R: survfitKM
    /// then findInterval(..., left.open = TRUE)). Counting-process rows are at risk on (start, stop].
    static func oneMinusKMLeft(start: [Double]?, stop: [Double], event: [Bool], cancel: Cancellation = .never) throws -> [Double] {
        let n = stop.count
        let o = RadixSort.order(keys: stop, cancel: cancel)
        try cancel.check()
        // distinct times ascending, deaths and (for right-censored) number at risk
        var times: [Double] = []
        var deaths: [Int] = []
        var i = 0
        var poll = CancelPoll(cancel)
        while i < n {
            let t = stop[Int(o[i])]
            var dcount = 0
            var j = i
            while j < n && stop[Int(o[j])] == t { if event[Int(o[j])] { dcount += 1 }; j += 1 }
            times.append(t); deaths.append(dcount)
            if poll.stop(after: j - i) { throw CancellationError() }
            i = j
        }
        var atRisk = [Int](repeating: 0, count: times.count)
        // rows with stop >= t, minus rows with start >= t
        var k = n
        var idx = times.count - 1
        var cnt = 0
        var startSorted: [Double] = []
        if let st = start {
            let so = RadixSort.order(keys: st, cancel: cancel)
            try cancel.check()
            startSorted = so.map { st[Int($0)] }
        }
        var sp = startSorted.count
        while idx >= 0 {
            let t = times[idx]
            while k > 0 && stop[Int(o[k - 1])] >= t { k -= 1; cnt += 1 }
            var removed = 0
            while sp > 0 && startSorted[sp - 1] >= t { sp -= 1 }
            removed = startSorted.count - sp
            atRisk[idx] = cnt - removed
            idx -= 1
        }
        // S just before each time
        var sBefore = [Double](repeating: 1, count: times.count)
        var s = 1.0
        for q in 0..<times.count {
            sBefore[q] = s
            if deaths[q] > 0 && atRisk[q] > 0 { s *= 1 - Double(deaths[q]) / Double(atRisk[q]) }
        }
        var out = [Double](repeating: 0, count: n)
        var q = 0
        try cancel.check()
        cancel.inBlocks(0..<n) { rows in
            for r in rows {
                let row = Int(o[r])
                while times[q] != stop[row] { q += 1 }
                out[row] = 1 - sBefore[q]
            }
        }
        return out
    }
}
