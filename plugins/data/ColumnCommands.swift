// ColumnCommands.swift — `drop VAR ...`, `keep VAR ...`, `rename OLD NEW`.

import SurvshCore

enum ColumnArgs {
    static func existing(_ args: Arguments, in session: Session, command: String) throws -> [String] {
        try session.requireData(command)
        if args.positional.isEmpty { throw SurvshError.usage(command, "missing column names", expected: "\(command) VAR [VAR ...]") }
        for n in args.positional { _ = try session.column(n, for: command) }
        return args.positional
    }

    static func check(_ session: Session, removing names: [String], command: String) throws {
        if let o = session.outcome, names.contains(o.time) || names.contains(o.event) || (o.start.map(names.contains) ?? false) {
            throw SurvshError.data(command, "'\(o.formulaText)' is the declared outcome", expected: "'survival clear' first, or keep those columns")
        }
    }
}

public enum DropCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "drop", summary: "remove columns", synopsis: ["drop VAR [VAR ...]"], body: .columns,
        examples: ["drop meal.cal wt.loss"], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let names = try ColumnArgs.existing(args, in: session, command: "drop")
        try ColumnArgs.check(session, removing: names, command: "drop")
        session.updateFrame { f in for n in names { f.remove(n) } }
        var j = JSONObject(command: "drop")
        j["dropped"] = .array(names.map { .string($0) })
        j["columns"] = .int(session.frame.columns.count)
        return CommandOutput(text: "dropped \(names.joined(separator: ", ")); \(plural(session.frame.columns.count, "column")) left", json: j.value)
    }
}

public enum KeepCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "keep", summary: "keep only the named columns, in that order", synopsis: ["keep VAR [VAR ...]"], body: .columns,
        examples: ["keep time status age sex"], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let names = try ColumnArgs.existing(args, in: session, command: "keep")
        try ColumnArgs.check(session, removing: session.frame.names.filter { !names.contains($0) }, command: "keep")
        session.updateFrame { $0.keep(names) }
        var j = JSONObject(command: "keep")
        j["columns"] = .array(names.map { .string($0) })
        return CommandOutput(text: "kept \(plural(names.count, "column")): \(names.joined(separator: ", "))", json: j.value)
    }
}

public enum RenameCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "rename", summary: "rename a column", synopsis: ["rename OLD NEW"], body: .columns,
        examples: ["rename ph.ecog ecog"], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("rename")
        try args.requirePositional(2, 2, what: "the old and new names")
        let (old, new) = (args.positional[0], args.positional[1])
        _ = try session.column(old, for: "rename")
        guard DataFrame.isValidName(new) else {
            throw SurvshError.usage("rename", "'\(new)' is not a valid column name", expected: "letters, digits, '.' and '_', starting with a letter")
        }
        if session.frame.index(of: new) != nil { throw SurvshError.usage("rename", "column '\(new)' already exists", expected: "a new name") }
        session.updateFrame { $0.rename(old, to: new) }
        if var o = session.outcome {
            if o.time == old { o.time = new }
            if o.event == old { o.event = new }
            if o.start == old { o.start = new }
            session.outcome = o
        }
        var j = JSONObject(command: "rename")
        j["from"] = .string(old)
        j["to"] = .string(new)
        return CommandOutput(text: "renamed \(old) to \(new)", json: j.value)
    }
}
