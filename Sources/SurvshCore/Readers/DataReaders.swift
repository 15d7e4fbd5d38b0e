// DataReaders.swift — `load` dispatches on the file's format to a reader.
//
// Contract: every reader turns a file into typed columns (`TableReadResult`) behind the small
// `TableReader` interface, independent of the data frame and the session. Delimited text (CSV,
// TSV, semicolon) is the first; Stata, SPSS, SAS and Excel readers join the list here. An Excel
// workbook is a zip archive: CompressedTextReader, which claims zip files, hands it to XLSXReader.
// A file no reader takes (a binary file whose first bytes are no known signature and whose
// extension no reader claims) is refused with the list of supported formats;
// text with an unclaimed extension (`data.dat`) goes to the CSV reader, which sniffs it.

import Foundation
import SurvivalStats

public enum DataReaders {
    /// Readers in the order their extensions are tried; the first is the fallback (it sniffs).
    public static let all: [any TableReader.Type] = [CSVReader.self, CompressedTextReader.self, StataReader.self, SPSSReader.self,
                                                     SASReader.self, XLSXReader.self]

    /// The reader for `path`: the one whose signature the file's first bytes carry (so a misnamed
    /// `data.csv` that is really gzip is still read right), else the one claiming its extension,
    /// else the first (it sniffs text and refuses binary files).
    public static func reader(for path: String) -> any TableReader.Type {
        reader(for: path, head: FileSignature.head(path: path))
    }

    static func reader(for path: String, head: [UInt8]) -> any TableReader.Type {
        if let byContent = all.first(where: { $0.recognizes(head) }) { return byContent }
        let ext = (path as NSString).pathExtension.lowercased()
        return all.first { $0.fileExtensions.contains(ext) } ?? all[0]
    }

    /// `CSV/TSV (.csv .tsv .tab .txt), ..., SAS (.sas7bdat .xpt)`: what the readers take.
    public static var supportedFormats: String {
        all.map { r in "\(r.formatName) (\(r.fileExtensions.map { "." + $0 }.joined(separator: " ")))" }.joined(separator: ", ")
    }

    /// Whether `path` names a data file `load` reads rather than a script (the command line's
    /// `survsh FILE`): an extension some reader claims (except `.txt`, which scripts use too, and
    /// `.surv`), or the signature of a binary data format.
    public static func isDataFile(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "surv" || ext == "txt" { return false }
        if all.contains(where: { $0.fileExtensions.contains(ext) }) { return true }
        let head = FileSignature.head(path: path)
        return FileSignature.of(head) != .unknown && all.contains { $0.recognizes(head) }
    }

    /// Why no reader takes the file whose first bytes are `head`, or nil when one does.
    static func unsupported(path: String, head: [UInt8]) -> String? {
        let ext = (path as NSString).pathExtension.lowercased()
        let list = "load reads " + supportedFormats
        if all.contains(where: { $0.recognizes(head) }) { return nil }
        if FileSignature.of(head) == .oleDocument {
            return XLSXReader.oleDocumentProblem(path: path) + " (\(list))"
        }
        if all.contains(where: { $0.fileExtensions.contains(ext) }) || head.isEmpty { return nil }
        let isText = head.withUnsafeBufferPointer {
            ByteScan.checkText($0.baseAddress!, $0.count, truncated: $0.count == FileSignature.headLength) == .text
        }
        if isText { return nil }
        return "unsupported format\(ext.isEmpty ? "" : " (.\(ext))"): not text and no format load knows; \(list)"
    }

    /// Reads `path` with the reader its extension selects; errors become `SurvshError`s of `load`
    /// that name the file, line and column. A read stopped by `options.cancel` (or finished after it
    /// fired) throws CancellationError.
    public static func read(path: String, options: ReadOptions, command: String = "load") throws -> TableReadResult {
        let head = FileSignature.head(path: path)
        if let why = unsupported(path: path, head: head) {
            throw SurvshError(.io, command: command, DataReadError(file: path, message: why).description)
        }
        let reader = reader(for: path, head: head)
        var result: TableReadResult
        do {
            result = try reader.read(path: path, options: options)
            if !reader.selectsColumns { result = try ColumnSelection.apply(options, to: result, file: path) }
        } catch {
            try options.cancel.check()
            throw SurvshError(.io, command: command, error.description)
        }
        try options.cancel.check()
        return result
    }

    /// `load PATH lazy=on`: a plain CSV/TSV file checked and typed now, its columns parsed when first
    /// needed (CSVReader+Lazy.swift); nil for any other file (compressed, Excel, ReadStat, a pipe),
    /// which the caller reads with `read`. Errors as `read`'s.
    public static func readLazily(path: String, options: ReadOptions, command: String = "load") throws -> LazyTableRead? {
        let head = FileSignature.head(path: path)
        if unsupported(path: path, head: head) != nil || ObjectIdentifier(reader(for: path, head: head)) != ObjectIdentifier(CSVReader.self) { return nil }
        let result: LazyTableRead?
        do {
            result = try CSVReader.readLazily(path: path, options: options)
        } catch {
            try options.cancel.check()
            throw SurvshError(.io, command: command, error.description)
        }
        try options.cancel.check()
        return result
    }
}
