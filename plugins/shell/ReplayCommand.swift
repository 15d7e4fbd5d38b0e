// ReplayCommand.swift — `replay FILE [step]`: run a script or transcript inside the shell.
//
// Each command runs through the session's one execution path and prints as usual. With `step`
// the shell pauses before each command (Enter runs it, q stops) — for teaching. Data files whose
// SHA-256 differs from the transcript's header are reported before anything runs. The nested
// commands are not recorded one by one in this session's transcript: the `replay` line is, so
// replaying this transcript later does not run them twice.

import Foundation
import SurvshCore

public enum ReplayCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "replay",
        summary: "run a saved session or script (recorded #> output is ignored); step pauses before each command",
        synopsis: ["replay FILE.surv [step]"], body: .path,
        options: [.flag("step", help: "pause before each command: Enter runs it, q stops")],
        notes: ["Relative data paths are tried from the working directory, then from the script's folder.",
                "Use 'survsh --check FILE' to compare the output with the recorded #> lines."],
        examples: ["replay sessions/km_lung.surv"], topic: "shell")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(1, 1, what: "the script to replay")
        let path = args.positional[0]
        if session.replayDepth >= 8 {
            throw SurvshError.usage("replay", "scripts replay each other too deeply (a loop?)", expected: "at most 8 nested replays")
        }
        let script = try TranscriptScript.read(path: session.resolvePath(path), command: "replay")
        var warnings = DataCheck.changedFiles(script, session: session, scriptPath: path)
        for w in warnings { session.sink.err("warning: replay: \(w)") }
        warnings = []
        let savedDir = session.scriptDirectory
        session.scriptDirectory = (path as NSString).deletingLastPathComponent
        session.replayDepth += 1
        defer { session.replayDepth -= 1; session.scriptDirectory = savedDir }
        var ran = 0, failed = 0
        var stopped = false
        for (k, step) in script.steps.enumerated() {
            if args.has("step") {
                guard let ask = session.prompt else {
                    throw SurvshError.usage("replay", "step needs the interactive terminal", expected: "replay FILE without step")
                }
                let answer = ask("[\(k + 1)/\(script.steps.count)] \(step.command)   (Enter runs, q stops) ")
                if answer == nil || answer!.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("q") { stopped = true; break }
            } else if session.interactive {
                session.sink.out("survsh> \(step.command)")
            }
            let r = session.execute(step.command, source: .file(path: path, line: step.line))
            ran += 1
            if r.failed { failed += 1 }
            if r.quit || Interrupt.isRaised { stopped = true; break }
        }
        let text = "replayed \(ran) of \(script.steps.count) command\(script.steps.count == 1 ? "" : "s") from \(path)"
            + (failed > 0 ? " (\(failed) failed)" : "") + (stopped ? ", stopped" : "")
        var j = JSONObject(command: "replay")
        j["file"] = .string(path)
        j["commands"] = .int(script.steps.count)
        j["ran"] = .int(ran)
        j["failed"] = .int(failed)
        return CommandOutput(text: text, json: j.value)
    }
}
