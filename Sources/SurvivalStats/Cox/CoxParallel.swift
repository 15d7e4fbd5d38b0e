// CoxParallel.swift — the one place where the Cox numerics use more than one thread.
//
// Contract
//   Inputs:   a row count and a body taking a half-open row range.
//   Outputs:  the body is run on `chunks` disjoint, contiguous ranges covering 0..<n, on up to
//             `Parallelism.threads` threads (`set threads=N`); returns when all are done. Bodies must
//             write only to per-chunk storage; results are combined by the caller in chunk order.
//             The number of chunks depends on n only (`fixedChunks` from `minRows` rows on), never on
//             the threads or the machine, so the floating-point result is bit-identical for every
//             thread count (threads = 1 runs the same chunks one after another).
//   Used for: risk scores, the information-matrix pass, the bucket sums of CoxTimeRanks, the
//             sorted-design gather, the linear predictor, the covariate checks of CoxData, the passes
//             of RadixSort and the concordance sweeps (both the sorted and the ranked one). Below
//             `minRows` rows everything runs on the calling thread.

enum CoxParallel {
    static let minRows = 50_000
    /// Chunks of a large pass: enough for 4 cores, and fixed so results do not depend on them.
    static let fixedChunks = 4
    /// Number of chunks used for n rows: 1 below `minRows`, else `fixedChunks`.
    static func chunkCount(_ n: Int) -> Int {
        n < minRows ? 1 : fixedChunks
    }

    /// Splits 0..<n into `chunks` contiguous ranges.
    static func ranges(_ n: Int, chunks: Int) -> [Range<Int>] {
        (0..<chunks).map { k in (n * k / chunks)..<(n * (k + 1) / chunks) }
    }

    /// Runs body(k) for k in 0..<count on up to `Parallelism.threads` threads. The caller
    /// guarantees that the bodies touch disjoint memory.
    static func run(_ count: Int, file: StaticString = #fileID, line: UInt = #line, _ body: (Int) -> Void) {
        Parallelism.forEach(count, file: file, line: line, body)
    }
}

/// Wraps a value that is shared across the chunks of CoxParallel.run (disjoint writes only).
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
