// ScriptRunner.swift — running scripts, `-e` command lists and piped input, and `--check`.
//
// Contract: every line goes through `Session.execute`. A run continues after a failing command
// (the error names FILE:LINE) unless `bail` is set; the result says whether anything failed.
// `check` replays a transcript and compares each command's output with its recorded `#>` lines,
// giving a unified diff of the whole transcript when anything differs; `update` writes the new
// output back in place of the old.

import Foundation

public enum ScriptRunner {
    /// Splits `-e` text into commands at `;` outside quotes (a backslash escapes a quote inside them).
    public static func statements(_ text: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var quote: Character? = nil
        var escaped = false
        for c in text {
            if let q = quote {
                cur.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            if c == "\"" || c == "'" { quote = c; cur.append(c); continue }
            if c == ";" || c == "\n" { out.append(cur); cur = ""; continue }
            cur.append(c)
        }
        out.append(cur)
        return out.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Runs lines; returns true when every command succeeded.
    @discardableResult
    public static func run(lines: [(text: String, source: LineSource)], session: Session, bail: Bool) -> Bool {
        var ok = true
        for l in lines {
            let r = session.execute(l.text, source: l.source)
            if r.failed { ok = false; if bail { break } }
            if r.quit { break }
        }
        return ok
    }

    /// Runs a script file (its `#>` lines are ignored). With `echo`, each command is printed before
    /// its output, with the comments written above it (as R CMD BATCH shows a script); in JSON mode
    /// the echo goes to stderr so stdout stays JSON Lines.
    public static func runFile(_ path: String, session: Session, bail: Bool, echo: Bool = false) -> Bool {
        let script: TranscriptScript
        do {
            script = try TranscriptScript.read(path: path, command: "survsh")
        } catch let e as SurvshError {
            session.sink.err(e.rendered())
            return false
        } catch {
            session.sink.err("error: survsh: \(error)")
            return false
        }
        for w in DataCheck.changedFiles(script, session: session, scriptPath: path) { session.sink.err("warning: \(w)") }
        session.scriptDirectory = (path as NSString).deletingLastPathComponent
        guard echo else {
            return run(lines: script.steps.map { ($0.command, .file(path: path, line: $0.line)) }, session: session, bail: bail)
        }
        var ok = true
        for step in script.steps {
            let shown = step.comments + ["survsh> " + step.command]
            for l in shown { session.settings.format == .json ? session.sink.err(l) : session.sink.out(l) }
            let r = session.execute(step.command, source: .file(path: path, line: step.line))
            if r.failed { ok = false; if bail { break } }
            if r.quit { break }
        }
        return ok
    }

    public struct CheckResult: Sendable {
        public var commands: Int
        /// Unified diff (recorded → now), nil when everything matches.
        public var diff: String?
        /// Problems found before running (changed or missing data files).
        public var dataWarnings: [String]
    }

    /// Replays `path` in `session` (whose sink should capture) and compares with the recorded output.
    public static func check(_ path: String, session: Session) throws -> CheckResult {
        let script = try TranscriptScript.read(path: path, command: "check")
        let warnings = DataCheck.changedFiles(script, session: session, scriptPath: path)
        session.scriptDirectory = (path as NSString).deletingLastPathComponent
        var expected: [String] = []
        var actual: [String] = []
        for step in script.steps {
            let r = session.execute(step.command, source: .file(path: path, line: step.line))
            expected += [step.command] + step.expected.map { "#> " + $0 }
            actual += [step.command] + r.outputLines.map { "#> " + $0 }
            if r.quit { break }
        }
        let diff = UnifiedDiff.diff(expected, actual, fromName: "\(path) (recorded)", toName: "\(path) (now)")
        return CheckResult(commands: script.steps.count, diff: diff, dataWarnings: warnings)
    }

    /// Replays `path` and rewrites its `#>` lines with what the commands print now, keeping every
    /// other line (comments, header) as it was.
    public static func update(_ path: String, session: Session) throws -> Int {
        _ = try TranscriptScript.read(path: path, command: "check")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SurvshError.io("check", "cannot read '\(path)'")
        }
        session.scriptDirectory = (path as NSString).deletingLastPathComponent
        var out: [String] = []
        var lineNo = 0
        var changed = 0
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var pendingOld: [String] = []
        var pendingNew: [String]? = nil
        func flush() {
            if let n = pendingNew {
                if n != pendingOld { changed += 1 }
                out += n.map { $0.isEmpty ? "#>" : "#> " + $0 }
            }
            pendingNew = nil
            pendingOld = []
        }
        for line in lines {
            lineNo += 1
            if line == "#>" || line.hasPrefix("#> ") {
                pendingOld.append(line == "#>" ? "" : String(line.dropFirst(3)))
                continue
            }
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { flush(); out.append(line); continue }
            flush()
            out.append(line)
            let r = session.execute(t, source: .file(path: path, line: lineNo))
            pendingNew = r.outputLines
        }
        flush()
        do {
            try (out.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw SurvshError.io("check", "cannot write '\(path)'")
        }
        return changed
    }
}
