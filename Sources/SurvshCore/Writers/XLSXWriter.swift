// XLSXWriter.swift — a data frame's rows as an Excel workbook (.xlsx): one sheet, a header row.
//
// Contract: `XLSXWriter.encode(columns, rows:)` (a `TableWriter`) gives the bytes of a minimal valid Office Open XML
// workbook, zipped (deflate) with ZIPFoundation from XML generated here: [Content_Types].xml,
// _rels/.rels, xl/workbook.xml (sheet "Sheet1"), its relationships, xl/styles.xml (style 1: the
// date format yyyy-mm-dd), xl/sharedStrings.xml and xl/worksheets/sheet1.xml. Row 1 holds the
// column names; then one row per entry of `rows`: integers and reals as numbers (reals in shortest
// round-trip form), text as shared strings (one per distinct text), booleans as boolean cells,
// dates as 1900-system serial numbers with the date style, missing cells left out (empty). So
// XLSXReader reads back the same frame, except that a real column whose values are all whole reads
// back as integer (Excel has one number type) and that what Excel cannot hold is written otherwise,
// with a warning: Inf/-Inf as empty cells, dates before 1900-01-01 as text; characters XML 1.0
// forbids (control characters) become U+FFFD. Limits: 1,048,575 data rows and 16,384 columns (Excel's grid).

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
        var sheet = SheetXML(columns: columns)
        sheet.write(rows: rows)
        let parts = workbookParts(sheet: Data(sheet.out), shared: sheet.sharedStringsXML())
        return TableWriteResult(data: try zipArchive(parts), warnings: sheet.warnings)
    }

    /// A zip archive of `parts` (name, bytes), in order, deflated (`compressed`) or stored.
    static func zipArchive(_ parts: [(String, Data)], compressed: Bool = true) throws -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (name, data) in parts {
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count),
                                     compressionMethod: compressed ? .deflate : .none) { position, size in
                    data.subdata(in: Int(position)..<(Int(position) + size))
                }
            }
            guard let data = archive.data else { throw DataWriteError("the zip library gave no archive") }
            return data
        } catch let failure as DataWriteError {
            throw failure
        } catch {
            throw DataWriteError("the zip library failed (ZIPFoundation says: \(error))")
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

    /// The worksheet's XML, built as bytes, and the shared strings it refers to.
    struct SheetXML {
        let columns: [Column]
        let letters: [[UInt8]]
        var out: [UInt8] = []
        var strings: [String] = []
        var stringIndex: [String: Int] = [:]
        var stringCells = 0
        var warnings: [String] = []

        init(columns: [Column]) {
            self.columns = columns
            letters = (0..<columns.count).map { Array(XLSXCellReference.letters($0 + 1).utf8) }
        }

        /// The shared-string index of `s` (added when new).
        mutating func shared(_ s: String) -> Int {
            if let k = stringIndex[s] { return k }
            stringIndex[s] = strings.count
            strings.append(s)
            return strings.count - 1
        }

        mutating func append(_ s: String) { out.append(contentsOf: s.utf8) }

        /// `<c r="B7" ATTRS><v>VALUE</v></c>`.
        mutating func cell(_ column: Int, _ row: Int, _ attributes: String, _ value: String) {
            append("<c r=\"")
            out.append(contentsOf: letters[column])
            append("\(row)\"\(attributes)><v>\(value)</v></c>")
        }

        mutating func write(rows: [Int]) {
            let lastColumn = XLSXCellReference.letters(max(columns.count, 1))
            out.reserveCapacity((rows.count + 1) * columns.count * 24)
            append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"\(XLSXWriter.mainNamespace)\">")
            append("<dimension ref=\"A1:\(lastColumn)\(rows.count + 1)\"/><sheetData><row r=\"1\">")
            for (c, column) in columns.enumerated() { cell(c, 1, " t=\"s\"", String(shared(column.name))) }
            stringCells = columns.count
            append("</row>")
            var infinite = 0, earlyDates = 0
            // Shared-string index of each text level, per column.
            var levelIndex: [[Int]] = columns.map { _ in [] }
            for (c, column) in columns.enumerated() {
                if case .text(_, let levels) = column.storage { levelIndex[c] = levels.map { shared($0) } }
            }
            for (k, r) in rows.enumerated() {
                let row = k + 2
                append("<row r=\"\(row)\">")
                for (c, column) in columns.enumerated() where !column.missing[r] {
                    switch column.storage {
                    case .integer(let v): cell(c, row, "", String(v[r]))
                    case .real(let v):
                        if v[r].isFinite { cell(c, row, "", "\(v[r])") } else { infinite += 1 }
                    case .boolean(let v): cell(c, row, " t=\"b\"", v[r] ? "1" : "0")
                    case .text(let codes, _):
                        stringCells += 1
                        cell(c, row, " t=\"s\"", String(levelIndex[c][Int(codes[r])]))
                    case .date(let v):
                        if let serial = XLSXWriter.serial(days: Int(v[r])) {
                            cell(c, row, " s=\"1\"", String(serial))
                        } else {
                            earlyDates += 1
                            stringCells += 1
                            cell(c, row, " t=\"s\"", String(shared(formatISODate(daysSinceEpoch: Int(v[r])))))
                        }
                    }
                }
                append("</row>")
            }
            append("</sheetData></worksheet>")
            if infinite > 0 { warnings.append("\(plural(infinite, "infinite value")) (Inf, -Inf) written as empty cells: Excel has no infinity") }
            if earlyDates > 0 { warnings.append("\(plural(earlyDates, "date")) before 1900-01-01 written as text: Excel's dates start there") }
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
    /// first custom id).
    static let stylesXML = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="\(mainNamespace)">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>\
        <fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """
}
