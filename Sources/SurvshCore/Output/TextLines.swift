// TextLines.swift — a command's text cut into the lines a transcript records, on its UTF-8 bytes,
// a piece of 2^14 lines at a time, so that printing a long text (`head 2000000`: 2*10^6 lines,
// 360 MB) can be stopped between pieces.
//
// Contract
//   `TextLines.split(text) { piece in ... }` returns exactly what
//   `text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)` returns: the cut
//   is made at every newline byte except one right after a carriage return ("\r\n" is one Character,
//   which the Character split never cuts; no other Character holds a newline). After every
//   `pieceLines` lines, and once at the end, `piece` receives the text of the lines cut since the
//   last piece (joined by "\n", without the newline that ends the piece), so that printing the pieces
//   one after another, each followed by a newline, prints the text and a newline; a text of fewer
//   lines is handed over as it is, in one piece. `piece` may throw to stop: the lines are dropped.
//   Cost: a pass over the bytes (memchr) and one String a line: 0.035 s of CPU for 200,000 lines
//   (15 MB), where the Character split took 0.50 s (12 s for `head 2000000` after its last poll). A
//   text without a line break (`levels COL` of 10^7 levels: one line of 120 MB) is its own line, not
//   copied.

import Foundation

public enum TextLines {
    /// Lines between two pieces.
    public static let pieceLines = 1 << 14

    /// The lines of `text`.
    public static func split(_ text: String) -> [String] { split(text) { _ in } }

    /// The lines of `text`, handing `piece` the text a piece at a time (see the file header).
    public static func split(_ text: String, piece: (String) throws -> Void) rethrows -> [String] {
        var bytes = text
        var lines: [String] = []
        var pieces = 0
        try bytes.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            var lineStart = 0, pieceStart = 0, from = 0
            while from < bytes.count, let found = memchr(base + from, 10, bytes.count - from) {
                let i = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                from = i + 1
                if i > 0 && bytes[i - 1] == 13 { continue }
                lines.append(string(lineStart..<i))
                lineStart = i + 1
                if lines.count % pieceLines == 0 {
                    try piece(string(pieceStart..<i))
                    pieceStart = lineStart
                    pieces += 1
                }
            }
            if lines.isEmpty { return }   // one line: the text itself, below
            lines.append(string(lineStart..<bytes.count))
            if pieces > 0 { try piece(string(pieceStart..<bytes.count)) }
        }
        if lines.isEmpty { lines = [text] }
        if pieces == 0 { try piece(text) }
        return lines
    }
}
