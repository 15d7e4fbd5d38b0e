// CSVReader+Stream.swift — gzip-compressed CSV parsed while it is being inflated (the pipeline).
//
// Contract: `InflatingStream` inflates on its own thread into a never-moving mapping (Inflate with
// `published`), announcing after every 4 MiB step how many bytes are final, and pausing when it is
// more than `streamAheadBytes` (64 MiB) ahead of the parse (a bounded queue); `parseInflating` parses
// on the calling thread meanwhile: the header and type guess from the first `streamStartBytes`, then
// one chunk after another, each ending after the last newline that is final (and at least
// `InputBuffer.padding` bytes before the end of what is final, so nothing a parser may peek at is
// still being written) at even quote parity (else it waits for more). Once the inflation is done the
// rest is cut into chunks parsed on all cores, so with 2 cores inflation and parsing overlap and the
// tail uses both. The chunks then go into the final arrays and through the same assembly as a plain
// file (`buildTable`, `assemble`), so the result equals the plain CSV's. Anything unusual — a file
// smaller than `streamStartBytes`, a header that does not fit, a chunk that reports an error or does
// not end where it should (stray quotes) — falls back to waiting for the whole text and parsing it
// as usual, which gives the right result or error. Inflation errors (truncated, corrupt, the memory
// bound of a bomb) and Ctrl-C end both threads; the inflating thread is always stopped and joined
// before the memory it writes into is released.
// The decompressed text stays in memory until the load ends (the columns are built from it), as for
// the non-pipelined reader; the memory bound (`limit`) is the same.

import Foundation
import SurvivalStats
import Synchronization

/// Inflation of a gzip file on its own thread, with the part already inflated available.
final class InflatingStream: @unchecked Sendable {
    enum State {
        case partial(base: UnsafeMutablePointer<UInt8>, available: Int)
        case done(Result<InputBuffer, DataReadError>)
    }

    private let condition = NSCondition()
    private var base: UnsafeMutablePointer<UInt8>?
    private var available = 0
    private var outcome: Result<InputBuffer, DataReadError>?
    private let stopRequested = Atomic<Bool>(false)
    /// The bounded queue: the inflating thread pauses while it is more than `ahead` bytes past what
    /// the parser has `consumed` and past what the parser waits for (`demand`).
    private let ahead: Int
    private var consumed = 0
    private var demand = 0
    /// The memory inflated into: owned here (not by the inflation) so that what `wait` handed out
    /// stays readable after the inflation fails, until the stream itself goes.
    private let region: MappedRegion?

    /// Starts inflating `compressed` (kept alive until the end) on a new thread, at most `ahead`
    /// bytes ahead of the parser.
    init(_ compressed: InputBuffer, file: String, limit: UInt64?, options: ReadOptions, step: Int, ahead: Int) {
        self.ahead = ahead
        region = Inflate.outputRegion(limit: limit)
        let cancel = Cancellation { [self] in options.cancel.isCancelled || stopRequested.load(ordering: .relaxed) }
        nonisolated(unsafe) let compressed = compressed  // read-only; kept alive by the closure
        Thread.detachNewThread { [self] in
            let raw = UnsafeRawBufferPointer(start: compressed.bytes, count: compressed.count)
            let result: Result<InputBuffer, DataReadError>
            do throws(DataReadError) {
                guard let region else { throw DataReadError(file: file, message: "gzip: out of memory") }
                result = .success(try Inflate.run(raw, wrapper: .gzip, limit: limit, file: file, format: "gzip", cancel: cancel,
                                                  progress: options.progress, step: step, into: region) { base, produced in
                    self.publish(base, produced)
                })
            } catch {
                result = .failure(error)
            }
            PollTrace.workerEnd("end of the gzip inflating thread")
            condition.lock()
            outcome = result
            condition.broadcast()
            condition.unlock()
        }
    }

    private func publish(_ base: UnsafeMutablePointer<UInt8>, _ produced: Int) {
        condition.lock()
        self.base = base
        available = produced
        condition.broadcast()
        while available - consumed > ahead && available > demand && !stopRequested.load(ordering: .relaxed) { condition.wait() }
        condition.unlock()
    }

    /// The parser is done with the first `bytes` bytes (the inflating thread may go on).
    func consumed(upTo bytes: Int) {
        condition.lock()
        consumed = max(consumed, bytes)
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until more than `bytes` bytes are final or the inflation has ended.
    func wait(beyond bytes: Int) -> State {
        condition.lock()
        defer { condition.unlock() }
        demand = max(demand, bytes)
        condition.broadcast()
        while outcome == nil && available <= bytes { condition.wait() }
        if let outcome { return .done(outcome) }
        return .partial(base: base!, available: available)
    }

    /// The whole text, or the inflation's error.
    func end() throws(DataReadError) -> InputBuffer {
        guard case .done(let outcome) = wait(beyond: Int.max) else { preconditionFailure("InflatingStream: not done") }
        return try outcome.get()
    }

    /// Stops the inflation if it still runs and waits for its thread to end.
    func stopAndJoin() {
        condition.lock()
        stopRequested.store(true, ordering: .relaxed)
        condition.broadcast()
        condition.unlock()
        _ = wait(beyond: Int.max)
    }
}

extension CSVReader {
    /// Parses the text `stream` inflates while it does (see the file header).
    static func parseInflating(_ stream: InflatingStream, name: String, delimiterName: String, options: ReadOptions,
                               tuning: CSVTuning) throws(DataReadError) -> TableReadResult {
        defer { stream.stopAndJoin() }
        func whole() throws(DataReadError) -> TableReadResult {
            try parse(stream.end(), name: name, delimiterName: delimiterName, options: options, tuning: tuning)
        }
        guard case .partial(let mutableBase, let firstAvailable) = stream.wait(beyond: tuning.streamStartBytes),
              let firstCut = finalRecordsEnd(mutableBase, from: mutableBase, available: firstAvailable) else { return try whole() }
        let base = UnsafePointer(mutableBase)
        let prelude: CSVPrelude
        do {
            prelude = try CSVPrelude(mutableBase, count: firstCut - base, pages: PageDropper(base: base, droppable: 0..<0), name: name,
                                     delimiterName: delimiterName, options: options)
        } catch {
            return try whole()
        }
        var settings = prelude.settings
        let guess = guessKinds(settings: settings, dataStart: prelude.dataStart, initial: prelude.initialKinds, tuning: tuning)
        let pieces = StreamChunks(columns: settings.columnCount, guess: guess, firstLine: prelude.dataFirstLine)

        // While inflating: one chunk at a time, on this thread.
        var start = prelude.dataStart
        var want = max(firstCut - base, start - base + tuning.streamSegmentBytes)
        while case .partial(_, let available) = stream.wait(beyond: want) {
            want = available
            guard let cut = finalRecordsEnd(base, from: start, available: available) else { continue }
            let (newlines, quotes) = ByteScan.countNewlinesAndQuotes(start, cut - start)
            if quotes & 1 == 1 { continue } // the cut is inside a quoted field: wait for more
            settings.bufferEnd = cut
            let chunk = pieces.add(start: start, end: cut, newlines: newlines)
            runChunks([chunk], settings: settings)
            if settings.cancel.isCancelled { throw DataReadError(file: name, message: "interrupted") }
            if !chunk.endedCleanly { return try whole() }
            start = cut
            stream.consumed(upTo: start - base)
            want = max(want, start - base + tuning.streamSegmentBytes)
        }

        // Inflated: the rest on all cores.
        let text = try stream.end()
        var end = text.count
        if text.bytes[end - 1] != asciiLF {
            text.bytes[end] = asciiLF
            end += 1
        }
        settings.bufferEnd = UnsafePointer(text.bytes + end)
        let plan = planChunks(settings: settings, dataStart: start, tuning: tuning)
        let tail = (0..<plan.newlines.count).map { pieces.add(start: plan.starts[$0], end: plan.starts[$0 + 1], newlines: plan.newlines[$0]) }
        runChunks(tail, settings: settings)
        if settings.cancel.isCancelled { throw DataReadError(file: name, message: "interrupted") }
        if tail.contains(where: { !$0.endedCleanly }) { return try whole() }

        let table = try buildTable(rows: pieces.rows, settings: settings, guess: guess, tuning: tuning) { bases in
            pieces.move(into: bases)
            return .success(assemble(chunks: pieces.chunks, settings: settings, ncol: settings.columnCount, bases: bases))
        }
        return try prelude.result(table)
    }

    /// Just past the last newline in [from, base + available - padding), or nil when there is none.
    static func finalRecordsEnd(_ base: UnsafePointer<UInt8>, from: UnsafePointer<UInt8>, available: Int) -> UnsafePointer<UInt8>? {
        var q = base + available - InputBuffer.padding
        while q > from {
            q -= 1
            if q.pointee == asciiLF { return q + 1 }
        }
        return nil
    }
}

/// The chunks of a pipelined parse, each with its own slot memory (the final arrays are allocated
/// once the number of rows is known), in file order; `rows` = the newlines so far, every chunk's
/// `rowOffset`, as in a plain parse.
final class StreamChunks {
    let columns: Int
    let guess: [CellKind]
    let firstLine: Int
    private(set) var chunks: [CSVChunk] = []
    private var memories: [UnsafeMutableRawPointer] = []
    private(set) var rows = 0

    init(columns: Int, guess: [CellKind], firstLine: Int) {
        self.columns = columns
        self.guess = guess
        self.firstLine = firstLine
    }

    deinit { memories.forEach { $0.deallocate() } }

    /// A chunk for [start, end) holding `newlines` newlines, with slot memory of its own.
    func add(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, newlines: Int) -> CSVChunk {
        let capacity = max(newlines, 1)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: capacity * 8 * max(columns, 1), alignment: 16)
        memories.append(memory)
        // CSVChunk puts row r of column c at bases[c] + (rowOffset + r) * 8: shift the bases back.
        let bases = (0..<columns).map { memory + ($0 * capacity - rows) * 8 }
        let chunk = bases.withUnsafeBufferPointer {
            CSVChunk(start: start, end: end, rowCapacity: newlines, rowOffset: rows, firstLine: firstLine + rows,
                     slotBases: $0.baseAddress!, kinds: guess)
        }
        chunks.append(chunk)
        rows += newlines
        return chunk
    }

    /// Copies every chunk's rows to its place in the final arrays and points the chunk there
    /// (not a `.skip` column's: it has no array).
    func move(into bases: UnsafePointer<UnsafeMutableRawPointer>) {
        for chunk in chunks {
            for c in 0..<columns where guess[c] != .skip {
                let target = bases[c] + chunk.rowOffset * 8
                target.copyMemory(from: chunk.columns[c].slots.raw, byteCount: chunk.rows * 8)
                chunk.columns[c].slots = SlotPointer(raw: target)
            }
        }
        memories.forEach { $0.deallocate() }
        memories = []
    }
}

extension CSVChunk {
    /// Parsed to its end without error or overflow.
    var endedCleanly: Bool { error == nil && !overflow && stoppedAt == end }
}
