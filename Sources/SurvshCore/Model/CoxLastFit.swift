// CoxLastFit.swift — the last ordinary Cox fit, kept in the session for the commands that follow
// it up: `cox phtest`, `cox explain`, `cox residuals`, `cox curves` and the Cox figures of `plot`.
// Nothing here computes: the numbers come from SurvivalStats.

import SurvivalStats

/// What the follow-up commands need from the last `cox` fit.
public struct CoxLastFit: Sendable {
    public let fit: CoxFitResult
    /// The model's input (design matrix, outcome, strata) in the order of `rows`.
    public let data: CoxData
    /// `Surv(time, status) ~ age + sex`.
    public let modelText: String
    /// The frame rows the fit used (complete cases of the active rows), one per row of `data`.
    public let rows: [Int]

    public init(fit: CoxFitResult, data: CoxData, modelText: String, rows: [Int]) {
        self.fit = fit
        self.data = data
        self.modelText = modelText
        self.rows = rows
    }
}

extension Session {
    /// The last ordinary Cox fit (for cox phtest, explain, residuals, curves and the Cox plots).
    public var lastCoxFit: CoxLastFit? {
        get { results["cox.fit"] as? CoxLastFit }
        set {
            results["cox.fit"] = newValue
            results["cox.fits"] = coxFitCount + 1
        }
    }

    /// How many ordinary Cox fits this session has kept (so `cox explain` can say which one it shows).
    public var coxFitCount: Int { results["cox.fits"] as? Int ?? 0 }
}
