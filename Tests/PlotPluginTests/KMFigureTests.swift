import Foundation
import XCTest
@testable import PlotPlugin

/// Structure of the Kaplan–Meier SVG, parsed as XML.
final class KMFigureTests: XCTestCase {
    static let seriesA = StepSeries(label: "Arm A", times: [0, 2, 5, 9], values: [1, 0.8, 0.6, 0.3],
                                    lower: [1, 0.5, 0.3, nil], upper: [1, 0.95, 0.85, 0.6],
                                    censorTimes: [3, 7, 12], censorValues: [0.8, 0.6, 0.3], endTime: 12)
    static let seriesB = StepSeries(label: "Arm B", times: [0, 1, 4, 6, 10], values: [1, 0.9, 0.7, 0.5, 0.2],
                                    lower: [1, 0.7, 0.5, 0.3, 0.05], upper: [1, 0.99, 0.9, 0.75, 0.5],
                                    censorTimes: [8], censorValues: [0.5])
    static let table = RiskTable(ticks: [0, 5, 10], rows: [RiskTableRow(label: "Arm A", counts: [10, 6, 2]),
                                                           RiskTableRow(label: "Arm B", counts: [12, 7, 3])])

    func spec(xMax: Double? = nil, percent: Bool = false) -> KMFigureSpec {
        KMFigureSpec(series: [Self.seriesA, Self.seriesB], showCI: true, riskTable: Self.table,
                     pValueText: "Log-rank p = 0.042", title: "Test figure", xlab: "Months",
                     xMax: xMax, percentAxis: percent)
    }

    /// x of the x-axis tick line for a data value, as written.
    func tickX(_ tree: SVGTree, _ value: String) -> String? {
        tree.all("tick").first { $0.inside("x-axis") && $0.attributes["data-value"] == value }?.attributes["x1"]
    }

    func tickY(_ tree: SVGTree, _ value: String) -> Double? {
        tree.all("tick").first { $0.inside("y-axis") && $0.attributes["data-value"] == value }?.number("y1")
    }

    func testCurvesStepPointsAndCensorMarks() {
        let tree = SVGTree.parse(SVGRenderer.km(spec()))
        let curves = tree.all("curve")
        XCTAssertEqual(curves.map { $0.attributes["data-label"] }, ["Arm A", "Arm B"])
        for (curve, series) in zip(curves, [Self.seriesA, Self.seriesB]) {
            XCTAssertEqual(curve.attributes["data-points"], String(series.times.count))
            let d = curve.attributes["d"] ?? ""
            let commands = pathCommands(d)
            XCTAssertEqual(commands.first, "M")
            XCTAssertEqual(commands.filter { $0 == "V" }.count + 1, series.times.count, "one V per step after the first point")
            XCTAssertTrue(Set(commands).isSubset(of: ["M", "H", "V"]), "step paths use only M/H/V: \(d)")
            // The first point is (0, 1): at the x of tick 0 and the y of tick 1.
            let numbers = pathNumbers(d)
            XCTAssertEqual(numbers[0], Double(tickX(tree, "0") ?? "") ?? .nan)
            XCTAssertEqual(numbers[1], tickY(tree, "1") ?? .nan)
        }
        // Arm A continues to its end time 12 (the axis maximum): the path ends at the axis end.
        let xAxisLine = tree.all("axis-line").first { $0.inside("x-axis") }
        XCTAssertEqual(pathNumbers(curves[0].attributes["d"] ?? "").last, xAxisLine?.number("x2"))
        let censor = tree.all("censor")
        XCTAssertEqual(censor.filter { $0.attributes["data-label"] == "Arm A" }.map { $0.attributes["data-time"] }, ["3", "7", "12"])
        XCTAssertEqual(censor.filter { $0.attributes["data-label"] == "Arm B" }.map { $0.attributes["data-time"] }, ["8"])
        // Arm A's limits are missing at its last point: its band is one run that stops there.
        XCTAssertEqual(tree.all("ci-band").map { $0.attributes["data-label"] }, ["Arm A", "Arm B"])
    }

    func testStepHeightsFollowTheYAxis() {
        let tree = SVGTree.parse(SVGRenderer.km(spec()))
        guard let y0 = tickY(tree, "0"), let y1 = tickY(tree, "1") else { return XCTFail("y ticks missing") }
        let d = tree.all("curve")[1].attributes["d"] ?? ""
        // Numbers: M x y, then (H x, V y) pairs -> y values at odd positions after the first pair.
        let numbers = pathNumbers(d)
        var ys = [numbers[1]]
        var i = 3
        while i < numbers.count {
            ys.append(numbers[i])
            i += 2
        }
        for (y, v) in zip(ys, Self.seriesB.values) {
            assertClose(y, y0 + (y1 - y0) * v, rel: 0, abs: 0.011, "y of S = \(v)")
        }
    }

    func testRiskTableAlignedWithTicks() {
        let tree = SVGTree.parse(SVGRenderer.km(spec()))
        let counts = tree.all("risk-count")
        XCTAssertEqual(counts.count, 6)
        for row in Self.table.rows {
            let cells = counts.filter { $0.attributes["data-label"] == row.label }
            XCTAssertEqual(cells.map { Int($0.text) }, row.counts.map { Optional($0) })
            XCTAssertEqual(cells.map { $0.attributes["data-tick"] }, ["0", "5", "10"])
            for cell in cells {
                let x = tickX(tree, cell.attributes["data-tick"] ?? "")
                XCTAssertNotNil(x)
                XCTAssertEqual(cell.attributes["x"], x, "count column sits at its tick")
            }
        }
        let labels = tree.all("risk-label")
        XCTAssertEqual(labels.map { $0.text }, ["Arm A", "Arm B"])
        let curveColors = tree.all("curve").map { $0.attributes["stroke"] }
        XCTAssertEqual(labels.map { $0.attributes["fill"] }, curveColors, "row labels coloured like their curves")
        XCTAssertEqual(Set(curveColors).count, 2)
    }

    func testAxisRangesAndLabels() {
        let tree = SVGTree.parse(SVGRenderer.km(spec()))
        let xAxis = tree.elements.first { $0.has("x-axis") }
        XCTAssertEqual(xAxis?.attributes["data-min"], "0")
        XCTAssertEqual(xAxis?.attributes["data-max"], "12")
        let yAxis = tree.elements.first { $0.has("y-axis") }
        XCTAssertEqual(yAxis?.attributes["data-min"], "0")
        XCTAssertEqual(yAxis?.attributes["data-max"], "1")
        let yLabels = tree.all("tick-label").filter { $0.inside("y-axis") }.map { $0.text }
        XCTAssertEqual(yLabels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let xLabels = tree.all("tick-label").filter { $0.inside("x-axis") }.map { $0.text }
        XCTAssertEqual(xLabels, ["0", "5", "10"], "the risk table's ticks are the axis ticks")
        let percent = SVGTree.parse(SVGRenderer.km(spec(percent: true)))
        XCTAssertEqual(percent.all("tick-label").filter { $0.inside("y-axis") }.map { $0.text },
                       ["0%", "20%", "40%", "60%", "80%", "100%"])
        XCTAssertEqual(tree.all("title").first?.text, "Test figure")
        XCTAssertEqual(tree.all("p-value").first?.text, "Log-rank p = 0.042")
        XCTAssertEqual(tree.all("legend-entry").map { $0.attributes["data-label"] }, ["Arm A", "Arm B"])
    }

    func testXMaxClipsCurvesMarksAndTable() {
        let tree = SVGTree.parse(SVGRenderer.km(spec(xMax: 6)))
        let xAxis = tree.elements.first { $0.has("x-axis") }
        XCTAssertEqual(xAxis?.attributes["data-max"], "6")
        let curves = tree.all("curve")
        XCTAssertEqual(curves.map { $0.attributes["data-points"] }, ["3", "4"], "points after t = 6 are dropped")
        let axisEnd = tree.all("axis-line").first { $0.inside("x-axis") }?.number("x2")
        for curve in curves {
            XCTAssertEqual(pathEndX(curve.attributes["d"] ?? ""), axisEnd, "clipped curves run to xmax")
        }
        // Arm A has no step at 6: it ends with a horizontal run to xmax.
        XCTAssertEqual(pathCommands(curves[0].attributes["d"] ?? "").last, "H")
        XCTAssertEqual(tree.all("censor").map { $0.attributes["data-time"] }, ["3"])
        XCTAssertEqual(tree.all("risk-count").map { $0.attributes["data-tick"] }, ["0", "5", "0", "5"])
    }

    func testDefaultTicksAndBreak() {
        XCTAssertEqual(KMFigureSpec.timeTicks(axisMax: 1022, xBreak: nil), [0, 200, 400, 600, 800, 1000])
        XCTAssertEqual(KMFigureSpec.timeTicks(axisMax: 40, xBreak: 12), [0, 12, 24, 36])
        var s = KMFigureSpec(series: [Self.seriesA], xBreak: 3)
        XCTAssertEqual(s.timeAxisMax, 12)
        XCTAssertEqual(s.defaultTimeTicks, [0, 3, 6, 9, 12])
        s.riskTable = nil
        let tree = SVGTree.parse(SVGRenderer.km(s))
        XCTAssertEqual(tree.all("tick").filter { $0.inside("x-axis") }.map { $0.attributes["data-value"] },
                       ["0", "3", "6", "9", "12"])
        XCTAssertTrue(tree.all("legend-entry").isEmpty, "a single curve needs no legend")
        XCTAssertEqual(tree.all("curve").first?.attributes["stroke"], "#000000")
    }

    func testDeterministicAndCompactNumbers() throws {
        let a = SVGRenderer.km(spec())
        let b = SVGRenderer.km(spec())
        XCTAssertEqual(a, b)
        XCTAssertEqual(Data(a.utf8), Data(b.utf8))
        // Coordinates carry at most two decimals and never an exponent.
        let regex = try NSRegularExpression(pattern: "[0-9]\\.[0-9]{3,}|[0-9]e[-+]?[0-9]")
        let tree = SVGTree.parse(a)
        for element in tree.elements {
            for name in ["x", "y", "x1", "x2", "y1", "y2", "width", "height", "d", "cx", "cy"] {
                guard let value = element.attributes[name] else { continue }
                let range = NSRange(value.startIndex..., in: value)
                XCTAssertNil(regex.firstMatch(in: value, range: range), "\(element.name) \(name)=\(value)")
            }
        }
        XCTAssertFalse(a.contains("id=\""), "no generated ids")
        XCTAssertTrue(a.contains("font-family=\"Helvetica, Arial, sans-serif\""))
    }

    func testEscapingOfLabels() {
        let nasty = "A & B <C> \"q\" 'r'"
        let series = StepSeries(label: nasty, times: [0, 1], values: [1, 0.5])
        let other = StepSeries(label: "x<y", times: [0, 2], values: [1, 0.4])
        let spec = KMFigureSpec(series: [series, other],
                                riskTable: RiskTable(ticks: [0, 1], rows: [RiskTableRow(label: nasty, counts: [2, 1]),
                                                                           RiskTableRow(label: "x<y", counts: [3, 2])]),
                                pValueText: "p < 0.05 & more", title: "T & <t>", xlab: "time <days>", ylab: "S(t) \"&\"")
        let svg = SVGRenderer.km(spec)
        XCTAssertTrue(svg.contains("A &amp; B &lt;C&gt; &quot;q&quot; &apos;r&apos;"))
        let tree = SVGTree.parse(svg)
        XCTAssertEqual(tree.all("curve").first?.attributes["data-label"], nasty)
        XCTAssertTrue(tree.elements.contains { $0.name == "text" && $0.inside("legend-entry") && $0.text == nasty })
        XCTAssertEqual(tree.all("risk-label").map { $0.text }, [nasty, "x<y"])
        XCTAssertEqual(tree.all("title").first?.text, "T & <t>")
        XCTAssertEqual(tree.all("p-value").first?.text, "p < 0.05 & more")
        XCTAssertTrue(tree.all("axis-title").contains { $0.text == "S(t) \"&\"" })
        // Control characters cannot break the document either.
        let control = StepSeries(label: "bad\u{1}label", times: [0, 1], values: [1, 0.5])
        _ = SVGTree.parse(SVGRenderer.km(KMFigureSpec(series: [control, other])))
    }

    func testLegendDoesNotCoverCurves() {
        let tree = SVGTree.parse(SVGRenderer.km(spec()))
        guard let background = tree.all("legend-background").first,
              let lx = background.number("x"), let ly = background.number("y"),
              let lw = background.number("width"), let lh = background.number("height") else {
            return XCTFail("legend drawn inside the panel expected")
        }
        for curve in tree.all("curve") {
            var x = 0.0
            var y = 0.0
            let d = curve.attributes["d"] ?? ""
            let numbers = pathNumbers(d)
            var k = 0
            for command in pathCommands(d) {
                let v = numbers[k]
                switch command {
                case "M":
                    x = v
                    y = numbers[k + 1]
                    k += 2
                    continue
                case "H":
                    if y >= ly && y <= ly + lh && max(x, v) >= lx && min(x, v) <= lx + lw {
                        XCTFail("horizontal segment at y=\(y) crosses the legend")
                    }
                    x = v
                case "V":
                    if x >= lx && x <= lx + lw && max(y, v) >= ly && min(y, v) <= ly + lh {
                        XCTFail("vertical segment at x=\(x) crosses the legend")
                    }
                    y = v
                default: break
                }
                k += 1
            }
        }
    }

    func testDegenerateInputsDoNotTrap() {
        let empty = StepSeries(label: "empty", times: [], values: [])
        let ragged = StepSeries(label: "ragged", times: [0, 1, 2], values: [1, 0.5], lower: [1], upper: [1, 2, 3],
                                censorTimes: [1, 2], censorValues: [0.5])
        let nonFinite = StepSeries(label: "nan", times: [0, .nan, 3], values: [1, 0.5, .infinity])
        let spec = KMFigureSpec(series: [empty, ragged, nonFinite], showCI: true,
                                riskTable: RiskTable(ticks: [0, 1, 50], rows: [RiskTableRow(label: "r", counts: [1])]),
                                xBreak: -3, width: 10, height: 10)
        let tree = SVGTree.parse(SVGRenderer.km(spec))
        XCTAssertEqual(tree.all("curve").map { $0.attributes["data-points"] }, ["2", "1"])
    }
}
