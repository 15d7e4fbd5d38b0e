// DatedValues.swift — tvc's dated values of one variable (or of any variable), per data row, in arrays.
//
// Contract
//   Input:  per table row the data row of its id or -1 (IdJoin.baseRow), the table's times, which
//           table rows count (the variable's present values), the number of data rows, a Cancellation.
//   Output: data row i's entries are `offsets[i]..<offsets[i+1]` of `time` and `row` (the table row),
//           by time ascending, equal times in file order: a counting sort by data row (stable, rows in
//           file order), then a stable sort by time within each row's run (insertion sort for short
//           runs, the polled merge sort for long ones). Replaces a dictionary of arrays per variable.
//   `lastValue(of:atOrBefore:)`: the table row of the last entry at or before a time (of equal
//           times the later in the file), or -1; `cuts`: each row's distinct times, ascending.
//   Polls:  `cancel` every Cancellation.stride rows or entries of every pass (CancellationError).

import SurvivalStats
import SurvshCore

struct DatedValues {
    /// Data row i's entries: offsets[i]..<offsets[i + 1].
    private(set) var offsets: [Int]
    private(set) var time: [Double]
    private(set) var row: [Int]

    /// Runs this long or shorter are sorted by insertion (stable, no allocation).
    static let insertionRun = 32

    init(baseRow: [Int], times: [Double], dataRows: Int, counts: (Int) -> Bool, cancel: Cancellation) throws {
        var offsets = [Int](repeating: 0, count: dataRows + 1)
        guard cancel.inBlocks(baseRow.indices, { rs in for r in rs where baseRow[r] >= 0 && counts(r) { offsets[baseRow[r] + 1] += 1 } }),
              cancel.inBlocks(0..<dataRows, { bs in for b in bs { offsets[b + 1] += offsets[b] } })
        else { throw CancellationError() }
        var next = offsets
        var row = [Int](repeating: 0, count: offsets[dataRows])
        guard cancel.inBlocks(baseRow.indices, { rs in
            for r in rs where baseRow[r] >= 0 && counts(r) { row[next[baseRow[r]]] = r; next[baseRow[r]] += 1 }
        }) else { throw CancellationError() }
        self.offsets = offsets
        self.row = row
        self.time = try cancel.map(count: row.count) { times[row[$0]] }
        try sortRunsByTime(cancel: cancel)
    }

    var count: Int { row.count }
    func hasValues(_ i: Int) -> Bool { offsets[i + 1] > offsets[i] }

    /// Each run in time order, ties kept in file order.
    private mutating func sortRunsByTime(cancel: Cancellation) throws {
        var sinceLastPoll = 0
        for i in 0..<(offsets.count - 1) {
            let lo = offsets[i], hi = offsets[i + 1]
            sinceLastPoll += hi - lo + 1
            if sinceLastPoll >= Cancellation.stride { sinceLastPoll = 0; try cancel.check() }
            if hi - lo <= Self.insertionRun {
                insertionSort(lo, hi)
            } else {
                let sorted = try cancel.sorted(Array(lo..<hi)) { time[$0] < time[$1] }
                let (t, r) = (sorted.map { time[$0] }, sorted.map { row[$0] })
                time.replaceSubrange(lo..<hi, with: t)
                row.replaceSubrange(lo..<hi, with: r)
            }
        }
    }

    /// Stable: an entry moves left only past strictly later times.
    private mutating func insertionSort(_ lo: Int, _ hi: Int) {
        var k = lo + 1
        while k < hi {
            let (t, r) = (time[k], row[k])
            var j = k
            while j > lo && time[j - 1] > t {
                time[j] = time[j - 1]; row[j] = row[j - 1]
                j -= 1
            }
            time[j] = t; row[j] = r
            k += 1
        }
    }

    /// The table row of data row i's last entry dated at or before `t` (the later in the file of
    /// equal times), or -1.
    func lastValue(of i: Int, atOrBefore t: Double) -> Int {
        var lo = offsets[i], hi = offsets[i + 1]
        let first = lo
        while lo < hi {
            let mid = (lo + hi) / 2
            if time[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == first ? -1 : row[lo - 1]
    }

    /// Each data row's distinct times, ascending: row i's are `times[offsets[i]..<offsets[i + 1]]`.
    func cuts(cancel: Cancellation) throws -> (offsets: [Int], times: [Double]) {
        var cutOffsets = [Int](repeating: 0, count: offsets.count)
        var times: [Double] = []
        times.reserveCapacity(time.count)
        var sinceLastPoll = 0
        for i in 0..<(offsets.count - 1) {
            let lo = offsets[i], hi = offsets[i + 1]
            sinceLastPoll += hi - lo + 1
            if sinceLastPoll >= Cancellation.stride { sinceLastPoll = 0; try cancel.check() }
            for j in lo..<hi where j == lo || time[j] != time[j - 1] { times.append(time[j]) }
            cutOffsets[i + 1] = times.count
        }
        return (cutOffsets, times)
    }
}
