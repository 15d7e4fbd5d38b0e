// DerivedDataCacheTests.swift — the session's cache of complete cases, group codes and sorted rows:
// every command that changes the data or the filters invalidates it, and results with and without
// it are identical.

import Foundation
import SurvshCore
import XCTest

final class DerivedDataCacheTests: XCTestCase {
    /// The analyses compared after each step: their full JSON (every number, at full precision).
    static let analyses = ["km ~ sex times=100,300", "logrank ~ sex", "logrank ~ sex + strata(ph.ecog)",
                           "km ~ sex + ph.ecog", "cox ~ age + sex + ph.karno", "km ~ factor(ph.ecog, ref=\"1\")",
                           "cox ~ age + factor(ph.ecog) + strata(sex) ties=breslow", "cox ~ age + sex compare"]

    /// Runs `steps` in two sessions, one with the cache and one without; after every step the
    /// analyses must print the same JSON. Returns the cached shell.
    @discardableResult
    func compare(_ steps: [String], file: StaticString = #filePath, line: UInt = #line) -> TestShell {
        let cached = TestShell(), fresh = TestShell()
        fresh.session.derivedCache.enabled = false
        for step in ["load data/lung.csv", "survival time status"] + steps {
            let before = cached.session.dataVersion
            cached.run(step, file: file, at: line)
            fresh.run(step, file: file, at: line)
            let mutates = !step.hasPrefix("survival") && !step.hasPrefix("set")
            if mutates {
                XCTAssertNotEqual(cached.session.dataVersion, before, "'\(step)' must move the data version", file: file, line: line)
            }
            for a in Self.analyses {
                // twice in the cached session: the second answer comes from the cache
                for _ in 0..<2 {
                    let c = cached.session.execute(a, source: .interactive), f = fresh.session.execute(a, source: .interactive)
                    XCTAssertEqual(c.failed, f.failed, "after '\(step)': \(a)", file: file, line: line)
                    XCTAssertEqual(c.outputLines, f.outputLines, "after '\(step)': \(a)", file: file, line: line)
                }
                let saved = (cached.session.settings.format, fresh.session.settings.format)
                cached.session.settings.format = .json
                fresh.session.settings.format = .json
                cached.session.execute(a, source: .interactive)
                fresh.session.execute(a, source: .interactive)
                XCTAssertEqual(cached.sink.stdout.last, fresh.sink.stdout.last, "after '\(step)': \(a) (JSON)", file: file, line: line)
                (cached.session.settings.format, fresh.session.settings.format) = saved
            }
        }
        XCTAssertGreaterThan(cached.session.derivedCache.hits, 0, "the cache was used", file: file, line: line)
        XCTAssertEqual(fresh.session.derivedCache.hits, 0, file: file, line: line)
        return cached
    }

    func testFiltersInvalidate() {
        compare(["filter age > 55", "filter ph.karno >= 70", "filter drop 1", "unfilter", "filter sex == 2"])
    }

    func testColumnChangesInvalidate() {
        compare(["replace age = age + 1", "replace sex = 3 - sex", "generate old = age > 65", "rename ph.karno karno",
                 "rename age ph.karno", "rename karno age", "replace time = time / 2"])
    }

    func testLevelOrderAndCollationInvalidate() {
        compare(["relevel sex 2", "levels ph.ecog 3,2,1,0", "levels ph.ecog sorted", "set collation=c"])
    }

    func testRowChangesInvalidate() {
        compare(["split at=183,365 id=id", "load data/lung.csv", "survival time status", "keep time status age sex ph.ecog ph.karno",
                 "landmark 100"])
    }

    /// A replace after a cached analysis gives the same result as a fresh session (the brief's case).
    func testCachedResultAfterReplaceEqualsFreshComputation() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        let before = sh.json("logrank Surv(time, status) ~ sex")
        sh.run("replace sex = 1 + (sex == 2) * (age <= 70)")
        let after = sh.json("logrank Surv(time, status) ~ sex")
        let fresh = TestShell()
        fresh.run("load data/lung.csv")
        fresh.run("replace sex = 1 + (sex == 2) * (age <= 70)")
        XCTAssertEqual(after["chisq"] as? Double, fresh.json("logrank Surv(time, status) ~ sex")["chisq"] as? Double)
        XCTAssertNotEqual(before["chisq"] as? Double, after["chisq"] as? Double, "the change matters")
    }

    /// km and logrank without strata share one count of events and censorings per time and group:
    /// the second command finds complete cases, groups and counts in the cache, and answers as a
    /// fresh session does; a stratified logrank counts its own cells.
    func testKMAndLogrankShareTheirCounts() {
        let sh = TestShell(), fresh = TestShell()
        sh.run("load data/lung.csv")
        fresh.run("load data/lung.csv")
        _ = sh.json("km Surv(time, status) ~ sex")
        var hits = sh.session.derivedCache.hits
        let shared = sh.json("logrank Surv(time, status) ~ sex rho=0.5")
        XCTAssertEqual(sh.session.derivedCache.hits, hits + 3, "complete cases, groups and counts reused")
        XCTAssertEqual(shared["chisq"] as? Double, fresh.json("logrank Surv(time, status) ~ sex rho=0.5")["chisq"] as? Double)
        hits = sh.session.derivedCache.hits
        let stratified = sh.json("logrank Surv(time, status) ~ sex + strata(ph.ecog)")
        XCTAssertEqual(sh.session.derivedCache.hits, hits, "other rows (ph.ecog has a missing value), other cells")
        XCTAssertEqual(stratified["chisq"] as? Double,
                       fresh.json("logrank Surv(time, status) ~ sex + strata(ph.ecog)")["chisq"] as? Double)
    }

    /// cox keeps its fit's start (time ranks, centring and scaling, the evaluation at beta = 0): the
    /// same model again finds the complete cases and the start in the cache and prints what a fresh
    /// session prints; another tie method or a model with clusters (the sorted algorithm) has none.
    func testCoxKeepsItsStartForTheSameModel() {
        let sh = TestShell(), fresh = TestShell()
        fresh.session.derivedCache.enabled = false
        sh.run("load data/lung.csv")
        fresh.run("load data/lung.csv")
        func run(_ line: String, newHits: Int) {
            let hits = sh.session.derivedCache.hits
            let c = sh.session.execute(line, source: .interactive), f = fresh.session.execute(line, source: .interactive)
            XCTAssertEqual(c.outputLines, f.outputLines, line)
            XCTAssertEqual(sh.session.derivedCache.hits - hits, newHits, line)
        }
        run("cox Surv(time, status) ~ age + sex + factor(ph.ecog)", newHits: 0)
        run("cox Surv(time, status) ~ age + sex + factor(ph.ecog)", newHits: 2)
        run("cox Surv(time, status) ~ age + sex + factor(ph.ecog) ties=breslow", newHits: 1)
        run("cox Surv(time, status) ~ age + sex + factor(ph.ecog) ties=breslow", newHits: 2)
        run("cox Surv(time, status) ~ age + sex + cluster(inst)", newHits: 0)
        run("cox Surv(time, status) ~ age + sex + cluster(inst)", newHits: 2)
    }

    /// A filter (or filter drop, unfilter) that leaves the active rows as they were keeps the data
    /// version, so cox finds its complete cases and start in the cache and prints what a fresh session
    /// prints; one that changes the active rows moves the version and the cache is rebuilt.
    func testAFilterKeepingTheActiveRowsKeepsTheCache() {
        let sh = TestShell(), fresh = TestShell()
        fresh.session.derivedCache.enabled = false
        let cox = "cox Surv(time, status) ~ age + sex + factor(ph.ecog)"
        func step(_ line: String, keepsRows: Bool) {
            let version = sh.session.dataVersion
            sh.run(line)
            fresh.run(line)
            if keepsRows {
                XCTAssertEqual(sh.session.dataVersion, version, "'\(line)' keeps the active rows")
            } else {
                XCTAssertNotEqual(sh.session.dataVersion, version, "'\(line)' changes the active rows")
            }
            for newHits in [keepsRows ? 2 : 0, 2] {
                let hits = sh.session.derivedCache.hits
                let c = sh.session.execute(cox, source: .interactive), f = fresh.session.execute(cox, source: .interactive)
                XCTAssertEqual(c.outputLines, f.outputLines, "after '\(line)'")
                XCTAssertEqual(sh.session.derivedCache.hits - hits, newHits, "after '\(line)'")
            }
        }
        step("load data/lung.csv", keepsRows: false)
        step("filter time > 0", keepsRows: true)
        step("filter sex >= 1", keepsRows: true)
        step("filter age > 55", keepsRows: false)
        step("filter age > 50", keepsRows: true)
        step("filter drop 4", keepsRows: true)
        step("filter drop 3", keepsRows: false)
        step("unfilter", keepsRows: true)
        step("filter ph.ecog >= 0", keepsRows: false)
        step("replace age = age", keepsRows: false)
    }

    /// Formula expressions (recomputed for each command; runif() differs each time) are not cached.
    func testExpressionColumnsAreNotCached() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("set seed=1")
        let a = sh.json("logrank Surv(time, status) ~ I(runif(0, 1) > 0.5)")
        let b = sh.json("logrank Surv(time, status) ~ I(runif(0, 1) > 0.5)")
        XCTAssertNotEqual(a["chisq"] as? Double, b["chisq"] as? Double)
        let hits = sh.session.derivedCache.hits
        _ = sh.json("km Surv(time, status == 2) ~ sex")
        _ = sh.json("km Surv(time, status == 2) ~ sex")
        XCTAssertEqual(sh.session.derivedCache.hits, hits, "status == 2 is not a frame column")
    }
}
