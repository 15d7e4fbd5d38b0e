// FigureScales.swift — mapping data to figure coordinates, and tick choice for log axes.
//
// Contract: one scale object maps a data value to a figure coordinate; everything placed at a data
// position (curve points, axis ticks, risk-table columns, markers) goes through the same scale,
// which is what keeps the risk table aligned to the ticks. Log scales map log10(v); values ≤ 0
// are not drawable there and callers drop them before mapping.

import Foundation

/// A linear or log10 map from [domainMin, domainMax] onto [rangeMin, rangeMax].
struct AxisScale {
    let domainMin: Double
    let domainMax: Double
    let rangeMin: Double
    let rangeMax: Double
    let isLog: Bool

    init(domain: (Double, Double), range: (Double, Double), log: Bool = false) {
        var lo = domain.0
        var hi = domain.1
        if log {
            lo = lo > 0 ? lo : 1e-300
            hi = hi > lo ? hi : lo * 10
        } else if !(hi > lo) {
            // a degenerate range still draws: centre the single value
            lo -= 0.5
            hi += 0.5
        }
        domainMin = lo
        domainMax = hi
        rangeMin = range.0
        rangeMax = range.1
        isLog = log
    }

    private func transform(_ v: Double) -> Double { isLog ? log10(v) : v }

    func callAsFunction(_ v: Double) -> Double {
        let a = transform(domainMin)
        let b = transform(domainMax)
        return rangeMin + (transform(v) - a) / (b - a) * (rangeMax - rangeMin)
    }

    /// True when `v` is inside the domain (with a relative slack for rounding).
    func contains(_ v: Double) -> Bool {
        guard v.isFinite, !isLog || v > 0 else { return false }
        let slack = 1e-9 * max(abs(domainMax - domainMin), 1e-300)
        return v >= domainMin - slack && v <= domainMax + slack
    }
}

/// An axis-aligned rectangle in figure coordinates (y grows downwards).
struct Box: Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }

    /// A box spanning two corners in any order.
    init(x1: Double, y1: Double, x2: Double, y2: Double) {
        x = min(x1, x2)
        y = min(y1, y2)
        width = abs(x2 - x1)
        height = abs(y2 - y1)
    }

    init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    func intersects(_ other: Box) -> Bool {
        x <= other.maxX && other.x <= maxX && y <= other.maxY && other.y <= maxY
    }
}

/// Ticks for a log axis over [lo, hi] (both > 0): powers of ten when at least three fit, else
/// 1-2-5 multiples, else 1…9 multiples, else R's pretty() on the linear values in range. Long runs
/// of decades are thinned to at most about eight ticks.
func logTicks(min lo: Double, max hi: Double) -> [Double] {
    coarseLogTicks(min: lo, max: hi)
}

/// Log ticks for a hazard-ratio axis, which must span the intervals: when more than a fifth of the
/// (log) axis lies beyond the outermost tick (a CI up to 1.6 with ticks 0.3 ... 1), finer ticks
/// (1.2, 1.5, 2, 2.5, ...) are used.
func coveringLogTicks(min lo: Double, max hi: Double) -> [Double] {
    let ticks = coarseLogTicks(min: lo, max: hi)
    guard lo > 0, hi > lo, let first = ticks.first, let last = ticks.last,
          max(log(hi / last), log(first / lo)) > 0.2 * log(hi / lo) else { return ticks }
    let spread = spreadLogTicks(min: lo, max: hi)
    // A narrow axis (0.87 to 1.2) has too few such values: linear nice ticks then.
    return spread.count >= 3 ? spread : niceTicks(min: lo, max: hi, targetCount: 4).filter { $0 >= lo * (1 - 1e-9) && $0 <= hi * (1 + 1e-9) && $0 > 0 }
}

/// Ticks from decades, 1-2-5 or 1...9 multiples, whichever gives 3 to 9 ticks.
private func coarseLogTicks(min lo: Double, max hi: Double) -> [Double] {
    guard lo > 0, hi > lo, lo.isFinite, hi.isFinite else { return lo > 0 ? [lo] : [] }
    let k0 = Int(floor(log10(lo))) - 1
    let k1 = Int(ceil(log10(hi))) + 1
    func candidates(_ multiples: [Double]) -> [Double] {
        var out: [Double] = []
        for k in k0...k1 {
            for m in multiples {
                let v = m * pow10(Double(k))
                if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) { out.append(v) }
            }
        }
        return out
    }
    let decades = candidates([1])
    if decades.count >= 3 {
        if decades.count <= 8 { return decades }
        let stride = Int((Double(decades.count) / 7).rounded(.up))
        return decades.enumerated().filter { $0.offset % stride == 0 }.map { $0.element }
    }
    let oneTwoFive = candidates([1, 2, 5])
    if oneTwoFive.count >= 3 { return oneTwoFive }
    let all = candidates([1, 2, 3, 4, 5, 6, 7, 8, 9])
    if all.count >= 3 && all.count <= 9 { return all }
    return niceTicks(min: lo, max: hi, targetCount: 4).filter { $0 >= lo * (1 - 1e-9) && $0 <= hi * (1 + 1e-9) && $0 > 0 }
}

/// Ticks at 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times powers of ten, at least an eighth of the log
/// range apart, grown outwards from 1 (or the value nearest the middle) so both ends are covered.
private func spreadLogTicks(min lo: Double, max hi: Double) -> [Double] {
    let multiples = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8]
    var candidates: [Double] = []
    for k in (Int(floor(log10(lo))) - 1)...(Int(ceil(log10(hi))) + 1) {
        for m in multiples {
            let v = m * pow10(Double(k))
            if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) { candidates.append(v) }
        }
    }
    guard !candidates.isEmpty else { return [] }
    let gap = log(hi / lo) / 8
    let middle = log(lo * hi) / 2
    let anchor = candidates.contains(1) ? 1 : candidates.min { abs(log($0) - middle) < abs(log($1) - middle) } ?? candidates[0]
    var kept = [anchor]
    for v in candidates where v > anchor && log(v / kept[kept.count - 1]) >= gap { kept.append(v) }
    var below: [Double] = []
    for v in candidates.reversed() where v < anchor && log((below.last ?? anchor) / v) >= gap { below.append(v) }
    return below.reversed() + kept
}

