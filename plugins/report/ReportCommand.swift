// ReportCommand.swift — `report PATH.html`: this session as a self-contained HTML report, and
// `SessionReportFile`, which `survsh report FILE.surv -o OUT.html` uses for a transcript on disk.
//
// The session is re-run from its own transcript (the records and data hashes `save session`
// writes) in a session of its own, without side effects, so the report holds the tables, figures
// and methods as the commands produce them. The HTML is written through the session's write
// sandbox (under --check and grade it goes to the private folder); an existing file is replaced,
// as save and export replace theirs.

import Foundation
import SurvshCore

public enum ReportCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "report",
        summary: "write this session as a self-contained HTML report: comments, commands, tables, figures, methods",
        synopsis: ["report PATH.html"], body: .path,
        notes: ["The session is re-run from its transcript (as --check does, writing no other file), so every table is an HTML",
                "table and every plot an inline SVG figure (a plot without file= too). Comments are Markdown: **bold**, *italic*,",
                "`code`, lists, [links](https://...); a comment '## Title' (or '# Title ----') starts a section of the contents.",
                "The header lists the survsh version, the date and each data file with its SHA-256; a methods paragraph states",
                "the conventions the results followed. One file, no scripts, no network; it prints well to PDF.",
                "From the command line: survsh report FILE.surv [-o OUT.html]. An existing file is replaced."],
        examples: ["load data/lung.csv", "## Survival by sex", "km ~ sex", "plot km ~ sex risktable pvalue",
                   "report /tmp/survsh_report.html"],
        topic: "shell", keepsLastTables: true)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(1, 1, what: "the HTML file to write")
        let path = args.positional[0]
        try SessionReportFile.requireHTML(path, command: "report")
        let text = Transcript.text(records: session.records, dataFiles: session.dataFiles(), date: SessionReportFile.now())
        let source = ((session.scriptDirectory ?? "") as NSString).appendingPathComponent("(this session)")
        let replay = Session(registry: session.registry, sink: CapturingSink())
        let report = try SessionReport.build(TranscriptScript.parse(text), from: source, title: SessionReportFile.title(for: path),
                                             session: replay, date: SessionReportFile.now())
        try session.writeText(HTMLReport.render(report), to: path, command: "report")
        var j = JSONObject(command: "report")
        j["file"] = .string(path)
        let counts = SessionReportFile.counts(report)
        j["commands"] = .int(report.commands.count)
        j["tables"] = .int(counts.tables)
        j["figures"] = .int(counts.figures)
        return CommandOutput(text: "wrote report \(path) (\(SessionReportFile.summary(report)))", json: j.value)
    }
}

/// Reports of transcripts on disk (`survsh report`), and what the command and the executable share.
public enum SessionReportFile {
    /// The report of the transcript at `path` as HTML, and the report itself. `registry` makes the
    /// session that re-runs it.
    public static func html(transcript path: String, registry: Registry) throws -> (html: String, report: SessionReport) {
        let script = try TranscriptScript.read(path: path, command: "report")
        let session = Session(registry: registry, sink: CapturingSink())
        let title = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let report = try SessionReport.build(script, from: path, title: title, session: session, date: now())
        return (HTMLReport.render(report), report)
    }

    /// `SOURCE_DATE_EPOCH` (reproducible builds) when set, else now: the date of a session that
    /// records none.
    public static func now() -> Date {
        if let s = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let t = TimeInterval(s) {
            return Date(timeIntervalSince1970: t)
        }
        return Date()
    }

    static func title(for htmlPath: String) -> String {
        ((htmlPath as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    public static func requireHTML(_ path: String, command: String) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        guard ext == "html" || ext == "htm" else {
            throw SurvshError.usage(command, ext.isEmpty ? "'\(path)' has no file extension" : "unsupported extension '.\(ext)' in '\(path)'",
                                    expected: "PATH.html")
        }
    }

    static func counts(_ r: SessionReport) -> (tables: Int, figures: Int) {
        let outputs = r.commands.flatMap(\.outputs)
        return (outputs.reduce(0) { $0 + $1.tables.count }, outputs.reduce(0) { $0 + $1.figures.count })
    }

    /// "12 commands, 9 tables, 2 figures".
    public static func summary(_ r: SessionReport) -> String {
        let c = counts(r)
        return "\(plural(r.commands.count, "command")), \(plural(c.tables, "table")), \(plural(c.figures, "figure"))"
    }
}
