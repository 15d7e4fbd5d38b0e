// SimulateCommandTests.swift — seeded random functions in expressions, `simulate` and `power`
// (issue 17, item 11): the same seed gives the same numbers, an unseeded draw warns, a large
// simulated set gives back its hazard ratio, and power's explanation reproduces its numbers.

import SurvivalStats
import XCTest

final class SimulateCommandTests: XCTestCase {
    func column(_ sh: TestShell, _ name: String) -> [Double?] {
        guard let c = sh.session.frame.column(name) else { XCTFail("no column \(name)"); return [] }
        return (0..<c.count).map { c.number(at: $0) }
    }

    func testSeededFunctionsRepeatAndUnseededWarn() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("generate u0 = runif()")
        XCTAssertTrue(sh.sink.stderr.last?.contains("no seed was set") == true, "\(sh.sink.stderr)")
        for f in ["runif(2, 3)", "rnorm(0, 2)", "rexp(2)", "rweibull(1.3, 10)", "rbinom(5, 0.4)", "sample(2)", "sample(age)"] {
            sh.run("set seed=99")
            sh.run("generate a = \(f)")
            sh.run("set seed 99")
            sh.run("generate b = \(f)")
            XCTAssertEqual(column(sh, "a"), column(sh, "b"), f)
            sh.run("generate c = \(f)")
            XCTAssertNotEqual(column(sh, "a"), column(sh, "c"), "\(f): the stream moves on")
            sh.run("drop a b c")
        }
        // The first draws for seed 1 are fixed by the documented generator: u = ((x >> 11) + 0.5) 2^-53.
        sh.run("set seed=1")
        sh.run("generate u = runif()")
        var g = Xoshiro256StarStar(seed: 1)
        XCTAssertEqual(column(sh, "u")[0], (Double(g.next() >> 11) + 0.5) * 0x1p-53)
        // sample(COLUMN) permutes the values.
        sh.run("generate s = sample(age)")
        XCTAssertEqual(column(sh, "s").compactMap { $0 }.sorted(), column(sh, "age").compactMap { $0 }.sorted())
        // Bad parameters are one-line errors naming the function.
        XCTAssertTrue(sh.error("generate x = rexp(-1)").contains("rexp()'s rate = -1 is out of range"))
        XCTAssertTrue(sh.error("generate x = rweibull()").contains("rweibull() takes 1 to 2 arguments"))
        XCTAssertTrue(sh.error("generate x = sample(0)").contains("sample(K) needs a whole number"))
        XCTAssertTrue(sh.error("set seed=1.5").contains("seed must be a whole number"))
    }

    func testSimulateIsReproducibleAndRecoversTheHazardRatio() throws {
        let sh = TestShell()
        sh.run("simulate n=200 hr=0.6 shape=1.3 censor=0.3 seed=5")
        let first = column(sh, "time")
        sh.run("set seed=5")
        sh.run("simulate n=200 hr=0.6 shape=1.3 censor=0.3")
        XCTAssertEqual(column(sh, "time"), first)
        XCTAssertEqual(sh.session.outcome?.formulaText, "Surv(time, status)")

        // Statistical: 20000 rows, 2 arms; se(log hr) is about 0.017, so 0.1 is a generous bound.
        let sim = sh.json("simulate n=20000 hr=0.6 shape=1.3 censor=0.3 seed=2026")
        let censored = try XCTUnwrap(sim["censored_fraction"] as? Double)
        XCTAssertEqual(censored, 0.3, accuracy: 0.02)
        let cox = sh.json("cox ~ group")
        let term = try XCTUnwrap((cox["terms"] as? [[String: Any]])?.first)
        let hr = try XCTUnwrap(term["hr"] as? Double)
        XCTAssertEqual(log(hr), log(0.6), accuracy: 0.1, "hr \(hr)")
        // Three groups: hr per step, so group 2 against 0 is hr^2 (a trend in the log hazard).
        sh.run("simulate n=30000 hr=0.7 groups=3 censor=0.2 seed=8")
        let trend = sh.json("cox ~ factor(group)")
        let coefs = (trend["terms"] as? [[String: Any]])?.compactMap { $0["coef"] as? Double } ?? []
        XCTAssertEqual(coefs.count, 2)
        if coefs.count == 2 {
            XCTAssertEqual(coefs[0], log(0.7), accuracy: 0.1)
            XCTAssertEqual(coefs[1], 2 * log(0.7), accuracy: 0.1)
        }
        XCTAssertTrue(sh.error("simulate hr=0.6").contains("missing n="))
        XCTAssertTrue(sh.error("simulate n=10.5 hr=0.6").contains("n must be a whole number"))
    }

    /// power's table equals the published formulas, and its explanation reproduces the table.
    func testPowerNumbersAndExplanation() throws {
        let sh = TestShell()
        sh.run("set digits 12")
        let j = sh.json("power logrank hr=0.7")
        let methods = try XCTUnwrap(j["methods"] as? [[String: Any]])
        XCTAssertEqual(methods.map { $0["events"] as? Int }, [247, 253])
        let p = PrintedNumbers(sh.run("power logrank hr=0.7 power=0.9 p=0.6 pevent=0.4 explain").outputLines.joined(separator: "\n"))
        let za = p.after("z_a = qnorm(1 - alpha/2) =")[0], zb = p.result("z_b = qnorm(power) =")
        assertClose(za, Normal.quantile(0.975), "z_a")
        let schoenfeldTheta = p.result("Schoenfeld: theta =")
        assertClose(schoenfeldTheta, (0.24).squareRoot() * abs(log(0.7)), "Schoenfeld theta")
        let freedmanTheta = p.result("Freedman: theta =")
        assertClose(freedmanTheta, (0.24).squareRoot() * 0.3 / (0.4 + 0.6 * 0.7), "Freedman theta")
        let dLines = p.lines.filter { $0.contains("D = ((z_a + z_b) / theta)^2") }
        XCTAssertEqual(dLines.count, 2)
        for (line, theta) in zip(dLines, [schoenfeldTheta, freedmanTheta]) {
            let nums = PrintedNumbers.numbers(in: line[line.range(of: "= ((")!.upperBound...])
            let d = ((za + zb) / theta) * ((za + zb) / theta)
            assertClose(nums[nums.count - 2], d, rel: 1e-9, "D")
            XCTAssertEqual(nums.last, d.rounded(.up))
        }
        let subjects = p.lines.filter { $0.contains("subjects = ceiling(events / pevent)") }
        for line in subjects {
            let nums = PrintedNumbers.numbers(in: line[line.range(of: "= ceiling(")!.upperBound...])
            XCTAssertEqual(nums.last, (nums[0] / 0.4).rounded(.up))
        }
        // Power for a given number of events: Phi(theta sqrt(D) - z_a).
        let q = PrintedNumbers(sh.run("power logrank hr=0.6 events=120 explain").outputLines.joined(separator: "\n"))
        let parts = q.after("power = Phi(theta sqrt(D) - z_a) = Phi(")
        assertClose(parts.last!, Normal.cdf(parts[0] * parts[1].squareRoot() - parts[2]), rel: 1e-9, "power")
        XCTAssertTrue(sh.error("power logrank hr=1").contains("hr=1 has no effect"))
        XCTAssertTrue(sh.error("power logrank hr=0.7 n=100").contains("n= needs pevent="))
    }
}
