// XLSXSheet.swift — one worksheet part (xl/worksheets/sheetN.xml) parsed into cells, as the
// streaming XMLChunkScanner reports it (see there why not XMLParser: parts over 10 MB, speed).
//
// Contract: `XLSXSheet` collects every cell that has a value (`<c><v>` or an inline string) inside
// `range` (all of the sheet when nil) into per-column lists of (row, kind, value); cells without a
// value (style only), formulas' source text and cells outside the range are not kept. Element names
// are compared without their namespace prefix (`x:c` is `c`). Rows and cells without an `r`
// reference follow the previous one. Merged regions (`<mergeCell ref="A1:C1"/>`) are recorded. Cell
// kinds: shared string (value = index into the shared strings), inline string and formula string
// (value = index into `inlineStrings`; rich-text runs joined, phonetic guides left out), number (by
// its style's number format: number, date, date-time, time; read as the CSV reader reads numbers),
// boolean (0/1), error (`#N/A`, ...), ISO date text (`t="d"`, strict OOXML). The scan stops once
// past the range's last row; every `Cancellation.stride` rows it polls `cancel` (stopping when it
// fired) and tells `progress` the rows seen. `withinLimit` says whether the cells kept so far fit
// in `memoryLimit` (13 bytes a cell plus the strings), for the reader to stop a sheet (or a zip
// bomb) that would not.

import Foundation
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
            if letters > 3 { return nil }     // past XFD; stops before `column` can overflow
        }
        return letters > 0 ? column : nil
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
    case shared, inline, number, date, datetime, time, elapsed, boolean, error, isoDate
}

/// The cells of one column of the sheet: parallel lists, in the order the sheet gives them.
struct XLSXColumnCells {
    var rows: [Int32] = []
    var kinds: [XLSXCellKind] = []
    var values: [Double] = []
}

final class XLSXSheet: XMLScanHandler {
    /// Cells by column (index 0 = column A).
    private(set) var columns: [XLSXColumnCells] = []
    /// Inline and formula strings, and the text of ISO date cells.
    private(set) var inlineStrings: [String] = []
    private(set) var merges: [XLSXRange] = []
    /// The smallest rectangle holding every kept cell (nil: none).
    private(set) var used: XLSXRange?
    private(set) var cancelled = false
    /// Cells kept.
    private(set) var cellCount = 0

    private let range: XLSXRange?
    private let styles: [XLSXNumberFormat.Kind]
    private let cancel: Cancellation
    private let progress: LoadProgress?
    /// Bytes the kept cells and strings may take (nil: no limit).
    let memoryLimit: UInt64?
    private var countdown = Cancellation.stride
    private var stringBytes = 0

    // Parse state.
    /// Rows (`<row>` elements) read so far; the progress line is told one less (the header).
    private(set) var rowsSeen = 0
    private var row = 0, column = 0, inCell = false
    private var type = CellType.number, style = 0
    private var value: [UInt8] = []
    private var inValue = false, inInline = false, inInlineText = false, inPhonetic = false, hasInline = false

    /// A cell's `t` attribute.
    private enum CellType { case number, shared, inlineString, formulaString, boolean, error, isoDate }

    /// Bytes a kept cell takes (row, kind, value).
    static let bytesPerCell = MemoryLayout<Int32>.size + MemoryLayout<XLSXCellKind>.size + MemoryLayout<Double>.size

    init(range: XLSXRange?, styles: [XLSXNumberFormat.Kind], cancel: Cancellation, progress: LoadProgress? = nil, memoryLimit: UInt64? = nil) {
        self.range = range
        self.styles = styles
        self.cancel = cancel
        self.progress = progress
        self.memoryLimit = memoryLimit
    }

    /// Takes column `index`'s cells out of the sheet (they are freed once the caller is done).
    func takeColumn(_ index: Int) -> XLSXColumnCells {
        guard index < columns.count else { return XLSXColumnCells() }
        defer { columns[index] = XLSXColumnCells() }
        return columns[index]
    }

    var wantsText: Bool { inValue || inInlineText }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) { value.append(contentsOf: bytes) }

    func start(_ name: XMLTagName, _ attributes: XMLAttributes) -> Bool {
        let local = name.local
        switch local.count {
        case 1 where local[0] == UInt8(ascii: "c"):
            if let r = attributes["r"], let col = XLSXCellReference.column(of: r) { column = col } else { column += 1 }
            type = Self.cellType(attributes["t"])
            style = attributes["s"].flatMap(Self.integer) ?? 0
            value.removeAll(keepingCapacity: true)
            hasInline = false
            inCell = true
        case 1 where local[0] == UInt8(ascii: "v"):
            inValue = true
        case 1 where local[0] == UInt8(ascii: "t"):
            if inInline { inInlineText = !inPhonetic }
        case 2 where name.is("is"):
            inInline = true
            hasInline = true
        case 3 where name.is("rPh"):
            inPhonetic = true
        case 3 where name.is("row"):
            if let r = attributes["r"].flatMap(Self.integer) { row = r } else { row += 1 }
            column = 0
            if let range, row > range.lastRow { return false }
            rowsSeen += 1
            countdown -= 1
            if countdown <= 0 {
                countdown = Cancellation.stride
                progress?.setRows(rowsSeen - 1)
                if cancel.isCancelled {
                    cancelled = true
                    return false
                }
            }
        case 9 where name.is("mergeCell"):
            if let ref = attributes["ref"], let r = XLSXRange.parse(String(decoding: ref, as: UTF8.self)) { merges.append(r) }
        default: break
        }
        return true
    }

    func end(_ name: XMLTagName) {
        let local = name.local
        switch local.count {
        case 1 where local[0] == UInt8(ascii: "v"): inValue = false
        case 1 where local[0] == UInt8(ascii: "t"): inInlineText = false
        case 1 where local[0] == UInt8(ascii: "c"):
            inCell = false
            store()
        case 2 where name.is("is"): inInline = false
        case 3 where name.is("rPh"): inPhonetic = false
        default: break
        }
    }

    /// Where the scan is, for an error message: `cell B7` inside a cell, else `row 7` (nil before the first row).
    var position: String? {
        if inCell { return "cell \(XLSXCellReference.name(row: row, column: column))" }
        return row > 0 ? "row \(row)" : nil
    }

    /// Whether the scan should go on after the cells kept so far: false once they pass the memory limit.
    var withinLimit: Bool {
        guard let memoryLimit else { return true }
        return UInt64(cellCount * Self.bytesPerCell + stringBytes) <= memoryLimit
    }

    private static func cellType(_ t: UnsafeBufferPointer<UInt8>?) -> CellType {
        guard let t else { return .number }
        if XMLTagName.equal(t, "s") { return .shared }
        if XMLTagName.equal(t, "inlineStr") { return .inlineString }
        if XMLTagName.equal(t, "str") { return .formulaString }
        if XMLTagName.equal(t, "b") { return .boolean }
        if XMLTagName.equal(t, "e") { return .error }
        if XMLTagName.equal(t, "d") { return .isoDate }
        return .number
    }

    /// A decimal integer (optional sign, blanks around, at most 18 digits); nil otherwise.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let t = trimmed(bytes)
        var i = 0, negative = false
        if let sign = t.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { negative = sign == UInt8(ascii: "-"); i = 1 }
        guard i < t.count, t.count - i <= 18 else { return nil }
        var v = 0
        while i < t.count {
            let d = t[i] &- UInt8(ascii: "0")
            if d > 9 { return nil }
            v = v * 10 + Int(d)
            i += 1
        }
        return negative ? -v : v
    }

    /// `bytes` without the blanks (space, tab, CR, LF) around them.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = bytes.count
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while lo < hi && blank(bytes[lo]) { lo += 1 }
        while hi > lo && blank(bytes[hi - 1]) { hi -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[lo..<hi])
    }

    /// A number as the CSV reader reads one (correctly rounded), else as Swift's Double reads it (nil
    /// when it is not a number). The byte after `bytes` must exist and not continue a number (a
    /// blank or NUL).
    static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return nil }
        let scanned = FastNumber.scanDecimal(at: start, powers: FastNumber.powerTables)
        if scanned.end == start + bytes.count {
            switch scanned.kind {
            case .integer: return Double(Int64(bitPattern: scanned.bits))
            case .real: return Double(bitPattern: scanned.bits)
            case .none: break
            }
        }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    private func keepString(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        inlineStrings.append(String(decoding: bytes, as: UTF8.self))
        stringBytes += bytes.count + MemoryLayout<String>.size
        return Double(inlineStrings.count - 1)
    }

    /// Keeps the cell just closed, if it has a value inside the range.
    private func store() {
        if let range, !range.contains(row: row, column: column) { return }
        guard column >= 1, row >= 1 else { return }
        value.append(0) // ends the number `Self.number` scans
        var kind = XLSXCellKind.number
        var number = 0.0
        let ok: Bool = value.withUnsafeBufferPointer { whole in
            let raw = UnsafeBufferPointer(rebasing: whole[..<(whole.count - 1)])
            let text = Self.trimmed(raw)
            switch type {
            case .shared:
                guard let k = Self.integer(text) else { return false }
                kind = .shared; number = Double(k)
            case .inlineString, .formulaString:
                if type == .inlineString && !hasInline { return false }
                kind = .inline; number = keepString(raw)
            case .boolean:
                kind = .boolean; number = text.count == 1 && text[0] == UInt8(ascii: "1") ? 1 : 0
            case .error:
                kind = .error; number = keepString(raw)
            case .isoDate:
                guard !raw.isEmpty else { return false }
                kind = .isoDate; number = keepString(raw)
            case .number:
                if text.isEmpty { return false }
                guard let x = Self.number(text) else {
                    kind = .inline; number = keepString(raw)
                    return true
                }
                number = x
                switch style < styles.count ? styles[style] : .number {
                case .number: kind = .number
                case .date: kind = .date
                case .datetime: kind = .datetime
                case .time: kind = .time
                case .elapsed: kind = .elapsed
                }
            }
            return true
        }
        guard ok else { return }
        while columns.count < column { columns.append(XLSXColumnCells()) }
        columns[column - 1].rows.append(Int32(row))
        columns[column - 1].kinds.append(kind)
        columns[column - 1].values.append(number)
        cellCount += 1
        if var u = used {
            u.firstRow = min(u.firstRow, row); u.lastRow = max(u.lastRow, row)
            u.firstColumn = min(u.firstColumn, column); u.lastColumn = max(u.lastColumn, column)
            used = u
        } else {
            used = XLSXRange(firstRow: row, firstColumn: column, lastRow: row, lastColumn: column)
        }
    }
}
