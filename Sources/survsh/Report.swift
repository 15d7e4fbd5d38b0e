// Report.swift — `survsh report FILE.surv [-o OUT.html]`: a transcript as a self-contained HTML
// report. The report itself is ReportPlugin's (SessionReportFile); this is flags and exit status.

import ArgumentParser
import Foundation
import ReportPlugin
import SurvshCommands
import SurvshCore

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survsh report",
        abstract: "Re-run a transcript and write it as one self-contained HTML report.",
        discussion: "The transcript is replayed as --check replays it (files the commands write go to a private "
            + "temporary folder; data files must match their recorded SHA-256). The report holds the header (survsh "
            + "version, the transcript's date, the data files with SHA-256), a contents list from the '## Title' "
            + "(or '# Title ----') comments, each command with its comments as Markdown prose, its tables as HTML "
            + "tables, its warnings, its figures as inline SVG, and a methods paragraph. Without -o the report is "
            + "written next to FILE with the extension .html; '-o -' writes it to stdout. An existing file is replaced. "
            + "A transcript without a '# date:' line takes SOURCE_DATE_EPOCH (or now) as its date.")

    @Argument(help: "The .surv transcript or script.")
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the report (default: FILE with .html; '-' for stdout).", valueName: "OUT.html"))
    var output: String?

    func run() throws {
        let sink = StandardOutputSink()
        let target = output ?? ((file as NSString).deletingPathExtension + ".html")
        do {
            if target != "-" { try SessionReportFile.requireHTML(target, command: "report") }
            let (html, report) = try SessionReportFile.html(transcript: file, registry: AllCommands.registry)
            let changed = report.commands.filter(\.differsFromRecording).count
            if changed > 0 {
                sink.err("warning: report: \(plural(changed, "command")) of \(file) print something else now than recorded; the report shows what they print now ('survsh --check \(file)' shows the difference)")
            }
            if target == "-" {
                FileHandle.standardOutput.write(Data(html.utf8))
            } else {
                do {
                    try html.write(toFile: target, atomically: true, encoding: .utf8)
                } catch {
                    throw SurvshError.io("report", "cannot write '\(target)': \((error as NSError).localizedDescription)")
                }
                sink.err("report: wrote \(target) (\(SessionReportFile.summary(report)))")
            }
        } catch {
            sink.err(SurvshError.rendered(error, command: "report"))
            throw ExitCode(1)
        }
    }
}
