// OutcomeRows.swift — the declared outcome over every loaded row, and the frame of new rows built
// from it, for the commands that reshape follow-up (split, tvc, landmark).
//
// Contract: `OutcomeRows.read` evaluates the declared outcome (its expressions too) over all
// loaded rows, filters ignored (the commands reshape every row and carry the filters over): start
// and stop as Doubles (NaN = missing) and the event as R's Surv() reads it (0/1, TRUE/FALSE, or
// 1/2 when the largest value is 2; nil = missing or invalid). `EpisodeColumns` makes the columns
// of the new rows: every column gathered from its parent row, then the outcome's columns written.

import SurvivalStats
import SurvshCore

struct OutcomeRows {
    /// The declared outcome as written (`Surv(time, status == 2)`).
    let declaration: OutcomeDeclaration
    /// The names its parts are read under (a frame column, or an expression's model column).
    let spec: SurvSpec
    let start: [Double]?
    let stop: [Double]
    let event: [Bool?]

    /// The outcome `declaration` (default: the declared one) over every loaded row; an error for
    /// `command` when there is none.
    static func read(_ session: Session, declaration: OutcomeDeclaration? = nil, command: String) throws -> OutcomeRows {
        try session.requireData(command)
        guard let decl = declaration ?? session.outcome else {
            throw SurvshError.usage(command, "no survival outcome declared",
                                    expected: "'survival TIME EVENT' first (or survival START STOP EVENT)")
        }
        let formula = try decl.formula(command: command)
        try formula.materialize(in: session, command: command)
        let spec = formula.surv ?? SurvSpec(start: decl.start, time: decl.time, event: decl.event)
        let cancel = Interrupt.cancellation   // every pass over the rows polls (each 30-100 ms at 10^7 rows)
        func numbers(_ name: String) throws -> [Double] {
            let c = try session.column(name, for: command)
            guard c.isNumeric, c.type != .date else {
                throw SurvshError.data(command, "'\(name)' is \(c.type.rawValue)", expected: "a numeric time column")
            }
            return try cancel.map(count: c.count) { c.number(at: $0) ?? .nan }
        }
        let eventColumn = try session.column(spec.event, for: command)
        guard eventColumn.isNumeric, eventColumn.type != .date else {
            throw SurvshError.data(command, "event column '\(spec.event)' is \(eventColumn.type.rawValue)",
                                   expected: "0/1, TRUE/FALSE or 1/2 (1 = censored, 2 = event)")
        }
        let codes = EventCoding.decode(try cancel.map(count: eventColumn.count) { eventColumn.number(at: $0) ?? .nan }, cancel: cancel)
        try cancel.check()
        let rows = OutcomeRows(declaration: decl, spec: spec, start: try spec.start.map(numbers), stop: try numbers(spec.time),
                               event: codes.events)
        try Interrupt.check(command)
        return rows
    }

    /// Whether `name` (a part of the outcome) is a column of the frame rather than an expression's.
    static func isFrameColumn(_ name: String, _ session: Session) -> Bool { session.frame.index(of: name) != nil }

    /// Whether the time column is stored as integers (new times then stay integer when whole).
    func timeIsInteger(_ session: Session) -> Bool { session.frame.column(spec.time)?.type == .integer }
}

/// The columns of rows made from loaded rows: each new row copies its parent, then named columns
/// are set (added at the end, or replacing a column of that name in place). Every pass over the new
/// rows polls `cancel` (CancellationError once it fires): they may number 10^7 or more.
struct EpisodeColumns {
    private(set) var frame: DataFrame
    let cancel: Cancellation

    /// Copies every column to the episodes' rows.
    init(_ source: DataFrame, parents: [Int], cancel: Cancellation) throws {
        self.cancel = cancel
        frame = DataFrame(columns: try source.columns.map { try $0.gathering(parents, cancel: cancel) }, source: source.source)
    }

    /// Sets a numeric column: integer when `integer` and every value is whole, else real; NaN is missing.
    mutating func set(_ name: String, _ values: [Double], integer: Bool) throws {
        var mask = MissingMask(count: values.count)
        var whole = integer
        guard cancel.inBlocks(values.indices, { ks in
            for i in ks {
                let v = values[i]
                if v.isNaN { mask[i] = true } else if whole && !(v == v.rounded() && abs(v) < 9e15) { whole = false }
            }
        }) else { throw CancellationError() }
        let storage: ColumnStorage = whole ? .integer(try cancel.map(count: values.count) { values[$0].isNaN ? 0 : Int64(values[$0]) })
                                           : .real(try cancel.map(count: values.count) { values[$0].isNaN ? 0 : values[$0] })
        frame.replace(Column(name: name, storage: storage, missing: mask))
    }

    /// Sets a column already built (a time-dependent covariate).
    mutating func set(_ column: Column) { frame.replace(column) }
}

/// Refuses a new column name that would overwrite a column of the data (other than `allowed`);
/// `option` is the option that names it, if one does.
func requireNewColumn(_ name: String, in session: Session, command: String, option: String? = nil, allowed: [String] = []) throws {
    guard DataFrame.isValidName(name) else {
        throw SurvshError.usage(command, "'\(name)' is not a valid column name", expected: (option.map { "\($0)=NAME: " } ?? "") + "letters, digits, '.' and '_', starting with a letter")
    }
    if session.frame.index(of: name) != nil && !allowed.contains(name) {
        throw SurvshError.data(command, "column '\(name)' already exists",
                               expected: (option.map { "another name with \($0)=NAME, or " } ?? "") + "'drop \(name)' or 'rename \(name) NEWNAME' first")
    }
}

/// Times as data values, in full: `183, 365.25`.
func timesText(_ xs: [Double]) -> String { xs.map(NumberFormat.label).joined(separator: ", ") }
