// NiceTicks.swift — axis tick positions as R's `pretty()` chooses them, and their labels.
//
// Inputs: a finite range [min, max] and a desired number of intervals n.
// Output: equally spaced "round" values (1, 2 or 5 × 10^k apart) covering the range, as
// `pretty.default(c(min, max), n, min.n)` returns them in R 4.2: the same unit choice
// (high.u.bias = 1.5, u5.bias = 0.5 + 1.5 × 1.5, shrink.sml = 0.75), the same widening when
// fewer than min.n intervals result, the same seq.int(from, to, length.out) arithmetic and the same
// snapping of values within 1e-14 × unit of zero to exactly 0.
// Reference: R documentation of `pretty` (Becker, Chambers & Wilks 1988 "The New S Language");
// behaviour checked against R in Tests/PlotPluginTests/Reference/figure_stats.json.

import Foundation

/// Tick positions for an axis spanning [min, max], as R's `pretty(c(min, max), n = targetCount)`.
/// The result covers the range (its first value ≤ min, its last ≥ max). Non-finite input gives [].
public func niceTicks(min: Double, max: Double, targetCount: Int = 5) -> [Double] {
    prettyBreaks(min: min, max: max, n: targetCount, minN: targetCount / 3)
}

/// R's `pretty(c(min, max), n = n, min.n = minN)` (the form `hist()` uses with `minN = 1`).
public func prettyBreaks(min lo0: Double, max up0: Double, n: Int, minN: Int) -> [Double] {
    guard lo0.isFinite, up0.isFinite else { return [] }
    var lo = Swift.min(lo0, up0)
    var up = Swift.max(lo0, up0)
    let h = 1.5                      // high.u.bias
    let h5 = 0.5 + 1.5 * h           // u5.bias
    let shrinkSmall = 0.75           // shrink.sml
    let fMin = 0x1p-20               // f.min
    let roundingEps = 1e-10
    var ndiv = Swift.max(n, 0)
    let dx = up - lo
    var cell: Double
    let isSmall: Bool
    if dx == 0 && up == 0 {
        cell = 1
        isSmall = true
    } else {
        cell = Swift.max(abs(lo), abs(up))
        var bound = 1 + ((h5 >= 1.5 * h + 0.5) ? 1 / (1 + h) : 1.5 / (1 + h5))
        bound *= Double(Swift.max(1, ndiv)) * Double.ulpOfOne
        isSmall = dx < cell * bound * 3
    }
    if isSmall {
        if cell > 10 { cell = 9 + cell / 10 }
        cell *= shrinkSmall
        if minN > 1 { cell /= Double(minN) }
    } else {
        cell = dx
        if ndiv > 1 { cell /= Double(ndiv) }
    }
    let subsmall = fMin * Double.leastNormalMagnitude
    if cell < subsmall {
        cell = subsmall
    } else if cell > Double.greatestFiniteMagnitude / 1.25 {
        cell = 0.1 * Double.greatestFiniteMagnitude
    }
    let base = pow10(floor(log10(cell)))
    var unit = base
    if 2 * base - cell < h * (cell - unit) {
        unit = 2 * base
        if 5 * base - cell < h5 * (cell - unit) {
            unit = 5 * base
            if 10 * base - cell < h * (cell - unit) { unit = 10 * base }
        }
    }
    var ns = (lo / unit + roundingEps).rounded(.down)
    var nu = (up / unit - roundingEps).rounded(.up)
    while ns * unit > lo + roundingEps * unit { ns -= 1 }
    while nu * unit < up - roundingEps * unit { nu += 1 }
    var k = Int(0.5 + nu - ns)
    if k < minN {
        k = minN - k
        if ns >= 0 {
            nu += Double(k / 2)
            ns -= Double(k / 2 + k % 2)
        } else {
            ns -= Double(k / 2)
            nu += Double(k / 2 + k % 2)
        }
        ndiv = minN
    } else {
        ndiv = k
    }
    if ns * unit < lo { lo = ns * unit }
    if nu * unit > up { up = nu * unit }
    guard ndiv > 0 else { return [lo] }
    // seq.int(lo, up, length.out = ndiv + 1): ends exact, inner values from the nearer end.
    let count = ndiv + 1
    var values = [Double](repeating: 0, count: count)
    values[0] = lo
    values[count - 1] = up
    if count > 2 {
        let by = (up - lo) / Double(count - 1)
        for i in 1..<(count - 1) {
            values[i] = i < count / 2 ? lo + Double(i) * by : up - Double(count - 1 - i) * by
        }
    }
    let delta = (up - lo) / Double(ndiv)
    return values.map { abs($0) < 1e-14 * delta ? 0 : $0 }
}

/// 10^e for an integral exponent, exact for the exponents axes use.
func pow10(_ e: Double) -> Double {
    let k = Int(e)
    if k >= 0 && k <= 22 {
        var r = 1.0
        for _ in 0..<k { r *= 10 }
        return r
    }
    if k < 0 && k >= -22 {
        var r = 1.0
        for _ in 0..<(-k) { r *= 10 }
        return 1 / r
    }
    return Foundation.pow(10, e)
}

/// Tick labels with a common number of decimals (as R's axis labels: 0.0 0.2 … 1.0), at most 8.
/// `percent` multiplies by 100 and appends "%".
public func tickLabels(_ ticks: [Double], percent: Bool = false) -> [String] {
    let values = ticks.map { percent ? $0 * 100 : $0 }
    let decimals = values.map(decimalsNeeded).max() ?? 0
    return values.map { formatFixed($0, decimals: decimals) + (percent ? "%" : "") }
}

/// The fewest decimals (0…8) that represent `v` to 1e-9 relative.
func decimalsNeeded(_ v: Double) -> Int {
    guard v.isFinite else { return 0 }
    for d in 0...8 {
        let scale = pow10(Double(d))
        let r = (v * scale).rounded() / scale
        if abs(r - v) <= 1e-9 * Swift.max(1, abs(v)) { return d }
    }
    return 8
}

/// Fixed-point text with exactly `decimals` decimals, locale independent, no "-0".
public func formatFixed(_ v: Double, decimals: Int) -> String {
    guard v.isFinite else { return v.isNaN ? "NA" : (v > 0 ? "Inf" : "-Inf") }
    let d = Swift.max(0, Swift.min(decimals, 12))
    let scale = pow10(Double(d))
    let scaled = (abs(v) * scale).rounded()
    if scaled >= 9e15 {
        // Too large for exact integer arithmetic: fall back to the shortest representation.
        return shortestNumber(v)
    }
    let n = UInt64(scaled)
    let unit = UInt64(scale)
    let intPart = n / unit
    let frac = n % unit
    var text = String(intPart)
    if d > 0 {
        var fracText = String(frac)
        while fracText.count < d { fracText = "0" + fracText }
        text += "." + fracText
    }
    return (v < 0 && n != 0) ? "-" + text : text
}

/// A tick label with its own minimal decimals (used on log axes: 0.1, 1, 10, 200).
public func formatTickValue(_ v: Double) -> String {
    formatFixed(v, decimals: decimalsNeeded(v))
}

/// Shortest round-trip text of a number ("0.1", "12", "1e-05"), locale independent; integral
/// values print without ".0"; nil, NaN and ±∞ print as "NA"/"Inf"/"-Inf".
public func shortestNumber(_ v: Double?) -> String {
    guard let v else { return "NA" }
    if v.isNaN { return "NA" }
    if v.isInfinite { return v > 0 ? "Inf" : "-Inf" }
    if v == 0 { return "0" }
    if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
    return v.description
}

