// ReadStatReader.swift — Stata (.dta), SPSS (.sav, .zsav, .por) and SAS (.sas7bdat, .xpt) files,
// read with ReadStat (the CReadStat system library, Debian libreadstat-dev).
//
// Contract: one reader type per format family (`StataReader`, `SPSSReader`, `SASReader`) behind
// `TableReader`, all driving `ReadStatParse`, which collects ReadStat's callbacks (C function
// pointers that cannot capture: the collector travels as an Unmanaged context pointer).
// - Columns: Stata byte/int/long -> integer; SPSS numbers with no decimals in their format (F8.0)
//   whose values are all whole -> integer; every other number (SAS stores only doubles) -> real;
//   strings -> text (levels in first-seen order, as the CSV reader). Variable labels -> `Column.label`.
// - Missing: an empty string when `""` is an NA token (the default; these formats have no missing
//   string), system missing (`.`), Stata's `.a`-`.z`, SAS's `.A`-`.Z` and `._`, and SPSS user-missing
//   values and ranges all become missing, and so does a NaN stored as a number (kind `NaN`, as R:
//   haven reads it as NA; in a .dta ReadStat gives it as a tagged missing with a tag that is no
//   letter; in a .sav it gives it as system missing, so it counts as `.`), while ±Inf stays Inf
//   (a warning; analyses refuse it, naming the column and row; in a .dta it is missing, as in Stata); when a column has more than plain `.`, the kinds found
//   are listed in the warnings and kept in `Column.missingKinds` (for `describe`); each cell's tag or
//   user-missing value, and an SPSS column's user-missing declaration, in `Column.fileMissing` (for `save`).
// - Dates by display format: Stata %td/%d, SPSS DATE/ADATE/EDATE/JDATE/SDATE/..., SAS DATE/MMDDYY/
//   DDMMYY/YYMMDD/E8601DA/... -> survsh dates; datetimes (Stata %tc and %tC, SPSS DATETIME/YMDHMS, SAS
//   DATETIME/DATEAMPM/E8601DT/...) -> real seconds since 1970-01-01 00:00 UTC marked `Column.isDateTime`
//   (so `save` writes them back as date-times; Stata's leap-second clock %tC has its leap seconds taken
//   off: LeapSeconds.swift, saved back as %tc); times (SPSS TIME/DTIME/MTIME, SAS TIME/TOD/HHMM/...) ->
//   real seconds (since midnight for a time of day; a DTIME duration may pass a day), R's hms numbers.
//   Each with a warning saying so.
// - Value labels: a labelled numeric column becomes text whose levels are the labels ordered by
//   value (values without a label show as the number), with that order as its level order (as
//   haven's as_factor) and the values kept in `Column.levelCodes`, unless
//   `ReadOptions.valueLabelCodes` keeps the numbers. Labels exactly 0 = FALSE, 1 = TRUE (how `save`
//   writes a boolean column) give a boolean column.
// - Errors: `DataReadError` naming the file, the format it was taken for and ReadStat's message.
// - Ctrl-C: `ReadOptions.cancel` is polled in ReadStat's progress handler, every
//   `Cancellation.stride` values and between the columns built at the end; when it fires the handlers return READSTAT_HANDLER_ABORT, ReadStat
//   stops, and DataReaders.read throws CancellationError. `ReadOptions.progress` is told the rows
//   read and the bytes of the file (ReadStat's fraction done times the file's size).

import CReadStat
import Foundation
import SurvivalStats

/// Stata .dta (formats 104-119).
public enum StataReader: TableReader {
    public static let formatName = "Stata .dta"
    public static let fileExtensions = ["dta"]
    public static func recognizes(_ head: [UInt8]) -> Bool { FileSignature.of(head) == .stata }
    public static func read(path: String, options: ReadOptions) throws(DataReadError) -> TableReadResult {
        try read(path: path, options: options, memoryLimit: SystemMemory.available())
    }
    static func read(path: String, options: ReadOptions, memoryLimit: UInt64?) throws(DataReadError) -> TableReadResult {
        try ReadStatParse.read(path: path, format: formatName, family: .stata, options: options, memoryLimit: memoryLimit) {
            readstat_parse_dta($0, $1, $2)
        }
    }
}

/// SPSS .sav, compressed .zsav and portable .por.
public enum SPSSReader: TableReader {
    public static let formatName = "SPSS"
    public static let fileExtensions = ["sav", "zsav", "por"]
    public static func recognizes(_ head: [UInt8]) -> Bool {
        FileSignature.of(head) == .spss || FileSignature.of(head) == .spssCompressed
    }
    public static func read(path: String, options: ReadOptions) throws(DataReadError) -> TableReadResult {
        try read(path: path, options: options, memoryLimit: SystemMemory.available())
    }
    static func read(path: String, options: ReadOptions, memoryLimit: UInt64?) throws(DataReadError) -> TableReadResult {
        let head = FileSignature.head(path: path)
        let isSav = FileSignature.of(head) == .spss || FileSignature.of(head) == .spssCompressed
        let portable = !isSav && (path as NSString).pathExtension.lowercased() == "por"
        return try ReadStatParse.read(path: path, format: portable ? "SPSS .por" : "SPSS .sav", family: .spss, options: options,
                                      memoryLimit: memoryLimit) {
            portable ? readstat_parse_por($0, $1, $2) : readstat_parse_sav($0, $1, $2)
        }
    }
}

/// SAS .sas7bdat and SAS transport (XPORT) .xpt.
public enum SASReader: TableReader {
    public static let formatName = "SAS"
    public static let fileExtensions = ["sas7bdat", "xpt"]
    public static func recognizes(_ head: [UInt8]) -> Bool {
        FileSignature.of(head) == .sas7bdat || FileSignature.of(head) == .sasTransport
    }
    public static func read(path: String, options: ReadOptions) throws(DataReadError) -> TableReadResult {
        try read(path: path, options: options, memoryLimit: SystemMemory.available())
    }
    static func read(path: String, options: ReadOptions, memoryLimit: UInt64?) throws(DataReadError) -> TableReadResult {
        let head = FileSignature.head(path: path)
        let transport = FileSignature.of(head) == .sasTransport
            || (FileSignature.of(head) != .sas7bdat && (path as NSString).pathExtension.lowercased() == "xpt")
        return try ReadStatParse.read(path: path, format: transport ? "SAS transport .xpt" : "SAS .sas7bdat", family: .sas,
                                      options: options, memoryLimit: memoryLimit) {
            transport ? readstat_parse_xport($0, $1, $2) : readstat_parse_sas7bdat($0, $1, $2)
        }
    }
}

/// The ReadStat driver shared by the three readers.
enum ReadStatParse {
    enum Family { case stata, spss, sas }

    /// READSTAT_HANDLER_OK and READSTAT_HANDLER_ABORT (an anonymous C enum).
    static let handlerOK: Int32 = 0
    static let handlerAbort: Int32 = 1

    typealias Parse = (UnsafeMutablePointer<readstat_parser_t>, UnsafePointer<CChar>, UnsafeMutableRawPointer?) -> readstat_error_t

    /// Reads the file with `parse`; refused before any cell is stored when the header's rows times
    /// variables would not fit in `memoryLimit` (see `ReadStatCollector.admit`).
    static func read(path: String, format: String, family: Family, options: ReadOptions, memoryLimit: UInt64?,
                     parse: Parse) throws(DataReadError) -> TableReadResult {
        func failure(_ message: String) -> DataReadError { DataReadError(file: path, message: message) }
        // Missing file, directory, 0 bytes: the same messages as for text files.
        let probe = try InputBuffer.openFile(path: path)
        if probe.count == 0 { throw failure("file is empty (0 bytes), not a \(format) file") }
        let collector = ReadStatCollector(family: family, emptyTextIsMissing: options.naTokens.contains(""),
                                          cancel: options.cancel, progress: options.progress, fileSize: probe.count,
                                          memoryLimit: memoryLimit)
        guard let parser = readstat_parser_init() else { throw failure("cannot start ReadStat") }
        defer { readstat_parser_free(parser) }
        readstat_set_metadata_handler(parser) { metadata, ctx in
            let collector = ReadStatCollector.from(ctx)
            let rows = Int(readstat_get_row_count(metadata))
            collector.expectRows(rows)
            return collector.admit(rows: rows, variables: Int(readstat_get_var_count(metadata)))
        }
        readstat_set_variable_handler(parser) { _, variable, labelSet, ctx in
            ReadStatCollector.from(ctx).addVariable(variable!, labelSet: labelSet.map { String(cString: $0) })
            return ReadStatParse.handlerOK
        }
        readstat_set_value_handler(parser) { row, variable, value, ctx in
            ReadStatCollector.from(ctx).addValue(row: Int(row), variable: variable!, value: value)
        }
        readstat_set_progress_handler(parser) { fraction, ctx in
            ReadStatCollector.from(ctx).progressed(fraction)
        }
        readstat_set_value_label_handler(parser) { labelSet, value, label, ctx in
            ReadStatCollector.from(ctx).addLabel(set: String(cString: labelSet!), value: value, label: String(cString: label!))
            return ReadStatParse.handlerOK
        }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        let status = withExtendedLifetime(collector) { path.withCString { parse(parser, $0, context) } }
        if let refusal = collector.refusal { throw failure(refusal) }
        if status != READSTAT_OK && options.cancel.isCancelled { throw failure("interrupted") }
        if status != READSTAT_OK {
            let said = String(cString: readstat_error_message(status))
            throw failure("cannot read it as \(format): ReadStat says: \(said)")
        }
        let result = collector.result(format: format, keepCodes: options.valueLabelCodes)
        if options.cancel.isCancelled { throw failure("interrupted") } // (result stops between columns)
        options.progress?.setRows(result.rowCount)
        options.progress?.setFileBytes(probe.count)
        return result
    }
}

/// Accumulates ReadStat's callbacks into columns.
final class ReadStatCollector {
    struct Variable {
        var name: String
        var label: String?
        var format: String
        var isText: Bool
        var isInteger: Bool
        var labelSet: String?
        var numbers: [Double] = []
        /// Text cells dictionary-encoded as they arrive (levels in first-seen order; a missing cell
        /// is code 0 and adds no level, as the CSV reader), so a cell is 4 bytes, not a String.
        var codes: [UInt32] = []
        var levels: [String] = []
        var levelIndex: [String: UInt32] = [:]
        var missing: [Bool] = []
        /// Missing kinds found, e.g. `.` -> 3, `.a` -> 1, `user-missing` -> 2.
        var missingKinds: [String: Int] = [:]
        /// The tagged and user-missing value of each cell (codes filled from the first one on).
        var fileMissing = FileMissing()
        var fileMissingIndex: [FileMissing.Value: UInt16] = [:]

        /// Records the file's missing value of the cell being appended (row `missing.count - 1`).
        mutating func noteMissing(_ value: FileMissing.Value) {
            var code = fileMissingIndex[value]
            if code == nil, fileMissing.values.count < FileMissing.maxValues {
                fileMissing.values.append(value)
                code = UInt16(fileMissing.values.count)
                fileMissingIndex[value] = code
            }
            guard let code else { return }
            if fileMissing.codes.isEmpty { fileMissing.codes.reserveCapacity(missing.count) }
            while fileMissing.codes.count < missing.count - 1 { fileMissing.codes.append(0) }
            fileMissing.codes.append(code)
        }

        /// The code of `text`, adding it as a new level when first seen.
        mutating func code(of text: String) -> UInt32 {
            if let c = levelIndex[text] { return c }
            let c = UInt32(levels.count)
            levelIndex[text] = c
            levels.append(text)
            return c
        }
    }

    let family: ReadStatParse.Family
    /// These formats have no missing string: an empty one is missing when `""` is an NA token (the default).
    let emptyTextIsMissing: Bool
    var expectedRows = 0
    var variables: [Variable] = []
    var labelSets: [String: [(value: Double, text: String)]] = [:]

    let cancel: Cancellation
    let progress: LoadProgress?
    let fileSize: Int
    /// The memory the cells may take (nil: no limit), and why the file was refused (see `admit`).
    let memoryLimit: UInt64?
    private(set) var refusal: String?
    /// Values until the next poll of `cancel` (and report of the rows to `progress`).
    private var countdown = Cancellation.stride

    init(family: ReadStatParse.Family, emptyTextIsMissing: Bool, cancel: Cancellation = .never, progress: LoadProgress? = nil,
         fileSize: Int = 0, memoryLimit: UInt64? = nil) {
        self.family = family
        self.memoryLimit = memoryLimit
        self.emptyTextIsMissing = emptyTextIsMissing
        self.cancel = cancel
        self.progress = progress
        self.fileSize = fileSize
    }

    /// ReadStat's progress handler: the fraction of the file read.
    func progressed(_ fraction: Double) -> Int32 {
        progress?.setFileBytes(Int(fraction * Double(fileSize)))
        return cancel.isCancelled ? ReadStatParse.handlerAbort : ReadStatParse.handlerOK
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> ReadStatCollector {
        Unmanaged<ReadStatCollector>.fromOpaque(context!).takeUnretainedValue()
    }

    /// The header's row count, used only to reserve memory: capped at 2^20 rows, because a damaged or
    /// crafted header can claim billions of rows (a fuzzed .sav asked for 3.3 GB); past the cap the
    /// columns grow as values arrive.
    func expectRows(_ n: Int) { expectedRows = min(max(0, n), 1 << 20) }

    /// ReadStat's metadata handler, before any value: aborts the read (and keeps the reason in
    /// `refusal`) when `rows` x `variables` cells of 8 bytes would not fit in `memoryLimit`, so a
    /// file too large for the machine fails at once instead of swapping. A header that does not
    /// know its rows (negative: some SAS transport files) is estimated from the file's size at 8
    /// bytes a cell on disk, as uncompressed numbers take.
    func admit(rows: Int, variables: Int) -> Int32 {
        guard let memoryLimit else { return ReadStatParse.handlerOK }
        let estimated = rows < 0
        let count = estimated ? fileSize / 8 / max(variables, 1) : rows
        guard let tooLarge = SystemMemory.tooLarge(rows: count, columns: variables, budget: memoryLimit) else {
            return ReadStatParse.handlerOK
        }
        let what = estimated ? "about \(count) rows (estimated from the file's size)" : "\(count) rows"
        refusal = "too large to load: \(what) x \(variables) variables \(tooLarge); "
            + "save a subset of the rows or variables in the program that wrote it"
        return ReadStatParse.handlerAbort
    }

    func addVariable(_ v: UnsafeMutablePointer<readstat_variable_t>, labelSet: String?) {
        let type = readstat_variable_get_type(v)
        let isText = readstat_variable_get_type_class(v) == READSTAT_TYPE_CLASS_STRING
        let label = readstat_variable_get_label(v).map { String(cString: $0) }
        var variable = Variable(name: readstat_variable_get_name(v).map { String(cString: $0) } ?? "V\(variables.count + 1)",  // a damaged file may give no name
                                label: label?.isEmpty == false ? label : nil,
                                format: readstat_variable_get_format(v).map { String(cString: $0) } ?? "",
                                isText: isText,
                                isInteger: type == READSTAT_TYPE_INT8 || type == READSTAT_TYPE_INT16 || type == READSTAT_TYPE_INT32,
                                labelSet: labelSet)
        variable.fileMissing.declared = Self.declaredMissing(v, isText: isText)
        variable.missing.reserveCapacity(expectedRows)
        if isText { variable.codes.reserveCapacity(expectedRows) } else { variable.numbers.reserveCapacity(expectedRows) }
        variables.append(variable)
    }

    /// An SPSS variable's user-missing values and ranges (ReadStat gives a value as a range lo...lo), values first.
    static func declaredMissing(_ v: UnsafeMutablePointer<readstat_variable_t>, isText: Bool) -> FileMissing.Declared {
        var declared = FileMissing.Declared()
        for i in 0..<readstat_variable_get_missing_ranges_count(v) {
            let lo = readstat_variable_get_missing_range_lo(v, i), hi = readstat_variable_get_missing_range_hi(v, i)
            if isText {
                if let text = readstat_string_value(lo) { declared.texts.append(String(cString: text)) }
            } else {
                let a = readstat_double_value(lo), b = readstat_double_value(hi)
                if a <= b { declared.numbers.append(a...b) }
            }
        }
        // .sav stores a range before the values; list the values first (as haven's na_values, na_range).
        declared.numbers = declared.numbers.filter { $0.lowerBound == $0.upperBound } + declared.numbers.filter { $0.lowerBound != $0.upperBound }
        return declared
    }

    func addValue(row: Int, variable v: UnsafeMutablePointer<readstat_variable_t>, value: readstat_value_t) -> Int32 {
        let index = Int(readstat_variable_get_index(v))
        guard index < variables.count else { return ReadStatParse.handlerAbort }
        countdown -= 1
        if countdown == 0 {
            countdown = Cancellation.stride
            progress?.setRows(row)
            if cancel.isCancelled { return ReadStatParse.handlerAbort }
        }
        var kind: String?
        var fileValue: FileMissing.Value?
        if readstat_value_is_system_missing(value) != 0 {
            kind = "." // (ReadStat reads a NaN stored in a .sav as system missing: it cannot be told apart)
        } else if readstat_value_is_tagged_missing(value) != 0 {
            let tag = UInt8(bitPattern: readstat_value_tag(value))
            if Self.isMissingTag(tag) {
                fileValue = .tag(Character(UnicodeScalar(tag)))
            } else { // a .dta number above Stata's largest that is no .a-.z (NaN, Inf): missing, as Stata and haven read it
                kind = readstat_double_value(value).isNaN ? Self.storedNaN : "."
            }
        } else if readstat_value_is_defined_missing(value, v) != 0 {
            fileValue = variables[index].isText ? .text(readstat_string_value(value).map { String(cString: $0) } ?? "")
                : .number(readstat_double_value(value))
        } else if !variables[index].isText, readstat_double_value(value).isNaN {
            kind = Self.storedNaN
        }
        if let fileValue { kind = fileValue.kind }
        if variables[index].isText {
            let text = kind == nil ? readstat_string_value(value).map { String(cString: $0) } ?? "" : ""
            let missing = kind != nil || (text.isEmpty && emptyTextIsMissing)
            variables[index].missing.append(missing)
            variables[index].codes.append(missing ? 0 : variables[index].code(of: text))
        } else {
            variables[index].missing.append(kind != nil)
            variables[index].numbers.append(kind == nil ? readstat_double_value(value) : 0)
        }
        if let kind { variables[index].missingKinds[kind, default: 0] += 1 }
        if let fileValue { variables[index].noteMissing(fileValue) }
        return ReadStatParse.handlerOK
    }

    /// The missing kind of a NaN stored as a value (not one of the format's missing codes): missing,
    /// as R (haven reads it as NA; is.na(NaN) is TRUE), and listed apart from `.` so it is not hidden.
    static let storedNaN = "NaN"

    /// A tag of the formats' tagged missings: Stata's .a-.z, SAS's .A-.Z and ._.
    static func isMissingTag(_ tag: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(tag) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(tag) || tag == UInt8(ascii: "_")
    }

    func addLabel(set: String, value: readstat_value_t, label: String) {
        guard readstat_value_type_class(value) == READSTAT_TYPE_CLASS_NUMERIC else { return } // text labels: kept as text
        labelSets[set, default: []].append((readstat_double_value(value), label))
    }

    // MARK: - Columns

    func result(format: String, keepCodes: Bool) -> TableReadResult {
        let rows = variables.map(\.missing.count).max() ?? 0
        var warnings: [String] = []
        var columns: [Column] = []
        for i in variables.indices {
            if cancel.isCancelled { break } // Ctrl-C between columns: the caller throws
            // Take the cells out of the collector, so each column's raw cells are freed once it is built.
            let v = variables[i]
            (variables[i].numbers, variables[i].codes, variables[i].missing, variables[i].fileMissing) = ([], [], [], FileMissing())
            var mask = MissingMask(count: rows)
            for (i, m) in v.missing.enumerated() where m { mask[i] = true }
            for i in v.missing.count..<rows { mask[i] = true }
            if v.missingKinds.keys.contains(where: { $0 != "." }) { // plain `.` alone needs no note
                let kinds = v.missingKinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                warnings.append("column '\(v.name)': missing values \(kinds)")
            }
            var column: Column
            if v.isText {
                let codes = v.codes.count == rows ? v.codes : v.codes + [UInt32](repeating: 0, count: rows - v.codes.count)
                column = Column(name: v.name, storage: .text(codes: codes, levels: v.levels), missing: mask)
            } else {
                let numbers = v.numbers.count == rows ? v.numbers : v.numbers + [Double](repeating: 0, count: rows - v.numbers.count)
                if let set = v.labelSet, let labels = labelSets[set], !keepCodes {
                    column = Self.labelled(v.name, numbers, missing: mask, labels: labels)
                } else {
                    let storage = Self.numeric(numbers, missing: &mask, variable: v, family: family, warnings: &warnings)
                    if case .real(let reals) = storage { CSVReader.nonFiniteCells(reals, column: v.name, missing: &mask, warnings: &warnings) }
                    column = Column(name: v.name, storage: storage, missing: mask)
                    column.isDateTime = Self.timeKind(format: v.format, family: family) == .datetime // save writes it back as one
                }
            }
            column.label = v.label
            column.missingKinds = v.missingKinds.keys.contains { $0 != "." } ? v.missingKinds : [:]
            if !v.fileMissing.codes.isEmpty || !v.fileMissing.declared.isEmpty {
                var fileMissing = v.fileMissing
                if !fileMissing.codes.isEmpty { fileMissing.codes += [UInt16](repeating: 0, count: rows - fileMissing.codes.count) }
                column.fileMissing = fileMissing
            }
            columns.append(column)
        }
        return TableReadResult(columns: columns, rowCount: rows, warnings: warnings, formatDescription: format)
    }

    /// Levels: every labelled value and every value seen, ordered by value; a value's label or the number.
    /// The level order is the value order and `levelCodes` the values; 0 = FALSE, 1 = TRUE is boolean.
    static func labelled(_ name: String, _ numbers: [Double], missing: MissingMask, labels: [(value: Double, text: String)]) -> Column {
        // A NaN stored as a value is already missing (`storedNaN`); a NaN label value labels nothing.
        let labels = labels.filter { !$0.value.isNaN }
        if labels.count == 2, Set(labels.map { "\($0.value)=\($0.text)" }) == ["0.0=FALSE", "1.0=TRUE"],
           numbers.indices.allSatisfy({ missing[$0] || numbers[$0] == 0 || numbers[$0] == 1 }) {
            return Column(name: name, storage: .boolean(numbers.map { $0 == 1 }), missing: missing)
        }
        let (storage, codes) = labelledStorage(numbers, missing: missing, labels: labels)
        var column = Column(name: name, storage: storage, missing: missing)
        if case .text(_, let levels) = storage { column.levelOrder = levels }
        column.levelCodes = codes
        return column
    }

    static func labelledStorage(_ numbers: [Double], missing: MissingMask, labels: [(value: Double, text: String)]) -> (ColumnStorage, [Double]) {
        var text: [Double: String] = [:]
        for l in labels where text[l.value] == nil { text[l.value] = l.text }
        var values = Set(labels.map(\.value))
        for (i, x) in numbers.enumerated() where !missing[i] { values.insert(x) }
        let ordered = values.sorted()
        let levels = ordered.map { text[$0] ?? NumberFormat.significant($0, digits: 15) }
        var code: [Double: UInt32] = [:]
        for (k, x) in ordered.enumerated() { code[x] = UInt32(k) }
        let codes = numbers.enumerated().map { missing[$0.offset] ? 0 : code[$0.element]! }
        return (.text(codes: codes, levels: levels), ordered)
    }

    enum TimeKind { case date, datetime, time }

    /// Days from `epoch` to 1970-01-01: Stata and SAS count from 1960-01-01, SPSS from 1582-10-14.
    static func epochShiftDays(_ family: ReadStatParse.Family) -> Double { family == .spss ? 141_428 : 3653 }

    static func timeKind(format: String, family: ReadStatParse.Family) -> TimeKind? {
        let f = format.uppercased().trimmingCharacters(in: CharacterSet(charactersIn: "%-")) // %-tc: left-aligned
        func starts(_ prefixes: [String]) -> Bool { prefixes.contains { f.hasPrefix($0) } }
        switch family {
        case .stata:
            if starts(["TC"]) { return .datetime }
            if starts(["TD", "D"]) { return .date }
        case .spss:
            if starts(["DATETIME", "YMDHMS"]) { return .datetime }
            if starts(["TIME", "DTIME", "MTIME"]) { return .time }
            if starts(["DATE", "ADATE", "EDATE", "JDATE", "SDATE", "QYR", "MOYR", "WKYR"]) { return .date }
        case .sas:
            // DATEAMPM before DATE below (haven reads it as a date: days where SAS holds seconds).
            if starts(["DATETIME", "DATEAMPM", "MDYAMPM", "E8601DT", "E8601DZ", "B8601DT", "B8601DZ", "NLDATM", "DTDATE", "DTMONYY",
                       "DTYEAR", "DTWKDATX"]) { return .datetime }
            if starts(["TIME", "HHMM", "HOUR", "MMSS", "E8601TM", "E8601TZ", "B8601TM", "B8601TZ", "NLTIME", "TOD"]) { return .time }
            if starts(["DATE", "MMDDYY", "DDMMYY", "YYMMDD", "E8601DA", "WEEKDATE", "WORDDATE", "MONYY", "YYMM", "JULIAN", "NLDATE", "YYQ", "B8601DA"]) {
                return .date
            }
        }
        return nil
    }

    /// Whether an SPSS format shows no decimals (`F8.0`, `F3`, `N4`): the column holds whole numbers.
    static func hasNoDecimals(spssFormat f: String) -> Bool {
        guard let first = f.first, first == "F" || first == "N" else { return false }
        return !f.contains(".") || f.hasSuffix(".0")
    }

    /// The storage of an unlabelled numeric column. A date cell holding Inf becomes missing (with a
    /// warning); dates beyond ±2·10^9 days are clamped there.
    static func numeric(_ numbers: [Double], missing: inout MissingMask, variable v: Variable, family: ReadStatParse.Family,
                        warnings: inout [String]) -> ColumnStorage {
        switch timeKind(format: v.format, family: family) {
        case .date:
            let shift = epochShiftDays(family)
            let perDay: Double = family == .spss ? 86_400 : 1
            var infinite = 0
            for i in numbers.indices where !numbers[i].isFinite && !missing[i] { missing[i] = true; infinite += 1 }
            if infinite > 0 { warnings.append("column '\(v.name)' (format \(v.format)): \(plural(infinite, "infinite date")) read as missing") }
            return .date(numbers.map { Int32(min(max(($0.isFinite ? $0 / perDay - shift : 0).rounded(.down), -2e9), 2e9)) })
        case .datetime:
            let shift = epochShiftDays(family) * 86_400
            let perSecond: Double = family == .stata ? 1000 : 1
            // 0 under a missing cell (as every reader), so a frame saved and loaded again compares equal.
            if family == .stata && v.format.contains("tC") { // Stata's leap-second clock
                warnings.append("column '\(v.name)' (format \(v.format)) is a date-time on Stata's leap-second clock: read as seconds "
                                + "since 1970-01-01 00:00 UTC with the leap seconds taken off (haven keeps them: up to 27 s later)")
                return .real(numbers.indices.map { missing[$0] ? 0 : LeapSeconds.utc(fromLeapClock: numbers[$0] / perSecond - shift) })
            }
            warnings.append("column '\(v.name)' (format \(v.format)) is a date-time: read as seconds since 1970-01-01 00:00 UTC")
            return .real(numbers.indices.map { missing[$0] ? 0 : numbers[$0] / perSecond - shift })
        case .time:
            warnings.append("column '\(v.name)' (format \(v.format)) is a time: read as seconds (since midnight for a time of day), as R's hms")
            return .real(numbers)
        case nil:
            if v.isInteger { return .integer(numbers.map { Int64($0) }) }
            let limit = 9_007_199_254_740_992.0 // 2^53: beyond it a double is not one whole number
            if family == .spss, hasNoDecimals(spssFormat: v.format.uppercased()),
               numbers.indices.allSatisfy({ missing[$0] || (numbers[$0].rounded() == numbers[$0] && abs(numbers[$0]) <= limit) }) {
                return .integer(numbers.map { Int64($0) })
            }
            return .real(numbers)
        }
    }
}
