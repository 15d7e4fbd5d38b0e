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
//            With several threads (Parallelism) the rows are cut into fixed blocks of 2^20 (the cut
//            depends on n only), each block counted on its own and the blocks' tables added by key:
//            integer counts, so the result is the same for every thread count.
//   The per-curve arithmetic that follows sees exactly the (time, events, censored) sequence the
//   sorted path gives, so results are bit-identical.

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
    static let defaultBlockRows = 1 << 20

    /// `blockRows`: rows per block on several threads (tests make it small).
    static func make(time: [Double], event: [Bool], group: [Int32], groupCount k: Int, timefix: Bool,
                     maxDistinct: Int = defaultMaxDistinct, blockRows: Int = defaultBlockRows,
                     cancel: Cancellation = .never) throws -> TimeTally? {
        let n = time.count
        guard n < Int(Int32.max), k >= 1, event.count == n, group.count == n else { return nil }
        let cap = min(maxDistinct, maxCells / k)
        let blocks = Parallelism.threads > 1 ? (n + blockRows - 1) / blockRows : 1
        var parts = [BlockCount?](repeating: nil, count: max(blocks, 1))
        time.withUnsafeBufferPointer { t in
            event.withUnsafeBufferPointer { e in
                group.withUnsafeBufferPointer { g in
                    parts.withUnsafeMutableBufferPointer { out in
                        let rowsPerBlock = blocks > 1 ? blockRows : n
                        Parallelism.forEach(out.count) { b in
                            let lo = b * rowsPerBlock, hi = min(n, lo + rowsPerBlock)
                            out[b] = BlockCount.count(time: t, event: e, cell: g, rows: lo..<hi, cells: k, cap: cap,
                                                      cancel: cancel)
                        }
                    }
                }
            }
        }
        try cancel.check()
        // Blocks in row order: one that stopped on a bad row reports it, as the row loop would; one
        // that stopped on too many times gives up (the sorted path then checks the rest in order).
        for p in parts {
            guard let p, !p.overflow else { return nil }
            if let error = p.error { throw error }
        }
        guard var total = parts[0] else { return nil }
        for p in parts.dropFirst() {
            guard let p else { return nil }
            total.add(p, cap: cap)
            if total.overflow { return nil }
        }
        return try total.tally(timefix: timefix, cancel: cancel)
    }
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

    init(cellCount: Int) { self.cellCount = cellCount }

    /// Counts `rows`; stops at the first bad row (error set) or past `cap` distinct times (overflow).
    static func count(time: UnsafeBufferPointer<Double>, event: UnsafeBufferPointer<Bool>, cell: UnsafeBufferPointer<Int32>,
                      rows: Range<Int>, cells k: Int, cap: Int, cancel: Cancellation) -> BlockCount {
        var out = BlockCount(cellCount: k)
        var table = SlotTable(capacity: 4096)
        defer { table.free() }
        var counts = UnsafeMutablePointer<Int32>.allocate(capacity: 1024 * 2 * k)
        var countCapacity = 1024            // distinct times the counts can hold
        var distinct = 0
        defer { counts.deallocate() }
        let stride = Cancellation.stride
        var lo = rows.lowerBound
        block: while lo < rows.upperBound {
            if cancel.isCancelled { break }
            let hi = min(rows.upperBound, lo + stride)
            for i in lo..<hi {
                let g = Int(cell[i])
                if g < 0 { continue }
                guard g < k else {
                    out.error = .invalidGroupCode(index: i, code: cell[i], groupCount: k)
                    break block
                }
                let t = time[i]
                guard t.isFinite else { out.error = .nonFiniteTime(index: i); break block }
                let key = SurvivalTimeOrder.sortKey(t)
                var id = table.find(key)
                if id < 0 {
                    id = distinct
                    distinct += 1
                    if distinct > cap { out.overflow = true; break block }
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
            }
            lo = hi
        }
        out.keys = table.keysByID(count: distinct)
        out.cells = Array(UnsafeBufferPointer(start: counts, count: distinct * 2 * k))
        return out
    }

    /// Adds another block's counts (by key).
    mutating func add(_ other: BlockCount, cap: Int) {
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
