// CSVReader+Lazy.swift — a lazy load of delimited text (`load FILE lazy=on`): at `load` the whole file
// is checked and every column's type found, and a column's values are parsed only when a command
// first needs them (`LazyCSVTable.columns(_:cancel:)`).
//
// Contract:
// - `CSVReader.readLazily(path:options:)` reports exactly what `read` reports — the same errors
//   (field counts, quotes, binary file, memory), row count, column types, format description and
//   warnings (names, all-missing columns, NaN and Inf cells) — without keeping any column: the
//   scan runs the same chunk parser (CSVChunkParser) over small chunks whose cells go to scratch
//   slots, summarised (kind, NaN and Inf counts) and dropped chunk by chunk.
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
    /// The scan's chunk plan when it found no quote character in the data (a parse reuses it, and
    /// stops each record at its last column read).
    let quoteFreePlan: CSVReader.ChunkPlan?
    private let lock = Mutex()

    init(path: String, options: ReadOptions, input: InputBuffer, names: [String], fileIndices: [Int], types: [ColumnType],
         fileColumnCount: Int, quoteFreePlan: CSVReader.ChunkPlan?) {
        self.path = path
        self.quoteFreePlan = quoteFreePlan
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
            let result = try CSVReader.parse(input, name: path, options: o, keep: keep, checked: quoteFreePlan, tuning: .standard)
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
        let plan = planChunks(settings: settings, dataStart: prelude.dataStart, tuning: scanTuning)
        try checkMemory(rows: max(plan.totalNewlines, 1), columns: guess.filter { $0 != .skip }.count, settings: settings, tuning: tuning)
        settings.typesOnly = true
        settings.plainTypeScan = plan.quoteFree && !settings.valueLikeNA
        let found = try scan(settings: settings, plan: plan, guess: guess, dataStart: prelude.dataStart, dataFirstLine: prelude.dataFirstLine)
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
        let table = LazyCSVTable(path: path, options: options, input: input, names: names, fileIndices: indices, types: types,
                                 fileColumnCount: prelude.names.count, quoteFreePlan: plan.quoteFree ? plan : nil)
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
    }

    /// Runs the chunk parser over every chunk of `plan` (falling back to one piece as `parseAndAssemble`
    /// does) and joins what the chunks found; errors are the ones the eager parse reports.
    static func scan(settings: CSVSettings, plan: ChunkPlan, guess: [CellKind], dataStart: UnsafePointer<UInt8>,
                     dataFirstLine: Int) throws(DataReadError) -> ScanFindings {
        let count = plan.newlines.count
        var firstLines: [Int] = []
        var line = dataFirstLine
        for n in plan.newlines {
            firstLines.append(line)
            line += n
        }
        let results = UnsafeMutablePointer<ChunkScan?>.allocate(capacity: max(count, 1))
        results.initialize(repeating: nil, count: count)
        defer {
            results.deinitialize(count: count)
            results.deallocate()
        }
        parallelFor(count) { i in
            results[i] = scanChunk(start: plan.starts[i], end: plan.starts[i + 1], capacity: plan.newlines[i], firstLine: firstLines[i],
                                   settings: settings, guess: guess)
            settings.pages.drop(from: plan.starts[i], to: plan.starts[i + 1])
        }
        if settings.cancel.isCancelled { throw DataReadError(file: settings.fileName, message: "interrupted") }
        var chunks: [ChunkScan] = []
        for i in 0..<count {
            let r = results[i]!
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
        return ChunkScan(findings: f, error: chunk.error, complete: !chunk.overflow && chunk.stoppedAt == chunk.end)
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
