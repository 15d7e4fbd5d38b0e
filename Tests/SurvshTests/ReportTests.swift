// ReportTests.swift — `survsh report` and the shell's `report`: the HTML of the shipped sessions
// (tables, inline SVG figures, contents, methods paragraph, data hashes), that docs/ holds the
// current reports, the Markdown of comments (escaped), the layout of output into tables, and that
// a report under --check writes nothing.

import Foundation
@testable import ReportPlugin
import SurvshCommands
import SurvshCore
import XCTest

final class ReportTests: XCTestCase {
    /// The shipped sessions whose reports are committed under docs/.
    static let shipped = ["net-liver-mets", "lung-tour"]

    override func setUp() {
        _ = FileManager.default.changeCurrentDirectoryPath(repoRoot.path)
    }

    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    func testShippedSessionReportsHaveTablesFiguresContentsMethodsAndHashes() throws {
        for name in Self.shipped {
            let path = "sessions/\(name).surv"
            let (html, report) = try SessionReportFile.html(transcript: path, registry: AllCommands.registry)
            let script = try TranscriptScript.read(path: path, command: "test")
            XCTAssertFalse(report.commands.contains(where: \.failed), "\(name): a command failed")
            XCTAssertFalse(report.commands.contains(where: \.differsFromRecording), "\(name): output differs from the recording")

            // Every table a command returned is an HTML table, placed where it was printed.
            let tables = report.commands.flatMap { $0.outputs.flatMap(\.tables) }
            XCTAssertGreaterThanOrEqual(tables.count, 8, name)
            XCTAssertEqual(count("<table class=\"result\"", in: html), tables.count, name)
            for c in report.commands {
                let layout = OutputLayout.pieces(c.outputLines, tables: c.outputs.flatMap(\.tables))
                XCTAssertTrue(layout.unplaced.isEmpty, "\(name): '\(c.line)': tables not found in its output: \(layout.unplaced.map(\.title))")
            }
            // One inline SVG per plot command, with no XML prolog inside the page.
            let plots = script.steps.filter { $0.command.hasPrefix("plot ") }.count
            XCTAssertGreaterThan(plots, 0, name)
            XCTAssertEqual(count("<svg ", in: html), plots, name)
            XCTAssertEqual(count("<figure class=\"plot\">", in: html), plots, name)
            XCTAssertFalse(html.contains("<?xml"), name)
            // The contents list every section comment of the file.
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let sections = text.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) }
            XCTAssertGreaterThanOrEqual(sections.count, 5, name)
            let nav = try XCTUnwrap(html.range(of: "<nav class=\"toc\"").flatMap { r in html.range(of: "</nav>", range: r.upperBound..<html.endIndex).map { html[r.lowerBound..<$0.upperBound] } })
            for s in sections {
                XCTAssertTrue(nav.contains(">\(MarkdownLite.escape(s))</a>"), "\(name): section '\(s)' not in the contents")
                XCTAssertTrue(html.contains("class=\"section level1\">\(MarkdownLite.escape(s))</h2>"), "\(name): no heading '\(s)'")
            }
            // The methods paragraph names the conventions of the results.
            let methods = try XCTUnwrap(html.range(of: "<section id=\"methods\"").map { html[$0.lowerBound...].prefix(3000) })
            for phrase in ["Kaplan–Meier method", "log-transformed 95% confidence intervals", "log-rank test",
                           "Cox proportional-hazards regression with Efron&#39;s method", "cox.zph"] {
                XCTAssertTrue(methods.contains(phrase), "\(name): methods paragraph lacks '\(phrase)'")
            }
            // The header: version, the transcript's date, each data file with its SHA-256 now.
            XCTAssertTrue(html.contains("<dt>survsh</dt><dd>\(Session.version)</dd>"), name)
            XCTAssertTrue(html.contains("<dd>\(try XCTUnwrap(script.date))</dd>"), name)
            XCTAssertFalse(script.dataFiles.isEmpty, name)
            for file in script.dataFiles {
                let sha = try FileHash.sha256(path: file.path)
                XCTAssertTrue(html.contains("<code>\(file.path)</code></td><td class=\"hash\"><code>\(sha)</code>"), "\(name): \(file.path)")
            }
            // Self-contained: no script, no external stylesheet, image or font.
            for banned in ["<script", "<link", " src=", "@import", "url(http"] {
                XCTAssertFalse(html.contains(banned), "\(name): the report contains '\(banned)'")
            }
            XCTAssertTrue(html.contains("@media print"), name)
        }
    }

    func testNETSessionMethodsCoverEveryTest() throws {
        let (_, report) = try SessionReportFile.html(transcript: "sessions/net-liver-mets.surv", registry: AllCommands.registry)
        XCTAssertEqual(Set(report.methods.map(\.key)),
                       ["km", "ttest-paired", "wilcoxon-signed-rank", "logrank", "cox-screen", "cox", "cox-zph", "table1"])
    }

    /// docs/NAME.html is what `survsh report sessions/NAME.surv -o docs/NAME.html` writes now.
    func testCommittedReportsInDocsAreCurrent() throws {
        for name in Self.shipped {
            let (html, _) = try SessionReportFile.html(transcript: "sessions/\(name).surv", registry: AllCommands.registry)
            let committed = try String(contentsOfFile: "docs/\(name).html", encoding: .utf8)
            XCTAssertTrue(committed == html, "docs/\(name).html is out of date: run "
                          + "'.build/debug/survsh report sessions/\(name).surv -o docs/\(name).html' (or scripts/docs)")
        }
    }

    func testReportInTheShellHasTheSessionsFigureAndSections() throws {
        let shell = TestShell()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-report-\(UUID().uuidString).html").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        shell.run("load data/lung.csv")
        shell.run("## Survival by sex")
        shell.run("# Women live **longer**: <b>not bold</b>")
        shell.run("km Surv(time, status) ~ sex")
        shell.run("plot km Surv(time, status) ~ sex risktable")   // no file=: still a figure in the report
        let r = shell.run("report \(out)")
        XCTAssertTrue(r.outputLines.first?.hasPrefix("wrote report \(out) (3 commands, 1 table, 1 figure)") ?? false, "\(r.outputLines)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertEqual(count("<svg ", in: html), 1)
        XCTAssertTrue(html.contains("<a href=\"#s1-survival-by-sex\">Survival by sex</a>"))
        XCTAssertTrue(html.contains("Women live <strong>longer</strong>: &lt;b&gt;not bold&lt;/b&gt;"))
        XCTAssertTrue(html.contains("data/lung.csv"))
        XCTAssertTrue(html.contains("Kaplan–Meier method"))
    }

    func testReportUnderCheckWritesNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-report-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("r.html").path
        let script = dir.appendingPathComponent("s.surv").path
        let lung = repoRoot.appendingPathComponent("data/lung.csv").path
        try "load \(lung)\n# data: \(lung) sha256=\(try FileHash.sha256(path: lung))\nkm Surv(time, status)\nreport \(out)\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        let session = Session(registry: AllCommands.registry, sink: CapturingSink())
        _ = try ScriptRunner.update(script, session: session)
        let check = try ScriptRunner.check(script, session: Session(registry: AllCommands.registry, sink: CapturingSink()))
        XCTAssertNil(check.diff)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "report wrote a file during --check")
        XCTAssertTrue(try String(contentsOfFile: script, encoding: .utf8).contains("#> wrote report \(out) (2 commands, 1 table, 0 figures)"))
    }

    func testReportRefusesWhatIsNotHTML() {
        let shell = TestShell()
        shell.run("load data/lung.csv")
        var r = shell.run("report /tmp/survsh_report.txt", allowFailure: true)
        XCTAssertEqual(r.outputLines, ["error: report: unsupported extension '.txt' in '/tmp/survsh_report.txt' (expected PATH.html)"])
        r = shell.run("report", allowFailure: true)
        XCTAssertTrue(r.failed)
        XCTAssertTrue(r.outputLines.first?.hasPrefix("error: report: ") ?? false, "\(r.outputLines)")
        r = shell.run("report /nonexistent-dir/r.html", allowFailure: true)
        XCTAssertEqual(r.outputLines, ["error: report: cannot write '/nonexistent-dir/r.html': directory '/nonexistent-dir' does not exist"])
    }

    func testCommandLineReportWritesTheFileAndFailsOnChangedData() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-cli-\(UUID().uuidString).html").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var r = try Binary.run(["report", "sessions/lung-tour.surv", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "report: wrote \(out) (12 commands, 8 tables, 1 figure)\n")
        XCTAssertTrue(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        // A transcript whose data file is not the recorded one makes no report.
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-bad-\(UUID().uuidString).surv").path
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let lung = repoRoot.appendingPathComponent("data/lung.csv").path
        try "load \(lung)\n# data: \(lung) sha256=\(String(repeating: "0", count: 64))\nkm Surv(time, status)\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        r = try Binary.run(["report", bad, "-o", "-"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: report: "), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testMarkdownSubsetIsEscaped() {
        XCTAssertEqual(MarkdownLite.html(["Some **bold**, *italic* and `a < b` text,", "continued."]),
                       "<p>Some <strong>bold</strong>, <em>italic</em> and <code>a &lt; b</code> text, continued.</p>")
        XCTAssertEqual(MarkdownLite.html(["- one", "- two *x*", "", "1. first", "2. second"]),
                       "<ul><li>one</li><li>two <em>x</em></li></ul>\n<ol><li>first</li><li>second</li></ol>")
        XCTAssertEqual(MarkdownLite.html(["<script>alert(1)</script> & \"q\""]),
                       "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;</p>")
        XCTAssertEqual(MarkdownLite.html(["[R](https://www.r-project.org) [x](javascript:alert(1)) [y](\"onmouseover=x)"]),
                       "<p><a href=\"https://www.r-project.org\">R</a> [x](javascript:alert(1)) [y](&quot;onmouseover=x)</p>")
        XCTAssertEqual(MarkdownLite.html(["2 * 3 * 4 and `**not bold**`"]), "<p>2 * 3 * 4 and <code>**not bold**</code></p>")
    }

    func testSectionCommentsAndToolCommentsAreSorted() {
        let blocks = SessionReport.commentBlocks(["## Cohort", "# text", "#! hidden", "# undone by back: km",
                                                 "# Figures ----", "### Sub", "#"])
        XCTAssertEqual(blocks.count, 4)
        guard blocks.count == 4, case .heading(1, "Cohort") = blocks[0], case .prose(["text"]) = blocks[1],
              case .heading(1, "Figures") = blocks[2], case .heading(2, "Sub") = blocks[3] else { return XCTFail("\(blocks)") }
    }

    func testOutputLayoutPlacesTablesWarningsAndKeepsTheRest() {
        let t = ResultTable(title: "Frequencies of x", header: ["x", "n"], rows: [["a", "1"], ["b", "22"]], footnotes: ["two levels"])
        let lines = ["before", "Frequencies of x", "x   n", "a   1", "b  22", "", "two levels", "after", "warning: km: careful"]
        let layout = OutputLayout.pieces(lines, tables: [t])
        XCTAssertTrue(layout.unplaced.isEmpty)
        XCTAssertEqual(layout.pieces, [.text(["before"]), .table(t, caption: "Frequencies of x", footnotes: ["two levels"]),
                                       .text(["after"]), .warning("km: careful")])
        // A table printed with other columns takes the place of the block with its row labels.
        let other = ResultTable(title: "Cox", header: ["", "HR"], rows: [["age", "1.01"], ["sex", "0.58"]])
        let printed = OutputLayout.pieces(["Cox model", "      coef  z", "age  0.01  2", "sex  -0.5  -3", "Concordance"], tables: [other])
        XCTAssertEqual(printed.pieces, [.text(["Cox model"]), .table(other, caption: nil, footnotes: []), .text(["Concordance"])])
        // Not printed at all: unplaced.
        XCTAssertEqual(OutputLayout.pieces(["nothing here"], tables: [other]).unplaced.count, 1)
    }

    func testNumericColumnsAreRightAligned() {
        for cell in ["12", "-0.5", "1.3e-05", "< 2.2e-16", "58.6%", "NA", "Inf", "5.41 (1.651–17.73)", "0.03*"] {
            XCTAssertTrue(HTMLReport.looksNumeric(cell), cell)
        }
        for cell in ["1 to 70", "sex=1", "2 levels: \"F\" \"M\"", "", "age"] {
            XCTAssertFalse(HTMLReport.looksNumeric(cell), cell)
        }
    }
}
