// PlotOptionsTests.swift — plot options of issue 16 (title="", xscale=, fontsize=, theme=slide) and
// the figures' labels, end to end through the plot command.

import Foundation
import XCTest

final class PlotOptionsTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("plotopts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func lungShell() -> TestShell {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        return sh
    }

    func testEmptyTitleDrawsNoTitle() throws {
        let sh = lungShell()
        sh.run("cox ~ age + sex")
        let titled = scratch.appendingPathComponent("titled.svg"), untitled = scratch.appendingPathComponent("untitled.svg")
        sh.run("plot forest file=\(titled.path)")
        sh.run("plot forest title=\"\" file=\(untitled.path)")
        let a = try String(contentsOf: titled, encoding: .utf8), b = try String(contentsOf: untitled, encoding: .utf8)
        XCTAssertTrue(a.contains("class=\"title\""), "the default title is drawn")
        XCTAssertFalse(b.contains("class=\"title\""), "title=\"\" draws none")
        XCTAssertTrue(sh.error("plot km title=").contains("option 'title' has no value"))
    }
}
