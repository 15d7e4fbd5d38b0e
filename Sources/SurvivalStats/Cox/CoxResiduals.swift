// CoxResiduals.swift — the residuals of a Cox model (martingale, deviance, score, Schoenfeld,
// dfbeta), and the robust (cluster) sandwich variance built from the score residuals.
//
// Contract
//   Inputs:   CoxData, coefficients (original units; non-finite = aliased, used as 0), ties;
//             for dfbeta the model-based variance of the fit.
//   Outputs (input row order unless said otherwise):
//           * martingale M_i = delta_i - r_i Lambda_i, r_i = exp(x_i beta) and Lambda_i the sum of
//             the hazard increments of the event blocks at which row i is at risk; with Efron ties
//             a row dying at a tied time gets only its share sum_k (k/d)/S0_k of that block;
//           * deviance sign(M) sqrt(-2 (M + delta log(delta - M)));
//           * Schoenfeld: one row per event, in (stratum, time) order (ties in input order), with
//             x_i - abar(t_i), abar the mean of the Efron sub-term means a_k of the block;
//           * dfbeta = L V (V = model-based variance, R's naive.var);
//           * score residuals: the n x p matrix L_i: the
//             contribution of row i to the score vector, so sum_i L_i = U(beta).
//               L_i = int (x_i - xbar(t)) dM_i(t)
//                   = delta_i (x_i - abar_own) - r_i sum_{blocks b at risk} sum_k w_ik (x_i - a_k)/S0_k
//             with the Efron sub-terms k of each tied block (w_ik = 1 for rows at risk that do not
//             die at b, w_ik = k/d for the d rows that die at b, abar_own = mean of the a_k).
//             Computed from prefix sums over the event blocks: O(n p), no per-event rescans.
//   Robust variance: dfbeta = L V (V = model-based variance), summed within clusters,
//             V_robust = D'D (R: coxph(..., cluster = id) / robust = TRUE).
//   Reference: Therneau & Grambsch (2000) §7.1-7.2 (score residuals, dfbeta, the sandwich
//             estimator of Lin & Wei 1989 JASA 84:1074).
//   R convention: residuals.coxph(type = "martingale" | "deviance" | "score" | "schoenfeld" |
//             "dfbeta") of survival 3.5-x (coxmart2 / agmart3, coxscore2 / agscore2, coxscho).

import Foundation

/// The kinds of residuals of R's residuals.coxph.
public enum CoxResidualType: String, Sendable, CaseIterable, Equatable {
    case martingale, deviance, score, schoenfeld, dfbeta
    /// One value per row (martingale, deviance) or one per row and column (the others).
    public var perColumn: Bool { self != .martingale && self != .deviance }
}

/// Schoenfeld residuals: one row per event.
public struct CoxSchoenfeld: Sendable {
    /// Input row of each event, in R's order (stratum, time; ties in input order).
    public let rows: [Int]
    /// Event time of each row.
    public let time: [Double]
    /// p columns, one value per event.
    public let values: [[Double]]
}

public enum CoxResiduals {
    /// Score residuals (p columns of n values, input row order) at `coefficients`.
    /// `cancel`, here and below, is polled every `Cancellation.stride` rows (CancellationError).
    public static func score(_ data: CoxData, coefficients: [Double], ties: CoxTies = .efron,
                             cancel: Cancellation = .never) throws -> [[Double]] {
        let rs = try CoxRiskSet(data, cancel: cancel)
        let beta = rs.toScaled(coefficients.map { $0.isFinite ? $0 : 0 })
        let sorted = rs.scoreResidualsSorted(beta, ties: ties)
        try cancel.check()
        var cols = [[Double]](repeating: [Double](repeating: 0, count: data.n), count: data.p)
        for i in 0..<data.n {
            let o = Int(rs.order[i])
            for j in 0..<data.p { cols[j][o] = sorted[i * data.p + j] / rs.scale[j] }
        }
        return cols
    }

    /// Martingale residuals (input row order) at `coefficients`.
    public static func martingale(_ data: CoxData, coefficients: [Double], ties: CoxTies = .efron,
                                  cancel: Cancellation = .never) throws -> [Double] {
        let rs = try CoxRiskSet(data, cancel: cancel)
        let beta = rs.toScaled(coefficients.map { $0.isFinite ? $0 : 0 })
        let (risk, terms) = rs.blockTerms(beta, ties: ties)
        try cancel.check()
        let hazard = rs.cumulativeHazardWeights(terms)
        var out = [Double](repeating: 0, count: data.n)
        for i in 0..<data.n { out[Int(rs.order[i])] = Double(rs.event[i]) - risk[i] * hazard[i] }
        return out
    }

    /// Deviance residuals from martingale residuals and the event indicators.
    public static func deviance(martingale: [Double], event: [Bool]) -> [Double] {
        zip(martingale, event).map { m, d in
            let dd = d ? 1.0 : 0.0
            let inner = d ? m + log(dd - m) : m
            let v = (-2 * inner).squareRoot()
            return m < 0 ? -v : v
        }
    }

    /// Schoenfeld residuals at `coefficients` (aliased columns give 0, as their x enters nowhere).
    public static func schoenfeld(_ data: CoxData, coefficients: [Double], ties: CoxTies = .efron,
                                  cancel: Cancellation = .never) throws -> CoxSchoenfeld {
        let rs = try CoxRiskSet(data, cancel: cancel)
        let p = data.p
        let beta = rs.toScaled(coefficients.map { $0.isFinite ? $0 : 0 })
        let terms = rs.blockTerms(beta, ties: ties).terms
        try cancel.check()
        var rows: [Int] = [], time: [Double] = []
        var values = [[Double]](repeating: [], count: p)
        for i in 0..<rs.n where rs.event[i] != 0 {
            let b = Int(rs.stopBlock[i])
            rows.append(Int(rs.order[i]))
            time.append(rs.stop[i])
            for j in 0..<p { values[j].append((rs.x[i * p + j] - terms.abar[b * p + j]) / rs.scale[j]) }
        }
        return CoxSchoenfeld(rows: rows, time: time, values: values)
    }

    /// dfbeta residuals: the score residuals times the model-based variance `variance` (p x p,
    /// row-major), R's residuals(fit, type = "dfbeta").
    public static func dfbeta(_ data: CoxData, coefficients: [Double], variance: [Double],
                              ties: CoxTies = .efron, cancel: Cancellation = .never) throws -> [[Double]] {
        let p = data.p
        let l = try score(data, coefficients: coefficients, ties: ties, cancel: cancel)
        var out = [[Double]](repeating: [Double](repeating: 0, count: data.n), count: p)
        for j in 0..<p {
            for k in 0..<p where variance[k * p + j] != 0 {
                let v = variance[k * p + j]
                for i in 0..<data.n { out[j][i] += l[k][i] * v }
            }
        }
        return out
    }
}

extension CoxRiskSet {
    /// The risk scores (sorted order) and the per-block terms at `beta` (scaled units).
    func blockTerms(_ beta: [Double], ties: CoxTies) -> (risk: [Double], terms: CoxBlockTerms) {
        let (eta, risk) = riskScores(beta)
        var terms = CoxBlockTerms(c: [], e: [], g: [], ge: [], abar: [])
        _ = evaluate(eta: eta, risk: risk, ties: ties, information: false, blockTerms: &terms)
        return (risk, terms)
    }

    /// Per sorted row, the sum of the hazard increments (in units of the risk scores) of the
    /// blocks at which the row is at risk; at its own (tied) death block, its Efron share.
    func cumulativeHazardWeights(_ terms: CoxBlockTerms) -> [Double] {
        var pc = [Double](repeating: 0, count: blockCount + 1)
        for b in 0..<blockCount { pc[b + 1] = pc[b] + terms.c[b] }
        var w = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let hi = Int(stopBlock[i]), lo = Int(startBlock[i])
            if hi <= lo { continue }
            w[i] = pc[hi + 1] - pc[lo + 1]
            if event[i] != 0 && stop[i] == blockTime[hi] { w[i] -= terms.c[hi] - terms.e[hi] }
        }
        return w
    }

    /// Score residuals in scaled units, row-major in sorted order.
    func scoreResidualsSorted(_ beta: [Double], ties: CoxTies) -> [Double] {
        let (risk, terms) = blockTerms(beta, ties: ties)
        let nb = blockCount
        let hazard = cumulativeHazardWeights(terms)
        var pg = [Double](repeating: 0, count: (nb + 1) * p)
        for b in 0..<nb {
            for q in 0..<p { pg[(b + 1) * p + q] = pg[b * p + q] + terms.g[b * p + q] }
        }
        var res = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            if cancel.stops(at: i) { break }
            let hi = Int(stopBlock[i]), lo = Int(startBlock[i])
            let row = i * p
            let ownDeath = event[i] != 0 && hi > lo && stop[i] == blockTime[hi]
            if event[i] != 0 {
                // an event row always has its own block
                for q in 0..<p { res[row + q] = x[row + q] - terms.abar[hi * p + q] }
            }
            if hi <= lo { continue }
            let w = hazard[i]
            let r = risk[i]
            for q in 0..<p {
                var gsum = pg[(hi + 1) * p + q] - pg[(lo + 1) * p + q]
                if ownDeath { gsum -= terms.g[hi * p + q] - terms.ge[hi * p + q] }
                res[row + q] -= r * (x[row + q] * w - gsum)
            }
        }
        return res
    }

    /// Score residuals (scaled units, sorted order) summed within clusters: rows = clusters.
    /// `clusterOf` gives, per sorted row, a dense cluster index.
    func collapse(_ res: [Double], clusterOf: [Int], nClusters: Int) -> [Double] {
        var out = [Double](repeating: 0, count: nClusters * p)
        for i in 0..<n {
            let c = clusterOf[i]
            for q in 0..<p { out[c * p + q] += res[i * p + q] }
        }
        return out
    }
}
