// CoxModelInput.swift — from `[Surv(...)] ~ terms` to the arrays SurvivalStats' Cox code takes.
//
// The formula is parsed by SurvshCore (terms in R's order, a*b expanded, strata() and cluster()
// taken out), rows with a missing value in any used column are dropped (R's na.omit), the design
// matrix gets R's model.matrix column names (treatment contrasts, first sorted level as reference),
// strata() variables (one or several) are combined into one stratum per combination, and the
// cluster() variable is coded to integers. Nothing here computes statistics.

import SurvivalStats
import SurvshCore

/// The model columns' names and their grouping into terms (from SurvshCore's DesignMatrix, or built
/// directly for plain numeric terms).
struct CoxDesign: Sendable {
    struct Term: Sendable {
        var label: String
        var columns: [Int]
        var referenceLevel: String?
        var levels: [String]
        var isFactor: Bool
    }
    var names: [String]
    var terms: [Term]
}

struct CoxModelInput {
    let formula: Formula
    let response: SurvivalResponse
    let data: SurvivalData
    let design: CoxDesign
    let strata: Grouping?
    let clusterCount: Int?
    let coxData: CoxData
    /// For `cox ... cause=K`: the cause whose cause-specific hazard this is.
    var cause: CauseSpecific? = nil

    /// The cause of a cause-specific model (the other causes censored).
    struct CauseSpecific {
        /// As the status writes it: `1`, `pcm`.
        var label: String
        /// Competing events (censored here) and their causes.
        var competingEvents: Int
        var competingLabels: [String]
        /// How the status was read: `event 0 = censored; causes 1, 2`.
        var coding: String
    }

    /// `Surv(time, status) ~ age + sex + strata(ph.ecog) + cluster(inst)`
    var modelText: String { CoxModelInput.modelText(formula: formula, response: response) }

    static func modelText(formula: Formula, response: SurvivalResponse, terms: [FormulaTerm]? = nil) -> String {
        var rhs = (terms ?? formula.terms).map(\.label)
        if !formula.strata.isEmpty { rhs.append("strata(\(formula.strata.joined(separator: ", ")))") }
        if let c = formula.cluster { rhs.append("cluster(\(c))") }
        return "\(response.label) ~ \(rhs.isEmpty ? "1" : rhs.joined(separator: " + "))"
    }

    /// Parses and resolves the formula text (`args.body` without a subcommand word).
    static func parse(_ body: String, session: Session, command: String) throws -> (Formula, SurvivalResponse) {
        let formula = try Formula.parse(body, command: command)
        guard !formula.terms.isEmpty else {
            throw SurvshError.usage(command, "no covariates in the model",
                                    expected: "\(command) [Surv(TIME, EVENT)] ~ TERM + TERM ..., e.g. \(command) ~ age + sex")
        }
        let response = try SurvivalResponse.resolve(formula, session: session, command: command)
        return (formula, response)
    }

    /// Builds the model over the complete cases of every column the formula uses; `outcome`, when
    /// given, is the outcome already loaded over those complete cases (a cause-specific hazard).
    static func build(formula: Formula, response: SurvivalResponse, terms: [FormulaTerm]? = nil, outcome: SurvivalData? = nil,
                      session: Session, command: String) throws -> CoxModelInput {
        var f = formula
        if let terms { f.terms = terms }
        let data = try outcome ?? CompleteCases.survival(response, covariates: f.covariateColumns, session: session, command: command)
        // Plain numeric terms over all rows: the frame's own column arrays are used (no copy; this
        // keeps a 10^6-row model within memory). Otherwise SurvshCore's DesignMatrix builds R's columns.
        let design: CoxDesign
        let columns: [[Double]]
        let finite: [Bool]   // columns whose values are known finite (CoxData does not check them again)
        if let direct = try directColumns(f, session: session, rows: data.rows, command: command) {
            columns = direct.map(\.values)
            finite = direct.map(\.finite)
            design = CoxDesign(names: f.terms.map(\.label), terms: f.terms.enumerated().map { k, t in
                CoxDesign.Term(label: t.label, columns: [k], referenceLevel: nil, levels: [], isFactor: false)
            })
        } else {
            let dm = try DesignMatrix.build(f, session: session, rows: data.rows, command: command)
            columns = dm.columns
            finite = dm.finite
            design = CoxDesign(names: dm.names, terms: dm.terms.map {
                CoxDesign.Term(label: $0.label, columns: $0.columns, referenceLevel: $0.referenceLevel, levels: $0.levels,
                               isFactor: $0.isFactor)
            })
        }
        guard !design.names.isEmpty else {
            throw SurvshError.data(command, "the model has no columns (every factor has a single level among the rows used)",
                                   expected: "covariates that vary")
        }
        var strata: Grouping? = nil
        if !f.strata.isEmpty {
            strata = try Grouping.make(f.strata.map { FormulaVariable(column: $0, asFactor: true) }, session: session,
                                       rows: data.rows, command: command)
        }
        var clusterCodes: [Int32]? = nil
        var clusterCount: Int? = nil
        if let c = f.cluster {
            let lv = try session.levels(try session.column(c, for: command), rows: data.rows)
            clusterCodes = lv.codes
            clusterCount = lv.labels.count
        }
        var assign = [Int](repeating: 0, count: design.names.count)
        for (t, term) in design.terms.enumerated() { for c in term.columns { assign[c] = t } }
        // coxph's timefix for counting-process data: start and stop times equal within sqrt(eps) merged.
        let (start, stop) = try data.start.map { try SurvivalTimeOrder.timefixed(start: $0, stop: data.time, cancel: Interrupt.cancellation) }
            ?? (nil, data.time)
        let cox: CoxData
        do {
            cox = try CoxData(columns: columns, columnNames: design.names, start: start, stop: stop,
                              event: data.event, strata: strata?.codes, cluster: clusterCodes,
                              termNames: design.terms.map(\.label), termAssign: assign, knownFinite: finite,
                              cancel: Interrupt.cancellation)
        } catch let e as CoxError {
            throw SurvshError.data(command, e.description, expected: "finite values and start < stop")
        }
        return CoxModelInput(formula: f, response: data.response, data: data, design: design, strata: strata,
                             clusterCount: clusterCount, coxData: cox)
    }
}

extension CoxModelInput {
    /// The frame's arrays when every term is a numeric (real) main effect and no row is dropped, and
    /// whether each is known finite (Column.finiteValues).
    static func directColumns(_ f: Formula, session: Session, rows: [Int], command: String) throws
        -> [(values: [Double], finite: Bool)]? {
        guard rows.count == session.frame.rowCount else { return nil }
        var out: [(values: [Double], finite: Bool)] = []
        for t in f.terms {
            guard t.variables.count == 1, !t.variables[0].asFactor else { return nil }
            let col = try session.column(t.variables[0].column, for: command)
            guard case .real(let values) = col.storage, values.count == rows.count else { return nil }
            out.append((values, col.finiteValues.known))
        }
        return out
    }
}

extension CoxModelInput {
    /// The fit's start (CoxFit.compactStart: the time ranks, centring and scaling, and the evaluation
    /// at beta = 0) from the session's cache, or made and kept there while the data and filters are
    /// unchanged. Keyed by the columns the model reads, its text (terms, factor references, strata,
    /// cluster), the outcome's roles, the tie method, the cause and the collation (the factor levels'
    /// order); a formula expression's column is not the frame's, so such a model is never kept.
    func cachedStart(ties: CoxTies, session: Session) throws -> CoxFitStart? {
        let spec = response.spec
        var parts = ["model=\(modelText)", "ties=\(ties.rawValue)", "collation=\(session.settings.collation.rawValue)",
                     "start=\(spec.start ?? "")", "time=\(spec.time)", "event=\(spec.event)"]
        if let c = cause { parts.append("cause=\(c.label)|\(c.coding)") }
        return try session.cached("cox-start", columns: response.columns + formula.covariateColumns, parts: parts,
                                  size: { $0?.byteCount ?? 0 }) {
            try CoxFit.compactStart(coxData, ties: ties, cancel: Interrupt.cancellation)
        }
    }
}

extension CoxModelInput {
    /// What the follow-up commands keep of this model and its fit.
    func lastFit(_ fit: CoxFitResult) -> CoxLastFit {
        var terms: [CoxLastFit.Term] = []
        if formula.terms.count == design.terms.count {
            terms = zip(formula.terms, design.terms).map { f, d in
                CoxLastFit.Term(label: d.label, variables: f.variables.map(\.column), columns: d.columns, levels: d.levels,
                                reference: d.referenceLevel, isFactor: d.isFactor)
            }
        }
        // stratum labels as R's survfit names strata: `sex=1`, not `factor(sex)=1`
        let strataLabels = (strata?.labels ?? []).map { label in
            formula.strata.reduce(label) { $0.replacingOccurrences(of: "factor(\($1))=", with: "\($1)=") }
        }
        return CoxLastFit(fit: fit, data: coxData, modelText: modelText, rows: data.rows, terms: terms,
                          strataLabels: strataLabels, timeLabel: response.spec.time)
    }
}
