// ByteWords.swift — finding a field's or a record's end eight bytes at a time (SWAR: one unaligned
// UInt64 load holds eight bytes, and a few integer operations test all of them at once).
//
// Contract:
// - `ByteWords.matches(_:_:)` marks exactly the bytes of a word equal to a byte (0x80 in each, 0
//   elsewhere; no false positives, so the marks can be counted). Byte i of a word is the i-th byte in
//   memory (little-endian loads; survsh builds for x86-64 and arm64 Linux and macOS, all little-endian).
// - `firstStop(from:before:delimiter:)` is the first delimiter, LF, CR or quote at or after `p`:
//   what the CSV text loop `while !stops[Int(p.pointee)] { p += 1 }` finds, for any input. It reads
//   whole words only while at least 8 bytes remain before `limit` (never past it), then byte by byte
//   up to the stop; the caller guarantees a stop (the buffer's sentinel newline) before `limit`.
// - `recordEnd(from:fields:before:delimiter:)`: from the start of a record's field, where the record
//   ends (its LF, or the CR of a CRLF) when the rest of the record is exactly `fields` fields with no
//   quote and no other CR in it; nil otherwise (then the caller tokenizes the fields one by one, so
//   every error and every quoted field is handled as before). Never reads at or past `limit`.
// Why: the byte loops end each field on a branch whose trip count varies with the field's width,
//   which the processor mispredicts. Scanning the 10^6-row benchmark file's 4.5e7 fields for their
//   ends alone took 7.7-16 ns per field byte by byte and 5.0-5.5 ns a word at a time (CPU time,
//   2026-12-06, bench/out/numscan). A `load ... cols=` skips most fields, so this is most of its
//   time. Numbers are still read byte by byte: a word-at-a-time number scanner (digits found and
//   converted with masks and three multiplications) was slower, 19-22 ns per field against 11-12.

enum ByteWords {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080
    static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// 0x80 in every byte of `w` equal to `b`, 0 in the others (exact: the sums never carry across
    /// bytes, since each byte is first cut to 7 bits).
    @inline(__always)
    static func matches(_ w: UInt64, _ b: UInt8) -> UInt64 {
        let t = w ^ (UInt64(b) &* ones)
        return ~(((t & lows) &+ lows) | t) & highs
    }

    /// How many bytes are marked (the marks' 0/1 bytes summed into the top byte by one multiplication:
    /// `nonzeroBitCount` is a dozen instructions on the baseline x86-64 target, which has no POPCNT).
    @inline(__always)
    static func count(_ marks: UInt64) -> Int { Int(truncatingIfNeeded: ((marks &>> 7) &* ones) &>> 56) }

    /// Index (0...7) of the byte a single-byte mark, or the lowest of several, stands for.
    @inline(__always)
    static func index(_ marks: UInt64) -> Int { marks.trailingZeroBitCount &>> 3 }

    @inline(__always)
    static func firstStop(from p0: UnsafePointer<UInt8>, before limit: UnsafePointer<UInt8>,
                          delimiter: UInt8) -> UnsafePointer<UInt8> {
        var p = p0
        while limit - p >= 8 {
            let w = load(p)
            let m = matches(w, delimiter) | matches(w, asciiLF) | matches(w, asciiCR) | matches(w, asciiQuote)
            if m != 0 { return p + index(m) }
            p += 8
        }
        while true {
            let b = p.pointee
            if b == delimiter || b == asciiLF || b == asciiCR || b == asciiQuote { return p }
            p += 1
        }
    }

    @inline(__always)
    static func recordEnd(from p0: UnsafePointer<UInt8>, fields: Int, before limit: UnsafePointer<UInt8>,
                          delimiter: UInt8) -> UnsafePointer<UInt8>? {
        var p = p0
        var delimiters = 0
        // 9 bytes: a CR in a word's last byte looks at the next byte for its LF
        while limit - p >= 9 {
            let w = load(p)
            let lf = matches(w, asciiLF)
            let firstLF = lf & (0 &- lf)
            let before = lf == 0 ? ~0 : firstLF &- 1
            if matches(w, asciiQuote) & before != 0 { return nil }
            var end = firstLF
            let cr = matches(w, asciiCR) & before
            if cr != 0 {
                // only as the CR of a CRLF: right before the LF, or last in the word before an LF
                if lf != 0 {
                    guard cr == firstLF &>> 8 else { return nil }
                } else {
                    guard cr == 0x80 << 56, p[8] == asciiLF else { return nil }
                }
                end = cr
            }
            if end != 0 {
                delimiters &+= count(matches(w, delimiter) & (end &- 1))
                return delimiters == fields &- 1 ? p + index(end) : nil
            }
            delimiters &+= count(matches(w, delimiter))
            p += 8
        }
        return nil
    }
}
