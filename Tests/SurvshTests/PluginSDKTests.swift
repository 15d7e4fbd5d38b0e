// PluginSDKTests — protocol conformance of the plugin SDKs (plugins/sdk/), without survsh: a fixture
// plugin per language (Fixtures/plugins/LANG/conformance, the same commands in each) is started and
// fed protocol messages by PluginHarness. Checked: the handshake and version negotiation, typed
// columns (numbers, dates, text with level order, missing values), options, warnings, new columns,
// a failing handler answered by a protocol error (the plugin goes on), a user error, stray prints kept
// off stdout, unknown message types and non-JSON lines ignored, an unknown command refused.

import Foundation
import XCTest

final class PluginSDKTests: XCTestCase {
    /// The SDK languages whose interpreter is installed (R is not on CI: its cases are skipped there).
    /// `typed`: only the SDKs that hand columns over as typed values (the sh SDK hands over a CSV file).
    static func languages(typed: Bool = false) -> [String] {
        var langs = ["python"]
        if PluginSDKTests.hasRscript { langs.append("r") }
        if !typed { langs.append("sh") }
        return langs
    }

    static let hasRscript: Bool = ProcessInfo.processInfo.environment["PATH", default: ""].split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/Rscript") }

    func fixture(_ lang: String) throws -> PluginFolder {
        try PluginFolder(repoRoot.appendingPathComponent("Tests/SurvshTests/Fixtures/plugins/\(lang)/conformance"))
    }

    /// x: numbers with a missing value; g: text whose level order is not alphabetical; d: dates.
    let columns: [PluginColumn] = [
        .number("x", [1.5, nil, -2.25, 4]),
        PluginColumn(name: "g", type: "text", levels: ["M", "F"], values: ["F", "M", NSNull(), "M"]),
        PluginColumn(name: "d", type: "date", levels: nil, values: ["2001-03-04", "2001-03-14", NSNull(), "2000-02-29"]),
    ]

    func testHandshakeAnswersTheOfferedProtocolWithNameAndVersion() throws {
        for lang in Self.languages() {
            let talk = try fixture(lang).converse([HostMessage.hello([1]), HostMessage.bye])
            let hello = talk.hello()
            XCTAssertEqual(hello["protocol"] as? Int, 1, lang)
            XCTAssertEqual(hello["name"] as? String, "conformance", lang)
            XCTAssertEqual(hello["version"] as? String, "0.1.0", lang)
            XCTAssertEqual(talk.status, 0, "\(lang) exits 0 after bye")
        }
    }

    func testAHostOfferingOnlyANewerProtocolIsAnsweredWithTheOneThePluginSpeaks() throws {
        for lang in Self.languages() {
            // The design: a plugin that speaks none of the offered versions answers with its own; the
            // host then reports the mismatch. A host offering 1 and 2 gets 1 (the highest common one).
            XCTAssertEqual(try fixture(lang).converse([HostMessage.hello([2]), HostMessage.bye]).hello()["protocol"] as? Int, 1, lang)
            XCTAssertEqual(try fixture(lang).converse([HostMessage.hello([1, 2]), HostMessage.bye]).hello()["protocol"] as? Int, 1, lang)
        }
    }

    func testColumnsOptionsWarningsAndNewColumnsAreTyped() throws {
        for lang in Self.languages(typed: true) {
            let run = HostMessage.run(id: 7, command: "echo", body: "x g d", options: ["reps": 200, "ci": true, "conf": "log"],
                                      columns: columns)
            let talk = try fixture(lang).converse([HostMessage.hello(), run, HostMessage.bye])
            let result = talk.result(7)
            let json = result["json"] as? [String: Any] ?? [:]
            XCTAssertEqual(json["kinds"] as? [String: String], ["x": "number", "g": "text", "d": "date"], lang)
            XCTAssertEqual(json["missing"] as? [String: Int], ["x": 1, "g": 1, "d": 1], lang)
            XCTAssertEqual((json["levels"] as? [String: [String]])?["g"], ["M", "F"], "\(lang) keeps the level order")
            XCTAssertEqual(json["first_date"] as? String, "2001-03-04", lang)
            XCTAssertEqual(json["days"] as? Int, 10, "\(lang) reads dates as dates (2001-03-14 minus 2001-03-04)")
            XCTAssertEqual(json["rows"] as? Int, 4, lang)
            let options = json["options"] as? [String: Any] ?? [:]
            XCTAssertEqual(options["reps"] as? Int, 200, lang)
            XCTAssertEqual(options["ci"] as? Bool, true, lang)
            XCTAssertEqual(options["conf"] as? String, "log", lang)
            let warnings = result["warnings"] as? [String] ?? []
            XCTAssertTrue(warnings.contains("an SDK warning"), "\(lang): \(warnings)")
            XCTAssertTrue(warnings.contains { $0.contains("a language warning") }, "\(lang): \(warnings)")
            let added = (result["new_columns"] as? [[String: Any]])?.first
            XCTAssertEqual(added?["name"] as? String, "x2", lang)
            let values = added?["values"] as? [Any] ?? []
            XCTAssertEqual(values.count, 4, lang)
            XCTAssertEqual(values.first as? Double, 3, lang)
            XCTAssertTrue(values.count == 4 && values[1] is NSNull, "\(lang): a missing value stays missing: \(values)")
            XCTAssertTrue(talk.stderr.contains("printed by the handler"), "\(lang): a print goes to stderr: \(talk.stderr)")
        }
    }

    func testAFailingHandlerIsAProtocolErrorAndThePluginGoesOn() throws {
        for lang in Self.languages() {
            let talk = try fixture(lang).converse([
                HostMessage.hello(), HostMessage.run(id: 1, command: "boom", columns: []),
                HostMessage.run(id: 2, command: "fail", columns: []),
                HostMessage.run(id: 3, command: "echo", columns: columns), HostMessage.bye,
            ])
            let boom = talk.answer(1)
            XCTAssertEqual(boom["type"] as? String, "error", lang)
            let message = boom["message"] as? String ?? ""
            XCTAssertFalse(message.isEmpty, lang)
            XCTAssertFalse(message.contains("\n"), "\(lang): one line: \(message)")
            XCTAssertFalse(talk.stdout.contains("Traceback"), lang)
            XCTAssertEqual(talk.answer(2)["message"] as? String, "reps must be at least 10", lang)
            XCTAssertEqual(talk.answer(3)["type"] as? String, "result", "\(lang) answers after a failure")
        }
    }

    func testUnknownMessagesAndNonJSONLinesAreIgnoredAndUnknownCommandsRefused() throws {
        for lang in Self.languages() {
            func line(_ m: [String: Any]) throws -> String {
                String(decoding: try JSONSerialization.data(withJSONObject: m), as: UTF8.self) + "\n"
            }
            let input = try line(HostMessage.hello()) + "{\"type\":\"frobnicate\",\"id\":1}\n" + "not json at all\n"
                + "[1,2]\n" + (try line(HostMessage.run(id: 4, command: "nosuch", columns: [])))
                + (try line(HostMessage.run(id: 5, command: "echo", columns: columns))) + (try line(HostMessage.bye))
            let talk = try fixture(lang).converse(raw: input)
            XCTAssertEqual(talk.messages().count, 3, "\(lang): hello, error, result only: \(talk.stdout)")
            let refused = talk.answer(4)
            XCTAssertEqual(refused["type"] as? String, "error", lang)
            XCTAssertTrue((refused["message"] as? String ?? "").contains("nosuch"), lang)
            XCTAssertEqual(talk.answer(5)["type"] as? String, "result", lang)
        }
    }

    func testShellSDKReadsOptionsAndTheCSVAndItsStdoutIsTheText() throws {
        let csv = repoRoot.appendingPathComponent("data/aml.csv").path
        let run = HostMessage.run(id: 2, command: "echo", options: ["reps": 200], columns: [], csvPath: csv)
        let talk = try fixture("sh").converse([HostMessage.hello(), run, HostMessage.bye])
        let result = talk.result(2)
        XCTAssertEqual(result["text"] as? String, "echo reps=200 rows=23")
        XCTAssertEqual(result["warnings"] as? [String], ["an SDK warning"])
        let failed = try fixture("sh").converse([HostMessage.hello(), HostMessage.run(id: 1, command: "boom", columns: []), HostMessage.bye])
        XCTAssertEqual(failed.answer(1)["message"] as? String, "the handler failed (exit status 3): something went wrong",
                       "the status and the last stderr line")
        XCTAssertTrue(failed.stderr.contains("something went wrong"), "stderr is passed on")
    }

    func testRIsSkippedWithAClearMessageWhenAbsent() throws {
        if !Self.hasRscript {
            throw XCTSkip("Rscript is not installed: the R SDK's conformance cases did not run (CI has no R)")
        }
    }
}
