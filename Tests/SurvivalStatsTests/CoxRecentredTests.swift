// CoxRecentredTests.swift — the agfit4-style recentring evaluation of counting-process data equals
// the two-pass evaluation wherever both are finite (it differs only in rounding). R's iteration path
// on a monotone likelihood with a large covariate (cox.json model heart_big) is checked in CoxTests.
import XCTest
@testable import SurvivalStats

final class CoxRecentredTests: XCTestCase {
    func testSameLikelihoodAsTwoPassEvaluation() throws {
        for (id, ties) in [("heart_efron", CoxTies.efron), ("heart_breslow", .breslow), ("heart_strata", .efron)] {
            let data = try CoxReference.model(id).input.coxData()
            let rs = CoxRiskSet(data)
            let beta = (0..<data.p).map { 0.1 * Double($0 + 1) }
            let fast = rs.evaluate(eta: rs.riskScores(beta).eta, risk: rs.riskScores(beta).risk, ties: ties, information: true,
                                   blockTerms: nil)
            let slow = rs.evaluateRecentred(beta, ties: ties)
            assertClose(slow.loglik, fast.loglik, rel: 1e-12, "\(id) loglik")
            for j in 0..<data.p { assertClose(slow.score[j], fast.score[j], rel: 1e-10, abs: 1e-10, "\(id) score \(j)") }
            for q in 0..<(data.p * data.p) {
                assertClose(slow.information[q], fast.information[q], rel: 1e-10, abs: 1e-10, "\(id) information \(q)")
            }
        }
    }
}
