// SplitCommand.swift — `split at=T1,T2,...|events`: cut each row's follow-up into (start, stop]
// episodes, as R's survSplit(Surv(time, status) ~ ., cut = ..., episode = "episode").
//
// Every loaded row is split (filters carry over to the episodes of the rows they kept). The columns
// are named as survSplit names them: the episode start `tstart` (or the counting-process start
// column), the episode end in the time column, the event (0 on every episode but the last) in the
// event column, and `episode`. A time or event written as an expression gets a new column, `tstop`
// or `event`, as survSplit does. The declared outcome becomes Surv(tstart, TIME, EVENT).

import SurvivalStats
import SurvshCore

public enum SplitCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "split", aliases: ["stsplit"],
        summary: "cut each row's follow-up into (start, stop] episodes at given times or every event time (R's survSplit)",
        synopsis: ["split [Surv(TIME, EVENT)] at=T1,T2,...|events [start=tstart] [episode=episode] [id=NAME]"],
        body: .formula,
        options: [
            OptionSpec("at", .text, help: "cut times T1,T2,... or 'events' (every distinct event time, as coxph's tt())"),
            OptionSpec("start", .text, default: "tstart", help: "name of the new column holding each episode's start"),
            OptionSpec("episode", .text, default: "episode", help: "name of the new column numbering the episodes"),
            OptionSpec("id", .text, help: "name of a new column holding the row number each episode came from (for cluster())"),
        ],
        notes: ["As R's survSplit(Surv(TIME, EVENT) ~ ., cut = c(T1, T2, ...), episode = \"episode\"): a cut strictly",
                "inside a row's (start, stop] starts a new episode; the event stays on the last episode, the others are",
                "censored (0); every other column is copied. episode = 1 + the number of cuts at or before the episode's start.",
                "The outcome becomes Surv(tstart, TIME, EVENT): TIME now holds each episode's end. A time or event given as an",
                "expression (Surv(time/365.25, status == 2)) gets the new columns tstop and event, as in R.",
                "The event column is rewritten as 0/1, as survSplit writes it (lung's 1/2 status becomes 0/1; TRUE/FALSE too).",
                "With a counting-process outcome Surv(START, STOP, EVENT), the (START, STOP] intervals are split in place.",
                "at=events cuts at every distinct event time of the active rows: cox then fits time-varying terms such as",
                "'generate karno_lt = karno * log(time + 20)' as coxph(..., tt = function(x, t, ...) x * log(t + 20)) does.",
                "Cut times outside every row's follow-up make no episode: R ignores them silently, survsh ignores them with a",
                "warning naming them, and refuses the command when no cut time falls inside any row's follow-up.",
                "Every time must be > 0 for Surv(TIME, EVENT) (episodes start at 0, as R's zero = 0).",
                "Every loaded row is split; filters keep the episodes of the rows they kept (unfilter still works)."],
        examples: ["load data/lung.csv", "survival time status", "split at=183,365 id=id",
                   "cox ~ age + sex + cluster(id)", "load data/veteran.csv", "split Surv(time, status) at=events"],
        topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("split")
        let declared = try declaration(args)
        guard let atText = args.options["at"] else {
            throw SurvshError.usage("split", "missing at=", expected: "at=T1,T2,... (cut times) or at=events")
        }
        let outcome = try OutcomeRows.read(session, declaration: declared, command: "split")
        try checkIntervals(outcome, command: "split")
        let byEvents = atText == "events"
        let cancel = Interrupt.cancellation
        var cuts = byEvents ? try eventTimes(outcome, session: session, cancel: cancel) : try parseTimes(atText)
        let sorted = SurvivalTimeOrder.sorted(cuts, cancel: cancel)   // (at=events: up to one a row)
        try cancel.check()
        let distinct = try cancel.filter(0..<sorted.count) { $0 == 0 || sorted[$0] != sorted[$0 - 1] }
        cuts = try cancel.map(count: distinct.count) { sorted[distinct[$0]] }
        let starts = try outcome.start ?? cancel.map(count: outcome.stop.count) { _ in 0.0 }   // (polled: 80 MB at 10^7 rows)
        let unused = try EpisodeSplit.unusedCuts(start: starts, stop: outcome.stop, cuts: cuts, cancel: cancel)
        if unused.count == cuts.count {
            throw SurvshError.data("split", "no cut time lies inside any row's follow-up (\(timesText(cuts.count > 6 ? Array(cuts.prefix(6)) : cuts))\(cuts.count > 6 ? ", ..." : ""))",
                                   expected: "cut times between the start and the end of some row's follow-up")
        }
        let names = try columnNames(outcome, start: args.options["start"], episode: args.string("episode") ?? "episode",
                                    id: args.options["id"], session: session, command: "split")
        let episodeName = names.episode ?? "episode"
        let episodes = try EpisodeSplit.count(start: starts, stop: outcome.stop, cuts: cuts, cancel: cancel)
        try SystemMemory.require(values: (episodes, session.frame.columns.count + 4),
                                 what: "splitting into \(episodes) rows x \(session.frame.columns.count + 4) columns", command: "split")
        let pieces = try EpisodeSplit.split(start: starts, stop: outcome.stop, cuts: cuts, episodes: episodes, cancel: cancel)
        var columns = try EpisodeColumns(session.frame, parents: pieces.row, cancel: cancel)
        let integer = outcome.timeIsInteger(session) && cuts.allSatisfy { $0 == $0.rounded() }
        try columns.set(names.start, pieces.start, integer: integer)
        try columns.set(names.stop, pieces.end, integer: integer)
        try columns.set(names.event, episodeEvents(pieces, outcome, cancel: cancel), integer: true)
        try columns.set(episodeName, cancel.map(count: pieces.count) { Double(pieces.interval[$0] + 1) }, integer: true)
        if let id = names.id { try columns.set(id, cancel.map(count: pieces.count) { Double(pieces.row[$0] + 1) }, integer: true) }
        let rowsBefore = session.frame.rowCount
        let added = ([names.start, episodeName] + (names.id.map { [$0] } ?? [])).filter { session.frame.index(of: $0) == nil }
        let newOutcome = OutcomeDeclaration(start: names.start, time: names.stop, event: names.event)
        // The data change; a Ctrl-C during the summary of the new rows puts the old ones back.
        let (data, intervals) = try session.replaceRows(columns.frame, parents: pieces.row, outcome: newOutcome) {
            let data = try CompleteCases.survival(SurvivalResponse(spec: SurvSpec(start: names.start, time: names.stop, event: names.event)),
                                                  covariates: [], session: session, command: "split")
            return (data, byEvents ? nil : try intervalTable(cuts: cuts, pieces: pieces, data: data, session: session,
                                                             episodeColumn: episodeName, cancel: cancel))
        }
        let table = intervals?.table

        let cutText = byEvents ? "the \(plural(cuts.count, "distinct event time"))" : timesText(cuts)
        var lines = ["split at \(cutText): \(plural(rowsBefore, "row")) became \(plural(pieces.count, "row")) (\(plural(pieces.count - rowsBefore, "new episode")))",
                     "outcome: \(newOutcome.formulaText): \(data.countsText)"]
        if let table { lines += ["", table.title, table.textTable(leftAligned: [1])] }
        let rCall = byEvents ? "cut = the distinct event times" : "cut = c(\(timesText(cuts)))"
        lines += ["Cut as R's survSplit(\(outcome.declaration.formulaText) ~ ., \(rCall), episode = \"\(episodeName)\"):",
                  "a cut strictly inside (start, stop) starts an episode; only a row's last episode keeps its event.",
                  "New columns: \(added.joined(separator: ", ")); \(names.stop) now ends each episode."]
        var j = JSONObject(command: "split")
        j["outcome"] = .string(newOutcome.formulaText)
        j["cut_at"] = .string(byEvents ? "events" : "times")
        j["cuts"] = .array(cuts.map { .number($0) })
        j["unused_cuts"] = .array(unused.map { .number($0) })
        j["rows_before"] = .int(rowsBefore)
        j["rows"] = .int(pieces.count)
        j["n"] = .int(data.n)
        j["events"] = .int(data.events)
        j["columns"] = .object([("start", .string(names.start)), ("stop", .string(names.stop)), ("event", .string(names.event)),
                                ("episode", .string(episodeName)), ("id", names.id.map { .string($0) } ?? .null)])
        if let intervals { j["intervals"] = intervals.json }
        var warnings = data.warnings
        if !unused.isEmpty && !byEvents {
            warnings.append("\(plural(unused.count, "cut time")) outside every row's follow-up made no episode (R ignores them too): \(timesText(unused))")
        }
        return CommandOutput(text: lines.joined(separator: "\n"), json: j.value, warnings: warnings, tables: table.map { [$0] } ?? [])
    }

    /// The outcome given inline (`split Surv(time, status) at=...`), or nil for the declared one.
    static func declaration(_ args: Arguments) throws -> OutcomeDeclaration? {
        let words = args.positional
        if words.isEmpty { return nil }
        guard words.count == 1, words[0].hasPrefix("Surv("), let s = try Formula.parse(words[0], command: "split").surv else {
            throw SurvshError.usage("split", "unexpected '\(words.joined(separator: " "))'", expected: spec.synopsis[0])
        }
        return OutcomeDeclaration(start: s.start, time: s.time, event: s.event)
    }

    /// survSplit's checks: times after 0 for Surv(TIME, EVENT), start before stop for counting data.
    static func checkIntervals(_ o: OutcomeRows, command: String) throws {
        for i in o.stop.indices {
            try Interrupt.check(command, at: i)
            let stop = o.stop[i]
            if let start = o.start?[i] {
                if start >= stop {
                    throw SurvshError.data(command, "row \(i + 1) has start \(NumberFormat.label(start)) not before stop \(NumberFormat.label(stop))",
                                           expected: "start < stop in every row (as R's survSplit)")
                }
            } else if stop <= 0 {
                throw SurvshError.data(command, "row \(i + 1) has time \(NumberFormat.label(stop)), but episodes start at 0",
                                       expected: "every time > 0 (R's survSplit: 'zero' must be less than any observed time)")
            }
        }
    }

    /// The event of each episode as survSplit writes it: 0 where the episode ends at a cut, else
    /// the row's event as 0/1 (NaN where it is missing or invalid). Polled by `cancel`.
    static func episodeEvents(_ pieces: EpisodeSplit.Result, _ o: OutcomeRows, cancel: Cancellation) throws -> [Double] {
        try cancel.map(count: pieces.row.count) { k in pieces.censored[k] ? 0 : o.event[pieces.row[k]].map { $0 ? 1 : 0 } ?? .nan }
    }

    /// The event times (with repeats) of the active rows with a complete outcome; polled by `cancel`.
    static func eventTimes(_ o: OutcomeRows, session: Session, cancel: Cancellation) throws -> [Double] {
        let active = session.activeRows
        var times: [Double] = []
        guard cancel.inBlocks(active.indices, { ks in
            for k in ks {
                let r = active[k]
                if o.event[r] == true && !o.stop[r].isNaN && !(o.start?[r].isNaN ?? false) { times.append(o.stop[r]) }
            }
        }) else { throw CancellationError() }
        return times
    }

    static func parseTimes(_ text: String) throws -> [Double] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let x = Double(part.trimmingCharacters(in: .whitespaces)), x.isFinite else {
                throw SurvshError.usage("split", "'\(part)' in at=\(text) is not a number", expected: "at=T1,T2,... or at=events")
            }
            return x
        }
    }

    /// survSplit's column names: the outcome's own columns where they are columns, else tstop and
    /// event; the start column given (or the counting-process start); episode and id when wanted.
    /// New names may not overwrite a column of the data other than the outcome's or `allowed`.
    static func columnNames(_ o: OutcomeRows, start given: String?, episode: String?, id: String?, allowed: [String] = [],
                            session: Session, command: String)
        throws -> (start: String, stop: String, event: String, episode: String?, id: String?) {
        let frameStart = o.spec.start.flatMap { OutcomeRows.isFrameColumn($0, session) ? $0 : nil }
        let start = given ?? frameStart ?? "tstart"
        let stopIsColumn = OutcomeRows.isFrameColumn(o.spec.time, session)
        let eventIsColumn = OutcomeRows.isFrameColumn(o.spec.event, session)
        let stop = stopIsColumn ? o.spec.time : "tstop"
        let event = eventIsColumn ? o.spec.event : "event"
        let own = [frameStart, stop, event].compactMap { $0 }
        try requireNewColumn(start, in: session, command: command, option: "start", allowed: own)
        if !stopIsColumn { try requireNewColumn(stop, in: session, command: command, allowed: allowed) }
        if !eventIsColumn { try requireNewColumn(event, in: session, command: command, allowed: allowed) }
        if let episode { try requireNewColumn(episode, in: session, command: command, option: "episode") }
        if let id { try requireNewColumn(id, in: session, command: command, option: "id") }
        let all = [start, stop, event] + [episode, id].compactMap { $0 }
        if Set(all + allowed).count != all.count + allowed.count {
            throw SurvshError.usage(command, "the new columns need different names (\((all + allowed).joined(separator: ", ")))",
                                    expected: "distinct names for the episode start, end, event and the other new columns")
        }
        return (start, stop, event, episode, id)
    }

    /// Episodes by interval between the cuts: rows, events and time at risk of the complete active
    /// rows (a pass over them, polled: 0.1 s of CPU at 2*10^7 episodes).
    static func intervalTable(cuts: [Double], pieces: EpisodeSplit.Result, data: SurvivalData, session: Session,
                              episodeColumn: String, cancel: Cancellation) throws -> (table: ResultTable, json: JSONValue) {
        var rows = [Int](repeating: 0, count: cuts.count + 1), events = rows
        var atRisk = [Double](repeating: 0, count: cuts.count + 1)
        guard cancel.inBlocks(data.rows.indices, { ks in
            for k in ks {
                let e = pieces.interval[data.rows[k]]
                rows[e] += 1
                if data.event[k] { events[e] += 1 }
                atRisk[e] += data.time[k] - (data.start?[k] ?? 0)
            }
        }) else { throw CancellationError() }
        let labels = (0...cuts.count).map { e -> String in
            if e == 0 { return "up to \(NumberFormat.label(cuts[0]))" }
            if e == cuts.count { return "after \(NumberFormat.label(cuts[e - 1]))" }
            return "(\(NumberFormat.label(cuts[e - 1])), \(NumberFormat.label(cuts[e]))]"
        }
        let table = ResultTable(title: "Episodes by interval (complete active rows):",
                                header: [episodeColumn, "interval", "rows", "events", "time at risk"],
                                rows: (0...cuts.count).map { [String($0 + 1), labels[$0], String(rows[$0]), String(events[$0]), session.fmt(atRisk[$0])] },
                                name: "intervals")
        let json = JSONValue.array((0...cuts.count).map { e in
            .object([("episode", .int(e + 1)), ("from", e == 0 ? .null : .number(cuts[e - 1])), ("to", e == cuts.count ? .null : .number(cuts[e])),
                     ("rows", .int(rows[e])), ("events", .int(events[e])), ("time_at_risk", .number(atRisk[e]))])
        })
        return (table, json)
    }
}
