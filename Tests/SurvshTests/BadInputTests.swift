// BadInputTests.swift — bad input to the analysis commands gives one `error: CMD: ... (expected ...)`
// line and the shell goes on; inputs that once trapped stay here.

import XCTest

extension XCTestCase {
    /// Checks the one-line form and that the shell still works afterwards.
    func assertOneLineError(_ sh: TestShell, _ line: String, command: String, contains part: String? = nil,
                            file: StaticString = #filePath, at: UInt = #line) {
        let e = sh.error(line, file: file, at: at)
        XCTAssertTrue(e.hasPrefix("error: \(command): "), "'\(line)': \(e)", file: file, line: at)
        XCTAssertTrue(e.contains(" (expected "), "'\(line)' says what was expected: \(e)", file: file, line: at)
        XCTAssertFalse(e.contains("\n"), "'\(line)': one line", file: file, line: at)
        if let part { XCTAssertTrue(e.contains(part), "'\(line)': \(e)", file: file, line: at) }
        sh.run("describe", file: file, at: at)
    }
}

final class BadInputTests: XCTestCase {
    func lungShell(outcome: Bool = true) -> TestShell {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        if outcome { sh.run("survival time status") }
        return sh
    }

    func testMalformedCommands() {
        let sh = lungShell(outcome: false)
        assertOneLineError(sh, "km Surv(time,status) ~ nosuch", command: "km", contains: "unknown column 'nosuch'")
        assertOneLineError(sh, "cox ~ ", command: "cox")
        assertOneLineError(sh, "cox Surv(time,status) ~ sex ties=exact", command: "cox", contains: "efron or breslow")
        assertOneLineError(sh, "plot km", command: "plot", contains: "no survival outcome")
        assertOneLineError(sh, "plot hist", command: "plot", contains: "missing variable")
        assertOneLineError(sh, "ttest age ~ ph.ecog", command: "ttest", contains: "4 levels")
        assertOneLineError(sh, "logrank Surv(time,status) ~ sex + strata(", command: "logrank", contains: "unbalanced")
        assertOneLineError(sh, "filter agee > 2", command: "filter", contains: "a column of the data: inst, time")
        sh.run("survival time status")
        assertOneLineError(sh, "plot km file=/nonexistent-survsh-dir/x.png", command: "plot",
                           contains: "file=PATH in a directory that exists")
        assertOneLineError(sh, "plot km data=/nonexistent-survsh-dir/x.csv", command: "plot",
                           contains: "data=PATH in a directory that exists")
        assertOneLineError(sh, "cox phtest", command: "cox", contains: "no Cox model")
    }

    func testEveryAnalysisWithNoRowsLeft() {
        let sh = lungShell()
        sh.run("filter age > 1000")
        for (line, command) in [("km", "km"), ("km ~ sex", "km"), ("logrank ~ sex", "logrank"), ("cox ~ age", "cox"),
                                ("cox firth ~ age", "cox"), ("cox screen ~ age + sex", "cox"), ("ttest age", "ttest"),
                                ("ttest age ~ sex", "ttest"), ("wilcoxon age ~ sex", "wilcoxon"), ("plot km", "plot"),
                                ("plot cumhaz ~ sex", "plot"), ("plot loglog", "plot"), ("plot hist age", "plot"),
                                ("plot box age ~ sex", "plot")] {
            assertOneLineError(sh, line, command: command)
        }
    }

    func testTextAndDateColumnsWhereNumbersAreNeeded() {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        assertOneLineError(sh, "km Surv(primary_site, died)", command: "km", contains: "is text")
        assertOneLineError(sh, "km Surv(months, primary_site)", command: "km", contains: "is text")
        assertOneLineError(sh, "cox Surv(resection_date, died) ~ age", command: "cox", contains: "is date")
        assertOneLineError(sh, "logrank Surv(sex, died) ~ age", command: "logrank", contains: "is text")
        assertOneLineError(sh, "ttest primary_site", command: "ttest", contains: "is text")
        assertOneLineError(sh, "plot hist sex", command: "plot", contains: "is text")
    }

    func testASingleRowGroupStillRuns() {
        let sh = lungShell()
        sh.run("generate one = (time == 306 and sex == 1) + 0")
        sh.run("km ~ one times=100 quantiles=0.5 table explain")
        sh.run("logrank ~ one pairwise trend explain")
        sh.run("cox ~ one + age")
        sh.run("plot cumhaz ~ one ci")
        sh.run("filter time == 306 and sex == 1")   // one row in all
        sh.run("km")
        assertOneLineError(sh, "ttest age", command: "ttest", contains: "not enough observations")
        assertOneLineError(sh, "logrank ~ sex", command: "logrank", contains: "only 1 group")
    }

    /// year()/month() of a date pushed past the range of Int used to trap (Int(inf)); it is NA, as in R.
    func testYearOfAnOutOfRangeDateIsMissing() {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        sh.run("generate y = year(resection_date + 1e300)")
        sh.run("generate m = month(resection_date - 1/0)")
        let j = sh.json("summarize y m")
        XCTAssertFalse(j.isEmpty)
        sh.run("filter year(resection_date + 1/0) > 3")
        XCTAssertEqual(sh.session.activeRows.count, 0, "NA > 3 is NA: filter drops every row")
    }

    /// Nine grouping variables with about 190 levels each: the combined group key used to overflow
    /// Int (a trap in Grouping.make) for km, logrank and cox strata().
    func testManyGroupingVariablesDoNotOverflow() {
        let sh = lungShell()
        for k in 1...8 { sh.run("generate a\(k) = time + \(k)") }
        let groups = "time + " + (1...8).map { "a\($0)" }.joined(separator: " + ")
        let strata = "time, " + (1...8).map { "a\($0)" }.joined(separator: ", ")
        let km = sh.json("km ~ \(groups)")
        XCTAssertEqual((km["strata"] as? [Any])?.count, 186, "one curve per distinct time")
        _ = sh.json("logrank ~ sex + strata(\(strata))")
        _ = sh.json("cox ~ age + strata(\(strata))")
    }
}
