// PolledMap.swift — arrays made element by element with a poll every `Cancellation.stride`
// elements: for the gathers and conversions over every row (`order.map { time[$0] }`), each 10-100 ms
// at 10^7 rows, which added up to 0.3 s of CPU or more between two polls (issue 14, bench/poll_gaps.sh).
//
// Contract
//   `try cancel.map(count: n) { i in ... }` returns what `(0..<n).map { i in ... }` returns (the same
//   elements, made in index order), polling before every block of `Cancellation.stride` elements and
//   throwing CancellationError once `cancel` fires (what was made so far is freed). The polled
//   `filter`s are beside `inBlocks` in Cancellation.swift.
//   Cost: one poll per 2^14 elements; `map` writes the elements in place, as Array.map does.

extension Cancellation {
    /// `(0..<n).map(element)`, polled; throws CancellationError once this fires.
    @inlinable
    public func map<T>(count n: Int, _ element: (Int) -> T) throws -> [T] {
        try [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            var i = 0
            while i < n {
                if isCancelled { throw CancellationError() }   // `initialized` counts what is made
                let end = n - i > Cancellation.stride ? i + Cancellation.stride : n
                while i < end {
                    (buffer.baseAddress! + i).initialize(to: element(i))
                    i += 1
                }
                initialized = i
            }
        }
    }
}
