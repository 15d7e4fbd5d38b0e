// main.swift — the survsh executable: process flags, then one of the ways in. Thin by design:
// everything that runs a line lives in SurvshCore (Session.execute).

import ArgumentParser
import Foundation
import SurvshCommands
import SurvshCore

extension OutputFormat: ExpressibleByArgument {}

struct Survsh: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survsh",
        abstract: "An interactive shell for survival analysis (Kaplan-Meier, log-rank, Cox, t-tests) that matches R.",
        discussion: "With no arguments and a terminal, starts the interactive shell (line editing, history, "
            + "Tab completion; 'help' lists commands). With FILE, runs a script or saved transcript "
            + "(a run continues after a failing command unless --bail; the exit status is 1 if any failed). "
            + "With a data file (.csv, .tsv, .csv.gz, .zip, .dta, .sav, .zsav, .por, .sas7bdat, .xpt, or any file whose first bytes "
            + "say it is one), loads it and opens the shell, as Stata does (with -e or piped input, loads it and runs those). "
            + "Piped input is read one command a line. Environment: SURVSH_HISTORY (history file, default "
            + "~/.local/state/survsh/history), SURVSH_TRANSCRIPT_DIR (where interactive sessions are recorded, "
            + "default ~/.local/share/survsh/transcripts). 'survsh grade --help': scoring a student's transcript "
            + "against an answer key. 'survsh report --help': a transcript as an HTML report.",
        version: Session.version)

    @Argument(help: "A .surv script or transcript to run, or a data file to load before the shell opens.")
    var file: String?

    @Option(name: .customShort("e"), help: ArgumentHelp("Run these commands (separate several with ';').", valueName: "commands"))
    var execute: [String] = []

    @Option(help: "Output format: text, or json (one JSON object per result line on stdout).")
    var format: OutputFormat = .text

    @Flag(help: "Replay FILE and compare its output with the recorded #> lines: exit 1 and show a diff on any difference, exit 2 when a data file changed, is missing or has no recorded hash. Files the commands write go to a private temporary folder.")
    var check = false

    @Flag(help: "With --check: rewrite FILE's recorded output and data-file hashes with the current ones.")
    var update = false

    @Flag(name: .customLong("allow-data-change"), help: "With --check: a changed, missing or unrecorded data file is a warning, not a failure (exit 2).")
    var allowDataChange = false

    @Flag(help: "Stop at the first failing command (scripts, -e and piped input).")
    var bail = false

    @Flag(help: "With FILE: print each command, and the comments above it, before its output.")
    var echo = false

    @Flag(name: .customLong("no-transcript"), help: "Do not record the interactive session.")
    var noTranscript = false

    func validate() throws {
        if check && file == nil { throw ValidationError("--check needs a transcript file: survsh --check FILE.surv") }
        if update && !check { throw ValidationError("--update is used with --check: survsh --check --update FILE.surv") }
        if allowDataChange && !check { throw ValidationError("--allow-data-change is used with --check: survsh --check --allow-data-change FILE.surv") }
        if let file, !execute.isEmpty, !DataReaders.isDataFile(file) {
            throw ValidationError("give either FILE or -e, not both (a data FILE may come with -e: survsh data.csv -e 'km ...')")
        }
        if let file, check, DataReaders.isDataFile(file) {
            throw ValidationError("--check replays a transcript (.surv), not a data file: \(file)")
        }
    }

    func run() throws {
        let session = Session(registry: AllCommands.registry)
        session.settings.format = format
        // External plugins: manifests only (no process starts); a bad one is reported, never fatal.
        for problem in session.loadPlugins(environment: ProcessInfo.processInfo.environment) {
            session.sink.err("warning: \(problem)")
        }
        defer { session.pluginHost.stopAll() }
        let ok: Bool
        if check, let file {
            let status = Driver.check(file, session: session, update: update, allowDataChange: allowDataChange)
            if status != 0 { throw ExitCode(status) }
            return
        } else if let file, !DataReaders.isDataFile(file) {
            ok = ScriptRunner.runFile(file, session: session, bail: bail, echo: echo)
        } else if !execute.isEmpty {
            let load = file.map { [Driver.loadLine($0)] } ?? []
            let lines = load + execute.flatMap { ScriptRunner.statements($0) }
            ok = ScriptRunner.run(lines: lines.enumerated().map { ($0.element, .commandLine(index: $0.offset + 1)) },
                                  session: session, bail: bail)
        } else if !Terminal.stdinIsTerminal {
            ok = Driver.runStdin(session: session, bail: bail, firstLine: file.map(Driver.loadLine))
        } else {
            Driver.interactive(session: session, record: !noTranscript, firstLine: file.map(Driver.loadLine))
            ok = true
        }
        if !ok { throw ExitCode(1) }
    }
}

// `survsh grade ...` is its own command line (a FILE argument named "grade" cannot be a script).
// `survsh report ...` likewise.
if CommandLine.arguments.dropFirst().first == "grade" {
    Grade.main(Array(CommandLine.arguments.dropFirst(2)))
} else if CommandLine.arguments.dropFirst().first == "report" {
    Report.main(Array(CommandLine.arguments.dropFirst(2)))
} else {
    Survsh.main()
}
