// EpisodeSplit — cuts each row's follow-up interval (start, stop] into episodes at given times.
//
// Contract
//   Input:  per row a start and a stop time (NaN = missing) and the cut times for that row: one
//           sorted list shared by every row (R's survSplit), or a list per row (tmerge's tdc times).
//           Cut lists must be sorted ascending without duplicates.
//   Output: one entry per episode, rows in input order and episodes in time order: the input row,
//           the episode's (start, end], whether it ends at a cut (then its event is censored: only
//           the last episode keeps the row's event), and survSplit's interval number.
//   Rule:   a cut strictly inside (start, stop) starts a new episode; cuts at or outside the ends
//           change nothing. `interval` is the number of cuts at or before the episode's start (so
//           survSplit's `episode` column is interval + 1). A row with a missing start or stop stays
//           one episode with interval 1, as survSplit's C code does.
//   Reference: R survival 3.5 survSplit() and its C routine survsplit.c (Therneau).

public enum EpisodeSplit {
    /// The episodes of all rows, in order.
    public struct Result: Sendable, Equatable {
        /// The input row of each episode.
        public var row: [Int] = []
        public var start: [Double] = []
        public var end: [Double] = []
        /// True where the episode ends at a cut (not at the row's own stop time).
        public var censored: [Bool] = []
        /// survSplit's interval: the number of cuts at or before the episode's start.
        public var interval: [Int] = []

        public var count: Int { row.count }
    }

    /// Splits every row at the shared sorted `cuts`. `episodes`: what `count(start:stop:cuts:)` answered,
    /// when the caller has it (it is counted here otherwise), so that the episodes' arrays are
    /// made at their size once.
    public static func split(start: [Double], stop: [Double], cuts: [Double], episodes: Int? = nil,
                             cancel: Cancellation = .never) throws -> Result {
        let n = try episodes ?? count(start: start, stop: stop, cuts: cuts, cancel: cancel)
        return try split(start: start, stop: stop, episodes: n, cancel: cancel) { _ in cuts[...] }
    }

    /// How many episodes `split(start:stop:cuts:)` makes, without making them (rows + cuts strictly
    /// inside each row's interval), for checking the memory a split needs first.
    /// `cancel` is polled every `Cancellation.stride` rows (CancellationError).
    public static func count(start: [Double], stop: [Double], cuts: [Double], cancel: Cancellation = .never) throws -> Int {
        try count(start: start, stop: stop, cancel: cancel) { _ in cuts[...] }
    }

    /// `count(start:stop:cuts:)` with a cut list per row, as `split(start:stop:cancel:cuts:)` takes them.
    public static func count(start: [Double], stop: [Double], cancel: Cancellation = .never,
                             cuts: (Int) -> ArraySlice<Double>) throws -> Int {
        var n = 0
        try forEachInside(start: start, stop: stop, cancel: cancel, cuts: cuts) { n += 1 + max(0, $1 - $0) }
        return n
    }

    /// The cuts strictly inside no row's (start, stop), ascending: O(rows log cuts), not rows x cuts.
    public static func unusedCuts(start: [Double], stop: [Double], cuts: [Double], cancel: Cancellation = .never) throws -> [Double] {
        // +1 where a row's run of inner cuts begins, -1 after it ends; a prefix sum of 0 is unused
        var edges = [Int](repeating: 0, count: cuts.count + 1)
        try forEachInside(start: start, stop: stop, cancel: cancel, cuts: { _ in cuts[...] }) { lo, hi in
            if lo < hi { edges[lo] += 1; edges[hi] -= 1 }
        }
        var covering = 0
        return cuts.indices.compactMap { k in
            covering += edges[k]
            return covering == 0 ? cuts[k] : nil
        }
    }

    /// For each row, the index range lo..<hi of its sorted cuts strictly inside (start, stop)
    /// (lo >= hi: none; a missing start or stop: 0..<0; indices of the slice).
    private static func forEachInside(start: [Double], stop: [Double], cancel: Cancellation,
                                      cuts: (Int) -> ArraySlice<Double>, _ body: (Int, Int) -> Void) throws {
        /// The index of the first cut > x (or >= x when `strictly`): after the cuts <= x (< x).
        func rank(_ c: ArraySlice<Double>, _ x: Double, strictly: Bool) -> Int {
            var lo = c.startIndex, hi = c.endIndex
            while lo < hi {
                let mid = (lo + hi) / 2
                if strictly ? c[mid] < x : c[mid] <= x { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        for i in start.indices {
            if cancel.stops(at: i) { throw CancellationError() }
            if start[i].isNaN || stop[i].isNaN { body(0, 0); continue }
            let c = cuts(i)
            body(rank(c, start[i], strictly: false), rank(c, stop[i], strictly: true))
        }
    }

    /// Splits row i at `cuts(i)` (sorted ascending; a slice, so that per-row lists can share one
    /// array: tvc's 10^7 ids). `cancel` is polled every `Cancellation.stride` rows (CancellationError).
    /// The episodes are counted first (`episodes`, when the caller has the count): arrays grown by
    /// appending were copied whole at each doubling, five at once, 0.4-0.7 s of CPU between two polls
    /// at 10^7 rows (bench/poll_gaps.sh); made at their size, they fill page by page between the polls.
    public static func split(start: [Double], stop: [Double], episodes: Int? = nil, cancel: Cancellation = .never,
                             cuts: (Int) -> ArraySlice<Double>) throws -> Result {
        precondition(start.count == stop.count, "EpisodeSplit: start and stop lengths differ")
        var r = Result(capacity: try episodes ?? count(start: start, stop: stop, cancel: cancel, cuts: cuts))
        for i in start.indices {
            if cancel.stops(at: i) { throw CancellationError() }
            let (s, e) = (start[i], stop[i])
            if s.isNaN || e.isNaN {
                r.append(row: i, start: s, end: e, censored: false, interval: 1)
                continue
            }
            let c = cuts(i), first = c.startIndex
            var j = first
            while j < c.endIndex && c[j] <= s { j += 1 }
            var from = s
            var interval = j - first
            while j < c.endIndex && c[j] < e {
                r.append(row: i, start: from, end: c[j], censored: true, interval: interval)
                from = c[j]
                interval = j - first + 1
                j += 1
            }
            r.append(row: i, start: from, end: e, censored: false, interval: interval)
        }
        return r
    }
}

extension EpisodeSplit.Result {
    /// Empty, with room for `n` episodes in each array.
    fileprivate init(capacity n: Int) {
        row.reserveCapacity(n); start.reserveCapacity(n); end.reserveCapacity(n)
        censored.reserveCapacity(n); interval.reserveCapacity(n)
    }

    fileprivate mutating func append(row i: Int, start s: Double, end e: Double, censored c: Bool, interval k: Int) {
        row.append(i); start.append(s); end.append(e); censored.append(c); interval.append(k)
    }
}
