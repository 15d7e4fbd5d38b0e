// CSVChunkParser.swift — the hot loop of the CSV reader: parses the records of one byte range
// (a chunk) into typed 8-byte slots, inferring each column's type as it goes.
//
// Contract:
// - Input: a chunk [start, end) that begins at a record boundary, the shared settings, and for every
//   column a slot pointer with room for `rowCapacity` rows (one UInt64 per cell: an Int64 or Double
//   bit pattern, 0/1, days, or a chunk-local text code). Every parsed row writes every column's slot
//   (0 under a missing cell), so rows [0, rows) are fully initialised afterwards.
// - Records are parsed while the record start is < end; a record may run past `end` only inside a
//   quoted field, and the driver then sees `stoppedAt != end` and re-parses the file in one piece.
//   Parsing also stops (with `overflow`) when a record would exceed `rowCapacity`.
// - Types: each column starts at the driver's guess and moves up the lattice
//   unknown < {boolean, integer < real, date} < text as cells demand (a `.skip` column stays so) (integer+real = real; any other
//   mix = text). integer -> real converts the rows already written in place; X -> text re-scans the
//   chunk's earlier records for that column (`rescanAsText`), which is rare and at most once per
//   column per chunk. Missing cells go to a per-chunk bit mask allocated on first use.
// - Missing: in a non-text column a cell is missing when it is empty after trimming blanks or is an
//   NA token; in a text column only when it is an NA token (so `""` must be a token for empty text to
//   be missing). Quoted content is compared like unquoted content (R's read.csv treats "NA" as NA).
// - Each kind has a fast path straight from the bytes (numbers, unquoted and simply quoted text,
//   dates, booleans); anything unusual (doubled quotes, newlines in quotes, blanks before a date,
//   NA tokens in a numeric column, type changes) goes through `slowField`, which tokenizes fully.
// - Errors (wrong field count, unterminated quote) stop the chunk and are stored in `chunk.error`
//   with the record's first physical line (the quote's line for an unterminated quote).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SurvivalStats

enum CellKind: UInt8, Sendable {
    case unknown = 0, boolean, integer, real, date, text
    /// A column `cols=` leaves out: its fields are tokenized (quotes and all) and nothing is stored;
    /// it never changes kind.
    case skip

    /// Least upper bound in the type lattice.
    static func join(_ a: CellKind, _ b: CellKind) -> CellKind {
        if a == b { return a }
        if a == .unknown { return b }
        if b == .unknown { return a }
        if (a == .integer && b == .real) || (a == .real && b == .integer) { return .real }
        return .text
    }
}

/// 8-byte cells written through a raw pointer (the memory belongs to a [Double] or [Int64]).
struct SlotPointer {
    let raw: UnsafeMutableRawPointer

    @inline(__always)
    subscript(_ i: Int) -> UInt64 {
        get { raw.load(fromByteOffset: i &<< 3, as: UInt64.self) }
        nonmutating set { raw.storeBytes(of: newValue, toByteOffset: i &<< 3, as: UInt64.self) }
    }
}

struct CSVColumnState {
    var kind: CellKind
    var slots: SlotPointer
    var mask: UnsafeMutablePointer<UInt64>?
    var dict: ByteDictionary
    /// A text column's short values seen lately and their codes (allocated on first use).
    var recent = RecentShortText()
    /// A column known to be text from the start (`narrowText`): its chunk-local codes go here, 4
    /// bytes each in the column's final array, instead of to `slots`.
    var codes: UnsafeMutablePointer<UInt32>? = nil

    /// Stores a text cell's chunk-local code (0 for a missing cell).
    @inline(__always)
    func setCode(_ row: Int, _ code: UInt64) {
        if let codes {
            codes[row] = UInt32(truncatingIfNeeded: code)
        } else {
            slots[row] = code
        }
    }
}

/// The codes of a text column's short values (1-7 bytes) stored lately, in a small direct-mapped
/// table keyed by the value's bytes and length: a hit skips the NA-token test and the dictionary's
/// hash and probe, which took about 8% of a 10^7-row load with two columns of 3 and 5 levels (the
/// NA test also compared every 2-byte value with "NA"). Only values that were interned (so are no
/// NA token) enter it, so a hit stores exactly what the slow path would.
struct RecentShortText {
    static let size = 64
    /// keys[0..<size] then codes[0..<size]; a key is 0 for an empty entry (a real key holds its length).
    var entries: UnsafeMutablePointer<UInt64>? = nil

    /// The bytes of `p[0..<n]` (1 <= n <= 7; 8 bytes readable at `p`) and `n` in the top byte.
    @inline(__always)
    static func key(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        return word & ((1 &<< UInt64(n &<< 3)) &- 1) | UInt64(n) &<< 56
    }

    @inline(__always)
    static func index(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> 58) }

    @inline(__always)
    func code(_ key: UInt64, at i: Int) -> UInt64? {
        guard let e = entries, e[i] == key else { return nil }
        return e[RecentShortText.size &+ i]
    }

    mutating func remember(_ key: UInt64, code: UInt64, at i: Int) {
        if entries == nil {
            let e = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * RecentShortText.size)
            e.initialize(repeating: 0, count: 2 * RecentShortText.size)
            entries = e
        }
        entries![i] = key
        entries![RecentShortText.size &+ i] = code
    }

    func deallocate() { entries?.deallocate() }
}

/// Read-only settings shared by all chunks of one file.
struct CSVSettings {
    let fileName: String
    let delimiter: UInt8
    let blanks: Blanks
    let columnCount: Int
    var bufferEnd: UnsafePointer<UInt8>
    let na: NATokenSet
    /// Some NA token would otherwise parse as a number, boolean or date (e.g. `-99`).
    let valueLikeNA: Bool
    let powers: FastNumber.PowerTables
    /// Releases parsed parts of a file mapping.
    let pages: PageDropper
    /// Polled every `Cancellation.stride` records of each chunk; a chunk stops early when it fires.
    let cancel: Cancellation
    /// Told the rows and bytes of each chunk parsed (a progress line).
    var progress: LoadProgress? = nil
    /// Set only when the records are known well formed and free of quotes (a lazy table, checked at
    /// load): the rest of a record after this column, all skipped, is jumped over to its newline.
    var lastColumnRead = Int.max
    /// The last column read when `cols=` leaves out every column after it (else Int.max): the rest of
    /// each record is checked a word at a time (`ByteWords.recordEnd`) instead of field by field.
    var lastKeptColumn = Int.max
    /// A lazy load's type scan, which keeps no value: a number field of a plain shape is only tested
    /// (`NumberShape`), not converted, and a column already text skips its fields unstored.
    var typesOnly = false
    /// A type scan of a file whose NA tokens look like no number, and either without quote characters
    /// or cut where no quoted field has a newline (`plainQuotes`): whole plain records are taken by
    /// `scanPlainRecords` (CSVChunkParser+Types.swift).
    var plainTypeScan = false
    /// The data may hold quote characters: `scanPlainRecords` then takes a text or skipped field
    /// quoted without a quote or newline inside, and leaves one that starts with a blank to the
    /// general loop (the tokenizer reads `  "a,b"` as quoted).
    var plainQuotes = false
}

/// One chunk: its byte range, where its rows go, and (after parsing) its columns' state.
/// Owns the column states' masks and dictionaries.
final class CSVChunk: @unchecked Sendable {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    let rowCapacity: Int
    /// Row index of this chunk's first slot in the column arrays.
    let rowOffset: Int
    let firstLine: Int
    let columnCount: Int
    let columns: UnsafeMutablePointer<CSVColumnState>
    var rows = 0
    var stoppedAt: UnsafePointer<UInt8>
    var overflow = false
    var error: DataReadError?
    /// Newlines this chunk's records hold inside quoted fields: a chunk cut at a newline without
    /// knowing the quotes (`CSVReader.newlineCutScan`) was cut at record boundaries only if no chunk
    /// has any (see there).
    var quotedNewlines = 0

    /// `narrowText`: the columns of kind `.text` have 4-byte code slots (`CSVReader.SlotType.codes`).
    init(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, rowCapacity: Int, rowOffset: Int, firstLine: Int,
         slotBases: UnsafePointer<UnsafeMutableRawPointer>, kinds: [CellKind], narrowText: Bool = false) {
        self.start = start
        self.end = end
        self.rowCapacity = rowCapacity
        self.rowOffset = rowOffset
        self.firstLine = firstLine
        self.stoppedAt = start
        columnCount = kinds.count
        columns = .allocate(capacity: max(kinds.count, 1))
        for c in 0..<kinds.count {
            let narrow = narrowText && kinds[c] == .text
            (columns + c).initialize(to: CSVColumnState(
                kind: kinds[c], slots: SlotPointer(raw: slotBases[c] + rowOffset &<< (narrow ? 2 : 3)), mask: nil, dict: ByteDictionary()))
            if narrow { columns[c].codes = (slotBases[c] + rowOffset &<< 2).assumingMemoryBound(to: UInt32.self) }
        }
    }

    deinit {
        for c in 0..<columnCount {
            columns[c].mask?.deallocate()
            columns[c].dict.deallocate()
            columns[c].recent.deallocate()
        }
        columns.deinitialize(count: columnCount)
        columns.deallocate()
    }

    var maskWordCount: Int { (rowCapacity + 63) >> 6 }
}

struct CSVChunkParser {
    let settings: CSVSettings
    let chunk: CSVChunk
    let columns: UnsafeMutablePointer<CSVColumnState>
    var tokenizer: CSVTokenizer
    /// A second tokenizer for re-scans, whose scratch does not clobber the current cell's content.
    var rescanTokenizer: CSVTokenizer

    init(settings: CSVSettings, chunk: CSVChunk) {
        self.settings = settings
        self.chunk = chunk
        columns = chunk.columns
        tokenizer = CSVTokenizer(delimiter: settings.delimiter, bufferEnd: settings.bufferEnd)
        rescanTokenizer = CSVTokenizer(delimiter: settings.delimiter, bufferEnd: settings.bufferEnd)
    }

    func deallocate() {
        tokenizer.deallocate()
        rescanTokenizer.deallocate()
    }

    // MARK: - Cells

    @inline(__always)
    func setMissing(_ col: UnsafeMutablePointer<CSVColumnState>, _ row: Int) {
        col.pointee.setCode(row, 0)
        if col.pointee.mask == nil {
            let words = chunk.maskWordCount
            let m = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
            m.initialize(repeating: 0, count: words)
            col.pointee.mask = m
        }
        col.pointee.mask![row &>> 6] |= 1 &<< UInt64(row & 63)
    }

    /// Stores a cell of a text column (missing when it is an NA token).
    @inline(__always)
    func storeText(_ col: UnsafeMutablePointer<CSVColumnState>, _ row: Int, _ p: UnsafePointer<UInt8>, _ n: Int) {
        if settings.na.matches(p, n) {
            setMissing(col, row)
        } else {
            col.pointee.setCode(row, UInt64(col.pointee.dict.intern(p, n)))
        }
    }

    /// `storeText` for a cell inside the input buffer (8 bytes readable from `p` when it is short),
    /// through the column's recent short values first.
    @inline(__always)
    func storeBufferText(_ col: UnsafeMutablePointer<CSVColumnState>, _ row: Int, _ p: UnsafePointer<UInt8>, _ n: Int) {
        guard UInt(bitPattern: n &- 1) < 7, settings.bufferEnd - p >= 8 else { return storeText(col, row, p, n) }
        let key = RecentShortText.key(p, n)
        let i = RecentShortText.index(key)
        if let code = col.pointee.recent.code(key, at: i) {
            col.pointee.setCode(row, code)
            return
        }
        if settings.na.matches(p, n) { return setMissing(col, row) }
        let code = UInt64(col.pointee.dict.intern(p, n))
        col.pointee.setCode(row, code)
        col.pointee.recent.remember(key, code: code, at: i)
    }

    /// Classifies a non-text cell: `.unknown` means missing; otherwise the kind and slot bits.
    func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> (CellKind, UInt64) {
        var a = p
        var m = n
        while m > 0 && tokenizer.isBlank(a[0]) {
            a += 1
            m -= 1
        }
        while m > 0 && tokenizer.isBlank(a[m - 1]) { m -= 1 }
        if m == 0 || settings.na.matchesTrimmed(a, m) { return (.unknown, 0) }
        let num = FastNumber.scanDecimal(at: a, powers: settings.powers)
        if num.kind != .none && num.end == a + m {
            return (num.kind == .integer ? .integer : .real, num.bits)
        }
        if let x = FastNumber.scanSpecialReal(a, m) { return (.real, x.bitPattern) }
        if let b = FastNumber.scanBoolean(a, m) { return (.boolean, b ? 1 : 0) }
        if let d = FastNumber.scanISODate(a, m) { return (.date, UInt64(bitPattern: d)) }
        return (.text, 0)
    }

    // MARK: - Main loop

    mutating func run() {
        let delim = settings.delimiter
        let ncol = settings.columnCount
        let last = ncol - 1
        let end = chunk.end
        let capacity = chunk.rowCapacity
        let columns = self.columns
        let powers = settings.powers
        let blanks = settings.blanks
        let checkValueNA = settings.valueLikeNA
        let tail = settings.lastColumnRead
        let keptEnd = settings.lastKeptColumn
        let bufferEnd = settings.bufferEnd
        let typesOnly = settings.typesOnly
        let plainScan = settings.plainTypeScan
        var plainMisses = 0
        var p = chunk.start
        var row = 0
        var line = chunk.firstLine
        defer {
            chunk.rows = row
            chunk.stoppedAt = p
        }
        @inline(__always) func blank(_ b: UInt8) -> Bool { blanks.contains(b) }
        @inline(__always) func terminates(_ e: UnsafePointer<UInt8>) -> Bool {
            let x = e.pointee
            return x == delim || x == asciiLF || (x == asciiCR && e[1] == asciiLF)
        }

        records: while p < end {
            // (a file whose records are seldom plain stops trying after a few records)
            if plainScan && plainMisses < 64 {
                let before = row
                scanPlainRecords(&p, &row, &line)
                if row == before { plainMisses += 1 }
                if p >= end { break }
            }
            let first = p.pointee
            if first == asciiLF {
                p += 1
                line += 1
                continue
            }
            if first == asciiCR && p[1] == asciiLF {
                p += 2
                line += 1
                continue
            }
            if row == capacity {
                chunk.overflow = true
                break
            }
            if settings.cancel.stops(at: row) { break }
            let recordLine = line
            var c = 0
            while true {
                let col = columns + c
                var t: UnsafePointer<UInt8>? = nil
                let b = p.pointee
                switch col.pointee.kind {
                case .real, .integer:
                    if b == delim || b == asciiLF {
                        setMissing(col, row)
                        t = p
                        break
                    }
                    if typesOnly && bufferEnd - p >= 16 {
                        // the slot is scratch: a finite stand-in, so the scan counts no NaN or Inf
                        if let n = NumberShape.of(p, delimiter: delim).length(in: col.pointee.kind), terminates(p + n),
                           !(checkValueNA && settings.na.matchesTrimmed(p, n)) {
                            col.pointee.slots[row] = 0
                            t = p + n
                            break
                        }
                    }
                    var q = p
                    while blank(q.pointee) { q += 1 }
                    let num = FastNumber.scanDecimal(at: q, powers: powers)
                    if num.kind == .none { break }
                    var e = num.end
                    while blank(e.pointee) { e += 1 }
                    if !terminates(e) { break }
                    if checkValueNA && settings.na.matchesTrimmed(q, num.end - q) { break }
                    if col.pointee.kind == .real {
                        col.pointee.slots[row] = num.kind == .real
                            ? num.bits : Double(Int64(bitPattern: num.bits)).bitPattern
                    } else {
                        if num.kind != .integer { break }
                        col.pointee.slots[row] = num.bits
                    }
                    t = e
                case .text:
                    if b == asciiQuote {
                        // "simple quoted" (R's write.csv): no doubled quote, no newline inside.
                        var e = p + 1
                        while true {
                            let x = e.pointee
                            if x == asciiQuote || x == asciiLF { break }
                            e += 1
                        }
                        if e.pointee != asciiQuote || !terminates(e + 1) { break }
                        storeBufferText(col, row, p + 1, e - p - 1)
                        t = e + 1
                        break
                    }
                    if blank(b) { break }
                    let e = ByteWords.firstStop(from: p, before: bufferEnd, delimiter: delim)
                    if !terminates(e) { break }
                    // (a text column stays text whatever its cells: the type scan need not keep them)
                    if !typesOnly { storeBufferText(col, row, p, e - p) }
                    t = e
                case .date:
                    if b == delim || b == asciiLF {
                        setMissing(col, row)
                        t = p
                        break
                    }
                    if settings.bufferEnd - p < 11 { break }
                    guard let d = FastNumber.scanISODate(p, 10) else { break }
                    var e = p + 10
                    while blank(e.pointee) { e += 1 }
                    if !terminates(e) { break }
                    if checkValueNA && settings.na.matchesTrimmed(p, 10) { break }
                    col.pointee.slots[row] = UInt64(bitPattern: d)
                    t = e
                case .boolean:
                    if b == delim || b == asciiLF {
                        setMissing(col, row)
                        t = p
                        break
                    }
                    let e = tokenizer.unquotedEnd(p)
                    guard let v = FastNumber.scanBoolean(p, e - p) else { break }
                    if checkValueNA && settings.na.matchesTrimmed(p, e - p) { break }
                    col.pointee.slots[row] = v ? 1 : 0
                    t = e
                case .skip:
                    // unquoted: to the next stop byte; anything else through slowField
                    let e = ByteWords.firstStop(from: p, before: bufferEnd, delimiter: delim)
                    if terminates(e) { t = e }
                case .unknown:
                    break
                }
                if t == nil {
                    let before = line
                    t = slowField(c, p, row, &line)
                    // (the tokenizer counts the newlines inside a quoted field; the record's own is counted below)
                    chunk.quotedNewlines &+= line &- before
                    if t == nil {
                        chunk.error = DataReadError(
                            file: settings.fileName, line: line, column: c + 1,
                            message: "unterminated quoted field (the quote opened on this line is never closed)")
                        break records
                    }
                }
                let stop = t!
                let x = stop.pointee
                if x == delim {
                    if c == tail {
                        // (the sentinel newline at bufferEnd - 1 ends the search)
                        let lf = memchr(stop, Int32(asciiLF), settings.bufferEnd - stop)!
                        p = UnsafePointer(lf.assumingMemoryBound(to: UInt8.self)) + 1
                        line += 1
                        break
                    }
                    if c == keptEnd, let e = ByteWords.recordEnd(from: stop + 1, fields: last - c, before: bufferEnd, delimiter: delim) {
                        p = e.pointee == asciiCR ? e + 2 : e + 1
                        line += 1
                        break
                    }
                    if c == last {
                        let total = ncol + countRemainingFields(stop + 1)
                        chunk.error = DataReadError(
                            file: settings.fileName, line: recordLine, column: ncol + 1,
                            message: "row has \(total) fields, expected \(ncol)")
                        break records
                    }
                    p = stop + 1
                    c += 1
                    continue
                }
                p = x == asciiCR ? stop + 2 : stop + 1
                line += 1
                if c != last {
                    chunk.error = DataReadError(
                        file: settings.fileName, line: recordLine, column: c + 2,
                        message: "row has \(c + 1) field\(c == 0 ? "" : "s"), expected \(ncol)")
                    break records
                }
                break
            }
            row += 1
        }
    }

    /// Fields after a delimiter up to the end of the record (for the "too many fields" message).
    private mutating func countRemainingFields(_ from: UnsafePointer<UInt8>) -> Int {
        var p = from
        var n = 1
        var line = 0
        while let f = tokenizer.field(at: p, line: &line) {
            if f.end.pointee != settings.delimiter { break }
            n += 1
            p = f.end + 1
        }
        return n
    }

    // MARK: - Slow path

    /// Tokenizes and stores one cell whatever its form; handles type changes. Returns the field's
    /// terminator, or nil for an unterminated quote (`line` then still is the quote's line).
    @inline(never)
    mutating func slowField(_ c: Int, _ p: UnsafePointer<UInt8>, _ row: Int, _ line: inout Int) -> UnsafePointer<UInt8>? {
        guard let f = tokenizer.field(at: p, line: &line) else { return nil }
        let col = columns + c
        if col.pointee.kind == .skip { return f.end }
        if col.pointee.kind == .text {
            storeText(col, row, f.start, f.count)
            return f.end
        }
        let (k, bits) = classify(f.start, f.count)
        if k == .unknown {
            setMissing(col, row)
            return f.end
        }
        let current = col.pointee.kind
        if current == k {
            col.pointee.slots[row] = bits
        } else if current == .unknown {
            if k == .text {
                // Earlier rows are all missing; they stay missing under the text rule only if "" is a token.
                if !settings.na.containsEmpty && row > 0 { rescanAsText(c, rows: row) }
                col.pointee.kind = .text
                storeText(col, row, f.start, f.count)
            } else {
                col.pointee.kind = k
                col.pointee.slots[row] = bits
            }
        } else if current == .integer && k == .real {
            convertIntegerToReal(col, rows: row)
            col.pointee.kind = .real
            col.pointee.slots[row] = bits
        } else if current == .real && k == .integer {
            col.pointee.slots[row] = Double(Int64(bitPattern: bits)).bitPattern
        } else {
            rescanAsText(c, rows: row)
            col.pointee.kind = .text
            storeText(col, row, f.start, f.count)
        }
        return f.end
    }

    func convertIntegerToReal(_ col: UnsafeMutablePointer<CSVColumnState>, rows: Int) {
        let s = col.pointee.slots
        for r in 0..<rows {
            s[r] = Double(Int64(bitPattern: s[r])).bitPattern
        }
    }

    /// Re-reads column `c` of this chunk's first `rows` records as text (codes into the column's
    /// dictionary, missing = NA token), replacing what was stored.
    mutating func rescanAsText(_ c: Int, rows: Int) {
        let col = columns + c
        if let mask = col.pointee.mask {
            mask.update(repeating: 0, count: chunk.maskWordCount)
        }
        let delim = settings.delimiter
        var p = chunk.start
        var row = 0
        var line = 0
        while row < rows {
            let first = p.pointee
            if first == asciiLF {
                p += 1
                continue
            }
            if first == asciiCR && p[1] == asciiLF {
                p += 2
                continue
            }
            var field = 0
            while true {
                // These records were parsed before, so every quote closes.
                guard let f = rescanTokenizer.field(at: p, line: &line) else { return }
                if field == c { storeText(col, row, f.start, f.count) }
                if f.end.pointee == delim {
                    p = f.end + 1
                    field += 1
                    continue
                }
                p = rescanTokenizer.skipTerminator(f.end)
                break
            }
            row += 1
        }
    }
}
