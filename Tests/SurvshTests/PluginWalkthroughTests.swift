// PluginWalkthroughTests — docs/plugins.md's "Write your first plugin in Python" section, run as a
// new user would follow it, so it cannot rot: in an empty temporary folder each ```LANG file=PATH
// block is written to PATH, each ```sh block runs (survsh on PATH, the plugin directory
// XDG_DATA_HOME inside the folder, SURVSH_SRC = the repository), and each ```text block must equal
// what the sh block before it printed (the temporary plugin directory shown as ~/.local/share).

import Foundation
import XCTest

final class PluginWalkthroughTests: XCTestCase {
    struct Block {
        var lang: String
        var file: String?
        var body: String
    }

    /// The fenced blocks between the walkthrough markers of docs/plugins.md.
    static func blocks() throws -> [Block] {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("docs/plugins.md"), encoding: .utf8)
        guard let b = text.range(of: "<!-- walkthrough:begin"), let e = text.range(of: "<!-- walkthrough:end -->"),
              b.upperBound <= e.lowerBound else {
            XCTFail("docs/plugins.md lacks the walkthrough markers")
            return []
        }
        let section = String(text[b.lowerBound..<e.lowerBound])
        let fence = try NSRegularExpression(pattern: "```(\\w+)(?: file=(\\S+))?\\n(.*?)```", options: [.dotMatchesLineSeparators])
        let ns = section as NSString
        return fence.matches(in: section, range: NSRange(location: 0, length: ns.length)).map { m in
            let file = m.range(at: 2).location == NSNotFound ? nil : ns.substring(with: m.range(at: 2))
            return Block(lang: ns.substring(with: m.range(at: 1)), file: file, body: ns.substring(with: m.range(at: 3)))
        }
    }

    func testTheWalkthroughRunsAsWritten() throws {
        try Binary.requireBuilt()
        let blocks = try Self.blocks()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-walkthrough-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let xdg = dir.appendingPathComponent("xdg")
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = Binary.url.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["XDG_DATA_HOME"] = xdg.path
        env["SURVSH_SRC"] = repoRoot.path
        env["SURVSH_HISTORY"] = dir.appendingPathComponent("history").path
        env["SURVSH_TRANSCRIPT_DIR"] = dir.appendingPathComponent("transcripts").path
        env["SURVSH_PLUGIN_PATH"] = nil
        var printed: String?
        var ran = 0, compared = 0
        for block in blocks {
            if let file = block.file {
                let url = dir.appendingPathComponent(file)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try block.body.write(to: url, atomically: true, encoding: .utf8)
            } else if block.lang == "sh" {
                let r = try Binary.runProcess(URL(fileURLWithPath: "/bin/sh"), ["-e", "-c", block.body], environment: env,
                                              directory: dir, stdin: nil, timeout: 300)
                XCTAssertEqual(r.status, 0, "\(block.body)\nstdout: \(r.stdout)\nstderr: \(r.stderr)")
                printed = r.stdout.replacingOccurrences(of: xdg.path, with: "~/.local/share")
                ran += 1
            } else if block.lang == "text" {
                XCTAssertEqual(printed?.trimmingCharacters(in: .newlines), block.body.trimmingCharacters(in: .newlines),
                               "the walkthrough's expected output")
                printed = nil
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(ran, 5, "the walkthrough's commands")
        XCTAssertGreaterThanOrEqual(compared, 4, "the walkthrough's outputs")
    }
}
