// SVGRenderer+XY.swift — generic step or line figures: log(−log S) against log t (the
// proportional-hazards check), cumulative hazard, and any other curve family.
//
// Input: `XYFigureSpec`. Output: an SVG document with the same look as the KM figure. The y range is
// the data's (CI included when shown) widened to R's pretty() ticks; the x range is the data's
// (or xMin/xMax), with pretty() ticks on a linear axis and 1-2-5 decades on a log axis, where
// x ≤ 0 is dropped. The legend goes to the first free corner (top-left first, since these curves
// usually rise), else above the data area.

import Foundation

extension SVGRenderer {
    /// A step or line figure as an SVG document.
    public static func xy(_ spec: XYFigureSpec) -> String {
        let width = max(spec.width, 240)
        let height = max(spec.height, 180)
        let count = spec.series.count
        let colors = (0..<count).map { Palette.color($0, of: count) }
        let pad = FigureStyle.pad

        // Data ranges.
        var xs: [Double] = []
        var ys: [Double] = []
        for s in spec.series {
            let n = min(s.times.count, s.values.count)
            for i in 0..<n where s.times[i].isFinite && s.values[i].isFinite && (!spec.logX || s.times[i] > 0) {
                xs.append(s.times[i])
                ys.append(s.values[i])
                if spec.showCI && s.hasConfidenceLimits {
                    if let l = s.lower[i], l.isFinite { ys.append(l) }
                    if let u = s.upper[i], u.isFinite { ys.append(u) }
                }
            }
            if spec.style == .step, let end = s.lastTime, end.isFinite, !spec.logX || end > 0 { xs.append(end) }
        }
        var xLo = spec.xMin ?? xs.min() ?? (spec.logX ? 1 : 0)
        var xHi = spec.xMax ?? xs.max() ?? (spec.logX ? 10 : 1)
        if spec.logX && xLo <= 0 { xLo = xs.filter { $0 > 0 }.min() ?? 1 }
        if !(xHi > xLo) { xHi = spec.logX ? xLo * 10 : xLo + 1 }
        let yDataLo = spec.yMin ?? ys.min() ?? 0
        let yDataHi = spec.yMax ?? ys.max() ?? 1
        var yTicks = niceTicks(min: yDataLo, max: yDataHi, targetCount: 5)
        var yLo = spec.yMin ?? min(yTicks.first ?? yDataLo, yDataLo)
        var yHi = spec.yMax ?? max(yTicks.last ?? yDataHi, yDataHi)
        if !(yHi > yLo) {
            yLo -= 1
            yHi += 1
            yTicks = niceTicks(min: yLo, max: yHi, targetCount: 5)
        }
        yTicks = yTicks.filter { $0 >= yLo - 1e-9 * (yHi - yLo) && $0 <= yHi + 1e-9 * (yHi - yLo) }
        let yLabels = tickLabels(yTicks)
        let xTicks: [Double]
        let xLabels: [String]
        if spec.logX {
            xTicks = logTicks(min: xLo, max: xHi)
            xLabels = xTicks.map(formatTickValue)
        } else {
            if let step = spec.xBreak, step > 0, (xHi - xLo) / step <= 60 {
                let first = (xLo / step).rounded(.up)
                xTicks = stride(from: first, through: (xHi / step).rounded(.down), by: 1).map { $0 * step }
            } else {
                xTicks = niceTicks(min: xLo, max: xHi, targetCount: 5)
                    .filter { $0 >= xLo - 1e-9 * (xHi - xLo) && $0 <= xHi + 1e-9 * (xHi - xLo) }
            }
            xLabels = tickLabels(xTicks)
        }

        // Layout.
        let yTickWidth = yLabels.map { TextMetrics.width($0, size: FigureStyle.tickFont) }.max() ?? 0
        let yTitleWidth = spec.ylab.isEmpty ? 0 : FigureStyle.axisTitleFont + 10
        let left = pad + yTitleWidth + yTickWidth + 3 + FigureStyle.tickLength + FigureStyle.axisGap
        let right = max(left + 60, width - pad - 12)
        var top = pad
        if spec.title != nil { top += FigureStyle.titleBlock }
        let panelBottom = max(top + 60, height - pad - FigureStyle.xAxisBlock - FigureStyle.axisGap)

        var legend = Legend(entries: [], title: spec.legendTitle, note: nil)
        if count > 1 || spec.legendTitle != nil {
            legend.entries = spec.series.enumerated().map { Legend.Entry(label: $0.element.label, color: colors[$0.offset], dash: Palette.dash($0.offset)) }
        }
        func makePanel(top panelTop: Double) -> (SeriesPanel, Box) {
            let xScale = AxisScale(domain: (xLo, xHi), range: (left, right), log: spec.logX)
            let yScale = AxisScale(domain: (yLo, yHi), range: (panelBottom, panelTop))
            let panel = SeriesPanel(series: spec.series, colors: colors, stepped: spec.style == .step,
                                    showCI: spec.showCI, showCensor: spec.showCensorMarks, x: xScale, y: yScale)
            return (panel, Box(x1: left, y1: panelTop, x2: right, y2: panelBottom))
        }
        var (panel, area) = makePanel(top: top + 6)
        var legendOrigin: (Double, Double)?
        var legendAbove = false
        if !legend.isEmpty {
            legendOrigin = freeCorner(size: legend.blockSize, panel: area, obstacles: panel.obstacles(),
                                      order: [.topLeft, .bottomRight, .topRight, .bottomLeft])
            if legendOrigin == nil {
                legendAbove = true
                (panel, area) = makePanel(top: min(top + legend.rowsHeight(width: right - left) + 8, panelBottom - 60))
            }
        }

        var doc = SVGDocument(width: width, height: height)
        if let title = spec.title {
            doc.title(title, x: left - FigureStyle.axisGap, y: pad + FigureStyle.titleFont * 0.8)
        }
        panel.draw(into: &doc)
        let positions = xTicks.map { panel.x($0) }
        let labelEvery = labelStride(positions: positions,
                                 widths: xLabels.map { TextMetrics.width($0, size: FigureStyle.tickFont) })
        doc.xAxis(scale: panel.x, y: panelBottom + FigureStyle.axisGap, ticks: xTicks,
                  labels: xLabels.enumerated().map { $0.offset % labelEvery == 0 ? $0.element : nil }, title: spec.xlab)
        doc.yAxis(scale: panel.y, x: left - FigureStyle.axisGap, ticks: yTicks, labels: yLabels, title: spec.ylab,
                  titleX: yTitleX(left: left, tickLabelWidth: yTickWidth))
        if let origin = legendOrigin {
            legend.drawBlock(into: &doc, x: origin.0, y: origin.1)
        } else if legendAbove {
            legend.drawRows(into: &doc, x: left, top: top, width: right - left)
        }
        return doc.render()
    }

    /// log(−log S(t)) against t on a log axis (R's `plot(fit, fun = "cloglog")`); the series carry
    /// the transformed values, points with t ≤ 0 or S ∈ {0, 1} (non-finite values) are skipped.
    public static func loglog(_ spec: XYFigureSpec) -> String {
        var s = spec
        s.logX = true
        return xy(s)
    }
}
