// XLSXColumns.swift — a worksheet's cells inside a region turned into named, typed columns.
//
// Contract: the region's first row is the header; each following row is a record (empty rows inside
// the region are records with every cell missing). Names: a header cell's text (numbers, dates and
// booleans as they read as text); a merged header cell spanning several columns names the first
// column NAME and the others NAME_2, NAME_3, ...; then empty names and duplicates are handled as the
// CSV reader does (`V<k>`, R's make.unique), with warnings. Types are decided per column as the CSV
// reader decides them, from what the cells hold rather than from text:
// - every non-missing cell a number: integer when all are whole (|x| <= 2^53), else real;
// - every one a date (a number with a date format, or an ISO date cell): date;
// - dates and date-times: real seconds since 1970-01-01 00:00 UTC marked `Column.isDateTime`, with a
//   warning (as the ReadStat readers do); times: real seconds, with a warning: a clock format (h:mm,
//   h:mm AM/PM) gives the seconds since midnight, an elapsed one ([h]:mm:ss) the seconds of the whole
//   value (36:00:00 is 129600). A clock format on a serial of a day or more hides a date, which is kept:
//   that cell is a date-time, and a column mixing such cells with times is all date-times, its times on
//   day 0 of the date system (1899-12-31 or 1904-01-01, as readxl reads every time-formatted cell);
//   Fixtures/xlsx/clock.json has readxl's values;
// - every one a boolean: boolean;
// - anything else (text, or a mix): text, each cell as it reads as text (numbers in shortest form,
//   whole numbers without decimals, dates YYYY-MM-DD, booleans TRUE/FALSE); levels in first-seen order.
// Missing: cells that are absent or empty, text cells equal to an NA token after trimming blanks,
// error cells (#N/A, #DIV/0!, ... counted in a warning), and the 1900 system's serial 60 (1900-02-29,
// a day that did not exist, kept by Excel for Lotus 1-2-3's sake). A column with no value is real,
// with a warning, as in the CSV reader.
// Serial numbers: in the 1900 system serial 1 is 1900-01-01 and serials from 61 on are one too high
// (the phantom 1900-02-29); in the 1904 system serial 0 is 1904-01-01.
// Ctrl-C: `cancel` is polled every `Cancellation.stride` cells of each pass over a column (resolving
// its cells, counting their kinds, making its storage), so a column of 10^6 text cells is no longer
// one stretch without a poll (0.24 s of CPU in bench/poll_gaps.sh); `build` throws CancellationError.

import SurvivalStats

struct XLSXColumns {
    let sheet: XLSXSheet
    let shared: [String]
    let date1904: Bool
    /// NA tokens, trimmed of blanks.
    let naTokens: Set<String>
    /// Polled in every pass over a column's cells; once it fires `build` throws CancellationError.
    var cancel: Cancellation = .never

    /// A cell resolved to what it means.
    enum Cell {
        case missing, error, number(Double), date(Int32), datetime(Double), time(Double), boolean(Bool), text(String)
    }

    /// Day 0 of the date system (1899-12-31, or 1904-01-01), in days since 1970-01-01: a time's day.
    var dayZero: Double { date1904 ? -24_107 : -25_568 }

    /// Fractional days since 1970-01-01 of a serial number; nil for 1900-02-29, negative serials and
    /// serials whose day number does not fit 32 bits (R shows such a Date or POSIXct as NA; the cell's
    /// seconds could overflow), so the day number of a result always converts to Int32.
    static func days(serial s: Double, date1904: Bool) -> Double? {
        if s < 0 || !s.isFinite { return nil }
        let d: Double
        if date1904 { d = s - 24_107 } else if s >= 61 { d = s - 25_569 } else if s >= 60 { return nil } else { d = s - 25_568 }
        return Int32(exactly: d.rounded(.down)) == nil ? nil : d
    }

    func resolve(_ kind: XLSXCellKind, _ value: Double) -> Cell {
        func string(_ index: Double, in list: [String]) -> String {
            let i = Int(index)
            return i >= 0 && i < list.count ? list[i] : ""
        }
        func text(_ s: String) -> Cell {
            var t = Substring(s)
            while let f = t.first, f == " " || f == "\t" { t = t.dropFirst() }
            while let l = t.last, l == " " || l == "\t" { t = t.dropLast() }
            return naTokens.contains(String(t)) ? .missing : .text(s)
        }
        switch kind {
        case .shared: return text(string(value, in: shared))
        case .inline: return text(string(value, in: sheet.inlineStrings))
        case .error: return .error
        case .boolean: return .boolean(value != 0)
        case .number: return .number(value)
        case .date:
            guard let d = Self.days(serial: value, date1904: date1904) else { return .missing }
            return .date(Int32(d.rounded(.down)))
        case .datetime:
            return dateTime(serial: value)
        case .time where value >= 1: // a clock format on a date-time: keep the date it hides
            return dateTime(serial: value)
        case .time, .elapsed:
            let seconds = (value * 86_400_000).rounded() / 1000
            return seconds.isFinite ? .time(seconds) : .missing
        case .isoDate:
            let s = string(value, in: sheet.inlineStrings)
            if let d = parseISODate(String(s.prefix(10))), s.count == 10 || s.dropFirst(10).allSatisfy({ "T0:.Z".contains($0) }) {
                return .date(Int32(clamping: d))
            }
            return text(s)
        }
    }

    /// A date-time cell (seconds since 1970 to the millisecond) of a serial number.
    func dateTime(serial: Double) -> Cell {
        guard let d = Self.days(serial: serial, date1904: date1904) else { return .missing }
        return .datetime((d * 86_400_000).rounded() / 1000)
    }

    /// A cell as text: for header names and for text columns holding numbers, dates or booleans.
    static func text(of cell: Cell) -> String? {
        switch cell {
        case .missing, .error: return nil
        case .text(let s): return s
        case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : formatReal(x)
        case .date(let d): return formatISODate(daysSinceEpoch: Int(d))
        case .datetime(let s): return formatISODateTime(secondsSinceEpoch: s)
        case .time(let s): return clock(s)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        }
    }

    /// `HH:MM:SS` (hours past 24 for elapsed times, `-` before a negative one); the number of seconds
    /// where hours would pass 10^11 (and for ±Inf and NaN, which no cell holds).
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds.magnitude < 3.6e14 else { return formatReal(seconds) }
        if seconds < 0 { return "-" + clock(-seconds) }
        let s = Int(seconds.rounded())
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
    }

    /// The header cell of column `column` (1-based) in `region`: its cell in the region's first row.
    func header(column: Int, region: XLSXRange) -> Cell {
        guard column - 1 < sheet.columns.count else { return .missing }
        let list = sheet.columns[column - 1]
        guard let k = list.rows.lastIndex(of: Int32(region.firstRow)) else { return .missing }
        return resolve(list.kinds[k], list.values[k])
    }

    /// The data rows' cells of column `column` (1-based) in `region`, taken out of the sheet (so each
    /// column's raw cells are freed once it is built).
    func data(column: Int, region: XLSXRange) throws -> [Cell] {
        var data = [Cell](repeating: .missing, count: region.lastRow - region.firstRow)
        let list = sheet.takeColumn(column - 1)
        let resolved = cancel.inBlocks(list.rows.indices) { block in
            for k in block {
                let row = Int(list.rows[k])
                guard row > region.firstRow && row <= region.lastRow else { continue }
                data[row - region.firstRow - 1] = resolve(list.kinds[k], list.values[k])
            }
        }
        guard resolved else { throw CancellationError() }
        return data
    }

    /// The named, typed columns of `region`, built one at a time.
    func build(region: XLSXRange, warnings: inout [String]) throws -> [Column] {
        var raw = (region.firstColumn...region.lastColumn).map { Self.text(of: header(column: $0, region: region)) ?? "" }
        // Merged header cells: NAME, NAME_2, NAME_3, ...
        for m in sheet.merges where m.firstRow <= region.firstRow && m.lastRow >= region.firstRow && m.lastColumn > m.firstColumn {
            let first = m.firstColumn - region.firstColumn
            guard first >= 0, first < raw.count, !raw[first].isEmpty else { continue }
            for c in (m.firstColumn + 1)...m.lastColumn {
                let k = c - region.firstColumn
                if k >= 0 && k < raw.count && raw[k].isEmpty { raw[k] = raw[first] + "_\(c - m.firstColumn + 1)" }
            }
        }
        let names = CSVReader.cleanNames(raw, warnings: &warnings)
        var columns: [Column] = []
        for (name, k) in zip(names, region.firstColumn...region.lastColumn) {
            columns.append(try column(name: name, cells: data(column: k, region: region), warnings: &warnings))
        }
        return columns
    }

    /// One column, typed from its cells.
    func column(name: String, cells: [Cell], warnings: inout [String]) throws -> Column {
        var mask = MissingMask(count: cells.count)
        var numbers = 0, dates = 0, datetimes = 0, times = 0, booleans = 0, texts = 0, errors = 0, whole = true
        for (i, cell) in cells.enumerated() {
            if cancel.stops(at: i) { throw CancellationError() }
            switch cell {
            case .missing: mask[i] = true
            case .error: mask[i] = true; errors += 1
            case .number(let x): numbers += 1; if whole && !(x == x.rounded() && abs(x) <= 9_007_199_254_740_992) { whole = false }
            case .date: dates += 1
            case .datetime: datetimes += 1
            case .time: times += 1
            case .boolean: booleans += 1
            case .text: texts += 1
            }
        }
        if errors > 0 { warnings.append("column '\(name)': \(plural(errors, "error cell")) (#N/A, #DIV/0!, ...) read as missing") }
        let present = cells.count - mask.missingCount
        let storage: ColumnStorage
        var isDateTime = false
        if present == 0 {
            warnings.append("column '\(name)' has no non-missing values; read as real")
            storage = .real([Double](repeating: 0, count: cells.count))
        } else if numbers == present {
            let values = try cancel.map(count: cells.count) { if case .number(let x) = cells[$0] { return x } else { return 0 } }
            storage = whole ? .integer(try cancel.map(count: values.count) { Int64(values[$0]) }) : .real(values)
        } else if dates == present {
            storage = .date(try cancel.map(count: cells.count) { if case .date(let d) = cells[$0] { return d } else { return 0 } })
        } else if dates + datetimes + times == present && times < present {
            warnings.append("column '\(name)' holds date-times: read as seconds since 1970-01-01 00:00 UTC"
                            + (times > 0 ? " (\(plural(times, "time")) of day 0, \(formatISODate(daysSinceEpoch: Int(self.dayZero))), as readxl)" : ""))
            isDateTime = true
            let dayZero = self.dayZero
            storage = .real(try cancel.map(count: cells.count) {
                switch cells[$0] {
                case .date(let d): return Double(d) * 86_400
                case .datetime(let s): return s
                case .time(let s): return dayZero * 86_400 + s
                default: return 0
                }
            })
        } else if times == present {
            warnings.append("column '\(name)' holds times: read as seconds (since midnight for a time of day)")
            storage = .real(try cancel.map(count: cells.count) { if case .time(let s) = cells[$0] { return s } else { return 0 } })
        } else if booleans == present {
            storage = .boolean(try cancel.map(count: cells.count) { if case .boolean(let b) = cells[$0] { return b } else { return false } })
        } else {
            storage = try textStorage(cells)
        }
        var column = Column(name: name, storage: storage, missing: mask)
        column.isDateTime = isDateTime // save writes it back with a date-time format
        return column
    }

    /// Dictionary-encoded text, levels in first-seen order (missing cells get code 0).
    func textStorage(_ cells: [Cell]) throws -> ColumnStorage {
        var codes = [UInt32](repeating: 0, count: cells.count)
        var levels: [String] = []
        var index: [String: UInt32] = [:]
        for (i, cell) in cells.enumerated() {
            if cancel.stops(at: i) { throw CancellationError() }
            guard let t = Self.text(of: cell) else { continue }
            if let c = index[t] { codes[i] = c; continue }
            let c = UInt32(levels.count)
            index[t] = c
            levels.append(t)
            codes[i] = c
        }
        return .text(codes: codes, levels: levels)
    }
}
