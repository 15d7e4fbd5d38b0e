// Registry.swift — the list of commands the shell knows, by name and alias.
//
// Names and aliases must be unique; the registry checks this when it is built and reports the
// clash as a programming error the tests catch (`Registry.validate`).

public struct Registry: Sendable {
    public let commands: [any SurvshCommand.Type]
    private let byName: [String: any SurvshCommand.Type]

    public init(_ commands: [any SurvshCommand.Type]) {
        self.commands = commands
        var map: [String: any SurvshCommand.Type] = [:]
        for c in commands {
            for n in [c.spec.name] + c.spec.aliases where map[n] == nil { map[n] = c }
        }
        self.byName = map
    }

    /// Names or aliases declared by more than one command (empty when the registry is sound).
    public func duplicateNames() -> [String] {
        var seen: [String: Int] = [:]
        for c in commands { for n in [c.spec.name] + c.spec.aliases { seen[n, default: 0] += 1 } }
        return seen.filter { $0.value > 1 }.map(\.key).sorted()
    }

    public func lookup(_ name: String) -> (any SurvshCommand.Type)? { byName[name] }

    /// Every name and alias, sorted.
    public var allNames: [String] { byName.keys.sorted() }
}
