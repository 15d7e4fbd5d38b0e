// XLSXReader.swift — Excel workbooks (.xlsx, .xlsm: Office Open XML spreadsheets).
//
// Contract: an .xlsx file is a zip archive (read with ZIPFoundation, `XLSXPackage`) of XML parts
// (the small ones parsed with Foundation's XMLParser, XLSXParts.swift; the worksheet with
// XMLChunkScanner, XLSXSheet.swift). `read` loads one sheet:
// `ReadOptions.sheet` by name (exact, else ignoring case) or by 1-based position, by default the
// first; `ReadOptions.range` (`A1:H200`) limits the cells read, by default the smallest rectangle
// holding every cell with a value. The region's first row is the header; rows after the last one
// holding a value are dropped. Cells become columns as XLSXColumns.swift says (types as the CSV
// reader decides them, dates from the 1900 or 1904 system, missing cells).
// Errors (`DataReadError`, one line): 0-byte file; an OLE compound file (D0 CF 11 E0) that holds an
// `EncryptedPackage` stream (a password-protected workbook) or is an old .xls (DataReaders refuses
// those before a reader is chosen, with the same message); not a zip; a damaged or
// truncated zip (what ZIPFoundation said); no xl/workbook.xml; a workbook with no sheets; a missing
// sheet (the sheets there are are listed); a chart sheet; a part that is not well-formed XML (what
// XMLParser or XMLChunkScanner said); a small part that would inflate to more than the memory
// available, or a sheet whose cells would not fit in half of it (a zip bomb).
// The sheet part is streamed (XLSXPackage.stream into XMLChunkScanner), never held whole: a 150 MB
// sheet part costs its cells, not its text. Ctrl-C (`ReadOptions.cancel`) is polled for each
// inflated piece and every `Cancellation.stride` rows; `ReadOptions.progress` is told the rows
// and the share of the file read.

import Foundation
import SurvivalStats
import ZIPFoundation

public enum XLSXReader: TableReader {
    public static let formatName = "Excel .xlsx"
    public static let fileExtensions = ["xlsx", "xlsm"]

    /// An .xlsx is a zip archive like any other: CompressedTextReader claims those and hands a
    /// workbook back here. OLE files (D0 CF 11 E0) are refused by DataReaders, with
    /// `oleDocumentProblem`'s message.
    public static func recognizes(_ head: [UInt8]) -> Bool { false }

    /// What an OLE compound file is, for the message refusing it: an encrypted (password-protected)
    /// workbook holds an `EncryptedPackage` stream; anything else is taken for an old .xls.
    public static func oleDocumentProblem(path: String) -> String {
        if let file = try? InputBuffer.openFile(path: path),
           containsUTF16(UnsafeRawBufferPointer(start: file.bytes, count: file.count), "EncryptedPackage") {
            return "a password-protected (encrypted) Excel workbook: survsh cannot decrypt it; "
                + "open it in Excel, remove the password and save it again (or save the sheet as CSV)"
        }
        return "unsupported format: an old Excel .xls or other OLE document; save it as .xlsx or CSV"
    }

    /// Whether `text` is a cell range `range=` accepts (`A1:H200`, `B3`).
    public static func isValidRange(_ text: String) -> Bool { XLSXRange.parse(text) != nil }

    /// Whether the file at `path` is a zip archive holding xl/workbook.xml.
    public static func isWorkbook(path: String) -> Bool {
        guard FileSignature.of(FileSignature.head(path: path)) == .zip,
              let archive = try? Archive(url: URL(fileURLWithPath: path), accessMode: .read, pathEncoding: nil) else { return false }
        return archive["xl/workbook.xml"] != nil
    }

    public static func read(path: String, options: ReadOptions) throws(DataReadError) -> TableReadResult {
        try read(path: path, options: options, memoryLimit: SystemMemory.available())
    }

    static func read(path: String, options: ReadOptions, memoryLimit: UInt64?) throws(DataReadError) -> TableReadResult {
        func failure(_ message: String) -> DataReadError { DataReadError(file: path, message: message) }
        let file = try InputBuffer.openFile(path: path)
        if file.count == 0 { throw failure("file is empty (0 bytes), not an Excel .xlsx workbook") }
        let bytes = UnsafeRawBufferPointer(start: file.bytes, count: file.count)
        switch FileSignature.of(Array(bytes.prefix(FileSignature.headLength))) {
        case .zip: break
        case .oleDocument:
            throw failure(oleDocumentProblem(path: path))
        default:
            throw failure("not an Excel .xlsx workbook: an .xlsx file is a zip archive, and this file's first bytes are not a zip's")
        }
        var range: XLSXRange?
        if let text = options.range {
            guard let r = XLSXRange.parse(text) else { throw failure("range=\(text) is not a cell range (expected like A1:H200)") }
            range = r
        }
        let package = try XLSXPackage(path: path, limit: memoryLimit)
        guard let workbookData = try package.data("xl/workbook.xml") else {
            throw failure("a zip archive without xl/workbook.xml: not an Excel .xlsx workbook")
        }
        let workbook = XLSXWorkbook()
        try workbook.run(workbookData, part: "xl/workbook.xml", file: path)
        let relationships = XLSXRelationships(base: "xl/")
        if let rels = try package.data("xl/_rels/workbook.xml.rels") {
            try relationships.run(rels, part: "xl/_rels/workbook.xml.rels", file: path)
        }
        let sheets = workbook.sheets
        if sheets.isEmpty { throw failure("the workbook has no sheets") }
        let listed = sheets.map { "'\($0.name)'" }.joined(separator: ", ")
        let index: Int
        if let wanted = options.sheet {
            if let i = sheets.firstIndex(where: { $0.name == wanted }) ?? sheets.firstIndex(where: { $0.name.lowercased() == wanted.lowercased() }) {
                index = i
            } else if let n = Int(wanted), n >= 1, n <= sheets.count {
                index = n - 1
            } else {
                throw failure("no sheet '\(wanted)'; the workbook's sheets are \(listed) (sheet=NAME or sheet=1..\(sheets.count))")
            }
        } else {
            index = 0
        }
        let sheetInfo = sheets[index]
        let target = relationships.targets[sheetInfo.relationship]
        if let target, target.type.hasSuffix("/chartsheet") {
            throw failure("sheet '\(sheetInfo.name)' is a chart, not a worksheet; the workbook's sheets are \(listed)")
        }
        let sheetPart = target?.part ?? "xl/worksheets/sheet\(index + 1).xml"
        guard let sheetSizes = package.sizes(sheetPart) else {
            throw failure("the workbook lists sheet '\(sheetInfo.name)' but its part \(sheetPart) is missing (a damaged workbook)")
        }

        let sharedPart = relationships.part(ofType: "sharedStrings") ?? "xl/sharedStrings.xml"
        let shared = XLSXSharedStrings()
        if let data = try package.data(sharedPart) { try shared.run(data, part: sharedPart, file: path) }
        let stylesPart = relationships.part(ofType: "styles") ?? "xl/styles.xml"
        let styles = XLSXStyles()
        if let data = try package.data(stylesPart) { try styles.run(data, part: stylesPart, file: path) }

        let sheet = XLSXSheet(range: range, styles: styles.kinds, cancel: options.cancel, progress: options.progress,
                              memoryLimit: memoryLimit.map { $0 / 2 })
        if try !scanSheet(package, part: sheetPart, name: sheetInfo.name, sizes: sheetSizes, into: sheet, progress: options.progress,
                          cancel: options.cancel) {
            throw failure("interrupted")
        }
        guard let used = sheet.used else {
            throw failure(range.map { "sheet '\(sheetInfo.name)' has no cells with values in range \($0.text)" }
                          ?? "sheet '\(sheetInfo.name)' is empty (no cells with values)")
        }
        let region = try tableRegion(used: used, range: range, memoryLimit: memoryLimit, file: path)
        var warnings: [String] = []
        if options.sheet == nil && sheets.count > 1 {
            warnings.append("the workbook has \(sheets.count) sheets (\(listed)); read the first (sheet=NAME or sheet=N reads another)")
        }
        let builder = XLSXColumns(sheet: sheet, shared: shared.strings, date1904: workbook.date1904,
                                  naTokens: Set(options.naTokens.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }),
                                  cancel: options.cancel)
        let columns: [Column]
        do { columns = try builder.build(region: region, warnings: &warnings) } catch { throw failure("interrupted") } // only CancellationError
        if options.cancel.isCancelled { throw failure("interrupted") }
        let description = "Excel .xlsx, sheet '\(sheetInfo.name)', cells \(region.text)" + (workbook.date1904 ? ", 1904 date system" : "")
        return TableReadResult(columns: columns, rowCount: region.lastRow - region.firstRow, warnings: warnings,
                               formatDescription: description)
    }

    /// Streams the sheet part through XMLChunkScanner into `sheet`: polls `cancel` for each piece,
    /// tells `progress` the share of the file read, stops when the cells kept pass the sheet's
    /// memory limit (an error) or the sheet stops (past the range, cancelled). Returns false when
    /// cancelled.
    static func scanSheet(_ package: XLSXPackage, part: String, name: String, sizes: (compressed: UInt64, inflated: UInt64),
                          into sheet: XLSXSheet, progress: LoadProgress?, cancel: Cancellation) throws(DataReadError) -> Bool {
        let scanner = XMLChunkScanner(handler: sheet)
        var inflated: UInt64 = 0
        func malformed(_ e: XMLScanError) -> DataReadError {
            let place = ["at byte \(e.offset)", "sheet '\(name)'", sheet.position].compactMap { $0 }.joined(separator: ", ")
            return DataReadError(file: package.file, message: "xlsx: the part \(part) is not well-formed XML (\(place): \(e.message))")
        }
        var cancelled = false
        _ = try package.stream(part) { (chunk: Data) throws(DataReadError) -> Bool in
            if cancel.isCancelled { cancelled = true; return false }
            do throws(XMLScanError) { try scanner.feed(chunk) } catch { throw malformed(error) }
            if !sheet.withinLimit {
                throw DataReadError(file: package.file, message: "xlsx: the cells of \(part) need more than the memory available "
                                    + "(\(SystemMemory.gigabytes(sheet.memoryLimit ?? 0)) for them); read a part with range=")
            }
            inflated += UInt64(chunk.count)
            progress?.setFileBytes(Int(Double(sizes.compressed) * Double(inflated) / Double(max(sizes.inflated, 1))))
            return !scanner.stopped
        }
        if cancelled || sheet.cancelled { return false }
        if !scanner.stopped {
            do throws(XMLScanError) { try scanner.finish() } catch { throw malformed(error) }
        }
        progress?.setRows(max(sheet.rowsSeen - 1, 0))
        progress?.setFileBytes(Int(sizes.compressed))
        return true
    }

    /// The cells read: the range given (without its empty rows at the end), else every cell with a
    /// value. Refused when its columns would not fit in `memoryLimit` (8 bytes a cell): a sheet with
    /// one value in A1 and one in XFD1048576 spans 17 billion cells.
    static func tableRegion(used: XLSXRange, range: XLSXRange?, memoryLimit: UInt64?, file: String) throws(DataReadError) -> XLSXRange {
        var region = used
        if let range {
            region = range
            region.lastRow = max(range.firstRow, used.lastRow)
        }
        let cells = UInt64(region.lastRow - region.firstRow + 1) * UInt64(region.lastColumn - region.firstColumn + 1)
        if let memoryLimit, cells * 8 > memoryLimit {
            throw DataReadError(file: file, message: "the cells \(region.text) (\(cells) of them) would need more than the memory available "
                                + "(\(SystemMemory.gigabytes(memoryLimit))); read a part with range=")
        }
        return region
    }

    /// Whether `bytes` hold `text` in UTF-16LE (the names in an OLE compound file's directory).
    static func containsUTF16(_ bytes: UnsafeRawBufferPointer, _ text: String) -> Bool {
        let needle = Array(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if (1..<needle.count).allSatisfy({ bytes[start + $0] == needle[$0] }) { return true }
        }
        return false
    }
}

/// The parts of an .xlsx (a zip archive) read with ZIPFoundation: streamed in pieces as they
/// inflate, or (the small parts) inflated in memory with a bound: a part whose declared or actual
/// size passes `limit` (the memory available) is refused. A part read to its end must match its
/// CRC-32 (a damaged file otherwise).
struct XLSXPackage {
    let archive: Archive
    let file: String
    let limit: UInt64?

    /// Thrown through ZIPFoundation's consumer to stop extracting.
    private struct Stop: Error {}

    init(path: String, limit: UInt64?) throws(DataReadError) {
        file = path
        self.limit = limit
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw DataReadError(file: path, message: "cannot read it as an Excel .xlsx workbook: the zip archive is damaged or truncated "
                                + "(ZIPFoundation says: \(error))")
        }
    }

    /// The sizes of part `name`, compressed and inflated; nil when the archive has no such part.
    func sizes(_ name: String) -> (compressed: UInt64, inflated: UInt64)? {
        archive[name].map { ($0.compressedSize, $0.uncompressedSize) }
    }

    /// Streams part `name` to `consume` piece by piece as it inflates (256 KiB at most each); `consume`
    /// returns false to stop early. Returns false when the archive has no such part.
    func stream(_ name: String, consume: (Data) throws(DataReadError) -> Bool) throws(DataReadError) -> Bool {
        guard let entry = archive[name] else { return false }
        do {
            let crc = try archive.extract(entry, bufferSize: 1 << 18) { chunk in
                if try !consume(chunk) { throw Stop() }
            }
            if crc != entry.checksum {
                throw DataReadError(file: file, message: "cannot read it as an Excel .xlsx workbook: the part \(name) is damaged "
                                    + "(its CRC-32 does not match)")
            }
        } catch is Stop {
        } catch let failure as DataReadError {
            throw failure
        } catch {
            throw DataReadError(file: file, message: "cannot read it as an Excel .xlsx workbook: the part \(name) is damaged "
                                + "(ZIPFoundation says: \(error))")
        }
        return true
    }

    /// The bytes of part `name`; nil when the archive has no such part.
    func data(_ name: String) throws(DataReadError) -> Data? {
        guard let (_, inflated) = sizes(name) else { return nil }
        func tooLarge() -> DataReadError {
            DataReadError(file: file, message: "xlsx: the part \(name) decompresses to more than the memory available "
                          + "(\(SystemMemory.gigabytes(limit ?? 0))); refusing it (a damaged file or a zip bomb)")
        }
        if let limit, inflated > limit { throw tooLarge() }
        var out = Data()
        out.reserveCapacity(Int(min(inflated, 1 << 32)))
        _ = try stream(name) { (chunk: Data) throws(DataReadError) -> Bool in
            if let limit, UInt64(out.count + chunk.count) > limit { throw tooLarge() }
            out.append(chunk)
            return true
        }
        return out
    }
}
