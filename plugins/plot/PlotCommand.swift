// PlotCommand.swift — `plot KIND ...`: figures as SVG, PNG or PDF files, or drawn in the terminal.
//
// Kinds: km (Kaplan–Meier curves with CI bands, censor marks, number-at-risk table, log-rank p),
// loglog (log(−log S) against log t, the proportional-hazards check), cumhaz (Nelson–Aalen
// cumulative hazard), forest (the last Cox model's hazard ratios), cox curves (the adjusted curves of
// the last `cox curves`), zph (plot.cox.zph), residuals (martingale residuals against a covariate),
// hist (histogram), box (box plots).
// The numbers come from SurvivalStats (KaplanMeier, LogRank) and the session's last Cox model; the
// drawing is the pure figure layer in Figure/ (SVGRenderer, TerminalPlot, FigureExport, FigureData).
// This file parses the command, dispatches on the kind, writes files and reports what it did.

import Foundation
import SurvivalStats
import SurvshCore

public enum PlotCommand: SurvshCommand {
    static let kinds = ["km", "loglog", "cumhaz", "cuminc", "forest", "hist", "box", "cox", "curves", "zph", "residuals"]

    public static let spec = CommandSpec(
        name: "plot", aliases: ["graph"],
        summary: "figures: Kaplan-Meier curves with a risk table, log(-log S), cumulative hazard, forest, adjusted Cox curves, PH (zph) and residual plots, histogram, box plot",
        synopsis: [
            "plot km [Surv(TIME, EVENT)] [~ GROUP [+ GROUP ...]] [file=PATH.svg|.png|.pdf] [ci] [risktable] [pvalue] [overlay=weibull|...]",
            "plot loglog [Surv(TIME, EVENT)] [~ GROUP] [file=PATH]",
            "plot cumhaz [Surv(TIME, EVENT)] [~ GROUP] [file=PATH] [ci]",
            "plot cuminc [Surv(TIME, STATUS)] [~ GROUP] [cause=K | stacked] [censor=C] [ci] [risktable] [pvalue] [file=PATH]",
            "plot forest [file=PATH]",
            "plot cox curves [file=PATH] [ci] [risktable]",
            "plot zph [TERM] [transform=km|rank|identity] [noci] [file=PATH]",
            "plot residuals ~ VAR [type=martingale|deviance] [file=PATH]",
            "plot hist VAR [bins=N] [file=PATH]",
            "plot box VAR [~ GROUP] [file=PATH]",
            "plot ... [title=TEXT] [xlab=TEXT] [ylab=TEXT] [legend.title=TEXT] [break=B] [xmax=X] [width=W] [height=H] [percent] [data=PATH.csv]",
        ],
        body: .formula,
        options: [
            OptionSpec("file", .path, help: "write the figure to PATH: .svg (written by survsh), .png or .pdf (via rsvg-convert); without it the figure is drawn in the terminal"),
            OptionSpec("data", .path, help: "write the numbers behind the figure to PATH as CSV"),
            .flag("ci", help: "pointwise confidence bands (km: the conf= transform; cumhaz: plain, as R's plot.survfit)"),
            .flag("risktable", help: "number at risk under the time axis, one column per tick"),
            .flag("pvalue", help: "log-rank test p-value on the figure (R's survdiff)"),
            OptionSpec("overlay", .choice(SurvregDistribution.allCases.map(\.rawValue)),
                       help: "km: the fitted survreg curve of each group (R's survreg(Surv ~ group, dist = )) drawn dashed over its KM curve"),
            .flag("percent", help: "survival axis in percent (0%-100%) instead of 0-1"),
            .flag("color", help: "colour the terminal drawing (ANSI); files are always in colour"),
            OptionSpec("title", .text, help: "figure title"),
            OptionSpec("xlab", .text, help: "x-axis title (default: the time column, or the variable)"),
            OptionSpec("ylab", .text, help: "y-axis title"),
            OptionSpec("legend.title", .text, help: "heading of the legend (default: the grouping variable)"),
            OptionSpec("break", .number(nil), help: "tick interval on the time axis, e.g. break=12 for months"),
            OptionSpec("xmax", .number(nil), help: "end of the time axis; curves are clipped there"),
            OptionSpec("width", .number(200...20000), default: "720", help: "figure width in px (PNG pixels; PDF: 0.75 pt per px)"),
            OptionSpec("height", .number(150...20000), help: "figure height in px (default 480, plus room for a risk table)"),
            OptionSpec("scale", .number(0.25...10), default: "1", help: "PNG zoom: scale=2 gives twice the pixels of width x height"),
            OptionSpec("xscale", .choice(TimeUnit.allCases.map(\.rawValue)),
                       help: "km, loglog, cumhaz: time axis in this unit, converted from the data's (set timeunit=, days by default), as survminer's xscale"),
            OptionSpec("fontsize", .number(6...72), help: "text size in px (default 12); everything is laid out for it, so width=1600 fontsize=24 reads as width=800"),
            OptionSpec("theme", .choice(["paper", "slide"]), default: "paper", help: "slide: text and lines 1.5 times larger (fontsize=18), for projectors"),
            OptionSpec("conf", .choice(KaplanMeierConfType.allCases.map(\.rawValue)), default: "log",
                       help: "CI transform for km bands, as R's conf.type (log-log under set convention=sas|stata)"),
            OptionSpec("level", .number(0...1), default: "0.95", help: "confidence level"),
            OptionSpec("transform", .choice(["km", "rank", "identity"]), default: "km",
                       help: "zph: time scale (R's cox.zph transform=)"),
            OptionSpec("cause", .text, help: "cuminc: draw this cause only (one curve per group; pvalue = Gray's test)"),
            .flag("stacked", help: "cuminc: per group, F_1, F_1 + F_2, ... stacked (the last is 1 - S(t))"),
            OptionSpec("censor", .text, help: "cuminc: the STATUS value of censored rows (0 unless given; a text STATUS: its first level)"),
            .flag("noci", help: "zph: no confidence band"),
            OptionSpec("type", .choice(["martingale", "deviance"]), default: "martingale",
                       help: "residuals: which residuals (R's residuals.coxph type=)"),
            OptionSpec("bins", .number(1...1000), help: "hist: about this many bins (R's hist(breaks = N): pretty() break points)"),
        ],
        notes: [
            "km: step curves per group in the Okabe-Ito colour-blind-safe palette, + marks at censored times, as R's plot.survfit(mark.time = TRUE).",
            "km, loglog, cumhaz with Surv(START, STOP, EVENT): delayed-entry curves as survfit (see help km); no log-rank pvalue (survdiff refuses such data).",
            "km ci: bands from survfit's pointwise limits with conf= (log, R's default); undefined limits (S = 0) end the band.",
            "risktable: numbers at risk at the axis ticks, as summary(fit, times = ticks)$n.risk; columns sit exactly under the ticks.",
            "pvalue: log-rank test (survdiff, rho = 0) over the same groups.",
            "km overlay=weibull (exponential, lognormal, loglogistic, ...): the parametric model Surv ~ GROUP fitted as R's survreg (the groups as a factor), its S(t | group) drawn dashed in each group's colour over the KM curves; the JSON has its coefficients, scale and the curves at 201 times.",
            "loglog: log(-log S(t)) against t on a log axis, as plot(fit, fun = \"cloglog\"); parallel curves support proportional hazards.",
            "cumhaz: Nelson-Aalen H(t) = sum d/n (survfit's cumhaz); ci: H +/- z se with se^2 = sum d/n^2, as plot.survfit(cumhaz = TRUE) (conf.type plain).",
            "cuminc: cumulative incidence of each cause (Aalen-Johansen, as cmprsk::cuminc and help cuminc) rising from 0; ci: cuminc's limits (Gray's variance, conf=, log by default) at the cause's failure times; risktable: at risk per group; stacked: F_1, F_1 + F_2, ... per group.",
            "cox curves (or curves): the adjusted survival curves of the last 'cox curves' (R's plot(survfit(fit, newdata))), drawn as km curves.",
            "zph: R's plot(cox.zph(fit)) for one term of the last cox fit: scaled Schoenfeld residuals against g(t) (transform=, km by default), their natural-spline smooth (df = 4, at 40 points) and the band smooth -/+ 2 se as plot.cox.zph; noci drops the band.",
            "residuals: martingale (or deviance) residuals of the last cox fit against a numeric column with R's lowess() smooth (f = 2/3, iter = 3), to check the covariate's functional form.",
            "forest: hazard ratios and CIs of the last cox command on a log axis; factor levels grouped under their term, the reference level shown.",
            "hist: R's hist() defaults: Sturges' number of classes, pretty() break points, right-closed bins. box: R's boxplot.stats (whiskers to 1.5 IQR).",
            "Files: SVG is written by survsh (deterministic: the same data give the same bytes); PNG and PDF are converted by rsvg-convert (apt-get install librsvg2-bin).",
            "Without file= the figure is drawn in the interactive terminal with braille characters (ASCII when the terminal is not UTF-8); under --format json nothing is drawn. The drawing is not recorded in the transcript; elsewhere a note on stderr says it was not drawn.",
        ],
        examples: [
            "plot km ~ sex ci risktable pvalue",
            "plot km ~ sex overlay=weibull",
            "plot km ~ sex ci risktable pvalue percent break=182.5 title=\"Lung cancer survival by sex\" file=/tmp/survsh_km_sex.svg",
            "plot loglog ~ sex",
            "plot cumhaz ~ sex ci",
            "plot hist age",
            "plot box wt.loss ~ ph.ecog",
            "plot hist age bins=20 data=/tmp/survsh_hist_age.csv",
            "cox ~ age + sex",
            "cox curves at sex=1,2",
            "plot cox curves ci",
            "plot zph sex",
            "plot residuals ~ age",
            "load data/mgus2.csv",
            "plot cuminc Surv(etime, event) ~ sex cause=1 ci risktable pvalue",
            "plot cuminc Surv(etime, etype) stacked",
        ],
        subcommands: kinds,
        topic: "figures")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        guard let kind = args.positional.first else {
            throw SurvshError.usage("plot", "missing plot kind", expected: orList(kinds))
        }
        guard kinds.contains(kind) else {
            throw SurvshError.usage("plot", "unknown plot kind '\(kind)'", expected: orList(kinds),
                                    suggestion: didYouMean(kind, among: kinds))
        }
        let rest = args.positional.dropFirst().joined(separator: " ")
        var target = try OutputTarget(args: args)
        // Larger text: lay the figure out at width/k x height/k and display it k times larger.
        target.textScale = (args.double("fontsize") ?? (args.string("theme") == "slide" ? 18 : 12)) / 12
        var args = args
        for name in ["width", "height"] {
            if let v = args.double(name), target.textScale != 1 { args.options[name] = String(v / target.textScale) }
        }
        let figure: PlotFigure
        switch kind {
        case "km", "loglog", "cumhaz":
            figure = try curvesFigure(kind: kind, body: rest, args: args, session: session)
        case "cuminc":
            figure = try cumincFigure(body: rest, args: args, session: session)
        case "forest":
            figure = try forestFigure(body: rest, args: args, session: session)
        case "zph":
            figure = try zphFigure(body: rest, args: args, session: session)
        case "residuals":
            figure = try residualsFigure(body: rest, args: args, session: session)
        case "cox", "curves":
            figure = try coxCurvesFigure(body: kind == "curves" ? "curves" : rest, args: args, session: session)
        case "hist":
            figure = try histogramFigure(body: rest, args: args, session: session)
        default:
            figure = try boxFigure(body: rest, args: args, session: session)
        }
        return try target.deliver(figure, kind: kind == "cox" ? "cox curves" : kind, args: args, session: session)
    }
}

/// A figure ready to render, with what the command reports about it.
struct PlotFigure {
    enum Content {
        case km(KMFigureSpec)
        case xy(XYFigureSpec)
        case forest(ForestSpec)
        case histogram(HistogramSpec)
        case box(BoxPlotSpec)
    }

    var content: Content
    /// One-line description for the text output ("2 curves: sex=1 (n=138), sex=2 (n=90)").
    var summary: String
    /// Kind-specific JSON fields.
    var json: [(String, JSONValue)]
    var warnings: [String]
    /// Series labels for the CSV (R's full strata labels, `sex=1`) when the figure shows shorter ones.
    var dataLabels: [String]? = nil

    var size: (width: Double, height: Double) {
        switch content {
        case .km(let s): return (s.width, s.height)
        case .xy(let s): return (s.width, s.height)
        case .forest(let s): return (s.width, s.resolvedHeight)
        case .histogram(let s): return (s.width, s.height)
        case .box(let s): return (s.width, s.height)
        }
    }

    func svg() -> String {
        switch content {
        case .km(let s): return SVGRenderer.km(s)
        case .xy(let s): return SVGRenderer.xy(s)
        case .forest(let s): return SVGRenderer.forest(s)
        case .histogram(let s): return SVGRenderer.histogram(s)
        case .box(let s): return SVGRenderer.box(s)
        }
    }

    func csv() -> String {
        switch content {
        case .km(var s):
            if let labels = dataLabels, labels.count == s.series.count {
                for i in s.series.indices { s.series[i].label = labels[i] }
                if var table = s.riskTable, table.rows.count == labels.count {
                    for i in table.rows.indices { table.rows[i].label = labels[i] }
                    s.riskTable = table
                }
            }
            return FigureData.csv(s)
        case .xy(var s):
            if let labels = dataLabels, labels.count == s.series.count {
                for i in s.series.indices { s.series[i].label = labels[i] }
            }
            return FigureData.csv(s)
        case .forest(let s): return FigureData.csv(s)
        case .histogram(let s): return FigureData.csv(s)
        case .box(let s): return FigureData.csv(s)
        }
    }

    func terminal(width: Int, height: Int, unicode: Bool, color: Bool) -> String {
        switch content {
        case .km(let s): return TerminalPlot.km(s, width: width, height: height, unicode: unicode, ansiColors: color)
        case .xy(let s): return TerminalPlot.xy(s, width: width, height: height, unicode: unicode, ansiColors: color)
        case .forest(let s): return TerminalPlot.forest(s, width: width, unicode: unicode)
        case .histogram(let s): return TerminalPlot.histogram(s, width: width, height: height, unicode: unicode)
        case .box(let s): return TerminalPlot.box(s, width: width, height: height, unicode: unicode)
        }
    }
}

/// Where the figure goes: a file (format by extension), a CSV of its numbers, the terminal.
struct OutputTarget {
    var file: String?
    var format: FigureExport.Format?
    var dataFile: String?
    /// How much larger than laid out the figure is displayed (fontsize / 12).
    var textScale = 1.0

    init(args: Arguments) throws {
        file = args.string("file").map { ($0 as NSString).expandingTildeInPath }
        dataFile = args.string("data").map { ($0 as NSString).expandingTildeInPath }
        if let file {
            do {
                format = try FigureExport.format(of: file)
            } catch {
                let ext = (file as NSString).pathExtension
                let what = ext.isEmpty ? "no file extension" : "unsupported file extension '.\(ext)'"
                throw SurvshError.usage("plot", "\(what) in file=\(file)", expected: "file=NAME.svg, NAME.png or NAME.pdf")
            }
        }
    }

    /// A failed write as a survsh error; a path that cannot be written says what would work.
    static func writeError(_ e: FigureExportError, option: String) -> SurvshError {
        guard case .cannotWrite = e else { return SurvshError.io("plot", e.description) }
        return SurvshError(.io, command: "plot", e.description,
                           expected: "\(option)=PATH in a directory that exists and can be written")
    }

    /// Where to write `path` (the session's write sandbox decides); a path that cannot be written is
    /// reported as plot reports it.
    static func destination(_ path: String, option: String, session: Session) throws -> String {
        do {
            try FigureExport.checkWritable(path)
        } catch let e as FigureExportError {
            throw writeError(e, option: option)
        }
        return try session.writeDestination(for: path, command: "plot")
    }

    func deliver(_ figure: PlotFigure, kind: String, args: Arguments, session: Session) throws -> CommandOutput {
        var lines = ["plot \(kind): \(figure.summary)"]
        let size = (width: figure.size.width * textScale, height: figure.size.height * textScale)
        let scale = args.double("scale", default: 1)
        let svg = SVGDocument.displayScaled(figure.svg(), by: textScale)
        try Interrupt.check("plot")   // the renderer stops short on Ctrl-C
        if let file, let format {
            do {
                try FigureExport.write(svg: svg, to: Self.destination(file, option: "file", session: session), scale: scale,
                                       cancel: Interrupt.cancellation)
            } catch let e as FigureExportError {
                throw Self.writeError(e, option: "file")
            }
            let w = Int((size.width * (format == .png ? scale : 1)).rounded())
            let h = Int((size.height * (format == .png ? scale : 1)).rounded())
            switch format {
            case .pdf:
                lines.append("wrote \(args.string("file") ?? file) (PDF \(NumberFormat.significant(size.width * 0.75, digits: 6)) x \(NumberFormat.significant(size.height * 0.75, digits: 6)) pt)")
            default:
                lines.append("wrote \(args.string("file") ?? file) (\(format.rawValue.uppercased()) \(w) x \(h) px)")
            }
        }
        if let dataFile {
            do {
                try FigureData.write(csv: figure.csv(), to: Self.destination(dataFile, option: "data", session: session))
            } catch let e as FigureExportError {
                throw Self.writeError(e, option: "data")
            }
            lines.append("wrote the numbers behind the figure to \(args.string("data") ?? dataFile)")
        }
        // The drawing is never part of the recorded text, so a transcript replays alike everywhere.
        var graphic: String?
        if file == nil {
            let columns = max(40, session.terminalSize.columns)
            let rows = max(12, session.terminalSize.rows - 3)
            graphic = figure.terminal(width: columns, height: rows, unicode: session.unicodeTerminal,
                                      color: args.has("color"))
            try Interrupt.check("plot")
        }
        var j = JSONObject(command: "plot")
        j["kind"] = .string(kind)
        j["file"] = args.string("file").map { .string($0) } ?? .null
        j["format"] = format.map { .string($0.rawValue) } ?? .null
        j["width"] = .num(size.width)
        j["height"] = .num(size.height)
        if format == .png { j["scale"] = .num(scale) }
        j["data"] = args.string("data").map { .string($0) } ?? .null
        for (key, value) in figure.json { j[key] = value }
        return CommandOutput(text: lines.joined(separator: "\n"), json: j.value, warnings: figure.warnings, graphic: graphic,
                             figure: svg)
    }
}
