// PolledText.swift — long output text built with Ctrl-C polled: a line listing every level of a
// 10^7-level column (`levels COL`, `summarize COL`) is over 100 MB, and `map(...).joined()` made
// it in seconds of CPU without a poll.
//
// Contract: `cancel.joined(count, separator:, after: start) { text, i in ... }` returns what
// `start + (0..<count).map { piece($0) }.joined(separator: separator)` would, where the closure
// appends piece i to `text` (no String per piece, and no copy of the whole to put `start` in front);
// it polls every `Cancellation.stride` pieces and throws CancellationError once `cancel` fires.

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
        }) else { throw CancellationError() }
        return text
    }
}
