// InteractiveTerminalTests+DataFile.swift — `survsh FILE.dta` loads the file and opens the shell (as
// Stata does); the load is an ordinary `load` line of the transcript, with the file's hash.

import Foundation
import XCTest

extension InteractiveTerminalTests {
    func testDataFileOnTheCommandLineIsLoadedBeforeThePrompt() throws {
        let path = "Tests/SurvshCoreTests/Fixtures/readstat/lung.dta"
        try start(arguments: path)
        try waitFor("228 rows x 10 columns (Stata .dta)")
        try keys("head 1", "Enter")
        try waitFor("ph_ecog")
        let transcript = try quitAndReadTranscript()
        XCTAssertTrue(transcript.contains("\nload \(path)\n"), transcript)
        XCTAssertTrue(transcript.contains("# data: \(path) sha256="), transcript)
    }
}
