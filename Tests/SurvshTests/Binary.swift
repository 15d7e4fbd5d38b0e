// Binary.swift — runs the built survsh executable as a user would (for end-to-end tests).

import Foundation
import XCTest

struct RunResult {
    var stdout: String
    var stderr: String
    var status: Int32
}

enum Binary {
    /// The survsh executable next to the test bundle (built by `swift build`).
    static var url: URL {
        let dir = Bundle.main.bundleURL
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let u = candidate.appendingPathComponent("survsh")
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        return dir.appendingPathComponent("survsh")
    }

    static func requireBuilt() throws {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("survsh is not built at \(url.path): run 'swift build' before 'swift test'")
        }
    }

    /// Runs survsh with arguments and optional stdin bytes, from the repository root (or `directory`),
    /// with its own history, transcript folder and (empty) user plugin directory.
    static func run(_ args: [String], stdin: Data? = nil, env: [String: String] = [:], directory: URL = repoRoot) throws -> RunResult {
        try requireBuilt()
        var environment = ProcessInfo.processInfo.environment
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-test-\(UUID().uuidString)")
        environment["SURVSH_HISTORY"] = tmp.appendingPathComponent("history").path
        environment["SURVSH_TRANSCRIPT_DIR"] = tmp.appendingPathComponent("transcripts").path
        // plugins: never the tester's own (~/.local/share/survsh/plugins, SURVSH_PLUGIN_PATH)
        environment["XDG_DATA_HOME"] = tmp.appendingPathComponent("xdg").path
        environment["SURVSH_PLUGIN_PATH"] = nil
        for (k, v) in env { environment[k] = v }
        return try runProcess(url, args, environment: environment, directory: directory, stdin: stdin)
    }

    /// Runs an executable, writes `stdin` (then closes it) and collects stdout and stderr, read on
    /// separate threads so a large output on either pipe cannot block the child. With `timeout`, a
    /// child still running after it is terminated and the test fails.
    static func runProcess(_ url: URL, _ args: [String], environment: [String: String], directory: URL,
                           stdin: Data?, timeout: TimeInterval? = nil) throws -> RunResult {
        let p = Process()
        p.executableURL = url
        p.arguments = args
        p.currentDirectoryURL = directory
        p.environment = environment
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let outBox = Box(), errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outBox.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin {
            let writer = inp.fileHandleForWriting
            DispatchQueue.global().async { try? writer.write(contentsOf: stdin); try? writer.close() }
        } else {
            try inp.fileHandleForWriting.close()
        }
        if let timeout, group.wait(timeout: .now() + timeout) == .timedOut {
            p.terminate()
            XCTFail("\(url.lastPathComponent) \(args.joined(separator: " ")) did not finish within \(timeout) s")
        }
        group.wait()
        p.waitUntilExit()
        return RunResult(stdout: String(decoding: outBox.data, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self),
                         status: p.terminationStatus)
    }
}
