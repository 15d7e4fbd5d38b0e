// PluginCommand.swift — `plugin list|info|install|remove|new`: the external plugins (issue 10).

import Foundation
import SurvshCore

public enum PluginCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "plugin",
        summary: "list, inspect, install, remove or create external plugins (commands in any language)",
        synopsis: ["plugin list", "plugin info NAME", "plugin install PATH [link]", "plugin remove NAME",
                   "plugin new NAME lang=python|r|swift|sh"],
        body: .words,
        options: [OptionSpec.flag("link", help: "install a symbolic link to the folder instead of a copy (for plugin authors)",
                                  forms: ["install"]),
                  OptionSpec("lang", .choice(["python", "r", "swift", "sh"]), default: "python",
                             help: "the language of the skeleton plugin", forms: ["new"])],
        notes: ["A plugin is a folder with survsh-plugin.json (its manifest: name, version, protocol, how to start it,",
                "its commands with options and help) and its program; its commands work as built-in ones do (help, Tab,",
                "--format json, export, transcripts, --check). The contract is docs/plugins.md.",
                "Search order: set plugin_path=DIR[:DIR], ./.survsh/plugins, SURVSH_PLUGIN_PATH, then the user directory",
                "${XDG_DATA_HOME:-~/.local/share}/survsh/plugins (where install puts plugins and remove takes them from).",
                "A plugin may not take a built-in command's name, and two plugins may not share a name: such a plugin",
                "is listed with status 'error: ...' and its commands are absent. Only manifests are read at start-up.",
                "install checks the manifest and runs the plugin's handshake before copying the folder; a copy follows symbolic",
                "links inside it (the shipped examples link their SDK file), so the installed plugin stands on its own.",
                "set plugin_timeout=SECONDS (default 300) stops a plugin that does not answer; Ctrl-C stops it too."],
        examples: ["plugin list"],
        subcommands: ["list", "info", "install", "remove", "new"],
        topic: "shell", keepsLastTables: true)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let (sub, words) = args.subcommand(among: spec.subcommands)
        switch sub {
        case nil, "list":
            guard words.isEmpty else { throw SurvshError.usage("plugin", "plugin list takes no words", expected: "plugin list") }
            return list(session)
        case "info":
            return try info(try one(words, "NAME", sub: "info"), session)
        case "install":
            return try install(try one(words, "PATH", sub: "install"), link: args.has("link"), session)
        case "remove":
            return try remove(try one(words, "NAME", sub: "remove"), session)
        case "new":
            return try PluginSkeleton.create(try one(words, "NAME", sub: "new"), lang: args.string("lang") ?? "python", session: session)
        default:
            throw SurvshError.usage("plugin", "unknown subcommand '\(sub!)'", expected: "list, info, install, remove or new")
        }
    }

    private static func one(_ words: [String], _ what: String, sub: String) throws -> String {
        guard words.count == 1 else {
            throw SurvshError.usage("plugin", "plugin \(sub) needs one \(what)", expected: spec.synopsis.first { $0.hasPrefix("plugin \(sub)") })
        }
        return Arguments.unquote(words[0])
    }

    /// The user plugin directory, which install and remove change; a session started without an
    /// environment (a library user, a test that did not give one) has none.
    private static func userDirectory(_ session: Session) throws -> String {
        guard let environment = session.pluginEnvironment else {
            throw SurvshError.usage("plugin", "this session has no user plugin directory (it was started without an environment)",
                                    expected: "survsh itself, or Session.loadPlugins(environment:) with XDG_DATA_HOME or HOME")
        }
        return PluginCatalog.userDirectory(environment: environment)
    }

    static func list(_ session: Session) -> CommandOutput {
        let entries = session.pluginHost.catalog.entries
        guard !entries.isEmpty else {
            var j = JSONObject(command: "plugin")
            j["plugins"] = .array([])
            let dirs = session.pluginHost.catalog.searchPath.joined(separator: ", ")
            return CommandOutput(text: "no plugins found (searched \(dirs))", json: j.value)
        }
        let rows = entries.map { e in
            [e.name, e.manifest?.version ?? "", e.folder,
             e.manifest?.commands.map(\.spec.name).joined(separator: ", ") ?? "", e.status]
        }
        let table = ResultTable(title: "Plugins", header: ["name", "version", "path", "commands", "status"], rows: rows, name: "plugins")
        var j = JSONObject(command: "plugin")
        j["plugins"] = .array(entries.map { e in
            .object([("name", .string(e.name)), ("version", e.manifest.map { .string($0.version) } ?? .null),
                     ("path", .string(e.folder)),
                     ("commands", .array((e.manifest?.commands ?? []).map { .string($0.spec.name) })),
                     ("status", .string(e.status))])
        })
        return CommandOutput(text: table.textTable(leftAligned: Set(0..<5)), json: j.value, tables: [table])
    }

    static func info(_ name: String, _ session: Session) throws -> CommandOutput {
        guard let e = session.pluginHost.catalog.entry(named: name) else {
            throw SurvshError.usage("plugin", "no plugin named '\(name)'",
                                    expected: "a name plugin list shows",
                                    suggestion: didYouMean(name, among: session.pluginHost.catalog.entries.map(\.name)))
        }
        var lines = ["plugin \(e.name)", "  path:     \(e.folder)", "  status:   \(e.status)"]
        var j = JSONObject(command: "plugin")
        j["name"] = .string(e.name)
        j["path"] = .string(e.folder)
        j["status"] = .string(e.status)
        if let m = e.manifest {
            lines += ["  version:  \(m.version)", "  protocol: \(m.protocolVersion)", "  run:      \(m.run.joined(separator: " "))",
                      "  lifetime: \(m.lifetime.rawValue)", "  identity: \(PluginHost.identity(m))", "  commands:"]
            lines += m.commands.map { "    \($0.spec.name)  \($0.spec.summary)" }
            j["version"] = .string(m.version)
            j["protocol"] = .int(m.protocolVersion)
            j["run"] = .array(m.run.map { .string($0) })
            j["lifetime"] = .string(m.lifetime.rawValue)
            j["identity"] = .string(PluginHost.identity(m))
            j["commands"] = .array(m.commands.map { .object([("name", .string($0.spec.name)), ("summary", .string($0.spec.summary))]) })
        }
        return CommandOutput(text: lines.joined(separator: "\n"), json: j.value)
    }

    static func install(_ path: String, link: Bool, _ session: Session) throws -> CommandOutput {
        let source = URL(fileURLWithPath: session.resolvePath(path)).standardizedFileURL.path
        let manifest: PluginManifest
        do {
            manifest = try PluginManifest.read(folder: source)
        } catch {
            throw SurvshError.usage("plugin", "'\(path)' is not a plugin folder: \(error)", expected: "a folder holding survsh-plugin.json")
        }
        guard PluginManifest.protocols.contains(manifest.protocolVersion) else {
            throw SurvshError.usage("plugin", "plugin \(manifest.name) speaks protocol \(manifest.protocolVersion); this survsh speaks \(PluginManifest.protocols.map(String.init).joined(separator: ", ")) (update survsh or the plugin)")
        }
        let userDir = try userDirectory(session)
        try session.pluginHost.handshake(manifest, command: "plugin", session: session)
        let target = (userDir as NSString).appendingPathComponent(manifest.name)
        let fm = FileManager.default
        if fm.fileExists(atPath: target) || (try? fm.destinationOfSymbolicLink(atPath: target)) != nil {
            throw SurvshError.usage("plugin", "plugin \(manifest.name) is already installed in \(target)",
                                    expected: "plugin remove \(manifest.name) first")
        }
        try session.installPluginFolder(from: source, to: target, link: link)
        session.loadPlugins()
        if let e = session.pluginHost.catalog.entries.first(where: { $0.folder == target }), let problem = e.problem {
            try? session.removePluginFolder(target)
            session.loadPlugins()
            throw SurvshError.usage("plugin", "plugin \(manifest.name) was not installed: \(problem)")
        }
        let names = manifest.commands.map(\.spec.name).joined(separator: ", ")
        var j = JSONObject(command: "plugin")
        j["installed"] = .string(manifest.name)
        j["path"] = .string(target)
        j["commands"] = .array(manifest.commands.map { .string($0.spec.name) })
        return CommandOutput(text: "installed plugin \(manifest.name) \(manifest.version) (\(link ? "linked" : "copied") to \(target)); commands: \(names)",
                             json: j.value)
    }

    static func remove(_ name: String, _ session: Session) throws -> CommandOutput {
        let userDir = try userDirectory(session)
        guard let e = session.pluginHost.catalog.entries.first(where: { $0.name == name && ($0.folder as NSString).deletingLastPathComponent == userDir })
                ?? session.pluginHost.catalog.entries.first(where: { $0.name == name }) else {
            throw SurvshError.usage("plugin", "no plugin named '\(name)'", expected: "a name plugin list shows",
                                    suggestion: didYouMean(name, among: session.pluginHost.catalog.entries.map(\.name)))
        }
        guard (e.folder as NSString).deletingLastPathComponent == userDir else {
            throw SurvshError.usage("plugin", "plugin \(name) is in \(e.folder), not in the user directory \(userDir)",
                                    expected: "remove that folder yourself; plugin remove only removes what plugin install put there")
        }
        try session.removePluginFolder(e.folder)
        session.loadPlugins()
        var j = JSONObject(command: "plugin")
        j["removed"] = .string(name)
        return CommandOutput(text: "removed plugin \(name) (\(e.folder))", json: j.value)
    }
}
