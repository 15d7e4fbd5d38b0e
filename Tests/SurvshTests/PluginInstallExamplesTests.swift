// PluginInstallExamplesTests — each shipped example under plugins/examples/ installed by COPY
// (`plugin install PATH`, not `link`) into a temporary user directory runs as a command and prints
// what the same example prints from the repository: the copy holds its SDK file itself (in the
// repository a symbolic link into plugins/sdk/, which the copy follows), so it does not need
// survsh's source tree. Discovery is isolated: XDG_DATA_HOME, HOME and SURVSH_PLUGIN_PATH point into
// a temporary folder; the real ~/.local/share is never read or written.
//   python/bootstrap and sh/countby always; r/aareg when Rscript with jsonlite and survival is
//   installed (skipped with a message otherwise); swift/rmst when swiftc builds it.

import Foundation
@testable import SurvshCore
import XCTest

final class PluginInstallExamplesTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-install-examples-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A shell whose user plugin directory is `root/xdg/survsh/plugins` and nothing else is searched.
    private func isolatedShell() -> TestShell {
        let sh = TestShell()
        sh.session.loadPlugins(environment: ["SURVSH_PLUGIN_PATH": "\(root)/none", "XDG_DATA_HOME": "\(root)/xdg", "HOME": root])
        return sh
    }

    /// Installs `source` by copy and checks the copy: no symbolic link left, the SDK file (if the
    /// example has one) a plain file with the SDK's bytes. Returns the installed folder.
    @discardableResult
    private func installCopy(_ source: String, name: String, sdk: String?, in sh: TestShell,
                             file: StaticString = #filePath, line: UInt = #line) throws -> String {
        sh.run("plugin install \(source)", file: file, at: line)
        let target = "\(root)/xdg/survsh/plugins/\(name)"
        let fm = FileManager.default
        XCTAssertNil(try? fm.destinationOfSymbolicLink(atPath: target), "a copy, not a link", file: file, line: line)
        for item in try fm.subpathsOfDirectory(atPath: target) {
            let type = try fm.attributesOfItem(atPath: "\(target)/\(item)")[.type] as? FileAttributeType
            XCTAssertNotEqual(type, .typeSymbolicLink, "\(name)/\(item) is still a link", file: file, line: line)
        }
        if let sdk {
            let sdkName = (sdk as NSString).lastPathComponent
            let copied = try XCTUnwrap(fm.contents(atPath: "\(target)/\(sdkName)"), "\(name) holds \(sdkName)", file: file, line: line)
            XCTAssertEqual(copied, fm.contents(atPath: repoRoot.appendingPathComponent("plugins/sdk/\(sdk)").path),
                           "\(name)/\(sdkName) is the SDK's file", file: file, line: line)
        }
        return target
    }

    /// The output of `lines` run in a shell that finds the example through `set plugin_path=`
    /// (the repository's folder), for comparison with the installed copy.
    private func fromRepository(_ parent: String, _ lines: [String]) -> [[String]] {
        let sh = TestShell()
        sh.run("set plugin_path=plugins/examples/\(parent)")
        return lines.map { sh.run($0).outputLines }
    }

    private func assertInstalledCopyRuns(_ example: String, name: String, sdk: String?, lines: [String],
                                         file: StaticString = #filePath, line: UInt = #line) throws {
        let sh = isolatedShell()
        try installCopy("plugins/examples/\(example)", name: name, sdk: sdk, in: sh, file: file, line: line)
        XCTAssertEqual(sh.session.registry.lookup(name)?.origin.pluginName, name, file: file, line: line)
        let installed = lines.map { sh.run($0, file: file, at: line).outputLines }
        let repository = fromRepository((example as NSString).deletingLastPathComponent, lines)
        XCTAssertEqual(installed, repository, "\(example): the installed copy prints what the repository's example prints", file: file, line: line)
        XCTAssertFalse(installed.last?.isEmpty ?? true, file: file, line: line)
    }

    func testPythonBootstrapRunsFromAnInstalledCopy() throws {
        try assertInstalledCopyRuns("python/bootstrap", name: "bootstrap", sdk: "python/survsh_plugin.py",
                                    lines: ["load data/lung.csv", "survival time status", "bootstrap ~ sex reps=50 seed=3"])
    }

    func testShellCountbyRunsFromAnInstalledCopy() throws {
        try assertInstalledCopyRuns("sh/countby", name: "countby", sdk: "sh/survsh-plugin.sh",
                                    lines: ["load data/lung.csv", "survival time status", "countby sex ph.ecog"])
    }

    /// Whether Rscript with jsonlite and survival is installed (the R example's needs).
    static let rCanRunAareg: Bool = {
        guard PluginSDKTests.hasRscript,
              let r = try? Binary.runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                             ["Rscript", "-e", "library(jsonlite); library(survival)"],
                                             environment: ProcessInfo.processInfo.environment, directory: repoRoot,
                                             stdin: nil, timeout: 120) else { return false }
        return r.status == 0
    }()

    func testRAaregRunsFromAnInstalledCopy() throws {
        guard Self.rCanRunAareg else {
            throw XCTSkip("Rscript with the jsonlite and survival packages is not installed: the installed copy of the R example (aareg) was not run (CI has no R)")
        }
        try assertInstalledCopyRuns("r/aareg", name: "aareg", sdk: "r/survshplugin.R",
                                    lines: ["load data/lung.csv", "survival time status", "aareg ~ age + sex"])
    }

    func testSwiftRmstRunsFromAnInstalledCopy() throws {
        let built = try PluginExampleTests.builtRmst()   // the example has no SDK: its one file is built by swiftc
        let sh = isolatedShell()
        try installCopy(built.url.path, name: "rmst", sdk: nil, in: sh)
        sh.run("load data/lung.csv")
        let installed = sh.run("rmst Surv(time, status) ~ sex tau=365").outputLines
        let repository = TestShell()
        repository.run("set plugin_path=\((built.url.path as NSString).deletingLastPathComponent)")
        repository.run("load data/lung.csv")
        XCTAssertEqual(installed, repository.run("rmst Surv(time, status) ~ sex tau=365").outputLines)
        XCTAssertTrue(installed.contains { $0.hasPrefix("sex=1") }, "\(installed)")
    }

    func testACopyFollowsLinksAndRefusesALinkCycle() throws {
        let fm = FileManager.default
        let source = "\(root)/src"
        try fm.createDirectory(atPath: "\(source)/sub", withIntermediateDirectories: true)
        try "shared".write(toFile: "\(root)/shared.txt", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: "\(source)/sub/linked.txt", withDestinationPath: "../../shared.txt")
        try Session.copyFollowingLinks(from: source, to: "\(root)/copy")
        XCTAssertEqual(try String(contentsOfFile: "\(root)/copy/sub/linked.txt", encoding: .utf8), "shared")
        XCTAssertNil(try? fm.destinationOfSymbolicLink(atPath: "\(root)/copy/sub/linked.txt"))
        try fm.createSymbolicLink(atPath: "\(source)/sub/loop", withDestinationPath: "..")
        XCTAssertThrowsError(try Session.copyFollowingLinks(from: source, to: "\(root)/copy2")) { error in
            XCTAssertTrue((error as NSError).localizedDescription.contains("links back to a folder it is in"), "\(error)")
        }
    }

    func testASessionWithoutAnEnvironmentNeverSeesTheUserDirectory() throws {
        let path = PluginCatalog.searchPath(projectPath: ["/p"], environment: nil)
        XCTAssertEqual(path, ["/p", FileManager.default.currentDirectoryPath + "/.survsh/plugins"])
        let withEnvironment = PluginCatalog.searchPath(projectPath: [], environment: ["XDG_DATA_HOME": "/x", "SURVSH_PLUGIN_PATH": "/e"])
        XCTAssertEqual(Array(withEnvironment.suffix(2)), ["/e", "/x/survsh/plugins"])
        let sh = TestShell()   // no environment given: install has nowhere to go
        XCTAssertTrue(sh.error("plugin install plugins/examples/sh/countby").hasPrefix("error: plugin: this session has no user plugin directory"))
    }
}
