// Driver.swift — the non-interactive ways in (piped stdin, --check) and the interactive loop.

import Foundation
import SurvshCore

enum Driver {
    /// Piped input: one command a line, no prompt, no line editor (nothing enters the history).
    static func runStdin(session: Session, bail: Bool) -> Bool {
        var ok = true
        var lineNo = 0
        while let raw = readLine(strippingNewline: true) {
            lineNo += 1
            let line = raw.replacingOccurrences(of: "\0", with: "\u{FFFD}")
            let r = session.execute(line, source: .stdin(line: lineNo))
            if r.failed { ok = false; if bail { break } }
            if r.quit { break }
        }
        return ok
    }

    /// `--check FILE [--update]`: prints a diff (or a one-line OK to stderr) and returns success.
    static func check(_ path: String, session: Session, update: Bool) -> Bool {
        let out = session.sink
        let capture = CapturingSink()
        session.sink = capture
        do {
            if update {
                let changed = try ScriptRunner.update(path, session: session)
                out.err("updated \(path): \(changed) command output\(changed == 1 ? "" : "s") changed")
                return true
            }
            let result = try ScriptRunner.check(path, session: session)
            for w in result.dataWarnings { out.err("warning: check: \(w)") }
            if let d = result.diff {
                out.out(d)
                out.err("check: \(path): output differs from the recording (see the diff above)")
                return false
            }
            out.err("check: \(path): \(result.commands) commands, output identical")
            return true
        } catch let e as SurvshError {
            out.err(e.rendered())
            return false
        } catch {
            out.err("error: check: \(error)")
            return false
        }
    }

    /// The interactive shell.
    static func interactive(session: Session, record: Bool) {
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
        editor.run()
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
