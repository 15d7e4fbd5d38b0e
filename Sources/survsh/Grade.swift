// Grade.swift — `survsh grade`: score students' transcripts against an answer key, or print the
// key's student copy. The grading itself is SurvshCore's AnswerKey; this is flags and exit status.

import ArgumentParser
import Foundation
import SurvshCommands
import SurvshCore

struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survsh grade",
        abstract: "Score students' transcripts against an answer key, exercise by exercise.",
        discussion: "Both files are replayed without side effects (files are written in a private temporary "
            + "folder; data files must match their recorded SHA-256). Exercises are marked by comment lines "
            + "'# exercise N'; in the key, '#! hidden' starts an exercise's answer (up to the next marker). "
            + "An exercise scores 1 when the submission prints every number the key prints for it (for its "
            + "answer, or for the whole exercise when nothing is hidden), in the same order, within the relative "
            + "tolerance (more output is fine), else 0; split an exercise (3a, 3b) for partial credit. An "
            + "exercise whose recorded output was edited, or that is missing, scores 0. "
            + "Several submissions are graded one after the other (one table, or one JSON line, each). "
            + "Exit status: 0 passed, 1 below --pass (or an error), 2 a submission's data files are not the "
            + "recorded ones (every exercise then scores 0 unless --allow-data-change); the worst one counts.")

    @Argument(help: "The students' transcripts (.surv).")
    var submissions: [String] = []

    @Option(help: ArgumentHelp("The answer key (.surv).", valueName: "KEY.surv"))
    var key: String?

    @Option(help: "Output format: text (a table), or json (one JSON object on stdout).")
    var format: OutputFormat = .text

    @Option(help: "Relative tolerance for two printed numbers to agree.")
    var tolerance: Double = 1e-3

    @Option(help: ArgumentHelp("Exit 1 when the total is below this share of the maximum (0 to 1, e.g. 0.6).", valueName: "share"))
    var pass: Double?

    @Flag(name: .customLong("allow-data-change"), help: "Grade even when the submission's data files are not the recorded ones.")
    var allowDataChange = false

    @Option(name: .customLong("student-copy"), help: ArgumentHelp("Print the key without its hidden answers (a handout) and exit.", valueName: "KEY.surv"))
    var studentCopy: String?

    func validate() throws {
        if studentCopy != nil {
            if !submissions.isEmpty || key != nil { throw ValidationError("--student-copy KEY.surv takes no submission and no --key") }
            return
        }
        guard !submissions.isEmpty, key != nil else {
            throw ValidationError("usage: survsh grade SUBMISSION.surv --key KEY.surv (or survsh grade --student-copy KEY.surv)")
        }
        if !(tolerance >= 0 && tolerance < 1) { throw ValidationError("--tolerance is a relative tolerance from 0 to 1, e.g. 1e-3") }
        if let pass, !(0...1).contains(pass) { throw ValidationError("--pass is a share of the maximum score, from 0 to 1 (e.g. 0.6)") }
    }

    func run() throws {
        let sink = StandardOutputSink()
        if let studentCopy {
            do {
                _ = try TranscriptScript.read(path: studentCopy, command: "grade")
                let text = try String(contentsOfFile: studentCopy, encoding: .utf8)
                FileHandle.standardOutput.write(Data(ExerciseSheet.studentCopy(text).utf8))
            } catch {
                sink.err(SurvshError.rendered(error, command: "grade"))
                throw ExitCode(1)
            }
            return
        }
        guard let key else { return }
        let newSession = { Session(registry: AllCommands.registry, sink: CapturingSink()) }
        let answers: AnswerKey
        do {
            answers = try AnswerKey(path: key, newSession: newSession)
        } catch {
            sink.err(SurvshError.rendered(error, command: "grade"))
            throw ExitCode(1)
        }
        for w in answers.warnings { sink.err("warning: grade: \(w)") }
        var status: Int32 = 0
        for (i, submission) in submissions.enumerated() {
            if i > 0 && format == .text { sink.out("") }
            status = max(status, grade(submission, against: answers, newSession: newSession, sink: sink))
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Grades one submission, prints its table (or JSON line) and returns its exit status.
    private func grade(_ submission: String, against answers: AnswerKey, newSession: () -> Session, sink: OutputSink) -> Int32 {
        let report: GradeReport
        do {
            report = try answers.grade(submission, tolerance: tolerance, allowDataChange: allowDataChange, newSession: newSession)
        } catch {
            sink.err(SurvshError.rendered(error, command: "grade"))
            return 1
        }
        let dataFailed = !report.dataProblems.isEmpty && !allowDataChange
        for p in report.dataProblems { sink.err("\(dataFailed ? "error" : "warning"): grade: \(submission): \(p.message)") }
        switch format {
        case .text:
            sink.out("\(submission) graded against \(answers.path) (relative tolerance \(tolerance))")
            sink.out(report.text())
        case .json:
            sink.out(report.json(submission: submission, key: answers.path).serialized())
        }
        if dataFailed { return 2 }
        if let pass, report.fraction < pass {
            sink.err("grade: \(submission): below the pass mark (\(Int((report.fraction * 100).rounded()))% < \(Int((pass * 100).rounded()))%)")
            return 1
        }
        return 0
    }
}
