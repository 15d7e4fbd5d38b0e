// SVGReferenceTests.swift — golden-file tests for the figures of issue 16: each figure is rendered
// through the plot command and compared, as text, with the SVG committed in Reference/svg/ (looked at
// as a PNG before it was committed). SURVSH_UPDATE_SVG_REFERENCES=1 rewrites the references.

import Foundation
import XCTest

final class SVGReferenceTests: XCTestCase {
    /// One reference figure: the commands that set the session up, then the plot command (without file=).
    struct Figure {
        let name: String
        let setup: [String]
        let plot: String
    }

    static let lung = ["load data/lung.csv", "survival time status"]

    static let figures: [Figure] = [
        Figure(name: "forest_lung_ecog", setup: lung + ["cox ~ age + sex + factor(ph.ecog)"], plot: "plot forest"),
        Figure(name: "forest_lung_strata", setup: lung + ["cox ~ age + sex + strata(ph.ecog)"], plot: "plot forest"),
        Figure(name: "km_net_eleven_groups", setup: ["load data/net_liver_mets.csv", "survival months died"],
               plot: "plot km ~ sex + primary_site"),
        Figure(name: "km_lung_slide", setup: lung, plot: "plot km ~ sex theme=slide"),
        Figure(name: "km_lung_fontsize24", setup: lung, plot: "plot km ~ sex width=1600 height=1000 fontsize=24"),
        Figure(name: "km_lung_years", setup: lung, plot: "plot km ~ sex risktable xscale=years"),
        Figure(name: "zph_lung_sex", setup: lung + ["cox ~ age + sex + ph.ecog"], plot: "plot zph sex"),
        Figure(name: "cox_curves_lung", setup: lung + ["cox ~ age + sex + ph.ecog", "cox curves at sex=1,2 age=60"],
               plot: "plot cox curves ci"),
        Figure(name: "residuals_lung_age", setup: lung + ["cox ~ sex + ph.ecog"], plot: "plot residuals ~ age"),
        Figure(name: "km_lung_weibull_overlay", setup: lung, plot: "plot km ~ sex overlay=weibull"),
        Figure(name: "km_net_lognormal_overlay", setup: ["load data/net_liver_mets.csv", "survival months died"],
               plot: "plot km ~ I(mitoses_liver > 2) ci overlay=lognormal"),
        Figure(name: "cuminc_mgus2_pcm_by_sex", setup: ["load data/mgus2.csv"],
               plot: "plot cuminc Surv(etime, event) ~ sex cause=1 ci risktable pvalue"),
        Figure(name: "cuminc_mgus2_stacked", setup: ["load data/mgus2.csv"], plot: "plot cuminc Surv(etime, etype) stacked risktable"),
    ]

    static let referenceDirectory = repoRoot.appendingPathComponent("Tests/SurvshTests/Reference/svg")
    static var updating: Bool { ProcessInfo.processInfo.environment["SURVSH_UPDATE_SVG_REFERENCES"] == "1" }

    /// Renders a figure through a fresh session and returns the SVG text.
    func render(_ figure: Figure, into dir: URL) throws -> String {
        let sh = TestShell()
        for line in figure.setup { sh.run(line) }
        let out = dir.appendingPathComponent("\(figure.name).svg")
        sh.run("\(figure.plot) file=\(out.path)")
        return try String(contentsOf: out, encoding: .utf8)
    }

    func testFiguresEqualTheirReferenceSVGs() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("svgref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        for figure in Self.figures {
            let svg = try render(figure, into: scratch)
            let reference = Self.referenceDirectory.appendingPathComponent("\(figure.name).svg")
            if Self.updating {
                try FileManager.default.createDirectory(at: Self.referenceDirectory, withIntermediateDirectories: true)
                try svg.write(to: reference, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOf: reference, encoding: .utf8) else {
                XCTFail("\(figure.name): no reference \(reference.path); look at the figure, then run "
                        + "SURVSH_UPDATE_SVG_REFERENCES=1 swift test --filter SVGReferenceTests")
                continue
            }
            if svg != expected {
                let firstDiff = zip(svg.split(separator: "\n"), expected.split(separator: "\n")).enumerated()
                    .first { $0.element.0 != $0.element.1 }
                XCTFail("\(figure.name) ('\(figure.plot)') differs from \(reference.path)"
                        + (firstDiff.map { " at line \($0.offset + 1):\n  new: \($0.element.0)\n  ref: \($0.element.1)" } ?? "")
                        + "\nnew SVG: \(scratch.appendingPathComponent("\(figure.name).svg").path)"
                        + "\nif the change is intended, look at it and run SURVSH_UPDATE_SVG_REFERENCES=1 swift test --filter SVGReferenceTests")
            }
        }
        XCTAssertFalse(Self.updating, "SVG references rewritten in \(Self.referenceDirectory.path); look at them and commit")
    }
}
