// Grading.swift — `survsh grade`: a student's transcript scored against an answer key.
//
// Contract:
// - Exercises are marked by comment lines `# exercise ID` (case-insensitive; ID a word such as 1 or
//   2b; text may follow: `# Exercise 1: S(13) by hand`). The commands after a marker belong to that
//   exercise, up to the next marker; a marker used twice continues the same exercise.
// - In a key, a line `#! hidden` starts the answer of the current exercise, up to the next marker
//   (or `#! shown`). The student copy prints everything else (the question, the set-up) and one
//   placeholder comment for each answer. The numbers graded are those the answer's commands print;
//   in an exercise with nothing hidden, all that the exercise's commands print.
// - Key and submission are both replayed without side effects (`ScriptRunner.replaySafely`: files
//   are written in a private folder, data files are checked against their recorded SHA-256).
// - A number is a decimal literal in the printed output (12, -0.5, 1.3e-05) that is not part of a
//   word (`0.95LCL`, `x2`). The key's numbers are looked for, in order, in what the submission's
//   commands for that exercise print now (the longest common subsequence, two numbers matching when
//   |a - b| <= tolerance * max(|a|, |b|)); the submission may print more. An exercise scores 1 when
//   every key number is found, else 0 (the table shows how many were found and the first missing
//   one); for partial credit, split an exercise into several (`# exercise 3a`, `# exercise 3b`).
// - An exercise scores 0 when the submission lacks its marker, or when the submission's recorded
//   output for it differs from the replay (the transcript was edited, or made on other data). When a
//   submission's data files are not the recorded ones (changed, missing, or without a hash), every
//   exercise scores 0 unless `allowDataChange`.

import Foundation

/// Exercise markers and hidden answers in a `.surv` file.
public enum ExerciseSheet {
    public struct Exercise: Sendable, Equatable {
        public var id: String
        /// Indices into the script's steps, in order.
        public var steps: [Int] = []
        /// The steps of the hidden answer (empty when nothing is hidden).
        public var hiddenSteps: [Int] = []
        /// The steps whose printed numbers are graded.
        public var gradedSteps: [Int] { hiddenSteps.isEmpty ? steps : hiddenSteps }
    }

    /// The exercise id of a marker comment (`# Exercise 2b: ...` gives "2b"), or nil.
    public static func exerciseID(_ comment: String) -> String? {
        let t = comment.drop { $0 == "#" || $0 == " " || $0 == "\t" }.lowercased()
        guard t.hasPrefix("exercise") else { return nil }
        let rest = t.dropFirst("exercise".count)
        guard rest.first == " " || rest.first == "\t" else { return nil }
        let id = rest.drop { $0 == " " || $0 == "\t" }.prefix { $0.isLetter || $0.isNumber || $0 == "." }
        let trimmed = String(id).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return trimmed.isEmpty ? nil : trimmed
    }

    enum Directive { case hidden, shown }

    static func directive(_ comment: String) -> Directive? {
        guard comment.hasPrefix("#!") else { return nil }
        switch comment.dropFirst(2).trimmingCharacters(in: .whitespaces).lowercased() {
        case "hidden": return .hidden
        case "shown": return .shown
        default: return nil
        }
    }

    /// The exercises of a script, in the order their markers first appear.
    public static func exercises(in script: TranscriptScript) -> [Exercise] {
        var list: [Exercise] = []
        var current: Int? = nil
        var hidden = false
        for (i, step) in script.steps.enumerated() {
            for c in step.comments {
                if let id = exerciseID(c) {
                    if let k = list.firstIndex(where: { $0.id == id }) { current = k } else {
                        list.append(Exercise(id: id))
                        current = list.count - 1
                    }
                    hidden = false
                } else if let d = directive(c) {
                    hidden = d == .hidden
                }
            }
            guard let k = current else { continue }
            list[k].steps.append(i)
            if hidden { list[k].hiddenSteps.append(i) }
        }
        return list
    }

    /// The key without its hidden answers: each answer becomes one placeholder comment.
    public static func studentCopy(_ text: String) -> String {
        var out: [String] = []
        var hidden = false
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            let t = line.trimmingCharacters(in: .whitespaces)
            if exerciseID(t) != nil && TranscriptScript.kind(of: t) == .comment {
                hidden = false
            } else if let d = directive(t) {
                hidden = d == .hidden
                if hidden { out.append("# (the answer is yours to write here)") }
                continue
            }
            if !hidden || t.isEmpty { out.append(line) }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// Numbers in printed output, and matching them with a tolerance.
public enum GradedNumbers {
    /// The decimal literals in `line` that are not part of a word.
    public static func scan(_ line: String) -> [Double] {
        let c = Array(line.unicodeScalars)
        func digit(_ k: Int) -> Bool { k < c.count && ("0"..."9").contains(c[k]) }
        func wordChar(_ k: Int) -> Bool {
            k >= 0 && k < c.count && (CharacterSet.alphanumerics.contains(c[k]) || c[k] == "_" || c[k] == ".")
        }
        var out: [Double] = []
        var i = 0
        while i < c.count {
            var j = i
            if c[j] == "-" || c[j] == "+" { j += 1 }
            let starts = (digit(j) || (j < c.count && c[j] == "." && digit(j + 1))) && !wordChar(i - 1)
            guard starts else { i += 1; continue }
            while digit(j) { j += 1 }
            if j < c.count && c[j] == "." && digit(j + 1) { j += 1; while digit(j) { j += 1 } }
            if j < c.count && (c[j] == "e" || c[j] == "E") {
                var k = j + 1
                if k < c.count && (c[k] == "-" || c[k] == "+") { k += 1 }
                if digit(k) { j = k; while digit(j) { j += 1 } }
            }
            if j < c.count && (CharacterSet.letters.contains(c[j]) || c[j] == "_") {
                while wordChar(j) { j += 1 }   // part of a word, such as 0.95LCL
            } else if let x = Double(String(String.UnicodeScalarView(c[i..<j]))) {
                out.append(x)
            }
            i = j
        }
        return out
    }

    /// Whether two printed numbers agree to a relative tolerance.
    public static func agree(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
        a == b || abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    /// Which of `wanted` are found in order in `given` (the longest common subsequence under `agree`).
    public static func found(_ wanted: [Double], in given: [Double], tolerance: Double) -> [Bool] {
        let n = wanted.count, m = given.count
        let lcs = lcsTable(n, m) { agree(wanted[$0], given[$1], tolerance: tolerance) }
        var hit = [Bool](repeating: false, count: n)
        var i = 0, j = 0
        while i < n && j < m {
            if agree(wanted[i], given[j], tolerance: tolerance) && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
                hit[i] = true; i += 1; j += 1
            } else if lcs[i + 1][j] >= lcs[i][j + 1] { i += 1 } else { j += 1 }
        }
        return hit
    }
}

/// The score of one submission.
public struct GradeReport: Sendable {
    public struct Row: Sendable, Equatable {
        public var exercise: String
        public var found: Int
        public var numbers: Int
        /// 1 when every number of the key was found, else 0.
        public var score: Int
        public var note: String
    }

    public var rows: [Row]
    /// The submission's data files that are not the recorded ones.
    public var dataProblems: [DataVerifier.Problem]
    public var tolerance: Double

    public var total: Int { rows.reduce(0) { $0 + $1.score } }
    public var maximum: Int { rows.count }
    /// The total as a share of the maximum (1 for a key without exercises).
    public var fraction: Double { rows.isEmpty ? 1 : Double(total) / Double(maximum) }

    /// The report as one JSON object (`survsh grade --format json`).
    public func json(submission: String, key: String) -> JSONValue {
        var j = JSONObject(command: "grade")
        j["submission"] = .string(submission)
        j["key"] = .string(key)
        j["tolerance"] = .num(tolerance)
        j["exercises"] = .array(rows.map { r in
            var o = JSONObject()
            o["exercise"] = .string(r.exercise)
            o["found"] = .int(r.found)
            o["numbers"] = .int(r.numbers)
            o["score"] = .int(r.score)
            o["note"] = r.note.isEmpty ? .null : .string(r.note)
            return o.value
        })
        j["total"] = .int(total)
        j["maximum"] = .int(maximum)
        j["data_problems"] = .array(dataProblems.map { .string($0.message) })
        return j.value
    }

    /// The per-exercise table and the total.
    public func text() -> String {
        var t = TextTable(["exercise", "numbers", "score", "note"], leftAligned: [0, 3])
        for r in rows { t.add([r.exercise, "\(r.found)/\(r.numbers)", String(r.score), r.note]) }
        t.add(["total", "", String(total), "of \(maximum) (\(Int((fraction * 100).rounded()))%)"])
        return t.render()
    }
}

/// An answer key, replayed once and used to grade any number of submissions.
public struct AnswerKey: Sendable {
    public let path: String
    let exercises: [ExerciseSheet.Exercise]
    /// The key's printed output, per step (its replay, not its recording).
    let outputs: [[String]?]
    /// Remarks about the key (its recorded output differs from its replay).
    public let warnings: [String]

    /// Reads and replays the key (without side effects); fails when it has no exercise markers or
    /// its data files are not the recorded ones. `newSession` makes the replay's session.
    public init(path: String, newSession: () -> Session) throws {
        let script = try TranscriptScript.read(path: path, command: "grade")
        exercises = ExerciseSheet.exercises(in: script)
        guard !exercises.isEmpty else {
            throw SurvshError.usage("grade", "the key '\(path)' has no '# exercise N' markers", expected: "a comment line '# exercise 1' before each exercise's commands")
        }
        let run = try ScriptRunner.replaySafely(script, from: path, session: newSession())
        if let p = run.dataProblems.first {
            throw SurvshError.io("grade", "the key's data: \(p.message)")
        }
        self.path = path
        outputs = run.outputs
        warnings = script.steps.indices.compactMap { i in
            let step = script.steps[i]
            guard let now = run.outputs[i], now != step.expected else { return nil }
            return "the key's output of '\(step.command)' (line \(step.line)) differs from its replay; the replay is used"
        }
    }

    /// Grades the transcript at `submission` (replayed in a session `newSession` makes).
    public func grade(_ submission: String, tolerance: Double, allowDataChange: Bool,
                      newSession: () -> Session) throws -> GradeReport {
        let script = try TranscriptScript.read(path: submission, command: "grade")
        let theirs = ExerciseSheet.exercises(in: script)
        let run = try ScriptRunner.replaySafely(script, from: submission, session: newSession())
        let dataFailed = !run.dataProblems.isEmpty && !allowDataChange

        func numbers(_ steps: [Int], _ outputs: [[String]?]) -> [Double] {
            steps.flatMap { (outputs[$0] ?? []).flatMap(GradedNumbers.scan) }
        }
        var rows: [GradeReport.Row] = []
        for ex in exercises {
            let wanted = numbers(ex.gradedSteps, outputs)
            var row = GradeReport.Row(exercise: ex.id, found: 0, numbers: wanted.count, score: 0, note: "")
            defer { rows.append(row) }
            if dataFailed { row.note = "data files not the recorded ones"; continue }
            guard let mine = theirs.first(where: { $0.id == ex.id }) else {
                row.note = "no '# exercise \(ex.id)' in the submission"
                continue
            }
            if let edited = mine.steps.first(where: { run.outputs[$0] != script.steps[$0].expected }) {
                row.note = "recorded output of '\(script.steps[edited].command)' (line \(script.steps[edited].line)) differs from its replay"
                continue
            }
            let hits = GradedNumbers.found(wanted, in: numbers(mine.steps, run.outputs), tolerance: tolerance)
            row.found = hits.filter { $0 }.count
            row.score = row.found == wanted.count ? 1 : 0
            if let miss = hits.firstIndex(of: false) {
                row.note = "first number not found: \(NumberFormat.significant(wanted[miss], digits: 7))"
            }
        }
        return GradeReport(rows: rows, dataProblems: run.dataProblems, tolerance: tolerance)
    }
}
