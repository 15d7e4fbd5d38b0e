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

    /// Splits every row at the shared sorted `cuts`.
    public static func split(start: [Double], stop: [Double], cuts: [Double]) -> Result {
        split(start: start, stop: stop) { _ in cuts }
    }

    /// How many episodes `split(start:stop:cuts:)` makes, without making them (rows + cuts strictly
    /// inside each row's interval), for checking the memory a split needs first.
    public static func count(start: [Double], stop: [Double], cuts: [Double]) -> Int {
        /// The number of cuts <= x (or < x when `strictly`).
        func rank(_ x: Double, strictly: Bool) -> Int {
            var lo = 0, hi = cuts.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if strictly ? cuts[mid] < x : cuts[mid] <= x { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        var n = 0
        for i in start.indices {
            n += 1
            if !start[i].isNaN && !stop[i].isNaN { n += max(0, rank(stop[i], strictly: true) - rank(start[i], strictly: false)) }
        }
        return n
    }

    /// Splits row i at `cuts(i)` (sorted ascending).
    public static func split(start: [Double], stop: [Double], cuts: (Int) -> [Double]) -> Result {
        precondition(start.count == stop.count, "EpisodeSplit: start and stop lengths differ")
        var r = Result()
        r.row.reserveCapacity(start.count)
        for i in start.indices {
            let (s, e) = (start[i], stop[i])
            if s.isNaN || e.isNaN {
                r.append(row: i, start: s, end: e, censored: false, interval: 1)
                continue
            }
            let c = cuts(i)
            var j = 0
            while j < c.count && c[j] <= s { j += 1 }
            var from = s
            var interval = j
            while j < c.count && c[j] < e {
                r.append(row: i, start: from, end: c[j], censored: true, interval: interval)
                from = c[j]
                interval = j + 1
                j += 1
            }
            r.append(row: i, start: from, end: e, censored: false, interval: interval)
        }
        return r
    }
}

extension EpisodeSplit.Result {
    fileprivate mutating func append(row i: Int, start s: Double, end e: Double, censored c: Bool, interval k: Int) {
        row.append(i); start.append(s); end.append(e); censored.append(c); interval.append(k)
    }
}
