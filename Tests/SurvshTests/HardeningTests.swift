// HardeningTests.swift — issue 14's classes of bad input: numbers that are not numbers (NaN, Inf)
// never print, domain errors in expressions warn with counts, non-logical filters are refused,
// negative times are used as R uses them with a warning, infinite values stop analyses naming the
// column and row, and a failed write says so. The scan runs every command over the edge-case data
// in Tests/Fixtures/edge/ in text and JSON mode and fails on any NaN or Inf token in a result.
//
// Reference: Tests/SurvivalStatsTests/Reference/hardening.json (hardening.R: survfit, coxph and
// survdiff on negative_times.csv). Tolerance 1e-9 relative.

import Foundation
import SurvshCore
import XCTest

final class HardeningTests: XCTestCase {
    func shell(_ fixture: String, outcome: Bool = true) -> TestShell {
        let sh = TestShell()
        sh.run("load Tests/Fixtures/edge/\(fixture).csv")
        if outcome { sh.run("survival time status") }
        return sh
    }

    // MARK: - expressions

    func testDomainErrorsStoreNAAndWarnWithCounts() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        // ph.ecog: 63 zeros, 113 ones, 1 missing (R: table(lung$ph.ecog)), so log(ph.ecog - 1) has
        // 63 negatives and 113 zeros.
        let r = sh.run("generate a = log(ph.ecog - 1)")
        XCTAssertTrue(r.outputLines.contains("warning: generate: log(0), which has no finite value, in 113 values: stored as NA"), "\(r.outputLines)")
        XCTAssertTrue(r.outputLines.contains("warning: generate: log() of a negative number (R: NaNs produced) in 63 values: stored as NA"))
        let j = sh.json("generate b = age / (sex - 1)")
        XCTAssertEqual(j["missing"] as? Int, 138)   // sex == 1 in 138 rows
        XCTAssertEqual(j["warnings"] as? [String], ["division by zero in 138 values: stored as NA"])
        for (line, reason) in [("generate c = sqrt(-age)", "sqrt() of a negative number"), ("generate d = exp(age * 20)", "overflow in exp()"),
                               ("generate e = 10 ^ (age * 10)", "overflow in '^'"), ("generate f = age * 1e307", "overflow in '*'"),
                               ("generate g = (-8) ^ (1/3)", "a negative number to a fractional power")] {
            let out = sh.run(line).outputLines
            XCTAssertTrue(out.contains { $0.hasPrefix("warning: generate: \(reason)") }, "\(line): \(out)")
        }
        // No warning when nothing went wrong, and NA inputs are not counted.
        XCTAssertEqual(sh.run("generate h = log(ph.ecog + 1)").outputLines.count, 1)
        XCTAssertEqual(sh.json("filter log(age) > 4")["warnings"] as? [String], nil)
    }

    func testFilterRefusesANumberThatIsNotTrueOrFalse() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        XCTAssertEqual(sh.error("filter age"),
                       "error: filter: a filter condition must be true or false, but column 'age' is a number (e.g. 74) "
                       + "(expected a comparison or a 0/1 column); to keep the rows where it is not zero: filter age != 0")
        XCTAssertTrue(sh.error("filter age - 60").hasSuffix("filter (age - 60) != 0"))
        // A 0/1 column is a condition (generate makes them from comparisons), and so is a comparison.
        sh.run("generate old = age > 65")
        XCTAssertEqual(sh.json("filter old")["rows"] as? Int, 92)   // R: sum(lung$age > 65)
        sh.run("filter sex - 1")
        sh.run("unfilter")
        XCTAssertEqual(sh.json("filter age != 0")["rows"] as? Int, 228)
    }

    // MARK: - survival times and infinite values

    private lazy var reference: [String: Any] = {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/hardening.json")
        let object = (try? Data(contentsOf: url)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return object?["negative_times"] as? [String: Any] ?? [:]
    }()

    func close(_ a: Double?, _ b: Double?, file: StaticString = #filePath, line: UInt = #line) {
        guard let a, let b else { return XCTFail("missing value: \(String(describing: a)) vs \(String(describing: b))", file: file, line: line) }
        XCTAssertLessThanOrEqual(abs(a - b), 1e-9 * max(1, abs(b)), "\(a) vs R \(b)", file: file, line: line)
    }

    func testNegativeTimesAreUsedAsRUsesThemWithAWarning() throws {
        let sh = shell("negative_times")
        let warning = "time column 'time' has 1 negative value (the first in row 1); used as they are, as R's survfit, "
            + "survdiff and coxph do, but survival times are normally 0 or more"
        let km = sh.json("km")
        XCTAssertEqual(km["warnings"] as? [String], [warning])
        let table = try XCTUnwrap(((km["strata"] as? [[String: Any]])?.first?["table"]) as? [[String: Any]])
        let rkm = try XCTUnwrap(reference["km"] as? [String: Any])
        XCTAssertEqual(table.map { $0["time"] as? Double }, (rkm["time"] as? [Double])?.map { Optional($0) })
        for (row, s) in zip(table, rkm["surv"] as? [Double] ?? []) { close(row["surv"] as? Double, s) }
        let cox = sh.json("cox ~ x")
        let term = try XCTUnwrap((cox["terms"] as? [[String: Any]])?.first)
        let rcox = try XCTUnwrap(reference["cox"] as? [String: Any])
        close(term["coef"] as? Double, rcox["coef"] as? Double)
        close(term["se"] as? Double, rcox["se"] as? Double)
        XCTAssertTrue((cox["warnings"] as? [String])?.contains(warning) == true)
        close(sh.json("logrank ~ g")["chisq"] as? Double, (reference["logrank"] as? [String: Any])?["chisq"] as? Double)
    }

    func testInfiniteValuesStopAnalysesNamingColumnAndRow() {
        let sh = TestShell()
        let load = sh.json("load Tests/Fixtures/edge/inf_nan_cells.csv")
        XCTAssertEqual(Set(load["warnings"] as? [String] ?? []), [
            "column 'x' holds 2 infinite values (Inf or -Inf; the first in row 1), which analyses refuse",
            "column 'x': 1 NaN cell read as missing",
            "column 'y' holds 1 infinite value (Inf or -Inf; the first in row 4), which analyses refuse",
            "column 'y': 1 NaN cell read as missing",
        ])
        sh.run("survival time status")
        let expected = "(expected finite numbers; e.g. 'filter abs(x) < 1e308' leaves such rows out)"
        for (line, command) in [("ttest x ~ g", "ttest"), ("ttest x", "ttest"), ("wilcoxon x ~ g", "wilcoxon"),
                                ("cox ~ x", "cox"), ("cox firth ~ x", "cox"), ("plot hist x", "plot"),
                                ("table1 ~ g x", "table1"), ("table1 x cat=x", "table1")] {
            XCTAssertEqual(sh.error(line), "error: \(command): column 'x' holds Inf in row 1, which no analysis can use \(expected)", line)
        }
        XCTAssertTrue(sh.error("ttest y").contains("column 'y' holds Inf in row 4"))
        sh.run("filter abs(x) < 1e308")   // the suggested fix works
        XCTAssertEqual(sh.json("ttest x")["n"] as? Int, 3)
        sh.run("cox ~ x")
        // An infinite time (a number beyond 1.8e308 in the file) is refused too.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-inf-time.csv").path
        try? "time,status\n1,1\n2,0\n1e999,1\n".write(toFile: path, atomically: true, encoding: .utf8)
        sh.run("load \(path)")
        XCTAssertEqual(sh.error("km Surv(time, status)"),
                       "error: km: column 'time' holds Inf in row 3, which no analysis can use (expected finite numbers; e.g. 'filter abs(time) < 1e308' leaves such rows out)")
    }

    /// An Inf in a covariate of a file with no missing cell (the Cox model takes the frame's own
    /// column, which the reader did not find finite) is still refused by cox, loaded at once or lazily,
    /// and with a filter (the gathered column's check names the row).
    func testCoxRefusesAnInfiniteCovariateReadEagerlyOrLazily() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-inf-cov-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "time,status,x,y\n1,1,1.5,2.5\n2,0,Inf,3.5\n3,1,2.5,4.5\n4,1,0.5,5.5\n5,0,1.0,6.5\n".write(toFile: path, atomically: true, encoding: .utf8)
        for lazy in ["off", "on"] {
            let sh = TestShell()
            sh.run("load \(path) lazy=\(lazy)")
            XCTAssertEqual(sh.error("cox Surv(time, status) ~ y + x"),
                           "error: cox: non-finite value in x (expected finite values and start < stop)", lazy)
            sh.run("filter y < 6")   // (y and x are real: without a filter the model takes the frame's arrays)
            XCTAssertEqual(sh.error("cox Surv(time, status) ~ y + x"),
                           "error: cox: column 'x' holds Inf in row 2, which no analysis can use (expected finite numbers; e.g. 'filter abs(x) < 1e308' leaves such rows out)",
                           lazy)
        }
    }

    func testSaveToAFullDeviceIsAnError() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full")
        let sh = TestShell()
        sh.run("load data/aml.csv")
        XCTAssertTrue(sh.error("save session /dev/full").hasPrefix("error: save: "))
        XCTAssertEqual(sh.error("save /dev/full"), "error: save: cannot write '/dev/full': No space left on device")
        // A transcript path that leads to a full device (a link to /dev/full).
        let link = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-full-\(getpid()).surv").path
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/full")
        defer { try? FileManager.default.removeItem(atPath: link) }
        XCTAssertEqual(sh.error("save session \(link)"), "error: save: cannot write '\(link)': No space left on device")
        // The device is still a device: nothing was renamed over it.
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/full")[.type] as? FileAttributeType
        XCTAssertEqual(type, .typeCharacterSpecial)
    }

    // MARK: - the scan

    static let commands = [
        "describe", "summarize", "tabulate g", "tabulate g status", "km", "km ~ g times=1,3 rmean=5", "km ~ g table",
        "km quantiles=0.25,0.5,0.75", "km explain", "logrank ~ g", "logrank ~ g pairwise", "logrank ~ g rho=1",
        "logrank ~ g trend", "cox ~ x", "cox ~ x + g", "cox explain", "cox phtest", "cox firth ~ x", "cox screen ~ x + g",
        "ttest x ~ g", "ttest x", "ttest x y paired", "ttest x y", "wilcoxon x ~ g", "wilcoxon x", "wilcoxon x y paired",
        "generate z = x / y", "generate w = log(x - 1)", "summarize z w",
        "plot km ~ g file=/tmp/survsh-scan.svg", "plot hist x file=/tmp/survsh-scan.svg",
        "plot box x ~ g file=/tmp/survsh-scan.svg", "plot forest file=/tmp/survsh-scan.svg",
        "plot cumhaz file=/tmp/survsh-scan.svg", "plot loglog ~ g file=/tmp/survsh-scan.svg",
        // the models and tables of issue 12 and 13
        "survreg ~ x", "survreg ~ x + g dist=lognormal", "survreg ~ x dist=exponential hr", "survreg predict at x=1",
        "cuminc ~ g", "cuminc ~ g times=1,2 table", "crr ~ x cause=1", "table1 ~ g x y time", "table1 x y time",
        "cox curves at x=1",
        // these change the data: last
        "split at=1.5,2.5", "cox ~ x", "landmark 1", "km",
    ]
    static let fixtures = ["one_row", "all_censored", "events_one_time", "s_reaches_zero", "separation",
                           "constant_covariate", "extreme_times", "inf_nan_cells", "negative_times"]

    /// A NaN or Inf token (any case), as a word: "NaN", "-Inf", "inf", "Infinity"; not "info".
    static let nonFinite = try! NSRegularExpression(pattern: "(?i)(?<![A-Za-z])(nan|inf|infinity)(?![A-Za-z])")

    func testNoCommandPrintsNaNOrInfOnEdgeCaseData() {
        var checked = 0
        for fixture in Self.fixtures {
            for format in ["text", "json"] {
                let sh = shell(fixture)
                sh.run("set format \(format)")
                for line in Self.commands {
                    let before = sh.sink.stdout.count
                    sh.run(line, allowFailure: true)
                    for out in sh.sink.stdout[before...] {
                        checked += 1
                        let range = NSRange(out.startIndex..., in: out)
                        if let m = Self.nonFinite.firstMatch(in: out, range: range) {
                            let token = (out as NSString).substring(with: m.range)
                            XCTFail("\(fixture) (\(format)): '\(line)' printed '\(token)':\n\(out.prefix(2000))")
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 300)
    }
}
