// ReadStatWriter.swift — `save PATH.dta` (Stata 14+, format 118) and `save PATH.sav|.zsav` (SPSS)
// through ReadStat's writer API (readstat_writer_init, readstat_add_variable, label sets,
// readstat_begin_writing_dta/sav, readstat_insert_*), the bytes collected by a write callback.
//
// Contract: what `load` reads back is the frame that was saved (the names excepted where the
// format forbids them):
// - integer -> Stata long (double when out of long's range) / SPSS number with format F<w>.0;
//   real -> double (SPSS F8.2 display, every digit kept); date -> Stata %td (days since 1960) /
//   SPSS DATE11 (seconds since 1582-10-14); a date-time (`Column.isDateTime`: seconds since 1970 UTC)
//   -> Stata %tc (a double of whole milliseconds since 1960, as Stata holds it) / SPSS DATETIME20
//   (seconds since 1582-10-14, every digit kept); boolean -> 0/1 with value labels FALSE/TRUE.
// - text with a level order (a factor: `levels`/`relevel`, or value labels read from a file) ->
//   integer codes with value labels, the labels in level order: the file's own codes when they
//   already run in that order (`Column.levelCodes`), else 1, 2, ...; other text -> strings
//   (Stata str1-str2045, strL beyond; SPSS up to 32767 bytes).
// - variable labels (`Column.label`) are written. Missing cells: the kinds the file held
//   (`Column.fileMissing`) are written back where the format holds them: Stata `.a`-`.z` as tagged
//   missings in .dta (SAS's `.A`-`.Z` folded to them, with a warning); SPSS user-missing values in
//   .sav/.zsav/.por, with the column's user-missing declaration (values and ranges). Every other
//   missing cell is system missing (`.`; an empty string in a string column), and a warning names
//   the kinds so lost (SPSS user-missing in .dta, tags in .sav, SAS `._`).
// - .por (SPSS portable): names upper case, at most 8 characters (ReadStat's writer needs it).
// - names: Stata allows letters, digits and `_` (32 characters, no leading digit), so `ph.ecog`
//   is written `ph_ecog`; SPSS allows `.` too (64 bytes, not at the end). Each changed name is a
//   warning.
// - Ctrl-C is polled for each column's plan and every Cancellation.stride rows (CancellationError).

import CReadStat
import Foundation

/// Stata .dta, format 118 (Stata 14 and later: UTF-8 text).
public enum StataWriter: TableWriter {
    public static let formatName = "Stata .dta"
    public static let fileExtensions = ["dta"]

    public static func encode(_ columns: [Column], rows: [Int]) throws -> TableWriteResult {
        try ReadStatWrite.encode(columns, rows: rows, format: .stata)
    }
}

/// SPSS .sav, row-compressed (as haven writes it).
public enum SPSSWriter: TableWriter {
    public static let formatName = "SPSS .sav"
    public static let fileExtensions = ["sav"]

    public static func encode(_ columns: [Column], rows: [Int]) throws -> TableWriteResult {
        try ReadStatWrite.encode(columns, rows: rows, format: .spss(compressed: false))
    }
}

/// SPSS .zsav: the same, zlib-compressed.
public enum SPSSCompressedWriter: TableWriter {
    public static let formatName = "SPSS .zsav"
    public static let fileExtensions = ["zsav"]

    public static func encode(_ columns: [Column], rows: [Int]) throws -> TableWriteResult {
        try ReadStatWrite.encode(columns, rows: rows, format: .spss(compressed: true))
    }
}

/// SPSS portable .por (text, 80-character lines): names of at most 8 characters, upper case.
public enum SPSSPortableWriter: TableWriter {
    public static let formatName = "SPSS .por"
    public static let fileExtensions = ["por"]

    public static func encode(_ columns: [Column], rows: [Int]) throws -> TableWriteResult {
        try ReadStatWrite.encode(columns, rows: rows, format: .portable)
    }
}

/// The ReadStat writer shared by the formats.
enum ReadStatWrite {
    enum Format: Equatable {
        case stata, spss(compressed: Bool), portable
        var isStata: Bool { self == .stata }
        /// The rules names must follow.
        var names: ReadStatNames.Rules { switch self { case .stata: .stata; case .spss: .spss; case .portable: .portable } }
        var family: String { isStata ? "Stata" : "SPSS" }

        /// Whether a missing kind of `column` (`.a`, `.A`, `._`, `user-missing`) is written back as
        /// itself: Stata holds `.a`-`.z` (SAS's `.A`-`.Z` become them); SPSS holds the user-missing
        /// values its declaration covers.
        func writesBack(_ kind: String, of column: Column) -> Bool {
            if isStata { return kind.count == 2 && kind.first == "." && kind.last!.isASCII && kind.last!.isLetter }
            return kind == "user-missing" && !(column.fileMissing?.declared.isEmpty ?? true)
        }
    }

    /// Where the bytes go and what ReadStat said; travels to the C callbacks as an Unmanaged pointer.
    final class Sink {
        var data = Data()
        var message: String?
    }

    /// How one column is written.
    enum Plan {
        case integer32, double, date, dateTime, boolean
        /// Text as value-labelled codes: the code of each storage level.
        case coded([Double])
        case string
        /// Stata strL: one reference per storage level.
        case stringRef
    }

    static let stataLongRange: ClosedRange<Int64> = -2_147_483_647...2_147_483_620
    static let stataMaxString = 2045
    static let spssMaxString = 32767

    static func encode(_ columns: [Column], rows: [Int], format: Format) throws -> TableWriteResult {
        let names = ReadStatNames.fitted(columns.map(\.name), rules: format.names)
        var warnings = zip(columns, names).filter { $0.name != $1 }.map { "column '\($0.name)' is written as '\($1)' (\(format.family) names)" }
        for c in columns {
            let kinds = c.missingKinds.keys.filter { $0 != "." && !format.writesBack($0, of: c) }.sorted()
            if !kinds.isEmpty { warnings.append("column '\(c.name)': missing values \(kinds.joined(separator: ", ")) are written as system missing (.)") }
            let folded = c.missingKinds.keys.filter { format.isStata && $0.count == 2 && $0.last!.isUppercase }.sorted()
            if !folded.isEmpty {
                warnings.append("column '\(c.name)': SAS missing values \(folded.joined(separator: ", ")) are written as Stata's \(folded.map { $0.lowercased() }.joined(separator: ", "))")
            }
        }
        guard let writer = readstat_writer_init() else { throw DataWriteError("cannot start ReadStat's writer") }
        defer { readstat_writer_free(writer) }
        let sink = Sink()
        readstat_set_data_writer(writer) { bytes, length, ctx in
            let sink = Unmanaged<ReadStatWrite.Sink>.fromOpaque(ctx!).takeUnretainedValue()
            if let bytes, length > 0 { sink.data.append(bytes.assumingMemoryBound(to: UInt8.self), count: length) }
            return length
        }
        readstat_writer_set_error_handler(writer) { message, ctx in
            let sink = Unmanaged<ReadStatWrite.Sink>.fromOpaque(ctx!).takeUnretainedValue()
            sink.message = message.map { String(cString: $0) }
        }
        switch format {
        case .stata: readstat_writer_set_file_format_version(writer, 118)
        case .spss(let compressed): readstat_writer_set_compression(writer, compressed ? READSTAT_COMPRESS_BINARY : READSTAT_COMPRESS_ROWS)
        case .portable: break
        }

        var plans: [Plan] = []
        var variables: [UnsafeMutablePointer<readstat_variable_t>] = []
        // ReadStat keeps the pointer of a user-missing string (not a copy) until the header is written.
        var missingTexts: [UnsafeMutablePointer<CChar>] = []
        defer { missingTexts.forEach { free($0) } }
        for (i, (column, name)) in zip(columns, names).enumerated() {
            if Interrupt.isRaised { throw CancellationError() } // each plan may pass over every row
            let plan = try plan(for: column, rows: rows, format: format)
            let variable = try addVariable(writer, column: column, name: name, plan: plan, rows: rows, format: format, index: i)
            if let label = column.label { readstat_variable_set_label(variable, label) }
            if !format.isStata, let declared = column.fileMissing?.declared {
                missingTexts += declareMissing(variable, declared, plan: plan)
            }
            plans.append(plan)
            variables.append(variable)
        }
        // strL references, one per level, added before writing begins.
        var refs: [[UnsafeMutablePointer<readstat_string_ref_t>?]] = []
        for (column, plan) in zip(columns, plans) {
            guard case .stringRef = plan, case .text(_, let levels) = column.storage else { refs.append([]); continue }
            refs.append(levels.map { readstat_add_string_ref(writer, $0) })
        }

        let context = Unmanaged.passUnretained(sink).toOpaque()
        func check(_ status: readstat_error_t) throws(DataWriteError) {
            guard status != READSTAT_OK else { return }
            throw DataWriteError("ReadStat says: \(sink.message ?? String(cString: readstat_error_message(status)))")
        }
        try withExtendedLifetime(sink) { () throws in
            switch format {
            case .stata: try check(readstat_begin_writing_dta(writer, context, rows.count))
            case .spss: try check(readstat_begin_writing_sav(writer, context, rows.count))
            case .portable: try check(readstat_begin_writing_por(writer, context, rows.count))
            }
            for (variable, name) in zip(variables, names) {
                let status = readstat_validate_variable(writer, variable)
                if status != READSTAT_OK {
                    throw DataWriteError("column '\(name)': ReadStat says: \(String(cString: readstat_error_message(status)))")
                }
            }
            let texts: [[[CChar]]] = columns.map { c in
                guard case .text(_, let levels) = c.storage else { return [] }
                return levels.map { Array($0.utf8CString) }
            }
            for (k, r) in rows.enumerated() {
                if Interrupt.stops(at: k) { throw CancellationError() }
                try check(readstat_begin_row(writer))
                for k in columns.indices {
                    try check(insert(writer, variables[k], columns[k], plans[k], row: r, texts: texts[k], refs: refs[k], format: format))
                }
                try check(readstat_end_row(writer))
            }
            try check(readstat_end_writing(writer))
        }
        return TableWriteResult(data: sink.data, warnings: warnings)
    }

    /// How `column` is written in `format`.
    static func plan(for column: Column, rows: [Int], format: Format) throws(DataWriteError) -> Plan {
        switch column.storage {
        case .integer(let v):
            if format.isStata && !rows.allSatisfy({ column.missing[$0] || stataLongRange.contains(v[$0]) }) { return .double }
            return .integer32
        case .real: return column.isDateTime ? .dateTime : .double
        case .boolean: return .boolean
        case .date: return .date
        case .text(_, let levels):
            if let order = column.levelOrder {
                return .coded(codes(levels: levels, order: order, fileCodes: column.levelCodes, stata: format.isStata))
            }
            let longest = levels.map(\.utf8.count).max() ?? 0
            let limit = format.isStata ? stataMaxString : spssMaxString
            if longest > limit {
                guard format.isStata else {
                    throw DataWriteError("text in column '\(column.name)' is \(longest) bytes long; SPSS holds at most \(limit)")
                }
                return .stringRef
            }
            return .string
        }
    }

    /// The code of each storage level: the file's codes when they run in the level order (and fit
    /// Stata's long), else 1, 2, ... in the level order (levels not in `order` after it).
    static func codes(levels: [String], order: [String], fileCodes: [Double]?, stata: Bool) -> [Double] {
        let ordered = order.filter(levels.contains) + levels.filter { !order.contains($0) }
        let rank = Dictionary(ordered.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        if let fileCodes, fileCodes.count == levels.count, Set(fileCodes).count == levels.count {
            let inOrder = ordered.map { fileCodes[levels.firstIndex(of: $0)!] }
            let fits = !stata || fileCodes.allSatisfy { $0.rounded() == $0 && stataLongRange.contains(Int64(exactly: $0) ?? .max) }
            if fits && zip(inOrder, inOrder.dropFirst()).allSatisfy({ $0 < $1 }) { return fileCodes }
        }
        return levels.map { Double(rank[$0]! + 1) }
    }

    static func addVariable(_ writer: UnsafeMutablePointer<readstat_writer_t>, column: Column, name: String, plan: Plan,
                            rows: [Int], format: Format, index: Int) throws(DataWriteError) -> UnsafeMutablePointer<readstat_variable_t> {
        let numberType = format.isStata ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE
        let type: readstat_type_t
        var width = 0
        var display: String
        var labels: [(Double, String)] = []
        switch plan {
        case .integer32:
            type = numberType
            let digits = rows.lazy.compactMap { column.number(at: $0) }.map { String(Int64($0)).count }.max() ?? 1
            display = format.isStata ? "%12.0g" : "F\(max(8, digits)).0"
        case .double:
            type = READSTAT_TYPE_DOUBLE
            display = format.isStata ? "%10.0g" : "F8.2"
        case .date:
            type = numberType
            display = format.isStata ? "%td" : "DATE11"
        case .dateTime:
            type = READSTAT_TYPE_DOUBLE
            display = format.isStata ? "%tc" : "DATETIME20"
        case .boolean:
            type = format.isStata ? READSTAT_TYPE_INT8 : READSTAT_TYPE_DOUBLE
            display = format.isStata ? "%8.0g" : "F1.0"
            labels = [(0, "FALSE"), (1, "TRUE")]
        case .coded(let codes):
            type = numberType
            display = format.isStata ? "%12.0g" : "F8.0"
            if case .text(_, let levels) = column.storage { labels = zip(codes, levels).sorted { $0.0 < $1.0 } }
        case .string, .stringRef:
            if case .text(_, let levels) = column.storage {
                let userMissing: [String] = format.isStata ? [] : (column.fileMissing?.values ?? []).compactMap {
                    if case .text(let s) = $0 { return s } else { return nil }
                }
                width = max(1, (levels + userMissing).map(\.utf8.count).max() ?? 1)
            }
            type = plan.isStringRef ? READSTAT_TYPE_STRING_REF : READSTAT_TYPE_STRING
            display = format.isStata ? "%\(min(width, 2045))s" : "A\(width)"
        }
        guard let variable = readstat_add_variable(writer, name, type, width) else {
            throw DataWriteError("cannot add column '\(column.name)'")
        }
        readstat_variable_set_format(variable, display)
        if !labels.isEmpty {
            // Stata label sets are named like variables; SPSS ones are internal.
            guard let set = readstat_add_label_set(writer, format.isStata ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE,
                                                   format.isStata ? name : "labels\(index)") else {
                throw DataWriteError("cannot add the value labels of column '\(column.name)'")
            }
            for (value, text) in labels {
                if format.isStata { readstat_label_int32_value(set, Int32(value), text) } else { readstat_label_double_value(set, value, text) }
            }
            readstat_variable_set_label_set(variable, set)
        }
        return variable
    }

    /// An SPSS column's user-missing values and ranges, as the file it was read from declared them
    /// (numbers on a numeric column, strings on a string column). Returns the strings given to
    /// ReadStat, which keeps their pointers: the caller frees them once the file is written.
    static func declareMissing(_ variable: UnsafeMutablePointer<readstat_variable_t>, _ declared: FileMissing.Declared,
                               plan: Plan) -> [UnsafeMutablePointer<CChar>] {
        var kept: [UnsafeMutablePointer<CChar>] = []
        if plan.isString {
            for text in declared.texts {
                guard let copy = strdup(text) else { continue }
                kept.append(copy)
                readstat_variable_add_missing_string_value(variable, copy)
            }
        } else {
            for range in declared.numbers {
                if range.lowerBound == range.upperBound {
                    readstat_variable_add_missing_double_value(variable, range.lowerBound)
                } else {
                    readstat_variable_add_missing_double_range(variable, range.lowerBound, range.upperBound)
                }
            }
        }
        return kept
    }

    /// A missing cell: Stata's tagged missing for `.a`-`.z` (and SAS's `.A`-`.Z`), SPSS's user-missing
    /// value when the column declares user-missing values, else system missing.
    static func insertMissing(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ variable: UnsafeMutablePointer<readstat_variable_t>,
                              _ column: Column, _ plan: Plan, row r: Int, format: Format) -> readstat_error_t {
        let value = column.fileMissing?.value(at: r)
        if let value, format.writesBack(value.kind, of: column) {
            switch (value, plan.isString) {
            case (.tag(let c), false) where format.isStata:
                return readstat_insert_tagged_missing_value(writer, variable, CChar(c.lowercased().utf8.first!))
            case (.number(let x), false) where !format.isStata: return readstat_insert_double_value(writer, variable, x)
            case (.text(let s), true) where !format.isStata: return readstat_insert_string_value(writer, variable, s)
            default: break
            }
        }
        return readstat_insert_missing_value(writer, variable)
    }

    /// Days from 1970-01-01 back to each format's origin: Stata's 1960-01-01, SPSS's 1582-10-14.
    static func dateValue(_ days: Int32, format: Format) -> Double {
        format.isStata ? Double(days) + ReadStatCollector.epochShiftDays(.stata)
            : (Double(days) + ReadStatCollector.epochShiftDays(.spss)) * 86_400
    }

    /// Seconds since 1970-01-01 00:00 UTC in each format's date-time: Stata's %tc counts milliseconds
    /// since 1960 (rounded to whole ones, which is all %tc holds, so a %tc value read and written
    /// again is the same double), SPSS seconds since 1582-10-14 (exact: the sum of the read's difference).
    static func dateTimeValue(_ seconds: Double, format: Format) -> Double {
        let shift = ReadStatCollector.epochShiftDays(format.isStata ? .stata : .spss) * 86_400
        return format.isStata ? ((seconds + shift) * 1000).rounded() : seconds + shift
    }

    static func insert(_ writer: UnsafeMutablePointer<readstat_writer_t>, _ variable: UnsafeMutablePointer<readstat_variable_t>,
                       _ column: Column, _ plan: Plan, row r: Int, texts: [[CChar]], refs: [UnsafeMutablePointer<readstat_string_ref_t>?],
                       format: Format) -> readstat_error_t {
        if column.missing[r] { return insertMissing(writer, variable, column, plan, row: r, format: format) }
        func number(_ x: Double) -> readstat_error_t {
            format.isStata ? readstat_insert_int32_value(writer, variable, Int32(x)) : readstat_insert_double_value(writer, variable, x)
        }
        switch (plan, column.storage) {
        case (.integer32, .integer(let v)): return number(Double(v[r]))
        case (.double, _): return readstat_insert_double_value(writer, variable, column.number(at: r)!)
        case (.date, .date(let v)): return number(dateValue(v[r], format: format))
        case (.dateTime, .real(let v)): return readstat_insert_double_value(writer, variable, dateTimeValue(v[r], format: format))
        case (.boolean, .boolean(let v)):
            return format.isStata ? readstat_insert_int8_value(writer, variable, v[r] ? 1 : 0)
                : readstat_insert_double_value(writer, variable, v[r] ? 1 : 0)
        case (.coded(let codes), .text(let c, _)): return number(codes[Int(c[r])])
        case (.string, .text(let c, _)): return texts[Int(c[r])].withUnsafeBufferPointer { readstat_insert_string_value(writer, variable, $0.baseAddress) }
        case (.stringRef, .text(let c, _)): return readstat_insert_string_ref(writer, variable, refs[Int(c[r])])
        default: return READSTAT_ERROR_VALUE_TYPE_MISMATCH
        }
    }
}

extension ReadStatWrite.Plan {
    var isStringRef: Bool { if case .stringRef = self { return true } else { return false } }
    var isString: Bool { switch self { case .string, .stringRef: return true; default: return false } }
}

/// Column names fitted to Stata's or SPSS's rules, kept unique.
enum ReadStatNames {
    static let stataReserved: Set<String> = ["_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n",
                                             "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with"]
    static let spssReserved: Set<String> = ["ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"]

    enum Rules { case stata, spss, portable }

    static func fitted(_ names: [String], stata: Bool) -> [String] { fitted(names, rules: stata ? .stata : .spss) }

    static func fitted(_ names: [String], rules: Rules) -> [String] {
        var taken = Set<String>()
        return names.map { name in
            var base: String
            switch rules {
            case .stata: base = stataName(name)
            case .spss: base = spssName(name)
            case .portable: base = portableName(name)
            }
            if taken.contains(base.lowercased()) {
                var k = 2
                // The suffix replaces the name's tail where the format limits the length (.por: 8).
                func numbered(_ k: Int) -> String { rules == .portable ? String(base.prefix(7 - String(k).count)) + "_\(k)" : "\(base)_\(k)" }
                while taken.contains(numbered(k).lowercased()) { k += 1 }
                base = numbered(k)
            }
            taken.insert(base.lowercased())
            return base
        }
    }

    /// Letters, digits and `_`, not starting with a digit, at most 32 characters.
    static func stataName(_ name: String) -> String {
        var s = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) || $0 == "_" ? $0 : "_" })
        if s.first?.isNumber ?? true { s = "_" + s }
        s = String(s.prefix(32))
        return stataReserved.contains(s) ? String(("_" + s).prefix(32)) : s
    }

    /// SPSS portable: an SPSS name of at most 8 characters of A-Z, 0-9 and `_ . @ # $`, in upper case
    /// (as SPSS writes .por; ReadStat's .por writer crashes on a lower-case or non-ASCII name).
    static func portableName(_ name: String) -> String {
        let kept = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_.@#$".contains($0)) ? $0 : "_" })
        var s = String(spssName(kept).prefix(8)).uppercased()
        if s.hasSuffix(".") { s = String(s.dropLast()) + "_" }
        return spssReserved.contains(s) ? String(s.prefix(7)) + "_" : s
    }

    /// Starting with a letter, not ending with `.`, at most 64 bytes, not a reserved word.
    static func spssName(_ name: String) -> String {
        var s = name
        if !(s.first?.isLetter ?? false) { s = "v" + s }
        while s.utf8.count > 64 { s.removeLast() }
        if s.hasSuffix(".") { s = String(s.dropLast()) + "_" }
        return spssReserved.contains(s.uppercased()) ? s + "_" : s
    }
}
