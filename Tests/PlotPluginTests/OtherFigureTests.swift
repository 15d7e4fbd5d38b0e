import Foundation
import XCTest
@testable import PlotPlugin

/// Forest, histogram, box and XY (log-log, cumulative hazard) SVGs, parsed as XML.
final class OtherFigureTests: XCTestCase {
    static let forestRows = [
        ForestRow(label: "age", hr: 1.011, lower: 0.993, upper: 1.029, pText: "0.25"),
        ForestRow(label: "ph.ecog", isHeader: true),
        ForestRow(label: "0", isReference: true, indent: 1),
        ForestRow(label: "1", hr: 1.51, lower: 1.02, upper: 2.23, pText: "0.040", indent: 1),
        ForestRow(label: "3", hr: 7.06, lower: 0.94, upper: 53.1, pText: "0.058", indent: 1),
    ]

    func testForestStructureAndLogPositions() {
        let spec = ForestSpec(rows: Self.forestRows, title: "HR", xMax: 20)
        let svg = SVGRenderer.forest(spec)
        XCTAssertEqual(svg, SVGRenderer.forest(spec), "deterministic")
        let tree = SVGTree.parse(svg)
        XCTAssertEqual(tree.all("forest-row").map { $0.attributes["data-label"] }, ["age", "ph.ecog", "0", "1", "3"])
        XCTAssertEqual(tree.all("header").count, 1)
        XCTAssertEqual(tree.all("reference").filter { $0.name == "g" }.count, 1)
        XCTAssertTrue(tree.all("estimate-text").contains { $0.text == "reference" })
        XCTAssertTrue(tree.all("estimate-text").contains { $0.text == "1.51 (1.02\u{2013}2.23)" })
        XCTAssertEqual(tree.all("arrow").count, 1, "the interval beyond xmax = 20 ends in an arrow")
        XCTAssertEqual(tree.all("reference-line").count, 1)
        // Squares sit at log-interpolated positions between axis ticks.
        let ticks = tree.all("tick").filter { $0.inside("x-axis") }
        guard let t1 = ticks.first(where: { $0.attributes["data-value"] == "1" })?.number("x1"),
              let t10 = ticks.first(where: { $0.attributes["data-value"] == "10" })?.number("x1") else {
            return XCTFail("ticks at 1 and 10 expected: \(ticks.map { $0.attributes["data-value"] ?? "" })")
        }
        let squares = tree.elements.filter { $0.name == "rect" && $0.has("estimate") && !$0.has("reference") }
        XCTAssertEqual(squares.count, 3)
        for (square, hr) in zip(squares, [1.011, 1.51, 7.06]) {
            let cx = (square.number("x") ?? 0) + (square.number("width") ?? 0) / 2
            assertClose(cx, t1 + (t10 - t1) * log10(hr), rel: 0, abs: 0.02, "square of HR \(hr)")
        }
    }

    func testHistogramBars() {
        let values = (1...50).map { Double($0 * $0 % 37) + 0.5 }
        let spec = HistogramSpec(values: values + [.nan], title: "h", xlab: "x")
        let tree = SVGTree.parse(SVGRenderer.histogram(spec))
        let bins = HistogramBins(values: values)
        let bars = tree.all("bar")
        XCTAssertEqual(bars.map { Int($0.attributes["data-count"] ?? "") }, bins.counts.map { Optional($0) })
        XCTAssertEqual(bins.counts.reduce(0, +), 50)
        XCTAssertEqual(tree.all("bars").first?.attributes["data-n"], "50")
        XCTAssertEqual(bars.first?.attributes["data-lower"], shortestNumber(bins.breaks.first))
        // Bar heights are proportional to counts.
        let heights = bars.compactMap { $0.number("height") }
        let maxIndex = bins.counts.firstIndex(of: bins.counts.max() ?? 0) ?? 0
        for (h, c) in zip(heights, bins.counts) {
            assertClose(h, heights[maxIndex] * Double(c) / Double(bins.counts[maxIndex]), rel: 0, abs: 0.02, "bar height")
        }
        _ = SVGTree.parse(SVGRenderer.histogram(HistogramSpec(values: [])))
    }

    func testBoxPlotStatistics() {
        let groups = [BoxGroup(label: "a", values: [1, 2, 3, 4, 5, 6, 7, 8, 30]),
                      BoxGroup(label: "b & c", values: [2, 4, 4, 5]),
                      BoxGroup(label: "one", values: [3]),
                      BoxGroup(label: "none", values: [])]
        let tree = SVGTree.parse(SVGRenderer.box(BoxPlotSpec(groups: groups, ylab: "y")))
        let boxes = tree.all("box")
        XCTAssertEqual(boxes.map { $0.attributes["data-label"] }, ["a", "b & c", "one", "none"])
        XCTAssertEqual(boxes[0].attributes["data-q1"], "3")
        XCTAssertEqual(boxes[0].attributes["data-median"], "5")
        XCTAssertEqual(boxes[0].attributes["data-q3"], "7")
        XCTAssertEqual(boxes[0].attributes["data-upper-whisker"], "8")
        XCTAssertEqual(tree.all("outlier").map { $0.attributes["data-value"] }, ["30"])
        XCTAssertEqual(boxes[2].attributes["data-n"], "1")
        XCTAssertNil(boxes[3].attributes["data-median"])
    }

    func testLogLogDropsNonPositiveTimesAndUsesDecades() {
        let s = StepSeries(label: "g", times: [0, 0.5, 2, 30, 400], values: [-.infinity, -4, -2.5, -1, 0.3])
        let t = StepSeries(label: "h", times: [1, 10, 100], values: [-3, -2, -0.5])
        let spec = XYFigureSpec(series: [s, t], xlab: "t", ylab: "log(-log S)")
        let tree = SVGTree.parse(SVGRenderer.loglog(spec))
        XCTAssertEqual(tree.all("curve").map { $0.attributes["data-points"] }, ["4", "3"])
        let ticks = tree.all("tick").filter { $0.inside("x-axis") }.map { $0.attributes["data-value"] ?? "" }
        XCTAssertEqual(ticks, ["1", "10", "100"])
        let xs = tree.all("tick").filter { $0.inside("x-axis") }.compactMap { $0.number("x1") }
        assertClose(xs[1] - xs[0], xs[2] - xs[1], rel: 0, abs: 0.02, "decades equally spaced")
        XCTAssertTrue(tree.all("tick-label").contains { $0.text == "\u{2212}2" || $0.text == "\u{2212}1" }, "true minus signs")
    }

    func testCumulativeHazardLinesAndBands() {
        let s = StepSeries(label: "a", times: [0, 1, 3, 7], values: [0, 0.1, 0.35, 0.8],
                           lower: [0, 0.02, 0.2, 0.5], upper: [0, 0.2, 0.5, 1.2], endTime: 9)
        let spec = XYFigureSpec(series: [s], style: .line, showCI: true, ylab: "H(t)")
        let tree = SVGTree.parse(SVGRenderer.xy(spec))
        let d = tree.all("curve").first?.attributes["d"] ?? ""
        XCTAssertEqual(pathCommands(d), ["M", "L", "L", "L"])
        XCTAssertEqual(tree.all("ci-band").count, 1)
        let yAxis = tree.elements.first { $0.has("y-axis") }
        XCTAssertEqual(yAxis?.attributes["data-min"], "0")
        assertClose(yAxis?.number("data-max"), 1.2, rel: 1e-12, "y range widened to pretty ticks over the CI")
    }
}
