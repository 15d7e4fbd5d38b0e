// SampleSelection.swift — how `ttest` and `wilcoxon` read their data from the command line.
//
// Contract: the body words select one of four designs,
//   X                 one sample (column X)
//   X Y paired        paired samples: rows where both X and Y are present (a pair with a missing side is dropped)
//   X Y               two independent samples from two columns (each column's missing values dropped)
//   X ~ GROUP         two independent samples: X split by the two levels of GROUP (rows missing X or GROUP dropped)
// over the session's active (filtered) rows. X and Y must be numeric (integer, real or 0/1); GROUP may
// be of any type and must have exactly two levels among the rows used, sorted as R's factor() sorts
// them (numbers numerically, text as R sorts it, or as `levels` set it): the first level is the first sample.

import SurvivalStats
import SurvshCore

/// Which samples a test compares.
enum SampleDesign: Equatable {
    case oneSample(String)
    case paired(String, String)
    case twoColumns(String, String)
    case grouped(value: String, group: String)

    /// Parses the body words; `paired` is the flag.
    static func parse(_ words: [String], paired: Bool, command: String, synopsis: String) throws -> SampleDesign {
        let body = words.joined(separator: " ")
        if let tilde = body.firstIndex(of: "~") {
            let left = body[..<tilde].split(separator: " ").map(String.init)
            let right = body[body.index(after: tilde)...].split(separator: " ").map(String.init)
            guard left.count == 1 else {
                throw SurvshError.usage(command, left.isEmpty ? "missing the variable before '~'"
                                            : "one variable before '~', found \(left.count)", expected: synopsis)
            }
            guard right.count == 1 else {
                throw SurvshError.usage(command, right.isEmpty ? "missing the grouping column after '~'"
                                            : "one grouping column after '~', found \(right.count)", expected: synopsis)
            }
            if paired {
                throw SurvshError.usage(command, "'paired' needs two columns (X Y paired), not X ~ GROUP", expected: synopsis)
            }
            return .grouped(value: left[0], group: right[0])
        }
        switch words.count {
        case 0:
            throw SurvshError.usage(command, "missing the variable to test", expected: synopsis)
        case 1:
            if paired {
                throw SurvshError.usage(command, "'paired' needs two columns", expected: "\(command) X Y paired")
            }
            return .oneSample(words[0])
        case 2:
            return paired ? .paired(words[0], words[1]) : .twoColumns(words[0], words[1])
        default:
            throw SurvshError.usage(command, "unexpected '\(words[2])'", expected: synopsis)
        }
    }

    var isTwoSample: Bool {
        switch self {
        case .twoColumns, .grouped: return true
        case .oneSample, .paired: return false
        }
    }

    /// What is compared, as the first output line names it: "age", "x vs y, paired", "age by sex"
    /// (each column by its label under `set labels=on`).
    func title(_ session: Session) -> String {
        let name = session.displayName
        switch self {
        case .oneSample(let x): return name(x)
        case .paired(let x, let y): return "\(name(x)) vs \(name(y)), paired"
        case .twoColumns(let x, let y): return "\(name(x)) vs \(name(y))"
        case .grouped(let x, let g): return "\(name(x)) by \(name(g))"
        }
    }

    /// The columns as JSON keys: `x`, and `y` or `group`.
    func addColumns(to j: inout JSONObject) {
        switch self {
        case .oneSample(let x): j["x"] = .string(x)
        case .paired(let x, let y), .twoColumns(let x, let y):
            j["x"] = .string(x)
            j["y"] = .string(y)
        case .grouped(let x, let g):
            j["x"] = .string(x)
            j["group"] = .string(g)
        }
    }
}

/// The options every sample test shares, with their defaults: mu=0, alternative=two.sided.
enum SampleTestOptions {
    static func read(_ args: Arguments) -> (mu: Double, alternative: TestAlternative) {
        (args.double("mu", default: 0),
         TestAlternative(rawValue: args.string("alternative") ?? "two.sided") ?? .twoSided)
    }
}

/// The numbers a test runs on, with what the output needs to describe them.
struct SampleData {
    var design: SampleDesign
    /// First sample (paired: X over complete pairs).
    var x: [Double]
    /// Second sample (paired: Y over complete pairs); nil for one sample.
    var y: [Double]?
    /// Labels of the samples: column names, or `GROUP=level` as R's survfit labels strata.
    var labels: [String]
    /// Active rows considered, and how many of them the test could not use (missing values).
    var activeRows: Int
    var dropped: Int

    /// Observations used: n, pairs, or n1 + n2.
    var used: Int {
        switch design {
        case .paired: return x.count
        default: return x.count + (y?.count ?? 0)
        }
    }

    static func load(_ design: SampleDesign, session: Session, command: String) throws -> SampleData {
        try session.requireData(command)
        // (made once: with no filter dropping a row the session builds the list on each call)
        let rows = session.activeRows
        func numeric(_ name: String) throws -> Column {
            let c = try session.column(name, for: command)
            if c.type == .text || c.type == .date {
                throw SurvshError.data(command, "column '\(name)' is \(c.type.rawValue), not numeric",
                                       expected: "a numeric column for the values; text columns may be the GROUP in X ~ GROUP")
            }
            try Interrupt.check(command)   // each step of the selection is a pass over the rows
            try c.requireFinite(rows: rows, command: command)
            try Interrupt.check(command)
            return c
        }
        // Check every column before looking at rows, so an unknown column is reported first.
        let data: SampleData
        switch design {
        case .oneSample(let name):
            let c = try numeric(name)
            try requireRows(rows, session: session, command: command)
            let x = try gather(c, rows, command)
            data = SampleData(design: design, x: x, y: nil, labels: [name], activeRows: rows.count,
                              dropped: rows.count - x.count)
        case .paired(let a, let b):
            let ca = try numeric(a), cb = try numeric(b)
            try requireRows(rows, session: session, command: command)
            var x: [Double] = [], y: [Double] = []
            for (i, r) in rows.enumerated() {
                try Interrupt.check(command, at: i)
                if let u = ca.number(at: r), let v = cb.number(at: r) {
                    x.append(u)
                    y.append(v)
                }
            }
            data = SampleData(design: design, x: x, y: y, labels: [a, b], activeRows: rows.count,
                              dropped: rows.count - x.count)
        case .twoColumns(let a, let b):
            let ca = try numeric(a), cb = try numeric(b)
            try requireRows(rows, session: session, command: command)
            let x = try gather(ca, rows, command)
            let y = try gather(cb, rows, command)
            data = SampleData(design: design, x: x, y: y, labels: [a, b], activeRows: rows.count,
                              dropped: 2 * rows.count - x.count - y.count)
        case .grouped(let value, let group):
            let cv = try numeric(value)
            let cg = try session.column(group, for: command)
            try requireRows(rows, session: session, command: command)
            let used = rows.filter { !cv.missing[$0] && !cg.missing[$0] }
            try Interrupt.check(command)
            let levels = try session.levels(cg, rows: used)
            try Interrupt.check(command)
            guard levels.labels.count == 2 else {
                let shown = levels.labels.prefix(12).joined(separator: ", ") + (levels.labels.count > 12 ? ", …" : "")
                let what = levels.labels.isEmpty
                    ? "has no non-missing values among the rows with '\(value)'"
                    : "has \(levels.labels.count) level\(levels.labels.count == 1 ? "" : "s") (\(shown)) among the rows used"
                throw SurvshError.data(command, "grouping column '\(group)' \(what)",
                                       expected: "exactly 2 levels; e.g. filter the rows to two groups first")
            }
            var x: [Double] = [], y: [Double] = []
            for (k, r) in used.enumerated() {
                try Interrupt.check(command, at: k)
                guard let v = cv.number(at: r) else { continue }   // `used` has no missing value
                if levels.codes[k] == 0 { x.append(v) } else { y.append(v) }
            }
            data = SampleData(design: design, x: x, y: y,
                              labels: levels.labels.map { "\(group)=\($0)" }, activeRows: rows.count,
                              dropped: rows.count - used.count)
        }
        return data
    }

    /// The non-missing values of `column` over `rows`, polling Ctrl-C.
    private static func gather(_ column: Column, _ rows: [Int], _ command: String) throws -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(rows.count)
        for (i, r) in rows.enumerated() {
            try Interrupt.check(command, at: i)
            if let v = column.number(at: r) { out.append(v) }
        }
        return out
    }

    /// What `dropped` counts, in words: "3 rows with a missing value dropped".
    static func droppedPhrase(_ data: SampleData) -> String {
        let k = data.dropped
        switch data.design {
        case .paired: return "\(k) incomplete pair\(k == 1 ? "" : "s") dropped"
        case .twoColumns: return "\(k) missing value\(k == 1 ? "" : "s") dropped"
        case .oneSample, .grouped: return "\(k) row\(k == 1 ? "" : "s") with a missing value dropped"
        }
    }

    private static func requireRows(_ rows: [Int], session: Session, command: String) throws {
        guard rows.isEmpty else { return }
        let n = session.filters.count
        if n == 0 {
            throw SurvshError.data(command, "no rows to analyse (the data have no rows)",
                                   expected: "a data file with at least one row")
        }
        throw SurvshError.data(command, "no rows to analyse (the \(n) active filter\(n == 1 ? "" : "s") leave\(n == 1 ? "s" : "") no rows)",
                               expected: "'unfilter' or a filter that keeps some rows")
    }
}
