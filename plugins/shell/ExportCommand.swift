// ExportCommand.swift — `export PATH.md|.csv|.tex`: write the last result table to a file.

import Foundation
import SurvshCore

public enum ExportCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "export",
        summary: "write the last result table (e.g. from cox or cox screen) as Markdown, CSV or LaTeX",
        synopsis: ["export PATH.md|PATH.csv|PATH.tex"], body: .path,
        notes: ["The format follows the extension: .md (Markdown), .csv, .tex (a LaTeX table)."],
        examples: ["tabulate sex ph.ecog", "export /tmp/survsh_table.md", "export /tmp/survsh_table.tex"], topic: "shell")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(1, 1, what: "the file to write")
        let path = args.positional[0]
        guard let table = session.lastTable else {
            throw SurvshError.usage("export", "no result table yet", expected: "a command that prints a table first, e.g. cox or cox screen")
        }
        let ext = (path as NSString).pathExtension.lowercased()
        let text: String
        switch ext {
        case "md", "markdown": text = table.markdown()
        case "csv": text = table.csv()
        case "tex": text = table.latex()
        default:
            throw SurvshError.usage("export", "unsupported extension '.\(ext)' in '\(path)'", expected: ".md, .csv or .tex")
        }
        try session.writeText(text, to: path, command: "export")
        var j = JSONObject(command: "export")
        j["file"] = .string(path)
        j["table"] = .string(table.title)
        j["rows"] = .int(table.rows.count)
        return CommandOutput(text: "wrote '\(table.title)' (\(table.rows.count) rows) to \(path)", json: j.value)
    }
}
