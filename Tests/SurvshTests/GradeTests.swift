// GradeTests.swift — `survsh grade` against the answer key sessions/lung_lab_key.surv with three
// submissions in Fixtures/grade: all right (other order, more digits, extra output), one exercise
// wrong (log-rank by ph.ecog instead of sex), and one made on a changed copy of data/lung.csv
// (every tenth data row removed). Each was recorded by survsh -e "...; save session FILE".
// The expected scores and counts are worked out by hand in the comments.

import Foundation
import SurvshCommands
import SurvshCore
import XCTest

final class GradeTests: XCTestCase {
    let key = "sessions/lung_lab_key.surv"
    func fixture(_ name: String) -> String { "Tests/SurvshTests/Fixtures/grade/\(name).surv" }

    func grade(_ submission: String, allowDataChange: Bool = false) throws -> GradeReport {
        _ = FileManager.default.changeCurrentDirectoryPath(repoRoot.path)
        let newSession = { Session(registry: AllCommands.registry, sink: CapturingSink()) }
        return try AnswerKey(path: key, newSession: newSession)
            .grade(submission, tolerance: 1e-3, allowDataChange: allowDataChange, newSession: newSession)
    }

    /// The fixtures record survsh's output; when a command's output changes on purpose they are
    /// re-recorded (not data_changed.surv, whose recorded hash must stay that of the changed copy).
    func requireCurrent(_ name: String) throws {
        let result = try ScriptRunner.check(fixture(name), session: TestShell().session)
        XCTAssertNil(result.diff, "survsh's output changed: re-record with 'survsh --check --update \(fixture(name))'\n\(result.diff ?? "")")
    }

    func testAllRightScoresFull() throws {
        try requireCurrent("all_right")
        let r = try grade(fixture("all_right"))
        XCTAssertEqual(r.rows.map(\.exercise), ["1", "2", "3"], "the key's order, whatever the submission's")
        XCTAssertEqual(r.rows.map(\.score), [1, 1, 1], r.text())
        XCTAssertEqual(r.rows.map { $0.found == $0.numbers }, [true, true, true])
        XCTAssertEqual(r.total, 3)
        XCTAssertEqual(r.dataProblems, [])
    }

    func testOneWrongExercise() throws {
        try requireCurrent("one_wrong")
        let r = try grade(fixture("one_wrong"))
        XCTAssertEqual(r.rows.map(\.score), [1, 1, 0], r.text())
        // Exercise 3 of the key prints 21 numbers: 228 165 | 2 2 (the ^2 of the header) |
        // 1 138 112 91.58 4.552 10.33 | 2 90 53 73.42 5.678 10.33 | 10.33 1 0.001311 | 0 1.
        // logrank ~ ph.ecog prints 227 164 1 2 2, then rows 0..3 and 21.96 3 6.643e-05, 0 1; in order
        // only 2 2, the labels 1 and 2, the df line's 1, and 0 1 of the footnote agree: 7.
        XCTAssertEqual(r.rows[2].numbers, 21)
        XCTAssertEqual(r.rows[2].found, 7)
        XCTAssertEqual(r.rows[2].note, "first number not found: 228")
        XCTAssertEqual(r.fraction, 2.0 / 3.0, accuracy: 1e-12)
    }

    func testChangedDataScoresNothing() throws {
        let r = try grade(fixture("data_changed"))
        XCTAssertEqual(r.dataProblems.map(\.kind), [.changed])
        XCTAssertEqual(r.rows.map(\.score), [0, 0, 0])
        // Allowed, the replay on the real data no longer prints what was recorded: still 0.
        let allowed = try grade(fixture("data_changed"), allowDataChange: true)
        XCTAssertEqual(allowed.rows.map(\.score), [0, 0, 0])
        XCTAssertTrue(allowed.rows[0].note.contains("differs from its replay"), allowed.rows[0].note)
    }

    func testEditedOutputAndMissingExerciseScoreZero() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: repoRoot.appendingPathComponent(fixture("all_right")).path, encoding: .utf8)
        // A forged survival probability in exercise 2, and no exercise 3 marker.
        let edited = text.replacingOccurrences(of: "0.4092", with: "0.5000").replacingOccurrences(of: "# exercise 3", with: "# more")
        XCTAssertNotEqual(edited, text)
        let path = dir.appendingPathComponent("edited.surv").path
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try grade(path)
        XCTAssertEqual(r.rows.map(\.score), [1, 0, 0], r.text())
        XCTAssertTrue(r.rows[1].note.contains("'km times=365'") && r.rows[1].note.contains("differs from its replay"), r.rows[1].note)
        XCTAssertEqual(r.rows[2].note, "no '# exercise 3' in the submission")
    }

    func testStudentCopyHidesTheAnswers() throws {
        let text = try String(contentsOfFile: repoRoot.appendingPathComponent(key).path, encoding: .utf8)
        let copy = ExerciseSheet.studentCopy(text)
        XCTAssertTrue(copy.contains("# exercise 3: does survival differ between men and women?"))
        XCTAssertTrue(copy.contains("survival time status\n#> outcome:"), "the set-up stays, with its output")
        let lines = Set(copy.split(separator: "\n").map(String.init))
        for answer in ["km ~ sex", "km times=365", "logrank ~ sex", "#! hidden"] {
            XCTAssertFalse(lines.contains(answer), "the handout shows '\(answer)'")
        }
        XCTAssertFalse(copy.contains("0.4092"), "no answer output")
        XCTAssertEqual(copy.components(separatedBy: "# (the answer is yours to write here)").count - 1, 3)
        let sheet = ExerciseSheet.exercises(in: TranscriptScript.parse(text))
        XCTAssertEqual(sheet.map(\.id), ["1", "2", "3"])
        XCTAssertEqual(sheet.map(\.hiddenSteps), [[2], [3], [4]])
    }

    func testGradedNumbersAndMarkers() {
        XCTAssertEqual(GradedNumbers.scan("sex=1  138  91.58  0.95LCL  p = 6.643e-05, x2 -0.1324 to 4.658 (2.946–18.37)"),
                       [1, 138, 91.58, 6.643e-05, -0.1324, 4.658, 2.946, 18.37])
        XCTAssertEqual(GradedNumbers.scan("NA  Surv(time, status)  ph.ecog"), [])
        XCTAssertTrue(GradedNumbers.agree(0.4092, 0.409192, tolerance: 1e-3))
        XCTAssertFalse(GradedNumbers.agree(0.4092, 0.4102, tolerance: 1e-3))
        XCTAssertEqual(GradedNumbers.found([1, 2, 3], in: [1, 9, 2], tolerance: 0), [true, true, false])
        XCTAssertEqual(GradedNumbers.found([5, 1, 2], in: [1, 2, 5], tolerance: 0), [false, true, true], "in order")
        XCTAssertEqual(ExerciseSheet.exerciseID("# Exercise 2b: S(13) by hand"), "2b")
        XCTAssertEqual(ExerciseSheet.exerciseID("## exercise 10."), "10")
        XCTAssertNil(ExerciseSheet.exerciseID("# exercises are below"))
    }

    func testExitStatusOfTheExecutable() throws {
        let right = try Binary.run(["grade", fixture("all_right"), "--key", key, "--pass", "1"])
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertTrue(right.stdout.contains("total") && right.stdout.contains("of 3 (100%)"), right.stdout)
        let wrong = try Binary.run(["grade", fixture("one_wrong"), "--key", key, "--pass", "0.8"])
        XCTAssertEqual(wrong.status, 1, wrong.stderr)
        XCTAssertEqual(try Binary.run(["grade", fixture("one_wrong"), "--key", key, "--pass", "0.6"]).status, 0)
        let json = try Binary.run(["grade", fixture("one_wrong"), "--key", key, "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], json.stdout)
        XCTAssertEqual(object["total"] as? Int, 2)
        XCTAssertEqual((object["exercises"] as? [[String: Any]])?.map { $0["score"] as? Int }, [1, 1, 0])
        let changed = try Binary.run(["grade", fixture("data_changed"), "--key", key])
        XCTAssertEqual(changed.status, 2, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("has changed"), changed.stderr)
        // A whole class at once: one table each; the worst status counts.
        let all = try Binary.run(["grade", fixture("all_right"), fixture("one_wrong"), fixture("data_changed"), "--key", key])
        XCTAssertEqual(all.status, 2, all.stderr)
        XCTAssertEqual(all.stdout.components(separatedBy: "graded against").count - 1, 3, all.stdout)
        let copy = try Binary.run(["grade", "--student-copy", key])
        XCTAssertEqual(copy.status, 0, copy.stderr)
        XCTAssertFalse(copy.stdout.contains("logrank ~ sex"))
        XCTAssertNotEqual(try Binary.run(["grade", fixture("all_right")]).status, 0, "--key is required")
    }
}
