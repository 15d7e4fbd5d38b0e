// CoxEvaluator.swift — which algorithm evaluates the partial likelihood of a Cox fit.
//
// Contract
//   Inputs:   a validated CoxData and the algorithm asked for (`.automatic` unless a test pins one).
//   Outputs:  an evaluator with the partial likelihood (loglik, score, information in R's scaled
//             units), the scaling, R's means and the data in (stratum, time) order for the concordance.
//   Routing (`.automatic`): right-censored data without clusters use CoxTimeRanks (storage order,
//             per-rank buckets, no sorted design copy) when their D distinct (stratum, time) pairs
//             keep the buckets (chunks x D x (2 + 2p) values) no larger than the n x p sorted design
//             they replace (always below CoxParallel.minRows rows); counting-process data, clusters
//             (robust variance from score residuals) and nearly continuous times use CoxRiskSet.
//   Both give the same numbers up to rounding (CoxTimeRanksTests compares them at 1e-10).

import Foundation

/// The partial-likelihood algorithm of a Cox fit.
enum CoxAlgorithm: Sendable {
    /// CoxTimeRanks where it applies (see the header), else CoxRiskSet.
    case automatic
    /// Always CoxRiskSet (the sorted design).
    case sorted
}

enum CoxEvaluator {
    case sorted(CoxRiskSet)
    case ranked(CoxTimeRanks)

    init(_ data: CoxData, algorithm: CoxAlgorithm, cancel: Cancellation) throws {
        if algorithm == .automatic && data.start == nil && data.cluster == nil,
           let tr = try CoxTimeRanks.make(data, maxRanks: Self.maxRanks(n: data.n, p: data.p), cancel: cancel) {
            self = .ranked(tr)
        } else {
            self = .sorted(try CoxRiskSet(data, cancel: cancel))
        }
    }

    /// The largest D for which the buckets are no larger than the sorted design (every D below
    /// CoxParallel.minRows rows, where one chunk holds at most n x (2 + 2p) values).
    static func maxRanks(n: Int, p: Int) -> Int {
        let chunks = CoxParallel.chunkCount(n)
        return chunks == 1 ? n : max(1, n * max(p, 1) / (chunks * (2 + 2 * p)))
    }

    var p: Int {
        switch self { case .sorted(let rs): return rs.p; case .ranked(let tr): return tr.p }
    }
    var counting: Bool {
        if case .sorted(let rs) = self { return rs.counting }
        return false
    }
    var scale: [Double] {
        switch self { case .sorted(let rs): return rs.scale; case .ranked(let tr): return tr.scale }
    }
    var means: [Double] {
        switch self { case .sorted(let rs): return rs.means; case .ranked(let tr): return tr.means }
    }
    var strataCount: Int {
        switch self { case .sorted(let rs): return rs.strataCount; case .ranked(let tr): return tr.strataCount }
    }

    /// Loglik, score and information at `beta` (scaled units); the caller checks the cancellation.
    func evaluate(_ beta: [Double], ties: CoxTies) -> CoxEvaluation {
        switch self {
        case .sorted(let rs): return rs.evaluate(beta, ties: ties)
        case .ranked(let tr): return tr.evaluate(beta, ties: ties, information: true)
        }
    }

    func toOriginal(_ betaScaled: [Double]) -> [Double] { (0..<p).map { betaScaled[$0] * scale[$0] } }

    /// The rows in (stratum, time) order with the predictor `lp` (input order), and `cluster` in that order.
    func concordanceData(lp: [Double], cluster: [Int32]?, cancel: Cancellation) -> (data: Concordance.Sorted, cluster: [Int32]?) {
        switch self {
        case .ranked(let tr):
            return (tr.concordanceData(lp: lp), cluster)    // no clusters here (see the routing)
        case .sorted(let rs):
            let n = rs.n
            // the fit's sorted data, with R's linear predictor
            // (a gather in random order: about 0.1 s at 10^7 rows, so it polls)
            let x = [Double](unsafeUninitializedCapacity: n) { buf, c in
                cancel.inBlocks(0..<n) { rows in for i in rows { buf[i] = lp[Int(rs.order[i])] } }
                c = n
            }
            return (Concordance.Sorted(time: rs.stop, event: rs.event, x: x, start: rs.start, bounds: rs.strataBounds,
                                       startOrder: rs.startOrder),
                    cluster.map { c in rs.order.map { c[Int($0)] } })
        }
    }
}
