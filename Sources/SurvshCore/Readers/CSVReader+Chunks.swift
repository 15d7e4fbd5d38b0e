// CSVReader+Chunks.swift — the parallel part of the CSV reader: type guess, chunk plan, slot
// arrays, parallel parse, and assembly of the chunks into columns.
//
// Contract: see CSVReader.swift (design) and CSVChunkParser.swift (one chunk). Here:
// - `guessKinds` parses the first `sampleBytes` of data to choose [Double] or [Int64] slot arrays.
// - `planChunks` cuts the data at record boundaries (quote-free: after any newline; with quotes:
//   after the first newline at even quote parity, from a parallel count of quotes per cut) and
//   counts newlines per chunk, which bound its rows, so every chunk writes its own slot range.
// - `withSlotArrays` allocates the final integer/real arrays up front (nested, no copy) and
//   pre-faults them on all cores (MADV_POPULATE_WRITE on their whole pages: one call instead of a
//   fault per page). A column the guess found text gets its final 4-byte codes array instead of
//   8-byte slots (`SlotType.codes`; text is the top of the type lattice, so it stays text): the
//   chunks write their local codes there and the merge remaps them in place, where 8-byte slots
//   and a new codes array took 3 times the memory (the 10^7-row benchmark's two text columns: 240 MB
//   of fresh pages, now 80 MB).
// - Parsed ranges of a file mapping are dropped from the process (`PageDropper`), so peak memory
//   is about the columns plus the chunks in flight, not columns + whole file.
// - `parseAndAssemble` runs the chunks in parallel, re-parses in one piece when a chunk did not
//   end exactly where the next began, joins chunk types, fixes up chunks (integer -> real in
//   place, re-scan as text), merges text levels in chunk order, builds masks and the boolean, date
//   and text arrays, and closes the gaps left by blank lines (compaction). Ctrl-C is polled before
//   each column and every `Cancellation.stride` levels or rows of a text column's merge (10^7
//   levels took 1.7 s of CPU without a poll); once it fires the load ends `interrupted`.

import Dispatch
import SurvivalStats
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CSVReader {
    // MARK: - Type guess and chunk plan

    /// Column kinds from parsing the first `sampleBytes` of data (decides [Double] vs [Int64] slots);
    /// `initial` is `.unknown`, or `.skip` for a column `cols=` leaves out.
    static func guessKinds(settings: CSVSettings, dataStart: UnsafePointer<UInt8>, initial: [CellKind],
                           tuning: CSVTuning) -> [CellKind] {
        let ncol = settings.columnCount
        let bufferEnd = settings.bufferEnd
        var sampleEnd = bufferEnd
        if bufferEnd - dataStart > tuning.sampleBytes {
            sampleEnd = ByteScan.find(asciiLF, from: dataStart + tuning.sampleBytes, to: bufferEnd) + 1
        }
        let capacity = ByteScan.countNewlinesAndQuotes(dataStart, sampleEnd - dataStart).newlines + 1
        let memory = UnsafeMutableRawPointer.allocate(byteCount: capacity * 8 * ncol, alignment: 8)
        defer { memory.deallocate() }
        var bases = (0..<ncol).map { memory + $0 * capacity * 8 }
        let chunk = bases.withUnsafeMutableBufferPointer { b in
            CSVChunk(start: dataStart, end: sampleEnd, rowCapacity: capacity, rowOffset: 0, firstLine: 1,
                     slotBases: UnsafePointer(b.baseAddress!), kinds: initial)
        }
        var parser = CSVChunkParser(settings: settings, chunk: chunk)
        parser.run()
        parser.deallocate()
        return (0..<ncol).map { chunk.columns[$0].kind }
    }

    struct ChunkPlan {
        var starts: [UnsafePointer<UInt8>] // chunk i is [starts[i], starts[i + 1])
        var newlines: [Int] // newlines in chunk i = its row capacity
        var totalNewlines: Int
        /// No quote character in the data.
        var quoteFree = false
        /// Every newline of the data ends a record (no quoted field holds one): true for data without
        /// quotes, and for a lazy load's one-pass scan (`CSVReader.newlineCutScan`).
        var recordsEndAtNewlines = false

        init(starts: [UnsafePointer<UInt8>], newlines: [Int], totalNewlines: Int, quoteFree: Bool = false,
             recordsEndAtNewlines: Bool? = nil) {
            self.starts = starts
            self.newlines = newlines
            self.totalNewlines = totalNewlines
            self.quoteFree = quoteFree
            self.recordsEndAtNewlines = recordsEndAtNewlines ?? quoteFree
        }

        /// The file line of each chunk's first byte, the data starting on line `dataFirstLine`.
        func firstLines(from dataFirstLine: Int) -> [Int] {
            var lines: [Int] = []
            var line = dataFirstLine
            for n in newlines {
                lines.append(line)
                line += n
            }
            return lines
        }

        /// The same cuts joined into about `count` chunks of similar size (a lazy table's scan plan,
        /// made of small chunks, reused for a parse: no second counting pass).
        func merged(into count: Int) -> ChunkPlan {
            let n = newlines.count
            guard n > count, count >= 1 else { return self }
            let total = starts[n] - starts[0]
            var out = ChunkPlan(starts: [starts[0]], newlines: [], totalNewlines: totalNewlines, quoteFree: quoteFree,
                                recordsEndAtNewlines: recordsEndAtNewlines)
            var lines = 0
            for i in 0..<n {
                lines += newlines[i]
                let target = starts[0] + total * (out.newlines.count + 1) / count
                if starts[i + 1] >= target || i == n - 1 {
                    out.starts.append(starts[i + 1])
                    out.newlines.append(lines)
                    lines = 0
                }
            }
            return out
        }
    }

    static func processorCount() -> Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// How many tentative chunks `bytes` of data are cut into (at least 1, at most `bytes`).
    static func chunkCount(bytes: Int, tuning: CSVTuning) -> Int {
        let threads = tuning.threads ?? processorCount()
        var count: Int
        if let forced = tuning.forcedChunkCount {
            count = max(1, forced)
        } else if tuning.singleChunk || bytes < tuning.parallelMinimumBytes || threads < 2 {
            count = 1
        } else {
            count = max(1, min(threads * tuning.chunksPerCore, bytes / max(tuning.minimumChunkBytes, 1)))
        }
        if tuning.singleChunk { count = 1 }
        return max(1, min(count, bytes))
    }

    /// Cuts [dataStart, bufferEnd) into chunks that start at record boundaries (see the file header).
    static func planChunks(settings: CSVSettings, dataStart: UnsafePointer<UInt8>, tuning: CSVTuning) -> ChunkPlan {
        let end = settings.bufferEnd
        let bytes = end - dataStart
        let count = chunkCount(bytes: bytes, tuning: tuning)
        let tentative = (0...count).map { dataStart + bytes * $0 / count }
        var newlines = [Int](repeating: 0, count: count)
        var quotes = [Int](repeating: 0, count: count)
        if count == 1 {
            (newlines[0], quotes[0]) = ByteScan.countNewlinesAndQuotes(dataStart, bytes)
            return ChunkPlan(starts: [dataStart, end], newlines: newlines, totalNewlines: newlines[0], quoteFree: quotes[0] == 0)
        }
        newlines.withUnsafeMutableBufferPointer { nl in
            quotes.withUnsafeMutableBufferPointer { qt in
                let nlp = nl.baseAddress!, qtp = qt.baseAddress!
                parallelFor(count) { i in
                    (nlp[i], qtp[i]) = ByteScan.countNewlinesAndQuotes(tentative[i], tentative[i + 1] - tentative[i])
                    settings.pages.drop(from: tentative[i], to: tentative[i + 1])
                }
            }
        }
        let total = newlines.reduce(0, +)
        let anyQuote = quotes.contains { $0 != 0 }
        // boundary[i] and the newlines in [tentative[i], boundary[i]).
        var boundary = tentative
        var before = [Int](repeating: 0, count: count + 1)
        var parity = 0
        for i in 1..<count {
            parity ^= quotes[i - 1] & 1
            let t = tentative[i]
            if !anyQuote {
                let lf = ByteScan.find(asciiLF, from: t - 1, to: end)
                boundary[i] = lf + 1
                before[i] = lf >= t ? 1 : 0
            } else {
                var inQuote = parity == 1
                var q = t
                var seen = 0
                while q < end {
                    let b = q.pointee
                    if b == asciiQuote {
                        inQuote.toggle()
                    } else if b == asciiLF {
                        seen += 1
                        if !inQuote { break }
                    }
                    q += 1
                }
                boundary[i] = q < end ? q + 1 : end
                before[i] = seen
            }
        }
        // A boundary beyond the next tentative cut (a huge quoted field): give up splitting.
        for i in 0..<count where boundary[i] > tentative[i + 1] {
            return ChunkPlan(starts: [dataStart, end], newlines: [total], totalNewlines: total)
        }
        var starts: [UnsafePointer<UInt8>] = [dataStart]
        var chunkNewlines: [Int] = []
        for i in 0..<count {
            let n = newlines[i] - before[i] + before[i + 1]
            if boundary[i + 1] == boundary[i] { continue }
            starts.append(boundary[i + 1])
            chunkNewlines.append(n)
        }
        if chunkNewlines.isEmpty { return ChunkPlan(starts: [dataStart, end], newlines: [total], totalNewlines: total, quoteFree: !anyQuote) }
        return ChunkPlan(starts: starts, newlines: chunkNewlines, totalNewlines: total, quoteFree: !anyQuote)
    }

    // MARK: - Parse and assemble

    struct ParsedTable {
        var rowCount: Int
        /// nil for a skipped column
        var storages: [ColumnStorage?]
        var masks: [[UInt64]?]
        var allMissing: [Bool]
    }

    /// What the nested part builds: everything except the integer/real arrays, which are the slot
    /// arrays themselves.
    struct Assembly {
        var rowCount = 0
        var kinds: [CellKind] = []
        var builtStorages: [ColumnStorage?] = []
        /// The levels of a text column whose codes are its slot array (`SlotType.codes`).
        var levels: [[String]?] = []
        var masks: [[UInt64]?] = []
        var allMissing: [Bool] = []
    }

    /// What a column's slot array holds: 8-byte Int64 or Double bit patterns, or the 4-byte codes
    /// of a column known to be text from the start (its final codes array: no 8-byte slots and no
    /// second array); `.none` for a skipped column.
    enum SlotType: Equatable {
        case int64, double, codes, none

        /// `codes` for a column guessed text when `narrowText` (text is the top of the type
        /// lattice, so such a column stays text in every chunk).
        static func forGuess(_ kind: CellKind, narrowText: Bool) -> SlotType {
            switch kind {
            case .skip: return .none
            case .real: return .double
            case .text where narrowText: return .codes
            default: return .int64
            }
        }

        var width: Int { self == .codes ? 4 : 8 }
    }

    enum SlotArray {
        case int64([Int64])
        case double([Double])
        case codes([UInt32])
    }

    static func parseData(settings: CSVSettings, plan: ChunkPlan, guess: [CellKind], dataStart: UnsafePointer<UInt8>,
                          dataFirstLine: Int, tuning: CSVTuning) throws(DataReadError) -> ParsedTable {
        try buildTable(rows: plan.totalNewlines, settings: settings, guess: guess, narrowText: true, tuning: tuning) { bases in
            parseAndAssemble(settings: settings, plan: plan, guess: guess, dataStart: dataStart, dataFirstLine: dataFirstLine, bases: bases)
        }
    }

    /// Allocates the slot arrays for `rows` rows (at most), lets `fill` parse into them and assemble
    /// the chunks, and makes the columns' storage. `narrowText`: a column guessed text gets a 4-byte
    /// codes array (`SlotType.codes`; the chunks must be made with `narrowText` too).
    static func buildTable(rows: Int, settings: CSVSettings, guess: [CellKind], narrowText: Bool = false, tuning: CSVTuning,
                           fill: (UnsafePointer<UnsafeMutableRawPointer>) -> Result<Assembly, DataReadError>) throws(DataReadError) -> ParsedTable {
        let capacity = max(rows, 1)
        try checkMemory(rows: capacity, columns: guess.filter { $0 != .skip }.count, settings: settings, tuning: tuning)
        let types = guess.map { SlotType.forGuess($0, narrowText: narrowText) }
        var outcome: Result<Assembly, DataReadError> = .success(Assembly())
        let slotArrays = withSlotArrays(capacity: capacity, types: types, tuning: tuning, cancel: settings.cancel) { bases, finalCounts in
            outcome = fill(bases)
            if case .success(let a) = outcome { finalCounts = keptCounts(a) }
        }
        return table(try outcome.get(), slotArrays: slotArrays)
    }

    /// The slots each column keeps as its array: the rows of an integer or real column or of a text
    /// column whose codes are its slot array (`SlotType.codes`), none of another (its storage was
    /// built from the slots).
    static func keptCounts(_ a: Assembly) -> [Int] {
        (0..<a.kinds.count).map { c in
            a.kinds[c] == .integer || a.kinds[c] == .real || a.levels[c] != nil ? a.rowCount : 0
        }
    }

    /// The columns' storage: the assembly's built ones, and the slot arrays of integer and real columns.
    static func table(_ assembly: Assembly, slotArrays: [SlotArray]) -> ParsedTable {
        var storages: [ColumnStorage?] = []
        storages.reserveCapacity(assembly.kinds.count)
        for c in 0..<assembly.kinds.count {
            if assembly.kinds[c] == .skip {
                storages.append(nil)
                continue
            }
            if let built = assembly.builtStorages[c] {
                storages.append(built)
                continue
            }
            if let levels = assembly.levels[c], case .codes(let codes) = slotArrays[c] {
                storages.append(.text(codes: codes, levels: levels))
                continue
            }
            let n = assembly.rowCount
            switch (assembly.kinds[c], slotArrays[c]) {
            case (.integer, .int64(let a)): storages.append(.integer(a))
            case (.real, .double(let a)): storages.append(.real(a))
            case (.integer, .double(let a)): storages.append(.integer(reinterpret(a, count: n)))
            case (.real, .int64(let a)): storages.append(.real(reinterpret(a, count: n)))
            default: preconditionFailure("CSVReader: column kind without storage")
            }
        }
        return ParsedTable(rowCount: assembly.rowCount, storages: storages, masks: assembly.masks, allMissing: assembly.allMissing)
    }

    /// Refuses, before anything is allocated, a file whose columns would not fit in the memory the
    /// system has available (so the machine never starts swapping): every cell takes an 8-byte slot
    /// while parsing, the rows are the newlines counted by the chunk plan.
    static func checkMemory(rows: Int, columns: Int, settings: CSVSettings, tuning: CSVTuning) throws(DataReadError) {
        guard let budget = tuning.memoryBudget ?? SystemMemory.available(),
              let tooLarge = SystemMemory.tooLarge(rows: rows, columns: columns, budget: budget) else { return }
        throw DataReadError(file: settings.fileName, message: "too large to load: about \(rows) rows x \(columns) columns \(tooLarge); "
                            + "load a subset of the rows or columns (e.g. cut -d, -f1-10 or head -n)")
    }

    /// Copies 8-byte bit patterns into an array of another 8-byte type.
    static func reinterpret<A, B>(_ a: [A], count: Int) -> [B] {
        precondition(MemoryLayout<A>.stride == 8 && MemoryLayout<B>.stride == 8)
        return [B](unsafeUninitializedCapacity: count) { buf, initialized in
            a.withUnsafeBytes { src in
                if count > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: src.baseAddress!, byteCount: count * 8) }
            }
            initialized = count
        }
    }

    /// Allocates one array per column with room for `capacity` cells of its `SlotType` ([Double],
    /// [Int64] or [UInt32]; none for `.none`, whose base is a dummy never written) and runs `body`
    /// with their base addresses while they are alive; `body` sets how many leading elements of each
    /// are initialised and kept. With up to `maxNestedColumns` columns the arrays are created by
    /// nested `init(unsafeUninitializedCapacity:)` calls (no copy); wider tables use raw memory
    /// copied into arrays afterwards. The arrays are prefaulted unless `prefault` is false (the gzip
    /// pipeline maps each chunk's rows as it goes).
    static func withSlotArrays(capacity: Int, types: [SlotType], tuning: CSVTuning, prefault: Bool = true,
                               cancel: Cancellation = .never, body: (UnsafePointer<UnsafeMutableRawPointer>, inout [Int]) -> Void) -> [SlotArray] {
        let ncol = types.count
        let dummy = UnsafeMutableRawPointer(bitPattern: 8)!
        var bases = [UnsafeMutableRawPointer](repeating: dummy, count: ncol)
        var finalCounts = [Int](repeating: 0, count: ncol)
        var arrays = [SlotArray](repeating: .int64([]), count: ncol)
        if ncol > tuning.maxNestedColumns {
            let memory = (0..<ncol).map {
                types[$0] == .none ? dummy : UnsafeMutableRawPointer.allocate(byteCount: capacity * types[$0].width, alignment: 16)
            }
            defer { for c in 0..<ncol where types[c] != .none { memory[c].deallocate() } }
            memory.withUnsafeBufferPointer { body($0.baseAddress!, &finalCounts) }
            for c in 0..<ncol {
                switch types[c] {
                case .double: arrays[c] = .double(copiedArray(memory[c], count: finalCounts[c]))
                case .int64, .none: arrays[c] = .int64(copiedArray(memory[c], count: finalCounts[c]))
                case .codes: arrays[c] = .codes(copiedArray(memory[c], count: finalCounts[c]))
                }
            }
            return arrays
        }
        func nest(_ c: Int) {
            if c == ncol {
                #if os(Linux)
                if prefault && capacity >= 1 << 16 {
                    let b = bases
                    parallelFor(ncol) { i in if types[i] != .none { prefaultForWriting(b[i], bytes: capacity * types[i].width, cancel: cancel) } }
                }
                #endif
                bases.withUnsafeBufferPointer { body($0.baseAddress!, &finalCounts) }
                return
            }
            switch types[c] {
            case .none: nest(c + 1)
            case .double: arrays[c] = .double(nestedArray(c))
            case .int64: arrays[c] = .int64(nestedArray(c))
            case .codes: arrays[c] = .codes(nestedArray(c))
            }
        }
        /// Column c's array, alive while the columns after it are made and `body` runs.
        func nestedArray<T>(_ c: Int) -> [T] {
            [T](unsafeUninitializedCapacity: capacity) { buf, initialized in
                bases[c] = UnsafeMutableRawPointer(buf.baseAddress!)
                nest(c + 1)
                initialized = finalCounts[c]
            }
        }
        nest(0)
        return arrays
    }

    /// The first `count` elements at `memory` as an array.
    static func copiedArray<T>(_ memory: UnsafeMutableRawPointer, count n: Int) -> [T] {
        [T](unsafeUninitializedCapacity: n) { buf, k in
            if n > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: memory, byteCount: n * MemoryLayout<T>.stride) }
            k = n
        }
    }

    /// Maps the whole pages inside [p, p + bytes) in one call (MADV_POPULATE_WRITE, Linux 5.14+)
    /// instead of one page fault per 4 KB while parsing; false when the kernel refused (nothing is
    /// lost: the pages then fault in as they are written). madvise takes only a page-aligned start,
    /// and an array's elements start 48 bytes into a page (malloc's and the array's headers), so the
    /// range is cut to its whole pages (before, the call failed with EINVAL and prefaulted nothing).
    /// 13 arrays of 10^7 Doubles written once (CPU time, machine loaded): 0.16+0.68 s user+sys
    /// without, 0.09+0.51 s with it; transparent huge pages (MADV_HUGEPAGE first) were far slower,
    /// 0.08+2.74 s (direct compaction). The file mapping needs nothing of the kind: reading 1.26 GB
    /// through it cost 0.07+0.07 s, the same with MADV_POPULATE_READ, MADV_WILLNEED or MAP_POPULATE
    /// (which also keeps the whole file resident), and pread into a buffer instead cost 0.52 s of sys.
    /// As `prefaultForWriting(_:bytes:)`, in slices of `prefaultSlice` bytes with a poll before each:
    /// one call over an 80 MB column of 10^7 rows ran 0.2-0.8 s of CPU (the kernel zeroing its pages)
    /// without a poll for Ctrl-C (bench/poll_gaps.sh, 2026-12-06). A stop leaves the rest to fault in
    /// as it is written; the parse's own polls then end the load.
    static func prefaultForWriting(_ p: UnsafeMutableRawPointer, bytes: Int, cancel: Cancellation) {
        // slices from the first whole page, so every boundary between two slices is a page boundary
        let page = PageDropper.pageSize
        let lead = (page - Int(bitPattern: p) % page) % page
        guard bytes > lead else { return }
        var done = lead
        while done < bytes, !cancel.isCancelled {
            let n = min(prefaultSlice, bytes - done)
            _ = prefaultForWriting(p + done, bytes: n)
            done += n
        }
    }

    /// 8 MiB: about 2-10 ms of kernel time per slice here, and a few hundred madvise calls at 10^7 rows.
    static let prefaultSlice = 8 << 20

    static func prefaultForWriting(_ p: UnsafeMutableRawPointer, bytes: Int) -> Bool {
        #if os(Linux)
        let page = PageDropper.pageSize
        let start = (Int(bitPattern: p) + page - 1) / page * page
        let end = (Int(bitPattern: p) + bytes) / page * page
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return false }
        return madvise(aligned, end - start, 23 /* MADV_POPULATE_WRITE */) == 0
        #else
        return false
        #endif
    }

    /// Parses all chunks into the slots (falling back to one piece when a split was wrong), joins the
    /// chunk types and builds masks, text, boolean and date arrays; compacts integer/real slots.
    static func parseAndAssemble(settings: CSVSettings, plan: ChunkPlan, guess: [CellKind], dataStart: UnsafePointer<UInt8>,
                                 dataFirstLine: Int, bases: UnsafePointer<UnsafeMutableRawPointer>) -> Result<Assembly, DataReadError> {
        let ncol = settings.columnCount
        var chunks: [CSVChunk] = []
        var offset = 0
        for i in 0..<plan.newlines.count {
            chunks.append(CSVChunk(start: plan.starts[i], end: plan.starts[i + 1], rowCapacity: plan.newlines[i],
                                   rowOffset: offset, firstLine: dataFirstLine + offset, slotBases: bases, kinds: guess, narrowText: true))
            offset += plan.newlines[i]
        }
        runChunks(chunks, settings: settings)
        // stopped by the caller's cancellation: the chunks are incomplete (DataReaders.read throws)
        if settings.cancel.isCancelled { return .failure(DataReadError(file: settings.fileName, message: "interrupted")) }
        var fallback = false
        for chunk in chunks {
            if let error = chunk.error { return .failure(error) }
            if chunk.overflow || chunk.stoppedAt != chunk.end {
                fallback = true
                break
            }
        }
        if fallback {
            let whole = CSVChunk(start: dataStart, end: settings.bufferEnd, rowCapacity: max(plan.totalNewlines, 1), rowOffset: 0,
                                 firstLine: dataFirstLine, slotBases: bases, kinds: guess, narrowText: true)
            chunks = [whole]
            runChunks(chunks, settings: settings)
            if let error = whole.error { return .failure(error) }
        }
        return assembled(chunks: chunks, settings: settings, ncol: ncol, bases: bases)
    }

    /// `assemble`, or `interrupted` once the cancellation fired meanwhile (a column stopped in its
    /// assembly has no storage, or an incomplete one: nothing may be built from it).
    static func assembled(chunks: [CSVChunk], settings: CSVSettings, ncol: Int,
                          bases: UnsafePointer<UnsafeMutableRawPointer>) -> Result<Assembly, DataReadError> {
        let assembly = assemble(chunks: chunks, settings: settings, ncol: ncol, bases: bases)
        if settings.cancel.isCancelled { return .failure(DataReadError(file: settings.fileName, message: "interrupted")) }
        return .success(assembly)
    }

    static func runChunks(_ chunks: [CSVChunk], settings: CSVSettings) {
        if chunks.count == 1 {
            var parser = CSVChunkParser(settings: settings, chunk: chunks[0])
            parser.run()
            parser.deallocate()
            settings.progress?.addParsed(rows: chunks[0].rows, bytes: chunks[0].end - chunks[0].start)
            return
        }
        parallelFor(chunks.count) { i in
            var parser = CSVChunkParser(settings: settings, chunk: chunks[i])
            parser.run()
            parser.deallocate()
            settings.pages.drop(from: chunks[i].start, to: chunks[i].end)
            settings.progress?.addParsed(rows: chunks[i].rows, bytes: chunks[i].end - chunks[i].start)
        }
    }

    static func assemble(chunks: [CSVChunk], settings: CSVSettings, ncol: Int, bases: UnsafePointer<UnsafeMutableRawPointer>) -> Assembly {
        var a = Assembly()
        // Final row positions (rows actually parsed; capacity counted every newline).
        var rowStarts: [Int] = []
        var n = 0
        for chunk in chunks {
            rowStarts.append(n)
            n += chunk.rows
        }
        a.rowCount = n
        // Join the chunk types.
        a.kinds = (0..<ncol).map { c in chunks.reduce(CellKind.unknown) { CellKind.join($0, $1.columns[c].kind) } }
        a.allMissing = a.kinds.map { $0 == .unknown }
        a.kinds = a.kinds.map { $0 == .unknown ? .real : $0 }

        // Per-chunk fix-ups: integer chunks of real columns, non-text chunks of text columns.
        var tasks: [(chunk: Int, column: Int)] = []
        for (i, chunk) in chunks.enumerated() {
            for c in 0..<ncol where fixUp(chunkKind: chunk.columns[c].kind, finalKind: a.kinds[c], rows: chunk.rows, settings: settings) != .none {
                tasks.append((i, c))
            }
        }
        let kinds = a.kinds
        let fixUp = { (t: (chunk: Int, column: Int)) in
            let chunk = chunks[t.chunk]
            var parser = CSVChunkParser(settings: settings, chunk: chunk)
            let col = chunk.columns + t.column
            if kinds[t.column] == .text {
                parser.rescanAsText(t.column, rows: chunk.rows)
                col.pointee.kind = .text
            } else {
                parser.convertIntegerToReal(col, rows: chunk.rows)
                col.pointee.kind = .real
            }
            parser.deallocate()
        }
        if tasks.count == 1 {
            fixUp(tasks[0])
        } else if tasks.count > 1 {
            parallelFor(tasks.count) { fixUp(tasks[$0]) }
        }

        // Per column: masks, compaction or new arrays.
        let compact = zip(chunks, rowStarts).contains { $0.rowOffset != $1 }
        let results = UnsafeMutablePointer<(ColumnStorage?, [String]?, [UInt64]?)>.allocate(capacity: max(ncol, 1))
        results.initialize(repeating: (nil, nil, nil), count: ncol)
        defer {
            results.deinitialize(count: ncol)
            results.deallocate()
        }
        let build = { (c: Int) in
            // each column is a pass or two over the rows (the text one is polled within): a poll
            // between them, and none is built once the load is stopped
            if settings.cancel.isCancelled { return }
            var mask: [UInt64]? = nil
            if chunks.contains(where: { $0.columns[c].mask != nil }) {
                var words = [UInt64](repeating: 0, count: (n + 63) >> 6)
                words.withUnsafeMutableBufferPointer { w in
                    for (chunk, rowStart) in zip(chunks, rowStarts) {
                        if let m = chunk.columns[c].mask {
                            orBits(into: w.baseAddress!, at: rowStart, from: m, count: chunk.rows)
                        }
                    }
                }
                mask = words
            }
            let base = bases[c]
            var storage: ColumnStorage? = nil
            var levels: [String]? = nil
            switch kinds[c] {
            case .integer, .real, .unknown:
                if compact {
                    for (chunk, rowStart) in zip(chunks, rowStarts) where chunk.rowOffset != rowStart && chunk.rows > 0 {
                        (base + rowStart * 8).copyMemory(from: base + chunk.rowOffset * 8, byteCount: chunk.rows * 8)
                    }
                }
            case .boolean:
                storage = .boolean([Bool](unsafeUninitializedCapacity: n) { buf, k in
                    for (chunk, rowStart) in zip(chunks, rowStarts) {
                        let s = chunk.columns[c].slots
                        for r in 0..<chunk.rows { buf[rowStart + r] = s[r] != 0 }
                    }
                    k = n
                })
            case .date:
                storage = .date([Int32](unsafeUninitializedCapacity: n) { buf, k in
                    for (chunk, rowStart) in zip(chunks, rowStarts) {
                        let s = chunk.columns[c].slots
                        for r in 0..<chunk.rows { buf[rowStart + r] = Int32(truncatingIfNeeded: Int64(bitPattern: s[r])) }
                    }
                    k = n
                })
            case .text where chunks.first?.columns[c].codes != nil:
                levels = mergeTextInPlace(column: c, chunks: chunks, rowStarts: rowStarts, codes: base.assumingMemoryBound(to: UInt32.self),
                                          cancel: settings.cancel)
            case .text:
                storage = mergeText(column: c, chunks: chunks, rowStarts: rowStarts, rowCount: n, cancel: settings.cancel)
            case .skip:
                break
            }
            results[c] = (storage, levels, mask)
        }
        if ncol == 1 || chunks.count == 1 && n < 100_000 {
            for c in 0..<ncol { build(c) }
        } else {
            parallelFor(ncol) { build($0) }
        }
        a.builtStorages = (0..<ncol).map { results[$0].0 }
        a.levels = (0..<ncol).map { results[$0].1 }
        a.masks = (0..<ncol).map { results[$0].2 }
        return a
    }

    enum FixUp { case none, text, real }

    /// What a chunk whose column came out `chunkKind` needs once the column is `finalKind`: nothing,
    /// its text re-read as text (numbers, or empty cells that are text when "" is no NA token), or
    /// its integers made reals.
    static func fixUp(chunkKind k: CellKind, finalKind: CellKind, rows: Int, settings: CSVSettings) -> FixUp {
        if k == finalKind || rows == 0 { return .none }
        if finalKind == .text { return k == .unknown && settings.na.containsEmpty ? .none : .text }
        return finalKind == .real && k == .integer ? .real : .none
    }

    /// Merges the chunks' dictionaries in chunk order (so levels stay in first-seen order) and
    /// remaps the chunk-local codes (8-byte slots) into a new codes array. Each of its three passes
    /// (10^7 levels or rows take a second of CPU) polls `cancel` every `Cancellation.stride` levels
    /// or rows; once it fires the storage returned is incomplete and the caller reports `interrupted`.
    static func mergeText(column c: Int, chunks: [CSVChunk], rowStarts: [Int], rowCount n: Int, cancel: Cancellation) -> ColumnStorage {
        var global = mergedDictionary(column: c, chunks: chunks)
        defer { global.deallocate() }
        guard let remaps = chunkRemaps(column: c, chunks: chunks, into: &global, cancel: cancel) else { return .text(codes: [], levels: []) }
        let codes = [UInt32](unsafeUninitializedCapacity: n) { buf, k in
            if !remapRows(column: c, chunks: chunks, rowStarts: rowStarts, remaps: remaps, into: buf.baseAddress!, cancel: cancel) {
                buf.initialize(repeating: 0)   // never used: the load is interrupted
            }
            k = n
        }
        guard !cancel.isCancelled, let levels = levelStrings(global, cancel: cancel) else { return .text(codes: [], levels: []) }
        return .text(codes: codes, levels: levels)
    }

    /// `mergeText` for chunks whose codes are 4 bytes in the column's final array (`SlotType.codes`):
    /// the codes are remapped and closed up in place (a row only moves down, and rows are taken in
    /// order, so none is overwritten before it is read). Returns the levels, nil once `cancel` fired.
    static func mergeTextInPlace(column c: Int, chunks: [CSVChunk], rowStarts: [Int], codes: UnsafeMutablePointer<UInt32>,
                                 cancel: Cancellation) -> [String]? {
        var global = mergedDictionary(column: c, chunks: chunks)
        defer { global.deallocate() }
        guard let remaps = chunkRemaps(column: c, chunks: chunks, into: &global, cancel: cancel),
              remapRows(column: c, chunks: chunks, rowStarts: rowStarts, remaps: remaps, into: codes, cancel: cancel) else { return nil }
        return levelStrings(global, cancel: cancel)
    }

    /// Each chunk's local code -> its code in `global` (levels interned in chunk order); nil once
    /// `cancel` fired.
    static func chunkRemaps(column c: Int, chunks: [CSVChunk], into global: inout ByteDictionary, cancel: Cancellation) -> [[UInt32]]? {
        var remaps: [[UInt32]] = []
        for chunk in chunks {
            let dict = chunk.columns[c].dict
            var remap = [UInt32](repeating: 0, count: max(dict.count, 1))
            let complete = cancel.inBlocks(0..<dict.count) { codes in
                for code in codes {
                    let level = dict.level(code)
                    remap[code] = global.intern(level.baseAddress ?? UnsafePointer(bitPattern: 1)!, level.count, hash: dict.levelHash(code))
                }
            }
            if !complete { return nil }
            remaps.append(remap)
        }
        return remaps
    }

    /// Writes every chunk's rows of column `c`, remapped, to `buf` from the chunk's first final row
    /// on (missing cells get code 0, as every reader writes: Column's contract). The chunk's codes are
    /// read from its 4-byte codes when it has them (which may be `buf` itself), else from its slots.
    /// False once `cancel` fired.
    static func remapRows(column c: Int, chunks: [CSVChunk], rowStarts: [Int], remaps: [[UInt32]],
                          into buf: UnsafeMutablePointer<UInt32>, cancel: Cancellation) -> Bool {
        for (i, chunk) in chunks.enumerated() {
            let s = chunk.columns[c].slots
            let narrow = chunk.columns[c].codes
            let out = buf + rowStarts[i]
            let mask = chunk.columns[c].mask
            let complete = remaps[i].withUnsafeBufferPointer { remap in
                let limit = UInt64(remap.count)
                return cancel.inBlocks(0..<chunk.rows) { rows in
                    if let narrow {
                        for r in rows {
                            let local = UInt64(narrow[r])
                            out[r] = local < limit ? remap[Int(local)] : 0
                        }
                    } else {
                        for r in rows {
                            let local = s[r]
                            out[r] = local < limit ? remap[Int(local)] : 0
                        }
                    }
                    if let mask {
                        for r in rows where mask[r >> 6] & (1 << UInt64(r & 63)) != 0 { out[r] = 0 }
                    }
                }
            }
            if !complete { return false }
        }
        return true
    }

    /// The merged dictionary's levels as strings, nil once `cancel` fired.
    static func levelStrings(_ global: ByteDictionary, cancel: Cancellation) -> [String]? {
        var levels: [String] = []
        levels.reserveCapacity(global.count)
        let complete = cancel.inBlocks(0..<global.count) { block in
            for code in block { levels.append(String(decoding: global.level(code), as: UTF8.self)) }
        }
        return complete ? levels : nil
    }

    /// The dictionary the chunks' levels merge into: sized for all of them when the first chunk's
    /// values are (nearly) all distinct, an identifier column whose levels are about its rows (no
    /// rehash of millions of levels at once, which would run without a poll); else grown as needed
    /// (sizing for the sum would waste memory where chunks share their levels).
    static func mergedDictionary(column c: Int, chunks: [CSVChunk]) -> ByteDictionary {
        guard let first = chunks.first, first.rows >= 1 << 12, first.columns[c].dict.count * 10 >= first.rows * 9 else {
            return ByteDictionary()
        }
        let dicts = chunks.map { $0.columns[c].dict }
        return ByteDictionary(reserving: dicts.reduce(0) { $0 + $1.count }, bytes: dicts.reduce(0) { $0 + $1.byteSize })
    }

    /// ORs `count` bits of `src` (from bit 0) into `dst` starting at bit `at`.
    static func orBits(into dst: UnsafeMutablePointer<UInt64>, at: Int, from src: UnsafePointer<UInt64>, count: Int) {
        let words = (count + 63) >> 6
        let shift = UInt64(at & 63)
        var w = at >> 6
        for k in 0..<words {
            var v = src[k]
            if k == words - 1 && count & 63 != 0 { v &= (1 << UInt64(count & 63)) - 1 }
            if v == 0 {
                w += 1
                continue
            }
            dst[w] |= v << shift
            if shift != 0 {
                let spill = v >> (64 - shift)
                if spill != 0 { dst[w + 1] |= spill }
            }
            w += 1
        }
    }
}
