// XLSXSheet.swift — one worksheet part (xl/worksheets/sheetN.xml) parsed into cells, with
// Foundation's XMLParser.
//
// Contract: `XLSXSheet` collects every cell that has a value (`<c><v>` or an inline string) inside
// `range` (all of the sheet when nil) into per-column lists of (row, kind, value); cells without a
// value (style only), formulas' source text and cells outside the range are not kept. Rows and cells
// without an `r` reference follow the previous one. Merged regions (`<mergeCell ref="A1:C1"/>`) are
// recorded. Cell kinds: shared string (value = index into the shared strings), inline string and
// formula string (value = index into `inlineStrings`), number (by its style's number format: number,
// date, date-time, time), boolean (0/1), error (`#N/A`, ...), ISO date text (`t="d"`, strict OOXML).
// The parse stops early once past the range's last row, and polls `cancel` every
// `Cancellation.stride` cells.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SurvivalStats

/// A rectangle of cells, 1-based rows and columns, inclusive.
struct XLSXRange: Equatable, Sendable {
    var firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int

    func contains(row: Int, column: Int) -> Bool {
        row >= firstRow && row <= lastRow && column >= firstColumn && column <= lastColumn
    }

    /// `A1:H200` (also one cell, `B3`, and lower case); nil when malformed or inverted.
    static func parse(_ text: String) -> XLSXRange? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2,
              let a = XLSXCellReference.parse(parts[0].utf8),
              let b = parts.count == 2 ? XLSXCellReference.parse(parts[1].utf8) : a,
              a.row <= b.row, a.column <= b.column else { return nil }
        return XLSXRange(firstRow: a.row, firstColumn: a.column, lastRow: b.row, lastColumn: b.column)
    }

    /// `A1:H200`.
    var text: String {
        XLSXCellReference.name(row: firstRow, column: firstColumn) + ":" + XLSXCellReference.name(row: lastRow, column: lastColumn)
    }
}

/// A1-style cell references: column letters (A = 1, ..., XFD = 16384) then the row number.
enum XLSXCellReference {
    static let maxRow = 1_048_576, maxColumn = 16_384

    /// (row, column), 1-based; nil when malformed or beyond Excel's grid. `$` anchors are allowed.
    static func parse<S: Collection>(_ bytes: S) -> (row: Int, column: Int)? where S.Element == UInt8 {
        var column = 0, row = 0, digits = 0, letters = 0
        for b in bytes where b != UInt8(ascii: "$") {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(b - UInt8(ascii: "A")) + 1; letters += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z") where digits == 0:
                column = column * 26 + Int(b - UInt8(ascii: "a")) + 1; letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
                row = row * 10 + Int(b - UInt8(ascii: "0")); digits += 1
            default: return nil
            }
            if letters > 3 || digits > 7 { return nil }
        }
        guard letters > 0, digits > 0, row >= 1, row <= maxRow, column <= maxColumn else { return nil }
        return (row, column)
    }

    /// The column part of a reference alone (`AB12` -> 28); nil when there are no letters.
    static func column<S: Collection>(of bytes: S) -> Int? where S.Element == UInt8 {
        var column = 0, letters = 0
        for b in bytes {
            if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { column = column * 26 + Int(b - UInt8(ascii: "A")) + 1 }
            else if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { column = column * 26 + Int(b - UInt8(ascii: "a")) + 1 }
            else if b == UInt8(ascii: "$") { continue } else { break }
            letters += 1
        }
        return letters > 0 && letters <= 3 ? column : nil
    }

    /// `AB` for 28.
    static func letters(_ column: Int) -> String {
        var n = column, s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    static func name(row: Int, column: Int) -> String { letters(column) + String(row) }
}

/// What a stored cell holds.
enum XLSXCellKind: UInt8 {
    case shared, inline, number, date, datetime, time, boolean, error, isoDate
}

/// The cells of one column of the sheet: parallel lists, in the order the sheet gives them.
struct XLSXColumnCells {
    var rows: [Int32] = []
    var kinds: [XLSXCellKind] = []
    var values: [Double] = []
}

final class XLSXSheet: XLSXXMLPass {
    /// Cells by column (index 0 = column A).
    private(set) var columns: [XLSXColumnCells] = []
    /// Inline and formula strings, and the text of ISO date cells.
    private(set) var inlineStrings: [String] = []
    private(set) var merges: [XLSXRange] = []
    /// The smallest rectangle holding every kept cell (nil: none).
    private(set) var used: XLSXRange?
    private(set) var cancelled = false

    private let range: XLSXRange?
    private let styles: [XLSXNumberFormat.Kind]
    private let cancel: Cancellation
    private var countdown = Cancellation.stride

    // Parse state.
    private var row = 0, column = 0
    private var type = "", style = 0
    private var value = ""
    private var inValue = false, inInline = false, inInlineText = false, inPhonetic = false, hasInline = false

    init(range: XLSXRange?, styles: [XLSXNumberFormat.Kind], cancel: Cancellation) {
        self.range = range
        self.styles = styles
        self.cancel = cancel
    }

    override func start(_ name: Substring, _ attributes: [String: String], parser: XMLParser) {
        switch name {
        case "c":
            if let r = attributes["r"], let col = XLSXCellReference.column(of: r.utf8) { column = col } else { column += 1 }
            type = attributes["t"] ?? ""
            style = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
            hasInline = false
        case "v":
            inValue = true
        case "is":
            inInline = true
            hasInline = true
        case "t" where inInline:
            inInlineText = !inPhonetic
        case "rPh":
            inPhonetic = true
        case "row":
            if let r = attributes["r"].flatMap(Int.init) { row = r } else { row += 1 }
            column = 0
            if let range, row > range.lastRow {
                stoppedOnPurpose = true
                parser.abortParsing()
            }
            countdown -= 1
            if countdown <= 0 {
                countdown = Cancellation.stride
                if cancel.isCancelled {
                    cancelled = true
                    stoppedOnPurpose = true
                    parser.abortParsing()
                }
            }
        case "mergeCell":
            if let ref = attributes["ref"], let r = XLSXRange.parse(ref) { merges.append(r) }
        default: break
        }
    }

    override func end(_ name: Substring, parser: XMLParser) {
        switch name {
        case "v": inValue = false
        case "is": inInline = false
        case "t": inInlineText = false
        case "rPh": inPhonetic = false
        case "c": store()
        default: break
        }
    }

    override func text(_ string: String) {
        if inValue || inInlineText { value += string }
    }

    /// Keeps the cell just closed, if it has a value inside the range.
    private func store() {
        if let range, !range.contains(row: row, column: column) { return }
        guard column >= 1, row >= 1 else { return }
        let kind: XLSXCellKind
        var number = 0.0
        switch type {
        case "s":
            guard let k = Int(value.trimmingCharacters(in: .whitespaces)) else { return }
            kind = .shared; number = Double(k)
        case "inlineStr", "str":
            if type == "inlineStr" && !hasInline { return }
            kind = .inline; number = Double(inlineStrings.count); inlineStrings.append(value)
        case "b":
            kind = .boolean; number = value.trimmingCharacters(in: .whitespaces) == "1" ? 1 : 0
        case "e":
            kind = .error; number = Double(inlineStrings.count); inlineStrings.append(value)
        case "d":
            guard !value.isEmpty else { return }
            kind = .isoDate; number = Double(inlineStrings.count); inlineStrings.append(value)
        default:
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return }
            guard let x = Double(trimmed) else {
                kind = .inline; number = Double(inlineStrings.count); inlineStrings.append(value)
                break
            }
            number = x
            switch style < styles.count ? styles[style] : .number {
            case .number: kind = .number
            case .date: kind = .date
            case .datetime: kind = .datetime
            case .time: kind = .time
            }
        }
        while columns.count < column { columns.append(XLSXColumnCells()) }
        columns[column - 1].rows.append(Int32(row))
        columns[column - 1].kinds.append(kind)
        columns[column - 1].values.append(number)
        if var u = used {
            u.firstRow = min(u.firstRow, row); u.lastRow = max(u.lastRow, row)
            u.firstColumn = min(u.firstColumn, column); u.lastColumn = max(u.lastColumn, column)
            used = u
        } else {
            used = XLSXRange(firstRow: row, firstColumn: column, lastRow: row, lastColumn: column)
        }
    }
}
