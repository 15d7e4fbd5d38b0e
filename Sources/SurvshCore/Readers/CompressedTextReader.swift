// CompressedTextReader.swift — delimited text inside gzip (`data.csv.gz`, `data.tsv.gz`) or a zip
// archive holding one file (`data.zip`).
//
// Contract: the file is recognised by its first bytes (gzip 1F 8B, zip `PK\3\4`), whatever its name,
// inflated into memory (`Inflate`, bounded by the memory available) and parsed by `CSVReader` exactly
// as the plain file would be — gzip text while it is being inflated, into a few reused buffers
// (`CSVReader.parseGzipPipelined`; anything it cannot settle, and a compressed binary file, is
// inflated whole first); messages name the compressed file, and line numbers count lines of the
// decompressed text. The delimiter preferred by extension comes from the name inside: the gzip file's
// name without `.gz`, the zip member's name. A zip must hold exactly one file (folders and macOS
// `__MACOSX/` entries are ignored), stored or deflated, not encrypted, not ZIP64; an Excel workbook
// (a zip holding xl/workbook.xml, or a damaged zip named .xlsx) goes to XLSXReader, whatever its name.
// A compressed Stata/SPSS/SAS file (`lung.dta.gz`, recognised
// by the inflated bytes' signature or the inner name's extension) is inflated to a private temporary
// file that its ReadStat reader reads; other binary content is refused with the supported formats.
// The zip container is read here by hand rather than with ZIPFoundation (which XLSXReader uses): a
// CSV member is inflated by `Inflate` straight into the one buffer the CSV parser reads, with the
// memory bound and cancellation that gzip has, while ZIPFoundation hands out 16 KiB Data chunks that
// would be copied again into that buffer and has no memory bound of its own; the central-directory
// walk below is the only zip code kept.

import Foundation

public enum CompressedTextReader: TableReader {
    public static let formatName = "gzip- or zip-compressed CSV/TSV"
    public static let fileExtensions = ["gz", "zip"]
    /// Text inside is parsed by CSVReader, which skips the columns `cols=` leaves out; a compressed
    /// Stata/SPSS/SAS file is read whole, then cut.
    public static let selectsColumns = true

    public static func recognizes(_ head: [UInt8]) -> Bool {
        FileSignature.of(head) == .gzip || FileSignature.of(head) == .zip
    }

    public static func read(path: String, options: ReadOptions) throws(DataReadError) -> TableReadResult {
        try read(path: path, options: options, tuning: .standard)
    }

    static func read(path: String, options: ReadOptions, tuning: CSVTuning) throws(DataReadError) -> TableReadResult {
        try read(compressed: InputBuffer.openFile(path: path), path: path, options: options, tuning: tuning)
    }

    /// Reads the gzip or zip bytes of `compressed`; `path` names the file in messages and its extension.
    static func read(compressed: InputBuffer, path: String, options: ReadOptions, tuning: CSVTuning) throws(DataReadError) -> TableReadResult {
        if compressed.count == 0 { throw DataReadError(file: path, message: "file is empty (0 bytes), not a gzip or zip file") }
        let raw = UnsafeRawBufferPointer(start: compressed.bytes, count: compressed.count)
        let limit = tuning.memoryBudget ?? SystemMemory.available()
        switch FileSignature.of(Array(raw.prefix(8))) {
        case .gzip:
            let innerName = (path as NSString).pathExtension.lowercased() == "gz" ? (path as NSString).deletingPathExtension : path
            // Parsed while it is inflated (CSVReader+Stream.swift), unless it is not plain text or is unusual.
            if var result = try CSVReader.parseGzipPipelined(raw, name: path, delimiterName: innerName, limit: limit, options: options,
                                                             tuning: tuning, isText: { head throws(DataReadError) in
                                                                 try isPlainText(head, innerName: innerName, path: path, container: "gzip-compressed")
                                                             }) {
                result.formatDescription += ", gzip-compressed"
                return result
            }
            let text = try Inflate.run(raw, wrapper: .gzip, limit: limit, file: path, format: "gzip", cancel: options.cancel,
                                       progress: options.progress, step: tuning.inflateStepBytes)
            let innerHead = Array(UnsafeBufferPointer(start: text.bytes, count: min(text.count, FileSignature.headLength)))
            if let binary = try readBinary(innerHead, text: { () throws(DataReadError) in text }, innerName: innerName,
                                           path: path, container: "gzip-compressed", options: options) {
                return binary
            }
            var result = try CSVReader.parse(text, name: path, delimiterName: innerName, options: options, tuning: tuning)
            result.formatDescription += ", gzip-compressed"
            return result
        case .zip:
            if XLSXReader.isWorkbook(path: path) || XLSXReader.fileExtensions.contains((path as NSString).pathExtension.lowercased()) {
                return try XLSXReader.read(path: path, options: options)
            }
            let member = try ZipArchive.singleMember(raw, file: path)
            let text = try member.inflate(raw, limit: limit, file: path, options: options)
            let container = "in a zip archive (\(member.name))"
            let innerHead = Array(UnsafeRawBufferPointer(start: text.bytes, count: min(text.count, FileSignature.headLength)))
            if let binary = try readBinary(innerHead, text: { () throws(DataReadError) in text }, innerName: member.name, path: path,
                                           container: container, options: options) {
                return binary
            }
            var result = try CSVReader.parse(text, name: path, delimiterName: member.name, options: options, tuning: tuning)
            result.formatDescription += ", " + container
            return result
        default:
            throw DataReadError(file: path, message: "not a gzip or zip file (its first bytes say otherwise)")
        }
    }

    /// A compressed file that is not text: read by its ReadStat reader (`lung.dta.gz`), or refused
    /// with the supported formats; nil for text.
    static func readBinary(_ innerHead: [UInt8], text: () throws(DataReadError) -> InputBuffer, innerName: String, path: String,
                           container: String, options: ReadOptions) throws(DataReadError) -> TableReadResult? {
        if let inner = DataReaders.all.first(where: { $0.recognizes(innerHead) }) ?? readStatReader(forName: innerName) {
            var result = try readThroughTemporaryFile(try text(), reader: inner, innerName: innerName, path: path, options: options)
            result.formatDescription += ", " + container
            return result
        }
        _ = try isPlainText(innerHead, innerName: innerName, path: path, container: container)
        return nil
    }

    /// Text the CSV reader parses: no binary reader claims it and it is not a format refused (the
    /// refusal is thrown here, as `readBinary` throws it). A ReadStat file is not plain text.
    static func isPlainText(_ innerHead: [UInt8], innerName: String, path: String, container: String) throws(DataReadError) -> Bool {
        if DataReaders.all.contains(where: { $0.recognizes(innerHead) }) || readStatReader(forName: innerName) != nil { return false }
        if let why = DataReaders.unsupported(path: innerName, head: innerHead) {
            throw DataReadError(file: path, message: "\(container) file: \(why)")
        }
        return true
    }

    /// The binary reader (Stata, SPSS, SAS) claiming `name`'s extension (`lung.dta` inside `lung.dta.gz`).
    static func readStatReader(forName name: String) -> (any TableReader.Type)? {
        let ext = (name as NSString).pathExtension.lowercased()
        return DataReaders.all.first { $0 != CSVReader.self && $0 != CompressedTextReader.self && $0.fileExtensions.contains(ext) }
    }

    /// A compressed Stata/SPSS/SAS file (`lung.dta.gz`): ReadStat reads files, so the inflated bytes
    /// go to a private temporary file (removed at once); messages name the compressed file.
    static func readThroughTemporaryFile(_ data: InputBuffer, reader: any TableReader.Type, innerName: String, path: String,
                                         options: ReadOptions) throws(DataReadError) -> TableReadResult {
        let ext = (innerName as NSString).pathExtension
        let temporary = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("survsh-\(getpid())-\(UInt64.random(in: 0...UInt64.max))" + (ext.isEmpty ? "" : "." + ext))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DataReadError(file: path, message: "cannot write a temporary file to decompress into (\(temporary))") }
        defer { unlink(temporary) }
        let failed = FullWrite.write(fd, UnsafeRawBufferPointer(start: data.bytes, count: data.count))
        close(fd)
        if let failed { throw DataReadError(file: path, message: "cannot write a temporary file to decompress into (\(failed))") }
        do {
            return try ColumnSelection.apply(options, to: reader.read(path: temporary, options: options), file: path)
        } catch {
            throw DataReadError(file: path, message: error.message.replacingOccurrences(of: temporary, with: innerName))
        }
    }
}

/// The central directory of a zip archive, enough to find and inflate its one member.
enum ZipArchive {
    struct Member {
        var name: String
        var method: Int
        var crc32: UInt32
        var compressedSize: Int
        var size: Int
        var localHeader: Int

        func inflate(_ archive: UnsafeRawBufferPointer, limit: UInt64?, file: String, options: ReadOptions) throws(DataReadError) -> InputBuffer {
            func failure(_ message: String) -> DataReadError { DataReadError(file: file, message: "zip: \(message)") }
            let h = localHeader
            guard h + 30 <= archive.count, ZipArchive.u32(archive, h) == 0x0403_4B50 else {
                throw failure("damaged archive (no local header for \(name))")
            }
            let start = h + 30 + ZipArchive.u16(archive, h + 26) + ZipArchive.u16(archive, h + 28)
            guard start + compressedSize <= archive.count else { throw failure("the archive is truncated (\(name) is cut off)") }
            let data = UnsafeRawBufferPointer(rebasing: archive[start..<(start + compressedSize)])
            switch method {
            case 0:
                guard compressedSize == size, Inflate.crc32(data) == crc32 else { throw failure("\(name) is damaged (its size or CRC-32 differs from the directory's)") }
                return InputBuffer.copying(data)
            case 8:
                return try Inflate.run(data, wrapper: .raw, limit: limit, file: file, format: "zip",
                                       check: Inflate.Check(crc32: crc32, size: size), cancel: options.cancel, progress: options.progress)
            default:
                throw failure("\(name) is compressed with method \(method); only stored and deflated members are read (re-zip it, or unzip it first)")
            }
        }
    }

    static func u16(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    static func u32(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int { u16(b, at) | u16(b, at + 2) << 16 }

    /// The archive's one file; errors for an empty archive, several files, an Excel workbook,
    /// encryption and ZIP64.
    static func singleMember(_ b: UnsafeRawBufferPointer, file: String) throws(DataReadError) -> Member {
        func failure(_ message: String) -> DataReadError { DataReadError(file: file, message: "zip: \(message)") }
        // End of central directory: 22 bytes plus a comment of up to 65535 bytes at the end.
        var eocd = b.count - 22
        while eocd >= 0 && eocd >= b.count - 22 - 0xFFFF && u32(b, eocd) != 0x0605_4B50 { eocd -= 1 }
        guard eocd >= 0 && eocd >= b.count - 22 - 0xFFFF else {
            throw failure("damaged or truncated archive (no central directory)")
        }
        let entries = u16(b, eocd + 10), directory = u32(b, eocd + 16)
        if entries == 0xFFFF || directory == 0xFFFF_FFFF { throw failure("ZIP64 archives are not read; unzip it first") }
        var members: [Member] = []
        var p = directory
        for _ in 0..<entries {
            guard p + 46 <= b.count, u32(b, p) == 0x0201_4B50 else { throw failure("damaged archive (bad central directory)") }
            let nameLength = u16(b, p + 28)
            guard p + 46 + nameLength <= b.count else { throw failure("damaged archive (bad central directory)") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: b[(p + 46)..<(p + 46 + nameLength)]), as: UTF8.self)
            let member = Member(name: name, method: u16(b, p + 10), crc32: UInt32(u32(b, p + 16)), compressedSize: u32(b, p + 20), size: u32(b, p + 24),
                                localHeader: u32(b, p + 42))
            if !name.hasSuffix("/") && !name.hasPrefix("__MACOSX/") {
                if u16(b, p + 8) & 1 != 0 { throw failure("\(name) is encrypted; unzip it first") }
                if member.compressedSize == 0xFFFF_FFFF || member.size == 0xFFFF_FFFF || member.localHeader == 0xFFFF_FFFF {
                    throw failure("ZIP64 archives are not read; unzip it first")
                }
                members.append(member)
            }
            p += 46 + nameLength + u16(b, p + 30) + u16(b, p + 32)
        }
        guard members.count == 1 else {
            if members.isEmpty { throw failure("the archive is empty") }
            let shown = members.prefix(5).map(\.name).joined(separator: ", ") + (members.count > 5 ? ", ..." : "")
            throw failure("the archive holds \(members.count) files (\(shown)); load reads a zip holding one CSV/TSV file: unzip it and load one")
        }
        return members[0]
    }
}
