// HelpCommand.swift — `help [COMMAND]`, generated from the command declarations.

import SurvshCore

public enum HelpCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "help", aliases: ["?"],
        summary: "list the commands, or show one command's usage, options and examples",
        synopsis: ["help", "help COMMAND", "help COMMAND SUBCOMMAND", "help TOPIC"], body: .words,
        notes: ["help COMMAND SUBCOMMAND (help cox phtest) shows one form of a command: its usage, options, notes and examples.",
                "A subcommand alone finds its command (help forest is help plot forest), and R or Stata names point to",
                "survsh's (help cox.zph, help ggsurvplot); analyses survsh does not have (flexsurvreg, cuminc) are named as such."],
        examples: ["help", "help km", "help cox phtest", "help forest", "help cox.zph"], topic: "shell", keepsLastTables: true).using(.none)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(0, 2, what: "command name")
        guard let name = args.positional.first else {
            let names = session.registry.commands.map { JSONValue.string($0.spec.name) }
            var j = JSONObject(command: "help")
            j["commands"] = .array(names)
            return CommandOutput(text: Help.listing(session.registry), json: j.value)
        }
        var sub = args.positional.count > 1 ? args.positional[1] : nil
        var found = session.registry.lookup(name)
        if found == nil, sub == nil, let form = Help.form(named: name, session.registry) {
            found = session.registry.lookup(form.command)
            sub = form.subcommand.isEmpty ? nil : form.subcommand
        }
        guard let cmd = found else {
            throw SurvshError.usage("help", "unknown command '\(name)'",
                                    suggestion: Help.suggestion(for: name, session.registry) ?? "type 'help' for the list")
        }
        if let sub {
            guard cmd.spec.subcommands.contains(sub) else {
                let subs = cmd.spec.subcommands
                throw SurvshError.usage("help", "\(cmd.spec.name) has no subcommand '\(sub)'",
                                        expected: subs.isEmpty ? "help \(cmd.spec.name)" : orList(subs),
                                        suggestion: didYouMean(sub, among: subs))
            }
            var j = JSONObject(command: "help")
            j["name"] = .string("\(cmd.spec.name) \(sub)")
            j["synopsis"] = .array(cmd.spec.synopsis.filter { $0.hasPrefix("\(cmd.spec.name) \(sub)") }.map { .string($0) })
            return CommandOutput(text: Help.detail(cmd.spec, subcommand: sub), json: j.value)
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
        synopsis: ["quit"], body: .none, topic: "shell", keepsLastTables: true).using(.none)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        session.quitRequested = true
        return CommandOutput()
    }
}
