// SurvregLastFit.swift — the last survreg fit, kept in the session for `survreg predict`.

import SurvivalStats
import SurvshCore

/// What `survreg predict` needs from the last fit.
struct SurvregLastFit: Sendable {
    let fit: SurvregFitResult
    let modelText: String
    let terms: [ModelTerm]
    let columnNames: [String]
    /// The strata() variables and the stratum labels in the fit's order (`sex=1`).
    let strataVariables: [String]
    let strataLabels: [String]
    /// The design row used for covariates `at` does not set: R's fit$means, 0 for 0/1 columns
    /// (factors at their reference level).
    let baseRow: [Double]

    init(_ model: SurvregModelInput, fit: SurvregFitResult) {
        self.fit = fit
        modelText = model.modelText
        terms = model.terms
        columnNames = model.design.names
        strataVariables = model.formula.strata
        strataLabels = model.strataLabels
        baseRow = model.design.columns.enumerated().map { k, col in
            col.allSatisfy { $0 == 0 || $0 == 1 } ? 0 : fit.means[k + 1]
        }
    }
}

extension Session {
    /// The last survreg fit (for `survreg predict`).
    var lastSurvregFit: SurvregLastFit? {
        get { results["survreg.fit"] as? SurvregLastFit }
        set { results["survreg.fit"] = newValue }
    }
}
