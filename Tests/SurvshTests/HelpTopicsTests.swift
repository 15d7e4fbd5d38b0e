// HelpTopicsTests.swift — help for one form of a command (help cox phtest), a subcommand found
// alone (help forest), R names pointing to survsh's, and analyses survsh lacks named as such.

import SurvshCommands
import SurvshCore
import XCTest

final class HelpTopicsTests: XCTestCase {
    func testHelpForOneFormOfACommand() {
        let sh = TestShell()
        let out = sh.run("help cox phtest").outputLines
        XCTAssertEqual(out.first?.hasPrefix("cox phtest — a form of cox"), true, "\(out)")
        XCTAssertTrue(out.contains { $0.hasPrefix("  cox phtest [transform=km|rank|identity]") }, "\(out)")
        XCTAssertTrue(out.contains { $0.hasPrefix("  transform=km|rank|identity") }, "the form's option: \(out)")
        XCTAssertTrue(out.contains { $0.hasPrefix("  phtest: ") }, "the form's note: \(out)")
        XCTAssertTrue(out.contains("  cox phtest transform=rank"), "the form's examples: \(out)")
        XCTAssertFalse(out.contains { $0.contains("cox firth") || $0.contains("ties=") }, "only this form: \(out)")
        XCTAssertEqual(sh.json("help cox phtest")["name"] as? String, "cox phtest")
        XCTAssertEqual(sh.error("help cox nosuch"),
                       "error: help: cox has no subcommand 'nosuch' (expected firth, phtest, screen, explain, residuals or curves)")
    }

    func testASubcommandOrAnRNameFindsItsCommand() {
        let sh = TestShell()
        XCTAssertEqual(sh.run("help forest").outputLines.first?.hasPrefix("plot forest — a form of plot"), true)
        XCTAssertEqual(sh.run("help cox.zph").outputLines.first?.hasPrefix("cox phtest — a form of cox"), true)
        XCTAssertEqual(sh.run("help ggsurvplot").outputLines.first?.hasPrefix("plot km — a form of plot"), true)
        XCTAssertEqual(sh.run("help coxph").outputLines.first?.hasPrefix("cox — "), true)   // an alias
        XCTAssertEqual(sh.error("help forrest"), "error: help: unknown command 'forrest'; did you mean 'plot forest'?")
        XCTAssertEqual(sh.error("kmm ~ sex"), "error: unknown command 'kmm'; did you mean 'km'?")
        XCTAssertEqual(sh.error("zph"), "error: unknown command 'zph'; 'zph' is 'cox phtest' in survsh: see help cox phtest")
    }

    func testEveryOtherNamePointsToAnExistingForm() {
        let registry = AllCommands.registry
        for (name, target) in Help.otherNames {
            let parts = target.split(separator: " ").map(String.init)
            let cmd = registry.lookup(parts[0])
            XCTAssertNotNil(cmd, "\(name) → \(target)")
            if parts.count > 1 { XCTAssertEqual(cmd?.spec.subcommands.contains(parts[1]), true, "\(name) → \(target)") }
            XCTAssertNil(registry.lookup(name), "\(name) is a command itself")
        }
        for name in Help.notAvailable.keys { XCTAssertNil(registry.lookup(name), "\(name) exists now: drop it from notAvailable") }
    }

    func testAnalysesSurvshLacksAreNamedNotGuessed() {
        let sh = TestShell()
        for word in ["flexsurvreg", "gompertz"] {
            let e = sh.error("help \(word)")
            XCTAssertTrue(e.contains("flexible parametric survival models"), e)
            XCTAssertTrue(e.contains("survreg (alias streg) fits the Weibull"), e)
        }
        // competing risks: Stata's names point to cuminc and crr
        XCTAssertTrue(sh.error("stcrreg ~ sex").contains("'crr'"), sh.error("stcrreg ~ sex"))
        XCTAssertTrue(sh.error("stcompet").contains("'cuminc'"), sh.error("stcompet"))
        XCTAssertTrue(sh.error("glm").contains("linear and logistic regression"))
        XCTAssertTrue(sh.error("help nothinglikeit").hasSuffix("type 'help' for the list"))
    }
}
