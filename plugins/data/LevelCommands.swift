// LevelCommands.swift — `levels COL [L1,L2,...]` and `relevel COL "L"`: the order of a column's levels.
//
// Contract: a column's level order is R's factor level order. By default the levels sort as R sorts
// them (numbers numerically, text in the session's collation: R's UTF-8 order unless
// `set collation=c`); the first level is the reference level of a Cox term, the first curve of km,
// the first row of tabulate. `levels COL L1,L2,...` sets the order (as R's factor(x, levels =)),
// `relevel COL "L"` moves one level first (R's relevel(x, ref =)); the order is kept on the column
// (Column.levelOrder), so every later analysis, plot legend and table follows it. Levels not listed
// follow the listed ones in sorted order. `levels COL` shows the order.

import SurvivalStats
import SurvshCore

enum LevelOrder {
    /// Every level of `column` (non-missing cells of all loaded rows), in its current order.
    static func current(_ column: Column, session: Session) throws -> [String] {
        let rows = try Interrupt.cancellation.filter(0..<column.count) { !column.missing[$0] }
        return try session.levels(column, rows: rows).labels
    }

    /// The level words of `words` (comma- or space-separated, quotes removed).
    static func parse(_ words: [String]) -> [String] {
        words.flatMap { w -> [String] in
            splitOutsideQuotes(w).map { part in
                let p = part.trimmingCharacters(in: .whitespaces)
                if p.count >= 2, let q = p.first, q == "\"" || q == "'", p.last == q { return String(p.dropFirst().dropLast()) }
                return p
            }.filter { !$0.isEmpty }
        }
    }

    /// `s` split at commas outside quotes.
    static func splitOutsideQuotes(_ s: String) -> [String] {
        var parts: [String] = [], cur = ""
        var quote: Character? = nil
        for c in s {
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c }
            if c == "," && quote == nil { parts.append(cur); cur = "" } else { cur.append(c) }
        }
        parts.append(cur)
        return parts
    }

    /// Checks that every level in `order` exists, then returns the command's output, which stores
    /// the order on the column once it is printed (Ctrl-C before changes nothing).
    static func set(_ order: [String], on column: Column, shownAs name: String, session: Session, command: String) throws -> CommandOutput {
        let existing = try current(column, session: session)
        for l in order where !existing.contains(l) {
            throw SurvshError.data(command, "'\(l)' is not a level of \(column.name)",
                                   expected: "one of " + orList(existing.map { "\"\($0)\"" }),
                                   suggestion: didYouMean(l, among: existing))
        }
        if let dup = order.first(where: { l in order.filter { $0 == l }.count > 1 }) {
            throw SurvshError.usage(command, "level '\(dup)' is listed twice", expected: "each level once")
        }
        var c = column
        c.levelOrder = order + existing.filter { !order.contains($0) }
        return try output(command, column: name, levels: c.levelOrder ?? [], session: session, changing: c)
    }

    /// The output listing `levels` (10^7 of them make a line of over 100 MB: built with Ctrl-C polled,
    /// its JSON only under --format json), which puts `changed` in the frame once it is printed; a
    /// Ctrl-C while the output is made or printed changes nothing.
    static func output(_ command: String, column: String, levels: [String], session: Session, changing changed: Column? = nil) throws -> CommandOutput {
        let cancel = Interrupt.cancellation
        var j = JSONObject(command: command)
        j["column"] = .string(column)
        if session.settings.format == .json {
            j["levels"] = .array(try cancel.map(count: levels.count) { .string(levels[$0]) })
        }
        j["reference"] = levels.first.map { .string($0) } ?? .null
        var text = try cancel.joined(levels.count, separator: ", ", after: column + ": ") { text, k in text += levels[k] }
        text += " (\(levels.count) level\(levels.count == 1 ? "" : "s"); reference \(levels.first ?? "none"))"
        var out = CommandOutput(text: text, json: j.value, interruptiblePrinting: true)
        if let changed { out.afterPrinting = { session.updateFrame { $0.replace(changed) } } }
        return out
    }
}

public enum LevelsCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "levels",
        summary: "show or set the order of a column's levels (reference level first)",
        synopsis: ["levels COL", "levels COL L1,L2,...", "levels COL sorted"], body: .words,
        options: [.flag("sorted", help: "go back to the sorted order (R's, or bytes under set collation=c)")],
        notes: ["As R's factor(x, levels = c(...)): the first level is the reference of a Cox term, the first",
                "curve of km and plot km, the first row of tabulate; legends and tables follow the order.",
                "Levels not listed come after the listed ones, in sorted order. Quote levels with spaces",
                "or commas: levels stage \"Stage I\",\"Stage II\".",
                "Without an order set, text sorts as R sorts it in a UTF-8 locale (see `help set`)."],
        examples: ["levels sex", "levels ph.ecog 1,0,2,3", "levels ph.ecog sorted"], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("levels")
        guard let name = args.positional.first else {
            throw SurvshError.usage("levels", "missing column name", expected: "levels COL [L1,L2,...]")
        }
        let column = try session.column(name, for: "levels")
        let order = LevelOrder.parse(Array(args.positional.dropFirst()))
        if args.has("sorted") {
            guard order.isEmpty else { throw SurvshError.usage("levels", "give either an order or 'sorted'", expected: "levels COL sorted") }
            var c = column
            c.levelOrder = nil
            // the column changes once the output is printed: Ctrl-C before leaves the order set
            return try LevelOrder.output("levels", column: name, levels: try LevelOrder.current(c, session: session),
                                         session: session, changing: c)
        }
        if order.isEmpty {
            return try LevelOrder.output("levels", column: name, levels: try LevelOrder.current(column, session: session), session: session)
        }
        return try LevelOrder.set(order, on: column, shownAs: name, session: session, command: "levels")
    }
}

public enum RelevelCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "relevel",
        summary: "make one level of a column its reference (first) level, as R's relevel",
        synopsis: ["relevel COL \"LEVEL\""], body: .words,
        notes: ["As R's relevel(x, ref = \"LEVEL\"): the level moves first, the others keep their order.",
                "In a formula, factor(x, ref = \"LEVEL\") or relevel(x, \"LEVEL\") does the same for one model."],
        examples: ["relevel sex 2", "relevel ph.ecog \"1\""], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("relevel")
        try args.requirePositional(2, 2, what: "a column and its new reference level")
        let column = try session.column(args.positional[0], for: "relevel")
        let ref = LevelOrder.parse([args.positional[1]])
        guard ref.count == 1 else { throw SurvshError.usage("relevel", "give one reference level", expected: "relevel COL \"LEVEL\"") }
        let order = try LevelOrder.current(column, session: session)
        return try LevelOrder.set(ref + order.filter { $0 != ref[0] }, on: column, shownAs: column.name, session: session, command: "relevel")
    }
}
