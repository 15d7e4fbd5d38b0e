// SurvregNewton.swift — Newton-Raphson maximisation of a parametric survival log-likelihood over
// (beta, log sigma), step for step as R's survival 3.5 survreg6.c.
//
// Contract
//   Inputs:   y (time, or log time for the log-time families), the event indicator (true = exact,
//             false = right censored), the design matrix (column-major, n x nvar, the intercept
//             included when the model has one), a stratum index per row (0-based) when there are
//             several scales, the number of free scales (0 = sigma fixed), the starting vector
//             (nvar coefficients, then the log scales; with a fixed scale its log tacked on), control.
//   Outputs:  the estimate, the log-likelihood (on y's scale), the inverse of the information
//             matrix at the estimate (singular columns zero), iterations, convergence.
//   Method:   survregc1's observed information; a Cholesky (LDL') solve of I step = U, falling back
//             to the outer product J'J when I is not positive definite; converged when
//             |1 - L_old / L_new| <= rel.tolerance and the last step was not halved; when the
//             likelihood falls, up to five halvings per iteration with a log sigma never moved down
//             by more than 1.1 on the first halving.
//   Reference: Therneau, Mayo Clinic TR 53; Kalbfleisch & Prentice (2002) §3.9.
//   R convention: survreg.control(): rel.tolerance 1e-9, maxiter 30, toler.chol 1e-10.

import Foundation

/// The tuning of a survreg fit, as R's `survreg.control()`.
public struct SurvregControl: Sendable, Equatable {
    /// `rel.tolerance`: converged when |1 - L_old / L_new| is at most this.
    public var relTolerance: Double
    /// `maxiter` (`iter.max`).
    public var maxIter: Int
    /// `toler.chol`: Cholesky pivots below this times the largest diagonal are singular.
    public var tolerChol: Double
    public init(relTolerance: Double = 1e-9, maxIter: Int = 30, tolerChol: Double = 1e-10) {
        self.relTolerance = relTolerance
        self.maxIter = maxIter
        self.tolerChol = tolerChol
    }
}

/// One maximisation problem of survreg6: the data on the model scale and the parameter layout.
struct SurvregNewton {
    let base: SurvregDistribution.Base
    let y: [Double]
    let event: [Bool]
    /// Column-major n x nvar.
    let x: [Double]
    let n: Int
    let nvar: Int
    /// Free scales (0: sigma fixed at exp(beta[nvar])).
    let nstrat: Int
    /// 0-based stratum per row (used when nstrat > 1).
    let strata: [Int32]?
    /// Polled every `Cancellation.stride` rows of each pass; `maximize` then throws CancellationError.
    var cancel: Cancellation = .never
    var nvar2: Int { nvar + nstrat }

    struct Evaluation {
        var loglik: Double
        var u: [Double]
        /// Minus the Hessian, row-major nvar2 x nvar2 (symmetric).
        var imat: [Double]
        /// Where it was evaluated (for J'J, computed only when I is not positive definite).
        var beta: [Double]
    }

    /// The log-likelihood at beta and, unless `loglikOnly`, its score and information (survregc1).
    func evaluate(_ beta: [Double], loglikOnly: Bool = false) -> Evaluation {
        let p2 = nvar2
        var u = [Double](repeating: 0, count: p2)
        var imat = [Double](repeating: 0, count: loglikOnly ? 0 : p2 * p2)
        let loglik = accumulate(beta, loglikOnly: loglikOnly) { c, xi, s in
            // u and the lower triangle of minus the Hessian
            imat.withUnsafeMutableBufferPointer { im in
                for a in 0..<nvar {
                    u[a] += c.dg * xi[a]
                    for b in 0...a { im[a * p2 + b] -= xi[a] * xi[b] * c.ddg }
                }
                if nstrat > 0 {
                    let k = nvar + s
                    u[k] += c.dsig
                    for a in 0..<nvar { im[k * p2 + a] -= c.dsg * xi[a] }
                    im[k * p2 + k] -= c.ddsig
                }
            }
        }
        if !loglikOnly { symmetrizeFromLower(&imat, p: p2) }
        return Evaluation(loglik: loglik, u: u, imat: imat, beta: beta)
    }

    /// Sum over rows of the outer product of the per-row score (survregc1's JJ), row-major.
    func outerProducts(_ beta: [Double]) -> [Double] {
        let p2 = nvar2
        var jj = [Double](repeating: 0, count: p2 * p2)
        _ = accumulate(beta, loglikOnly: false) { c, xi, s in
            jj.withUnsafeMutableBufferPointer { m in
                for a in 0..<nvar {
                    let t = c.dg * xi[a]
                    for b in 0...a { m[a * p2 + b] += t * xi[b] * c.dg }
                }
                if nstrat > 0 {
                    let k = nvar + s
                    for a in 0..<nvar { m[k * p2 + a] += c.dsig * xi[a] * c.dg }
                    m[k * p2 + k] += c.dsig * c.dsig
                }
            }
        }
        symmetrizeFromLower(&jj, p: p2)
        return jj
    }

    /// Runs over the rows: each row's contribution (survregc1), its covariates and stratum go to
    /// `body` (unless `loglikOnly`); returns the log-likelihood.
    private func accumulate(_ beta: [Double], loglikOnly: Bool,
                            _ body: (SurvregContribution, UnsafeMutableBufferPointer<Double>, Int) -> Void) -> Double {
        let sigmas: [Double] = nstrat > 1 ? (0..<nstrat).map { exp(beta[nvar + $0]) } : [exp(beta[nvar])]
        var loglik = 0.0
        let p = nvar, n = self.n, base = self.base
        var poll = CancelPoll(cancel)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(p, 1)) { xi in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeBufferPointer { yp in
                    event.withUnsafeBufferPointer { ep in
                        for i in 0..<n {
                            if poll.stop() { return }   // the caller checks `cancel`
                            let s = nstrat > 1 ? Int(strata![i]) : 0
                            var eta = 0.0
                            for j in 0..<p {
                                let v = xp[j * n + i]
                                xi[j] = v
                                eta += beta[j] * v
                            }
                            let c = SurvregDensity.contribution(base, sz: yp[i] - eta, sigma: sigmas[s], event: ep[i])
                            loglik += c.g
                            if !loglikOnly { body(c, xi, s) }
                        }
                    }
                }
            }
        }
        return loglik
    }

    /// The Newton step I^-1 U (J'J^-1 U when I is not positive definite), as survreg6.
    func step(_ e: Evaluation, tolerChol: Double) throws -> [Double] {
        let chol = CoxCholesky(e.imat, p: nvar2, toler: tolerChol)
        if chol.nonNegative { return chol.solve(e.u) }
        let jj = outerProducts(e.beta)
        try cancel.check()
        return CoxCholesky(jj, p: nvar2, toler: tolerChol).solve(e.u)
    }

    struct Outcome {
        var beta: [Double]
        var loglik: Double
        /// Inverse information (row-major nvar2 x nvar2).
        var variance: [Double]
        var iterations: Int
        var converged: Bool
    }

    /// survreg6's iteration from `start` (length nvar2, or nvar + 1 with a fixed scale).
    /// Throws CancellationError once `cancel` fires (checked after every pass over the rows).
    func maximize(from start: [Double], control: SurvregControl) throws -> Outcome {
        let p2 = nvar2
        var beta = start
        /// A pass over the rows, cut short when `cancel` fires.
        func evaluate(_ b: [Double], loglikOnly: Bool = false) throws -> Evaluation {
            let e = self.evaluate(b, loglikOnly: loglikOnly)
            try cancel.check()
            return e
        }
        var current = try evaluate(beta)
        var loglik = current.loglik
        var newbeta = beta
        let s0 = try step(current, tolerChol: control.tolerChol)
        for i in 0..<p2 { newbeta[i] = beta[i] + s0[i] }
        func finish(_ e: Evaluation, _ b: [Double], iterations: Int, converged: Bool) -> Outcome {
            let v = CoxCholesky(e.imat, p: p2, toler: control.tolerChol).inverse()
            return Outcome(beta: Array(b.prefix(p2)), loglik: e.loglik, variance: v, iterations: iterations, converged: converged)
        }
        if control.maxIter == 0 { return finish(current, beta, iterations: 0, converged: false) }
        var halving = 0
        var next = try evaluate(newbeta)
        for iter in 1...control.maxIter {
            let newlk = next.loglik
            if newlk.isFinite && abs(1 - loglik / newlk) <= control.relTolerance && halving == 0 {
                return finish(next, newbeta, iterations: iter, converged: true)
            }
            if !newlk.isFinite || newlk < loglik {
                var lk = newlk
                var j = 0
                while j < 5 && !(lk >= loglik) {
                    halving += 1
                    for i in 0..<p2 { newbeta[i] = (newbeta[i] + beta[i]) / 2 }
                    if halving == 1 {
                        for k in nvar..<p2 where beta[k] - newbeta[k] > 1.1 { newbeta[k] = beta[k] - 1.1 }
                    }
                    lk = try evaluate(newbeta, loglikOnly: true).loglik
                    j += 1
                }
            } else {
                halving = 0
                loglik = newlk
                current = next
                let s = try step(current, tolerChol: control.tolerChol)
                for i in 0..<p2 {
                    beta[i] = newbeta[i]
                    newbeta[i] += s[i]
                }
            }
            next = try evaluate(newbeta)
        }
        return finish(next, newbeta, iterations: control.maxIter, converged: false)
    }
}
