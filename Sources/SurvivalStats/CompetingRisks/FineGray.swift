// FineGray.swift — the Fine–Gray proportional subdistribution hazards model, as R's cmprsk::crr.
//
// Contract
//   Inputs:   FineGrayData (times, status codes 0 = censored / k = an event of cause k, design
//             columns), the cause of interest, a CI level, FineGrayControl (crr's gtol, maxiter).
//   Preconditions: complete cases, finite values; at least one event of the cause.
//   Outputs:  FineGrayResult: coefficients with the sandwich standard error, z, p, subdistribution
//             hazard ratio exp(coef) and its Wald CI; the sandwich variance and the information;
//             the pseudo log-likelihood at 0 and at the estimate and the pseudo likelihood-ratio
//             test; counts of events of the cause, competing events and censorings; convergence.
//   Algorithm: the censoring-weighted partial likelihood of Fine & Gray (1999). A subject with a
//             competing event before t stays in the risk set at t with weight G(t-)/G(T_i-), G the
//             Kaplan–Meier estimate of the censoring distribution; other subjects weigh 1 while
//             T_i >= t. Tied events of the cause share one risk set (Breslow). The risk-set sums
//             are suffix sums (T_j >= t) plus G(t-) times prefix sums over competing events
//             (T_j < t), so a fit costs O(n p^2) per iteration; the covariates are centred first
//             (the likelihood, score and information do not change under a shift of x).
//   R convention (cmprsk 2.2-11, crr with its defaults, one censoring group):
//     * data ordered by time (ties in their input order); G(T_i-) is survfit's KM of the
//       censoring indicator read as crr reads it: approx(method = "constant") at T_i (1 - 100 eps);
//     * Newton–Raphson from beta = 0 on the negative log pseudo-likelihood: converged when
//       max |score| max(|beta|, 1) < max(|f|, 1) gtol (gtol = 1e-6), at most maxiter = 10 steps;
//       a step is halved (at most 20 times) while f(new) > f + 1e-4 step'score;
//     * variance: crr's `var`, the sandwich I^-1 V I^-1 of Fine & Gray §3 (V sums the squared
//       influence terms eta_i + psi_i, psi_i the part from estimating G), not the inverse
//       information (crr's `invinf`);
//     * se = sqrt(diag(var)), z = coef / se, p = 2 pnorm(-|z|) (summary.crr prints
//       2 (1 - pnorm(|z|)), the same number until it loses digits below 1e-15); CI
//       exp(coef -/+ qnorm((1 + level) / 2) se); pseudo LR test 2 (loglik - loglik.null) on p df.
//   Not supported (crr options): time-varying covariates (cov2, tf), censoring groups (cengroup).
//   Reference: Fine & Gray (1999) JASA 94:496–509; cmprsk (Gray), crr.f.

import Foundation

/// The complete cases of a competing-risks regression.
public struct FineGrayData: Sendable {
    public let time: [Double]
    /// 0 = censored; any other value is the cause of the event.
    public let status: [Int]
    /// Column-major design matrix: `columns[j][i]` is row i of column j.
    public let columns: [[Double]]
    public let columnNames: [String]
    public var n: Int { time.count }

    public init(time: [Double], status: [Int], columns: [[Double]], columnNames: [String]) throws {
        guard status.count == time.count, columns.count == columnNames.count,
              columns.allSatisfy({ $0.count == time.count }) else { throw FineGrayError.lengthMismatch }
        guard !columns.isEmpty else { throw FineGrayError.noColumns }
        if let i = time.firstIndex(where: { !$0.isFinite }) { throw FineGrayError.nonFinite("time", row: i) }
        for (j, c) in columns.enumerated() {
            if let i = c.firstIndex(where: { !$0.isFinite }) { throw FineGrayError.nonFinite(columnNames[j], row: i) }
        }
        self.time = time
        self.status = status
        self.columns = columns
        self.columnNames = columnNames
    }
}

/// crr's tuning arguments.
public struct FineGrayControl: Sendable {
    /// crr's gtol: the convergence tolerance of the scaled score.
    public var gtol: Double = 1e-6
    /// crr's maxiter: the most Newton–Raphson steps.
    public var maxIter: Int = 10
    public init(gtol: Double = 1e-6, maxIter: Int = 10) { self.gtol = gtol; self.maxIter = maxIter }
}

public struct FineGrayCoefficient: Sendable, Equatable {
    public let name: String
    public let coef: Double
    /// exp(coef), the subdistribution hazard ratio.
    public let subdistributionHR: Double
    /// Sandwich standard error (crr's sqrt(diag(var))).
    public let se: Double
    public let z: Double
    public let p: Double
    public let lower: Double
    public let upper: Double
}

public struct FineGrayResult: Sendable {
    public let cause: Int
    public let n: Int
    public let causeEvents: Int
    public let competingEvents: Int
    public let censored: Int
    public let level: Double
    public let coefficients: [FineGrayCoefficient]
    public let beta: [Double]
    /// crr's `var`: the sandwich variance, row-major p x p.
    public let variance: [Double]
    /// crr's `inf`: the information (minus the Hessian of the log pseudo-likelihood), row-major.
    public let information: [Double]
    /// Pseudo log-likelihood at beta = 0 and at the estimate (crr's loglik.null, loglik).
    public let loglik: [Double]
    /// 2 (loglik - loglik.null) on p df.
    public let lrTest: CoxTest
    public let converged: Bool
    /// Newton–Raphson steps taken.
    public let iterations: Int
    public let warnings: [String]
}

public enum FineGrayError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch
    case noColumns
    case nonFinite(String, row: Int)
    case noCauseEvents(cause: Int)
    case singular([String])

    public var description: String {
        switch self {
        case .lengthMismatch: return "time, status and the design columns differ in length"
        case .noColumns: return "the model has no covariate columns"
        case .nonFinite(let c, let row): return "\(c) is not finite in row \(row + 1)"
        case .noCauseEvents(let k): return "there are no events of cause \(k)"
        case .singular(let names):
            return "the information matrix is singular (collinear or constant columns: \(names.joined(separator: ", ")))"
        }
    }
}

public enum FineGray {
    /// Fits the Fine–Gray model for events of `cause` (every other non-zero status is a competing event).
    /// `cancel` is polled every `Cancellation.stride` rows of every pass over the data; once it
    /// fires the fit throws CancellationError.
    public static func fit(_ data: FineGrayData, cause: Int, level: Double = 0.95,
                           control: FineGrayControl = FineGrayControl(), cancel: Cancellation = .never) throws -> FineGrayResult {
        let sample = try FineGraySample(data, cause: cause, cancel: cancel)
        guard sample.failures > 0 else { throw FineGrayError.noCauseEvents(cause: cause) }
        /// crrfsv or crrf: one pass over the rows, cut short when `cancel` fires.
        func evaluate(_ beta: [Double], derivatives: Bool) throws -> FineGraySample.Evaluation {
            let e = sample.evaluate(beta, derivatives: derivatives)
            try cancel.check()
            return e
        }
        let p = sample.p
        var beta = [Double](repeating: 0, count: p)
        let null = try evaluate(beta, derivatives: false).f
        var converged = false
        var steps = 0
        var current = try evaluate(beta, derivatives: true)
        for ll in 0...max(control.maxIter, 0) {
            let scaled = zip(current.score, beta).map { abs($0) * max(abs($1), 1) }.max() ?? 0
            if scaled < max(abs(current.f), 1) * control.gtol { converged = true; steps = ll; break }
            if ll == control.maxIter { steps = ll; break }
            let chol = CoxCholesky(current.hessian, p: p, toler: 1e-12)
            guard chol.rank == p else { throw FineGrayError.singular(zip(data.columnNames, chol.singular).filter(\.1).map(\.0)) }
            var step = chol.solve(current.score).map { -$0 }
            var next = zip(beta, step).map { $0 + $1 }
            var fNext = try evaluate(next, derivatives: false).f
            var halvings = 0
            // crr's line search: halve while the objective is NaN or not decreased by 1e-4 step'score.
            while fNext.isNaN || fNext > current.f + 1e-4 * dot(step, current.score) {
                halvings += 1
                step = step.map { $0 * 0.5 }
                next = zip(beta, step).map { $0 + $1 }
                fNext = try evaluate(next, derivatives: false).f
                if halvings > 20 { break }
            }
            if halvings > 20 { steps = ll; break }
            beta = next
            current = try evaluate(beta, derivatives: true)
        }
        let chol = CoxCholesky(current.hessian, p: p, toler: 1e-12)
        guard chol.rank == p else { throw FineGrayError.singular(zip(data.columnNames, chol.singular).filter(\.1).map(\.0)) }
        let bread = chol.inverse()
        let meat = sample.influenceCrossProduct(beta)
        try cancel.check()
        let variance = sandwich(bread, meat, p: p)
        let q = Normal.quantile((1 + level) / 2)
        let coefficients = (0..<p).map { j -> FineGrayCoefficient in
            let b = beta[j], se = variance[j * p + j].squareRoot()
            let z = b / se
            return FineGrayCoefficient(name: data.columnNames[j], coef: b, subdistributionHR: exp(b), se: se, z: z,
                                       p: 2 * Normal.sf(abs(z)), lower: exp(b - q * se), upper: exp(b + q * se))
        }
        let loglik = [-null, -current.f]
        var warnings: [String] = []
        if !converged {
            warnings.append("the Fine–Gray fit did not converge in \(control.maxIter) Newton–Raphson steps (crr's maxiter); the estimates are not reliable")
        }
        return FineGrayResult(cause: cause, n: data.n, causeEvents: sample.failures, competingEvents: sample.competing,
                              censored: data.n - sample.failures - sample.competing, level: level,
                              coefficients: coefficients, beta: beta, variance: variance, information: current.hessian,
                              loglik: loglik, lrTest: CoxTest(chisq: 2 * (loglik[1] - loglik[0]), df: p),
                              converged: converged, iterations: steps, warnings: warnings)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// A V A for symmetric row-major p x p matrices.
    static func sandwich(_ a: [Double], _ v: [Double], p: Int) -> [Double] {
        var av = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for j in 0..<p { for k in 0..<p { av[i * p + j] += a[i * p + k] * v[k * p + j] } } }
        var out = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for j in 0..<p { for k in 0..<p { out[i * p + j] += av[i * p + k] * a[k * p + j] } } }
        return out
    }
}
