// ByteWordsTests.swift — the word-at-a-time scans (ByteWords) against the byte loops they replace,
// on random bytes over the alphabet that matters (delimiters, LF, CR, quotes, other bytes), from
// every start position, including starts within 8 bytes of the limit.

import XCTest
@testable import SurvshCore

final class ByteWordsTests: XCTestCase {
    /// Deterministic bytes: mostly ordinary, with the stop bytes and 0x80+ bytes mixed in.
    func randomBytes(_ n: Int, seed: UInt64, delimiter: UInt8) -> [UInt8] {
        var state = seed
        let alphabet: [UInt8] = [delimiter, asciiLF, asciiCR, asciiQuote, 0x41, 0x31, 0x2E, 0x20, 0x09, 0x00, 0x80, 0xFF, 0xAC, 0x8A]
        return (0..<n).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let r = Int(truncatingIfNeeded: state >> 33)
            // ordinary bytes three times in four, so fields run over several words
            return r % 4 != 0 ? UInt8(truncatingIfNeeded: 0x61 + (r >> 2) % 26) : alphabet[(r >> 2) % alphabet.count]
        }
    }

    func testMatchesMarksExactlyTheEqualBytes() {
        for seed in 1...200 as ClosedRange<UInt64> {
            let bytes = randomBytes(8, seed: seed, delimiter: UInt8(ascii: ","))
            let w = bytes.withUnsafeBufferPointer { ByteWords.load($0.baseAddress!) }
            for b: UInt8 in [UInt8(ascii: ","), asciiLF, asciiCR, asciiQuote, 0x00, 0x80, 0xFF, 0x61] {
                let marks = ByteWords.matches(w, b)
                let expected = bytes.enumerated().reduce(UInt64(0)) { m, e in e.element == b ? m | UInt64(0x80) << UInt64(8 * e.offset) : m }
                XCTAssertEqual(marks, expected, "bytes \(bytes) byte \(b)")
                XCTAssertEqual(ByteWords.count(marks), bytes.filter { $0 == b }.count)
            }
        }
    }

    func testFirstStopEqualsTheByteLoop() {
        for delimiter in [UInt8(ascii: ","), asciiTab, UInt8(ascii: ";")] {
            for seed in 1...40 as ClosedRange<UInt64> {
                var bytes = randomBytes(300, seed: seed, delimiter: delimiter)
                bytes.append(asciiLF) // the buffer's sentinel
                bytes.withUnsafeBufferPointer { b in
                    let base = b.baseAddress!
                    let limit = base + b.count
                    for start in 0..<b.count {
                        var q = base + start
                        while !(q.pointee == delimiter || q.pointee == asciiLF || q.pointee == asciiCR || q.pointee == asciiQuote) { q += 1 }
                        XCTAssertEqual(ByteWords.firstStop(from: base + start, before: limit, delimiter: delimiter), q, "seed \(seed) start \(start)")
                    }
                }
            }
        }
    }

    /// The reference: the record's terminator if the bytes up to the first LF (less a CR right
    /// before it) are `fields` fields without quotes or CRs.
    func referenceEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int, fields: Int, delimiter: UInt8) -> Int? {
        guard let lf = b[start...].firstIndex(of: asciiLF) else { return nil }
        let end = lf > start && b[lf - 1] == asciiCR ? lf - 1 : lf
        let rest = b[start..<end]
        if rest.contains(asciiQuote) || rest.contains(asciiCR) { return nil }
        return rest.filter { $0 == delimiter }.count == fields - 1 ? end : nil
    }

    func testRecordEndEqualsFieldByFieldCounting() {
        var found = 0
        for delimiter in [UInt8(ascii: ","), asciiTab] {
            for seed in 1...60 as ClosedRange<UInt64> {
                var bytes = randomBytes(400, seed: seed &* 7, delimiter: delimiter)
                // fewer stops than random: records of a few words, most of them well formed
                for i in bytes.indices where (bytes[i] == asciiQuote || bytes[i] == asciiCR) && i % 5 != 0 { bytes[i] = 0x62 }
                bytes.append(asciiLF)
                bytes.withUnsafeBufferPointer { b in
                    let base = b.baseAddress!
                    let limit = base + b.count
                    for start in 0..<b.count {
                        for fields in 1...8 {
                            let got = ByteWords.recordEnd(from: base + start, fields: fields, before: limit, delimiter: delimiter).map { $0 - base }
                            let want = referenceEnd(b, from: start, fields: fields, delimiter: delimiter)
                            if let got {
                                found += 1
                                XCTAssertEqual(got, want, "seed \(seed) start \(start) fields \(fields)")
                            } else if let want {
                                // nil is allowed only where the word holding the end starts within 9 bytes of the limit
                                let wordStart = start + (want - start) / 8 * 8
                                XCTAssertLessThan(b.count - wordStart, 9, "seed \(seed) start \(start) fields \(fields): missed \(want)")
                            }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(found, 1000) // the random records are mostly well formed, so most succeed
    }
}
