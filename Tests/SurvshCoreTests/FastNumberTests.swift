// FastNumberTests.swift — FastNumber.scanDecimal against C's strtod, bit for bit: random decimals
// with digit runs of every length (0–24 digits before and after the point, so both sides of the
// 19-digit and 2^53 limits of the fast path; leading zeros), exponents, signs, and random bytes
// after the terminator (which must not be taken as part of the number).

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
                let got = FastNumber.scanDecimal(at: p, powers: FastNumber.powersOfTen)
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
                    let got = FastNumber.scanDecimal(at: buf.baseAddress!, powers: FastNumber.powersOfTen)
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
}
