// PluginSkeletonTests — the `plugin new` skeletons (PluginSkeletonFiles, generated from
// plugins/sdk/templates/ and the SDK files by scripts/gen-plugin-skeletons): the embedded files are the
// ones in the repository, and each language's skeleton, written out as `plugin new demo lang=L` would,
// passes its own test script (R only when Rscript is installed; Swift builds with swiftc).

import Foundation
import SurvshCore
import XCTest

final class PluginSkeletonTests: XCTestCase {
    static let sdkFiles = ["python": "python/survsh_plugin.py", "r": "r/survshplugin.R", "sh": "sh/survsh-plugin.sh"]

    func testEmbeddedSkeletonsAreTheRepositorysTemplatesAndSDKs() throws {
        XCTAssertEqual(Set(PluginSkeletonFiles.templates.keys), Set(PluginSkeletonFiles.languages))
        for lang in PluginSkeletonFiles.languages {
            let folder = repoRoot.appendingPathComponent("plugins/sdk/templates/\(lang)")
            var expected = [String: String]()
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                expected[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            }
            if let sdk = Self.sdkFiles[lang] {
                let url = repoRoot.appendingPathComponent("plugins/sdk/\(sdk)")
                expected[url.lastPathComponent] = try String(contentsOf: url, encoding: .utf8)
            }
            let embedded = Dictionary(uniqueKeysWithValues: (PluginSkeletonFiles.templates[lang] ?? []).map { ($0.path, $0.contents) })
            XCTAssertEqual(Set(embedded.keys), Set(expected.keys), "\(lang): run scripts/gen-plugin-skeletons")
            for (path, text) in expected {
                XCTAssertTrue(embedded[path] == text, "\(lang)/\(path) is stale: run scripts/gen-plugin-skeletons")
            }
        }
    }

    /// Writes the skeleton for `lang` named `name` into a new temporary folder, as `plugin new` does.
    func write(_ lang: String, name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-skeleton-\(UUID().uuidString)/\(name)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in try XCTUnwrap(PluginSkeletonFiles.files(lang: lang, name: name)) {
            let url = dir.appendingPathComponent(f.path)
            try f.contents.write(to: url, atomically: true, encoding: .utf8)
            if f.executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        }
        return dir
    }

    func testEachSkeletonPassesItsOwnTestAndAnswersTheHandshake() throws {
        XCTAssertNil(PluginSkeletonFiles.files(lang: "cobol", name: "x"))
        var langs = ["python", "sh", "swift"]
        if PluginSDKTests.hasRscript { langs.append("r") }
        for lang in langs {
            let dir = try write(lang, name: "demo")
            defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
            let runner = ["python": ["python3", "test_demo.py"], "r": ["Rscript", "test_demo.R"],
                          "sh": ["sh", "test_demo.sh"], "swift": ["sh", "test_demo.sh"]][lang]!
            let r = try Binary.runProcess(URL(fileURLWithPath: "/usr/bin/env"), runner, environment: ProcessInfo.processInfo.environment,
                                          directory: dir, stdin: nil, timeout: 600)
            XCTAssertEqual(r.status, 0, "\(lang): \(r.stdout) \(r.stderr)")
            XCTAssertTrue(r.stdout.hasPrefix("ok: x: n = 2, missing = 1, mean = 3"), "\(lang): \(r.stdout)")
            let hello = try PluginFolder(dir).converse([HostMessage.hello(), HostMessage.bye],
                                                       environment: ["SURVSH_SDK_DIR": "/nonexistent"]).hello()
            XCTAssertEqual(hello["name"] as? String, "demo", "\(lang): the folder works on its own")
        }
    }
}
