// SVGRenderer+Forest.swift — hazard ratios with confidence intervals on a log axis.
//
// Input: `ForestSpec` rows in display order (factor headings, their levels with the reference level
// marked, plain terms). Output: an SVG document with three columns: labels; the interval plot on a
// log axis with a dashed line at HR = 1 (intervals leaving the axis range end in an arrow); the
// "HR (95% CI)" and p texts. Rows are zebra-shaded for reading across.

import Foundation

/// Vertical sizes of the forest plot (shared with `ForestSpec.resolvedHeight`).
enum ForestLayout {
    static let rowHeight = 24.0
    static let indent = 14.0
    static let square = 9.0

    static func top(hasTitle: Bool) -> Double {
        FigureStyle.pad + (hasTitle ? FigureStyle.titleBlock : 0)
    }

    static let bottom = FigureStyle.axisGap + FigureStyle.xAxisBlock + FigureStyle.pad

    /// "0.70 (0.31–1.60)", "9.86 (1.29–75.5)", "1.005 (1.001–1.009)": two decimals, or enough for two
    /// significant digits of the smallest value below 10 (values from 10 up keep three significant
    /// digits), and more while the HR and its limits print alike (a per-unit effect would read
    /// "1.01 (1.00–1.01)").
    static func estimateText(_ row: ForestRow) -> String {
        if row.isHeader { return "" }
        if row.isReference { return "reference" }
        guard let hr = row.hr, hr.isFinite else { return "NA" }
        let values = [hr, row.lower, row.upper].compactMap { $0 }.filter { $0.isFinite && $0 > 0 }
        func decimals(_ v: Double, _ digits: Int) -> Int { max(0, digits - 1 - Int(floor(log10(v)))) }
        let base = max(2, values.filter { $0 < 10 }.map { decimals($0, 2) }.max() ?? 2)
        func texts(_ common: Int) -> (Double?) -> String {
            { v in
                guard let v, v.isFinite else { return "NA" }
                return formatFixed(v, decimals: v >= 10 ? min(common, decimals(v, 3)) : common)
            }
        }
        var common = base
        while common < base + 4, Set(values.map(texts(common))).count < Set(values).count { common += 1 }
        let f = texts(common)
        if row.lower == nil && row.upper == nil { return f(hr) }
        return "\(f(hr)) (\(f(row.lower))\u{2013}\(f(row.upper)))"
    }

    /// The log axis of a forest plot (SVG and terminal): the intervals' range and 1, widened by 15%
    /// on each side, or the spec's limits when they are usable.
    static func axisRange(_ spec: ForestSpec) -> (lo: Double, hi: Double) {
        var lo = 1.0
        var hi = 1.0
        for row in spec.rows where !row.isHeader && !row.isReference {
            for v in [row.hr, row.lower, row.upper] {
                if let v, v.isFinite, v > 0 {
                    lo = min(lo, v)
                    hi = max(hi, v)
                }
            }
        }
        lo /= 1.15
        hi *= 1.15
        if let xMin = spec.xMin, xMin > 0, xMin.isFinite { lo = xMin }
        if let xMax = spec.xMax, xMax > lo, xMax.isFinite { hi = xMax }
        if !(hi > lo) { hi = lo * 10 }
        return (lo, hi)
    }
}

extension SVGRenderer {
    /// A forest plot of hazard ratios as an SVG document.
    public static func forest(_ spec: ForestSpec) -> String {
        let width = max(spec.width, 360)
        let height = max(spec.resolvedHeight, 120)
        let pad = FigureStyle.pad
        let font = FigureStyle.tableFont
        let rowH = ForestLayout.rowHeight

        // Columns.
        var labelWidth = TextMetrics.width(spec.labelHeader, size: font, bold: true)
        for row in spec.rows {
            let w = TextMetrics.width(row.label, size: font, bold: row.isHeader) + Double(max(0, row.indent)) * ForestLayout.indent
            labelWidth = max(labelWidth, w)
        }
        let estimates = spec.rows.map(ForestLayout.estimateText)
        var estimateWidth = TextMetrics.width(spec.estimateHeader, size: font, bold: true)
        for text in estimates { estimateWidth = max(estimateWidth, TextMetrics.width(text, size: font)) }
        var pWidth = TextMetrics.width(spec.pHeader, size: font, bold: true)
        for row in spec.rows { pWidth = max(pWidth, TextMetrics.width(row.pText ?? "", size: font)) }
        let pRight = width - pad
        let estimateLeft = pRight - pWidth - 22 - estimateWidth
        // n and events columns (right-aligned) after the labels, when the rows carry them.
        let showCounts = spec.rows.contains { $0.n != nil }
        let countText = { (v: Int?) in v.map(String.init) ?? "" }
        let nWidth = showCounts ? spec.rows.map { TextMetrics.width(countText($0.n), size: font) }.max().map { max($0, TextMetrics.width("n", size: font, bold: true)) } ?? 0 : 0
        let eWidth = showCounts ? spec.rows.map { TextMetrics.width(countText($0.events), size: font) }.max().map { max($0, TextMetrics.width("events", size: font, bold: true)) } ?? 0 : 0
        let nRight = pad + labelWidth + 16 + nWidth
        let eRight = nRight + 14 + eWidth
        let plotLeft = (showCounts ? eRight : pad + labelWidth) + 22
        let plotRight = max(plotLeft + 80, estimateLeft - 22)

        // Log axis over the intervals (and 1), or the given limits.
        let (lo, hi) = ForestLayout.axisRange(spec)
        let xScale = AxisScale(domain: (lo, hi), range: (plotLeft, plotRight), log: true)
        let ticks = coveringLogTicks(min: lo, max: hi)

        var doc = SVGDocument(width: width, height: height)
        let top = ForestLayout.top(hasTitle: spec.title != nil)
        if let title = spec.title { doc.title(title, x: pad, y: pad + FigureStyle.titleFont * 0.8) }

        // Header row.
        let headerBaseline = top + rowH * 0.5 + font * 0.35
        doc.group([SVGAttr("class", "forest-header")]) { doc in
            if !spec.labelHeader.isEmpty {
                doc.text(spec.labelHeader, x: pad, y: headerBaseline, size: font, weight: "bold")
            }
            if showCounts {
                doc.text("n", x: nRight, y: headerBaseline, size: font, anchor: "end", weight: "bold")
                doc.text("events", x: eRight, y: headerBaseline, size: font, anchor: "end", weight: "bold")
            }
            doc.text(spec.estimateHeader, x: estimateLeft, y: headerBaseline, size: font, weight: "bold")
            doc.text(spec.pHeader, x: pRight, y: headerBaseline, size: font, anchor: "end", weight: "bold")
            doc.line(x1: pad, y1: top + rowH, x2: width - pad, y2: top + rowH, stroke: Palette.axis, width: 0.8)
        }

        let rowsTop = top + rowH
        let rowsBottom = rowsTop + rowH * Double(spec.rows.count)
        doc.group([SVGAttr("class", "zebra")]) { doc in
            for i in spec.rows.indices where i % 2 == 1 {
                doc.rect(x: pad, y: rowsTop + rowH * Double(i), width: width - 2 * pad, height: rowH, fill: Palette.shade)
            }
        }
        if xScale.contains(1) {
            doc.line(x1: xScale(1), y1: rowsTop, x2: xScale(1), y2: rowsBottom, stroke: Palette.reference,
                     width: 1, dash: "4 3", extra: [SVGAttr("class", "reference-line")])
        }

        for (i, row) in spec.rows.enumerated() {
            let cy = rowsTop + rowH * (Double(i) + 0.5)
            let baseline = cy + font * 0.35
            var attrs = [SVGAttr("class", row.isHeader ? "forest-row header" : (row.isReference ? "forest-row reference" : "forest-row")),
                         SVGAttr("data-label", row.label)]
            if !row.isHeader && !row.isReference {
                attrs.append(SVGAttr("data-hr", shortestNumber(row.hr)))
                attrs.append(SVGAttr("data-lower", shortestNumber(row.lower)))
                attrs.append(SVGAttr("data-upper", shortestNumber(row.upper)))
            }
            doc.group(attrs) { doc in
                doc.text(row.label, x: pad + Double(max(0, row.indent)) * ForestLayout.indent, y: baseline, size: font,
                         weight: row.isHeader ? "bold" : nil, extra: [SVGAttr("class", "row-label")])
                if showCounts && !row.isHeader {
                    doc.text(countText(row.n), x: nRight, y: baseline, size: font, anchor: "end", extra: [SVGAttr("class", "n-text")])
                    doc.text(countText(row.events), x: eRight, y: baseline, size: font, anchor: "end", extra: [SVGAttr("class", "events-text")])
                }
                if row.isReference {
                    if xScale.contains(1) {
                        let s = ForestLayout.square - 2
                        doc.rect(x: xScale(1) - s / 2, y: cy - s / 2, width: s, height: s, fill: "#FFFFFF",
                                 extra: [SVGAttr("class", "estimate reference"), SVGAttr("stroke", Palette.ink),
                                         SVGAttr("stroke-width", "1.2")])
                    }
                    doc.text(estimates[i], x: estimateLeft, y: baseline, size: font, style: "italic", fill: Palette.muted,
                             extra: [SVGAttr("class", "estimate-text")])
                    return
                }
                if row.isHeader { return }
                drawInterval(&doc, row: row, scale: xScale, cy: cy)
                doc.text(estimates[i], x: estimateLeft, y: baseline, size: font, extra: [SVGAttr("class", "estimate-text")])
                if let p = row.pText {
                    doc.text(p, x: pRight, y: baseline, size: font, anchor: "end", extra: [SVGAttr("class", "p-text")])
                }
            }
        }

        let axisY = rowsBottom + FigureStyle.axisGap
        doc.xAxis(scale: xScale, y: axisY, ticks: ticks, labels: ticks.map(formatTickValue), title: spec.xlab)
        if let note = spec.footnote {
            doc.text(note, x: pad, y: axisY + FigureStyle.xAxisBlock + ForestLayout.rowHeight * 0.6, size: font,
                     fill: Palette.muted, extra: [SVGAttr("class", "footnote")])
        }
        return doc.render()
    }

    private static func drawInterval(_ doc: inout SVGDocument, row: ForestRow, scale: AxisScale, cy: Double) {
        let lo = scale.domainMin
        let hi = scale.domainMax
        if let l = row.lower, let u = row.upper, l.isFinite, u.isFinite, l > 0, u > 0, u >= l, u >= lo, l <= hi {
            let x0 = scale(max(l, lo))
            let x1 = scale(min(u, hi))
            doc.line(x1: x0, y1: cy, x2: x1, y2: cy, stroke: Palette.ink, width: 1.4, extra: [SVGAttr("class", "ci")])
            let a = 5.0
            if l < lo {
                var p = PathBuilder()
                p.move(x0, cy); p.lineTo(x0 + a, cy - a * 0.6); p.lineTo(x0 + a, cy + a * 0.6); p.closePath()
                doc.element("path", [SVGAttr("class", "arrow"), SVGAttr("d", p.data), SVGAttr("fill", Palette.ink)])
            }
            if u > hi {
                var p = PathBuilder()
                p.move(x1, cy); p.lineTo(x1 - a, cy - a * 0.6); p.lineTo(x1 - a, cy + a * 0.6); p.closePath()
                doc.element("path", [SVGAttr("class", "arrow"), SVGAttr("d", p.data), SVGAttr("fill", Palette.ink)])
            }
        }
        if let hr = row.hr, hr.isFinite, hr > 0, scale.contains(hr) {
            let s = ForestLayout.square
            doc.rect(x: scale(hr) - s / 2, y: cy - s / 2, width: s, height: s, fill: Palette.series[0],
                     extra: [SVGAttr("class", "estimate")])
        }
    }
}
