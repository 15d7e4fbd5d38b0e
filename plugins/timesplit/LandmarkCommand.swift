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
        let longest = active.map { o.stop[$0] }.filter { !$0.isNaN }.max()
        guard let longest, t < longest else {
            throw SurvshError.data("landmark", "no active row has follow-up beyond \(NumberFormat.label(t))"
                                   + (longest.map { " (the longest time is \(NumberFormat.label($0)))" } ?? ""),
                                   expected: "a landmark time below the longest follow-up")
        }
        try Interrupt.check("landmark")   // each step below is a pass over the rows
        let kept = o.stop.indices.filter { o.stop[$0] > t }
        let activeKept = active.filter { o.stop[$0] > t }.count
        let droppedRows = active.filter { !(o.stop[$0] > t) }
        let droppedEvents = droppedRows.filter { o.event[$0] == true }.count
        let droppedMissing = droppedRows.filter { o.stop[$0].isNaN }.count
        try Interrupt.check("landmark")

        let timeColumn = session.frame.column(o.spec.time)
        var columns = try EpisodeColumns(session.frame, parents: kept, command: "landmark")
        columns.set(o.spec.time, kept.map { o.stop[$0] - t }, integer: timeColumn?.type == .integer && t == t.rounded())
        try Interrupt.check("landmark")   // the last poll before the data change
        let data = try Interrupt.ignored {
            session.replaceRows(columns.frame, parents: kept, outcome: o.declaration)
            return try CompleteCases.survival(SurvivalResponse(spec: o.spec), covariates: [], session: session, command: "landmark")
        }

        let tText = NumberFormat.label(t)
        let table = ResultTable(title: "Landmark at \(tText) (active rows):", header: ["rows", "n", "events"],
                                rows: [["kept (\(o.spec.time) > \(tText))", String(activeKept), String(data.events)],
                                       ["dropped (\(o.spec.time) <= \(tText))", String(droppedRows.count - droppedMissing), String(droppedEvents)],
                                       ["dropped (\(o.spec.time) missing)", String(droppedMissing), "NA"]],
                                name: "landmark")
        let lines = ["landmark at \(tText): \(activeKept) of \(plural(active.count, "row")) kept; \(droppedRows.count) dropped "
                     + "(\(plural(droppedEvents, "event")) at or before \(tText))",
                     "outcome: \(o.declaration.formulaText): \(data.countsText); \(o.spec.time) is now \(o.spec.time) - \(tText)",
                     "", table.title, table.textTable(),
                     "As R's subset(d, \(o.spec.time) > \(tText)) with \(o.spec.time) - \(tText) as the time: km, logrank and cox now",
                     "answer \"given event-free and in follow-up at \(tText)\"."]
        var j = JSONObject(command: "landmark")
        j["landmark"] = .number(t)
        j["outcome"] = .string(o.declaration.formulaText)
        j["rows_before"] = .int(active.count)
        j["rows"] = .int(activeKept)
        j["dropped"] = .int(droppedRows.count)
        j["dropped_events"] = .int(droppedEvents)
        j["dropped_missing"] = .int(droppedMissing)
        j["n"] = .int(data.n)
        j["events"] = .int(data.events)
        return CommandOutput(text: lines.joined(separator: "\n"), json: j.value, warnings: data.warnings, tables: [table])
    }
}
