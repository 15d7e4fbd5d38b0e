// TerminalPlot+Charts.swift — histogram, box plot and forest plot as text.
//
// Same statistics as the SVG figures (HistogramBins, BoxStats, ForestLayout texts). The histogram
// fills `height` lines like the curve plots; box and forest plots use one line per group/row plus
// their axis (their natural height, at most `height` when it allows one line per row). Lines are at
// most `width` columns.

import Foundation

extension TerminalPlot {
    /// A histogram with eighth-block bars (or '#'), count axis on the left.
    public static func histogram(_ spec: HistogramSpec, width: Int, height: Int, unicode: Bool) -> String {
        let width = max(width, 20)
        let height = max(height, 6)
        let bins = HistogramBins(values: spec.values, breaks: spec.breaks)
        let maxCount = bins.counts.max() ?? 0
        let yTicks = niceTicks(min: 0, max: Double(max(maxCount, 1)), targetCount: 4)
        let yHi = yTicks.last ?? 1
        let yLabels = tickLabels(yTicks)
        let gutter = min((yLabels.map { $0.count }.max() ?? 1) + 1, width / 3)
        let cols = max(width - gutter, 4)
        let titleLines = spec.title == nil ? 0 : 1
        let xlabLines = spec.xlab.isEmpty ? 0 : 1
        let rows = max(3, height - titleLines - 2 - xlabLines)
        let xLo = bins.breaks.first ?? 0
        var xHi = bins.breaks.last ?? 1
        if !(xHi > xLo) { xHi = xLo + 1 }
        let xScale = AxisScale(domain: (xLo, xHi), range: (0, Double(cols)))

        // Column heights in eighths of a row.
        var eighths = [Int](repeating: 0, count: cols)
        for (k, count) in bins.counts.enumerated() {
            let c0 = index(xScale(bins.breaks[k]))
            var c1 = index(xScale(bins.breaks[k + 1]))
            if c1 - c0 >= 3 { c1 -= 1 }   // a one-column gap between wide bars
            let units = Int((Double(count) / yHi * Double(rows * 8)).rounded())
            for c in stride(from: max(c0, 0), to: min(max(c1, c0 + 1), cols), by: 1) { eighths[c] = units }
        }
        let blocks: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        var tickRow: [Int: String] = [:]
        for (t, label) in zip(yTicks, yLabels) {
            let r = Int(((yHi - t) / yHi * Double(rows - 1)).rounded())
            if tickRow[r] == nil { tickRow[r] = label }
        }
        var lines: [String] = []
        if let title = spec.title { lines.append(centered(title, width)) }
        for r in 0..<rows {
            let level = rows - 1 - r
            var line = fit(tickRow[r] ?? "", gutter - 1, alignRight: true) + (tickRow[r] == nil ? (unicode ? "│" : "|") : (unicode ? "┤" : "+"))
            for c in 0..<cols {
                let fill = min(max(eighths[c] - level * 8, 0), 8)
                line.append(unicode ? blocks[fill] : (fill >= 4 ? "#" : " "))
            }
            lines.append(line)
        }
        // contains() has an absolute slack of at least 1e-309: over subnormal values (x 1e-310) ticks it
        // lets in fall off the axis (a negative column trapped), so the column is checked too.
        let ticks = niceTicks(min: xLo, max: xHi, targetCount: max(2, cols / 12))
            .filter { xScale.contains($0) && (0...cols).contains(index(xScale($0))) }
        let tickCols = ticks.map { min(index(xScale($0)), cols - 1) }
        var axis = [Character](repeating: Character(unicode ? "─" : "-"), count: cols)
        for c in tickCols { axis[c] = Character(unicode ? "┬" : "+") }
        lines.append(String(repeating: " ", count: gutter - 1) + (unicode ? "└" : "+") + String(axis))
        lines.append(labelLine(zip(tickCols, tickLabels(ticks)).map { (gutter + $0, $1) }, width: width))
        if !spec.xlab.isEmpty { lines.append(String(repeating: " ", count: gutter) + centered(spec.xlab, cols)) }
        return lines.map(trimRight).joined(separator: "\n")
    }

    /// Horizontal box plots, one line per group, on a shared value axis.
    public static func box(_ spec: BoxPlotSpec, width: Int, height: Int, unicode: Bool) -> String {
        let width = max(width, 30)
        let stats = spec.groups.map { BoxStats(values: $0.values, coef: spec.coef) }
        let ticks = spec.valueTicks
        let lo = ticks.first ?? 0
        let hi = ticks.last ?? 1
        let labelWidth = min(spec.groups.map { $0.label.count }.max() ?? 0, width / 4)
        let nTexts = stats.map { "n=\($0.n)" }
        let nWidth = nTexts.map { $0.count }.max() ?? 0
        let cols = max(width - labelWidth - 2 - nWidth - 1, 10)
        let scale = AxisScale(domain: (lo, hi), range: (0, Double(cols - 1)))
        func col(_ v: Double) -> Int { min(max(index(scale(v)), 0), cols - 1) }
        let spacious = spec.groups.count * 2 + 3 + (spec.title == nil ? 0 : 1) <= height

        var lines: [String] = []
        if let title = spec.title { lines.append(centered(title, width)) }
        for (i, group) in spec.groups.enumerated() {
            var chars = [Character](repeating: " ", count: cols)
            let st = stats[i]
            if st.n > 0 {
                let s = st.stats.map(col)
                for c in s[0]...s[4] { chars[c] = unicode ? "─" : "-" }
                for c in s[1]...s[3] { chars[c] = unicode ? "▓" : "=" }
                chars[s[0]] = unicode ? "├" : "|"
                chars[s[4]] = unicode ? "┤" : "|"
                if !unicode {
                    chars[s[1]] = "["
                    chars[s[3]] = "]"
                }
                chars[s[2]] = unicode ? "┃" : "|"
                for v in st.outliers { chars[col(v)] = unicode ? "○" : "o" }
            }
            lines.append(fit(group.label, labelWidth, alignRight: true) + "  " + String(chars) + " " + nTexts[i])
            if spacious && i + 1 < spec.groups.count { lines.append("") }
        }
        let tickCols = ticks.map(col)
        var axis = [Character](repeating: Character(unicode ? "─" : "-"), count: cols)
        for c in tickCols { axis[c] = Character(unicode ? "┬" : "+") }
        lines.append(String(repeating: " ", count: labelWidth + 2) + String(axis))
        lines.append(labelLine(zip(tickCols, tickLabels(ticks)).map { (labelWidth + 2 + $0, $1) }, width: width))
        if !spec.ylab.isEmpty { lines.append(String(repeating: " ", count: labelWidth + 2) + centered(spec.ylab, cols)) }
        return lines.map(trimRight).joined(separator: "\n")
    }

    /// A forest plot: labels, intervals on a log axis with HR = 1 marked, estimate and p texts.
    public static func forest(_ spec: ForestSpec, width: Int, unicode: Bool) -> String {
        let width = max(width, 40)
        let estimates = spec.rows.map { row -> String in
            let text = ForestLayout.estimateText(row)
            return unicode ? text : text.replacingOccurrences(of: "\u{2013}", with: "-")
        }
        let labels = spec.rows.map { String(repeating: " ", count: 2 * max(0, $0.indent)) + $0.label }
        let labelWidth = min(max(labels.map { $0.count }.max() ?? 0, spec.labelHeader.count), width / 3)
        let estimateWidth = max(estimates.map { $0.count }.max() ?? 0, spec.estimateHeader.count)
        let pWidth = max(spec.rows.map { ($0.pText ?? "").count }.max() ?? 0, spec.pHeader.count)
        let cols = max(width - labelWidth - estimateWidth - pWidth - 6, 10)

        let (lo, hi) = ForestLayout.axisRange(spec)
        let scale = AxisScale(domain: (lo, hi), range: (0, Double(cols - 1)), log: true)
        func col(_ v: Double) -> Int { min(max(index(scale(v)), 0), cols - 1) }

        var lines: [String] = []
        if let title = spec.title { lines.append(centered(title, width)) }
        lines.append(fit(spec.labelHeader, labelWidth) + "  " + String(repeating: " ", count: cols) + "  "
                     + fit(spec.estimateHeader, estimateWidth) + "  " + fit(spec.pHeader, pWidth, alignRight: true))
        for (i, row) in spec.rows.enumerated() {
            var chars = [Character](repeating: " ", count: cols)
            if scale.contains(1) { chars[col(1)] = unicode ? "┊" : ":" }
            if row.isReference {
                if scale.contains(1) { chars[col(1)] = unicode ? "□" : "o" }
            } else if !row.isHeader {
                if let l = row.lower, let u = row.upper, l > 0, u >= l, u >= lo, l <= hi {
                    let a = col(max(l, lo))
                    let b = col(min(u, hi))
                    for c in a...b { chars[c] = unicode ? "─" : "-" }
                    if l < lo { chars[a] = unicode ? "◀" : "<" }
                    if u > hi { chars[b] = unicode ? "▶" : ">" }
                }
                if let hr = row.hr, hr > 0, scale.contains(hr) { chars[col(hr)] = unicode ? "■" : "#" }
            }
            lines.append(fit(labels[i], labelWidth) + "  " + String(chars) + "  " + fit(estimates[i], estimateWidth)
                         + "  " + fit(row.pText ?? "", pWidth, alignRight: true))
        }
        let ticks = coveringLogTicks(min: lo, max: hi)
        let tickCols = ticks.map(col)
        var axis = [Character](repeating: Character(unicode ? "─" : "-"), count: cols)
        for c in tickCols { axis[c] = Character(unicode ? "┬" : "+") }
        lines.append(String(repeating: " ", count: labelWidth + 2) + String(axis))
        lines.append(labelLine(zip(tickCols, ticks.map(formatTickValue)).map { (labelWidth + 2 + $0, $1) }, width: width))
        if !spec.xlab.isEmpty { lines.append(String(repeating: " ", count: labelWidth + 2) + centered(spec.xlab, cols)) }
        return lines.map(trimRight).joined(separator: "\n")
    }

    /// `s` centred in `width` columns (cut when longer).
    static func centered(_ s: String, _ width: Int) -> String {
        let t = fit(s, min(s.count, width))
        return String(repeating: " ", count: max(0, (width - t.count) / 2)) + t
    }
}
