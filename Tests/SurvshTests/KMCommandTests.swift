// KMCommandTests.swift — `km` end to end: JSON against R (Tests/SurvivalStatsTests/Reference/
// km_logrank.json, written by km_logrank.R) within 1e-8 relative, and clear errors for bad input.

import Foundation
import XCTest

/// Reads the km/logrank reference file written by Tests/SurvivalStatsTests/Reference/km_logrank.R.
enum KMCommandReference {
    static func load() throws -> [String: Any] {
        let url = repoRoot.appendingPathComponent("Tests/SurvivalStatsTests/Reference/km_logrank.json")
        let data = try Data(contentsOf: url)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func find(_ kind: String, _ name: String) throws -> [String: Any] {
        let all = try load()[kind] as? [[String: Any]] ?? []
        guard let c = all.first(where: { $0["name"] as? String == name }) else {
            throw NSError(domain: "KMCommandReference", code: 1, userInfo: [NSLocalizedDescriptionKey: "no case \(name)"])
        }
        return c
    }

    /// A number or an array of numbers from JSON (null -> nil).
    static func numbers(_ value: Any?) -> [Double?] {
        if let a = value as? [Any] { return a.map(number) }
        if value == nil { return [] }
        return [number(value)]
    }

    static func number(_ value: Any?) -> Double? {
        guard let value, !(value is NSNull) else { return nil }
        return (value as? NSNumber)?.doubleValue
    }

    /// |a - e| <= 1e-12 + 1e-8 |e|; nil expected requires nil.
    static func close(_ a: Double?, _ e: Double?, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        switch (a, e) {
        case (nil, nil): return
        case let (a?, e?):
            if Swift.abs(a - e) > 1e-12 + 1e-8 * Swift.abs(e) {
                XCTFail("\(label): expected \(e), got \(a)", file: file, line: line)
            }
        default:
            XCTFail("\(label): expected \(String(describing: e)), got \(String(describing: a))", file: file, line: line)
        }
    }
}

final class KMCommandTests: XCTestCase {
    typealias Ref = KMCommandReference

    /// Compares the `strata` of a km JSON result with an R case, curve by curve.
    private func compare(_ json: [String: Any], toCase name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        Self.compare(json, toCase: try Ref.find("km", name), name: name, file: file, line: line)
    }

    /// Compares the `strata` of a km JSON result with a case in km_logrank.R's layout (also rlang.R's).
    static func compare(_ json: [String: Any], toCase ref: [String: Any], name: String, file: StaticString = #filePath, line: UInt = #line) {
        let refCurves = ref["curves"] as? [[String: Any]] ?? []
        let strata = json["strata"] as? [[String: Any]] ?? []
        XCTAssertEqual(strata.count, refCurves.count, "\(name): number of curves", file: file, line: line)
        for (s, r) in zip(strata, refCurves) {
            let label = "\(name) \(r["label"] as? String ?? "")"
            XCTAssertEqual(s["label"] as? String, r["label"] as? String, "\(label): label", file: file, line: line)
            XCTAssertEqual(s["n"] as? Int, (r["n"] as? NSNumber)?.intValue, "\(label): n", file: file, line: line)
            XCTAssertEqual(s["events"] as? Int, (r["events"] as? NSNumber)?.intValue, "\(label): events", file: file, line: line)
            let med = r["median"] as? [String: Any] ?? [:]
            Ref.close(Ref.number(s["median"]), Ref.number(med["median"]), "\(label): median", file: file, line: line)
            Ref.close(Ref.number(s["median_lower"]), Ref.number(med["lower"]), "\(label): median lower", file: file, line: line)
            Ref.close(Ref.number(s["median_upper"]), Ref.number(med["upper"]), "\(label): median upper", file: file, line: line)
            let table = s["table"] as? [[String: Any]] ?? []
            let rt = r["table"] as? [String: Any] ?? [:]
            let keys = ["time": "time", "n_risk": "n_risk", "n_event": "n_event", "n_censor": "n_censor",
                        "surv": "surv", "std_err": "std_err", "lower": "lower", "upper": "upper"]
            for (ourKey, refKey) in keys {
                let expected = Ref.numbers(rt[refKey])
                XCTAssertEqual(table.count, expected.count, "\(label): table rows", file: file, line: line)
                for (i, row) in table.enumerated() where i < expected.count {
                    Ref.close(Ref.number(row[ourKey]), expected[i], "\(label): table[\(i)].\(ourKey)", file: file, line: line)
                }
            }
            if let rat = r["at"] as? [String: Any] {
                let at = s["at"] as? [[String: Any]] ?? []
                let times = Ref.numbers(rat["time"])
                XCTAssertEqual(at.count, times.count, "\(label): at rows", file: file, line: line)
                for key in ["time", "surv", "std_err", "lower", "upper", "n_risk", "n_event", "n_censor"] {
                    let expected = Ref.numbers(rat[key])
                    for (i, row) in at.enumerated() where i < expected.count {
                        Ref.close(Ref.number(row[key]), expected[i], "\(label): at[\(i)].\(key)", file: file, line: line)
                    }
                }
                let kept = Ref.numbers(rat["kept_without_extend"]).compactMap { $0 }
                let ours = at.filter { ($0["beyond_last_followup"] as? Bool) == false }.compactMap { Ref.number($0["time"]) }
                XCTAssertEqual(ours, kept, "\(label): times R keeps without extend", file: file, line: line)
            }
            if let rq = r["quantiles"] as? [String: Any], let q = s["quantiles"] as? [[String: Any]] {
                for key in ["time": "quantile", "lower": "lower", "upper": "upper"] {
                    let expected = Ref.numbers(rq[key.value])
                    for (i, row) in q.enumerated() where i < expected.count {
                        Ref.close(Ref.number(row[key.key]), expected[i], "\(label): quantile[\(i)].\(key.key)", file: file, line: line)
                    }
                }
            }
            if let rm = r["rmean"] as? [String: Any] {
                Ref.close(Ref.number(s["rmean"]), Ref.number(rm["rmean"]), "\(label): rmean", file: file, line: line)
                Ref.close(Ref.number(s["rmean_se"]), Ref.number(rm["se"]), "\(label): se(rmean)", file: file, line: line)
            }
        }
    }

    func testLungBySexMatchesR() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let j = sh.json("km ~ sex times=180,365,730,1000 quantiles=0.25,0.5,0.75 rmean=365")
        XCTAssertEqual(j["command"] as? String, "km")
        try compare(j, toCase: "lung_sex_log")
    }

    func testInlineSurvOverridesAndConfTypes() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival age sex")   // a wrong declaration, overridden by Surv(...) below
        try compare(sh.json("km Surv(time, status) ~ sex conf=log-log level=0.9 times=100,500,900"),
                    toCase: "lung_sex_loglog_90")
        try compare(sh.json("km Surv(time, status) ~ sex conf=arcsin times=200,800"), toCase: "lung_sex_arcsin")
        try compare(sh.json("km Surv(time, status) ~ sex + ph.ecog times=180,365"), toCase: "lung_sex_ecog")
        try compare(sh.json("km Surv(time, status) times=0,30,180,365,730,1022,1100 rmean=730"), toCase: "lung_all_log")
    }

    func testNetDerivedVariableMatchesR() throws {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        sh.run("survival months died")
        sh.run("generate mitoses_liver_gt2 = mitoses_liver > 2")
        try compare(sh.json("km ~ mitoses_liver_gt2 times=60,120"), toCase: "net_mitoses_liver_gt2")
        try compare(sh.json("km times=60,120 rmean=120"), toCase: "net_all_log")
        sh.run("generate sstr_liver_weak = sstr_liver == \"weak\"")
        let j = sh.json("km ~ sstr_liver_weak conf=log-log times=60,120")
        try compare(j, toCase: "net_sstr_liver_weak_loglog")
        XCTAssertEqual(j["dropped"] as? Int, 1)
    }

    func testVeteranCellTypeReachingZero() throws {
        let sh = TestShell()
        sh.run("load data/veteran.csv")
        try compare(sh.json("km Surv(time, status) ~ celltype conf=log-log times=30,90,180,365,1000 rmean=365"),
                    toCase: "veteran_celltype_loglog")
    }

    func testFilteredSubset() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        sh.run("filter inst == 11 and age > 60")
        try compare(sh.json("km ~ sex times=100,300"), toCase: "lung_small_subset_sex")
    }

    func testTextOutputStatesConventionsAndBeyondFollowUp() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let r = sh.run("km ~ sex times=365,1100 table explain")
        let text = r.outputLines.joined(separator: "\n")
        XCTAssertTrue(text.contains("sex=1"))
        XCTAssertTrue(text.contains("1100*"))
        XCTAssertTrue(text.contains("R's summary(times=) drops these"))
        XCTAssertTrue(text.contains("CI: log transform (R's default)"))
        XCTAssertTrue(text.contains("median: R's print.survfit rule"))
        XCTAssertTrue(text.contains("Life table, sex=2:"))
        XCTAssertTrue(text.contains("Product-limit arithmetic, sex=1"))
        let j = sh.json("km ~ sex times=1100")
        let at = ((j["strata"] as? [[String: Any]])?.first?["at"] as? [[String: Any]])?.first
        XCTAssertEqual(at?["beyond_last_followup"] as? Bool, true)
        XCTAssertNotNil(at?["note"] as? String)
        XCTAssertEqual(((j["strata"] as? [[String: Any]])?.first)?["label"] as? String, "sex=1")
    }

    func testSingleCurveIsLabelledAll() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let j = sh.json("km")
        XCTAssertEqual(((j["strata"] as? [[String: Any]])?.first)?["label"] as? String, "all")
    }

    func testErrors() {
        let sh = TestShell()
        XCTAssertTrue(sh.error("km").contains("no data loaded"))
        sh.run("load data/lung.csv")
        XCTAssertTrue(sh.error("km ~ sex").contains("no survival outcome"))
        sh.run("survival time status")
        XCTAssertTrue(sh.error("km ~ sex conf=loglog").contains("unknown value 'loglog' for conf"))
        XCTAssertTrue(sh.error("km ~ sex level=1").contains("level"))
        XCTAssertTrue(sh.error("km ~ sex level=abc").contains("not a number"))
        XCTAssertTrue(sh.error("km ~ sexx").contains("unknown column 'sexx'"))
        XCTAssertTrue(sh.error("km ~ sex quantiles=0.5,2").contains("outside 0..1"))
        XCTAssertTrue(sh.error("km ~ sex:ph.ecog").contains("interaction"))
        XCTAssertTrue(sh.error("km ~ sex + strata(inst)").contains("strata()"))
        XCTAssertTrue(sh.error("km ~ sex rmean=1").contains("rmean"))
        XCTAssertTrue(sh.error("km Surv(time) ~ sex").contains("Surv()"))
        // delayed entry is accepted (RLanguageTests compares it with survfit); a row with stop <= start is
        // dropped with R's warning
        XCTAssertTrue(sh.run("km Surv(inst, time, status) ~ sex").outputLines.contains { $0.contains("stop time not after start time") })
        XCTAssertTrue(sh.error("logrank Surv(inst, time, status) ~ sex").contains("Right censored data only"))
    }
}
