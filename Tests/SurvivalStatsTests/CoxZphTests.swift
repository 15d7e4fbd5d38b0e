// cox.zph (survival 3.x score test) against R: chi-square, df and p per term and GLOBAL, for the
// km, rank and identity transforms. Tolerance: rel 1e-6 (chi-square and p), df exact.
import XCTest
@testable import SurvivalStats

final class CoxZphTests: XCTestCase {
    func testAgainstR() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        let models = ref.models.filter { $0.zph != nil }
        XCTAssertGreaterThanOrEqual(models.count, 5)
        for m in models {
            let data = try m.input.coxData()
            let fit = try CoxFit.fit(data, ties: CoxTies(rawValue: m.ties)!)
            for z in m.zph! {
                let tr = try XCTUnwrap(CoxZphTransform(rawValue: z.transform))
                let res = try CoxZph.test(fit, data: data, transform: tr)
                let rows = res.terms + [res.global]
                XCTAssertEqual(rows.map(\.term), z.rows.values, "\(m.id) \(tr) rows")
                guard rows.count == z.rows.values.count else { continue }
                for (k, r) in rows.enumerated() {
                    let lab = "\(m.id) \(tr) \(r.term)"
                    assertClose(r.chisq, z.chisq[k], rel: 1e-6, abs: 1e-12, "\(lab) chisq")
                    XCTAssertEqual(Double(r.df), z.df[k], "\(lab) df")
                    assertClose(r.p, z.p[k], rel: 1e-6, abs: 1e-300, "\(lab) p")
                }
            }
        }
    }
}
