// Expr+Deparse.swift — an expression written back as R's deparse() writes it, for the names of
// model terms (`log(pgr + 1)`, `I(age^2)`, `status == 2`, `status %in% c(1, 2)`).
//
// Contract: `Expr.deparsed` spaces operators as R does (`a + b`, `a * b`, `x == 2`, `a & b`, but
// `a/b`, `a^b`), writes `and`/`or`/`not` as `&`/`|`/`!`, `in (...)` as `%in% c(...)`, strings in double
// quotes, numbers with up to 15 significant digits in R's fixed-or-scientific choice (`1e+05`,
// `0.5`, `1e-04`, `123456`), and puts parentheses where R's precedence needs them (the parser keeps
// no parentheses, so redundant ones the user typed are not reproduced).

import Foundation

extension Expr {
    /// The expression as R's deparse() prints it.
    public var deparsed: String { Deparser.text(self, needs: 0) }
}

private enum Deparser {
    // R's precedence, low to high: | & ! comparison +- */ %in% unary-minus ^ (primary above all).
    static let precedence: [String: Int] = ["or": 1, "and": 2, "not": 3, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4,
                                            ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "in": 7, "neg": 8, "^": 9]
    static let spelled: [String: String] = ["or": " | ", "and": " & ", "/": "/", "^": "^", "in": " %in% "]

    static func prec(_ e: Expr) -> Int {
        switch e {
        case .binary(let o, _, _, _): return precedence[o] ?? 10
        case .unary(let o, _, _): return o == "not" ? 3 : 8
        case .isIn: return 7
        case .number(let v, _): return v < 0 ? 8 : 10
        default: return 10
        }
    }

    /// `e` as text, in parentheses when its precedence is below `needs`.
    static func text(_ e: Expr, needs: Int) -> String {
        let body: String
        switch e {
        case .number(let v, _): body = number(v)
        case .string(let s, _): body = quoted(s)
        case .logical(let b, _): body = b ? "TRUE" : "FALSE"
        case .missing: body = "NA"
        case .column(let n, _): body = n
        case .unary(let o, let a, _):
            // `!` keeps its operand's parentheses when it is an operation, as people write !(x > 2).
            body = o == "not" ? "!" + text(a, needs: isOperation(a) ? 10 : 3) : "-" + text(a, needs: 8)
        case .binary(let o, let a, let b, _):
            let p = precedence[o] ?? 10
            let op = spelled[o] ?? " \(o) "
            // Left-associative except ^ (right) and comparisons (neither side may be one).
            let (l, r) = o == "^" ? (p + 1, p) : (p == 4 ? (p + 1, p + 1) : (p, p + 1))
            body = text(a, needs: l) + op + text(b, needs: r)
        case .call(let name, let args, _):
            body = name + "(" + args.map { text($0, needs: 0) }.joined(separator: ", ") + ")"
        case .isIn(let a, let list, _):
            body = text(a, needs: 8) + " %in% c(" + list.map { text($0, needs: 0) }.joined(separator: ", ") + ")"
        }
        return prec(e) < needs ? "(" + body + ")" : body
    }

    static func isOperation(_ e: Expr) -> Bool {
        switch e { case .binary, .isIn: return true; default: return false }
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// R's formatting of one number in deparse(): the fewest significant digits (at most 15) that
    /// give the value back, fixed notation unless scientific is shorter (R's scipen = 0 rule).
    static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
        if x == 0 { return "0" }
        let target = String(format: "%.15g", x)
        var digits = 15
        for d in 1...15 where Double(String(format: "%.\(d)g", x)) == Double(target) { digits = d; break }
        let exponent = Int(floor(log10(abs(Double(String(format: "%.\(digits - 1)e", x)) ?? x))))
        let fixed = String(format: "%.\(max(0, digits - 1 - exponent))f", x)
        var sci = String(format: "%.\(digits - 1)e", x)   // 1.5e+05, 1e-04: C's form is R's
        if let e = sci.firstIndex(of: "e") {
            var mant = String(sci[..<e])
            if mant.contains(".") {
                while mant.hasSuffix("0") { mant.removeLast() }
                if mant.hasSuffix(".") { mant.removeLast() }
            }
            sci = mant + sci[e...]
        }
        return fixed.count <= sci.count ? fixed : sci
    }
}
