// PluginSkeleton.swift — `plugin new NAME lang=...`: a working skeleton plugin folder NAME/ in the
// current directory (manifest, program, the SDK file it uses, and a test), from the templates
// plugsdk keeps in plugins/sdk/templates/ (embedded as PluginSkeletonFiles).

import Foundation
import SurvshCore

enum PluginSkeleton {
    static func create(_ name: String, lang: String, session: Session) throws -> CommandOutput {
        guard PluginManifest.isValidName(name) else {
            throw SurvshError.usage("plugin", "plugin name '\(name)' must be lower-case letters, digits, '_' or '-', starting with a letter")
        }
        if session.registry.lookup(name) != nil {
            throw SurvshError.usage("plugin", "'\(name)' is already a command", expected: "another name")
        }
        guard let files = PluginSkeletonFiles.files(lang: lang, name: name) else {
            throw SurvshError.usage("plugin", "unknown value '\(lang)' for lang", expected: PluginSkeletonFiles.languages.joined(separator: ", "))
        }
        if FileManager.default.fileExists(atPath: name) {
            throw SurvshError.usage("plugin", "'\(name)' exists already in this directory", expected: "a new folder name")
        }
        if session.writeSandbox == nil {
            do {
                try FileManager.default.createDirectory(atPath: name, withIntermediateDirectories: false)
            } catch {
                throw SurvshError.io("plugin", "cannot create '\(name)': \((error as NSError).localizedDescription)")
            }
        }
        for f in files {
            let path = (name as NSString).appendingPathComponent(f.path)
            try session.writeText(f.contents, to: path, command: "plugin")
            if f.executable {
                try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: session.writeDestination(for: path, command: "plugin"))
            }
        }
        var j = JSONObject(command: "plugin")
        j["created"] = .string(name)
        j["lang"] = .string(lang)
        j["files"] = .array(files.map { .string($0.path) })
        let next = files.contains { $0.path == "build.sh" } ? "build it (cd \(name) && sh build.sh), then plugin install \(name)" : "try it: plugin install \(name)"
        return CommandOutput(text: "wrote \(name)/ (\(files.map(\.path).joined(separator: ", "))); \(next)",
                             json: j.value)
    }
}
