// CoxControl.swift — tuning constants of the Cox fit in one place.
//
// Contract
//   Inputs:   none (value type with defaults).
//   Outputs:  the convergence, iteration and tolerance settings read by CoxFit, CoxFirth
//             and the Cholesky routines.
//   Reference: R survival 3.5-x, `coxph.control()`; the R names are given next to each field.
//   R convention: identical defaults — eps = 1e-9, iter.max = 20,
//             toler.chol = .Machine$double.eps^0.75, toler.inf = sqrt(eps).

import Foundation

/// How tied event times enter the partial likelihood (R's `ties=` argument of `coxph`).
public enum CoxTies: String, Sendable, CaseIterable, Equatable {
    /// Efron's approximation (R's default).
    case efron
    /// Breslow's approximation.
    case breslow
}

/// Convergence and tolerance settings of the Newton–Raphson Cox fit, as R's `coxph.control`.
public struct CoxControl: Sendable, Equatable {
    /// `eps`: iteration stops when the relative change of the log partial likelihood,
    /// `|1 - loglik_old / loglik_new|`, is at most this.
    public var eps: Double
    /// `iter.max`: maximum number of Newton–Raphson iterations.
    public var iterMax: Int
    /// `toler.chol`: a pivot of the Cholesky (LDL') decomposition smaller than
    /// `tolerChol * max|diagonal|` marks that column as singular (collinear / constant).
    public var tolerChol: Double
    /// `toler.inf`: a coefficient whose last Newton step is larger than `tolerInf * |coef|`
    /// (and larger than `eps`) after convergence is flagged as possibly infinite.
    public var tolerInf: Double

    /// The defaults of R's `coxph.control()`.
    public init(eps: Double = 1e-9, iterMax: Int = 20,
                tolerChol: Double = pow(Double.ulpOfOne, 0.75),
                tolerInf: Double? = nil) {
        self.eps = eps
        self.iterMax = iterMax
        self.tolerChol = tolerChol
        self.tolerInf = tolerInf ?? eps.squareRoot()
    }

    /// R's defaults: eps 1e-9, iter.max 20, toler.chol 2^-39 (≈1.8e-12), toler.inf ≈ 3.16e-5.
    public static let `default` = CoxControl()
}
