// StatFilesTests.swift — Stata/SPSS/SAS files in the shell: km and cox on the files haven wrote
// equal km and cox on the CSV; `save PATH.dta|.sav` and load again; `describe` shows variable
// labels and missing kinds; `set labels=on` names columns by their labels in printed output only.
//
// Fixtures: Tests/SurvshCoreTests/Fixtures/readstat (write_fixtures.R, versions.txt).

import Foundation
import SurvshCore
import XCTest

final class StatFilesTests: XCTestCase {
    let fixtures = repoRoot.appendingPathComponent("Tests/SurvshCoreTests/Fixtures/readstat")

    func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    func temporary(_ ext: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("statfiles-\(UUID().uuidString).\(ext)").path
    }

    /// The JSON line a command printed, as text (compared whole).
    func jsonLine(_ sh: TestShell, _ line: String) -> String {
        sh.session.settings.format = .json
        defer { sh.session.settings.format = .text }
        sh.run(line)
        return sh.sink.stdout.last ?? ""
    }

    func testKMAndCoxOnEveryFormatEqualTheCSV() {
        let analyses = [("lung", "lung.csv", ["km Surv(time, status) ~ sex times=100,365", "cox Surv(time, status) ~ age + sex + ph_ecog",
                                              "logrank Surv(time, status) ~ ph_ecog"]),
                        ("net", "net_liver_mets.csv", ["km Surv(months, died) ~ sex", "cox Surv(months, died) ~ age + sex + ki67_liver + sstr_liver"])]
        for (name, csv, commands) in analyses {
            let reference = TestShell()
            reference.run("load data/\(csv)")
            if name == "lung" { reference.run("rename ph.ecog ph_ecog") }
            let expected = commands.map { jsonLine(reference, $0) }
            XCTAssertTrue(expected.allSatisfy { $0.contains("\"command\"") }, "\(expected)")
            for ext in ["dta", "sav", "zsav", "xpt", "sas7bdat"] {
                let sh = TestShell()
                sh.run("load \(fixture("\(name).\(ext)"))")
                for (command, want) in zip(commands, expected) {
                    XCTAssertEqual(jsonLine(sh, command), want, "\(name).\(ext): \(command)")
                }
            }
        }
    }

    func testLabelledFactorGivesTheCoefficientOfTheCodes() throws {
        let codes = TestShell()
        codes.run("load data/lung.csv")
        let numeric = codes.json("cox Surv(time, status) ~ age + sex")
        for ext in ["dta", "sav"] {
            let sh = TestShell()
            sh.run("load \(fixture("lung_labels.\(ext)"))")
            let labelled = sh.json("cox Surv(time, status) ~ age + sex")
            let a = try XCTUnwrap(numeric["terms"] as? [[String: Any]])
            let b = try XCTUnwrap(labelled["terms"] as? [[String: Any]])
            XCTAssertEqual(b.map { $0["name"] as? String }, ["age", "sexFemale"], "Male (value 1) is the reference")
            for (x, y) in zip(a, b) {
                XCTAssertEqual(try XCTUnwrap(y["coef"] as? Double), try XCTUnwrap(x["coef"] as? Double), accuracy: 1e-12)
            }
        }
    }

    /// A filtered save keeps each row's tagged missing (.dta) and user-missing value (.sav, .por).
    func testSaveWritesTaggedAndUserMissingValuesBack() throws {
        for (file, ext, column, kinds) in [("special.dta", "dta", "score", [".a": 1]), ("special.sav", "sav", "answer", ["user-missing": 1]),
                                          ("special.sav", "por", "ANSWER", ["user-missing": 1])] {
            let sh = TestShell()
            sh.run("load \(fixture(file))")
            sh.run("filter id >= 2 and id != 3") // .sav: drops row 3 (9, a user-missing value); keeps row 4 (95, in the range)
            let path = temporary(ext)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let saved = sh.run("save \(path)")
            XCTAssertFalse(saved.outputLines.contains { $0.contains("written as system missing") }, "\(saved.outputLines)")
            sh.run("load \(path)")
            let c = try XCTUnwrap(sh.session.frame.column(column), ext)
            XCTAssertEqual(c.missingKinds.filter { $0.key != "." }, kinds, ext)
            XCTAssertEqual(c.fileMissing?.value(at: 0), ext == "dta" ? .tag("a") : nil, ext)
            if ext != "dta" { XCTAssertEqual(c.fileMissing?.value(at: 1), .number(95), ext) }
        }
    }

    func testSaveDtaAndSavThenLoadGivesTheSameFrame() {
        for ext in ["dta", "sav", "zsav"] {
            let sh = TestShell()
            sh.run("load data/net_liver_mets.csv")
            sh.run("levels sstr_liver strong,weak")
            let original = sh.session.frame
            let path = temporary(ext)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let saved = sh.json("save \(path)")
            XCTAssertEqual(saved["rows"] as? Int, 70)
            sh.run("load \(path)")
            XCTAssertEqual(sh.session.frame.names, original.names, ext)
            for (a, b) in zip(sh.session.frame.columns, original.columns) {
                XCTAssertEqual(a.type, b.type, "\(ext) \(a.name)")
                XCTAssertEqual(a.missing, b.missing, "\(ext) \(a.name)")
                XCTAssertEqual((0..<a.count).map { a.text(at: $0) }, (0..<b.count).map { b.text(at: $0) }, "\(ext) \(a.name)")
            }
            XCTAssertEqual(sh.session.frame.column("sstr_liver")?.levelOrder, ["strong", "weak"], "a factor keeps its level order")
        }
        let sh = TestShell()
        sh.run("load data/lung.csv")
        let path = temporary("dta")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = sh.run("save \(path)")
        XCTAssertTrue(r.outputLines.contains("warning: save: column 'ph.ecog' is written as 'ph_ecog' (Stata names)"), "\(r.outputLines)")
    }

    func testUnsupportedExtensionListsTheSupportedOnes() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        XCTAssertEqual(sh.error("save /tmp/lung.parquet"),
                       "error: save: cannot save as .parquet: '/tmp/lung.parquet' (expected a path ending in .csv, .txt, .dta, .sav, .zsav, .por or .xlsx)")
    }

    func testAFailedSaveLeavesTheExistingFileAlone() throws {
        let csv = temporary("csv")
        let target = temporary("sav")
        defer { for p in [csv, target] { try? FileManager.default.removeItem(atPath: p) } }
        try "id,note\n1,\(String(repeating: "z", count: 40_000))\n".write(toFile: csv, atomically: true, encoding: .utf8)
        try "the user's file".write(toFile: target, atomically: true, encoding: .utf8)
        let sh = TestShell()
        sh.run("load \(csv)")
        XCTAssertEqual(sh.error("save \(target)"),
                       "error: save: cannot write '\(target)' as SPSS .sav: text in column 'note' is 40000 bytes long; SPSS holds at most 32767")
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "the user's file")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (target as NSString).deletingLastPathComponent)
            .filter { $0.contains((target as NSString).lastPathComponent) && $0 != (target as NSString).lastPathComponent }
        XCTAssertEqual(leftovers, [], "no temporary file left beside it")
    }

    func testDescribeShowsVariableLabelsAndMissingKinds() throws {
        let sh = TestShell()
        sh.run("load \(fixture("special.dta"))")
        let text = sh.run("describe").outputLines
        XCTAssertTrue(text.contains { $0.contains("missing kinds (at load)") && $0.hasSuffix("label") }, "\(text)")
        XCTAssertTrue(text.contains { $0.hasPrefix("score") && $0.contains(". 1, .a 1, .b 1") && $0.hasSuffix("Score at baseline") }, "\(text)")
        let j = sh.json("describe")
        let cols = try XCTUnwrap(j["columns"] as? [[String: Any]])
        XCTAssertEqual(cols.first { $0["name"] as? String == "sex" }?["label"] as? String, "Sex of patient")
        XCTAssertEqual(cols.first { $0["name"] as? String == "score" }?["missing_kinds"] as? [String: Int], [".": 1, ".a": 1, ".b": 1])
        sh.run("load \(fixture("special.sav"))")
        XCTAssertTrue(sh.run("describe").outputLines.contains { $0.hasPrefix("answer") && $0.contains(". 1, user-missing 2") })
        // A CSV has neither: describe prints as before.
        sh.run("load data/lung.csv")
        XCTAssertFalse(sh.run("describe").outputLines.joined().contains("label"))
    }

    func testSetLabelsOnNamesColumnsByTheirLabelsInPrintedOutputOnly() throws {
        let sh = TestShell()
        sh.run("load \(fixture("lung_labels.dta"))")
        let off = sh.run("km Surv(time, status) ~ sex").outputLines.joined(separator: "\n")
        XCTAssertTrue(off.contains("sex=Male"), off)
        sh.run("set labels=on")
        XCTAssertTrue(sh.run("set").outputLines.joined().contains("labels on"))
        let km = sh.run("km Surv(time, status) ~ sex").outputLines.joined(separator: "\n")
        XCTAssertTrue(km.contains("Sex of patient=Male") && km.contains("Sex of patient=Female"), km)
        let logrank = sh.run("logrank Surv(time, status) ~ sex").outputLines.joined(separator: "\n")
        XCTAssertTrue(logrank.contains("Sex of patient=Female"), logrank)
        let cox = sh.run("cox Surv(time, status) ~ age + sex + ph_ecog").outputLines.joined(separator: "\n")
        XCTAssertTrue(cox.contains("Age (years)") && cox.contains("Sex of patient: Female") && cox.contains("ph_ecog"), cox)
        let table1 = sh.run("table1 ~ sex age").outputLines.joined(separator: "\n")
        XCTAssertTrue(table1.contains("Sex of patient=Male") && table1.contains("Age (years), mean (SD)"), table1)
        let svg = temporary("svg")
        defer { try? FileManager.default.removeItem(atPath: svg) }
        sh.run("plot km Surv(time, status) ~ sex file=\(svg)")
        let figure = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(figure.contains("Survival time (days)") && figure.contains("Sex of patient"), "axis and legend titles")
        // JSON keeps the names.
        let j = sh.json("cox Surv(time, status) ~ age + sex")
        XCTAssertEqual((j["terms"] as? [[String: Any]])?.map { $0["name"] as? String }, ["age", "sexFemale"])
        sh.run("set labels off")
        XCTAssertTrue(sh.run("km Surv(time, status) ~ sex").outputLines.joined().contains("sex=Male"))
        XCTAssertTrue(sh.error("set labels=maybe").contains("expected on or off"))
    }

    /// summarize, tabulate, survreg, crr, cuminc, ttest, wilcoxon and plot forest name labelled columns by their labels
    /// under `set labels=on`; their JSON keeps the names.
    func testSetLabelsOnInSummarizeTabulateSurvregCrrCumincTestsAndForest() throws {
        let sh = TestShell()
        sh.run("load \(fixture("lung_labels.dta"))")
        sh.run("generate cause = (status == 2) * (1 + (ph_ecog >= 2))")
        let commands = ["summarize age sex", "tabulate sex", "tabulate sex status", "survreg Surv(time, status) ~ age + sex",
                        "crr Surv(time, cause) ~ age + sex cause=1", "cuminc Surv(time, cause) ~ sex", "summarize age by=sex",
                        "ttest age ~ sex", "wilcoxon age ~ sex"]
        let off = commands.map { sh.run($0).outputLines.joined(separator: "\n") }
        let offJSON = commands.map { sh.json($0) }
        sh.run("set labels=on")
        let on = commands.map { sh.run($0).outputLines.joined(separator: "\n") }
        for (k, command) in commands.enumerated() {
            XCTAssertFalse(off[k].contains("Sex of patient"), "\(command), labels off:\n\(off[k])")
            XCTAssertTrue(on[k].contains("Sex of patient"), "\(command), labels on:\n\(on[k])")
            XCTAssertEqual(NSDictionary(dictionary: sh.json(command)), NSDictionary(dictionary: offJSON[k]), "\(command): JSON keeps the names")
        }
        XCTAssertTrue(on[0].contains("Age (years)") && on[0].contains("Sex of patient (text): Male 138, Female 90"), on[0])
        XCTAssertTrue(on[1].hasPrefix("Sex of patient    n"), on[1])
        XCTAssertTrue(on[2].hasPrefix("Sex of patient \\ Censoring status"), on[2])
        for k in [3, 4] { XCTAssertTrue(on[k].contains("\nAge (years) ") && on[k].contains("\nSex of patient: Female "), on[k]) }
        XCTAssertTrue(on[5].contains("\nSex of patient=Female "), on[5])
        XCTAssertTrue(on[6].contains("variable     Sex of patient "), on[6])
        for k in [7, 8] { XCTAssertTrue(on[k].contains("Age (years) by Sex of patient") && on[k].contains("\n  Sex of patient=Female "), on[k]) }
        // plot forest: the terms of the last Cox model.
        sh.run("cox Surv(time, status) ~ age + factor(sex)")
        let svg = temporary("svg")
        defer { try? FileManager.default.removeItem(atPath: svg) }
        let forest = sh.json("plot forest file=\(svg)")
        let figure = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(figure.contains(">Age (years)<") && figure.contains(">Sex of patient<"), "forest rows by label")
        let rows = try XCTUnwrap(forest["rows"] as? [[String: Any]], "\(forest)")
        XCTAssertEqual(rows.first?["label"] as? String, "age", "JSON keeps the names")
    }

    func testDisplayTermShapes() {
        let sh = TestShell()
        sh.run("load \(fixture("lung_labels.dta"))")
        sh.session.settings.labels = true
        XCTAssertEqual(sh.session.displayTerm("sexFemale"), "Sex of patient: Female")
        XCTAssertEqual(sh.session.displayTerm("factor(sex)Female:age"), "Sex of patient: Female:Age (years)")
        XCTAssertEqual(sh.session.displayTerm("strata(sex)"), "Sex of patient")
        XCTAssertEqual(sh.session.displayTerm("inst"), "inst", "no label: the name")
        XCTAssertEqual(sh.session.displayGroup("sex=Male, inst=3"), "Sex of patient=Male, inst=3")
        sh.session.settings.labels = false
        XCTAssertEqual(sh.session.displayTerm("sexFemale"), "sexFemale")
    }
}
