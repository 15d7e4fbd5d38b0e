// CSVReader+Lazy.swift — a lazy load of delimited text (`load FILE lazy=on`): at `load` the whole file
// is checked and every column's type found, and a column's values are parsed only when a command
// first needs them (`LazyCSVTable.columns(_:cancel:)`).
//
// Contract:
// - `CSVReader.readLazily(path:options:)` reports exactly what `read` reports — the same errors
//   (field counts, quotes, binary file, memory), row count, column types, format description and
//   warnings (names, all-missing columns, NaN and Inf cells) — without keeping any column: the
//   scan runs the same chunk parser (CSVChunkParser) over small chunks whose cells go to scratch
//   slots, summarised (kind, NaN and Inf counts) and dropped chunk by chunk. Data is cut at newlines
//   and each chunk's lines counted as it is scanned (`newlineCutScan`: one pass over the bytes);
//   data with a newline inside a quoted field is counted first (`planChunks`), as a full read does.
// - The file stays mapped (privately) with its descriptor open. `columns(_:cancel:)` parses the
//   named file columns in one pass (the other columns skipped, as `cols=` does) and checks each
//   column's type against the scan's. Before that, the open file is checked against its
//   (device, inode, size, modification time) at load: a file changed in place is refused with an
//   error that says to load it again (never a SIGBUS or other data); a file replaced by a rename
//   is still read from the old inode, which the descriptor holds.
// - Only a regular CSV/TSV file is read lazily; the table is released when its last user goes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SurvivalStats
import Synchronization

/// What a lazy load found: the columns' names and types, the rows, warnings and the source that
/// parses columns on demand.
public struct LazyTableRead: Sendable {
    public var names: [String]
    public var types: [ColumnType]
    public var rowCount: Int
    public var warnings: [String]
    public var formatDescription: String
    public var table: LazyCSVTable
}

/// A CSV/TSV file checked at `load` whose columns are parsed when first needed.
public final class LazyCSVTable: @unchecked Sendable {
    /// The path as opened (for messages) and the read options of the load.
    public let path: String
    let options: ReadOptions
    let input: InputBuffer
    /// File column index and type of each column the load kept, by name.
    let fileIndex: [String: Int]
    let types: [String: ColumnType]
    let fileColumnCount: Int
    /// The scan's chunk plan when every newline of the data ends a record (no quote character, or no
    /// quoted field holding a newline): a parse reuses it, and stops each record at its last column read.
    let recordPlan: CSVReader.ChunkPlan?
    /// Per file column: a real column in which the scan found no NaN or Inf (the parse of the same
    /// bytes finds none either, so it does not look for them again).
    let finiteColumns: [Bool]
    private let lock = Mutex()

    init(path: String, options: ReadOptions, input: InputBuffer, names: [String], fileIndices: [Int], types: [ColumnType],
         fileColumnCount: Int, recordPlan: CSVReader.ChunkPlan?, finiteColumns: [Bool]) {
        self.path = path
        self.recordPlan = recordPlan
        self.finiteColumns = finiteColumns
        var o = options
        o.cancel = .never
        o.progress = nil
        o.columns = nil
        self.options = o
        self.input = input
        self.fileIndex = Dictionary(uniqueKeysWithValues: zip(names, fileIndices))
        self.types = Dictionary(uniqueKeysWithValues: zip(names, types))
        self.fileColumnCount = fileColumnCount
    }

    /// The types the load found for `names`.
    public func types(of names: [String]) -> [ColumnType] { names.map { types[$0] ?? .real } }

    /// Parses the named columns (names the load reported) in one pass, in file order.
    public func columns(_ names: [String], cancel: Cancellation) throws(DataReadError) -> [Column] {
        try lock.withLock { () throws(DataReadError) -> [Column] in
            if let problem = input.changedSinceMapped() {
                throw DataReadError(file: path, message: "the file changed since it was loaded (\(problem)); load it again")
            }
            var keep = [Bool](repeating: false, count: fileColumnCount)
            for n in names { if let i = fileIndex[n] { keep[i] = true } }
            var o = options
            o.cancel = cancel
            let result = try CSVReader.parse(input, name: path, options: o, keep: keep, checked: recordPlan, finite: finiteColumns,
                                             tuning: .standard)
            if cancel.isCancelled { throw DataReadError(file: path, message: "interrupted") }
            for c in result.columns where types[c.name] != c.type {
                throw DataReadError(file: path, message: "column '\(c.name)' read as \(c.type.rawValue) but loaded as "
                                    + "\(types[c.name]?.rawValue ?? "?") (an internal error); load it with lazy=off")
            }
            return result.columns
        }
    }
}

/// A plain pthread mutex (materializing is serialised: the parse writes the mapping's spare byte).
private final class Mutex: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    deinit { pthread_mutex_destroy(&m) }
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(&m)
        defer { pthread_mutex_unlock(&m) }
        return try body()
    }
}

extension CSVReader {
    /// Checks the file at `path` and finds its columns' types (see the file header); nil when the
    /// file is not a regular file (a pipe is read eagerly by the caller).
    public static func readLazily(path: String, options: ReadOptions) throws(DataReadError) -> LazyTableRead? {
        try readLazily(path: path, options: options, tuning: .standard)
    }

    static func readLazily(path: String, options: ReadOptions, tuning: CSVTuning) throws(DataReadError) -> LazyTableRead? {
        let input = try InputBuffer.openFile(path: path, keepingDescriptor: true)
        guard input.isFileMapping else { return nil }
        let prelude = try CSVPrelude(input.bytes, count: input.count, pages: input.pageDropper, name: path, delimiterName: nil,
                                     options: options)
        var settings = prelude.settings
        let guess = guessKinds(settings: settings, dataStart: prelude.dataStart, initial: prelude.initialKinds, tuning: tuning)
        var scanTuning = tuning
        scanTuning.chunksPerCore = 1 << 20 // as many chunks as scanChunkBytes gives
        scanTuning.minimumChunkBytes = tuning.scanChunkBytes
        settings.typesOnly = true
        let keptColumns = guess.filter { $0 != .skip }.count
        let plan: ChunkPlan, found: ScanFindings
        if let onePass = try newlineCutScan(settings: settings, dataStart: prelude.dataStart, dataFirstLine: prelude.dataFirstLine,
                                            guess: guess, scanTuning: scanTuning, keptColumns: keptColumns, tuning: tuning) {
            (plan, found) = onePass
        } else {
            plan = planChunks(settings: settings, dataStart: prelude.dataStart, tuning: scanTuning)
            try checkMemory(rows: max(plan.totalNewlines, 1), columns: keptColumns, settings: settings, tuning: tuning)
            settings.plainTypeScan = plan.quoteFree && !settings.valueLikeNA
            found = try scan(settings: settings, plan: plan, guess: guess, dataStart: prelude.dataStart,
                             dataFirstLine: prelude.dataFirstLine)
        }
        var warnings = prelude.warnings
        var names: [String] = [], indices: [Int] = [], types: [ColumnType] = []
        for (c, name) in prelude.names.enumerated() where prelude.keep[c] {
            if settings.cancel.isCancelled { throw DataReadError(file: path, message: "interrupted") }
            let kind = found.kinds[c]
            if kind == .real {
                warnings += nonFiniteWarnings(column: name, nan: found.nan[c], inf: found.inf[c], firstInf: found.firstInf[c])
            }
            if kind == .unknown { warnings.append(allMissingWarning(name)) }
            names.append(name)
            indices.append(c)
            types.append(kind.columnType)
        }
        let finite = prelude.names.indices.map { found.kinds[$0] == .real && found.nan[$0] == 0 && found.inf[$0] == 0 }
        let table = LazyCSVTable(path: path, options: options, input: input, names: names, fileIndices: indices, types: types,
                                 fileColumnCount: prelude.names.count, recordPlan: plan.recordsEndAtNewlines ? plan : nil,
                                 finiteColumns: finite)
        return LazyTableRead(names: names, types: types, rowCount: found.rows, warnings: warnings,
                             formatDescription: prelude.formatDescription, table: table)
    }

    /// The scan's findings over the whole file: joined kinds, rows, and per column the NaN and Inf
    /// cells among its real-typed chunks and the first Inf's row.
    struct ScanFindings {
        var rows = 0
        var kinds: [CellKind]
        var nan: [Int]
        var inf: [Int]
        var firstInf: [Int]
        init(columns: Int) {
            kinds = [CellKind](repeating: .unknown, count: columns)
            nan = [Int](repeating: 0, count: columns)
            inf = [Int](repeating: 0, count: columns)
            firstInf = [Int](repeating: Int.max, count: columns)
        }
    }

    /// One chunk's part of the findings, and how its parse ended.
    struct ChunkScan {
        var findings: ScanFindings
        var error: DataReadError?
        var complete: Bool
        /// Some record of the chunk holds a newline inside a quoted field.
        var quotedNewlines = false
    }

    /// Runs the chunk parser over every chunk of `plan` (falling back to one piece as `parseAndAssemble`
    /// does) and joins what the chunks found; errors are the ones the eager parse reports.
    static func scan(settings: CSVSettings, plan: ChunkPlan, guess: [CellKind], dataStart: UnsafePointer<UInt8>,
                     dataFirstLine: Int) throws(DataReadError) -> ScanFindings {
        let count = plan.newlines.count
        let firstLines = plan.firstLines(from: dataFirstLine)
        var results = [ChunkScan?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { rb in
            let r = rb.baseAddress!
            parallelFor(count) { i in
                r[i] = scanChunk(start: plan.starts[i], end: plan.starts[i + 1], capacity: plan.newlines[i], firstLine: firstLines[i],
                                 settings: settings, guess: guess)
                settings.pages.drop(from: plan.starts[i], to: plan.starts[i + 1])
            }
        }
        return try join(results.map { $0! }, settings: settings, plan: plan, guess: guess, dataStart: dataStart,
                        dataFirstLine: dataFirstLine)
    }

    /// The scan in one pass over the bytes of a file whose quoted fields (if any) hold no newline: chunks
    /// cut after the first newline past each tentative cut, each chunk's newlines counted (its rows'
    /// room) just before it is scanned, while its bytes are in the cache. Nil when a quoted field has a
    /// newline (one among the first `quotedNewlineProbeBytes`, or one any chunk's records hold): then
    /// a cut may be inside a quoted field, and `planChunks` counts the quotes first to cut elsewhere.
    /// The findings, errors and plan are those of `planChunks` then `scan` (the first chunk with an error
    /// is scanned again from its first line, which is known only once every chunk is counted).
    /// Why the cuts are record boundaries when no chunk before the first one with an error holds a
    /// quoted newline, and every such chunk ended at its end: chunk 0 starts at one; a chunk that starts
    /// at one is parsed as a full read parses it, so if a later cut were inside a quoted field, the
    /// chunk holding that field's opening quote would read the field on through the cut's newline
    /// (a quoted newline) and past its end. By induction every cut up to that chunk is a boundary,
    /// and its error is the full read's. (Later chunks may be misparsed, but nothing of theirs is used.)
    /// Why one pass: the counting pass read the whole mapping before the scan read it again (about
    /// 150 ms of the 0.8 s lazy load of the 10^7-row benchmark file, page faults included); files
    /// written by R's write.csv quote every text field and took that pass, and the general loop for
    /// every record (2026-12-07, 10^6 rows, quoted copy of the benchmark file: load 190 against 130 ms
    /// of CPU, and the first km's column parse 2.3 times as long).
    static func newlineCutScan(settings: CSVSettings, dataStart: UnsafePointer<UInt8>, dataFirstLine: Int, guess: [CellKind],
                               scanTuning: CSVTuning, keptColumns: Int, tuning: CSVTuning)
        throws(DataReadError) -> (plan: ChunkPlan, findings: ScanFindings)? {
        let end = settings.bufferEnd
        if ByteScan.hasQuotedNewline(dataStart, min(end - dataStart, scanTuning.quotedNewlineProbeBytes)) { return nil }
        var settings = settings
        settings.plainTypeScan = !settings.valueLikeNA
        settings.plainQuotes = true
        let tentative = chunkCount(bytes: end - dataStart, tuning: scanTuning)
        // Chunk i runs from the first line start at or after cut i to that at or after cut i + 1, each
        // found by the chunk's own task (finding them all first put a page of every cut in memory at once).
        var cuts = [(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>)](repeating: (dataStart, dataStart), count: tentative)
        var newlines = [Int](repeating: 0, count: tentative)
        var quotes = [Int](repeating: 0, count: tentative)
        var results = [ChunkScan?](repeating: nil, count: tentative)
        // once a chunk holds a quoted newline the scan is given up: the chunks not yet begun are skipped
        let givenUp = Atomic<Bool>(false)
        cuts.withUnsafeMutableBufferPointer { cb in
        newlines.withUnsafeMutableBufferPointer { nb in
        quotes.withUnsafeMutableBufferPointer { qb in
        results.withUnsafeMutableBufferPointer { rb in
            let (cp, nl, q, r) = (cb.baseAddress!, nb.baseAddress!, qb.baseAddress!, rb.baseAddress!)
            parallelFor(tentative) { i in
                let a = lineStart(after: i, of: tentative, from: dataStart, to: end)
                let b = lineStart(after: i + 1, of: tentative, from: dataStart, to: end)
                cp[i] = (a, b)
                // (the first chunk is empty only when the data is: scanned all the same, its kinds are the guess)
                guard a < b || i == 0 else { return }
                // (after the cuts: a chunk skipped here has bytes and no result, which sends the load to the
                // counting plan below, even when an earlier chunk's error would be thrown: the threads take
                // the chunks out of order, and that error's line counts this chunk's lines)
                if givenUp.load(ordering: .relaxed) { return }
                (nl[i], q[i]) = ByteScan.countNewlinesAndQuotes(a, b - a)
                let scanned = scanChunk(start: a, end: b, capacity: nl[i], firstLine: 0, settings: settings, guess: guess)
                if scanned.quotedNewlines { givenUp.store(true, ordering: .relaxed) }
                r[i] = scanned
                settings.pages.drop(from: a, to: b)
            }
        }}}}
        if settings.cancel.isCancelled { throw DataReadError(file: settings.fileName, message: "interrupted") }
        let used = (0..<tentative).filter { $0 == 0 || cuts[$0].start < cuts[$0].end }
        // (see the header: the cuts are boundaries up to the first chunk with an error; a chunk skipped
        // once the scan was given up leaves its lines uncounted, so the counting plan is used)
        if used.contains(where: { results[$0] == nil }) { return nil }
        for i in used {
            let r = results[i]!
            if r.error != nil { break }
            if r.quotedNewlines || !r.complete { return nil }
        }
        let plan = ChunkPlan(starts: used.map { cuts[$0].start } + [end], newlines: used.map { newlines[$0] },
                             totalNewlines: newlines.reduce(0, +), quoteFree: !quotes.contains { $0 != 0 }, recordsEndAtNewlines: true)
        try checkMemory(rows: max(plan.totalNewlines, 1), columns: keptColumns, settings: settings, tuning: tuning)
        var chunks = used.map { results[$0]! }
        // `join` throws the first chunk's error and looks no further: that chunk alone is scanned again,
        // from its first line
        if let k = chunks.firstIndex(where: { $0.error != nil }) {
            let i = used[k]
            chunks[k] = scanChunk(start: cuts[i].start, end: cuts[i].end, capacity: newlines[i],
                                  firstLine: plan.firstLines(from: dataFirstLine)[k], settings: settings, guess: guess)
        }
        let found = try join(chunks, settings: settings, plan: plan, guess: guess, dataStart: dataStart, dataFirstLine: dataFirstLine)
        return (plan, found)
    }

    /// Where chunk `i` of `count` tentative chunks of [start, end) starts: `start` for the first,
    /// `end` past the last, else just after the first newline at or after the tentative cut (as
    /// `planChunks` cuts data without quotes). Non-decreasing in `i`; an empty chunk (a line longer
    /// than a chunk) starts where the next one does.
    static func lineStart(after i: Int, of count: Int, from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>)
        -> UnsafePointer<UInt8> {
        if i == 0 { return start }
        if i >= count { return end }
        // (the data ends with a newline: the reader adds one after a last record without)
        return min(ByteScan.find(asciiLF, from: start + (end - start) * i / count - 1, to: end) + 1, end)
    }

    /// What the chunks of `plan` found, joined over the file (`chunks` in plan order); the first
    /// chunk error is thrown, and a chunk that could not finish has the whole data scanned in one piece.
    static func join(_ results: [ChunkScan], settings: CSVSettings, plan: ChunkPlan, guess: [CellKind], dataStart: UnsafePointer<UInt8>,
                     dataFirstLine: Int) throws(DataReadError) -> ScanFindings {
        if settings.cancel.isCancelled { throw DataReadError(file: settings.fileName, message: "interrupted") }
        var chunks: [ChunkScan] = []
        for r in results {
            if let error = r.error { throw error }
            if !r.complete {
                let whole = scanChunk(start: dataStart, end: settings.bufferEnd, capacity: max(plan.totalNewlines, 1), firstLine: dataFirstLine,
                                      settings: settings, guess: guess)
                if let error = whole.error { throw error }
                chunks = [whole]
                break
            }
            chunks.append(r)
        }
        var all = ScanFindings(columns: settings.columnCount)
        for chunk in chunks {
            let f = chunk.findings
            for c in 0..<settings.columnCount {
                all.kinds[c] = CellKind.join(all.kinds[c], f.kinds[c])
                // NaN and Inf only count in chunks whose cells are real (an integer chunk of a real column has none)
                if f.kinds[c] == .real {
                    all.nan[c] += f.nan[c]
                    all.inf[c] += f.inf[c]
                    if f.firstInf[c] != Int.max { all.firstInf[c] = min(all.firstInf[c], all.rows + f.firstInf[c]) }
                }
            }
            all.rows += f.rows
        }
        return all
    }

    /// Parses one chunk into scratch slots and keeps only its findings.
    static func scanChunk(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, capacity: Int, firstLine: Int,
                          settings: CSVSettings, guess: [CellKind]) -> ChunkScan {
        let ncol = settings.columnCount
        let rows = max(capacity, 1)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: rows * 8 * max(ncol, 1), alignment: 16)
        defer { memory.deallocate() }
        let bases = (0..<ncol).map { memory + $0 * rows * 8 }
        let chunk = bases.withUnsafeBufferPointer { b in
            CSVChunk(start: start, end: end, rowCapacity: rows, rowOffset: 0, firstLine: firstLine,
                     slotBases: b.baseAddress!, kinds: guess)
        }
        var parser = CSVChunkParser(settings: settings, chunk: chunk)
        parser.run()
        parser.deallocate()
        settings.progress?.addParsed(rows: chunk.rows, bytes: end - start)
        var f = ScanFindings(columns: ncol)
        f.rows = chunk.rows
        for c in 0..<ncol {
            let kind = chunk.columns[c].kind
            f.kinds[c] = kind
            guard kind == .real else { continue }
            let slots = bases[c].assumingMemoryBound(to: Double.self)
            for r in 0..<chunk.rows where !slots[r].isFinite {
                if slots[r].isNaN {
                    f.nan[c] += 1
                } else {
                    if f.inf[c] == 0 { f.firstInf[c] = r }
                    f.inf[c] += 1
                }
            }
        }
        return ChunkScan(findings: f, error: chunk.error, complete: !chunk.overflow && chunk.stoppedAt == chunk.end,
                         quotedNewlines: chunk.quotedNewlines != 0)
    }
}

extension CellKind {
    /// The type of a column whose cells joined to this kind (all missing: real, as the reader says).
    var columnType: ColumnType {
        switch self {
        case .integer: return .integer
        case .boolean: return .boolean
        case .date: return .date
        case .text: return .text
        case .real, .unknown, .skip: return .real
        }
    }
}
