// InteractiveTerminalTests+Interrupt.swift — Ctrl-C in the real shell (tmux, the helpers of
// InteractiveTerminalTests): a long load, Cox fit, pairwise log-rank and PNG plot on a million rows
// each stop soon after Ctrl-C (pressed three times) with `error: NAME: interrupted`, the prompt
// comes back, the data are those before the command, and a storm of Ctrl-C during a replay (a
// transcript entry written after every command) leaves a live shell and a transcript of whole
// entries that passes `survsh --check`; Ctrl-D typed while a command runs quits after it.
//
// Timing is only bounded generously (machines running the tests are loaded); the 0.2 s target is
// measured by bench/interrupt.sh on a release build.

import Foundation
import XCTest

extension InteractiveTerminalTests {
    /// Seconds allowed between Ctrl-C and the error in these tests: only a bound against running to
    /// the end, since a debug build on a loaded machine is slow (the 0.2 s target is bench/interrupt.sh's).
    static let interruptBound = 20.0

    /// Types `line`, lets it run `after` seconds, presses Ctrl-C three times and waits for
    /// `error: NAME: interrupted`; returns the seconds from the first Ctrl-C to that line.
    @discardableResult
    func interrupt(_ line: String, _ name: String, after: Double = 0.6,
                   file: StaticString = #filePath, at: UInt = #line) throws -> Double {
        try keys(line, "Enter")
        Thread.sleep(forTimeInterval: after)
        let pressed = Date()
        for _ in 0..<3 { try keys("C-c") }
        try waitFor("error: \(name): interrupted", timeout: 60, file: file, line: at)
        let latency = Date().timeIntervalSince(pressed)
        XCTAssertLessThan(latency, Self.interruptBound, "\(line): \(latency) s from Ctrl-C to the error", file: file, line: at)
        return latency
    }

    /// The transcript of the (one) session this test ran.
    func transcriptPath() throws -> String {
        let dir = tmp.appendingPathComponent("transcripts")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(files.count, 1)
        return dir.appendingPathComponent(try XCTUnwrap(files.first)).path
    }

    func testCtrlCStopsLongCommandsAndKeepsTheData() throws {
        // 30 million rows of CSV (236 MB), written as one repeated block: large enough that the load
        // is still parsing (between chunks, where it polls) when Ctrl-C comes, on an idle fast machine
        // too; a 3-million-row file was parsed in one round before the Ctrl-C landed.
        let big = tmp.appendingPathComponent("big.csv")
        var block = ""
        for i in 0..<10_000 { block += "\(i % 997 + 1),\(i % 3 == 0 ? 0 : 1),\(i % 5)\n" }
        FileManager.default.createFile(atPath: big.path, contents: Data("time,status,group\n".utf8))
        let h = try FileHandle(forWritingTo: big)
        try h.seekToEnd()
        let bytes = Data(block.utf8)
        for _ in 0..<3000 { try h.write(contentsOf: bytes) }
        try h.close()
        let png = tmp.appendingPathComponent("km.png").path

        try start()
        try keys("simulate n=1000000 hr=0.8 groups=8 seed=1", "Enter")
        try waitFor("simulated 1000000 rows", timeout: 120)
        try interrupt("cox ~ factor(group)", "cox")
        try interrupt("logrank ~ group pairwise", "logrank")
        try interrupt("plot km ~ group file=\(png)", "plot", after: 1.5)
        XCTAssertFalse(FileManager.default.fileExists(atPath: png), "an interrupted plot leaves no file")
        try interrupt("load \(big.path)", "load", after: 0.5)
        // The data are those before the interrupted load.
        try keys("describe", "Enter")
        try waitFor("1000000 rows x 4 columns")
        try keys("C-d")
        try waitFor("SURVSH-EXITED")

        let transcript = try String(contentsOfFile: try transcriptPath(), encoding: .utf8)
        for line in ["cox ~ factor(group)", "logrank ~ group pairwise", "load \(big.path)"] {
            XCTAssertTrue(transcript.contains("\n# interrupted: \(line)\n"), "\(line) not recorded as interrupted:\n\(transcript)")
        }
    }

    func testCtrlCStormDuringTranscriptWritesLeavesWholeEntries() throws {
        // 20000 quick commands, each one a transcript entry when replayed
        let script = tmp.appendingPathComponent("many.surv")
        let body = (0..<10000).map { i in "set digits \(4 + i % 3)\nhead 1" }
        try ("load \(repoRoot.path)/data/aml.csv\n" + body.joined(separator: "\n") + "\n")
            .write(to: script, atomically: true, encoding: .utf8)
        try start()
        try keys("replay \(script.path)", "Enter")
        Thread.sleep(forTimeInterval: 0.2)
        for _ in 0..<40 {
            try keys("C-c")
            Thread.sleep(forTimeInterval: 0.01)
        }
        // The shell is alive and answers (C-l clears the screen first).
        try keys("C-l")
        try keys("describe", "Enter")
        try waitFor("23 rows x", timeout: 60)
        try keys("C-d")
        try waitFor("SURVSH-EXITED")

        let path = try transcriptPath()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\n"), "the last entry is whole")
        XCTAssertTrue(text.contains("# replay \(script.path)"))
        XCTAssertTrue(text.contains(", stopped\n"), "the replay was stopped by Ctrl-C:\n\(text.suffix(2000))")
        let ran = text.components(separatedBy: "\nhead 1\n").count - 1
        XCTAssertGreaterThan(ran, 0, "some commands ran before Ctrl-C")
        XCTAssertLessThan(ran, 10000, "the replay was stopped")
        let check = try Binary.run(["--check", path])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    /// Ctrl-D typed while a command runs quits at the next prompt (the terminal's cooked mode used to
    /// turn it into a NUL byte, which libedit read as a key, and the shell stayed).
    func testCtrlDTypedAheadDuringACommandQuits() throws {
        try start()
        try keys("simulate n=1000000 hr=0.8 groups=4 seed=2", "Enter")
        try waitFor("simulated 1000000 rows", timeout: 120)
        try keys("cox ~ factor(group)", "Enter")
        Thread.sleep(forTimeInterval: 0.3)
        try keys("C-u", "C-d")
        try waitFor("SURVSH-EXITED", timeout: 120)
        let shown = try screen()
        XCTAssertTrue(shown.contains("Concordance"), "the command ran to its end first:\n\(shown)")
    }
}
