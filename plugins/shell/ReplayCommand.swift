// ReplayCommand.swift — `replay FILE [step]`: run a script or transcript inside the shell.
//
// Each command runs through the session's one execution path and prints as usual; in the terminal
// it is shown first, with the comments written above it, as `survsh --echo` shows a script. With
// `step` the shell pauses before each command, for teaching (see ReplayStepper). Data files whose
// SHA-256 differs from the one the script recorded are reported as they are loaded. The commands
// that ran are recorded in this session's transcript one by one, and the `replay` line and its
// summary as comments, so the transcript replays (and `--check` verifies) without running anything
// twice.

import Foundation
import SurvshCore

public enum ReplayCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "replay",
        summary: "run a saved session or script (recorded #> output is ignored); step pauses before each command",
        synopsis: ["replay FILE.surv [step]"], body: .path,
        options: [.flag("step", help: "pause before each command: Enter runs it; skip, back, quit, or type a command to run it first")],
        notes: ["In the shell each command is shown before it runs, with the comments written above it (as survsh --echo).",
                "step: at the pause, Enter (or next) runs the command; 'skip' passes over it; 'back' puts the session back as it was when",
                "the replay started, re-runs the script's commands up to the previous one (output not shown) and pauses there;",
                "the commands it undid stay in the history as comments ('# undone by back: ...', typed commands too).",
                "'quit' (or q, Ctrl-C, Ctrl-D) stops the replay; any other line is run as a command, then the pause returns.",
                "The commands that ran are recorded in this session's transcript one by one (the replay line as a comment),",
                "so the transcript replays and passes 'survsh --check' without running them twice.",
                "Relative data paths are tried from the working directory, then from the script's folder.",
                "Use 'survsh --check FILE' to compare the output with the recorded #> lines."],
        examples: ["replay sessions/km_lung.surv"], topic: "shell",
        keepsLastTables: true)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(1, 1, what: "the script to replay")
        let path = args.positional[0]
        let stepping = args.has("step")
        if stepping && session.prompt == nil {
            throw SurvshError.usage("replay", "step needs the interactive terminal", expected: "replay FILE without step")
        }
        let resolved = session.resolvePath(path)
        let script = try TranscriptScript.read(path: resolved, command: "replay")
        return try replay(script, path: path, resolved: resolved, session: session,
                          stepping: stepping ? ReplayStepper.Stepping() : nil)
    }

    /// Runs `script` (read from `resolved`, named `path`) through the session, pausing before each
    /// command when `stepping`; returns the summary, recorded as a comment with the `note` line.
    static func replay(_ script: TranscriptScript, path: String, resolved: String, session: Session,
                       stepping: ReplayStepper.Stepping?, note: String? = nil, command: String = "replay") throws -> CommandOutput {
        if session.replayDepth >= 8 {
            throw SurvshError.usage(command, "scripts replay each other too deeply (a loop?)", expected: "at most 8 nested replays")
        }
        // From here nothing throws: the commands that run are recorded, so this line must not be.
        session.noteComment(note ?? ("# replay \(path)" + (stepping != nil ? " step" : "")))
        session.replayDepth += 1
        defer { session.replayDepth -= 1 }
        var stepper = ReplayStepper(script: script, path: path, session: session, stepping: stepping)
        let policy = session.dataVerifier?.policy ?? .warn
        _ = try? session.replaying(script, from: resolved, policy: policy, sandboxed: false) { stepper.run() }
        if Interrupt.isRaised { Interrupt.clear(); stepper.stopped = true }
        let n = script.steps.count
        let ran = stepper.ranCount
        let failed = stepper.failedSteps.count
        let text = "replayed \(ran) of \(n) command\(n == 1 ? "" : "s") from \(path)"
            + (failed > 0 ? " (\(failed) failed)" : "")
            + (stepper.skipped.isEmpty ? "" : " (\(stepper.skipped.count) skipped)")
            + (stepper.undone == 0 ? "" : " (\(stepper.undone) undone by back)")
            + (stepper.stopped ? ", stopped" : "")
        var j = JSONObject(command: command)
        j["file"] = .string(path)
        j["commands"] = .int(n)
        j["ran"] = .int(ran)
        j["failed"] = .int(failed)
        j["skipped"] = .int(stepper.skipped.count)
        j["undone"] = .int(stepper.undone)
        return CommandOutput(text: text, json: j.value, recordAsComment: true)
    }
}

/// Runs a script's commands in order, pausing before each one when `stepping`.
struct ReplayStepper {
    /// How to step: what the pause says after the command, and how a script line becomes the
    /// command that runs (the tutorial adds `explain`).
    struct Stepping {
        var hint = "(Enter runs it; skip, back, quit, or type a command)"
        var rewrite: (String) -> String = { $0 }
    }

    let script: TranscriptScript
    let path: String
    let session: Session
    /// nil: run straight through.
    let stepping: Stepping?
    /// The next command to run (an index into `script.steps`).
    private(set) var next = 0
    private(set) var skipped: Set<Int> = []
    private(set) var failedSteps: Set<Int> = []
    /// Script commands that ran and were then undone by `back` (not run again).
    private(set) var undone = 0
    var stopped = false
    /// The session as the replay found it, which `back` restores (taken only when stepping).
    private let start: Session.Snapshot?

    init(script: TranscriptScript, path: String, session: Session, stepping: Stepping?) {
        self.script = script
        self.path = path
        self.session = session
        self.stepping = stepping
        start = stepping != nil ? session.snapshot() : nil
    }

    /// The command script line `index` runs.
    func command(_ index: Int) -> String { stepping?.rewrite(script.steps[index].command) ?? script.steps[index].command }

    /// The commands before the stopping point that ran (were not skipped).
    var ranCount: Int { (0..<next).filter { !skipped.contains($0) }.count }

    mutating func run() {
        var narrated = -1
        while next < script.steps.count {
            let step = script.steps[next]
            // Narration in the terminal, and whenever stepping (piped answers too).
            if (session.interactive || stepping != nil) && narrated != next {
                narrated = next
                for line in step.comments { show(line) }
                if stepping == nil { show("survsh> " + step.command) }
            }
            if let stepping {
                let n = script.steps.count
                let answer = session.prompt?("[\(next + 1)/\(n)] \(command(next))   \(stepping.hint) ")
                if Interrupt.isRaised { stopped = true; return }   // Ctrl-C at the pause stops, as quit
                switch answer?.trimmingCharacters(in: .whitespaces) {
                case nil, "q", "quit":
                    stopped = true
                    return
                case "", "next", "n":
                    break
                case "skip":
                    skipped.insert(next)
                    next += 1
                    continue
                case "back":
                    goBack()
                    narrated = -1
                    continue
                case let line?:
                    // The lecturer's own command runs (and is recorded); then the pause returns.
                    let r = session.execute(line, source: .interactive)
                    if r.quit || Interrupt.isRaised { stopped = true; return }
                    continue
                }
            }
            let r = execute(next)
            next += 1
            if r.quit || Interrupt.isRaised { stopped = true; return }
        }
    }

    /// Runs the script's command `index`, remembering whether it failed.
    private mutating func execute(_ index: Int) -> ExecutionRecord {
        let r = session.execute(command(index), source: .file(path: path, line: script.steps[index].line))
        if r.failed { failedSteps.insert(index) } else { failedSteps.remove(index) }
        return r
    }

    /// `back`: restores the session as the replay found it, re-runs the commands before the previous
    /// one without showing their output, and pauses before the previous one again.
    private mutating func goBack() {
        guard next > 0 else {
            session.sink.err("replay: already at the first command")
            return
        }
        let target = next - 1
        if let start { session.restore(start) }
        if !skipped.contains(target) { undone += 1 }
        let shown = session.sink
        let quiet = CapturingSink()
        session.sink = quiet
        for i in 0..<target where !skipped.contains(i) {
            _ = execute(i)
            if Interrupt.isRaised { break }
        }
        session.sink = shown
        skipped = skipped.filter { $0 < target }
        failedSteps = failedSteps.filter { $0 < target }
        next = target
        let rerun = target == 1 ? "command 1" : "commands 1-\(target)"
        show(target == 0 ? "back to the first command" : "back: re-ran \(rerun) (output not shown)")
    }

    /// Narration goes where `--echo` puts it: stdout, or stderr under JSON.
    private func show(_ line: String) {
        session.settings.format == .json ? session.sink.err(line) : session.sink.out(line)
    }
}
