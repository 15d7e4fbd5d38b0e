// DataReaders.swift — `load` dispatches on the file's format to a reader.
//
// Contract: every reader turns a file into typed columns (`TableReadResult`) behind the small
// `TableReader` interface, independent of the data frame and the session. Delimited text (CSV,
// TSV, semicolon) is the first; Stata, SPSS, SAS and Excel readers join the list here.

import Foundation
import SurvivalStats

public enum DataReaders {
    /// Readers in the order their extensions are tried; the first is the fallback (it sniffs).
    public static let all: [any TableReader.Type] = [CSVReader.self, CompressedTextReader.self, StataReader.self, SPSSReader.self,
                                                     SASReader.self]

    /// The reader for `path`: the one whose signature the file's first bytes carry (so a misnamed
    /// `data.csv` that is really gzip is still read right), else the one claiming its extension,
    /// else the first (it sniffs text and refuses binary files).
    public static func reader(for path: String) -> any TableReader.Type {
        let head = FileSignature.head(path: path)
        if let byContent = all.first(where: { $0.recognizes(head) }) { return byContent }
        let ext = (path as NSString).pathExtension.lowercased()
        return all.first { $0.fileExtensions.contains(ext) } ?? all[0]
    }

    /// Reads `path` with the reader its extension selects; errors become `SurvshError`s of `load`
    /// that name the file, line and column. A read stopped by `options.cancel` (or finished after it
    /// fired) throws CancellationError.
    public static func read(path: String, options: ReadOptions, command: String = "load") throws -> TableReadResult {
        let reader = reader(for: path)
        let result: TableReadResult
        do {
            result = try reader.read(path: path, options: options)
        } catch {
            try options.cancel.check()
            throw SurvshError(.io, command: command, error.description)
        }
        try options.cancel.check()
        return result
    }
}
