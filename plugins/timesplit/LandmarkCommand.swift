// LandmarkCommand.swift — `landmark T`: keep the rows still followed beyond T and restart their
// clock at T, so km, logrank and cox answer "given event-free and in follow-up at T".
//
// R has no function for it; by hand: d <- subset(d, time > T); d$time <- d$time - T. Every loaded
// row with time > T is kept (filters carry over), the time column is overwritten by time - T and
// the declared outcome stays. Counting-process outcomes are refused (who is at risk at T is not one
// row's question there), and so is a time written as an expression (it has no column to reset).

import SurvivalStats
import SurvshCore

public enum LandmarkCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "landmark",
        summary: "keep the rows followed beyond time T and reset their clock to time - T (landmark analysis)",
        synopsis: ["landmark T"], body: .words,
        notes: ["As R's d <- subset(d, time > T); d$time <- d$time - T, after 'survival TIME EVENT': rows whose time is",
                "> T stay (an event or censoring at exactly T drops the row), TIME becomes TIME - T, and km, logrank and",
                "cox then answer questions conditional on being event-free and followed at T (e.g. T = 183 days: 6 months).",
                "The rows dropped, and how many of them were events, are counted over the active rows.",
                "T must be 0 or more and below the longest time. A counting-process outcome Surv(START, STOP, EVENT) is",
                "refused, and so is a time written as an expression (generate it as a column first).",
                "Every loaded row is treated (filters carry over to the rows kept); load the file again to undo it."],
        examples: ["load data/lung.csv", "survival time status", "landmark 183", "km ~ sex", "cox ~ age + sex + ph.ecog"],
        topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(1, 1, what: "the landmark time T")
        guard let t = Double(args.positional[0]), t.isFinite else {
            throw SurvshError.usage("landmark", "'\(args.positional[0])' is not a number", expected: "landmark T with T a time >= 0")
        }
        guard t >= 0 else {
            throw SurvshError.usage("landmark", "the landmark time \(NumberFormat.label(t)) is negative", expected: "a time >= 0")
        }
        let o = try OutcomeRows.read(session, command: "landmark")
        if o.start != nil {
            throw SurvshError.data("landmark", "the outcome \(o.declaration.formulaText) is counting-process data",
                                   expected: "Surv(TIME, EVENT) with one row per subject ('survival TIME EVENT')")
        }
        guard OutcomeRows.isFrameColumn(o.spec.time, session) else {
            throw SurvshError.data("landmark", "the time of \(o.declaration.formulaText) is an expression, with no column to reset",
                                   expected: "a time column: generate it first (generate t = \(o.spec.time)) and declare 'survival t EVENT'")
        }
        let active = session.activeRows
        let cancel = Interrupt.cancellation   // every pass over the rows polls (each 20-100 ms at 10^7 rows)
        var longest: Double?   // of the active rows' times present
        guard cancel.inBlocks(active.indices, { ks in
            for k in ks {
                let v = o.stop[active[k]]
                if !v.isNaN && longest.map({ $0 < v }) ?? true { longest = v }
            }
        }) else { throw CancellationError() }
        guard let longest, t < longest else {
            throw SurvshError.data("landmark", "no active row has follow-up beyond \(NumberFormat.label(t))"
                                   + (longest.map { " (the longest time is \(NumberFormat.label($0)))" } ?? ""),
                                   expected: "a landmark time below the longest follow-up")
        }
        let kept = try cancel.filter(0..<o.stop.count) { o.stop[$0] > t }
        let dropped = try DroppedRows(active, o, t: t, cancel: cancel)
        let activeKept = active.count - dropped.count

        let timeColumn = session.frame.column(o.spec.time)
        var columns = try EpisodeColumns(session.frame, parents: kept, cancel: cancel)
        try columns.set(o.spec.time, cancel.map(count: kept.count) { o.stop[kept[$0]] - t },
                        integer: timeColumn?.type == .integer && t == t.rounded())
        // The data change; a Ctrl-C during the summary of the rows kept puts the old ones back.
        let data = try session.replaceRows(columns.frame, parents: kept, outcome: o.declaration) {
            try CompleteCases.survival(SurvivalResponse(spec: o.spec), covariates: [], session: session, command: "landmark")
        }

        let tText = NumberFormat.label(t)
        let table = ResultTable(title: "Landmark at \(tText) (active rows):", header: ["rows", "n", "events"],
                                rows: [["kept (\(o.spec.time) > \(tText))", String(activeKept), String(data.events)],
                                       ["dropped (\(o.spec.time) <= \(tText))", String(dropped.count - dropped.missing), String(dropped.events)],
                                       ["dropped (\(o.spec.time) missing)", String(dropped.missing), "NA"]],
                                name: "landmark")
        let lines = ["landmark at \(tText): \(activeKept) of \(plural(active.count, "row")) kept; \(dropped.count) dropped "
                     + "(\(plural(dropped.events, "event")) at or before \(tText))",
                     "outcome: \(o.declaration.formulaText): \(data.countsText); \(o.spec.time) is now \(o.spec.time) - \(tText)",
                     "", table.title, table.textTable(),
                     "As R's subset(d, \(o.spec.time) > \(tText)) with \(o.spec.time) - \(tText) as the time: km, logrank and cox now",
                     "answer \"given event-free and in follow-up at \(tText)\"."]
        var j = JSONObject(command: "landmark")
        j["landmark"] = .number(t)
        j["outcome"] = .string(o.declaration.formulaText)
        j["rows_before"] = .int(active.count)
        j["rows"] = .int(activeKept)
        j["dropped"] = .int(dropped.count)
        j["dropped_events"] = .int(dropped.events)
        j["dropped_missing"] = .int(dropped.missing)
        j["n"] = .int(data.n)
        j["events"] = .int(data.events)
        return CommandOutput(text: lines.joined(separator: "\n"), json: j.value, warnings: data.warnings, tables: [table])
    }
}

/// The active rows a landmark at `t` drops (time not above `t`, or missing): how many, how many of
/// them are events, how many have no time. One polled pass over the active rows.
struct DroppedRows {
    let count: Int, events: Int, missing: Int

    init(_ active: [Int], _ o: OutcomeRows, t: Double, cancel: Cancellation) throws {
        var count = 0, events = 0, missing = 0
        guard cancel.inBlocks(active.indices, { ks in
            for k in ks {
                let r = active[k]
                guard !(o.stop[r] > t) else { continue }
                count += 1
                if o.event[r] == true { events += 1 }
                if o.stop[r].isNaN { missing += 1 }
            }
        }) else { throw CancellationError() }
        (self.count, self.events, self.missing) = (count, events, missing)
    }
}
