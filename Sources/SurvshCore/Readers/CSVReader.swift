// TEMPORARY naive reader so the tree builds until the real CSVReader lands (helper delivers it).
import Foundation
public enum CSVReader: TableReader {
    public static let formatName = "CSV/TSV"
    public static let fileExtensions = ["csv", "tsv", "tab", "txt"]
    public static func read(path: String, options: ReadOptions) throws(DataReadError) -> TableReadResult {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw DataReadError(file: path, message: "cannot read") }
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { throw DataReadError(file: path, message: "empty") }
        let body = Array(lines.dropFirst())
        var cols: [Column] = []
        for (j, name) in header.enumerated() {
            let cells = body.map { j < $0.count ? $0[j] : "NA" }
            var mask = MissingMask(count: cells.count)
            for (i, c) in cells.enumerated() where options.naTokens.contains(c) { mask[i] = true }
            let nonMissing = cells.enumerated().filter { !mask[$0.offset] }.map(\.element)
            if nonMissing.allSatisfy({ Int64($0) != nil }) {
                cols.append(Column(name: name, storage: .integer(cells.map { Int64($0) ?? 0 }), missing: mask))
            } else if nonMissing.allSatisfy({ Double($0) != nil }) {
                cols.append(Column(name: name, storage: .real(cells.map { Double($0) ?? 0 }), missing: mask))
            } else if nonMissing.allSatisfy({ parseISODate($0) != nil }) {
                cols.append(Column(name: name, storage: .date(cells.map { Int32(parseISODate($0) ?? 0) }), missing: mask))
            } else {
                var levels: [String] = []; var idx: [String: UInt32] = [:]
                let codes = cells.map { c -> UInt32 in if let k = idx[c] { return k }; levels.append(c); idx[c] = UInt32(levels.count - 1); return UInt32(levels.count - 1) }
                cols.append(Column(name: name, storage: .text(codes: codes, levels: levels), missing: mask))
            }
        }
        return TableReadResult(columns: cols, rowCount: body.count, warnings: [], formatDescription: "CSV (comma)")
    }
}
