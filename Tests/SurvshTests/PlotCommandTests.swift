// PlotCommandTests.swift — `plot` end to end: the numbers behind the figures (data= CSV and JSON)
// against R (Tests/PlotPluginTests/Reference/plot_command.json, written by plot_command.R), files
// written in each format, terminal drawings only where they belong, and every bad input.
// Tolerances: 1e-10 relative for survival, CI and cumulative hazard values; counts exactly.

import Foundation
import SurvshCore
import XCTest

/// |a - e| <= abs + rel·|e|; expected nil requires actual nil (the repository's tolerance rule).
private func closeTo(_ actual: Double?, _ expected: Double?, rel: Double, abs: Double = 0, _ label: String,
                     file: StaticString = #filePath, line: UInt = #line) {
    guard let expected else {
        if let actual { XCTFail("\(label): expected NA, got \(actual)", file: file, line: line) }
        return
    }
    guard let actual else { return XCTFail("\(label): expected \(expected), got NA", file: file, line: line) }
    if !(Swift.abs(actual - expected) <= abs + rel * Swift.abs(expected)) {
        XCTFail("\(label): expected \(expected), got \(actual)", file: file, line: line)
    }
}

final class PlotCommandTests: XCTestCase {
    struct Curve: Decodable {
        let label: String
        let n: Int
        let event_time: [Double]
        let surv: [Double]
        let lower: [Double?]
        let upper: [Double?]
        let cumhaz: [Double]
        let cumhaz_lower: [Double]
        let cumhaz_upper: [Double]
        let censor_time: [Double]
        let ticks: [Double]
        let n_risk: [Int]
    }
    struct LogRankRef: Decodable {
        let chisq: Double
        let df: Int
        let p: Double
    }
    struct HistRef: Decodable {
        let breaks: [Double]
        let counts: [Int]
    }
    struct BoxRef: Decodable {
        let n: Int
        let stats: [Double]
        let out: [Double]
    }
    struct Reference: Decodable {
        let lung_sex: [Curve]
        let lung_sex_break: [Curve]
        let lung_sex_loglog90: [Curve]
        let net_mitoses: [Curve]
        let logrank_lung_sex: LogRankRef
        let logrank_net: LogRankRef
        let hist_age: HistRef
        let hist_age_12: HistRef
        let box_wt_loss_by_ecog: [String: BoxRef]
    }

    static let reference: Reference = {
        let url = repoRoot.appendingPathComponent("Tests/PlotPluginTests/Reference/plot_command.json")
        do {
            return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()

    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("survsh-plot-command-\(ProcessInfo.processInfo.processIdentifier)-\(name.filter { $0.isLetter })")
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

    /// Rows of a CSV written by data= (no quoted fields in these tests).
    func csvRows(_ path: URL) throws -> [[String]] {
        let text = try String(contentsOf: path, encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func value(_ s: String) -> Double? { s == "NA" ? nil : Double(s) }

    /// Compares the step, censor and at-risk rows of a KM CSV with R's curves.
    func checkKMData(_ rows: [[String]], _ curves: [Curve], ticksShown: Int? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(rows.first, ["series", "kind", "time", "value", "lower", "upper", "n_risk"], file: file, line: line)
        for c in curves {
            let steps = rows.filter { $0[0] == c.label && $0[1] == "step" }
            XCTAssertEqual(steps.count, c.event_time.count + 1, "\(c.label): start point + one per event time", file: file, line: line)
            XCTAssertEqual(steps.first.map { Array($0[2...5]) }, ["0", "1", "1", "1"], file: file, line: line)
            for (row, k) in zip(steps.dropFirst(), c.event_time.indices) {
                closeTo(value(row[2]), c.event_time[k], rel: 1e-12, "\(c.label) time", file: file, line: line)
                closeTo(value(row[3]), c.surv[k], rel: 1e-10, "\(c.label) surv at \(c.event_time[k])", file: file, line: line)
                closeTo(value(row[4]), c.lower[k], rel: 1e-10, "\(c.label) lower at \(c.event_time[k])", file: file, line: line)
                closeTo(value(row[5]), c.upper[k], rel: 1e-10, "\(c.label) upper at \(c.event_time[k])", file: file, line: line)
            }
            let censor = rows.filter { $0[0] == c.label && $0[1] == "censor" }.compactMap { value($0[2]) }
            XCTAssertEqual(censor, c.censor_time, "\(c.label) censor marks", file: file, line: line)
            let atRisk = rows.filter { $0[0] == c.label && $0[1] == "at_risk" }
            let shown = ticksShown ?? c.ticks.count
            XCTAssertEqual(atRisk.compactMap { value($0[2]) }, Array(c.ticks.prefix(shown)), "\(c.label) ticks", file: file, line: line)
            XCTAssertEqual(atRisk.compactMap { Int($0[6]) }, Array(c.n_risk.prefix(shown)), "\(c.label) n at risk", file: file, line: line)
        }
    }

    func testKMNumbersRiskTableAndPValueMatchR() throws {
        let sh = lungShell()
        let ref = Self.reference
        let svg = scratch.appendingPathComponent("km.svg")
        let csv = scratch.appendingPathComponent("km.csv")
        let j = sh.json("plot km ~ sex ci risktable pvalue file=\(svg.path) data=\(csv.path)")
        XCTAssertEqual(j["kind"] as? String, "km")
        XCTAssertEqual(j["format"] as? String, "svg")
        let series = j["series"] as? [[String: Any]] ?? []
        XCTAssertEqual(series.map { $0["label"] as? String }, ["sex=1", "sex=2"])
        XCTAssertEqual(series.map { $0["n"] as? Int }, ref.lung_sex.map(\.n))
        let lr = j["logrank"] as? [String: Any]
        closeTo(lr?["chisq"] as? Double, ref.logrank_lung_sex.chisq, rel: 1e-10, "log-rank chisq")
        closeTo(lr?["p"] as? Double, ref.logrank_lung_sex.p, rel: 1e-8, "log-rank p")
        // The axis ends at the last time (1022): pretty() ticks 0..1000 are shown, 1200 is not.
        XCTAssertEqual(j["ticks"] as? [Double], [0, 200, 400, 600, 800, 1000])
        let rt = j["risk_table"] as? [String: Any]
        let rtRows = rt?["rows"] as? [[String: Any]] ?? []
        XCTAssertEqual(rtRows.map { $0["n_risk"] as? [Int] }, ref.lung_sex.map { Array($0.n_risk.prefix(6)) })
        checkKMData(try csvRows(csv), ref.lung_sex, ticksShown: 6)
        let text = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("<?xml"))
        XCTAssertTrue(text.contains("Log-rank p = 0.0013"))
        XCTAssertTrue(text.contains("class=\"risk-count\""))
    }

    func testBreakAndConfAndLevel() throws {
        let sh = lungShell()
        let ref = Self.reference
        let csv = scratch.appendingPathComponent("break.csv")
        _ = sh.json("plot km ~ sex ci risktable break=182.5 data=\(csv.path)")
        checkKMData(try csvRows(csv), ref.lung_sex_break)
        let csv90 = scratch.appendingPathComponent("loglog90.csv")
        let j = sh.json("plot km ~ sex ci conf=log-log level=0.9 data=\(csv90.path)")
        XCTAssertEqual(j["conf"] as? String, "log-log")
        let rows = try csvRows(csv90)
        for c in ref.lung_sex_loglog90 {
            let steps = rows.filter { $0[0] == c.label && $0[1] == "step" }.dropFirst()
            for (row, k) in zip(steps, c.event_time.indices) {
                closeTo(value(row[4]), c.lower[k], rel: 1e-10, "log-log 90% lower at \(c.event_time[k])")
                closeTo(value(row[5]), c.upper[k], rel: 1e-10, "log-log 90% upper at \(c.event_time[k])")
            }
        }
    }

    func testNETByMitosesMatchesR() throws {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        sh.run("generate mitoses_hi = mitoses_liver > 2")
        let csv = scratch.appendingPathComponent("net.csv")
        let j = sh.json("plot km Surv(months, died) ~ mitoses_hi ci risktable pvalue break=12 data=\(csv.path)")
        let ref = Self.reference
        checkKMData(try csvRows(csv), ref.net_mitoses)
        closeTo((j["logrank"] as? [String: Any])?["p"] as? Double, ref.logrank_net.p, rel: 1e-8, "NET log-rank p")
    }

    func testLogLogAndCumulativeHazardMatchR() throws {
        let sh = lungShell()
        let ref = Self.reference
        let ll = scratch.appendingPathComponent("ll.csv")
        _ = sh.json("plot loglog ~ sex data=\(ll.path)")
        let llRows = try csvRows(ll)
        for c in ref.lung_sex {
            let expected = zip(c.event_time, c.surv).filter { $0.1 > 0 && $0.1 < 1 }
            let got = llRows.filter { $0[0] == c.label && $0[1] == "step" }
            XCTAssertEqual(got.count, expected.count, c.label)
            for (row, (t, s)) in zip(got, expected) {
                closeTo(value(row[2]), t, rel: 1e-12, "loglog time")
                closeTo(value(row[3]), log(-log(s)), rel: 1e-10, "log(-log S) at \(t)")
            }
        }
        let ch = scratch.appendingPathComponent("ch.csv")
        _ = sh.json("plot cumhaz ~ sex ci data=\(ch.path)")
        let chRows = try csvRows(ch)
        for c in ref.lung_sex {
            let got = chRows.filter { $0[0] == c.label && $0[1] == "step" }.dropFirst()
            XCTAssertEqual(got.count, c.event_time.count)
            for (row, k) in zip(got, c.event_time.indices) {
                closeTo(value(row[3]), c.cumhaz[k], rel: 1e-10, "Nelson-Aalen at \(c.event_time[k])")
                closeTo(value(row[4]), c.cumhaz_lower[k], rel: 1e-10, abs: 1e-14, "cumhaz lower at \(c.event_time[k])")
                closeTo(value(row[5]), c.cumhaz_upper[k], rel: 1e-10, "cumhaz upper at \(c.event_time[k])")
            }
        }
    }

    func testHistogramAndBoxMatchR() throws {
        let sh = lungShell()
        let ref = Self.reference
        let h = sh.json("plot hist age")
        XCTAssertEqual(h["breaks"] as? [Double], ref.hist_age.breaks)
        XCTAssertEqual(h["counts"] as? [Int], ref.hist_age.counts)
        let h12 = sh.json("plot hist age bins=12")
        XCTAssertEqual(h12["breaks"] as? [Double], ref.hist_age_12.breaks)
        XCTAssertEqual(h12["counts"] as? [Int], ref.hist_age_12.counts)
        let b = sh.json("plot box wt.loss ~ ph.ecog")
        let groups = b["groups"] as? [[String: Any]] ?? []
        XCTAssertEqual(groups.map { $0["label"] as? String }, ["0", "1", "2", "3"])
        for g in groups {
            guard let label = g["label"] as? String, let r = ref.box_wt_loss_by_ecog[label] else { continue }
            XCTAssertEqual(g["n"] as? Int, r.n)
            XCTAssertEqual(g["stats"] as? [Double], r.stats, "group \(label)")
            XCTAssertEqual(g["outliers"] as? [Double], r.out, "group \(label)")
        }
        XCTAssertTrue((b["warnings"] as? [String] ?? []).contains { $0.contains("ph.ecog=3 has only one value") })
    }

    func testFilesInEachFormatAreDeterministic() throws {
        let sh = lungShell()
        let a = scratch.appendingPathComponent("a.svg")
        let b = scratch.appendingPathComponent("b.svg")
        sh.run("plot km ~ sex ci risktable pvalue file=\(a.path)")
        sh.run("plot km ~ sex ci risktable pvalue file=\(b.path)")
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert")
            || (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
                .contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/rsvg-convert") }) else {
            throw XCTSkip("rsvg-convert not installed")
        }
        let png = scratch.appendingPathComponent("km.png")
        let j = sh.json("plot km ~ sex risktable width=800 height=600 scale=2 file=\(png.path)")
        XCTAssertEqual(j["format"] as? String, "png")
        let bytes = [UInt8](try Data(contentsOf: png))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        XCTAssertEqual(be32(16), 1600)
        XCTAssertEqual(be32(20), 1200)
        let pdf = scratch.appendingPathComponent("box.pdf")
        sh.run("plot box age ~ sex file=\(pdf.path)")
        XCTAssertEqual(String(decoding: try Data(contentsOf: pdf).prefix(5), as: UTF8.self), "%PDF-")
    }

    func testTerminalDrawingOnlyInteractiveAndNeverInJSON() {
        let sh = lungShell()
        let before = sh.sink.stdout.count
        sh.run("plot km ~ sex")
        XCTAssertFalse(sh.sink.stdout[before...].joined().contains { $0.unicodeScalars.first.map { $0.value >= 0x2800 && $0.value <= 0x28FF } ?? false },
                       "no drawing outside the interactive terminal")
        sh.session.interactive = true
        sh.session.terminalSize = (72, 24)
        let mark = sh.sink.stdout.count
        sh.run("plot km ~ sex risktable pvalue")
        let drawn = sh.sink.stdout[mark...].joined(separator: "\n")
        XCTAssertTrue(drawn.unicodeScalars.contains { $0.value >= 0x2801 && $0.value <= 0x28FF }, "braille drawing")
        XCTAssertTrue(drawn.contains("Number at risk"))
        let graphicLines = sh.sink.stdout.last?.components(separatedBy: "\n") ?? []
        XCTAssertTrue(graphicLines.allSatisfy { $0.count <= 72 })
        XCTAssertEqual(graphicLines.count, 21, "sized to the terminal (rows - 3)")
        sh.session.unicodeTerminal = false
        sh.run("plot km ~ sex")
        XCTAssertTrue(sh.sink.stdout.last?.unicodeScalars.allSatisfy { $0.isASCII } ?? false, "ASCII when not UTF-8")
        // JSON mode: exactly one JSON line, no drawing.
        let jsonMark = sh.sink.stdout.count
        _ = sh.json("plot km ~ sex")
        XCTAssertEqual(sh.sink.stdout.count - jsonMark, 1)
        XCTAssertTrue(sh.sink.stdout.last?.hasPrefix("{") ?? false)
    }

    /// The terminal legend has no heading above it as the SVG legend has: it names the grouping
    /// variable in front of the levels ("sex:  ... 1   ... 2"), and keeps R's full labels for several
    /// variables.
    func testTerminalLegendNamesTheGroupingVariable() throws {
        let sh = lungShell()
        sh.session.interactive = true
        sh.session.terminalSize = (72, 24)
        let plot = try XCTUnwrap(sh.session.registry.lookup("plot"))
        func drawing(_ rest: String) throws -> [String] {
            let out = try plot.run(try Arguments(spec: plot.spec, rest: rest), in: sh.session)
            return try XCTUnwrap(out.graphic, "plot \(rest) draws in the terminal").components(separatedBy: "\n")
        }
        let km = try XCTUnwrap(try drawing("km ~ sex").last)
        XCTAssertTrue(km.hasPrefix("sex:"), km)
        XCTAssertTrue(km.contains(" 1   ") && km.hasSuffix(" 2"), km)
        XCTAssertFalse(km.contains("sex="), km)
        XCTAssertTrue(try drawing("cumhaz ~ sex").last?.hasPrefix("sex:") ?? false)
        XCTAssertTrue(try drawing("km ~ sex legend.title=Sex").last?.hasPrefix("Sex:") ?? false)
        let two = try drawing("km ~ sex + ph.ecog").joined(separator: "\n")
        XCTAssertTrue(two.contains("sex=1, ph.ecog=0"), "several variables keep R's full labels: \(two)")
        XCTAssertFalse(two.contains("sex:"), two)
        XCTAssertFalse(try drawing("km").joined().contains(":"), "one curve: no legend")
    }

    func testBadInput() {
        let sh = lungShell()
        XCTAssertEqual(sh.error("plot kmm ~ sex"),
                       "error: plot: unknown plot kind 'kmm' (expected km, loglog, cumhaz, cuminc, forest, hist, box, cox, curves, zph or residuals); did you mean 'km'?")
        XCTAssertTrue(sh.error("plot").contains("missing plot kind"))
        XCTAssertEqual(sh.error("plot km ~ sex file=fig.jpg"),
                       "error: plot: unsupported file extension '.jpg' in file=fig.jpg (expected file=NAME.svg, NAME.png or NAME.pdf)")
        let unwritable = sh.error("plot km ~ sex file=/nonexistent-dir/sub/fig.svg")
        XCTAssertTrue(unwritable.hasPrefix("error: plot: cannot write '/nonexistent-dir/sub/fig.svg'"), unwritable)
        XCTAssertTrue(sh.error("plot km ~ sex data=/nonexistent-dir/x.csv").contains("cannot write"))
        XCTAssertTrue(sh.error("plot km ~ nosuch").contains("unknown column 'nosuch'"))
        XCTAssertTrue(sh.error("plot km ~ sex break=-1").contains("must be positive"))
        XCTAssertTrue(sh.error("plot km ~ sex conf=loglog").contains("unknown value 'loglog' for conf"))
        XCTAssertTrue(sh.error("plot hist").contains("missing variable"))
        XCTAssertTrue(sh.error("plot box age ~ sex + ph.ecog").contains("one grouping variable"))
        XCTAssertTrue(sh.error("plot km ~ age:sex").contains("interaction"))
        XCTAssertEqual(sh.error("plot forest"), "error: plot: no Cox model to plot (expected a 'cox' command first, e.g. cox ~ age + sex)")
        // A group with one row still plots, with a warning.
        sh.run("generate one = (time == 306 and sex == 1) + 0")
        let j = sh.json("plot km ~ one")
        XCTAssertTrue((j["warnings"] as? [String] ?? []).contains { $0.contains("has only one row") }, "\(j)")
    }

    /// Values whose range overflows a double used to trap in the terminal histogram and box plot
    /// (Int(NaN)); now both refuse them with an error, in the terminal and for files.
    func testHistAndBoxRefuseARangeThatOverflows() {
        let sh = lungShell()
        sh.run("generate huge = (2 * sex - 3) * 1.7e308")
        sh.session.interactive = true
        for command in ["plot hist huge", "plot box huge", "plot box huge ~ ph.ecog", "plot hist huge bins=5"] {
            let e = sh.error(command)
            XCTAssertTrue(e.hasPrefix("error: plot: the values of 'huge' run from -1.7e+308 to 1.7e+308"), e)
            XCTAssertTrue(e.hasSuffix("(expected values whose range is below 1.8e308, e.g. rescaled with generate)"), e)
        }
        sh.session.interactive = false
        XCTAssertTrue(sh.error("plot hist huge file=\(scratch.appendingPathComponent("h.svg").path)").contains("too large"))
        // Values near the limit with a finite range still draw.
        sh.session.interactive = true
        sh.run("generate big = sex * 1e307")
        sh.run("plot hist big")
        sh.run("plot box big ~ ph.ecog")
    }

    func testForestFromStoredHazardRatios() throws {
        let sh = lungShell()
        // What a cox command leaves for plot forest (values from R's coxph(Surv(time, status) ~ age +
        // sex + factor(ph.ecog), lung), rounded; only the layout is under test here).
        sh.session.lastHazardRatios = HazardRatioRows(title: "cox Surv(time, status) ~ age + sex + factor(ph.ecog)", rows: [
            .init(term: "age", level: nil, hr: 1.011, lower: 0.993, upper: 1.029, p: 0.2461, isReference: false),
            .init(term: "sex", level: nil, hr: 0.5754, lower: 0.4142, upper: 0.7993, p: 0.00098, isReference: false),
            .init(term: "factor(ph.ecog)", level: "0", hr: nil, lower: nil, upper: nil, p: nil, isReference: true),
            .init(term: "factor(ph.ecog)", level: "1", hr: 1.5069, lower: 1.019, upper: 2.2284, p: 0.0398, isReference: false),
            .init(term: "factor(ph.ecog)", level: "2", hr: 2.4677, lower: 1.5782, upper: 3.8586, p: 7.5e-5, isReference: false),
            .init(term: "factor(ph.ecog)", level: "3", hr: 7.0607, lower: 0.9383, upper: 53.131, p: 0.0578, isReference: false),
        ], level: 0.95)
        let svg = scratch.appendingPathComponent("forest.svg")
        let csv = scratch.appendingPathComponent("forest.csv")
        let j = sh.json("plot forest file=\(svg.path) data=\(csv.path)")
        let rows = j["rows"] as? [[String: Any]] ?? []
        XCTAssertEqual(rows.map { $0["label"] as? String }, ["age", "sex", "ph.ecog", "0", "1", "2", "3"])
        XCTAssertEqual(rows.map { $0["kind"] as? String }, ["term", "term", "header", "reference", "term", "term", "term"])
        let text = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertTrue(text.contains("HR (95% CI)"))
        XCTAssertTrue(text.contains(">2.47 (1.58\u{2013}3.86)<"))
        XCTAssertTrue(text.contains(">&lt;0.001<"), "p below 0.001 printed as <0.001")
        XCTAssertTrue(text.contains("class=\"forest-row reference\""))
        let csvRows = try csvRows(csv)
        XCTAssertEqual(csvRows[4], ["0", "reference", "1", "NA", "NA", "NA"])
        XCTAssertTrue(sh.error("plot forest age").contains("takes no variables"))
    }

    func testForestFromTheLastCoxModel() throws {
        let sh = lungShell()
        guard sh.session.registry.lookup("cox") != nil else { throw XCTSkip("cox command not registered yet") }
        sh.run("cox ~ age + sex + factor(ph.ecog)")
        let svg = scratch.appendingPathComponent("forest.svg")
        let j = sh.json("plot forest file=\(svg.path)")
        let rows = j["rows"] as? [[String: Any]] ?? []
        XCTAssertEqual(rows.map { $0["kind"] as? String }, ["term", "term", "header", "reference", "term", "term", "term"])
        XCTAssertEqual(rows.filter { $0["kind"] as? String == "reference" }.first?["hr"] as? Double, 1)
        let text = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertTrue(text.contains("class=\"forest-row reference\""))
    }

    func testSummaryNamesTheCurveCountOnce() throws {
        let sh = lungShell()
        let svg = scratch.appendingPathComponent("many.svg").path
        sh.run("plot km ~ ph.ecog + sex file=\(svg)")
        let summary = sh.sink.stdout.first { $0.contains("curves") }?.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertEqual(summary, "plot km: 7 curves")
        sh.run("filter ph.ecog == 3")
        sh.run("plot km file=\(svg)")
        XCTAssertTrue(sh.sink.stdout.contains { $0.contains("1 curve: all (n=1, 1 event)") }, sh.sink.stdout.joined(separator: "\n"))
    }

    /// Issue 16, item 9: `plot cox curves` draws the curves of `cox curves` (survfit.coxph): the steps
    /// and CI band values in data= against R (Tests/SurvivalStatsTests/Reference/cox_followup.json),
    /// one line and one band per curve in the SVG, the labels in the legend.
    func testCoxCurvesFigureMatchesSurvfitCoxph() throws {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/cox_followup.json")
        let ref = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let model = try XCTUnwrap((ref["curves"] as? [[String: Any]])?.first { $0["id"] as? String == "lung_efron" })
        let refCurves = model["curves"] as? [[String: Any]] ?? []
        let sh = lungShell()
        XCTAssertTrue(sh.error("plot cox curves").contains("cox curves at"))
        sh.run("cox ~ age + sex + ph.ecog")
        sh.run("cox curves at sex=1,2 age=60")
        let svg = scratch.appendingPathComponent("coxcurves.svg")
        let csv = scratch.appendingPathComponent("coxcurves.csv")
        let j = sh.json("plot cox curves ci risktable file=\(svg.path) data=\(csv.path)")
        XCTAssertEqual(j["kind"] as? String, "cox curves")
        // the series labels hold a comma, so they are quoted: take the quoted field off first
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map { line -> [String] in
            guard line.hasPrefix("\""), let close = line.dropFirst().firstIndex(of: "\"") else { return [] }
            let label = String(line[line.index(after: line.startIndex)..<close])
            return [label] + line[line.index(close, offsetBy: 2)...].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        for (label, rc) in zip(["sex=1, age=60", "sex=2, age=60"], refCurves) {
            let n = rc["n_event"] as? [Double] ?? []
            let times = (rc["time"] as? [Double] ?? []).enumerated().filter { n[$0.offset] > 0 }.map(\.element)
            let pick = { (key: String) in (rc[key] as? [Any] ?? []).enumerated().filter { n[$0.offset] > 0 }.map { $0.element as? Double } }
            let surv = pick("surv"), lower = pick("lower"), upper = pick("upper")
            let steps = Array(rows.filter { $0.count > 6 && $0[0] == label && $0[1] == "step" }.dropFirst())
            XCTAssertEqual(steps.count, times.count, "\(label) steps")
            for (k, row) in steps.enumerated() where k < times.count {
                XCTAssertEqual(value(row[2]), times[k])
                closeTo(value(row[3]), surv[k], rel: 1e-10, "\(label) S at \(times[k])")
                closeTo(value(row[4]), lower[k], rel: 1e-10, "\(label) lower at \(times[k])")
                closeTo(value(row[5]), upper[k], rel: 1e-10, "\(label) upper at \(times[k])")
            }
        }
        let text = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertTrue(text.contains("sex=2, age=60"))
        XCTAssertTrue(text.contains("Adjusted survival probability"))
        XCTAssertEqual(text.components(separatedBy: "class=\"risk-count\"").count - 1, 2 * 6)
    }

    /// Issue 16, item 9: `plot zph TERM` draws plot.cox.zph's data: the residual points (x, y of
    /// cox.zph) and the df = 4 natural-spline smooth with its -/+ 2 se band, against R
    /// (Tests/SurvivalStatsTests/Reference/cox_followup.json, zph_plot lung_efron).
    func testZphFigureMatchesPlotCoxZph() throws {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/cox_followup.json")
        let ref = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let model = try XCTUnwrap((ref["zph_plot"] as? [[String: Any]])?.first { $0["id"] as? String == "lung_efron" })
        let panel = try XCTUnwrap((model["panels"] as? [[String: Any]])?.first { $0["term"] as? String == "sex" })
        let sh = lungShell()
        XCTAssertTrue(sh.error("plot zph").contains("no Cox model"))
        sh.run("cox ~ age + sex + ph.ecog")
        XCTAssertTrue(sh.error("plot zph weight").contains("not a term"))
        let svg = scratch.appendingPathComponent("zph.svg")
        let csv = scratch.appendingPathComponent("zph.csv")
        let j = sh.json("plot zph sex file=\(svg.path) data=\(csv.path)")
        XCTAssertEqual(j["term"] as? String, "sex")
        XCTAssertEqual(j["events"] as? Int, 164)
        let rows = try csvRows(csv)
        let line = rows.filter { $0.first == "sex" && $0[1] == "step" }
        let fit = panel["fit"] as? [Double] ?? [], lower = panel["lower"] as? [Double] ?? [], upper = panel["upper"] as? [Double] ?? []
        let predX = model["pred_x"] as? [Double] ?? []
        XCTAssertEqual(line.count, 40)
        for (k, row) in line.enumerated() where k < fit.count {
            closeTo(value(row[2]), predX[k], rel: 1e-10, "pred.x[\(k)]")
            closeTo(value(row[3]), fit[k], rel: 1e-6, abs: 1e-9, "smooth[\(k)]")
            closeTo(value(row[4]), lower[k], rel: 1e-6, abs: 1e-9, "lower[\(k)]")
            closeTo(value(row[5]), upper[k], rel: 1e-6, abs: 1e-9, "upper[\(k)]")
        }
        let points = rows.filter { $0.first == "sex" && $0[1] == "censor" }
        let x = model["x"] as? [Double] ?? [], y = panel["y"] as? [Double] ?? []
        XCTAssertEqual(points.count, x.count)
        for (k, row) in points.enumerated() where k < x.count {
            closeTo(value(row[2]), x[k], rel: 1e-10, "x[\(k)]")
            closeTo(value(row[3]), y[k], rel: 1e-6, abs: 1e-9, "y[\(k)]")
        }
        let text = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertTrue(text.contains("Beta(t) for sex"))
    }

    /// Issue 16, item 9: `plot residuals ~ VAR` draws the martingale residuals of the last fit against
    /// VAR with R's lowess() (Tests/SurvivalStatsTests/Reference/cox_followup.json, residual_smooth):
    /// points and smooth in data=, rows with VAR missing left out.
    func testResidualsFigureMatchesR() throws {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/cox_followup.json")
        let ref = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let all = ref["residual_smooth"] as? [[String: Any]] ?? []
        let sh = lungShell()
        XCTAssertTrue(sh.error("plot residuals ~ age").contains("no Cox model"))
        sh.run("cox ~ age + sex + ph.ecog")
        XCTAssertTrue(sh.error("plot residuals").contains("missing variable"))
        for variable in ["age", "wt.loss"] {
            let r = try XCTUnwrap(all.first { $0["var"] as? String == variable })
            let csv = scratch.appendingPathComponent("res_\(variable).csv")
            let j = sh.json("plot residuals ~ \(variable) data=\(csv.path)")
            let x = r["x"] as? [Double] ?? [], resid = r["resid"] as? [Double] ?? []
            XCTAssertEqual(j["n"] as? Int, x.count, variable)
            let rows = try csvRows(csv)
            let points = rows.filter { $0.first == "lowess" && $0[1] == "censor" }
            // the points come sorted by x; compare as sorted (x, residual) pairs
            func byX(_ a: (Double, Double), _ b: (Double, Double)) -> Bool { a.0 < b.0 || (a.0 == b.0 && a.1 < b.1) }
            let mine: [(Double, Double)] = points.map { (value($0[2]) ?? .nan, value($0[3]) ?? .nan) }.sorted(by: byX)
            let theirs: [(Double, Double)] = zip(x, resid).map { ($0, $1) }.sorted(by: byX)
            XCTAssertEqual(mine.count, theirs.count, variable)
            for (k, (a, e)) in zip(mine, theirs).enumerated() {
                XCTAssertEqual(a.0, e.0, "\(variable) x[\(k)]")
                closeTo(a.1, e.1, rel: 1e-6, abs: 1e-9, "\(variable) residual[\(k)]")
            }
            let line = rows.filter { $0.first == "lowess" && $0[1] == "step" }
            let ly = r["lowess_y"] as? [Double] ?? []
            XCTAssertEqual(line.count, ly.count, variable)
            for (k, (row, e)) in zip(line, ly).enumerated() { closeTo(value(row[3]), e, rel: 1e-6, abs: 1e-9, "\(variable) lowess[\(k)]") }
        }
    }
}
