// ByteScan.swift — whole-buffer byte scans used before parsing: newline/quote counting (SIMD) and
// the UTF-8 / binary check.
//
// Contract: pure functions over a byte range; no allocation.

import Dispatch
import SurvivalStats

enum ByteScan {
    /// Number of LF bytes and of `"` bytes in `p[0..<n]`.
    static func countNewlinesAndQuotes(_ p: UnsafePointer<UInt8>, _ n: Int) -> (newlines: Int, quotes: Int) {
        let raw = UnsafeRawPointer(p)
        let lf = SIMD32<UInt8>(repeating: asciiLF)
        let dq = SIMD32<UInt8>(repeating: asciiQuote)
        var newlines = 0
        var quotes = 0
        var i = 0
        // Byte-wide counters overflow after 255 blocks of 32 bytes: flush them every 255 blocks.
        while i + 32 <= n {
            let blocks = min((n - i) / 32, 255)
            var accL = SIMD32<UInt8>()
            var accQ = SIMD32<UInt8>()
            for _ in 0..<blocks {
                let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self)
                accL &-= unsafeBitCast(v .== lf, to: SIMD32<UInt8>.self)
                accQ &-= unsafeBitCast(v .== dq, to: SIMD32<UInt8>.self)
                i += 32
            }
            newlines += Int(SIMD32<UInt16>(truncatingIfNeeded: accL).wrappedSum())
            quotes += Int(SIMD32<UInt16>(truncatingIfNeeded: accQ).wrappedSum())
        }
        while i < n {
            let b = p[i]
            if b == asciiLF { newlines += 1 } else if b == asciiQuote { quotes += 1 }
            i += 1
        }
        return (newlines, quotes)
    }

    /// Whether a LF in `p[0..<n]` lies inside quotes, `p` being outside them (a record's start): the
    /// quote characters toggle (a doubled quote toggles twice), as the tokenizer reads quoted fields.
    static func hasQuotedNewline(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let end = p + n
        var q = p
        while true {
            let open = find(asciiQuote, from: q, to: end)
            if open == end { return false }
            let close = find(asciiQuote, from: open + 1, to: end)
            if find(asciiLF, from: open + 1, to: close) != close { return true }
            if close == end { return false }
            q = close + 1
        }
    }

    /// Position of the first `byte` in [p, end), or end.
    static func find(_ byte: UInt8, from p: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var q = p
        while q < end && q.pointee != byte { q += 1 }
        return q
    }

    enum TextCheck: Equatable {
        case text
        case nulByte(offset: Int)
        case invalidUTF8(offset: Int)
    }

    /// Checks that `p[0..<n]` is UTF-8 text without NUL bytes. `truncated`: the range is a prefix of
    /// longer data, so an incomplete sequence at its very end is not an error.
    static func checkText(_ p: UnsafePointer<UInt8>, _ n: Int, truncated: Bool) -> TextCheck {
        var i = 0
        while i < n {
            let b = p[i]
            if b == 0 { return .nulByte(offset: i) }
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            if b & 0xE0 == 0xC0 {
                length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            } else if b & 0xF0 == 0xE0 {
                length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            } else if b & 0xF8 == 0xF0 {
                length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            } else {
                return .invalidUTF8(offset: i)
            }
            if i + length > n {
                if truncated { break }
                return .invalidUTF8(offset: i)
            }
            for k in 1..<length {
                let c = p[i + k]
                if c & 0xC0 != 0x80 { return .invalidUTF8(offset: i) }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) {
                return .invalidUTF8(offset: i)
            }
            i += length
        }
        return .text
    }
}

/// Runs `body(k)` for k in 0..<count on up to `Parallelism.threads` threads (`set threads=N`;
/// default every core) and waits. The caller guarantees that different iterations write disjoint memory.
func parallelFor(_ count: Int, file: StaticString = #fileID, line: UInt = #line, _ body: (Int) -> Void) {
    Parallelism.forEach(count, file: file, line: line, body)
}
