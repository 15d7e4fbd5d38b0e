// Expression.swift — the expression language of `filter`, `generate` and `replace`: tokens and parser.
//
// Grammar (lowest precedence first; R's order where R has the operator):
//   or      := and ( ('or' | '|' | '||') and )*
//   and     := not ( ('and' | '&' | '&&') not )*
//   not     := ('not' | '!') not | compare
//   compare := in ( ('==' | '!=' | '<' | '<=' | '>' | '>=') in )?
//   in      := sum ( 'in' '(' expr (',' expr)* ')' )?
//   sum     := product ( ('+' | '-') product )*
//   product := unary ( ('*' | '/') unary )*
//   unary   := '-' unary | power
//   power   := primary ( '^' unary )?                 (right-associative)
//   primary := NUMBER | STRING | TRUE | FALSE | NA | NAME | NAME '(' args ')' | '(' expr ')'
// Names may contain dots (`ph.ecog`). Every node keeps the character offset where it starts, so an
// error can point at it with a caret.

public indirect enum Expr: Sendable {
    case number(Double, at: Int)
    case string(String, at: Int)
    case logical(Bool, at: Int)
    case missing(at: Int)
    case column(String, at: Int)
    case unary(String, Expr, at: Int)
    case binary(String, Expr, Expr, at: Int)
    case call(String, [Expr], at: Int)
    case isIn(Expr, [Expr], at: Int)

    public var position: Int {
        switch self {
        case .number(_, let p), .string(_, let p), .logical(_, let p), .missing(let p), .column(_, let p),
             .unary(_, _, let p), .binary(_, _, _, let p), .call(_, _, let p), .isIn(_, _, let p):
            return p
        }
    }

    /// Column names the expression reads.
    public var columnNames: [String] {
        switch self {
        case .column(let n, _): return [n]
        case .unary(_, let e, _): return e.columnNames
        case .binary(_, let a, let b, _): return a.columnNames + b.columnNames
        case .call(_, let args, _): return args.flatMap(\.columnNames)
        case .isIn(let e, let list, _): return e.columnNames + list.flatMap(\.columnNames)
        default: return []
        }
    }
}

struct Token: Equatable {
    enum Kind: Equatable { case number(Double), string(String), name(String), op(String), end }
    var kind: Kind
    var at: Int
}

public struct ExpressionParser {
    let text: String
    let command: String
    private var tokens: [Token] = []
    private var i = 0

    /// Parses a whole expression; errors point into `text`.
    public static func parse(_ text: String, command: String) throws -> Expr {
        var p = try ExpressionParser(text: text, command: command)
        if case .end = p.peek.kind {
            throw p.fail("missing expression", at: 0, expected: "an expression such as age > 60")
        }
        let e = try p.parseOr()
        guard case .end = p.peek.kind else { throw p.fail("unexpected '\(p.describe(p.peek))'", at: p.peek.at, expected: "an operator or the end of the expression") }
        return e
    }

    init(text: String, command: String) throws {
        self.text = text
        self.command = command
        self.tokens = try tokenize()
    }

    func fail(_ message: String, at: Int, expected: String? = nil, suggestion: String? = nil) -> SurvshError {
        SurvshError(.usage, command: command, message, expected: expected, suggestion: suggestion,
                    pointer: .init(text: text, offset: at))
    }

    private func tokenize() throws -> [Token] {
        let c = Array(text)
        var out: [Token] = []
        var k = 0
        func isNameStart(_ ch: Character) -> Bool { ch.isLetter || ch == "_" || ch == "." }
        func isNameChar(_ ch: Character) -> Bool { ch.isLetter || ch.isNumber || ch == "_" || ch == "." }
        while k < c.count {
            let ch = c[k]
            if ch.isWhitespace { k += 1; continue }
            let start = k
            if ch.isNumber || (ch == "." && k + 1 < c.count && c[k + 1].isNumber) {
                while k < c.count, c[k].isNumber || c[k] == "." { k += 1 }
                if k < c.count, c[k] == "e" || c[k] == "E" {
                    var m = k + 1
                    if m < c.count, c[m] == "+" || c[m] == "-" { m += 1 }
                    if m < c.count, c[m].isNumber {
                        k = m
                        while k < c.count, c[k].isNumber { k += 1 }
                    }
                }
                let s = String(c[start..<k])
                guard let v = Double(s) else { throw fail("malformed number '\(s)'", at: start, expected: "a number such as 2.5 or 1e-3") }
                out.append(Token(kind: .number(v), at: start))
                continue
            }
            if isNameStart(ch) {
                while k < c.count, isNameChar(c[k]) { k += 1 }
                out.append(Token(kind: .name(String(c[start..<k])), at: start))
                continue
            }
            if ch == "\"" || ch == "'" {
                k += 1
                var s = ""
                var closed = false
                while k < c.count {
                    if c[k] == "\\", k + 1 < c.count { s.append(c[k + 1]); k += 2; continue }
                    if c[k] == ch { closed = true; k += 1; break }
                    s.append(c[k]); k += 1
                }
                if !closed { throw fail("unterminated string", at: start, expected: "a closing \(ch)") }
                out.append(Token(kind: .string(s), at: start))
                continue
            }
            let two = k + 1 < c.count ? String(c[k...k + 1]) : ""
            if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
                out.append(Token(kind: .op(two), at: start)); k += 2; continue
            }
            if "+-*/^()<>,!&|".contains(ch) {
                out.append(Token(kind: .op(String(ch)), at: start)); k += 1; continue
            }
            if ch == "=" {
                throw fail("'=' is assignment, not comparison", at: start, expected: "'==' to compare")
            }
            throw fail("unexpected character '\(ch)'", at: start)
        }
        out.append(Token(kind: .end, at: c.count))
        return out
    }

    private var peek: Token { tokens[i] }
    private mutating func advance() -> Token { let t = tokens[i]; if i < tokens.count - 1 { i += 1 }; return t }

    private func isOp(_ t: Token, _ ops: String...) -> Bool {
        switch t.kind {
        case .op(let o): return ops.contains(o)
        case .name(let n): return ops.contains(n)
        default: return false
        }
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case .number(let v): return NumberFormat.significant(v, digits: 15)
        case .string(let s): return "\"\(s)\""
        case .name(let n): return n
        case .op(let o): return o
        case .end: return "end of expression"
        }
    }

    private mutating func parseOr() throws -> Expr {
        var lhs = try parseAnd()
        while isOp(peek, "or", "|", "||") {
            let t = advance()
            lhs = .binary("or", lhs, try parseAnd(), at: t.at)
        }
        return lhs
    }

    private mutating func parseAnd() throws -> Expr {
        var lhs = try parseNot()
        while isOp(peek, "and", "&", "&&") {
            let t = advance()
            lhs = .binary("and", lhs, try parseNot(), at: t.at)
        }
        return lhs
    }

    private mutating func parseNot() throws -> Expr {
        if isOp(peek, "not", "!") {
            let t = advance()
            return .unary("not", try parseNot(), at: t.at)
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws -> Expr {
        let lhs = try parseIn()
        if case .op(let o) = peek.kind, ["==", "!=", "<", "<=", ">", ">="].contains(o) {
            let t = advance()
            let rhs = try parseIn()
            if case .op(let o2) = peek.kind, ["==", "!=", "<", "<=", ">", ">="].contains(o2) {
                throw fail("comparisons cannot be chained", at: peek.at, expected: "'and' between two comparisons, e.g. 50 < age and age < 70")
            }
            return .binary(o, lhs, rhs, at: t.at)
        }
        return lhs
    }

    private mutating func parseIn() throws -> Expr {
        let lhs = try parseSum()
        if isOp(peek, "in") {
            let t = advance()
            guard isOp(peek, "(") else { throw fail("'in' needs a list in parentheses", at: peek.at, expected: "in (\"a\", \"b\")") }
            _ = advance()
            var items: [Expr] = []
            if !isOp(peek, ")") {
                items.append(try parseOr())
                while isOp(peek, ",") { _ = advance(); items.append(try parseOr()) }
            }
            guard isOp(peek, ")") else { throw fail("missing ')' after the 'in' list", at: peek.at) }
            _ = advance()
            return .isIn(lhs, items, at: t.at)
        }
        return lhs
    }

    private mutating func parseSum() throws -> Expr {
        var lhs = try parseProduct()
        while case .op(let o) = peek.kind, o == "+" || o == "-" {
            let t = advance()
            lhs = .binary(o, lhs, try parseProduct(), at: t.at)
        }
        return lhs
    }

    private mutating func parseProduct() throws -> Expr {
        var lhs = try parseUnary()
        while case .op(let o) = peek.kind, o == "*" || o == "/" {
            let t = advance()
            lhs = .binary(o, lhs, try parseUnary(), at: t.at)
        }
        return lhs
    }

    private mutating func parseUnary() throws -> Expr {
        if case .op("-") = peek.kind {
            let t = advance()
            return .unary("-", try parseUnary(), at: t.at)
        }
        if case .op("+") = peek.kind { _ = advance(); return try parseUnary() }
        return try parsePower()
    }

    private mutating func parsePower() throws -> Expr {
        let base = try parsePrimary()
        if case .op("^") = peek.kind {
            let t = advance()
            return .binary("^", base, try parseUnary(), at: t.at)
        }
        return base
    }

    private mutating func parsePrimary() throws -> Expr {
        let t = advance()
        switch t.kind {
        case .number(let v): return .number(v, at: t.at)
        case .string(let s): return .string(s, at: t.at)
        case .name(let n):
            switch n {
            case "TRUE": return .logical(true, at: t.at)
            case "FALSE": return .logical(false, at: t.at)
            case "NA": return .missing(at: t.at)
            case "and", "or", "not", "in":
                throw fail("'\(n)' needs a value before it", at: t.at)
            default: break
            }
            if isOp(peek, "(") {
                _ = advance()
                var args: [Expr] = []
                if !isOp(peek, ")") {
                    args.append(try parseOr())
                    while isOp(peek, ",") { _ = advance(); args.append(try parseOr()) }
                }
                guard isOp(peek, ")") else { throw fail("missing ')' to close \(n)(", at: peek.at) }
                _ = advance()
                return .call(n, args, at: t.at)
            }
            return .column(n, at: t.at)
        case .op("("):
            let e = try parseOr()
            guard isOp(peek, ")") else { throw fail("missing ')'", at: peek.at, expected: "')' to close the '(' here") }
            _ = advance()
            return e
        case .end:
            throw fail("the expression ends too early", at: t.at, expected: "a value after the operator")
        default:
            throw fail("unexpected '\(describe(t))'", at: t.at, expected: "a number, a string, a column name or '('")
        }
    }
}
