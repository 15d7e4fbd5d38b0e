// FastNumberTests.swift — FastNumber.scanDecimal against C's strtod, bit for bit: random decimals
// with digit runs of every length (0–24 digits before and after the point, so both sides of the
// 19-digit and 2^53 limits of the fast path; leading zeros), exponents, signs, and random bytes
// after the terminator (which must not be taken as part of the number). Property tests over every
// digit count 1–25 in every shape (leading zeros count as digits until a number exceeds 19 of them,
// then it is re-read without them), malformed cells, and numbers whose terminator is the last
// readable byte before an unreadable page (a read past it crashes the test).

import XCTest
@testable import SurvshCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class FastNumberTests: XCTestCase {
    func testScanDecimalEqualsStrtod() {
        var rng = CSVTestRandom(seed: 2026)
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(rng.next() % 10)) }) }
        var checked = 0
        for i in 0..<200_000 {
            let whole = (rng.next() % 4 == 0 ? String(repeating: "0", count: Int(rng.next() % 4)) : "") + digits(Int(rng.next() % 25))
            let point = rng.next() % 3 != 0
            let fraction = point ? digits(Int(rng.next() % 25)) : ""
            if whole.isEmpty && fraction.isEmpty { continue }
            var text = (["", "-", "+"][Int(rng.next() % 3)]) + whole + (point ? "." : "") + fraction
            if rng.next() % 3 == 0 {
                text += (rng.next() % 2 == 0 ? "e" : "E") + ["", "-", "+"][Int(rng.next() % 3)] + String(rng.next() % (i % 7 == 0 ? 400 : 30))
            }
            let terminator: [UInt8] = [[0x2C], [0x0A], [0x0D, 0x0A], [0x09]][Int(rng.next() % 4)]
            let after = (0..<Int(rng.next() % 12)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let bytes = Array(text.utf8) + terminator + after + [UInt8](repeating: 0, count: 16)
            let isInteger = !point && !text.contains(where: { $0 == "e" || $0 == "E" })
            let expectedInteger = isInteger ? Int64(text) : nil
            let expectedReal = strtod(text, nil)
            bytes.withUnsafeBufferPointer { buf in
                let p = buf.baseAddress!
                let got = FastNumber.scanDecimal(at: p, powers: FastNumber.powerTables)
                XCTAssertEqual(got.end - p, text.utf8.count, text)
                if let n = expectedInteger {
                    XCTAssertEqual(got.kind, .integer, text)
                    XCTAssertEqual(Int64(bitPattern: got.bits), n, text)
                } else {
                    XCTAssertEqual(got.kind, .real, text)
                    XCTAssertEqual(got.bits, expectedReal.bitPattern, "\(text): got \(Double(bitPattern: got.bits)), strtod \(expectedReal)")
                }
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 150_000)
    }

    /// Digit runs of exactly 1–17 digits, with digits right after the newline that ends them.
    func testDigitRunsOfEveryLength() {
        for n in 1...17 {
            let text = String((0..<n).map { Character(String(($0 * 7 + 3) % 10)) })
            for suffix in [".5", "e3", ""] {
                let number = text + suffix
                let bytes = Array(number.utf8) + [0x0A] + [UInt8](repeating: 0x39, count: 8)  // digits after the newline are not read as part of it
                bytes.withUnsafeBufferPointer { buf in
                    let got = FastNumber.scanDecimal(at: buf.baseAddress!, powers: FastNumber.powerTables)
                    XCTAssertEqual(got.end - buf.baseAddress!, number.utf8.count, number)
                    if suffix.isEmpty {
                        XCTAssertEqual(Int64(bitPattern: got.bits), Int64(number), number)
                    } else {
                        XCTAssertEqual(got.bits, strtod(number, nil).bitPattern, number)
                    }
                }
            }
        }
    }

    /// What `scanDecimal` must return for `text` (a number, or malformed when `strtod`/`Int64` say
    /// so): its length, kind and bits; nil for text that is not a number at all.
    private func expected(_ text: String) -> (length: Int, kind: NumberKind, bits: UInt64) {
        let isInteger = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        if isInteger, let n = Int64(text) { return (text.utf8.count, .integer, UInt64(bitPattern: n)) }
        return (text.utf8.count, .real, strtod(text, nil).bitPattern)
    }

    /// `text` + terminator + `after` (then NULs), scanned: the result must agree with `want`.
    private func checkScan(_ text: String, terminator: [UInt8], after: [UInt8],
                           want: (length: Int, kind: NumberKind, bits: UInt64), file: StaticString = #filePath, line: UInt = #line) {
        let bytes = Array(text.utf8) + terminator + after + [UInt8](repeating: 0, count: 16)
        bytes.withUnsafeBufferPointer { buf in
            let p = buf.baseAddress!
            let got = FastNumber.scanDecimal(at: p, powers: FastNumber.powerTables)
            XCTAssertEqual(got.end - p, want.length, text, file: file, line: line)
            XCTAssertEqual(got.kind, want.kind, text, file: file, line: line)
            if want.kind != .none {
                XCTAssertEqual(got.bits, want.bits, "\(text): got \(got.bits) want \(want.bits)", file: file, line: line)
            }
        }
    }

    /// Random numbers of every digit count 1–25 in every shape (`d`, `d.d`, `.d`, `d.`), with signs,
    /// leading zeros (0–25) and exponents.
    func testEveryDigitCountAndShapeEqualsStrtod() {
        var rng = CSVTestRandom(seed: 15)
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(rng.next() % 10)) }) }
        for length in 1...25 {
            for _ in 0..<300 {
                let zeros = rng.next() % 4 == 0 ? String(repeating: "0", count: Int(rng.next() % 26)) : ""
                let body = digits(length)
                let cut = Int(rng.next() % UInt64(length + 1))
                let whole = zeros + String(body.prefix(cut))
                let fraction = String(body.dropFirst(cut))
                var text = ["", "-", "+"][Int(rng.next() % 3)] + whole
                if !fraction.isEmpty || rng.next() % 2 == 0 { text += "." + fraction }
                if rng.next() % 3 == 0 {
                    text += (rng.next() % 2 == 0 ? "e" : "E") + ["", "-", "+"][Int(rng.next() % 3)]
                        + String(repeating: "0", count: Int(rng.next() % 3)) + String(rng.next() % 340)
                }
                let terminator: [UInt8] = [[0x2C], [0x0A], [0x0D, 0x0A], [0x09], [0x20], [0x3B], [0x00]][Int(rng.next() % 7)]
                // Bytes after the terminator: digits (must not be read as part of the number) or random.
                let after = (0..<Int(rng.next() % 12)).map { _ in
                    rng.next() % 2 == 0 ? UInt8(0x30 + rng.next() % 10) : UInt8(truncatingIfNeeded: rng.next())
                }
                checkScan(text, terminator: terminator, after: after, want: expected(text))
            }
        }
    }

    /// Integers around the Int64 limits and with more than 19 digits of leading zeros.
    func testLongIntegersAndLimits() {
        for text in ["9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
                     "0000000000000000000012", "-00000000000000000000000009223372036854775808",
                     "+000000000000000000009223372036854775807", "000000000000000000009223372036854775808",
                     "0000000000000000000000000", "-0000000000000000000000000", "18446744073709551616",
                     "99999999999999999999", "00000000000000000000.5", "-0000000000000000000000000.0e5",
                     "12345678", "123456781", "1234567812345678", "12345678123456781", "0.12345678", "12345678.12345678"] {
            checkScan(text, terminator: [0x2C], after: Array("99999999".utf8), want: expected(text))
        }
    }

    /// Cells that are not a number (`.none`, end = start), or only start with one: the scan stops
    /// after that number (the reader then sees a non-terminator and takes the slow path).
    func testMalformedCells() {
        let none: [String] = ["", "+", "-", ".", "-.", "+.", "e5", ".e5", "-e5", "1e", "1e+", "1E-", "5.e", "--1", "+-1",
                              "abc", "NA", "-NA", "1e+x"]
        for text in none {
            checkScan(text, terminator: [0x2C], after: Array("12345678".utf8), want: (0, .none, 0))
        }
        // (cell, the number it starts with)
        let prefixes: [(String, String)] = [("1.2.3", "1.2"), ("1..2", "1."), ("12a", "12"), ("0x1A", "0"), ("1,5", "1"),
                                            ("12345678a9", "12345678"), ("1234567.8.9", "1234567.8"), ("1e5e5", "1e5"),
                                            ("1e5.5", "1e5"), ("3-4", "3"), ("1 000", "1"), ("12345678901234567890123x", "12345678901234567890123"),
                                            ("7\u{00}8", "7")]
        for (cell, number) in prefixes {
            let rest = Array(cell.utf8.dropFirst(number.utf8.count))
            checkScan(number, terminator: [], after: rest + [0x2C], want: expected(number))
        }
    }

    /// Nothing past the terminator is read: numbers whose terminator ends a page followed by a page
    /// that cannot be read.
    func testNoReadPastTerminator() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let base = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              base != UnsafeMutableRawPointer(bitPattern: -1) else { throw XCTSkip("mmap failed") }
        defer { munmap(base, 2 * page) }
        XCTAssertEqual(mprotect(base + page, page, PROT_NONE), 0)
        let fence = base.assumingMemoryBound(to: UInt8.self) + page
        for text in ["1", "12345678", "123456789", "-0.645889", "1.2345678", "12345678.", ".12345678", "2.2746e+00", "45.8"] {
            for terminator: [UInt8] in [[0x0A], [0x2C]] {
                let bytes = Array(text.utf8) + terminator
                let p = fence - bytes.count
                p.update(from: bytes, count: bytes.count)
                let got = FastNumber.scanDecimal(at: UnsafePointer(p), powers: FastNumber.powerTables)
                let want = expected(text)
                XCTAssertEqual(got.end - UnsafePointer(p), want.length, text)
                XCTAssertEqual(got.bits, want.bits, text)
            }
        }
    }
}
