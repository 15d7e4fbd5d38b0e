// Formula.swift — R-style model formulas: `[Surv(TIME, EVENT)] [~ TERM + TERM ...]`.
//
// Contract: `Formula.parse` accepts an optional left side `Surv(time, event)` or
// `Surv(start, stop, event)` and an optional right side of terms separated by `+`:
//   var | factor(var) | strata(v1, v2, ...) | cluster(id) | a:b[:c] | a*b (expands to a + b + a:b) | 1
// Terms are returned in R's order: main effects first, then interactions by order (R's `terms()`
// with keep.order = FALSE), duplicates removed. Column names may contain dots.

public struct SurvSpec: Sendable, Equatable {
    public var start: String?
    public var time: String
    public var event: String
    public init(start: String? = nil, time: String, event: String) { self.start = start; self.time = time; self.event = event }
}

public struct FormulaVariable: Sendable, Equatable, Hashable {
    public var column: String
    /// Written as factor(column): treated as categorical even when numeric.
    public var asFactor: Bool
    public init(column: String, asFactor: Bool) { self.column = column; self.asFactor = asFactor }

    /// The name R gives the variable in coefficient labels.
    public var label: String { asFactor ? "factor(\(column))" : column }
}

public struct FormulaTerm: Sendable, Equatable, Hashable {
    /// One variable for a main effect, several for an interaction `a:b`.
    public var variables: [FormulaVariable]
    public init(variables: [FormulaVariable]) { self.variables = variables }
    public var label: String { variables.map(\.label).joined(separator: ":") }
}

public struct Formula: Sendable, Equatable {
    public var surv: SurvSpec?
    public var terms: [FormulaTerm]
    /// Columns in `strata(...)` terms (each call's columns in order).
    public var strata: [String]
    public var cluster: String?
    /// True when a `~` was written.
    public var hasRightSide: Bool

    /// Every column the formula reads (outcome excluded).
    public var covariateColumns: [String] {
        var seen: [String] = []
        for t in terms { for v in t.variables where !seen.contains(v.column) { seen.append(v.column) } }
        for s in strata where !seen.contains(s) { seen.append(s) }
        if let c = cluster, !seen.contains(c) { seen.append(c) }
        return seen
    }

    public static func parse(_ text: String, command: String) throws -> Formula {
        var f = Formula(surv: nil, terms: [], strata: [], cluster: nil, hasRightSide: false)
        let s = text.trimmingCharacters(in: .whitespaces)
        func fail(_ msg: String, _ offset: Int, expected: String? = nil) -> SurvshError {
            SurvshError(.usage, command: command, msg, expected: expected, pointer: .init(text: s, offset: offset))
        }
        var lhs = s
        var rhs: String? = nil
        var rhsOffset = 0
        if let tilde = s.firstIndex(of: "~") {
            lhs = String(s[..<tilde]).trimmingCharacters(in: .whitespaces)
            rhs = String(s[s.index(after: tilde)...])
            rhsOffset = s.distance(from: s.startIndex, to: tilde) + 1
            f.hasRightSide = true
        }
        if !lhs.isEmpty {
            guard lhs.hasPrefix("Surv("), lhs.hasSuffix(")") else {
                throw fail("expected Surv(TIME, EVENT) before '~', found '\(lhs)'", 0, expected: "Surv(time, status) ~ group")
            }
            let inner = lhs.dropFirst(5).dropLast()
            let args = inner.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            for a in args where !isName(a) {
                throw fail("Surv() takes column names, not '\(a)'", 5, expected: "Surv(TIME, EVENT) or Surv(START, STOP, EVENT)")
            }
            switch args.count {
            case 2: f.surv = SurvSpec(start: nil, time: args[0], event: args[1])
            case 3: f.surv = SurvSpec(start: args[0], time: args[1], event: args[2])
            default: throw fail("Surv() takes 2 or 3 columns, not \(args.count)", 0, expected: "Surv(TIME, EVENT) or Surv(START, STOP, EVENT)")
            }
        }
        guard let rhs else { return f }
        let parts = splitTop(rhs, on: "+")
        var mains: [FormulaTerm] = []
        var inters: [FormulaTerm] = []
        func add(_ t: FormulaTerm) {
            if t.variables.count == 1 { if !mains.contains(t) { mains.append(t) } }
            else if !inters.contains(t) { inters.append(t) }
        }
        var offset = rhsOffset
        for raw in parts {
            let p = raw.trimmingCharacters(in: .whitespaces)
            let at = offset + (raw.count - raw.drop(while: { $0 == " " }).count)
            offset += raw.count + 1
            if p.isEmpty { throw fail("empty term", at, expected: "a column name after '+'") }
            if p == "1" { continue }
            if p.hasPrefix("strata("), p.hasSuffix(")") {
                let cols = p.dropFirst(7).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                for c in cols where !isName(c) { throw fail("strata() takes column names, not '\(c)'", at) }
                f.strata += cols
                continue
            }
            if p.hasPrefix("cluster("), p.hasSuffix(")") {
                let c = p.dropFirst(8).dropLast().trimmingCharacters(in: .whitespaces)
                guard isName(c) else { throw fail("cluster() takes one column name", at) }
                f.cluster = c
                continue
            }
            if p.contains("*") {
                let vars = try p.split(separator: "*").map { try variable(String($0).trimmingCharacters(in: .whitespaces), at, fail) }
                // all main effects and all interactions of the listed variables
                let k = vars.count
                for size in 1...k {
                    for combo in combinations(k, size) { add(FormulaTerm(variables: combo.map { vars[$0] })) }
                }
                continue
            }
            let vars = try p.split(separator: ":").map { try variable(String($0).trimmingCharacters(in: .whitespaces), at, fail) }
            add(FormulaTerm(variables: vars))
        }
        inters.sort { $0.variables.count < $1.variables.count }
        f.terms = mains + inters
        return f
    }

    static func variable(_ s: String, _ at: Int, _ fail: (String, Int, String?) -> SurvshError) throws -> FormulaVariable {
        if s.hasPrefix("factor("), s.hasSuffix(")") {
            let inner = String(s.dropFirst(7).dropLast()).trimmingCharacters(in: .whitespaces)
            guard isName(inner) else { throw fail("factor() takes a column name, not '\(inner)'", at, nil) }
            return FormulaVariable(column: inner, asFactor: true)
        }
        guard isName(s) else {
            throw fail("'\(s)' is not a column name or a term", at, "var, factor(var), strata(var), a:b or a*b")
        }
        return FormulaVariable(column: s, asFactor: false)
    }

    static func isName(_ s: String) -> Bool { DataFrame.isValidName(s) }

    static func splitTop(_ s: String, on sep: Character) -> [String] {
        var parts: [String] = []
        var cur = ""
        var depth = 0
        for c in s {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == sep && depth == 0 { parts.append(cur); cur = "" } else { cur.append(c) }
        }
        parts.append(cur)
        return parts
    }

    static func combinations(_ n: Int, _ k: Int) -> [[Int]] {
        if k == 0 { return [[]] }
        if n < k { return [] }
        var out: [[Int]] = []
        func rec(_ start: Int, _ acc: [Int]) {
            if acc.count == k { out.append(acc); return }
            for i in start..<n { rec(i + 1, acc + [i]) }
        }
        rec(0, [])
        return out
    }
}
