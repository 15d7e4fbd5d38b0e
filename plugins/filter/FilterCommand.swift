// FilterCommand.swift — `filter EXPR` and `unfilter`: stacked row selections over the loaded rows.
//
// A filter keeps rows where the expression is true; rows where it is NA are dropped (as R's
// subset() and dplyr::filter()). Filters stack (a row must pass all of them) and `unfilter` removes
// them all; generated columns stay. No column data is copied. `filter list` shows the stack and
// `filter drop N` removes one filter.

import SurvshCore

public enum FilterCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "filter", aliases: ["keep-if"],
        summary: "keep the rows where a condition is true (filters stack; NA drops the row)",
        synopsis: ["filter EXPR", "filter list", "filter drop N"], body: .expression,
        notes: ["Operators: == != < <= > >= and or not (also & | !), + - * / ^, x in (\"a\", \"b\").",
                "Functions: is.na log exp sqrt abs round floor ceiling min max ifelse months_between date year month.",
                "Random: runif rnorm rexp rweibull rbinom sample (see help generate); 'filter runif() < 0.5' keeps a random half.",
                "A condition that is NA (a missing value) drops the row, as R's subset().",
                "filter list: the active filters, numbered, with the rows left after each; filter drop N removes filter N",
                "(the others stay). For a column named list, write a condition: filter list != 0."],
        examples: ["filter age >= 60", "filter sex == 1 and not is.na(ph.ecog)", "filter ph.ecog in (0, 1)",
                   "filter list", "filter drop 1"],
        topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("filter")
        let text = args.raw
        let words = text.split(separator: " ").map(String.init)
        if words == ["list"] { return list(session) }
        if words.first == "drop" && words.count <= 2 { return try drop(words.dropFirst().first, session: session) }
        let expr = try ExpressionParser.parse(text, command: "filter")
        let ev = ExpressionEvaluator(session: session, command: "filter", text: text)
        let keep = try ev.mask(expr)
        let before = session.activeRowCount
        session.pushFilter(RowFilter(expression: text, keep: keep))
        let after = session.activeRowCount
        var j = JSONObject(command: "filter")
        j["expression"] = .string(text)
        j["rows_before"] = .int(before)
        j["rows"] = .int(after)
        j["filters"] = .int(session.filters.count)
        var warnings = ev.issues.warnings + ExpressionEvaluator.reproducibilityWarnings(expr, session: session)
        if after == 0 { warnings.append("no rows are left; 'unfilter' removes all filters") }
        let text2 = "\(after) of \(session.frame.rowCount) rows kept (\(before - after) dropped by this filter; \(plural(session.filters.count, "filter")) active)"
        return CommandOutput(text: text2, json: j.value, warnings: warnings)
    }
}

extension FilterCommand {
    /// `filter list`: the stack, with the rows left after each filter.
    static func list(_ session: Session) -> CommandOutput {
        var keep = [Bool](repeating: true, count: session.frame.rowCount)
        var rows: [[String]] = []
        var items: [JSONValue] = []
        for (i, f) in session.filters.enumerated() {
            for r in keep.indices where keep[r] && !f.keep[r] { keep[r] = false }
            let left = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
            rows.append([String(i + 1), f.expression, String(left)])
            items.append(.object([("number", .int(i + 1)), ("expression", .string(f.expression)), ("rows", .int(left))]))
        }
        var j = JSONObject(command: "filter")
        j["filters"] = .array(items)
        j["rows"] = .int(session.activeRowCount)
        guard !rows.isEmpty else {
            return CommandOutput(text: "no filters: all \(plural(session.frame.rowCount, "row")) active", json: j.value)
        }
        let table = ResultTable(title: "Filters (rows left after each, of \(session.frame.rowCount))",
                                header: ["#", "filter", "rows left"], rows: rows, name: "filters")
        return CommandOutput(text: table.textTable(leftAligned: [1]), json: j.value, tables: [table])
    }

    /// `filter drop N`: removes filter N (1-based, as `filter list` numbers them).
    static func drop(_ word: String?, session: Session) throws -> CommandOutput {
        let count = session.filters.count
        guard let number = word.flatMap({ Int($0) }), (1...max(1, count)).contains(number), count > 0 else {
            throw SurvshError.usage("filter", count == 0 ? "there are no filters to drop" : "no filter \(word.map { "'\($0)'" } ?? "number given") to drop",
                                    expected: count == 0 ? "filter EXPR first" : "filter drop N with N from 1 to \(count) (filter list numbers them)")
        }
        let expression = session.filters[number - 1].expression
        session.removeFilter(at: number - 1)
        var j = JSONObject(command: "filter")
        j["dropped"] = .string(expression)
        j["rows"] = .int(session.activeRowCount)
        j["filters"] = .int(session.filters.count)
        return CommandOutput(text: "dropped filter \(number) (\(expression)); \(session.activeRowCount) of \(session.frame.rowCount) rows active, "
                                 + "\(plural(session.filters.count, "filter")) left", json: j.value)
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
        return CommandOutput(text: "\(plural(n, "filter")) removed; all \(session.frame.rowCount) rows active", json: j.value)
    }
}
