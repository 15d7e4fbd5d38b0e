// Parallelism.swift — how many threads the numerics (and survsh's readers) may use, and the one
// helper that runs fixed chunks of work on them.
//
// Contract
//   `Parallelism.threads` is the number of threads work may use in the current task: by default the
//   number of active processors; survsh's `set threads=N` binds it for each command with
//   `Parallelism.$threads.withValue(N) { ... }` (a task-local value: no shared mutable state, and
//   a library user who never sets it gets all cores).
//   `Parallelism.forEach(count, body)` runs body(k) once for every k in 0..<count on at most
//   `threads` threads (worker w takes k = w, w + workers, ...), and returns when all are done.
//   Callers make the chunking depend on the data only (never on `threads`) and combine per-chunk
//   results in chunk order, so results are bit-identical for every thread count.
//   `threads` must be read on the calling thread (the workers do not inherit the task-local value).

import Dispatch
import Foundation

public enum Parallelism {
    /// Active processors of this machine, the default number of threads.
    public static let processors = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// The largest thread count `set threads=` accepts.
    public static let maxThreads = 64

    /// Threads work in the current task may use (1 = everything on the calling thread).
    @TaskLocal public static var threads: Int = processors

    /// Rows from which the passes of `Cancellation.inParallelBlocks` spread their blocks over the
    /// threads (below, one thread: see ParallelBlocks.swift); task-local so that tests can lower it.
    @TaskLocal public static var minBlockRows: Int = 1 << 19

    /// Runs body(k) for k in 0..<count on up to `threads` threads (the calling thread's value) and
    /// waits. Bodies must write disjoint memory. `file` and `line` (the caller's) name the work in
    /// the poll trace (PollTrace).
    public static func forEach(_ count: Int, file: StaticString = #fileID, line: UInt = #line, _ body: (Int) -> Void) {
        if count <= 0 { return }
        let workers = min(count, max(1, threads))
        if workers == 1 {
            for k in 0..<count { body(k) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = ParallelBody(escapable)
            let caller = PollTrace.enabled ? pthread_self() : pthread_t()
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                // A pooled thread's share is a stretch of its own for PollTrace (not the caller's).
                let pooled = PollTrace.enabled && pthread_equal(pthread_self(), caller) == 0
                if pooled { PollTrace.workerBegin() }
                var k = w
                while k < count {
                    box.body(k)
                    k += workers
                }
                if pooled { PollTrace.workerEnd("end of a worker's share (Parallelism.forEach at \(file):\(line))") }
            }
        }
    }
}

/// The body shared by the workers of `Parallelism.forEach` (they write disjoint memory).
private struct ParallelBody: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}
