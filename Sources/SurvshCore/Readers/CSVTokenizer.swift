// CSVTokenizer.swift — field-level tokenizing of RFC 4180 delimited text, shared by the header
// reader, the chunk parser's slow path and its re-scans.
//
// Contract: the buffer ends with a newline (the reader guarantees it with a sentinel), so scans for a
// terminator need no bounds check; only scans inside a quoted field check `bufferEnd`.
// A field is terminated by the delimiter, LF, or CR immediately followed by LF (a lone CR is data).
// A field whose first non-blank byte is `"` is quoted: its content runs to the matching closing quote,
// `""` inside stands for one `"`, and delimiters and newlines inside are data. Blanks around a quoted
// field are ignored; bytes after the closing quote (RFC-invalid) are kept, appended to the content.
// A quote inside an unquoted field is an ordinary byte. Blanks are spaces, and tabs unless tab is the
// delimiter (see `Blanks`).

let asciiLF: UInt8 = 0x0A
let asciiCR: UInt8 = 0x0D
let asciiQuote: UInt8 = 0x22
let asciiSpace: UInt8 = 0x20
let asciiTab: UInt8 = 0x09

/// The bytes ignored around numbers, booleans, dates, NA tokens, names and quoted fields: space and
/// tab, except the one that is the delimiter.
struct Blanks: Sendable {
    let first: UInt8
    let second: UInt8

    init(delimiter: UInt8) {
        switch delimiter {
        case asciiTab: (first, second) = (asciiSpace, asciiSpace)
        case asciiSpace: (first, second) = (asciiTab, asciiTab)
        default: (first, second) = (asciiSpace, asciiTab)
        }
    }

    @inline(__always)
    func contains(_ b: UInt8) -> Bool { b == first || b == second }
}

/// One field: its content bytes (in the input buffer, or in the tokenizer's scratch buffer, followed
/// by a NUL there), and where its terminator is.
struct CSVField {
    var start: UnsafePointer<UInt8>
    var count: Int
    /// The terminator: delimiter, LF, or CR followed by LF.
    var end: UnsafePointer<UInt8>
    var quoted: Bool
}

/// Missing-value tokens, stored for byte comparison. Owns memory: call `deallocate()` once.
struct NATokenSet {
    private let bytes: UnsafeMutablePointer<UInt8>
    private let starts: UnsafeMutablePointer<Int>
    let count: Int
    /// Bit n (n < 63) set when a token of n bytes exists; bit 63 when a longer one does.
    private let lengthMask: UInt64
    let containsEmpty: Bool
    let blanks: Blanks

    init(tokens: [String], blanks: Blanks) {
        self.blanks = blanks
        let trimmed = tokens.map { token -> [UInt8] in
            var b = Array(token.utf8)
            while let f = b.first, blanks.contains(f) { b.removeFirst() }
            while let l = b.last, blanks.contains(l) { b.removeLast() }
            return b
        }
        let total = trimmed.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(total, 1))
        starts = .allocate(capacity: trimmed.count + 1)
        var offset = 0
        var mask: UInt64 = 0
        var empty = false
        for (i, t) in trimmed.enumerated() {
            starts[i] = offset
            for b in t {
                bytes[offset] = b
                offset += 1
            }
            mask |= 1 << UInt64(min(t.count, 63))
            if t.isEmpty { empty = true }
        }
        starts[trimmed.count] = offset
        count = trimmed.count
        lengthMask = mask
        containsEmpty = empty
    }

    func deallocate() {
        bytes.deallocate()
        starts.deallocate()
    }

    @inline(__always)
    func isBlank(_ b: UInt8) -> Bool { blanks.contains(b) }

    /// Whether `p[0..<n]`, with surrounding blanks removed, is one of the tokens.
    @inline(__always)
    func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n > 0 && (isBlank(p[0]) || isBlank(p[n - 1])) {
            var a = p
            var m = n
            while m > 0 && isBlank(a[0]) {
                a += 1
                m -= 1
            }
            while m > 0 && isBlank(a[m - 1]) { m -= 1 }
            return matchesTrimmed(a, m)
        }
        return matchesTrimmed(p, n)
    }

    /// Whether `p[0..<n]` (already trimmed) is one of the tokens.
    @inline(__always)
    func matchesTrimmed(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if lengthMask & (1 << UInt64(min(n, 63))) == 0 { return false }
        return slowMatch(p, n)
    }

    private func slowMatch(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for i in 0..<count where starts[i + 1] - starts[i] == n {
            let t = bytes + starts[i]
            var j = 0
            while j < n && t[j] == p[j] { j += 1 }
            if j == n { return true }
        }
        return false
    }
}

/// Tokenizer state: the delimiter, the end of the buffer and a growable scratch buffer for quoted
/// content. Owns memory: call `deallocate()` once.
struct CSVTokenizer {
    let delimiter: UInt8
    let blanks: Blanks
    let bufferEnd: UnsafePointer<UInt8>
    private(set) var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int

    init(delimiter: UInt8, bufferEnd: UnsafePointer<UInt8>) {
        self.delimiter = delimiter
        self.blanks = Blanks(delimiter: delimiter)
        self.bufferEnd = bufferEnd
        scratchCapacity = 256
        scratch = .allocate(capacity: scratchCapacity)
    }

    func deallocate() { scratch.deallocate() }

    @inline(__always)
    func isBlank(_ b: UInt8) -> Bool { blanks.contains(b) }

    /// Whether `p` is at a field terminator (delimiter, LF or CR LF).
    @inline(__always)
    func isTerminator(_ p: UnsafePointer<UInt8>) -> Bool {
        let b = p.pointee
        return b == delimiter || b == asciiLF || (b == asciiCR && p[1] == asciiLF)
    }

    /// Position of the terminator of an unquoted field starting at `p`.
    @inline(__always)
    func unquotedEnd(_ p: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        var q = p
        while true {
            let b = q.pointee
            if b == delimiter || b == asciiLF { return q }
            if b == asciiCR && q[1] == asciiLF { return q }
            q += 1
        }
    }

    /// Makes room for `needed` bytes plus 16 bytes of slack (word-at-a-time number scanning reads
    /// up to 8 bytes past the content's NUL).
    private mutating func reserve(_ needed: Int) {
        if needed + 16 <= scratchCapacity { return }
        var c = scratchCapacity * 2
        while c < needed + 16 { c *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        bigger.initialize(from: scratch, count: scratchCapacity)
        scratch.deallocate()
        scratch = bigger
        scratchCapacity = c
    }

    /// The field starting at `p`; `line` is advanced past newlines inside a quoted field.
    /// Returns nil when a quote opened in this field is never closed (`line` is then unchanged).
    mutating func field(at p: UnsafePointer<UInt8>, line: inout Int) -> CSVField? {
        var q = p
        while isBlank(q.pointee) { q += 1 }
        if q.pointee != asciiQuote {
            let e = unquotedEnd(q)
            return CSVField(start: p, count: e - p, end: e, quoted: false)
        }
        // Quoted: copy the content into scratch, undoubling quotes.
        var lines = 0
        var w = q + 1
        var n = 0
        while true {
            if w >= bufferEnd { return nil }
            let b = w.pointee
            if b == asciiQuote {
                if w + 1 < bufferEnd && w[1] == asciiQuote {
                    reserve(n + 2)
                    scratch[n] = asciiQuote
                    n += 1
                    w += 2
                    continue
                }
                w += 1
                break
            }
            if b == asciiLF { lines += 1 }
            reserve(n + 2)
            scratch[n] = b
            n += 1
            w += 1
        }
        // After the closing quote: blanks, then the terminator; anything else is kept as data.
        var e = w
        while isBlank(e.pointee) { e += 1 }
        if !isTerminator(e) {
            let stop = unquotedEnd(w)
            let extra = stop - w
            reserve(n + extra + 1)
            (scratch + n).update(from: w, count: extra)
            n += extra
            e = stop
        }
        reserve(n + 1)
        scratch[n] = 0
        line += lines
        return CSVField(start: UnsafePointer(scratch), count: n, end: e, quoted: true)
    }

    /// Position just past the line end (LF or CR LF) that terminator `t` is, or past the delimiter.
    @inline(__always)
    func skipTerminator(_ t: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        t.pointee == asciiCR ? t + 2 : t + 1
    }
}
