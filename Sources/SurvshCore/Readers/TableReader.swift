// TableReader.swift — the interface every data-file reader behind `load` implements.
//
// Contract: a reader turns one file (a path relative to the process's working directory, or absolute)
// into typed columns (see Frame/Column.swift) plus warnings and a short description of the format it
// recognised. Readers are stateless enums with static functions; they never print and never touch
// the session. Every failure is a `DataReadError` naming the file and, where it makes sense, the
// 1-based physical line and 1-based column (field number) at fault.
//
// CSV/TSV (`CSVReader`) is the first reader; Stata, SPSS, SAS and Excel readers join behind the same
// protocol. `ReadOptions` holds only what applies to any format (missing-value tokens) plus the
// delimiter, which text formats use and binary formats ignore.

import SurvivalStats

/// Options common to all table readers.
public struct ReadOptions: Sendable, Equatable {
    /// Cell contents read as missing, compared after trimming surrounding spaces (and tabs, unless
    /// tab is the delimiter). A quoted cell is compared by its content, so `"NA"` is missing too, as in
    /// R's `read.csv`. Whatever this list says, an empty cell in a numeric, boolean or date column is
    /// missing (R's rule); in a text column it is missing only when `""` is in the list.
    public var naTokens: [String]
    /// Field delimiter for delimited text (`,` `\t` `;` `|` ...); nil = decide from the file
    /// extension and the first lines (sniffing).
    public var delimiter: UInt8?
    /// Stata/SPSS/SAS: keep the numbers of a labelled column instead of turning it into text levels.
    public var valueLabelCodes = false
    /// `cols=`: read only these columns (names, ranges `x1-x10`, `*` patterns; see ColumnSelection),
    /// or nil for all. Readers that `selectsColumns` skip the others while parsing; for the rest
    /// `DataReaders.read` drops them afterwards.
    public var columns: [String]?
    /// Excel: the sheet to read, by name or 1-based position (nil: the first).
    public var sheet: String?
    /// Excel: the cells to read, `A1:H200` (nil: every cell with a value).
    public var range: String?
    /// Polled while reading (every `Cancellation.stride` records); when it fires the read stops and
    /// `DataReaders.read` throws CancellationError. Not part of equality.
    public var cancel: Cancellation
    /// Where the reader stores how far it has got (rows, bytes), for a progress line; nil = nobody
    /// watches. Not part of equality.
    public var progress: LoadProgress?

    public init(naTokens: [String] = ["", "NA", "."], delimiter: UInt8? = nil, cancel: Cancellation = .never) {
        self.naTokens = naTokens
        self.delimiter = delimiter
        self.cancel = cancel
    }

    public static func == (a: ReadOptions, b: ReadOptions) -> Bool {
        a.naTokens == b.naTokens && a.delimiter == b.delimiter && a.valueLabelCodes == b.valueLabelCodes
            && a.columns == b.columns && a.sheet == b.sheet && a.range == b.range
    }
}

/// What a reader produced: typed columns of equal length, warnings (data, not printed), and a short
/// description of the format recognised, e.g. `CSV (comma), UTF-8`.
public struct TableReadResult: Sendable {
    public var columns: [Column]
    public var rowCount: Int
    public var warnings: [String]
    public var formatDescription: String

    public init(columns: [Column], rowCount: Int, warnings: [String], formatDescription: String) {
        self.columns = columns
        self.rowCount = rowCount
        self.warnings = warnings
        self.formatDescription = formatDescription
    }
}

/// A file that could not be read. `line` is the 1-based physical line (for a record spanning lines,
/// the line where it starts; for an unterminated quote, the line where the quote opened); `column`
/// is the 1-based field number. Both are nil when they do not apply (missing file, binary file).
public struct DataReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `data.csv:12: column 3: row has 9 fields, expected 10` (parts that are nil are left out).
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let column { s += "column \(column): " }
        return s + message
    }
}

/// A reader of one file format.
public protocol TableReader: SendableMetatype {
    /// Human-readable name, e.g. `CSV/TSV`.
    static var formatName: String { get }
    /// Lower-case extensions without the dot that this reader claims, e.g. `["csv", "tsv"]`.
    static var fileExtensions: [String] { get }
    /// Whether the file's first bytes (`FileSignature.headLength` of them, fewer for a short file)
    /// are this format's signature; a recognised file goes to this reader whatever its extension.
    static func recognizes(_ head: [UInt8]) -> Bool
    /// Reads the whole file at `path` (relative paths are relative to the process's working directory).
    static func read(path: String, options: ReadOptions) throws(DataReadError) -> TableReadResult
    /// Whether `read` honours `options.columns` itself (skipping the other columns while parsing).
    static var selectsColumns: Bool { get }
}

extension TableReader {
    /// Formats without a signature (text) are chosen by extension only.
    public static func recognizes(_ head: [UInt8]) -> Bool { false }
    public static var selectsColumns: Bool { false }
}
