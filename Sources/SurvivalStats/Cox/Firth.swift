// Firth.swift — Firth-penalised Cox regression (Heinze & Schemper 2001), as R's coxphf and
// SAS PHREG's FIRTH option.
//
// Contract
//   Inputs:   CoxData (right-censored or (start, stop], strata allowed; clusters ignored), CI level.
//   Preconditions: no aliased (collinear/constant) columns; at least one event.
//   Outputs:  penalised estimates, their model-based se (inverse information at the estimate),
//             hazard ratios with profile-penalised-likelihood confidence intervals, penalised
//             likelihood-ratio p-values per coefficient, the penalised log-likelihoods at 0 and at
//             the estimate and the global penalised LR test.
//   Method:   l*(b) = l(b) + 1/2 log det I(b), l the Breslow log partial likelihood (coxphf's
//             likelihood). Modified score U*_r = U_r + 1/2 tr(I^-1 dI/db_r), with
//             dI/db_r = sum_blocks d [S3_r/S0 - S2 S1_r/S0^2 - (S2_r S1' + S1 S2_r')/S0^2
//                                     + 2 S1 S1' S1_r/S0^3];
//             the traces are accumulated in one pass (tr(M S3_r) = sum_i r_i x_ir x_i'M x_i).
//             Newton-type iteration b <- b + I^-1 U* with step halving on l* (coxphf's scheme;
//             steps capped at 0.5 per coefficient as coxphf's maxstep), until max|step| < 1e-10.
//             Profile CI for b_r: the two roots of 2 (l*(b_hat) - max_{b_-r} l*(b_r, b_-r)) =
//             qchisq(level, 1), bracketed and refined by the Illinois (regula falsi) method.
//             p-value: the same statistic at b_r = 0, chi-square with 1 df.
//   Reference: Firth (1993) Biometrika 80:27; Heinze & Schemper (2001) Biometrics 57:114;
//             Heinze & Ploner, coxphf package documentation.
//   R convention: values match coxphf (ties by Breslow, pl = TRUE) up to its own convergence
//             tolerance; the reference values in Reference/cox.json are derived independently in
//             cox.R from survival's likelihood (see there).

import Foundation

/// One penalised coefficient.
public struct CoxFirthCoefficient: Sendable, Equatable {
    public let name: String
    public let coef: Double
    public let hazardRatio: Double
    /// sqrt of the diagonal of I(b)^-1 at the penalised estimate (coxphf's se(coef)).
    public let se: Double
    /// Profile penalised likelihood CI of the hazard ratio.
    public let hrLower: Double
    public let hrUpper: Double
    /// Penalised likelihood-ratio chi-square for b_r = 0 and its p-value.
    public let chisq: Double
    public let p: Double
}

/// A Firth-penalised Cox fit.
public struct CoxFirthResult: Sendable {
    public let level: Double
    public let n: Int
    public let events: Int
    public let coefficients: [CoxFirthCoefficient]
    /// Inverse information at the estimate, p x p row-major (original units).
    public let variance: [Double]
    /// Penalised log-likelihood at b = 0 and at the estimate (coxphf's loglik).
    public let penalizedLoglik: [Double]
    /// Unpenalised Breslow log partial likelihood at the estimate.
    public let loglik: Double
    /// Penalised likelihood-ratio test of all coefficients = 0.
    public let lrTest: CoxTest
    public let iterations: Int
    public let converged: Bool
    public let warnings: [String]
    /// The penalised Newton steps of the main fit (for `explain`), in original units.
    public var trace: [CoxFirthStep] = []
}

/// One accepted step of the penalised maximisation (original units).
public struct CoxFirthStep: Sendable, Equatable {
    public let iteration: Int
    /// Coefficients before the step, and l, 1/2 log det I and l* = l + 1/2 log det I there.
    public let beta: [Double]
    public let loglik: Double
    public let penalty: Double
    public let penalizedLoglik: Double
    /// The modified score U* = U + 1/2 tr(I^-1 dI/db) there.
    public let modifiedScore: [Double]
    /// The step I^-1 U* (after the 0.5 cap), and the fraction of it taken (1, 1/2, 1/4, ...).
    public let step: [Double]
    public let fraction: Double
}

public enum CoxFirth {
    /// Firth-penalised Cox fit with profile-likelihood CIs (Breslow ties, as coxphf). `cancel` is
    /// polled in every pass over the rows (CancellationError).
    public static func fit(_ data: CoxData, level: Double = 0.95, maxIterations: Int = 100,
                           cancel: Cancellation = .never) throws -> CoxFirthResult {
        guard level > 0 && level < 1 else { throw CoxError.invalidArgument("level must be between 0 and 1") }
        let events = data.eventCount
        guard events > 0 else { throw CoxError.noEvents }
        let rs = try CoxRiskSet(data, cancel: cancel)
        let p = data.p
        guard p > 0 else { throw CoxError.invalidArgument("Firth regression needs at least one column") }
        let ev0 = rs.firth(beta: [Double](repeating: 0, count: p))
        try cancel.check()
        if ev0.chol.rank < p {
            let bad = (0..<p).filter { ev0.chol.singular[$0] }.map { data.columnNames[$0] }
            throw CoxError.invalidArgument("columns \(bad.joined(separator: ", ")) are constant or collinear; remove them before a Firth fit")
        }
        let logScale = rs.scale.reduce(0) { $0 + log($1) }
        let all = Array(0..<p)
        var trace: [CoxFirthStep] = []
        let (bhat, fitted, iters, conv) = rs.firthMaximize(start: [Double](repeating: 0, count: p), free: all,
                                                           maxIterations: maxIterations) { it, beta, ev, step, fraction in
            trace.append(CoxFirthStep(iteration: it, beta: rs.toOriginal(beta), loglik: ev.loglik,
                                      penalty: ev.pl - ev.loglik - logScale, penalizedLoglik: ev.pl - logScale,
                                      modifiedScore: (0..<p).map { ev.ustar[$0] / rs.scale[$0] },
                                      step: rs.toOriginal(step), fraction: fraction))
        }
        try cancel.check()
        let inv = fitted.chol.inverse()
        var variance = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for j in 0..<p { variance[i * p + j] = inv[i * p + j] * rs.scale[i] * rs.scale[j] } }
        let crit = ChiSquared.quantile(level, df: 1)
        var warnings: [String] = []
        if !conv { warnings.append("The penalised fit did not converge in \(maxIterations) iterations.") }
        var rows: [CoxFirthCoefficient] = []
        for r in 0..<p {
            let free = all.filter { $0 != r }
            var warm = bhat
            func deviance(_ b: Double) throws -> Double {
                warm[r] = b
                let (bb, ev, _, _) = rs.firthMaximize(start: warm, free: free, maxIterations: maxIterations)
                try cancel.check()
                warm = bb
                return 2 * (fitted.pl - ev.pl)
            }
            let chi0 = max(0, try deviance(0))
            warm = bhat
            let seScaled = inv[r * p + r].squareRoot()
            let lo = try profileRoot(from: bhat[r], direction: -1, se: seScaled, crit: crit) { b in
                try deviance(b)
            }
            warm = bhat
            let hi = try profileRoot(from: bhat[r], direction: 1, se: seScaled, crit: crit) { b in
                try deviance(b)
            }
            let b = bhat[r] * rs.scale[r]
            rows.append(CoxFirthCoefficient(name: data.columnNames[r], coef: b, hazardRatio: exp(b),
                                            se: variance[r * p + r].squareRoot(),
                                            hrLower: exp(lo * rs.scale[r]), hrUpper: exp(hi * rs.scale[r]),
                                            chisq: chi0, p: ChiSquared.sf(chi0, df: 1)))
        }
        let plNull = ev0.pl - logScale
        let plHat = fitted.pl - logScale
        var result = CoxFirthResult(level: level, n: data.n, events: events, coefficients: rows, variance: variance,
                                    penalizedLoglik: [plNull, plHat], loglik: fitted.loglik,
                                    lrTest: CoxTest(chisq: 2 * (plHat - plNull), df: p), iterations: iters,
                                    converged: conv, warnings: warnings)
        result.trace = trace
        return result
    }

    /// Root of dev(b) = crit on one side of the estimate (dev(bhat) = 0, increasing away from it).
    static func profileRoot(from bhat: Double, direction: Double, se: Double, crit: Double,
                            _ dev: (Double) throws -> Double) rethrows -> Double {
        var a = bhat, fa = -crit
        var step = max(se, 1e-3)
        var b = bhat + direction * step
        var fb = try dev(b) - crit
        var expansions = 0
        while fb < 0 && expansions < 60 {
            a = b; fa = fb
            step *= 2
            b = bhat + direction * step
            fb = try dev(b) - crit
            expansions += 1
        }
        if fb < 0 { return direction * .infinity }
        // Illinois regula falsi on [a, b]
        var side = 0
        for _ in 0..<200 {
            let c = (a * fb - b * fa) / (fb - fa)
            let fc = try dev(c) - crit
            if abs(fc) < 1e-12 || abs(b - a) < 1e-12 * max(1, abs(c)) { return c }
            if (fc > 0) == (fb > 0) {
                b = c; fb = fc
                if side == -1 { fa /= 2 }
                side = -1
            } else {
                a = c; fa = fc
                if side == 1 { fb /= 2 }
                side = 1
            }
        }
        return (a + b) / 2
    }
}

struct CoxFirthEvaluation {
    /// penalised log-likelihood in scaled units (l + 1/2 log det I_scaled)
    var pl: Double
    var loglik: Double
    var ustar: [Double]
    var information: [Double]
    var chol: CoxCholesky
}

extension CoxRiskSet {
    /// l*, the modified score U* and I at `beta` (scaled units, Breslow ties).
    func firth(beta: [Double]) -> CoxFirthEvaluation {
        let (eta, risk) = riskScores(beta)
        let ev = evaluate(eta: eta, risk: risk, ties: .breslow, information: true, blockTerms: nil)
        let chol = CoxCholesky(ev.information, p: p, toler: 0)
        let m = chol.inverse()
        let pl = ev.loglik + 0.5 * chol.logDeterminant
        // traces: sum_blocks d * [T_r/S0 - Q0 S1_r/S0^2 - 2 (S2 M S1)_r/S0^2 + 2 (S1'M S1) S1_r/S0^3]
        var tr = [Double](repeating: 0, count: p)
        var s1 = [Double](repeating: 0, count: p), t = [Double](repeating: 0, count: p)
        var s2 = [Double](repeating: 0, count: p * p)
        var ms1 = [Double](repeating: 0, count: p)
        let x = self.x
        func q(_ i: Int) -> Double {
            let row = i * p
            var s = 0.0
            for a in 0..<p {
                var v = 0.0
                for b in 0..<p { v += m[a * p + b] * x[row + b] }
                s += x[row + a] * v
            }
            return s
        }
        for s in 0..<strataCount {
            let lo = strataBounds[s]
            var i = strataBounds[s + 1] - 1
            var j = i
            var s0 = 0.0, q0 = 0.0
            var nrisk = 0
            for k in 0..<p { s1[k] = 0; t[k] = 0 }
            for k in 0..<(p * p) { s2[k] = 0 }
            var b = blockBounds[s + 1] - 1
            func add(_ k: Int, _ sign: Double) {
                let r = sign * risk[k], row = k * p
                let rq = r * q(k)
                s0 += r; q0 += rq
                for a in 0..<p {
                    s1[a] += r * x[row + a]
                    t[a] += rq * x[row + a]
                    for c in 0..<p { s2[a * p + c] += r * x[row + a] * x[row + c] }
                }
            }
            var poll = CancelPoll(cancel)
            while b >= blockBounds[s] {
                let tm = blockTime[b]
                let above = i
                while i >= lo && stop[i] >= tm { add(i, 1); nrisk += 1; i -= 1 }
                if poll.stop(after: max(1, above - i)) { break }
                if counting {
                    while j >= lo {
                        let k = Int(startOrder[j])
                        if start[k] < tm { break }
                        nrisk -= 1
                        if nrisk == 0 {
                            s0 = 0; q0 = 0
                            for a in 0..<p { s1[a] = 0; t[a] = 0 }
                            for a in 0..<(p * p) { s2[a] = 0 }
                        } else { add(k, -1) }
                        j -= 1
                    }
                }
                let d = Double(blockDeaths[b])
                for a in 0..<p {
                    var v = 0.0
                    for c in 0..<p { v += m[a * p + c] * s1[c] }
                    ms1[a] = v
                }
                var s1ms1 = 0.0
                for a in 0..<p { s1ms1 += s1[a] * ms1[a] }
                let i1 = 1 / s0, i2 = i1 * i1, i3 = i2 * i1
                for r in 0..<p {
                    var s2ms1 = 0.0
                    for c in 0..<p { s2ms1 += s2[r * p + c] * ms1[c] }
                    tr[r] += d * (t[r] * i1 - q0 * s1[r] * i2 - 2 * s2ms1 * i2 + 2 * s1ms1 * s1[r] * i3)
                }
                b -= 1
            }
        }
        let ustar = (0..<p).map { ev.score[$0] + 0.5 * tr[$0] }
        return CoxFirthEvaluation(pl: pl, loglik: ev.loglik, ustar: ustar, information: ev.information, chol: chol)
    }

    /// Maximises l* over the `free` coefficients (others fixed at `start`). `record` sees each
    /// accepted step: iteration, the point it left (scaled units) with its evaluation, the full step
    /// (all coefficients, scaled) and the fraction of it taken.
    func firthMaximize(start: [Double], free: [Int], maxIterations: Int,
                       record: ((Int, [Double], CoxFirthEvaluation, [Double], Double) -> Void)? = nil)
        -> (beta: [Double], eval: CoxFirthEvaluation, iterations: Int, converged: Bool) {
        var beta = start
        var cur = firth(beta: beta)
        if free.isEmpty || cancel.isCancelled { return (beta, cur, 0, free.isEmpty) }
        let m = free.count
        for it in 1...max(1, maxIterations) {
            var sub = [Double](repeating: 0, count: m * m)
            for (a, i) in free.enumerated() { for (b, j) in free.enumerated() { sub[a * m + b] = cur.information[i * p + j] } }
            let ch = CoxCholesky(sub, p: m, toler: 1e-14)
            var step = ch.solve(free.map { cur.ustar[$0] })
            // coxphf: maxstep = 0.5 (in the original units)
            var big = 0.0
            for (a, i) in free.enumerated() { big = max(big, abs(step[a] * scale[i])) }
            if big > 0.5 { for a in 0..<m { step[a] *= 0.5 / big } }
            var accepted = false
            var trial = beta
            var ev = cur
            var f = 1.0
            for h in 0..<40 {
                f = pow(0.5, Double(h))
                trial = beta
                for (a, i) in free.enumerated() { trial[i] += f * step[a] }
                ev = firth(beta: trial)
                if cancel.isCancelled { return (beta, cur, it, false) }
                if ev.pl.isFinite && ev.pl >= cur.pl - 1e-13 * max(1, abs(cur.pl)) { accepted = true; break }
            }
            if !accepted { return (beta, cur, it, false) }
            if let record {
                var full = [Double](repeating: 0, count: p)
                for (a, i) in free.enumerated() { full[i] = step[a] }
                record(it, beta, cur, full, f)
            }
            beta = trial
            cur = ev
            var maxStep = 0.0
            for a in 0..<m { maxStep = max(maxStep, abs(step[a])) }
            if maxStep < 1e-10 { return (beta, cur, it, true) }
        }
        return (beta, cur, maxIterations, false)
    }
}
