// SurvregModelInput.swift — from `[Surv(...)] ~ terms [+ strata(S)]` to SurvivalStats' SurvregData,
// through the same formula machinery as cox (SurvshCore's Formula, SurvivalResponse,
// CompleteCases, DesignMatrix, Grouping): terms in R's order and named as R names them, factors with
// treatment contrasts, interactions, strata() combined into one stratum per combination (one scale
// each, as R's survreg). Nothing here computes statistics.

import SurvivalStats
import SurvshCore

struct SurvregModelInput {
    let formula: Formula
    let response: SurvivalResponse
    let data: SurvivalData
    let design: DesignMatrix
    let strata: Grouping?
    let survregData: SurvregData

    /// `Surv(time, status) ~ age + sex + strata(ph.ecog)`
    var modelText: String {
        var rhs = formula.terms.map(\.label)
        if !formula.strata.isEmpty { rhs.append("strata(\(formula.strata.joined(separator: ", ")))") }
        return "\(response.label) ~ \(rhs.isEmpty ? "1" : rhs.joined(separator: " + "))"
    }

    /// Stratum labels as R's survreg names the scales (`sex=1`).
    var strataLabels: [String] {
        (strata?.labels ?? []).map { label in
            formula.strata.reduce(label) { $0.replacingOccurrences(of: "factor(\($1))=", with: "\($1)=") }
        }
    }

    /// The model's terms with their data columns, for `predict at`.
    var terms: [ModelTerm] {
        zip(formula.terms, design.terms).map { f, d in
            ModelTerm(label: d.label, variables: f.variables.map(\.column), columns: d.columns, levels: d.levels,
                      reference: d.referenceLevel, isFactor: d.isFactor)
        }
    }

    static func build(_ body: String, session: Session) throws -> SurvregModelInput {
        let command = SurvregCommand.spec.name
        try session.requireData(command)
        let formula = try Formula.parse(body, command: command)
        guard formula.hasRightSide else {
            throw SurvshError.usage(command, "no model formula", expected: "survreg [Surv(TIME, EVENT)] ~ TERM + ... (or ~ 1), e.g. survreg ~ age + sex")
        }
        if formula.cluster != nil {
            throw SurvshError.usage(command, "cluster() (robust standard errors) is not supported by survreg yet",
                                    expected: "a model without cluster(); cox ~ ... + cluster(ID) gives robust errors for the Cox model")
        }
        let response = try SurvivalResponse.resolve(formula, session: session, command: command)
        if response.spec.start != nil {
            throw SurvshError.usage(command, "start-stop (counting process) data are not supported, as in R's survreg",
                                    expected: "Surv(TIME, EVENT)")
        }
        let data = try CompleteCases.survival(response, covariates: formula.covariateColumns, session: session, command: command)
        let design = try DesignMatrix.build(formula, session: session, rows: data.rows, command: command)
        var strata: Grouping? = nil
        if !formula.strata.isEmpty {
            strata = try Grouping.make(formula.strata.map { FormulaVariable(column: $0, asFactor: true) }, session: session,
                                       rows: data.rows, command: command)
        }
        let input = SurvregData(time: data.time, event: data.event, columns: design.columns, columnNames: design.names,
                                strata: strata.map { $0.count > 1 ? $0.codes : nil } ?? nil, strataCount: strata?.count)
        return SurvregModelInput(formula: formula, response: response, data: data, design: design, strata: strata,
                                 survregData: input)
    }
}
