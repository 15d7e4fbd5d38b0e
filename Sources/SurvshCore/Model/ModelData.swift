// ModelData.swift — from a formula and the session's active rows to the arrays analyses take.
//
// Contract:
// - `SurvivalResponse.resolve` finds the outcome (inline `Surv(...)` or the `survival` declaration),
//   and converts the event as R's Surv() does: logical TRUE/FALSE, numeric 0/1, or — when the
//   largest value is 2 — 1 = censored, 2 = event; other codes become missing with R's warning.
// - `CompleteCases` keeps the active rows with no missing value in any column the analysis uses
//   and reports how many it dropped (as R's na.action = na.omit).
// - `Grouping` codes one or more columns into groups labelled as R's survfit labels strata
//   (`sex=1`, `sex=1, ph.ecog=2`), levels sorted numbers-numerically, text by byte order.
// - `DesignMatrix` builds numeric model columns named as R's model.matrix names them
//   (`age`, `sexm`, `factor(ph.ecog)1`, `age:sexm`), treatment contrasts with the first sorted
//   level as reference.

import Foundation

public struct SurvivalResponse: Sendable {
    public var spec: SurvSpec
    public init(spec: SurvSpec) { self.spec = spec }
    public var label: String { spec.start.map { "Surv(\($0), \(spec.time), \(spec.event))" } ?? "Surv(\(spec.time), \(spec.event))" }

    /// The inline Surv(...) or the declared outcome; a clear error when neither is there.
    public static func resolve(_ formula: Formula, session: Session, command: String) throws -> SurvivalResponse {
        if let s = formula.surv { return SurvivalResponse(spec: s) }
        if let o = session.outcome { return SurvivalResponse(spec: SurvSpec(start: o.start, time: o.time, event: o.event)) }
        throw SurvshError.usage(command, "no survival outcome", expected: "Surv(TIME, EVENT) in the command, or 'survival TIME EVENT' first")
    }

    public var columns: [String] { [spec.start, spec.time, spec.event].compactMap { $0 } }
}

/// Arrays for a survival analysis over complete cases.
public struct SurvivalData: Sendable {
    /// Frame row indices used, ascending.
    public var rows: [Int]
    public var start: [Double]?
    public var time: [Double]
    public var event: [Bool]
    /// Active rows dropped for a missing value in a used column.
    public var dropped: Int
    public var warnings: [String]
    public var response: SurvivalResponse

    public var n: Int { rows.count }
    public var events: Int { event.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

public enum CompleteCases {
    /// Active rows with no missing value in `columns` (and valid event codes).
    public static func survival(_ response: SurvivalResponse, covariates: [String], session: Session,
                                command: String) throws -> SurvivalData {
        try session.requireData(command)
        let timeCol = try numericColumn(response.spec.time, session: session, command: command, role: "time")
        let startCol = try response.spec.start.map { try numericColumn($0, session: session, command: command, role: "start time") }
        let eventCol = try session.column(response.spec.event, for: command)
        if eventCol.type == .text || eventCol.type == .date {
            throw SurvshError.data(command, "event column '\(eventCol.name)' is \(eventCol.type.rawValue)",
                                   expected: "0/1, TRUE/FALSE or 1/2 (1 = censored, 2 = event)")
        }
        var covCols: [Column] = []
        for c in covariates { covCols.append(try session.column(c, for: command)) }
        let active = session.activeRows
        // R's rule: a numeric status whose largest value is 2 is read as 1/2 coding.
        var maxEvent = -Double.infinity
        for r in active { if let v = eventCol.number(at: r) { maxEvent = max(maxEvent, v) } }
        let shift: Double = (eventCol.type != .boolean && maxEvent == 2) ? 1 : 0
        var rows: [Int] = []
        rows.reserveCapacity(active.count)
        var time: [Double] = [], event: [Bool] = [], start: [Double] = []
        time.reserveCapacity(active.count); event.reserveCapacity(active.count)
        var invalid = 0, badInterval = 0
        for r in active {
            guard let t = timeCol.number(at: r), let e0 = eventCol.number(at: r) else { continue }
            if covCols.contains(where: { $0.missing[r] }) { continue }
            let e = e0 - shift
            if e != 0 && e != 1 { invalid += 1; continue }
            if let sc = startCol {
                guard let s = sc.number(at: r) else { continue }
                if !(s < t) { badInterval += 1; continue }
                start.append(s)
            }
            rows.append(r); time.append(t); event.append(e == 1)
        }
        var warnings: [String] = []
        if invalid > 0 {
            warnings.append("\(invalid) row\(invalid == 1 ? "" : "s") with an invalid status value (not 0/1, TRUE/FALSE or 1/2) treated as missing, as R's Surv()")
        }
        if badInterval > 0 {
            warnings.append("\(badInterval) row\(badInterval == 1 ? "" : "s") with stop time not after start time treated as missing, as R's Surv()")
        }
        if rows.isEmpty {
            let why = session.filters.isEmpty ? "" : " (\(session.filters.count) filter\(session.filters.count == 1 ? "" : "s") active)"
            throw SurvshError.data(command, "no complete rows to analyse\(why)", expected: "rows with \(response.label) and every covariate present")
        }
        return SurvivalData(rows: rows, start: startCol == nil ? nil : start, time: time, event: event,
                            dropped: active.count - rows.count, warnings: warnings, response: response)
    }

    static func numericColumn(_ name: String, session: Session, command: String, role: String) throws -> Column {
        let c = try session.column(name, for: command)
        if c.type == .text || c.type == .date {
            throw SurvshError.data(command, "\(role) column '\(name)' is \(c.type.rawValue)", expected: "a numeric column")
        }
        return c
    }
}

/// A categorical coding of one column over given rows: sorted levels and per-row codes.
public struct Levels: Sendable {
    /// Level labels as R prints them ("1", "2.5", "m", "TRUE", "2004-03-11").
    public var labels: [String]
    /// Code per requested row (index into labels).
    public var codes: [Int32]
    public init(labels: [String], codes: [Int32]) { self.labels = labels; self.codes = codes }

    /// Sorted levels of `column` over `rows` (rows must have no missing value in it).
    public static func of(_ column: Column, rows: [Int]) -> Levels {
        switch column.storage {
        case .text(let codes, let levels):
            var used = [Bool](repeating: false, count: levels.count)
            for r in rows { used[Int(codes[r])] = true }
            let order = levels.indices.filter { used[$0] }.sorted { Array(levels[$0].utf8).lexicographicallyPrecedes(Array(levels[$1].utf8)) }
            var remap = [Int32](repeating: -1, count: levels.count)
            for (k, i) in order.enumerated() { remap[i] = Int32(k) }
            return Levels(labels: order.map { levels[$0] }, codes: rows.map { remap[Int(codes[$0])] })
        default:
            var values = Set<Double>()
            for r in rows { if let v = column.number(at: r) { values.insert(v) } }
            let sorted = values.sorted()
            var index: [Double: Int32] = [:]
            for (k, v) in sorted.enumerated() { index[v] = Int32(k) }
            let labels = sorted.map { v -> String in
                switch column.type {
                case .boolean: return v == 1 ? "TRUE" : "FALSE"
                case .date: return formatISODate(daysSinceEpoch: Int(v))
                default: return NumberFormat.significant(v, digits: 15)
                }
            }
            return Levels(labels: labels, codes: rows.map { index[column.number(at: $0)!]! })
        }
    }
}

/// Groups from one or more variables, labelled as survfit labels strata.
public struct Grouping: Sendable {
    /// One label per group, in R's order (first variable varies slowest).
    public var labels: [String]
    /// Group index per row.
    public var codes: [Int32]
    public var count: Int { labels.count }
    public init(labels: [String], codes: [Int32]) { self.labels = labels; self.codes = codes }

    /// A single group labelled `all`.
    public static func single(rows: Int) -> Grouping {
        Grouping(labels: ["all"], codes: [Int32](repeating: 0, count: rows))
    }

    public static func make(_ variables: [FormulaVariable], session: Session, rows: [Int], command: String) throws -> Grouping {
        if variables.isEmpty { return single(rows: rows.count) }
        var perVar: [Levels] = []
        for v in variables { perVar.append(Levels.of(try session.column(v.column, for: command), rows: rows)) }
        // Combine: key = mixed radix, first variable slowest; keep only combinations present.
        var key = [Int](repeating: 0, count: rows.count)
        for lv in perVar {
            let m = lv.labels.count
            for i in 0..<rows.count { key[i] = key[i] * m + Int(lv.codes[i]) }
        }
        let present = Array(Set(key)).sorted()
        var index: [Int: Int32] = [:]
        for (k, v) in present.enumerated() { index[v] = Int32(k) }
        var labels: [String] = []
        for v in present {
            var rem = v
            var parts: [String] = []
            for (j, lv) in perVar.enumerated().reversed() {
                let m = lv.labels.count
                parts.append("\(variables[j].label)=\(lv.labels[rem % m])")
                rem /= m
            }
            labels.append(parts.reversed().joined(separator: ", "))
        }
        return Grouping(labels: labels, codes: key.map { index[$0]! })
    }
}

/// Numeric model columns named as R names them.
public struct DesignMatrix: Sendable {
    public struct Term: Sendable {
        public var label: String
        /// Indices of this term's columns in `names`.
        public var columns: [Int]
        /// For a factor main effect: the reference level (not a column) and all levels.
        public var referenceLevel: String?
        public var levels: [String]
        public var isFactor: Bool
    }

    public var names: [String]
    /// Column-major values: `columns[j][i]` for row i.
    public var columns: [[Double]]
    public var terms: [Term]
    public var rowCount: Int

    /// Column-major flat array (p × n), as the numerics take it.
    public var flat: [Double] { columns.flatMap { $0 } }

    public static func build(_ formula: Formula, session: Session, rows: [Int], command: String) throws -> DesignMatrix {
        let mainFactor: Set<String> = Set(formula.terms.filter { $0.variables.count == 1 }.map { $0.variables[0].column })
        struct Piece { var names: [String]; var columns: [[Double]]; var levels: [String]; var ref: String?; var isFactor: Bool }
        var cache: [FormulaVariable: (Piece, Piece)] = [:]  // (contrast coding, full indicator coding)
        func piece(_ v: FormulaVariable) throws -> (Piece, Piece) {
            if let p = cache[v] { return p }
            let col = try session.column(v.column, for: command)
            let categorical = v.asFactor || col.type == .text || col.type == .boolean
            let result: (Piece, Piece)
            if !categorical {
                if col.type == .date {
                    let vals = rows.map { col.number(at: $0)! }
                    let p = Piece(names: [v.label], columns: [vals], levels: [], ref: nil, isFactor: false)
                    result = (p, p)
                } else {
                    let p = Piece(names: [v.label], columns: [rows.map { col.number(at: $0)! }], levels: [], ref: nil, isFactor: false)
                    result = (p, p)
                }
            } else {
                let lv = Levels.of(col, rows: rows)
                var cols: [[Double]] = []
                var names: [String] = []
                for (k, l) in lv.labels.enumerated() {
                    names.append(v.label + l)
                    cols.append(lv.codes.map { $0 == Int32(k) ? 1 : 0 })
                }
                let contrast = Piece(names: Array(names.dropFirst()), columns: Array(cols.dropFirst()),
                                     levels: lv.labels, ref: lv.labels.first, isFactor: true)
                let full = Piece(names: names, columns: cols, levels: lv.labels, ref: nil, isFactor: true)
                result = (contrast, full)
            }
            cache[v] = result
            return result
        }
        var names: [String] = []
        var columns: [[Double]] = []
        var terms: [Term] = []
        for t in formula.terms {
            var acc: Piece? = nil
            for (k, v) in t.variables.enumerated() {
                let (contrast, full) = try piece(v)
                // R: within an interaction, a factor whose main effect is absent is coded by full
                // indicators (for the first such factor); otherwise by contrasts.
                let p = (t.variables.count > 1 && contrast.isFactor && !mainFactor.contains(v.column) && k == 0) ? full : contrast
                if let a = acc {
                    var n2: [String] = [], c2: [[Double]] = []
                    for (j, cb) in p.columns.enumerated() {
                        for (i, ca) in a.columns.enumerated() {
                            n2.append(a.names[i] + ":" + p.names[j])
                            c2.append(zip(ca, cb).map { $0 * $1 })
                        }
                    }
                    acc = Piece(names: n2, columns: c2, levels: [], ref: nil, isFactor: a.isFactor || p.isFactor)
                } else {
                    acc = p
                }
            }
            guard let a = acc else { continue }
            let idx = Array(names.count..<(names.count + a.names.count))
            names += a.names
            columns += a.columns
            terms.append(Term(label: t.label, columns: idx, referenceLevel: t.variables.count == 1 ? a.ref : nil,
                              levels: t.variables.count == 1 ? a.levels : [], isFactor: a.isFactor))
        }
        return DesignMatrix(names: names, columns: columns, terms: terms, rowCount: rows.count)
    }
}
