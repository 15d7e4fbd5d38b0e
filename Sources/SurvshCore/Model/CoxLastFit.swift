// CoxLastFit.swift — the last ordinary Cox fit, kept in the session for the commands that follow
// it up: `cox phtest`, `cox explain`, `cox residuals`, `cox curves` and the Cox figures of `plot`,
// and the curves of the last `cox curves` for `plot cox curves`.
// Nothing here computes: the numbers come from SurvivalStats.

import SurvivalStats

/// What the follow-up commands need from the last `cox` fit.
public struct CoxLastFit: Sendable {
    /// A model term: the data columns it is made of and the design columns it owns.
    public typealias Term = ModelTerm

    public let fit: CoxFitResult
    /// The model's input (design matrix, outcome, strata) in the order of `rows`.
    public let data: CoxData
    /// `Surv(time, status) ~ age + sex`.
    public let modelText: String
    /// The frame rows the fit used (complete cases of the active rows), one per row of `data`.
    public let rows: [Int]
    /// The model terms (empty when not known).
    public let terms: [Term]
    /// Stratum labels in the fit's stratum order (`sex=1`); empty without strata.
    public let strataLabels: [String]
    /// The time variable (axis label of curves).
    public let timeLabel: String

    public init(fit: CoxFitResult, data: CoxData, modelText: String, rows: [Int], terms: [Term] = [],
                strataLabels: [String] = [], timeLabel: String = "time") {
        self.fit = fit
        self.data = data
        self.modelText = modelText
        self.rows = rows
        self.terms = terms
        self.strataLabels = strataLabels
        self.timeLabel = timeLabel
    }
}

/// Adjusted survival curves of the last `cox curves` (for `plot cox curves`).
public struct CoxCurveSet: Sendable {
    /// `Surv(time, status) ~ age + sex`.
    public let modelText: String
    public let timeLabel: String
    /// One label per curve (`sex=1, age=60`).
    public let labels: [String]
    public let curves: [KaplanMeierCurve]
    public init(modelText: String, timeLabel: String, labels: [String], curves: [KaplanMeierCurve]) {
        self.modelText = modelText; self.timeLabel = timeLabel; self.labels = labels; self.curves = curves
    }
}

extension Session {
    /// The last ordinary Cox fit (for cox phtest, explain, residuals, curves and the Cox plots).
    public var lastCoxFit: CoxLastFit? {
        get { results["cox.fit"] as? CoxLastFit }
        set {
            results["cox.fit"] = newValue
            results["cox.fits"] = coxFitCount + 1
            results["cox.curves"] = nil
        }
    }

    /// The last Cox fit, or a usage error for `command`: `no Cox model PURPOSE` (e.g. "to test",
    /// "for residuals"), pointing to a cox fit first. Every follow-up of a fit asks through this.
    public func requireLastCoxFit(_ command: String, _ purpose: String) throws -> CoxLastFit {
        guard let last = lastCoxFit else {
            throw SurvshError.usage(command, "no Cox model \(purpose)", expected: "a cox fit first, e.g. cox ~ age + sex")
        }
        return last
    }

    /// The curves of the last `cox curves` (cleared by a new fit).
    public var lastCoxCurves: CoxCurveSet? {
        get { results["cox.curves"] as? CoxCurveSet }
        set { results["cox.curves"] = newValue }
    }

    /// How many ordinary Cox fits this session has kept (so `cox explain` can say which one it shows).
    public var coxFitCount: Int { results["cox.fits"] as? Int ?? 0 }
}
