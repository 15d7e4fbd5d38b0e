// Column.swift — one typed column of the data frame.
//
// Contract: a column is a name, typed storage and a missing mask. Storage is columnar and typed:
// integer (Int64), real (Double), boolean, text (dictionary-encoded: UInt32 codes into `levels`,
// levels in first-seen order) and date (days since 1970-01-01, Int32). Missing cells are tracked in
// a bit mask, never by a sentinel value; the storage value under a missing cell is unspecified
// (readers write 0). Columns are values (copy-on-write arrays), so a filtered view never copies them.
// `levelOrder` is the level order a user set (`levels`, `relevel`), as R's factor levels: analyses
// list those levels first, in that order, and any other level after them in the session's collation.
// `label` is the variable label a Stata/SPSS/SAS file gave the column (shown by `describe`, and in
// place of the name in printed tables and figures under `set labels=on`); `missingKinds` counts the
// kinds of missing value the file held in the column when it held more than plain `.` (`.a` -> 2,
// `user-missing` -> 1), as loaded. Both travel with the column through filters, keep, rename and
// relevel; a computed column has neither (`replace` keeps the label, the values are new).
// `levelCodes` (labelled Stata/SPSS columns read as text) holds the file's number of each level,
// parallel to `levels`, so `save` writes the codes the file had; `fileMissing` the file's tagged and
// user-missing values cell by cell (and an SPSS column's declaration), so `save` writes them back.
// `isDateTime` marks a real column read from a date-time (Stata %tc, SPSS DATETIME, SAS DATETIME,
// an Excel date-time format) as seconds since 1970-01-01 00:00 UTC: survsh has no date-time type
// (analyses use the numbers), but `save` writes such a column as the target format's date-time
// again, so a round trip through .dta, .sav or .xlsx gives the same frame, and `head` shows it as a
// date-time (`displayText`). It travels as `label` does; a computed column is one when R would give a
// POSIXct (date-time ± seconds, min/max/ifelse of date-times: ExpressionEvaluator), while date-time −
// date-time is a plain number of seconds.

/// A bit per row, set where the cell is missing.
public struct MissingMask: Sendable, Equatable {
    public private(set) var words: [UInt64]
    public let count: Int

    public init(count: Int) {
        self.count = count
        self.words = [UInt64](repeating: 0, count: (count + 63) >> 6)
    }

    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) >> 6, "MissingMask: word count does not match row count")
        self.words = words
        self.count = count
    }

    @inline(__always) public subscript(row: Int) -> Bool {
        get { words[row >> 6] & (1 << UInt64(row & 63)) != 0 }
        set {
            if newValue { words[row >> 6] |= 1 << UInt64(row & 63) } else { words[row >> 6] &= ~(1 << UInt64(row & 63)) }
        }
    }

    /// Number of missing cells.
    public var missingCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
    public var hasMissing: Bool { words.contains { $0 != 0 } }
}

/// `Column.finiteValues`: known (true) or not known (false); every two compare equal, so that it
/// does not take part in the column's ==.
public struct FiniteValues: Sendable, Equatable {
    public internal(set) var known = false
    public static func == (_: FiniteValues, _: FiniteValues) -> Bool { true }
}

/// Typed storage of a column.
public enum ColumnStorage: Sendable, Equatable {
    case integer([Int64])
    case real([Double])
    case boolean([Bool])
    /// Dictionary-encoded text: `codes[i]` indexes `levels`. Levels are kept in first-seen order;
    /// analyses sort them (numbers numerically, text as R's collation) when they need a reference level.
    case text(codes: [UInt32], levels: [String])
    /// Days since 1970-01-01 (proleptic Gregorian).
    case date([Int32])
}

public enum ColumnType: String, Sendable, CaseIterable {
    case integer, real, boolean, text, date
}

public struct Column: Sendable, Equatable {
    public var name: String
    public var storage: ColumnStorage { didSet { finiteValues = FiniteValues() } }
    public var missing: MissingMask
    /// Whether every value of a real column's storage (under missing cells too) is known to be finite:
    /// found so by the reader that read them (CSV: the Inf/NaN scan every real column gets), forgotten
    /// at any change of the storage. Checks (requireFinite, a Cox model's covariates) then need not
    /// read the column again. A fact about the values, not part of them: == ignores it.
    public internal(set) var finiteValues = FiniteValues()
    /// Level labels in the order set by `levels`/`relevel` (nil: sorted order).
    public var levelOrder: [String]?
    /// Variable label from the file (nil: none).
    public var label: String?
    /// Kinds of missing value found at load beyond plain `.` (kind -> count); empty for text files.
    public var missingKinds: [String: Int] = [:]
    /// The file's value of each text level (parallel to `levels`), for columns read from value labels.
    public var levelCodes: [Double]?
    /// The file's tagged or user-missing value of each missing cell (nil: none), see `FileMissing`.
    public var fileMissing: FileMissing?
    /// A real column of date-times read from a file (seconds since 1970-01-01 00:00 UTC), see above.
    public var isDateTime = false

    public init(name: String, storage: ColumnStorage, missing: MissingMask? = nil, levelOrder: [String]? = nil, label: String? = nil) {
        self.name = name
        self.storage = storage
        self.levelOrder = levelOrder
        self.label = label
        let n: Int
        switch storage {
        case .integer(let v): n = v.count
        case .real(let v): n = v.count
        case .boolean(let v): n = v.count
        case .text(let c, _): n = c.count
        case .date(let v): n = v.count
        }
        self.missing = missing ?? MissingMask(count: n)
        precondition(self.missing.count == n, "Column \(name): mask and storage lengths differ")
    }

    public var count: Int { missing.count }

    public var type: ColumnType {
        switch storage {
        case .integer: return .integer
        case .real: return .real
        case .boolean: return .boolean
        case .text: return .text
        case .date: return .date
        }
    }

    public var isNumeric: Bool { type != .text }

    /// The cell as a Double (integers, booleans 0/1, dates in days); nil when missing or text.
    @inline(__always) public func number(at row: Int) -> Double? {
        if missing[row] { return nil }
        switch storage {
        case .integer(let v): return Double(v[row])
        case .real(let v): return v[row]
        case .boolean(let v): return v[row] ? 1 : 0
        case .date(let v): return Double(v[row])
        case .text: return nil
        }
    }

    /// The cell as text (nil when missing), in the form `save` writes and `head` shows.
    public func text(at row: Int) -> String? {
        if missing[row] { return nil }
        switch storage {
        case .integer(let v): return String(v[row])
        case .real(let v): return formatReal(v[row])
        case .boolean(let v): return v[row] ? "TRUE" : "FALSE"
        case .text(let c, let levels): return levels[Int(c[row])]
        case .date(let v): return formatISODate(daysSinceEpoch: Int(v[row]))
        }
    }
}

extension Column {
    /// The cell as `head` shows it (nil when missing): a date-time as `YYYY-MM-DD HH:MM:SS` (UTC), as R
    /// prints a POSIXct (NA for ±Inf and years beyond 32 bits, as R); every other cell as `text(at:)`,
    /// which `save` writes (the seconds, for a CSV).
    public func displayText(at row: Int) -> String? {
        if isDateTime, let s = number(at: row) { return formatISODateTime(secondsSinceEpoch: s) }
        return text(at: row)
    }
}

/// Shortest text that reads back as the same Double (Swift's description), without a trailing ".0"
/// for whole numbers written as decimals by a user? No: keep ".0" so the column re-infers as real.
public func formatReal(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
    return x.description
}

/// The civil date (proleptic Gregorian) of a day number, days since 1970-01-01; nil when its year is
/// beyond a 32-bit integer, where R's format() of a Date or POSIXct gives NA (as.Date(1e12) is NA,
/// as.Date(1e10) is 27381040-01-27: Fixtures/datetime/far_dates.json). Total over Int: the day numbers
/// that pass the first guard cannot overflow the arithmetic.
public func civilDate(daysSinceEpoch z0: Int) -> (year: Int, month: Int, day: Int)? {
    guard z0.magnitude <= 1 << 40 else { return nil } // year 2^31 is about 7.8e11 days away
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    var y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    if m <= 2 { y += 1 }
    guard Int32(exactly: y) != nil else { return nil }
    return (y, m, d)
}

/// ISO 8601 date from days since 1970-01-01; "NA" where R's format() gives NA (see `civilDate`).
public func formatISODate(daysSinceEpoch z0: Int) -> String {
    civilDate(daysSinceEpoch: z0).map(isoDate) ?? "NA"
}

/// `YYYY-MM-DD` of a civil date (four digits of year at least, `-` before a negative one).
private func isoDate(_ c: (year: Int, month: Int, day: Int)) -> String {
    func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
    return "\(c.year < 0 ? "-" : "")\(pad(abs(c.year), 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) from seconds since 1970-01-01 00:00 UTC: how a date-time column
/// (`Column.isDateTime`) is shown. As R's format() of a POSIXct: the fraction of a second is cut off
/// (23:59:59.6 is 23:59:59, -0.4 is 1969-12-31 23:59:59), and NaN, ±Inf and date-times whose year is
/// beyond a 32-bit integer are "NA" (Fixtures/datetime/far_dates.json).
public func formatISODateTime(secondsSinceEpoch s: Double) -> String {
    guard s.isFinite, s.magnitude < 0x1p56 else { return "NA" } // 2^56 s is past year 2^31; Int(day) cannot trap
    let whole = s.rounded(.down)
    let day = (whole / 86_400).rounded(.down)
    let t = Int(whole - day * 86_400)
    guard let date = civilDate(daysSinceEpoch: Int(day)) else { return "NA" }
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
    return isoDate(date) + " \(two(t / 3600)):\(two(t / 60 % 60)):\(two(t % 60))"
}

/// Days since 1970-01-01 from a civil date (days-from-civil, proleptic Gregorian).
public func daysFromCivil(year y0: Int, month m: Int, day d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = m > 2 ? m - 3 : m + 9
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}
