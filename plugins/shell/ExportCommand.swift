// ExportCommand.swift — `export PATH.md|.csv|.tex|.html [table=N|NAME]`: write a table the last command
// printed to a file. The last command's tables are the session's `lastTables` (set by `execute`
// from `CommandOutput.tables`); a command that printed no table leaves none.

import Foundation
import SurvshCore

public enum ExportCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "export",
        summary: "write a table the last command printed (cox, km, logrank, ttest, tabulate, table1, ...) as Markdown, CSV, LaTeX or HTML",
        synopsis: ["export PATH.md|PATH.csv|PATH.tex|PATH.html [table=N|NAME]"], body: .path,
        options: [OptionSpec("table", .text,
                             help: "which of the last command's tables, by number or name (default 1; km times=: table=times)")],
        notes: ["The format follows the extension: .md (Markdown), .csv, .tex (a LaTeX table), .html (an HTML table).",
                "Every command that prints a table makes its tables the exportable ones; a command that prints none "
                    + "(filter, plot, ...) leaves none. export, help, set, history and save keep them."],
        examples: ["tabulate sex ph.ecog", "export /tmp/survsh_table.md", "export /tmp/survsh_table.tex",
                   "km ~ sex times=180,365", "export /tmp/survsh_km_times.csv table=times"],
        topic: "shell", keepsLastTables: true)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(1, 1, what: "the file to write")
        let path = args.positional[0]
        guard let last = session.lastTables, !last.tables.isEmpty else {
            let what = session.lastTables.map { "the last command (\($0.command)) printed no table" } ?? "no result table yet"
            throw SurvshError.usage("export", what, expected: "a command that prints a table first, e.g. cox, km, logrank, ttest or tabulate")
        }
        let selector = args.string("table")
        guard let table = last.select(selector) else {
            throw SurvshError.usage("export", "no table '\(selector ?? "")' from \(last.command)",
                                    expected: "table= one of \(last.listing)")
        }
        let ext = (path as NSString).pathExtension.lowercased()
        let text: String
        switch ext {
        case "md", "markdown": text = table.markdown()
        case "csv": text = table.csv()
        case "tex": text = table.latex()
        case "html", "htm": text = table.html()
        default:
            throw SurvshError.usage("export", "unsupported extension '.\(ext)' in '\(path)'", expected: ".md, .csv, .tex or .html")
        }
        try session.writeText(text, to: path, command: "export")
        var j = JSONObject(command: "export")
        j["file"] = .string(path)
        j["table"] = .string(table.title)
        j["name"] = .string(table.name)
        j["rows"] = .int(table.rows.count)
        var message = "wrote '\(table.title)' \(table.rowCountText) to \(path)"
        if selector == nil && last.tables.count > 1 {
            message += "; \(last.command) printed \(plural(last.tables.count, "table")) (\(last.listing)): choose with table=N or table=NAME"
        }
        return CommandOutput(text: message, json: j.value)
    }
}
