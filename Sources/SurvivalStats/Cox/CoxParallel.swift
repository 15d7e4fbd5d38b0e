// CoxParallel.swift — the one place where the Cox numerics use more than one thread.
//
// Contract
//   Inputs:   a row count and a body taking a half-open row range.
//   Outputs:  the body is run on `chunks` disjoint, contiguous ranges covering 0..<n, in parallel
//             (Dispatch's concurrentPerform); returns when all are done. Bodies must write only to
//             per-chunk storage; results are combined by the caller in chunk order, so the
//             floating-point result does not depend on thread timing.
//   Used for: risk scores, the information-matrix pass, the sorted-design gather and the two
//             concordance sweeps. Below `minRows` rows everything runs on the calling thread.

import Foundation
import Dispatch

enum CoxParallel {
    static let minRows = 50_000
    /// Number of chunks used for n rows: 1 for small n, else the number of active processors (max 4).
    static func chunkCount(_ n: Int) -> Int {
        n < minRows ? 1 : max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// Splits 0..<n into `chunks` contiguous ranges.
    static func ranges(_ n: Int, chunks: Int) -> [Range<Int>] {
        (0..<chunks).map { k in (n * k / chunks)..<(n * (k + 1) / chunks) }
    }

    /// Runs body(k) for k in 0..<count, concurrently when count > 1. The caller guarantees that
    /// the bodies touch disjoint memory (hence the unchecked Sendable box).
    static func run(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 { body(0); return }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBox(escapable)
            DispatchQueue.concurrentPerform(iterations: count) { k in box.value(k) }
        }
    }
}

/// Wraps a value that is shared across the chunks of CoxParallel.run (disjoint writes only).
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
