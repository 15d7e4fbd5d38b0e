// TutorialCommand.swift — `tutorial`: a guided walk through the lung tour inside the shell.
//
// The tour (sessions/lung-tour.surv) and the data files it loads are compiled into the binary
// (TutorialText.swift, generated; a test keeps it equal to the files), so the tutorial works from an
// installed survsh with no repository around. It runs as `replay ... step` does (the replay's step
// mode, ReplayStepper): the comments above each command are shown as narration, then the shell
// pauses; Enter or `next` runs the command, `back` undoes the last one, `quit` stops. Each command
// that can explain itself runs with `explain` added, so the numbers come with their arithmetic; the
// pause shows the command as it will run, and the transcript records it so.

import Foundation
import SurvshCore

public enum TutorialCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "tutorial",
        summary: "a guided walk through the lung tour: narration, then each command (next, back, quit)",
        synopsis: ["tutorial"], body: .none,
        notes: ["The tour's comments are shown before each command, then the shell pauses: Enter or next runs the command,",
                "back undoes the last one (the session is put back and the earlier commands re-run quietly), skip passes",
                "over it, quit (or Ctrl-C, Ctrl-D) stops; any other line runs as a command, then the pause returns.",
                "Commands that can explain themselves (km, logrank, cox, cox phtest, ...) run with explain added: each",
                "number comes with its arithmetic. The pause shows the command as it will run.",
                "The tour and its data are built into survsh: it needs no files. A data/lung.csv in the working directory",
                "is used if present (a different file is reported as it loads); else the built-in copy.",
                "The commands run are recorded in the transcript one by one, as replay records them."],
        examples: ["tutorial"], topic: "shell", keepsLastTables: true)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        guard session.prompt != nil else {
            throw SurvshError.usage("tutorial", "the tutorial needs the interactive terminal",
                                    expected: "run survsh in a terminal and type tutorial")
        }
        let folder = try materialize(session)
        defer { folder.remove() }
        let resolved = (folder.root as NSString).appendingPathComponent(TutorialText.tourName)
        let script = TranscriptScript.parse(TutorialText.tour)
        session.sink.out("The lung tour, step by step: Enter or next runs each command, back undoes it, quit stops.")
        let stepping = ReplayStepper.Stepping(hint: "(Enter or next runs it; back, skip, quit, or type a command)",
                                              rewrite: { withExplain($0, registry: session.registry) })
        return try ReplayCommand.replay(script, path: TutorialText.tourName, resolved: resolved, session: session,
                                        stepping: stepping, note: "# tutorial (\(TutorialText.tourName), built in)",
                                        command: "tutorial")
    }

    /// Writes the tour and its data files into a new private temporary folder (removed by the
    /// caller), as the tour's relative paths expect them.
    static func materialize(_ session: Session) throws -> WriteSandbox {
        let folder = try WriteSandbox()
        do {
            for (path, text) in [(TutorialText.tourName, TutorialText.tour)] + TutorialText.dataFiles {
                let target = (folder.root as NSString).appendingPathComponent(path)
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try session.writeText(text, to: target, command: "tutorial")
            }
        } catch {
            folder.remove()
            if let e = error as? SurvshError { throw e }
            throw SurvshError.io("tutorial", "cannot write the tour into '\(folder.root)': \(error.localizedDescription)")
        }
        return folder
    }

    /// `line` with `explain` added when its command (or subcommand) form takes the flag and the line
    /// does not already ask for it; `compare` prints conventions side by side and takes no explain.
    public static func withExplain(_ line: String, registry: Registry) -> String {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let name = words.first, let command = registry.lookup(name),
              let explain = command.spec.option(named: "explain"),
              !words.contains("explain"), !words.contains("compare") else { return line }
        let form = words.count > 1 && command.spec.subcommands.contains(words[1]) ? words[1] : OptionSpec.plainForm
        return explain.applies(to: form) ? line + " explain" : line
    }
}
