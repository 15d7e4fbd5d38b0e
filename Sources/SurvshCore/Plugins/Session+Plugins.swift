// Session+Plugins.swift — finding a session's external plugins and adding their commands.

import Foundation

extension Session {
    /// Reads the manifests on the plugin search path (`PluginCatalog`) and makes the registry the
    /// built-in commands plus the usable plugins' commands. Returns one line per unusable plugin
    /// (start-up prints them; nothing stops). No plugin process starts. `environment` (once given,
    /// kept) adds `SURVSH_PLUGIN_PATH` and the user directory to the search path: the executable
    /// passes its own; a session that never got one (a library user, a test) cannot see or change
    /// the user's installed plugins.
    @discardableResult
    public func loadPlugins(environment: [String: String]? = nil) -> [String] {
        if let environment { pluginHost.environment = environment }
        pluginHost.stopAll()
        let builtIns = registry.builtIns
        // a relative project directory not found from the working directory is tried from the
        // running script's folder, as data paths are (a transcript replayed from elsewhere)
        let path = PluginCatalog.searchPath(projectPath: settings.pluginPath.map(resolvePath), environment: pluginHost.environment)
        pluginHost.catalog = PluginCatalog.discover(searchPath: path, builtIns: builtIns)
        registry = Registry(commands: builtIns.commands + pluginHost.commands())
        return pluginHost.catalog.problems
    }
}

extension Session {
    /// The environment plugins were found with (SURVSH_PLUGIN_PATH, XDG_DATA_HOME, HOME); nil
    /// when the session was given none (`loadPlugins(environment:)`).
    public var pluginEnvironment: [String: String]? { pluginHost.environment }
}

extension PluginCatalog {
    /// The `# plugin: NAME VERSION sha256:HEX` lines of a transcript, checked against the plugins
    /// installed now: a plugin that is missing or whose identity (manifest and program) changed is
    /// a problem, named, as a changed data file is (`--check` fails with exit 2).
    func verify(_ script: TranscriptScript, scriptPath: String) -> [DataVerifier.Problem] {
        var seen: Set<String> = []
        var problems: [DataVerifier.Problem] = []
        for line in script.steps.flatMap(\.comments) + script.trailingComments where line.hasPrefix(PluginHost.transcriptPrefix) {
            let recorded = String(line.dropFirst(PluginHost.transcriptPrefix.count)).trimmingCharacters(in: .whitespaces)
            guard seen.insert(recorded).inserted, let name = recorded.split(separator: " ").first.map(String.init) else { continue }
            guard let e = entry(named: name), let m = e.manifest, e.isUsable else {
                problems.append(.init(kind: .missing, path: "plugin \(name)",
                                      message: "plugin \(name) recorded in \(scriptPath) (\(recorded)) is not installed"))
                continue
            }
            let now = PluginHost.identity(m)
            if now != recorded {
                problems.append(.init(kind: .changed, path: "plugin \(name)",
                                      message: "plugin \(name) has changed since \(scriptPath) was recorded (was \(recorded), now \(now))"))
            }
        }
        return problems
    }
}

extension Session {
    /// Copies (or, with `link`, symlinks) a plugin folder to `target` in the user plugin directory,
    /// through the write sandbox (a replayed `plugin install` never touches the real directory).
    /// A copy follows symbolic links inside the folder (`copyFollowingLinks`).
    public func installPluginFolder(from source: String, to target: String, link: Bool) throws {
        let fm = FileManager.default
        if writeSandbox == nil {   // the user directory may not exist yet
            try? fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        let destination = try writeDestination(for: target, command: "plugin")
        do {
            try fm.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if link {
                try fm.createSymbolicLink(atPath: destination, withDestinationPath: source)
            } else {
                try Session.copyFollowingLinks(from: source, to: destination)
            }
        } catch {
            if !link { try? fm.removeItem(atPath: destination) }   // no half-copied plugin stays behind
            throw SurvshError.io("plugin", "cannot install into '\(target)': \((error as NSError).localizedDescription)")
        }
    }

    /// Copies a folder tree, writing what each symbolic link points to in place of the link (a
    /// shipped example's SDK file is a link into plugins/sdk/, which a copy must hold itself). A
    /// link to a folder already being copied (a cycle) is an error, not an endless copy.
    static func copyFollowingLinks(from source: String, to destination: String, ancestors: Set<String> = []) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard let real = PluginCatalog.realPath(source) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: source,
                                                             NSLocalizedDescriptionKey: "'\(source)' is a broken link"])
        }
        _ = fm.fileExists(atPath: real, isDirectory: &isDirectory)
        guard isDirectory.boolValue else {
            try fm.copyItem(atPath: real, toPath: destination)
            return
        }
        guard !ancestors.contains(real) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "'\(source)' links back to a folder it is in"])
        }
        try fm.createDirectory(atPath: destination, withIntermediateDirectories: false)
        for name in try fm.contentsOfDirectory(atPath: real).sorted() {
            try copyFollowingLinks(from: (source as NSString).appendingPathComponent(name),
                                   to: (destination as NSString).appendingPathComponent(name), ancestors: ancestors.union([real]))
        }
    }

    /// Removes an installed plugin folder (or its link), through the write sandbox.
    public func removePluginFolder(_ folder: String) throws {
        let destination = writeSandbox.map { $0.image(of: folder) } ?? folder
        do {
            try FileManager.default.removeItem(atPath: destination)
        } catch {
            throw SurvshError.io("plugin", "cannot remove '\(folder)': \((error as NSError).localizedDescription)")
        }
    }
}
