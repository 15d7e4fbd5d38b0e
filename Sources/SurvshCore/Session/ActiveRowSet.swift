// ActiveRowSet.swift — the session's active rows as settled after a change of the filters.
//
// Contract: `.all(n)` is every row of an n-row frame (no filter, or filters keeping every row) and
// holds no array: the first analysis after `load` at 10^7 rows would otherwise fill and fault in
// 80 MB of 0, 1, ..., n - 1 only to learn that nothing is filtered. `.subset(rows)` is the ascending
// rows kept, fewer than n. Both are subsets of the same frame's rows (the session drops the set when
// the frame changes), so two sets are equal when they have the same rows: `.all(n)` equals a subset
// only of count n (which is every row), two subsets compare their rows. `rows` materializes the
// indices for a caller that asks for them (a plugin request, tests).

enum ActiveRowSet: Equatable {
    case all(Int)
    case subset([Int])

    /// How many rows are active.
    var count: Int {
        switch self {
        case .all(let n): return n
        case .subset(let rows): return rows.count
        }
    }

    /// The active rows' indices, ascending (built for `.all`).
    var rows: [Int] {
        switch self {
        case .all(let n): return CompleteCases.allRows(n)
        case .subset(let rows): return rows
        }
    }

    static func == (a: ActiveRowSet, b: ActiveRowSet) -> Bool {
        switch (a, b) {
        case (.all(let n), .all(let m)): return n == m
        case (.all(let n), .subset(let rows)), (.subset(let rows), .all(let n)): return rows.count == n
        case (.subset(let x), .subset(let y)): return x == y
        }
    }
}
