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
        let resolved = session.resolvePath(path)
        let table = try DataReaders.read(path: resolved, options: ReadOptions(), command: "tvc")
        session.noteDataFileRead(path: path, resolved: resolved)
        let long = DataFrame(columns: table.columns, source: path)
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

        // One row of the data per id.
        var rowOfId: [String: Int] = [:]
        for r in 0..<baseId.count {
            try Interrupt.check("tvc", at: r)
            guard let k = key(baseId, r) else { continue }
            if let first = rowOfId[k] {
                throw SurvshError.data("tvc", "id \(k) is in rows \(first + 1) and \(r + 1) of the data",
                                       expected: "one row per id (tvc makes the episodes; load the one-row-per-id data)")
            }
            rowOfId[k] = r
        }
        // Per variable and data row: the table's (time, row) of present values, by time (later in the file last).
        var unmatched = Set<String>(), incomplete = 0
        var dated = [[Int: [(time: Double, row: Int)]]](repeating: [:], count: vars.count)
        let varColumns = vars.map { long.column($0)! }
        for r in 0..<long.rowCount {
            try Interrupt.check("tvc", at: r)
            guard let k = key(longId, r), let t = longTime.number(at: r) else { incomplete += 1; continue }
            guard let baseRow = rowOfId[k] else { unmatched.insert(k); continue }
            for (v, c) in varColumns.enumerated() where !c.missing[r] { dated[v][baseRow, default: []].append((t, r)) }
        }
        // Each id's dates in order (polled per id and inside a long list: 10^7 ids or dates).
        let cancel = Interrupt.cancellation
        var sortedLists = 0
        for v in dated.indices {
            // in place, by index: assigning by key while iterating the dictionary copied all of it
            var i = dated[v].values.startIndex
            while i != dated[v].values.endIndex {
                try Interrupt.check("tvc", at: sortedLists)
                sortedLists += 1
                dated[v].values[i] = try stableSortedByTime(dated[v].values[i], cancel: cancel)
                dated[v].values.formIndex(after: &i)
            }
        }

        let names = try SplitCommand.columnNames(o, start: args.string("start") ?? "tstart", episode: nil, id: nil,
                                                 allowed: vars, session: session, command: "tvc")
        let stops = o.stop
        try Interrupt.check("tvc")
        let pieces = try EpisodeSplit.split(start: [Double](repeating: 0, count: stops.count), stop: stops,
                                            cancel: Interrupt.cancellation) { i in
            Array(Set(dated.flatMap { $0[i]?.map(\.time) ?? [] })).sorted()
        }
        var columns = try EpisodeColumns(session.frame, parents: pieces.row, cancel: cancel)
        let integer = o.timeIsInteger(session) && longTime.type == .integer
        try columns.set(names.start, pieces.start, integer: integer)
        try columns.set(names.stop, pieces.end, integer: integer)
        try columns.set(names.event, SplitCommand.episodeEvents(pieces, o, cancel: cancel), integer: true)
        for (v, c) in varColumns.enumerated() {
            let rows = try cancel.map(count: pieces.count) { k in lastValue(dated[v][pieces.row[k]], atOrBefore: pieces.start[k]) }
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
            let values = try count(dated[v].values) { $0.count }
            guard let column = columns.frame.column(name) else { continue }   // (set above)
            var missing = 0
            guard cancel.inBlocks(0..<pieces.count, { ks in for k in ks where activeRow[pieces.row[k]] && column.missing[k] { missing += 1 } })
            else { throw CancellationError() }
            summary.append([name, String(values), String(missing)])
            summaryJSON.append(.object([("name", .string(name)), ("values", .int(values)), ("rows_missing", .int(missing))]))
        }
        var matched = [Bool](repeating: false, count: rowsBefore)
        for v in dated.indices {
            for (k, row) in dated[v].keys.enumerated() {
                try Interrupt.check("tvc", at: k)
                matched[row] = true
            }
        }
        let idsMatched = try count(matched) { $0 ? 1 : 0 }
        // freeing the dated values (one small array per id and variable: seconds at 10^7 ids) and
        // the id index is left to a thread of its own
        BackgroundRelease.drop(&dated, leaving: [])
        BackgroundRelease.drop(&rowOfId, leaving: [:])
        try Interrupt.check("tvc")   // the last poll before the data change
        // The data change; what follows summarises it and must not be stopped.
        return try Interrupt.ignored { () throws -> CommandOutput in
            session.replaceRows(columns.frame, parents: pieces.row, outcome: newOutcome)
            let data = try CompleteCases.survival(SurvivalResponse(spec: SurvSpec(start: names.start, time: names.stop, event: names.event)),
                                                  covariates: [], session: session, command: "tvc")

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
            j["ids_unmatched"] = .int(unmatched.count)
            var warnings = data.warnings
            if !unmatched.isEmpty { warnings.append("ids of \(path) not in the data were ignored, as tmerge does: \(unmatched.count)") }
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

    /// The sum of `value` over `items`, polling Ctrl-C every `Cancellation.stride` items (10^7 ids).
    static func count<C: Collection>(_ items: C, _ value: (C.Element) -> Int) throws -> Int {
        var total = 0
        for (k, item) in items.enumerated() {
            try Interrupt.check("tvc", at: k)
            total += value(item)
        }
        return total
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

    /// An id as a join key: numbers by value (1 and 1.0 match), text as written; nil when missing.
    static func key(_ c: Column, _ row: Int) -> String? {
        if let x = c.number(at: row) { return NumberFormat.label(x) }
        return c.text(at: row)
    }

    /// `list` by time, ties in their order (stable); polled by `cancel`.
    static func stableSortedByTime(_ list: [(time: Double, row: Int)], cancel: Cancellation) throws -> [(time: Double, row: Int)] {
        list.count < 2 ? list : try cancel.sorted(list) { $0.time < $1.time }
    }

    /// The table row of the last value dated at or before `t` (the later in the file among ties), or -1.
    static func lastValue(_ list: [(time: Double, row: Int)]?, atOrBefore t: Double) -> Int {
        guard let list else { return -1 }
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].time <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? -1 : list[lo - 1].row
    }
}
