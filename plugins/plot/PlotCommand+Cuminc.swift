// PlotCommand+Cuminc.swift — `plot cuminc`: cumulative incidence curves under competing risks, drawn
// with the KM figure machinery (step curves, bands, risk table) on a 0-1 axis rising from 0.
//
// The curves are SurvshCore's CompetingRisksFit (SurvivalStats.AalenJohansen, as cmprsk::cuminc):
// per cause (default: one curve per group and cause; cause=K: one per group, with Gray's test as
// pvalue), or stacked (per group, F_1, F_1 + F_2, ...: the last curve is 1 - S(t), the probability of
// any failure). Bands (ci) are the pointwise limits of `cuminc` (Gray's variance, conf= transform, log
// by default), drawn at the cause's failure times, where Gray's variance changes.

import SurvivalStats
import SurvshCore

extension PlotCommand {
    static func cumincFigure(body: String, args: Arguments, session: Session) throws -> PlotFigure {
        let command = "plot"
        let rules = GroupedSurvival.Rules(name: "plot cuminc", unit: "curve", usage: "plot cuminc [Surv(TIME, STATUS)] [~ GROUP]",
                                          countingProcessNote: " (no delayed entry, as cmprsk)")
        let plan = try GroupedSurvival.plan(body, rules: rules, session: session, command: command)
        let fit = try CompetingRisksFit.make(plan, censor: args.string("censor"), session: session, command: command)
        let outcome = fit.outcome
        let conf = args.given("conf").flatMap(KaplanMeierConfType.init(rawValue:)) ?? .log
        guard [.log, .logLog, .plain].contains(conf) else {
            throw SurvshError.usage(command, "plot cuminc takes conf=log, log-log or plain", expected: "conf=log")
        }
        let level = args.double("level", default: 0.95)
        guard level > 0 && level < 1 else {
            throw SurvshError.usage(command, "level=\(NumberFormat.significant(level, digits: 15)) is not strictly between 0 and 1",
                                    expected: "level=0.95")
        }
        let cause = try args.string("cause").map { try outcome.causeIndex($0, command: command) }
        let stacked = args.has("stacked")
        if stacked && cause != nil {
            throw SurvshError.usage(command, "stacked draws every cause; cause= picks one", expected: "plot cuminc stacked, or plot cuminc cause=K")
        }
        var warnings = fit.warnings
        if stacked && args.has("ci") { warnings.append("ci: no bands on stacked curves (a sum of incidences has no band here)") }

        // Legend: the group's level with one grouping variable, the cause when there is one group.
        let variables = plan.variables
        let groupLabels = fit.grouping.labels.map { label -> String in
            guard variables.count == 1, let eq = label.firstIndex(of: "=") else { return label }
            return String(label[label.index(after: eq)...])
        }
        let oneGroup = fit.curves.count == 1
        let causes = cause.map { [$0] } ?? Array(1...outcome.causeCount)
        var series: [StepSeries] = []
        var dataLabels: [String] = []
        for (g, c) in fit.curves.enumerated() {
            if stacked {
                var total = [Double](repeating: 0, count: c.time.count)
                for k in 1...outcome.causeCount {
                    for i in total.indices { total[i] += c.incidence[k - 1][i] }
                    let name = outcome.causeLabels[0..<k].joined(separator: " + ")
                    series.append(StepSeries(label: oneGroup ? name : "\(groupLabels[g]): \(name)", times: [0] + c.time,
                                             values: [0] + total, endTime: c.lastTime))
                    dataLabels.append("\(fit.grouping.labels[g]): \(name)")
                }
                continue
            }
            for k in causes {
                let rows = c.time.indices.filter { c.nEvent[k - 1][$0] > 0 }
                let limits = rows.map { CompetingRisksCI.limits(incidence: c.incidence[k - 1][$0], variance: c.variance[k - 1][$0],
                                                                type: conf, level: level) }
                let name = outcome.causeLabels[k - 1]
                let label = oneGroup ? name : (cause != nil ? groupLabels[g] : "\(groupLabels[g]): \(name)")
                series.append(StepSeries(label: label, times: [0] + rows.map { c.time[$0] },
                                         values: [0] + rows.map { c.incidence[k - 1][$0] },
                                         lower: args.has("ci") ? [0] + limits.map(\.lower) : [],
                                         upper: args.has("ci") ? [0] + limits.map(\.upper) : [], endTime: c.lastTime))
                dataLabels.append("\(fit.grouping.labels[g]): \(name)")
            }
        }
        let legendTitle = args.string("legend.title") ?? (oneGroup ? (stacked ? "causes (stacked)" : "cause")
                                                                   : (variables.count == 1 && cause != nil ? session.displayName(variables[0].label) : nil))
        var spec = KMFigureSpec(series: series, showCI: args.has("ci") && !stacked, showCensorMarks: false,
                                title: figureTitle(args), xlab: args.string("xlab") ?? session.displayName(plan.response.spec.time),
                                ylab: args.string("ylab") ?? (cause.map { "Cumulative incidence, cause \(outcome.causeLabels[$0 - 1])" }
                                                              ?? "Cumulative incidence"),
                                xBreak: args.double("break"), xMax: args.double("xmax"),
                                width: args.double("width", default: 720), height: 480, percentAxis: args.has("percent"),
                                legendTitle: legendTitle)
        var summary = "\(plural(series.count, "curve")) (\(stacked ? "stacked" : "per cause")); \(fit.countsText)"
        var json: [(String, JSONValue)] = [
            ("outcome", .string(plan.response.label)), ("n", .int(outcome.n)), ("dropped", .int(outcome.dropped)),
            ("causes", .array(outcome.causeLabels.map { .string($0) })), ("stacked", .bool(stacked)),
            ("series", .array(dataLabels.map { .string($0) })),
        ]
        if args.has("pvalue") {
            if let k = cause, let t = fit.tests.first(where: { $0.cause == k }), let p = t.p {
                spec.pValueText = "Gray's test " + figurePValue(p)
                summary += "; Gray's test for \(outcome.causeLabels[k - 1]): chisq = \(session.fmt(t.chisq)) on \(t.df) df, p = "
                    + NumberFormat.pValue(p, digits: session.settings.digits)
                json.append(("gray", .object([("chisq", .num(t.chisq)), ("df", .int(t.df)), ("p", .num(p))])))
            } else {
                warnings.append("pvalue: Gray's test is drawn for one cause (cause=K) between 2 or more groups; no test drawn")
            }
        }
        if args.has("risktable") {
            let ticks = spec.defaultTimeTicks
            let rows = zip(groupLabels, fit.curves).map { label, c in
                RiskTableRow(label: oneGroup ? "all" : label, counts: ticks.map { c.nRisk(at: $0) })
            }
            spec.riskTable = RiskTable(ticks: ticks, rows: rows)
            json.append(("risk_table", .object([
                ("times", .array(ticks.map { .num($0) })),
                ("rows", .array(zip(fit.grouping.labels, rows).map { label, row in
                    .object([("label", .string(label)), ("n_risk", .array(row.counts.map { .int($0) }))])
                })),
            ])))
            spec.height = args.double("height") ?? (480 + 48 + 18 * Double(rows.count))
        } else {
            spec.height = args.double("height") ?? 480
        }
        json.append(("ticks", .array(spec.timeTicks.map { .num($0) })))
        return PlotFigure(content: .km(spec), summary: summary, json: json, warnings: warnings, dataLabels: dataLabels)
    }
}
