// CoxCurveTests.swift — adjusted survival curves against R's survfit.coxph (Reference/cox_followup.json,
// written by Reference/cox_followup.R; model inputs from cox.json, same ids): every row of every
// curve (n at risk, events, censorings, S, se, CI), summary(times=) and the median with its CI.
//
// Tolerances: rel 1e-6 (abs 1e-12) for S, se and limits; times and counts exact.
import XCTest
@testable import SurvivalStats

final class CoxCurveTests: XCTestCase {
    func testCurvesMatchSurvfitCoxph() throws {
        let models = try CoxReference.followUps("curves")
        XCTAssertEqual(models.count, 4)
        for f in models {
            let (r, id, data, fit) = (f.ref, f.id, f.data, f.fit)
            let nd = try XCTUnwrap(r["newdata"] as? [String: Any])
            let cols = data.columnNames.map { StatsReferenceJSON.doubles(nd[$0]) }
            let rowsCount = cols.first?.count ?? 0
            let profiles = (0..<rowsCount).map { k in cols.map { $0[k] } }
            let times = StatsReferenceJSON.doubles(r["times"])
            let curves = try CoxSurvivalCurve.curves(fit, data: data, profiles: profiles)
            let refCurves = StatsReferenceJSON.rows(r, "curves")
            XCTAssertEqual(curves.count, refCurves.count, id)
            for (c, rc) in zip(curves, refCurves) {
                let lab = "\(id) profile \(c.profile) stratum \(c.stratum)"
                XCTAssertEqual(c.profile + 1, Int(StatsReferenceJSON.double(rc["newdata_row"]) ?? 0), lab)
                XCTAssertEqual(c.stratum + 1, Int(StatsReferenceJSON.double(rc["stratum"]) ?? 0), lab)
                let k = c.curve
                XCTAssertEqual(k.time, StatsReferenceJSON.doubles(rc["time"]), "\(lab) times")
                XCTAssertEqual(k.nRisk.map(Double.init), StatsReferenceJSON.doubles(rc["n_risk"]), "\(lab) n.risk")
                XCTAssertEqual(k.nEvent.map(Double.init), StatsReferenceJSON.doubles(rc["n_event"]), "\(lab) n.event")
                XCTAssertEqual(k.nCensor.map(Double.init), StatsReferenceJSON.doubles(rc["n_censor"]), "\(lab) n.censor")
                for (name, mine) in [("surv", k.surv), ("std_err", k.logStdErr), ("lower", k.lowerRaw), ("upper", k.upperRaw)] {
                    let theirs = StatsReferenceJSON.doubles(rc[name])
                    XCTAssertEqual(mine.count, theirs.count, "\(lab) \(name) length")
                    for (i, (a, e)) in zip(mine, theirs).enumerated() { assertClose(a, e, rel: 1e-6, "\(lab) \(name)[\(i)]") }
                }
                let at = k.survival(at: times).filter { !$0.beyondLastFollowUp }
                XCTAssertEqual(at.map(\.time), StatsReferenceJSON.doubles(rc["at_time"]), "\(lab) at times")
                for (name, mine) in [("at_surv", at.map(\.surv)), ("at_std_err", at.map(\.stdErr)),
                                     ("at_lower", at.map(\.lower)), ("at_upper", at.map(\.upper))] {
                    for (i, (a, e)) in zip(mine, StatsReferenceJSON.doubles(rc[name])).enumerated() {
                        assertClose(a, e, rel: 1e-6, "\(lab) \(name)[\(i)]")
                    }
                }
                let med = k.median
                assertClose(med.time, StatsReferenceJSON.double(rc["median"]), rel: 1e-12, "\(lab) median")
                assertClose(med.lower, StatsReferenceJSON.double(rc["median_lower"]), rel: 1e-12, "\(lab) median lower")
                assertClose(med.upper, StatsReferenceJSON.double(rc["median_upper"]), rel: 1e-12, "\(lab) median upper")
            }
        }
    }
}
