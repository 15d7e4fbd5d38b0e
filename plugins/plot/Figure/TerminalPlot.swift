// TerminalPlot.swift — figures drawn with text for the interactive shell.
//
// Contract: pure functions from a spec and a character grid size to a string of exactly `height`
// lines (separated by "\n", no trailing newline, trailing blanks trimmed), each at most `width`
// columns wide when ANSI colours are off (colour escapes add no columns). Curves are drawn on a
// Unicode braille canvas, 2 × 4 dots per character cell (U+2800 + dot bits); without Unicode each
// cell is one dot drawn with a per-series marker (* o + x # @ % =). Without colour, braille series
// are told apart by dash patterns shown in the legend. Bars use the eighth blocks ▁…█ (or #).
// When the grid is too small the plot area keeps a minimum of 3 rows and the output grows.

import Foundation

/// Options of a terminal line/step plot.
public struct TerminalPlotOptions: Sendable, Equatable {
    public var stepped: Bool
    public var logX: Bool
    public var xMin: Double?
    public var xMax: Double?
    public var yMin: Double?
    public var yMax: Double?
    /// Ticks on the x axis (default: pretty() ticks, or decades on a log axis).
    public var xTicks: [Double]?
    /// Label the y axis in percent.
    public var percent: Bool
    public var title: String?
    public var xlab: String?
    /// A line after the legend (the p-value).
    public var note: String?
    /// Heading of the legend ("sex"), written in front of its entries as "sex:".
    public var legendTitle: String?
    /// Rows of numbers aligned under the x ticks (a number-at-risk table), with a heading.
    public var table: RiskTable?

    public init(stepped: Bool = true, logX: Bool = false, xMin: Double? = nil, xMax: Double? = nil,
                yMin: Double? = nil, yMax: Double? = nil, xTicks: [Double]? = nil, percent: Bool = false,
                title: String? = nil, xlab: String? = nil, note: String? = nil, table: RiskTable? = nil,
                legendTitle: String? = nil) {
        self.stepped = stepped
        self.logX = logX
        self.xMin = xMin
        self.xMax = xMax
        self.yMin = yMin
        self.yMax = yMax
        self.xTicks = xTicks
        self.percent = percent
        self.title = title
        self.xlab = xlab
        self.note = note
        self.table = table
        self.legendTitle = legendTitle
    }
}

/// Text figures for the terminal.
public enum TerminalPlot {
    // MARK: Public entry points

    /// Curves as a braille (or ASCII) plot with axes and a legend, `height` lines of ≤ `width` columns.
    public static func render(series: [StepSeries], width: Int, height: Int, unicode: Bool,
                              ansiColors: Bool = false, options: TerminalPlotOptions = TerminalPlotOptions()) -> String {
        var plot = LinePlot(series: series, width: max(width, 20), height: max(height, 6), unicode: unicode,
                            colors: ansiColors, options: options)
        return plot.render()
    }

    /// A Kaplan–Meier figure (y on [0, 1], time on [0, timeAxisMax], the figure's ticks and risk table).
    public static func km(_ spec: KMFigureSpec, width: Int, height: Int, unicode: Bool, ansiColors: Bool = false) -> String {
        let options = TerminalPlotOptions(stepped: true, xMin: 0, xMax: spec.timeAxisMax, yMin: 0, yMax: 1,
                                          xTicks: spec.timeTicks, percent: spec.percentAxis, title: spec.title,
                                          xlab: spec.xlab, note: spec.pValueText, table: spec.riskTable,
                                          legendTitle: spec.legendTitle)
        return render(series: spec.series, width: width, height: height, unicode: unicode, ansiColors: ansiColors,
                      options: options)
    }

    /// A step or line figure (log axis when the spec says so).
    public static func xy(_ spec: XYFigureSpec, width: Int, height: Int, unicode: Bool, ansiColors: Bool = false) -> String {
        let options = TerminalPlotOptions(stepped: spec.style == .step, logX: spec.logX, xMin: spec.xMin, xMax: spec.xMax,
                                          yMin: spec.yMin, yMax: spec.yMax, title: spec.title, xlab: spec.xlab,
                                          legendTitle: spec.legendTitle)
        return render(series: spec.series, width: width, height: height, unicode: unicode, ansiColors: ansiColors,
                      options: options)
    }

    // MARK: Line plots

    /// Dash patterns that tell series apart on a monochrome braille canvas.
    static let patterns: [[Bool]] = [
        [true],
        [true, true, true, false, false],
        [true, false],
        [true, true, true, true, false, true, false],
        [true, true, false, false],
        [true, false, false],
    ]
    static let markers: [Character] = ["*", "o", "+", "x", "#", "@", "%", "="]

    /// A dot grid: braille cells (2 × 4 dots) or one dot per cell.
    struct DotCanvas {
        let cols: Int
        let rows: Int
        let unicode: Bool
        var bits: [UInt8]
        var owner: [Int]

        init(cols: Int, rows: Int, unicode: Bool) {
            self.cols = cols
            self.rows = rows
            self.unicode = unicode
            bits = [UInt8](repeating: 0, count: cols * rows)
            owner = [Int](repeating: -1, count: cols * rows)
        }

        var dotsX: Int { unicode ? cols * 2 : cols }
        var dotsY: Int { unicode ? rows * 4 : rows }

        private static let dotBit: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

        mutating func set(_ x: Int, _ y: Int, series: Int) {
            guard x >= 0, y >= 0, x < dotsX, y < dotsY else { return }
            let c = unicode ? x / 2 : x
            let r = unicode ? y / 4 : y
            let i = r * cols + c
            bits[i] |= unicode ? DotCanvas.dotBit[y % 4][x % 2] : 1
            owner[i] = series
        }

        func character(_ c: Int, _ r: Int) -> Character {
            let i = r * cols + c
            guard bits[i] != 0 else { return " " }
            if unicode { return Character(UnicodeScalar(0x2800 + UInt32(bits[i]))!) }
            return TerminalPlot.markers[owner[i] % TerminalPlot.markers.count]
        }
    }

    /// Draws a dot line with a dash pattern; `phase` carries the pattern along a path.
    static func drawLine(_ canvas: inout DotCanvas, from a: (Int, Int), to b: (Int, Int), series: Int,
                         pattern: [Bool], phase: inout Int) {
        var x0 = a.0
        var y0 = a.1
        let dx = abs(b.0 - x0)
        let dy = -abs(b.1 - y0)
        let sx = x0 < b.0 ? 1 : -1
        let sy = y0 < b.1 ? 1 : -1
        var err = dx + dy
        while true {
            if pattern[phase % pattern.count] { canvas.set(x0, y0, series: series) }
            phase += 1
            if x0 == b.0 && y0 == b.1 { break }
            let e2 = 2 * err
            if e2 >= dy {
                err += dy
                x0 += sx
            }
            if e2 <= dx {
                err += dx
                y0 += sy
            }
        }
    }

    /// Wraps `text` in an xterm-256 foreground colour.
    static func colored(_ text: String, _ color: Int?) -> String {
        guard let color else { return text }
        return "\u{1B}[38;5;\(color)m" + text + "\u{1B}[0m"
    }

    /// A scaled position as a whole cell or dot index, total: an axis whose ends reach ±Inf (nice ticks
    /// past 1.8e308) or collapse to one double (a constant 1.7e308 ± 0.5) scales values to NaN or
    /// ±Inf, where Int() traps. NaN is 0 and the rest is held within ±2^20: far off any terminal
    /// canvas, yet few enough dots that a line drawn to it ends at once.
    static func index(_ x: Double) -> Int {
        x.isNaN ? 0 : Int(min(max(x.rounded(), -0x1p20), 0x1p20))
    }

    /// Pads or cuts `s` to exactly `n` columns (one column per Character).
    static func fit(_ s: String, _ n: Int, alignRight: Bool = false) -> String {
        let chars = Array(s)
        if chars.count >= n { return String(chars.prefix(max(n, 0))) }
        let padding = String(repeating: " ", count: n - chars.count)
        return alignRight ? padding + s : s + padding
    }

    static func trimRight(_ s: String) -> String {
        var t = s
        while t.last == " " { t.removeLast() }
        return t
    }

    /// Places labels centred at columns on one line of `width`, skipping ones that would collide.
    static func labelLine(_ labels: [(column: Int, text: String)], width: Int, minStart: Int = 0) -> String {
        var line = [Character](repeating: " ", count: width)
        var lastEnd = minStart - 2
        for (column, text) in labels {
            let chars = Array(text)
            var start = column - chars.count / 2
            if start + chars.count > width { start = width - chars.count }
            if start < minStart { start = minStart }
            guard start > lastEnd, start + chars.count <= width else { continue }
            for (k, ch) in chars.enumerated() { line[start + k] = ch }
            lastEnd = start + chars.count
        }
        return String(line)
    }

    struct LinePlot {
        let series: [StepSeries]
        let width: Int
        let height: Int
        let unicode: Bool
        let colors: Bool
        let options: TerminalPlotOptions

        init(series: [StepSeries], width: Int, height: Int, unicode: Bool, colors: Bool, options: TerminalPlotOptions) {
            self.series = series
            self.width = width
            self.height = height
            self.unicode = unicode
            self.colors = colors
            self.options = options
        }

        private func color(_ i: Int) -> Int? { colors ? Palette.ansiColor(i, of: series.count) : nil }

        private func pattern(_ i: Int) -> [Bool] {
            (unicode && !colors && series.count > 1) ? TerminalPlot.patterns[i % TerminalPlot.patterns.count] : [true]
        }

        /// Legend swatch of series `i`.
        private func swatch(_ i: Int) -> String {
            if !unicode { return String(repeating: String(TerminalPlot.markers[i % TerminalPlot.markers.count]), count: 2) }
            var canvas = DotCanvas(cols: 3, rows: 1, unicode: true)
            var phase = 0
            TerminalPlot.drawLine(&canvas, from: (0, 1), to: (5, 1), series: i, pattern: pattern(i), phase: &phase)
            return String((0..<3).map { canvas.character($0, 0) })
        }

        mutating func render() -> String {
            // Ranges.
            var xs: [Double] = []
            var ys: [Double] = []
            for s in series {
                for i in 0..<min(s.times.count, s.values.count) where s.times[i].isFinite && s.values[i].isFinite {
                    if options.logX && s.times[i] <= 0 { continue }
                    xs.append(s.times[i])
                    ys.append(s.values[i])
                }
                if options.stepped, let end = s.lastTime, !options.logX || end > 0 { xs.append(end) }
            }
            var xLo = options.xMin ?? xs.min() ?? 0
            var xHi = options.xMax ?? xs.max() ?? 1
            if options.logX && xLo <= 0 { xLo = xs.filter { $0 > 0 }.min() ?? 1 }
            if !(xHi > xLo) { xHi = options.logX ? xLo * 10 : xLo + 1 }
            var yLo = options.yMin ?? ys.min() ?? 0
            var yHi = options.yMax ?? ys.max() ?? 1
            if options.yMin == nil || options.yMax == nil {
                let t = niceTicks(min: yLo, max: yHi, targetCount: 4)
                if options.yMin == nil, let f = t.first { yLo = min(f, yLo) }
                if options.yMax == nil, let l = t.last { yHi = max(l, yHi) }
            }
            if !(yHi > yLo) {
                yLo -= 1
                yHi += 1
            }

            // Fixed lines around the plot area.
            let legendEntries = series.count > 1 ? series.enumerated().map { (i, s) in (i, s.label) } : []
            let tableRows = options.table?.rows ?? []
            let tableLines = tableRows.isEmpty ? 0 : tableRows.count + 1
            let titleLines = options.title == nil ? 0 : 1
            let xlabLines = (options.xlab ?? "").isEmpty ? 0 : 1

            // y labels and gutter.
            let yTicksAll = niceTicks(min: yLo, max: yHi, targetCount: 4)
                .filter { $0 >= yLo - 1e-9 * (yHi - yLo) && $0 <= yHi + 1e-9 * (yHi - yLo) }
            let yLabels = tickLabels(yTicksAll, percent: options.percent)
            let tableLabelWidth = tableRows.map { $0.label.count }.max() ?? 0
            let gutter = min(max((yLabels.map { $0.count }.max() ?? 1) + 1, tableLabelWidth + 2), width / 3)
            let cols = max(width - gutter, 4)

            // Legend lines: the title ("sex:"), then the entries flowed across the width.
            var legendLines: [String] = []
            var current = ""
            var currentWidth = 0
            if let title = options.legendTitle, !title.isEmpty, !legendEntries.isEmpty {
                let heading = title + ":"
                current = TerminalPlot.fit(heading, min(heading.count, width))
                currentWidth = min(heading.count, width)
            }
            for (i, label) in legendEntries {
                let sw = swatch(i)
                let entryWidth = sw.count + 1 + label.count
                if currentWidth > 0 && currentWidth + 3 + entryWidth > width {
                    legendLines.append(current)
                    current = ""
                    currentWidth = 0
                }
                if currentWidth > 0 {
                    current += "   "
                    currentWidth += 3
                }
                current += TerminalPlot.colored(sw, color(i)) + " " + TerminalPlot.fit(label, max(0, min(label.count, width - sw.count - 1)))
                currentWidth += min(entryWidth, width)
            }
            if currentWidth > 0 { legendLines.append(current) }
            if let note = options.note { legendLines.append(TerminalPlot.fit(note, min(note.count, width))) }

            let fixed = titleLines + 2 + xlabLines + tableLines + legendLines.count
            let rows = max(3, height - fixed)
            var canvas = DotCanvas(cols: cols, rows: rows, unicode: unicode)
            let xScale = AxisScale(domain: (xLo, xHi), range: (0, Double(canvas.dotsX - 1)), log: options.logX)
            let yScale = AxisScale(domain: (yLo, yHi), range: (Double(canvas.dotsY - 1), 0))
            func dot(_ x: Double, _ y: Double) -> (Int, Int) {
                let yy = min(max(y, yLo), yHi)
                return (TerminalPlot.index(xScale(x)), TerminalPlot.index(yScale(yy)))
            }

            // Curves, in order (later series win shared cells).
            let panel = SeriesPanel(series: series, colors: [], stepped: options.stepped, showCI: false, showCensor: false,
                                    x: xScale, y: yScale)
            for (i, s) in series.enumerated() {
                let (points, end) = panel.visiblePoints(s)
                var phase = 0
                var previous: (Int, Int)?
                for p in points {
                    let d = dot(p.t, p.v)
                    if let q = previous {
                        if options.stepped {
                            TerminalPlot.drawLine(&canvas, from: q, to: (d.0, q.1), series: i, pattern: pattern(i), phase: &phase)
                            TerminalPlot.drawLine(&canvas, from: (d.0, q.1), to: d, series: i, pattern: pattern(i), phase: &phase)
                        } else {
                            TerminalPlot.drawLine(&canvas, from: q, to: d, series: i, pattern: pattern(i), phase: &phase)
                        }
                    } else {
                        canvas.set(d.0, d.1, series: i)
                    }
                    previous = d
                }
                if let q = previous, let end {
                    let e = dot(end, yLo)
                    TerminalPlot.drawLine(&canvas, from: q, to: (e.0, q.1), series: i, pattern: pattern(i), phase: &phase)
                }
            }

            // Tick rows for y labels.
            var tickRow: [Int: String] = [:]
            for (t, label) in zip(yTicksAll, yLabels) {
                let r = TerminalPlot.index(yScale(t)) / (unicode ? 4 : 1)
                if tickRow[r] == nil { tickRow[r] = label }
            }

            var lines: [String] = []
            if let title = options.title {
                let t = TerminalPlot.fit(title, min(title.count, width))
                lines.append(String(repeating: " ", count: max(0, (width - t.count) / 2)) + t)
            }
            let axisChar = unicode ? "│" : "|"
            let tickChar = unicode ? "┤" : "+"
            for r in 0..<rows {
                var line = TerminalPlot.fit(tickRow[r] ?? "", gutter - 1, alignRight: true) + (tickRow[r] == nil ? axisChar : tickChar)
                var run = ""
                var runColor: Int? = nil
                for c in 0..<cols {
                    let ch = canvas.character(c, r)
                    let owner = canvas.owner[r * cols + c]
                    let cc = (ch == " " || owner < 0) ? nil : color(owner)
                    if cc != runColor {
                        line += TerminalPlot.colored(run, runColor)
                        run = ""
                        runColor = cc
                    }
                    run.append(ch)
                }
                line += TerminalPlot.colored(run, runColor)
                lines.append(line)
            }

            // x axis, tick labels, title.
            let ticks = (options.xTicks ?? (options.logX ? logTicks(min: xLo, max: xHi) : niceTicks(min: xLo, max: xHi, targetCount: max(2, cols / 12))))
                .filter { xScale.contains($0) }
            let tickCols = ticks.map { TerminalPlot.index(xScale($0)) / (unicode ? 2 : 1) }
            var axis = [Character](repeating: Character(unicode ? "─" : "-"), count: cols)
            for c in tickCols where c >= 0 && c < cols { axis[c] = Character(unicode ? "┬" : "+") }
            lines.append(String(repeating: " ", count: gutter - 1) + (unicode ? "└" : "+") + String(axis))
            let labels = options.logX ? ticks.map(formatTickValue) : tickLabels(ticks)
            lines.append(TerminalPlot.labelLine(zip(tickCols, labels).map { (gutter + $0, $1) }, width: width))
            if let xlab = options.xlab, !xlab.isEmpty {
                let t = TerminalPlot.fit(xlab, min(xlab.count, width))
                lines.append(String(repeating: " ", count: max(0, gutter + (cols - t.count) / 2)) + t)
            }
            if let table = options.table, !tableRows.isEmpty {
                lines.append(TerminalPlot.fit(table.title, min(table.title.count, width)))
                for (r, row) in tableRows.enumerated() {
                    var entries: [(column: Int, text: String)] = []
                    for (k, t) in table.ticks.enumerated() where k < row.counts.count {
                        if let j = ticks.firstIndex(of: t) { entries.append((gutter + tickCols[j], String(row.counts[k]))) }
                    }
                    let numbers = TerminalPlot.labelLine(entries, width: width, minStart: gutter - 1)
                    let label = TerminalPlot.fit(row.label, gutter - 2, alignRight: true)
                    let rest = String(numbers.dropFirst(gutter - 1))
                    lines.append(TerminalPlot.colored(label, colors ? Palette.ansiColor(r, of: max(series.count, tableRows.count)) : nil)
                                 + " " + rest)
                }
            }
            lines.append(contentsOf: legendLines)
            return lines.map(TerminalPlot.trimRight).joined(separator: "\n")
        }
    }
}
