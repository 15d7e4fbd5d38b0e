// SaveCommand.swift — `save PATH` writes the active rows as CSV; `save session PATH` the transcript.
//
// The CSV is written so that `load` reads back the same frame: reals in shortest round-trip form
// (a whole real keeps its ".0"), text quoted when it holds a comma, quote or newline (RFC 4180),
// missing cells as NA, dates as YYYY-MM-DD, booleans as TRUE/FALSE.

import Foundation
import SurvshCore

public enum SaveCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "save",
        summary: "write the active rows as CSV, or this session's transcript (save session PATH)",
        synopsis: ["save PATH.csv", "save session PATH.surv"], body: .path,
        notes: ["'save session' needs a .surv path (other extensions are refused: a transcript is not a report).",
                "'save session' writes every command of this session with its output as #> lines and",
                "the SHA-256 of each loaded file; 'survsh --check PATH.surv' replays and verifies it."],
        examples: ["save /tmp/lung_subset.csv", "save session /tmp/my_analysis.surv"],
        subcommands: ["session"], topic: "data", keepsLastTables: true)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        if args.positional.first == "session" {
            try args.requirePositional(2, 2, what: "the transcript path (save session PATH.surv)")
            let path = args.positional[1]
            let ext = (path as NSString).pathExtension.lowercased()
            guard ext == "surv" else {
                throw SurvshError.usage("save", "'save session' writes a transcript (a survsh script), not \(ext.isEmpty ? "a file without extension" : "a .\(ext) file"): '\(path)'",
                                        expected: "save session PATH.surv")
            }
            try session.writeText(Transcript.text(records: session.records, dataFiles: session.dataFiles()), to: path, command: "save")
            let commands = session.commandRecords.count
            var j = JSONObject(command: "save")
            j["session"] = .string(path)
            j["commands"] = .int(commands)
            return CommandOutput(text: "saved \(plural(commands, "command")) to \(path)", json: j.value)
        }
        try args.requirePositional(1, 1, what: "the file to write")
        try session.requireData("save")
        let path = args.positional[0]
        let rows = session.activeRows
        let frame = session.frame
        var out = frame.names.map(csvField).joined(separator: ",") + "\n"
        out.reserveCapacity(rows.count * frame.columns.count * 8)
        for r in rows {
            var first = true
            for c in frame.columns {
                if !first { out += "," }
                first = false
                if let t = c.text(at: r) { out += c.type == .text ? csvField(t) : t } else { out += "NA" }
            }
            out += "\n"
        }
        try session.writeText(out, to: path, command: "save")
        var j = JSONObject(command: "save")
        j["file"] = .string(path)
        j["rows"] = .int(rows.count)
        j["columns"] = .int(frame.columns.count)
        return CommandOutput(text: "wrote \(plural(rows.count, "row")) x \(plural(frame.columns.count, "column")) to \(path)", json: j.value)
    }

    /// A CSV field, quoted when needed; text that would read back as missing or as another type is
    /// quoted too.
    static func csvField(_ s: String) -> String {
        let needs = s.isEmpty || s == "NA" || s == "." || s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || s.first == " " || s.last == " "
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
