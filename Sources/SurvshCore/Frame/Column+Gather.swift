// Column+Gather.swift — bulk reads of a column's typed storage, for analyses over many rows.
//
// Contract: `doubles(rows:)` returns the cells at `rows` (nil = every row, in order) as Doubles
// the way `number(at:)` reads them (integers, booleans 0/1, dates in days), but with one switch on
// the storage instead of one a cell; it does not look at the missing mask (the value under a
// missing cell is whatever the storage holds), so callers pick rows without missing cells first.
// A real column read over every row is the column's own array (copy-on-write: no copy).
// `isAllRows` recognises the common selection "every row, in order" so callers can take a fast path.
// `gathering(rows)` makes a new column of the cells at `rows` (split, tvc, landmark), polled.

import SurvivalStats

extension Column {
    /// The numeric cells at `rows` (nil = all rows) as Doubles; text gives NaN. Missing cells are not checked.
    public func doubles(rows: [Int]?) -> [Double] {
        switch storage {
        case .real(let v):
            guard let rows else { return v }
            return v.withUnsafeBufferPointer { p in rows.map { p[$0] } }
        case .integer(let v):
            return v.withUnsafeBufferPointer { p in
                guard let rows else { return p.map { Double($0) } }
                return rows.map { Double(p[$0]) }
            }
        case .boolean(let v):
            return v.withUnsafeBufferPointer { p in
                guard let rows else { return p.map { $0 ? 1 : 0 } }
                return rows.map { p[$0] ? 1 : 0 }
            }
        case .date(let v):
            return v.withUnsafeBufferPointer { p in
                guard let rows else { return p.map { Double($0) } }
                return rows.map { Double(p[$0]) }
            }
        case .text(let codes, _):
            return [Double](repeating: .nan, count: rows?.count ?? codes.count)
        }
    }

    /// `doubles(rows:)` polling `cancel` every `Cancellation.stride` cells (CancellationError once it
    /// fires): one gather of 2*10^7 split episodes was 0.1-0.2 s of CPU, most of it the kernel
    /// faulting in the new array's pages, between two polls.
    public func doubles(rows: [Int]?, cancel: Cancellation) throws -> [Double] {
        if case .real(let v) = storage, rows == nil { return v }
        func read<T>(_ v: [T], _ value: (T) -> Double) throws -> [Double] {
            try v.withUnsafeBufferPointer { p in
                guard let rows else { return try cancel.map(count: p.count) { value(p[$0]) } }
                return try rows.withUnsafeBufferPointer { r in try cancel.map(count: r.count) { value(p[r[$0]]) } }
            }
        }
        switch storage {
        case .real(let v): return try read(v) { $0 }
        case .integer(let v): return try read(v) { Double($0) }
        case .boolean(let v): return try read(v) { $0 ? 1 : 0 }
        case .date(let v): return try read(v) { Double($0) }
        case .text: return doubles(rows: rows)
        }
    }

    /// True when `rows` is every row of the column in order (0, 1, ..., count - 1).
    public func isAllRows(_ rows: [Int]) -> Bool {
        guard rows.count == count else { return false }
        // by blocks on the threads: 10^7 rows are 80 MB to read
        let diffs = rows.withUnsafeBufferPointer { p in
            Cancellation.never.inParallelBlocks(p.count) { block in
                var diff = 0
                for i in block { diff |= p[i] ^ i }  // branch-free, vectorises
                return diff
            }
        }
        return diffs?.allSatisfy { $0 == 0 } ?? false
    }
}

extension Column {
    /// A column of the cells at `rows`, in that order (a row may come several times); a negative
    /// index gives a missing cell. Name, type, text levels, level order, the file's labels and missing values are kept.
    /// `cancel` is polled every `Cancellation.stride` rows of each pass (split's 3 x 10^7 episodes take
    /// 0.1-0.2 s a column); throws CancellationError once it fires.
    public func gathering(_ rows: [Int], cancel: Cancellation = .never) throws -> Column {
        var mask = MissingMask(count: rows.count)
        guard cancel.inBlocks(rows.indices, { ks in for i in ks where rows[i] < 0 || missing[rows[i]] { mask[i] = true } })
        else { throw CancellationError() }
        func pick<T>(_ v: [T], _ blank: T) throws -> [T] { try cancel.map(count: rows.count) { rows[$0] < 0 ? blank : v[rows[$0]] } }
        let storage: ColumnStorage
        switch self.storage {
        case .integer(let v): storage = .integer(try pick(v, 0))
        case .real(let v): storage = .real(try pick(v, 0))
        case .boolean(let v): storage = .boolean(try pick(v, false))
        case .text(let codes, let levels): storage = .text(codes: try pick(codes, 0), levels: levels)
        case .date(let v): storage = .date(try pick(v, 0))
        }
        var column = self
        column.storage = storage
        column.missing = mask
        column.fileMissing = try fileMissing?.gathering(rows, cancel: cancel)
        return column
    }
}
