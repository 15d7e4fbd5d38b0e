// ColumnSelection.swift — `load FILE cols=...`: which of a file's columns to read.
//
// Contract: `keep(_:among:file:)` resolves the items of `cols=` against the file's column names
// (after the reader has made them unique) and returns one flag per file column. An item is
//   - a name (`time`), matched exactly;
//   - a range `FIRST-LAST` as a Stata varlist (`x1-x10`): every column from FIRST to LAST in file
//     order (either order of the two ends); an item that is itself a name is a name, not a range;
//   - a pattern with `*` (any run of characters) or `?` (one character): `x*`.
// Columns are kept in file order whatever the order of the items; naming a column twice is harmless.
// An item that matches nothing is a `DataReadError` naming it with the close matches among the
// file's columns (by edit distance, else by first letter), so the error fits on one line.

import Foundation

public enum ColumnSelection {
    public static func keep(_ items: [String], among names: [String], file: String) throws(DataReadError) -> [Bool] {
        var keep = [Bool](repeating: false, count: names.count)
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for raw in items {
            let item = raw.trimmingCharacters(in: .whitespaces)
            if item.isEmpty { continue }
            if let i = index[item] {
                keep[i] = true
            } else if item.contains("*") || item.contains("?") {
                let hits = names.indices.filter { matches(Array(names[$0].unicodeScalars), Array(item.unicodeScalars)) }
                if hits.isEmpty { throw unknown(item, names: names, file: file, what: "no column matches") }
                for i in hits { keep[i] = true }
            } else if let (a, b) = range(item, index: index) {
                for i in min(a, b)...max(a, b) { keep[i] = true }
            } else {
                throw unknown(item, names: names, file: file, what: "no column")
            }
        }
        return keep
    }

    /// The result cut to `options.columns` (for readers that read every column); unchanged without it.
    static func apply(_ options: ReadOptions, to result: TableReadResult, file: String) throws(DataReadError) -> TableReadResult {
        guard let items = options.columns else { return result }
        let keep = try keep(items, among: result.columns.map(\.name), file: file)
        var cut = result
        cut.columns = zip(result.columns, keep).filter(\.1).map(\.0)
        return cut
    }

    /// `FIRST-LAST` split at the first `-` whose two sides are both column names.
    static func range(_ item: String, index: [String: Int]) -> (Int, Int)? {
        var k = item.startIndex
        while let dash = item[k...].firstIndex(of: "-") {
            if let a = index[String(item[..<dash])], let b = index[String(item[item.index(after: dash)...])] { return (a, b) }
            k = item.index(after: dash)
        }
        return nil
    }

    /// Glob match of `s` against `p` (`*` any run, `?` one character).
    static func matches(_ s: [Unicode.Scalar], _ p: [Unicode.Scalar]) -> Bool {
        var i = 0, j = 0, star = -1, mark = 0
        while i < s.count {
            if j < p.count && (p[j] == "?" || p[j] == s[i]) {
                i += 1
                j += 1
            } else if j < p.count && p[j] == "*" {
                star = j
                mark = i
                j += 1
            } else if star >= 0 {
                j = star + 1
                mark += 1
                i = mark
            } else {
                return false
            }
        }
        while j < p.count && p[j] == "*" { j += 1 }
        return j == p.count
    }

    /// `cols: no column 'x11' in the file (close: x1, x10; 15 columns)`.
    static func unknown(_ item: String, names: [String], file: String, what: String) -> DataReadError {
        let limit = max(1, min(3, item.count / 3 + 1))
        let lower = item.lowercased()
        let scored = names.map { ($0, editDistance(item, $0)) }
        var close = scored.filter { $0.1 <= limit }.sorted { $0.1 < $1.1 }.map(\.0)
        if close.isEmpty { close = names.filter { $0.lowercased().hasPrefix(lower.prefix(1)) } }
        let shown = close.prefix(5).joined(separator: ", ") + (close.count > 5 ? ", …" : "")
        let hint = close.isEmpty ? "the file has \(names.count) columns: " + names.prefix(8).joined(separator: ", ")
            + (names.count > 8 ? ", …" : "") : "close: " + shown
        return DataReadError(file: file, message: "cols: \(what) '\(item)' in the file (\(hint))")
    }
}
