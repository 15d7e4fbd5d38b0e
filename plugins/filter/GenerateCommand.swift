// GenerateCommand.swift — `generate NAME = EXPR` (new column) and `replace NAME = EXPR` (existing).
//
// The expression is evaluated over every loaded row, whatever the filters (as Stata's generate
// without `if`). Comparisons and logic give 0/1 integers, so `generate hi = x > 2` makes a 0/1
// column; a missing input gives a missing result (never 0).

import SurvshCore

enum Assignment {
    static func parse(_ raw: String, command: String) throws -> (name: String, expr: String, exprOffset: Int) {
        guard let eq = raw.firstIndex(of: "="), raw[raw.index(after: eq)...].first != "=" else {
            throw SurvshError.usage(command, "missing '='", expected: "\(command) NAME = EXPR")
        }
        let name = raw[..<eq].trimmingCharacters(in: .whitespaces)
        guard DataFrame.isValidName(name) else {
            throw SurvshError.usage(command, "'\(name)' is not a valid column name",
                                    expected: "a name of letters, digits, '.' and '_' starting with a letter")
        }
        let exprStart = raw.index(after: eq)
        return (name, String(raw[exprStart...]), raw.distance(from: raw.startIndex, to: exprStart))
    }

    static func run(_ args: Arguments, in session: Session, replacing: Bool) throws -> CommandOutput {
        let command = replacing ? "replace" : "generate"
        try session.requireData(command)
        let (name, exprText, _) = try parse(args.raw, command: command)
        let exists = session.frame.index(of: name) != nil
        if exists && !replacing {
            throw SurvshError.usage(command, "column '\(name)' already exists", expected: "a new name, or 'replace \(name) = ...' to overwrite it")
        }
        if !exists && replacing {
            throw SurvshError.data(command, "unknown column '\(name)'", expected: expectedColumn(among: session.frame.names),
                                   suggestion: didYouMean(name, among: session.frame.names) ?? "use 'generate' to make a new column")
        }
        let trimmed = exprText.trimmingCharacters(in: .whitespaces)
        let expr = try ExpressionParser.parse(trimmed, command: command)
        let ev = ExpressionEvaluator(session: session, command: command, text: trimmed)
        let value = try ev.evaluate(expr)
        var column = ev.column(named: name, from: value)
        column.label = session.frame.column(name)?.label // replace keeps the variable's label, as Stata does
        session.updateFrame { $0.replace(column) }
        let missing = column.missing.missingCount
        var j = JSONObject(command: command)
        j["name"] = .string(name)
        j["type"] = .string(column.type.rawValue)
        if column.isDateTime { j["datetime"] = .bool(true) } // as describe marks it
        j["rows"] = .int(column.count)
        j["missing"] = .int(missing)
        let text = "\(replacing ? "replaced" : "generated") \(name) (\(column.isDateTime ? "date-time" : column.type.rawValue)): \(column.count - missing) values, \(missing) missing"
        return CommandOutput(text: text, json: j.value, warnings: ev.issues.warnings + ExpressionEvaluator.reproducibilityWarnings(expr, session: session))
    }
}

public enum GenerateCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "generate", aliases: ["gen"],
        summary: "make a new column from an expression over all loaded rows",
        synopsis: ["generate NAME = EXPR"], body: .expression,
        notes: ["Comparisons give 0/1 (as Stata), so 'generate old = age > 65' is a 0/1 column; NA stays NA.",
                "Dates: date − date gives days, date ± days a date; months_between(from, to) = days / 30.4375.",
                "Date-times (seconds since 1970 UTC, loaded from Stata %tc, SPSS DATETIME, ...) follow R's POSIXct: date-time ± seconds",
                "is a date-time (saved as one), date-time − date-time is seconds; compare with \"YYYY-MM-DD HH:MM:SS\" (UTC).",
                "An existing name is refused: use 'replace NAME = EXPR'.",
                "Random draws, one per row (R's n is implied), from the session's stream: runif(min = 0, max = 1),",
                "rnorm(mean = 0, sd = 1), rexp(rate = 1), rweibull(shape, scale = 1), rbinom(size, prob); sample(COLUMN)",
                "shuffles a column, sample(K) draws whole numbers 1 to K. 'set seed=N' makes them repeatable on every platform:",
                "the generator is xoshiro256** seeded by SplitMix64, with inversion for the distributions (see SurvivalStats",
                "RandomVariates); it does not reproduce R's set.seed() streams."],
        examples: ["generate old = age > 65", "generate logtime = log(time)",
                   "generate grp = ifelse(ph.ecog >= 2, \"poor\", \"good\")",
                   "set seed=2024", "generate noise = rnorm(0, 2)", "generate arm = sample(2)"],
        topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try Assignment.run(args, in: session, replacing: false)
    }
}

public enum ReplaceCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "replace",
        summary: "overwrite an existing column with an expression over all loaded rows",
        synopsis: ["replace NAME = EXPR"], body: .expression,
        examples: ["replace age = round(age / 10) * 10"], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try Assignment.run(args, in: session, replacing: true)
    }
}
