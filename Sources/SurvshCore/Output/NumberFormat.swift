// NumberFormat.swift — how numbers look in text output (JSON keeps full precision).
//
// `significant` follows R's print(): `digits` significant digits, trailing zeros dropped, fixed
// notation unless the number is very small or very large. `pValue` follows R's format.pval:
// values below 2.2e-16 (machine epsilon) print as "<2e-16".

import Foundation

public enum NumberFormat {
    public static func significant(_ x: Double?, digits: Int = 4) -> String {
        guard let x else { return "NA" }
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
        if x == 0 { return "0" }
        let d = max(1, min(17, digits))
        let mag = Int(floor(log10(abs(x))))
        if mag < -5 || mag >= 15 {
            var s = String(format: "%.\(d - 1)e", x)
            // 1.200e-07 -> 1.2e-07
            if let e = s.firstIndex(of: "e") {
                var mant = String(s[..<e])
                let exp = String(s[e...])
                if mant.contains(".") {
                    while mant.hasSuffix("0") { mant.removeLast() }
                    if mant.hasSuffix(".") { mant.removeLast() }
                }
                s = mant + exp
            }
            return s
        }
        let decimals = max(0, d - 1 - mag)
        var s = String(format: "%.\(decimals)f", x)
        // rounding can add a digit (9.9996 -> 10.000): recompute once
        if decimals > 0 && s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }

    /// A p-value as R's format.pval prints it.
    public static func pValue(_ p: Double?, digits: Int = 4) -> String {
        guard let p, p.isFinite else { return "NA" }
        if p < 2.220446049250313e-16 { return "<2e-16" }
        return significant(p, digits: max(1, digits - 1))
    }

    /// Fixed decimals (for tables of estimates).
    public static func fixed(_ x: Double?, decimals: Int) -> String {
        guard let x, x.isFinite else { return x.map { $0.isNaN ? "NaN" : ($0 > 0 ? "Inf" : "-Inf") } ?? "NA" }
        var s = String(format: "%.\(decimals)f", x)
        if s.hasPrefix("-"), Double(s) == 0 { s.removeFirst() }
        return s
    }
}

/// A plain-text table with right-aligned numeric columns and a header rule.
public struct TextTable {
    public var header: [String]
    public var rows: [[String]] = []
    /// Columns to left-align (labels); the rest are right-aligned.
    public var leftAligned: Set<Int> = [0]

    public init(_ header: [String], leftAligned: Set<Int> = [0]) {
        self.header = header
        self.leftAligned = leftAligned
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render(indent: String = "") -> String {
        let cols = header.count
        var width = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < cols { width[i] = max(width[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for i in 0..<cols {
                let c = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: max(0, width[i] - c.count))
                parts.append(leftAligned.contains(i) ? c + pad : pad + c)
            }
            var s = indent + parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
