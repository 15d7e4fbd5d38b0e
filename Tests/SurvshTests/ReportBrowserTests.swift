// ReportBrowserTests.swift — the committed HTML reports (docs/*.html) in a real headless browser
// (Debian's chromium): no console errors, every inline figure laid out with a visible size, the
// tables and contents present after layout, a screenshot that is not a blank page, and a print to
// PDF with a page per section. Skipped, saying why, where chromium is not installed (scripts/setup
// installs it). SURVSH_SCREENSHOT_DIR=DIR keeps the screenshots there for a person to look at.

import Foundation
import XCTest

final class ReportBrowserTests: XCTestCase {
    static let reports = ["net-liver-mets", "lung-tour"]

    /// The chromium executable, or a skip that says how to get one.
    func chromium() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser"] {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        throw XCTSkip("chromium is not installed, so the HTML reports are not checked in a browser "
                      + "(apt-get install chromium, or scripts/setup, which CI runs)")
    }

    /// Runs chromium headless with `args` on `url`; returns stdout and stderr (60 s at most).
    func headless(_ browser: String, _ args: [String], url: URL) throws -> (out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                       "--user-data-dir=\(scratch.appendingPathComponent("profile").path)"] + args + [url.absoluteString]
        let out = scratch.appendingPathComponent("out-\(UUID().uuidString)")
        let err = scratch.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { p.terminate(); XCTFail("chromium did not finish within 60 s") }
        p.waitUntilExit()
        return (try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }

    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: scratch) }

    /// After load, a script (added to a copy of the page only) writes what the browser laid out.
    static let probe = """
    <script>
    window.addEventListener('load', function () {
      var boxes = Array.prototype.map.call(document.querySelectorAll('figure.plot svg'), function (s) {
        var r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; });
      var out = document.createElement('pre'); out.id = 'survsh-probe';
      out.textContent = JSON.stringify({svgs: boxes, tables: document.querySelectorAll('table.result').length,
        toc: document.querySelectorAll('nav.toc a').length, width: document.documentElement.scrollWidth});
      document.body.appendChild(out);
    });
    </script>
    """

    func testReportsRenderWithoutErrorsAndShowTheirFigures() throws {
        let browser = try chromium()
        for name in Self.reports {
            let html = try String(contentsOf: repoRoot.appendingPathComponent("docs/\(name).html"), encoding: .utf8)
            let figures = html.components(separatedBy: "<figure class=\"plot\">").count - 1
            let tables = html.components(separatedBy: "<table class=\"result\"").count - 1
            let sections = html.components(separatedBy: "class=\"section level1\"").count - 1
            XCTAssertGreaterThan(figures, 0, name)

            let probed = scratch.appendingPathComponent("\(name)-probe.html")
            try html.replacingOccurrences(of: "</body>", with: Self.probe + "</body>").write(to: probed, atomically: true, encoding: .utf8)
            let dom = try headless(browser, ["--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                                             "--window-size=1280,900", "--dump-dom"], url: probed)
            let consoleLines = dom.err.split(separator: "\n").filter { $0.contains(":CONSOLE") }
            XCTAssertTrue(consoleLines.isEmpty, "\(name): console messages: \(consoleLines)")
            guard let a = dom.out.range(of: "<pre id=\"survsh-probe\">"),
                  let b = dom.out.range(of: "</pre>", range: a.upperBound..<dom.out.endIndex),
                  let obj = try JSONSerialization.jsonObject(with: Data(dom.out[a.upperBound..<b.lowerBound].utf8)) as? [String: Any] else {
                XCTFail("\(name): the page did not load in chromium: \(dom.err.suffix(2000))"); continue
            }
            let boxes = obj["svgs"] as? [[Int]] ?? []
            XCTAssertEqual(boxes.count, figures, name)
            for box in boxes { XCTAssertTrue(box[0] >= 300 && box[1] >= 150, "\(name): a figure is laid out at \(box)") }
            XCTAssertEqual(obj["tables"] as? Int, tables, name)
            XCTAssertEqual(obj["toc"] as? Int, sections + 1 + (html.components(separatedBy: "<li class=\"sub\">").count - 1), name)
            XCTAssertEqual(obj["width"] as? Int, 1280, "\(name): the page is wider than the window")

            // A screenshot of the page itself, against one of an empty page of the same size: a
            // rendered report compresses far worse than white.
            let shots = ProcessInfo.processInfo.environment["SURVSH_SCREENSHOT_DIR"].map { URL(fileURLWithPath: $0) } ?? scratch!
            let shot = shots.appendingPathComponent("\(name).png")
            let blankPage = scratch.appendingPathComponent("blank.html")
            try "<!DOCTYPE html><html><body></body></html>".write(to: blankPage, atomically: true, encoding: .utf8)
            let blankShot = scratch.appendingPathComponent("blank.png")
            for (page, png) in [(repoRoot.appendingPathComponent("docs/\(name).html"), shot), (blankPage, blankShot)] {
                _ = try headless(browser, ["--window-size=1280,3000", "--screenshot=\(png.path)"], url: page)
            }
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int)
            let blank = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: blankShot.path)[.size] as? Int)
            let png = try Data(contentsOf: shot)
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], name)
            XCTAssertEqual(png[16..<24].reduce(0) { $0 << 8 | UInt64($1) }, UInt64(1280) << 32 | 3000, "\(name): screenshot size")
            XCTAssertGreaterThan(size, 10 * blank, "\(name): the screenshot looks blank (\(size) bytes, an empty page \(blank))")

            // Printed to PDF, each section starts a page.
            let pdf = scratch.appendingPathComponent("\(name).pdf")
            _ = try headless(browser, ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)"],
                             url: repoRoot.appendingPathComponent("docs/\(name).html"))
            let pdfText = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
            let pages = pdfText.components(separatedBy: "/Type /Page\n").count - 1 + pdfText.components(separatedBy: "/Type /Page/").count - 1
                + pdfText.components(separatedBy: "/Type /Page>").count - 1 + pdfText.components(separatedBy: "/Type /Page ").count - 1
            XCTAssertGreaterThanOrEqual(pages, sections + 1, "\(name): \(pages) PDF pages for \(sections) sections")
        }
    }
}
