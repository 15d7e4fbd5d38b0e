// JSONPolledWriteTests.swift — JSONValue.serialized(polling:) writes what serialized() writes, polls
// every 2^14 values of an array or object (a JSON of 10^7 levels can be stopped while it is written),
// and strings that need no escape, now appended whole, are written as the escaping loop wrote them.

import XCTest
@testable import SurvshCore

final class JSONPolledWriteTests: XCTestCase {
    func testStringsAreEscapedAsBefore() {
        let cases: [(String, String)] = [
            ("plain", #""plain""#), ("", #""""#), ("a\"b", #""a\"b""#), ("back\\slash", #""back\\slash""#),
            ("l1\nl2\r\tx", #""l1\nl2\r\tx""#), ("\u{1}\u{1f}", #""\u0001\u001f""#), ("é😀\u{7f}", "\"é😀\u{7f}\""),
        ]
        for (s, expected) in cases { XCTAssertEqual(JSONValue.string(s).serialized(), expected, s.debugDescription) }
    }

    func testPolledWriteIsThePlainOneAndPollsEveryBlockOfValues() throws {
        let levels = JSONValue.array((0..<40_000).map { .string("p\($0)") })
        let counts = JSONValue.object((0..<20_000).map { ("k\($0)", .int($0)) })
        let value = JSONValue.object([("levels", levels), ("counts", counts), ("n", .num(1.5))])
        var polls = 0
        XCTAssertEqual(value.serialized { polls += 1 }, value.serialized())
        XCTAssertEqual(polls, 40_000 / JSONValue.pollValues + 20_000 / JSONValue.pollValues)
        struct Stop: Error {}
        XCTAssertThrowsError(try value.serialized { throw Stop() })
        XCTAssertTrue(levels.holdsMoreValues(than: 39_999))
        XCTAssertFalse(levels.holdsMoreValues(than: 40_001))
        XCTAssertFalse(JSONValue.int(3).holdsMoreValues(than: 1))
    }
}
