// TranscriptTests.swift — writing, reading and diffing transcripts; JSON serialisation.

import Foundation
import SurvshCore
import XCTest

final class TranscriptTests: XCTestCase {
    func testParseCollectsCommandsOutputAndHashes() {
        let s = TranscriptScript.parse("""
        # survsh 0.1.0 transcript
        # data: data/lung.csv sha256=abc
        load data/lung.csv
        #> 228 rows
        #>
        # a comment

        head 1   # trailing comment stays part of the command text
        """)
        XCTAssertEqual(s.steps.count, 2)
        XCTAssertEqual(s.steps[0], .init(line: 3, command: "load data/lung.csv", expected: ["228 rows", ""]))
        XCTAssertEqual(s.steps[1].line, 8)
        XCTAssertEqual(s.dataFiles.first?.path, "data/lung.csv")
        XCTAssertEqual(s.dataFiles.first?.sha256, "abc")
    }

    func testLiveTranscriptIsOnDiskAfterEachCommand() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(UUID().uuidString)/s.surv").path
        let t = try Transcript(path: path)
        t.append(ExecutionRecord(line: "help", outputLines: ["a", "", "b"], failed: false, quit: false))
        // No close, no flush call: the bytes are already in the file (write(2) per command).
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("# survsh "))
        XCTAssertTrue(text.hasSuffix("help\n#> a\n#>\n#> b\n"), text)
        t.append(ExecutionRecord(line: "bad", outputLines: ["error: unknown command 'bad'"], failed: true, quit: false))
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("bad\n#> error: unknown command 'bad'\n"))
        let back = TranscriptScript.parse(try String(contentsOfFile: path, encoding: .utf8))
        XCTAssertEqual(back.steps.map(\.command), ["help", "bad"])
        XCTAssertEqual(back.steps[0].expected, ["a", "", "b"])
    }

    func testUnwritableTranscriptIsAnError() {
        XCTAssertThrowsError(try Transcript(path: "/proc/no-such-dir/x.surv"))
    }

    func testUnifiedDiff() {
        XCTAssertNil(UnifiedDiff.diff(["a", "b"], ["a", "b"], fromName: "x", toName: "y"))
        let d = UnifiedDiff.diff(["a", "b", "c", "d"], ["a", "B", "c", "d", "e"], fromName: "old", toName: "new")!
        XCTAssertEqual(d, """
        --- old
        +++ new
        @@ -1,4 +1,5 @@
         a
        -b
        +B
         c
         d
        +e
        """)
    }

    func testJSONSerialisation() {
        var o = JSONObject(command: "km")
        o["median"] = .num(nil)
        o["nan"] = .num(.nan)
        o["x"] = .number(0.1)
        o["n"] = .int(3)
        o["s"] = .string("a\"b\n\u{1}")
        XCTAssertEqual(o.value.serialized(), #"{"command":"km","median":null,"nan":null,"x":0.1,"n":3,"s":"a\"b\n\u0001"}"#)
    }

    func testDateConversionsRoundTrip() {
        for d in [-719_468, -1, 0, 59, 10_957, 14_000, 2_932_896] {
            let s = formatISODate(daysSinceEpoch: d)
            XCTAssertEqual(parseISODate(s), d, s)
        }
        XCTAssertEqual(formatISODate(daysSinceEpoch: 0), "1970-01-01")
        XCTAssertEqual(parseISODate("2000-02-29"), 11_016)
        XCTAssertNil(parseISODate("1900-02-29"))
        XCTAssertNil(parseISODate("2001-04-31"))
    }
}
