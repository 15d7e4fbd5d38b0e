// CoxZphPlotTests.swift — the data of R's plot.cox.zph (Reference/cox_followup.json, written by
// Reference/cox_followup.R with plot.cox.zph's own smoothing code; inputs from cox.json): cox.zph's
// x, y and var, and the natural-spline smooth with its band at the 40 prediction points.
//
// Tolerances: rel 1e-6, abs 1e-9 (the band subtracts nearly equal numbers near the data's middle).
import XCTest
@testable import SurvivalStats

final class CoxZphPlotTests: XCTestCase {
    func testPlotDataMatchesR() throws {
        let models = try CoxReference.followUps("zph_plot")
        XCTAssertEqual(models.count, 4)
        for f in models {
            let (r, id, data, fit) = (f.ref, f.id, f.data, f.fit)
            let transform = try XCTUnwrap(CoxZphTransform(rawValue: StatsReferenceJSON.string(r["transform"]) ?? ""))
            let z = try CoxZph.plotData(fit, data: data, transform: transform)
            let x = StatsReferenceJSON.doubles(r["x"])
            XCTAssertEqual(z.x.count, x.count, "\(id) events")
            for (k, (a, e)) in zip(z.x, x).enumerated() { assertClose(a, e, rel: 1e-10, "\(id) x[\(k)]") }
            XCTAssertEqual(z.time, StatsReferenceJSON.doubles(r["time"]), "\(id) time")
            let panels = StatsReferenceJSON.rows(r, "panels")
            XCTAssertEqual(z.panels.map(\.term), panels.compactMap { StatsReferenceJSON.string($0["term"]) }, id)
            for (mine, rp) in zip(z.panels, panels) {
                let lab = "\(id) \(mine.term)"
                assertClose(mine.variance, StatsReferenceJSON.double(rp["var"]), rel: 1e-6, "\(lab) var")
                for (k, (a, e)) in zip(mine.y, StatsReferenceJSON.doubles(rp["y"])).enumerated() {
                    assertClose(a, e, rel: 1e-6, abs: 1e-9, "\(lab) y[\(k)]")
                }
                let s = try XCTUnwrap(mine.smooth, lab)
                for (k, (a, e)) in zip(s.x, StatsReferenceJSON.doubles(r["pred_x"])).enumerated() { assertClose(a, e, rel: 1e-12, "\(lab) pred.x[\(k)]") }
                for (name, v) in [("fit", s.fit), ("lower", mine.lower), ("upper", mine.upper)] {
                    let e = StatsReferenceJSON.doubles(rp[name])
                    XCTAssertEqual(v.count, e.count, "\(lab) \(name) length")
                    for (k, (a, ee)) in zip(v, e).enumerated() { assertClose(a, ee, rel: 1e-6, abs: 1e-9, "\(lab) \(name)[\(k)]") }
                }
            }
        }
    }
}
