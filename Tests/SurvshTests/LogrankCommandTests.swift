// LogrankCommandTests.swift — `logrank` end to end: JSON against R's survdiff (Tests/SurvivalStatsTests/
// Reference/km_logrank.json, written by km_logrank.R) within 1e-8 relative, and clear errors.

import Foundation
import XCTest

final class LogrankCommandTests: XCTestCase {
    typealias Ref = KMCommandReference

    private func compare(_ j: [String: Any], toCase name: String, checkLabels: Bool = true,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let ref = try Ref.find("logrank", name)
        let r = ref["result"] as? [String: Any] ?? [:]
        Ref.close(Ref.number(j["chisq"]), Ref.number(r["chisq"]), "\(name): chisq", file: file, line: line)
        XCTAssertEqual(j["df"] as? Int, (r["df"] as? NSNumber)?.intValue, "\(name): df", file: file, line: line)
        Ref.close(Ref.number(j["p"]), Ref.number(r["p"]), "\(name): p", file: file, line: line)
        let groups = j["groups"] as? [[String: Any]] ?? []
        let labels = ref["group_labels"] as? [String] ?? []
        let n = Ref.numbers(r["n"]), o = Ref.numbers(r["observed"]), e = Ref.numbers(r["expected"])
        XCTAssertEqual(groups.count, labels.count, "\(name): groups", file: file, line: line)
        for (g, group) in groups.enumerated() where g < labels.count {
            if checkLabels {
                XCTAssertEqual(group["label"] as? String, labels[g], "\(name): label", file: file, line: line)
            }
            Ref.close(Ref.number(group["n"]), n[g], "\(name): n[\(g)]", file: file, line: line)
            Ref.close(Ref.number(group["observed"]), o[g], "\(name): observed[\(g)]", file: file, line: line)
            Ref.close(Ref.number(group["expected"]), e[g], "\(name): expected[\(g)]", file: file, line: line)
        }
        let v = (j["variance"] as? [[Any]]) ?? []
        let rv = (r["variance"] as? [[Any]]) ?? []
        for (a, row) in v.enumerated() where a < rv.count {
            for (b, x) in row.enumerated() where b < rv[a].count {
                Ref.close(Ref.number(x), Ref.number(rv[a][b]), "\(name): var[\(a),\(b)]", file: file, line: line)
            }
        }
        if let t = j["trend"] as? [String: Any], let rt = ref["trend"] as? [String: Any] {
            Ref.close(Ref.number(t["chisq"]), Ref.number(rt["chisq"]), "\(name): trend chisq", file: file, line: line)
            Ref.close(Ref.number(t["p"]), Ref.number(rt["p"]), "\(name): trend p", file: file, line: line)
        }
    }

    func testLungMatchesR() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let j = sh.json("logrank ~ sex")
        XCTAssertEqual(j["command"] as? String, "logrank")
        try compare(j, toCase: "lung_sex")
        try compare(sh.json("logrank ~ sex rho=1"), toCase: "lung_sex_rho1")
        try compare(sh.json("logrank ~ sex + strata(ph.ecog)"), toCase: "lung_sex_strata_ecog")
        try compare(sh.json("logrank ~ sex + ph.ecog"), toCase: "lung_sex_ecog_combo")
        try compare(sh.json("logrank Surv(time, status) ~ ph.ecog + strata(sex) rho=1"), toCase: "lung_ecog_strata_sex_rho1")
    }

    func testTrendAndPairwiseMatchR() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let j = sh.json("logrank ~ ph.ecog trend pairwise adjust=BH")
        try compare(j, toCase: "lung_ecog")
        let ref = try Ref.find("logrank", "lung_ecog")
        let pw = ref["pairwise"] as? [String: Any] ?? [:]
        let expectedP = Ref.numbers(pw["p"])
        let expectedBH = Ref.numbers((pw["adjusted"] as? [String: Any])?["BH"])
        let pairs = (j["pairwise"] as? [String: Any])?["pairs"] as? [[String: Any]] ?? []
        XCTAssertEqual(pairs.count, expectedP.count)
        for (i, p) in pairs.enumerated() where i < expectedP.count {
            Ref.close(Ref.number(p["p"]), expectedP[i], "pair \(i) p")
            Ref.close(Ref.number(p["p_adjusted"]), expectedBH[i], "pair \(i) BH")
        }
        sh.run("load data/veteran.csv")
        sh.run("generate kgrp = (karno > 40) + (karno > 60) + (karno > 80)")
        let t = sh.json("logrank Surv(time, status) ~ kgrp scores=30,50,70,90")
        try compare(t, toCase: "veteran_karno_trend_scores", checkLabels: false)   // R labels the cut() intervals
    }

    func testNetDichotomisedVariablesMatchR() throws {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        sh.run("survival months died")
        let derived = [
            ("pancreatic", "primary_site == \"pancreas\""), ("size_gt3", "primary_size_cm > 3"),
            ("mitoses_primary_gt2", "mitoses_primary > 2"), ("ki67_primary_gt1", "ki67_primary > 1"),
            ("sstr_primary_weak", "sstr_primary == \"weak\""), ("cea_primary_strong", "cea_primary == \"strong\""),
            ("mitoses_liver_gt2", "mitoses_liver > 2"), ("ki67_liver_gt1", "ki67_liver > 1"),
            ("sstr_liver_weak", "sstr_liver == \"weak\""),
        ]
        for (name, expr) in derived {
            sh.run("generate \(name) = \(expr)")
            try compare(sh.json("logrank ~ \(name)"), toCase: "net_\(name)")
        }
    }

    func testExplainAddsUp() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let j = sh.json("logrank ~ sex explain")
        let rows = j["explain"] as? [[String: Any]] ?? []
        XCTAssertFalse(rows.isEmpty)
        var oe = 0.0
        for r in rows {
            let g = (r["groups"] as? [[String: Any]])?.first
            oe += Ref.number(g?["o_minus_e"]) ?? .nan
        }
        let groups = j["groups"] as? [[String: Any]] ?? []
        let o = Ref.number(groups.first?["observed"]) ?? .nan, e = Ref.number(groups.first?["expected"]) ?? .nan
        XCTAssertEqual(oe, o - e, accuracy: 1e-9)
        let text = sh.run("logrank ~ sex explain variance").outputLines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Variance matrix of O - E"))
        XCTAssertTrue(text.contains("O-E1"))
    }

    /// Every value `adjust=` accepts gives R's p.adjust of the pairwise p-values (bh is BH).
    func testEveryAdjustValueMatchesR() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let pw = try Ref.find("logrank", "lung_ecog")["pairwise"] as? [String: Any] ?? [:]
        let adjusted = pw["adjusted"] as? [String: Any] ?? [:]
        for (option, rName) in [("holm", "holm"), ("hochberg", "hochberg"), ("bonferroni", "bonferroni"),
                                ("BH", "BH"), ("bh", "BH"), ("BY", "BY"), ("none", "none")] {
            let expected = Ref.numbers(adjusted[rName])
            let j = sh.json("logrank ~ ph.ecog pairwise adjust=\(option)")
            let pairs = (j["pairwise"] as? [String: Any])?["pairs"] as? [[String: Any]] ?? []
            XCTAssertEqual(pairs.count, expected.count, option)
            XCTAssertFalse(expected.isEmpty, option)
            for (i, p) in pairs.enumerated() where i < expected.count {
                Ref.close(Ref.number(p["p_adjusted"]), expected[i], "adjust=\(option) pair \(i)")
            }
        }
    }

    func testErrors() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        XCTAssertTrue(sh.error("logrank").contains("no groups"))
        XCTAssertTrue(sh.error("logrank ~ sex rho=-1").contains("out of range"))
        XCTAssertTrue(sh.error("logrank ~ sex adjust=fdr2").contains("unknown value 'fdr2' for adjust"))
        XCTAssertTrue(sh.error("logrank ~ ph.ecog scores=1,2").contains("scores="))
        XCTAssertTrue(sh.error("logrank ~ sex:ph.ecog").contains("interaction"))
        XCTAssertTrue(sh.error("logrank ~ nothing").contains("unknown column 'nothing'"))
        sh.run("filter sex == 1")
        XCTAssertTrue(sh.error("logrank ~ sex").contains("only 1 group"))
    }
}
