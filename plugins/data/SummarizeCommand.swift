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
        synopsis: ["summarize [VAR ...]"], body: .columns,
        notes: ["sd divides by n − 1; quartiles are R's quantile() type 7; counts are over the active rows."],
        examples: ["summarize", "summarize age wt.loss"], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("summarize")
        let names = args.positional.isEmpty ? session.frame.names : args.positional
        let columns = try names.map { try session.column($0, for: "summarize") }
        let rows = session.activeRows
        var table = TextTable(["variable", "n", "missing", "mean", "sd", "min", "q1", "median", "q3", "max"])
        var textBlocks: [String] = []
        var items: [JSONValue] = []
        for c in columns {
            var j = JSONObject()
            j["name"] = .string(c.name)
            j["type"] = .string(c.type.rawValue)
            if c.type == .text {
                let present = rows.filter { !c.missing[$0] }
                let lv = session.levels(c, rows: present)
                var counts = [Int](repeating: 0, count: lv.labels.count)
                for k in lv.codes { counts[Int(k)] += 1 }
                j["n"] = .int(present.count)
                j["missing"] = .int(rows.count - present.count)
                j["levels"] = .object(zip(lv.labels, counts).map { ($0, .int($1)) })
                let parts = zip(lv.labels, counts).map { "\($0) \($1)" }.joined(separator: ", ")
                textBlocks.append("\(c.name) (text): \(parts)\(rows.count > present.count ? ", NA \(rows.count - present.count)" : "")")
                items.append(j.value)
                continue
            }
            var values: [Double] = []
            values.reserveCapacity(rows.count)
            for r in rows { if let v = c.number(at: r) { values.append(v) } }
            values.sort()
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
            table.add([c.name, String(n), String(rows.count - n)] + shown)
            items.append(j.value)
        }
        var text = table.rows.isEmpty ? "" : table.render()
        if !textBlocks.isEmpty { text += (text.isEmpty ? "" : "\n") + textBlocks.joined(separator: "\n") }
        var j = JSONObject(command: "summarize")
        j["rows"] = .int(rows.count)
        j["variables"] = .array(items)
        return CommandOutput(text: text, json: j.value,
                             tables: table.rows.isEmpty ? [] : [ResultTable(title: "Summary", header: table.header, rows: table.rows,
                                                                            name: "summary")])
    }
}
