// CSVWriter.swift — `save PATH.csv`: the columns as comma-separated text that `load` reads back as
// the same frame.
//
// Contract: a header row of the names; reals in shortest round-trip form (a whole real keeps its
// ".0"), text quoted when it holds a comma, quote or newline (RFC 4180) or would read back as
// missing or padded, missing cells as NA, dates as YYYY-MM-DD, booleans as TRUE/FALSE. Variable
// labels and value codes are not kept (CSV has no place for them). Ctrl-C is polled every
// Cancellation.stride rows (CancellationError): formatting 10^6 rows takes seconds of CPU.

import Foundation
import SurvivalStats

public enum CSVWriter: TableWriter {
    public static let formatName = "CSV"
    public static let fileExtensions = ["csv", "txt"]

    public static func encode(_ columns: [Column], rows: [Int]) throws -> TableWriteResult {
        TableWriteResult(data: Data(try text(columns, rows: rows).utf8))
    }

    /// The file's text; throws CancellationError on Ctrl-C.
    public static func text(_ columns: [Column], rows: [Int]) throws -> String {
        var out = columns.map { field($0.name) }.joined(separator: ",") + "\n"
        out.reserveCapacity(rows.count * columns.count * 8)
        for (k, r) in rows.enumerated() {
            if Interrupt.stops(at: k) { throw CancellationError() }
            var first = true
            for c in columns {
                if !first { out += "," }
                first = false
                if let t = c.text(at: r) { out += c.type == .text ? field(t) : t } else { out += "NA" }
            }
            out += "\n"
        }
        return out
    }

    /// A CSV field, quoted when needed; text that would read back as missing or as another type is
    /// quoted too.
    public static func field(_ s: String) -> String {
        let needs = s.isEmpty || s == "NA" || s == "." || s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || s.first == " " || s.last == " "
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
