// TestShell.swift — runs survsh commands in-process (the same Session.execute path as the binary)
// and gives back what they printed, for command-level tests.

import Foundation
import SurvshCommands
import SurvshCore
import XCTest

/// The repository root (tests read data/ and sessions/ from it).
let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class TestShell {
    let session: Session
    let sink = CapturingSink()

    init() {
        session = Session(registry: AllCommands.registry, sink: sink)
        session.scriptDirectory = repoRoot.path
        _ = FileManager.default.changeCurrentDirectoryPath(repoRoot.path)
    }

    /// A shell in a terminal (100 x 30) whose pauses (replay step, tutorial) are answered from
    /// `answers`, then end of input; the second value lists the questions asked.
    static func terminal(answers: [String] = []) -> (TestShell, () -> [String]) {
        let sh = TestShell()
        sh.session.interactive = true
        sh.session.terminalSize = (100, 30)
        final class Box { var answers: [String]; var asked: [String] = []; init(_ a: [String]) { answers = a } }
        let box = Box(answers)
        sh.session.prompt = { q in box.asked.append(q); return box.answers.isEmpty ? nil : box.answers.removeFirst() }
        return (sh, { box.asked })
    }

    /// Runs a line; fails the test when it fails unless `allowFailure`.
    @discardableResult
    func run(_ line: String, allowFailure: Bool = false, file: StaticString = #filePath, at: UInt = #line) -> ExecutionRecord {
        let r = session.execute(line, source: .interactive)
        if r.failed && !allowFailure {
            XCTFail("'\(line)' failed: \(sink.stderr.last ?? "")", file: file, line: at)
        }
        return r
    }

    /// Runs a line in JSON mode and returns the parsed JSON object it printed.
    func json(_ line: String, file: StaticString = #filePath, at: UInt = #line) -> [String: Any] {
        let saved = session.settings.format
        session.settings.format = .json
        defer { session.settings.format = saved }
        let before = sink.stdout.count
        run(line, file: file, at: at)
        guard sink.stdout.count > before, let last = sink.stdout.last,
              let obj = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else {
            XCTFail("'\(line)' printed no JSON object", file: file, line: at)
            return [:]
        }
        return obj
    }

    /// Runs a line expected to fail and returns its one-line error.
    func error(_ line: String, file: StaticString = #filePath, at: UInt = #line) -> String {
        let r = session.execute(line, source: .interactive)
        XCTAssertTrue(r.failed, "'\(line)' should fail", file: file, line: at)
        return r.outputLines.last ?? ""
    }
}
