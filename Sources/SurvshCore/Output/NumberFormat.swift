// NumberFormat.swift — how numbers look in text output (JSON keeps full precision).
//
// `significant` follows R's print(): `digits` significant digits, trailing zeros dropped, fixed
// notation unless the number is very small or very large. `rFormat` is R's format(x, digits) for one
// number exactly (formatReal: fixed or scientific, whichever is narrower, scipen = 0). `pValue` is
// R's format.pval(p, digits) for one p-value, the one rule every command's text uses for p-values:
// values below machine epsilon print as "< 2.2e-16" (digits 4). Tests: NumberFormatTests against
// Tests/SurvshCoreTests/Reference/number_format.R.

import Foundation

//
// A result that is not a finite number prints as `NA` (JSON null), never NaN or Inf: the command that
// computed it says why in a note or warning. Data values (factor level labels, cells) that are Inf or
// NaN in the data keep their spelling through `label`.

public enum NumberFormat {
    public static func significant(_ x: Double?, digits: Int = 4) -> String {
        guard let x, x.isFinite else { return "NA" }
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

    /// A p-value as R's `format.pval(p, digits = digits)` prints it alone (eps = .Machine$double.eps).
    /// With survsh's default `digits 4` this is what print.htest (t.test, wilcox.test, chisq.test)
    /// prints: `format.pval(p, digits = max(1, getOption("digits") - 3))`. Every command's text output
    /// formats p-values with this function; JSON keeps full precision.
    public static func pValue(_ p: Double?, digits: Int = 4) -> String {
        guard let p, !p.isNaN else { return "NA" }
        let eps = Double.ulpOfOne
        let d = max(1, digits)
        if p < eps {
            let epsDigits = max(1, d - 2)
            return "<" + (epsDigits == 1 ? "" : " ") + rFormat(eps, digits: epsDigits)
        }
        return rFormat(p, digits: d)
    }

    /// One number as R's `format(x, digits = digits)` prints it (formatReal with scipen = 0): at most
    /// `digits` significant digits with trailing zeros dropped, in fixed notation unless scientific is
    /// narrower. Fixed notation keeps every integer digit (`format(123456, digits = 2)` is "123456").
    public static func rFormat(_ x: Double, digits: Int) -> String {
        if !x.isFinite { return "NA" }
        if x == 0 { return "0" }
        let d = max(1, min(15, digits))
        // Round to d significant digits in scientific form; the mantissa's digits without trailing
        // zeros are the significant digits needed, the exponent is the power of ten after rounding.
        let sci = String(format: "%.\(d - 1)e", abs(x))
        guard let e = sci.firstIndex(of: "e"), let kp = Int(sci[sci.index(after: e)...]) else { return sci }
        var mantissa = sci[..<e].filter { $0 != "." }
        while mantissa.count > 1, mantissa.hasSuffix("0") { mantissa.removeLast() }
        let nsig = mantissa.count
        let neg = x < 0 ? 1 : 0
        let sciWidth = neg + (nsig > 1 ? nsig + 1 : 1) + (abs(kp) >= 100 ? 5 : 4)
        let rgt = max(0, nsig - kp - 1)
        let fixedWidth = neg + (kp >= 0 ? kp + 1 : 1) + (rgt > 0 ? rgt + 1 : 0)
        if fixedWidth <= sciWidth {
            let s = String(format: "%.\(rgt)f", x)
            return s == "-0" ? "0" : s
        }
        let lead = String(mantissa.prefix(1)), rest = String(mantissa.dropFirst())
        let exponent = (kp < 0 ? "-" : "+") + String(format: "%02d", abs(kp))
        return (x < 0 ? "-" : "") + lead + (rest.isEmpty ? "" : "." + rest) + "e" + exponent
    }

    /// A data value as a label (a factor level, a range of the data): 15 significant digits, and
    /// `Inf`, `-Inf`, `NaN` spelled as R spells them, since here they are the data, not a result.
    public static func label(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Inf" : "-Inf" }
        return significant(x, digits: 15)
    }

    /// Fixed decimals (for tables of estimates).
    public static func fixed(_ x: Double?, decimals: Int) -> String {
        guard let x, x.isFinite else { return "NA" }
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
        render(indent: indent) { _ in }
    }

    /// As `render`, for a table of any length (`head 10000000`): Ctrl-C is polled every
    /// `Cancellation.stride` rows of each pass and stops it with `interrupted` for `command`.
    public func render(indent: String = "", interruptible command: String) throws -> String {
        try render(indent: indent) { try Interrupt.check(command, at: $0) }
    }

    private func render(indent: String, poll: (Int) throws -> Void) rethrows -> String {
        let cols = header.count
        var width = header.map(\.count)
        for (k, r) in rows.enumerated() {
            try poll(k)
            for (i, c) in r.enumerated() where i < cols { width[i] = max(width[i], c.count) }
        }
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
        // appended line by line (polled), not joined at the end: the join of 2*10^6 lines ran unpolled;
        // and made at its size first (exact for ASCII cells), for a doubling of a 200 MB text copied
        // it between two polls (head 2000000: 0.30 s of CPU, bench/poll_gaps.sh)
        let lineBytes = indent.utf8.count + width.reduce(0, +) + 2 * max(cols - 1, 0) + 1
        var text = ""
        text.reserveCapacity(lineBytes * (rows.count + 1))
        text += line(header)
        for (k, r) in rows.enumerated() {
            try poll(k)
            text += "\n"
            text += line(r)
        }
        return text
    }
}

/// "1 row", "3 rows", "1 category", "2 categories" (`pluralForm` for irregular words).
public func plural(_ count: Int, _ word: String, _ pluralForm: String? = nil) -> String {
    "\(count) " + (count == 1 ? word : pluralForm ?? word + "s")
}
