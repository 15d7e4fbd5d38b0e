// Firth-penalised Cox regression. R's coxphf is not installable here; the reference values are
// derived independently in Reference/cox.R from survival's own Breslow likelihood and inverse
// information (penalised likelihood maximised with numerical derivatives, profile CIs by uniroot).
// Tolerances: rel 1e-6 for coefficients, se, HR, CI limits, p-values and LR test; rel 1e-8 for the
// penalised log-likelihoods (the two derivations agree to about 1e-10).
import XCTest
@testable import SurvivalStats

final class FirthTests: XCTestCase {
    func testAgainstDerivedReference() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        XCTAssertGreaterThanOrEqual(ref.firth.count, 4)
        for f in ref.firth {
            let data = try f.input.coxData()
            let fit = try CoxFirth.fit(data, level: f.level)
            XCTAssertTrue(fit.converged, f.id)
            for (j, c) in fit.coefficients.enumerated() {
                let lab = "\(f.id) \(c.name)"
                assertClose(c.coef, f.coef[j], rel: 1e-6, abs: 1e-9, "\(lab) coef")
                assertClose(c.se, f.se[j], rel: 1e-6, abs: 1e-9, "\(lab) se")
                assertClose(c.hazardRatio, f.hr[j], rel: 1e-6, abs: 1e-9, "\(lab) HR")
                assertClose(c.hrLower, f.hr_lower[j], rel: 1e-6, abs: 1e-9, "\(lab) HR lower")
                assertClose(c.hrUpper, f.hr_upper[j], rel: 1e-6, abs: 1e-9, "\(lab) HR upper")
                assertClose(c.p, f.p[j], rel: 1e-6, abs: 1e-12, "\(lab) p")
            }
            assertClose(fit.penalizedLoglik[0], f.loglik[0], rel: 1e-8, abs: 0, "\(f.id) null penalised loglik")
            assertClose(fit.penalizedLoglik[1], f.loglik[1], rel: 1e-8, abs: 0, "\(f.id) penalised loglik")
            assertClose(fit.lrTest.chisq, f.lr_test[0], rel: 1e-6, abs: 1e-9, "\(f.id) LR")
            assertClose(fit.lrTest.p, f.lr_test[2], rel: 1e-6, abs: 1e-300, "\(f.id) LR p")
        }
    }

    /// The penalised score is the gradient of the penalised log-likelihood: check U* against
    /// central differences of l* at an arbitrary point.
    func testModifiedScoreIsGradient() throws {
        let f = try XCTUnwrap(CoxReference.shared?.firth.first { $0.id == "heart_counting" })
        let data = try f.input.coxData()
        let rs = CoxRiskSet(data)
        let b = [0.3, -0.2]
        let ev = rs.firth(beta: b)
        for j in 0..<2 {
            var bp = b, bm = b
            let h = 1e-5
            bp[j] += h; bm[j] -= h
            let g = (rs.firth(beta: bp).pl - rs.firth(beta: bm).pl) / (2 * h)
            assertClose(ev.ustar[j], g, rel: 1e-6, abs: 1e-7, "U*[\(j)]")
        }
    }

    /// With a group without events the ordinary estimate diverges; the Firth estimate is finite.
    func testFiniteWhereCoxphDiverges() throws {
        let f = try XCTUnwrap(CoxReference.shared?.firth.first { $0.id == "ovarian_infinite" })
        let fit = try CoxFirth.fit(try f.input.coxData())
        XCTAssertTrue(fit.coefficients[1].coef.isFinite)
        XCTAssertLessThan(fit.coefficients[1].coef, 0)
        XCTAssertLessThan(fit.coefficients[1].hrUpper, 1)
    }
}
