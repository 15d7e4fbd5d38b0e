// PluginCatalog.swift — finding external plugins and checking their names (issue 10).
//
// Contract: the search path is, in order, the project directories (`set plugin_path=DIR[:DIR]`,
// then `./.survsh/plugins`), the directories of `SURVSH_PLUGIN_PATH` (colon-separated), then the
// user directory `${XDG_DATA_HOME:-~/.local/share}/survsh/plugins` (these two only when the session
// was given an environment: the executable's own; tests and library users give none or a temporary
// one, so they never read the real user directory). Each subfolder holding a
// `survsh-plugin.json` is a plugin; a folder reached twice (the same directory on the path twice,
// or through a symlink) counts once. Only manifests are read: no plugin process starts.
// A plugin is usable ("ok") unless its manifest is bad, its protocol is not one survsh speaks, its
// name was already taken by a plugin found earlier on the path (error naming both folders), or one
// of its command names or aliases is a built-in's or an earlier plugin's (error naming both). An
// unusable plugin is listed with its status and contributes no command; start-up never fails.

import Foundation

/// One plugin folder found on the search path.
public struct PluginEntry: Sendable {
    /// The plugin's name (the folder name when the manifest could not be read).
    public var name: String
    /// The plugin folder (absolute).
    public var folder: String
    public var manifest: PluginManifest?
    /// Why the plugin is not usable (nil: usable).
    public var problem: String?

    /// "ok" or "error: WHY", as `plugin list` shows it.
    public var status: String { problem.map { "error: \($0)" } ?? "ok" }
    public var isUsable: Bool { problem == nil && manifest != nil }
}

public struct PluginCatalog: Sendable {
    /// Every plugin found, in search order.
    public private(set) var entries: [PluginEntry] = []
    /// The directories searched, in order.
    public private(set) var searchPath: [String] = []

    public init() {}

    /// The user plugin directory: `${XDG_DATA_HOME:-~/.local/share}/survsh/plugins`.
    public static func userDirectory(environment: [String: String]) -> String {
        let base: String
        if let x = environment["XDG_DATA_HOME"], !x.isEmpty {
            base = x
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = (home as NSString).appendingPathComponent(".local/share")
        }
        return (base as NSString).appendingPathComponent("survsh/plugins")
    }

    /// The directories searched, in order (see the file comment).
    public static func searchPath(projectPath: [String], environment: [String: String]?) -> [String] {
        var dirs = projectPath + [".survsh/plugins"]
        if let environment {
            if let env = environment["SURVSH_PLUGIN_PATH"] {
                dirs += env.split(separator: ":").map(String.init)
            }
            dirs.append(userDirectory(environment: environment))
        }
        let cwd = FileManager.default.currentDirectoryPath
        return dirs.filter { !$0.isEmpty }.map { d in
            let expanded = (d as NSString).expandingTildeInPath
            return expanded.hasPrefix("/") ? expanded : (cwd as NSString).appendingPathComponent(expanded)
        }
    }

    /// Reads the manifests of every plugin on `searchPath` and checks their names against
    /// `builtIns` and each other.
    public static func discover(searchPath: [String], builtIns: Registry) -> PluginCatalog {
        var catalog = PluginCatalog()
        catalog.searchPath = searchPath
        var seenFolders: Set<String> = []
        let fm = FileManager.default
        for dir in searchPath {
            guard let names = try? fm.contentsOfDirectory(atPath: dir) else { continue }
            for sub in names.sorted() where !sub.hasPrefix(".") {
                let folder = (dir as NSString).appendingPathComponent(sub)
                guard fm.fileExists(atPath: (folder as NSString).appendingPathComponent(PluginManifest.fileName)) else { continue }
                guard seenFolders.insert(realPath(folder) ?? folder).inserted else { continue }
                catalog.entries.append(entry(folder: folder))
            }
        }
        catalog.checkNames(builtIns: builtIns)
        return catalog
    }

    /// The path with every symbolic link resolved, relative link targets included (realpath(3));
    /// nil when it does not exist (a broken link).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The entry for one folder: its manifest, or the reason it cannot be used.
    static func entry(folder: String) -> PluginEntry {
        let fallback = (folder as NSString).lastPathComponent
        do {
            let m = try PluginManifest.read(folder: folder)
            var e = PluginEntry(name: m.name, folder: folder, manifest: m, problem: nil)
            if !PluginManifest.protocols.contains(m.protocolVersion) {
                e.problem = "speaks protocol \(m.protocolVersion); this survsh speaks \(PluginManifest.protocols.map(String.init).joined(separator: ", ")) (update survsh or the plugin)"
            }
            return e
        } catch {
            return PluginEntry(name: fallback, folder: folder, manifest: nil, problem: "\(error)")
        }
    }

    /// Marks plugins whose name or command names clash (the later one on the search path).
    private mutating func checkNames(builtIns: Registry) {
        var pluginFolder: [String: String] = [:]
        var commandOwner: [String: PluginEntry] = [:]
        for i in entries.indices where entries[i].isUsable {
            let e = entries[i]
            if let first = pluginFolder[e.name] {
                entries[i].problem = "plugin \(e.name) is found twice: \(first) and \(e.folder) (remove or rename one)"
                continue
            }
            pluginFolder[e.name] = e.folder
            let names = e.manifest!.commands.flatMap { [$0.spec.name] + $0.spec.aliases }
            if let clash = names.first(where: { builtIns.lookup($0) != nil }) {
                let builtIn = builtIns.lookup(clash)!.spec.name
                let what = builtIn == clash ? "the built-in command \(clash)" : "an alias of the built-in command \(builtIn)"
                entries[i].problem = "command '\(clash)' of plugin \(e.name) (\(e.folder)) would shadow \(what)"
                continue
            }
            if let clash = names.first(where: { commandOwner[$0] != nil }), let other = commandOwner[clash] {
                entries[i].problem = "command '\(clash)' of plugin \(e.name) (\(e.folder)) is also a command of plugin \(other.name) (\(other.folder))"
                continue
            }
            if let dup = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                entries[i].problem = "command name '\(dup)' is declared twice in its manifest"
                continue
            }
            for n in names { commandOwner[n] = e }
        }
    }

    /// The usable plugin called `name`, or the entry that has the name with its problem.
    public func entry(named name: String) -> PluginEntry? {
        entries.first { $0.name == name && $0.isUsable } ?? entries.first { $0.name == name }
    }

    /// One line per unusable plugin, for start-up and `plugin list`.
    public var problems: [String] {
        entries.compactMap { e in e.problem.map { "plugin \(e.name) (\(e.folder)): \($0)" } }
    }
}
