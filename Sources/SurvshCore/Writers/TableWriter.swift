// TableWriter.swift — the interface every data-file writer behind `save` implements, and the list
// of writers `save` chooses from by the path's extension.
//
// Contract: a writer turns columns (the cells at the given rows, in that order) into the bytes of
// one file plus warnings (data, not printed: names changed to fit the format, ...). Writers are
// stateless enums, never print and never touch the file system: `save` writes the bytes through
// `Session.writeData`, which writes a temporary file beside the target and renames it over the
// target only once every byte is out, so a failed or interrupted save never leaves a partial file
// in place of the user's. Failures are `DataWriteError`s saying what the format cannot hold.

import Foundation

/// What a writer produced.
public struct TableWriteResult: Sendable {
    public var data: Data
    public var warnings: [String]

    public init(data: Data, warnings: [String] = []) {
        self.data = data
        self.warnings = warnings
    }
}

/// Why the columns could not be written in a format, e.g. `text in column 'note' is longer than ...`.
public struct DataWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A writer of one file format.
public protocol TableWriter: SendableMetatype {
    /// Human-readable name, e.g. `Stata .dta`.
    static var formatName: String { get }
    /// Lower-case extensions without the dot that this writer claims, e.g. `["dta"]`.
    static var fileExtensions: [String] { get }
    /// The file's bytes for the cells of `columns` at `rows`; throws `DataWriteError`.
    static func encode(_ columns: [Column], rows: [Int]) throws -> TableWriteResult
}

public enum DataWriters {
    /// Writers in the order `help save` lists them; the first also takes a path without extension.
    public static let all: [any TableWriter.Type] = [CSVWriter.self, StataWriter.self, SPSSWriter.self,
                                                     SPSSCompressedWriter.self, SPSSPortableWriter.self, XLSXWriter.self]

    /// The writer for `path` by its extension (none: CSV, so `/dev/stdout` works); nil when no writer claims it.
    public static func writer(for path: String) -> (any TableWriter.Type)? {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext.isEmpty { return all[0] }
        return all.first { $0.fileExtensions.contains(ext) }
    }
}
