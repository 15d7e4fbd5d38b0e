// DataReaders.swift — `load` dispatches on the file's format to a reader.
//
// Contract: every reader turns a file into typed columns (`TableReadResult`) behind the small
// `TableReader` interface, independent of the data frame and the session. Delimited text (CSV,
// TSV, semicolon) is the first; Stata, SPSS, SAS and Excel readers join the list here.

import Foundation

public enum DataReaders {
    /// Readers in the order their extensions are tried; the first is the fallback (it sniffs).
    public static let all: [any TableReader.Type] = [CSVReader.self]

    public static func reader(for path: String) -> any TableReader.Type {
        let ext = (path as NSString).pathExtension.lowercased()
        return all.first { $0.fileExtensions.contains(ext) } ?? all[0]
    }

    /// Reads `path` with the reader its extension selects; errors become `SurvshError`s of `load`
    /// that name the file, line and column.
    public static func read(path: String, options: ReadOptions, command: String = "load") throws -> TableReadResult {
        let reader = reader(for: path)
        do {
            return try reader.read(path: path, options: options)
        } catch {
            throw SurvshError(.io, command: command, error.description)
        }
    }
}
