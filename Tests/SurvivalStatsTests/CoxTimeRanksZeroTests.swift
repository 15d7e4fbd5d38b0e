// CoxTimeRanksZeroTests.swift — the one-pass evaluation at beta = 0 that starts every fit
// (CoxTimeRanks.evaluateAtZero) is bit for bit the two-pass `evaluate` at 0: on every right-censored
// reference model, on 60,000 tied, stratified rows (4 chunks, Efron blocks of hundreds of deaths) with
// both tie methods, and on a column of ±1.7e308 whose centered values overflow (the fall-back).
import XCTest
@testable import SurvivalStats

final class CoxTimeRanksZeroTests: XCTestCase {
    func bits(_ e: CoxEvaluation) -> [UInt64] { ([e.loglik] + e.score + e.information).map(\.bitPattern) }

    func assertOnePassEqualsTwo(_ data: CoxData, _ label: String) throws {
        guard case .ranked(let tr) = try CoxEvaluator(data, algorithm: .automatic, cancel: .never) else {
            return XCTFail("\(label): expected the ranked path")
        }
        for ties in CoxTies.allCases {
            let two = tr.evaluate([Double](repeating: 0, count: data.p), ties: ties, information: true)
            XCTAssertEqual(bits(tr.evaluateAtZero(ties: ties)), bits(two), "\(label) \(ties)")
        }
    }

    func testEveryReferenceModel() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        var checked = 0
        for m in ref.models where m.input.start == nil && m.input.cluster == nil {
            try assertOnePassEqualsTwo(try m.input.coxData(), m.id)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
    }

    func testLargeTiedStratifiedData() throws {
        try assertOnePassEqualsTwo(try CoxTimeRanksTests.largeTiedStratifiedData(), "60k")
    }

    /// The mean of ±1.7e308 overflows: every centered value is NaN and `evaluate` has eta = NaN.
    func testOverflowingCenteredValuesTakeTheTwoPassResult() throws {
        let n = 40
        let big = (0..<n).map { $0 % 2 == 0 ? 1.7e308 : -1.7e308 }
        let x = (0..<n).map { Double($0 % 7) }
        let data = try CoxData(columns: [x, big], columnNames: ["x", "big"], stop: (0..<n).map { Double($0 % 9 + 1) },
                               event: (0..<n).map { $0 % 3 != 0 })
        try assertOnePassEqualsTwo(data, "±1.7e308")
        // the centring's lanes overflow here (+inf and -inf) where a running total cancels to 0: the
        // mean must stay the running total's, not NaN
        let (_, means, center) = try CoxRiskSet.centering(data, bounds: [0, n], stratumOfRow: [], perStratum: false,
                                                          cancel: .never)
        XCTAssertEqual(means[1], 0)
        XCTAssertEqual(center[1], 0)
    }
}
