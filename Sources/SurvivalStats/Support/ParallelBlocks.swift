// ParallelBlocks.swift — passes over every row (10^7 at the registry scale) run on the
// `Parallelism.threads` threads, in the blocks of `Cancellation.stride` rows a polled loop uses.
//
// Contract
//   `cancel.inParallelBlocks(n) { range in ... }` runs the body once for each block
//   [k * stride, min(n, (k + 1) * stride)) of 0..<n, blocks spread over the threads, and returns the
//   bodies' results in block order (nil once `cancel` fired: a poll before each block). The blocks
//   depend on n only, so a caller combining the results in order gets the same answer for every
//   thread count. Bodies must write disjoint memory.
//   `cancel.parallelMap(count: n) { i in ... }` is `map(count:)` (PolledMap) for plain values,
//   filled by blocks on the threads: the same elements; throws CancellationError once `cancel` fired.
//   Why: a single-threaded pass over 10^7 rows is 10-40 ms, and the first write of a new array
//   faults in its pages (about 2 us a 4 KB page on the shared VM): done by two threads, both halve.
//   Below `Parallelism.minBlockRows` (2^19 rows; tests lower it) the blocks run one after another
//   on the calling thread: waking the threads for each of the ~8 passes of a km costs about what it
//   saves on small data. At 10^6 rows (2^20 before) it saves on an idle machine: the first km of a
//   session 22-24 against 27-31 ms, and after a filter 22-23 against 27-28 ms (4 interleaved sessions,
//   load average 1.5, 2026-12-07); on a machine whose other core is busy it cost a few ms (km after
//   a filter 31-40 against 30 ms, measured so when 2^20 was chosen). Both are @inlinable, so that a caller's
//   element type and closure are specialised (unspecialised, each element was copied by a memmove).

extension Cancellation {
    /// The body's result for every block of `stride` rows of 0..<n, in block order; nil once cancelled.
    @inlinable
    public func inParallelBlocks<R>(_ n: Int, file: StaticString = #fileID, line: UInt = #line,
                                    _ body: (Range<Int>) -> R) -> [R]? {
        let stride = Cancellation.stride
        let blocks = (n + stride - 1) / stride
        var results = [R?](repeating: nil, count: blocks)
        results.withUnsafeMutableBufferPointer { out in
            func run(_ k: Int) {
                if isCancelled { return }
                out[k] = body(k * stride..<min(n, (k + 1) * stride))
            }
            if n < Parallelism.minBlockRows {
                for k in 0..<blocks { run(k) }
            } else {
                Parallelism.forEach(blocks, file: file, line: line, run)
            }
        }
        if isCancelled { return nil }
        return results.map { $0! }
    }

    /// `(0..<n).map(element)` made by blocks on the threads (`element` is called from any thread);
    /// throws CancellationError once this fires.
    @inlinable
    public func parallelMap<T: BitwiseCopyable>(count n: Int, file: StaticString = #fileID, line: UInt = #line,
                                                _ element: (Int) -> T) throws -> [T] {
        try [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            let blocks: [Void]? = inParallelBlocks(n, file: file, line: line) { range in
                for i in range { buffer[i] = element(i) }
            }
            // plain values: the blocks not written need no deinitialising
            guard blocks != nil else { throw CancellationError() }
            initialized = n
        }
    }
}
