// CumincCommand.swift — `cuminc`: cumulative incidence of each cause under competing risks
// (Aalen–Johansen) by group, with Gray's variance and test, as R's cmprsk::cuminc / timepoints
// (estimates equal to survfit's multi-state pstate); CIs by survfit's own formula.
//
// The numbers come from SurvivalStats.AalenJohansen and GrayTest (their contracts give every R
// convention); the status is read by SurvshCore's CompetingRisksOutcome. This file parses the
// command, picks the rows and hands them to CumincView.

import SurvivalStats
import SurvshCore

public enum CumincCommand: SurvshCommand {
    static let confTypes: [KaplanMeierConfType] = [.log, .logLog, .plain]

    public static let spec = CommandSpec(
        name: "cuminc", aliases: ["cif"],
        summary: "competing risks: cumulative incidence of each cause by group, Gray's test (R's cmprsk::cuminc)",
        synopsis: ["cuminc [Surv(TIME, STATUS)] [~ GROUP [+ GROUP ...]] [+ strata(S)] [times=T1,T2,...] [censor=0]",
                   "cuminc ... [conf=log] [level=0.95] [table] [explain]"],
        body: .formula,
        options: [
            OptionSpec("times", .numbers, help: "cumulative incidence, std.err, CI and n at risk at these times (cmprsk::timepoints)"),
            OptionSpec("censor", .text,
                       help: "the STATUS value of censored rows (cmprsk's cencode): 0 unless given; a text STATUS: its first level"),
            OptionSpec("conf", .choice(confTypes.map(\.rawValue)), default: "log",
                       help: "CI transform of F, by survfit's formula (log is survfit's default for multi-state curves)"),
            OptionSpec("level", .number(0...1), default: "0.95", help: "confidence level"),
            .flag("table", help: "print every distinct time of each group: n.risk, failures, censored, S(t), F and std.err per cause"),
            .flag("explain", help: "print the Aalen-Johansen steps at each failure time (for teaching)"),
        ],
        notes: [
            "STATUS: 0 = censored, 1, 2, ... = causes (whole numbers, as cmprsk::cuminc with cencode = 0; censor=C",
            "changes the censoring code); no 1/2 rule here. A text STATUS: its first level (sorted, or as set by levels)",
            "is censoring, as R's survfit reads a factor status; censor=LEVEL picks another. TRUE/FALSE is one cause.",
            "Estimate: Aalen-Johansen, F_k(t) = sum over failure times u <= t of S(u-) d_k(u)/n(u), S the Kaplan-Meier",
            "of the first failure of any cause; equal to cmprsk::cuminc's est and survfit(Surv(t, factor(status)))'s pstate.",
            "std.err: Gray's variance exactly as cmprsk::cuminc/timepoints (it changes only at the cause's own failure",
            "times); survfit's multi-state std.err (infinitesimal jackknife) differs slightly and is not used.",
            "CI: survfit_confint's formula on F with that std.err: log F -+ z se/F (default), log-log, or plain.",
            "times=: the values at the last time <= t, as timepoints; NA after a group's last follow-up (as cmprsk).",
            "Gray's test: one per cause, K-sample (rho = 0) with strata() summed as cuminc(strata=), chi-square on",
            "groups - 1 df; needs 2 or more groups. Times are compared exactly (no timefix, as cmprsk).",
        ],
        examples: [
            "load data/mgus2.csv",
            "cuminc Surv(etime, event) ~ sex times=60,120,240",
            "cuminc Surv(etime, etype) ~ sex",
            "cuminc Surv(etime, event) conf=log-log table",
            "cuminc Surv(etime, event) ~ sex explain",
        ],
        topic: "analysis")

    static let rules = GroupedSurvival.Rules(name: "cuminc", unit: "curve", usage: "cuminc [Surv(TIME, STATUS)] [~ GROUP] [+ strata(S)]",
                                             allowsStrata: true, countingProcessNote: " (no delayed entry, as cmprsk)")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let command = "cuminc"
        try session.requireData(command)
        let plan = try GroupedSurvival.plan(args.body, rules: rules, session: session, command: command)
        let conf = confTypes.first { $0.rawValue == (args.string("conf") ?? "log") } ?? .log
        let level = args.double("level", default: 0.95)
        guard level > 0 && level < 1 else {
            throw SurvshError.usage(command, "level=\(NumberFormat.significant(level, digits: 15)) is not strictly between 0 and 1",
                                    expected: "level=0.95")
        }
        let fit = try CompetingRisksFit.make(plan, censor: args.string("censor"), session: session, command: command)
        let view = CumincView(session: session, fit: fit, conf: conf, level: level, times: args.doubles("times") ?? [],
                              showTable: args.has("table"), explain: args.has("explain"))
        return CommandOutput(text: view.text(), json: view.json(includeTable: session.settings.format == .json),
                             warnings: fit.warnings, tables: view.tables())
    }
}
