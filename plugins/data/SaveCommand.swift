// SaveCommand.swift — `save PATH` writes the active rows as CSV, Stata .dta or SPSS .sav/.zsav/.por
// (chosen by the extension; see Writers/ in SurvshCore); `save session PATH` the transcript.
//
// Every file is written whole to a temporary file beside the target and renamed over it
// (`Session.writeData`), so a save that fails never leaves a partial file in place of the user's.

import Foundation
import SurvshCore

public enum SaveCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "save",
        summary: "write the active rows as CSV, Stata .dta, SPSS .sav/.por or Excel .xlsx, or this session's transcript (save session PATH)",
        synopsis: ["save PATH.csv|.dta|.sav|.zsav|.por|.xlsx", "save session PATH.surv"], body: .path,
        notes: ["The format follows the extension: .csv (or none) CSV; .dta Stata 14+ (format 118); .sav SPSS, .zsav SPSS",
                "compressed, .por SPSS portable; another extension is refused. load reads each back as the same frame:",
                "- .dta/.sav: integers, reals, dates (Stata %td, SPSS DATE11) and booleans (0/1 labelled FALSE/TRUE) keep their",
                "  type; a date-time column read from a file (seconds since 1970 UTC; load's note says so) is written as",
                "  Stata %tc (milliseconds since 1960) or SPSS DATETIME20 (seconds since 1582), so it loads back the same;",
                "  text with a level order (set by levels/relevel, or value labels read from a file) is written as codes",
                "  with value labels in level order (the file's own codes when they still run in that order), other text as",
                "  strings; variable labels are kept. Missing cells stay missing, and the kinds the loaded file had are",
                "  written back where the format holds them: Stata .a-.z as tagged missings in .dta (SAS .A-.Z become .a-.z),",
                "  SPSS user-missing values with the column's user-missing values and ranges in .sav/.por; any other missing",
                "  cell is system missing (.), with a warning naming the kinds written so.",
                "- Stata names allow only letters, digits and _ (ph.ecog is written ph_ecog, with a warning); .por names are",
                "  upper case, at most 8 characters (pat.karno is written PAT.KARN).",
                "- .xlsx: one sheet (Sheet1): a header row, numbers, text as shared strings, booleans, dates with the format",
                "  yyyy-mm-dd, date-times read from a file with yyyy-mm-dd hh:mm:ss (kept to the millisecond), missing cells",
                "  empty; a real column whose values are all whole reads back as integer (Excel has one number type);",
                "  Inf/-Inf are written empty and dates before 1900 as text (with a note); at most 1,048,575 rows.",
                "'save session' needs a .surv path (other extensions are refused: a transcript is not a report).",
                "'save session' writes every command of this session with its output as #> lines and",
                "the SHA-256 of each loaded file; 'survsh --check PATH.surv' replays and verifies it."],
        examples: ["save /tmp/lung_subset.csv", "save /tmp/lung_subset.dta", "save /tmp/lung_subset.sav", "save /tmp/lung_subset.xlsx", "save session /tmp/my_analysis.surv"],
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
        guard let writer = DataWriters.writer(for: path) else {
            let ext = (path as NSString).pathExtension
            throw SurvshError.usage("save", "cannot save as .\(ext): '\(path)'", expected: "a path ending in \(orList(DataWriters.all.flatMap { $0.fileExtensions }.map { "." + $0 }))")
        }
        let rows = session.activeRows
        let frame = session.frame
        let written = try encode(writer, frame.columns, rows: rows, path: path)
        try Interrupt.check("save")   // (writeData looks again between its 8 MiB blocks)
        try session.writeData(written.data, to: path, command: "save")
        var j = JSONObject(command: "save")
        j["file"] = .string(path)
        j["format"] = .string(writer.formatName)
        j["rows"] = .int(rows.count)
        j["columns"] = .int(frame.columns.count)
        return CommandOutput(text: "wrote \(plural(rows.count, "row")) x \(plural(frame.columns.count, "column")) to \(path)", json: j.value,
                             warnings: written.warnings)
    }

    /// The file's bytes, or the writer's reason as an error of `save`.
    static func encode<W: TableWriter>(_ writer: W.Type, _ columns: [Column], rows: [Int], path: String) throws -> TableWriteResult {
        do {
            return try writer.encode(columns, rows: rows)
        } catch is CancellationError {
            throw SurvshError(.interrupted, command: "save", "interrupted")
        } catch {
            throw SurvshError.data("save", "cannot write '\(path)' as \(writer.formatName): \(error)")
        }
    }
}
