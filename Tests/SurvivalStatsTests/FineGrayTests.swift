// FineGrayTests.swift — the Fine–Gray fit against R's cmprsk::crr (Reference/crr.json, written by
// crr.R): coefficients, sandwich se, z, p, subdistribution HRs and CIs, the variance and information
// matrices, pseudo log-likelihoods — within 1e-8 relative (they agree to about 1e-11; the standard is
// 1e-6); plus a property: without competing events crr is the Breslow-ties Cox fit.

import XCTest
@testable import SurvivalStats

final class FineGrayTests: XCTestCase {
    static func models() throws -> [[String: Any]] {
        StatsReferenceJSON.rows(try StatsReferenceJSON.load("crr"), "crr")
    }

    static func data(_ m: [String: Any]) throws -> FineGrayData {
        let input = m["input"] as? [String: Any] ?? [:]
        let columns = (input["x"] as? [Any] ?? []).map { StatsReferenceJSON.doubles($0) }
        return try FineGrayData(time: StatsReferenceJSON.doubles(input["time"]),
                                status: StatsReferenceJSON.doubles(input["status"]).map { Int($0) },
                                columns: columns, columnNames: input["columns"] as? [String] ?? [])
    }

    func testMatchesCrr() throws {
        let models = try Self.models()
        XCTAssertGreaterThanOrEqual(models.count, 6)
        for m in models {
            let id = m["id"] as? String ?? "?"
            let cause = Int(StatsReferenceJSON.double(m["cause"]) ?? 0)
            let fit = try FineGray.fit(try Self.data(m), cause: cause)
            XCTAssertTrue(fit.converged, id)
            XCTAssertEqual(fit.n, Int(StatsReferenceJSON.double(m["n"]) ?? -1), "\(id) n")
            XCTAssertEqual(fit.causeEvents, Int(StatsReferenceJSON.double(m["n_cause"]) ?? -1), "\(id) events")
            XCTAssertEqual(fit.competingEvents, Int(StatsReferenceJSON.double(m["n_competing"]) ?? -1), "\(id) competing")
            XCTAssertEqual(fit.censored, Int(StatsReferenceJSON.double(m["n_censored"]) ?? -1), "\(id) censored")
            let keys: [(String, KeyPath<FineGrayCoefficient, Double>)] = [
                ("coef", \.coef), ("se", \.se), ("z", \.z), ("p", \.p), ("shr", \.subdistributionHR),
                ("shr_lower", \.lower), ("shr_upper", \.upper),
            ]
            for (key, path) in keys {
                let expected = StatsReferenceJSON.doubles(m[key])
                XCTAssertEqual(expected.count, fit.coefficients.count, "\(id) \(key) count")
                for (k, e) in expected.enumerated() where k < fit.coefficients.count {
                    assertClose(fit.coefficients[k][keyPath: path], e, rel: 1e-8, abs: key == "p" ? 1e-300 : 1e-12,
                                "\(id) \(fit.coefficients[k].name) \(key)")
                }
            }
            for (key, mine) in [("var", fit.variance), ("inf", fit.information)] {
                let expected = StatsReferenceJSON.doubles(m[key])
                XCTAssertEqual(expected.count, mine.count, "\(id) \(key) size")
                let scale = expected.map { abs($0) }.max() ?? 1
                for (k, e) in expected.enumerated() where k < mine.count {
                    assertClose(mine[k], e, rel: 1e-6, abs: 1e-9 * scale, "\(id) \(key)[\(k)]")
                }
            }
            assertClose(fit.loglik[0], StatsReferenceJSON.double(m["loglik_null"]), rel: 1e-8, "\(id) loglik null")
            assertClose(fit.loglik[1], StatsReferenceJSON.double(m["loglik"]), rel: 1e-8, "\(id) loglik")
            let lr = StatsReferenceJSON.doubles(m["lr_test"])
            assertClose(fit.lrTest.chisq, lr[0], rel: 1e-6, "\(id) LR chisq")
            XCTAssertEqual(Double(fit.lrTest.df), lr[1], "\(id) LR df")
            assertClose(fit.lrTest.p, lr[2], rel: 1e-6, abs: 1e-300, "\(id) LR p")
        }
    }

    /// Without competing events the subdistribution hazard is the hazard: crr's estimate is the
    /// Breslow-ties Cox estimate (the censoring weights never enter the risk sets).
    func testWithoutCompetingEventsEqualsBreslowCox() throws {
        let time: [Double] = [1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10]
        let status = [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1]
        let x: [Double] = [0.5, 1, -1, 2, 0, 1.5, -0.5, 0.2, 1.1, -2, 0.7, 0.3]
        let fg = try FineGray.fit(try FineGrayData(time: time, status: status, columns: [x], columnNames: ["x"]), cause: 1,
                                control: FineGrayControl(gtol: 1e-13, maxIter: 50))
        let cox = try CoxFit.fit(try CoxData(columns: [x], columnNames: ["x"], stop: time, event: status.map { $0 == 1 }),
                                 ties: .breslow)
        assertClose(fg.beta[0], cox.beta[0], rel: 1e-7, "beta equals Breslow Cox")
        let coxSE = try XCTUnwrap(cox.coefficients[0].se)
        assertClose(fg.information[0], 1 / (coxSE * coxSE), rel: 1e-6,
                    "information equals Cox information")
    }

    func testNoEventsOfCauseIsAnError() throws {
        let d = try FineGrayData(time: [1, 2, 3], status: [1, 0, 2], columns: [[0, 1, 2]], columnNames: ["x"])
        XCTAssertThrowsError(try FineGray.fit(d, cause: 3)) { XCTAssertEqual($0 as? FineGrayError, .noCauseEvents(cause: 3)) }
    }

    func testConstantColumnIsSingular() throws {
        let d = try FineGrayData(time: [1, 2, 3, 4, 5], status: [1, 0, 2, 1, 1], columns: [[0, 1, 2, 1, 0], [1, 1, 1, 1, 1]],
                                 columnNames: ["x", "one"])
        XCTAssertThrowsError(try FineGray.fit(d, cause: 1)) { XCTAssertEqual($0 as? FineGrayError, .singular(["one"])) }
    }
}
