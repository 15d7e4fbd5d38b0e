// Driver.swift — the non-interactive ways in (piped stdin, --check) and the interactive loop.

import Foundation
import SurvshCore

enum Driver {
    /// Piped input: one command a line, no prompt, no line editor (nothing enters the history).
    /// A stepping replay or the tutorial reads its answers (Enter, next, back, quit) from the lines
    /// that follow, its question on stderr.
    /// `firstLine` (the `load` of `survsh DATA`) runs before the piped lines, as line 0.
    static func runStdin(session: Session, bail: Bool, firstLine: String? = nil) -> Bool {
        var ok = true
        var lineNo = 0
        if let firstLine {
            let r = session.execute(firstLine, source: .stdin(line: 0))
            if r.failed { ok = false; if bail { return false } }
        }
        session.prompt = { question in
            session.sink.err(question)
            lineNo += 1
            return readLine(strippingNewline: true)
        }
        while let raw = readLine(strippingNewline: true) {
            lineNo += 1
            let line = raw.replacingOccurrences(of: "\0", with: "\u{FFFD}")
            let r = session.execute(line, source: .stdin(line: lineNo))
            if r.failed { ok = false; if bail { break } }
            if r.quit { break }
        }
        return ok
    }

    /// `--check FILE [--update]`: prints a diff (or a one-line OK to stderr) and returns the exit
    /// status: 0 identical, 1 output differs, 2 a data file changed, is missing or has no recorded
    /// hash (unless `allowDataChange`, which makes those warnings).
    static func check(_ path: String, session: Session, update: Bool, allowDataChange: Bool) -> Int32 {
        let out = session.sink
        let capture = CapturingSink()
        session.sink = capture
        do {
            if update {
                let u = try ScriptRunner.update(path, session: session)
                for w in capture.stderr where w.hasPrefix("warning: data file") { out.err(w) }
                out.err("updated \(path): \(u.changedOutputs) command output\(u.changedOutputs == 1 ? "" : "s") changed, "
                        + "\(u.changedHashes) data hash\(u.changedHashes == 1 ? "" : "es") recorded anew"
                        + (u.changedPlugins > 0 ? ", \(u.changedPlugins) plugin identit\(u.changedPlugins == 1 ? "y" : "ies") recorded anew" : ""))
                return 0
            }
            let result = try ScriptRunner.check(path, session: session)
            let dataFailed = !result.dataProblems.isEmpty && !allowDataChange
            for p in result.dataProblems { out.err("\(dataFailed ? "error" : "warning"): check: \(p.message)") }
            if let d = result.diff { out.out(d) }
            if dataFailed {
                let what = result.dataProblems.allSatisfy { $0.path.hasPrefix("plugin ") } ? "a plugin is" : "a data file is"
                out.err("check: \(path): \(what) not the one recorded (see above; --allow-data-change compares the output anyway)")
                return 2
            }
            if result.diff != nil {
                out.err("check: \(path): output differs from the recording (see the diff above)")
                return 1
            }
            out.err("check: \(path): \(result.commands) commands, output identical")
            return 0
        } catch {
            out.err(SurvshError.rendered(error, command: "check"))
            return 1
        }
    }

    /// `load PATH` for `survsh PATH`, the path in double quotes when it holds blanks, `'`, `#`, `=`
    /// or parentheses (`load` takes the quoted word as written).
    static func loadLine(_ path: String) -> String {
        path.contains { " \t'#=()".contains($0) } ? "load \"\(path)\"" : "load \(path)"
    }

    /// The interactive shell; `firstLine` (the `load` of `survsh DATA`) runs as if typed first.
    static func interactive(session: Session, record: Bool, firstLine: String? = nil) {
        let editor = LineEditor(session: session)
        session.interactive = true
        session.terminalSize = Terminal.size()
        session.unicodeTerminal = Terminal.isUTF8
        var banner = "survsh \(Session.version) — survival analysis shell. 'help' lists commands, Tab completes, Ctrl-D quits."
        if record {
            let path = Paths.newTranscriptPath()
            do {
                session.transcript = try Transcript(path: path)
                banner += "\nrecording this session to \(path)"
            } catch let e as SurvshError {
                banner += "\nwarning: \(e.message); this session is not recorded"
            } catch {
                banner += "\nwarning: cannot record this session: \(error)"
            }
        }
        session.sink.err(banner)
        session.prompt = { question in editor.readLine(prompt: question) }
        editor.run(firstLine: firstLine)
    }
}

enum Paths {
    static var home: String { ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory() }

    static var historyFile: String {
        let env = ProcessInfo.processInfo.environment
        if let p = env["SURVSH_HISTORY"], !p.isEmpty { return p }
        let state = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.local/state"
        return "\(state)/survsh/history"
    }

    static var transcriptDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let p = env["SURVSH_TRANSCRIPT_DIR"], !p.isEmpty { return p }
        let data = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.local/share"
        return "\(data)/survsh/transcripts"
    }

    static func newTranscriptPath() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return "\(transcriptDirectory)/session-\(f.string(from: Date()))-\(getpid()).surv"
    }
}
