// XLSXWriter.swift — a data frame's rows as an Excel workbook (.xlsx): one sheet, a header row.
//
// Contract: `XLSXWriter.encode(columns, rows:)` (a `TableWriter`) gives the bytes of a minimal valid Office Open XML
// workbook, zipped (deflate) with ZIPFoundation from XML generated here: [Content_Types].xml,
// _rels/.rels, xl/workbook.xml (sheet "Sheet1"), its relationships, xl/styles.xml (style 1: the
// date format yyyy-mm-dd; style 2: the date-time format yyyy-mm-dd hh:mm:ss), xl/sharedStrings.xml and xl/worksheets/sheet1.xml. Row 1 holds the
// column names; then one row per entry of `rows`: integers and reals as numbers (reals in shortest
// round-trip form), text as shared strings (one per distinct text), booleans as boolean cells,
// dates as 1900-system serial numbers with the date style, date-times (`Column.isDateTime`) as
// fractional serials with the date-time style (read back to the millisecond), missing cells left out (empty). So
// XLSXReader reads back the same frame, except that a real column whose values are all whole reads
// back as integer (Excel has one number type) and that what Excel cannot hold is written otherwise,
// with a warning: Inf/-Inf as empty cells, dates and date-times before 1900-01-01 as text; characters XML 1.0
// forbids (control characters) become U+FFFD. Limits: 1,048,575 data rows and 16,384 columns (Excel's grid).
// Memory: the sheet part is never whole in memory. It is made a block of rows at a time, twice: once
// to count its bytes (the zip entry's size is written first), once as the deflater reads it; so a
// save holds the frame, one block of XML and the compressed workbook (10^6 rows x 15 columns: a
// 515 MB sheet part, a 97 MB file). Ctrl-C is looked at once a block (CancellationError).

import Foundation
import SurvivalStats
import ZIPFoundation

public enum XLSXWriter: TableWriter {
    public static let formatName = "Excel .xlsx"
    public static let fileExtensions = ["xlsx"]

    public static func encode(_ columns: [Column], rows: [Int]) throws -> TableWriteResult {
        if rows.count + 1 > XLSXCellReference.maxRow {
            throw DataWriteError("an Excel sheet holds at most \(XLSXCellReference.maxRow - 1) data rows; these are \(rows.count) (save as CSV)")
        }
        if columns.count > XLSXCellReference.maxColumn {
            throw DataWriteError("an Excel sheet holds at most \(XLSXCellReference.maxColumn) columns; these are \(columns.count) (save as CSV)")
        }
        // Two passes over the rows, a block at a time: the first counts the sheet part's bytes (the zip
        // entry's size comes first) and collects the shared strings and warnings; the second hands the
        // bytes to the deflater as it asks. Only one block of XML is ever in memory.
        let sheet = SheetXML(columns: columns, rows: rows)
        let size = try sheet.measure()
        var parts = workbookParts(sheet: Data(), shared: sheet.sharedStringsXML()).map { ($0.0, ZipPart.bytes($0.1)) }
        parts[parts.count - 1].1 = .stream(size: size) { [sheet] out in try sheet.appendBlock(to: &out) }
        return TableWriteResult(data: try zipArchive(parts), warnings: sheet.warnings)
    }

    /// The bytes of one zip entry: whole, or `size` bytes produced piece by piece by `next`, which
    /// appends the next piece to its argument and returns false once there are no more.
    enum ZipPart {
        case bytes(Data)
        case stream(size: Int, next: (inout [UInt8]) throws -> Bool)
    }

    /// A zip archive of `parts` (name, bytes), in order, deflated (`compressed`) or stored.
    static func zipArchive(_ parts: [(String, Data)], compressed: Bool = true) throws -> Data {
        try zipArchive(parts.map { ($0.0, ZipPart.bytes($0.1)) }, compressed: compressed)
    }

    /// Bytes handed to the deflater at a time.
    static let zipChunk = 1 << 20

    /// A zip archive of `parts`, in order, deflated (`compressed`) or stored. A streamed part is read
    /// `zipChunk` bytes at a time; an error its producer throws (DataWriteError, CancellationError) passes through.
    static func zipArchive(_ parts: [(String, ZipPart)], compressed: Bool = true) throws -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (name, part) in parts {
                let provider: Provider, size: Int
                switch part {
                case .bytes(let data):
                    size = data.count
                    provider = { position, count in data.subdata(in: Int(position)..<(Int(position) + count)) }
                case .stream(let total, let next):
                    size = total
                    let pieces = PieceReader(next: next)
                    provider = { position, count in try pieces.read(count, at: Int(position), of: total, part: name) }
                }
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(size),
                                     compressionMethod: compressed ? .deflate : .none, bufferSize: zipChunk, provider: provider)
            }
            guard let data = archive.data else { throw DataWriteError("the zip library gave no archive") }
            return data
        } catch let failure as DataWriteError {
            throw failure
        } catch let cancelled as CancellationError {
            throw cancelled
        } catch {
            throw DataWriteError("the zip library failed (ZIPFoundation says: \(error))")
        }
    }

    /// Hands out a streamed part's bytes in the chunks the zip library asks for, keeping only the
    /// piece being consumed (and the start of the next).
    final class PieceReader {
        let next: (inout [UInt8]) throws -> Bool
        var pending: [UInt8] = []
        var start = 0
        var ended = false

        init(next: @escaping (inout [UInt8]) throws -> Bool) { self.next = next }

        /// The `count` bytes at `position` (the zip library reads in order) of a part of `total` bytes.
        func read(_ count: Int, at position: Int, of total: Int, part: String) throws -> Data {
            while pending.count - start < count && !ended {
                pending.removeFirst(start)
                start = 0
                ended = try !next(&pending)
            }
            let available = pending.count - start
            // The measured size and the bytes made must agree: a mismatch would make a corrupt entry.
            var mismatch = available < count
            if !mismatch && position + count == total { // the last chunk: nothing may follow it
                mismatch = available > count
                if !mismatch && !ended { mismatch = try next(&pending) }
            }
            if mismatch { throw DataWriteError("the \(part) part changed size while being written (an internal error)") }
            defer { start += count }
            return pending.withUnsafeBufferPointer { Data(buffer: UnsafeBufferPointer(rebasing: $0[start..<(start + count)])) }
        }
    }

    /// The parts of a one-sheet workbook around the sheet part `sheet` and the shared strings part
    /// `shared`: what `encode` writes.
    static func workbookParts(sheet: Data, shared: Data) -> [(String, Data)] {
        [
            ("[Content_Types].xml", Data(contentTypes.utf8)),
            ("_rels/.rels", Data(packageRelationships.utf8)),
            ("xl/workbook.xml", Data(workbookXML.utf8)),
            ("xl/_rels/workbook.xml.rels", Data(workbookRelationships.utf8)),
            ("xl/styles.xml", Data(stylesXML.utf8)),
            ("xl/sharedStrings.xml", shared),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
    }

    /// The worksheet's XML, made as bytes a block of rows at a time, and the shared strings it refers to.
    final class SheetXML {
        let columns: [Column]
        let rows: [Int]
        let letters: [[UInt8]]
        var strings: [String] = []
        var stringIndex: [String: Int] = [:]
        /// The shared-string index of each column's name, and of each text level, per column.
        var headerIndex: [Int] = []
        var levelIndex: [[Int]]
        var stringCells = 0
        var warnings: [String] = []
        /// The next entry of `rows` to write; -1: the prolog and header row come first.
        var next = -1
        var infinite = 0, earlyDates = 0, farDates = 0

        /// Rows per block: about 1 MB of XML at 15 columns.
        static let blockRows = 4096

        init(columns: [Column], rows: [Int]) {
            self.columns = columns
            self.rows = rows
            letters = (0..<columns.count).map { Array(XLSXCellReference.letters($0 + 1).utf8) }
            levelIndex = columns.map { _ in [] }
            headerIndex = columns.map { shared($0.name) }
            for (c, column) in columns.enumerated() {
                if case .text(_, let levels) = column.storage { levelIndex[c] = levels.map { shared($0) } }
            }
        }

        /// The shared-string index of `s` (added when new).
        func shared(_ s: String) -> Int {
            if let k = stringIndex[s] { return k }
            stringIndex[s] = strings.count
            strings.append(s)
            return strings.count - 1
        }

        /// The first pass: the part's size in bytes; fills the shared strings, their count and the
        /// warnings, and rewinds for the second pass. Ctrl-C is looked at once a block.
        func measure() throws -> Int {
            var size = 0
            var scratch: [UInt8] = []
            next = -1
            (infinite, earlyDates, farDates, stringCells) = (0, 0, 0, columns.count)
            while try appendBlock(to: &scratch) {
                size += scratch.count
                scratch.removeAll(keepingCapacity: true)
            }
            if infinite > 0 { warnings.append("\(plural(infinite, "infinite value")) (Inf, -Inf) written as empty cells: Excel has no infinity") }
            if earlyDates > 0 { warnings.append("\(plural(earlyDates, "date")) before 1900-01-01 written as text: Excel's dates start there") }
            if farDates > 0 { warnings.append("\(plural(farDates, "date-time")) past year 2^31 written as empty cells: R shows them as NA") }
            next = -1
            return size
        }

        /// Appends the next piece of the part to `out` (the prolog and header row, then `blockRows` rows,
        /// the last with the closing tags); false when the part is complete. Throws CancellationError on Ctrl-C.
        func appendBlock(to out: inout [UInt8]) throws -> Bool {
            if next >= rows.count { return false }
            if Interrupt.isRaised { throw CancellationError() }
            if next < 0 {
                let lastColumn = XLSXCellReference.letters(max(columns.count, 1))
                out += Array("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"\(XLSXWriter.mainNamespace)\">".utf8)
                out += Array("<dimension ref=\"A1:\(lastColumn)\(rows.count + 1)\"/><sheetData>".utf8)
                appendRowStart(1, to: &out)
                for c in columns.indices { cell(c, 1, Self.sharedType, headerIndex[c], to: &out) }
                out += Self.rowClose
                next = 0
            }
            let end = min(next + Self.blockRows, rows.count)
            for k in next..<end { appendDataRow(k, to: &out) }
            next = end
            if next == rows.count { out += Array("</sheetData></worksheet>".utf8) }
            return true
        }

        static let sharedType = Array(" t=\"s\"".utf8), booleanType = Array(" t=\"b\"".utf8), dateStyle = Array(" s=\"1\"".utf8),
            dateTimeStyle = Array(" s=\"2\"".utf8)

        static let rowOpen = Array("<row r=\"".utf8), rowClose = Array("</row>".utf8), tagClose = Array("\">".utf8)
        static let cellOpen = Array("<c r=\"".utf8), valueOpen = Array("><v>".utf8), cellClose = Array("</v></c>".utf8)

        /// `<row r="ROW">`.
        func appendRowStart(_ row: Int, to out: inout [UInt8]) {
            out += Self.rowOpen
            XLSXWriter.appendDecimal(Int64(row), to: &out)
            out += Self.tagClose
        }

        /// Row `k` of `rows` (sheet row k + 2): missing cells are left out.
        func appendDataRow(_ k: Int, to out: inout [UInt8]) {
            let r = rows[k], row = k + 2
            appendRowStart(row, to: &out)
            for (c, column) in columns.enumerated() where !column.missing[r] {
                switch column.storage {
                case .integer(let v): cell(c, row, [], v[r], to: &out)
                case .real(let v) where column.isDateTime:
                    if v[r].isFinite { appendDateTime(c, row, seconds: v[r], to: &out) } else { infinite += 1 }
                case .real(let v):
                    if v[r].isFinite {
                        cellStart(c, row, [], to: &out)
                        out += v[r].description.utf8
                        out += Self.cellClose
                    } else { infinite += 1 }
                case .boolean(let v): cell(c, row, Self.booleanType, v[r] ? 1 : 0, to: &out)
                case .text(let codes, _):
                    stringCells += 1
                    cell(c, row, Self.sharedType, levelIndex[c][Int(codes[r])], to: &out)
                case .date(let v):
                    if let serial = XLSXWriter.serial(days: Int(v[r])) {
                        cell(c, row, Self.dateStyle, serial, to: &out)
                    } else {
                        earlyDates += 1
                        stringCells += 1
                        cell(c, row, Self.sharedType, shared(formatISODate(daysSinceEpoch: Int(v[r]))), to: &out)
                    }
                }
            }
            out += Self.rowClose
        }

        /// A date-time cell: the 1900-system serial of its day plus the fraction of the day, with the
        /// date-time style; before 1900-01-01, text (YYYY-MM-DD HH:MM:SS) counted with the early dates.
        /// Past 2^56 seconds (beyond year 2^31, NA in R) an empty cell: the day number would not fit an Int.
        func appendDateTime(_ c: Int, _ row: Int, seconds: Double, to out: inout [UInt8]) {
            guard seconds.magnitude < 0x1p56 else { farDates += 1; return }
            let day = (seconds / 86_400).rounded(.down)
            guard let serial = XLSXWriter.serial(days: Int(day)) else {
                earlyDates += 1
                stringCells += 1
                cell(c, row, Self.sharedType, shared(XLSXColumns.text(of: .datetime(seconds)) ?? ""), to: &out)
                return
            }
            cellStart(c, row, Self.dateTimeStyle, to: &out)
            out += (Double(serial) + (seconds - day * 86_400) / 86_400).description.utf8
            out += Self.cellClose
        }

        /// `<c r="B7" ATTRS><v>`.
        @inline(__always) func cellStart(_ column: Int, _ row: Int, _ attributes: [UInt8], to out: inout [UInt8]) {
            out += Self.cellOpen
            out += letters[column]
            XLSXWriter.appendDecimal(Int64(row), to: &out)
            out.append(UInt8(ascii: "\""))
            out += attributes
            out += Self.valueOpen
        }

        /// `<c r="B7" ATTRS><v>VALUE</v></c>` for a whole number.
        @inline(__always) func cell<I: BinaryInteger>(_ column: Int, _ row: Int, _ attributes: [UInt8], _ value: I, to out: inout [UInt8]) {
            cellStart(column, row, attributes, to: &out)
            XLSXWriter.appendDecimal(Int64(value), to: &out)
            out += Self.cellClose
        }

        func sharedStringsXML() -> Data {
            var x = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            x += "<sst xmlns=\"\(XLSXWriter.mainNamespace)\" count=\"\(stringCells)\" uniqueCount=\"\(strings.count)\">"
            for s in strings {
                let space = s.first?.isWhitespace == true || s.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
                x += "<si><t\(space)>\(xmlEscape(s, keepingLineBreaks: true))</t></si>"
            }
            return Data((x + "</sst>").utf8)
        }
    }

    /// Appends the decimal digits of `n` (with a minus sign when negative) to `out`.
    @inline(__always) static func appendDecimal(_ n: Int64, to out: inout [UInt8]) {
        var m = n.magnitude
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: room for the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &digits) { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: m % 10)
                m /= 10
            } while m != 0
            out.append(contentsOf: buffer[i...])
        }
    }

    /// The 1900-system serial of a day (days since 1970-01-01), counting Excel's phantom 1900-02-29;
    /// nil before 1900-01-01.
    static func serial(days: Int) -> Int? {
        let serial = days + 25_569
        if serial >= 61 { return serial }
        return serial - 1 >= 1 ? serial - 1 : nil
    }

    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationshipNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
        </Types>
        """

    static let packageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="\(packageRelationshipNamespace)">\
        <Relationship Id="rId1" Type="\(relationshipNamespace)/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    static let workbookXML = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="\(mainNamespace)" xmlns:r="\(relationshipNamespace)">\
        <sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>
        """

    static let workbookRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="\(packageRelationshipNamespace)">\
        <Relationship Id="rId1" Type="\(relationshipNamespace)/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="\(relationshipNamespace)/styles" Target="styles.xml"/>\
        <Relationship Id="rId3" Type="\(relationshipNamespace)/sharedStrings" Target="sharedStrings.xml"/>\
        </Relationships>
        """

    /// The smallest stylesheet Excel accepts, plus style 1: the date format yyyy-mm-dd (id 164, the
    /// first custom id) and style 2: the date-time format yyyy-mm-dd hh:mm:ss (id 165).
    static let stylesXML = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="\(mainNamespace)">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>\
        <fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """
}
