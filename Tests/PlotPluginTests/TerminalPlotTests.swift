import Foundation
import XCTest
@testable import PlotPlugin

/// Terminal figures: dimensions, braille and ASCII modes, colours only on request.
final class TerminalPlotTests: XCTestCase {
    let series = [KMFigureTests.seriesA, KMFigureTests.seriesB]

    func isBraille(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { $0.value >= 0x2800 && $0.value <= 0x28FF }
    }

    func testBrailleDimensions() {
        for (width, height) in [(80, 24), (60, 15), (120, 40)] {
            let text = TerminalPlot.render(series: series, width: width, height: height, unicode: true)
            let lines = text.components(separatedBy: "\n")
            XCTAssertEqual(lines.count, height, "\(width)x\(height)")
            XCTAssertTrue(lines.allSatisfy { $0.count <= width }, "no line wider than \(width)")
            let plotLines = lines.filter { $0.contains(where: isBraille) && !$0.contains("Arm") }
            XCTAssertGreaterThan(plotLines.count, height / 2)
            XCTAssertTrue(lines.contains { $0.contains("Arm A") && $0.contains("Arm B") }, "legend")
            XCTAssertFalse(text.contains("\u{1B}["), "no colour unless asked")
        }
    }

    func testKMWithRiskTableAndNote() {
        let spec = KMFigureSpec(series: series, riskTable: KMFigureTests.table, pValueText: "p = 0.04", title: "KM",
                                xlab: "Months")
        let text = TerminalPlot.km(spec, width: 70, height: 22, unicode: true)
        let lines = text.components(separatedBy: "\n")
        XCTAssertEqual(lines.count, 22)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 70 })
        XCTAssertTrue(lines.contains("Number at risk"))
        let axis = lines.first { $0.contains("└") } ?? ""
        let rowA = lines.first { $0.hasPrefix("Arm A") || $0.contains(" Arm A ") && $0.contains("10") } ?? ""
        XCTAssertTrue(rowA.contains("10") && rowA.contains("6") && rowA.contains("2"), rowA)
        // Each count is centred under a tick mark of the axis line.
        let tickColumns = Array(axis).enumerated().filter { $0.element == "┬" }.map { $0.offset }
        XCTAssertEqual(tickColumns.count, 3)
        let rowChars = Array(rowA)
        for column in tickColumns.dropFirst() {
            XCTAssertTrue(rowChars.indices.contains(column) && rowChars[column] != " ", "count under tick column \(column): \(rowA)")
        }
        XCTAssertEqual(lines.first?.trimmingCharacters(in: .whitespaces), "KM")
        XCTAssertTrue(lines.contains("p = 0.04"))
    }

    func testASCIIFallback() {
        let text = TerminalPlot.render(series: series, width: 70, height: 20, unicode: false)
        XCTAssertTrue(text.unicodeScalars.allSatisfy { $0.isASCII }, "ASCII only")
        let lines = text.components(separatedBy: "\n")
        XCTAssertEqual(lines.count, 20)
        XCTAssertTrue(text.contains("*") && text.contains("o"), "per-series markers")
        let others = [TerminalPlot.histogram(HistogramSpec(values: [1, 2, 2, 3, 3, 3, 4]), width: 60, height: 12, unicode: false),
                      TerminalPlot.box(BoxPlotSpec(groups: [BoxGroup(label: "g", values: [1, 2, 3, 10])]), width: 60, height: 10, unicode: false),
                      TerminalPlot.forest(ForestSpec(rows: OtherFigureTests.forestRows), width: 80, unicode: false)]
        for other in others {
            XCTAssertTrue(other.unicodeScalars.allSatisfy { $0.isASCII }, other)
        }
    }

    func testColoursOnlyWhenAsked() {
        let coloured = TerminalPlot.render(series: series, width: 70, height: 20, unicode: true, ansiColors: true)
        XCTAssertTrue(coloured.contains("\u{1B}[38;5;25m"), "Okabe–Ito blue")
        XCTAssertTrue(coloured.contains("\u{1B}[38;5;166m"), "Okabe–Ito vermillion")
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        XCTAssertEqual(stripped.components(separatedBy: "\n").count, 20)
        XCTAssertTrue(stripped.components(separatedBy: "\n").allSatisfy { $0.count <= 70 })
    }

    func testHistogramFillsHeightAndBoxForestRows() {
        let values = (0..<200).map { Double(($0 * 7919) % 101) / 3 }
        let hist = TerminalPlot.histogram(HistogramSpec(values: values, title: "h", xlab: "x"), width: 64, height: 18, unicode: true)
        XCTAssertEqual(hist.components(separatedBy: "\n").count, 18)
        XCTAssertTrue(hist.contains("█"))
        let box = TerminalPlot.box(BoxPlotSpec(groups: [BoxGroup(label: "a", values: [1, 2, 3, 4, 50]),
                                                        BoxGroup(label: "b", values: [2, 3, 4])]), width: 64, height: 12, unicode: true)
        XCTAssertTrue(box.contains("○"), "outlier shown")
        XCTAssertTrue(box.contains("n=5") && box.contains("n=3"))
        let forest = TerminalPlot.forest(ForestSpec(rows: OtherFigureTests.forestRows), width: 90, unicode: true)
        let lines = forest.components(separatedBy: "\n")
        XCTAssertTrue(lines.contains { $0.contains("reference") })
        XCTAssertTrue(lines.allSatisfy { $0.count <= 90 })
        XCTAssertEqual(lines.filter { $0.contains("■") }.count, 3)
    }

    func testTinyAndEmptyInputs() {
        let single = StepSeries(label: "one", times: [0], values: [1])
        let text = TerminalPlot.render(series: [single], width: 5, height: 2, unicode: true)
        XCTAssertFalse(text.isEmpty)
        _ = TerminalPlot.render(series: [], width: 40, height: 10, unicode: true)
        _ = TerminalPlot.histogram(HistogramSpec(values: []), width: 40, height: 10, unicode: true)
    }
}
