// SessionsReplayTests.swift — every transcript in sessions/ replays to exactly its recorded output
// (like R's .Rout.save files), through the same code path as `survsh --check`, twice.

import Foundation
import SurvshCommands
import SurvshCore
import XCTest

final class SessionsReplayTests: XCTestCase {
    func testEveryTranscriptInSessionsReplaysIdentically() throws {
        let dir = repoRoot.appendingPathComponent("sessions")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".surv") }.sorted()
        XCTAssertFalse(files.isEmpty, "sessions/ holds no transcripts")
        _ = FileManager.default.changeCurrentDirectoryPath(repoRoot.path)
        // Twice each, in fresh sessions: a replay leaves nothing behind that changes the next one
        // (files it wrote, the random stream, settings).
        for f in files {
            for round in 1...2 {
                let session = Session(registry: AllCommands.registry, sink: CapturingSink())
                let result = try ScriptRunner.check("sessions/\(f)", session: session)
                XCTAssertTrue(result.dataProblems.isEmpty,
                              "\(f): \(result.dataProblems) ('survsh --check --update sessions/\(f)' records the data hashes)")
                XCTAssertNil(result.diff, "\(f) no longer replays identically (round \(round)):\n\(result.diff ?? "")")
                XCTAssertGreaterThan(result.commands, 0, "\(f) has no commands")
            }
        }
    }
}
