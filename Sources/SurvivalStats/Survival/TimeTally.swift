// TimeTally — events and censorings per distinct time and cell (a group, or a stratum × group),
// counted without sorting the rows.
//
// Contract
//   Inputs:  time [Double], event [Bool], cell codes [Int32] (negative = row not used), cellCount,
//            timefix, and a cap on the number of distinct times.
//   Checks:  the same as KaplanMeier.fit's row loop, in row order (a cell code >= cellCount, then a
//            non-finite time, throw the same errors).
//   Outputs: the distinct times ascending (after R's aeqSurv merge when timefix is set; a merged run
//            takes its smallest value, as SurvivalTimeOrder.tieFixed), and per time and cell the
//            number of events and of censorings; rows per cell. `nil` when there are more distinct
//            times than the cap (or the table would be too large): the caller sorts the rows instead.
//   Method:  one pass over the rows with an open-addressing hash table keyed by the time's order key
//            (SurvivalTimeOrder.sortKey, so -0 and +0 are one time; KeyIndex's hash), each slot holding
//            its key and first-seen id side by side, counting into a table indexed by (id, cell); then
//            only the d distinct times are sorted (radix sort). O(n + d·k) time and O(d·k) memory,
//            against the n-row radix sort's several passes over 20 n bytes — the common case of
//            survival data (times in days or months, many ties) at 10^6–10^7 rows.
//            When the times lie on a decimal grid (TimeGrid: integers, or up to 3 decimals, over at most
//            the cap of distinct values — days and months as registries record them) a time's position
//            on the grid is its index and nothing is hashed; a time off the grid sends the count back
//            to hashing.
//            With several threads (Parallelism) the rows are cut into fixed blocks of 2^19 (the cut
//            depends on n only), each block counted on its own and the blocks' tables added by key:
//            integer counts, so the result is the same for every thread count.
//   The per-curve arithmetic that follows sees exactly the (time, events, censored) sequence the
//   sorted path gives, so results are bit-identical.

import CSurvshPrefetch

/// Events and censorings per distinct time and cell of some rows (`KaplanMeier.counts`,
/// `LogRank.counts`): what Kaplan–Meier curves and log-rank tests are computed from, kept by survsh
/// while the data are unchanged. A cell is a group (Kaplan–Meier; log-rank without strata) or
/// stratum × groupCount + group (stratified log-rank).
public struct SurvivalCounts: Sendable {
    let tally: TimeTally
    /// Number of cells.
    public let cellCount: Int
    /// Whether near-tied times were merged (R's timefix).
    public let timefix: Bool
    /// Approximate memory held (bytes).
    public var byteCount: Int { tally.times.count * 8 + tally.counts.count * 4 + tally.groupN.count * 8 }

    /// Number of distinct times.
    public var timeCount: Int { tally.times.count }
}

struct TimeTally {
    /// Distinct times, ascending (merged by timefix when asked).
    var times: [Double]
    /// counts[(t * groupCount + g) * 2] = events, [... + 1] = censorings, for time index t and cell g.
    var counts: [Int32]
    /// Rows per cell.
    var groupN: [Int]

    /// Largest number of distinct times counted by hashing (the table then stays in cache).
    static let defaultMaxDistinct = 1 << 18
    /// Largest number of (time, cell) cells.
    static let maxCells = 1 << 22
    /// Rows per block when counting on several threads.
    static let defaultBlockRows = 1 << 19

    /// `blockRows`: rows per block on several threads (tests make it small).
    static func make(time: [Double], event: [Bool], group: [Int32], groupCount k: Int, timefix: Bool,
                     maxDistinct: Int = defaultMaxDistinct, blockRows: Int = defaultBlockRows,
                     cancel: Cancellation = .never) throws -> TimeTally? {
        let n = time.count
        guard n < Int(Int32.max), k >= 1, event.count == n, group.count == n else { return nil }
        let cap = min(maxDistinct, maxCells / k)
        let blocks = Parallelism.threads > 1 ? (n + blockRows - 1) / blockRows : 1
        let rowsPerBlock = blocks > 1 ? blockRows : n
        /// Every block counted on the threads, with times indexed by `grid` (nil: hashed).
        func countBlocks(_ grid: TimeGrid?) -> [BlockCount?] {
            var parts = [BlockCount?](repeating: nil, count: max(blocks, 1))
            time.withUnsafeBufferPointer { t in
                event.withUnsafeBufferPointer { e in
                    group.withUnsafeBufferPointer { g in
                        parts.withUnsafeMutableBufferPointer { out in
                            Parallelism.forEach(out.count) { b in
                                let lo = b * rowsPerBlock, hi = min(n, lo + rowsPerBlock)
                                out[b] = BlockCount.count(time: t, event: e, cell: g, rows: lo..<hi, cells: k, cap: cap,
                                                          grid: grid, cancel: cancel)
                            }
                        }
                    }
                }
            }
            return parts
        }
        var grid = time.withUnsafeBufferPointer { t in
            group.withUnsafeBufferPointer { g in TimeGrid.find(time: t, cell: g, cells: k, maxSpan: cap, cancel: cancel) }
        }
        var parts = countBlocks(grid)
        try cancel.check()
        if grid != nil && parts.contains(where: { $0?.offGrid ?? true }) {
            grid = nil
            parts = countBlocks(nil)     // a time off the grid: hash them
            try cancel.check()
        }
        // Blocks in row order: one that stopped on a bad row reports it, as the row loop would; one
        // that stopped on too many times gives up (the sorted path then checks the rest in order).
        for p in parts {
            guard let p, !p.overflow else { return nil }
            if let error = p.error { throw error }
        }
        guard var total = parts[0] else { return nil }
        for p in parts.dropFirst() {
            guard let p else { return nil }
            total.add(p, cap: cap, onGrid: grid != nil)
            if total.overflow { return nil }
        }
        if let grid { total.compact(grid) }
        return try total.tally(timefix: timefix, cancel: cancel)
    }
}

/// Times that all lie on a decimal grid, t = q / scale for integers q in qmin...qmax (scale 1, 10,
/// 100 or 1000: days, or times printed with up to 3 decimals, as most survival data are): a time's
/// id is then q − qmin, an index into the counts, and no hashing is needed. Exact: a row counts on
/// the grid only when q / scale == t (IEEE division gives the double nearest to the decimal, the
/// same the reader gave), so every time of the grid is the row's own value.
struct TimeGrid: Equatable {
    let scale: Double
    let qmin: Double
    let qmax: Double
    var span: Int { Int(qmax - qmin) + 1 }

    /// The grid of the used rows' times (the smallest scale on which the first 256 of them lie,
    /// spanning at most `maxSpan` values), or nil (also once `cancel` fired). Rows with a bad code or
    /// time are left to the count. By blocks of rows on the threads, folded in row order: min keeps
    /// the earlier and max the later of equal values in a block as across blocks, and the blocks'
    /// first 256 times in order begin with the first 256 of all, so the grid is the one-pass grid.
    static func find(time: UnsafeBufferPointer<Double>, cell: UnsafeBufferPointer<Int32>, cells k: Int,
                     maxSpan: Int, cancel: Cancellation = .never) -> TimeGrid? {
        guard let blocks = cancel.inParallelBlocks(time.count, { rows in
            var lo = Double.infinity, hi = -Double.infinity
            var sample: [Double] = []
            for i in rows {
                let t = time[i], g = cell[i]
                if g < 0 || Int(g) >= k || !t.isFinite { continue }
                lo = min(lo, t)
                hi = max(hi, t)
                if sample.count < 256 { sample.append(t) }
            }
            return (lo: lo, hi: hi, sample: sample)
        }) else { return nil }
        var lo = Double.infinity, hi = -Double.infinity
        var sample: [Double] = []
        for b in blocks {
            lo = min(lo, b.lo)
            hi = max(hi, b.hi)
            if sample.count < 256 { sample += b.sample.prefix(256 - sample.count) }
        }
        guard lo <= hi else { return nil }
        for scale in [1.0, 10, 100, 1000] where sample.allSatisfy({ ($0 * scale).rounded() / scale == $0 }) {
            let qmin = (lo * scale).rounded(), qmax = (hi * scale).rounded()
            guard Swift.abs(qmin) < 0x1p52, Swift.abs(qmax) < 0x1p52, qmax - qmin < Double(maxSpan) else { return nil }
            return TimeGrid(scale: scale, qmin: qmin, qmax: qmax)
        }
        return nil
    }

    /// The id of `t` on the grid, or nil when it is not on it.
    @inline(__always) func id(of t: Double) -> Int? {
        let q = (t * scale).rounded()
        guard q / scale == t, q >= qmin, q <= qmax else { return nil }
        return Int(q - qmin)
    }

    /// The time with id `id`.
    func time(_ id: Int) -> Double { (qmin + Double(id)) / scale }
}

/// The counts of one block of rows: distinct time keys in first-seen order and per (id, cell) the
/// events and censorings.
private struct BlockCount {
    var keys: [UInt64] = []
    /// (id * cells + cell) * 2 + (event ? 0 : 1)
    var cells: [Int32] = []
    let cellCount: Int
    /// More distinct times than the cap: the caller sorts instead.
    var overflow = false
    /// A bad row stopped the count.
    var error: SurvivalInputError?
    /// A time not on the grid stopped the count (the caller hashes instead).
    var offGrid = false

    init(cellCount: Int) { self.cellCount = cellCount }

    /// Counts `rows`; stops at the first bad row (error set) or past `cap` distinct times (overflow).
    /// With a `grid` the ids are grid positions (every one of them has a row of counts; `compact`
    /// keeps the times present) and a time off the grid stops the count (offGrid set).
    static func count(time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Bool>, cell: UnsafeBufferPointer<Int32>,
                      rows: Range<Int>, cells k: Int, cap: Int, grid: TimeGrid?, cancel: Cancellation) -> BlockCount {
        if let grid { return countOnGrid(grid, time: time, event: event, cell: cell, rows: rows, cells: k, cancel: cancel) }
        var out = BlockCount(cellCount: k)
        var table = SlotTable(capacity: 4096)
        defer { table.free() }
        var counts = UnsafeMutablePointer<Int32>.allocate(capacity: 1024 * 2 * k)
        var countCapacity = 1024            // distinct times the counts can hold
        var distinct = 0
        defer { counts.deallocate() }
        out.error = scanRows(rows, time: time, cell: cell, cells: k, cancel: cancel) { i, g, t in
            let key = SurvivalTimeOrder.sortKey(t)
            var id = table.find(key)
            if id < 0 {
                // checked before counting the new time: `distinct` never exceeds what `counts` holds
                if distinct == cap { out.overflow = true; return false }
                id = distinct
                distinct += 1
                table.insert(key, id: id)
                if distinct > countCapacity {
                    let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * countCapacity * 2 * k)
                    bigger.update(from: counts, count: countCapacity * 2 * k)
                    counts.deallocate()
                    counts = bigger
                    countCapacity *= 2
                }
                (counts + id * 2 * k).initialize(repeating: 0, count: 2 * k)
            }
            counts[(id * k + g) &* 2 &+ (event[i] ? 0 : 1)] &+= 1
            return true
        }
        out.keys = table.keysByID(count: distinct)
        out.cells = Array(UnsafeBufferPointer(start: counts, count: distinct * 2 * k))
        return out
    }

    /// On the grid the rows are taken `prefetchRows` at a time: their counters are found (and their
    /// cache lines asked for) first, then incremented. The counters of 22,000 times x 3 groups are
    /// larger than the L2 cache, and the increment waited on its line for half the count's samples
    /// (10^6 rows, perf, 2026-12-07). Counts are the same; a block that meets a bad row or a time off
    /// the grid has its counts dropped by the caller, so the rows before it need not be counted.
    static let prefetchRows = 64

    private static func countOnGrid(_ grid: TimeGrid, time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Bool>,
                                    cell: UnsafeBufferPointer<Int32>, rows: Range<Int>, cells k: Int,
                                    cancel: Cancellation) -> BlockCount {
        var out = BlockCount(cellCount: k)
        var counts = [Int32](repeating: 0, count: grid.span * 2 * k)
        let slots = UnsafeMutablePointer<Int32>.allocate(capacity: prefetchRows)
        defer { slots.deallocate() }
        counts.withUnsafeMutableBufferPointer { c in
            var n = 0
            /// Increments the counters of the rows taken so far.
            func flush() {
                for j in 0..<n { c[Int(slots[j])] &+= 1 }
                n = 0
            }
            out.error = scanRows(rows, time: time, cell: cell, cells: k, cancel: cancel) { i, g, t in
                guard let id = grid.id(of: t) else { out.offGrid = true; return false }
                let slot = (id &* k &+ g) &* 2 &+ (event[i] ? 0 : 1)
                survsh_prefetch_for_write(c.baseAddress! + slot)
                slots[n] = Int32(truncatingIfNeeded: slot)
                n &+= 1
                if n == prefetchRows { flush() }
                return true
            }
            flush()
        }
        out.cells = counts
        return out
    }

    /// Calls `body(row, cell, time)` for each used row of `rows` in order (polling `cancel` every
    /// `Cancellation.stride` rows) until it returns false; the first bad row (a cell code >= `k`, then
    /// a non-finite time) stops the scan and is returned.
    @inline(__always)
    private static func scanRows(_ rows: Range<Int>, time: UnsafeBufferPointer<Double>, cell: UnsafeBufferPointer<Int32>,
                                 cells k: Int, cancel: Cancellation,
                                 _ body: (Int, Int, Double) -> Bool) -> SurvivalInputError? {
        var lo = rows.lowerBound
        while lo < rows.upperBound {
            if cancel.isCancelled { return nil }
            let hi = min(rows.upperBound, lo + Cancellation.stride)
            for i in lo..<hi {
                let g = Int(cell[i])
                if g < 0 { continue }
                guard g < k else { return .invalidGroupCode(index: i, code: cell[i], groupCount: k) }
                let t = time[i]
                guard t.isFinite else { return .nonFiniteTime(index: i) }
                if !body(i, g, t) { return nil }
            }
            lo = hi
        }
        return nil
    }

    /// Keeps the grid times that have rows, in grid order (ascending), with their keys.
    mutating func compact(_ grid: TimeGrid) {
        let w = 2 * cellCount
        var kept: [Int32] = []
        keys = []
        cells.withUnsafeBufferPointer { c in
            for id in 0..<grid.span {
                var any: Int32 = 0
                for j in 0..<w { any |= c[id * w + j] }
                if any == 0 { continue }
                keys.append(SurvivalTimeOrder.sortKey(grid.time(id)))
                kept.append(contentsOf: c[(id * w)..<(id * w + w)])
            }
        }
        cells = kept
    }

    /// Adds another block's counts: by key, or on a grid position by position.
    mutating func add(_ other: BlockCount, cap: Int, onGrid: Bool) {
        if onGrid {
            for j in 0..<cells.count { cells[j] &+= other.cells[j] }
            return
        }
        var index = KeyIndex(capacity: 2 * (keys.count + other.keys.count))
        for key in keys { _ = index.id(of: key) }
        let w = 2 * cellCount
        for (j, key) in other.keys.enumerated() {
            let id = Int(index.id(of: key))
            if id == keys.count {
                if keys.count >= cap { overflow = true; return }
                keys.append(key)
                cells.append(contentsOf: repeatElement(0, count: w))
            }
            for c in 0..<w { cells[id * w + c] &+= other.cells[j * w + c] }
        }
    }

    /// Sorts the distinct times, merges near-ties (a merged run keeps its smallest value) and lays
    /// the counts out in time order.
    func tally(timefix: Bool, cancel: Cancellation) throws -> TimeTally {
        let k = cellCount, w = 2 * k
        var sortedKeys = keys
        var order = (0..<UInt32(keys.count)).map { $0 }
        SurvivalTimeOrder.radixSort(keys: &sortedKeys, payload: &order, cancel: cancel)
        try cancel.check()
        var sortedTimes = sortedKeys.map(SurvivalTimeOrder.value(fromKey:))
        if timefix, let fixed = SurvivalTimeOrder.tieFixed(sortedTimes: sortedTimes) { sortedTimes = fixed }
        var times: [Double] = []
        var counts: [Int32] = []
        times.reserveCapacity(order.count)
        counts.reserveCapacity(order.count * w)
        for (pos, id) in order.enumerated() {
            let from = Int(id) * w
            if pos > 0 && sortedTimes[pos] == sortedTimes[pos - 1] {
                let base = counts.count - w
                for c in 0..<w { counts[base + c] += cells[from + c] }
            } else {
                times.append(sortedTimes[pos])
                counts.append(contentsOf: cells[from..<(from + w)])
            }
        }
        var groupN = [Int](repeating: 0, count: k)
        for j in 0..<times.count {
            for g in 0..<k { groupN[g] += Int(counts[j * w + 2 * g]) + Int(counts[j * w + 2 * g + 1]) }
        }
        return TimeTally(times: times, counts: counts, groupN: groupN)
    }
}

/// Open-addressing hash table from time keys to ids (linear probing, at most half full, KeyIndex's
/// hash), key and id side by side in one allocation so that a probe touches one cache line.
private struct SlotTable {
    /// slots[2s] = key, slots[2s + 1] = id + 1 (0 = empty)
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int
    private var used = 0

    init(capacity: Int) {
        var c = 16
        while c < capacity { c <<= 1 }
        mask = c - 1
        slots = .allocate(capacity: 2 * c)
        slots.initialize(repeating: 0, count: 2 * c)
    }

    func free() { slots.deallocate() }

    /// The key's id, or -1.
    @inline(__always) func find(_ key: UInt64) -> Int {
        var h = Int(truncatingIfNeeded: KeyIndex.mix(key)) & mask
        while true {
            let id = slots[2 &* h &+ 1]
            if id == 0 { return -1 }
            if slots[2 &* h] == key { return Int(id) &- 1 }
            h = (h &+ 1) & mask
        }
    }

    /// Adds a key that is not in the table.
    mutating func insert(_ key: UInt64, id: Int) {
        if 2 * (used + 1) > mask + 1 { grow() }
        place(key, id: UInt64(id + 1))
        used += 1
    }

    private func place(_ key: UInt64, id: UInt64) {
        var h = Int(truncatingIfNeeded: KeyIndex.mix(key)) & mask
        while slots[2 * h + 1] != 0 { h = (h + 1) & mask }
        slots[2 * h] = key
        slots[2 * h + 1] = id
    }

    private mutating func grow() {
        let old = slots, oldCount = mask + 1
        mask = 2 * oldCount - 1
        slots = .allocate(capacity: 2 * (mask + 1))
        slots.initialize(repeating: 0, count: 2 * (mask + 1))
        for s in 0..<oldCount where old[2 * s + 1] != 0 { place(old[2 * s], id: old[2 * s + 1]) }
        old.deallocate()
    }

    /// The keys in id order (ids 0..<count).
    func keysByID(count: Int) -> [UInt64] {
        var keys = [UInt64](repeating: 0, count: count)
        for s in 0...mask where slots[2 * s + 1] != 0 { keys[Int(slots[2 * s + 1]) - 1] = slots[2 * s] }
        return keys
    }
}
