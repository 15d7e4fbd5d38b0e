// PolledText.swift — long output text built with Ctrl-C polled: a line listing every level of a
// 10^7-level column (`levels COL`, `summarize COL`) is over 100 MB, and `map(...).joined()` made
// it in seconds of CPU without a poll.
//
// Contract: `cancel.joined(count, separator:, after: start) { text, i in ... }` returns what
// `start + (0..<count).map { piece($0) }.joined(separator: separator)` would, where the closure
// appends piece i to `text` (no String per piece, and no copy of the whole to put `start` in front);
// it polls every `Cancellation.stride` pieces and throws CancellationError once `cancel` fires.
// After the first block of pieces it reserves room for all of them (`reserveForAll`), so the text is
// not grown by doubling copies between two polls.

import SurvivalStats

extension Cancellation {
    /// `start` then the pieces `append(&text, i)` for i in 0..<count, separated by `separator`, polled.
    public func joined(_ count: Int, separator: String, after start: String = "", _ append: (inout String, Int) -> Void) throws -> String {
        var text = start
        guard inBlocks(0..<count, { block in
            for i in block {
                if i > 0 { text += separator }
                append(&text, i)
            }
            if block.lowerBound == 0 && block.upperBound < count { reserveForAll(&text, from: start.utf8.count, made: block.count, of: count) }
        }) else { throw CancellationError() }
        return text
    }
}

/// Room in `text` for `all` pieces at the length of the `made` first ones (ending at `from`), and a
/// tenth more: a line of 10^7 levels grown by doubling copied up to 64 MB at once between two polls
/// (0.3 s of CPU with its fresh pages); reserved early, the copy is of the first pieces only.
func reserveForAll(_ text: inout String, from start: Int, made: Int, of all: Int) {
    let perPiece = Double(text.utf8.count - start) / Double(max(made, 1))
    text.reserveCapacity(start + Int(perPiece * Double(all) * 1.1) + 16)
}
