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
        topic: "analysis")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let command = "logrank"
        try session.requireData(command)
        let formula = try Formula.parse(args.body, command: command)
        guard !formula.terms.isEmpty else {
            throw SurvshError.usage(command, "no groups to compare", expected: "logrank [Surv(TIME, EVENT)] ~ GROUP")
        }
        if let t = formula.terms.first(where: { $0.variables.count > 1 }) {
            throw SurvshError.usage(command, "'\(t.label)' is an interaction", expected: "~ A + B (one group per combination)")
        }
        if formula.cluster != nil {
            throw SurvshError.usage(command, "cluster() is not used by logrank", expected: "~ GROUP [+ strata(S)]")
        }
        let response = try SurvivalResponse.resolve(formula, session: session, command: command)
        if response.spec.start != nil {
            throw SurvshError.usage(command, "Surv(START, STOP, EVENT) is not supported by logrank (R's survdiff: right censored data only)",
                                    expected: "Surv(TIME, EVENT)")
        }
        let rho = args.double("rho", default: 0)
        let adjustName = args.string("adjust") ?? "holm"
        let adjust: LogRankAdjust
        switch adjustName {
        case "bh", "BH": adjust = .bh
        case "BY": adjust = .by
        default: adjust = LogRankAdjust(rawValue: adjustName) ?? .holm
        }
        let scores = args.doubles("scores")

        let data = try CompleteCases.survival(response, covariates: formula.covariateColumns, session: session,
                                              command: command)
        let grouping = try Grouping.make(formula.terms.map { $0.variables[0] }, session: session, rows: data.rows,
                                         command: command)
        var strata: Grouping? = nil
        if !formula.strata.isEmpty {
            strata = try Grouping.make(formula.strata.map { FormulaVariable(column: $0, asFactor: false) },
                                       session: session, rows: data.rows, command: command)
        }
        if grouping.count < 2 {
            throw SurvshError.data(command, "there is only 1 group (\(grouping.labels.first ?? ""))",
                                   expected: "a grouping variable with at least two values among the rows used")
        }
        if let scores, scores.count != grouping.count {
            throw SurvshError.usage(command, "scores= has \(scores.count) values for \(grouping.count) groups",
                                    expected: "one score per group, in the order " + grouping.labels.joined(separator: ", "))
        }
        try Interrupt.check(command)
        let wantExplain = args.has("explain")
        let result: LogRankResult
        var explainRows: [LogRankExplainRow] = []
        var pairs: [LogRankPairwise] = []
        var trend: LogRankTrend? = nil
        do {
            let stratumCodes = strata?.codes
            let stratumCount = strata?.count ?? 1
            if wantExplain {
                let out = try LogRank.explain(time: data.time, event: data.event, group: grouping.codes,
                                              groupCount: grouping.count, strata: stratumCodes,
                                              stratumCount: stratumCount, rho: rho)
                result = out.result
                explainRows = out.rows
            } else {
                result = try LogRank.test(time: data.time, event: data.event, group: grouping.codes,
                                          groupCount: grouping.count, strata: stratumCodes,
                                          stratumCount: stratumCount, rho: rho)
            }
            if args.has("trend") || scores != nil {
                trend = try LogRank.trend(result, scores: scores)
            }
            if args.has("pairwise") {
                try Interrupt.check(command)
                pairs = try LogRank.pairwise(time: data.time, event: data.event, group: grouping.codes,
                                             groupCount: grouping.count, strata: stratumCodes,
                                             stratumCount: stratumCount, rho: rho, adjust: adjust)
            }
        } catch let e as SurvivalInputError {
            throw SurvshError.data(command, e.description, expected: "finite times")
        }
        let view = LogrankView(session: session, response: response, formula: formula, data: data,
                               grouping: grouping, strata: strata, result: result, trend: trend, pairs: pairs,
                               adjustName: adjustName, explainRows: explainRows, showVariance: args.has("variance"))
        session.lastTable = view.summaryTable()
        return CommandOutput(text: view.text(), json: view.json(), warnings: data.warnings + result.warnings)
    }
}
