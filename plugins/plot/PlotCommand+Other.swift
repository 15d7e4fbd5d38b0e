// PlotCommand+Other.swift — `plot forest` (the last Cox model), `plot hist VAR`, `plot box VAR ~ GROUP`.
//
// forest reads the hazard ratios the cox command left in the session (HazardRatioRows): numeric
// terms are one row each; a factor term becomes a heading with its reference level and one row per
// other level. hist and box take one numeric column over the active rows, missing values dropped;
// their statistics (R's hist() and boxplot.stats()) are computed by the figure layer. Under
// `set labels=on` the figures name columns and terms by their variable labels (Session+Labels).

import Foundation
import SurvshCore

extension PlotCommand {
    static func forestFigure(body: String, args: Arguments, session: Session) throws -> PlotFigure {
        if !body.isEmpty {
            throw SurvshError.usage("plot", "plot forest takes no variables ('\(body)')",
                                    expected: "plot forest (after a cox command)")
        }
        guard let hr = session.lastHazardRatios, !hr.rows.isEmpty else {
            throw SurvshError.usage("plot", "no Cox model to plot", expected: "a 'cox' command first, e.g. cox ~ age + sex")
        }
        var rows: [ForestRow] = []
        var currentTerm: String?
        for r in hr.rows {
            let p = r.isReference ? nil : r.p.map(forestPValue)
            if let level = r.level {
                if currentTerm != r.term {
                    rows.append(ForestRow(label: readableTerm(r.term), isHeader: true))
                    currentTerm = r.term
                }
                rows.append(ForestRow(label: level, hr: r.hr, lower: r.lower, upper: r.upper, pText: p,
                                      isReference: r.isReference, indent: 1, n: r.n, events: r.events))
            } else {
                currentTerm = nil
                rows.append(ForestRow(label: r.term, hr: r.hr, lower: r.lower, upper: r.upper, pText: p,
                                      isReference: r.isReference, n: r.n, events: r.events))
            }
        }
        let levelText = NumberFormat.significant(hr.level * 100, digits: 6)
        // The figure names terms and factor headings by their variable labels under `set labels=on`; the JSON keeps the names.
        let shown = rows.map { r in
            var r = r
            if r.indent == 0 { r.label = session.displayTerm(r.label) }
            return r
        }
        let spec = ForestSpec(rows: shown, title: figureTitle(args, fallback: hr.title),
                              xlab: args.string("xlab") ?? "Hazard ratio (log scale)",
                              estimateHeader: "HR (\(levelText)% CI)", xMin: nil, xMax: args.double("xmax"),
                              width: args.double("width", default: 720), height: args.double("height"), footnote: hr.footnote)
        let terms = hr.rows.filter { !$0.isReference }.count
        let json: [(String, JSONValue)] = [
            ("model", .string(hr.title)),
            ("rows", .array(rows.map { r in
                .object([("label", .string(r.label)), ("kind", .string(r.isHeader ? "header" : (r.isReference ? "reference" : "term"))),
                         ("hr", .num(r.isReference ? 1 : r.hr)), ("lower", .num(r.lower)), ("upper", .num(r.upper))])
            })),
        ]
        return PlotFigure(content: .forest(spec), summary: "\(terms) hazard ratio\(terms == 1 ? "" : "s") with \(levelText)% CI from \(hr.title)",
                          json: json, warnings: [])
    }

    /// A factor's heading as a reader says it: `factor(grade)` and `factor(grade, ref="3")` are
    /// `grade`, `relevel(size, "<=20")` is `size`; other terms stay as R names them.
    static func readableTerm(_ term: String) -> String {
        for f in ["factor(", "relevel(", "as.factor("] where term.hasPrefix(f) && term.hasSuffix(")") {
            let inner = term.dropFirst(f.count).dropLast()
            return String(inner.prefix { $0 != "," }).trimmingCharacters(in: .whitespaces)
        }
        return term
    }

    /// p as forest plots print it: three decimals, "<0.001" below.
    static func forestPValue(_ p: Double) -> String {
        guard p.isFinite else { return "NA" }
        if p < 0.001 { return "<0.001" }
        return formatFixed(p, decimals: 3)
    }

    /// Values of a numeric column over the active rows (missing dropped), with the count dropped.
    static func numericValues(_ name: String, session: Session, rows: [Int]) throws -> (values: [Double], rows: [Int], dropped: Int) {
        let column = try session.column(name, for: "plot")
        if column.type == .text || column.type == .date {
            throw SurvshError.data("plot", "column '\(name)' is \(column.type.rawValue)", expected: "a numeric column")
        }
        try column.requireFinite(rows: rows, command: "plot")
        var values: [Double] = []
        var kept: [Int] = []
        for r in rows {
            if let v = column.number(at: r), v.isFinite {
                values.append(v)
                kept.append(r)
            }
        }
        return (values, kept, rows.count - values.count)
    }

    /// The axis of hist and box spans the values: their range must be a finite number.
    static func requireFiniteRange(_ values: [Double], name: String, session: Session) throws {
        guard let lo = values.min(), let hi = values.max(), !(hi - lo).isFinite else { return }
        throw SurvshError.data("plot", "the values of '\(name)' run from \(session.fmt(lo)) to \(session.fmt(hi)): "
                                   + "their range is too large for a double",
                               expected: "values whose range is below 1.8e308, e.g. rescaled with generate")
    }

    static func histogramFigure(body: String, args: Arguments, session: Session) throws -> PlotFigure {
        let words = body.split(separator: " ").map(String.init)
        guard words.count == 1 else {
            throw SurvshError.usage("plot", words.isEmpty ? "missing variable" : "plot hist takes one variable",
                                    expected: "plot hist VAR")
        }
        let name = words[0]
        try session.requireData("plot")
        let (values, _, dropped) = try numericValues(name, session: session, rows: session.activeRows)
        if values.isEmpty {
            throw SurvshError.data("plot", "column '\(name)' has no non-missing values in the active rows",
                                   expected: "a column with finite values in the active rows")
        }
        try requireFiniteRange(values, name: name, session: session)
        var breaks: [Double]?
        if let bins = args.double("bins"), let lo = values.min(), let hi = values.max() {
            breaks = prettyBreaks(min: lo, max: hi, n: Int(bins.rounded()), minN: 1)
        }
        let spec = HistogramSpec(values: values, breaks: breaks, title: figureTitle(args), xlab: args.string("xlab") ?? session.displayName(name),
                                 ylab: args.string("ylab") ?? "Frequency", width: args.double("width", default: 720),
                                 height: args.double("height") ?? 480)
        let bins = HistogramBins(values: values, breaks: breaks)
        var warnings: [String] = []
        if dropped > 0 { warnings.append("\(dropped) missing value\(dropped == 1 ? "" : "s") dropped") }
        let json: [(String, JSONValue)] = [
            ("variable", .string(name)), ("n", .int(values.count)), ("dropped", .int(dropped)),
            ("breaks", .array(bins.breaks.map { .num($0) })), ("counts", .array(bins.counts.map { .int($0) })),
        ]
        let width = bins.breaks.count > 1 ? bins.breaks[1] - bins.breaks[0] : 0
        let rule = breaks == nil ? "Sturges' rule" : "bins=\(args.string("bins") ?? "")"
        let summary = "\(name): \(values.count) values in \(bins.counts.count) bins of width \(session.fmt(width)) (R's hist: \(rule), pretty() breaks)"
        return PlotFigure(content: .histogram(spec), summary: summary, json: json, warnings: warnings)
    }

    static func boxFigure(body: String, args: Arguments, session: Session) throws -> PlotFigure {
        let parts = body.split(separator: "~", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count <= 2, let variable = parts.first, !variable.isEmpty, !variable.contains(" ") else {
            throw SurvshError.usage("plot", "expected one variable and at most one group", expected: "plot box VAR [~ GROUP]")
        }
        try session.requireData("plot")
        var groupName: String?
        if parts.count == 2 {
            var g = parts[1]
            if g.hasPrefix("factor("), g.hasSuffix(")") {
                g = String(g.dropFirst(7).dropLast()).trimmingCharacters(in: .whitespaces)
            }
            guard !g.isEmpty, !g.contains(" "), !g.contains("+") else {
                throw SurvshError.usage("plot", "plot box takes one grouping variable, not '\(parts[1])'", expected: "plot box VAR ~ GROUP")
            }
            groupName = g
        }
        var rows = session.activeRows
        var dropped = 0
        if let groupName {
            let groupColumn = try session.column(groupName, for: "plot")
            let before = rows.count
            rows = rows.filter { !groupColumn.missing[$0] }
            dropped += before - rows.count
        }
        let (values, kept, missing) = try numericValues(variable, session: session, rows: rows)
        dropped += missing
        if values.isEmpty {
            throw SurvshError.data("plot", "column '\(variable)' has no non-missing values in the active rows"
                                       + (groupName.map { " with '\($0)' present" } ?? ""),
                                   expected: "a column with finite values in the active rows")
        }
        try requireFiniteRange(values, name: variable, session: session)
        var groups: [BoxGroup] = []
        var warnings: [String] = []
        if let groupName {
            let levels = try session.levels(try session.column(groupName, for: "plot"), rows: kept)
            if levels.labels.count > 30 {
                throw SurvshError.data("plot", "'\(groupName)' has \(levels.labels.count) distinct values",
                                       expected: "a grouping variable with at most 30 levels")
            }
            var byLevel = [[Double]](repeating: [], count: levels.labels.count)
            for (k, code) in levels.codes.enumerated() { byLevel[Int(code)].append(values[k]) }
            groups = zip(levels.labels, byLevel).map { BoxGroup(label: $0, values: $1) }
            for g in groups where g.values.count == 1 {
                warnings.append("group \(groupName)=\(g.label) has only one value: its box is a line")
            }
        } else {
            groups = [BoxGroup(label: variable, values: values)]
        }
        if dropped > 0 { warnings.append("\(dropped) row\(dropped == 1 ? "" : "s") with a missing value dropped") }
        let spec = BoxPlotSpec(groups: groups, title: figureTitle(args), xlab: args.string("xlab") ?? session.displayName(groupName ?? ""),
                               ylab: args.string("ylab") ?? session.displayName(variable), width: args.double("width", default: 720),
                               height: args.double("height") ?? 480)
        let json: [(String, JSONValue)] = [
            ("variable", .string(variable)), ("group", groupName.map { .string($0) } ?? .null),
            ("n", .int(values.count)), ("dropped", .int(dropped)),
            ("groups", .array(groups.map { g in
                let s = BoxStats(values: g.values)
                return .object([("label", .string(g.label)), ("n", .int(s.n)), ("stats", .array(s.stats.map { .num($0) })),
                                ("outliers", .array(s.outliers.map { .num($0) }))])
            })),
        ]
        let summary = "\(variable)" + (groupName.map { " by \($0): \(groups.count) groups" } ?? "") + ", \(values.count) values (R's boxplot.stats: whiskers to 1.5 IQR)"
        return PlotFigure(content: .box(spec), summary: summary, json: json, warnings: warnings)
    }
}
