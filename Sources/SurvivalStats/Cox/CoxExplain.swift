// CoxExplain.swift — the pieces of a Cox fit a student recomputes by hand (`cox ... explain`):
// the score U(beta) and information I(beta) at any coefficients, and, per event time, the risk-set
// sums and the Efron (or Breslow) denominators that make up the log partial likelihood.
//
// Contract
//   Inputs   : a validated CoxData, coefficients in the original units of its columns (no NaN), ties.
//   Outputs  : CoxScoreInformation — loglik, U (p), I (p × p), in original units (the partial
//              likelihood does not depend on centring; the scaling of CoxRiskSet, x* = (x − c) · scale,
//              is undone: U_j = U*_j / scale_j, I_jk = I*_jk / (scale_j scale_k)).
//              CoxRiskSetTerm per event time of each stratum: n at risk, d deaths, the sum of eta over
//              the deaths, S0 = sum of exp(eta) over the risk set, D0 = the same over the deaths, the
//              denominators of the d terms and the time's contribution to the log-likelihood:
//                Efron:   sum_deaths eta − sum_{k=1..d} log(S0 − ((k−1)/d) D0)
//                Breslow: sum_deaths eta − d log S0.
//              Risk set at t: the rows of the stratum with start < t <= stop (a row censored at t is in it).
//   Method   : U and I from CoxPartialLikelihood (the same code the fit runs); the risk-set terms by a
//              direct O(n · times) pass over the rows, independent of the fitting code, with eta
//              centred at the column means (any centring gives the same terms up to rounding).
//   Reference: Efron (1977) JASA 72:557; Therneau & Grambsch (2000) §3.3.

import Foundation

public struct CoxScoreInformation: Sendable, Equatable {
    public let loglik: Double
    public let score: [Double]
    /// p × p, row-major.
    public let information: [Double]
}

public struct CoxRiskSetTerm: Sendable, Equatable {
    public let stratum: Int32
    public let time: Double
    public let atRisk: Int
    public let deaths: Int
    public let etaDeaths: Double
    public let s0: Double
    public let d0: Double
    public let denominators: [Double]
    public let loglikTerm: Double
}

public enum CoxExplain {
    /// loglik, U and I at `beta` (original units). `cancel` is polled as in the fit (CancellationError).
    public static func scoreInformation(_ data: CoxData, beta: [Double], ties: CoxTies,
                                        cancel: Cancellation = .never) throws -> CoxScoreInformation {
        let rs = try CoxRiskSet(data, cancel: cancel)
        let p = data.p
        let scaled = (0..<p).map { rs.scale[$0] == 0 ? 0 : beta[$0] / rs.scale[$0] }
        let ev = rs.evaluate(scaled, ties: ties)
        try cancel.check()
        // The sorted design is x* = (x − centre) · scale (CoxRiskSet.toOriginal: beta = beta* · scale),
        // so dl/dbeta = dl/dbeta* / scale.
        let score = (0..<p).map { rs.scale[$0] == 0 ? 0 : ev.score[$0] / rs.scale[$0] }
        var info = ev.information
        for a in 0..<p { for b in 0..<p where rs.scale[a] != 0 && rs.scale[b] != 0 { info[a * p + b] /= rs.scale[a] * rs.scale[b] } }
        return CoxScoreInformation(loglik: ev.loglik, score: score, information: info)
    }

    /// The log-likelihood's terms per event time at `beta` (original units). `cancel` is polled before
    /// each event time's pass over the rows (CancellationError).
    public static func riskSetTerms(_ data: CoxData, beta: [Double], ties: CoxTies,
                                    cancel: Cancellation = .never) throws -> [CoxRiskSetTerm] {
        let n = data.n
        let means = data.columns.map { $0.reduce(0, +) / Double(n) }
        var eta = [Double](repeating: 0, count: n)
        for (j, col) in data.columns.enumerated() where beta[j] != 0 {
            for i in 0..<n { eta[i] += beta[j] * (col[i] - means[j]) }
        }
        let risk = eta.map { exp($0) }
        let stratum = data.strata ?? [Int32](repeating: 0, count: n)
        var keys = Set<[Double]>()
        var times: [(Int32, Double)] = []
        for i in 0..<n where data.event[i] && keys.insert([Double(stratum[i]), data.stop[i]]).inserted {
            times.append((stratum[i], data.stop[i]))
        }
        times.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return try times.map { (s, t) in
            try cancel.check()
            var atRisk = 0, deaths = 0
            var s0 = 0.0, d0 = 0.0, etaDeaths = 0.0
            for i in 0..<n where stratum[i] == s && data.stop[i] >= t && (data.start?[i] ?? -.infinity) < t {
                atRisk += 1
                s0 += risk[i]
                if data.stop[i] == t && data.event[i] {
                    deaths += 1
                    d0 += risk[i]
                    etaDeaths += eta[i]
                }
            }
            let d = Double(deaths)
            let denominators = ties == .efron
                ? (0..<deaths).map { s0 - Double($0) / d * d0 }
                : [Double](repeating: s0, count: deaths)
            return CoxRiskSetTerm(stratum: s, time: t, atRisk: atRisk, deaths: deaths, etaDeaths: etaDeaths, s0: s0, d0: d0,
                                  denominators: denominators,
                                  loglikTerm: etaDeaths - denominators.reduce(0) { $0 + log($1) })
        }
    }
}
