// CoxPartialLikelihood+Recentred.swift — the partial likelihood of counting-process data with large
// linear predictors, accumulated as R's agfit4 does, recentring the risk scores on the way.
//
// Contract
//   Inputs:   a counting-process CoxRiskSet, coefficients (scaled units), ties.
//   Outputs:  loglik, score and information (scaled units), as CoxRiskSet.evaluate.
//   Used when: the data are (start, stop] and some |eta| exceeds 200. The fast two-pass evaluation
//             takes exp(eta) once per row; with a wide range of eta that overflows or underflows
//             where R does not, and a monotone-likelihood fit then leaves R's iteration path.
//   Algorithm (agfit4): one sweep per stratum from the largest stop time down; at each event time
//             rows leaving the risk set (start >= t) are subtracted and rows entering (stop >= t)
//             added to the running sums S0, S1, S2 (lower triangle), all kept relative to a centre
//             c: a row's weight is exp(eta - c). When the mean eta of the rows at risk drifts more
//             than 200 from c, c moves to that mean and the sums are rescaled by exp(-(change));
//             the deaths add eta - c to the log-likelihood, so nothing depends on c except rounding.
//             Efron/Breslow terms as coxfit6 (the k-th Efron term adds k/d of the deaths' sums).
//             O(n p^2) per evaluation.
//   Reference: Therneau & Grambsch (2000) §3.3, §8.
//   R convention: survival 3.5-x agfit4 (the 200 threshold; the centre is not reset between strata).

import Foundation

extension CoxRiskSet {
    func evaluateRecentred(_ beta: [Double], ties: CoxTies) -> CoxEvaluation {
        let p = self.p
        var eta = [Double](repeating: 0, count: n)
        for i in 0..<n { var s = 0.0; for j in 0..<p { s += x[i * p + j] * beta[j] }; eta[i] = s }
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var imat = [Double](repeating: 0, count: p * p)            // lower triangle [j * p + k], k <= j
        var a = [Double](repeating: 0, count: p), a2 = [Double](repeating: 0, count: p)
        var cmat = [Double](repeating: 0, count: p * p), cmat2 = [Double](repeating: 0, count: p * p)
        var recenter = 0.0
        let efron = ties == .efron
        func accumulate(_ sign: Double, _ r: Double, _ row: Int, into s1: inout [Double], _ s2: inout [Double]) {
            for j in 0..<p {
                let xj = x[row * p + j]
                s1[j] += sign * r * xj
                for k in 0...j { s2[j * p + k] += sign * r * xj * x[row * p + k] }
            }
        }
        for s in 0..<strataCount {
            let lo = strataBounds[s], hi = strataBounds[s + 1]
            var denom = 0.0, etasum = 0.0
            var nrisk = 0
            for j in 0..<p { a[j] = 0 }
            for q in 0..<(p * p) { cmat[q] = 0 }
            var person = hi - 1           // next row to add (stop descending)
            var leave = hi - 1            // next row to remove (start descending), index into startOrder
            while person >= lo {
                // next event time
                var k = person
                while k >= lo && event[k] == 0 { k -= 1 }
                if k < lo { break }
                let dtime = stop[k]
                // rows no longer at risk (R's order: start descending, ties in input order)
                while leave >= lo && start[Int(startOrder[leave])] >= dtime {
                    var first = leave
                    while first > lo && start[Int(startOrder[first - 1])] == start[Int(startOrder[leave])] { first -= 1 }
                    for q in first...leave {
                        let r = Int(startOrder[q])
                        nrisk -= 1
                        if nrisk == 0 {
                            etasum = 0; denom = 0
                            for j in 0..<p { a[j] = 0 }
                            for q2 in 0..<(p * p) { cmat[q2] = 0 }
                        } else {
                            etasum -= eta[r]
                            let risk = exp(eta[r] - recenter)
                            denom -= risk
                            accumulate(-1, risk, r, into: &a, &cmat)
                        }
                    }
                    leave = first - 1
                }
                // rows entering; the deaths' sums apart
                var denom2 = 0.0, deaths = 0
                for j in 0..<p { a2[j] = 0 }
                for q in 0..<(p * p) { cmat2[q] = 0 }
                // (R's order: stop descending, ties in input order)
                while person >= lo && stop[person] >= dtime {
                    var first = person
                    while first > lo && stop[first - 1] == stop[person] { first -= 1 }
                    for row in first...person {
                        nrisk += 1
                        etasum += eta[row]
                        if abs(etasum / Double(nrisk) - recenter) > 200 {
                            let change = etasum / Double(nrisk) - recenter
                            recenter = etasum / Double(nrisk)
                            if denom > 0 {
                                let f = exp(-change)
                                denom *= f
                                for j in 0..<p { a[j] *= f }
                                for q in 0..<(p * p) { cmat[q] *= f }
                            }
                        }
                        let risk = exp(eta[row] - recenter)
                        if event[row] != 0 && stop[row] == dtime {
                            deaths += 1
                            denom2 += risk
                            loglik += eta[row] - recenter
                            for j in 0..<p { u[j] += x[row * p + j] }
                            accumulate(1, risk, row, into: &a2, &cmat2)
                        } else {
                            denom += risk
                            accumulate(1, risk, row, into: &a, &cmat)
                        }
                    }
                    person = first - 1
                }
                let d = Double(deaths)
                let terms = efron ? deaths : 1
                let weight = efron ? 1.0 : d
                for t in 0..<terms {
                    let share = efron ? 1 / d : 1
                    denom += denom2 * share
                    loglik -= weight * log(denom)
                    for j in 0..<p {
                        a[j] += a2[j] * share
                        let mean = a[j] / denom
                        u[j] -= weight * mean
                        for k in 0...j {
                            cmat[j * p + k] += cmat2[j * p + k] * share
                            imat[j * p + k] += weight * (cmat[j * p + k] - mean * a[k]) / denom
                        }
                    }
                    _ = t
                }
            }
        }
        for j in 0..<p { for k in 0..<j { imat[k * p + j] = imat[j * p + k] } }
        return CoxEvaluation(loglik: loglik, score: u, information: imat)
    }
}
