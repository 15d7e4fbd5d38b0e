// PluginManifest.swift — an external plugin's `survsh-plugin.json`, read and checked (issue 10).
//
// Contract (docs/plugins.md, PLUGIN_PROTOCOL.md): a plugin is a folder holding `survsh-plugin.json`
// and its program. The manifest declares the plugin (name, version, protocol, the argv that starts
// it, lifetime) and its commands in the same terms as a built-in `CommandSpec`: name, aliases,
// summary, synopsis, body kind, topic, typed options with defaults, examples, notes; plus which
// columns a call sends and in which data format. Unknown keys are ignored (forward compatibility).
// `PluginManifest.read` never traps: a malformed manifest is a `ManifestError` whose text says what
// is wrong, and the catalog lists the plugin with that status instead of its commands.

import Foundation

/// What is wrong with a manifest (one line, for `plugin list` and start-up messages).
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public struct PluginManifest: Sendable {
    /// How long a plugin's process lives.
    public enum Lifetime: String, Sendable {
        /// Started at first use, kept for the session, restarted after a crash.
        case session
        /// One process per call.
        case call
    }

    /// Which columns a call sends.
    public enum ColumnSelection: Sendable, Equatable {
        /// Columns named in the body or formula, column-kind options, and the outcome's time/status.
        case body
        case all
        case none
        case names([String])
    }

    /// How the data cross: JSON columns inside the request, or a temporary CSV file.
    public enum DataFormat: String, Sendable { case json, csv }

    public struct Command: Sendable {
        public var spec: CommandSpec
        public var columns: ColumnSelection
        public var data: DataFormat
    }

    /// The protocol versions this survsh speaks.
    public static let protocols = [1]
    public static let fileName = "survsh-plugin.json"

    public var name: String
    public var version: String
    public var protocolVersion: Int
    public var run: [String]
    public var lifetime: Lifetime
    public var commands: [Command]
    /// The folder the manifest was read from (absolute, standardized).
    public var folder: String

    /// Reads `folder/survsh-plugin.json`.
    public static func read(folder: String) throws -> PluginManifest {
        let path = (folder as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ManifestError("cannot read \(fileName)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ManifestError("\(fileName) is not valid JSON")
        }
        guard let top = object as? [String: Any] else { throw ManifestError("\(fileName) must hold a JSON object") }
        return try PluginManifest(json: top, folder: folder)
    }

    init(json top: [String: Any], folder: String) throws {
        let m = ManifestFields(top, context: "manifest")
        name = try m.string("name")
        guard PluginManifest.isValidName(name) else {
            throw ManifestError("plugin name '\(name)' must be lower-case letters, digits, '_' or '-', starting with a letter")
        }
        version = try m.string("version")
        protocolVersion = try m.int("protocol")
        run = try m.strings("run")
        guard !run.isEmpty else { throw ManifestError("run must name the program to start") }
        let life = try m.optionalString("lifetime") ?? "session"
        guard let l = Lifetime(rawValue: life) else {
            throw ManifestError("unknown lifetime '\(life)' (expected session or call)")
        }
        lifetime = l
        self.folder = folder
        guard let list = top["commands"] as? [[String: Any]], !list.isEmpty else {
            throw ManifestError("commands must be a non-empty list of command objects")
        }
        commands = try list.map { try PluginManifest.command($0) }
    }

    /// `[a-z][a-z0-9_-]*`, for plugin and command names.
    public static func isValidName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    static let bodyKinds: [String: BodyKind] = ["none": .none, "words": .words, "columns": .columns, "path": .path,
                                                "formula": .formula, "expression": .expression]

    static func command(_ json: [String: Any]) throws -> Command {
        let c = ManifestFields(json, context: "command")
        let name = try c.string("name")
        guard isValidName(name) else { throw ManifestError("command name '\(name)' must be lower-case letters, digits, '_' or '-'") }
        let ctx = ManifestFields(json, context: "command \(name)")
        let bodyName = try ctx.optionalString("body") ?? "words"
        guard let body = bodyKinds[bodyName] else {
            throw ManifestError("command \(name): unknown body '\(bodyName)' (expected none, words, columns, path, formula or expression)")
        }
        let options = try (json["options"] as? [[String: Any]] ?? []).map { try option($0, command: name) }
        let spec = CommandSpec(name: name, aliases: try ctx.optionalStrings("aliases") ?? [],
                               summary: try ctx.string("summary"),
                               synopsis: try ctx.optionalStrings("synopsis") ?? [name],
                               body: body, options: options, notes: try ctx.optionalStrings("notes") ?? [],
                               examples: try ctx.optionalStrings("examples") ?? [],
                               topic: try ctx.optionalString("topic") ?? "analysis")
        for alias in spec.aliases where !isValidName(alias) {
            throw ManifestError("command \(name): alias '\(alias)' must be lower-case letters, digits, '_' or '-'")
        }
        let columns: ColumnSelection
        switch json["columns"] {
        case nil, "body" as String: columns = .body
        case "all" as String: columns = .all
        case "none" as String: columns = .none
        case let list as [String]: columns = .names(list)
        default: throw ManifestError("command \(name): columns must be \"body\", \"all\", \"none\" or a list of names")
        }
        let dataName = try ctx.optionalString("data") ?? "json"
        guard let data = DataFormat(rawValue: dataName) else {
            throw ManifestError("command \(name): unknown data format '\(dataName)' (expected json or csv)")
        }
        return Command(spec: spec, columns: columns, data: data)
    }

    static func option(_ json: [String: Any], command: String) throws -> OptionSpec {
        let o = ManifestFields(json, context: "command \(command): option")
        let name = try o.string("name")
        let ctx = ManifestFields(json, context: "command \(command): option \(name)")
        let kindName = try ctx.string("kind")
        let kind: OptionSpec.Kind
        switch kindName {
        case "flag": kind = .flag
        case "choice":
            guard let values = try ctx.optionalStrings("values"), !values.isEmpty else {
                throw ManifestError("command \(command): option \(name): a choice needs \"values\"")
            }
            kind = .choice(values)
        case "number":
            if let r = json["range"] {
                guard let pair = r as? [NSNumber], pair.count == 2, pair[0].doubleValue <= pair[1].doubleValue else {
                    throw ManifestError("command \(command): option \(name): range must be [low, high]")
                }
                kind = .number(pair[0].doubleValue...pair[1].doubleValue)
            } else {
                kind = .number(nil)
            }
        case "numbers": kind = .numbers
        case "text": kind = .text
        case "path": kind = .path
        case "column": kind = .column
        default:
            throw ManifestError("command \(command): option \(name): unknown kind '\(kindName)' (expected flag, choice, number, numbers, text, path or column)")
        }
        var defaultValue = try ctx.optionalString("default")
        if defaultValue == nil, let n = json["default"] as? NSNumber, kind != .flag { defaultValue = "\(n)" }
        return OptionSpec(name, kind, default: defaultValue, help: try ctx.optionalString("help") ?? "")
    }
}

/// Typed reads of a manifest object's fields, with errors naming the field.
struct ManifestFields {
    let json: [String: Any]
    let context: String
    init(_ json: [String: Any], context: String) { self.json = json; self.context = context }

    func string(_ key: String) throws -> String {
        guard let s = try optionalString(key) else { throw ManifestError("\(context): missing \"\(key)\"") }
        return s
    }
    func optionalString(_ key: String) throws -> String? {
        guard let v = json[key], !(v is NSNull) else { return nil }
        guard let s = v as? String else {
            if key == "default" { return nil }
            throw ManifestError("\(context): \"\(key)\" must be a string")
        }
        return s
    }
    func int(_ key: String) throws -> Int {
        guard let v = json[key] else { throw ManifestError("\(context): missing \"\(key)\"") }
        guard let n = v as? NSNumber, !isJSONBool(n), n.doubleValue == n.doubleValue.rounded() else {
            throw ManifestError("\(context): \"\(key)\" must be a whole number")
        }
        return n.intValue
    }
    func strings(_ key: String) throws -> [String] {
        guard let s = try optionalStrings(key) else { throw ManifestError("\(context): missing \"\(key)\"") }
        return s
    }
    func optionalStrings(_ key: String) throws -> [String]? {
        guard let v = json[key], !(v is NSNull) else { return nil }
        guard let s = v as? [String] else { throw ManifestError("\(context): \"\(key)\" must be a list of strings") }
        return s
    }
}
