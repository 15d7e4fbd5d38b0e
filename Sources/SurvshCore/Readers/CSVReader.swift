// CSVReader.swift — delimited text (CSV, TSV, semicolon, pipe) into typed columns.
//
// Contract:
// - Input: a path (relative to the process's working directory) or bytes. UTF-8 with or without BOM;
//   LF or CRLF line ends; the last line may lack its newline. Header row required: names are kept as
//   written (`ph.ecog`) minus surrounding blanks; an empty name becomes `V<k>` (k = column number);
//   duplicates are made unique as R's `make.unique` does (`x`, `x.1`, ...), with a warning.
// - Delimiter: `ReadOptions.delimiter`, else sniffed: among `,` TAB `;` `|`, the one that occurs
//   outside quotes the same nonzero number of times on each of the first lines; ties go to the
//   extension's delimiter (.csv comma, .tsv/.tab tab), then to that order.
// - Quoting: RFC 4180 (see CSVTokenizer.swift). Blank lines are skipped (R's blank.lines.skip).
// - Types per column, decided over all rows: integer (every value an Int64), real (decimals,
//   exponents, `.5`, `5.`, Inf/-Inf/NaN; integers mixed with reals), boolean (TRUE/FALSE/true/false),
//   date (valid YYYY-MM-DD), otherwise text (dictionary-encoded, levels in first-seen order).
//   Blanks around numbers, booleans and dates are ignored; text is kept as written. A column whose
//   cells are all missing is read as `real` (R would say logical) with a warning.
//   Missing values: see ReadOptions.naTokens and CSVChunkParser.swift.
// - Errors: `DataReadError` with the file name, the 1-based physical line where the bad record
//   starts (the quote's line for an unterminated quote) and the 1-based field number: wrong number of
//   fields, unterminated quote, empty file, binary or non-UTF-8 file (NUL or invalid UTF-8 in the first
//   64 KiB), missing file, directory, unreadable file.
//
// Speed (the design): the file is memory-mapped (private, with one spare byte that holds a newline
// sentinel, so inner loops need no bounds checks); cells are parsed from bytes straight into typed
// 8-byte slots of the final column arrays (no String per cell; numbers by FastNumber's Clinger fast
// path). The data is cut into chunks at record boundaries — any newline when the file has no quote
// character, otherwise the first newline at even quote parity (a parallel quote-count prescan) —
// and the chunks are parsed in parallel (DispatchQueue.concurrentPerform). A chunk parse that does not
// end exactly where the next chunk starts (possible only with RFC-invalid stray quotes) makes the
// reader parse the whole file again in one piece, so the result never depends on the split.
// Per-chunk types are joined afterwards: integer chunks of a real column are converted in place,
// non-text chunks of a text column re-scanned, and text levels merged with code remapping.
// Files: CSVReader.swift (API, delimiter, names), CSVPrelude.swift (header, settings, columns),
// CSVReader+Chunks.swift (the parallel part), CSVReader+Stream.swift (gzip text parsed while
// inflated), CSVChunkParser.swift (hot loop), CSVTokenizer.swift (fields, quoting, NA tokens),
// FastNumber.swift (numbers, dates, booleans), ByteDictionary.swift (text levels), ByteScan.swift
// (newline/quote counting, UTF-8 check), InputBuffer.swift (memory map).

/// Internal knobs, for tests and benchmarks.
struct CSVTuning: Sendable {
    /// Data smaller than this is parsed as one chunk.
    var parallelMinimumBytes = 1 << 20
    var chunksPerCore = 4
    var minimumChunkBytes = 256 << 10
    /// Tests: cut the data into exactly this many tentative chunks, whatever its size.
    var forcedChunkCount: Int?
    /// Tests: skip the split and parse in one piece.
    var singleChunk = false
    /// Bytes of data parsed up front to guess column types (which array type to allocate).
    var sampleBytes = 1 << 16
    /// Up to this many columns, slots are the final arrays (allocated nested, no copy); above it,
    /// slots are raw memory copied into arrays at the end.
    var maxNestedColumns = 256
    /// Defaults to the number of online processors.
    var threads: Int?
    /// Tests: the bytes of memory a load may take; nil = what the system has available now.
    var memoryBudget: UInt64?
    /// gzip pipeline (CSVReader+Stream.swift): inflated bytes needed before parsing starts (the
    /// first buffer, at least 64 KiB; smaller text is parsed whole), and the text in each later buffer
    /// of the ring (one chunk each).
    var streamStartBytes = 4 << 20
    var streamSegmentBytes = 4 << 20
    /// Output bytes per inflate call (how often Ctrl-C is polled while inflating).
    var inflateStepBytes = 4 << 20
    /// A lazy load's scan (CSVReader+Lazy.swift): bytes of text per chunk, whose cells go to scratch slots.
    var scanChunkBytes = 2 << 20
    /// A lazy load's scan: data bytes searched for a newline inside a quoted field up front; one there
    /// sends the scan to the counting plan at once (`CSVReader.newlineCutScan` would find it and start over).
    var quotedNewlineProbeBytes = 64 << 10

    static let standard = CSVTuning()
}

public enum CSVReader: TableReader {
    public static let formatName = "CSV/TSV"
    public static let fileExtensions = ["csv", "tsv", "tab", "txt"]
    /// The columns `cols=` leaves out are skipped while parsing: no slots, no type inference, no memory.
    public static let selectsColumns = true

    /// Reads the delimited-text file at `path` (relative to the process's working directory).
    public static func read(path: String, options: ReadOptions = ReadOptions()) throws(DataReadError) -> TableReadResult {
        try read(path: path, options: options, tuning: .standard)
    }

    /// Reads delimited text held in memory; `name` is used in messages and for the extension.
    public static func read(bytes: [UInt8], name: String = "<memory>", options: ReadOptions = ReadOptions()) throws(DataReadError) -> TableReadResult {
        try read(bytes: bytes, name: name, options: options, tuning: .standard)
    }

    static func read(path: String, options: ReadOptions, tuning: CSVTuning) throws(DataReadError) -> TableReadResult {
        let input = try InputBuffer.openFile(path: path)
        return try parse(input, name: path, options: options, tuning: tuning)
    }

    static func read(bytes: [UInt8], name: String, options: ReadOptions, tuning: CSVTuning) throws(DataReadError) -> TableReadResult {
        let input = bytes.withUnsafeBytes { InputBuffer.copying($0) }
        return try parse(input, name: name, options: options, tuning: tuning)
    }

    // MARK: - Driver

    /// `delimiterName`: the name whose extension suggests the delimiter when it is not `name`
    /// (the file inside a compressed one).
    /// `keep`: the file columns to read, instead of `options.columns` (a lazy table's columns);
    /// `checked`: the chunk plan of a lazy load's scan, which found the data well formed and every
    /// newline a record's end: it is reused, and each record is read only up to its last kept column;
    /// `finite`: per file column, a real column that scan found free of NaN and Inf (not looked for again).
    static func parse(_ input: InputBuffer, name: String, delimiterName: String? = nil, options: ReadOptions, keep: [Bool]? = nil,
                      checked: ChunkPlan? = nil, finite: [Bool]? = nil, tuning: CSVTuning) throws(DataReadError) -> TableReadResult {
        let prelude = try CSVPrelude(input.bytes, count: input.count, pages: input.pageDropper, name: name, delimiterName: delimiterName,
                                     options: options, keep: keep)
        if let last = prelude.keep.lastIndex(of: true) {
            if checked != nil { prelude.settings.lastColumnRead = last }
            if last < prelude.keep.count - 1 { prelude.settings.lastKeptColumn = last }
        }
        let settings = prelude.settings
        let guess = guessKinds(settings: settings, dataStart: prelude.dataStart, initial: prelude.initialKinds, tuning: tuning)
        let plan = checked.map { $0.merged(into: (tuning.threads ?? processorCount()) * tuning.chunksPerCore) }
            ?? planChunks(settings: settings, dataStart: prelude.dataStart, tuning: tuning)
        let table = try parseData(settings: settings, plan: plan, guess: guess, dataStart: prelude.dataStart,
                                  dataFirstLine: prelude.dataFirstLine, tuning: tuning)
        return try prelude.result(table, finite: finite)
    }

    /// Whether any value is NaN or ±Inf: branch-free over blocks of 4096 (vectorized), stopping after
    /// the first block with a hit.
    static func containsNonFinite(_ v: [Double]) -> Bool {
        v.withUnsafeBufferPointer { b in
            var start = 0
            while start < b.count {
                let end = min(start + 4096, b.count)
                // exponent bits all ones (Inf, NaN) <=> adding one to the exponent sets bit 63
                var hits: UInt64 = 0
                for i in start..<end { hits |= (b[i].bitPattern & 0x7FF0_0000_0000_0000) &+ 0x0010_0000_0000_0000 }
                if hits & (1 << 63) != 0 { return true }
                start = end
            }
            return false
        }
    }

    /// `NaN` cells become missing (R's is.na(NaN) is TRUE, and every analysis drops them); `Inf` and
    /// `-Inf` stay (R reads them), with a warning, since analyses refuse them (Column.requireFinite).
    static func nonFiniteCells(_ v: [Double], column: String, missing: inout MissingMask, warnings: inout [String]) {
        var nan = 0, inf = 0, firstInf = 0
        v.withUnsafeBufferPointer { p in
            for i in 0..<p.count where !p[i].isFinite && !missing[i] {
                if p[i].isNaN { missing[i] = true; nan += 1 } else { if inf == 0 { firstInf = i }; inf += 1 }
            }
        }
        warnings += nonFiniteWarnings(column: column, nan: nan, inf: inf, firstInf: firstInf)
    }

    /// The warnings about a real column's NaN cells (read as missing) and Inf cells (0-based row of the first).
    static func nonFiniteWarnings(column: String, nan: Int, inf: Int, firstInf: Int) -> [String] {
        var warnings: [String] = []
        if nan > 0 { warnings.append("column '\(column)': \(plural(nan, "NaN cell")) read as missing") }
        if inf > 0 {
            warnings.append("column '\(column)' holds \(plural(inf, "infinite value")) (Inf or -Inf; the first in row \(firstInf + 1)), which analyses refuse")
        }
        return warnings
    }

    /// The warning about a column whose cells are all missing.
    static func allMissingWarning(_ column: String) -> String { "column '\(column)' has no non-missing values; read as real" }

    // MARK: - Delimiter and names

    static func preferredDelimiter(forName name: String) -> UInt8? {
        let lastComponent = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = lastComponent.lastIndex(of: ".") else { return nil }
        switch lastComponent[lastComponent.index(after: dot)...].lowercased() {
        case "csv": return 0x2C
        case "tsv", "tab": return asciiTab
        default: return nil
        }
    }

    static func formatName(delimiter: UInt8) -> String {
        switch delimiter {
        case 0x2C: return "CSV (comma)"
        case asciiTab: return "TSV (tab)"
        case 0x3B: return "CSV (semicolon)"
        case 0x7C: return "delimited text (pipe)"
        default:
            let shown = delimiter >= 0x20 && delimiter < 0x7F ? String(UnicodeScalar(delimiter)) : "0x" + String(delimiter, radix: 16)
            return "delimited text ('\(shown)')"
        }
    }

    /// Counts candidate delimiters outside quotes on the first records (up to 64 KiB, 100 records).
    static func sniffDelimiter(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, preferred: UInt8?) -> UInt8 {
        let candidates: [UInt8] = [0x2C, asciiTab, 0x3B, 0x7C]
        let limit = end - start > 1 << 16 ? start + (1 << 16) : end
        var records: [[Int]] = []
        var counts = [0, 0, 0, 0]
        var inQuote = false
        var hasContent = false
        var q = start
        while q < limit && records.count < 100 {
            let b = q.pointee
            if b == asciiQuote {
                inQuote.toggle()
            } else if !inQuote {
                if b == asciiLF {
                    if hasContent { records.append(counts) }
                    counts = [0, 0, 0, 0]
                    hasContent = false
                    q += 1
                    continue
                }
                for k in 0..<4 where b == candidates[k] { counts[k] += 1 }
            }
            if b != asciiCR { hasContent = true }
            q += 1
        }
        if records.isEmpty { records.append(counts) } // one huge first record
        let consistent = (0..<4).filter { k in records[0][k] > 0 && records.allSatisfy { $0[k] == records[0][k] } }
        if let preferred, let k = candidates.firstIndex(of: preferred), consistent.contains(k) { return preferred }
        if let k = consistent.first { return candidates[k] }
        // None consistent: the file is ragged; take the most frequent in the header, and the
        // field-count check will say which line is wrong.
        if let preferred, let k = candidates.firstIndex(of: preferred), records[0][k] > 0 { return preferred }
        if let k = (0..<4).max(by: { records[0][$0] < records[0][$1] }), records[0][k] > 0 { return candidates[k] }
        return preferred ?? 0x2C
    }

    /// Trims names, fills empty ones (`V<k>`), and makes duplicates unique as R's make.unique.
    static func cleanNames(_ raw: [String], warnings: inout [String]) -> [String] {
        var names = raw.map { name -> String in
            var s = Substring(name)
            while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
            while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
            return String(s)
        }
        var filled: [Int] = []
        for i in names.indices where names[i].isEmpty {
            names[i] = "V\(i + 1)"
            filled.append(i + 1)
        }
        if !filled.isEmpty {
            warnings.append("empty column name\(filled.count == 1 ? "" : "s") replaced by V<column number>: "
                            + filled.map { "V\($0)" }.joined(separator: ", "))
        }
        var used = Set(names)
        var seen = Set<String>()
        var nextSuffix: [String: Int] = [:]
        var renamed: [String] = []
        for i in names.indices {
            let name = names[i]
            if seen.insert(name).inserted { continue }
            var k = nextSuffix[name] ?? 1
            var candidate = "\(name).\(k)"
            while used.contains(candidate) {
                k += 1
                candidate = "\(name).\(k)"
            }
            nextSuffix[name] = k + 1
            used.insert(candidate)
            seen.insert(candidate)
            names[i] = candidate
            renamed.append("\(name) -> \(candidate) (column \(i + 1))")
        }
        if !renamed.isEmpty {
            warnings.append("duplicate column names made unique: " + renamed.joined(separator: ", "))
        }
        return names
    }

    /// Whether any NA token would otherwise read as a number, boolean or date (then the fast
    /// paths must compare every such cell with the tokens).
    static func valueLikeTokens(_ tokens: [String], na: NATokenSet) -> Bool {
        for token in tokens {
            var bytes = Array(token.utf8)
            while let f = bytes.first, na.blanks.contains(f) { bytes.removeFirst() }
            while let l = bytes.last, na.blanks.contains(l) { bytes.removeLast() }
            if bytes.isEmpty { continue }
            let n = bytes.count
            bytes.append(contentsOf: [UInt8](repeating: 0, count: 16))
            let valueLike = bytes.withUnsafeBufferPointer { buf -> Bool in
                let p = buf.baseAddress!
                let num = FastNumber.scanDecimal(at: p, powers: FastNumber.powerTables)
                if num.kind != .none && num.end == p + n { return true }
                return FastNumber.scanSpecialReal(p, n) != nil || FastNumber.scanBoolean(p, n) != nil
                    || FastNumber.scanISODate(p, n) != nil
            }
            if valueLike { return true }
        }
        return false
    }
}
