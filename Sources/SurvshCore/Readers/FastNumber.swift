// FastNumber.swift — scanners for one cell of delimited text: decimal numbers, special reals,
// booleans and ISO dates, working on raw UTF-8 bytes (no String per cell).
//
// Contract:
// - `scanDecimal(at:powers:)` reads `[+-]digits[.digits][(e|E)[+-]digits]` (also `.5` and `5.`)
//   starting exactly at `start` and stops at the first byte that cannot continue the number; it never
//   reads past a byte that is not part of the number, so any terminator (delimiter, newline, NUL)
//   stops it. The caller checks that what follows is a field terminator.
//   Integers (no point, no exponent) that fit Int64 are `.integer`; everything else is `.real`.
// - Reals are correctly rounded (round-to-nearest-even), like R's `as.numeric`/C `strtod`:
//   Clinger's fast path — a mantissa of at most 19 significant digits that is <= 2^53 and a decimal
//   exponent in [-22, 22] — gives the exact result from one IEEE multiplication or division by an
//   exactly representable power of ten. Other mantissas of at most 19 digits (e.g. the 17 digits
//   of a full-precision print) go to Eisel-Lemire (`eiselLemire`: the mantissa times a 128-bit
//   power of five, FastNumber+PowersOfFive.swift), which decides the correctly rounded result in
//   all but rare cases near a tie and outside the normal range. Those and anything else go to the
//   slow path, Swift's `Double(String)` (C-locale `strtod`, correctly rounded), on that one cell
//   only. Leading zeros count as digits; a number of more than 19 digits is re-read without them
//   (`longInteger`), so "0000000000000000000012" stays an integer.
// Profile (perf, release, load of bench/out/bench_10000000.csv, 2026-12-06): scanDecimal 40% of the
//   load's CPU (the `divsd` of the fast path about a quarter of that), the chunk parser's loop 20%,
//   text interning 6%, the newline count 4%, the kernel (page faults of the mapping and the slot
//   arrays) 23%. Counting leading zeros as digits instead of skipping them cut the load's CPU by
//   about 12% (5.05 -> 4.46 s user+sys, 4 runs each); an 8-bytes-at-a-time digit scan was slower.
// The `divsd` is not what costs (2026-12-06, scanning the 3.9e7 numbers of bench_1000000.csv read 3
//   times in a loop of FastNumber alone, CPU time, machine loaded): replacing the division by a
//   multiplication (wrong results, timing only) changed nothing (0.47-0.53 s against 0.47-0.51 s):
//   its samples are those of the oldest instruction not yet retired while the next field is being
//   scanned. Eisel-Lemire instead of that division was slower (0.79-1.08 s against 0.51-0.57 s:
//   about 55 instructions against one division whose latency overlaps the next scan), so it only
//   replaces the slow path: 5e6 numbers of 16-17 digits (Python's repr of random normals) take
//   0.15-0.23 s instead of 0.65-0.79 s through `Double(String)`, with the same bits.
// References: W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990;
//   D. Lemire, "Number Parsing at a Gigabyte per Second", Software: Practice and Experience 51 (2021).

enum NumberKind: UInt8 {
    case none, integer, real
}

/// Outcome of `FastNumber.scanDecimal`: where the number ends and its bits (Int64 bit pattern for
/// `.integer`, Double bit pattern for `.real`).
struct ScannedNumber {
    var end: UnsafePointer<UInt8>
    var bits: UInt64
    var kind: NumberKind
}

enum FastNumber {
    /// The tables `scanDecimal` reads, passed in by pointer so the hot loop never goes through a
    /// lazily initialised global.
    struct PowerTables: @unchecked Sendable {
        /// 10^0 ... 10^22, all exactly representable as Double.
        let tens: UnsafePointer<Double>
        /// 5^-342 ... 5^308 as 128-bit words (high, low); see FastNumber+PowersOfFive.swift.
        let fives: UnsafePointer<UInt64>
    }

    /// Allocated once, never freed.
    static let powerTables: PowerTables = {
        let tens = UnsafeMutablePointer<Double>.allocate(capacity: 23)
        var v = 1.0
        for i in 0..<23 {
            tens[i] = v
            v *= 10
        }
        let words = powersOfFive128Words
        let fives = UnsafeMutablePointer<UInt64>.allocate(capacity: words.count)
        fives.initialize(from: words, count: words.count)
        return PowerTables(tens: UnsafePointer(tens), fives: UnsafePointer(fives))
    }()

    /// Consumes the decimal digits at `p`, accumulating them into `mantissa` (which wraps harmlessly
    /// past 19 digits; callers then take the slow path). Returns how many digits it consumed.
    /// One byte at a time: an 8-bytes-at-a-time SWAR variant (count the leading digits of one
    /// unaligned load, convert them with three multiplications) was slower when scanning the 1.3e7
    /// numbers of bench/out/bench_1000000.csv alone (0.26-0.28 s of CPU against 0.19 s): the end of
    /// the run then depends on a chain of arithmetic, while the byte loop's exit branch is predicted
    /// and the next field's parse starts speculatively.
    @inline(__always)
    static func scanDigits(_ p: inout UnsafePointer<UInt8>, _ mantissa: inout UInt64) -> Int {
        let s = p
        var q = p
        var m = mantissa
        while true {
            let d = q.pointee &- 0x30
            if d > 9 { break }
            m = m &* 10 &+ UInt64(d)
            q += 1
        }
        mantissa = m
        p = q
        return q - s
    }

    @inline(__always)
    static func scanDecimal(at start: UnsafePointer<UInt8>, powers: PowerTables) -> ScannedNumber {
        var p = start
        var negative = false
        let first = p.pointee
        if first == 0x2D { // -
            negative = true
            p += 1
        } else if first == 0x2B { // +
            p += 1
        }
        // Leading zeros count as digits here; a number of more than 19 digits is re-read without them.
        var mantissa: UInt64 = 0
        var digitCount = scanDigits(&p, &mantissa)
        var isInteger = true
        var fractionDigits = 0
        if p.pointee == 0x2E { // .
            isInteger = false
            p += 1
            fractionDigits = scanDigits(&p, &mantissa)
            digitCount += fractionDigits
        }
        if digitCount == 0 {
            return ScannedNumber(end: start, bits: 0, kind: .none) // "", "+", ".", "-."
        }
        var exponent = 0
        if p.pointee | 0x20 == 0x65 { // e or E
            var q = p + 1
            var expNegative = false
            if q.pointee == 0x2D {
                expNegative = true
                q += 1
            } else if q.pointee == 0x2B {
                q += 1
            }
            let expStart = q
            while true {
                let d = q.pointee &- 0x30
                if d > 9 { break }
                if exponent < 100_000 { exponent = exponent &* 10 &+ Int(d) }
                q += 1
            }
            if q == expStart { return ScannedNumber(end: start, bits: 0, kind: .none) } // "1e", "1e+"
            p = q
            isInteger = false
            if expNegative { exponent = -exponent }
        }
        if digitCount <= 19 {
            if isInteger {
                if negative {
                    if mantissa <= 0x8000_0000_0000_0000 {
                        return ScannedNumber(end: p, bits: 0 &- mantissa, kind: .integer)
                    }
                } else if mantissa <= 0x7FFF_FFFF_FFFF_FFFF {
                    return ScannedNumber(end: p, bits: mantissa, kind: .integer)
                }
            } else {
                if mantissa == 0 {
                    return ScannedNumber(end: p, bits: (negative ? -0.0 : 0.0).bitPattern, kind: .real)
                }
                let e10 = exponent &- fractionDigits
                if mantissa <= 1 << 53 && e10 >= -22 && e10 <= 22 {
                    var v = Double(mantissa)
                    v = e10 < 0 ? v / powers.tens[-e10] : v * powers.tens[e10]
                    return ScannedNumber(end: p, bits: (negative ? -v : v).bitPattern, kind: .real)
                }
                let bits = eiselLemire(mantissa, e10, powers.fives)
                if bits != undecided {
                    return ScannedNumber(end: p, bits: bits | (negative ? 1 << 63 : 0), kind: .real)
                }
            }
        } else if isInteger, let n = longInteger(start, p) {
            return ScannedNumber(end: p, bits: UInt64(bitPattern: n), kind: .integer)
        }
        return ScannedNumber(end: p, bits: slowReal(start, p).bitPattern, kind: .real)
    }

    /// What `eiselLemire` returns when it cannot decide the rounding (a NaN pattern it never makes).
    static let undecided: UInt64 = 0xFFFF_FFFF_FFFF_FFFF

    /// The Double nearest to `w` x 10^`q` (ties to even) as a bit pattern, for `w` != 0, or
    /// `undecided` when the 128-bit product cannot decide the rounding, or the result would be
    /// subnormal, zero or infinite (the caller then takes an exact path).
    /// w x 10^q = w x 5^q x 2^q: the top bits of the normalised w times the 128-bit 5^q give the
    /// significand plus a rounding bit; the product's low bits tell whether the truncated table entry
    /// could have changed them (D. Lemire, "Number Parsing at a Gigabyte per Second", 2021, sec. 5-6).
    @inline(__always)
    static func eiselLemire(_ w0: UInt64, _ q: Int, _ fives: UnsafePointer<UInt64>) -> UInt64 {
        if q < smallestPowerOfFive || q > largestPowerOfFive { return undecided }
        let shift = w0.leadingZeroBitCount
        let w = w0 << UInt64(shift)
        let entry = fives + 2 &* (q &- smallestPowerOfFive)
        // 55 bits wanted (52 + hidden bit + rounding bit + a possible leading zero): the low 9 bits of
        // the high word are the margin; all ones there means the low word's product may carry into them.
        var (high, low) = w.multipliedFullWidth(by: entry[0])
        if high & 0x1FF == 0x1FF {
            let (carry, _) = w.multipliedFullWidth(by: entry[1])
            let sum = low &+ carry
            if sum < carry { high &+= 1 }
            low = sum
        }
        // A low word of all ones may be one unit short of a carry the table's truncation hides
        // (the product is exact, and so decidable, only for 5^q < 2^128 and the 5^-q of q >= -27).
        if low == 0xFFFF_FFFF_FFFF_FFFF && (q < -27 || q > 55) { return undecided }
        let upper = Int(truncatingIfNeeded: high >> 63)
        var significand = high >> UInt64(upper &+ 9)
        // floor(log2(10^q)) + 63 + the biased exponent 1023, from 217706 / 2^16 ~ log2(10).
        var exponent = ((q &* 217_706) >> 16) &+ 63 &+ upper &- shift &+ 1023
        if exponent <= 0 { return undecided } // subnormal or zero
        // Exactly halfway between two Doubles (possible only for small |q|, where the product is
        // exact): round to even instead of up.
        if low <= 1 && q >= -4 && q <= 23 && significand & 3 == 1 && significand << UInt64(upper &+ 9) == high {
            significand &= ~1
        }
        significand &+= significand & 1
        significand >>= 1
        if significand >= 1 << 53 {
            significand = 1 << 52
            exponent &+= 1
        }
        if exponent >= 0x7FF { return undecided } // infinite
        return UInt64(exponent) << 52 | (significand & ((1 << 52) - 1))
    }

    /// An integer literal `[+-]digits` of more than 19 digits whose value fits Int64 once its leading
    /// zeros are dropped ("0000000000000000000012"), else nil.
    @inline(never)
    static func longInteger(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int64? {
        var p = start
        let negative = p.pointee == 0x2D
        if negative || p.pointee == 0x2B { p += 1 }
        while p < end && p.pointee == 0x30 { p += 1 }
        if end - p > 19 { return nil }
        var m: UInt64 = 0
        while p < end {
            m = m &* 10 &+ UInt64(p.pointee &- 0x30)
            p += 1
        }
        if negative { return m <= 0x8000_0000_0000_0000 ? Int64(bitPattern: 0 &- m) : nil }
        return m <= 0x7FFF_FFFF_FFFF_FFFF ? Int64(bitPattern: m) : nil
    }

    /// Correctly rounded conversion of an already validated decimal literal (C-locale strtod).
    @inline(never)
    static func slowReal(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double {
        let text = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        return Double(text) ?? .nan
    }

    /// `Inf`, `-Inf`, `+inf`, `Infinity`, `NaN` (any letter case), as R's `as.numeric` accepts them.
    static func scanSpecialReal(_ s: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var p = s
        var len = n
        var negative = false
        if len > 0 && (p.pointee == 0x2D || p.pointee == 0x2B) {
            negative = p.pointee == 0x2D
            p += 1
            len -= 1
        }
        func lowerEquals(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == len else { return false }
            let w = word.utf8Start
            for i in 0..<len where p[i] | 0x20 != w[i] { return false }
            return true
        }
        if lowerEquals("inf") || lowerEquals("infinity") { return negative ? -.infinity : .infinity }
        if lowerEquals("nan") { return .nan }
        return nil
    }

    /// `TRUE`, `FALSE`, `true`, `false` (R's `read.csv` also takes T/F/True/False; we do not).
    static func scanBoolean(_ s: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 4 {
            if s[0] == 0x54 && s[1] == 0x52 && s[2] == 0x55 && s[3] == 0x45 { return true } // TRUE
            if s[0] == 0x74 && s[1] == 0x72 && s[2] == 0x75 && s[3] == 0x65 { return true } // true
        } else if n == 5 {
            if s[0] == 0x46 && s[1] == 0x41 && s[2] == 0x4C && s[3] == 0x53 && s[4] == 0x45 { return false }
            if s[0] == 0x66 && s[1] == 0x61 && s[2] == 0x6C && s[3] == 0x73 && s[4] == 0x65 { return false }
        }
        return nil
    }

    /// `YYYY-MM-DD` (exactly 10 bytes, a valid proleptic Gregorian date, year 0001–9999) as days
    /// since 1970-01-01.
    @inline(__always)
    static func scanISODate(_ s: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        guard n == 10, s[4] == 0x2D, s[7] == 0x2D else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let d = s[i] &- 0x30
            return d <= 9 ? Int(d) : nil
        }
        guard let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
              let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9) else { return nil }
        let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
        let month = m0 * 10 + m1
        let day = d0 * 10 + d1
        guard year >= 1, month >= 1, month <= 12, day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthLengths = (31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
        let maxDay = withUnsafeBytes(of: monthLengths) { $0.load(fromByteOffset: (month - 1) * MemoryLayout<Int>.stride, as: Int.self) }
        guard day <= maxDay else { return nil }
        return Int64(daysFromCivil(year: year, month: month, day: day))
    }
}
