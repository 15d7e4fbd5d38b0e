// InterruptTests.swift — Ctrl-C inside long loops: `cox screen` checks before every model fit (in
// CoxCommand.fitModel) and `logrank ... pairwise` between pairs (LogRank.pairwise's beforeEachPair),
// so a raised interrupt ends the command with `interrupted`.
//
// Session.execute clears the flag at the start of every line, so these tests call the command's
// `run` directly with the flag already raised, as if Ctrl-C came during the first fit. logrank also
// checks once before its main test, so the pairwise hook itself is tested in LogRankTests.

import Foundation
import SurvshCore
import XCTest

final class InterruptTests: XCTestCase {
    override func tearDown() {
        Interrupt.clear()
        super.tearDown()
    }

    private func lungShell() -> TestShell {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        return sh
    }

    /// The error `NAME REST` throws when run with Ctrl-C pressed; nil when it finishes.
    private func interruptedError(_ sh: TestShell, _ name: String, _ rest: String) throws -> SurvshError? {
        let command = try XCTUnwrap(sh.session.registry.lookup(name))
        let args = try Arguments(spec: command.spec, rest: rest)
        Interrupt.raise()
        defer { Interrupt.clear() }
        do {
            _ = try command.run(args, in: sh.session)
            return nil
        } catch let e as SurvshError {
            return e
        }
    }

    func testCoxScreenStopsBetweenFits() throws {
        let sh = lungShell()
        let e = try XCTUnwrap(try interruptedError(sh, "cox", "screen ~ age + sex + ph.ecog"), "cox screen ran on")
        XCTAssertEqual(e.kind, .interrupted)
        XCTAssertEqual(e.description, "error: cox: interrupted")
        XCTAssertNil(sh.session.lastHazardRatios, "no model is left behind")
        // Without Ctrl-C the same line runs.
        sh.run("cox screen ~ age + sex + ph.ecog")
    }

    func testLogrankPairwiseStopsWhenInterrupted() throws {
        let sh = lungShell()
        let e = try XCTUnwrap(try interruptedError(sh, "logrank", "~ ph.ecog pairwise"), "logrank ran on")
        XCTAssertEqual(e.kind, .interrupted)
        XCTAssertEqual(e.description, "error: logrank: interrupted")
        sh.run("logrank ~ ph.ecog pairwise")
    }
}
