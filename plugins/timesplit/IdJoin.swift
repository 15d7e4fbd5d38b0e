// IdJoin.swift — tvc's join of a long table's rows to the data's rows by id, in arrays.
//
// Contract
//   Input:  the data's id column (one row per id), the table's id column and times, a Cancellation.
//   Output: per table row the data row of its id, or -1 (id or time missing: `incomplete`; id not
//           in the data: `unmatched`, counted once per distinct id, as tmerge ignores them).
//   Keys:   two ids match when their join keys are equal, the keys tvc always had: a number by its
//           NumberFormat.label (15 significant digits: 1 and 1.0 match; -0 is 0; NaN is "NaN"),
//           text as written, so a text id "7" matches a numeric 7. Computed without a String per row:
//           - integer path: both columns numeric, every present value an integer below 10^15 in
//             magnitude (where the label is the integer's digits, so equal keys are equal integers):
//             keyed by Int64, through an array indexed by id - min when the ids are dense (1...n),
//             else a Dictionary sized once;
//           - otherwise: each column's distinct values (a text column's levels; a numeric column's
//             distinct numbers, labelled once each) are interned into one dictionary of the data's
//             keys, and the table's distinct keys are looked up in it once.
//   Errors: the first data row (in order) whose id an earlier row holds: `id K is in rows A and B of
//           the data`, as before. A NaN time counts as missing (it had no place in the order of dates).
//   Polls:  every pass polls `cancel` every Cancellation.stride rows or keys (CancellationError);
//           dictionaries are sized before they are filled, so no rehash runs between two polls.

import SurvivalStats
import SurvshCore

struct IdJoin {
    /// Per table row: the data row its id is in, or -1 (incomplete or unmatched).
    var baseRow: [Int]
    /// Table rows with a missing id or time.
    var incomplete = 0
    /// Distinct ids of complete table rows that are not in the data.
    var unmatchedIds = 0

    /// Above this magnitude a number's label (15 significant digits) may join distinct integers.
    static let integerLimit = 1e15

    /// `times`: the table's times, NaN where missing (`timesOrNil`).
    static func make(data: Column, table: Column, times: [Double], cancel: Cancellation) throws -> IdJoin {
        if let dataIds = try integerIds(data, cancel: cancel), let tableIds = try integerIds(table, cancel: cancel) {
            return try byInteger(data: dataIds, dataMissing: data.missing, table: tableIds, tableMissing: table.missing,
                                 times: times, cancel: cancel)
        }
        return try byKey(data: KeyCodes(data, cancel: cancel), table: KeyCodes(table, cancel: cancel), times: times, cancel: cancel)
    }

    /// The table's times, NaN where missing (a NaN value counts as missing too).
    static func timesOrNil(_ c: Column, cancel: Cancellation) throws -> [Double] {
        try cancel.map(count: c.count) { c.number(at: $0) ?? .nan }
    }

    static func duplicate(_ key: String, _ first: Int, _ second: Int) -> SurvshError {
        SurvshError.data("tvc", "id \(key) is in rows \(first + 1) and \(second + 1) of the data",
                         expected: "one row per id (tvc makes the episodes; load the one-row-per-id data)")
    }

    // MARK: integer ids

    /// The column's values as Int64 (0 where missing), or nil when it is text or some present value
    /// is not an integer of magnitude below `integerLimit`.
    static func integerIds(_ c: Column, cancel: Cancellation) throws -> [Int64]? {
        var ok = true
        func check(_ n: Int, _ isInteger: (Int) -> Bool) throws {
            guard cancel.inBlocks(0..<n, { rows in for r in rows where ok && !c.missing[r] && !isInteger(r) { ok = false } })
            else { throw CancellationError() }
        }
        let limit = Int64(integerLimit)
        switch c.storage {
        case .integer(let v):
            try check(v.count) { v[$0] > -limit && v[$0] < limit }
            return ok ? v : nil
        case .real(let v):
            try check(v.count) { abs(v[$0]) < integerLimit && v[$0] == v[$0].rounded(.towardZero) }
            return ok ? try cancel.map(count: v.count) { c.missing[$0] ? 0 : Int64(v[$0]) } : nil
        case .boolean(let v): return try cancel.map(count: v.count) { v[$0] ? 1 : 0 }
        case .date(let v): return try cancel.map(count: v.count) { Int64(v[$0]) }
        case .text: return nil
        }
    }

    /// The data row of each integer id: an array by id - min when the ids span little more than the
    /// rows, else a dictionary; throws at the first repeated id.
    struct IntegerIndex {
        var min: Int64 = 0
        var isDense = false
        var dense: [Int] = []
        var sparse: [Int64: Int] = [:]

        init(_ ids: [Int64], missing: MissingMask, cancel: Cancellation) throws {
            var lo = Int64.max, hi = Int64.min, present = 0
            guard cancel.inBlocks(ids.indices, { rows in
                for r in rows where !missing[r] { lo = Swift.min(lo, ids[r]); hi = Swift.max(hi, ids[r]); present += 1 }
            }) else { throw CancellationError() }
            guard present > 0 else { return }
            min = lo
            var error: SurvshError?
            if hi - lo <= 2 * Int64(ids.count) + 1024 {
                var slot = [Int](repeating: -1, count: Int(hi - lo) + 1)
                guard cancel.inBlocks(ids.indices, { rows in
                    for r in rows where error == nil && !missing[r] {
                        let s = Int(ids[r] - lo)
                        if slot[s] >= 0 { error = IdJoin.duplicate(NumberFormat.label(Double(ids[r])), slot[s], r) } else { slot[s] = r }
                    }
                }) else { throw CancellationError() }
                dense = slot
                isDense = true
            } else {
                sparse.reserveCapacity(present)
                guard cancel.inBlocks(ids.indices, { rows in
                    for r in rows where error == nil && !missing[r] {
                        if let first = sparse.updateValue(r, forKey: ids[r]) {
                            error = IdJoin.duplicate(NumberFormat.label(Double(ids[r])), first, r)
                        }
                    }
                }) else { throw CancellationError() }
            }
            if let error { throw error }
        }

        @inline(__always) func row(of id: Int64) -> Int {
            if isDense {
                let s = id &- min
                return s >= 0 && s < Int64(dense.count) ? dense[Int(s)] : -1
            }
            return sparse[id] ?? -1
        }
    }

    static func byInteger(data: [Int64], dataMissing: MissingMask, table: [Int64], tableMissing: MissingMask,
                          times: [Double], cancel: Cancellation) throws -> IdJoin {
        let index = try IntegerIndex(data, missing: dataMissing, cancel: cancel)
        var join = IdJoin(baseRow: [Int](repeating: -1, count: table.count))
        var unmatched: [Int64] = []
        guard cancel.inBlocks(table.indices, { rows in
            for r in rows {
                if tableMissing[r] || times[r].isNaN { join.incomplete += 1; continue }
                let b = index.row(of: table[r])
                if b < 0 { unmatched.append(table[r]) } else { join.baseRow[r] = b }
            }
        }) else { throw CancellationError() }
        var distinct = Set<Int64>(minimumCapacity: unmatched.count)
        guard cancel.inBlocks(unmatched.indices, { ks in for k in ks { distinct.insert(unmatched[k]) } }) else { throw CancellationError() }
        join.unmatchedIds = distinct.count
        return join
    }

    // MARK: keys of text (or of numbers that are not all small integers)

    /// A column as codes into its distinct join keys: a text column's levels, a numeric column's
    /// distinct numbers (by bit pattern) labelled once each. Codes are -1 where missing.
    struct KeyCodes {
        var codes: [Int]
        var keys: [String]

        init(_ c: Column, cancel: Cancellation) throws {
            if case .text(let levelCodes, let levels) = c.storage {
                codes = try cancel.map(count: c.count) { c.missing[$0] ? -1 : Int(levelCodes[$0]) }
                keys = levels
                return
            }
            var codeOfBits: [UInt64: Int] = [:]
            codeOfBits.reserveCapacity(c.count)
            var values: [Double] = []
            codes = try cancel.map(count: c.count) { r in
                guard let x = c.number(at: r) else { return -1 }
                if let k = codeOfBits[x.bitPattern] { return k }
                codeOfBits[x.bitPattern] = values.count
                values.append(x)
                return values.count - 1
            }
            keys = try cancel.map(count: values.count) { NumberFormat.label(values[$0]) }
        }
    }

    static func byKey(data: KeyCodes, table: KeyCodes, times: [Double], cancel: Cancellation) throws -> IdJoin {
        // each data key's class (equal strings: one class), and each class's data row
        var classOf: [String: Int] = [:]
        classOf.reserveCapacity(data.keys.count)
        let dataClass = try cancel.map(count: data.keys.count) { k in
            if let c = classOf[data.keys[k]] { return c }
            classOf[data.keys[k]] = classOf.count
            return classOf.count - 1
        }
        var rowOfClass = [Int](repeating: -1, count: classOf.count)
        var error: SurvshError?
        guard cancel.inBlocks(data.codes.indices, { rows in
            for r in rows where error == nil && data.codes[r] >= 0 {
                let c = dataClass[data.codes[r]]
                if rowOfClass[c] >= 0 { error = duplicate(data.keys[data.codes[r]], rowOfClass[c], r) } else { rowOfClass[c] = r }
            }
        }) else { throw CancellationError() }
        if let error { throw error }
        // each table key's data row (-1: not in the data), looked up once per key
        let tableRow = try cancel.map(count: table.keys.count) { k in classOf[table.keys[k]].map { rowOfClass[$0] } ?? -1 }
        var join = IdJoin(baseRow: [Int](repeating: -1, count: table.codes.count))
        var unmatchedKey = [Bool](repeating: false, count: table.keys.count), marked = 0
        guard cancel.inBlocks(table.codes.indices, { rows in
            for r in rows {
                let k = table.codes[r]
                if k < 0 || times[r].isNaN { join.incomplete += 1; continue }
                if tableRow[k] >= 0 { join.baseRow[r] = tableRow[k] } else if !unmatchedKey[k] { unmatchedKey[k] = true; marked += 1 }
            }
        }) else { throw CancellationError() }
        // distinct unmatched keys by their text (two codes may label alike: 0 and -0)
        var distinct = Set<String>(minimumCapacity: marked)
        guard cancel.inBlocks(unmatchedKey.indices, { ks in for k in ks where unmatchedKey[k] { distinct.insert(table.keys[k]) } })
        else { throw CancellationError() }
        join.unmatchedIds = distinct.count
        return join
    }
}
