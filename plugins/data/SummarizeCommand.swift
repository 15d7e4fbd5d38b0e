// SummarizeCommand.swift — `summarize [VAR ...]`: n, missing, mean, sd, min, quartiles, max.
//
// Conventions (R's): sd with n − 1; quartiles by quantile() type 7; over the active rows. Text
// columns get counts per level instead. Dates are summarised as dates.

import SurvivalStats
import SurvshCore

public enum SummarizeCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "summarize", aliases: ["summary", "su"],
        summary: "n, missing, mean, sd, min, quartiles and max of columns (counts per level for text)",
        synopsis: ["summarize [VAR ...] [by=GROUP]"], body: .columns,
        options: [OptionSpec("by", .column, help: "one summary per level of this column (rows where it is missing are left out)")],
        notes: ["sd divides by n − 1; quartiles are R's quantile() type 7; counts are over the active rows.",
                "by=GROUP: each variable summarised within each level of GROUP, in level order (as tapply)."],
        examples: ["summarize", "summarize age wt.loss", "summarize age wt.loss by=sex"], topic: "data")

    /// The rows of one summary: all active rows, or one level of `by=` (its label; nil without by=).
    struct Group {
        var label: String?
        var rows: [Int]
    }

    /// The active rows, split by the levels of `by` (rows where it is missing left out, as tapply does).
    static func groups(by name: String?, rows: [Int], session: Session) throws -> (groups: [Group], missingBy: Int) {
        guard let name else { return ([Group(label: nil, rows: rows)], 0) }
        let g = try session.column(name, for: "summarize")
        let present = rows.filter { !g.missing[$0] }
        try Interrupt.check("summarize")
        let lv = try session.levels(g, rows: present)
        try Interrupt.check("summarize")
        var split = [[Int]](repeating: [], count: lv.labels.count)
        for (k, r) in present.enumerated() {
            try Interrupt.check("summarize", at: k)
            split[Int(lv.codes[k])].append(r)
        }
        return (zip(lv.labels, split).map { Group(label: $0, rows: $1) }, rows.count - present.count)
    }

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("summarize")
        let by = args.string("by")
        let names = (args.positional.isEmpty ? session.frame.names : args.positional).filter { $0 != by }
        let columns = try names.map { try session.column($0, for: "summarize") }
        let (groups, missingBy) = try groups(by: by, rows: session.activeRows, session: session)
        var table = TextTable(["variable"] + (by.map { [session.displayName($0)] } ?? []) + ["n", "missing", "mean", "sd", "min", "q1", "median", "q3", "max"],
                              leftAligned: by == nil ? [0] : [0, 1])
        var textBlocks: [String] = []
        var items: [JSONValue] = []
        let cancel = Interrupt.cancellation
        for c in columns {
            for group in groups {
                try cancel.check()   // each summary is a few passes over its rows
                let rows = group.rows
                var j = JSONObject()
                j["name"] = .string(c.name)
                if let label = group.label { j["group"] = .string(label) }
                j["type"] = .string(c.type.rawValue)
                if c.type == .text {
                    // a column may have 10^7 levels: every pass over its rows or levels is polled
                    let present = try cancel.filter(rows) { !c.missing[$0] }
                    let lv = try session.levels(c, rows: present)
                    var counts = [Int](repeating: 0, count: lv.labels.count)
                    guard cancel.inBlocks(lv.codes.indices, { ks in for k in ks { counts[Int(lv.codes[k])] += 1 } })
                    else { throw CancellationError() }
                    j["n"] = .int(present.count)
                    j["missing"] = .int(rows.count - present.count)
                    if session.settings.format == .json {   // 10^7 levels are 10^7 values to make and free
                        j["levels"] = .object(try cancel.map(count: counts.count) { (lv.labels[$0], .int(counts[$0])) })
                    }
                    let name = "\(session.displayName(c.name)) (text)\(group.label.map { ", \(session.displayName(by ?? ""))=\($0)" } ?? ""): "
                    var block = try cancel.joined(counts.count, separator: ", ", after: name) { text, k in
                        text += lv.labels[k]
                        text += " "
                        text += String(counts[k])
                    }
                    if rows.count > present.count { block += ", NA \(rows.count - present.count)" }
                    textBlocks.append(block)
                    items.append(j.value)
                    continue
                }
                var values: [Double] = []
                values.reserveCapacity(rows.count)
                guard cancel.inBlocks(rows.indices, { ks in for k in ks { if let v = c.number(at: rows[k]) { values.append(v) } } })
                else { throw CancellationError() }
                values = SurvivalTimeOrder.sorted(values, cancel: cancel)   // a radix sort, polled
                try cancel.check()
                let n = values.count
                j["n"] = .int(n)
                j["missing"] = .int(rows.count - n)
                let stats: [Double?] = n == 0 ? [nil, nil, nil, nil, nil, nil, nil] : [
                    Moments.mean(values), n > 1 ? Moments.standardDeviation(values) : nil, values.first,
                    Quantile.type7(sorted: values, 0.25), Quantile.type7(sorted: values, 0.5),
                    Quantile.type7(sorted: values, 0.75), values.last,
                ]
                for (k, key) in ["mean", "sd", "min", "q1", "median", "q3", "max"].enumerated() { j[key] = .num(stats[k]) }
                let shown: [String] = stats.enumerated().map { k, v in
                    guard let v else { return "NA" }
                    if c.type == .date && k != 1 { return formatISODate(daysSinceEpoch: Int(v.rounded(.down))) }
                    return session.fmt(v)
                }
                table.add([session.displayName(c.name)] + (group.label.map { [$0] } ?? []) + [String(n), String(rows.count - n)] + shown)
                items.append(j.value)
            }
        }
        var text = table.rows.isEmpty ? "" : table.render()
        for block in textBlocks {   // one by one: the block of 10^7 levels is over 100 MB, not copied twice more
            try cancel.check()
            if !text.isEmpty { text += "\n" }
            text += block
        }
        var notes: [String] = []
        if let by, missingBy > 0 {
            notes.append("\(plural(missingBy, "row")) with \(by) missing left out.")
            text += "\n" + notes[0]
        }
        var j = JSONObject(command: "summarize")
        j["rows"] = .int(session.activeRowCount)
        if let by { j["by"] = .string(by) }
        j["variables"] = .array(items)
        return CommandOutput(text: text, json: j.value,
                             tables: table.rows.isEmpty ? [] : [ResultTable(title: by.map { "Summary by \(session.displayName($0))" } ?? "Summary",
                                                                            header: table.header, rows: table.rows,
                                                                            footnotes: notes, name: "summary")],
                             interruptiblePrinting: true)   // summarize changes nothing
    }
}
