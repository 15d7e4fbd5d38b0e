// PluginHost.swift — a session's external plugins: the catalog, the running processes, and the
// call of a plugin command (protocol 1, docs/plugins.md).
//
// Contract: `commands()` turns every usable plugin's manifest commands into registry values whose
// run closure calls `run`. A call builds the request (PluginRequest), finds the plugin's process
// (a "session" plugin is started and greeted at first use and kept; a "call" plugin is started
// for each call and stopped after it), writes the request and reads lines until the result or
// error with the same id; progress lines go to stderr. Everything that goes wrong is one
// SurvshError naming the command, the process is killed (and restarted at next use), and the
// session is untouched: the response is applied only once it is complete and valid.
// Failure messages:
//   crash        plugin NAME stopped before it answered (exited with status 3)
//   garbage      plugin NAME wrote non-protocol output: '<first 60 chars>'
//   hang         plugin NAME did not answer within 300 s (set plugin_timeout=SECONDS)
//   Ctrl-C       interrupted (the line is recorded as interrupted, like a built-in's)
//   version      plugin NAME speaks protocol 2; this survsh speaks 1 (update survsh or the plugin)
// Each stderr line of the plugin is shown as `[NAME] line`.
// The transcript gets `# plugin: NAME VERSION sha256:HEX` before the first call of each plugin in
// the session, and again only when the plugin's files changed since (then a running session
// process is restarted, so the identity recorded is the one that answers).

import Foundation

public final class PluginHost: @unchecked Sendable {
    public internal(set) var catalog = PluginCatalog()
    /// Environment the catalog was read with (SURVSH_PLUGIN_PATH, XDG_DATA_HOME, HOME); nil (a
    /// session made as a library or in a test) searches only the project directories.
    var environment: [String: String]? = nil
    private var running: [String: PluginProcess] = [:]
    /// The identity last written to the transcript, by plugin name.
    private var recordedIdentity: [String: String] = [:]
    private var nextID = 1
    /// Handshake timeout (seconds), capped by the call timeout.
    static let handshakeTimeout = 10.0

    public init() {}

    deinit { stopAll() }

    /// Says bye to every running plugin (1 s to exit, then SIGTERM and SIGKILL).
    public func stopAll() {
        for (_, p) in running { p.sayBye(grace: 1) }
        running = [:]
    }

    /// The commands of the usable plugins, as registry values.
    func commands() -> [RegisteredCommand] {
        catalog.entries.filter(\.isUsable).flatMap { entry -> [RegisteredCommand] in
            let m = entry.manifest!
            return m.commands.map { c in
                var spec = c.spec
                spec.notes += ["From plugin \(m.name) \(m.version) (\(m.folder))."]
                return RegisteredCommand(spec: spec, origin: .plugin(name: m.name, version: m.version, path: m.folder)) { args, session in
                    try session.pluginHost.run(c, of: m, args: args, session: session)
                }
            }
        }
    }

    /// The argv that starts the plugin: words naming a file in its folder become absolute paths.
    static func argv(_ m: PluginManifest) -> [String] {
        m.run.map { word in
            guard !word.hasPrefix("/") else { return word }
            let path = (m.folder as NSString).appendingPathComponent(word)
            return FileManager.default.fileExists(atPath: path) ? path : word
        }
    }

    /// The files whose bytes identify the plugin's version: the manifest and the program files.
    static func identityFiles(_ m: PluginManifest) -> [String] {
        [(m.folder as NSString).appendingPathComponent(PluginManifest.fileName)]
            + argv(m).filter { $0.hasPrefix(m.folder + "/") }
    }

    /// The transcript comment naming a plugin: `# plugin: ` + its identity.
    public static let transcriptPrefix = "# plugin: "

    /// `NAME VERSION sha256:HEX`, as the transcript records a plugin.
    public static func identity(_ m: PluginManifest) -> String {
        let hash = (try? FileHash.sha256(paths: identityFiles(m))) ?? "unreadable"
        return "\(m.name) \(m.version) sha256:\(hash)"
    }

    /// Starts the plugin, runs the handshake and stops it again (`plugin install` checks a plugin
    /// this way); throws the error a command would report, attributed to `command`.
    public func handshake(_ m: PluginManifest, command: String, session: Session) throws {
        finish(m, kill: true)
        _ = try processFor(m, command: command, session: session, timeout: session.settings.pluginTimeout)
        finish(m)
    }

    /// Runs one plugin command.
    func run(_ command: PluginManifest.Command, of m: PluginManifest, args: Arguments, session: Session) throws -> CommandOutput {
        let name = command.spec.name
        let id = nextID
        nextID += 1
        noteIdentity(m, session: session)
        let line = args.raw.isEmpty ? name : name + " " + args.raw
        let request = try PluginRequest(id: id, command: command, line: line, args: args, session: session)
        defer { if let f = request.csvFile { try? FileManager.default.removeItem(atPath: f) } }
        let timeout = session.settings.pluginTimeout
        let process = try processFor(m, command: name, session: session, timeout: timeout)
        let deadline = Date().addingTimeInterval(timeout)
        var message = request.bytes
        while true {
            let reply = try talk(process, m, command: name, send: message, deadline: deadline, timeout: timeout, session: session)
            message = []
            guard let type = reply["type"] as? String else {
                throw violation(process, m, command: name, reply: "a message without \"type\"")
            }
            switch type {
            case "progress":
                if let text = reply["message"] as? String { session.sink.err("[\(m.name)] \(text)") }
            case "result", "error":
                if let rid = reply["id"] as? NSNumber, rid.intValue != id {
                    throw violation(process, m, command: name, reply: "a \(type) for request \(rid.intValue), expected \(id)")
                }
                if m.lifetime == .call { finish(m) }
                if type == "error" {
                    throw SurvshError.data(name, reply["message"] as? String ?? "plugin \(m.name) reported an error")
                }
                return try PluginResponse(command: name, plugin: m.name, object: reply).output(args: args, request: request, session: session)
            default:
                continue   // unknown message types are ignored (forward compatibility)
            }
        }
    }

    /// Records the plugin's identity in the transcript at its first call in the session, and again
    /// when its files changed since (a running process of the old files is stopped first).
    private func noteIdentity(_ m: PluginManifest, session: Session) {
        let identity = PluginHost.identity(m)
        guard recordedIdentity[m.name] != identity else { return }
        if recordedIdentity[m.name] != nil { finish(m) }
        recordedIdentity[m.name] = identity
        session.noteComment(PluginHost.transcriptPrefix + identity)
    }

    /// The running process of a plugin, started and greeted when there is none.
    private func processFor(_ m: PluginManifest, command: String, session: Session, timeout: Double) throws -> PluginProcess {
        if let p = running[m.name], p.isRunning { return p }
        running[m.name] = nil
        let p: PluginProcess
        do {
            p = try PluginProcess(argv: PluginHost.argv(m),
                                  environment: ["SURVSH_PLUGIN_DIR": m.folder, "SURVSH_PROTOCOL": "1"])
        } catch {
            throw SurvshError.io(command, "plugin \(m.name): \(error)")
        }
        running[m.name] = p
        let hello = "{\"type\":\"hello\",\"protocols\":[\(PluginManifest.protocols.map(String.init).joined(separator: ","))],\"survsh\":\"\(Session.version)\"}\n"
        let wait = min(PluginHost.handshakeTimeout, timeout)
        let reply = try talk(p, m, command: command, send: Array(hello.utf8), deadline: Date().addingTimeInterval(wait),
                             timeout: wait, session: session)
        guard reply["type"] as? String == "hello" else {
            throw violation(p, m, command: command, reply: "no hello in answer to hello")
        }
        let spoken = (reply["protocol"] as? NSNumber)?.intValue ?? -1
        guard PluginManifest.protocols.contains(spoken) else {
            finish(m, kill: true)
            throw SurvshError.usage(command, "plugin \(m.name) speaks protocol \(spoken); this survsh speaks \(PluginManifest.protocols.map(String.init).joined(separator: ", ")) (update survsh or the plugin)")
        }
        return p
    }

    /// Sends `send` (may be empty) and returns the next message, or throws the one-line error of
    /// what went wrong (the process is then stopped).
    private func talk(_ p: PluginProcess, _ m: PluginManifest, command: String, send: [UInt8], deadline: Date,
                      timeout: Double, session: Session) throws -> [String: Any] {
        let line: [UInt8]
        do {
            line = try p.exchange(send, deadline: deadline, interrupted: { Interrupt.isRaised },
                                  stderrLine: { session.sink.err("[\(m.name)] \($0)") })
        } catch {
            finish(m, kill: true)
            switch error {
            case .interrupted:
                throw SurvshError(.interrupted, command: command, "interrupted")
            case .timedOut:
                throw SurvshError.io(command, "plugin \(m.name) did not answer within \(NumberFormat.significant(timeout, digits: 6)) s (set plugin_timeout=SECONDS)")
            case .exited(let how):
                throw SurvshError.io(command, "plugin \(m.name) stopped before it answered (\(how))")
            case .overlong:
                throw SurvshError.io(command, "plugin \(m.name) wrote a line longer than 1 GiB")
            }
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
            throw violation(p, m, command: command, reply: String(decoding: line, as: UTF8.self), raw: true)
        }
        return object
    }

    /// Stops the plugin and returns the protocol-violation error.
    private func violation(_ p: PluginProcess, _ m: PluginManifest, command: String, reply: String, raw: Bool = false) -> SurvshError {
        finish(m, kill: true)
        if raw {
            let shown = String(reply.trimmingCharacters(in: .whitespacesAndNewlines).prefix(60))
            return SurvshError.io(command, "plugin \(m.name) wrote non-protocol output: '\(shown)'")
        }
        return SurvshError.io(command, "plugin \(m.name) broke the protocol: \(reply)")
    }

    /// Ends a plugin's process: at once (`kill`) or politely (a call plugin after its answer).
    private func finish(_ m: PluginManifest, kill: Bool = false) {
        guard let p = running.removeValue(forKey: m.name) else { return }
        if kill { p.kill() } else { p.sayBye(grace: 1) }
    }
}
