// CSVReaderTests+Text.swift — text columns against an oracle computed here from the generated text
// (no reader involved): the recent-short-values cache in front of the NA test and the dictionary
// (RecentShortText) and the 4-byte codes written straight into a text column's final array
// (SlotType.codes), merged and closed up in place across chunks and blank lines; the gzip
// pipeline (8-byte slots) gives the same.

import XCTest
@testable import SurvshCore

extension CSVReaderTests {
    /// Values of every short length (the cache's key is the bytes and the length), prefixes of one
    /// another, NA tokens, blanks kept as written, simply quoted values, and a last value a few bytes
    /// before the end of the buffer (no newline after it).
    static let textPool = ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi",
                           "NA", ".", "", "b", "ab ", "\"ab\"", "\"NA\"", "\"abcdefg\"", "s1", "s2", "A", "B"]

    /// The CSV text and, per data row, the text column's raw field.
    func shortTextFile(rows: Int, seed: UInt64) -> (text: String, fields: [String]) {
        var rng = CSVTestRandom(seed: seed)
        var out = "id,x,t\n"
        var fields: [String] = []
        for i in 1...rows {
            let field = Self.textPool[Int(rng.next() % UInt64(Self.textPool.count))]
            fields.append(field)
            out += "\(i),\(rng.next() % 100),\(field)"
            if i < rows { out += "\n" }
            if i % 37 == 0 { out += "\n" } // blank lines: rows close up across chunks
        }
        return (out, fields)
    }

    /// What the text column must hold: a quoted field's content as written, nil when it is an NA
    /// token once blanks around it are dropped.
    func expectedTexts(_ fields: [String], na: [String]) -> [String?] {
        fields.map { f in
            let content = f.hasPrefix("\"") ? String(f.dropFirst().dropLast()) : f
            return na.contains(content.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))) ? nil : content
        }
    }

    func assertTextColumn(_ r: TableReadResult, _ expected: [String?], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let t = column(r, "t", file: file, line: line)
        XCTAssertEqual(t.type, .text, label, file: file, line: line)
        XCTAssertEqual(texts(t), expected, label, file: file, line: line)
        var firstSeen: [String] = []
        for case let v? in expected where !firstSeen.contains(v) { firstSeen.append(v) }
        XCTAssertEqual(levels(t), firstSeen, "levels in first-seen order, \(label)", file: file, line: line)
        if case .text(let codes, _) = t.storage {
            for i in 0..<codes.count where t.missing[i] {
                XCTAssertEqual(codes[i], 0, "a missing cell's code, row \(i), \(label)", file: file, line: line)
            }
        }
    }

    func testShortTextValuesMatchTheirFields() throws {
        let (text, fields) = shortTextFile(rows: 4000, seed: 11)
        let defaultNA = ReadOptions().naTokens
        let extraNA = ["NA", "ab", "s2"]
        for na in [defaultNA, extraNA] {
            let expected = expectedTexts(fields, na: na)
            var tunings = [("one piece", CSVTuning(singleChunk: true))]
            for chunks in [2, 3, 7, 31] { tunings.append(("\(chunks) chunks", CSVTuning(forcedChunkCount: chunks))) }
            var wide = CSVTuning(forcedChunkCount: 3)
            wide.maxNestedColumns = 1
            tunings.append(("copied arrays", wide))
            for (label, tuning) in tunings {
                let r = try read(text, options: ReadOptions(naTokens: na), tuning: tuning)
                XCTAssertEqual(r.rowCount, fields.count, label)
                assertTextColumn(r, expected, "\(label), NA \(na)")
            }
        }
    }

    /// The gzip pipeline keeps 8-byte slots for text (`SlotType.codes` is the plain parse's): the same
    /// values, with many chunks (its first buffer holds 128 KiB: the file is larger).
    func testShortTextValuesThroughTheGzipPipeline() throws {
        let (text, fields) = shortTextFile(rows: 30_000, seed: 13)
        let bytes = try gzipBytes(text)
        for na in [ReadOptions().naTokens, ["NA", "ab", "s2"]] {
            let piped = try XCTUnwrap(try pipelined(bytes, tuning: pipelineTuning(segment: 16_411, step: 517), options: ReadOptions(naTokens: na)),
                                      "the pipeline handed it back")
            XCTAssertEqual(piped.rowCount, fields.count)
            assertTextColumn(piped, expectedTexts(fields, na: na), "gzip pipeline, NA \(na)")
        }
    }

    /// A column guessed numeric that turns text later keeps its 8-byte slots (re-scanned as text), beside
    /// one guessed text (4-byte codes); both give their fields.
    func testLateTextBesideGuessedText() throws {
        let (base, fields) = shortTextFile(rows: 3000, seed: 5)
        var text = base.replacingOccurrences(of: "id,x,t\n", with: "id,x,t,late\n")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var late: [String?] = []
        var row = 0
        for k in 1..<lines.count where !lines[k].isEmpty {
            let value = row == 2500 ? "word" : "\(row % 9)"
            lines[k] += ",\(value)"
            late.append(value)
            row += 1
        }
        text = lines.joined(separator: "\n")
        var tuning = CSVTuning(forcedChunkCount: 4)
        tuning.sampleBytes = 256
        let r = try read(text, tuning: tuning)
        assertTextColumn(r, expectedTexts(fields, na: ReadOptions().naTokens), "guessed text")
        XCTAssertEqual(texts(column(r, "late")), late)
    }
}
