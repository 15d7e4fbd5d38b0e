// SVGRenderer+KM.swift — the Kaplan–Meier figure.
//
// Input: `KMFigureSpec` (curves as step points, optional CI, censor marks, risk table, p-value text).
// Output: an SVG document. Layout from the top: title; legend (inside the data area when a corner is
// free, else a row above it); the data area with S(t) on [0, 1] (or 0–100%) against time on
// [0, timeAxisMax]; the time axis; the number-at-risk table whose counts are centred on the same
// x coordinates as the ticks (one `AxisScale` places both, so they align by construction).

import Foundation

extension SVGRenderer {
    /// Kaplan–Meier curves as an SVG document.
    public static func km(_ spec: KMFigureSpec) -> String {
        let width = max(spec.width, 240)
        let height = max(spec.height, 180)
        let count = spec.series.count
        let colors = (0..<count).map { Palette.color($0, of: count) }
        let axisMax = spec.timeAxisMax
        let pad = FigureStyle.pad

        // Ticks: the risk table's when there is one (filtered to the axis), else the default ones.
        let tickSource: [(index: Int, value: Double)] = {
            let raw = spec.riskTable?.ticks ?? spec.defaultTimeTicks
            return raw.enumerated().filter { $0.element.isFinite && $0.element >= 0 && $0.element <= axisMax * (1 + 1e-9) }
                .map { (index: $0.offset, value: $0.element) }
        }()
        let ticks = tickSource.map(\.value)
        let xLabels = tickLabels(ticks)
        let yTicks = niceTicks(min: 0, max: 1, targetCount: 5)
        let yLabels = tickLabels(yTicks, percent: spec.percentAxis)

        // Horizontal layout.
        let riskRows = spec.riskTable?.rows ?? []
        let yTickWidth = yLabels.map { TextMetrics.width($0, size: FigureStyle.tickFont) }.max() ?? 0
        let yTitleWidth = spec.ylab.isEmpty ? 0 : FigureStyle.axisTitleFont + 10
        let riskLabelWidth = riskRows.map { TextMetrics.width($0.label, size: FigureStyle.tableFont, bold: true) }.max() ?? 0
        let labelToPanel = 3 + FigureStyle.tickLength + FigureStyle.axisGap
        // Risk labels end far enough left of the first column (at time 0) for its counts.
        var firstColumnHalf = 0.0
        if let first = tickSource.first {
            for row in riskRows where first.index < row.counts.count {
                firstColumnHalf = max(firstColumnHalf, TextMetrics.width(String(row.counts[first.index]), size: FigureStyle.tableFont) / 2)
            }
        }
        let riskLabelGap = max(labelToPanel, firstColumnHalf + 12)
        let left = pad + max(yTitleWidth + yTickWidth + labelToPanel, riskLabelWidth + riskLabelGap)
        let right = max(left + 60, width - pad - 12)

        // Vertical layout.
        var top = pad
        let titleBaseline = pad + FigureStyle.titleFont * 0.8
        if spec.title != nil { top += FigureStyle.titleBlock }
        let rowHeight = 18.0
        let riskHeight = riskRows.isEmpty ? 0 : 16 + rowHeight * Double(riskRows.count + 1)
        let panelBottom = max(top + 60, height - pad - riskHeight - FigureStyle.xAxisBlock - FigureStyle.axisGap)

        let note = [spec.pValueText, spec.fitted.isEmpty ? nil : spec.fittedNote].compactMap { $0 }.joined(separator: "; ")
        var legend = Legend(entries: [], title: spec.legendTitle, note: note.isEmpty ? nil : note)
        if count > 1 || spec.legendTitle != nil {
            legend.entries = spec.series.enumerated().map { Legend.Entry(label: $0.element.label, color: colors[$0.offset], dash: Palette.dash($0.offset)) }
        }

        func makePanel(top panelTop: Double) -> (SeriesPanel, Box) {
            let xScale = AxisScale(domain: (0, axisMax), range: (left, right))
            let yScale = AxisScale(domain: (0, 1), range: (panelBottom, panelTop))
            let panel = SeriesPanel(series: spec.series, colors: colors, stepped: true, showCI: spec.showCI,
                                    showCensor: spec.showCensorMarks, x: xScale, y: yScale)
            return (panel, Box(x1: left, y1: panelTop, x2: right, y2: panelBottom))
        }

        var panelTop = top + 6
        var (panel, area) = makePanel(top: panelTop)
        var legendOrigin: (Double, Double)?
        var legendAbove = false
        if !legend.isEmpty {
            legendOrigin = freeCorner(size: legend.blockSize, panel: area, obstacles: panel.obstacles(),
                                      order: [.topRight, .bottomLeft, .bottomRight])
            if legendOrigin == nil {
                legendAbove = true
                panelTop = top + legend.rowsHeight(width: right - left) + 8
                (panel, area) = makePanel(top: min(panelTop, panelBottom - 60))
            }
        }

        var doc = SVGDocument(width: width, height: height)
        if let title = spec.title { doc.title(title, x: left - FigureStyle.axisGap, y: titleBaseline) }
        panel.draw(into: &doc)
        if !spec.fitted.isEmpty { drawFitted(spec.fitted, colors: colors, panel: panel, into: &doc) }

        // Axes. Column widths include the risk counts so labels and counts thin out together.
        let xScale = panel.x
        let positions = ticks.map { xScale($0) }
        let widths: [Double] = tickSource.enumerated().map { j, tick in
            var w = TextMetrics.width(xLabels[j], size: FigureStyle.tickFont)
            for row in riskRows where tick.index < row.counts.count {
                w = max(w, TextMetrics.width(String(row.counts[tick.index]), size: FigureStyle.tableFont))
            }
            return w
        }
        let stride = labelStride(positions: positions, widths: widths)
        let shownLabels: [String?] = xLabels.enumerated().map { $0.offset % stride == 0 ? $0.element : nil }
        let axisY = panelBottom + FigureStyle.axisGap
        doc.xAxis(scale: xScale, y: axisY, ticks: ticks, labels: shownLabels, title: spec.xlab)
        doc.yAxis(scale: panel.y, x: left - FigureStyle.axisGap, ticks: yTicks, labels: yLabels, title: spec.ylab,
                  titleX: yTitleX(left: left, tickLabelWidth: yTickWidth))

        if let origin = legendOrigin {
            legend.drawBlock(into: &doc, x: origin.0, y: origin.1)
        } else if legendAbove {
            legend.drawRows(into: &doc, x: left, top: top, width: right - left)
        }

        if let table = spec.riskTable, !riskRows.isEmpty {
            let titleY = axisY + FigureStyle.xAxisBlock + 16 + FigureStyle.tableFont * 0.8
            let labelX = left - riskLabelGap
            doc.group([SVGAttr("class", "risk-table")]) { doc in
                doc.text(table.title, x: pad, y: titleY, size: FigureStyle.tableFont, weight: "bold",
                         extra: [SVGAttr("class", "risk-title")])
                for (r, row) in riskRows.enumerated() {
                    let baseline = titleY + rowHeight * Double(r + 1)
                    let color = Palette.color(r, of: max(count, riskRows.count))
                    doc.text(row.label, x: labelX, y: baseline, size: FigureStyle.tableFont, anchor: "end",
                             weight: "bold", fill: color,
                             extra: [SVGAttr("class", "risk-label"), SVGAttr("data-label", row.label)])
                    for (j, tick) in tickSource.enumerated() where j % stride == 0 && tick.index < row.counts.count {
                        doc.text(String(row.counts[tick.index]), x: xScale(tick.value), y: baseline,
                                 size: FigureStyle.tableFont, anchor: "middle",
                                 extra: [SVGAttr("class", "risk-count"), SVGAttr("data-label", row.label),
                                         SVGAttr("data-tick", shortestNumber(tick.value))])
                    }
                }
            }
        }
        return doc.render()
    }

    /// Fitted curves as thin dashed lines through their points, in their series' colours.
    static func drawFitted(_ fitted: [StepSeries], colors: [String], panel: SeriesPanel, into doc: inout SVGDocument) {
        let smooth = SeriesPanel(series: fitted, colors: colors, stepped: false, showCI: false, showCensor: false,
                                 x: panel.x, y: panel.y)
        doc.group([SVGAttr("class", "fitted-curves")]) { doc in
            for (i, s) in fitted.enumerated() where i < colors.count {
                let (points, _) = smooth.visiblePoints(s)
                guard let first = points.first else { continue }
                var path = PathBuilder()
                path.move(panel.x(first.t), panel.y(first.v))
                for p in points.dropFirst() { path.lineTo(panel.x(p.t), panel.y(p.v)) }
                doc.element("path", [SVGAttr("class", "fitted-curve"), SVGAttr("data-label", s.label),
                                     SVGAttr("d", path.data), SVGAttr("fill", "none"), SVGAttr("stroke", colors[i]),
                                     SVGAttr("stroke-width", FigureStyle.curveWidth * 0.75),
                                     SVGAttr("stroke-dasharray", "6 4")])
            }
        }
    }
}
