// CompetingRisksOutcome.swift — a competing-risks outcome `Surv(TIME, STATUS)` read as a time and a
// cause per row, as the competing-risks commands (cuminc, crr, cox ... cause=K) take it.
//
// Contract:
// - `resolve` finds the outcome as every survival command does (inline `Surv(TIME, STATUS)` or the
//   `survival` declaration) and refuses Surv(START, STOP, STATUS); `load` keeps the active rows with
//   time, status and every covariate present (R's na.omit) and codes the status:
//   * numeric status: `censor` (default 0, cmprsk's `cencode`) is censored; every other value is a
//     cause and must be a non-negative whole number; the causes are the distinct codes in increasing
//     order, labelled by their codes (`1`, `2`, `5`). There is NO 1/2 rule here (R's Surv() reads a
//     status whose largest value is 2 as 1 = censored, 2 = event): 0/1/2 is censored/cause 1/cause 2,
//     as cmprsk::cuminc reads it; a status of only 1 and 2 gives a warning saying so.
//     TRUE/FALSE is 0/1 (one cause, labelled `1`).
//   * text status: the censoring level is `censor` when given (it must be a level), otherwise the
//     first level in R's factor order (a `levels`/`relevel` order first, then sorted by the session's
//     collation) — R's rule for a factor status in survfit's multi-state Surv(); the other levels are
//     the causes, in that order.
//   Codes per row: 0 = censored, k = 1...K = `causeLabels[k - 1]`.
// - One-line errors (`error: CMD: ...`): a non-integer or negative cause code (naming the value and
//   its row), a censoring level that is not a level, a date status, no complete rows, and no event of
//   any cause.

public struct CompetingRisksOutcome: Sendable {
    public var response: SurvivalResponse
    /// Frame row indices used, ascending.
    public var rows: [Int]
    public var time: [Double]
    /// Per row: 0 = censored, k = 1...K = cause `causeLabels[k - 1]`.
    public var cause: [Int32]
    /// The causes as the status writes them: codes (`1`, `2`) or text levels (`pcm`, `death`).
    public var causeLabels: [String]
    /// The status value read as censored (`0`, or the text level).
    public var censorLabel: String
    /// How the status was read, for the convention line: `status 0 = censored; causes 1, 2`.
    public var coding: String
    /// Active rows dropped for a missing value in a used column.
    public var dropped: Int
    public var warnings: [String]

    public var n: Int { rows.count }
    public var causeCount: Int { causeLabels.count }

    /// Number of rows with each cause (index k - 1 for cause k).
    public var eventCounts: [Int] {
        var c = [Int](repeating: 0, count: causeLabels.count + 1)
        cause.withUnsafeBufferPointer { p in for k in p { c[Int(k)] += 1 } }
        return Array(c.dropFirst())
    }

    /// The cause a user named (`cause=2`, `cause=death`) as its code 1...K; a one-line error naming
    /// `option` otherwise. A numeric status accepts `2` and `2.0`.
    public func causeIndex(_ name: String, option: String = "cause", command: String) throws -> Int {
        if let k = causeLabels.firstIndex(of: name) { return k + 1 }
        if let v = Double(name), let k = causeLabels.firstIndex(where: { Double($0) == v }) { return k + 1 }
        throw SurvshError.usage(command, "\(option)=\(name) is not a cause of \(response.spec.event)",
                                expected: "one of " + orList(causeLabels))
    }

    /// The outcome of `formula` (inline or declared); Surv(START, STOP, STATUS) is refused.
    public static func resolve(_ formula: Formula, session: Session, command: String) throws -> SurvivalResponse {
        let response = try SurvivalResponse.resolve(formula, session: session, command: command)
        if response.spec.start != nil {
            throw SurvshError.usage(command, "Surv(START, STOP, STATUS) is not supported by \(command) (no delayed entry)",
                                    expected: "Surv(TIME, STATUS) with STATUS 0 = censored, 1, 2, ... = causes")
        }
        return response
    }

    /// Complete cases of `response` and `covariates` over the active rows, the status coded as above.
    /// `censor` is the censoring value the user gave (`censor=LEVEL`), nil for the default.
    public static func load(_ response: SurvivalResponse, covariates: [String], censor: String?,
                            session: Session, command: String) throws -> CompetingRisksOutcome {
        try session.requireData(command)
        let timeCol = try CompleteCases.numericColumn(response.spec.time, session: session, command: command, role: "time")
        let statusCol = try session.column(response.spec.event, for: command)
        if statusCol.type == .date {
            throw SurvshError.data(command, "status column '\(statusCol.name)' is a date",
                                   expected: "0 = censored, 1, 2, ... = causes, or a text column of causes")
        }
        var covCols: [Column] = []
        for c in covariates { covCols.append(try session.column(c, for: command)) }
        let (_, skip, activeCount) = CompleteCases.masks(session: session, columns: [timeCol, statusCol] + covCols)
        let rows = CompleteCases.rows(clearIn: skip, count: session.frame.rowCount)
        if rows.isEmpty {
            let why = session.filters.isEmpty ? "" : " (\(plural(session.filters.count, "filter")) active)"
            throw SurvshError.data(command, "no complete rows to analyse\(why)",
                                   expected: "rows with \(response.label) and every covariate present")
        }
        let all = rows.count == session.frame.rowCount
        try Interrupt.check(command)   // each step below is a pass over the rows
        let time = try timeCol.finiteDoubles(rows: all ? nil : rows, command: command)
        try Interrupt.check(command)

        let coded = statusCol.type == .text
            ? try textCauses(statusCol, rows: rows, censor: censor, session: session, command: command)
            : try numericCauses(statusCol, rows: all ? nil : rows, frameRows: rows, censor: censor, command: command)
        try Interrupt.check(command)
        if !coded.cause.contains(where: { $0 != 0 }) {
            throw SurvshError.data(command, "no events of any cause: every \(statusCol.name) is \(coded.censorLabel) (censored)",
                                   expected: "at least one row with a cause (STATUS other than the censoring value \(coded.censorLabel))")
        }
        return CompetingRisksOutcome(response: response, rows: rows, time: time, cause: coded.cause,
                                     causeLabels: coded.causeLabels, censorLabel: coded.censorLabel,
                                     coding: coded.coding, dropped: activeCount - rows.count, warnings: coded.warnings)
    }

    private struct Coded {
        var cause: [Int32]
        var causeLabels: [String]
        var censorLabel: String
        var coding: String
        var warnings: [String] = []
    }

    /// Numeric (or TRUE/FALSE) status: non-negative whole-number codes, `censor` (default 0) censored.
    private static func numericCauses(_ column: Column, rows: [Int]?, frameRows: [Int], censor: String?,
                                      command: String) throws -> Coded {
        let censorCode: Int64
        if let censor {
            guard let v = Double(censor), v == v.rounded(), abs(v) < 1e15 else {
                throw SurvshError.usage(command, "censor=\(censor) is not a whole number (\(column.name) is numeric)",
                                        expected: "censor=CODE, the status code of censored rows (default 0)")
            }
            censorCode = Int64(v)
        } else {
            censorCode = 0
        }
        let values = column.doubles(rows: rows)
        // Validate every code and find the distinct causes.
        var distinct = Set<Int64>()
        for (i, v) in values.enumerated() {
            try Interrupt.check(command, at: i)
            guard v == v.rounded(), abs(v) < 1e15 else {
                throw SurvshError.data(command, "status \(column.name) = \(NumberFormat.label(v)) in row \(frameRows[i] + 1) is not an integer cause code",
                                       expected: "\(censorCode) = censored, 1, 2, ... = causes (whole numbers)")
            }
            let c = Int64(v)
            if c == censorCode { continue }
            if c < 0 {
                throw SurvshError.data(command, "status \(column.name) = \(c) in row \(frameRows[i] + 1) is a negative cause code",
                                       expected: "\(censorCode) = censored, 1, 2, ... = causes")
            }
            distinct.insert(c)
        }
        let codes = distinct.sorted()
        var index: [Int64: Int32] = [censorCode: 0]
        for (k, c) in codes.enumerated() { index[c] = Int32(k + 1) }
        var cause = [Int32](repeating: 0, count: values.count)
        if let hi = codes.last, hi <= 4096, censorCode >= 0, censorCode <= 4096 {
            // Small codes: a table instead of hashing each row.
            var table = [Int32](repeating: 0, count: Int(max(hi, censorCode)) + 1)
            for (c, k) in index { table[Int(c)] = k }
            table.withUnsafeBufferPointer { t in
                for i in 0..<values.count { cause[i] = t[Int(values[i])] }
            }
        } else {
            for i in 0..<values.count { cause[i] = index[Int64(values[i])]! }
        }
        let labels = codes.map { String($0) }
        var warnings: [String] = []
        if censor == nil && codes == [1, 2] && !cause.contains(0) {
            warnings.append("\(column.name) has no 0 (censored) rows: its codes 1 and 2 are read as two causes, not as R's Surv() "
                            + "1 = censored, 2 = event; add censor=1 if 1 means censored")
        }
        let coding = "\(column.name) \(censorCode) = censored; cause\(labels.count == 1 ? "" : "s") " + labels.joined(separator: ", ")
        return Coded(cause: cause, causeLabels: labels, censorLabel: String(censorCode), coding: coding, warnings: warnings)
    }

    /// Text status: the censoring level is `censor` or the first level (R's factor order).
    private static func textCauses(_ column: Column, rows: [Int], censor: String?, session: Session,
                                   command: String) throws -> Coded {
        let lv = try session.levels(column, rows: rows)
        let censorLevel: Int
        if let censor {
            guard let k = lv.labels.firstIndex(of: censor) else {
                throw SurvshError.usage(command, "censor=\(censor) is not a level of \(column.name)",
                                        expected: "one of " + orList(lv.labels))
            }
            censorLevel = k
        } else {
            censorLevel = 0
        }
        // Level k -> cause code: the censoring level 0, the others 1...K in level order.
        var map = [Int32](repeating: 0, count: lv.labels.count)
        var next: Int32 = 1
        for k in lv.labels.indices where k != censorLevel { map[k] = next; next += 1 }
        let cause = map.withUnsafeBufferPointer { m in lv.codes.map { m[Int($0)] } }
        let labels = lv.labels.indices.filter { $0 != censorLevel }.map { lv.labels[$0] }
        let rule = censor == nil ? " (the first level, R's rule for a factor status)" : ""
        let coding = "\(column.name) \(lv.labels[censorLevel]) = censored\(rule); cause\(labels.count == 1 ? "" : "s") "
            + labels.joined(separator: ", ")
        return Coded(cause: cause, causeLabels: labels, censorLabel: lv.labels[censorLevel], coding: coding)
    }
}
