// PlotCommand+Curves.swift — `plot km`, `plot loglog`, `plot cumhaz`: survival curves by group.
//
// Curves come from SurvivalStats.KaplanMeier (R's survfit: timefix, conf.type, level), the p-value
// from SurvivalStats.LogRank (survdiff, rho = 0), numbers at risk from the curves at the axis ticks
// (summary(fit, times = ticks)$n.risk), the cumulative hazard from SurvivalStats.NelsonAalen over the
// same curves (survfit's cumhaz/std.chaz, plain limits as plot.survfit(cumhaz = TRUE)), drawn at the
// event times. The one transform done here: log(−log S) at event times with 0 < S < 1
// (plot(fit, fun = "cloglog")).

import Foundation
import SurvivalStats
import SurvshCore

extension PlotCommand {
    static func curvesFigure(kind: String, body: String, args: Arguments, session: Session) throws -> PlotFigure {
        let command = "plot"
        let rules = GroupedSurvival.Rules(name: "plot \(kind)", unit: "curve",
                                          usage: "plot \(kind) [Surv(TIME, EVENT)] [~ GROUP] (one curve per group)",
                                          allowsCountingProcess: true)
        if kind != "km", args.string("overlay") != nil {
            throw SurvshError.usage(command, "overlay= draws fitted survreg curves on plot km only", expected: "plot km ~ GROUP overlay=weibull")
        }
        let plan = try GroupedSurvival.plan(body, rules: rules, session: session, command: command)
        let response = plan.response
        // conf= as given, else the convention's transform (R: log; SAS, Stata: log-log), as km.
        let conf = args.given("conf").flatMap(KaplanMeierConfType.init(rawValue:)) ?? session.settings.convention.kmConfType
        let level = args.double("level", default: 0.95)
        guard level > 0 && level < 1 else {
            throw SurvshError.usage(command, "level=\(NumberFormat.significant(level, digits: 15)) is not strictly between 0 and 1",
                                    expected: "level=0.95")
        }
        if let b = args.double("break"), !(b > 0) {
            throw SurvshError.usage(command, "break=\(NumberFormat.significant(b, digits: 15)) must be positive", expected: "break=12")
        }
        if let x = args.double("xmax"), !(x > 0) {
            throw SurvshError.usage(command, "xmax=\(NumberFormat.significant(x, digits: 15)) must be positive", expected: "xmax=365")
        }

        let grouped = try plan.load(session: session, command: command)
        var data = grouped.data
        // xscale=: times in the data's unit (set timeunit=, days by default) shown in another unit.
        let axisUnit = args.string("xscale").flatMap(TimeUnit.init(rawValue:))
        if let axisUnit {
            let k = session.settings.timeUnit.divisor(to: axisUnit)
            data.time = data.time.map { $0 / k }
            data.start = data.start?.map { $0 / k }
        }
        let xBreak = args.double("break") ?? axisUnit.flatMap { Self.unitBreak($0, maxTime: data.time.max() ?? 0) }
        let xlab = args.string("xlab") ?? session.displayName(response.spec.time) + (axisUnit.map { " (\($0.rawValue))" } ?? "")
        let variables = grouped.variables
        let grouping = grouped.grouping
        try Interrupt.check(command)
        let curves: [KaplanMeierCurve]
        do {
            curves = try KaplanMeier.fit(start: data.start, time: data.time, event: data.event, group: grouping.codes,
                                         groupCount: grouping.count, options: KaplanMeierOptions(confType: conf, level: level),
                                         cancel: Interrupt.cancellation)
        } catch let e as SurvivalInputError {
            throw SurvshError.data(command, e.description, expected: "finite times")
        }
        var warnings = data.warnings
        if grouping.count > 12 {
            warnings.append("\(grouping.count) curves: a continuous grouping variable gives one curve per distinct value")
        }
        for (label, curve) in zip(grouping.labels, curves) where curve.n == 1 {
            warnings.append("group \(label) has only one row: its curve is a single step")
        }
        if data.dropped > 0 {
            warnings.append("\(data.dropped) row\(data.dropped == 1 ? "" : "s") with a missing value dropped")
        }

        // Legend: with one grouping variable, entries are its levels under the variable's name.
        let stripPrefix = variables.count == 1
        let legendTitle = args.string("legend.title") ?? (stripPrefix ? session.displayName(variables[0].label) : nil)
        let labels = grouping.labels.map { label -> String in
            guard stripPrefix, let eq = label.firstIndex(of: "=") else { return label }
            return String(label[label.index(after: eq)...])
        }
        let showCI = args.has("ci")

        var json: [(String, JSONValue)] = [
            ("outcome", .string(response.label)),
            ("n", .int(data.n)), ("events", .int(data.events)), ("dropped", .int(data.dropped)),
            ("series", .array(zip(grouping.labels, curves).map { label, c in
                var o = JSONObject()
                o["label"] = .string(label)
                o["n"] = .int(c.n)
                o["events"] = .int(c.events)
                return o.value
            })),
        ]
        // "2 curves: sex=1 (n=138, 112 events), ..."; past 4 curves only their number.
        let curvesText = plural(grouping.count, "curve") + (grouping.count > 4 ? "" : ": "
            + zip(grouping.labels, curves).map { "\($0) (n=\($1.n), \(plural($1.events, "event")))" }.joined(separator: ", "))

        switch kind {
        case "km":
            var spec = KMFigureSpec(
                series: zip(labels, curves).map { kmSeries($1, label: $0) }, showCI: showCI, showCensorMarks: true,
                title: figureTitle(args), xlab: xlab,
                ylab: args.string("ylab") ?? "Survival probability", xBreak: xBreak, xMax: args.double("xmax"),
                width: args.double("width", default: 720), height: 480, percentAxis: args.has("percent"),
                legendTitle: legendTitle)
            var summary = curvesText
            if showCI { summary += "; \(NumberFormat.significant(level * 100, digits: 6))% CI, \(conf.rawValue) transform" }
            json.append(("conf", .string(conf.rawValue)))
            json.append(("level", .num(level)))
            if args.has("pvalue") {
                if grouping.count < 2 {
                    warnings.append("pvalue needs at least two groups (~ GROUP); no test drawn")
                } else if data.start != nil {
                    warnings.append("pvalue: the log-rank test takes right-censored data only (R's survdiff); with delayed entry"
                                    + " use the score test of cox Surv(START, STOP, EVENT) ~ GROUP; no test drawn")
                } else {
                    let test: LogRankResult
                    do {
                        test = try LogRank.test(time: data.time, event: data.event, group: grouping.codes,
                                                groupCount: grouping.count, cancel: Interrupt.cancellation)
                    } catch let e as SurvivalInputError {
                        throw SurvshError.data(command, e.description)
                    }
                    spec.pValueText = "Log-rank " + figurePValue(test.p)
                    summary += "; log-rank chisq = \(session.fmt(test.chisq)) on \(test.df) df, p = \(NumberFormat.pValue(test.p, digits: session.settings.digits))"
                    var o = JSONObject()
                    o["chisq"] = .num(test.chisq)
                    o["df"] = .int(test.df)
                    o["p"] = .num(test.p)
                    json.append(("logrank", o.value))
                    warnings += test.warnings
                }
            }
            if let name = args.string("overlay"), let dist = SurvregDistribution(rawValue: name) {
                let model = "\(response.label) ~ \(variables.isEmpty ? "1" : variables.map(\.label).joined(separator: " + "))"
                let overlay = try survregOverlay(dist, data: data, grouping: grouping, labels: labels,
                                                 axisMax: spec.timeAxisMax, modelText: model)
                spec.fitted = overlay.curves
                spec.fittedNote = "dashed: \(dist.displayName) fit"
                summary += "; " + overlay.summary
                json.append(("overlay", overlay.json))
            }
            let ticks = spec.defaultTimeTicks
            if args.has("risktable") {
                let rows = zip(labels, curves).map { label, c in
                    RiskTableRow(label: label, counts: c.survival(at: ticks).map(\.nRisk))
                }
                spec.riskTable = RiskTable(ticks: ticks, rows: rows)
                json.append(("risk_table", .object([
                    ("times", .array(ticks.map { .num($0) })),
                    ("rows", .array(zip(grouping.labels, rows).map { label, row in
                        .object([("label", .string(label)), ("n_risk", .array(row.counts.map { .int($0) }))])
                    })),
                ])))
            }
            let riskRows = spec.riskTable?.rows.count ?? 0
            spec.height = args.double("height") ?? (480 + (riskRows > 0 ? 48 + 18 * Double(riskRows) : 0))
            json.append(("ticks", .array(spec.timeTicks.map { .num($0) })))
            return PlotFigure(content: .km(spec), summary: summary, json: json, warnings: warnings,
                              dataLabels: grouping.labels)

        case "loglog":
            let series = zip(labels, curves).map { label, c -> StepSeries in
                var times: [Double] = []
                var values: [Double] = []
                for i in 0..<c.count where c.nEvent[i] > 0 && c.surv[i] > 0 && c.surv[i] < 1 && c.time[i] > 0 {
                    times.append(c.time[i])
                    values.append(log(-log(c.surv[i])))
                }
                return StepSeries(label: label, times: times, values: values, endTime: c.lastTime)
            }
            if series.allSatisfy({ $0.times.isEmpty }) {
                throw SurvshError.data(command, "no event time with 0 < S(t) < 1 and t > 0 to draw",
                                       expected: "groups with events")
            }
            let spec = XYFigureSpec(series: series, style: .step, logX: true, title: figureTitle(args),
                                    xlab: args.string("xlab") ?? "\(session.displayName(response.spec.time))\(axisUnit.map { " (\($0.rawValue))" } ?? "") (log scale)",
                                    ylab: args.string("ylab") ?? "log(\u{2212}log S(t))", xMin: nil,
                                    xMax: args.double("xmax"), width: args.double("width", default: 720),
                                    height: args.double("height") ?? 480, legendTitle: legendTitle)
            let summary = curvesText
                + "; log(-log S(t)) against log t (parallel curves: proportional hazards)"
            return PlotFigure(content: .xy(spec), summary: summary, json: json, warnings: warnings,
                              dataLabels: grouping.labels)

        default: // cumhaz
            let series = zip(labels, curves).map { label, c -> StepSeries in
                let na = NelsonAalen.estimate(c)
                var times = [min(0, c.startTime)]
                var values = [0.0]
                var lower: [Double?] = [0]
                var upper: [Double?] = [0]
                for i in 0..<na.count where na.nEvent[i] > 0 {
                    times.append(na.time[i])
                    values.append(na.cumhaz[i])
                    lower.append(na.lower[i])
                    upper.append(na.upper[i])
                }
                return StepSeries(label: label, times: times, values: values, lower: showCI ? lower : [],
                                  upper: showCI ? upper : [], endTime: c.lastTime)
            }
            let spec = XYFigureSpec(series: series, style: .step, showCI: showCI, title: figureTitle(args),
                                    xlab: xlab,
                                    ylab: args.string("ylab") ?? "Cumulative hazard", xMin: 0,
                                    xMax: args.double("xmax"), xBreak: xBreak,
                                    width: args.double("width", default: 720), height: args.double("height") ?? 480,
                                    legendTitle: legendTitle)
            var summary = curvesText + "; Nelson-Aalen cumulative hazard"
            if showCI { summary += ", \(NumberFormat.significant(level * 100, digits: 6))% CI (plain)" }
            return PlotFigure(content: .xy(spec), summary: summary, json: json, warnings: warnings,
                              dataLabels: grouping.labels)
        }
    }

    /// A KM curve as figure input: (start, 1), one point per event time, censor marks at censored
    /// times (at the curve's height there), the curve running to the last follow-up time.
    static func kmSeries(_ c: KaplanMeierCurve, label: String) -> StepSeries {
        var times = [min(0, c.startTime)]
        var values = [1.0]
        var lower: [Double?] = [1]
        var upper: [Double?] = [1]
        var censorTimes: [Double] = []
        var censorValues: [Double] = []
        for i in 0..<c.count {
            if c.nEvent[i] > 0 {
                times.append(c.time[i])
                values.append(c.surv[i])
                lower.append(c.lowerRaw[i].isFinite ? c.lowerRaw[i] : nil)
                upper.append(c.upperRaw[i].isFinite ? c.upperRaw[i] : nil)
            }
            if c.nCensor[i] > 0 {
                censorTimes.append(c.time[i])
                censorValues.append(c.surv[i])
            }
        }
        return StepSeries(label: label, times: times, values: values, lower: lower, upper: upper,
                          censorTimes: censorTimes, censorValues: censorValues, endTime: c.lastTime)
    }

    /// "p = 0.0013" (two significant digits) or "p < 0.0001", as figures usually print it.
    /// Ticks at whole units on a converted axis (whole years; months by 6 or 12), unless that
    /// would crowd the axis (more than 15 ticks), where the default ticks are used.
    static func unitBreak(_ unit: TimeUnit, maxTime: Double) -> Double? {
        let step: Double
        switch unit {
        case .months: step = maxTime <= 72 ? 6 : 12
        case .weeks: step = maxTime <= 52 ? 4 : 13
        default: step = 1
        }
        return maxTime / step <= 15 ? step : nil
    }

    /// The figure title: `title=TEXT`, none for `title=""`, else `fallback`.
    static func figureTitle(_ args: Arguments, fallback: String? = nil) -> String? {
        guard let t = args.string("title") else { return fallback }
        return t.isEmpty ? nil : t
    }

    static func figurePValue(_ p: Double) -> String {
        guard p.isFinite else { return "p = NA" }
        if p < 0.0001 { return "p < 0.0001" }
        return "p = " + NumberFormat.significant(p, digits: 2)
    }
}
