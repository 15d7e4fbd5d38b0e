import Foundation
import XCTest
@testable import PlotPlugin
import SurvshCore

/// The CSV behind figures (`data=`), and number formatting helpers.
final class FigureDataTests: XCTestCase {
    func parse(_ csv: String) -> [[String]] {
        csv.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            var fields: [String] = []
            var current = ""
            var quoted = false
            var chars = Array(line)[...]
            while let c = chars.popFirst() {
                if quoted {
                    if c == "\"" {
                        if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { quoted = false }
                    } else { current.append(c) }
                } else if c == "\"" { quoted = true } else if c == "," { fields.append(current); current = "" } else { current.append(c) }
            }
            fields.append(current)
            return fields
        }
    }

    func testKMDataRows() {
        let spec = KMFigureSpec(series: [KMFigureTests.seriesA, KMFigureTests.seriesB], showCI: true,
                                riskTable: KMFigureTests.table)
        let rows = parse(FigureData.csv(spec))
        XCTAssertEqual(rows.first, ["series", "kind", "time", "value", "lower", "upper", "n_risk"])
        let body = rows.dropFirst()
        XCTAssertEqual(body.filter { $0[1] == "step" }.count, 9)
        XCTAssertEqual(body.filter { $0[1] == "censor" }.count, 4)
        XCTAssertEqual(body.filter { $0[1] == "at_risk" }.map { $0[6] }, ["10", "6", "2", "12", "7", "3"])
        XCTAssertEqual(body.first { $0[0] == "Arm A" && $0[2] == "9" }, ["Arm A", "step", "9", "0.3", "NA", "0.6", "NA"])
        XCTAssertEqual(body.first { $0[0] == "Arm B" && $0[2] == "4" }, ["Arm B", "step", "4", "0.7", "0.5", "0.9", "NA"])
        // xmax clips rows as it clips the figure
        var clipped = spec
        clipped.xMax = 5
        let clippedRows = parse(FigureData.csv(clipped)).dropFirst()
        XCTAssertTrue(clippedRows.allSatisfy { (Double($0[2]) ?? 0) <= 5 })
        XCTAssertEqual(clippedRows.filter { $0[1] == "at_risk" }.count, 4)
    }

    func testQuotingAndOtherFigures() {
        let s = StepSeries(label: "a, \"b\"", times: [0, 1], values: [1, 0.5])
        let csv = FigureData.csv(KMFigureSpec(series: [s]))
        XCTAssertTrue(csv.contains("\"a, \"\"b\"\"\",step,0,1,NA,NA,NA\n"))
        XCTAssertEqual(parse(csv)[1][0], "a, \"b\"")
        let forest = parse(FigureData.csv(ForestSpec(rows: OtherFigureTests.forestRows)))
        XCTAssertEqual(forest[0], ["label", "kind", "hr", "lower", "upper", "p"])
        XCTAssertEqual(forest[2], ["ph.ecog", "header", "NA", "NA", "NA", "NA"])
        XCTAssertEqual(forest[3], ["0", "reference", "1", "NA", "NA", "NA"])
        XCTAssertEqual(forest[4], ["1", "term", "1.51", "1.02", "2.23", "0.040"])
        let box = parse(FigureData.csv(BoxPlotSpec(groups: [BoxGroup(label: "g", values: [1, 2, 3, 4, 5, 6, 7, 8, 30])])))
        XCTAssertEqual(box[1][0...6], ["g", "9", "1", "3", "5", "7", "8"])
        XCTAssertEqual(box[1][9], "30")
        let xy = parse(FigureData.csv(XYFigureSpec(series: [StepSeries(label: "l", times: [0, 1, 2], values: [-1, 0, 1])], logX: true)))
        XCTAssertEqual(xy.count, 3, "x <= 0 is not on a log axis")
    }

    func testNumberFormatting() {
        XCTAssertEqual(svgNumber(1.005), "1") // 100.49999… rounds down: binary 1.005 < 1.005
        XCTAssertEqual(svgNumber(2.345678), "2.35")
        XCTAssertEqual(svgNumber(-0.001), "0")
        XCTAssertEqual(svgNumber(-12.5), "-12.5")
        XCTAssertEqual(svgNumber(3.10), "3.1")
        XCTAssertEqual(svgNumber(0.07), "0.07")
        XCTAssertEqual(svgNumber(.nan), "0")
        XCTAssertEqual(tickLabels([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(tickLabels([0, 0.25, 0.5], percent: true), ["0%", "25%", "50%"])
        XCTAssertEqual(tickLabels([-5, 0, 5]), ["-5", "0", "5"])
        XCTAssertEqual(formatFixed(-0.0001, decimals: 2), "0.00")
        XCTAssertEqual(formatFixed(1234.5, decimals: 0), "1235")
        XCTAssertEqual(shortestNumber(12), "12")
        XCTAssertEqual(shortestNumber(0.1), "0.1")
        XCTAssertEqual(shortestNumber(nil), "NA")
        XCTAssertEqual(xmlEscape("a&<>\"'\u{7}"), "a&amp;&lt;&gt;&quot;&apos;\u{FFFD}")
    }
}
