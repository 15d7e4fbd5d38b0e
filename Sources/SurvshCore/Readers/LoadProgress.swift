// LoadProgress.swift — how far a reader has got, for the shell's progress line.
//
// Contract: a reader given `ReadOptions.progress` stores into it as it goes (from any thread;
// relaxed atomics, no locks, no printing): rows parsed so far, bytes of text parsed, and — for a
// compressed or binary file, where text bytes are not the file's — bytes of the file consumed.
// Whoever shows progress (ProgressLine) reads it. Readers update it at coarse points (a CSV chunk,
// an inflate step, every few thousand ReadStat rows), so it costs nothing measurable.

import Synchronization

public final class LoadProgress: Sendable {
    private let rowsDone = Atomic<Int>(0)
    private let textBytes = Atomic<Int>(0)
    private let fileBytes = Atomic<Int>(-1)

    public init() {}

    /// Rows parsed so far.
    public var rows: Int { rowsDone.load(ordering: .relaxed) }

    /// Bytes of the file consumed so far: those set by `setFileBytes` when the reader sets them,
    /// else the text bytes parsed (plain CSV, where they are the same).
    public var bytes: Int {
        let file = fileBytes.load(ordering: .relaxed)
        return file >= 0 ? file : textBytes.load(ordering: .relaxed)
    }

    /// A parsed piece: `rows` rows in `bytes` bytes of text.
    public func addParsed(rows: Int, bytes: Int) {
        rowsDone.add(rows, ordering: .relaxed)
        textBytes.add(bytes, ordering: .relaxed)
    }

    /// The rows parsed so far, for readers that count them absolutely (ReadStat's row index).
    public func setRows(_ rows: Int) { rowsDone.store(rows, ordering: .relaxed) }

    /// Bytes of the (compressed or binary) file consumed so far.
    public func setFileBytes(_ bytes: Int) { fileBytes.store(bytes, ordering: .relaxed) }
}
