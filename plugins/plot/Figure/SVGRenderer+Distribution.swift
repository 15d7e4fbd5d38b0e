// SVGRenderer+Distribution.swift — histogram and box plots of one variable.
//
// Histogram: bins from `HistogramBins` (R's hist(): Sturges, pretty() breaks, right-closed bins),
// bars on a count axis starting at 0. Box plot: one box per group from `BoxStats` (R's
// boxplot.stats: fivenum hinges, whiskers to the last value within 1.5 IQR, outliers as open
// circles), group labels with their n under the boxes. Both share the axes of the other figures.

import Foundation

extension SVGRenderer {
    /// A histogram as an SVG document.
    public static func histogram(_ spec: HistogramSpec) -> String {
        let width = max(spec.width, 240)
        let height = max(spec.height, 180)
        let pad = FigureStyle.pad
        let bins = HistogramBins(values: spec.values, breaks: spec.breaks)
        let xLo = bins.breaks.first ?? 0
        var xHi = bins.breaks.last ?? 1
        if !(xHi > xLo) { xHi = xLo + 1 }
        let maxCount = bins.counts.max() ?? 0
        let yTicks = niceTicks(min: 0, max: Double(max(maxCount, 1)), targetCount: 5)
        let yHi = yTicks.last ?? 1
        let yLabels = tickLabels(yTicks)
        let xTicks = niceTicks(min: xLo, max: xHi, targetCount: 5)
            .filter { $0 >= xLo - 1e-9 * (xHi - xLo) && $0 <= xHi + 1e-9 * (xHi - xLo) }
        let xLabels = tickLabels(xTicks)

        let yTickWidth = yLabels.map { TextMetrics.width($0, size: FigureStyle.tickFont) }.max() ?? 0
        let yTitleWidth = spec.ylab.isEmpty ? 0 : FigureStyle.axisTitleFont + 10
        let left = pad + yTitleWidth + yTickWidth + 3 + FigureStyle.tickLength + FigureStyle.axisGap
        let right = max(left + 60, width - pad - 12)
        let top = pad + (spec.title != nil ? FigureStyle.titleBlock : 0) + 6
        let bottom = max(top + 60, height - pad - FigureStyle.xAxisBlock - FigureStyle.axisGap)
        let xScale = AxisScale(domain: (xLo, xHi), range: (left, right))
        let yScale = AxisScale(domain: (0, yHi), range: (bottom, top))

        var doc = SVGDocument(width: width, height: height)
        if let title = spec.title { doc.title(title, x: left - FigureStyle.axisGap, y: pad + FigureStyle.titleFont * 0.8) }
        doc.group([SVGAttr("class", "bars"), SVGAttr("data-n", String(bins.n))]) { doc in
            for (i, c) in bins.counts.enumerated() {
                let x0 = xScale(bins.breaks[i])
                let x1 = xScale(bins.breaks[i + 1])
                doc.rect(x: x0, y: yScale(Double(c)), width: x1 - x0, height: yScale(0) - yScale(Double(c)),
                         fill: Palette.series[0],
                         extra: [SVGAttr("class", "bar"), SVGAttr("data-lower", shortestNumber(bins.breaks[i])),
                                 SVGAttr("data-upper", shortestNumber(bins.breaks[i + 1])),
                                 SVGAttr("data-count", String(c)), SVGAttr("fill-opacity", "0.6"),
                                 SVGAttr("stroke", "#FFFFFF"), SVGAttr("stroke-width", "1")])
            }
        }
        if bins.n == 0 {
            doc.text("no finite values", x: (left + right) / 2, y: (top + bottom) / 2, size: FigureStyle.axisTitleFont,
                     anchor: "middle", fill: Palette.muted, extra: [SVGAttr("class", "note")])
        }
        let positions = xTicks.map { xScale($0) }
        let every = labelStride(positions: positions, widths: xLabels.map { TextMetrics.width($0, size: FigureStyle.tickFont) })
        doc.xAxis(scale: xScale, y: bottom + FigureStyle.axisGap, ticks: xTicks,
                  labels: xLabels.enumerated().map { $0.offset % every == 0 ? $0.element : nil }, title: spec.xlab)
        doc.yAxis(scale: yScale, x: left - FigureStyle.axisGap, ticks: yTicks, labels: yLabels, title: spec.ylab,
                  titleX: yTitleX(left: left, tickLabelWidth: yTickWidth))
        return doc.render()
    }

    /// Box plots by group as an SVG document.
    public static func box(_ spec: BoxPlotSpec) -> String {
        let width = max(spec.width, 240)
        let height = max(spec.height, 180)
        let pad = FigureStyle.pad
        let stats = spec.groups.map { BoxStats(values: $0.values, coef: spec.coef) }
        let yTicks = spec.valueTicks
        let yLo = yTicks.first ?? 0
        let yHi = yTicks.last ?? 1
        let yLabels = tickLabels(yTicks)
        let count = spec.groups.count

        let yTickWidth = yLabels.map { TextMetrics.width($0, size: FigureStyle.tickFont) }.max() ?? 0
        let yTitleWidth = spec.ylab.isEmpty ? 0 : FigureStyle.axisTitleFont + 10
        let left = pad + yTitleWidth + yTickWidth + 3 + FigureStyle.tickLength + FigureStyle.axisGap
        let right = max(left + 60, width - pad - 12)
        let top = pad + (spec.title != nil ? FigureStyle.titleBlock : 0) + 6
        // Group labels take two lines (label, n) above the axis title.
        let labelBlock = FigureStyle.tickFont * 2 + 12
        let bottom = max(top + 60, height - pad - labelBlock - (spec.xlab.isEmpty ? 0 : FigureStyle.axisTitleFont + 10))
        let yScale = AxisScale(domain: (yLo, yHi), range: (bottom, top))
        let band = (right - left) / Double(max(count, 1))
        let boxWidth = min(64, band * 0.5)

        var doc = SVGDocument(width: width, height: height)
        if let title = spec.title { doc.title(title, x: left - FigureStyle.axisGap, y: pad + FigureStyle.titleFont * 0.8) }
        for (i, group) in spec.groups.enumerated() {
            let color = Palette.color(i, of: count)
            let cx = left + band * (Double(i) + 0.5)
            let st = stats[i]
            var attrs = [SVGAttr("class", "box"), SVGAttr("data-label", group.label), SVGAttr("data-n", String(st.n))]
            if st.n > 0 {
                let names = ["data-lower-whisker", "data-q1", "data-median", "data-q3", "data-upper-whisker"]
                for (name, v) in zip(names, st.stats) { attrs.append(SVGAttr(name, shortestNumber(v))) }
            }
            doc.group(attrs) { doc in
                if st.n > 0 {
                    let s = st.stats
                    let half = boxWidth / 2
                    // whiskers and caps
                    doc.line(x1: cx, y1: yScale(s[0]), x2: cx, y2: yScale(s[1]), stroke: color, width: 1.2,
                             extra: [SVGAttr("class", "whisker")])
                    doc.line(x1: cx, y1: yScale(s[3]), x2: cx, y2: yScale(s[4]), stroke: color, width: 1.2,
                             extra: [SVGAttr("class", "whisker")])
                    for v in [s[0], s[4]] {
                        doc.line(x1: cx - half / 2, y1: yScale(v), x2: cx + half / 2, y2: yScale(v), stroke: color,
                                 width: 1.2, extra: [SVGAttr("class", "cap")])
                    }
                    doc.rect(x: cx - half, y: yScale(s[3]), width: boxWidth, height: yScale(s[1]) - yScale(s[3]),
                             fill: color, extra: [SVGAttr("class", "hinges"), SVGAttr("fill-opacity", "0.18"),
                                                  SVGAttr("stroke", color), SVGAttr("stroke-width", "1.2")])
                    doc.line(x1: cx - half, y1: yScale(s[2]), x2: cx + half, y2: yScale(s[2]), stroke: color, width: 2.5,
                             extra: [SVGAttr("class", "median")])
                    for v in st.outliers {
                        doc.element("circle", [SVGAttr("class", "outlier"), SVGAttr("data-value", shortestNumber(v)),
                                               SVGAttr("cx", cx), SVGAttr("cy", yScale(v)), SVGAttr("r", 2.6),
                                               SVGAttr("fill", "none"), SVGAttr("stroke", color),
                                               SVGAttr("stroke-width", 1)])
                    }
                }
                let labelY = bottom + FigureStyle.axisGap + 4 + FigureStyle.tickFont * 0.8
                doc.text(group.label, x: cx, y: labelY, size: FigureStyle.tickFont, anchor: "middle",
                         extra: [SVGAttr("class", "group-label")])
                doc.text("n = \(st.n)", x: cx, y: labelY + FigureStyle.tickFont + 3, size: FigureStyle.tickFont - 1,
                         anchor: "middle", fill: Palette.muted, extra: [SVGAttr("class", "group-n")])
            }
        }
        doc.yAxis(scale: yScale, x: left - FigureStyle.axisGap, ticks: yTicks, labels: yLabels, title: spec.ylab,
                  titleX: yTitleX(left: left, tickLabelWidth: yTickWidth))
        if !spec.xlab.isEmpty {
            doc.text(spec.xlab, x: (left + right) / 2, y: height - pad - 4, size: FigureStyle.axisTitleFont,
                     anchor: "middle", extra: [SVGAttr("class", "axis-title")])
        }
        return doc.render()
    }
}
