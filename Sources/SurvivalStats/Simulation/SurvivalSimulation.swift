// SurvivalSimulation.swift — survival data with a known hazard ratio, for exercises (`simulate`).
//
// Contract
//   Inputs   : SurvivalSimulationModel — n rows, `groups` arms (≥ 1), hazard ratio hr between
//              successive arms, Weibull shape and scale of the reference arm, the censored fraction
//              wanted (0 ≤ censor < 1) — and a generator (Xoshiro256StarStar, inout).
//   Outputs  : SimulatedSurvival — time, status (1 event, 0 censored), group (0, 1, ...) per row, and
//              the exponential censoring rate used with the censored fraction it implies.
//   Model    : arms: a random permutation (RandomVariates.permutation) of the balanced labels
//              0, 1, ..., groups−1, 0, 1, ... (arm sizes differ by at most one).
//              Event time of a row in arm g: proportional-hazards Weibull,
//                h(t) = hr^g · (shape/scale) (t/scale)^(shape−1),  S(t) = exp(−hr^g (t/scale)^shape),
//              drawn by inversion: T = scale (E / hr^g)^(1/shape), E = −log(u) ~ Exp(1).
//              So the hazard ratio of arm g against arm 0 is hr^g (for two arms: hr), constant in time.
//              Censoring time C ~ Exponential(rate c), independent of T; time = min(T, C),
//              status = [T ≤ C]. The rate c is solved so that the expected censored fraction
//                P(C < T) = mean over arms of ∫0^1 S_g(−log(v)/c) dv
//              equals `censor` (bisection on log c; the integral by the midpoint rule on 4096 cells,
//              accurate to about 1e-4); censor = 0 means no censoring. The realised fraction varies
//              around it by chance (sd about sqrt(censor (1 − censor) / n)).
//              Draw order: the permutation first, then per row u for T and u for C.
//   Cancellation: `cancel` is polled every Cancellation.stride rows (CancellationError).
//   Reference: Bender, Augustin & Blettner, "Generating survival times to simulate Cox proportional
//              hazards models", Stat Med 24 (2005) 1713–1723.

import Foundation

public struct SurvivalSimulationModel: Sendable, Equatable {
    public var n: Int
    public var hazardRatio: Double
    public var shape: Double
    public var scale: Double
    public var censoredFraction: Double
    public var groups: Int

    public init(n: Int, hazardRatio: Double, shape: Double = 1, scale: Double = 10, censoredFraction: Double = 0.3,
                groups: Int = 2) {
        self.n = n
        self.hazardRatio = hazardRatio
        self.shape = shape
        self.scale = scale
        self.censoredFraction = censoredFraction
        self.groups = groups
    }
}

public struct SimulatedSurvival: Sendable {
    public let time: [Double]
    public let status: [Int]
    public let group: [Int]
    /// The exponential censoring rate used (0: no censoring).
    public let censoringRate: Double
    /// The censored fraction that rate implies in expectation.
    public let expectedCensoredFraction: Double
}

public enum SurvivalSimulation {
    /// P(C < T) for exponential censoring at `rate`, averaged over the (equally sized) arms.
    public static func expectedCensoredFraction(rate: Double, model m: SurvivalSimulationModel) -> Double {
        if rate <= 0 { return 0 }
        let cells = 4096
        var total = 0.0
        for g in 0..<m.groups {
            let hr = pow(m.hazardRatio, Double(g))
            var sum = 0.0
            for i in 0..<cells {
                let v = (Double(i) + 0.5) / Double(cells)
                sum += exp(-hr * pow(-log(v) / (rate * m.scale), m.shape))
            }
            total += sum / Double(cells)
        }
        return total / Double(m.groups)
    }

    /// The censoring rate giving the model's censored fraction in expectation (0 for none).
    public static func censoringRate(_ m: SurvivalSimulationModel) -> Double {
        guard m.censoredFraction > 0 else { return 0 }
        var lo = log(1e-12 / m.scale), hi = log(1e12 / m.scale)
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if expectedCensoredFraction(rate: exp(mid), model: m) < m.censoredFraction { lo = mid } else { hi = mid }
            if hi - lo < 1e-12 { break }
        }
        return exp((lo + hi) / 2)
    }

    /// Draws the data set. Preconditions: n ≥ 1, groups ≥ 1, hr > 0, shape > 0, scale > 0, 0 ≤ censor < 1.
    public static func simulate<G: RandomNumberGenerator>(_ m: SurvivalSimulationModel, generator g: inout G,
                                                          cancel: Cancellation = .never) throws -> SimulatedSurvival {
        let rate = censoringRate(m)
        let order = RandomVariates.permutation(&g, count: m.n, cancel: cancel)
        try cancel.check()
        var group = [Int](repeating: 0, count: m.n)
        for (k, row) in order.enumerated() { group[row] = k % m.groups }
        var time = [Double](repeating: 0, count: m.n)
        var status = [Int](repeating: 0, count: m.n)
        for i in 0..<m.n {
            if cancel.stops(at: i) { throw CancellationError() }
            let e = -log(RandomVariates.uniform(&g))
            let t = m.scale * pow(e / pow(m.hazardRatio, Double(group[i])), 1 / m.shape)
            let u = RandomVariates.uniform(&g)
            let c = rate > 0 ? -log(u) / rate : Double.infinity
            time[i] = min(t, c)
            status[i] = t <= c ? 1 : 0
        }
        return SimulatedSurvival(time: time, status: status, group: group, censoringRate: rate,
                                 expectedCensoredFraction: expectedCensoredFraction(rate: rate, model: m))
    }
}
