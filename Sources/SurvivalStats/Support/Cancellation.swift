// Cancellation.swift — how a caller stops a long computation (Ctrl-C in the shell) without the
// numerics knowing who asks.
//
// Contract
//   A Cancellation wraps a poll `() -> Bool` given by the caller (the shell passes "was Ctrl-C
//   pressed?"). Long computations (Cox fits, concordance, Kaplan–Meier, log-rank, residuals, zph)
//   ask `isCancelled` every `Cancellation.stride` rows of their hot loops, also inside each Newton–
//   Raphson iteration and on every worker thread, and public entry points then throw Swift's
//   `CancellationError`. Once the poll has answered true the answer is latched: every later
//   question, on any thread, answers true, so a worker that stopped early is always followed by a
//   throw and a half-computed result is never returned.
//   Cost: one counter decrement per row (or per time block) and, every 2^14 rows, one closure call
//   (an atomic load in the shell); loops too tight for a counter run in blocks of 2^14 rows
//   (`inBlocks`), one poll per block. The set-up passes (sorting, centring, validation, the
//   risk-set blocks) poll too, so that no stretch between two polls lasts long. Measured in the README ("Ctrl-C").
//   `.never` (the default everywhere) never cancels. Compiled with -DSURVSH_NO_POLL (only by
//   bench/poll_cost.sh, to measure what the polls cost) every poll is compiled out.

import Synchronization

public final class Cancellation: Sendable {
    /// Rows of a hot loop between two polls.
    public static let stride = 1 << 14
    /// A cancellation that never fires (the default of every computation).
    public static let never = Cancellation { false }

    private let poll: @Sendable () -> Bool
    private let fired = Atomic<Bool>(false)

    /// - Parameter poll: answers whether the work should stop; called from any thread, must be cheap.
    public init(_ poll: @escaping @Sendable () -> Bool) { self.poll = poll }

    /// Whether the work should stop (latched: stays true once true).
    public var isCancelled: Bool {
        #if SURVSH_NO_POLL
        return false
        #endif
        if fired.load(ordering: .relaxed) { return true }
        if poll() { fired.store(true, ordering: .relaxed); return true }
        return false
    }

    /// Throws `CancellationError` when the work should stop.
    public func check() throws { if isCancelled { throw CancellationError() } }

    /// For `for i in 0..<n` loops: polls at every `stride`-th row, `if cancel.stops(at: i) { break }`.
    @inlinable public func stops(at i: Int) -> Bool {
        #if SURVSH_NO_POLL
        return false
        #else
        return i & (Cancellation.stride - 1) == 0 && isCancelled
        #endif
    }

    /// For loops too tight for a per-row counter: runs `body` on consecutive ranges of at most
    /// `stride` rows covering `range`, polling before each; false (the rest skipped) once cancelled.
    /// `guard cancel.inBlocks(0..<n, { rows in for i in rows { ... } }) else { return }`
    @inlinable @discardableResult
    public func inBlocks(_ range: Range<Int>, _ body: (Range<Int>) throws -> Void) rethrows -> Bool {
        #if SURVSH_NO_POLL
        try body(range)
        return true
        #endif
        var lo = range.lowerBound
        while lo < range.upperBound {
            if isCancelled { return false }
            let hi = range.upperBound - lo > Cancellation.stride ? lo + Cancellation.stride : range.upperBound
            try body(lo..<hi)
            lo = hi
        }
        return true
    }

    /// `inBlocks` without its answer, for the one-line body of a `withUnsafe...Pointer` closure (whose
    /// value would otherwise be an unused Bool); the caller reads the cancellation from `check()` later.
    @inlinable
    public func eachBlock(_ range: Range<Int>, _ body: (Range<Int>) throws -> Void) rethrows {
        _ = try inBlocks(range, body)
    }

    /// `range.filter(isIncluded)`, polling every `stride` elements; throws CancellationError once cancelled.
    @inlinable public func filter(_ range: Range<Int>, _ isIncluded: (Int) throws -> Bool) throws -> [Int] {
        var out: [Int] = []
        guard try inBlocks(range, { block in for i in block where try isIncluded(i) { out.append(i) } }) else { throw CancellationError() }
        return out
    }

    /// `items.filter(isIncluded)`, polling every `stride` elements; throws CancellationError once cancelled.
    @inlinable public func filter<T>(_ items: [T], _ isIncluded: (T) throws -> Bool) throws -> [T] {
        var out: [T] = []
        guard try inBlocks(items.indices, { block in for i in block where try isIncluded(items[i]) { out.append(items[i]) } })
        else { throw CancellationError() }
        return out
    }
}

/// A countdown that polls a Cancellation once every `Cancellation.stride` rows of one loop (one per
/// thread): `if poll.stop(after: rows) { return }` in the loop body.
struct CancelPoll {
    let cancel: Cancellation
    private var countdown = Cancellation.stride

    init(_ cancel: Cancellation) { self.cancel = cancel }

    /// Counts `rows` more rows done; true when the loop should stop (the caller then returns early
    /// and its caller throws through `Cancellation.check()`).
    @inline(__always) mutating func stop(after rows: Int = 1) -> Bool {
        #if SURVSH_NO_POLL
        return false
        #endif
        countdown -= rows
        if countdown > 0 { return false }
        countdown = Cancellation.stride
        return cancel.isCancelled
    }
}
