// ScriptRunner.swift — running scripts, `-e` command lists and piped input, and `--check`.
//
// Contract: every line goes through `Session.execute`. A run continues after a failing command
// (the error names FILE:LINE) unless `bail` is set; the result says whether anything failed.
// `check` replays a transcript and compares each command's output with its recorded `#>` lines,
// giving a unified diff of the whole transcript when anything differs, and reports data files that
// changed, are missing or have no recorded hash; `update` writes the new output and hashes back in
// place of the old. Both write every file in a private folder (Session.replaying, WriteSandbox):
// only printed output is compared, the files themselves are neither compared nor kept.

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
    /// the echo goes to stderr so stdout stays JSON Lines. A data file whose SHA-256 differs from the
    /// one the script recorded is warned about as it is loaded.
    public static func runFile(_ path: String, session: Session, bail: Bool, echo: Bool = false) -> Bool {
        let script: TranscriptScript
        do {
            script = try TranscriptScript.read(path: path, command: "survsh")
        } catch {
            session.sink.err(SurvshError.rendered(error, command: "survsh"))
            return false
        }
        var ok = true
        do {
            _ = try session.replaying(script, from: path, policy: .warn, sandboxed: false) {
                for step in script.steps {
                    if echo {
                        let shown = step.comments + ["survsh> " + step.command]
                        for l in shown { session.settings.format == .json ? session.sink.err(l) : session.sink.out(l) }
                    }
                    let r = session.execute(step.command, source: .file(path: path, line: step.line))
                    if r.failed { ok = false; if bail { break } }
                    if r.quit { break }
                }
            }
        } catch {
            session.sink.err(SurvshError.rendered(error, command: "survsh"))
            return false
        }
        return ok
    }

    public struct CheckResult: Sendable {
        public var commands: Int
        /// Unified diff (recorded → now), nil when everything matches.
        public var diff: String?
        /// Data files that changed, are missing, or were loaded without a recorded SHA-256.
        public var dataProblems: [DataVerifier.Problem]
    }

    /// What a replay without side effects printed.
    public struct SafeReplayResult: Sendable {
        /// Each step's output lines as printed now (nil for the steps after a `quit`).
        public var outputs: [[String]?]
        public var dataProblems: [DataVerifier.Problem]
    }

    /// Replays `script` (read from `path`) in `session` (whose sink should capture) without side
    /// effects: files are written in a private folder, data files are checked strictly.
    public static func replaySafely(_ script: TranscriptScript, from path: String, session: Session) throws -> SafeReplayResult {
        var outputs = [[String]?](repeating: nil, count: script.steps.count)
        let problems = try session.replaying(script, from: path, policy: .strict, sandboxed: true) {
            for (i, step) in script.steps.enumerated() {
                let r = session.execute(step.command, source: .file(path: path, line: step.line))
                outputs[i] = r.outputLines
                if r.quit { break }
            }
        }.dataProblems
        return SafeReplayResult(outputs: outputs, dataProblems: problems)
    }

    /// Replays `path` in `session` (whose sink should capture) and compares with the recorded output.
    /// Files the commands write go to a private folder (nothing outside it is touched).
    public static func check(_ path: String, session: Session) throws -> CheckResult {
        let script = try TranscriptScript.read(path: path, command: "check")
        let replay = try replaySafely(script, from: path, session: session)
        var expected: [String] = []
        var actual: [String] = []
        for (step, now) in zip(script.steps, replay.outputs) {
            guard let now else { break }
            expected += [step.command] + step.expected.map { "#> " + $0 }
            actual += [step.command] + now.map { "#> " + $0 }
        }
        let diff = UnifiedDiff.diff(expected, actual, fromName: "\(path) (recorded)", toName: "\(path) (now)")
        return CheckResult(commands: script.steps.count, diff: diff, dataProblems: replay.dataProblems)
    }

    public struct UpdateResult: Sendable {
        /// Commands whose recorded output changed.
        public var changedOutputs: Int
        /// `# data:` lines that are new or whose hash changed.
        public var changedHashes: Int
        /// `# plugin:` lines that are new or whose identity changed.
        public var changedPlugins: Int = 0
    }

    /// Replays `path` (writing files in a private folder) and rewrites its `#>` lines with what the
    /// commands print now, keeping every other line (comments, header) as it was. The `# data:`
    /// lines are rewritten too: after each command, one for every file it loaded, with its hash now;
    /// so are the `# plugin:` lines: before each command, the ones its run recorded now.
    public static func update(_ path: String, session: Session) throws -> UpdateResult {
        let script = try TranscriptScript.read(path: path, command: "check")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SurvshError.io("check", "cannot read '\(path)'")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var out: [String] = []
        var changed = 0
        var oldHashes = Set<String>()
        var newHashes = Set<String>()
        var oldPlugins = Set<String>()
        var newPlugins = Set<String>()
        var pendingOld: [String] = []
        var pendingNew: [String]? = nil
        var pendingData: [String] = []
        func flush() {
            if let n = pendingNew {
                if n != pendingOld { changed += 1 }
                out += n.map { $0.isEmpty ? "#>" : "#> " + $0 }
                out += pendingData
            } else {
                out += pendingOld.map { $0.isEmpty ? "#>" : "#> " + $0 }
            }
            pendingOld = []
            pendingNew = nil
            pendingData = []
        }
        _ = try session.replaying(script, from: path, policy: .warn, sandboxed: true) {
            for (index, line) in lines.enumerated() {
                if line == "#>" || line.hasPrefix("#> ") {
                    pendingOld.append(line == "#>" ? "" : String(line.dropFirst(3)))
                    continue
                }
                let t = line.trimmingCharacters(in: .whitespaces)
                switch TranscriptScript.kind(of: t) {
                case .data:
                    oldHashes.insert(t)
                case .comment where t.hasPrefix(PluginHost.transcriptPrefix):
                    flush()
                    oldPlugins.insert(t)   // written anew before the command that uses the plugin
                case .command:
                    flush()
                    let recordsBefore = session.records.count
                    let loadsBefore = session.loadCount
                    let r = session.execute(t, source: .file(path: path, line: index + 1))
                    let plugins = session.records.dropFirst(recordsBefore).map(\.line).filter { $0.hasPrefix(PluginHost.transcriptPrefix) }
                    newPlugins.formUnion(plugins)
                    out += plugins
                    out.append(line)
                    pendingNew = r.outputLines
                    pendingData = session.dataFiles(from: loadsBefore).map { "# data: \($0.path) sha256=\($0.sha256)" }
                    newHashes.formUnion(pendingData)
                default:
                    flush()
                    out.append(line)
                }
            }
            flush()
        }
        do {
            try (out.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw SurvshError.io("check", "cannot write '\(path)'")
        }
        return UpdateResult(changedOutputs: changed, changedHashes: newHashes.subtracting(oldHashes).count,
                            changedPlugins: newPlugins.subtracting(oldPlugins).count)
    }
}
