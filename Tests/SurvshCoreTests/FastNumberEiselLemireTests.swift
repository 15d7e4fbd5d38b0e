// FastNumberEiselLemireTests.swift — FastNumber's Eisel-Lemire conversion (mantissas of up to 19
// digits outside Clinger's fast path) against C's strtod, bit for bit, through `scanDecimal` and
// through `eiselLemire` itself (whose every decided result must be strtod's): random mantissas of
// 1–19 digits with exponents over the whole table and beyond, numbers printed within one digit of
// the exact midpoint between two adjacent Doubles (the hard cases of rounding), exact midpoints
// that must round to even, the largest and smallest normal Doubles, subnormals, overflow to
// infinity and underflow to zero. `eiselLemire` must decide almost every normal-range case (it is
// the fast path for 17-digit numbers such as Python's or R's full-precision output).

import XCTest
@testable import SurvshCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class FastNumberEiselLemireTests: XCTestCase {
    /// `text` (+ a comma) scanned must end at its last byte and give strtod's bits.
    private func checkReal(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let bytes = Array(text.utf8) + [0x2C] + [UInt8](repeating: 0x37, count: 8) + [UInt8](repeating: 0, count: 16)
        bytes.withUnsafeBufferPointer { buf in
            let got = FastNumber.scanDecimal(at: buf.baseAddress!, powers: FastNumber.powerTables)
            XCTAssertEqual(got.end - buf.baseAddress!, text.utf8.count, text, file: file, line: line)
            XCTAssertEqual(got.kind, .real, text, file: file, line: line)
            let want = strtod(text, nil)
            XCTAssertEqual(got.bits, want.bitPattern, "\(text): got \(Double(bitPattern: got.bits)), strtod \(want)", file: file, line: line)
        }
    }

    /// `eiselLemire(w, q)` decided must equal strtod of "we q"; returns whether it decided.
    @discardableResult
    private func checkDirect(_ w: UInt64, _ q: Int, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let bits = FastNumber.eiselLemire(w, q, FastNumber.powerTables.fives)
        if bits == FastNumber.undecided { return false }
        let text = "\(w)e\(q)"
        XCTAssertEqual(bits, strtod(text, nil).bitPattern, text, file: file, line: line)
        return true
    }

    func testRandomMantissasAndExponentsEqualStrtod() {
        var rng = CSVTestRandom(seed: 1990)
        var normal = 0
        var decided = 0
        for _ in 0..<200_000 {
            let digits = Int(1 + rng.next() % 19)
            var limit: UInt64 = 1
            for _ in 0..<digits { limit = limit &* 10 }
            let w = max(1, digits == 19 ? rng.next() % 10_000_000_000_000_000_000 : rng.next() % limit)
            let q = Int(rng.next() % 700) - 360
            let sign = ["", "-", "+"][Int(rng.next() % 3)]
            checkReal("\(sign)\(w)e\(q)")
            let isDecided = checkDirect(w, q)
            // Inside the normal range, away from its ends: Eisel-Lemire should decide (almost) all.
            let magnitude = Double(String(w).count - 1 + q)
            if magnitude > -300 && magnitude < 300 {
                normal += 1
                if isDecided { decided += 1 }
            }
        }
        XCTAssertGreaterThan(normal, 100_000)
        XCTAssertGreaterThan(Double(decided), 0.999 * Double(normal), "Eisel-Lemire left too many cases to strtod")
    }

    /// Random Doubles over every binade; the exact midpoint between each and the next Double
    /// (exact in Float80) printed with 15–19 significant digits, so the text lies within one unit of
    /// its last digit from the midpoint, plus the midpoint nudged one unit either way.
    func testNearHalfwayCasesEqualStrtod() {
        #if arch(x86_64) && !os(Windows)
        var rng = CSVTestRandom(seed: 54)
        var buffer = [CChar](repeating: 0, count: 64)
        for i in 0..<40_000 {
            let d = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF | (i % 2 == 0 ? 0x3000_0000_0000_0000 : 0))
            guard d.isFinite, d > 0, d.nextUp.isFinite else { continue }
            let mid = Float80(d) + (Float80(d.nextUp) - Float80(d)) / 2
            for precision in 14...18 {
                let n = withVaList([mid]) { vsnprintf(&buffer, buffer.count, "%.\(precision)Le", $0) }
                XCTAssertLessThan(Int(n), buffer.count)
                let text = String(cString: buffer)
                checkReal(text)
                checkReal(nudged(text, by: 1))
                checkReal(nudged(text, by: -1))
            }
        }
        #endif
    }

    /// `text` ("d.ddde±x") with its last mantissa digit moved by `delta` (no carry: 9+1 and 0-1 stay).
    private func nudged(_ text: String, by delta: Int) -> String {
        var bytes = Array(text.utf8)
        guard let e = bytes.firstIndex(of: 0x65), e > 0 else { return text }
        let last = Int(bytes[e - 1]) - 0x30
        let moved = last + delta
        if moved < 0 || moved > 9 { return text }
        bytes[e - 1] = UInt8(0x30 + moved)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Numbers exactly halfway between two Doubles, which must round to the even neighbour: odd
    /// integers of 54 bits (written as reals in several forms); w x 10^j for j = 0...23 with w x 5^j an
    /// odd 54-bit integer (1e23 is one); and w x 10^-k, k = 1...4, with w = an odd 54-bit m x 5^k.
    func testExactMidpointsRoundToEven() {
        var rng = CSVTestRandom(seed: 2021)
        func odd54() -> UInt64 { (1 << 53) | (rng.next() % (1 << 53)) | 1 }
        for _ in 0..<5_000 {
            let binade = UInt64(53 + rng.next() % 10) // midpoints of [2^53, 2^63)
            let halfUnit: UInt64 = 1 << (binade - 53)
            let n = (1 << binade) + halfUnit * (2 * (rng.next() % (1 << 20)) + 1)
            for text in ["\(n).0", "\(n)e0", "\(n)E+0", "\(n).", "0\(n).000"] { checkReal(text) }
            if n < 1_000_000_000_000_000_000 { checkReal("\(n)0e-1") }
            var five: UInt64 = 1
            for j in 0...23 {
                let lo = ((1 << 53) + five - 1) / five, hi = (1 << 54) / five
                if hi > lo {
                    let w = (lo + rng.next() % (hi - lo)) | 1
                    if w < hi && w * five >= 1 << 53 {
                        checkReal("\(w)e\(j)")
                        checkDirect(w, j)
                    }
                }
                five *= 5
            }
            let m = odd54()
            five = 1
            for k in 1...4 {
                five *= 5
                let (w, overflow) = m.multipliedReportingOverflow(by: five)
                if overflow || w >= 10_000_000_000_000_000_000 { break }
                checkReal("\(w)e-\(k)")
                checkDirect(w, -k)
            }
        }
        for text in ["9007199254740993.0", "9007199254740995.0", "18014398509481986.0", "18014398509481990.0", "1e23",
                     "9223372036854775807.0", "9223372036854775808.0", "4503599627370497.5", "4503599627370496.5"] {
            checkReal(text)
        }
    }

    func testLimitsSubnormalsOverflowAndUnderflow() {
        for text in ["1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "-1.7976931348623157e308",
                     "2.2250738585072014e-308", "2.2250738585072011e-308", "2.2250738585072009e-308", "2.225073858507201e-308",
                     "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "5e-324", "1e-323",
                     "1e-400", "-1e-400", "1e400", "-1e400", "1e308", "1e309", "1e-307", "1e-308", "1e-309", "1e-324", "1e-342",
                     "1e-343", "1e23", "8.98846567431158e307", "9999999999999999999e-342", "9999999999999999999e289",
                     "9999999999999999999e290", "1234567890123456789e-330", "0.1", "0.3", "0.7", "3.14159265358979323"] {
            checkReal(text)
        }
        var rng = CSVTestRandom(seed: 308)
        for _ in 0..<20_000 {
            let w = max(1, rng.next() % 10_000_000_000_000_000_000)
            checkReal("\(w)e\(Int(rng.next() % 40) - 345)") // subnormals and underflow
            checkReal("\(w)e\(Int(rng.next() % 24) + 280)") // the top of the range and overflow
        }
    }
}
