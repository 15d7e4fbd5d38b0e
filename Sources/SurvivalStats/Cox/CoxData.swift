// CoxData.swift — the validated input of every Cox computation (fit, zph, Firth, residuals).
//
// Contract
//   Inputs:   a numeric design matrix (p columns of n rows; the caller has already built
//             factor dummies and interaction columns and named them as R does), the outcome
//             (stop times, optional start times for counting-process data (start, stop], and
//             events), optional stratum codes, optional cluster ids, and the grouping of
//             columns into model terms (for cox.zph's per-term tests).
//   Preconditions: complete cases only (the caller drops rows with missing values and reports
//             how many); all values finite (checked here, except in the columns the caller says it
//             has found finite: `knownFinite`); start < stop for counting-process rows.
//   Outputs:  an immutable, Sendable value; no copy of the columns is made when they are
//             passed as `[[Double]]` (copy-on-write storage is shared with the caller).
//   Reference: R survival 3.5-x `coxph` input conventions (Surv(time, status),
//             Surv(start, stop, status), strata(), cluster()).

import Foundation

/// Errors raised for input that no Cox computation can use.
public enum CoxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Array lengths do not agree.
    case dimensionMismatch(String)
    /// A value is NaN or infinite.
    case nonFinite(String)
    /// Counting-process rows need start < stop.
    case invalidInterval(row: Int)
    /// There are no events: the partial likelihood is empty.
    case noEvents
    /// There are no rows.
    case empty
    /// An argument is out of range (a confidence level outside (0, 1), ...).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .dimensionMismatch(let s): return "dimension mismatch: \(s)"
        case .nonFinite(let s): return "non-finite value in \(s)"
        case .invalidInterval(let r): return "row \(r + 1): start time is not before stop time"
        case .noEvents: return "there are no events: a Cox model cannot be fitted"
        case .empty: return "there are no rows"
        case .invalidArgument(let s): return s
        }
    }
}

/// Input of a Cox model: design matrix, outcome, strata, clusters and term structure.
public struct CoxData: Sendable {
    /// Number of rows (subjects, or intervals for counting-process data).
    public let n: Int
    /// Number of design columns.
    public let p: Int
    /// The design matrix by columns: `columns[j][i]` is column j, row i.
    public let columns: [[Double]]
    /// Column names as R's model.matrix names them (`age`, `sex`, `factor(ph.ecog)2`, `age:sex`).
    public let columnNames: [String]
    /// Entry times of counting-process data `(start, stop]`, or nil for right-censored data.
    public let start: [Double]?
    /// Event or censoring times (the stop times of counting-process data).
    public let stop: [Double]
    /// Event indicators (true = event).
    public let event: [Bool]
    /// Stratum code per row, or nil for one stratum. Codes only group rows.
    public let strata: [Int32]?
    /// Cluster id per row for the robust sandwich variance, or nil.
    public let cluster: [Int32]?
    /// Names of the model terms (a factor or an interaction can own several columns).
    public let termNames: [String]
    /// For each column, the index into `termNames` of the term that owns it.
    public let termAssign: [Int]

    /// Creates the input from a column-major matrix `x` (n*p values, column j at x[j*n ..< (j+1)*n]).
    public init(x: [Double], columnNames: [String], start: [Double]? = nil, stop: [Double],
                event: [Bool], strata: [Int32]? = nil, cluster: [Int32]? = nil,
                termNames: [String]? = nil, termAssign: [Int]? = nil) throws {
        let n = stop.count
        let p = columnNames.count
        guard x.count == n * p else {
            throw CoxError.dimensionMismatch("x has \(x.count) values, expected \(n) rows x \(p) columns")
        }
        var cols: [[Double]] = []
        cols.reserveCapacity(p)
        for j in 0..<p { cols.append(Array(x[(j * n)..<((j + 1) * n)])) }
        try self.init(columns: cols, columnNames: columnNames, start: start, stop: stop, event: event,
                      strata: strata, cluster: cluster, termNames: termNames, termAssign: termAssign)
    }

    /// Creates the input from separate columns (no copy: storage is shared with the caller).
    /// `knownFinite[j]` true: the caller has already found every value of column j finite (survsh
    /// checks the columns it reads), so it is not read again here; empty: every column is checked.
    /// `cancel` is polled between the columns checked (CancellationError).
    public init(columns: [[Double]], columnNames: [String], start: [Double]? = nil, stop: [Double],
                event: [Bool], strata: [Int32]? = nil, cluster: [Int32]? = nil,
                termNames: [String]? = nil, termAssign: [Int]? = nil, knownFinite: [Bool] = [],
                cancel: Cancellation = .never) throws {
        let n = stop.count
        guard n > 0 else { throw CoxError.empty }
        guard columns.count == columnNames.count else {
            throw CoxError.dimensionMismatch("\(columns.count) columns but \(columnNames.count) names")
        }
        for (j, c) in columns.enumerated() where c.count != n {
            throw CoxError.dimensionMismatch("column \(columnNames[j]) has \(c.count) rows, expected \(n)")
        }
        guard knownFinite.isEmpty || knownFinite.count == columns.count else {
            throw CoxError.dimensionMismatch("knownFinite has \(knownFinite.count) entries for \(columns.count) columns")
        }
        // the covariates not known finite and the times, in one pass on the threads
        let unchecked = columns.indices.filter { knownFinite.isEmpty || !knownFinite[$0] }
        let bad = Self.nonFinite(unchecked.map { columns[$0] } + [stop], cancel: cancel)
        try cancel.check()
        if let k = bad.firstIndex(of: true), k < unchecked.count { throw CoxError.nonFinite(columnNames[unchecked[k]]) }
        guard event.count == n else { throw CoxError.dimensionMismatch("event has \(event.count) rows, expected \(n)") }
        if bad.last == true { throw CoxError.nonFinite("time") }
        if let s = start {
            guard s.count == n else { throw CoxError.dimensionMismatch("start has \(s.count) rows, expected \(n)") }
            for i in 0..<n {
                guard s[i].isFinite else { throw CoxError.nonFinite("start") }
                guard s[i] < stop[i] else { throw CoxError.invalidInterval(row: i) }
            }
        }
        if let s = strata, s.count != n { throw CoxError.dimensionMismatch("strata has \(s.count) rows, expected \(n)") }
        if let c = cluster, c.count != n { throw CoxError.dimensionMismatch("cluster has \(c.count) rows, expected \(n)") }
        let p = columns.count
        let tn = termNames ?? columnNames
        let ta = termAssign ?? Array(0..<p)
        guard ta.count == p, ta.allSatisfy({ $0 >= 0 && $0 < tn.count }) else {
            throw CoxError.dimensionMismatch("termAssign must give a term index for each of the \(p) columns")
        }
        self.init(validated: columns, columnNames: columnNames, start: start, stop: stop, event: event, strata: strata,
                  cluster: cluster, termNames: tn, termAssign: ta)
    }

    /// For each array, whether it holds a NaN or an infinity; the arrays are checked on up to
    /// CoxParallel's chunk count of threads (the answer does not depend on them).
    private static func nonFinite(_ columns: [[Double]], cancel: Cancellation) -> [Bool] {
        let p = columns.count, n = columns.first?.count ?? 0
        var bad = [Bool](repeating: false, count: p)
        bad.withUnsafeMutableBufferPointer { bb in
            let sh = UncheckedBox(bb.baseAddress!)
            let jobs = min(p, CoxParallel.chunkCount(n))
            CoxParallel.run(jobs) { k in
                for j in stride(from: k, to: p, by: jobs) where !cancel.isCancelled {
                    columns[j].withUnsafeBufferPointer { col in
                        // no early exit (vectorised): exponent bits all set (NaN, +-inf) plus one
                        // exponent unit carries into the top bit
                        let e: UInt64 = 0x7FF0_0000_0000_0000
                        var hit: UInt64 = 0
                        cancel.inBlocks(0..<n) { rows in for i in rows { hit |= (col[i].bitPattern & e) &+ 0x0010_0000_0000_0000 } }
                        sh.value[j] = hit >> 63 != 0
                    }
                }
            }
        }
        return bad
    }

    /// The input without checks (its parts come from a validated CoxData).
    private init(validated columns: [[Double]], columnNames: [String], start: [Double]?, stop: [Double], event: [Bool],
                 strata: [Int32]?, cluster: [Int32]?, termNames tn: [String], termAssign ta: [Int]) {
        let n = stop.count, p = columns.count
        self.n = n
        self.p = p
        self.columns = columns
        self.columnNames = columnNames
        self.start = start
        self.stop = stop
        self.event = event
        self.strata = strata
        self.cluster = cluster
        self.termNames = tn
        self.termAssign = ta
    }

    /// Number of events.
    public var eventCount: Int { event.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// The same outcome, strata and clusters with a subset of the columns (used by the
    /// univariable screen and by the Firth profile).
    public func selectingColumns(_ idx: [Int]) -> CoxData {
        var termMap: [Int: Int] = [:]
        var names: [String] = []
        var assign: [Int] = []
        for j in idx {
            let t = termAssign[j]
            if termMap[t] == nil { termMap[t] = names.count; names.append(termNames[t]) }
            assign.append(termMap[t]!)
        }
        // everything was validated already
        return CoxData(validated: idx.map { columns[$0] }, columnNames: idx.map { columnNames[$0] },
                       start: start, stop: stop, event: event, strata: strata, cluster: cluster,
                       termNames: names, termAssign: assign)
    }
}
