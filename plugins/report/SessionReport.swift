// SessionReport.swift — a transcript re-run for a report: its comments as prose and sections, each
// command with what it prints now and its structured output (tables, figures, methods), the data
// files with their SHA-256, and the methods the results followed.
//
// Contract: `build` replays the script as `--check` does (ScriptRunner's rules: a private folder
// receives every file the commands write, data files must match their recorded hashes), in a
// session of its own, reading each command's CommandOutput through `Session.outputObserver`;
// nothing is scraped from text. Comments are Markdown after their `#` and one space; a heading
// (`## Title`, i.e. Markdown `# Title`, or R Studio's `# Title ----`) starts a section. Lines that
// only steer tools (`#! hidden`, `# undone by back: ...`, `# interrupted: ...`) are left out.

import Foundation
import SurvshCore

public struct SessionReport: Sendable {
    /// One command as the replay ran it.
    public struct CommandResult: Sendable {
        /// The command as written.
        public var line: String
        /// The output lines as printed now (text, then warnings; or the error).
        public var outputLines: [String]
        public var failed: Bool
        /// The structured outputs of the command (several when it ran others, as `replay` does).
        public var outputs: [CommandOutput]
        /// Whether what it prints now differs from the transcript's recorded `#>` lines.
        public var differsFromRecording: Bool
    }

    public enum Block: Sendable {
        case heading(level: Int, title: String)
        /// Markdown lines.
        case prose([String])
        case command(CommandResult)
    }

    public var title: String
    /// The transcript the report was made from (as given), or a description of it.
    public var source: String
    /// The session's date (the transcript's `# date:`), or the date given to `build`.
    public var date: String
    public var version: String
    public var dataFiles: [(path: String, sha256: String)]
    public var blocks: [Block]

    /// The distinct methods of the results, in the order first used.
    public var methods: [MethodNote] {
        var seen: [MethodNote] = []
        for case .command(let c) in blocks {
            for m in c.outputs.flatMap(\.methods) where !seen.contains(m) { seen.append(m) }
        }
        return seen
    }

    /// The commands, in order.
    public var commands: [CommandResult] {
        blocks.compactMap { if case .command(let c) = $0 { return c } else { return nil } }
    }

    /// Replays `script` (read from `path`) in `session` (a fresh session whose sink captures) and
    /// collects what each command produces. Fails, naming `command`, when a data file is not the
    /// one the script recorded. `date` is used when the script records none.
    public static func build(_ script: TranscriptScript, from path: String, title: String, session: Session,
                             date: Date, command: String = "report") throws -> SessionReport {
        var blocks: [Block] = []
        var collected: [CommandOutput] = []
        session.outputObserver = { collected.append($0) }
        defer { session.outputObserver = nil }
        let run = try session.replaying(script, from: path, policy: .strict, sandboxed: true) {
            for step in script.steps {
                blocks += commentBlocks(step.comments)
                collected = []
                let r = session.execute(step.command, source: .file(path: path, line: step.line))
                blocks.append(.command(CommandResult(line: step.command, outputLines: r.outputLines, failed: r.failed,
                                                     outputs: collected, differsFromRecording: r.outputLines != step.expected)))
                if r.quit { break }
            }
            blocks += commentBlocks(script.trailingComments)
        }
        if let p = run.dataProblems.first {
            throw SurvshError.io(command, "\(p.message) (a report re-runs the transcript on its recorded data)")
        }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return SessionReport(title: title, source: path, date: script.date ?? f.string(from: date), version: Session.version,
                             dataFiles: session.dataFiles(), blocks: blocks)
    }

    /// The Markdown text of a comment line (`# text` gives "text", `## Title` gives "# Title"), or nil
    /// for lines that steer tools rather than tell the reader something.
    static func markdown(ofComment comment: String) -> String? {
        guard comment.hasPrefix("#"), !comment.hasPrefix("#!") else { return nil }
        var text = comment.dropFirst()
        if text.first == " " { text = text.dropFirst() }
        for prefix in ["undone by back: ", "interrupted: "] where text.hasPrefix(prefix) { return nil }
        return String(text)
    }

    /// A section heading: Markdown `# Title` (from a `## Title` comment), or R Studio's code-section
    /// comment `Title ----` (four or more trailing -, = or #), which is level 1.
    static func heading(_ markdown: String) -> (level: Int, title: String)? {
        if let h = MarkdownLite.heading(markdown) { return h }
        let trimmed = markdown.trimmingCharacters(in: .whitespaces)
        for mark in ["-", "=", "#"] {
            let tail = trimmed.reversed().prefix { String($0) == mark }.count
            if tail >= 4 {
                let title = trimmed.dropLast(tail).trimmingCharacters(in: .whitespaces)
                if !title.isEmpty { return (1, title) }
            }
        }
        return nil
    }

    /// Comment lines as headings and prose blocks.
    static func commentBlocks(_ comments: [String]) -> [Block] {
        var blocks: [Block] = []
        var prose: [String] = []
        func flush() {
            while prose.last?.isEmpty == true { prose.removeLast() }
            if !prose.isEmpty { blocks.append(.prose(prose)) }
            prose = []
        }
        for c in comments {
            guard let md = markdown(ofComment: c) else { continue }
            if let h = heading(md) {
                flush()
                blocks.append(.heading(level: h.level, title: h.title))
            } else if !(prose.isEmpty && md.trimmingCharacters(in: .whitespaces).isEmpty) {
                prose.append(md)
            }
        }
        flush()
        return blocks
    }
}
