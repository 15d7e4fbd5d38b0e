// LogrankCommand.swift — `logrank`: k-group log-rank and Fleming–Harrington G-rho tests as R's
// survdiff (stratified with strata()), a test for trend, and pairwise tests as survminer's
// pairwise_survdiff. The numbers come from SurvivalStats.LogRank (its contract lists R's conventions).

import SurvivalStats
import SurvshCore

public enum LogrankCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "logrank", aliases: ["survdiff"],
        summary: "log-rank / G-rho test comparing survival between groups (R's survdiff), trend and pairwise",
        synopsis: ["logrank [Surv(TIME, EVENT)] ~ GROUP [+ GROUP ...] [+ strata(S)] [rho=0]",
                   "logrank ... [trend] [scores=S1,S2,...] [pairwise] [adjust=holm] [variance] [explain]"],
        body: .formula,
        options: [
            OptionSpec("rho", .number(0...100), default: "0",
                       help: "Fleming-Harrington G-rho weight S(t-)^rho: 0 log-rank, 1 Peto & Peto"),
            .flag("trend", help: "test for trend over the ordered groups (scores 1, 2, ... unless scores=)"),
            OptionSpec("scores", .numbers, help: "scores of the groups for the trend test, in group order"),
            .flag("pairwise", help: "test every pair of groups, with adjusted p-values"),
            OptionSpec("adjust", .choice(["holm", "hochberg", "bonferroni", "BH", "bh", "BY", "none"]), default: "holm",
                       help: "p-value adjustment for pairwise, as R's p.adjust (bh = BH)"),
            .flag("variance", help: "print the variance matrix of O - E"),
            .flag("explain", help: "print O - E and the variance contribution at each event time (for teaching)"),
        ],
        notes: [
            "As R's survdiff: at each event time E_j += w d n_j/n and V += w^2 d(n-d)/(n-1) (n_j/n)(delta_jk - n_k/n),",
            "w = S(t-)^rho from the pooled Kaplan-Meier of the stratum (with rho > 0 the observed counts are weighted too).",
            "chisq = (O-E)' V^-1 (O-E) over the groups with E > 0 less one; df = (groups with E > 0) - 1.",
            "strata(S): O, E and V are computed within each stratum and summed, as survdiff.",
            "trend: chisq = (s'(O-E))^2 / (s'Vs) on 1 df, scores s = 1, 2, ... in group order (or scores=).",
            "pairwise: each pair is re-tested on its own rows (strata kept), 1 df, as survminer::pairwise_survdiff;",
            "p-values adjusted over all pairs with adjust= (R's p.adjust; holm is p.adjust's default).",
            "Groups are labelled as R labels them (sex=1, \"sex=1, ph.ecog=2\"); rows with a missing value are dropped.",
        ],
        examples: [
            "logrank ~ sex",
            "logrank Surv(time, status) ~ sex rho=1",
            "logrank ~ sex + strata(ph.ecog)",
            "logrank ~ ph.ecog trend pairwise adjust=BH",
            "logrank ~ sex explain variance",
        ],
        topic: "analysis").using(.named(exceptSubcommands: []))

    static let rules = GroupedSurvival.Rules(
        name: "logrank", unit: "group", usage: "~ GROUP [+ strata(S)]",
        groupsRequired: "logrank [Surv(TIME, EVENT)] ~ GROUP", allowsStrata: true,
        countingProcessNote: " (as R's survdiff: \"Right censored data only\"); for delayed entry compare groups with"
            + " cox Surv(START, STOP, EVENT) ~ GROUP: its score test is the log-rank test extended to left-truncated data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let command = "logrank"
        try session.requireData(command)
        let plan = try GroupedSurvival.plan(args.body, rules: rules, session: session, command: command)
        let rho = args.double("rho", default: 0)
        let adjustName = args.string("adjust") ?? "holm"
        let adjust: PAdjust.Method
        switch adjustName {
        case "bh", "BH": adjust = .bh
        case "BY": adjust = .by
        default: adjust = PAdjust.Method(rawValue: adjustName) ?? .holm
        }
        let scores = args.doubles("scores")

        let grouped = try plan.load(session: session, command: command)
        let data = grouped.data
        let grouping = grouped.grouping
        let strata = grouped.strata
        if grouping.count < 2 {
            throw SurvshError.data(command, "there is only 1 group (\(grouping.labels.first ?? ""))",
                                   expected: "a grouping variable with at least two values among the rows used")
        }
        if let scores, scores.count != grouping.count {
            throw SurvshError.usage(command, "scores= has \(scores.count) values for \(grouping.count) groups",
                                    expected: "one score per group, in the order " + grouping.labels.joined(separator: ", "))
        }
        try Interrupt.check(command)
        try SystemMemory.require(values: (grouping.count, grouping.count),
                                 what: "the variance matrix of \(grouping.count) groups", command: command)
        let wantExplain = args.has("explain")
        let result: LogRankResult
        var explainRows: [LogRankExplainRow] = []
        var pairs: [LogRankPairwise] = []
        var trend: LogRankTrend? = nil
        let cancel = Interrupt.cancellation
        do {
            let stratumCodes = strata?.codes
            let stratumCount = strata?.count ?? 1
            if wantExplain {
                let out = try LogRank.explain(time: data.time, event: data.event, group: grouping.codes,
                                              groupCount: grouping.count, strata: stratumCodes,
                                              stratumCount: stratumCount, rho: rho, cancel: cancel)
                result = out.result
                explainRows = out.rows
            } else if let counts = try grouped.cachedCounts(session: session, make: {
                // events and censorings per distinct time, stratum and group, kept while the data are
                // unchanged (the session's cache; without strata they are km's counts)
                try LogRank.counts(time: data.time, event: data.event, group: grouping.codes, groupCount: grouping.count,
                                   strata: stratumCodes, stratumCount: stratumCount, cancel: cancel)
            }) {
                result = try LogRank.test(counts: counts, groupCount: grouping.count, rho: rho, cancel: cancel)
            } else {
                // too many distinct times to count: the rows sorted by time, kept the same way
                let sorted = try grouped.cached("logrank-rows", session: session, size: \.byteCount) {
                    try LogRank.sortedRows(time: data.time, event: data.event, group: grouping.codes,
                                           groupCount: grouping.count, strata: stratumCodes,
                                           stratumCount: stratumCount, cancel: cancel)
                }
                result = try LogRank.test(sorted, rho: rho, cancel: cancel)
            }
            if args.has("trend") || scores != nil {
                trend = try LogRank.trend(result, scores: scores)
            }
            if args.has("pairwise") {
                pairs = try LogRank.pairwise(time: data.time, event: data.event, group: grouping.codes,
                                             groupCount: grouping.count, strata: stratumCodes,
                                             stratumCount: stratumCount, rho: rho, adjust: adjust, cancel: cancel)
            }
        } catch let e as SurvivalInputError {
            throw SurvshError.data(command, e.description, expected: "finite times")
        }
        let view = LogrankView(session: session, response: plan.response, formula: plan.formula, data: data,
                               grouping: grouping, strata: strata, result: result, trend: trend, pairs: pairs,
                               adjustName: adjustName, explainRows: explainRows, showVariance: args.has("variance"))
        var methods = [MethodNote.logrank(rho: rho, stratified: strata != nil)]
        if trend != nil { methods.append(.logrankTrend) }
        if !pairs.isEmpty { methods.append(.logrankPairwise(adjust: adjustName)) }
        return CommandOutput(text: view.text(), json: view.json(), warnings: data.warnings + result.warnings,
                             tables: view.tables(), methods: methods)
    }
}
