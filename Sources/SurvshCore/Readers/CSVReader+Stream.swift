// CSVReader+Stream.swift — gzip-compressed CSV parsed while it is being inflated (the pipeline).
//
// Contract: `parseGzipPipelined` inflates (`Inflate.Inflater`) into a ring of a few reused buffers
// (`GzipPipeline`: workers + 2 of them, `streamSegmentBytes`, 4 MiB, of text each) and parses each
// buffer's complete records as one chunk while the next buffers are inflated, on every core from
// the start: each worker thread inflates the next buffer when no other one is inflating and a
// buffer is free, and otherwise parses a chunk that is waiting. Whoever inflates a buffer first
// copies into the `headroom` before it the previous buffer's partial last record (the carry), then
// cuts the buffer after its last newline at even quote parity (quoted fields with newlines, CRLF
// and multibyte UTF-8 split across inflate steps stay whole), so a chunk always starts a record and
// the rows, line numbers and types come out as in a plain parse. A buffer is reused once its chunk
// is parsed and its carry copied: memory is the ring (~40 MiB) plus the columns' slots, not the
// whole text. The first buffer holds at least `streamStartBytes` (and twice the 64 KiB + 3
// CSVPrelude's UTF-8 check reads: its records must reach past those) for the header and the type
// guess. The chunks are parsed straight into the final arrays, made before the parse for the rows
// the text's size promises (`textSize`: the gzip trailer's ISIZE, or the compression ratio so far,
// at the first buffer's bytes per record, plus an eighth) and mapped chunk by chunk as they are
// written (no chunk memory to fault in, copy and free: at 10^6 rows 0.58 s of CPU instead of 0.71 s,
// peak 205 MB instead of 303 MB); a chunk past them gets slot memory of its own, and everything is then copied to
// arrays of the real row count. Then the same assembly as a plain file's (`assemble`), so the
// result equals the plain CSV's byte for byte.
// The parsed text is gone by the assembly, so anything that would need it again or that a chunk
// cannot settle alone returns nil, and the caller inflates the whole text into one buffer and parses
// it as usual, which gives the right result or error: text that fits in the first buffer or looks
// binary (`isText`), a header that does not fit, a record longer than the headroom, a chunk that
// reports an error or does not end where it should (stray quotes), and a column that turns to text
// after an earlier chunk was parsed as numbers (`needsTextRescan`: the plain parse re-reads that
// chunk's text). Inflation errors (truncated, corrupt, the memory bound of a bomb) and Ctrl-C stop
// every worker and are thrown; the inflation counts its output against the same bound as the
// whole-text inflation, so a bomb is refused with the same message.

import Foundation
import SurvivalStats

extension CSVReader {
    /// Parses the CSV text of the gzip data `compressed` while inflating it (see the file header),
    /// or nil when the caller must inflate the whole text and parse it. `limit` bounds the output.
    static func parseGzipPipelined(_ compressed: UnsafeRawBufferPointer, name: String, delimiterName: String, limit: UInt64?,
                                   options: ReadOptions, tuning: CSVTuning,
                                   isText: ([UInt8]) throws(DataReadError) -> Bool) throws(DataReadError) -> TableReadResult? {
        let pipeline = GzipPipeline(compressed, name: name, limit: limit, options: options, tuning: tuning)
        guard try pipeline.inflateFirst(), try isText(pipeline.head) else { return nil }
        let firstBase = pipeline.ring.data(0)
        let firstEnd = firstBase + pipeline.firstCount
        guard let firstCut = GzipPipeline.recordsEnd(UnsafePointer(firstBase), UnsafePointer(firstEnd)),
              firstCut.end - UnsafePointer(firstBase) >= GzipPipeline.preludeMinimum else { return nil }
        let prelude: CSVPrelude
        do {
            prelude = try CSVPrelude(firstBase, count: firstCut.end - UnsafePointer(firstBase),
                                     pages: PageDropper(base: UnsafePointer(firstBase), droppable: 0..<0), name: name,
                                     delimiterName: delimiterName, options: options)
        } catch {
            // Ctrl-C stops here; any other error is the whole text's to give (it may be later in the file).
            if error.message == "interrupted" { throw error }
            return nil
        }
        let guess = guessKinds(settings: prelude.settings, dataStart: prelude.dataStart, initial: prelude.initialKinds, tuning: tuning)
        let pieces = StreamChunks(columns: prelude.settings.columnCount, guess: guess, firstLine: prelude.dataFirstLine)
        let run = { () throws(DataReadError) -> Bool in
            pipeline.start(pieces: pieces, settings: prelude.settings, dataStart: prelude.dataStart, firstEnd: UnsafePointer(firstEnd))
            return try pipeline.run(pieces: pieces, settings: prelude.settings, name: name)
        }
        let table: ParsedTable?
        let size = textSize(compressed, inflated: pipeline.firstCount, consumed: pipeline.firstConsumed)
        if let capacity = directCapacity(textSize: size, dataBytes: firstCut.end - prelude.dataStart,
                                         records: firstCut.newlines - (prelude.dataFirstLine - 1), guess: guess, tuning: tuning) {
            table = try parseDirectly(capacity: capacity, pieces: pieces, pipeline: pipeline, settings: prelude.settings, tuning: tuning, run: run)
        } else {
            table = try run() ? chunksTable(pieces: pieces, pipeline: pipeline, settings: prelude.settings, tuning: tuning) : nil
        }
        guard let table else {
            options.progress?.setRows(0)
            return nil
        }
        return try prelude.result(table)
    }

    /// Parses into the final arrays, made for `capacity` rows before the parse (no chunk memory to
    /// fault in, copy and free); the chunks past
    /// them keep their own memory and then everything is copied into arrays of the real row count
    /// (`chunksTable`). nil to fall back to the whole text.
    private static func parseDirectly(capacity: Int, pieces: StreamChunks, pipeline: GzipPipeline, settings: CSVSettings, tuning: CSVTuning,
                                      run: () throws(DataReadError) -> Bool) throws(DataReadError) -> ParsedTable? {
        let guess = pieces.guess
        var outcome: Result<Assembly?, DataReadError> = .success(nil)
        var overflowed = false
        // 8-byte slots for text too (not `SlotType.codes`): chunks past the arrays and `move` work in
        // 8-byte slots, and the direct chunks' rows may have to be moved with them
        let arrays = withSlotArrays(capacity: capacity, types: guess.map { SlotType.forGuess($0, narrowText: false) },
                                    tuning: tuning, prefault: false) { bases, finalCounts in
            pieces.parseDirectly(into: bases, capacity: capacity)
            do throws(DataReadError) {
                guard try run() else { return }
                if pieces.overflowed {
                    // the rows parsed in place stay readable until the copy
                    finalCounts = guess.map { $0 == .skip ? 0 : pieces.directRows }
                    overflowed = true
                    return
                }
                pipeline.releaseRing()
                outcome = assembled(chunks: pieces.chunks, settings: settings, ncol: settings.columnCount, bases: bases).map { Optional($0) }
                if case .success(let a?) = outcome { finalCounts = keptCounts(a) }
            } catch {
                outcome = .failure(error)
            }
        }
        if overflowed {
            return try withExtendedLifetime(arrays) { () throws(DataReadError) in
                try chunksTable(pieces: pieces, pipeline: pipeline, settings: settings, tuning: tuning)
            }
        }
        return try outcome.get().map { table($0, slotArrays: arrays) }
    }

    /// Copies every chunk into arrays of the rows counted (each chunk's memory, or the direct
    /// arrays' rows) and assembles them.
    private static func chunksTable(pieces: StreamChunks, pipeline: GzipPipeline, settings: CSVSettings,
                                    tuning: CSVTuning) throws(DataReadError) -> ParsedTable {
        pipeline.releaseRing()
        return try buildTable(rows: pieces.rows, settings: settings, guess: pieces.guess, tuning: tuning) { bases in
            if !pieces.move(into: bases, cancel: settings.cancel) {
                return .failure(DataReadError(file: settings.fileName, message: "interrupted"))
            }
            return assembled(chunks: pieces.chunks, settings: settings, ncol: settings.columnCount, bases: bases)
        }
    }

    /// The rows to make the final arrays for before the parse: the text's size (`textSize`) at the
    /// first buffer's bytes per record, plus an eighth and 4096. A wrong guess costs only time: the
    /// arrays' pages are mapped chunk by chunk (an unused end takes no memory) and rows past them go
    /// to chunk memory. nil when the first buffer has no record, the memory available is unknown,
    /// or the arrays would not fit in it (the real row count is then checked after the parse, with
    /// the plain file's message).
    static func directCapacity(textSize: Double, dataBytes: Int, records: Int, guess: [CellKind], tuning: CSVTuning) -> Int? {
        guard records > 0, dataBytes > 0, let budget = tuning.memoryBudget ?? SystemMemory.available() else { return nil }
        let rows = min(textSize * Double(records) / Double(dataBytes), Double(1 << 50))
        let capacity = Int(rows * 1.125) + 4096
        let columns = guess.filter { $0 != .skip }.count
        return SystemMemory.tooLarge(rows: capacity, columns: columns, budget: budget) == nil ? capacity : nil
    }

    /// The size of the text of the gzip data `compressed`, of which `consumed` bytes inflated to
    /// `inflated`: the gzip trailer's ISIZE (the last member's size mod 2^32) plus the multiple of
    /// 2^32 that brings it nearest to the size at the compression ratio so far, when it is within
    /// half of that (a single member); else that size itself (several members, bytes after the
    /// last one).
    static func textSize(_ compressed: UnsafeRawBufferPointer, inflated: Int, consumed: Int) -> Double {
        let atRatio = Double(compressed.count) * Double(inflated) / Double(max(consumed, 1))
        guard compressed.count >= 18 else { return atRatio }
        let isize = Double((0..<4).reduce(UInt32(0)) { $0 | UInt32(compressed[compressed.count - 4 + $1]) << (8 * $1) })
        let wrap = 4_294_967_296.0
        let size = isize + ((atRatio - isize) / wrap).rounded() * wrap
        return max(abs(size - atRatio) <= atRatio / 2 ? size : atRatio, Double(inflated))
    }

    /// Some chunk holds numbers (or nothing) in a column that ends up text: `assemble` would re-read
    /// that chunk's text, which the pipeline no longer has.
    static func needsTextRescan(_ chunks: [CSVChunk], settings: CSVSettings) -> Bool {
        (0..<settings.columnCount).contains { c in
            let final = chunks.reduce(CellKind.unknown) { CellKind.join($0, $1.columns[c].kind) }
            return final == .text && chunks.contains { fixUp(chunkKind: $0.columns[c].kind, finalKind: final, rows: $0.rows, settings: settings) == .text }
        }
    }
}

/// The ring of text buffers and the work shared by the pipeline's threads (see the file header).
/// Everything below `condition` is read and written under it; the inflater, the carry and `pieces`
/// only by the thread holding the inflation turn (`inflating`).
final class GzipPipeline: @unchecked Sendable {
    enum Outcome {
        case running, parsed, fallBack, interrupted
        case failed(DataReadError)
    }

    /// CSVPrelude checks the first 64 KiB of text (after a BOM) for UTF-8 as in a plain file.
    static let preludeMinimum = (1 << 16) + 3

    let ring: Ring
    let workers: Int
    private let inflater: Inflate.Inflater
    private let step: Int
    private let segment: Int
    private let cancel: Cancellation
    private(set) var firstCount = 0
    /// The compressed bytes the first buffer took.
    private(set) var firstConsumed = 0

    private let condition = NSCondition()
    private(set) var outcome = Outcome.running
    private var inflating = false
    private var inflated = false
    private var free: [Int] = []
    private var waiting: [(chunk: CSVChunk, buffer: Int)] = []
    private var parsing = 0
    /// Per buffer: its chunk waits or is being parsed, its carry is not copied yet, it is being filled.
    private var holds: [Int]

    // The inflation turn's state.
    private var pieces: StreamChunks?
    private var settings: CSVSettings?
    private var carry: (buffer: Int, start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) = (0, UnsafePointer(bitPattern: 1)!, UnsafePointer(bitPattern: 1)!)

    init(_ compressed: UnsafeRawBufferPointer, name: String, limit: UInt64?, options: ReadOptions, tuning: CSVTuning) {
        workers = max(1, min(tuning.threads ?? CSVReader.processorCount(), Parallelism.threads, 8))
        step = max(1, tuning.inflateStepBytes)
        segment = max(1, tuning.streamSegmentBytes)
        // Room for the prelude's 64 KiB and then the end of the record it stops in.
        let first = max(tuning.streamStartBytes, 2 * Self.preludeMinimum)
        ring = Ring(count: workers + 2, segment: max(segment, first), headroom: max(segment, 1 << 16))
        holds = [Int](repeating: 0, count: ring.count)
        cancel = options.cancel
        inflater = Inflate.Inflater(compressed, wrapper: .gzip, maximum: Inflate.maximumOutput(limit: limit), file: name, format: "gzip",
                                    cancel: options.cancel, progress: options.progress)
    }

    /// The first bytes of the text (FileSignature.headLength at most).
    var head: [UInt8] { Array(UnsafeBufferPointer(start: ring.data(0), count: min(firstCount, FileSignature.headLength))) }

    /// Inflates at least `streamStartBytes` into the first buffer; false when the whole text fits there.
    func inflateFirst() throws(DataReadError) -> Bool {
        let want = ring.segment
        while firstCount < want && !inflater.finished {
            firstCount += try inflater.step(into: ring.data(0) + firstCount, capacity: min(step, want - firstCount))
        }
        firstConsumed = inflater.consumed
        return !inflater.finished
    }

    /// Parses everything on `workers` threads; false to fall back to the whole text.
    func run(pieces: StreamChunks, settings: CSVSettings, name: String) throws(DataReadError) -> Bool {
        parallelFor(workers) { _ in work() }
        switch outcome {
        case .failed(let error): throw error
        case .interrupted: throw DataReadError(file: name, message: "interrupted")
        case .fallBack: return false
        case .running, .parsed: return !CSVReader.needsTextRescan(pieces.chunks, settings: settings)
        }
    }

    /// Sets the work up after the prelude: the first chunk (the first buffer's records after the
    /// header) waits, the rest of that buffer is the carry.
    func start(pieces: StreamChunks, settings: CSVSettings, dataStart: UnsafePointer<UInt8>, firstEnd: UnsafePointer<UInt8>) {
        self.pieces = pieces
        self.settings = settings
        free = Array(1..<ring.count)
        carry = (0, dataStart, dataStart)
        holds[0] = 1
        cut(buffer: 0, from: dataStart, to: firstEnd)
    }

    /// One worker: inflates the next buffer when it may, else parses a waiting chunk, until all is
    /// parsed or the work stops.
    func work() {
        condition.lock()
        defer { condition.unlock() }
        while case .running = outcome {
            if cancel.isCancelled {
                finish(.interrupted)
            } else if !inflating && !inflated, let buffer = free.popLast() {
                inflating = true
                holds[buffer] += 1
                condition.unlock()
                let result = fill(buffer)
                condition.lock()
                inflating = false
                if case .failure(let error) = result { finish(.failed(error)) }
                release(buffer)
                condition.broadcast()
            } else if !waiting.isEmpty {
                let (chunk, buffer) = waiting.removeFirst()
                parsing += 1
                condition.unlock()
                var chunkSettings = settings!
                chunkSettings.bufferEnd = chunk.end
                chunk.prefaultSlots()
                CSVReader.runChunks([chunk], settings: chunkSettings)
                condition.lock()
                parsing -= 1
                if !chunk.endedCleanly && !cancel.isCancelled { finish(.fallBack) }
                release(buffer)
                condition.broadcast()
            } else if inflated && parsing == 0 && !inflating {
                finish(.parsed)
            } else {
                condition.wait()
            }
        }
    }

    /// Ends the work (the first reason stays); every worker leaves its loop.
    private func finish(_ reason: Outcome) {
        if case .running = outcome { outcome = reason }
        condition.broadcast()
    }

    private func release(_ buffer: Int) {
        holds[buffer] -= 1
        if holds[buffer] == 0 { free.append(buffer) }
    }

    /// With the inflation turn: the carry, then up to a segment of text into `buffer`, then the cut.
    /// Under no lock; the queue changes under it.
    private func fill(_ buffer: Int) -> Result<Void, DataReadError> {
        let data = ring.data(buffer)
        let carried = carry.end - carry.start
        guard carried <= ring.headroom else {
            condition.lock()
            finish(.fallBack)
            condition.unlock()
            return .success(())
        }
        let start = UnsafePointer(data - carried)
        UnsafeMutablePointer(mutating: start).update(from: carry.start, count: carried)
        condition.lock()
        release(carry.buffer)
        condition.unlock()
        var made = 0
        do throws(DataReadError) {
            while made < segment && !inflater.finished {
                made += try inflater.step(into: data + made, capacity: min(step, segment - made))
            }
        } catch {
            return .failure(error)
        }
        var end = UnsafePointer(data + made)
        condition.lock()
        holds[buffer] += 1  // until its carry is copied, or for the last chunk
        condition.unlock()
        if inflater.finished {
            if end > start && end[-1] != asciiLF {
                data[made] = asciiLF  // the newline sentinel, in the padding
                end += 1
            }
            if end > start { addChunk(buffer: buffer, start: start, end: end, newlines: ByteScan.countNewlinesAndQuotes(start, end - start).newlines) }
            condition.lock()
            inflated = true
            release(buffer)
            condition.broadcast()
            condition.unlock()
        } else {
            cut(buffer: buffer, from: start, to: end)
        }
        return .success(())
    }

    /// Queues the records of [from, to) in `buffer` as a chunk; the rest is the carry.
    private func cut(buffer: Int, from: UnsafePointer<UInt8>, to: UnsafePointer<UInt8>) {
        var records = (end: from, newlines: 0)
        if let found = Self.recordsEnd(from, to) { records = found }
        if records.end > from { addChunk(buffer: buffer, start: from, end: records.end, newlines: records.newlines) }
        carry = (buffer, records.end, to)
    }

    private func addChunk(buffer: Int, start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, newlines: Int) {
        let chunk = pieces!.add(start: start, end: end, newlines: newlines)
        condition.lock()
        holds[buffer] += 1
        waiting.append((chunk, buffer))
        condition.broadcast()
        condition.unlock()
    }

    /// Frees the ring (after the parse).
    func releaseRing() { ring.deallocate() }

    /// Just past the last newline of [from, to) at even quote parity counted from `from` (a record
    /// boundary when `from` is one), with the newlines before it; nil when there is none.
    static func recordsEnd(_ from: UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>) -> (end: UnsafePointer<UInt8>, newlines: Int)? {
        var x = to
        while x > from && x[-1] != asciiLF { x -= 1 }
        if x == from { return nil }
        var (newlines, quotes) = ByteScan.countNewlinesAndQuotes(from, x - from)
        var parity = quotes & 1
        // Odd: the last newline is inside a quoted field; step back to one that is not.
        while x > from {
            if parity == 0 && x[-1] == asciiLF { return (x, newlines) }
            x -= 1
            if x.pointee == asciiQuote { parity ^= 1 } else if x.pointee == asciiLF { newlines -= 1 }
        }
        return nil
    }

    /// The buffers: `headroom` bytes for a carried partial record, then `segment` bytes of text, then
    /// the padding (a newline sentinel goes there).
    final class Ring {
        let count: Int
        let segment: Int
        let headroom: Int
        private var memory: [UnsafeMutablePointer<UInt8>]

        init(count: Int, segment: Int, headroom: Int) {
            self.count = count
            self.segment = segment
            self.headroom = headroom
            memory = (0..<count).map { _ in .allocate(capacity: headroom + segment + InputBuffer.padding) }
        }

        deinit { deallocate() }

        func data(_ buffer: Int) -> UnsafeMutablePointer<UInt8> { memory[buffer] + headroom }

        func deallocate() {
            memory.forEach { $0.deallocate() }
            memory = []
        }
    }
}

/// The chunks of a pipelined parse, in file order; `rows` = the newlines so far, every chunk's
/// `rowOffset`, as in a plain parse. A chunk's rows go straight to the final arrays while they fit
/// (`parseDirectly`), else to slot memory of its own (the final arrays are then allocated once the
/// number of rows is known, and everything is moved there).
final class StreamChunks {
    let columns: Int
    let guess: [CellKind]
    let firstLine: Int
    private(set) var chunks: [CSVChunk] = []
    private var memories: [UnsafeMutableRawPointer] = []
    private(set) var rows = 0
    private var direct: [UnsafeMutableRawPointer] = []
    private var directCapacity = 0
    /// The rows of the chunks in the final arrays (the first ones: `rows` only grows).
    private(set) var directRows = 0

    init(columns: Int, guess: [CellKind], firstLine: Int) {
        self.columns = columns
        self.guess = guess
        self.firstLine = firstLine
    }

    deinit { memories.forEach { $0.deallocate() } }

    /// Later chunks go to `bases` (one per column) while their rows fit in `capacity`.
    func parseDirectly(into bases: UnsafePointer<UnsafeMutableRawPointer>, capacity: Int) {
        direct = Array(UnsafeBufferPointer(start: bases, count: columns))
        directCapacity = capacity
    }

    /// Some chunk has memory of its own.
    var overflowed: Bool { !memories.isEmpty }

    /// A chunk for [start, end) holding `newlines` newlines, in the final arrays or in slot memory of its own.
    func add(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, newlines: Int) -> CSVChunk {
        let chunk: CSVChunk
        if memories.isEmpty && rows + newlines <= directCapacity {
            chunk = direct.withUnsafeBufferPointer {
                CSVChunk(start: start, end: end, rowCapacity: newlines, rowOffset: rows, firstLine: firstLine + rows,
                         slotBases: $0.baseAddress!, kinds: guess)
            }
            directRows = rows + newlines
        } else {
            let capacity = max(newlines, 1)
            let memory = UnsafeMutableRawPointer.allocate(byteCount: capacity * 8 * max(columns, 1), alignment: 16)
            memories.append(memory)
            // CSVChunk puts row r of column c at bases[c] + (rowOffset + r) * 8: shift the bases back.
            let bases = (0..<columns).map { memory + ($0 * capacity - rows) * 8 }
            chunk = bases.withUnsafeBufferPointer {
                CSVChunk(start: start, end: end, rowCapacity: newlines, rowOffset: rows, firstLine: firstLine + rows,
                         slotBases: $0.baseAddress!, kinds: guess)
            }
        }
        chunks.append(chunk)
        rows += newlines
        return chunk
    }

    /// Copies every chunk's rows to its place in the final arrays and points the chunk there
    /// (not a `.skip` column's: it has no array), a column per thread; false when `cancel` fired
    /// (polled per column).
    func move(into bases: UnsafePointer<UnsafeMutableRawPointer>, cancel: Cancellation) -> Bool {
        let chunks = self.chunks, guess = self.guess
        parallelFor(columns) { c in
            guard guess[c] != .skip, !cancel.isCancelled else { return }
            for chunk in chunks {
                let target = bases[c] + chunk.rowOffset * 8
                target.copyMemory(from: chunk.columns[c].slots.raw, byteCount: chunk.rows * 8)
                chunk.columns[c].slots = SlotPointer(raw: target)
            }
        }
        if cancel.isCancelled { return false }
        memories.forEach { $0.deallocate() }
        memories = []
        return true
    }
}

extension CSVChunk {
    /// Parsed to its end without error or overflow.
    var endedCleanly: Bool { error == nil && !overflow && stoppedAt == end }

    /// Maps the pages of the slots the parse will write, one call a column (MADV_POPULATE_WRITE)
    /// instead of a fault a page (pages shared with a neighbour chunk fault in as usual).
    func prefaultSlots() {
        for c in 0..<columnCount where columns[c].kind != .skip {
            _ = CSVReader.prefaultForWriting(columns[c].slots.raw, bytes: rowCapacity * 8)
        }
    }
}
