// CoxResiduals.swift — score (dfbeta-type) residuals of a Cox model, and the robust
// (cluster) sandwich variance built from them.
//
// Contract
//   Inputs:   CoxData, coefficients (original units; non-finite = aliased, used as 0), ties.
//   Outputs:  the n x p matrix of score residuals L_i (columns, input row order): the
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
//   R convention: residuals.coxph(type = "score") (coxscore2 / agscore2 for Efron ties).

import Foundation

public enum CoxResiduals {
    /// Score residuals (p columns of n values, input row order) at `coefficients`.
    public static func score(_ data: CoxData, coefficients: [Double], ties: CoxTies = .efron) -> [[Double]] {
        let rs = CoxRiskSet(data)
        let beta = rs.toScaled(coefficients.map { $0.isFinite ? $0 : 0 })
        let sorted = rs.scoreResidualsSorted(beta, ties: ties)
        var cols = [[Double]](repeating: [Double](repeating: 0, count: data.n), count: data.p)
        for i in 0..<data.n {
            let o = Int(rs.order[i])
            for j in 0..<data.p { cols[j][o] = sorted[i * data.p + j] / rs.scale[j] }
        }
        return cols
    }
}

extension CoxRiskSet {
    /// Score residuals in scaled units, row-major in sorted order.
    func scoreResidualsSorted(_ beta: [Double], ties: CoxTies) -> [Double] {
        let (eta, risk) = riskScores(beta)
        var terms = CoxBlockTerms(c: [], e: [], g: [], ge: [], abar: [])
        _ = evaluate(eta: eta, risk: risk, ties: ties, information: false, blockTerms: &terms)
        let nb = blockCount
        var pc = [Double](repeating: 0, count: nb + 1)
        var pg = [Double](repeating: 0, count: (nb + 1) * p)
        for b in 0..<nb {
            pc[b + 1] = pc[b] + terms.c[b]
            for q in 0..<p { pg[(b + 1) * p + q] = pg[b * p + q] + terms.g[b * p + q] }
        }
        var res = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            let hi = Int(stopBlock[i]), lo = Int(startBlock[i])
            let row = i * p
            let ownDeath = event[i] != 0 && hi > lo && stop[i] == blockTime[hi]
            if event[i] != 0 {
                // an event row always has its own block
                for q in 0..<p { res[row + q] = x[row + q] - terms.abar[hi * p + q] }
            }
            if hi <= lo { continue }
            var w = pc[hi + 1] - pc[lo + 1]
            if ownDeath { w -= terms.c[hi] - terms.e[hi] }
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
