// Large-data checks that exercise the multi-threaded paths (>= 50,000 rows) against R's values
// for the original data, using exact replication identities:
//  * k copies of every row, Breslow ties: the log partial likelihood becomes k l(b) - k D log k,
//    so the estimate is unchanged, the variance is V / k and the score test is k times R's;
//  * concordance of k copies: every pair count is multiplied by k^2 (plus k(k-1)/2 tied.xy pairs
//    per event among the copies of one row), C is unchanged and its se is R's se / sqrt(k).
import XCTest
@testable import SurvivalStats

final class CoxLargeDataTests: XCTestCase {
    func replicate(_ inp: CoxRefInput, _ k: Int) throws -> CoxData {
        let d = try inp.coxData()
        func rep<T>(_ a: [T]) -> [T] { (0..<k).flatMap { _ in a } }
        return try CoxData(columns: d.columns.map(rep), columnNames: d.columnNames, start: d.start.map(rep),
                           stop: rep(d.stop), event: rep(d.event), strata: d.strata.map(rep),
                           cluster: d.cluster.map(rep), termNames: d.termNames, termAssign: d.termAssign)
    }

    func testReplicatedBreslowFitMatchesR() throws {
        for id in ["lung_ties_breslow", "heart_breslow"] {
            let m = try CoxReference.model(id)
            let k = id.hasPrefix("lung") ? 300 : 400
            let data = try replicate(m.input, k)
            XCTAssertGreaterThanOrEqual(data.n, CoxParallel.minRows)
            let fit = try CoxFit.fit(data, ties: .breslow, concordance: false)
            let kk = Double(k)
            for (j, c) in fit.coefficients.enumerated() {
                assertClose(c.coef, m.coef[j], rel: 1e-6, abs: 1e-12, "\(id) x\(k) coef \(c.name)")
                assertClose(c.se, m.se[j].map { $0 / kk.squareRoot() }, rel: 1e-6, abs: 1e-14, "\(id) x\(k) se \(c.name)")
            }
            let deaths = Double(m.nevent)
            assertClose(fit.loglik[1], kk * m.loglik[1] - kk * deaths * log(kk), rel: 1e-8, abs: 0, "\(id) x\(k) loglik")
            assertClose(fit.scoreTest.chisq, kk * m.score_test[0]!, rel: 1e-6, abs: 0, "\(id) x\(k) score test")
        }
    }

    func testReplicatedConcordanceMatchesR() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        for c in ref.concordance where ["lung_age_reverse_strata", "heart_age", "lung_month_karno"].contains(c.id) {
            let k = 300
            func rep<T>(_ a: [T]) -> [T] { (0..<k).flatMap { _ in a } }
            let inp = c.input
            let ev = inp.event.map { $0 != 0 }
            let r = try Concordance.harrell(time: rep(inp.time), event: rep(ev), x: rep(inp.x), start: inp.start.map(rep),
                                            strata: inp.strata.map { rep($0.map { Int32($0) }) }, reverse: c.reverse)
            let k2 = Double(k * k)
            let nev = Double(ev.filter { $0 }.count)
            XCTAssertEqual(r.concordant, k2 * c.count[0], c.id)
            XCTAssertEqual(r.discordant, k2 * c.count[1], c.id)
            XCTAssertEqual(r.tiedX, k2 * c.count[2], c.id)
            XCTAssertEqual(r.tiedY, k2 * c.count[3], c.id)
            XCTAssertEqual(r.tiedXY, k2 * c.count[4] + nev * Double(k * (k - 1) / 2), c.id)
            assertClose(r.concordance, c.concordance, rel: 1e-12, abs: 0, "\(c.id) C")
            assertClose(r.standardError, c.std / Double(k).squareRoot(), rel: 1e-6, abs: 0, "\(c.id) se")
        }
    }
}
