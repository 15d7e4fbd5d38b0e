// TTestTests.swift — TTest against R's t.test on the shipped data (Reference/ttests.json, from ttests.R).
//
// Tolerance: every field within 1e-10 relative; p-values and other fields near 0 also pass within
// 1e-12 absolute. Error cases must throw the error whose message is R's.

import XCTest
@testable import SurvivalStats

final class TTestTests: XCTestCase {
    private typealias J = StatsReferenceJSON
    private let rel = 1e-10
    private let abs = 1e-12

    private func cases() throws -> [[String: Any]] {
        J.rows(try J.load("ttests"), "ttests")
    }

    private func run(_ c: [String: Any]) throws -> TTestResult {
        let x = J.doubles(c["x"])
        let y = c["y"].flatMap { $0 is NSNull ? nil : J.doubles($0) }
        let mu = J.double(c["mu"]) ?? 0
        let alternative = TestAlternative(rawValue: J.string(c["alternative"]) ?? "")!
        let level = J.double(c["conf_level"])!
        guard let y else {
            return try TTest.oneSample(x, mu: mu, alternative: alternative, confLevel: level)
        }
        if J.bool(c["paired"]) {
            return try TTest.paired(x, y, mu: mu, alternative: alternative, confLevel: level)
        }
        return try TTest.twoSample(x, y, mu: mu, varEqual: J.bool(c["var_equal"]), alternative: alternative,
                                   confLevel: level)
    }

    func testEnoughCasesOnTheShippedData() throws {
        let all = try cases()
        XCTAssertGreaterThanOrEqual(all.filter { $0["result"] != nil }.count, 15)
        XCTAssertTrue(all.contains { (J.string($0["name"]) ?? "").hasPrefix("NET mitoses liver vs primary, paired") })
        XCTAssertTrue(all.contains { (J.string($0["name"]) ?? "").hasPrefix("NET ki67 liver vs primary, paired") })
    }

    func testMatchesR() throws {
        for c in try cases() {
            guard let r = c["result"] as? [String: Any] else { continue }
            let name = J.string(c["name"]) ?? "?"
            let result: TTestResult
            do { result = try run(c) } catch {
                XCTFail("\(name): unexpected error \(error)")
                continue
            }
            XCTAssertEqual(result.kind.rawValue, J.string(c["kind"]), name)
            XCTAssertEqual(result.method.trimmingCharacters(in: .whitespaces),
                           J.string(r["method"])?.trimmingCharacters(in: .whitespaces), name)
            assertClose(result.t, J.double(r["t"]), rel: rel, abs: abs, "\(name): t")
            assertClose(result.df, J.double(r["df"]), rel: rel, abs: abs, "\(name): df")
            assertClose(result.p, J.double(r["p"]), rel: rel, abs: abs, "\(name): p")
            assertClose(result.ciLower, J.double(r["ci_lower"]), rel: rel, abs: abs, "\(name): ci_lower")
            assertClose(result.ciUpper, J.double(r["ci_upper"]), rel: rel, abs: abs, "\(name): ci_upper")
            assertClose(result.estimate, J.double(r["estimate"]), rel: rel, abs: abs, "\(name): estimate")
            assertClose(result.stderr, J.double(r["stderr"]), rel: rel, abs: abs, "\(name): stderr")
            XCTAssertEqual(result.n, J.doubles(r["n"]).map { Int($0) }, "\(name): n")
            let means = J.doubles(r["means"]), sds = J.doubles(r["sds"])
            XCTAssertEqual(result.means.count, means.count, "\(name): means")
            for (k, (a, e)) in zip(result.means, means).enumerated() {
                assertClose(a, e, rel: rel, abs: abs, "\(name): means[\(k)]")
            }
            for (k, (a, e)) in zip(result.sds, sds).enumerated() {
                assertClose(a, e, rel: rel, abs: abs, "\(name): sds[\(k)]")
            }
            if result.kind == .paired {
                assertClose(result.meanDifference, J.double(r["mean_difference"]), rel: rel, abs: abs, "\(name): mean diff")
                assertClose(result.sdDifference, J.double(r["sd_difference"]), rel: rel, abs: abs, "\(name): sd diff")
            }
        }
    }

    func testErrorsAreR() throws {
        var checked = 0
        for c in try cases() {
            guard let message = J.string(c["error"]) else { continue }
            let name = J.string(c["name"]) ?? "?"
            do {
                _ = try run(c)
                XCTFail("\(name): expected error '\(message)'")
            } catch let error as TTestError {
                XCTAssertEqual(error.description, message, name)
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 5)
    }

    func testInvalidArguments() {
        XCTAssertThrowsError(try TTest.oneSample([1, 2, 3], confLevel: 1.5))
        XCTAssertThrowsError(try TTest.oneSample([1, 2, 3], mu: .nan))
        XCTAssertThrowsError(try TTest.paired([1, 2, 3], [1, 2]))
        XCTAssertThrowsError(try TTest.oneSample([.nan, 1])) { error in
            XCTAssertEqual((error as? TTestError)?.description, "not enough 'x' observations")
        }
    }

    func testHandWorkedOneSample() throws {
        // x = 1, 2, 3, 4: mean 2.5, sd √(5/3), stderr √(5/12), t = 2.5/√(5/12) = √15, df 3.
        let r = try TTest.oneSample([1, 2, 3, 4])
        assertClose(r.t, 15.0.squareRoot(), rel: 1e-15, abs: 0, "t")
        XCTAssertEqual(r.df, 3)
        assertClose(r.stderr, (5.0 / 12).squareRoot(), rel: 1e-15, abs: 0, "stderr")
        // Symmetric CI around the mean; p matches the t distribution directly.
        assertClose((r.ciLower + r.ciUpper) / 2, 2.5, rel: 1e-15, abs: 0, "CI centre")
        assertClose(r.p, 2 * StudentT.sf(15.0.squareRoot(), df: 3), rel: 1e-15, abs: 0, "p")
    }
}
