// Session+PrintText.swift — a command's text printed in pieces that Ctrl-C can stop between.
//
// Contract: `printText(text, stoppable:, command:)` prints `text` and a newline and returns its lines
// as recorded (TextLines.split). The text goes to the sink a piece of 2^14 lines at a time
// (TextLines), and a piece over `chunkBytes` (a line listing 10^7 levels is 120 MB; writing it to a
// terminal takes seconds) a chunk of about 1 MiB at a time, cut between UTF-8 characters, so the
// bytes printed are the same. When `stoppable` (the command changed nothing, or changes the session
// only after printing), Ctrl-C is polled before each piece and chunk but the first: once it was
// pressed the printing stops, a line left half printed is ended, a note on stderr says how far it
// got (`note: levels: Ctrl-C: printing stopped after 0 lines`) and `interrupted` is thrown. A text
// printed without a stop is never cut before its first chunk: a short output is printed whole.

extension Session {
    /// Bytes of one piece printed at once (a longer piece is printed in chunks of this size).
    static let chunkBytes = 1 << 20

    /// Prints `text` (see the file header); returns its lines.
    func printText(_ text: String, stoppable: Bool, command: String) throws -> [String] {
        guard stoppable else { return TextLines.split(text) { sink.out($0) } }
        var printedLines = 0, started = false
        return try TextLines.split(text) { piece in
            var rest = Substring(piece)
            while rest.utf8.count > Session.chunkBytes {
                var end = rest.utf8.index(rest.startIndex, offsetBy: Session.chunkBytes)
                while end < rest.endIndex && UTF8.isContinuation(rest.utf8[end]) { rest.utf8.formIndex(after: &end) }
                try stopIfInterrupted(started, after: printedLines, partial: piece[..<rest.startIndex], command: command)
                started = true
                sink.outPart(rest[..<end])
                rest = rest[end...]
            }
            try stopIfInterrupted(started, after: printedLines, partial: piece[..<rest.startIndex], command: command)
            started = true
            sink.out(rest.startIndex == piece.startIndex ? piece : String(rest))
            printedLines += TextLines.pieceLines
        }
    }

    /// Once something was printed and Ctrl-C pressed: ends a half-printed line, notes how many
    /// lines went out (`lines` before this piece, and those in the part of it printed) and throws.
    private func stopIfInterrupted(_ started: Bool, after lines: Int, partial: Substring, command: String) throws {
        guard started && Interrupt.isRaised else { return }
        if !partial.isEmpty && partial.utf8.last != 10 { sink.out("") }
        let printed = lines + partial.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        sink.err("note: \(command): Ctrl-C: printing stopped after \(plural(printed, "line"))")
        throw SurvshError(.interrupted, command: command, "interrupted")
    }
}
