// HelpCommand.swift — `help [COMMAND]`, generated from the command declarations.

import SurvshCore

public enum HelpCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "help", aliases: ["?"],
        summary: "list the commands, or show one command's usage, options and examples",
        synopsis: ["help", "help COMMAND"], body: .words,
        examples: ["help", "help km"], topic: "shell", keepsLastTables: true)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(0, 1, what: "command name")
        guard let name = args.positional.first else {
            let names = session.registry.commands.map { JSONValue.string($0.spec.name) }
            var j = JSONObject(command: "help")
            j["commands"] = .array(names)
            return CommandOutput(text: Help.listing(session.registry), json: j.value)
        }
        guard let cmd = session.registry.lookup(name) else {
            throw SurvshError.usage("help", "unknown command '\(name)'",
                                    suggestion: didYouMean(name, among: session.registry.allNames) ?? "type 'help' for the list")
        }
        var j = JSONObject(command: "help")
        j["name"] = .string(cmd.spec.name)
        j["summary"] = .string(cmd.spec.summary)
        j["synopsis"] = .array(cmd.spec.synopsis.map { .string($0) })
        j["options"] = .array(cmd.spec.options.map { o in
            var oj = JSONObject()
            oj["name"] = .string(o.name)
            oj["usage"] = .string(o.usage)
            oj["help"] = .string(o.help)
            oj["default"] = o.defaultValue.map { .string($0) } ?? .null
            return oj.value
        })
        j["examples"] = .array(cmd.spec.examples.map { .string($0) })
        return CommandOutput(text: Help.detail(cmd.spec), json: j.value)
    }
}

public enum QuitCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "quit", aliases: ["exit", "q"],
        summary: "end the session (Ctrl-D on an empty line does the same)",
        synopsis: ["quit"], body: .none, topic: "shell", keepsLastTables: true)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        session.quitRequested = true
        return CommandOutput()
    }
}
