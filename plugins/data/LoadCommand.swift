// LoadCommand.swift — `load PATH`: read a data file into the session (replacing what was there).

import Foundation
import SurvshCore

public enum LoadCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "load", aliases: ["use"],
        summary: "read a data file (CSV/TSV, gzip or zip, Stata, SPSS, SAS, Excel .xlsx) into the session",
        synopsis: ["load PATH [na=TOKEN,TOKEN,...] [sep=comma|tab|semicolon] [cols=NAME,FIRST-LAST,...] [lazy=auto|on|off]",
                   "load PATH.xlsx [sheet=NAME|N] [range=A1:H200]"], body: .path,
        options: [
            OptionSpec("na", .text, default: "NA,,.", help: "cell values read as missing (comma-separated; an empty item is the empty cell)"),
            OptionSpec("sep", .choice(["comma", "tab", "semicolon"]), help: "the field separator (default: by extension, then sniffed)"),
            OptionSpec("cols", .text, help: "read only these columns (in file order): names, ranges FIRST-LAST as Stata varlists (x1-x10), patterns with *"),
            OptionSpec("lazy", .choice(["auto", "on", "off"]),
                       help: "CSV/TSV: check the file and find its column types now, parse each column when a command first needs it "
                           + "(default auto: files of 256 MB or more; see set lazy)"),
            OptionSpec("labels", .choice(["text", "codes"]), default: "text",
                       help: "Stata/SPSS/SAS value labels: text levels in value order, or codes to keep the numbers"),
            OptionSpec("sheet", .text, help: "Excel: the sheet to read, by name or 1-based number (default: the first)"),
            OptionSpec("range", .text, help: "Excel: the cells to read, e.g. A1:H200; its first row is the header (default: all cells with values)"),
        ],
        notes: ["Types are inferred per column: integer, real, boolean (TRUE/FALSE), date (YYYY-MM-DD), else text.",
                "Missing by default: empty cells, NA and '.'. Loading replaces the current data, filters and outcome.",
                "Compressed text is read directly: PATH.csv.gz or PATH.tsv.gz (gzip) and a .zip holding one CSV/TSV file. "
                    + "The format is recognised by the file's first bytes, so a misnamed file is still read right. "
                    + "A gzip-compressed or zipped Stata/SPSS/SAS file (lung.dta.gz, lung.sav.gz) is read too. "
                    + "A file no reader takes is refused with the list of supported formats.",
                "In the shell, a load that takes more than a second shows its progress (rows, MB, MB/s) on one line of stderr, "
                    + "erased when it ends; Ctrl-C stops any load and keeps the previous data.",
                "Stata .dta, SPSS .sav/.zsav/.por and SAS .sas7bdat/.xpt are read with ReadStat: every kind of missing value "
                    + "(., .a-.z, SAS .A-.Z and ._, SPSS user-missing values and ranges, empty strings, and a NaN stored as a number, "
                    + "as haven reads it as NA) becomes missing and the kinds "
                    + "found are listed (and shown by describe) and kept cell by cell, so save writes them back where the format holds "
                    + "them (tagged missings in .dta, user-missing values in .sav/.por); date formats become dates, date-times seconds since 1970-01-01 UTC "
                    + "(a real column that save writes back as the format's date-time: Stata %tc, SPSS DATETIME, an Excel date-time) "
                    + "and times seconds since midnight (with a note). SPSS numbers shown without decimals (F8.0) are integers. "
                    + "A stored Inf stays Inf: analyses refuse it, naming the column and row.",
                "Times and clocks: a date-time (Stata %tc, SPSS DATETIME, SAS DATETIME/DATEAMPM/E8601DT, an Excel date with a time) "
                    + "is seconds since 1970-01-01 00:00 UTC, as R's POSIXct: head shows it as YYYY-MM-DD HH:MM:SS, generate keeps it "
                    + "one (dt + 3600; dt2 - dt1 is seconds) and save writes it back as a date-time. Stata's leap-second clock %tC "
                    + "has its leap seconds taken off, so it reads as the clock time Stata shows (haven keeps them: up to 27 s later; "
                    + "saved back as %tc). A time (SPSS TIME/DTIME/MTIME, SAS TIME/TOD/HHMM) is a plain number of seconds, as haven's "
                    + "hms: since midnight for a time of day, more than a day for a duration; it is saved as a number. Excel: a clock "
                    + "format (h:mm, h:mm AM/PM) on a serial under a day is seconds since midnight (readxl gives a date-time on "
                    + "1899-12-31), an elapsed format ([h]:mm:ss) seconds of the whole value (36:00:00 is 129600); a clock format on a "
                    + "serial of a day or more hides a date and reads as the date-time readxl gives, and so does a column mixing them.",
                "Value labels make a labelled column text whose levels are the labels in value order, which is also its level "
                    + "order (as haven's as_factor: the lowest value is the reference level); labels=codes keeps the numbers. "
                    + "Variable labels are kept: describe lists them and 'set labels=on' shows them in tables and figures.",
                "cols= keeps memory to the columns named: a CSV/TSV reader skips the others while parsing (a 10^8-row file "
                    + "with 13 of its 15 columns needs 13 x 0.8 GB); other formats are read whole, then cut.",
                "lazy=on (a plain CSV/TSV file; other formats are read whole): load reads the whole file once to report what "
                    + "an eager load reports (errors, rows, types, warnings), keeps the file mapped, and parses a column when a "
                    + "command first needs it: km, logrank and cox parse the columns their line names, any other command every "
                    + "column left. Everything printed is what lazy=off prints. lazy=auto, the default, is lazy for a file of 256 MB "
                    + "(256 x 2^20 bytes) or more, a registry's, of which a session uses a few columns: a 10^7-row file of 15 "
                    + "columns loads in about a second and holds only the columns used; lazy=off reads every column at load, and so "
                    + "does lazy=auto when cols= names the columns to read (a lazy load would read the file twice). A "
                    + "file changed in place after a lazy load is refused (load it again); one replaced by a new file (a rename) "
                    + "is still read as it was loaded.",
                "Excel .xlsx/.xlsm: one sheet (sheet=); the header is the first row of the range (default: the rectangle holding every "
                    + "cell with a value; empty rows after the last value are dropped). Shared and inline strings, numbers, booleans; "
                    + "numbers with a date format become dates (1900 and 1904 date systems), with a date-time format seconds since "
                    + "1970-01-01 UTC (saved back as date-times), with a time format seconds (see Times above; with a note). Types as for CSV: a column of whole "
                    + "numbers is integer (Excel has one number type, so 2.0 reads as 2), of numbers real, of dates date, a mix text. "
                    + "Empty cells, error cells (#N/A) and text equal to an na= token are missing. A merged header cell over several "
                    + "columns names them NAME, NAME_2, NAME_3...; merged data cells keep their value in the first cell only. "
                    + "Password-protected workbooks and old .xls files are refused (save as .xlsx or CSV)."],
        examples: ["load data/lung.csv", "load data/net_liver_mets.csv", "load data/veteran.csv na=NA,-99", "load data/lung.csv cols=time,status,age-ph.ecog",
                   "load Tests/SurvshCoreTests/Fixtures/xlsx/lung.xlsx",
                   "load Tests/SurvshCoreTests/Fixtures/xlsx/sheets.xlsx sheet=second range=B2:D6"],
        topic: "data").using(.none)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(1, 1, what: "the file to load")
        let path = args.positional[0].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        let resolved = session.resolvePath(path)
        var options = ReadOptions(cancel: Interrupt.cancellation)
        if let na = args.options["na"] {
            options.naTokens = na.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        }
        switch args.options["sep"] {
        case "comma": options.delimiter = UInt8(ascii: ",")
        case "tab": options.delimiter = UInt8(ascii: "\t")
        case "semicolon": options.delimiter = UInt8(ascii: ";")
        default: break
        }
        options.valueLabelCodes = args.options["labels"] == "codes"
        if let cols = args.options["cols"] {
            options.columns = cols.split(separator: ",").map { String($0) }
            if options.columns!.isEmpty { throw SurvshError.usage("load", "cols= names no column", expected: "cols=NAME,FIRST-LAST,... e.g. cols=time,status,x1-x10") }
        }
        options.sheet = args.options["sheet"]
        options.range = args.options["range"]
        if let range = options.range, !XLSXReader.isValidRange(range) {
            throw SurvshError.usage("load", "range=\(range) is not a cell range", expected: "range=A1:H200 (top-left:bottom-right cells)")
        }
        if options.sheet != nil || options.range != nil, !XLSXReader.isWorkbook(path: resolved),
           !XLSXReader.fileExtensions.contains((resolved as NSString).pathExtension.lowercased()) {
            throw SurvshError.usage("load", "sheet= and range= apply to Excel workbooks only, not '\(path)'", expected: "load PATH.xlsx [sheet=NAME|N] [range=A1:H200]")
        }
        // A load that takes more than a second shows a progress line (the shell only); Ctrl-C stops the
        // read and the hashing for the transcript alike, before anything of the session is replaced.
        let progress = LoadProgress()
        options.progress = progress
        let lazy = (args.options["lazy"].flatMap(LazyLoad.init(rawValue:)) ?? session.settings.lazyLoad)
            .applies(toFileAt: resolved, selectingColumns: options.columns != nil)
        let hash = session.startTranscriptHash(of: resolved, cancel: options.cancel)
        defer { hash?.abandon() } // a read that failed: the hash is not waited for
        let (read, sha256) = try ProgressLine.run(progress, enabled: session.showsProgress) {
            let read: (frame: DataFrame, rows: Int, format: String, warnings: [String])
            if lazy, let r = try DataReaders.readLazily(path: resolved, options: options) {
                read = (DataFrame(lazy: r, source: path), r.rowCount, r.formatDescription, r.warnings)
            } else {
                let r = try DataReaders.read(path: resolved, options: options)
                read = (DataFrame(columns: r.columns, source: path), r.rowCount, r.formatDescription, r.warnings)
            }
            return (read, try hash?.wait())
        }
        let hadData = !session.frame.isEmpty
        session.replaceData(read.frame, file: (path, resolved), sha256: sha256)
        let types: [(name: String, type: ColumnType)] = read.frame.pending.map { p in zip(p.order, p.table.types(of: p.order)).map { ($0, $1) } }
            ?? read.frame.columns.map { ($0.name, $0.type) }
        var counts: [ColumnType: Int] = [:]
        for c in types { counts[c.type, default: 0] += 1 }
        let typeSummary = ColumnType.allCases.compactMap { t in counts[t].map { "\($0) \(t.rawValue)" } }.joined(separator: ", ")
        var lines = ["\(path): \(plural(read.rows, "row")) x \(plural(types.count, "column")) (\(read.format))",
                     "columns: \(typeSummary)"]
        if hadData { lines.append("the previous data, filters and results were replaced") }
        var j = JSONObject(command: "load")
        j["file"] = .string(path)
        j["rows"] = .int(read.rows)
        j["columns"] = .int(types.count)
        j["format"] = .string(read.format)
        j["types"] = .object(types.map { ($0.name, .string($0.type.rawValue)) })
        return CommandOutput(text: lines.joined(separator: "\n"), json: j.value, warnings: read.warnings)
    }
}
