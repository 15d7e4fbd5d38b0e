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

    func testMoreThanEightCurvesCycleLineTypes() throws {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        sh.run("survival months died")
        let svg = scratch.appendingPathComponent("many.svg")
        sh.run("plot km ~ sex + primary_site file=\(svg.path)")
        let text = try String(contentsOf: svg, encoding: .utf8)
        let curves = text.components(separatedBy: "<path class=\"curve\"").dropFirst()
        XCTAssertEqual(curves.count, 11)
        // the first eight are solid, the ninth to eleventh dashed; the legend swatches follow
        XCTAssertEqual(curves.map { $0.prefix(while: { $0 != ">" }).contains("stroke-dasharray") }, Array(repeating: false, count: 8) + [true, true, true])
        XCTAssertEqual(text.components(separatedBy: "stroke-dasharray=\"7 4\"").count - 1, 6, "3 curves + 3 legend swatches")
        XCTAssertTrue(text.contains("#C9B400"), "the darkened yellow")
        XCTAssertFalse(text.contains("#F0E442"))
    }

    func testFontsizeScalesTheWholeFigure() throws {
        let sh = lungShell()
        let plain = scratch.appendingPathComponent("plain.svg"), big = scratch.appendingPathComponent("big.svg")
        sh.run("plot km ~ sex width=800 height=500 file=\(plain.path)")
        sh.run("plot km ~ sex width=1600 height=1000 fontsize=24 file=\(big.path)")
        let a = try String(contentsOf: plain, encoding: .utf8), b = try String(contentsOf: big, encoding: .utf8)
        XCTAssertTrue(b.contains("width=\"1600\" height=\"1000\" viewBox=\"0 0 800 500\""), String(b.prefix(300)))
        // the same layout as the 800 x 500 figure, shown twice as large
        XCTAssertEqual(a.split(separator: "\n").dropFirst(2).joined(), b.split(separator: "\n").dropFirst(2).joined())
        let slide = sh.json("plot km ~ sex theme=slide file=\(scratch.appendingPathComponent("slide.svg").path)")
        XCTAssertEqual(slide["width"] as? Double, 720)
        XCTAssertTrue(sh.error("plot km fontsize=200").contains("fontsize"))
    }
}
