// TextLinesTests.swift — TextLines.split cuts a command's text into the lines the transcript
// records exactly as the Character split it replaced (which took 12 s of CPU for `head 2000000`),
// and hands the text over in pieces that print it unchanged; Session.printText prints a long line in
// chunks cut between UTF-8 characters, which make the same bytes.

import XCTest
@testable import SurvshCore

final class TextLinesTests: XCTestCase {
    private func characterSplit(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func testLinesAreThoseOfTheCharacterSplit() {
        let texts = ["", "one", "a\nb", "a\n\nb\n", "\n", "\n\n", "tab\there\nend", "é\u{301}\nß\n😀 x",
                     "cr\r\nlf", "\r\n", "a\r\r\nb", "a\rb\nc", "\n\u{301}x", "x\r", "last\r\n"]
        for t in texts {
            XCTAssertEqual(TextLines.split(t), characterSplit(t), t.debugDescription)
        }
    }

    func testPiecesPrintTheTextAndStopWhenThrown() throws {
        let lines = (0..<40_000).map { i in i % 7 == 0 ? "" : "row \(i) " + String(repeating: "é", count: i % 5) }
        let text = lines.joined(separator: "\n")
        var pieces: [String] = []
        XCTAssertEqual(TextLines.split(text) { pieces.append($0) }, lines)
        XCTAssertEqual(pieces.count, 3, "after 16384 and 32768 lines, then the rest")
        XCTAssertEqual(pieces.map { $0 + "\n" }.joined(), text + "\n", "printed one after another, each with a newline")
        XCTAssertEqual(pieces[0].split(separator: "\n", omittingEmptySubsequences: false).count, TextLines.pieceLines)
        // a short text is handed over whole, as it is
        var whole: [String] = []
        _ = TextLines.split("a\nb") { whole.append($0) }
        XCTAssertEqual(whole, ["a\nb"])
        // a piece that throws stops the split
        struct Stop: Error {}
        var handed = 0
        XCTAssertThrowsError(try TextLines.split(text) { _ in handed += 1; if handed == 2 { throw Stop() } })
        XCTAssertEqual(handed, 2)
    }

    func testALongLineIsPrintedInChunksThatMakeTheSameText() throws {
        let sink = CapturingSink()
        let session = Session(registry: Registry([]), sink: sink)
        // 3.2 MiB of one line, its characters 1 to 4 bytes long, so chunk ends fall inside characters
        let line = String(repeating: "aé€😀", count: 330_000)
        let text = "first\n" + line + "\nlast"
        let lines = try session.printText(text, stoppable: true, command: "t")
        XCTAssertEqual(lines, ["first", line, "last"])
        XCTAssertEqual(sink.stdout, [text], "the chunks make the text (one piece)")
        XCTAssertEqual(try session.printText(line, stoppable: false, command: "t"), [line])
        XCTAssertEqual(sink.stdout.last, line)
    }
}
