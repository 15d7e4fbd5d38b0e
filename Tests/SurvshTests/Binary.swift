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

    /// Runs survsh with arguments and optional stdin bytes, from the repository root (or `directory`).
    static func run(_ args: [String], stdin: Data? = nil, env: [String: String] = [:], directory: URL = repoRoot) throws -> RunResult {
        try requireBuilt()
        let p = Process()
        p.executableURL = url
        p.arguments = args
        p.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-test-\(UUID().uuidString)")
        environment["SURVSH_HISTORY"] = tmp.appendingPathComponent("history").path
        environment["SURVSH_TRANSCRIPT_DIR"] = tmp.appendingPathComponent("transcripts").path
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        // Read stderr on another thread so a large output on either pipe cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin {
            let writer = inp.fileHandleForWriting
            DispatchQueue.global().async { writer.write(stdin); try? writer.close() }
        } else {
            try inp.fileHandleForWriting.close()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        group.wait()
        let errData = errBox.data
        return RunResult(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
                         status: p.terminationStatus)
    }
}
