// CoxFitStartTests.swift — a Cox fit given a start kept from an earlier fit (CoxFit.compactStart,
// what the shell caches between commands) gives bit-identical results on every reference model; a
// start exists exactly where the fit takes the ranked algorithm; it polls the fit's cancellation,
// not the one it was made with; a start of other data or another tie method is refused.
import XCTest
@testable import SurvivalStats

final class CoxFitStartTests: XCTestCase {
    /// Every number of a fit, as bit patterns (NaN for aliased columns compares equal to itself).
    func bits(_ f: CoxFitResult) -> [UInt64] {
        let values = f.coefficients.flatMap { [$0.coef ?? .nan, $0.se ?? .nan, $0.robustSE ?? .nan] } + f.loglik
            + f.naiveVariance + (f.robustVariance ?? []) + f.linearPredictors + f.finalScore + f.means
            + [f.scoreTest.chisq, f.waldTest.chisq, f.lrTest.chisq, f.concordance?.concordance ?? .nan,
               f.concordance?.standardError ?? .nan, Double(f.iterations)]
        return values.map(\.bitPattern)
    }

    func testAFitFromAKeptStartIsBitIdenticalOnEveryReferenceModel() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        var kept = 0
        for m in ref.models {
            let data = try m.input.coxData()
            let ties = try XCTUnwrap(CoxTies(rawValue: m.ties))
            let control = CoxControl(iterMax: m.iter_max)
            let start = try CoxFit.compactStart(data, ties: ties)
            let ranked: Bool
            if case .ranked = try CoxEvaluator(data, algorithm: .automatic, cancel: .never) { ranked = true } else { ranked = false }
            XCTAssertEqual(start != nil, ranked, "\(m.id): a start exactly for the ranked algorithm")
            guard let start else { continue }
            kept += 1
            let plain = try CoxFit.fit(data, ties: ties, control: control)
            XCTAssertEqual(bits(try CoxFit.fit(data, ties: ties, control: control, start: start)), bits(plain), m.id)
            // twice: the start is not changed by a fit
            XCTAssertEqual(bits(try CoxFit.fit(data, ties: ties, control: control, start: start)), bits(plain), m.id)
        }
        XCTAssertGreaterThan(kept, 10)
    }

    /// The start was made under a cancellation that fires afterwards (a Ctrl-C in a later command of
    /// the shell): the fit polls only its own.
    func testAStartPollsTheFitsCancellationNotItsOwn() throws {
        let data = try lungData()
        final class Flag: @unchecked Sendable { var raised = false }
        let flag = Flag()
        let start = try XCTUnwrap(try CoxFit.compactStart(data, ties: .efron, cancel: Cancellation { flag.raised }))
        flag.raised = true
        XCTAssertEqual(bits(try CoxFit.fit(data, start: start)), bits(try CoxFit.fit(data)))
    }

    func testAStartOfOtherDataOrTiesIsRefused() throws {
        let data = try lungData()
        let breslow = try XCTUnwrap(try CoxFit.compactStart(data, ties: .breslow))
        XCTAssertThrowsError(try CoxFit.fit(data, ties: .efron, start: breslow)) { e in
            guard case CoxError.invalidArgument = e else { return XCTFail("\(e)") }
        }
        let fewer = data.selectingColumns([0])
        XCTAssertThrowsError(try CoxFit.fit(fewer, ties: .breslow, start: breslow))
    }

    /// A right-censored reference model without clusters (the ranked algorithm), with at least two columns.
    func lungData() throws -> CoxData {
        let ref = try XCTUnwrap(CoxReference.shared)
        let m = try XCTUnwrap(ref.models.first { $0.input.start == nil && $0.input.cluster == nil && $0.input.columns.values.count >= 2 })
        return try m.input.coxData()
    }
}
