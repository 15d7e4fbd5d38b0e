// XMLChunkScanner.swift — a small, streaming XML tokenizer for the one large part of an .xlsx
// workbook, the worksheet (XLSXSheet.swift), fed the part in chunks as ZIPFoundation inflates it.
//
// Why not Foundation's XMLParser, which reads the workbook's other parts (XLSXParts.swift):
// - `XMLParser(data:)` hands libxml2 the whole part in one xmlParseChunk call, and libxml2 2.9.14
//   refuses a chunk over 10,000,000 bytes ("internal error: Huge input lookup", XMLParser error 1):
//   every sheet part over ~10 MB failed to load. `XMLParser(stream:)` feeds 4 KB chunks and works,
//   but it needs the part as an InputStream (pull) while ZIPFoundation pushes chunks to a closure.
// - Speed: XMLParser (swift-corelibs-foundation, -O) made its delegate calls at ~4.8 µs per element
//   even with an empty delegate (9.5 MB, 620,000 elements: 3.0 s). The 10^6-row x 15-column
//   benchmark data saved as .xlsx has a 515 MB sheet part of 31 million elements (row, c, v):
//   about 150 s of parsing alone, before the attribute dictionaries and Strings the sheet's
//   delegate built per cell. With this scanner the whole load (inflate, CRC-32, scan, columns)
//   took 12.9 s of CPU (bench/xlsx.sh, release build, loaded machine).
//
// Contract: `feed` takes consecutive pieces of one XML document (UTF-8, any split, even inside a
// tag or a multi-byte character), `finish` says it ended. The handler is told, in document order:
// start tags (element name and attributes; an empty element `<a/>` is a start then an end), end
// tags, and — only while `handler.wantsText` is true — character data with entities and character
// references decoded (`&lt; &gt; &amp; &quot; &apos; &#N; &#xH;`), CDATA sections verbatim, line
// ends normalized to LF as XML requires. Attribute values are decoded the same way (tab, CR and LF
// in them become spaces). Names are delivered with their prefix (`x:c`); `XMLTagName.local` drops it.
// Comments, processing instructions and the XML declaration are skipped; a UTF-8 byte order mark
// is skipped. Memory: the bytes of one incomplete construct at the end of a chunk are kept, with a
// doubling rule so that a construct spanning many chunks is scanned O(size) times in total.
// Errors (`XMLScanError`, with the byte offset in the part): mismatched or unclosed tags, malformed
// tags and attributes, an unknown entity or a bad character reference, a second root element, a
// DOCTYPE (Office Open XML parts never have one, and refusing it rules out entity expansion), an
// encoding other than UTF-8 (a UTF-16 byte order mark, or `encoding=` in the declaration), and a
// document that ends inside a construct or before its root element is closed, and bytes that are not
// UTF-8 (reported once the construct holding the first bad byte is scanned, so the handler has seen
// everything up to it: XLSXSheet names the cell; libxml2 refuses such a part too). Not checked (the scanner
// is lenient where libxml2 is strict): that characters are allowed in XML, text outside the root
// element, duplicate attributes, and entities in text the handler does not want.

import Foundation

/// A scan error: what is wrong and where (byte offset from the start of the part).
struct XMLScanError: Error, Equatable {
    var message: String
    var offset: Int
}

/// An element name: bytes of the buffer being scanned, valid during the handler call.
struct XMLTagName {
    let bytes: UnsafeBufferPointer<UInt8>

    /// The name without its namespace prefix (`x:c` -> `c`).
    var local: UnsafeBufferPointer<UInt8> {
        guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[(colon + 1)...])
    }

    /// Whether the local name is `name` (ASCII).
    func `is`(_ name: StaticString) -> Bool { XMLTagName.equal(local, name) }

    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        let p = name.utf8Start
        for i in 0..<bytes.count where bytes[i] != p[i] { return false }
        return true
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// A start tag's attributes (values decoded): bytes of the buffer, valid during the handler call.
struct XMLAttributes {
    let base: UnsafePointer<UInt8>
    /// (name start, name end, value start, value end), offsets from `base`.
    let spans: ArraySlice<(Int, Int, Int, Int)>

    /// The value of the attribute named exactly `name` (no prefix matching: OOXML's cell attributes
    /// are unqualified); nil when absent.
    subscript(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        for (ns, ne, vs, ve) in spans where XMLTagName.equal(UnsafeBufferPointer(start: base + ns, count: ne - ns), name) {
            return UnsafeBufferPointer(start: base + vs, count: ve - vs)
        }
        return nil
    }
}

/// What an `XMLChunkScanner` reports to.
protocol XMLScanHandler: AnyObject {
    /// A start tag. Returns false to stop the scan (the rest of the document is not read).
    func start(_ name: XMLTagName, _ attributes: XMLAttributes) -> Bool
    func end(_ name: XMLTagName)
    /// Whether character data is wanted now; text is decoded and delivered only then.
    var wantsText: Bool { get }
    /// A piece of decoded character data (one text node may come in several pieces).
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
}

final class XMLChunkScanner<Handler: XMLScanHandler> {
    let handler: Handler
    /// Set when the handler stopped the scan; later input is ignored.
    private(set) var stopped = false

    /// Unscanned bytes: an incomplete construct left from the last chunk, then the new chunk.
    private var buffer: [UInt8] = []
    /// Bytes of the part before `buffer[0]`.
    private var consumed = 0
    /// With an incomplete construct pending, the buffer size at which to try again.
    private var retryAt = 0
    /// Open elements: their qualified names end to end, and where each ends.
    private var openNames: [UInt8] = []
    private var openEnds: [Int] = []
    private var sawRoot = false, rootClosed = false, atStart = true
    /// Attribute spans of the tag being read (reused).
    private var spans: [(Int, Int, Int, Int)] = []
    /// Checks the bytes fed, in order, across chunks (before any is decoded in place); the first bad
    /// byte is reported once the construct holding it has been scanned.
    private var utf8 = UTF8Validator()
    private var firstInvalid: (offset: Int, byte: UInt8)?

    /// The least buffer size at which to retry an incomplete construct (tests lower it to scan every piece).
    private let minimumRetry: Int

    init(handler: Handler, minimumRetry: Int = 1 << 16) {
        self.handler = handler
        self.minimumRetry = minimumRetry
    }

    /// Scans the next piece of the document.
    func feed(_ chunk: UnsafeRawBufferPointer) throws(XMLScanError) {
        if stopped || chunk.isEmpty { return }
        let bytes = chunk.bindMemory(to: UInt8.self)
        if firstInvalid == nil, let bad = utf8.check(bytes.baseAddress!, 0, bytes.count) {
            firstInvalid = (consumed + buffer.count + bad.index, bad.byte)
        }
        buffer.append(contentsOf: bytes)
        if buffer.count < retryAt { return }
        try scan(final: false)
    }

    /// Scans the next piece of the document.
    func feed(_ data: Data) throws(XMLScanError) {
        var failure: XMLScanError?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            do throws(XMLScanError) { try feed(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The document ended: what is left must be complete, and the root element closed.
    func finish() throws(XMLScanError) {
        if stopped { return }
        try scan(final: true)
        if stopped { return }
        if !openEnds.isEmpty {
            let start = openEnds.count > 1 ? openEnds[openEnds.count - 2] : 0
            let name = String(decoding: openNames[start...], as: UTF8.self)
            throw XMLScanError(message: "the part ends before element <\(name)> is closed (a truncated part)", offset: consumed)
        }
        if !sawRoot { throw XMLScanError(message: "no root element", offset: consumed) }
        if let bad = firstInvalid { throw Self.invalidUTF8(bad) }
        if !utf8.isComplete { throw XMLScanError(message: "invalid UTF-8 (the part ends inside a character)", offset: consumed) }
    }

    private static func invalidUTF8(_ bad: (offset: Int, byte: UInt8)) -> XMLScanError {
        XMLScanError(message: String(format: "invalid UTF-8 (byte 0x%02X)", bad.byte), offset: bad.offset)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Scans `buffer`, keeping an incomplete construct at its end for the next chunk (`final`: there
    /// is none, so an incomplete construct is an error).
    private func scan(final: Bool) throws(XMLScanError) {
        // A bad character in bytes an earlier scan already passed (its lead byte could only be judged
        // once the next piece arrived) is reported before anything else, as in one piece it would be.
        if let bad = firstInvalid, bad.offset < consumed { throw Self.invalidUTF8(bad) }
        let n = buffer.count
        var kept = n
        var failure: XMLScanError?
        buffer.withUnsafeMutableBufferPointer { whole in
            let b = whole.baseAddress!
            var i = 0
            if atStart {
                if n < 3 && !final { kept = 0; return }
                atStart = false
                if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
                if n >= 2 && (b[0] == 0xFE && b[1] == 0xFF || b[0] == 0xFF && b[1] == 0xFE) {
                    failure = XMLScanError(message: "the part is UTF-16; only UTF-8 is read", offset: 0)
                    return
                }
            }
            do throws(XMLScanError) {
                while i < n && !stopped {
                    guard let next = try step(b, i, n, final: final) else { kept = i; return }
                    if let bad = firstInvalid, consumed + next > bad.offset { throw Self.invalidUTF8(bad) }
                    i = next
                }
                kept = i
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        if stopped { buffer = []; return }
        let left = n - kept
        if left > 0 && final {
            throw XMLScanError(message: "the part ends inside a tag, comment or text (a truncated part)", offset: consumed + kept)
        }
        buffer.removeFirst(kept)
        consumed += kept
        retryAt = left > 0 ? max(2 * left, minimumRetry) : 0
    }

    /// Scans the construct at `i`: returns where the next begins, or nil when it is incomplete.
    private func step(_ b: UnsafeMutablePointer<UInt8>, _ i: Int, _ n: Int, final: Bool) throws(XMLScanError) -> Int? {
        if b[i] != UInt8(ascii: "<") {
            let lt = Self.find(UInt8(ascii: "<"), b, i, n)
            if !handler.wantsText { return lt } // text not wanted: skipped, even without its '<' yet
            if lt == n && !final { return nil }
            let end = try decode(b, i, lt, offset: consumed)
            handler.text(UnsafeBufferPointer(start: b + i, count: end - i))
            return lt
        }
        guard i + 1 < n else { return nil }
        switch b[i + 1] {
        case UInt8(ascii: "/"): return try endTag(b, i, n)
        case UInt8(ascii: "?"):
            guard let close = Self.find("?>", b, i + 2, n) else { return nil }
            try declaration(b, i + 2, close)
            return close + 2
        case UInt8(ascii: "!"): return try markup(b, i, n)
        default: return try startTag(b, i, n)
        }
    }

    /// `<!-- -->`, `<![CDATA[ ]]>`; a DOCTYPE is refused.
    private func markup(_ b: UnsafeMutablePointer<UInt8>, _ i: Int, _ n: Int) throws(XMLScanError) -> Int? {
        func starts(_ s: StaticString) -> Bool? {
            let k = s.utf8CodeUnitCount
            guard i + k <= n else { return nil }
            return XMLTagName.equal(UnsafeBufferPointer(start: b + i, count: k), s)
        }
        guard let comment = starts("<!--") else { return nil }
        if comment {
            guard let close = Self.find("-->", b, i + 4, n) else { return nil }
            return close + 3
        }
        guard let cdata = starts("<![CDATA[") else { return nil }
        if cdata {
            guard let close = Self.find("]]>", b, i + 9, n) else { return nil }
            if handler.wantsText {
                let end = Self.normalizeLineEnds(b, i + 9, close)
                handler.text(UnsafeBufferPointer(start: b + i + 9, count: end - i - 9))
            }
            return close + 3
        }
        guard let doctype = starts("<!DOCTYPE") else { return nil }
        if doctype {
            throw XMLScanError(message: "a DOCTYPE declaration, which Office Open XML parts never have", offset: consumed + i)
        }
        throw XMLScanError(message: "a malformed <! construct", offset: consumed + i)
    }

    /// The XML declaration's encoding must be UTF-8 (or ASCII, a subset).
    private func declaration(_ b: UnsafeMutablePointer<UInt8>, _ from: Int, _ to: Int) throws(XMLScanError) {
        let text = String(decoding: UnsafeBufferPointer(start: b + from, count: to - from), as: UTF8.self)
        guard text.hasPrefix("xml"), text.dropFirst(3).first?.isWhitespace == true, let r = text.range(of: "encoding") else { return }
        let rest = text[r.upperBound...].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first else { return }
        let name = rest.dropFirst().prefix { $0 != quote }.lowercased()
        if !["utf-8", "utf8", "us-ascii", "ascii"].contains(name) {
            throw XMLScanError(message: "the part declares encoding \(name); only UTF-8 is read", offset: consumed + from)
        }
    }

    /// The name at `i` (up to a space, `/`, `>` or `=`), validated; nil when the buffer ends first.
    private func name(_ b: UnsafeMutablePointer<UInt8>, _ i: Int, _ n: Int) throws(XMLScanError) -> Int? {
        var j = i
        while j < n {
            let c = b[j]
            if Self.isSpace(c) || c == UInt8(ascii: "/") || c == UInt8(ascii: ">") || c == UInt8(ascii: "=") { break }
            if c == UInt8(ascii: "<") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: "&") {
                throw XMLScanError(message: "a malformed name", offset: consumed + j)
            }
            j += 1
        }
        if j == n { return nil }
        let first = b[i]
        if j == i || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") {
            throw XMLScanError(message: "a tag without a valid name", offset: consumed + i)
        }
        return j
    }

    private func startTag(_ b: UnsafeMutablePointer<UInt8>, _ i: Int, _ n: Int) throws(XMLScanError) -> Int? {
        guard let nameEnd = try name(b, i + 1, n) else { return nil }
        spans.removeAll(keepingCapacity: true)
        var j = nameEnd
        var empty = false
        while true {
            let spaced = j < n && Self.isSpace(b[j])
            while j < n && Self.isSpace(b[j]) { j += 1 }
            guard j < n else { return nil }
            if b[j] == UInt8(ascii: ">") { j += 1; break }
            if b[j] == UInt8(ascii: "/") {
                guard j + 1 < n else { return nil }
                guard b[j + 1] == UInt8(ascii: ">") else { throw XMLScanError(message: "'/' not followed by '>' in a tag", offset: consumed + j) }
                empty = true
                j += 2
                break
            }
            if !spaced { throw XMLScanError(message: "attributes not separated by white space", offset: consumed + j) }
            guard let attrEnd = try name(b, j, n) else { return nil }
            var k = attrEnd
            while k < n && Self.isSpace(b[k]) { k += 1 }
            guard k < n else { return nil }
            guard b[k] == UInt8(ascii: "=") else { throw XMLScanError(message: "an attribute without '=' and a value", offset: consumed + k) }
            k += 1
            while k < n && Self.isSpace(b[k]) { k += 1 }
            guard k < n else { return nil }
            let quote = b[k]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw XMLScanError(message: "an attribute value without quotes", offset: consumed + k)
            }
            let close = Self.find(quote, b, k + 1, n)
            guard close < n else { return nil }
            if Self.find(UInt8(ascii: "<"), b, k + 1, close) < close {
                throw XMLScanError(message: "'<' in an attribute value", offset: consumed + k)
            }
            spans.append((j - i, attrEnd - i, k + 1 - i, close - i))
            j = close + 1
        }
        // Values are decoded in place only now that the tag is whole (an incomplete one is scanned again).
        for s in spans.indices {
            let (ns, ne, vs, ve) = spans[s]
            spans[s] = (ns, ne, vs, try decode(b, i + vs, i + ve, offset: consumed, attribute: true) - i)
        }
        if rootClosed { throw XMLScanError(message: "content after the root element's end", offset: consumed + i) }
        sawRoot = true
        let tagName = XMLTagName(bytes: UnsafeBufferPointer(start: b + i + 1, count: nameEnd - i - 1))
        let keepGoing = handler.start(tagName, XMLAttributes(base: UnsafePointer(b + i), spans: spans[...]))
        if empty {
            handler.end(tagName)
            if openEnds.isEmpty { rootClosed = true }
        } else {
            openNames.append(contentsOf: tagName.bytes)
            openEnds.append(openNames.count)
        }
        if !keepGoing { stopped = true }
        return j
    }

    private func endTag(_ b: UnsafeMutablePointer<UInt8>, _ i: Int, _ n: Int) throws(XMLScanError) -> Int? {
        guard let nameEnd = try name(b, i + 2, n) else { return nil }
        var j = nameEnd
        while j < n && Self.isSpace(b[j]) { j += 1 }
        guard j < n else { return nil }
        guard b[j] == UInt8(ascii: ">") else { throw XMLScanError(message: "a malformed end tag", offset: consumed + i) }
        let tagName = XMLTagName(bytes: UnsafeBufferPointer(start: b + i + 2, count: nameEnd - i - 2))
        guard let top = openEnds.last else {
            throw XMLScanError(message: "end tag </\(tagName.string)> without a start tag", offset: consumed + i)
        }
        let start = openEnds.count > 1 ? openEnds[openEnds.count - 2] : 0
        var matches = top - start == tagName.bytes.count
        for k in 0..<tagName.bytes.count where matches && openNames[start + k] != tagName.bytes[k] { matches = false }
        guard matches else {
            let open = String(decoding: openNames[start..<top], as: UTF8.self)
            throw XMLScanError(message: "end tag </\(tagName.string)> does not match <\(open)>", offset: consumed + i)
        }
        openNames.removeLast(top - start)
        openEnds.removeLast()
        handler.end(tagName)
        if openEnds.isEmpty { rootClosed = true }
        return j + 1
    }

    /// Position of the first `byte` in b[from..<to], or `to`.
    private static func find(_ byte: UInt8, _ b: UnsafeMutablePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        guard from < to, let hit = memchr(b + from, Int32(byte), to - from) else { return to }
        return UnsafeMutableRawPointer(hit).assumingMemoryBound(to: UInt8.self) - b
    }

    /// Position of the first occurrence of `s` (2 or 3 ASCII bytes) in b[from..<to], or nil.
    private static func find(_ s: StaticString, _ b: UnsafeMutablePointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        let k = s.utf8CodeUnitCount, first = s.utf8Start[0]
        var j = from
        while true {
            j = find(first, b, j, to)
            if j + k > to { return nil }
            if XMLTagName.equal(UnsafeBufferPointer(start: b + j, count: k), s) { return j }
            j += 1
        }
    }

    /// CR LF and lone CR become LF, in place; returns the new end.
    private static func normalizeLineEnds(_ b: UnsafeMutablePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        var r = from, w = from
        while r < to {
            let c = b[r]
            if c == 0x0D {
                b[w] = 0x0A
                if r + 1 < to && b[r + 1] == 0x0A { r += 1 }
            } else {
                b[w] = c
            }
            r += 1; w += 1
        }
        return w
    }

    /// Decodes entities, character references and line ends of b[from..<to] in place (the result is
    /// never longer); returns its end. In an attribute value, tab, CR and LF become spaces.
    private func decode(_ b: UnsafeMutablePointer<UInt8>, _ from: Int, _ to: Int, offset: Int, attribute: Bool = false) throws(XMLScanError) -> Int {
        var r = from, w = from
        while r < to {
            let c = b[r]
            if c == UInt8(ascii: "&") {
                let semi = Self.find(UInt8(ascii: ";"), b, r + 1, min(to, r + 12))
                guard semi < to, b[semi] == UInt8(ascii: ";") else {
                    throw XMLScanError(message: "'&' not starting an entity (write &amp;)", offset: offset + r)
                }
                let entity = UnsafeBufferPointer(start: b + r + 1, count: semi - r - 1)
                var scalar: UInt32
                if XMLTagName.equal(entity, "lt") { scalar = 0x3C }
                else if XMLTagName.equal(entity, "gt") { scalar = 0x3E }
                else if XMLTagName.equal(entity, "amp") { scalar = 0x26 }
                else if XMLTagName.equal(entity, "quot") { scalar = 0x22 }
                else if XMLTagName.equal(entity, "apos") { scalar = 0x27 }
                else if entity.first == UInt8(ascii: "#"), let v = Self.characterReference(entity.dropFirst()) { scalar = v }
                else {
                    throw XMLScanError(message: "unknown entity &\(String(decoding: entity, as: UTF8.self));", offset: offset + r)
                }
                w = Self.putUTF8(scalar, b, w)
                r = semi + 1
                continue
            }
            if c == 0x0D {
                b[w] = attribute ? 0x20 : 0x0A
                if r + 1 < to && b[r + 1] == 0x0A { r += 1 }
            } else if attribute && (c == 0x09 || c == 0x0A) {
                b[w] = 0x20
            } else {
                b[w] = c
            }
            r += 1; w += 1
        }
        return w
    }

    /// Writes `scalar` as UTF-8 at b[w...]; returns the end.
    private static func putUTF8(_ scalar: UInt32, _ b: UnsafeMutablePointer<UInt8>, _ w: Int) -> Int {
        switch scalar {
        case ..<0x80:
            b[w] = UInt8(scalar)
            return w + 1
        case ..<0x800:
            b[w] = UInt8(0xC0 | scalar >> 6); b[w + 1] = UInt8(0x80 | scalar & 0x3F)
            return w + 2
        case ..<0x10000:
            b[w] = UInt8(0xE0 | scalar >> 12); b[w + 1] = UInt8(0x80 | scalar >> 6 & 0x3F); b[w + 2] = UInt8(0x80 | scalar & 0x3F)
            return w + 3
        default:
            b[w] = UInt8(0xF0 | scalar >> 18); b[w + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            b[w + 2] = UInt8(0x80 | scalar >> 6 & 0x3F); b[w + 3] = UInt8(0x80 | scalar & 0x3F)
            return w + 4
        }
    }

    /// `65` or `x41` -> 0x41; nil when malformed or not a character XML allows.
    private static func characterReference(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var digits = s[...]
        var radix: UInt32 = 10
        if digits.first == UInt8(ascii: "x") { radix = 16; digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var v: UInt32 = 0
        for d in digits {
            let x: UInt32
            switch d {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): x = UInt32(d - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: x = UInt32(d - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: x = UInt32(d - UInt8(ascii: "A")) + 10
            default: return nil
            }
            v = v * radix + x
            if v > 0x10FFFF { return nil }
        }
        let allowed = v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000
        return allowed ? v : nil
    }
}

/// A UTF-8 check fed consecutive pieces of one text (a character may be split between two): well-formed
/// sequences only (no overlong forms, no surrogates, nothing above U+10FFFF), as RFC 3629.
struct UTF8Validator {
    /// Continuation bytes the current character still needs, and the range the next one must lie in.
    private var needed = 0
    private var low: UInt8 = 0x80, high: UInt8 = 0xBF
    /// The current character's first byte, and how many bytes of it came before.
    private var lead: UInt8 = 0
    private var taken = 0

    /// Whether no character is left unfinished.
    var isComplete: Bool { needed == 0 }

    /// Checks `b[from..<to]`, continuing the last piece: nil when well-formed so far, else the first
    /// byte of the first bad character and its index (below `from` when it began in an earlier piece).
    mutating func check(_ b: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> (index: Int, byte: UInt8)? {
        var i = from
        while i < to {
            if needed > 0 {
                guard b[i] >= low && b[i] <= high else { return (i - taken, lead) }
                needed -= 1
                taken += 1
                (low, high) = (0x80, 0xBF)
                i += 1
                continue
            }
            // ASCII, 8 bytes at a time.
            while i + 8 <= to, UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < to else { break }
            switch b[i] {
            case 0x00...0x7F: break
            case 0xC2...0xDF: needed = 1
            case 0xE0: (needed, low) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE, 0xEF: needed = 2
            case 0xED: (needed, high) = (2, 0x9F)
            case 0xF0: (needed, low) = (3, 0x90)
            case 0xF1...0xF3: needed = 3
            case 0xF4: (needed, high) = (3, 0x8F)
            default: return (i, b[i])
            }
            (lead, taken) = (b[i], 1)
            i += 1
        }
        return nil
    }
}
