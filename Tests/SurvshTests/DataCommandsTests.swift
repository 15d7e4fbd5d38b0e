// DataCommandsTests.swift — the data commands over the shipped data sets.

import Foundation
import SurvshCore
import XCTest

final class DataCommandsTests: XCTestCase {
    func testLungShapeAndMissingCounts() {
        let sh = TestShell()
        let j = sh.json("load data/lung.csv")
        XCTAssertEqual(j["rows"] as? Int, 228)
        XCTAssertEqual(j["columns"] as? Int, 10)
        let d = sh.json("describe")
        let cols = d["columns"] as! [[String: Any]]
        let missing = Dictionary(uniqueKeysWithValues: cols.map { ($0["name"] as! String, $0["missing"] as! Int) })
        XCTAssertEqual(missing, ["inst": 1, "time": 0, "status": 0, "age": 0, "sex": 0, "ph.ecog": 1,
                                 "ph.karno": 1, "pat.karno": 3, "meal.cal": 47, "wt.loss": 14])
    }

    func testNETDerivedVariablesKeepNA() {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        let defs = [("pancreatic", "primary_site == \"pancreas\""), ("size_gt3", "primary_size_cm > 3"),
                    ("mitoses_primary_gt2", "mitoses_primary > 2"), ("ki67_primary_gt1", "ki67_primary > 1"),
                    ("sstr_primary_weak", "sstr_primary == \"weak\""), ("cea_primary_strong", "cea_primary == \"strong\""),
                    ("mitoses_liver_gt2", "mitoses_liver > 2"), ("ki67_liver_gt1", "ki67_liver > 1"),
                    ("sstr_liver_weak", "sstr_liver == \"weak\"")]
        // NA counts of the source columns (data/net_liver_mets.md); pancreatic has none (unknown site = 0)
        let expectedMissing = ["pancreatic": 0, "size_gt3": 1, "mitoses_primary_gt2": 2, "ki67_primary_gt1": 4,
                               "sstr_primary_weak": 3, "cea_primary_strong": 4, "mitoses_liver_gt2": 0,
                               "ki67_liver_gt1": 2, "sstr_liver_weak": 1]
        for (name, expr) in defs {
            let g = sh.json("generate \(name) = \(expr)")
            XCTAssertEqual(g["missing"] as? Int, expectedMissing[name], name)
            XCTAssertEqual(g["type"] as? String, "integer", name)
        }
        let t = sh.json("tabulate died")
        XCTAssertEqual(t["n"] as? Int, 70)
        let levels = t["levels"] as! [[String: Any]]
        XCTAssertEqual(levels.first { ($0["level"] as? String) == "1" }?["n"] as? Int, 29)
        // deaths within 30 days
        sh.run("filter died == 1 and months < 1")
        XCTAssertEqual(sh.session.activeRows.count, 3)
        XCTAssertTrue(sh.error("generate pancreatic = 1").contains("already exists"))
        sh.run("replace pancreatic = 1")
    }

    func testStackedFiltersEqualOneFilterWithAndAndUnfilterRestores() {
        let conditions = ["age > 60", "sex == 1", "ph.ecog <= 1", "wt.loss > 5", "meal.cal < 1200"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<12 {
            let k = Int.random(in: 1...conditions.count, using: &rng)
            let picked = Array(conditions.shuffled(using: &rng).prefix(k))
            let a = TestShell(), b = TestShell()
            a.run("load data/lung.csv"); b.run("load data/lung.csv")
            let all = a.session.activeRows
            for c in picked { a.run("filter \(c)") }
            b.run("filter " + picked.map { "(\($0))" }.joined(separator: " and "))
            XCTAssertEqual(a.session.activeRows, b.session.activeRows, "\(picked)")
            a.run("unfilter")
            XCTAssertEqual(a.session.activeRows, all)
        }
    }

    func testSaveThenLoadGivesTheSameFrame() throws {
        for file in ["lung", "veteran", "net_liver_mets", "ovarian", "aml"] {
            let sh = TestShell()
            sh.run("load data/\(file).csv")
            let original = sh.session.frame
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString).csv").path
            sh.run("save \(tmp)")
            sh.run("load \(tmp)")
            XCTAssertEqual(sh.session.frame.columns.map(\.name), original.columns.map(\.name), file)
            for (a, b) in zip(sh.session.frame.columns, original.columns) {
                XCTAssertEqual(a.type, b.type, "\(file).\(a.name)")
                XCTAssertEqual((0..<a.count).map { a.text(at: $0) }, (0..<b.count).map { b.text(at: $0) }, "\(file).\(a.name)")
            }
        }
    }

    func testBadInputGetsOneLineErrors() {
        let sh = TestShell()
        XCTAssertTrue(sh.error("describe").contains("no data loaded"))
        XCTAssertTrue(sh.error("load").contains("missing the file to load"))
        XCTAssertTrue(sh.error("load data/nothing.csv").hasPrefix("error: load: "))
        sh.run("load data/lung.csv")
        XCTAssertEqual(sh.error("tabulate sexx"), "error: tabulate: unknown column 'sexx' (expected a column of the data: "
                       + "inst, time, status, age, sex, ph.ecog, ph.karno, pat.karno, meal.cal or wt.loss); did you mean 'sex'?")
        XCTAssertTrue(sh.error("filter age >").contains("ends too early"))
        XCTAssertTrue(sh.error("rename age sex").contains("already exists"))
        XCTAssertTrue(sh.error("set digits 99").contains("1 to 15"))
        XCTAssertTrue(sh.error("head -3").contains("not a whole number"))
        sh.run("survival time status")
        XCTAssertTrue(sh.error("drop time").contains("declared outcome"))
        XCTAssertTrue(sh.error("survival time").contains("expected 2 or 3"))
        XCTAssertTrue(sh.error("survival time sex2").contains("did you mean"))
    }
}
