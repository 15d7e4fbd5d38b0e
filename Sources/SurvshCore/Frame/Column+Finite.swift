// Column+Finite.swift — analyses refuse infinite values instead of printing Inf or NaN results.
//
// Contract: `requireFinite(rows:command:)` throws a data error naming the column and the first
// 1-based data row (among `rows`, nil = all) whose present value is Inf or -Inf (a CSV cell `Inf`,
// or a number beyond 1.8e308); missing cells are not looked at. Only real columns can hold them.

extension Column {
    public func requireFinite(rows: [Int]?, command: String) throws {
        guard case .real(let v) = storage else { return }
        let bad: Int? = v.withUnsafeBufferPointer { p in
            if let rows { return rows.first { !p[$0].isFinite && !missing[$0] } }
            return (0..<p.count).first { !p[$0].isFinite && !missing[$0] }
        }
        guard let r = bad else { return }
        throw SurvshError.data(command, "column '\(name)' holds \(v[r] > 0 ? "Inf" : "-Inf") in row \(r + 1), which no analysis can use",
                               expected: "finite numbers; e.g. 'filter abs(\(name)) < 1e308' leaves such rows out")
    }
}
