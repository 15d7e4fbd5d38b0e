// DistributionsTests.swift — Normal, StudentT, ChiSquared, FisherF and logGamma against R.
//
// Reference: Reference/distributions.json, written by Reference/distributions.R (R's pnorm, qnorm,
// pt, qt, pchisq, qchisq, pf, lgamma over a grid with extreme tails, df from 0.5 to 1e6 and
// non-integer df).
// Tolerances: 1e-12 relative throughout. Absolute parts: 1e-320 for probabilities (only matters for
// subnormal results, whose own resolution is 4.9e-324); 1e-14 for quantiles (R's qt(0.5, 0.5) is
// 2.6e-16 instead of 0); 1e-15 for lgamma (R's lgammafn is absolutely, not relatively, accurate
// near its zeros at 1 and 2). Quantile rows flagged `r_inexact` (R's qt/qchisq stop refining early
// in a few far tails) are compared with R's quantile polished by Newton on R's own cdf.

import XCTest
@testable import SurvivalStats

final class DistributionsTests: XCTestCase {
    private let rel = 1e-12
    private let probabilityAbs = Double.leastNonzeroMagnitude * 2048  // 1e-320: subnormal results only
    private let quantileAbs = 1e-14

    private func reference() throws -> [String: Any] {
        try StatsReferenceJSON.load("distributions")
    }

    private typealias J = StatsReferenceJSON

    func testReferenceFileRecordsVersions() throws {
        let meta = try reference()["meta"] as? [String: Any]
        XCTAssertNotNil(J.string(meta?["r_version"]))
    }

    func testLogGammaMatchesR() throws {
        let rows = J.rows(try reference(), "lgamma")
        XCTAssertGreaterThan(rows.count, 15)
        for row in rows {
            let x = J.double(row["x"])!
            assertClose(SpecialFunctions.logGamma(x), J.double(row["value"]), rel: rel, abs: 1e-15, "lgamma(\(x))")
        }
    }

    func testNormalCdfMatchesR() throws {
        let rows = J.rows(try reference(), "pnorm")
        XCTAssertGreaterThan(rows.count, 20)
        for row in rows {
            let x = J.double(row["x"])!
            assertClose(Normal.cdf(x), J.double(row["lower"]), rel: rel, abs: probabilityAbs, "pnorm(\(x))")
            assertClose(Normal.sf(x), J.double(row["upper"]), rel: rel, abs: probabilityAbs, "pnorm(\(x), lower=FALSE)")
        }
    }

    func testNormalQuantileMatchesR() throws {
        let rows = J.rows(try reference(), "qnorm")
        XCTAssertGreaterThan(rows.count, 20)
        for row in rows {
            let p = J.double(row["p"])!
            assertClose(Normal.quantile(p), J.double(row["value"]), rel: rel, abs: quantileAbs, "qnorm(\(p))")
        }
    }

    func testStudentTCdfMatchesR() throws {
        let rows = J.rows(try reference(), "pt")
        XCTAssertGreaterThan(rows.count, 200)
        for row in rows {
            let x = J.double(row["x"])!, df = J.double(row["df"])!
            assertClose(StudentT.cdf(x, df: df), J.double(row["lower"]), rel: rel, abs: probabilityAbs, "pt(\(x), \(df))")
            assertClose(StudentT.sf(x, df: df), J.double(row["upper"]), rel: rel, abs: probabilityAbs,
                        "pt(\(x), \(df), lower=FALSE)")
        }
    }

    func testStudentTQuantileMatchesR() throws {
        let rows = J.rows(try reference(), "qt")
        XCTAssertGreaterThan(rows.count, 300)
        for row in rows {
            let p = J.double(row["p"])!, df = J.double(row["df"])!
            let expected = J.bool(row["r_inexact"]) ? J.double(row["polished"]) : J.double(row["value"])
            assertClose(StudentT.quantile(p, df: df), expected, rel: rel, abs: quantileAbs, "qt(\(p), \(df))")
        }
    }

    func testChiSquaredCdfMatchesR() throws {
        let rows = J.rows(try reference(), "pchisq")
        XCTAssertGreaterThan(rows.count, 200)
        for row in rows {
            let x = J.double(row["x"])!, df = J.double(row["df"])!
            assertClose(ChiSquared.cdf(x, df: df), J.double(row["lower"]), rel: rel, abs: probabilityAbs,
                        "pchisq(\(x), \(df))")
            assertClose(ChiSquared.sf(x, df: df), J.double(row["upper"]), rel: rel, abs: probabilityAbs,
                        "pchisq(\(x), \(df), lower=FALSE)")
        }
    }

    func testChiSquaredQuantileMatchesR() throws {
        let rows = J.rows(try reference(), "qchisq")
        XCTAssertGreaterThan(rows.count, 300)
        for row in rows {
            let p = J.double(row["p"])!, df = J.double(row["df"])!
            let expected = J.bool(row["r_inexact"]) ? J.double(row["polished"]) : J.double(row["value"])
            assertClose(ChiSquared.quantile(p, df: df), expected, rel: rel, abs: quantileAbs, "qchisq(\(p), \(df))")
        }
    }

    func testFisherFMatchesR() throws {
        let rows = J.rows(try reference(), "pf")
        XCTAssertGreaterThan(rows.count, 100)
        for row in rows {
            let x = J.double(row["x"])!, d1 = J.double(row["df1"])!, d2 = J.double(row["df2"])!
            assertClose(FisherF.cdf(x, df1: d1, df2: d2), J.double(row["lower"]), rel: rel, abs: probabilityAbs,
                        "pf(\(x), \(d1), \(d2))")
            assertClose(FisherF.sf(x, df1: d1, df2: d2), J.double(row["upper"]), rel: rel, abs: probabilityAbs,
                        "pf(\(x), \(d1), \(d2), lower=FALSE)")
        }
    }

    // MARK: - Properties that need no reference

    func testUpperTailsAreNotComplements() {
        // 1 − cdf would be 0 here; the direct tail must keep full relative size.
        XCTAssertGreaterThan(Normal.sf(37), 1e-300)
        XCTAssertGreaterThan(ChiSquared.sf(1400, df: 1), 1e-306)
        XCTAssertGreaterThan(StudentT.sf(1e150, df: 2), 1e-301)
        XCTAssertGreaterThan(FisherF.sf(1e6, df1: 30, df2: 100), 1e-261)
    }

    func testTailsAddToOne() {
        for df in [0.5, 1, 2.7, 10, 1e3, 1e6] {
            for x in [-3.0, -0.2, 0, 0.7, 4] {
                assertClose(StudentT.cdf(x, df: df) + StudentT.sf(x, df: df), 1, rel: 4e-16, abs: 0, "t tails \(x) \(df)")
            }
            for x in [0.01, 1, df, 3 * df] {
                assertClose(ChiSquared.cdf(x, df: df) + ChiSquared.sf(x, df: df), 1, rel: 4e-16, abs: 0,
                            "chisq tails \(x) \(df)")
            }
        }
    }

    func testQuantilesInvertTheirCdfs() {
        for p in [1e-250, 1e-30, 1e-6, 0.03, 0.3, 0.7, 0.97, 1 - 1e-9] {
            // Round trips are limited by the rounding of the quantile times the tail's elasticity
            // (|x|² for the normal at 1e-250): 1e-12 covers it.
            assertClose(Normal.cdf(Normal.quantile(p)), p, rel: 1e-12, abs: 0, "Φ(Φ⁻¹(\(p)))")
            for df in [0.7, 4.5, 60.0] {
                let t = StudentT.quantile(p, df: df)
                if t.isFinite {
                    let tail = p < 0.5 ? StudentT.cdf(t, df: df) : StudentT.sf(t, df: df)
                    assertClose(tail, min(p, 1 - p), rel: 1e-12, abs: 0, "pt(qt(\(p), \(df)))")
                }
                let x = ChiSquared.quantile(p, df: df)
                if x == 0 { continue }  // below the smallest double, as in R
                let tail = p <= 0.5 ? ChiSquared.cdf(x, df: df) : ChiSquared.sf(x, df: df)
                assertClose(tail, min(p, 1 - p), rel: 1e-12, abs: 0, "pchisq(qchisq(\(p), \(df)))")
            }
        }
    }

    func testSpecialArguments() {
        XCTAssertEqual(Normal.quantile(0), -.infinity)
        XCTAssertEqual(Normal.quantile(1), .infinity)
        XCTAssertTrue(Normal.quantile(1.5).isNaN)
        XCTAssertTrue(Normal.cdf(.nan).isNaN)
        XCTAssertEqual(Normal.cdf(.infinity), 1)
        XCTAssertEqual(StudentT.cdf(-.infinity, df: 3), 0)
        XCTAssertTrue(StudentT.cdf(1, df: 0).isNaN)
        XCTAssertTrue(StudentT.cdf(1, df: -2).isNaN)
        XCTAssertEqual(StudentT.cdf(1.3, df: .infinity), Normal.cdf(1.3))
        XCTAssertEqual(StudentT.quantile(0.5, df: 7), 0)
        XCTAssertEqual(ChiSquared.cdf(-1, df: 3), 0)
        XCTAssertEqual(ChiSquared.sf(0, df: 3), 1)
        XCTAssertEqual(ChiSquared.quantile(0, df: 3), 0)
        XCTAssertEqual(ChiSquared.quantile(1, df: 3), .infinity)
        XCTAssertEqual(FisherF.cdf(0, df1: 2, df2: 3), 0)
        XCTAssertEqual(SpecialFunctions.logGamma(0), .infinity)
        XCTAssertEqual(SpecialFunctions.regularizedGammaP(2, 0), 0)
        XCTAssertEqual(SpecialFunctions.regularizedBeta(1, a: 2, b: 3), 1)
        XCTAssertTrue(SpecialFunctions.regularizedBeta(1.2, a: 2, b: 3).isNaN)
    }

    func testSpecialFunctionsAgreeWithClosedForms() {
        // P(1, x) = 1 − e^{−x};  I_x(1, b) = 1 − (1 − x)^b;  I_x(a, 1) = x^a;  Γ(n) = (n−1)!
        for x in [1e-5, 0.3, 2.0, 9.0] {
            assertClose(SpecialFunctions.regularizedGammaP(1, x), -expm1(-x), rel: 1e-14, abs: 0, "P(1,\(x))")
            assertClose(SpecialFunctions.regularizedGammaQ(1, x), exp(-x), rel: 1e-14, abs: 0, "Q(1,\(x))")
        }
        for x in [1e-6, 0.2, 0.5, 0.9] {
            assertClose(SpecialFunctions.regularizedBeta(x, a: 1, b: 3.5), -expm1(3.5 * log1p(-x)), rel: 1e-14, abs: 0,
                        "I(\(x); 1, 3.5)")
            assertClose(SpecialFunctions.regularizedBeta(x, a: 2.5, b: 1), pow(x, 2.5), rel: 1e-14, abs: 0,
                        "I(\(x); 2.5, 1)")
        }
        var factorial = 1.0
        for n in 1...30 {
            assertClose(SpecialFunctions.logGamma(Double(n)), log(factorial), rel: 1e-15, abs: 1e-15, "lgamma(\(n))")
            factorial *= Double(n)
        }
    }
}
