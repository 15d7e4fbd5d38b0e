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
        if algorithm == .automatic, let tr = try Self.ranked(data, cancel: cancel) {
            self = .ranked(tr)
        } else {
            self = .sorted(try CoxRiskSet(data, cancel: cancel))
        }
    }

    /// The ranked evaluator where `.automatic` takes it (see the header), else nil.
    static func ranked(_ data: CoxData, cancel: Cancellation) throws -> CoxTimeRanks? {
        guard data.start == nil && data.cluster == nil else { return nil }
        return try CoxTimeRanks.make(data, maxRanks: maxRanks(n: data.n, p: data.p), cancel: cancel)
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
        evaluate(beta, ties: ties, linearPredictor: nil).evaluation
    }

    /// `evaluate`, and the linear predictor of `plan` where it comes with the evaluation (the ranked
    /// evaluator's information pass reads the design in input order; the sorted one gives nil).
    func evaluate(_ beta: [Double], ties: CoxTies, linearPredictor plan: CoxLinearPredictorPlan?)
        -> (evaluation: CoxEvaluation, linearPredictor: [Double]?) {
        switch self {
        case .sorted(let rs): return (rs.evaluate(beta, ties: ties), nil)
        case .ranked(let tr): return tr.evaluate(beta, ties: ties, information: true, linearPredictor: plan)
        }
    }

    /// `evaluate` at beta = 0 (the start of every fit); the ranked evaluator does it in one pass.
    func evaluateAtZero(ties: CoxTies) -> CoxEvaluation {
        switch self {
        case .sorted(let rs): return rs.evaluate([Double](repeating: 0, count: rs.p), ties: ties)
        case .ranked(let tr): return tr.evaluateAtZero(ties: ties)
        }
    }

    func toOriginal(_ betaScaled: [Double]) -> [Double] { (0..<p).map { betaScaled[$0] * scale[$0] } }

    /// What the concordance of the linear predictor `lp` (input order) needs, without the sorted
    /// design (so that it is released first): the sorted path gathers `lp` and `cluster` into its order.
    func concordanceInput(lp: [Double], cluster: [Int32]?, cancel: Cancellation) throws -> CoxConcordanceInput {
        switch self {
        case .ranked(let tr):
            return .ranked(tr)
        case .sorted(let rs):
            let n = rs.n
            // a gather in random order: about 0.1 s at 10^7 rows, so it polls
            let x = [Double](unsafeUninitializedCapacity: n) { buf, c in
                cancel.inBlocks(0..<n) { rows in for i in rows { buf[i] = lp[Int(rs.order[i])] } }
                c = n
            }
            try cancel.check()
            return .sorted(Concordance.Sorted(time: rs.stop, event: rs.event, x: x, start: rs.start, bounds: rs.strataBounds,
                                              startOrder: rs.startOrder),
                           cluster: cluster.map { c in rs.order.map { c[Int($0)] } })
        }
    }
}

/// The input of a Cox fit's concordance (R's coxph()$concordance: reverse, x = linear predictor).
enum CoxConcordanceInput {
    /// Rows in (stratum, time) order with the predictor and clusters in that order.
    case sorted(Concordance.Sorted, cluster: [Int32]?)
    /// Rows with their (stratum, time) ranks; the predictor is the fit's linear predictor.
    case ranked(CoxTimeRanks)

    func compute(lp: [Double], cancel: Cancellation) throws -> ConcordanceResult {
        let result: ConcordanceResult
        switch self {
        case .sorted(let data, let cluster):
            result = Concordance.compute(data, cluster: cluster, reverse: true, cancel: cancel)
        case .ranked(let tr):
            result = Concordance.ranked(x: lp, event: tr.event, rank: tr.rank, rankBounds: tr.rankBounds, reverse: true,
                                        rankCounts: (tr.rankRows, tr.rankDeaths), cancel: cancel)
        }
        try cancel.check()
        return result
    }
}
