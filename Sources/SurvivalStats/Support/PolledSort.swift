// PolledSort.swift — a comparison sort that a Cancellation can stop: for keys a radix sort cannot
// take (text under a collation, tuples), where the standard library's sort would run unpolled for
// seconds at 10^7 elements (issue 14: sorting a 10^7-level text column, tvc's per-id dates).
//
// Contract
//   `cancel.sorted(items, by: less)` returns `items` in the order `less` gives (a strict weak order),
//   stable (equal elements keep their order), as `items.sorted(by: less)` would; it throws
//   CancellationError once `cancel` fires. Method: a bottom-up merge sort (pairs of runs of width
//   1, 2, 4, ... merged into a second buffer), polling every `Cancellation.stride` elements merged.
//   Cost: n log2 n comparisons at most, and one extra buffer of n elements.

extension Cancellation {
    /// `items` sorted stably by `less`, polled; throws CancellationError once this fires.
    public func sorted<T>(_ items: [T], by less: (T, T) throws -> Bool) throws -> [T] {
        let n = items.count
        var a = items
        var b = items
        var poll = CancelPoll(self)
        var width = 1
        while width < n {
            var start = 0
            while start < n {
                let mid = min(start + width, n), end = min(start + 2 * width, n)
                var i = start, j = mid, k = start
                while i < mid && j < end {
                    // the right run's element goes first only when strictly smaller: stable
                    if try less(a[j], a[i]) { b[k] = a[j]; j += 1 } else { b[k] = a[i]; i += 1 }
                    k += 1
                    if poll.stop() { throw CancellationError() }
                }
                while i < mid { b[k] = a[i]; i += 1; k += 1 }
                while j < end { b[k] = a[j]; j += 1; k += 1 }
                start = end
            }
            swap(&a, &b)
            width *= 2
        }
        return a
    }
}
