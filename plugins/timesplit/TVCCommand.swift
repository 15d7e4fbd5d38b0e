// TVCCommand.swift — `tvc PATH id=ID time=COL [vars=a,b]`: time-dependent covariates from a long
// table of dated values, joined by id, as R's tmerge(data, long, id = ID, a = tdc(COL, a), ...).
//
// The data hold one row per id with the declared outcome Surv(TIME, EVENT) over (0, TIME]. The
// table (a file, read as `load` reads it and recorded in the transcript as `load` records it)
// holds rows (id, time, values). Each row's (0, TIME] is cut at every time of its id strictly
// inside it at which some variable has a value; on each episode (s, e] a variable takes its last
// non-missing value dated at or before s (missing before its first; of two values dated alike the
// later in the file). The event stays on the last episode. The outcome becomes Surv(tstart, TIME, EVENT).

import SurvivalStats
import SurvshCore

public enum TVCCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "tvc",
        summary: "add time-dependent covariates from a long table of dated values joined by id (R's tmerge with tdc)",
        synopsis: ["tvc PATH id=ID time=COL [vars=A,B,...] [start=tstart]"], body: .path,
        options: [
            OptionSpec("id", .column, help: "the id column, in the data (one row per id) and in the table"),
            OptionSpec("time", .text, help: "the table's column of dates (times on the outcome's scale) at which values apply"),
            OptionSpec("vars", .text, help: "the table's columns to use (default: all but id and time)"),
            OptionSpec("start", .text, default: "tstart", help: "name of the new column holding each episode's start"),
        ],
        notes: ["As R's tmerge(data, table, id = ID, A = tdc(COL, A), B = tdc(COL, B)) after tmerge(data, data, id = ID,",
                "EVENT = event(TIME, EVENT)): each row's (0, TIME] is cut at the table's times of its id strictly inside it;",
                "on an episode (s, e] a variable takes its last non-missing value dated at or before s (R's na.rm = TRUE:",
                "a missing value carries the previous one forward); before its first value it is missing; of two values",
                "dated alike the later one in the file wins. A value dated at or before 0 applies from the start.",
                "The event stays on each row's last episode (0 on the others), written 0/1 as split writes it (tmerge's event()",
                "would keep the status codes); a column of the data named as a variable is",
                "replaced. The outcome becomes Surv(tstart, TIME, EVENT) (TIME holds each episode's end; a time or event",
                "written as an expression gets the column tstop or event, as split). Ids of the table not in the data are",
                "ignored, as tmerge does. Use cluster(ID) in cox for a robust se over each id's rows.",
                "The table is read as load reads a file (header row; NA, empty and '.' missing) and recorded in the transcript."],
        examples: ["load data/pbc.csv", "filter id <= 312", "survival Surv(time, status == 2)",
                   "tvc data/pbcseq.csv id=id time=day vars=bili,albumin,protime", "cox ~ log(bili) + log(protime) + albumin"],
        topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(1, 1, what: "the table's file (tvc PATH id=ID time=COL)")
        guard let idName = args.options["id"], let timeName = args.options["time"] else {
            throw SurvshError.usage("tvc", "missing \(args.options["id"] == nil ? "id=" : "time=")", expected: spec.synopsis[0])
        }
        let o = try OutcomeRows.read(session, command: "tvc")
        if o.start != nil {
            throw SurvshError.data("tvc", "the outcome \(o.declaration.formulaText) is already counting-process data",
                                   expected: "one row per id with 'survival TIME EVENT'")
        }
        try SplitCommand.checkIntervals(o, command: "tvc")
        let baseId = try session.column(idName, for: "tvc")
        let path = Arguments.unquote(args.positional[0])
        let cancel = Interrupt.cancellation
        let long = try readTable(path, session: session, cancel: cancel)
        func tableColumn(_ name: String, role: String) throws -> Column {
            guard let c = long.column(name) else {
                throw SurvshError.data("tvc", "\(path) has no column '\(name)' (\(role))", expected: expectedColumn(among: long.names),
                                       suggestion: didYouMean(name, among: long.names))
            }
            return c
        }
        let longId = try tableColumn(idName, role: "id=")
        let longTime = try tableColumn(timeName, role: "time=")
        guard longTime.isNumeric, longTime.type != .date else {
            throw SurvshError.data("tvc", "time column '\(timeName)' of \(path) is \(longTime.type.rawValue)", expected: "numeric times on the outcome's scale")
        }
        let vars = try variables(args, long: long, exclude: [idName, timeName], outcome: o.declaration, path: path)
        for v in vars { _ = try tableColumn(v, role: "vars=") }

        // Each table row's data row (by id), then per variable and data row the dated values in time order.
        let times = try IdJoin.timesOrNil(longTime, cancel: cancel)
        let join = try IdJoin.make(data: baseId, table: longId, times: times, cancel: cancel)
        let varColumns = vars.map { long.column($0)! }
        let dated = try varColumns.map { c in
            try DatedValues(baseRow: join.baseRow, times: times, dataRows: baseId.count, counts: { !c.missing[$0] }, cancel: cancel)
        }
        // the dates of any variable (the cut times); the one variable's when there is one
        let anyDated = vars.count == 1 ? dated[0]
            : try DatedValues(baseRow: join.baseRow, times: times, dataRows: baseId.count,
                              counts: { r in varColumns.contains { !$0.missing[r] } }, cancel: cancel)
        let cuts = try anyDated.cuts(cancel: cancel)

        let names = try SplitCommand.columnNames(o, start: args.string("start") ?? "tstart", episode: nil, id: nil,
                                                 allowed: vars, session: session, command: "tvc")
        let stops = o.stop
        try Interrupt.check("tvc")
        let zeros = try cancel.map(count: stops.count) { _ in 0.0 }   // (80 MB at 10^7 rows: its pages fault in between polls)
        let pieces = try EpisodeSplit.split(start: zeros, stop: stops, cancel: cancel) { i in
            cuts.times[cuts.offsets[i]..<cuts.offsets[i + 1]]
        }
        var columns = try EpisodeColumns(session.frame, parents: pieces.row, cancel: cancel)
        let integer = o.timeIsInteger(session) && longTime.type == .integer
        try columns.set(names.start, pieces.start, integer: integer)
        try columns.set(names.stop, pieces.end, integer: integer)
        try columns.set(names.event, SplitCommand.episodeEvents(pieces, o, cancel: cancel), integer: true)
        for (v, c) in varColumns.enumerated() {
            let rows = try cancel.map(count: pieces.count) { k in dated[v].lastValue(of: pieces.row[k], atOrBefore: pieces.start[k]) }
            var column = try c.gathering(rows, cancel: cancel)
            column.name = vars[v]
            columns.set(column)
        }
        let rowsBefore = session.frame.rowCount
        let newOutcome = OutcomeDeclaration(start: names.start, time: names.stop, event: names.event)
        // Per variable: values read for ids of the data, and active rows left without a value (an
        // episode is active when its row was); counted here, polled, not after the data change.
        let activeRow = try activeMask(session, cancel: cancel)
        var summary: [[String]] = [], summaryJSON: [JSONValue] = []
        for (v, name) in vars.enumerated() {
            let values = dated[v].count
            guard let column = columns.frame.column(name) else { continue }   // (set above)
            var missing = 0
            guard cancel.inBlocks(0..<pieces.count, { ks in for k in ks where activeRow[pieces.row[k]] && column.missing[k] { missing += 1 } })
            else { throw CancellationError() }
            summary.append([name, String(values), String(missing)])
            summaryJSON.append(.object([("name", .string(name)), ("values", .int(values)), ("rows_missing", .int(missing))]))
        }
        var idsMatched = 0
        guard cancel.inBlocks(0..<rowsBefore, { rs in for r in rs where anyDated.hasValues(r) { idsMatched += 1 } })
        else { throw CancellationError() }
        let (unmatched, incomplete) = (join.unmatchedIds, join.incomplete)
        // The data change; a Ctrl-C during the summary of the new rows puts the old ones back.
        let data = try session.replaceRows(columns.frame, parents: pieces.row, outcome: newOutcome) {
            try CompleteCases.survival(SurvivalResponse(spec: SurvSpec(start: names.start, time: names.stop, event: names.event)),
                                       covariates: [], session: session, command: "tvc")
        }
        // The output: not to be stopped now that the rows are the new ones.
        return try Interrupt.ignored { () throws -> CommandOutput in
            let result = ResultTable(title: "Time-dependent covariates from \(path):", header: ["variable", "values read", "active rows without a value"],
                                     rows: summary, name: "covariates")
            let lines = ["tvc: \(plural(rowsBefore, "row")) became \(plural(pieces.count, "row")) at the dates in \(path) "
                         + "(\(plural(long.rowCount, "row")), \(plural(idsMatched, "id")) matched)",
                         "outcome: \(newOutcome.formulaText): \(data.countsText)",
                         "", result.title, result.textTable(),
                         "As R's tmerge(data, table, id = \(idName), \(vars[0]) = tdc(\(timeName), \(vars[0]))\(vars.count > 1 ? ", ..." : "")): each value holds",
                         "from its date on (the last non-missing value at or before an episode's start); the event stays on the last episode."]
            var j = JSONObject(command: "tvc")
            j["file"] = .string(path)
            j["outcome"] = .string(newOutcome.formulaText)
            j["rows_before"] = .int(rowsBefore)
            j["rows"] = .int(pieces.count)
            j["n"] = .int(data.n)
            j["events"] = .int(data.events)
            j["variables"] = .array(summaryJSON)
            j["table_rows"] = .int(long.rowCount)
            j["ids_unmatched"] = .int(unmatched)
            var warnings = data.warnings
            if unmatched > 0 { warnings.append("ids of \(path) not in the data were ignored, as tmerge does: \(unmatched)") }
            if incomplete > 0 { warnings.append("rows of \(path) with a missing id or time were ignored: \(incomplete)") }
            return CommandOutput(text: lines.joined(separator: "\n"), json: j.value, warnings: warnings, tables: [result])
        }
    }

    /// Whether each loaded row is active (kept by every filter), polled.
    static func activeMask(_ session: Session, cancel: Cancellation) throws -> [Bool] {
        var active = [Bool](repeating: false, count: session.frame.rowCount)
        let rows = session.activeRows
        guard cancel.inBlocks(rows.indices, { ks in for k in ks { active[rows[k]] = true } }) else { throw CancellationError() }
        return active
    }

    /// The variables: vars= or every column of the table but id and time; none may be the outcome's.
    static func variables(_ args: Arguments, long: DataFrame, exclude: [String], outcome: OutcomeDeclaration, path: String) throws -> [String] {
        let vars = args.options["vars"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            ?? long.names.filter { !exclude.contains($0) }
        if vars.isEmpty { throw SurvshError.data("tvc", "\(path) has no columns besides the id and time", expected: "columns of dated values") }
        if let clash = vars.first(where: { outcome.columnsRead.contains($0) }) {
            throw SurvshError.usage("tvc", "'\(clash)' is a column of the outcome \(outcome.formulaText)",
                                    expected: "vars=A,B naming the covariates of \(path) only")
        }
        if let twice = vars.first(where: { v in vars.filter { $0 == v }.count > 1 }) {
            throw SurvshError.usage("tvc", "'\(twice)' is listed twice in vars=", expected: "each variable once")
        }
        return vars
    }

    /// The table, read as `load` reads a file (Ctrl-C stops the read and the hashing for the
    /// transcript, before the data change) and recorded as `load` records its file.
    static func readTable(_ path: String, session: Session, cancel: Cancellation) throws -> DataFrame {
        let resolved = session.resolvePath(path)
        let table = try DataReaders.read(path: resolved, options: ReadOptions(cancel: cancel), command: "tvc")
        let sha256 = try session.transcriptHash(of: resolved, cancel: cancel)
        session.noteDataFileRead(path: path, resolved: resolved, sha256: sha256)
        return DataFrame(columns: table.columns, source: path)
    }
}
