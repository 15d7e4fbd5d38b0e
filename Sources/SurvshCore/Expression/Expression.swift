// Expression.swift — the expression language of `filter`, `generate` and `replace`: tokens and parser.
//
// Grammar (lowest precedence first; R's order where R has the operator):
//   or      := and ( ('or' | '|' | '||') and )*
//   and     := not ( ('and' | '&' | '&&') not )*
//   not     := ('not' | '!') not | compare
//   compare := in ( ('==' | '!=' | '<' | '<=' | '>' | '>=') in )?
//   in      := sum ( ('in' | '%in%') ['c'] '(' expr (',' expr)* ')' )?   (R's `x %in% c(1, 2)` too)
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

    /// The operands of this node, left to right.
    public var children: [Expr] {
        switch self {
        case .unary(_, let e, _): return [e]
        case .binary(_, let a, let b, _): return [a, b]
        case .call(_, let args, _): return args
        case .isIn(let e, let list, _): return [e] + list
        default: return []
        }
    }

    /// The depth of the tree (a leaf is 1), computed without recursion so any tree can be measured.
    public var depth: Int {
        var deepest = 0
        var stack: [(Expr, Int)] = [(self, 1)]
        while let (e, d) = stack.popLast() {
            deepest = max(deepest, d)
            for c in e.children { stack.append((c, d + 1)) }
        }
        return deepest
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
    /// Parentheses, calls and prefix operators open at the current point of the descent.
    private var nesting = 0

    /// The deepest expression tree accepted (R stops at 5000 nested calls, options(expressions=)); the
    /// limit keeps parsing, evaluating and freeing the tree well inside an 8 MB stack even in a debug
    /// build (about 10 KB a level there), and no hand-written expression comes near it.
    public static let maxDepth = 200

    /// Parses a whole expression; errors point into `text`.
    public static func parse(_ text: String, command: String) throws -> Expr {
        var p = try ExpressionParser(text: text, command: command)
        if case .end = p.peek.kind {
            throw p.fail("missing expression", at: 0, expected: "an expression such as age > 60")
        }
        let e = try p.parseOr().expr
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
            if ch == "%", k + 3 < c.count, String(c[k...k + 3]) == "%in%" {
                out.append(Token(kind: .name("in"), at: start)); k += 4; continue
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

    /// A parsed subexpression and the depth of its tree (a leaf is 1).
    private struct Node {
        var expr: Expr
        var depth: Int
        init(_ expr: Expr, depth: Int = 1) { self.expr = expr; self.depth = depth }
    }

    /// Builds an operator node one level deeper than its deepest operand, refusing trees deeper than
    /// `maxDepth`, so the parser, the evaluator and the tree's own deallocation stay within the stack.
    private func node(_ e: Expr, _ children: Node..., at: Int) throws -> Node {
        let depth = (children.map(\.depth).max() ?? 0) + 1
        if depth > ExpressionParser.maxDepth { throw tooDeep(at: at) }
        return Node(e, depth: depth)
    }

    private func tooDeep(at: Int) -> SurvshError {
        fail("the expression nests too deeply (more than \(ExpressionParser.maxDepth) levels of parentheses, operators or calls)",
             at: at, expected: "a shallower expression; split it over several generate commands")
    }

    /// Parentheses and calls: one level deeper, checked before descending so the recursion is bounded.
    private mutating func nested(at: Int, _ body: (inout ExpressionParser) throws -> Node) throws -> Node {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > ExpressionParser.maxDepth { throw tooDeep(at: at) }
        var n = try body(&self)
        n.depth += 1
        if n.depth > ExpressionParser.maxDepth { throw tooDeep(at: at) }
        return n
    }

    private mutating func parseOr() throws -> Node {
        var lhs = try parseAnd()
        while isOp(peek, "or", "|", "||") {
            let t = advance()
            let rhs = try parseAnd()
            lhs = try node(.binary("or", lhs.expr, rhs.expr, at: t.at), lhs, rhs, at: t.at)
        }
        return lhs
    }

    private mutating func parseAnd() throws -> Node {
        var lhs = try parseNot()
        while isOp(peek, "and", "&", "&&") {
            let t = advance()
            let rhs = try parseNot()
            lhs = try node(.binary("and", lhs.expr, rhs.expr, at: t.at), lhs, rhs, at: t.at)
        }
        return lhs
    }

    private mutating func parseNot() throws -> Node {
        if isOp(peek, "not", "!") {
            let t = advance()
            let x = try nested(at: t.at) { try $0.parseNot() }
            return Node(.unary("not", x.expr, at: t.at), depth: x.depth)
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws -> Node {
        let lhs = try parseIn()
        if case .op(let o) = peek.kind, ["==", "!=", "<", "<=", ">", ">="].contains(o) {
            let t = advance()
            let rhs = try parseIn()
            if case .op(let o2) = peek.kind, ["==", "!=", "<", "<=", ">", ">="].contains(o2) {
                throw fail("comparisons cannot be chained", at: peek.at, expected: "'and' between two comparisons, e.g. 50 < age and age < 70")
            }
            return try node(.binary(o, lhs.expr, rhs.expr, at: t.at), lhs, rhs, at: t.at)
        }
        return lhs
    }

    /// Comma-separated expressions up to a closing ')' (the '(' already read).
    private mutating func parseList(at: Int) throws -> [Node] {
        var items: [Node] = []
        if !isOp(peek, ")") {
            items.append(try nested(at: at) { try $0.parseOr() })
            while isOp(peek, ",") { _ = advance(); items.append(try nested(at: at) { try $0.parseOr() }) }
        }
        return items
    }

    private mutating func parseIn() throws -> Node {
        let lhs = try parseSum()
        if isOp(peek, "in") {
            let t = advance()
            if case .name("c") = peek.kind, case .op("(") = tokens[min(i + 1, tokens.count - 1)].kind { _ = advance() }
            guard isOp(peek, "(") else { throw fail("'in' needs a list in parentheses", at: peek.at, expected: "in (\"a\", \"b\")") }
            _ = advance()
            let items = try parseList(at: t.at)
            guard isOp(peek, ")") else { throw fail("missing ')' after the 'in' list", at: peek.at) }
            _ = advance()
            let depth = max(lhs.depth, items.map(\.depth).max() ?? 0) + 1
            if depth > ExpressionParser.maxDepth { throw tooDeep(at: t.at) }
            return Node(.isIn(lhs.expr, items.map(\.expr), at: t.at), depth: depth)
        }
        return lhs
    }

    private mutating func parseSum() throws -> Node {
        var lhs = try parseProduct()
        while case .op(let o) = peek.kind, o == "+" || o == "-" {
            let t = advance()
            let rhs = try parseProduct()
            lhs = try node(.binary(o, lhs.expr, rhs.expr, at: t.at), lhs, rhs, at: t.at)
        }
        return lhs
    }

    private mutating func parseProduct() throws -> Node {
        var lhs = try parseUnary()
        while case .op(let o) = peek.kind, o == "*" || o == "/" {
            let t = advance()
            let rhs = try parseUnary()
            lhs = try node(.binary(o, lhs.expr, rhs.expr, at: t.at), lhs, rhs, at: t.at)
        }
        return lhs
    }

    private mutating func parseUnary() throws -> Node {
        if case .op("-") = peek.kind {
            let t = advance()
            let x = try nested(at: t.at) { try $0.parseUnary() }
            return Node(.unary("-", x.expr, at: t.at), depth: x.depth)
        }
        if case .op("+") = peek.kind {
            let t = advance()
            return try nested(at: t.at) { try $0.parseUnary() }
        }
        return try parsePower()
    }

    private mutating func parsePower() throws -> Node {
        let base = try parsePrimary()
        if case .op("^") = peek.kind {
            let t = advance()
            let exponent = try nested(at: t.at) { try $0.parseUnary() }
            return try node(.binary("^", base.expr, exponent.expr, at: t.at), base, exponent, at: t.at)
        }
        return base
    }

    private mutating func parsePrimary() throws -> Node {
        let t = advance()
        switch t.kind {
        case .number(let v): return Node(.number(v, at: t.at))
        case .string(let s): return Node(.string(s, at: t.at))
        case .name(let n):
            switch n {
            case "TRUE": return Node(.logical(true, at: t.at))
            case "FALSE": return Node(.logical(false, at: t.at))
            case "NA": return Node(.missing(at: t.at))
            case "and", "or", "not", "in":
                throw fail("'\(n)' needs a value before it", at: t.at)
            default: break
            }
            if isOp(peek, "(") {
                _ = advance()
                let args = try parseList(at: t.at)
                guard isOp(peek, ")") else { throw fail("missing ')' to close \(n)(", at: peek.at) }
                _ = advance()
                return Node(.call(n, args.map(\.expr), at: t.at), depth: (args.map(\.depth).max() ?? 0) + 1)
            }
            return Node(.column(n, at: t.at))
        case .op("("):
            let e = try nested(at: t.at) { try $0.parseOr() }
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
