// CoxFit.swift — Cox proportional hazards regression as R's coxph / summary.coxph.
//
// Contract
//   Inputs:   CoxData (design matrix, (start,) stop, event, strata, cluster), ties, CI level,
//             CoxControl.
//   Preconditions: complete cases; at least one event.
//   Outputs:  CoxFitResult: coefficients, model-based and (with clusters) robust variance,
//             per-coefficient se / z / p / HR / HR CI, log-likelihoods at 0 and at the estimate,
//             likelihood-ratio, Wald and score tests (and R's robust score test), concordance
//             with its standard error, the Newton–Raphson trace, and warnings as data.
//   Algorithm: Newton–Raphson from beta = 0 on the log partial likelihood (CoxPartialLikelihood),
//             in R's centered/scaled units (CoxRiskSet). Each step solves I d = U by an LDL'
//             decomposition with tolerance (CoxCholesky); aliased (collinear or constant)
//             columns get a zero step, stay at 0 and are reported as NA. A step that lowers
//             the log-likelihood is halved towards the last good point: the h-th retry is
//             (new + h * old) / (h + 1). Convergence: |1 - L_old / L_new| <= eps.
//   R convention (survival 3.5-x):
//     * right-censored data follow coxfit6: exp(eta) is not guarded, so a trial point whose risk
//       scores overflow (a covariate of size 1e3 or more on a monotone likelihood) has a
//       non-finite log-likelihood and is halved, at the same points as R; convergence may be
//       declared in the middle of step halving; when iter.max is reached the last improving beta is returned with its
//       log-likelihood, and `iterations` is iter.max + 1 (R's fit$iter);
//     * (start, stop] data follow agfit4: with some |eta| > 200 the partial likelihood is summed
//       as agfit4 sums it, recentring the risk scores (CoxPartialLikelihood+Recentred), so large
//       covariates take R's path; convergence needs a full (non-halved) step; at
//       iter.max the current beta is kept unless it is worse than the best one by more than
//       eps (relative), and `iterations` is iter.max;
//     * infinite-coefficient warning (coxph.fit): after convergence, column j is flagged when
//       |(U V)_j| > eps and > toler.inf * |beta_j| (agreg.fit: > toler.inf * (1 + |beta_j|));
//     * score test = U(0)' I(0)^- U(0); Wald = beta' V^- beta (V robust when clustered);
//       LR = 2 (L1 - L0); df = number of non-aliased coefficients;
//     * p-values: pchisq(z^2, 1, lower = FALSE); HR CI: exp(beta -/+ qnorm((1+level)/2) se);
//     * linear predictor: X beta - sum(means * beta), R's fit$linear.predictors.
//   Deviation: when R runs out of iterations with iter.max >= 2 on right-censored data, its
//     fit$var is not the inverse information (survival inverts an unfactored matrix); here the
//     variance is the inverse information at the returned beta.
//   Reference: Therneau & Grambsch (2000) ch. 3; Kalbfleisch & Prentice (2002) ch. 4;
//     Lin & Wei (1989) for the robust variance.

import Foundation

/// One fitted coefficient (one design column), as a row of summary.coxph.
public struct CoxCoefficient: Sendable, Equatable {
    /// Column name (R's model.matrix name).
    public let name: String
    /// log hazard ratio; nil when the column is aliased (R: NA).
    public let coef: Double?
    /// exp(coef).
    public let hazardRatio: Double?
    /// Model-based standard error (R: `se(coef)`).
    public let se: Double?
    /// Robust (cluster sandwich) standard error (R: `robust se`); nil without clusters.
    public let robustSE: Double?
    /// coef / se used (robust when clustered).
    public let z: Double?
    /// Two-sided Wald p-value.
    public let p: Double?
    /// HR confidence limits at the requested level (robust se when clustered).
    public let hrLower: Double?
    public let hrUpper: Double?
    /// The column was dropped as collinear or constant (R reports NA).
    public let aliased: Bool
    /// The estimate drifted towards +/- infinity (monotone likelihood).
    public let possiblyInfinite: Bool
}

/// A chi-square test (statistic, degrees of freedom, upper-tail p-value).
public struct CoxTest: Sendable, Equatable {
    public let chisq: Double
    public let df: Int
    public let p: Double
    public init(chisq: Double, df: Int) {
        self.chisq = chisq
        self.df = df
        self.p = df > 0 ? ChiSquared.sf(chisq, df: Double(df)) : .nan
    }
}

/// A warning attached to a fit: what happened, in words, and which columns it concerns.
public struct CoxWarning: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case infiniteCoefficient = "infinite_coefficient"
        case notConverged = "not_converged"
        case aliased = "aliased"
        case fewEventsPerParameter = "few_events_per_parameter"
    }
    public let kind: Kind
    public let message: String
    public let columns: [String]
}

/// One Newton–Raphson evaluation, for the `explain` view.
public struct CoxIterationStep: Sendable, Equatable {
    /// 0 = the start (beta = 0); then R's iteration counter.
    public let iteration: Int
    /// Coefficients at which the log-likelihood was evaluated (original units).
    public let beta: [Double]
    public let loglik: Double
    /// The Newton step taken from here (nil when the point was rejected or is final).
    public let step: [Double]?
    /// How many times the step leading here had been halved (0 = full Newton step).
    public let halving: Int
    /// Whether the point improved the log-likelihood and was accepted.
    public let accepted: Bool
    /// Relative change |1 - L_best / L| that the convergence test compared with eps.
    public let relativeChange: Double?
}

/// The fitted Cox model (R's coxph object plus summary.coxph).
public struct CoxFitResult: Sendable {
    public let ties: CoxTies
    public let level: Double
    /// Rows used and events.
    public let n: Int
    public let events: Int
    /// Number of strata (1 without strata) and of clusters (nil without clusters).
    public let strataCount: Int
    public let clusterCount: Int?
    public let columnNames: [String]
    /// Estimates per column (NaN for aliased columns).
    public let beta: [Double]
    /// Per-column summary rows.
    public let coefficients: [CoxCoefficient]
    /// Model-based variance (inverse information), p x p row-major, zero rows/cols for aliased.
    public let naiveVariance: [Double]
    /// Robust sandwich variance (clusters only).
    public let robustVariance: [Double]?
    /// The variance used for se, z, CI and the Wald test (robust when clustered): R's fit$var.
    public var variance: [Double] { robustVariance ?? naiveVariance }
    /// Log partial likelihood at beta = 0 and at the estimate (R: fit$loglik).
    public let loglik: [Double]
    public let lrTest: CoxTest
    public let waldTest: CoxTest
    public let scoreTest: CoxTest
    /// R's robust score test (summary.coxph "Robust"), clusters only.
    public let robustScoreTest: CoxTest?
    public let concordance: ConcordanceResult?
    /// R's fit$iter (coxfit6 counts iter.max + 1 when it runs out of iterations).
    public let iterations: Int
    /// Newton–Raphson iterations actually run (iter.max when the fit ran out): the count to show
    /// next to the non-convergence warning, which names iter.max.
    public var iterationsRun: Int { trace.last?.iteration ?? 0 }
    public let converged: Bool
    /// R's fit$means (0 for columns with values in {-1, 0, 1}).
    public let means: [Double]
    /// R's fit$linear.predictors (input row order).
    public let linearPredictors: [Double]
    /// Score vector at the estimate (original units) — the Newton step that would follow is U V.
    public let finalScore: [Double]
    public let trace: [CoxIterationStep]
    public let warnings: [CoxWarning]
    /// Warning texts only.
    public var warningMessages: [String] { warnings.map(\.message) }
}

/// Cox proportional hazards fitting (namespace).
public enum CoxFit {
    /// Fits a Cox model as R's `coxph(..., ties=, control=)` and summarises it as
    /// `summary(fit, conf.int = level)`.
    /// - Parameters:
    ///   - data: design matrix, outcome, strata, clusters.
    ///   - ties: `.efron` (R's default) or `.breslow`.
    ///   - level: confidence level of the hazard-ratio intervals.
    ///   - control: iteration and tolerance settings (R's coxph.control defaults).
    ///   - concordance: also compute Harrell's C and its standard error.
    ///   - cancel: polled inside every pass over the rows; throws `CancellationError` when it fires.
    ///   - start: `CoxFit.start(data, ties:)` (or its `kept()` form) from an earlier fit of the same
    ///     data, whose set-up and evaluation at beta = 0 are then not redone (the same result).
    public static func fit(_ data: CoxData, ties: CoxTies = .efron, level: Double = 0.95,
                           control: CoxControl = .default, concordance: Bool = true,
                           cancel: Cancellation = .never, start: CoxFitStart? = nil) throws -> CoxFitResult {
        try fit(data, ties: ties, level: level, control: control, concordance: concordance, cancel: cancel,
                algorithm: .automatic, start: start)
    }

    /// `fit` with the partial-likelihood algorithm chosen (tests compare the two; a `start` brings its own).
    static func fit(_ data: CoxData, ties: CoxTies, level: Double, control: CoxControl, concordance: Bool,
                    cancel: Cancellation, algorithm: CoxAlgorithm, start: CoxFitStart? = nil) throws -> CoxFitResult {
        guard level > 0 && level < 1 else { throw CoxError.invalidArgument("level must be between 0 and 1") }
        let events = data.eventCount
        guard events > 0 else { throw CoxError.noEvents }
        if let s = start, s.n != data.n || s.p != data.p || s.ties != ties {
            throw CoxError.invalidArgument("the fit's start was made for \(s.n) rows, \(s.p) columns and ties=\(s.ties.rawValue), "
                                           + "not \(data.n), \(data.p) and ties=\(ties.rawValue)")
        }
        // The sorted design (n x p) of the sorted path is released before the concordance is computed
        // (it is made, when no start is given, and dropped in `core`).
        let (fit, input) = try core(data, events: events, ties: ties, level: level, control: control,
                                    concordance: concordance, cancel: cancel, algorithm: algorithm, start: start)
        guard let input else { return fit }
        return fit.with(concordance: try input.compute(lp: fit.linearPredictors, cancel: cancel))
    }

    private static func core(_ data: CoxData, events: Int, ties: CoxTies, level: Double, control: CoxControl,
                             concordance: Bool, cancel: Cancellation, algorithm: CoxAlgorithm,
                             start given: CoxFitStart?) throws -> (CoxFitResult, CoxConcordanceInput?) {
        let start = try given ?? Self.start(data, ties: ties, algorithm: algorithm, cancel: cancel)
        let rs = start.evaluator(for: data, cancel: cancel)
        let p = data.p
        let names = data.columnNames
        var trace: [CoxIterationStep] = []

        // ---- iteration 0 at beta = 0 (evaluated by the start)
        var beta = [Double](repeating: 0, count: p)          // scaled units: last good point
        let ev0 = start.initial
        let loglik0 = ev0.loglik
        let chol0 = CoxCholesky(ev0.information, p: p, toler: control.tolerChol)
        let step0 = chol0.solve(ev0.score)
        var sctest = 0.0
        for j in 0..<p { sctest += ev0.score[j] * step0[j] }
        let rank0 = chol0.rank

        var final = ev0
        var finalChol = chol0
        var converged = false
        var iterations = 0
        let maxiter = control.iterMax
        // The linear predictor made with the latest evaluation (ranked evaluator), for the columns
        // that the latest information found aliased: when the fit ends at that point with those
        // columns aliased, it is R's fit$linear.predictors and no pass over the design is needed.
        var speculated: (plan: CoxLinearPredictorPlan, lp: [Double])? = nil
        var aliasedGuess = chol0.singular
        func evaluate(_ b: [Double]) -> CoxEvaluation {
            speculated = nil                      // the old one is not held through the next evaluation
            let plan = CoxLinearPredictorPlan(betaScaled: b, aliased: aliasedGuess, scale: rs.scale, means: rs.means)
            let (ev, lp) = rs.evaluate(b, ties: ties, linearPredictor: plan)
            if let lp { speculated = (plan, lp) }
            return ev
        }
        trace.append(CoxIterationStep(iteration: 0, beta: rs.toOriginal(beta), loglik: loglik0,
                                      step: maxiter > 0 ? rs.toOriginal(step0) : nil, halving: 0,
                                      accepted: true, relativeChange: nil))
        if maxiter == 0 || p == 0 || !loglik0.isFinite {
            converged = p == 0
        } else if !rs.counting {
            // coxfit6 semantics
            var best = loglik0
            var newbeta = (0..<p).map { beta[$0] + step0[$0] }
            var halving = 0
            var iter = 1
            var done = false
            while iter <= maxiter {
                let ev = evaluate(newbeta)
                try cancel.check()
                let chol = CoxCholesky(ev.information, p: p, toler: control.tolerChol)
                aliasedGuess = chol.singular
                let notFinite = !ev.loglik.isFinite || ev.score.contains { !$0.isFinite }
                    || ev.information.contains { !$0.isFinite }
                let rel = abs(1 - best / ev.loglik)
                if !notFinite && rel <= control.eps {
                    trace.append(CoxIterationStep(iteration: iter, beta: rs.toOriginal(newbeta), loglik: ev.loglik,
                                                  step: nil, halving: halving, accepted: true, relativeChange: rel))
                    beta = newbeta
                    final = ev
                    finalChol = chol
                    converged = true
                    done = true
                    break
                }
                if notFinite || ev.loglik < best {
                    trace.append(CoxIterationStep(iteration: iter, beta: rs.toOriginal(newbeta), loglik: ev.loglik,
                                                  step: nil, halving: halving, accepted: false, relativeChange: rel))
                    halving += 1
                    let h = Double(halving)
                    for j in 0..<p { newbeta[j] = (newbeta[j] + h * beta[j]) / (h + 1) }
                } else {
                    let step = chol.solve(ev.score)
                    trace.append(CoxIterationStep(iteration: iter, beta: rs.toOriginal(newbeta), loglik: ev.loglik,
                                                  step: rs.toOriginal(step), halving: halving, accepted: true,
                                                  relativeChange: rel))
                    halving = 0
                    best = ev.loglik
                    beta = newbeta
                    for j in 0..<p { newbeta[j] += step[j] }
                }
                iter += 1
            }
            iterations = done ? iter : maxiter + 1
            if !done {
                // ran out: the last good beta with its log-likelihood and information
                final = evaluate(beta)
                try cancel.check()
                finalChol = CoxCholesky(final.information, p: p, toler: control.tolerChol)
            }
        } else {
            // agfit4 semantics
            var best = loglik0
            var oldbeta = beta
            var cur = (0..<p).map { beta[$0] + step0[$0] }
            var halving = 0
            var iter = 1
            while true {
                let ev = rs.evaluate(cur, ties: ties)
                try cancel.check()
                let chol = CoxCholesky(ev.information, p: p, toler: control.tolerChol)
                var fail = 0
                for j in 0..<p where !ev.information[j * p + j].isFinite { fail += 1 }
                if !ev.loglik.isFinite { fail += 1 }
                fail += abs(rank0 - chol.rank)
                let rel = abs(1 - best / ev.loglik)
                if fail == 0 && halving == 0 && rel <= control.eps {
                    trace.append(CoxIterationStep(iteration: iter, beta: rs.toOriginal(cur), loglik: ev.loglik,
                                                  step: nil, halving: halving, accepted: true, relativeChange: rel))
                    beta = cur; final = ev; finalChol = chol; converged = true
                    break
                }
                if iter == maxiter {
                    trace.append(CoxIterationStep(iteration: iter, beta: rs.toOriginal(cur), loglik: ev.loglik,
                                                  step: nil, halving: halving, accepted: ev.loglik >= best,
                                                  relativeChange: rel))
                    if maxiter > 1 && (ev.loglik - best) / abs(best) < -control.eps {
                        beta = oldbeta
                        final = rs.evaluate(beta, ties: ties)
                        try cancel.check()
                        finalChol = CoxCholesky(final.information, p: p, toler: control.tolerChol)
                    } else {
                        beta = cur; final = ev; finalChol = chol
                    }
                    break
                }
                if fail > 0 || ev.loglik < best {
                    trace.append(CoxIterationStep(iteration: iter, beta: rs.toOriginal(cur), loglik: ev.loglik,
                                                  step: nil, halving: halving, accepted: false, relativeChange: rel))
                    halving += 1
                    let h = Double(halving)
                    for j in 0..<p { cur[j] = (oldbeta[j] * h + cur[j]) / (h + 1) }
                } else {
                    let step = chol.solve(ev.score)
                    trace.append(CoxIterationStep(iteration: iter, beta: rs.toOriginal(cur), loglik: ev.loglik,
                                                  step: rs.toOriginal(step), halving: halving, accepted: true,
                                                  relativeChange: rel))
                    halving = 0
                    best = ev.loglik
                    oldbeta = cur
                    for j in 0..<p { cur[j] += step[j] }
                }
                iter += 1
            }
            iterations = iter
        }

        // ---- back to original units
        let aliased = (0..<p).map { finalChol.singular[$0] }
        let invScaled = finalChol.inverse()
        var naiveVar = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for j in 0..<p { naiveVar[i * p + j] = invScaled[i * p + j] * rs.scale[i] * rs.scale[j] } }
        let coefOrig = rs.toOriginal(beta)
        let scoreOrig = (0..<p).map { final.score[$0] / rs.scale[$0] }
        var betaOut = coefOrig
        for j in 0..<p where aliased[j] { betaOut[j] = .nan }

        // linear predictors (R: X beta - sum(means * beta), aliased coefficients as 0)
        let lpPlan = CoxLinearPredictorPlan(betaScaled: beta, aliased: aliased, scale: rs.scale, means: rs.means)
        let lp: [Double]
        if let s = speculated, s.plan.matches(lpPlan) {
            lp = s.lp
        } else {
            lp = linearPredictor(data, plan: lpPlan, cancel: cancel)
        }
        try cancel.check()

        // ---- warnings
        var warnings: [CoxWarning] = []
        var infinite = [Bool](repeating: false, count: p)
        if maxiter > 1 && p > 0 {
            if !converged {
                warnings.append(CoxWarning(
                    kind: .notConverged,
                    message: "The fit did not converge in \(maxiter) iterations (R: \"Ran out of iterations and did not converge\"); "
                        + "the estimates are from the last iteration that improved the likelihood and should not be trusted.",
                    columns: []))
            } else {
                var uv = [Double](repeating: 0, count: p)
                for j in 0..<p { for k in 0..<p { uv[j] += scoreOrig[k] * naiveVar[k * p + j] } }
                for j in 0..<p where !aliased[j] {
                    let a = abs(uv[j])
                    if !scoreOrig[j].isFinite {
                        infinite[j] = true
                    } else if rs.counting {
                        infinite[j] = a > control.tolerInf * (1 + abs(coefOrig[j]))
                    } else {
                        infinite[j] = a > control.eps && a > control.tolerInf * abs(coefOrig[j])
                    }
                }
                let inf = (0..<p).filter { infinite[$0] }
                if !inf.isEmpty {
                    let nm = inf.map { names[$0] }
                    let list = nm.map { "'\($0)'" }.joined(separator: ", ")
                    let rnum = inf.map { String($0 + 1) }.joined(separator: ",")
                    warnings.append(CoxWarning(
                        kind: .infiniteCoefficient,
                        message: "The estimate for \(list) keeps growing without limit (monotone likelihood), usually because a "
                            + "group has no events or the covariate separates events from non-events. Its hazard ratio, confidence "
                            + "interval and p-value are not meaningful; consider merging categories or a Firth-penalised fit "
                            + "(R: \"Loglik converged before variable \(rnum); coefficient may be infinite\").",
                        columns: nm))
                }
            }
        }
        let aliasedIdx = (0..<p).filter { aliased[$0] }
        if !aliasedIdx.isEmpty {
            let nm = aliasedIdx.map { names[$0] }
            warnings.append(CoxWarning(
                kind: .aliased,
                message: "\(nm.map { "'\($0)'" }.joined(separator: ", ")) \(nm.count == 1 ? "is" : "are") constant or an exact "
                    + "combination of other columns and \(nm.count == 1 ? "was" : "were") dropped from the fit (R reports NA).",
                columns: nm))
        }
        let df = p - aliasedIdx.count
        if df > 0 && Double(events) / Double(df) < 10 {
            let epv = Double(events) / Double(df)
            warnings.append(CoxWarning(
                kind: .fewEventsPerParameter,
                message: String(format: "Only %.1f events per estimated coefficient (%d events, %d coefficients); with fewer than "
                    + "about 10 the estimates can be biased and the confidence intervals unreliable.", epv, events, df),
                columns: []))
        }

        // ---- robust variance
        var robustVar: [Double]? = nil
        var robustScore: CoxTest? = nil
        var clusterCount: Int? = nil
        if let cl = data.cluster, p > 0, case .sorted(let rs) = rs {   // clusters always take the sorted path
            var map: [Int32: Int] = [:]
            var clusterOf = [Int](repeating: 0, count: data.n)
            for i in 0..<data.n {
                let c = cl[Int(rs.order[i])]
                if let k = map[c] { clusterOf[i] = k } else { let k = map.count; map[c] = k; clusterOf[i] = k }
            }
            let nc = map.count
            clusterCount = nc
            // dfbeta at the estimate, summed within clusters
            let res = rs.scoreResidualsSorted(beta, ties: ties)
            try cancel.check()
            let coll = rs.collapse(res, clusterOf: clusterOf, nClusters: nc)
            // original units: L_orig = L_scaled / scale; D = L_orig V
            var rv = [Double](repeating: 0, count: p * p)
            var drow = [Double](repeating: 0, count: p)
            for c in 0..<nc {
                for j in 0..<p {
                    var s = 0.0
                    for k in 0..<p { s += coll[c * p + k] / rs.scale[k] * naiveVar[k * p + j] }
                    drow[j] = s
                }
                for a in 0..<p { for b in 0..<p { rv[a * p + b] += drow[a] * drow[b] } }
            }
            robustVar = rv
            // robust score test at beta = 0
            let res0 = rs.scoreResidualsSorted([Double](repeating: 0, count: p), ties: ties)
            try cancel.check()
            let coll0 = rs.collapse(res0, clusterOf: clusterOf, nClusters: nc)
            var u0 = [Double](repeating: 0, count: p)
            var s0 = [Double](repeating: 0, count: p * p)
            for c in 0..<nc {
                for a in 0..<p {
                    let va = coll0[c * p + a] / rs.scale[a]
                    u0[a] += va
                    for b in 0..<p { s0[a * p + b] += va * coll0[c * p + b] / rs.scale[b] }
                }
            }
            let ch = CoxCholesky(s0, p: p, toler: control.tolerChol)
            robustScore = CoxTest(chisq: ch.quadraticForm(u0), df: df)
        }

        // ---- tests
        let usedVar = robustVar ?? naiveVar
        let keep = (0..<p).filter { !aliased[$0] }
        var subVar = [Double](repeating: 0, count: keep.count * keep.count)
        for (a, i) in keep.enumerated() { for (b, j) in keep.enumerated() { subVar[a * keep.count + b] = usedVar[i * p + j] } }
        let wchol = CoxCholesky(subVar, p: keep.count, toler: control.tolerChol)
        let wald = keep.isEmpty ? 0 : wchol.quadraticForm(keep.map { coefOrig[$0] })
        let lr = 2 * (final.loglik - loglik0)

        // ---- coefficient table
        let zq = Normal.quantile((1 + level) / 2)
        var rows: [CoxCoefficient] = []
        for j in 0..<p {
            if aliased[j] {
                rows.append(CoxCoefficient(name: names[j], coef: nil, hazardRatio: nil, se: nil, robustSE: nil, z: nil, p: nil,
                                           hrLower: nil, hrUpper: nil, aliased: true, possiblyInfinite: false))
                continue
            }
            let b = coefOrig[j]
            let nse = naiveVar[j * p + j].squareRoot()
            let rse = robustVar.map { $0[j * p + j].squareRoot() }
            let se = rse ?? nse
            let z = b / se
            rows.append(CoxCoefficient(name: names[j], coef: b, hazardRatio: exp(b), se: nse, robustSE: rse, z: z,
                                       p: ChiSquared.sf(z * z, df: 1), hrLower: exp(b - zq * se), hrUpper: exp(b + zq * se),
                                       aliased: false, possiblyInfinite: infinite[j]))
        }

        let result = CoxFitResult(
            ties: ties, level: level, n: data.n, events: events, strataCount: rs.strataCount,
            clusterCount: clusterCount, columnNames: names, beta: betaOut, coefficients: rows,
            naiveVariance: naiveVar, robustVariance: robustVar, loglik: [loglik0, final.loglik],
            lrTest: CoxTest(chisq: lr, df: df), waldTest: CoxTest(chisq: wald, df: df),
            scoreTest: CoxTest(chisq: sctest, df: df), robustScoreTest: robustScore, concordance: nil,
            iterations: iterations, converged: converged, means: rs.means, linearPredictors: lp,
            finalScore: scoreOrig, trace: trace, warnings: warnings)
        try cancel.check()
        return (result, concordance ? try rs.concordanceInput(lp: lp, cluster: data.cluster, cancel: cancel) : nil)
    }
}

extension CoxFit {
    /// X coef - offset per row (input order) as `plan` sums it, on CoxParallel's row chunks in blocks
    /// polling `cancel` (the same numbers for every number of threads).
    static func linearPredictor(_ data: CoxData, plan: CoxLinearPredictorPlan, cancel: Cancellation) -> [Double] {
        let n = data.n
        let chunks = CoxParallel.chunkCount(n)
        let rgs = CoxParallel.ranges(n, chunks: chunks)
        var lp = [Double](repeating: 0, count: n)
        data.columns.withUnsafeBufferPointer { colArr in
            let ptrs = (0..<data.p).map { j in colArr[j].withUnsafeBufferPointer { $0.baseAddress ?? UnsafePointer(bitPattern: 8)! } }
            ptrs.withUnsafeBufferPointer { cp in
            lp.withUnsafeMutableBufferPointer { lb in
                let sh = UncheckedBox((lb.baseAddress!, cp.baseAddress ?? UnsafePointer(bitPattern: 8)!))
                CoxParallel.run(chunks) { k in
                    let (out, cols) = sh.value
                    cancel.inBlocks(rgs[k]) { rows in plan.write(rows: rows.lowerBound, count: rows.count, columns: cols,
                                                                 into: out + rows.lowerBound) }
                }
            }}
        }
        return lp
    }
}

extension CoxFitResult {
    /// The same result with the concordance filled in.
    func with(concordance: ConcordanceResult?) -> CoxFitResult {
        CoxFitResult(ties: ties, level: level, n: n, events: events, strataCount: strataCount, clusterCount: clusterCount,
                     columnNames: columnNames, beta: beta, coefficients: coefficients, naiveVariance: naiveVariance,
                     robustVariance: robustVariance, loglik: loglik, lrTest: lrTest, waldTest: waldTest,
                     scoreTest: scoreTest, robustScoreTest: robustScoreTest, concordance: concordance,
                     iterations: iterations, converged: converged, means: means, linearPredictors: linearPredictors,
                     finalScore: finalScore, trace: trace, warnings: warnings)
    }
}
