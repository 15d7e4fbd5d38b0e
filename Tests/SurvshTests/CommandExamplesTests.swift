// CommandExamplesTests.swift — the registry is sound, help is generated for every command, and
// every example in every command's declaration runs without error on the bundled data.

import Foundation
import SurvshCommands
import SurvshCore
import XCTest

final class CommandExamplesTests: XCTestCase {
    func testNamesAndAliasesAreUnique() {
        XCTAssertEqual(AllCommands.registry.duplicateNames(), [])
    }

    func testEveryCommandHasHelpAndExamples() {
        for c in AllCommands.list {
            let s = c.spec
            XCTAssertFalse(s.summary.isEmpty, s.name)
            XCTAssertFalse(s.synopsis.isEmpty, s.name)
            XCTAssertTrue(s.synopsis.allSatisfy { $0.hasPrefix(s.name) }, "\(s.name): synopsis must start with the name")
            let help = Help.detail(s)
            XCTAssertTrue(help.contains("Usage:"), s.name)
            for o in s.options { XCTAssertTrue(help.contains(o.usage), "\(s.name) help lacks \(o.usage)") }
            if s.name != "quit" { XCTAssertFalse(s.examples.isEmpty, "\(s.name) has no examples") }
        }
        let listing = Help.listing(AllCommands.registry)
        for c in AllCommands.list { XCTAssertTrue(listing.contains(c.spec.name), "help lacks \(c.spec.name)") }
    }

    /// Examples run in order in one fresh session that has data/lung.csv loaded and
    /// `survival time status` declared (an example may load another file itself).
    func testEveryExampleRuns() {
        for c in AllCommands.list where c.spec.name != "quit" {
            let shell = TestShell()
            shell.run("load data/lung.csv")
            shell.run("survival time status")
            // replay and tutorial examples pause for answers in a terminal (TutorialTests, TranscriptCheckTests)
            for e in c.spec.examples where !e.hasPrefix("replay") && e != "tutorial" {
                let r = shell.session.execute(e, source: .interactive)
                XCTAssertFalse(r.failed, "\(c.spec.name) example '\(e)' failed: \(r.outputLines.last ?? "")")
            }
        }
    }

    /// The README's command table is the one generated from the declarations. To refresh it:
    /// `SURVSH_UPDATE_README=1 swift test --filter testReadmeCommandTableIsCurrent`.
    func testReadmeCommandTableIsCurrent() throws {
        try assertReadmeSection(begin: "<!-- command-table:begin (generated from the command declarations; a test keeps it current) -->",
                                end: "<!-- command-table:end -->", generated: Help.markdownTable(AllCommands.registry),
                                test: "testReadmeCommandTableIsCurrent")
    }
}
