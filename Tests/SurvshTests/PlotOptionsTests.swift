// PlotOptionsTests.swift — plot options of issue 16 (title="", xscale=, fontsize=, theme=slide) and
// the figures' labels, end to end through the plot command.

import Foundation
import SurvshCore
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

    /// Issue 16, defect 5: counts per level (R: table(ph.ecog) and events per level over the complete
    /// cases of time, status, age, sex, ph.ecog: n 63/113/50/1, events 37/82/44/1; 227 rows, 164
    /// events), a readable heading, the strata in a footnote.
    func testForestShowsCountsReadableLabelsAndStrata() throws {
        let sh = lungShell()
        sh.run("cox ~ age + sex + factor(ph.ecog)")
        let svg = scratch.appendingPathComponent("forest.svg")
        sh.run("plot forest file=\(svg.path)")
        let text = try String(contentsOf: svg, encoding: .utf8)
        func cells(_ cls: String) -> [String] {
            text.components(separatedBy: "class=\"\(cls)\"").dropFirst().map { String($0.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" }) }
        }
        XCTAssertEqual(cells("n-text"), ["227", "227", "63", "113", "50", "1"])
        XCTAssertEqual(cells("events-text"), ["164", "164", "37", "82", "44", "1"])
        XCTAssertTrue(text.contains("data-label=\"ph.ecog\""), "factor(ph.ecog) reads ph.ecog")
        XCTAssertFalse(text.contains("class=\"footnote\""))
        sh.run("cox ~ age + sex + strata(ph.ecog)")
        sh.run("plot forest file=\(svg.path)")
        let stratified = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertTrue(stratified.contains("Stratified by ph.ecog (4 strata)"), "strata named under the figure")
    }

    /// Ticks cover the intervals (a CI up to 1.6 gets ticks above 1), and HR texts have enough
    /// significant digits to tell a per-unit effect from 1.
    func testForestTicksAndDigits() throws {
        let sh = lungShell()
        sh.session.lastHazardRatios = HazardRatioRows(title: "hand-made rows", rows: [
            .init(term: "a", level: nil, hr: 0.7, lower: 0.31, upper: 1.6, p: 0.4, isReference: false),
            .init(term: "b", level: nil, hr: 1.0052, lower: 1.0012, upper: 1.0093, p: 0.01, isReference: false),
            .init(term: "c", level: nil, hr: 9.86, lower: 1.29, upper: 75.5, p: 0.03, isReference: false),
        ], level: 0.95)
        let svg = scratch.appendingPathComponent("ticks.svg")
        sh.run("plot forest xmax=2 file=\(svg.path)")
        let text = try String(contentsOf: svg, encoding: .utf8)
        let ticks = text.components(separatedBy: "class=\"tick\" data-value=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        XCTAssertTrue(ticks.contains { $0 > 1 && $0 <= 2 }, "a tick above 1: \(ticks)")
        XCTAssertTrue(ticks.contains(1))
        XCTAssertTrue(text.contains(">0.70 (0.31\u{2013}1.60)<"), "three significant digits")
        XCTAssertTrue(text.contains(">1.005 (1.001\u{2013}1.009)<"), "more digits when 1.01 (1.00-1.01) would hide the effect")
        XCTAssertTrue(text.contains(">9.86 (1.29\u{2013}75.5)<"))
    }

    /// Issue 16, item 11: xscale=years divides days by 365.25 with ticks at whole years; the risk
    /// table then equals R's summary(survfit(Surv(time / 365.25, status) ~ sex), times = 0:2)
    /// (Reference/output_commands.json, xscale_years).
    func testXscaleYearsMatchesSurvfitOnYears() throws {
        let url = repoRoot.appendingPathComponent("Tests/SurvshTests/Reference/output_commands.json")
        let ref = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])?["xscale_years"] as? [String: Any])
        let sh = lungShell()
        let csv = scratch.appendingPathComponent("years.csv"), svg = scratch.appendingPathComponent("years.svg")
        sh.run("plot km ~ sex risktable xscale=years file=\(svg.path) data=\(csv.path)")
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let atRisk = rows.filter { $0.count > 6 && $0[1] == "at_risk" }
        XCTAssertEqual(atRisk.map { Double($0[2]) }, [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(atRisk.map { Int($0[6]) }, (ref["n_risk"] as? [Int])?.map { $0 })
        let last = rows.filter { $0.count > 2 && ($0[1] == "step" || $0[1] == "censor") }.compactMap { Double($0[2]) }.max() ?? 0
        let refLast = (ref["last_time"] as? [Double])?.max() ?? -1
        XCTAssertEqual(last, refLast, accuracy: 1e-12 * refLast)
        XCTAssertTrue(try String(contentsOf: svg, encoding: .utf8).contains(">time (years)<"))
        // months as the data's unit: 12 months make a year
        sh.run("set timeunit=months")
        XCTAssertEqual(sh.session.settings.timeUnit, .months)
        XCTAssertEqual(sh.session.settings.timeUnit.divisor(to: .years), 12)
        XCTAssertTrue(sh.error("plot km xscale=decades").contains("xscale"))
        XCTAssertTrue(sh.error("set timeunit=fortnights").contains("timeunit"))
    }
}
