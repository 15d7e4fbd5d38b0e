// XMLChunkScannerTests.swift — the streaming XML tokenizer the worksheet goes through.
//
// Events (start tags with decoded attributes, end tags, wanted text) must not depend on how the
// document is cut into pieces: every document is fed whole, at every two-piece split and byte by
// byte, and each feeding must give the same events. Entities, character references, CDATA,
// comments, processing instructions, CR LF, a byte order mark, prefixed names; every kind of
// malformed input is an XMLScanError with its offset; a handler can stop the scan.

import XCTest
@testable import SurvshCore

final class XMLChunkScannerTests: XCTestCase {
    /// The events of `xml` fed in `pieces` (byte counts, cycled; whole when empty).
    func scan(_ xml: [UInt8], pieces: [Int] = [], stopAt: String? = nil) throws(XMLScanError) -> [String] {
        try XMLEventRecorder.scan(xml, pieces: pieces, stopAt: stopAt).get()
    }

    /// The events of `xml`, checked to be the same however it is cut.
    func events(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let xml = Array(text.utf8)
        let whole = try scan(xml)
        for split in 1..<xml.count {
            XCTAssertEqual(try scan(xml, pieces: [split, xml.count]), whole, "cut at byte \(split)", file: file, line: line)
        }
        XCTAssertEqual(try scan(xml, pieces: [1]), whole, "byte by byte", file: file, line: line)
        XCTAssertEqual(try scan(xml, pieces: [7]), whole, "7 bytes at a time", file: file, line: line)
        return whole
    }

    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> XMLScanError? {
        do {
            _ = try scan(Array(text.utf8))
            XCTFail("no error for \(text)", file: file, line: line)
            return nil
        } catch {
            // The same error whatever the cut.
            XCTAssertThrowsError(try scan(Array(text.utf8), pieces: [1]), file: file, line: line) {
                XCTAssertEqual($0 as? XMLScanError, error, "byte by byte", file: file, line: line)
            }
            return error
        }
    }

    func testElementsAttributesAndText() throws {
        let xml = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!-- a comment with <tags> & such -->
            <x:worksheet xmlns:x="urn:main" a = 'single "quoted"'><x:sheetData>
            <x:row r="1" spans="1:2"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"/></x:row>
            <?pi data?><x:t>skipped? no: wanted</x:t>
            </x:sheetData></x:worksheet>
            """
        XCTAssertEqual(try events(xml), [
            "<x:worksheet xmlns:x=[urn:main] a=[single \"quoted\"]>", "<x:sheetData>", "<x:row r=[1] spans=[1:2]>",
            "<x:c r=[A1] t=[s]>", "<x:v>", "text:0", "</x:v>", "</x:c>", "<x:c r=[B1]>", "</x:c>", "</x:row>",
            "<x:t>", "text:skipped? no: wanted", "</x:t>", "</x:sheetData>", "</x:worksheet>",
        ])
    }

    func testEntitiesReferencesCDATAAndLineEnds() throws {
        let xml = "<r><t a=\"1 &lt; 2&#9;&#x41;&amp;\tb\">&lt;&gt;&amp;&quot;&apos; &#233;&#x1F600;&#xE9;</t>"
            + "<t><![CDATA[<raw> & ]] text]]> and\r\nmore\rlines</t><v>  7.5 </v></r>"
        // In the attribute, a literal tab becomes a space; a reference to one (&#9;) stays a tab.
        XCTAssertEqual(try events(xml), [
            "<r>", "<t a=[1 < 2\tA& b]>", "text:<>&\"' é😀é", "</t>",
            "<t>", "text:<raw> & ]] text and\nmore\nlines", "</t>", "<v>", "text:  7.5 ", "</v>", "</r>",
        ])
    }

    func testMalformedInput() {
        let cases: [(String, String, Int)] = [
            ("<a><b></a>", "end tag </a> does not match <b>", 6),
            ("<a></a></b>", "end tag </b> without a start tag", 7),
            ("<a><b>", "the part ends before element <b> is closed (a truncated part)", 6),
            ("<a><b x=\"1", "the part ends inside a tag, comment or text (a truncated part)", 3),
            ("<a/><b/>", "content after the root element's end", 4),
            ("<a><t>&nbsp;</t></a>", "unknown entity &nbsp;", 6),
            ("<a><t>&#0;</t></a>", "unknown entity &#0;", 6),
            ("<a><t>a & b</t></a>", "'&' not starting an entity (write &amp;)", 8),
            ("<a x=1/>", "an attribute value without quotes", 5),
            ("<a x/>", "an attribute without '=' and a value", 4),
            ("<a x=\"<\"/>", "'<' in an attribute value", 5),
            ("<a x=\"1\"y=\"2\"/>", "attributes not separated by white space", 8),
            ("<1a/>", "a tag without a valid name", 1),
            ("<a / >", "'/' not followed by '>' in a tag", 3),
            ("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", "a DOCTYPE declaration, which Office Open XML parts never have", 0),
            ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", "the part declares encoding iso-8859-1; only UTF-8 is read", 2),
            ("   ", "no root element", 3),
        ]
        for (xml, message, offset) in cases {
            XCTAssertEqual(error(xml), XMLScanError(message: message, offset: offset), xml)
        }
        XCTAssertThrowsError(try scan([0xFF, 0xFE, 0x3C, 0x00])) {
            XCTAssertEqual(($0 as? XMLScanError)?.message, "the part is UTF-16; only UTF-8 is read")
        }
    }

    /// Bytes that are not UTF-8 are refused (as libxml2 does), at the first bad byte, whatever the cut;
    /// well-formed multi-byte characters split between pieces are not.
    func testInvalidUTF8IsRefused() throws {
        let bad: [([UInt8], UInt8, Int)] = [
            (Array("<a><t>caf".utf8) + [0xE9] + Array("</t></a>".utf8), 0xE9, 9),           // Latin-1 é: a lead byte, then '<'
            (Array("<a><t>".utf8) + [0xC3, 0x28] + Array("</t></a>".utf8), 0xC3, 6),         // a lead byte without its continuation
            (Array("<a><t>".utf8) + [0xC0, 0xAF] + Array("</t></a>".utf8), 0xC0, 6),         // overlong '/'
            (Array("<a><t>".utf8) + [0xED, 0xA0, 0x80] + Array("</t></a>".utf8), 0xED, 6),   // a surrogate
            (Array("<a><t>".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("</t></a>".utf8), 0xF4, 6), // above U+10FFFF
            (Array("<a x=\"".utf8) + [0xFF] + Array("\"/>".utf8), 0xFF, 6),                  // in an attribute
            (Array("<a><b>".utf8) + [0x80] + Array("</b></a>".utf8), 0x80, 6),               // in text not wanted
            (Array("z#".utf8) + [0xDC] + Array("<g]".utf8), 0xDC, 2),                        // before the root, then a cut-off tag (fuzz)
        ]
        for (xml, byte, offset) in bad {
            let expected = XMLScanError(message: String(format: "invalid UTF-8 (byte 0x%02X)", byte), offset: offset)
            for pieces in [[], [1], [7], [offset, xml.count], [offset + 1, xml.count]] {
                XCTAssertThrowsError(try scan(xml, pieces: pieces)) { XCTAssertEqual($0 as? XMLScanError, expected, "\(xml) in \(pieces)") }
            }
        }
        XCTAssertEqual(try events("<a><t>é😀€</t><b x=\"ü\">ß</b></a>"), ["<a>", "<t>", "text:é😀€", "</t>", "<b x=[ü]>", "</b>", "</a>"])
        var validator = UTF8Validator()
        let emoji: [UInt8] = Array("😀".utf8)
        emoji.withUnsafeBufferPointer { p in
            XCTAssertNil(validator.check(p.baseAddress!, 0, 2))
            XCTAssertFalse(validator.isComplete)
            XCTAssertNil(validator.check(p.baseAddress!, 2, 4))
            XCTAssertTrue(validator.isComplete)
            XCTAssertNil(validator.check(p.baseAddress!, 0, 3))
            let bad = validator.check(p.baseAddress!, 0, 1) // a new character where the 4th byte belongs
            XCTAssertEqual(bad?.index, -3)
            XCTAssertEqual(bad?.byte, 0xF0)
        }
    }

    func testHandlerStopsTheScan() throws {
        let xml = Array("<a><b/><c><d/></c>unclosed and <bad".utf8)
        XCTAssertEqual(try scan(xml, stopAt: "c"), ["<a>", "<b>", "</b>", "<c>"])
        XCTAssertEqual(try scan(xml, pieces: [1], stopAt: "c"), ["<a>", "<b>", "</b>", "<c>"])
    }

    /// A text node much larger than the pieces is scanned a bounded number of times (doubling).
    func testLongTextInSmallPieces() throws {
        let long = String(repeating: "abc&amp;", count: 50_000)
        let xml = Array("<t>\(long)</t>".utf8)
        let events = try scan(xml, pieces: [100])
        XCTAssertEqual(events, ["<t>", "text:" + String(repeating: "abc&", count: 50_000), "</t>"])
    }
}
