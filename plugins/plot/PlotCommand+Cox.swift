// PlotCommand+Cox.swift — figures of the last Cox model's follow-ups: `plot cox curves` (or
// `plot curves`) draws the adjusted survival curves of the last `cox curves` (R's
// plot(survfit(fit, newdata))) with the Kaplan–Meier figure machinery: steps, censor marks, ci
// bands (the conf= of cox curves), risktable (numbers at risk of each curve's stratum).

import Foundation
import SurvivalStats
import SurvshCore

extension PlotCommand {
    static func coxCurvesFigure(body: String, args: Arguments, session: Session) throws -> PlotFigure {
        if !body.isEmpty && body != "curves" {
            throw SurvshError.usage("plot", "unknown Cox figure '\(body)'", expected: "plot cox curves")
        }
        guard let set = session.lastCoxCurves, !set.curves.isEmpty else {
            throw SurvshError.usage("plot", "no adjusted curves to plot",
                                    expected: "cox ~ TERMS, then cox curves at VAR=V1,V2 ... (e.g. cox curves at sex=1,2)")
        }
        let series = zip(set.labels, set.curves).map { kmSeries($1, label: $0) }
        var spec = KMFigureSpec(
            series: series, showCI: args.has("ci"), showCensorMarks: true, title: args.string("title"),
            xlab: args.string("xlab") ?? set.timeLabel, ylab: args.string("ylab") ?? "Adjusted survival probability",
            xBreak: args.double("break"), xMax: args.double("xmax"), width: args.double("width", default: 720),
            height: 480, percentAxis: args.has("percent"), legendTitle: args.string("legend.title"))
        var json: [(String, JSONValue)] = [
            ("model", .string(set.modelText)),
            ("series", .array(zip(set.labels, set.curves).map { label, c in
                .object([("label", .string(label)), ("n", .int(c.n)), ("events", .int(c.events))])
            })),
        ]
        let ticks = spec.defaultTimeTicks
        if args.has("risktable") {
            spec.riskTable = RiskTable(ticks: ticks, rows: zip(set.labels, set.curves).map { label, c in
                RiskTableRow(label: label, counts: c.survival(at: ticks).map(\.nRisk))
            })
        }
        let riskRows = spec.riskTable?.rows.count ?? 0
        spec.height = args.double("height") ?? (480 + (riskRows > 0 ? 48 + 18 * Double(riskRows) : 0))
        json.append(("ticks", .array(spec.timeTicks.map { .num($0) })))
        let word = set.curves.count == 1 ? "1 adjusted curve" : "\(set.curves.count) adjusted curves"
        let summary = "\(word) (R's survfit.coxph) of \(set.modelText): " + set.labels.joined(separator: "; ")
        return PlotFigure(content: .km(spec), summary: summary, json: json, warnings: [], dataLabels: set.labels)
    }
}
