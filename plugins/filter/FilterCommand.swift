// FilterCommand.swift — `filter EXPR` and `unfilter`: stacked row selections over the loaded rows.
//
// A filter keeps rows where the expression is true; rows where it is NA are dropped (as R's
// subset() and dplyr::filter()). Filters stack (a row must pass all of them) and `unfilter` removes
// them all; generated columns stay. No column data is copied.

import SurvshCore

public enum FilterCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "filter", aliases: ["keep-if"],
        summary: "keep the rows where a condition is true (filters stack; NA drops the row)",
        synopsis: ["filter EXPR"], body: .expression,
        notes: ["Operators: == != < <= > >= and or not (also & | !), + - * / ^, x in (\"a\", \"b\").",
                "Functions: is.na log exp sqrt abs round floor ceiling min max ifelse months_between date year month.",
                "Random: runif rnorm rexp rweibull rbinom sample (see help generate); 'filter runif() < 0.5' keeps a random half.",
                "A condition that is NA (a missing value) drops the row, as R's subset()."],
        examples: ["filter age >= 60", "filter sex == 1 and not is.na(ph.ecog)", "filter ph.ecog in (0, 1)"],
        topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("filter")
        let text = args.raw
        let expr = try ExpressionParser.parse(text, command: "filter")
        let ev = ExpressionEvaluator(session: session, command: "filter", text: text)
        let keep = try ev.mask(expr)
        let before = session.activeRows.count
        session.pushFilter(RowFilter(expression: text, keep: keep))
        let after = session.activeRows.count
        var j = JSONObject(command: "filter")
        j["expression"] = .string(text)
        j["rows_before"] = .int(before)
        j["rows"] = .int(after)
        j["filters"] = .int(session.filters.count)
        var warnings = ExpressionEvaluator.reproducibilityWarnings(expr, session: session)
        if after == 0 { warnings.append("no rows are left; 'unfilter' removes all filters") }
        let text2 = "\(after) of \(session.frame.rowCount) rows kept (\(before - after) dropped by this filter; \(session.filters.count) filter\(session.filters.count == 1 ? "" : "s") active)"
        return CommandOutput(text: text2, json: j.value, warnings: warnings)
    }
}

public enum UnfilterCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "unfilter",
        summary: "remove all filters (generated columns stay)",
        synopsis: ["unfilter"], body: .none,
        examples: ["unfilter"], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("unfilter")
        let n = session.filters.count
        session.clearFilters()
        var j = JSONObject(command: "unfilter")
        j["removed"] = .int(n)
        j["rows"] = .int(session.frame.rowCount)
        return CommandOutput(text: "\(n) filter\(n == 1 ? "" : "s") removed; all \(session.frame.rowCount) rows active", json: j.value)
    }
}
