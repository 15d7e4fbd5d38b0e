// FuzzHarness.swift — what each libFuzzer target (fuzz/targets/*.swift) feeds its input to, shared
// with the regression test (FuzzRegressionTests) that replays every input a fuzzer once found.
//
// Contract: each entry point takes arbitrary bytes and runs one of survsh's parsers on them the way a
// user's input reaches it. Any thrown `SurvshError` / `DataReadError` is a correct outcome (bad input
// rejected); a trap, a sanitizer report, a hang or a non-finite number where the function promises a
// finite one is a bug. The entry points never print and never exit; only the gzip, ReadStat and xlsx ones
// write a file (the readers read files): a private temporary file, removed at once.

import Foundation

public enum FuzzHarness {
    /// The targets, by the name `scripts/fuzz` and the corpus folders use.
    public static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "commandline": commandLine, "expression": expression, "formula": formula,
        "csv": csv, "transcript": transcript, "gzip": gzip, "readstat": readStat, "xlsx": xlsx,
    ]

    /// Bytes as a command line: invalid UTF-8 repaired, as the shell's reader does.
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// A spec with every kind of option, subcommands and restricted options, for the argument parser.
    static let spec = CommandSpec(
        name: "fuzz", summary: "fuzz", synopsis: ["fuzz ..."], body: .words,
        options: [
            OptionSpec("conf", .choice(["log", "log-log", "plain"]), default: "log", help: ""),
            OptionSpec("level", .number(0.5...0.999), default: "0.95", help: ""),
            OptionSpec("times", .numbers, help: ""), OptionSpec("title", .text, help: ""),
            OptionSpec("file", .path, help: ""), OptionSpec("gen", .column, help: ""),
            .flag("ci", help: ""), OptionSpec("keep", .number(nil), help: "", forms: ["screen"]),
        ],
        subcommands: ["screen", "firth"], topic: "fuzz")

    /// The line splitter, the word splitter, the script splitter and the argument parser.
    public static let commandLine: @Sendable ([UInt8]) -> Void = { bytes in
        let line = text(bytes)
        _ = ScriptRunner.statements(line)
        let split = LineSplitter.split(line)
        _ = try? LineSplitter.words(split.rest, command: "fuzz")
        if let args = try? Arguments(spec: spec, rest: split.rest) {
            _ = args.doubles("times")
            _ = args.double("level")
        }
    }

    /// A small frame with every column type and missing values, for expressions and formulas.
    static let frame: DataFrame = {
        var m = MissingMask(count: 5); m[2] = true
        return DataFrame(columns: [
            Column(name: "a", storage: .integer([1, 2, 3, -4, 0])),
            Column(name: "x", storage: .real([0.5, -2.5, 0, 1e300, -1e-300]), missing: m),
            Column(name: "s", storage: .text(codes: [0, 1, 0, 2, 1], levels: ["m", "f", ""]), missing: m),
            Column(name: "d", storage: .date([0, 31, -365, 10_957, 2_000_000])),
            Column(name: "b", storage: .boolean([true, false, true, false, true]), missing: m),
        ])
    }()

    /// The expression parser, then the evaluator, the filter mask and the column conversion.
    public static let expression: @Sendable ([UInt8]) -> Void = { bytes in
        let source = text(bytes)
        guard let e = try? ExpressionParser.parse(source, command: "fuzz") else { return }
        let ev = ExpressionEvaluator(frame: frame, command: "fuzz", text: source)
        if let v = try? ev.evaluate(e) { _ = ev.column(named: "y", from: v) }
        _ = try? ev.mask(e)
    }

    /// The formula parser, then the design matrix over the small frame.
    public static let formula: @Sendable ([UInt8]) -> Void = { bytes in
        guard let f = try? Formula.parse(text(bytes), command: "fuzz") else { return }
        _ = f.covariateColumns
    }

    /// The CSV/TSV reader on the bytes as a file's content; then the same with `cols=` keeping one
    /// column (the others skipped, the rest of each record checked a word at a time); then the lazy
    /// reader on them as a file (its scan in chunks of 64 bytes, with or without the probe for quoted newlines):
    /// a different outcome (error, rows, types, warnings) or a column parsed later or selected that
    /// differs from the full read's traps.
    public static let csv: @Sendable ([UInt8]) -> Void = { bytes in
        let full: Result<TableReadResult, DataReadError> = Result { () throws(DataReadError) in try CSVReader.read(bytes: bytes, name: "fuzz.csv") }
        if case .success(let r) = full { checkSelections(bytes, equal: r) }
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("survsh-fuzz-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).csv")
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else { return }
        defer { unlink(path) }
        var tuning = CSVTuning.standard
        tuning.scanChunkBytes = 64
        tuning.parallelMinimumBytes = 0
        // half the inputs skip the probe for quoted newlines: one is then found in a chunk and the scan starts over
        tuning.quotedNewlineProbeBytes = bytes.count % 2 == 0 ? 0 : 64 << 10
        let lazy: Result<LazyTableRead?, DataReadError> = Result { () throws(DataReadError) in
            try CSVReader.readLazily(path: path, options: ReadOptions(), tuning: tuning)
        }
        switch (full, lazy) {
        case (.failure(let a), .failure(let b)):
            // the same error, the file named as each was read
            precondition(a.line == b.line && a.column == b.column && a.message == b.message, "lazy CSV: \(a) vs \(b)")
        case (.success(let r), .success(let l?)):
            precondition(r.rowCount == l.rowCount && r.columns.map(\.name) == l.names && r.columns.map(\.type) == l.types
                         && r.warnings == l.warnings, "lazy CSV: the load reports differ")
            let columns = try? l.table.columns(l.names, cancel: .never)
            // compared as text: a NaN cell (missing, its NaN kept in the storage) is never == itself
            precondition(columns.map { "\($0)" } == "\(r.columns)", "lazy CSV: the parsed columns differ")
        case (_, .success(nil)):
            break
        default:
            preconditionFailure("lazy CSV: one read failed, the other did not: \(full) vs \(lazy)")
        }
    }

    /// `cols=` keeping the first column, then the second: what it selects equals the full read's
    /// columns of those names. A name `cols=` reads as a pattern or range may select other columns,
    /// or none (a `cols:` error): the comparison is by the names selected.
    static func checkSelections(_ bytes: [UInt8], equal full: TableReadResult) {
        for keep in full.columns.prefix(2) where full.columns.count >= 2 {
            var options = ReadOptions()
            options.columns = [keep.name]
            do throws(DataReadError) {
                let selected = try CSVReader.read(bytes: bytes, name: "fuzz.csv", options: options)
                let names = selected.columns.map(\.name)
                precondition(selected.rowCount == full.rowCount
                             && "\(selected.columns)" == "\(full.columns.filter { names.contains($0.name) })",
                             "CSV cols=\(keep.name): the selected columns differ from the full read's")
            } catch {
                precondition(error.message.hasPrefix("cols:"), "CSV cols=\(keep.name) failed where the full read did not: \(error)")
            }
        }
    }

    /// gzip/zip-compressed files: Inflate, the zip directory, a compressed Stata/SPSS file; read
    /// from a temporary file as `load` reads them; then once more with tiny inflate steps and chunks
    /// (the gzip pipeline parses while inflating, so both threads meet every corner) and memory
    /// bounded at 64 MiB, like a bomb under a small budget; a frame the pipeline gives that differs
    /// from the whole inflated text's traps.
    public static let gzip: @Sendable ([UInt8]) -> Void = { bytes in
        let input = bytes.withUnsafeBytes { InputBuffer.copying($0) }
        _ = try? CompressedTextReader.readThroughTemporaryFile(input, reader: CompressedTextReader.self, innerName: "fuzz.csv.gz",
                                                               path: "fuzz.csv.gz", options: ReadOptions())
        var tuning = CSVTuning.standard
        tuning.memoryBudget = 64 << 20
        tuning.streamStartBytes = 1 << 10
        tuning.streamSegmentBytes = 1 << 10
        tuning.inflateStepBytes = 1 << 10
        _ = try? CompressedTextReader.read(compressed: input, path: "fuzz.csv.gz", options: ReadOptions(), tuning: tuning)
        // Text the pipeline takes (more than 64 KiB inflated) must read as the whole inflated text does.
        let raw = UnsafeRawBufferPointer(start: input.bytes, count: input.count)
        guard let piped = try? CSVReader.parseGzipPipelined(raw, name: "fuzz.csv.gz", delimiterName: "fuzz.csv", limit: 64 << 20,
                                                            options: ReadOptions(), tuning: tuning, isText: { _ in true }),
              let text = try? Inflate.run(raw, wrapper: .gzip, limit: 64 << 20, file: "fuzz.csv.gz", format: "gzip") else { return }
        let whole = try? CSVReader.parse(text, name: "fuzz.csv.gz", delimiterName: "fuzz.csv", options: ReadOptions(), tuning: tuning)
        // compared as text: a NaN cell (missing, its NaN kept in the storage) is never == itself
        precondition(whole.map { "\($0.columns) \($0.warnings) \($0.formatDescription)" }
                     == "\(piped.columns) \(piped.warnings) \(piped.formatDescription)", "gzip pipeline: the frame differs from the whole text's")
    }

    /// Stata, SPSS and SAS files through ReadStat: the reader the first bytes select (SPSS portable
    /// .por, which has no signature, otherwise), reading the bytes from a temporary file.
    public static let readStat: @Sendable ([UInt8]) -> Void = { bytes in
        let head = Array(bytes.prefix(FileSignature.headLength))
        let reader: any TableReader.Type = [StataReader.self, SPSSReader.self, SASReader.self].first { $0.recognizes(head) } ?? SPSSReader.self
        let name = reader == SPSSReader.self && !reader.recognizes(head) ? "fuzz.por" : "fuzz.\(reader.fileExtensions[0])"
        let input = bytes.withUnsafeBytes { InputBuffer.copying($0) }
        _ = try? CompressedTextReader.readThroughTemporaryFile(input, reader: reader, innerName: name, path: name, options: ReadOptions())
    }

    /// Excel workbooks. Input starting with `PK` is the .xlsx file itself (the zip container through
    /// ZIPFoundation). Anything else is a worksheet's XML, optionally followed by a NUL byte and a
    /// shared-strings part, put into a workbook (XLSXWriter's other parts, stored rather than deflated
    /// so that mutations reach the XML, and its styles with clock and elapsed-time formats added as
    /// styles 3-5: `fuzzStyles`) and loaded, with the memory limit at 16 MB so that a claimed
    /// huge region is refused rather than allocated. The sheet XML also goes to XMLChunkScanner in
    /// pieces of 1 to 8 bytes chosen from the input: a different outcome than in one piece traps.
    public static let xlsx: @Sendable ([UInt8]) -> Void = { bytes in
        var file = bytes
        if !bytes.starts(with: [0x50, 0x4B]) {
            let cut = bytes.firstIndex(of: 0) ?? bytes.count
            let sheet = Array(bytes[..<cut])
            let shared = cut < bytes.count ? Data(bytes[(cut + 1)...]) : Data("<sst/>".utf8)
            let pieces = sheet.prefix(16).map { Int($0 % 8) + 1 }
            let whole = XMLEventRecorder.scan(sheet), split = XMLEventRecorder.scan(sheet, pieces: pieces)
            precondition(whole == split, "XMLChunkScanner: the events depend on the pieces \(pieces)")
            let parts = XLSXWriter.workbookParts(sheet: Data(sheet), shared: shared).map { $0.0 == "xl/styles.xml" ? ($0.0, fuzzStyles) : $0 }
            guard let zipped = try? XLSXWriter.zipArchive(parts, compressed: false) else { return }
            file = Array(zipped)
        }
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("survsh-fuzz-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).xlsx")
        guard FileManager.default.createFile(atPath: path, contents: Data(file), attributes: [.posixPermissions: 0o600]) else { return }
        defer { unlink(path) }
        _ = try? XLSXReader.read(path: path, options: ReadOptions(), memoryLimit: 16 << 20)
    }

    /// XLSXWriter's styles (1: date, 2: date-time) and three time formats, so that sheet XML reaches
    /// every kind of cell: 3 the built-in clock h:mm (20), 4 the built-in elapsed [h]:mm:ss (46), 5 a
    /// custom clock h:mm AM/PM (166). Made for each input: a `static let` Data is reported by
    /// LeakSanitizer (its storage is reached through a lazily set global LSan does not scan).
    static var fuzzStyles: Data { Data(XLSXWriter.stylesXML
        .replacingOccurrences(of: "<numFmts count=\"2\">", with: "<numFmts count=\"3\"><numFmt numFmtId=\"166\" formatCode=\"h:mm AM/PM\"/>")
        .replacingOccurrences(of: "<cellXfs count=\"3\">", with: "<cellXfs count=\"6\">")
        .replacingOccurrences(of: "</cellXfs>", with: [20, 46, 166].map {
            "<xf numFmtId=\"\($0)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        }.joined() + "</cellXfs>").utf8) }

    /// The transcript reader, and the diff `--check` prints between two recordings.
    public static let transcript: @Sendable ([UInt8]) -> Void = { bytes in
        let script = TranscriptScript.parse(text(bytes))
        let lines = script.steps.prefix(50).flatMap { [$0.command] + $0.expected.prefix(50) }
        _ = UnifiedDiff.diff(lines, lines.reversed(), fromName: "a", toName: "b")
    }
}
