// SurvregFit.swift — parametric (accelerated failure time) survival regression, as R's survreg.
//
// Contract
//   Inputs:   SurvregData: time > 0 for the log-time families, event (true = event, false = right
//             censored), covariate columns (column-major, without the intercept, which the model
//             always has), optional strata (0-based codes; one log scale per stratum); the
//             distribution; SurvregControl.
//   Outputs:  coefficients (intercept first) and log scales with their covariance (inverse observed
//             information), the scales, the log-likelihood of the intercept-only model (with the same
//             strata) and of the model, the likelihood-ratio test, AIC; coefficients of collinear
//             columns are NA (nil), as R.
//   Method:   as survreg.fit: non-0/1 columns are centred and scaled before the fit (and the
//             estimates transformed back); the intercept-only model is fitted first (20 iterations
//             at most) from R's init (mean, variance of y) with a one-step intercept, and the model
//             starts from the weighted least-squares solve at the intercept-only scales;
//             Newton-Raphson as SurvregNewton (survreg6).
//   Log-likelihood: on the time scale, as R reports it: for the log-time families the Jacobian
//             -sum(log t) over the events is added (R's logcorrect).
//   LR test:  2 (L1 - L0) on (number of coefficients - 1) df, as print.survreg; AIC as R's AIC():
//             -2 L1 + 2 (coefficients + free scales).
//   Reference: Kalbfleisch & Prentice (2002) ch. 3; Therneau, Mayo Clinic TR 53.
//   R convention: survival 3.5 survreg / survreg.fit / summary.survreg.

import Foundation

/// Input of a survreg fit.
public struct SurvregData: Sendable {
    public var time: [Double]
    public var event: [Bool]
    /// Covariate columns (without the intercept), each of length n.
    public var columns: [[Double]]
    public var columnNames: [String]
    /// 0-based stratum of each row, or nil for one scale.
    public var strata: [Int32]?
    public var strataCount: Int
    public var n: Int { time.count }

    public init(time: [Double], event: [Bool], columns: [[Double]], columnNames: [String],
                strata: [Int32]? = nil, strataCount: Int? = nil) {
        self.time = time
        self.event = event
        self.columns = columns
        self.columnNames = columnNames
        self.strata = strata
        self.strataCount = strataCount ?? strata.map { Int(($0.max() ?? 0) + 1) } ?? 1
    }
}

public enum SurvregError: Error, Equatable, CustomStringConvertible {
    case noEvents
    case nonPositiveTime(index: Int, value: Double)
    case fixedScaleWithStrata(SurvregDistribution)
    case dimension(String)

    public var description: String {
        switch self {
        case .noEvents: return "there are no events (every row is censored), so the model cannot be estimated"
        case .nonPositiveTime(let i, let v):
            return "time \(v) in row \(i + 1) is not positive, and this distribution models log(time)"
        case .fixedScaleWithStrata(let d):
            return "the \(d.rawValue) distribution fixes the scale, so strata() (one scale per stratum) cannot be used (R: 'The scale argument is not valid with multiple strata')"
        case .dimension(let s): return s
        }
    }
}

/// One coefficient row of summary.survreg.
public struct SurvregCoefficient: Sendable {
    public let name: String
    /// nil when the column is collinear with others (R: NA).
    public let value: Double?
    public let se: Double?
    public let z: Double?
    public let p: Double?
}

/// A fitted survreg model.
public struct SurvregFitResult: Sendable {
    public let distribution: SurvregDistribution
    public let n: Int
    public let events: Int
    /// Coefficient names, intercept first: `(Intercept)`, then the columns.
    public let names: [String]
    /// Coefficients (NaN for aliased), then the free log scales.
    public let parameters: [Double]
    /// Covariance of `parameters` (row-major), R's fit$var.
    public let variance: [Double]
    /// Number of coefficients (intercept included).
    public let nvar: Int
    /// Number of free scales (0 with a fixed scale).
    public let freeScales: Int
    /// Scale of each stratum (one entry without strata).
    public let scales: [Double]
    /// Log-likelihood of the intercept-only model and of the model (on the time scale).
    public let loglik: (null: Double, model: Double)
    public let iterations: Int
    public let converged: Bool
    /// R's fit$means: the column means of the model matrix.
    public let means: [Double]

    /// Number of scales (strata) of the model.
    public var strataCount: Int { scales.count }
    public var aliased: [Bool] { (0..<nvar).map { variance[$0 * parameterCount + $0] == 0 } }
    public var parameterCount: Int { nvar + freeScales }
    /// The coefficient estimates (nil where aliased).
    public var coefficients: [Double?] { (0..<nvar).map { aliased[$0] ? nil : parameters[$0] } }

    /// Covariance entry.
    public func cov(_ i: Int, _ j: Int) -> Double { variance[i * parameterCount + j] }

    /// summary.survreg's table: coefficients, then `Log(scale)` (one per stratum, named by `strataLabels`).
    public func table(strataLabels: [String] = []) -> [SurvregCoefficient] {
        var rows: [SurvregCoefficient] = []
        for k in 0..<parameterCount {
            let name: String
            if k < nvar { name = names[k] } else if freeScales == 1 { name = "Log(scale)" } else {
                let s = k - nvar
                name = s < strataLabels.count ? strataLabels[s] : "Log(scale)\(s + 1)"
            }
            let v = cov(k, k)
            if k < nvar && v == 0 {
                rows.append(SurvregCoefficient(name: name, value: nil, se: nil, z: nil, p: nil))
                continue
            }
            let se = v.squareRoot()
            let z = parameters[k] / se
            rows.append(SurvregCoefficient(name: name, value: parameters[k], se: se, z: z, p: 2 * Normal.sf(abs(z))))
        }
        return rows
    }

    /// 2 (L1 - L0) on nvar - 1 df (print.survreg's Chisq), nil for the intercept-only model.
    public var lrTest: CoxTest? {
        let df = nvar - 1
        return df > 0 ? CoxTest(chisq: 2 * (loglik.model - loglik.null), df: df) : nil
    }

    /// R's AIC(fit): -2 L + 2 (coefficients + free scales).
    public var aic: Double { -2 * loglik.model + 2 * Double(parameterCount) }
}

public enum SurvregFit {
    /// Fits the model as R's survreg(Surv(time, event) ~ columns [+ strata(s)], dist = distribution).
    /// `cancel` is polled every `Cancellation.stride` rows of every pass (set-up and Newton–Raphson);
    /// once it fires the fit throws CancellationError.
    public static func fit(_ data: SurvregData, distribution: SurvregDistribution,
                           control: SurvregControl = SurvregControl(), cancel: Cancellation = .never) throws -> SurvregFitResult {
        let n = data.n
        guard data.event.count == n, data.columns.allSatisfy({ $0.count == n }),
              data.columnNames.count == data.columns.count, data.strata.map({ $0.count == n }) ?? true else {
            throw SurvregError.dimension("survreg: time, event, covariate and strata lengths differ")
        }
        let events = data.event.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard events > 0 else { throw SurvregError.noEvents }
        let nstrata = data.strata == nil ? 1 : data.strataCount
        let fixed = distribution.fixedScale
        if fixed != nil && nstrata > 1 { throw SurvregError.fixedScaleWithStrata(distribution) }
        // The model scale: log time for the log-time families, and R's logcorrect.
        var y = data.time
        var logcorrect = 0.0
        if distribution.logTime {
            for i in 0..<n {
                if cancel.stops(at: i) { throw CancellationError() }
                guard data.time[i] > 0, data.time[i].isFinite else { throw SurvregError.nonPositiveTime(index: i, value: data.time[i]) }
                y[i] = log(data.time[i])
                if data.event[i] { logcorrect -= y[i] }
            }
        }
        // Design matrix with the intercept; non-0/1 columns centred and scaled (survreg.fit's rescaling).
        let nvar = data.columns.count + 1
        var center = [Double](repeating: 0, count: nvar)
        var stdev = [Double](repeating: 1, count: nvar)
        var means = [Double](repeating: 1, count: nvar)
        var x = [Double](repeating: 1, count: n * nvar)
        for (k, col) in data.columns.enumerated() {
            try cancel.check()   // three passes over the column
            let j = k + 1
            let mean = col.reduce(0, +) / Double(n)
            means[j] = mean
            if !col.allSatisfy({ $0 == 0 || $0 == 1 }) && n > 1 {
                let sd = (col.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
                if sd > 0 { center[j] = mean; stdev[j] = sd }
            }
            for i in 0..<n { x[j * n + i] = (col[i] - center[j]) / stdev[j] }
        }
        let nstrat2 = fixed == nil ? nstrata : 0
        let strata = nstrata > 1 ? data.strata : nil
        let base = distribution.base

        // R's init: location mean + shift, log scale log(4 var / divisor) / 2 (or the fixed scale).
        let mean = y.reduce(0, +) / Double(n)
        let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        let logScale0 = fixed.map { log($0) } ?? log(4 * variance / distribution.initVarianceDivisor) / 2
        /// derfun at eta = y (z = 0): dg and -ddg per row, at the given log scale of each row.
        func derivativesAtData(_ logScale: (Int) -> Double) -> (dg: [Double], wt: [Double]) {
            var dg = [Double](repeating: 0, count: n), wt = dg
            for i in 0..<n {
                if cancel.stops(at: i) { break }   // the caller checks `cancel`
                let c = SurvregDensity.contribution(base, sz: 0, sigma: exp(logScale(i)), event: data.event[i])
                dg[i] = c.dg
                wt[i] = -c.ddg
            }
            return (dg, wt)
        }
        try cancel.check()
        let intercept = SurvregNewton(base: base, y: y, event: data.event, x: [Double](repeating: 1, count: n), n: n,
                                      nvar: 1, nstrat: nstrat2, strata: strata, cancel: cancel)
        var nullFit: SurvregNewton.Outcome? = nil
        var vars: [Double]
        if nvar > 1 {
            let d = derivativesAtData { _ in logScale0 }
            try cancel.check()
            var num = 0.0, den = 0.0
            for i in 0..<n { num += d.dg[i] + d.wt[i] * y[i]; den += d.wt[i] }
            let start = [num / den] + [Double](repeating: logScale0, count: max(nstrat2, 1))
            let f0 = try intercept.maximize(from: start, control: SurvregControl(relTolerance: control.relTolerance, maxIter: 20,
                                                                              tolerChol: control.tolerChol))
            nullFit = f0
            vars = nstrat2 > 0 ? Array(f0.beta[1...]) : [logScale0]
        } else {
            vars = [Double](repeating: logScale0, count: max(nstrat2, 1))
        }
        // Starting coefficients: the weighted least-squares solve at the starting scales (coxph.wtest).
        let d = derivativesAtData { i in vars[nstrat2 > 1 ? Int(strata![i]) : 0] }
        try cancel.check()
        var xtwx = [Double](repeating: 0, count: nvar * nvar)
        var rhs = [Double](repeating: 0, count: nvar)
        for a in 0..<nvar {
            for i in 0..<n { rhs[a] += (d.wt[i] * y[i] + d.dg[i]) * x[a * n + i] }
            for b in 0...a {
                try cancel.check()   // one poll a pass over the rows
                var s = 0.0
                for i in 0..<n { s += x[a * n + i] * d.wt[i] * x[b * n + i] }
                xtwx[a * nvar + b] = s
            }
        }
        symmetrizeFromLower(&xtwx, p: nvar)
        let coef0 = CoxCholesky(xtwx, p: nvar, toler: control.tolerChol).solve(rhs)
        let model = SurvregNewton(base: base, y: y, event: data.event, x: x, n: n, nvar: nvar, nstrat: nstrat2, strata: strata,
                                  cancel: cancel)
        let outcome = try model.maximize(from: coef0 + vars, control: control)

        // Back to the original columns: b0 - sum(center_j / sd_j b_j), b_j / sd_j, and the covariance alike.
        let p2 = nvar + nstrat2
        var beta = outcome.beta
        var vtemp = [Double](repeating: 0, count: p2 * p2)
        for k in 0..<p2 { vtemp[k * p2 + k] = k < nvar ? 1 / stdev[k] : 1 }
        for j in 1..<max(nvar, 1) { vtemp[j] = -center[j] / stdev[j] }
        beta = (0..<p2).map { r in (0..<p2).reduce(0) { $0 + vtemp[r * p2 + $1] * outcome.beta[$1] } }
        var cov = [Double](repeating: 0, count: p2 * p2)
        for r in 0..<p2 {
            for c in 0..<p2 {
                var s = 0.0
                for a in 0..<p2 where vtemp[r * p2 + a] != 0 {
                    for b in 0..<p2 where vtemp[c * p2 + b] != 0 { s += vtemp[r * p2 + a] * outcome.variance[a * p2 + b] * vtemp[c * p2 + b] }
                }
                cov[r * p2 + c] = s
            }
        }
        for k in 0..<nvar where outcome.variance[k * p2 + k] == 0 { beta[k] = .nan }
        let scales = fixed.map { [$0] } ?? (0..<nstrat2).map { exp(beta[nvar + $0]) }
        let l1 = outcome.loglik + logcorrect
        let l0 = (nullFit?.loglik).map { $0 + logcorrect } ?? l1
        return SurvregFitResult(distribution: distribution, n: n, events: events,
                                names: ["(Intercept)"] + data.columnNames, parameters: beta, variance: cov,
                                nvar: nvar, freeScales: nstrat2, scales: scales, loglik: (l0, l1),
                                iterations: outcome.iterations, converged: outcome.converged, means: means)
    }
}
