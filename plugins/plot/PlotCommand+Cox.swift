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

extension PlotCommand {
    /// `plot zph [TERM] [transform=km|rank|identity]`: R's plot(cox.zph(fit)) for one term of the last
    /// cox fit: the scaled Schoenfeld residuals (points), their natural-spline smooth (df = 4) and
    /// the band smooth -/+ 2 se (ci, on by default as R's se = TRUE).
    static func zphFigure(body: String, args: Arguments, session: Session) throws -> PlotFigure {
        let last = try session.requireLastCoxFit("plot", "for plot zph")
        let transform = CoxZphTransform(rawValue: args.string("transform") ?? "km") ?? .km
        let z: CoxZphPlotData
        do {
            z = try CoxZph.plotData(last.fit, data: last.data, transform: transform, cancel: Interrupt.cancellation)
        } catch let e as CoxError {
            throw SurvshError.data("plot", e.description, expected: "a last cox fit with an estimated coefficient")
        }
        let terms = z.panels.map(\.term)
        let name = body.isEmpty ? terms[0] : body
        guard let panel = z.panels.first(where: { $0.term == name }) else {
            throw SurvshError.usage("plot", "'\(name)' is not a term of the last model (\(last.modelText))", expected: orList(terms),
                                    suggestion: didYouMean(name, among: terms))
        }
        guard let smooth = panel.smooth else {
            throw SurvshError.data("plot", "the spline fit for \(name) is singular (R skips it too)",
                                   expected: "a term whose residuals vary over at least 4 distinct times")
        }
        let series = StepSeries(label: name, times: smooth.x, values: smooth.fit, lower: panel.lower.map { $0 },
                                upper: panel.upper.map { $0 }, censorTimes: z.x, censorValues: panel.y)
        let ys = panel.y + panel.lower + panel.upper
        let xlab: String
        switch transform {
        case .km: xlab = "\(last.timeLabel), km scale (1 - KM(t-))"
        case .rank: xlab = "\(last.timeLabel), rank scale"
        case .identity: xlab = last.timeLabel
        }
        let spec = XYFigureSpec(series: [series], style: .line, showCI: !args.has("noci"), showCensorMarks: true,
                                title: args.string("title"), xlab: args.string("xlab") ?? xlab,
                                ylab: args.string("ylab") ?? "Beta(t) for \(name)", xMin: nil, xMax: args.double("xmax"),
                                yMin: ys.min(), yMax: ys.max(), width: args.double("width", default: 720),
                                height: args.double("height") ?? 480)
        var warnings: [String] = []
        if terms.count > 1 && body.isEmpty {
            warnings.append("the model has \(terms.count) terms; this is \(name): plot zph TERM for \(terms.dropFirst().joined(separator: ", "))")
        }
        let summary = "scaled Schoenfeld residuals of \(name) (R's plot(cox.zph(fit, transform = \"\(transform.rawValue)\"))): "
            + "\(z.x.count) events, natural-spline smooth (df = 4) with a band of -/+ 2 se; a flat line supports proportional hazards"
        let json: [(String, JSONValue)] = [
            ("model", .string(last.modelText)), ("term", .string(name)), ("transform", .string(transform.rawValue)),
            ("events", .int(z.x.count)), ("variance", .num(panel.variance)),
        ]
        return PlotFigure(content: .xy(spec), summary: summary, json: json, warnings: warnings)
    }
}

extension PlotCommand {
    /// `plot residuals [~] VAR [type=martingale|deviance]`: the residuals of the last cox fit against
    /// a numeric column, with R's lowess() smooth, to check a covariate's functional form
    /// (Therneau & Grambsch 2000 §5.2: a straight smooth supports a linear term).
    static func residualsFigure(body: String, args: Arguments, session: Session) throws -> PlotFigure {
        let name = body.hasPrefix("~") ? String(body.dropFirst()).trimmingCharacters(in: .whitespaces) : body
        guard !name.isEmpty, !name.contains(" ") else {
            throw SurvshError.usage("plot", name.isEmpty ? "missing variable" : "plot residuals takes one variable",
                                    expected: "plot residuals ~ VAR (after a cox fit)")
        }
        let last = try session.requireLastCoxFit("plot", "for plot residuals")
        let type = args.string("type") ?? "martingale"
        let (values, kept, dropped) = try numericValues(name, session: session, rows: last.rows)
        guard values.count >= 2 else {
            throw SurvshError.data("plot", "'\(name)' has fewer than 2 values on the rows of the last fit",
                                   expected: "a numeric column observed on the rows the cox fit used")
        }
        try requireFiniteRange(values, name: name, session: session)
        var index: [Int: Int] = [:]
        for (i, r) in last.rows.enumerated() { index[r] = i }
        let mart = try CoxResiduals.martingale(last.data, coefficients: last.fit.beta, ties: last.fit.ties,
                                               cancel: Interrupt.cancellation)
        let all = type == "deviance" ? CoxResiduals.deviance(martingale: mart, event: last.data.event) : mart
        let resid = kept.map { all[index[$0]!] }
        let smooth = Lowess.fit(x: values, y: resid)
        let series = StepSeries(label: "lowess", times: smooth.x, values: smooth.y, censorTimes: values, censorValues: resid)
        let spec = XYFigureSpec(series: [series], style: .line, showCensorMarks: true, title: args.string("title"),
                                xlab: args.string("xlab") ?? session.displayName(name), ylab: args.string("ylab") ?? "\(type.capitalized) residual",
                                xMax: args.double("xmax"), yMin: resid.min(), yMax: resid.max(),
                                width: args.double("width", default: 720), height: args.double("height") ?? 480)
        var warnings: [String] = []
        if dropped > 0 { warnings.append("\(dropped) row\(dropped == 1 ? "" : "s") of the fit with \(name) missing left out") }
        let summary = "\(type) residuals of \(last.modelText) against \(name) (\(values.count) rows) with R's lowess() smooth; "
            + "a straight smooth supports a linear term for \(name)"
        let json: [(String, JSONValue)] = [
            ("model", .string(last.modelText)), ("variable", .string(name)), ("type", .string(type)),
            ("n", .int(values.count)), ("dropped", .int(dropped)),
        ]
        return PlotFigure(content: .xy(spec), summary: summary, json: json, warnings: warnings)
    }
}
