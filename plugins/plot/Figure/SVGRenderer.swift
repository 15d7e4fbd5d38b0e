// SVGRenderer.swift — shared pieces of the SVG figures: style constants, axes, series panels
// (step curves, CI bands, censor marks) and the legend with its placement.
//
// Contract: pure functions of the spec; the output is a complete SVG document (UTF-8 text) that
// is identical for identical input. Structural hooks for tests and tools:
//   class="curve" data-label data-points   one path per series (points drawn = 1 + number of V
//                                          commands for step curves)
//   class="ci-band" data-label             shaded confidence band
//   class="censor" data-label data-time    one small "+" per censored observation
//   class="axis x-axis|y-axis" data-min data-max, with class="tick"/"tick-label" data-value
//   class="risk-count" data-label data-tick (KM), class="legend-entry" data-label
// Layout: classic theme (axis lines offset from the data area, no grid), Okabe–Ito colours, the
// legend inside the data area in the first corner no curve, band or mark crosses, else above it.

import Foundation
import SurvshCore

/// SVG figures. Each renderer returns a complete, deterministic SVG document.
public enum SVGRenderer {}

/// Sizes shared by the figures (SVG user units).
enum FigureStyle {
    static let pad = 14.0
    static let titleFont = 16.0
    static let axisTitleFont = 13.0
    static let tickFont = 12.0
    static let legendFont = 12.0
    static let tableFont = 12.0
    static let tickLength = 5.0
    static let axisGap = 7.0
    static let curveWidth = 1.8
    static let bandOpacity = 0.15
    static let censorHalf = 3.5
    /// Height from the x-axis line to below the axis title.
    static let xAxisBlock = tickLength + 4 + tickFont + 8 + axisTitleFont + 4
    static let titleBlock = titleFont + 14
}

// MARK: - Axes

extension SVGDocument {
    /// A bottom axis at height `y`: line over the domain, ticks, labels (nil = tick only), title.
    mutating func xAxis(scale: AxisScale, y: Double, ticks: [Double], labels: [String?], title: String,
                        titleX: Double? = nil) {
        group([SVGAttr("class", "axis x-axis"), SVGAttr("data-min", shortestNumber(scale.domainMin)),
               SVGAttr("data-max", shortestNumber(scale.domainMax))]) { doc in
            doc.line(x1: scale(scale.domainMin), y1: y, x2: scale(scale.domainMax), y2: y,
                     stroke: Palette.axis, width: 1, extra: [SVGAttr("class", "axis-line")])
            for (i, t) in ticks.enumerated() {
                let x = scale(t)
                doc.line(x1: x, y1: y, x2: x, y2: y + FigureStyle.tickLength, stroke: Palette.axis, width: 1,
                         extra: [SVGAttr("class", "tick"), SVGAttr("data-value", shortestNumber(t))])
                if i < labels.count, let label = labels[i] {
                    doc.text(typographicMinus(label), x: x, y: y + FigureStyle.tickLength + 3 + FigureStyle.tickFont * 0.8,
                             size: FigureStyle.tickFont, anchor: "middle", fill: Palette.ink,
                             extra: [SVGAttr("class", "tick-label"), SVGAttr("data-value", shortestNumber(t))])
                }
            }
            if !title.isEmpty {
                let tx = titleX ?? (scale.rangeMin + scale.rangeMax) / 2
                doc.text(title, x: tx, y: y + FigureStyle.xAxisBlock - 5, size: FigureStyle.axisTitleFont,
                         anchor: "middle", extra: [SVGAttr("class", "axis-title")])
            }
        }
    }

    /// A left axis at `x`: line over the domain, ticks, labels, rotated title at `titleX`.
    mutating func yAxis(scale: AxisScale, x: Double, ticks: [Double], labels: [String], title: String,
                        titleX: Double) {
        group([SVGAttr("class", "axis y-axis"), SVGAttr("data-min", shortestNumber(scale.domainMin)),
               SVGAttr("data-max", shortestNumber(scale.domainMax))]) { doc in
            doc.line(x1: x, y1: scale(scale.domainMin), x2: x, y2: scale(scale.domainMax),
                     stroke: Palette.axis, width: 1, extra: [SVGAttr("class", "axis-line")])
            for (i, t) in ticks.enumerated() {
                let y = scale(t)
                doc.line(x1: x - FigureStyle.tickLength, y1: y, x2: x, y2: y, stroke: Palette.axis, width: 1,
                         extra: [SVGAttr("class", "tick"), SVGAttr("data-value", shortestNumber(t))])
                if i < labels.count {
                    doc.text(typographicMinus(labels[i]), x: x - FigureStyle.tickLength - 3, y: y + FigureStyle.tickFont * 0.35,
                             size: FigureStyle.tickFont, anchor: "end",
                             extra: [SVGAttr("class", "tick-label"), SVGAttr("data-value", shortestNumber(t))])
                }
            }
            if !title.isEmpty {
                let ty = (scale.rangeMin + scale.rangeMax) / 2
                doc.text(title, x: titleX, y: ty, size: FigureStyle.axisTitleFont, anchor: "middle",
                         rotate: -90, extra: [SVGAttr("class", "axis-title")])
            }
        }
    }
}

/// A number label with a leading hyphen-minus shown as a true minus sign (U+2212).
func typographicMinus(_ label: String) -> String {
    label.hasPrefix("-") ? "\u{2212}" + label.dropFirst() : label
}

/// Which tick labels to show on a horizontal axis so that neighbours do not collide: every k-th,
/// with k the smallest stride that leaves 8 units between labels (`extraWidths` lets a risk table
/// widen the columns).
func labelStride(positions: [Double], widths: [Double]) -> Int {
    guard positions.count > 1 else { return 1 }
    for k in 1...positions.count {
        var ok = true
        var i = 0
        while i + k < positions.count {
            let needed = (widths[i] + widths[i + k]) / 2 + 8
            if abs(positions[i + k] - positions[i]) < needed {
                ok = false
                break
            }
            i += k
        }
        if ok { return k }
    }
    return positions.count
}

// MARK: - Series panel

/// Curves, bands and censor marks of several series drawn through one pair of scales.
struct SeriesPanel {
    let series: [StepSeries]
    let colors: [String]
    let stepped: Bool
    let showCI: Bool
    let showCensor: Bool
    let x: AxisScale
    let y: AxisScale

    /// A point kept for drawing, in data units.
    struct Point {
        let t: Double
        let v: Double
        let lower: Double?
        let upper: Double?
    }

    /// The points of `s` inside the x domain (non-finite and, on a log axis, non-positive times
    /// dropped), plus where the last horizontal segment ends (step curves only).
    func visiblePoints(_ s: StepSeries) -> (points: [Point], end: Double?) {
        let n = min(s.times.count, s.values.count)
        let hasCI = s.hasConfidenceLimits
        var points: [Point] = []
        var carry: Point?
        for i in 0..<n {
            if Interrupt.stops(at: i) { break }
            let t = s.times[i]
            let v = s.values[i]
            guard t.isFinite, v.isFinite, !x.isLog || t > 0 else { continue }
            let lo = hasCI ? s.lower[i].flatMap { $0.isFinite ? $0 : nil } : nil
            let up = hasCI ? s.upper[i].flatMap { $0.isFinite ? $0 : nil } : nil
            if t < x.domainMin && !x.contains(t) {
                if stepped { carry = Point(t: x.domainMin, v: v, lower: lo, upper: up) }
                continue
            }
            if !x.contains(t) { break }
            if let c = carry, t > x.domainMin { points.append(c) }
            carry = nil
            points.append(Point(t: t, v: v, lower: lo, upper: up))
        }
        if let c = carry { points.append(c) }
        guard stepped, let last = points.last else { return (points, nil) }
        var end = s.lastTime ?? last.t
        end = min(end, x.domainMax)
        return (points, end > last.t ? end : nil)
    }

    private func py(_ v: Double) -> Double {
        y(min(max(v, y.domainMin), y.domainMax))
    }

    /// Draws bands (below), curves and censor marks, series by series in order.
    func draw(into doc: inout SVGDocument) {
        if showCI {
            doc.group([SVGAttr("class", "ci-bands")]) { doc in
                for (i, s) in series.enumerated() {
                    let (points, end) = visiblePoints(s)
                    for d in bandPaths(points, end: end) {
                        doc.element("path", [SVGAttr("class", "ci-band"), SVGAttr("data-label", s.label),
                                             SVGAttr("d", d), SVGAttr("fill", colors[i]),
                                             SVGAttr("fill-opacity", FigureStyle.bandOpacity),
                                             SVGAttr("stroke", "none")])
                    }
                }
            }
        }
        doc.group([SVGAttr("class", "curves")]) { doc in
            for (i, s) in series.enumerated() {
                let (points, end) = visiblePoints(s)
                guard let first = points.first else { continue }
                var path = PathBuilder()
                path.move(x(first.t), py(first.v))
                for (k, p) in points.enumerated().dropFirst() {
                    if Interrupt.stops(at: k) { break }
                    if stepped {
                        path.horizontal(x(p.t))
                        path.vertical(py(p.v))
                    } else {
                        path.lineTo(x(p.t), py(p.v))
                    }
                }
                if let end { path.horizontal(x(end)) }
                var attrs = [SVGAttr("class", "curve"), SVGAttr("data-label", s.label),
                             SVGAttr("data-points", String(points.count)), SVGAttr("d", path.data),
                             SVGAttr("fill", "none"), SVGAttr("stroke", colors[i]),
                             SVGAttr("stroke-width", FigureStyle.curveWidth),
                             SVGAttr("stroke-linejoin", "miter"), SVGAttr("stroke-linecap", "butt")]
                if let dash = Palette.dash(i) { attrs.append(SVGAttr("stroke-dasharray", dash)) }
                doc.element("path", attrs)
            }
        }
        if showCensor {
            doc.group([SVGAttr("class", "censor-marks")]) { doc in
                for (i, s) in series.enumerated() {
                    for (k, (t, v)) in censorMarks(s).enumerated() {
                        if Interrupt.stops(at: k) { break }
                        let cx = x(t)
                        let cy = py(v)
                        let h = FigureStyle.censorHalf
                        var path = PathBuilder()
                        path.move(cx - h, cy)
                        path.relative("h", 2 * h)
                        path.move(cx, cy - h)
                        path.relative("v", 2 * h)
                        doc.element("path", [SVGAttr("class", "censor"), SVGAttr("data-label", s.label),
                                             SVGAttr("data-time", shortestNumber(t)), SVGAttr("d", path.data),
                                             SVGAttr("stroke", colors[i]), SVGAttr("stroke-width", 1.2),
                                             SVGAttr("fill", "none")])
                    }
                }
            }
        }
    }

    /// Censor marks inside the domain, in data units.
    func censorMarks(_ s: StepSeries) -> [(Double, Double)] {
        let n = min(s.censorTimes.count, s.censorValues.count)
        var out: [(Double, Double)] = []
        for j in 0..<n {
            if Interrupt.stops(at: j) { break }
            let t = s.censorTimes[j]
            let v = s.censorValues[j]
            guard t.isFinite, v.isFinite, x.contains(t) else { continue }
            out.append((t, v))
        }
        return out
    }

    /// Closed band outlines over runs of points whose limits are both defined.
    func bandPaths(_ points: [Point], end: Double?) -> [String] {
        var runs: [[(x0: Double, x1: Double, lo: Double, up: Double)]] = []
        var current: [(x0: Double, x1: Double, lo: Double, up: Double)] = []
        for (k, p) in points.enumerated() {
            let next = k + 1 < points.count ? points[k + 1].t : (end ?? p.t)
            if let lo = p.lower, let up = p.upper {
                current.append((x(p.t), x(stepped ? next : p.t), py(lo), py(up)))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs.compactMap { run -> String? in
            guard let first = run.first, let last = run.last else { return nil }
            var path = PathBuilder()
            if stepped {
                path.move(first.x0, first.up)
                for (j, seg) in run.enumerated() {
                    path.horizontal(seg.x1)
                    if j + 1 < run.count { path.vertical(run[j + 1].up) }
                }
                path.vertical(last.lo)
                for j in stride(from: run.count - 1, through: 0, by: -1) {
                    path.horizontal(run[j].x0)
                    if j > 0 { path.vertical(run[j - 1].lo) }
                }
            } else {
                guard run.count > 1 else { return nil }
                path.move(first.x0, first.up)
                for seg in run.dropFirst() { path.lineTo(seg.x0, seg.up) }
                for seg in run.reversed() { path.lineTo(seg.x0, seg.lo) }
            }
            path.closePath()
            return path.data
        }
    }

    /// Regions the legend must not cover: every curve segment, band piece and censor mark.
    func obstacles() -> [Box] {
        var boxes: [Box] = []
        for s in series {
            let (points, end) = visiblePoints(s)
            var previous: (Double, Double)?
            for (k, p) in points.enumerated() {
                if Interrupt.stops(at: k) { break }
                let px = x(p.t)
                let pyv = py(p.v)
                if let (qx, qy) = previous {
                    if stepped {
                        boxes.append(Box(x1: qx, y1: qy - 1, x2: px, y2: qy + 1))
                        boxes.append(Box(x1: px - 1, y1: qy, x2: px + 1, y2: pyv))
                    } else {
                        boxes.append(contentsOf: segmentBoxes(qx, qy, px, pyv))
                    }
                }
                if showCI, let lo = p.lower, let up = p.upper {
                    let nx = k + 1 < points.count ? x(points[k + 1].t) : (end.map { x($0) } ?? px)
                    boxes.append(Box(x1: px, y1: py(up), x2: stepped ? nx : px + 1, y2: py(lo)))
                }
                previous = (px, pyv)
            }
            if let (qx, qy) = previous, let end {
                boxes.append(Box(x1: qx, y1: qy - 1, x2: x(end), y2: qy + 1))
            }
            if showCensor {
                let h = FigureStyle.censorHalf
                for (t, v) in censorMarks(s) {
                    boxes.append(Box(x1: x(t) - h, y1: py(v) - h, x2: x(t) + h, y2: py(v) + h))
                }
            }
        }
        return boxes
    }

    /// A sloped segment as a chain of small boxes.
    private func segmentBoxes(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [Box] {
        let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
        let pieces = max(1, Int((length / 6).rounded(.up)))
        var out: [Box] = []
        for k in 0..<pieces {
            let a = Double(k) / Double(pieces)
            let b = Double(k + 1) / Double(pieces)
            out.append(Box(x1: x0 + a * (x1 - x0), y1: y0 + a * (y1 - y0) - 1,
                           x2: x0 + b * (x1 - x0), y2: y0 + b * (y1 - y0) + 1))
        }
        return out
    }
}

// MARK: - Legend

/// Legend entries (coloured line swatch + label), an optional heading and an optional note
/// (the p-value), drawn as a block inside the panel or as a row above it.
struct Legend {
    struct Entry {
        let label: String
        let color: String
        /// The curve's dash pattern (nil = solid), from `Palette.dash`.
        var dash: String? = nil
    }

    var entries: [Entry]
    var title: String?
    var note: String?

    static let font = FigureStyle.legendFont
    static let rowHeight = 18.0
    static let swatch = 20.0
    static let swatchGap = 6.0
    static let padding = 7.0
    static let entrySpacing = 18.0

    var isEmpty: Bool { entries.isEmpty && title == nil && note == nil }

    private var rowCount: Int { entries.count + (title == nil ? 0 : 1) + (note == nil ? 0 : 1) }

    /// Size of the vertical block.
    var blockSize: (width: Double, height: Double) {
        var w = 0.0
        for e in entries {
            w = max(w, Legend.swatch + Legend.swatchGap + TextMetrics.width(e.label, size: Legend.font))
        }
        if let title { w = max(w, TextMetrics.width(title, size: Legend.font, bold: true)) }
        if let note { w = max(w, TextMetrics.width(note, size: Legend.font)) }
        let extraNoteGap = (note != nil && !entries.isEmpty) ? 4.0 : 0
        return (w + 2 * Legend.padding, Double(rowCount) * Legend.rowHeight + 2 * Legend.padding - 4 + extraNoteGap)
    }

    /// Draws the vertical block with its top-left corner at (x, y).
    func drawBlock(into doc: inout SVGDocument, x: Double, y: Double) {
        let size = blockSize
        doc.group([SVGAttr("class", "legend"), SVGAttr("data-placement", "inside")]) { doc in
            doc.rect(x: x, y: y, width: size.width, height: size.height, fill: "#FFFFFF",
                     extra: [SVGAttr("class", "legend-background"), SVGAttr("fill-opacity", "0.85")])
            var baseline = y + Legend.padding + Legend.font * 0.85
            let left = x + Legend.padding
            if let title {
                doc.text(title, x: left, y: baseline, size: Legend.font, weight: "bold",
                         extra: [SVGAttr("class", "legend-title")])
                baseline += Legend.rowHeight
            }
            for e in entries {
                drawEntry(into: &doc, e, x: left, baseline: baseline)
                baseline += Legend.rowHeight
            }
            if let note {
                if !entries.isEmpty { baseline += 4 }
                doc.text(note, x: left, y: baseline, size: Legend.font, fill: Palette.muted,
                         extra: [SVGAttr("class", "p-value")])
            }
        }
    }

    private func drawEntry(into doc: inout SVGDocument, _ e: Entry, x: Double, baseline: Double) {
        doc.group([SVGAttr("class", "legend-entry"), SVGAttr("data-label", e.label)]) { doc in
            let midY = baseline - Legend.font * 0.33
            doc.line(x1: x, y1: midY, x2: x + Legend.swatch, y2: midY, stroke: e.color, width: 2.5, dash: e.dash)
            doc.text(e.label, x: x + Legend.swatch + Legend.swatchGap, y: baseline, size: Legend.font)
        }
    }

    /// Rows needed to flow the entries (and note) across `width`.
    private func flow(width: Double) -> [[Int]] {
        var rows: [[Int]] = [[]]
        var used = title.map { TextMetrics.width($0, size: Legend.font, bold: true) + 10 } ?? 0
        for (i, e) in entries.enumerated() {
            let w = Legend.swatch + Legend.swatchGap + TextMetrics.width(e.label, size: Legend.font)
            if !rows[rows.count - 1].isEmpty && used + w > width {
                rows.append([])
                used = 0
            }
            rows[rows.count - 1].append(i)
            used += w + Legend.entrySpacing
        }
        return rows
    }

    /// Height of the row layout across `width`.
    func rowsHeight(width: Double) -> Double {
        let entryRows = entries.isEmpty ? 0 : flow(width: width).count
        return Double(entryRows + (note == nil ? 0 : 1)) * Legend.rowHeight
    }

    /// Draws the entries as rows starting at (x, top), wrapping at `width`; the note follows.
    func drawRows(into doc: inout SVGDocument, x: Double, top: Double, width: Double) {
        doc.group([SVGAttr("class", "legend"), SVGAttr("data-placement", "above")]) { doc in
            var baseline = top + Legend.font * 0.85
            var first = true
            for row in (entries.isEmpty ? [] : flow(width: width)) {
                var cx = x
                if first, let title {
                    doc.text(title, x: cx, y: baseline, size: Legend.font, weight: "bold",
                             extra: [SVGAttr("class", "legend-title")])
                    cx += TextMetrics.width(title, size: Legend.font, bold: true) + 10
                }
                first = false
                for i in row {
                    let e = entries[i]
                    drawEntry(into: &doc, e, x: cx, baseline: baseline)
                    cx += Legend.swatch + Legend.swatchGap + TextMetrics.width(e.label, size: Legend.font)
                        + Legend.entrySpacing
                }
                baseline += Legend.rowHeight
            }
            if let note {
                doc.text(note, x: x, y: baseline, size: Legend.font, fill: Palette.muted,
                         extra: [SVGAttr("class", "p-value")])
            }
        }
    }
}

/// Corners of the data area a legend may occupy, in order of preference.
enum LegendCorner: CaseIterable {
    case topRight, bottomLeft, bottomRight, topLeft

    func origin(size: (width: Double, height: Double), panel: Box, inset: Double) -> (Double, Double) {
        switch self {
        case .topRight: return (panel.maxX - size.width - inset, panel.y + inset)
        case .bottomLeft: return (panel.x + inset, panel.maxY - size.height - inset)
        case .bottomRight: return (panel.maxX - size.width - inset, panel.maxY - size.height - inset)
        case .topLeft: return (panel.x + inset, panel.y + inset)
        }
    }
}

/// The first corner where a box of `size` fits inside `panel` without touching an obstacle.
func freeCorner(size: (width: Double, height: Double), panel: Box, obstacles: [Box],
                order: [LegendCorner]) -> (Double, Double)? {
    guard size.width + 8 < panel.width, size.height + 8 < panel.height else { return nil }
    for corner in order {
        let (ox, oy) = corner.origin(size: size, panel: panel, inset: 4)
        let candidate = Box(x: ox - 3, y: oy - 3, width: size.width + 6, height: size.height + 6)
        if !obstacles.contains(where: { $0.intersects(candidate) }) { return (ox, oy) }
    }
    return nil
}

/// Draws the figure title left-aligned at `x`.
extension SVGDocument {
    mutating func title(_ text: String, x: Double, y: Double) {
        self.text(text, x: x, y: y, size: FigureStyle.titleFont, weight: "bold", extra: [SVGAttr("class", "title")])
    }
}

/// Baseline x of a rotated y-axis title: just left of the widest tick label (the glyphs extend
/// further left by about one font size, which the left margin reserves).
func yTitleX(left: Double, tickLabelWidth: Double) -> Double {
    left - (3 + FigureStyle.tickLength + FigureStyle.axisGap) - tickLabelWidth - 8
}
