// KMCommand.swift — `km`: Kaplan–Meier estimates as R's survfit / summary.survfit / print.survfit /
// quantile.survfit, one curve per group combination, labelled as R labels strata.
//
// The numbers come from SurvivalStats.KaplanMeier (see its contract for every R convention); this
// file parses the command, picks the rows, and renders text and JSON.

import SurvivalStats
import SurvshCore

public enum KMCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "km", aliases: ["survfit", "sts"],
        summary: "Kaplan-Meier survival curves: median, survival at given times, RMST, life table",
        synopsis: ["km [Surv(TIME, EVENT)] [~ GROUP [+ GROUP ...]] [times=T1,T2,...] [conf=log] [level=0.95]",
                   "km ... [quantiles=0.25,0.5,0.75] [rmean=TAU] [table] [explain]",
                   "km ... compare [times=T1,T2,...] [quantiles=...]"],
        body: .formula,
        options: [
            OptionSpec("conf", .choice(KaplanMeierConfType.allCases.map(\.rawValue)), default: "log",
                       help: "pointwise CI transform, as R's conf.type (log is R's default; log-log under set convention=sas|stata)"),
            OptionSpec("level", .number(0...1), default: "0.95", help: "confidence level, as R's conf.int"),
            OptionSpec("times", .numbers, help: "survival, CI and n at risk at these times (summary(fit, times=))"),
            OptionSpec("quantiles", .numbers, help: "quantiles of the survival time with CI (quantile.survfit)"),
            OptionSpec("rmean", .number(nil), help: "restricted mean survival up to TAU with its se (print.survfit rmean=)"),
            .flag("table", help: "print the life table: every distinct time with n.risk, n.event, n.censor, S, std.err, CI"),
            .flag("explain", help: "print the product-limit arithmetic at each event time (for teaching)"),
            .flag("compare", help: "the median with its CI (and S(t) at times=, quantiles=) under R's, SAS's and Stata's rules side by side"),
        ],
        notes: [
            "One curve per combination of the groups, labelled as R's survfit (sex=1, \"sex=1, ph.ecog=2\"); one curve is labelled all.",
            "EVENT is 0/1, TRUE/FALSE, or 1/2 (1 = censored, 2 = event) as R's Surv(); rows with a missing value are dropped.",
            "Surv() and the groups take expressions as R does: Surv(time, status == 2) ~ I(age > 60), labelled as R labels them.",
            "std.err is the standard error of S(t) (Greenwood), as summary.survfit prints; the CI is built on the conf scale.",
            "CI undefined where R gives NA (S = 0; S = 1 for log-log, logit, arcsin) is shown as NA and is null in JSON.",
            "Median: print.survfit's rule — the first time S(t) <= 0.5; when S is exactly 0.5 on a stretch, the midpoint of the stretch;",
            "its CI is where the lower and upper CI curves reach 0.5; NA when not reached. quantiles= follows quantile.survfit.",
            "times= beyond a group's last follow-up: R's summary drops them; here they are kept, marked and explained.",
            "rmean=TAU: area under S(t) up to TAU (S carried forward past the last time) and its se, as print.survfit(rmean=TAU).",
            "Times equal to within sqrt(machine eps) are merged first, as R's timefix.",
            "Surv(START, STOP, EVENT): delayed entry (left truncation), as survfit: a row is at risk on (START, STOP], so",
            "n.risk at t counts rows with START < t <= STOP; n is the number of rows (R's records). E.g. age as the time scale:",
            "km Surv(age, age + time/365.25, status == 2).",
            "set convention=sas|stata: log-log CIs and SAS LIFETEST's or Stata stci's median rule by default (help set has",
            "the rules with their manual sections); compare shows all three at once, with a line per rule that differs.",
        ],
        examples: [
            "km",
            "km ~ sex",
            "km Surv(time, status) ~ sex times=180,365,730 quantiles=0.25,0.5,0.75",
            "km Surv(time, status == 2) ~ I(age > 65)",
            "km Surv(age, age + time/365.25, status == 2) times=50,60,70",
            "km ~ sex + ph.ecog conf=log-log level=0.9",
            "km ~ sex rmean=365",
            "km table explain",
            "km ~ sex compare times=365",
        ],
        topic: "analysis").using(.named(exceptSubcommands: []))

    static let rules = GroupedSurvival.Rules(name: "km", unit: "curve",
                                             usage: "km [Surv(TIME, EVENT)] [~ A + B] (one curve per combination)",
                                             allowsCountingProcess: true)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let command = "km"
        try session.requireData(command)
        let plan = try GroupedSurvival.plan(args.body, rules: rules, session: session, command: command)
        let convention = session.settings.convention
        // An explicit conf= wins over the convention's default transform.
        let givenConf = try args.given("conf").map { name in
            guard let type = KaplanMeierConfType(rawValue: name) else {
                throw SurvshError.usage(command, "unknown conf", expected: "log, log-log, plain, logit or arcsin")
            }
            return type
        }
        let conf = givenConf ?? convention.kmConfType
        let level = args.double("level", default: 0.95)
        guard level > 0 && level < 1 else {
            throw SurvshError.usage(command, "level=\(NumberFormat.significant(level, digits: 15)) is not strictly between 0 and 1",
                                    expected: "level=0.95")
        }
        let probs = args.doubles("quantiles") ?? []
        for p in probs where !(p >= 0 && p <= 1) {
            throw SurvshError.usage(command, "quantile \(NumberFormat.significant(p, digits: 15)) is outside 0..1",
                                    expected: "quantiles=0.25,0.5,0.75")
        }
        let times = args.doubles("times") ?? []
        let tau = args.double("rmean")

        let grouped = try plan.load(session: session, command: command)
        let data = grouped.data
        let grouping = grouped.grouping
        try Interrupt.check(command)
        /// The curves with the CI transform `type` (delayed entry when Surv(start, stop, event), as survfit).
        /// Right-censored rows are counted per distinct time and group once and the counts kept while
        /// the data are unchanged (the session's cache; logrank without strata reuses them).
        func fit(_ type: KaplanMeierConfType) throws -> [KaplanMeierCurve] {
            do {
                let options = KaplanMeierOptions(confType: type, level: level)
                if data.start == nil, let counts = try grouped.cachedCounts(session: session, make: {
                    try KaplanMeier.counts(time: data.time, event: data.event, group: grouping.codes,
                                           groupCount: grouping.count, timefix: options.timefix, cancel: Interrupt.cancellation)
                }) {
                    return try KaplanMeier.fit(counts: counts, options: options)
                }
                return try KaplanMeier.fit(start: data.start, time: data.time, event: data.event, group: grouping.codes,
                                           groupCount: grouping.count, options: options,
                                           cancel: Interrupt.cancellation)
            } catch let e as SurvivalInputError {
                throw SurvshError.data(command, e.description, expected: "finite times")
            }
        }
        let curves = try fit(conf)
        if let tau, let first = curves.compactMap({ $0.time.first }).min(), tau < first {
            throw SurvshError.usage(command, "rmean=\(session.fmt(tau)) is before the first time (\(session.fmt(first)))",
                                    expected: "a truncation time at or after the first observed time, as R requires")
        }
        var warnings = data.warnings
        if grouping.count > 20 {
            warnings.append("\(grouping.count) curves: a continuous grouping variable gives one curve per distinct value")
        }

        let view = KMView(session: session, response: plan.response, formula: plan.formula, data: data, grouping: grouping,
                          curves: curves, conf: conf, level: level, times: times, probs: probs, tau: tau,
                          showTable: args.has("table"), explain: args.has("explain"), convention: convention)
        if args.has("compare") {
            for flag in ["table", "explain"] where args.has(flag) {
                throw SurvshError.usage(command, "compare does not combine with \(flag)", expected: "km ... compare [times=...] [quantiles=...]")
            }
            if tau != nil { throw SurvshError.usage(command, "compare does not combine with rmean=", expected: "km ... compare [times=...]") }
            var byType: [KaplanMeierConfType: [KaplanMeierCurve]] = [conf: curves]
            let columns = try Convention.allCases.map { c -> KMCompareView.Column in
                let type = givenConf ?? c.kmConfType
                if byType[type] == nil { byType[type] = try fit(type) }
                return KMCompareView.Column(convention: c, conf: type, curves: byType[type]!)
            }
            let compare = KMCompareView(view: view, columns: columns, confGiven: givenConf != nil)
            return CommandOutput(text: compare.text(), json: compare.json(), warnings: warnings, tables: [compare.table()])
        }
        return CommandOutput(text: view.text(), json: view.json(includeTable: session.settings.format == .json),
                             warnings: warnings, tables: view.tables(), methods: [.kaplanMeier(conf: conf.rawValue, level: level, medianRule: convention.quantileSource)])
    }
}
