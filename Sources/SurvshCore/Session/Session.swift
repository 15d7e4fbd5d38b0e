// Session.swift — the state of one survsh session and the one path every line goes through.
//
// Contract: a Session holds the data frame, the filter stack (row masks over all loaded rows; the
// active rows are those every filter keeps), the declared survival outcome, settings, the last
// results of analyses (for plot forest, phtest, export), the files read (with SHA-256) and the
// transcript; while a transcript replays, the data verifier (DataVerifier) and the write sandbox
// (WriteSandbox: every file a command writes goes through `writeDestination`). `execute(_:source:)`
// is the only way a line runs — terminal, script file, `-e`, piped stdin and `replay` all call it —
// and it prints through one `OutputSink`.

import Foundation
import SurvivalStats

public enum OutputFormat: String, Sendable, CaseIterable { case text, json }

public struct Settings: Sendable {
    public var format: OutputFormat = .text
    /// Significant digits for printed numbers (JSON always carries full precision).
    public var digits: Int = 4
    /// How text levels sort: R's UTF-8 locale order (default) or bytes (`set collation=c`).
    public var collation: TextCollation = .r
    /// The unit of the data's times (`set timeunit=`), from which `plot ... xscale=` converts.
    public var timeUnit: TimeUnit = .days
    /// Whose defaults km and cox follow where R, SAS and Stata differ (`set convention=`).
    public var convention: Convention = .r
    /// Show columns' variable labels instead of their names in printed tables and figures (`set labels=on`).
    public var labels = false
    /// Project plugin directories searched first (`set plugin_path=DIR[:DIR]`).
    public var pluginPath: [String] = []
    /// Seconds a plugin may take to answer (`set plugin_timeout=SECONDS`).
    public var pluginTimeout: Double = 300
    /// Print each command's elapsed time, CPU time and peak memory growth on stderr (`set timing=on`).
    public var timing = false
    /// Threads a command may use (`set threads=N`); nil: every core (Parallelism.processors).
    public var threads: Int?
    /// Whether `load` of a plain CSV/TSV file parses each column when a command first needs it
    /// (`set lazy=auto|on|off`, `load ... lazy=`); by default a large file's.
    public var lazyLoad = LazyLoad.auto
    public init() {}
}

/// When `load` reads a plain CSV/TSV file lazily: checked and typed at load, each column parsed when a
/// command first needs it (see `help load`).
public enum LazyLoad: String, Sendable, CaseIterable {
    /// Files of `autoBytes` or more: a registry's file, of which a session uses a few columns.
    case auto
    case on, off

    /// 256 MiB: about 2.4 million rows of the benchmark's 15 columns. A smaller file loads whole in well
    /// under a second into a few hundred MB, so nothing is worth keeping it open and mapped for, and
    /// its first commands need not parse columns.
    public static let autoBytes = 256 << 20

    /// Whether a load of the file at `path` is lazy (a file that cannot be read is not: the eager
    /// read reports what is wrong with it). `selectingColumns`: the load names the columns to read
    /// (`cols=`), which `auto` then reads at once: the session will use them, and a lazy load would
    /// read the file twice (its check, then the columns) where a `cols=` read reads it once.
    public func applies(toFileAt path: String, selectingColumns: Bool = false) -> Bool {
        switch self {
        case .on: return true
        case .off: return false
        case .auto:
            if selectingColumns { return false }
            var st = stat()
            return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && Int(st.st_size) >= Self.autoBytes
        }
    }
}

/// A unit of survival time, for converting axes as survminer's `xscale` does (a year is 365.25
/// days, a month a twelfth of a year: 30.4375 days).
public enum TimeUnit: String, Sendable, CaseIterable {
    case days, weeks, months, years

    /// Length in days.
    public var days: Double {
        switch self {
        case .days: return 1
        case .weeks: return 7
        case .months: return 365.25 / 12
        case .years: return 365.25
        }
    }

    /// The factor that divides times in `self` to give times in `target`.
    public func divisor(to target: TimeUnit) -> Double { target.days / days }
}

/// Where a line came from: decides the error prefix and whether errors stop the run.
public enum LineSource: Sendable, Equatable {
    case interactive
    case file(path: String, line: Int)
    case commandLine(index: Int)
    case stdin(line: Int)

    /// `FILE:LINE` for errors from files and stdin; nil in the terminal.
    public var location: String? {
        switch self {
        case .interactive: return nil
        case .file(let p, let l): return "\(p):\(l)"
        case .commandLine(let i): return "-e:\(i)"
        case .stdin(let l): return "<stdin>:\(l)"
        }
    }
}

/// Receives everything survsh prints. The process uses `StandardOutputSink`; tests capture.
public protocol OutputSink: AnyObject {
    /// Prints `text` and a newline on stdout.
    func out(_ text: String)
    /// Prints part of a line on stdout (a long line printed in chunks): the next `out` goes on with it.
    func outPart(_ text: Substring)
    func err(_ text: String)
}

public final class StandardOutputSink: OutputSink {
    public init() {}
    // (a failed write to the terminal is not reported anywhere: there is nowhere left to report it)
    public func out(_ text: String) {
        // a long text (a line of 10^7 levels, 120 MB) is not copied to put the newline after it
        if text.utf8.count > 1 << 16 {
            _ = FullWrite.write(STDOUT_FILENO, text)
            _ = FullWrite.write(STDOUT_FILENO, "\n")
        } else {
            _ = FullWrite.write(STDOUT_FILENO, text + "\n")
        }
    }
    public func outPart(_ text: Substring) { _ = FullWrite.write(STDOUT_FILENO, text) }
    public func err(_ text: String) { _ = FullWrite.write(STDERR_FILENO, text + "\n") }
}

public final class CapturingSink: OutputSink {
    public private(set) var stdout: [String] = []
    public private(set) var stderr: [String] = []
    /// Parts of a line not yet ended (`outPart`): they go in front of the next `out`'s text.
    private var partial = ""
    public init() {}
    public func out(_ text: String) {
        stdout.append(partial.isEmpty ? text : partial + text)
        partial = ""
    }
    public func outPart(_ text: Substring) { partial += text }
    public func err(_ text: String) { stderr.append(text) }
}

/// A filter on the stack: its text and which loaded rows it keeps.
public struct RowFilter: Sendable {
    public var expression: String
    public var keep: [Bool]
    public init(expression: String, keep: [Bool]) { self.expression = expression; self.keep = keep }
}

/// The declared outcome (`survival TIME EVENT`, or `survival START STOP EVENT`).
public struct OutcomeDeclaration: Sendable, Equatable {
    public var start: String?
    public var time: String
    public var event: String
    public init(start: String? = nil, time: String, event: String) {
        self.start = start; self.time = time; self.event = event
    }
    public var formulaText: String {
        if let s = start { return "Surv(\(s), \(time), \(event))" }
        return "Surv(\(time), \(event))"
    }
}

/// What one executed line produced, as recorded in a transcript.
public struct ExecutionRecord: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A command, recorded with its output as `#> ` lines.
        case command
        /// A comment (typed in the shell, or written by `replay`): `line` is the whole comment line.
        case comment
    }
    public var line: String
    /// The output lines as the transcript records them (text output, warnings, or the error).
    public var outputLines: [String]
    public var failed: Bool
    public var quit: Bool
    public var kind: Kind
    public init(line: String, outputLines: [String], failed: Bool, quit: Bool, kind: Kind = .command) {
        self.line = line; self.outputLines = outputLines; self.failed = failed; self.quit = quit; self.kind = kind
    }

    /// A comment record; the text is kept as a plain comment (see `TranscriptScript.commentLine`).
    public static func comment(_ text: String) -> ExecutionRecord {
        ExecutionRecord(line: TranscriptScript.commentLine(text), outputLines: [], failed: false, quit: false, kind: .comment)
    }
}

public final class Session: @unchecked Sendable {
    /// The commands: built-ins, then the external plugins found (`PluginCatalog`).
    public internal(set) var registry: Registry
    public var sink: OutputSink
    public var settings = Settings()
    /// The data. Every change (load, generate, replace, drop, keep, rename, relevel, split, back, ...)
    /// goes through this property's setter, which moves `dataVersion` on.
    public private(set) var frame = DataFrame() {
        didSet {
            version &+= 1
            activeRowsCache = nil
        }
    }
    /// The filter stack; a change moves `dataVersion` on only when it changes the active rows.
    public private(set) var filters: [RowFilter] = [] { didSet { activeRowsStale = true } }
    /// Goes up on every change of the frame and on every change of the filters that changes the active
    /// rows: what `derivedCache` is keyed by. A filter that keeps every active row (`filter x1 > -100`)
    /// leaves it, so the complete cases, group codes and Cox starts computed before stay valid.
    public var dataVersion: UInt64 {
        if activeRowsStale { settleActiveRows() }
        return version
    }
    private var version: UInt64 = 0
    /// Complete cases, group codes and time orders computed from the data, reused by later commands
    /// while `dataVersion` stays (see DerivedDataCache).
    public let derivedCache = DerivedDataCache()
    /// Columns a formula computed for the command being run (`log(pgr + 1)`, `status == 2`), by the
    /// name R gives them; `column(_:for:)` finds them after the frame's own. Cleared before each line.
    public private(set) var modelColumns: [String: Column] = [:]
    /// The active rows: nil after a change of the frame until asked for, stale after a change of the
    /// filters (`settleActiveRows` recomputes them and moves the version on when they differ).
    private var activeRowsCache: ActiveRowSet?
    private var activeRowsStale = false
    public var outcome: OutcomeDeclaration?
    /// The random-number stream of runif(), rnorm(), ... (`set seed=N`); kept across `load`.
    public let random = RandomStream()
    /// Last results by kind ("cox", "km", "table"), for commands that build on them.
    public var results: [String: any Sendable] = [:]
    /// Files read by `load` in this session, in order: path as written, path opened, and SHA-256 hex
    /// (computed at load time when a transcript is written or verified, otherwise when first needed).
    private var dataFileEntries: [(path: String, resolved: String, sha256: String?)] = []
    public var transcript: Transcript?
    /// Set while a transcript replays to be verified: every file a command writes goes there.
    public var writeSandbox: WriteSandbox?
    /// Set while a transcript replays: checks each loaded file against the recorded SHA-256.
    public var dataVerifier: DataVerifier?
    /// True in the interactive terminal: graphics are drawn, errors never stop anything.
    public var interactive = false
    /// Directory of the script being run, for resolving relative data paths that are not found
    /// relative to the working directory.
    public var scriptDirectory: String?
    /// Asks the user a question and returns the answer (nil at end of input); set by the terminal.
    public var prompt: ((String) -> String?)?
    /// Every line executed so far, with what it printed, and the comments typed (for `history` and
    /// `save session`). Commands run by `replay` are here one by one.
    public private(set) var records: [ExecutionRecord] = []
    /// Set by `quit`; the driver ends the session after the line.
    public var quitRequested = false
    /// Terminal size for drawings (columns, rows).
    public var terminalSize: (columns: Int, rows: Int) = (80, 24)
    /// Whether the terminal takes UTF-8 (braille) drawings.
    public var unicodeTerminal = true
    public static let version = "0.1.0"
    private var transcriptWarned = false
    /// How many `replay` commands are running (nested).
    public var replayDepth = 0
    /// Sees every command's structured output (tables, figure, methods) as it succeeds, before it is
    /// printed; set by a report while it replays a transcript.
    public var outputObserver: ((CommandOutput) -> Void)?
    /// External plugins: the catalog and the running plugin processes (`loadPlugins`).
    public let pluginHost = PluginHost()

    public init(registry: Registry, sink: OutputSink = StandardOutputSink()) {
        self.registry = registry
        self.sink = sink
    }

    // MARK: data

    /// Replaces the data (a new `load`): filters, the outcome declaration and results are cleared.
    /// `sha256`: the file's hash when the caller computed it already (`transcriptHash`).
    public func replaceData(_ frame: DataFrame, file: (path: String, resolved: String)?, sha256: String? = nil) {
        self.frame = frame
        filters = []
        results = [:]
        if let o = outcome, o.columnsRead.contains(where: { !frame.allNames.contains($0) }) { outcome = nil }
        if let f = file { noteDataFileRead(path: f.path, resolved: f.resolved, sha256: sha256) }
    }

    /// The SHA-256 a transcript being written records for a data file (nil when none is written),
    /// computed before the data is replaced, so that Ctrl-C while hashing a large file (`cancel`
    /// is polled every 4 MiB) leaves the previous data intact.
    public func transcriptHash(of resolved: String, cancel: Cancellation) throws -> String? {
        transcript == nil ? nil : try PendingFileHash.hash(resolved, cancel: cancel).get()
    }

    /// `transcriptHash` started on its own thread (nil when no transcript is written): `load` starts
    /// it before parsing and waits for it after, so the two overlap.
    public func startTranscriptHash(of resolved: String, cancel: Cancellation) -> PendingFileHash? {
        transcript == nil ? nil : PendingFileHash(path: resolved, cancel: cancel)
    }

    /// Records a data file a command read (its SHA-256 in the transcript, checked against the
    /// recorded one during a replay), as `load` does; `tvc` calls it for the table it joins.
    public func noteDataFileRead(path: String, resolved: String, sha256: String? = nil) {
        var sha: String? = nil
        if let t = transcript, let h = sha256 ?? (try? FileHash.sha256(path: resolved)) {
            sha = h
            t.recordDataFile(path: path, sha256: h)
        }
        dataFileEntries.append((path, resolved, sha))
        if let v = dataVerifier, let problem = v.loaded(path: path, resolved: resolved), v.policy == .warn {
            sink.err("warning: \(problem.message)")
        }
    }

    /// Replaces the rows by new ones made from them (`split`, `tvc`, `landmark`): `parents[i]` is
    /// the loaded row new row i came from. Each filter keeps a new row when it kept its parent, so
    /// filters stay and `unfilter` still works; `outcome` becomes the declared outcome; results
    /// of earlier analyses (which point at the old rows) are cleared.
    public func replaceRows(_ frame: DataFrame, parents: [Int], outcome: OutcomeDeclaration?) {
        precondition(parents.count == frame.rowCount, "Session.replaceRows: one parent per new row")
        filters = filters.map { f in RowFilter(expression: f.expression, keep: parents.map { f.keep[$0] }) }
        self.frame = frame
        results = [:]
        modelColumns = [:]
        self.outcome = outcome
    }

    /// `replaceRows`, then `summarize` (the command's summary of its new rows: complete cases, counts)
    /// with Ctrl-C still live. When `summarize` throws (Ctrl-C, or any error), the rows, filters,
    /// outcome and results come back and the error goes on: the command changed nothing. (Run after
    /// the change with Ctrl-C masked, the summary of 2*10^7 episodes was 0.2-0.7 s of CPU in which a
    /// Ctrl-C went unseen: bench/poll_gaps.sh.) The old rows are freed on a thread of their own after.
    public func replaceRows<T>(_ frame: DataFrame, parents: [Int], outcome: OutcomeDeclaration?,
                               summarize: () throws -> T) throws -> T {
        var before = RowsState(frame: self.frame, filters: filters, results: results,
                               modelColumns: modelColumns, outcome: self.outcome)
        replaceRows(frame, parents: parents, outcome: outcome)
        do {
            let summary = try summarize()
            BackgroundRelease.drop(&before, leaving: RowsState())
            return summary
        } catch {
            (self.frame, filters) = (before.frame, before.filters)
            (results, modelColumns, self.outcome) = (before.results, before.modelColumns, before.outcome)
            throw error
        }
    }

    /// What `replaceRows` changes, kept for putting back.
    private struct RowsState {
        var frame = DataFrame()
        var filters: [RowFilter] = []
        var results: [String: any Sendable] = [:]
        var modelColumns: [String: Column] = [:]
        var outcome: OutcomeDeclaration?
    }

    /// How many files `load` has read in this session (an index for `dataFiles(from:)`).
    public var loadCount: Int { dataFileEntries.count }

    /// Files read by `load` (from the `start`-th on), with their SHA-256 (computed now where it was
    /// not yet), each path and hash once, in the order first read.
    public func dataFiles(from start: Int = 0) -> [(path: String, sha256: String)] {
        var out: [(path: String, sha256: String)] = []
        for i in dataFileEntries.indices.dropFirst(start) {
            if dataFileEntries[i].sha256 == nil {
                dataFileEntries[i].sha256 = try? FileHash.sha256(path: dataFileEntries[i].resolved)
            }
            if let h = dataFileEntries[i].sha256, !out.contains(where: { $0 == (dataFileEntries[i].path, h) }) {
                out.append((dataFileEntries[i].path, h))
            }
        }
        return out
    }

    /// Changes columns without touching the filters (generate, replace, rename, drop, keep).
    public func updateFrame(_ body: (inout DataFrame) throws -> Void) rethrows {
        try body(&frame)
    }

    public func pushFilter(_ f: RowFilter) {
        filters.append(f)
    }

    /// Removes the filter at `index` (0-based) from the stack; the others keep their order.
    public func removeFilter(at index: Int) {
        filters.remove(at: index)
    }

    public func clearFilters() {
        filters = []
    }

    /// Indices of the rows every filter keeps, ascending (made on each call when no filter drops a
    /// row: `activeRowCount` answers how many without the array).
    public var activeRows: [Int] { settledActiveRows.rows }

    /// How many rows every filter keeps.
    public var activeRowCount: Int { settledActiveRows.count }

    /// The active rows as settled (internal: tests check that no array is made for every row).
    var settledActiveRows: ActiveRowSet {
        if activeRowsCache == nil || activeRowsStale { settleActiveRows() }
        return activeRowsCache ?? .all(0)
    }

    /// Computes the active rows. After a change of the filters the version moves on unless they are
    /// the rows of before (then the old set is kept); nothing is computed for the version until the
    /// filters change. With no filter (or none dropping a row) the set is `.all(n)`, no array: the
    /// first analysis after `load` does not make the array of all rows.
    private func settleActiveRows() {
        let rows = filters.isEmpty ? .all(frame.rowCount) : Self.activeRowSet(by: filters.map(\.keep), count: frame.rowCount)
        if activeRowsCache != rows {
            if activeRowsStale { version &+= 1 }
            activeRowsCache = rows
        }
        activeRowsStale = false
    }

    /// The indices below `n` where every mask is true, ascending.
    static func rowsKept(by masks: [[Bool]], count n: Int) -> [Int] {
        activeRowSet(by: masks, count: n).rows
    }

    /// The rows below `n` where every mask is true: `.all(n)` when that is every row (no array made),
    /// else their indices. The masks are ANDed as bytes and the kept indices written without a branch
    /// per row (a filter keeping about half the rows at random mispredicts one), into an array sized
    /// by their count: the row loop asking every filter through a closure took 10% of a session
    /// filtering and fitting at 10^6 rows.
    static func activeRowSet(by masks: [[Bool]], count n: Int) -> ActiveRowSet {
        precondition(!masks.isEmpty && masks.allSatisfy { $0.count >= n }, "a filter's mask is shorter than the frame")
        var all = [UInt8](repeating: 1, count: n)
        all.withUnsafeMutableBufferPointer { a in
            for mask in masks {
                mask.withUnsafeBytes { m in
                    // a Bool is stored as one byte, 0 or 1
                    for i in 0..<n { a[i] &= m[i] }
                }
            }
        }
        return all.withUnsafeBufferPointer { a in
            var kept = 0
            for i in 0..<n { kept &+= Int(a[i]) }
            if kept == n { return .all(n) }
            // one spare element: every row is written at the next free place, kept or not
            return .subset([Int](unsafeUninitializedCapacity: kept + 1) { out, initialized in
                var j = 0
                for i in 0..<n {
                    out[j] = i
                    j &+= Int(a[i])
                }
                initialized = kept
            })
        }
    }

    /// The frame must have data; otherwise a clear error for `command`.
    public func requireData(_ command: String) throws {
        if frame.isEmpty {
            throw SurvshError.data(command, "no data loaded", expected: "'load PATH' first, e.g. load data/lung.csv")
        }
    }

    /// Adds a column computed from a formula for the command being run (see `modelColumns`).
    public func addModelColumn(_ column: Column) { modelColumns[column.name] = column }

    /// Drops the formula columns of the previous line.
    func clearModelColumns() { if !modelColumns.isEmpty { modelColumns = [:] } }

    /// The column, or an error with "did you mean". `explain` given to a command that reads it as a
    /// column (tabulate, summary, ...) is refused as the option it was meant to be.
    public func column(_ name: String, for command: String) throws -> Column {
        try requireData(command)
        if let c = frame.column(name) ?? modelColumns[name] { return c }
        if name == "explain" {
            throw SurvshError.usage(command, "\(command) has no 'explain' (and the data has no column of that name)",
                                    expected: "help \(command) lists its options")
        }
        throw SurvshError.data(command, "unknown column '\(name)'", expected: expectedColumn(among: frame.names),
                               suggestion: didYouMean(name, among: frame.names))
    }

    /// Resolves a data path: as given (relative to the working directory), else relative to the
    /// directory of the running script.
    /// A file this session wrote under the write sandbox is found there first.
    public func resolvePath(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        var candidates = [expanded]
        if let dir = scriptDirectory, !expanded.hasPrefix("/") {
            candidates.append((dir as NSString).appendingPathComponent(expanded))
        }
        for c in candidates {
            if let sandbox = writeSandbox, sandbox.holds(c) { return sandbox.image(of: c) }
            if FileManager.default.fileExists(atPath: c) { return c }
        }
        return expanded
    }

    /// Records a comment in the session (and its transcript), e.g. the `replay` line whose commands
    /// follow one by one.
    public func noteComment(_ text: String) { noteExecuted(.comment(text)) }

    /// The commands (not the comments) recorded so far.
    public var commandRecords: [ExecutionRecord] { records.filter { $0.kind == .command } }

    func noteExecuted(_ record: ExecutionRecord) {
        records.append(record)
        if let t = transcript {
            t.append(record)
            if let e = t.writeError, !transcriptWarned {
                transcriptWarned = true
                sink.err("warning: transcript: cannot write '\(t.path)': \(e); this session is no longer recorded")
            }
        }
    }

    // MARK: snapshots

    /// What commands can change in a session (data, filters, outcome, settings, results and last
    /// tables, the random stream, files loaded), and how far the records and transcript had got.
    public struct Snapshot {
        fileprivate let frame: DataFrame
        fileprivate let filters: [RowFilter]
        fileprivate let outcome: OutcomeDeclaration?
        fileprivate let settings: Settings
        fileprivate let results: [String: any Sendable]
        fileprivate let random: RandomStream.State
        fileprivate let loadCount: Int
        fileprivate let recordCount: Int
        fileprivate let transcriptOffset: Int64?
    }

    /// The session's state now, for `restore(_:)` (replay step's `back`).
    public func snapshot() -> Snapshot {
        Snapshot(frame: frame, filters: filters, outcome: outcome, settings: settings, results: results,
                 random: random.state, loadCount: dataFileEntries.count, recordCount: records.count,
                 transcriptOffset: transcript?.offset)
    }

    /// Puts back the state of `snapshot`. The commands recorded since stay in the history and the
    /// transcript as comments (`# undone by back: LINE`), so the transcript replays to this state.
    public func restore(_ snapshot: Snapshot) {
        frame = snapshot.frame
        filters = snapshot.filters
        outcome = snapshot.outcome
        settings = snapshot.settings
        results = snapshot.results
        random.state = snapshot.random
        modelColumns = [:]
        dataFileEntries.removeLast(max(0, dataFileEntries.count - snapshot.loadCount))
        let undone = records.dropFirst(snapshot.recordCount).map {
            $0.kind == .command ? ExecutionRecord.comment("# undone by back: " + $0.line) : $0
        }
        records.removeLast(records.count - snapshot.recordCount)
        if let t = transcript, let offset = snapshot.transcriptOffset { t.truncate(to: offset) }
        for r in undone { noteExecuted(r) }
    }

    // MARK: formatting

    /// A number with `settings.digits` significant digits, as people read it.
    public func fmt(_ x: Double?) -> String { NumberFormat.significant(x, digits: settings.digits) }
    /// A confidence limit: as `fmt`, but the open end of a one-sided interval prints as R prints it,
    /// `Inf` or `-Inf` (the interval is (L, Inf)); any other non-finite limit is NA.
    public func fmtLimit(_ x: Double?) -> String {
        guard let x, x.isInfinite else { return fmt(x) }
        return x > 0 ? "Inf" : "-Inf"
    }
}
