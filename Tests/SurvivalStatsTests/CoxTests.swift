// Cox regression against R's coxph / summary.coxph (Reference/cox.json, from Reference/cox.R).
//
// Tolerances (relative + absolute, see Tolerance.swift):
//   coefficients, se, z, p, HR, HR CI, test statistics and p-values: rel 1e-6
//   log-likelihoods: rel 1e-8
//   concordance counts: exact; C and its se: rel 1e-6.
import XCTest
@testable import SurvivalStats

final class CoxTests: XCTestCase {
    static let rel = 1e-6
    static let relLoglik = 1e-8

    func testReferenceFileHasEnoughModels() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        XCTAssertGreaterThanOrEqual(ref.models.count, 25)
        XCTAssertTrue(ref.survival_version.hasPrefix("3."))
    }

    /// Every reference model: fit and compare with R.
    func testAllReferenceModels() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        for m in ref.models { try check(m) }
    }

    func check(_ m: CoxRefModel, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try m.input.coxData()
        let ties = CoxTies(rawValue: m.ties)!
        let fit = try CoxFit.fit(data, ties: ties, control: CoxControl(iterMax: m.iter_max))
        let id = m.id
        let rel = Self.rel
        XCTAssertEqual(fit.n, m.n, "\(id) n")
        XCTAssertEqual(fit.events, m.nevent, "\(id) events")
        XCTAssertEqual(fit.iterations, m.iter, "\(id) iterations")
        // R's var after running out of iterations on right-censored data is the inverse of an
        // unfactored matrix: it equals the inverse information only with one column.
        let notConvergedRight = m.warnings.values.contains { $0.contains("Ran out of iterations") } && data.start == nil
            && data.p > 1
        XCTAssertEqual(!fit.converged, m.warnings.values.contains { $0.contains("Ran out of iterations") }, "\(id) converged flag")
        for (j, c) in fit.coefficients.enumerated() {
            let lab = "\(id) \(c.name)"
            XCTAssertEqual(c.name, data.columnNames[j])
            if m.coef[j] == nil {
                XCTAssertTrue(c.aliased, "\(lab) should be aliased (R: NA)")
                XCTAssertNil(c.coef)
                continue
            }
            XCTAssertFalse(c.aliased, "\(lab) aliased")
            assertClose(c.coef, m.coef[j], rel: rel, abs: 1e-12, "\(lab) coef")
            assertClose(c.hazardRatio, m.hr[j], rel: rel, abs: 1e-14, "\(lab) HR")
            assertClose(fit.means[j], m.means[j], rel: 1e-12, abs: 1e-12, "\(lab) mean")
            if notConvergedRight { continue }   // R's var is not the inverse information there
            assertClose(c.se, m.se[j], rel: rel, abs: 1e-14, "\(lab) se")
            if let rse = m.robust_se { assertClose(c.robustSE, rse[j], rel: rel, abs: 1e-14, "\(lab) robust se") }
            else { XCTAssertNil(c.robustSE, "\(lab) robust se") }
            assertClose(c.z, m.z[j], rel: rel, abs: 1e-12, "\(lab) z")
            assertClose(c.p, m.p[j], rel: rel, abs: 1e-300, "\(lab) p")
            assertClose(c.hrLower, m.hr_lower[j], rel: rel, abs: 1e-14, "\(lab) HR lower")
            // R's Inf (exp overflow for an infinite coefficient) is written as null in the JSON
            if m.hr_upper[j] == nil, let u = c.hrUpper, u.isInfinite { } else {
                assertClose(c.hrUpper, m.hr_upper[j], rel: rel, abs: 1e-14, "\(lab) HR upper")
            }
        }
        if !notConvergedRight {
            let p = data.p
            for a in 0..<p { for b in 0..<p {
                let e = m.var[b * p + a] ?? 0    // R: column-major
                assertClose(fit.variance[a * p + b], e, rel: rel, abs: 1e-12 * max(1, abs(e)), "\(id) var[\(a),\(b)]")
            } }
            if let nv = m.naive_var {
                for a in 0..<p { for b in 0..<p {
                    assertClose(fit.naiveVariance[a * p + b], nv[b * p + a] ?? 0, rel: rel, abs: 1e-14, "\(id) naive var")
                } }
            }
        }
        assertClose(fit.loglik[0], m.loglik[0], rel: Self.relLoglik, abs: 0, "\(id) loglik0")
        assertClose(fit.loglik[1], m.loglik[1], rel: Self.relLoglik, abs: 0, "\(id) loglik1")
        assertClose(fit.lrTest.chisq, m.lr_test[0], rel: rel, abs: 1e-9, "\(id) LR chisq")
        XCTAssertEqual(Double(fit.lrTest.df), m.lr_test[1], "\(id) LR df")
        assertClose(fit.lrTest.p, m.lr_test[2], rel: rel, abs: 1e-300, "\(id) LR p")
        assertClose(fit.scoreTest.chisq, m.score_test[0], rel: rel, abs: 1e-10, "\(id) score chisq")
        assertClose(fit.scoreTest.p, m.score_test[2], rel: rel, abs: 1e-300, "\(id) score p")
        if !notConvergedRight {
            assertClose(fit.waldTest.chisq, m.wald_test[0], rel: rel, abs: 1e-10, "\(id) Wald chisq")
            assertClose(fit.waldTest.p, m.wald_test[2], rel: rel, abs: 1e-300, "\(id) Wald p")
        }
        if let rs = m.robust_score_test {
            let t = try XCTUnwrap(fit.robustScoreTest, "\(id) robust score")
            assertClose(t.chisq, rs[0], rel: rel, abs: 1e-10, "\(id) robust score chisq")
            assertClose(t.p, rs[2], rel: rel, abs: 1e-300, "\(id) robust score p")
        } else {
            XCTAssertNil(fit.robustScoreTest)
        }
        // concordance: concordant, discordant, tied.x, tied.y, tied.xy, C, std
        let c = try XCTUnwrap(fit.concordance)
        XCTAssertEqual(c.concordant, m.concordance[0], "\(id) concordant")
        XCTAssertEqual(c.discordant, m.concordance[1], "\(id) discordant")
        XCTAssertEqual(c.tiedX, m.concordance[2], "\(id) tied.x")
        XCTAssertEqual(c.tiedY, m.concordance[3], "\(id) tied.y")
        XCTAssertEqual(c.tiedXY, m.concordance[4], "\(id) tied.xy")
        assertClose(c.concordance, m.concordance[5], rel: 1e-12, abs: 0, "\(id) C")
        assertClose(c.standardError, m.concordance[6], rel: rel, abs: 0, "\(id) se(C)")
        // infinite-coefficient flags
        let flagged = fit.coefficients.enumerated().filter { $0.element.possiblyInfinite }.map { Double($0.offset + 1) }
        XCTAssertEqual(flagged, m.infinite_columns, "\(id) infinite flags")
        XCTAssertEqual(fit.warnings.contains { $0.kind == .infiniteCoefficient }, !m.infinite_columns.isEmpty, "\(id) inf warning")
        // score residuals
        if let sr = m.score_residuals {
            let mine = try CoxResiduals.score(data, coefficients: fit.beta, ties: ties)
            for j in 0..<data.p { for i in 0..<data.n {
                assertClose(mine[j][i], sr[j][i], rel: 1e-6, abs: 1e-9, "\(id) score residual [\(i),\(j)]")
            } }
        }
    }

    // Focused tests (each also covered by testAllReferenceModels, separated for readable failures).
    func testLungEfron() throws { try check(CoxReference.model("lung_efron")) }
    func testHeavyTiesBreslow() throws { try check(CoxReference.model("lung_ties_breslow")) }
    func testCountingProcess() throws { try check(CoxReference.model("heart_efron")) }
    func testClusterRobust() throws { try check(CoxReference.model("lung_cluster")) }
    func testNETLiverModel() throws { try check(CoxReference.model("net_liver")) }
    /// Issue 16: a covariate of size 1e3-1e4 whose trial steps overflow exp(); R halves them.
    func testLargeCovariateNotConverged() throws { try check(CoxReference.model("aml_big")) }
    func testHugeOffsetCovariate() throws { try check(CoxReference.model("lung_offset_e8")) }
    func testScaledCountingProcess() throws { try check(CoxReference.model("heart_scaled")) }
    func testLargeCovariateCountingProcess() throws { try check(CoxReference.model("heart_big")) }

    func testInfiniteCoefficientIsFlagged() throws {
        let m = try CoxReference.model("ovarian_infinite")
        let fit = try CoxFit.fit(try m.input.coxData())
        let w = try XCTUnwrap(fit.warnings.first { $0.kind == .infiniteCoefficient })
        XCTAssertEqual(w.columns, ["nodeath"])
        XCTAssertTrue(fit.coefficients[1].possiblyInfinite)
        XCTAssertFalse(fit.coefficients[0].possiblyInfinite)
    }

    func testCollinearColumnIsDroppedWithWarning() throws {
        let m = try CoxReference.model("lung_collinear")
        let fit = try CoxFit.fit(try m.input.coxData())
        XCTAssertEqual(fit.coefficients.map(\.aliased), [false, false, false, true])
        XCTAssertTrue(fit.beta[3].isNaN)
        let w = try XCTUnwrap(fit.warnings.first { $0.kind == .aliased })
        XCTAssertEqual(w.columns, ["agesex"])
        XCTAssertEqual(fit.lrTest.df, 3)
    }

    func testNonConvergenceWarningHasIterationCount() throws {
        let m = try CoxReference.model("lung_not_converged")
        let fit = try CoxFit.fit(try m.input.coxData(), control: CoxControl(iterMax: 2))
        XCTAssertFalse(fit.converged)
        let w = try XCTUnwrap(fit.warnings.first { $0.kind == .notConverged })
        XCTAssertTrue(w.message.contains("2 iterations"))
    }

    func testFewEventsPerParameterNote() throws {
        let m = try CoxReference.model("net_primary")   // 23 events, 6 coefficients
        let fit = try CoxFit.fit(try m.input.coxData())
        XCTAssertTrue(fit.warnings.contains { $0.kind == .fewEventsPerParameter })
        let big = try CoxFit.fit(try CoxReference.model("lung_efron").input.coxData())
        XCTAssertFalse(big.warnings.contains { $0.kind == .fewEventsPerParameter })
    }

    func testTraceEndsAtEstimate() throws {
        let m = try CoxReference.model("lung_efron")
        let fit = try CoxFit.fit(try m.input.coxData())
        let last = try XCTUnwrap(fit.trace.last)
        XCTAssertEqual(last.iteration, fit.iterations)
        for j in 0..<3 { assertClose(last.beta[j], fit.beta[j], rel: 1e-14, abs: 0, "trace beta") }
        XCTAssertEqual(fit.trace.first?.loglik, fit.loglik[0])
        XCTAssertEqual(last.loglik, fit.loglik[1])
    }

    /// Hand-computable: two subjects, one event, no ties. With x = (1, 0) and the event on the
    /// subject with x = 1 at time 1 (the other censored at 2): L(b) = b - log(e^b + 1), maximised at
    /// b -> infinity; at b = 0, U = 1/2, I = 1/4, so the score test is 1 and L0 = -log 2.
    func testTinyHandComputedCase() throws {
        let d = try CoxData(x: [1, 0], columnNames: ["x"], stop: [1, 2], event: [true, false])
        let fit = try CoxFit.fit(d, control: CoxControl(iterMax: 1))
        assertClose(fit.loglik[0], -log(2.0), rel: 1e-15, abs: 0, "L0")
        assertClose(fit.scoreTest.chisq, 1, rel: 1e-14, abs: 0, "score test")
        // one Newton step from 0: b1 = U/I = 2
        assertClose(fit.beta[0], 2, rel: 1e-14, abs: 0, "one NR step")
    }

    func testNoEventsThrows() {
        XCTAssertThrowsError(try CoxFit.fit(try CoxData(x: [1, 0], columnNames: ["x"], stop: [1, 2], event: [false, false])))
    }
}
