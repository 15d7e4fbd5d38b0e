// CompetingRisksFit.swift — a competing-risks outcome by group, fitted: what `cuminc` and `plot cuminc`
// both show.
//
// Contract: `make` takes a checked `[Surv(TIME, STATUS)] [~ GROUP ...] [+ strata(S)]` plan
// (GroupedSurvival.plan), reads the status with CompetingRisksOutcome (censor= as given), codes the
// groups (labelled as R's survfit labels strata) and the strata over the complete cases, and fits the
// Aalen–Johansen curves of every group (AalenJohansen) and, with 2 or more groups, Gray's test per
// cause (GrayTest, rho = 0, summed over strata). Errors are one line, under `command`.

import SurvivalStats

public struct CompetingRisksFit: Sendable {
    public var plan: GroupedSurvival.Plan
    public var outcome: CompetingRisksOutcome
    public var grouping: Grouping
    public var strata: Grouping?
    /// One per group, in `grouping` order.
    public var curves: [CompetingRisksCurve]
    /// One per cause; empty with a single group.
    public var tests: [GrayTestResult]

    public var warnings: [String] { outcome.warnings }

    /// `Surv(etime, event) ~ sex`, as the result headings write the model.
    public var modelText: String {
        var rhs = plan.formula.terms.map(\.label)
        if !plan.formula.strata.isEmpty { rhs.append("strata(\(plan.formula.strata.joined(separator: ", ")))") }
        return "\(plan.response.label) ~ \(rhs.isEmpty ? "1" : rhs.joined(separator: " + "))"
    }

    /// "1384 rows; failures: 1 115, 2 860; 3 dropped for missing values".
    public var countsText: String {
        let events = zip(outcome.causeLabels, outcome.eventCounts).map { "\($0) \($1)" }.joined(separator: ", ")
        return "\(plural(outcome.n, "row")); failures: \(events)"
            + (outcome.dropped > 0 ? "; \(outcome.dropped) dropped for missing values" : "")
    }

    public static func make(_ plan: GroupedSurvival.Plan, censor: String?, session: Session, command: String) throws -> CompetingRisksFit {
        let outcome = try CompetingRisksOutcome.load(plan.response, covariates: plan.formula.covariateColumns,
                                                     censor: censor, session: session, command: command)
        let grouping = try Grouping.make(plan.variables, session: session, rows: outcome.rows, command: command)
        var strata: Grouping? = nil
        if !plan.formula.strata.isEmpty {
            strata = try Grouping.make(plan.formula.strata.map { FormulaVariable(column: $0, asFactor: false) },
                                       session: session, rows: outcome.rows, command: command)
        }
        if strata != nil && grouping.count < 2 {
            throw SurvshError.usage(command, "strata() is used only by Gray's test, which needs 2 or more groups",
                                    expected: "cuminc Surv(TIME, STATUS) ~ GROUP + strata(S)")
        }
        try Interrupt.check(command)
        do {
            let cancel = Interrupt.cancellation
            let curves = try AalenJohansen.fit(time: outcome.time, cause: outcome.cause, causeCount: outcome.causeCount,
                                               group: grouping.codes, groupCount: grouping.count, cancel: cancel)
            let tests = grouping.count < 2 ? [] :
                try GrayTest.test(time: outcome.time, cause: outcome.cause, causeCount: outcome.causeCount,
                                  group: grouping.codes, groupCount: grouping.count, strata: strata?.codes,
                                  stratumCount: strata?.count ?? 1, cancel: cancel)
            return CompetingRisksFit(plan: plan, outcome: outcome, grouping: grouping, strata: strata, curves: curves, tests: tests)
        } catch let e as SurvivalInputError {
            throw SurvshError.data(command, e.description, expected: "finite times")
        }
    }
}
