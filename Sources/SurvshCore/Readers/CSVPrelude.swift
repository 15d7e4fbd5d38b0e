// CSVPrelude.swift — the part of the CSV reader before the data: BOM, the binary-file check, leading
// blank lines, the delimiter (given or sniffed), the header row and its names, and the settings every
// chunk shares; and, after the data, the columns and the format description (`result`).
//
// Contract: `CSVPrelude(base, count:, ...)` reads bytes [0, count) at `base`, where `base[count]`
// exists and is writable (it may get a newline sentinel). `count` may be a prefix of text still
// being produced (the gzip pipeline, CSVReader+Stream.swift): it then ends just after a newline,
// is at least 64 KiB long, and `settings.bufferEnd` is moved to the real end once that is known.
// It owns the NA-token set and the text-stop table the settings point to (freed on deinit).

final class CSVPrelude {
    var settings: CSVSettings
    let names: [String]
    /// Warnings about the names (empty, duplicate), then the data's.
    let warnings: [String]
    /// Per column: read it (`cols=` keeps it, or there is no `cols=`).
    let keep: [Bool]
    let dataStart: UnsafePointer<UInt8>
    let dataFirstLine: Int
    let formatDescription: String
    private let na: NATokenSet

    /// `keep`: the file columns to read when the caller knows them (a lazy table), instead of `options.columns`.
    init(_ base: UnsafeMutablePointer<UInt8>, count size: Int, pages: PageDropper, name: String, delimiterName: String?,
         options: ReadOptions, keep knownKeep: [Bool]? = nil) throws(DataReadError) {
        func failure(_ message: String, line: Int? = nil, column: Int? = nil) -> DataReadError {
            DataReadError(file: name, line: line, column: column, message: message)
        }
        var start = 0
        var hasBOM = false
        if size >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            start = 3
            hasBOM = true
        }
        if size >= 2 && ((base[0] == 0xFF && base[1] == 0xFE) || (base[0] == 0xFE && base[1] == 0xFF)) {
            throw failure("looks like a binary file: it is UTF-16 text; save it as UTF-8")
        }
        let checked = min(size - start, 1 << 16)
        switch ByteScan.checkText(base + start, checked, truncated: checked < size - start) {
        case .text: break
        case .nulByte(let offset):
            throw failure("looks like a binary file, not delimited text (NUL byte at byte \(start + offset + 1))")
        case .invalidUTF8(let offset):
            let line = 1 + ByteScan.countNewlinesAndQuotes(base + start, offset).newlines
            throw failure("looks like a binary file, or text that is not UTF-8 (invalid UTF-8 at byte \(start + offset + 1)); save it as UTF-8",
                          line: line)
        }
        // Newline sentinel in the spare byte.
        var end = size
        if size == start || base[size - 1] != asciiLF {
            base[size] = asciiLF
            end = size + 1
        }
        let bufferEnd = UnsafePointer(base + end)
        var p = UnsafePointer(base + start)
        var line = 1
        // Leading blank lines.
        while p < bufferEnd {
            if p.pointee == asciiLF { p += 1 } else if p.pointee == asciiCR && p[1] == asciiLF { p += 2 } else { break }
            line += 1
        }
        if p >= bufferEnd { throw failure("file is empty (no header row)") }

        let extensionDelimiter = CSVReader.preferredDelimiter(forName: delimiterName ?? name)
        let delimiter = options.delimiter ?? CSVReader.sniffDelimiter(p, bufferEnd, preferred: extensionDelimiter)
        if delimiter == asciiLF || delimiter == asciiCR || delimiter == asciiQuote || delimiter == 0 || delimiter >= 0x80 {
            throw failure("cannot use byte \(delimiter) as the delimiter (a newline, quote, NUL or non-ASCII byte)")
        }
        let blanks = Blanks(delimiter: delimiter)

        // Header.
        var tokenizer = CSVTokenizer(delimiter: delimiter, bufferEnd: bufferEnd)
        defer { tokenizer.deallocate() }
        var rawNames: [String] = []
        var crlf = false
        while true {
            // a header of a million names takes a while: Ctrl-C is polled every 2^14 of them
            if options.cancel.stops(at: rawNames.count + 1) { throw DataReadError(file: name, message: "interrupted") }
            let fieldLine = line
            guard let f = tokenizer.field(at: p, line: &line) else {
                throw failure("unterminated quoted field (the quote opened on this line is never closed)",
                              line: fieldLine, column: rawNames.count + 1)
            }
            rawNames.append(String(decoding: UnsafeBufferPointer(start: f.start, count: f.count), as: UTF8.self))
            if f.end.pointee == delimiter {
                p = f.end + 1
                continue
            }
            crlf = f.end.pointee == asciiCR
            p = tokenizer.skipTerminator(f.end)
            line += 1
            break
        }
        var warnings: [String] = []
        names = CSVReader.cleanNames(rawNames, warnings: &warnings)
        self.warnings = warnings
        if let knownKeep, knownKeep.count == names.count {
            keep = knownKeep
        } else if let items = options.columns {
            keep = try ColumnSelection.keep(items, among: names, file: name)
        } else {
            keep = [Bool](repeating: true, count: names.count)
        }
        dataStart = p
        dataFirstLine = line

        na = NATokenSet(tokens: options.naTokens, blanks: blanks)

        settings = CSVSettings(
            fileName: name, delimiter: delimiter, blanks: blanks, columnCount: names.count,
            bufferEnd: bufferEnd, na: na, valueLikeNA: CSVReader.valueLikeTokens(options.naTokens, na: na),
            powers: FastNumber.powerTables, pages: pages,
            cancel: options.cancel, progress: options.progress)
        formatDescription = CSVReader.formatName(delimiter: delimiter) + ", UTF-8" + (hasBOM ? " with BOM" : "")
            + (crlf ? ", CRLF line ends" : "")
    }

    deinit {
        na.deallocate()
    }

    /// The kinds parsing starts from: `.unknown`, or `.skip` for a column `cols=` leaves out (its
    /// fields are tokenized, nothing is stored).
    var initialKinds: [CellKind] { keep.map { $0 ? CellKind.unknown : .skip } }

    /// The parsed data as columns (the kept ones), with warnings (all-missing columns, NaN and Inf cells).
    /// `finite`: per file column, a real column known to hold no NaN or Inf (a lazy load's scan of the
    /// same bytes found none), which is not scanned again.
    func result(_ table: CSVReader.ParsedTable, finite: [Bool]? = nil) throws(DataReadError) -> TableReadResult {
        var warnings = self.warnings
        // Real columns holding Inf or NaN: one parallel read-only scan; the rare hits get the full pass.
        let nonFinite = UnsafeMutablePointer<Bool>.allocate(capacity: max(names.count, 1))
        nonFinite.initialize(repeating: false, count: names.count)
        defer { nonFinite.deallocate() }
        parallelFor(names.count) { c in
            if case .real(let v)? = table.storages[c], finite?[c] != true { nonFinite[c] = CSVReader.containsNonFinite(v) }
        }
        var columns: [Column] = []
        columns.reserveCapacity(names.count)
        for (c, name) in names.enumerated() where keep[c] {
            if settings.cancel.isCancelled { throw DataReadError(file: settings.fileName, message: "interrupted") }
            guard let storage = table.storages[c] else { continue }
            var mask = table.masks[c].map { MissingMask(words: $0, count: table.rowCount) } ?? MissingMask(count: table.rowCount)
            if nonFinite[c], case .real(let v) = storage {
                CSVReader.nonFiniteCells(v, column: name, missing: &mask, warnings: &warnings)
            }
            var column = Column(name: name, storage: storage, missing: mask)
            if case .real = storage, !nonFinite[c] { column.finiteValues.known = true }   // (the scan above)
            columns.append(column)
            if table.allMissing[c] {
                warnings.append(CSVReader.allMissingWarning(name))
            }
        }
        return TableReadResult(columns: columns, rowCount: table.rowCount, warnings: warnings, formatDescription: formatDescription)
    }
}
