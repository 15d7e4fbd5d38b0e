// ExpressionEvaluator.swift — evaluates an `Expr` over every loaded row, vectorised.
//
// Contract: the result has one cell per loaded row (filters do not apply: `generate` fills every
// row, `filter` builds a mask over every row). Missing values follow R: arithmetic and comparisons
// with NA give NA; `and`/`or` use R's three-valued logic (NA and FALSE is FALSE, NA or TRUE is TRUE);
// `is.na(x)` tests for NA. Internally a numeric NA is NaN, so results that are not numbers (log(-1),
// 0/0) are NA too, never a silent NaN in a column. Comparisons and logic give 0/1 numbers (as Stata).
// Text compares with < <= > >= in the session's collation, as R does (R's UTF-8 order by default).
// Dates are days since 1970-01-01: date − date gives days, date ± number gives a date, and a date
// compared with a "YYYY-MM-DD" string compares as dates. Date-times (a real column marked
// `Column.isDateTime`: seconds since 1970-01-01 00:00 UTC) follow R's POSIXct: date-time ± number
// (seconds) stays a date-time, date-time − date-time is a number of seconds (R's difftime in secs),
// min/max keep the first value's kind (R's pmin/pmax keep the first argument's class), ifelse of two
// date-times is one, and a date-time compares with "YYYY-MM-DD[ HH:MM[:SS]]" (UTC). As R refuses
// them, * / ^, functions such as log, date-time + date-time and any mix of a date with a date-time
// are errors (R compares and subtracts a Date and a POSIXct in different units without an error).

import Foundation

public enum NumKind: Sendable, Equatable {
    case integer, real, logical, date, dateTime

    /// A date or a date-time: arithmetic beyond ± and comparisons does not apply.
    var isTemporal: Bool { self == .date || self == .dateTime }
}

/// A vector of values, one per loaded row.
public enum EvalValue: Sendable {
    /// NaN marks NA.
    case numbers([Double], NumKind)
    /// Codes into levels; -1 marks NA.
    case texts([Int32], levels: [String])
    case scalar(Double, NumKind)
    case scalarText(String?)

    var typeName: String {
        switch self {
        case .numbers(_, let k), .scalar(_, let k):
            switch k { case .date: return "a date"; case .dateTime: return "a date-time"; case .logical: return "a logical"; default: return "a number" }
        case .texts, .scalarText: return "text"
        }
    }
}

/// Counts of results that are not numbers (R: "NaNs produced", or Inf), each stored as NA.
public final class NumericIssues: @unchecked Sendable {
    /// Reason ("log() of a negative number") -> how many values; in order of first occurrence.
    public private(set) var counts: [(reason: String, count: Int)] = []

    func note(_ reason: String) {
        if let i = counts.firstIndex(where: { $0.reason == reason }) { counts[i].count += 1 } else { counts.append((reason, 1)) }
    }

    /// One warning per reason: "log() of a negative number in 3 values: NA (R: NaNs produced)".
    public var warnings: [String] {
        counts.map { "\($0.reason) in \(plural($0.count, "value")): stored as NA" }
    }
}

public struct ExpressionEvaluator {
    public let frame: DataFrame
    public let command: String
    public let text: String
    let n: Int
    /// Values that came out NaN or infinite from finite inputs, made NA; the command warns with the counts.
    public let issues = NumericIssues()
    /// The stream runif(), rnorm(), ... draw from (nil: random functions are refused).
    public var random: RandomStream?
    /// How `<`, `<=`, `>`, `>=` order text: R's UTF-8 order unless `set collation=c` (as R's Scollate).
    public var collation: TextCollation = .r

    public init(frame: DataFrame, command: String, text: String) {
        self.frame = frame
        self.command = command
        self.text = text
        self.n = frame.rowCount
    }

    func fail(_ message: String, at: Int, expected: String? = nil, suggestion: String? = nil) -> SurvshError {
        SurvshError(.data, command: command, message, expected: expected, suggestion: suggestion,
                    pointer: .init(text: text, offset: at))
    }

    /// Evaluates and broadcasts scalars to full length. A tree deeper than the parser accepts (one
    /// built in code) is refused rather than risking the stack in the recursive evaluation.
    public func evaluate(_ e: Expr) throws -> EvalValue {
        if e.depth > ExpressionParser.maxDepth {
            throw fail("the expression nests too deeply (more than \(ExpressionParser.maxDepth) levels)", at: e.position)
        }
        return broadcast(try eval(e))
    }

    /// A scalar repeated over every loaded row; vectors unchanged.
    func broadcast(_ value: EvalValue) -> EvalValue {
        switch value {
        case .scalar(let v, let k): return .numbers([Double](repeating: v, count: n), k)
        case .scalarText(let s):
            if let s { return .texts([Int32](repeating: 0, count: n), levels: [s]) }
            return .texts([Int32](repeating: -1, count: n), levels: [])
        case .numbers, .texts: return value
        }
    }

    /// The expression as a keep-mask for `filter`: true where the condition is true (NA drops).
    public func mask(_ e: Expr) throws -> [Bool] {
        switch try evaluate(e) {
        case .numbers(let v, let kind):
            if kind.isTemporal { throw fail("a filter condition must be true or false, not \(EvalValue.scalar(0, kind).typeName)", at: e.position) }
            // R's subset() wants a logical; a 0/1 column (e.g. made by generate hi = x > 2) is one.
            if kind != .logical, let other = v.first(where: { !$0.isNaN && $0 != 0 && $0 != 1 }) {
                let shown = text.trimmingCharacters(in: .whitespaces)
                let operand: String
                if case .column = e { operand = shown } else { operand = "(\(shown))" }
                let what: String
                if case .column = e { what = describe(e) } else { what = "the condition" }
                throw fail("a filter condition must be true or false, but \(what) is a number (e.g. \(NumberFormat.label(other)))",
                           at: e.position, expected: "a comparison or a 0/1 column",
                           suggestion: "to keep the rows where it is not zero: filter \(operand) != 0")
            }
            return v.map { !$0.isNaN && $0 != 0 }
        default:
            throw fail("a filter condition must be true or false, not text", at: e.position, expected: "a comparison such as sex == \"m\"")
        }
    }

    /// Converts a result into a column (logical results become 0/1 integers).
    public func column(named name: String, from value: EvalValue) -> Column {
        switch value {
        case .numbers(let v, let kind):
            var mask = MissingMask(count: v.count)
            for i in 0..<v.count where v[i].isNaN { mask[i] = true }
            switch kind {
            case .integer, .logical:
                let allWhole = v.allSatisfy { $0.isNaN || ($0 == $0.rounded() && abs($0) < 9e15) }
                if allWhole { return Column(name: name, storage: .integer(v.map { $0.isNaN ? 0 : Int64($0) }), missing: mask) }
                return Column(name: name, storage: .real(v.map { $0.isNaN ? 0 : $0 }), missing: mask)
            case .real:
                return Column(name: name, storage: .real(v.map { $0.isNaN ? 0 : $0 }), missing: mask)
            case .dateTime: // save writes it as the format's date-time, describe and head show it as one
                var column = Column(name: name, storage: .real(v.map { $0.isNaN ? 0 : $0 }), missing: mask)
                column.isDateTime = true
                return column
            case .date:
                let ok = v.allSatisfy { $0.isNaN || abs($0) < 2e9 }
                if ok { return Column(name: name, storage: .date(v.map { $0.isNaN ? 0 : Int32($0.rounded(.down)) }), missing: mask) }
                return Column(name: name, storage: .real(v.map { $0.isNaN ? 0 : $0 }), missing: mask)
            }
        case .texts(let codes, let levels):
            var mask = MissingMask(count: codes.count)
            for i in 0..<codes.count where codes[i] < 0 { mask[i] = true }
            return Column(name: name, storage: .text(codes: codes.map { $0 < 0 ? 0 : UInt32($0) }, levels: levels), missing: mask)
        case .scalar, .scalarText:
            return column(named: name, from: broadcast(value))
        }
    }

    // MARK: evaluation

    func columnValue(_ name: String, at pos: Int) throws -> EvalValue {
        guard let c = frame.column(name) else {
            throw fail("unknown column '\(name)'", at: pos, expected: expectedColumn(among: frame.names),
                       suggestion: didYouMean(name, among: frame.names))
        }
        switch c.storage {
        case .integer(let v):
            return .numbers((0..<n).map { c.missing[$0] ? .nan : Double(v[$0]) }, .integer)
        case .real(let v):
            let kind: NumKind = c.isDateTime ? .dateTime : .real
            if !c.missing.hasMissing { return .numbers(v, kind) }
            return .numbers((0..<n).map { c.missing[$0] ? .nan : v[$0] }, kind)
        case .boolean(let v):
            return .numbers((0..<n).map { c.missing[$0] ? .nan : (v[$0] ? 1 : 0) }, .logical)
        case .date(let v):
            return .numbers((0..<n).map { c.missing[$0] ? .nan : Double(v[$0]) }, .date)
        case .text(let codes, let levels):
            return .texts((0..<n).map { c.missing[$0] ? -1 : Int32(codes[$0]) }, levels: levels)
        }
    }

    /// One node: Ctrl-C is noticed after each (a node is one pass over every row, about 30 ms at 10^7
    /// rows), whichever order the recursion computes them in.
    func eval(_ e: Expr) throws -> EvalValue {
        let value = try evalNode(e)
        try Interrupt.check(command)
        return value
    }

    private func evalNode(_ e: Expr) throws -> EvalValue {
        switch e {
        case .number(let v, _): return .scalar(v, v == v.rounded() ? .integer : .real)
        case .string(let s, _): return .scalarText(s)
        case .logical(let b, _): return .scalar(b ? 1 : 0, .logical)
        case .missing: return .scalar(.nan, .logical)
        case .column(let name, let pos): return try columnValue(name, at: pos)
        case .unary(let op, let x, let pos):
            let v = try eval(x)
            guard let (a, kind) = numeric(v) else {
                throw fail("'\(op)' needs a number, not text", at: pos)
            }
            if op == "-" {
                if kind.isTemporal { throw fail("cannot negate \(EvalValue.scalar(0, kind).typeName)", at: pos) }
                return map1(a, kind == .logical ? .integer : kind) { -$0 }
            }
            return map1(a, .logical) { $0.isNaN ? .nan : ($0 == 0 ? 1 : 0) }
        case .binary(let op, let l, let r, let pos):
            return try binary(op, l, r, pos)
        case .call(let name, let args, let pos):
            return try call(name, args, pos)
        case .isIn(let x, let list, let pos):
            let v = try eval(x)
            let items = try list.map { try eval($0) }
            switch v {
            case .texts(let codes, let levels):
                var wanted = Set<String>()
                for (k, it) in items.enumerated() {
                    guard case .scalarText(let s) = it else { throw fail("the list after 'in' must hold strings for a text column", at: list[k].position) }
                    if let s { wanted.insert(s) }
                }
                let hit = levels.map { wanted.contains($0) }
                return .numbers(codes.map { $0 < 0 ? .nan : (hit[Int($0)] ? 1 : 0) }, .logical)
            case .scalarText(let s):
                let set = Set(items.compactMap { if case .scalarText(let t) = $0 { return t } else { return nil } })
                return .scalar(s == nil ? .nan : (set.contains(s!) ? 1 : 0), .logical)
            default:
                guard let (a, _) = numeric(v) else { throw fail("'in' needs a column", at: pos) }
                var set = Set<Double>()
                for (k, it) in items.enumerated() {
                    guard case .scalar(let d, _) = it else { throw fail("the list after 'in' must hold numbers for a numeric column", at: list[k].position) }
                    set.insert(d)
                }
                return map1(a, .logical) { $0.isNaN ? .nan : (set.contains($0) ? 1 : 0) }
            }
        }
    }

    /// Numeric view: scalars stay scalars via a 1-element array flag.
    enum Num { case vector([Double]), scalar(Double) }

    func numeric(_ v: EvalValue) -> (Num, NumKind)? {
        switch v {
        case .numbers(let a, let k): return (.vector(a), k)
        case .scalar(let d, let k): return (.scalar(d), k)
        default: return nil
        }
    }

    func map1(_ a: Num, _ kind: NumKind, _ f: (Double) -> Double) -> EvalValue {
        switch a {
        case .scalar(let d): return .scalar(f(d), kind)
        case .vector(let v): return .numbers(v.map(f), kind)
        }
    }

    func map2(_ a: Num, _ b: Num, _ kind: NumKind, _ f: (Double, Double) -> Double) -> EvalValue {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return .scalar(f(x, y), kind)
        case (.vector(let x), .scalar(let y)): return .numbers(x.map { f($0, y) }, kind)
        case (.scalar(let x), .vector(let y)): return .numbers(y.map { f(x, $0) }, kind)
        case (.vector(let x), .vector(let y)):
            var out = [Double](repeating: 0, count: x.count)
            for i in 0..<x.count { out[i] = f(x[i], y[i]) }
            return .numbers(out, kind)
        }
    }

    /// A string literal read as a date, for comparisons and arithmetic with date columns.
    func dateLiteral(_ v: EvalValue, at pos: Int) throws -> EvalValue? {
        guard case .scalarText(let s) = v else { return nil }
        guard let s else { return .scalar(.nan, .date) }
        guard let d = parseISODate(s) else {
            throw fail("'\(s)' is not a date", at: pos, expected: "a date written YYYY-MM-DD")
        }
        return .scalar(Double(d), .date)
    }

    /// A string literal read as a date-time (UTC), for comparisons with date-time columns.
    func dateTimeLiteral(_ v: EvalValue, at pos: Int) throws -> EvalValue? {
        guard case .scalarText(let s) = v else { return nil }
        guard let s else { return .scalar(.nan, .dateTime) }
        guard let t = parseISODateTime(s) else {
            throw fail("'\(s)' is not a date-time", at: pos, expected: "a date-time written YYYY-MM-DD HH:MM:SS (UTC), or YYYY-MM-DD")
        }
        return .scalar(t, .dateTime)
    }

    func binary(_ op: String, _ l: Expr, _ r: Expr, _ pos: Int) throws -> EvalValue {
        var lv = try eval(l)
        var rv = try eval(r)
        // date vs "YYYY-MM-DD"
        if case .numbers(_, .date) = lv, let d = try dateLiteral(rv, at: r.position) { rv = d }
        if case .numbers(_, .date) = rv, let d = try dateLiteral(lv, at: l.position) { lv = d }
        if case .numbers(_, .dateTime) = lv, let t = try dateTimeLiteral(rv, at: r.position) { rv = t }
        if case .numbers(_, .dateTime) = rv, let t = try dateTimeLiteral(lv, at: l.position) { lv = t }

        if op == "and" || op == "or" {
            guard let (a, _) = numeric(lv) else { throw fail("'\(op)' needs true/false values, not text", at: l.position) }
            guard let (b, _) = numeric(rv) else { throw fail("'\(op)' needs true/false values, not text", at: r.position) }
            if op == "and" {
                return map2(a, b, .logical) { x, y in
                    if (!x.isNaN && x == 0) || (!y.isNaN && y == 0) { return 0 }
                    if x.isNaN || y.isNaN { return .nan }
                    return 1
                }
            }
            return map2(a, b, .logical) { x, y in
                if (!x.isNaN && x != 0) || (!y.isNaN && y != 0) { return 1 }
                if x.isNaN || y.isNaN { return .nan }
                return 0
            }
        }

        let isCompare = ["==", "!=", "<", "<=", ">", ">="].contains(op)
        if isCompare, let result = try compareText(op, lv, rv, l, r, pos) { return result }

        guard let (a, ka) = numeric(lv) else {
            throw fail("'\(op)' needs a number on its left, but \(describe(l)) is text", at: l.position,
                       expected: isCompare ? "a string on the right, e.g. == \"m\"" : nil)
        }
        guard let (b, kb) = numeric(rv) else {
            throw fail("'\(op)' needs a number on its right, but \(describe(r)) is text", at: r.position,
                       expected: isCompare ? "a number, or a text column on the left" : nil)
        }
        if ka.isTemporal, kb.isTemporal, ka != kb { // days against seconds: R gives no error, only wrong answers
            throw fail("'\(op)' cannot mix a date (days) and a date-time (seconds)", at: pos,
                       expected: "two dates or two date-times; a date-time's day is floor(t / 86400) days since 1970-01-01")
        }
        if isCompare {
            let f: (Double, Double) -> Bool
            switch op {
            case "==": f = { $0 == $1 }
            case "!=": f = { $0 != $1 }
            case "<": f = { $0 < $1 }
            case "<=": f = { $0 <= $1 }
            case ">": f = { $0 > $1 }
            default: f = { $0 >= $1 }
            }
            return map2(a, b, .logical) { x, y in x.isNaN || y.isNaN ? .nan : (f(x, y) ? 1 : 0) }
        }
        let kind: NumKind
        switch (op, ka, kb) {
        case ("-", .dateTime, .dateTime): kind = .real // seconds, as as.numeric(difftime(a, b, units = "secs"))
        case ("+", .dateTime, .dateTime): throw fail("cannot add two date-times", at: pos, expected: "date-time − date-time (seconds) or date-time + seconds")
        case ("+", .dateTime, _), ("-", .dateTime, _), ("+", _, .dateTime): kind = .dateTime
        case ("-", _, .dateTime): throw fail("cannot subtract a date-time from a number", at: pos)
        case (_, .dateTime, _), (_, _, .dateTime): throw fail("'\(op)' does not apply to date-times", at: pos, expected: "date-time − date-time or date-time ± seconds")
        case ("-", .date, .date): kind = .integer
        case ("+", .date, .date): throw fail("cannot add two dates", at: pos, expected: "date − date (days) or date + days")
        case ("+", .date, _), ("-", .date, _), ("+", _, .date): kind = .date
        case ("-", _, .date): throw fail("cannot subtract a date from a number", at: pos)
        case (_, .date, _), (_, _, .date): throw fail("'\(op)' does not apply to dates", at: pos, expected: "date − date or date ± days")
        case ("/", _, _), ("^", _, _): kind = .real
        default: kind = (ka == .real || kb == .real) ? .real : .integer
        }
        let issues = self.issues
        /// The result, or NA (noted) when finite operands give a NaN or an infinity.
        func finite(_ r: Double, _ x: Double, _ y: Double, _ reason: @autoclosure () -> String) -> Double {
            if r.isFinite || !x.isFinite || !y.isFinite { return r.isNaN ? .nan : r }
            issues.note(reason())
            return .nan
        }
        switch op {
        case "+": return map2(a, b, kind) { x, y in finite(x + y, x, y, "overflow in '+' (beyond ±1.8e308)") }
        case "-": return map2(a, b, kind) { x, y in finite(x - y, x, y, "overflow in '-' (beyond ±1.8e308)") }
        case "*": return map2(a, b, kind) { x, y in finite(x * y, x, y, "overflow in '*' (beyond ±1.8e308)") }
        case "/":
            return map2(a, b, kind) { x, y in
                finite(x / y, x, y, y == 0 ? "division by zero" : "overflow in '/' (beyond ±1.8e308)")
            }
        default:
            return map2(a, b, kind) { x, y in
                finite(Foundation.pow(x, y), x, y, x == 0 ? "zero to a negative power" :
                        (x < 0 ? "a negative number to a fractional power (R: NaNs produced)" : "overflow in '^' (beyond ±1.8e308)"))
            }
        }
    }

    func describe(_ e: Expr) -> String {
        switch e {
        case .column(let n, _): return "column '\(n)'"
        case .string(let s, _): return "\"\(s)\""
        default: return "the value"
        }
    }

    /// Comparisons involving text; nil when neither side is text.
    func compareText(_ op: String, _ lv: EvalValue, _ rv: EvalValue, _ l: Expr, _ r: Expr, _ pos: Int) throws -> EvalValue? {
        func strings(_ v: EvalValue) -> (([Int32], [String])?, String??) {
            switch v {
            case .texts(let c, let lv): return ((c, lv), nil)
            case .scalarText(let s): return (nil, .some(s))
            default: return (nil, nil)
            }
        }
        let (lvec, lsc) = strings(lv)
        let (rvec, rsc) = strings(rv)
        let leftText = lvec != nil || lsc != nil
        let rightText = rvec != nil || rsc != nil
        if !leftText && !rightText { return nil }
        if leftText != rightText {
            let textSide = leftText ? l : r
            let numSide = leftText ? r : l
            throw fail("cannot compare \(describe(textSide)) (text) with a number", at: numSide.position,
                       expected: "a string in quotes, e.g. \(leftText ? describe(l).replacingOccurrences(of: "column ", with: "").replacingOccurrences(of: "'", with: "") : "x") == \"value\"")
        }
        let test: (String, String) -> Bool
        switch op {
        case "==": test = { $0 == $1 }
        case "!=": test = { $0 != $1 }
        case "<": test = { [collation] in collation.precedes($0, $1) }
        case "<=": test = { [collation] in !collation.precedes($1, $0) }
        case ">": test = { [collation] in collation.precedes($1, $0) }
        default: test = { [collation] in !collation.precedes($0, $1) }
        }
        switch (lvec, lsc, rvec, rsc) {
        case (.some(let (codes, levels)), _, nil, .some(let s)):
            guard let s else { return .numbers([Double](repeating: .nan, count: codes.count), .logical) }
            let hit = levels.map { test($0, s) }
            return .numbers(codes.map { $0 < 0 ? .nan : (hit[Int($0)] ? 1 : 0) }, .logical)
        case (nil, .some(let s), .some(let (codes, levels)), _):
            guard let s else { return .numbers([Double](repeating: .nan, count: codes.count), .logical) }
            let hit = levels.map { test(s, $0) }
            return .numbers(codes.map { $0 < 0 ? .nan : (hit[Int($0)] ? 1 : 0) }, .logical)
        case (.some(let (ca, la)), _, .some(let (cb, lb)), _):
            var out = [Double](repeating: .nan, count: ca.count)
            for i in 0..<ca.count where ca[i] >= 0 && cb[i] >= 0 {
                out[i] = test(la[Int(ca[i])], lb[Int(cb[i])]) ? 1 : 0
            }
            return .numbers(out, .logical)
        case (nil, .some(let a), nil, .some(let b)):
            guard let a, let b else { return .scalar(.nan, .logical) }
            return .scalar(test(a, b) ? 1 : 0, .logical)
        default:
            return nil
        }
    }

    // MARK: functions

    static let functionNames = ["log", "exp", "sqrt", "abs", "floor", "ceiling", "round", "is.na", "ifelse", "I",
                                "min", "max", "months_between", "days_between", "date", "year", "month"]
        + randomFunctionNames

    func call(_ name: String, _ args: [Expr], _ pos: Int) throws -> EvalValue {
        func arity(_ k: ClosedRange<Int>) throws {
            if !k.contains(args.count) {
                let want = k.lowerBound == k.upperBound ? "\(k.lowerBound)" : "\(k.lowerBound) to \(k.upperBound)"
                throw fail("\(name)() takes \(want) argument\(k.upperBound == 1 ? "" : "s"), not \(args.count)", at: pos)
            }
        }
        func num(_ k: Int) throws -> (Num, NumKind) {
            let v = try eval(args[k])
            guard let r = numeric(v) else { throw fail("\(name)() needs a number, but \(describe(args[k])) is text", at: args[k].position) }
            return r
        }
        func dateArg(_ k: Int) throws -> Num {
            var v = try eval(args[k])
            if let d = try dateLiteral(v, at: args[k].position) { v = d }
            guard let (a, kind) = numeric(v), kind == .date else {
                throw fail("\(name)() needs a date, but \(describe(args[k])) is not one", at: args[k].position,
                           expected: "a date column or a \"YYYY-MM-DD\" string")
            }
            return a
        }
        let issues = self.issues
        /// f(x), or NA (noted) when a finite x gives a NaN or an infinity.
        func nanSafe(_ f: @escaping (Double) -> Double) -> (Double) -> Double {
            { x in
                let y = f(x)
                if y.isFinite || !x.isFinite { return y.isNaN ? .nan : y }
                switch name {
                case "log" where x == 0: issues.note("log(0), which has no finite value,")
                case "log", "sqrt": issues.note("\(name)() of a negative number (R: NaNs produced)")
                default: issues.note("overflow in \(name)() (beyond 1.8e308)")
                }
                return .nan
            }
        }
        switch name {
        case "I":   // R's I(): the value as it is (model formulas use it to protect arithmetic)
            try arity(1...1)
            return try eval(args[0])
        case "log", "exp", "sqrt", "abs", "floor", "ceiling":
            try arity(1...1)
            let (a, kind) = try num(0)
            if kind.isTemporal { throw fail("\(name)() does not apply to \(kind == .date ? "dates" : "date-times")", at: args[0].position) }
            let f: (Double) -> Double
            switch name {
            case "log": f = Foundation.log
            case "exp": f = Foundation.exp
            case "sqrt": f = Foundation.sqrt
            case "abs": f = Swift.abs
            case "floor": f = Foundation.floor
            default: f = Foundation.ceil
            }
            let k: NumKind = (name == "abs" && kind != .real) ? .integer : ((name == "floor" || name == "ceiling") ? .integer : .real)
            return map1(a, k, nanSafe(f))
        case "round":
            try arity(1...2)
            let (a, kind) = try num(0)
            var digits = 0.0
            if args.count == 2 {
                guard case .scalar(let d, _) = try eval(args[1]) else { throw fail("round()'s digits must be a number", at: args[1].position) }
                digits = d
            }
            return map1(a, digits <= 0 && kind != .real ? kind : (digits <= 0 ? .integer : .real)) {
                ExpressionEvaluator.rRound($0, digits: digits)
            }
        case "is.na":
            try arity(1...1)
            switch try eval(args[0]) {
            case .numbers(let v, _): return .numbers(v.map { $0.isNaN ? 1 : 0 }, .logical)
            case .scalar(let d, _): return .scalar(d.isNaN ? 1 : 0, .logical)
            case .texts(let c, _): return .numbers(c.map { $0 < 0 ? 1 : 0 }, .logical)
            case .scalarText(let s): return .scalar(s == nil ? 1 : 0, .logical)
            }
        case "ifelse":
            try arity(3...3)
            let (c, _) = try num(0)
            let cond: [Double]
            switch c { case .vector(let v): cond = v; case .scalar(let d): cond = [Double](repeating: d, count: n) }
            let a = try evaluate(args[1]), b = try evaluate(args[2])
            switch (a, b) {
            case (.numbers(let x, let kx), .numbers(let y, let ky)):
                let kind: NumKind = kx == ky ? kx : ((kx == .real || ky == .real) ? .real : (kx.isTemporal || ky.isTemporal ? .real : .integer))
                var out = [Double](repeating: .nan, count: n)
                for i in 0..<n where !cond[i].isNaN { out[i] = cond[i] != 0 ? x[i] : y[i] }
                return .numbers(out, kind)
            case (.texts(let x, let lx), .texts(let y, let ly)):
                var levels = lx
                var index = Dictionary(uniqueKeysWithValues: lx.enumerated().map { ($1, Int32($0)) })
                let remap: [Int32] = ly.map { s in
                    if let k = index[s] { return k }
                    levels.append(s); let k = Int32(levels.count - 1); index[s] = k; return k
                }
                var out = [Int32](repeating: -1, count: n)
                for i in 0..<n where !cond[i].isNaN {
                    if cond[i] != 0 { out[i] = x[i] } else { out[i] = y[i] < 0 ? -1 : remap[Int(y[i])] }
                }
                return .texts(out, levels: levels)
            default:
                throw fail("ifelse() needs both values of the same kind (two numbers or two strings)", at: pos)
            }
        case "min", "max":
            guard args.count >= 2 else { throw fail("\(name)() takes two or more values (elementwise, as R's p\(name))", at: pos) }
            var (acc, kind) = try num(0)
            for k in 1..<args.count {
                let (b, kb) = try num(k)
                if kind.isTemporal, kb.isTemporal, kb != kind {
                    throw fail("\(name)() cannot mix a date (days) and a date-time (seconds)", at: args[k].position)
                }
                if kb == .real && !kind.isTemporal { kind = .real } // a date or date-time first keeps its kind, as R's p\(name)
                guard case .numbers(let v, _) = map2(acc, b, kind, { x, y in
                    x.isNaN || y.isNaN ? .nan : (name == "min" ? Swift.min(x, y) : Swift.max(x, y))
                }) else {
                    if case .scalar(let d, _) = map2(acc, b, kind, { x, y in x.isNaN || y.isNaN ? .nan : (name == "min" ? Swift.min(x, y) : Swift.max(x, y)) }) { acc = .scalar(d) }
                    continue
                }
                acc = .vector(v)
            }
            switch acc { case .vector(let v): return .numbers(v, kind); case .scalar(let d): return .scalar(d, kind) }
        case "months_between", "days_between":
            try arity(2...2)
            let a = try dateArg(0), b = try dateArg(1)
            let divisor = name == "months_between" ? 30.4375 : 1
            return map2(a, b, name == "days_between" ? .integer : .real) { x, y in (y - x) / divisor }
        case "date":
            try arity(1...1)
            guard case .scalarText(let s) = try eval(args[0]), let s else {
                throw fail("date() takes a \"YYYY-MM-DD\" string", at: args[0].position)
            }
            guard let d = parseISODate(s) else { throw fail("'\(s)' is not a date", at: args[0].position, expected: "YYYY-MM-DD") }
            return .scalar(Double(d), .date)
        case "year", "month":
            try arity(1...1)
            let a = try dateArg(0)
            return map1(a, .integer) { d in
                // NA as R's year(as.Date(Inf)) and past year 2^31 (civilDate); beyond ±9e15 days Int
                // conversion would trap.
                guard d.isFinite, abs(d) < 9e15, let c = civilDate(daysSinceEpoch: Int(d.rounded(.down))) else { return .nan }
                return Double(name == "year" ? c.year : c.month)
            }
        default:
            if ExpressionEvaluator.randomFunctionNames.contains(name) { return try randomCall(name, args, pos) }
            throw fail("unknown function '\(name)'", at: pos,
                       suggestion: didYouMean(name, among: ExpressionEvaluator.functionNames) ?? "functions: \(ExpressionEvaluator.functionNames.joined(separator: ", "))")
        }
    }
}

extension ExpressionEvaluator {
    /// R's `round(x, digits)` (R >= 4.0.0, nmath/fround.c): of the two numbers with `digits` decimals
    /// either side of x, the one nearer to x in double arithmetic; an exact tie goes to the even last
    /// digit. So round(0.15, 1) is 0.1 (0.15 is stored as 0.1499...) and round(0.45, 1) is 0.4, where
    /// scaling by 10, rounding and scaling back would give 0.2 and 0.5.
    static func rRound(_ x: Double, digits: Double) -> Double {
        if x.isNaN || digits.isNaN { return .nan }
        if !x.isFinite || x == 0 { return x }
        let dig = Int(Swift.max(-400, Swift.min(400, (digits + 0.5).rounded(.down))))
        if dig == 0 { return x.rounded(.toNearestOrEven) }
        if dig < -308 { return 0 }
        let sgn: Double = x < 0 ? -1 : 1
        let ax = Swift.abs(x)
        // More digits than a double carries (DBL_DIG = 15): nothing to round.
        if Foundation.log10(2.0) * (0.5 + Foundation.logb(ax)) + Double(dig) > 15 { return x }
        let pow10 = dig > 0 ? Foundation.pow(10, Double(dig)) : 1 / Foundation.pow(10, Double(-dig))
        let x10 = pow10 * ax, i10 = Foundation.floor(x10)
        let down = i10 / pow10, up = Foundation.ceil(x10) / pow10
        let du = up - ax, dd = ax - down
        let odd = i10.truncatingRemainder(dividingBy: 2) == 1
        return sgn * ((du < dd || (du == dd && odd)) ? up : down)
    }
}

/// Parses `YYYY-MM-DD` (a valid calendar date) into days since 1970-01-01.
public func parseISODate(_ s: String) -> Int? {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
          let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
          (1...12).contains(m), d >= 1 else { return nil }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    let dim = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    guard d <= dim else { return nil }
    return daysFromCivil(year: y, month: m, day: d)
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS[.fff]` (a space or `T` between, UTC:
/// survsh's date-times have no time zone) into seconds since 1970-01-01 00:00 UTC.
public func parseISODateTime(_ s: String) -> Double? {
    let date = String(s.prefix(10))
    guard let day = parseISODate(date) else { return nil }
    var rest = s.dropFirst(10)
    if rest.isEmpty { return Double(day) * 86_400 }
    guard let sep = rest.first, sep == " " || sep == "T" else { return nil }
    rest = rest.dropFirst()
    let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 || parts.count == 3, parts[0].count == 2, parts[1].count == 2,
          let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
    var seconds = 0.0
    if parts.count == 3 {
        let p = parts[2]
        guard p.count >= 2, p.prefix(2).allSatisfy(\.isASCII), p.prefix(2).allSatisfy(\.isNumber),
              p.count == 2 || (p.dropFirst(2).first == "." && p.count > 3 && p.dropFirst(3).allSatisfy { $0.isASCII && $0.isNumber }),
              let v = Double(p), v < 60 else { return nil }
        seconds = v
    }
    return Double(day) * 86_400 + Double(h * 3600 + m * 60) + seconds
}
