// KaplanMeier against R (Reference/km_logrank.json from Reference/km_logrank.R) and by hand.
// Tolerance: every number within 1e-8 relative (+1e-12 absolute) of R's, nulls where R has NA/NaN.
import Foundation
import XCTest
@testable import SurvivalStats

final class KaplanMeierTests: XCTestCase {
    let rel = 1e-8
    let abs = 1e-12

    // MARK: - against R

    func testAllReferenceCasesMatchR() throws {
        let reference = try KMReference.load()
        let cases = reference.objects("km")
        XCTAssertGreaterThanOrEqual(cases.count, 30)
        for c in cases {
            try checkCase(c)
        }
    }

    private func checkCase(_ c: KMRefObject) throws {
        let name = c.string("name")
        let decoded = EventCoding.decode(c.values("status"))
        XCTAssertEqual(decoded.invalidCount, 0, name)
        let events = decoded.events.map { $0! }
        let labels = c.strings("group_labels")
        guard let conf = KaplanMeierConfType(rawValue: c.string("conf_type")) else {
            return XCTFail("\(name): unknown conf type")
        }
        let options = KaplanMeierOptions(confType: conf, level: c.double("level") ?? 0.95)
        let curves = try KaplanMeier.fit(time: c.values("time"), event: events, group: c.ints("group"),
                                         groupCount: labels.count, options: options)
        let refCurves = c.objects("curves")
        XCTAssertEqual(curves.count, refCurves.count, name)
        for (curve, ref) in zip(curves, refCurves) {
            let label = "\(name) [\(ref.string("label"))]"
            XCTAssertEqual(curve.n, ref.int("n"), "\(label) n")
            XCTAssertEqual(curve.events, ref.int("events"), "\(label) events")
            checkTable(curve, ref.object("table")!, label)
            checkMedian(curve, ref.object("median")!, label)
            checkQuantiles(curve, ref.object("quantiles")!, label)
            if let at = ref.object("at") { checkAt(curve, at, times: c.values("times"), label) }
            if let rm = ref.object("rmean") {
                let r = curve.restrictedMean(tau: rm.double("tau")!)
                assertClose(r.mean, rm.double("rmean"), rel: rel, abs: abs, "\(label) rmean")
                assertClose(r.stdErr, rm.double("se"), rel: rel, abs: abs, "\(label) se(rmean)")
            }
            checkExplainConsistent(curve, label)
        }
    }

    private func checkTable(_ curve: KaplanMeierCurve, _ t: KMRefObject, _ label: String) {
        let time = t.doubles("time")
        XCTAssertEqual(curve.count, time.count, "\(label) rows")
        guard curve.count == time.count else { return }
        let rows = curve.rows
        let nRisk = t.doubles("n_risk"), nEvent = t.doubles("n_event"), nCensor = t.doubles("n_censor")
        let surv = t.doubles("surv"), se = t.doubles("std_err"), lower = t.doubles("lower"), upper = t.doubles("upper")
        for (i, row) in rows.enumerated() {
            assertClose(row.time, time[i], rel: rel, abs: abs, "\(label) time[\(i)]")
            XCTAssertEqual(Double(row.nRisk), nRisk[i], "\(label) n.risk[\(i)]")
            XCTAssertEqual(Double(row.nEvent), nEvent[i], "\(label) n.event[\(i)]")
            XCTAssertEqual(Double(row.nCensor), nCensor[i], "\(label) n.censor[\(i)]")
            assertClose(row.surv, surv[i], rel: rel, abs: abs, "\(label) surv[\(i)]")
            assertClose(row.stdErr, se[i], rel: rel, abs: abs, "\(label) std.err[\(i)]")
            assertClose(row.lower, lower[i], rel: rel, abs: abs, "\(label) lower[\(i)]")
            assertClose(row.upper, upper[i], rel: rel, abs: abs, "\(label) upper[\(i)]")
        }
    }

    private func checkMedian(_ curve: KaplanMeierCurve, _ m: KMRefObject, _ label: String) {
        let med = curve.median
        assertClose(med.time, m.double("median"), rel: rel, abs: abs, "\(label) median")
        assertClose(med.lower, m.double("lower"), rel: rel, abs: abs, "\(label) median LCL")
        assertClose(med.upper, m.double("upper"), rel: rel, abs: abs, "\(label) median UCL")
    }

    private func checkQuantiles(_ curve: KaplanMeierCurve, _ q: KMRefObject, _ label: String) {
        let probs = q.values("probs")
        let ours = curve.quantiles(probs)
        let value = q.doubles("quantile"), lower = q.doubles("lower"), upper = q.doubles("upper")
        for (i, p) in probs.enumerated() {
            assertClose(ours[i].time, value[i], rel: rel, abs: abs, "\(label) quantile(\(p))")
            assertClose(ours[i].lower, lower[i], rel: rel, abs: abs, "\(label) quantile(\(p)) lower")
            assertClose(ours[i].upper, upper[i], rel: rel, abs: abs, "\(label) quantile(\(p)) upper")
        }
    }

    private func checkAt(_ curve: KaplanMeierCurve, _ a: KMRefObject, times: [Double], _ label: String) {
        let ours = curve.survival(at: times)
        let time = a.doubles("time")
        XCTAssertEqual(ours.count, time.count, "\(label) at count")
        guard ours.count == time.count else { return }
        let surv = a.doubles("surv"), se = a.doubles("std_err"), lower = a.doubles("lower"),
            upper = a.doubles("upper"), nRisk = a.doubles("n_risk"), nEvent = a.doubles("n_event"),
            nCensor = a.doubles("n_censor")
        let kept = a.values("kept_without_extend")
        for (i, point) in ours.enumerated() {
            let l = "\(label) at t=\(point.time)"
            assertClose(point.time, time[i], rel: rel, abs: abs, "\(l) time")
            assertClose(point.surv, surv[i], rel: rel, abs: abs, "\(l) surv")
            assertClose(point.stdErr, se[i], rel: rel, abs: abs, "\(l) std.err")
            assertClose(point.lower, lower[i], rel: rel, abs: abs, "\(l) lower")
            assertClose(point.upper, upper[i], rel: rel, abs: abs, "\(l) upper")
            XCTAssertEqual(Double(point.nRisk), nRisk[i], "\(l) n.risk")
            XCTAssertEqual(Double(point.nEvent), nEvent[i], "\(l) n.event")
            XCTAssertEqual(Double(point.nCensor), nCensor[i], "\(l) n.censor")
            XCTAssertEqual(point.beyondLastFollowUp, point.time > a.double("last_time")!, "\(l) beyond flag")
        }
        // R's summary(extend = FALSE) keeps exactly the times that are not flagged.
        XCTAssertEqual(ours.filter { !$0.beyondLastFollowUp }.map(\.time), kept, "\(label) kept times")
    }

    private func checkExplainConsistent(_ curve: KaplanMeierCurve, _ label: String) {
        let explain = curve.explain
        XCTAssertEqual(explain.count, curve.nEvent.filter { $0 > 0 }.count, "\(label) explain rows")
        var product = 1.0
        for row in explain {
            product *= row.conditionalSurvival
            assertClose(row.surv, product, rel: 1e-12, abs: 1e-15, "\(label) explain product at \(row.time)")
            if let i = curve.time.firstIndex(of: row.time) {
                assertClose(row.stdErr, curve.stdErr(at: i), rel: 1e-12, abs: 1e-15, "\(label) explain se")
            }
        }
    }

    // MARK: - by hand (exact fractions)

    /// time = 1 2 2 3 4 5, event = 1 1 0 1 0 1.
    ///   t=1: n=6 d=1       S = 5/6                 Greenwood 1/(6·5)=1/30, sum 1/30
    ///   t=2: n=5 d=1 c=1   S = 5/6·4/5 = 2/3       1/(5·4)=1/20, sum 1/30+1/20 = 1/12
    ///   t=3: n=3 d=1       S = 2/3·2/3 = 4/9       1/(3·2)=1/6,  sum 1/12+1/6  = 1/4
    ///   t=4: n=2 c=1       S = 4/9
    ///   t=5: n=1 d=1       S = 0                   d = n: se undefined (R: NaN), CI NA
    ///   se(S): t=1 (5/6)√(1/30); t=2 (2/3)√(1/12) = √3/9; t=3 (4/9)·(1/2) = 2/9.
    ///   log CI at t=3: exp(log(4/9) ± z·1/2).
    ///   median: first S ≤ 1/2 is 4/9 at t=3 → 3.
    ///   RMST(τ=4) = 1·1 + 1·5/6 + 1·2/3 + 1·4/9 = 53/18;
    ///   A(1)=35/18, A(2)=20/18, A(3)=8/18:  var = (35/18)²/30 + (20/18)²/20 + (8/18)²/6 = 143/648.
    func testSixRowsByHand() throws {
        let curve = try KaplanMeier.fit(time: [1, 2, 2, 3, 4, 5], event: [true, true, false, true, false, true])
        XCTAssertEqual(curve.time, [1, 2, 3, 4, 5])
        XCTAssertEqual(curve.nRisk, [6, 5, 3, 2, 1])
        XCTAssertEqual(curve.nEvent, [1, 1, 1, 0, 1])
        XCTAssertEqual(curve.nCensor, [0, 1, 0, 1, 0])
        let expectedSurv = [5.0 / 6, 2.0 / 3, 4.0 / 9, 4.0 / 9, 0]
        for i in 0..<5 { assertClose(curve.surv[i], expectedSurv[i], rel: 1e-14, abs: 1e-15, "S[\(i)]") }
        assertClose(curve.stdErr(at: 0), 5.0 / 6 * (1.0 / 30).squareRoot(), rel: 1e-14, "se t=1")
        assertClose(curve.stdErr(at: 1), 3.0.squareRoot() / 9, rel: 1e-14, "se t=2")
        assertClose(curve.stdErr(at: 2), 2.0 / 9, rel: 1e-14, "se t=3")
        assertClose(curve.stdErr(at: 3), 2.0 / 9, rel: 1e-14, "se t=4")
        XCTAssertNil(curve.stdErr(at: 4), "se at S = 0")
        let z = Normal.quantile(0.975)
        let row = curve.row(2)
        assertClose(row.lower, Foundation.exp(Foundation.log(4.0 / 9) - z / 2), rel: 1e-14, "lower t=3")
        assertClose(row.upper, min(1, Foundation.exp(Foundation.log(4.0 / 9) + z / 2)), rel: 1e-14, "upper t=3")
        XCTAssertNil(curve.row(4).lower)
        XCTAssertNil(curve.row(4).upper)
        XCTAssertEqual(curve.median.time, 3)
        let rm = curve.restrictedMean(tau: 4)
        assertClose(rm.mean, 53.0 / 18, rel: 1e-14, "rmean")
        assertClose(rm.stdErr, (143.0 / 648).squareRoot(), rel: 1e-14, "se(rmean)")
        let explain = curve.explain
        XCTAssertEqual(explain.map(\.time), [1, 2, 3, 5])
        assertClose(explain[0].greenwoodTerm, 1.0 / 30, rel: 1e-14, "GW term 1")
        assertClose(explain[1].greenwoodSum, 1.0 / 12, rel: 1e-14, "GW sum 2")
        assertClose(explain[2].greenwoodSum, 1.0 / 4, rel: 1e-14, "GW sum 3")
        assertClose(explain[2].conditionalSurvival, 2.0 / 3, rel: 1e-14, "1 - d/n at 3")
        XCTAssertNil(explain[3].greenwoodTerm)
        XCTAssertNil(explain[3].greenwoodSum)
        XCTAssertEqual(explain[3].surv, 0)
    }

    /// S = 1/2 exactly on [2, 4) (time 1 2 3 4, event 1 1 0 1): median is the midpoint 3.
    /// When the curve ends flat at 1/2 (time 1 2 3 5, event 1 1 0 0), print.survfit reports 2 but
    /// quantile.survfit reports (2 + 5)/2 = 3.5.
    func testFlatStretchAtOneHalf() throws {
        let mid = try KaplanMeier.fit(time: [1, 2, 3, 4], event: [true, true, false, true])
        XCTAssertEqual(mid.median.time, 3)
        XCTAssertEqual(mid.quantiles([0.5])[0].time, 3)
        let end = try KaplanMeier.fit(time: [1, 2, 3, 5], event: [true, true, false, false])
        XCTAssertEqual(end.median.time, 2)
        XCTAssertEqual(end.quantiles([0.5])[0].time, 3.5)
        let never = try KaplanMeier.fit(time: [1, 2, 3, 4], event: [false, true, false, false])
        XCTAssertNil(never.median.time)
        XCTAssertNil(never.quantiles([0.5])[0].time)
    }

    // MARK: - invariants

    func testRowOrderDoesNotMatterAndGroupsMatchSeparateFits() throws {
        var rng = SplitMix64(seed: 7)
        let n = 3000
        let time = (0..<n).map { _ in Double(rng.next() % 400) / 4 }
        let event = (0..<n).map { _ in rng.next() % 3 != 0 }
        let group = (0..<n).map { _ in Int32(rng.next() % 3) }
        let curves = try KaplanMeier.fit(time: time, event: event, group: group, groupCount: 3)
        for g in 0..<3 {
            let idx = (0..<n).filter { group[$0] == Int32(g) }.reversed()
            let single = try KaplanMeier.fit(time: idx.map { time[$0] }, event: idx.map { event[$0] })
            XCTAssertEqual(single.time, curves[g].time)
            XCTAssertEqual(single.nRisk, curves[g].nRisk)
            XCTAssertEqual(single.surv, curves[g].surv)
        }
        // negative codes are dropped
        var dropped = group
        dropped[0] = -1
        let fewer = try KaplanMeier.fit(time: time, event: event, group: dropped, groupCount: 3)
        XCTAssertEqual(fewer.map(\.n).reduce(0, +), n - 1)
    }

    func testEmptyGroupGivesEmptyCurve() throws {
        let curves = try KaplanMeier.fit(time: [1, 2, 3], event: [true, false, true], group: [0, 0, 0],
                                         groupCount: 2)
        let empty = curves[1]
        XCTAssertEqual(empty.n, 0)
        XCTAssertEqual(empty.count, 0)
        XCTAssertNil(empty.median.time)
        XCTAssertNil(empty.quantiles([0.5])[0].time)
        XCTAssertEqual(empty.survival(at: [1]).first?.beyondLastFollowUp, true)
        XCTAssertNil(empty.survival(at: [1]).first?.surv)
        XCTAssertTrue(empty.explain.isEmpty)
    }

    func testInputErrors() {
        XCTAssertThrowsError(try KaplanMeier.fit(time: [1, 2], event: [true]))
        XCTAssertThrowsError(try KaplanMeier.fit(time: [1, .nan], event: [true, false]))
        XCTAssertThrowsError(try KaplanMeier.fit(time: [1, 2], event: [true, false], group: [0, 2], groupCount: 2))
        XCTAssertThrowsError(try KaplanMeier.fit(time: [1], event: [true], options: KaplanMeierOptions(level: 1)))
    }

    func testEventCodingAsRSurv() {
        let oneTwo = EventCoding.decode([1, 2, 2, .nan, 1])
        XCTAssertEqual(oneTwo.scheme, .oneTwo)
        XCTAssertEqual(oneTwo.events, [false, true, true, nil, false])
        let zeroOne = EventCoding.decode([0, 1, 1, 0])
        XCTAssertEqual(zeroOne.scheme, .zeroOne)
        XCTAssertEqual(zeroOne.events, [false, true, true, false])
        // 0 under 1/2 coding becomes -1: invalid (R: NA with a warning)
        let bad = EventCoding.decode([0, 1, 2])
        XCTAssertEqual(bad.events, [nil, false, true])
        XCTAssertEqual(bad.invalidCount, 1)
        XCTAssertEqual(EventCoding.decode([0, 3]).invalidCount, 1)
    }

    func testTimefixMergesNearTies() {
        let fixed = SurvivalTimeOrder.tieFixed(sortedTimes: [0.3, 0.1 + 0.2, 1, 2])
        XCTAssertEqual(fixed, [0.3, 0.3, 1, 2])
        XCTAssertNil(SurvivalTimeOrder.tieFixed(sortedTimes: [1, 1, 2, 3]))
    }

    func testRadixOrderIsStableAndSorted() {
        var rng = SplitMix64(seed: 11)
        let values = (0..<20000).map { _ -> Double in
            let r = rng.next()
            switch r % 4 {
            case 0: return -Double(r % 1000) / 7
            case 1: return Double(r % 50)
            case 2: return 0
            default: return Double(bitPattern: (r >> 12) | 0x3FF0_0000_0000_0000) * 1e3
            }
        } + [-0.0, 0.0, -1e300, 1e300]
        let order = SurvivalTimeOrder.order(values)
        for i in 1..<order.count {
            let a = values[Int(order[i - 1])], b = values[Int(order[i])]
            XCTAssertLessThanOrEqual(a, b)
            if a == b { XCTAssertLessThan(order[i - 1], order[i], "stable") }
        }
    }
}

