// GroupedSurvival.swift — survival data and its grouping for a `[Surv(TIME, EVENT)] [~ A + B ...]`
// formula, as the group-comparing commands (km, logrank, plot km/loglog/cumhaz) take it.
//
// Contract:
// - `GroupedSurvival.plan` parses the formula and refuses what these commands do not take, in this
//   order: no groups (when the command needs them), an interaction term, cluster() (and strata()
//   unless the command stratifies), then finds the outcome and refuses Surv(START, STOP, EVENT)
//   unless the command takes delayed entry (`allowsCountingProcess`, km as R's survfit).
//   The error texts name the command as `Rules.name` says.
// - `Plan.load` picks the complete cases (CompleteCases.survival) and codes the groups: one group per
//   combination of the terms' variables, labelled as R's survfit labels strata (`sex=1`,
//   `sex=1, ph.ecog=2`), and the strata() columns the same way when there are any.

import SurvivalStats

public struct GroupedSurvival: Sendable {
    /// What a command accepts in its formula, and the words its errors use.
    public struct Rules: Sendable {
        /// The command as errors name it: "km", "logrank", "plot km".
        public var name: String
        /// What one combination of the groups gives: "curve" or "group".
        public var unit: String
        /// The expected form shown when strata() or cluster() is refused.
        public var usage: String
        /// With a value, a formula without groups is refused and this is the expected form.
        public var groupsRequired: String?
        /// strata(S) is accepted and coded as `GroupedSurvival.strata`.
        public var allowsStrata: Bool
        /// Said after "Surv(START, STOP, EVENT) is not supported by NAME".
        public var countingProcessNote: String
        /// Surv(START, STOP, EVENT) (delayed entry) is accepted; `SurvivalData.start` then has the starts.
        public var allowsCountingProcess: Bool

        public init(name: String, unit: String, usage: String, groupsRequired: String? = nil,
                    allowsStrata: Bool = false, countingProcessNote: String = "", allowsCountingProcess: Bool = false) {
            self.allowsCountingProcess = allowsCountingProcess
            self.name = name
            self.unit = unit
            self.usage = usage
            self.groupsRequired = groupsRequired
            self.allowsStrata = allowsStrata
            self.countingProcessNote = countingProcessNote
        }
    }

    /// A checked formula with its outcome, before any row is read.
    public struct Plan: Sendable {
        public var formula: Formula
        public var response: SurvivalResponse
        /// The grouping variables, one per term, in formula order.
        public var variables: [FormulaVariable]

        /// Complete cases, the groups and the strata over them; the group and stratum codes are kept in
        /// the session's cache while the data, the filters and the collation are unchanged.
        public func load(session: Session, command: String) throws -> GroupedSurvival {
            let data = try CompleteCases.survival(response, covariates: formula.covariateColumns, session: session,
                                                  command: command)
            let strataVariables = formula.strata.map { FormulaVariable(column: $0, asFactor: false) }
            let (grouping, strata) = try GroupedSurvival.cached(
                "groups", formula: formula, response: response, variables: variables, session: session,
                size: { $0.0.codes.count * 4 + ($0.1?.codes.count ?? 0) * 4 }) { () throws -> (Grouping, Grouping?) in
                let grouping = try Grouping.make(variables, session: session, rows: data.rows, command: command)
                let strata = strataVariables.isEmpty ? nil
                    : try Grouping.make(strataVariables, session: session, rows: data.rows, command: command)
                return (grouping, strata)
            }
            return GroupedSurvival(formula: formula, response: response, variables: variables, data: data,
                                   grouping: grouping, strata: strata)
        }
    }

    public var formula: Formula
    public var response: SurvivalResponse
    public var variables: [FormulaVariable]
    public var data: SurvivalData
    public var grouping: Grouping
    /// The strata() grouping; nil without strata().
    public var strata: Grouping?

    /// A value computed from these rows, groups and strata (`kind` names it, e.g. the sorted rows of a
    /// test), kept in the session's cache as long as they are: while the data, the filters and the
    /// collation are unchanged.
    public func cached<T: Sendable>(_ kind: String, session: Session, size: (T) -> Int, make: () throws -> T) rethrows -> T {
        try GroupedSurvival.cached(kind, formula: formula, response: response, variables: variables, session: session,
                                   size: size, make: make)
    }

    /// Events and censorings per distinct time and group (× stratum) of these rows, `make()`'s or
    /// the session's cached ones: one entry shared by km and logrank (without strata the cells are
    /// the groups for both), so whichever runs first counts for the other.
    public func cachedCounts(session: Session, make: () throws -> SurvivalCounts?) rethrows -> SurvivalCounts? {
        try cached("time-counts", session: session, size: { $0?.byteCount ?? 0 }, make: make)
    }

    /// The session's cached value of `kind` keyed by everything the rows and codes depend on besides
    /// the data: the outcome's columns in their roles, the covariates, the group variables (with
    /// factor() and ref=), the strata and the collation.
    static func cached<T: Sendable>(_ kind: String, formula: Formula, response: SurvivalResponse, variables: [FormulaVariable],
                                    session: Session, size: (T) -> Int, make: () throws -> T) rethrows -> T {
        let s = response.spec
        let parts = ["start=\(s.start ?? "")", "time=\(s.time)", "event=\(s.event)"]
            + variables.map { "group=\($0.column)|\($0.asFactor)|\($0.reference ?? "")|\($0.label)" }
            + formula.strata.map { "strata=\($0)" } + ["collation=\(session.settings.collation.rawValue)"]
        return try session.cached(kind, columns: response.columns + formula.covariateColumns, parts: parts, size: size,
                                  make: make)
    }

    /// Parses `body` and checks it against `rules` (errors under `command`).
    public static func plan(_ body: String, rules: Rules, session: Session, command: String) throws -> Plan {
        let formula = try Formula.parse(body, command: command)
        if let expected = rules.groupsRequired, formula.terms.isEmpty {
            throw SurvshError.usage(command, "no groups to compare", expected: expected)
        }
        if let t = formula.terms.first(where: { $0.variables.count > 1 }) {
            throw SurvshError.usage(command, "'\(t.label)' is an interaction",
                                    expected: "~ A + B (one \(rules.unit) per combination)")
        }
        if rules.allowsStrata {
            if formula.cluster != nil {
                throw SurvshError.usage(command, "cluster() is not used by \(rules.name)", expected: rules.usage)
            }
        } else if !formula.strata.isEmpty || formula.cluster != nil {
            throw SurvshError.usage(command, "strata() and cluster() are not used by \(rules.name)", expected: rules.usage)
        }
        let response = try SurvivalResponse.resolve(formula, session: session, command: command)
        if response.spec.start != nil && !rules.allowsCountingProcess {
            throw SurvshError.usage(command, "Surv(START, STOP, EVENT) is not supported by \(rules.name)\(rules.countingProcessNote)",
                                    expected: "Surv(TIME, EVENT)")
        }
        return Plan(formula: formula, response: response, variables: formula.terms.map { $0.variables[0] })
    }
}
