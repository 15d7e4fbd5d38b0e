// Registry.swift — the list of commands the shell knows, by name and alias.
//
// Commands are values (`RegisteredCommand`): a built-in module wraps its `SurvshCommand` type (the
// spec and a reference to its static `run`; no data are copied), an external plugin (issue 10)
// supplies a spec read from its manifest and a run closure that talks to the plugin's process.
// Help, completion, "did you mean", option validation and the README table read the registry only,
// so they work alike for both kinds.
//
// Names and aliases must be unique; `duplicateNames` reports a clash among built-ins as a
// programming error the tests catch. Plugin commands are checked before they are added
// (`Registry.adding(_:)` refuses a plugin name that a built-in or another plugin already takes).

/// Where a command comes from.
public enum CommandOrigin: Sendable, Equatable {
    /// Compiled into survsh (a module under plugins/).
    case builtIn
    /// An external plugin: its name, version and folder.
    case plugin(name: String, version: String, path: String)

    /// The plugin's name, nil for a built-in.
    public var pluginName: String? {
        if case .plugin(let name, _, _) = self { return name }
        return nil
    }
}

/// One command as the shell knows it: its declaration, how to run it, and where it comes from.
public struct RegisteredCommand: Sendable {
    public let spec: CommandSpec
    public let origin: CommandOrigin
    private let body: @Sendable (Arguments, Session) throws -> CommandOutput

    /// A built-in command module.
    public init(_ type: any SurvshCommand.Type) {
        self.spec = type.spec
        self.origin = .builtIn
        self.body = { try type.run($0, in: $1) }
    }

    /// A command defined elsewhere (an external plugin's manifest).
    public init(spec: CommandSpec, origin: CommandOrigin,
                run: @escaping @Sendable (Arguments, Session) throws -> CommandOutput) {
        self.spec = spec
        self.origin = origin
        self.body = run
    }

    /// Runs the command (arguments already parsed against `spec`).
    public func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try body(args, session)
    }

    /// The command's name and aliases.
    public var names: [String] { [spec.name] + spec.aliases }
}

public struct Registry: Sendable {
    public let commands: [RegisteredCommand]
    private let byName: [String: Int]

    public init(commands: [RegisteredCommand]) {
        self.commands = commands
        var map: [String: Int] = [:]
        for (i, c) in commands.enumerated() {
            for n in c.names where map[n] == nil { map[n] = i }
        }
        self.byName = map
    }

    /// A registry of built-in command modules.
    public init(_ types: [any SurvshCommand.Type]) {
        self.init(commands: types.map(RegisteredCommand.init))
    }

    /// Names or aliases declared by more than one command (empty when the registry is sound).
    public func duplicateNames() -> [String] {
        var seen: [String: Int] = [:]
        for c in commands { for n in c.names { seen[n, default: 0] += 1 } }
        return seen.filter { $0.value > 1 }.map(\.key).sorted()
    }

    public func lookup(_ name: String) -> RegisteredCommand? { byName[name].map { commands[$0] } }

    /// Every name and alias, sorted.
    public var allNames: [String] { byName.keys.sorted() }

    /// The built-in commands only (what a registry holds before plugins are added).
    public var builtIns: Registry { Registry(commands: commands.filter { $0.origin == .builtIn }) }
}
