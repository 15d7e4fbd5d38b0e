// PluginNewTests.swift — `plugin new NAME lang=...` (issue 10): the skeleton it writes installs and
// runs as a command, and bad names, languages and existing folders are one-line errors.

import Foundation
import SurvshCommands
@testable import SurvshCore
import XCTest

final class PluginNewTests: XCTestCase {
    private var root = ""
    private var repository = ""

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-plugin-new-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if !repository.isEmpty { FileManager.default.changeCurrentDirectoryPath(repository) }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A shell whose current directory is the temporary folder (`plugin new` writes there, as in a
    /// user's shell); TestShell itself moves to the repository root, which `repository` remembers.
    private func shell() -> TestShell {
        let sh = TestShell()
        repository = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(root))
        sh.session.loadPlugins(environment: ["SURVSH_PLUGIN_PATH": "\(root)/none", "XDG_DATA_HOME": "\(root)/xdg", "HOME": root])
        return sh
    }

    /// lung's age column, read from the CSV independently of survsh's reader.
    private func lungAges() throws -> [Double] {
        let lines = try String(contentsOfFile: "\(repository)/data/lung.csv", encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        let column = try XCTUnwrap(header.firstIndex(of: "age"))
        return lines.dropFirst().compactMap { Double($0.split(separator: ",", omittingEmptySubsequences: false)[column]) }
    }

    func testPythonSkeletonInstallsAndRuns() throws {
        let s = shell()
        s.run("plugin new agemean lang=python")
        for file in ["survsh-plugin.json", "agemean.py", "survsh_plugin.py"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(root)/agemean/\(file)"), file)
        }
        s.run("plugin install agemean")
        XCTAssertNotNil(s.session.registry.lookup("agemean"))
        s.run("load \(repository)/data/lung.csv")
        s.run("agemean age")
        let ages = try lungAges()
        let mean = ages.reduce(0, +) / Double(ages.count)
        XCTAssertEqual(s.sink.stdout.last, "age: n = \(ages.count), missing = 0, mean = \(String(format: "%.6g", mean))")
        // the plugin's own error comes back as the command's one-line error
        XCTAssertTrue(s.error("agemean").hasPrefix("error: agemean: name at least one number column"))
    }

    func testShellSkeletonIsWrittenWithItsSDK() throws {
        let s = shell()
        s.run("plugin new rows lang=sh")
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(root)/rows")
        XCTAssertTrue(files.contains("survsh-plugin.json"))
        XCTAssertTrue(files.contains("survsh-plugin.sh"), "\(files)")
    }

    func testBadNamesLanguagesAndExistingFoldersAreOneLineErrors() throws {
        let s = shell()
        XCTAssertTrue(s.error("plugin new Bad lang=python").hasPrefix("error: plugin: plugin name 'Bad' must be lower-case"))
        XCTAssertTrue(s.error("plugin new km lang=python").contains("'km' is already a command"))
        XCTAssertTrue(s.error("plugin new fresh lang=cobol").hasPrefix("error: plugin: "))
        s.run("plugin new twice lang=python")
        XCTAssertTrue(s.error("plugin new twice lang=python").contains("exists already"))
    }
}
