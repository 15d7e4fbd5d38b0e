// CoxFitStart.swift — what a Cox fit computes before its first Newton step, as a value a caller can
// keep and hand to the next fit of the same model on the same data (the shell keeps it between
// commands while the data and the filters are unchanged), so that fit skips it.
//
// Contract
//   Inputs:   a validated CoxData and the tie method.
//   Outputs:  `CoxFit.compactStart`: the ranked evaluator that CoxFit.fit would build (CoxTimeRanks:
//             the rows' (stratum, time) ranks, deaths per rank, centring and scaling) and its
//             evaluation at beta = 0 (log-likelihood, score, information), made by the same code as
//             in a fit without a start, so a fit given the start is bit-identical. It is kept without
//             the design columns and events (4 bytes a row plus per-rank values; `fit` takes them
//             back from its CoxData). Nil where the fit takes the sorted algorithm (counting process,
//             clusters, nearly continuous times), whose n x p copy of the design is too large to keep.
//   Preconditions of `CoxFit.fit(_:start:)`: the start was made from the same data (the caller keys
//             it by the data); n, p and the tie method are checked. The fit polls its own
//             cancellation, never the one the start was made with.

import Foundation

/// The set-up of a Cox fit and its evaluation at beta = 0 (see the file header).
public struct CoxFitStart: Sendable {
    let evaluator: CoxEvaluator
    let initial: CoxEvaluation
    public let ties: CoxTies
    public let n: Int
    public let p: Int

    /// Memory held (bytes), for a cache budget (the ranks, per-rank values, the evaluation at 0).
    public var byteCount: Int {
        let small = (initial.score.count + initial.information.count) * 8
        switch evaluator {
        case .ranked(let tr): return tr.rank.count * 4 + tr.rankCount * 16 + tr.rankBounds.count * 8 + 3 * p * 8 + small
        case .sorted(let rs):
            let perRow = rs.order.count * 4 + rs.stop.count * 8 + rs.start.count * 8 + rs.event.count
                + rs.stopBlock.count * 4 + rs.startBlock.count * 4 + rs.startOrder.count * 4
            return rs.x.count * 8 + perRow + small
        }
    }

    /// The start to keep between fits: without the data's columns and events (the ranked evaluator
    /// only; nil for the sorted one, which holds a copy of the design).
    func kept() -> CoxFitStart? {
        guard case .ranked(var tr) = evaluator else { return nil }
        tr.columns = []
        tr.event = []
        return CoxFitStart(evaluator: .ranked(tr), initial: initial, ties: ties, n: n, p: p)
    }

    /// The evaluator bound to `data` and polling `cancel`.
    func evaluator(for data: CoxData, cancel: Cancellation) -> CoxEvaluator {
        switch evaluator {
        case .ranked(let tr): return .ranked(tr.rebound(to: data, cancel: cancel))
        case .sorted(var rs): rs.cancel = cancel; return .sorted(rs)
        }
    }
}

extension CoxFit {
    /// The start of a fit of `data` with `ties` in the form to keep between fits (no design columns),
    /// or nil when the data take the sorted algorithm (counting process, clusters, nearly continuous
    /// times: its copy of the design is too large to keep); a fit given nil makes its own set-up.
    public static func compactStart(_ data: CoxData, ties: CoxTies, cancel: Cancellation = .never) throws -> CoxFitStart? {
        guard let tr = try CoxEvaluator.ranked(data, cancel: cancel) else { return nil }
        return try start(data, evaluator: .ranked(tr), ties: ties, cancel: cancel).kept()
    }

    /// The set-up `fit` makes when it is given no start.
    static func start(_ data: CoxData, ties: CoxTies, algorithm: CoxAlgorithm, cancel: Cancellation) throws -> CoxFitStart {
        try start(data, evaluator: try CoxEvaluator(data, algorithm: algorithm, cancel: cancel), ties: ties, cancel: cancel)
    }

    private static func start(_ data: CoxData, evaluator: CoxEvaluator, ties: CoxTies, cancel: Cancellation) throws -> CoxFitStart {
        let ev0 = evaluator.evaluateAtZero(ties: ties)
        try cancel.check()
        return CoxFitStart(evaluator: evaluator, initial: ev0, ties: ties, n: data.n, p: data.p)
    }
}
