// Formula.swift — R-style model formulas: `[Surv(TIME, EVENT)] [~ TERM + TERM ...]`.
//
// Contract: `Formula.parse` accepts an optional left side `Surv(time, event)` or
// `Surv(start, stop, event)` and an optional right side of terms separated by `+`:
//   var | EXPR | factor(var) | factor(var, ref = "L") | relevel(var, "L") | strata(v1, v2, ...) |
//   cluster(id) | a:b[:c] | a*b (expands to a + b + a:b) | 1
// where var may itself be an expression, as R allows: `Surv(time, status == 2)`,
// `Surv(time, status %in% c(1, 2))`, `log(pgr + 1)`, `I(age^2)`, `I(age > 50)`, `factor(stage > 2)`.
// An expression is named as R's deparse() writes it (Expr.deparsed) and listed in `derived`;
// `materialize` evaluates each over every loaded row into a model column of the session under that
// name (comparisons give logical columns, so `I(age > 50)` is coded as R codes it: `I(age > 50)TRUE`).
// As in R, '/' '^' and '-' at the top of a term are formula operators, not arithmetic: they are refused
// with a pointer to I(). Terms are returned in R's order: main effects first, then interactions by
// order (R's `terms()` with keep.order = FALSE), duplicates removed; the variables of an interaction
// in their order of first appearance in the formula, as R's terms(). Column names may contain dots.

public struct SurvSpec: Sendable, Equatable {
    public var start: String?
    public var time: String
    public var event: String
    public init(start: String? = nil, time: String, event: String) { self.start = start; self.time = time; self.event = event }
}

public struct FormulaVariable: Sendable, Equatable, Hashable {
    public var column: String
    /// Written as factor(column) or relevel(column, ...): treated as categorical even when numeric.
    public var asFactor: Bool
    /// The level made the reference by `factor(x, ref = "L")` or `relevel(x, "L")` (nil: the first level).
    public var reference: String?
    /// The name R gives the variable in coefficient labels and strata: the term as R deparses it
    /// (`age`, `factor(ph.ecog)`, `relevel(size, "<=20")`).
    public var label: String

    public init(column: String, asFactor: Bool) {
        self.init(column: column, asFactor: asFactor, reference: nil, label: asFactor ? "factor(\(column))" : column)
    }

    public init(column: String, asFactor: Bool, reference: String?, label: String) {
        self.column = column
        self.asFactor = asFactor
        self.reference = reference
        self.label = label
    }
}

/// An expression used as a variable in a formula: R's name for it, and the parsed expression.
public struct FormulaExpression: Sendable, Equatable {
    /// The name of its model column: the expression as R deparses it (`log(pgr + 1)`).
    public var name: String
    /// The text as written (error carets point into it).
    public var source: String
    public var expression: Expr
    public static func == (a: FormulaExpression, b: FormulaExpression) -> Bool { a.name == b.name }
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
    /// The expressions the formula uses as variables (in Surv() and in terms), named as R names them.
    public var derived: [FormulaExpression] = []

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
        let sides = splitTop(s, on: "~")
        if sides.count > 1 {
            lhs = sides[0].trimmingCharacters(in: .whitespaces)
            rhs = sides.dropFirst().joined(separator: "~")
            rhsOffset = sides[0].count + 1
            f.hasRightSide = true
        }
        if !lhs.isEmpty {
            guard lhs.hasPrefix("Surv("), lhs.hasSuffix(")") else {
                throw fail("expected Surv(TIME, EVENT) before '~', found '\(lhs)'", 0, expected: "Surv(time, status) ~ group")
            }
            let inner = lhs.dropFirst(5).dropLast()
            let args = try splitTop(String(inner), on: ",").map {
                try f.column(for: $0.trimmingCharacters(in: .whitespaces), command: command, 5, fail)
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
        // R orders the variables of an interaction by their first appearance in the formula, so
        // `age + factor(x):age` is the term age:factor(x) (and b:a after a is a:b).
        var firstSeen: [FormulaVariable: Int] = [:]
        func add(_ t: FormulaTerm) {
            for v in t.variables where firstSeen[v] == nil { firstSeen[v] = firstSeen.count }
            if t.variables.count == 1 { if !mains.contains(t) { mains.append(t) }; return }
            let ordered = FormulaTerm(variables: t.variables.sorted { firstSeen[$0, default: 0] < firstSeen[$1, default: 0] })
            if !inters.contains(ordered) { inters.append(ordered) }
        }
        var offset = rhsOffset
        for raw in parts {
            let p = raw.trimmingCharacters(in: .whitespaces)
            let at = offset + (raw.count - raw.drop(while: { $0 == " " }).count)
            offset += raw.count + 1
            if p.isEmpty { throw fail("empty term", at, expected: "a column name after '+'") }
            if p == "1" { continue }
            if p.hasPrefix("strata("), p.hasSuffix(")") {
                f.strata += try splitTop(String(p.dropFirst(7).dropLast()), on: ",").map {
                    try f.column(for: $0.trimmingCharacters(in: .whitespaces), command: command, at, fail)
                }
                continue
            }
            if p.hasPrefix("cluster("), p.hasSuffix(")") {
                let c = String(p.dropFirst(8).dropLast()).trimmingCharacters(in: .whitespaces)
                guard splitTop(c, on: ",").count == 1 else { throw fail("cluster() takes one column", at) }
                f.cluster = try f.column(for: c, command: command, at, fail)
                continue
            }
            let crossed = splitTop(p, on: "*")
            if crossed.count > 1 {
                let vars = try crossed.map { try f.variable($0.trimmingCharacters(in: .whitespaces), command: command, at, fail) }
                // all main effects and all interactions of the listed variables: 2^k - 1 terms
                let k = vars.count
                if k > maxCrossed {
                    throw fail("'\(p)' crosses \(k) variables (\(k > 62 ? "more than 10^18" : String((1 << k) - 1)) terms)", at,
                               expected: "at most \(maxCrossed) variables joined by '*'")
                }
                for size in 1...k {
                    for combo in combinations(k, size) { add(FormulaTerm(variables: combo.map { vars[$0] })) }
                }
                continue
            }
            let vars = try splitTop(p, on: ":").map { try f.variable($0.trimmingCharacters(in: .whitespaces), command: command, at, fail) }
            add(FormulaTerm(variables: vars))
        }
        inters.sort { $0.variables.count < $1.variables.count }
        f.terms = mains + inters
        return f
    }

    /// The most variables `a*b*...` may cross (2^10 - 1 = 1023 terms; more is never a model one can fit).
    static let maxCrossed = 10

    /// One variable of a term: a column, an expression, or factor()/relevel() of one.
    mutating func variable(_ s: String, command: String, _ at: Int, _ fail: (String, Int, String?) -> SurvshError) throws -> FormulaVariable {
        for fn in ["factor", "relevel"] where s.hasPrefix(fn + "(") && s.hasSuffix(")") {
            let args = Formula.splitTop(String(s.dropFirst(fn.count + 1).dropLast()), on: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let usage = fn == "factor" ? "factor(var) or factor(var, ref = \"LEVEL\")" : "relevel(var, \"LEVEL\")"
            guard (1...2).contains(args.count) else { throw fail("\(fn)() takes a column and a reference level", at, usage) }
            var inner = try variable(args[0], command: command, at, fail)
            if inner.asFactor && fn == "factor" { throw fail("factor() of a factor", at, usage) }
            var refText: String? = nil
            if args.count == 2 {
                let (named, value) = Formula.namedArgument(args[1], name: "ref")
                guard fn == "relevel" || named else { throw fail("factor() takes a column and ref = \"LEVEL\", not '\(args[1])'", at, usage) }
                guard let level = Formula.literalText(value) else {
                    throw fail("the reference level must be a quoted level or a number, not '\(value)'", at, usage)
                }
                inner.reference = level
                refText = (named ? "ref = " : "") + Formula.deparseString(value)
            } else if fn == "relevel" {
                throw fail("relevel() needs the reference level", at, usage)
            }
            inner.asFactor = true
            inner.label = "\(fn)(\(inner.label)\(refText.map { ", " + $0 } ?? ""))"
            return inner
        }
        let column = try self.column(for: s, command: command, at, fail, term: true)
        return FormulaVariable(column: column, asFactor: false)
    }

    /// The column `s` names: itself for a column name; for an expression, R's name for it, with the
    /// expression added to `derived`. In a term (`term`), '/', '^' and '-' at the top are refused as R's
    /// formula operators.
    mutating func column(for s: String, command: String, _ at: Int, _ fail: (String, Int, String?) -> SurvshError,
                         term: Bool = false) throws -> String {
        if Formula.isName(s) { return s }
        if s.isEmpty { throw fail("empty term", at, "a column name or an expression") }
        let e = try ExpressionParser.parse(s, command: command)
        if case .column(let name, _) = e { return name }
        if term {
            var op: String? = nil
            if case .binary(let o, _, _, _) = e, ["/", "^", "-"].contains(o) { op = o }
            if case .unary("-", _, _) = e { op = "-" }
            if let op {
                let meaning = ["/": "nesting", "^": "crossing", "-": "removing a term"][op] ?? ""
                throw fail("in a formula '\(op)' means \(meaning), as in R; wrap arithmetic in I(): I(\(e.deparsed))", at,
                           "a column, an expression such as log(x + 1), or I(...)")
            }
        }
        let name = e.deparsed
        if !derived.contains(where: { $0.name == name }) {
            derived.append(FormulaExpression(name: name, source: s, expression: e))
        }
        return name
    }

    /// `name = VALUE` → (true, VALUE); anything else → (false, the text).
    static func namedArgument(_ arg: String, name: String) -> (Bool, String) {
        guard arg.hasPrefix(name) else { return (false, arg) }
        let rest = arg.dropFirst(name.count).drop(while: { $0 == " " })
        guard rest.first == "=", rest.dropFirst().first != "=" else { return (false, arg) }
        return (true, rest.dropFirst().trimmingCharacters(in: .whitespaces))
    }

    /// The text of a quoted string ("L" or 'L') or a number as written; nil for anything else.
    static func literalText(_ s: String) -> String? {
        if let q = s.first, q == "\"" || q == "'", s.count >= 2, s.last == q { return String(s.dropFirst().dropLast()) }
        if let v = Double(s) { return NumberFormat.label(v) }
        return nil
    }

    /// A literal as R deparses it: strings in double quotes, numbers as written.
    static func deparseString(_ s: String) -> String {
        guard let text = literalText(s), s.first == "\"" || s.first == "'" else { return s }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func isName(_ s: String) -> Bool { DataFrame.isValidName(s) }

    /// `s` split at `sep` outside parentheses and quoted strings.
    static func splitTop(_ s: String, on sep: Character) -> [String] {
        var parts: [String] = []
        var cur = ""
        var depth = 0
        var quote: Character? = nil
        var escaped = false
        for c in s {
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                cur.append(c)
                continue
            }
            if c == "\"" || c == "'" { quote = c } else if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
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

extension Formula {
    /// Evaluates every expression in `derived` over all loaded rows into a model column of the
    /// session (named as R names it), for the command being run. Logical results become logical
    /// columns, as R's `I(age > 50)` or `status == 2` are.
    public func materialize(in session: Session, command: String) throws {
        guard !derived.isEmpty else { return }
        try session.requireData(command)
        for d in derived {
            let ev = ExpressionEvaluator(session: session, command: command, text: d.source)
            let value = try ev.evaluate(d.expression)
            if case .numbers(let v, .logical) = value {
                var mask = MissingMask(count: v.count)
                for i in 0..<v.count where v[i].isNaN { mask[i] = true }
                session.addModelColumn(Column(name: d.name, storage: .boolean(v.map { $0 == 1 }), missing: mask))
            } else {
                session.addModelColumn(ev.column(named: d.name, from: value))
            }
        }
    }
}

extension OutcomeDeclaration {
    /// The declaration as a formula (its expressions in `derived`), e.g. from `survival Surv(time, status == 2)`.
    public func formula(command: String) throws -> Formula { try Formula.parse(formulaText, command: command) }

    /// The data columns the declared outcome reads (the columns inside its expressions too).
    public var columnsRead: [String] {
        guard let f = try? formula(command: "survival"), let s = f.surv else { return [start, time, event].compactMap { $0 } }
        let derived = Dictionary(f.derived.map { ($0.name, $0.expression.columnNames) }, uniquingKeysWith: { a, _ in a })
        return [s.start, s.time, s.event].compactMap { $0 }.flatMap { derived[$0] ?? [$0] }
    }
}
