// Column+Finite.swift — analyses refuse infinite values instead of printing Inf or NaN results.
//
// Contract: `requireFinite(rows:command:)` throws a data error naming the column and the first
// 1-based data row (among `rows`, nil = all) whose present value is Inf or -Inf (a CSV cell `Inf`,
// or a number beyond 1.8e308); missing cells are not looked at. Only real columns can hold them, and
// not one whose values are known finite (Column.finiteValues: the reader found none).
// `finiteDoubles(rows:command:)` is that check, then the values at `rows` (`doubles(rows:)`).

import SurvivalStats

extension Column {
    /// The values at `rows` (nil = all) as `doubles(rows:)` gives them, after `requireFinite`.
    public func finiteDoubles(rows: [Int]?, command: String) throws -> [Double] {
        try requireFinite(rows: rows, command: command)
        return doubles(rows: rows)
    }

    public func requireFinite(rows: [Int]?, command: String) throws {
        guard case .real(let v) = storage, !finiteValues.known else { return }
        // by blocks on the threads (a pass over 10^7 rows); the first block with one has the first
        let firsts = v.withUnsafeBufferPointer { p in
            rows.map { rows in
                rows.withUnsafeBufferPointer { r in
                    Cancellation.never.inParallelBlocks(r.count) { block in
                        block.first { !p[r[$0]].isFinite && !missing[r[$0]] }.map { r[$0] }
                    }
                }
            } ?? Cancellation.never.inParallelBlocks(p.count) { block in
                block.first { !p[$0].isFinite && !missing[$0] }
            }
        }
        guard let firsts else { return }   // (never: nothing cancels)
        let bad = firsts.lazy.compactMap { $0 }.first
        guard let r = bad else { return }
        throw SurvshError.data(command, "column '\(name)' holds \(v[r] > 0 ? "Inf" : "-Inf") in row \(r + 1), which no analysis can use",
                               expected: "finite numbers; e.g. 'filter abs(\(name)) < 1e308' leaves such rows out")
    }
}
