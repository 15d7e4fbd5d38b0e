// RandomTests.swift — the seeded generator equals the authors' reference C code (committed with
// its output in Reference/xoshiro256starstar.*), the variates have the documented ranges and
// moments (fixed seeds, generous bounds), the simulation reaches its censored fraction, and the
// log-rank power formulas give the numbers worked by hand from the published formulas.

import Foundation
import XCTest
@testable import SurvivalStats

final class RandomTests: XCTestCase {
    func testXoshiroMatchesReferenceC() throws {
        let ref = try StatsReferenceJSON.load("xoshiro256starstar")
        let streams = StatsReferenceJSON.rows(ref, "streams")
        XCTAssertEqual(streams.count, 5)
        for s in streams {
            let seed = UInt64(s["seed"] as! String)!
            var g = Xoshiro256StarStar(seed: seed)
            let expected = (s["outputs"] as! [String]).map { UInt64($0)! }
            XCTAssertEqual((0..<expected.count).map { _ in g.next() }, expected, "seed \(seed)")
        }
    }

    func testSplitMix64KnownValue() {
        // splitmix64 from state 0: the first output, as published with the reference code's test vectors.
        var sm = SplitMix64(seed: 0)
        XCTAssertEqual(sm.next(), 0xE220_A839_7B1D_CDAF)
    }

    func testUniformIsStrictlyInsideAndIntegersAreInRange() {
        var g = Xoshiro256StarStar(seed: 7)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 {
            let u = RandomVariates.uniform(&g)
            XCTAssertTrue(u > 0 && u < 1)
            counts[Int(RandomVariates.integer(&g, upTo: 6)) - 1] += 1
        }
        // Each face 10000 expected, sd about 91: 5 sd.
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 460) }
        let p = RandomVariates.permutation(&g, count: 1000)
        XCTAssertEqual(p.sorted(), Array(0..<1000))
        XCTAssertNotEqual(p, Array(0..<1000))
    }

    /// Sample means and variances of 100000 draws against the distributions' (bounds: 5 standard errors).
    func testMomentsOfTheDistributions() {
        var g = Xoshiro256StarStar(seed: 2024)
        let n = 100_000
        func check(_ name: String, mean: Double, variance: Double, _ draw: (inout Xoshiro256StarStar) -> Double) {
            let x = (0..<n).map { _ in draw(&g) }
            let m = x.reduce(0, +) / Double(n)
            let v = x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n - 1)
            XCTAssertEqual(m, mean, accuracy: 5 * (variance / Double(n)).squareRoot(), "\(name) mean")
            XCTAssertEqual(v, variance, accuracy: 0.05 * variance, "\(name) variance")
        }
        check("runif(2, 5)", mean: 3.5, variance: 9.0 / 12) { RandomVariates.uniform(&$0, min: 2, max: 5) }
        check("rnorm(1, 2)", mean: 1, variance: 4) { RandomVariates.normal(&$0, mean: 1, sd: 2) }
        check("rexp(0.5)", mean: 2, variance: 4) { RandomVariates.exponential(&$0, rate: 0.5) }
        let (k, lambda) = (1.3, 10.0)
        let g1 = tgamma(1 + 1 / k), g2 = tgamma(1 + 2 / k)
        check("rweibull(1.3, 10)", mean: lambda * g1, variance: lambda * lambda * (g2 - g1 * g1)) {
            RandomVariates.weibull(&$0, shape: k, scale: lambda)
        }
        check("rbinom(10, 0.3)", mean: 3, variance: 2.1) { RandomVariates.binomial(&$0, size: 10, prob: 0.3) }
        XCTAssertTrue(RandomVariates.exponential(&g, rate: -1).isNaN)
        XCTAssertTrue(RandomVariates.binomial(&g, size: 2.5, prob: 0.3).isNaN)
    }

    func testSimulationCensoringRateAndArms() throws {
        // hr = 1, shape 1, scale 10: event rate 0.1, so censoring rate c gives P(C < T) = c / (c + 0.1).
        let m = SurvivalSimulationModel(n: 100, hazardRatio: 1, shape: 1, scale: 10, censoredFraction: 0.25, groups: 2)
        assertClose(SurvivalSimulation.censoringRate(m), 0.1 / 3, rel: 1e-4, "rate for 25% censored")
        assertClose(SurvivalSimulation.expectedCensoredFraction(rate: 0.1, model: m), 0.5, rel: 1e-5, "P(C < T) at equal rates")
        // Two arms, exponential: P(C < T) = mean of c / (c + 0.1 hr^g).
        let m2 = SurvivalSimulationModel(n: 100, hazardRatio: 0.5, shape: 1, scale: 10, censoredFraction: 0.3, groups: 2)
        let c = 0.04
        assertClose(SurvivalSimulation.expectedCensoredFraction(rate: c, model: m2), (c / (c + 0.1) + c / (c + 0.05)) / 2,
                    rel: 1e-5, "two arms")
        XCTAssertEqual(SurvivalSimulation.censoringRate(SurvivalSimulationModel(n: 5, hazardRatio: 2, censoredFraction: 0)), 0)

        var g = Xoshiro256StarStar(seed: 11)
        let big = SurvivalSimulationModel(n: 40_000, hazardRatio: 0.6, shape: 1.3, scale: 10, censoredFraction: 0.3, groups: 3)
        let sim = try SurvivalSimulation.simulate(big, generator: &g)
        let censored = Double(sim.status.filter { $0 == 0 }.count) / Double(big.n)
        XCTAssertEqual(censored, sim.expectedCensoredFraction, accuracy: 5 * (0.21 / Double(big.n)).squareRoot())
        for arm in 0..<3 { XCTAssertTrue(abs(sim.group.filter { $0 == arm }.count - big.n / 3) <= 1) }
        XCTAssertTrue(sim.time.allSatisfy { $0 > 0 && $0.isFinite })
    }

    /// The documented model: without censoring, arm g's median is scale (log 2 / hr^g)^(1/shape).
    func testSimulatedMediansFollowTheWeibullModel() throws {
        var g = Xoshiro256StarStar(seed: 99)
        let m = SurvivalSimulationModel(n: 40_000, hazardRatio: 0.5, shape: 1.5, scale: 12, censoredFraction: 0, groups: 2)
        let sim = try SurvivalSimulation.simulate(m, generator: &g)
        XCTAssertTrue(sim.status.allSatisfy { $0 == 1 })
        XCTAssertEqual(sim.censoringRate, 0)
        for arm in 0..<2 {
            let t = zip(sim.time, sim.group).filter { $0.1 == arm }.map(\.0).sorted()
            let median = t[t.count / 2]
            let expected = 12 * pow(log(2.0) / pow(0.5, Double(arm)), 1 / 1.5)
            // The sample median of 20000 draws: relative se about 1.2 / (1.5 sqrt(20000)) = 0.6%; bound 3%.
            XCTAssertEqual(median, expected, accuracy: 0.03 * expected, "arm \(arm)")
        }
    }

    /// Hand-worked: z_0.975 = 1.959963984540054, z_0.8 = 0.8416212335729143 (published normal quantiles).
    func testLogRankPowerFormulasByHand() {
        let za = 1.959963984540054, zb80 = 0.8416212335729143, zb90 = 1.2815515655446004
        // Schoenfeld, hr 0.7, equal arms: D = 4 (za + zb)^2 / (log 0.7)^2 = 246.79...
        let schoenfeld = 4 * (za + zb80) * (za + zb80) / (log(0.7) * log(0.7))
        assertClose(LogRankPower.events(.schoenfeld, hr: 0.7, alpha: 0.05, power: 0.8), schoenfeld, rel: 1e-9, "Schoenfeld")
        XCTAssertEqual(schoenfeld.rounded(.up), 247)
        // Freedman, equal arms: D = (za + zb)^2 (1 + hr)^2 / (1 - hr)^2 = 252.04...
        let freedman = (za + zb80) * (za + zb80) * 1.7 * 1.7 / (0.3 * 0.3)
        assertClose(LogRankPower.events(.freedman, hr: 0.7, alpha: 0.05, power: 0.8), freedman, rel: 1e-9, "Freedman")
        XCTAssertEqual(freedman.rounded(.up), 253)
        // Unequal allocation p = 0.6, power 0.9: Schoenfeld (za+zb)^2 / (p(1-p) log^2 hr);
        // Freedman (za+zb)^2 (1 - p + p hr)^2 / (p (1-p) (1-hr)^2).
        let s2 = (za + zb90) * (za + zb90) / (0.24 * log(0.7) * log(0.7))
        let f2 = (za + zb90) * (za + zb90) * (0.4 + 0.42) * (0.4 + 0.42) / (0.24 * 0.09)
        assertClose(LogRankPower.events(.schoenfeld, hr: 0.7, alpha: 0.05, power: 0.9, p: 0.6), s2, rel: 1e-9, "Schoenfeld p=0.6")
        assertClose(LogRankPower.events(.freedman, hr: 0.7, alpha: 0.05, power: 0.9, p: 0.6), f2, rel: 1e-9, "Freedman p=0.6")
        // Power back from the exact event count, and one-sided z = qnorm(0.95) = 1.6448536269514722.
        assertClose(LogRankPower.power(.schoenfeld, hr: 0.7, alpha: 0.05, events: schoenfeld), 0.8, rel: 1e-9, "power round trip")
        let one = (1.6448536269514722 + zb80) * (1.6448536269514722 + zb80) * 4 / (log(0.5) * log(0.5))
        assertClose(LogRankPower.events(.schoenfeld, hr: 0.5, alpha: 0.05, power: 0.8, sides: 1), one, rel: 1e-9, "one-sided")
    }
}
