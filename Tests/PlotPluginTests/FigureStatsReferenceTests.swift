import Foundation
import XCTest
@testable import PlotPlugin

/// pretty() ticks, hist() bins and boxplot.stats() against R (Reference/figure_stats.json, written by
/// Reference/figure_stats.R). Tolerance: 1e-12 relative, 1e-14 absolute for break points and
/// statistics; counts and lengths exactly.
final class FigureStatsReferenceTests: XCTestCase {
    struct PrettyCase: Decodable {
        let min: Double
        let max: Double
        let n: Int
        let min_n: Int
        let ticks: [Double]
    }
    struct HistCase: Decodable {
        let name: String
        let x: [Double]
        let breaks_in: [Double]?
        let breaks: [Double]
        let counts: [Int]
        let density: [Double]
        let mids: [Double]
    }
    struct BoxCase: Decodable {
        let name: String
        let x: [Double]
        let stats: [Double]
        let n: Int
        let conf: [Double]
        let out: [Double]
        let fivenum: [Double]
    }
    struct Reference: Decodable {
        let r_version: String
        let pretty: [PrettyCase]
        let hist: [HistCase]
        let box: [BoxCase]
    }

    static func load() throws -> Reference {
        let url = testDirectory().appendingPathComponent("Reference/figure_stats.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func testPrettyMatchesR() throws {
        let ref = try Self.load()
        XCTAssertGreaterThan(ref.pretty.count, 300)
        for c in ref.pretty {
            let ticks = prettyBreaks(min: c.min, max: c.max, n: c.n, minN: c.min_n)
            let label = "pretty(c(\(c.min), \(c.max)), n=\(c.n), min.n=\(c.min_n))"
            XCTAssertEqual(ticks.count, c.ticks.count, "\(label): \(ticks) vs \(c.ticks)")
            guard ticks.count == c.ticks.count else { continue }
            let scale = Swift.max(abs(c.ticks.first ?? 0), abs(c.ticks.last ?? 0))
            for (a, e) in zip(ticks, c.ticks) {
                assertClose(a, e, rel: 1e-12, abs: 1e-14 * scale, label)
            }
        }
    }

    func testNiceTicksIsPrettyWithDefaultMinN() throws {
        let ref = try Self.load()
        for c in ref.pretty where c.min_n == c.n / 3 {
            XCTAssertEqual(niceTicks(min: c.min, max: c.max, targetCount: c.n),
                           prettyBreaks(min: c.min, max: c.max, n: c.n, minN: c.min_n))
        }
    }

    func testHistogramMatchesR() throws {
        let ref = try Self.load()
        for c in ref.hist {
            let bins = HistogramBins(values: c.x, breaks: c.breaks_in)
            XCTAssertEqual(bins.breaks.count, c.breaks.count, c.name)
            for (a, e) in zip(bins.breaks, c.breaks) { assertClose(a, e, rel: 1e-12, abs: 1e-14, "\(c.name) break") }
            XCTAssertEqual(bins.counts, c.counts, c.name)
            XCTAssertEqual(bins.n, c.x.count, c.name)
        }
    }

    func testHistogramCSVDensityMatchesR() throws {
        let ref = try Self.load()
        for c in ref.hist {
            let csv = FigureData.csv(HistogramSpec(values: c.x, breaks: c.breaks_in))
            let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
            XCTAssertEqual(rows.count, c.counts.count, c.name)
            for (row, (d, m)) in zip(rows, zip(c.density, c.mids)) {
                assertClose(Double(row[3]), d, rel: 1e-12, "\(c.name) density")
                assertClose(Double(row[4]), m, rel: 1e-12, "\(c.name) mid")
            }
        }
    }

    func testBoxStatsMatchR() throws {
        let ref = try Self.load()
        for c in ref.box {
            let b = BoxStats(values: c.x)
            XCTAssertEqual(b.n, c.n, c.name)
            for (a, e) in zip(b.stats, c.stats) { assertClose(a, e, rel: 1e-12, "\(c.name) stats") }
            for (a, e) in zip(BoxStats.fivenum(c.x), c.fivenum) { assertClose(a, e, rel: 1e-12, "\(c.name) fivenum") }
            assertClose(b.notchLower, c.conf[0], rel: 1e-12, "\(c.name) conf lower")
            assertClose(b.notchUpper, c.conf[1], rel: 1e-12, "\(c.name) conf upper")
            XCTAssertEqual(b.outliers, c.out, c.name)
        }
    }
}
