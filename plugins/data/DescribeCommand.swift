// DescribeCommand.swift — `describe` (columns, types, missing counts, levels) and `head [N]`.

import SurvivalStats
import SurvshCore

public enum DescribeCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "describe", aliases: ["str"],
        summary: "list the columns with their types, missing counts and text levels",
        synopsis: ["describe"], body: .none,
        notes: ["Counts are over the active rows (after filters).",
                "A file from Stata, SPSS or SAS adds a label column (its variable labels) and a column of the kinds of",
                "missing value the file held beyond plain '.' (Stata .a-.z, SAS .A-.Z and ._, SPSS user-missing, and NaN for a",
                "NaN stored as a number, which is read as missing as haven does), counted over all rows at load; each is shown",
                "only when some column has one.",
                "A date-time column read from a file (a real column of seconds since 1970-01-01 UTC, which save writes back",
                "as a date-time) shows its range as date-times, and its JSON has \"datetime\": true."],
        examples: ["describe"], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("describe")
        let rows = session.activeRows
        let columns = session.frame.columns
        let showLabels = columns.contains { $0.label != nil }
        let showKinds = columns.contains { !$0.missingKinds.isEmpty }
        var head = ["column", "type", "missing", "values"]
        if showKinds { head.append("missing kinds (at load)") }
        if showLabels { head.append("label") }
        var table = TextTable(head, leftAligned: Set(0..<head.count).subtracting([2]))
        var cols: [JSONValue] = []
        for c in columns {
            // each column is a few passes over the rows: Ctrl-C is polled every 2^14 rows of each
            var miss = 0
            for (k, r) in rows.enumerated() {
                try Interrupt.check("describe", at: k)
                if c.missing[r] { miss += 1 }
            }
            var info = ""
            var cj = JSONObject()
            cj["name"] = .string(c.name)
            cj["type"] = .string(c.type.rawValue)
            cj["missing"] = .int(miss)
            if case .text = c.storage {
                // a column may have 10^7 levels: every pass over them is polled
                let cancel = Interrupt.cancellation
                let lv = try session.levels(c, rows: try cancel.filter(rows) { !c.missing[$0] })
                let shown = lv.labels.prefix(6).map { "\"\($0)\"" }.joined(separator: " ")
                info = "\(lv.labels.count) levels: \(shown)\(lv.labels.count > 6 ? " ..." : "")"
                // their JSON only under --format json (10^7 levels are 10^7 values to make and free)
                if session.settings.format == .json {
                    cj["levels"] = .array(try cancel.map(count: lv.labels.count) { .string(lv.labels[$0]) })
                }
            } else {
                var lo = Double.infinity, hi = -Double.infinity
                for (k, r) in rows.enumerated() {
                    try Interrupt.check("describe", at: k)
                    if let v = c.number(at: r) { lo = min(lo, v); hi = max(hi, v) }
                }
                if lo <= hi {
                    let f: (Double) -> String = { v in
                        c.type == .date ? formatISODate(daysSinceEpoch: Int(v))
                            : c.isDateTime && v.isFinite ? formatISODateTime(secondsSinceEpoch: v) : session.fmt(v)
                    }
                    info = c.type == .boolean ? "FALSE/TRUE" : "\(f(lo)) to \(f(hi))"
                    cj["min"] = .num(lo)
                    cj["max"] = .num(hi)
                }
            }
            let kinds = c.missingKinds.sorted { $0.key < $1.key }
            if !kinds.isEmpty { cj["missing_kinds"] = .object(kinds.map { ($0.key, .int($0.value)) }) }
            if let label = c.label { cj["label"] = .string(label) }
            if c.isDateTime { cj["datetime"] = .bool(true) }
            var row = [c.name, c.type.rawValue, String(miss), info]
            if showKinds { row.append(kinds.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) }
            if showLabels { row.append(c.label ?? "") }
            table.add(row)
            cols.append(cj.value)
        }
        let header = "\(plural(rows.count, "row")) x \(plural(session.frame.columns.count, "column"))" +
            (session.filters.isEmpty ? "" : " (after \(session.filters.count) filter\(session.filters.count == 1 ? "" : "s"); \(session.frame.rowCount) loaded)")
        var j = JSONObject(command: "describe")
        j["rows"] = .int(rows.count)
        j["columns"] = .array(cols)
        // describe changes nothing: a Ctrl-C while a long JSON is written stops it
        return CommandOutput(text: header + "\n" + table.render(), json: j.value,
                             tables: [ResultTable(title: "Columns (\(header))", header: table.header, rows: table.rows, name: "columns")],
                             interruptiblePrinting: true)
    }
}

public enum HeadCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "head",
        summary: "show the first N active rows (default 6, as R's head)",
        synopsis: ["head [N]"], body: .words,
        examples: ["head", "head 10"], topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("head")
        try args.requirePositional(0, 1, what: "a row count")
        var n = 6
        if let w = args.positional.first {
            guard let k = Int(w), k >= 0 else { throw SurvshError.usage("head", "'\(w)' is not a whole number", expected: "head [N]") }
            n = k
        }
        let rows = Array(session.activeRows.prefix(n))
        let frame = session.frame
        var table = TextTable([""] + frame.names, leftAligned: [0])
        for c in frame.columns.enumerated() where c.element.type == .text { table.leftAligned.insert(c.offset + 1) }
        // The JSON rows only under --format json (in text, 2*10^6 rows of them cost seconds to make and free).
        let json = session.settings.format == .json
        var jr: [JSONValue] = []
        for (k, r) in rows.enumerated() {
            try Interrupt.check("head", at: k)   // head N may ask for every row
            table.add([String(r + 1)] + frame.columns.map { $0.displayText(at: r) ?? "NA" })
            if json {
                jr.append(.object(frame.columns.map { c in
                    (c.name, c.missing[r] ? .null : (c.type == .text || c.type == .date || c.isDateTime ? .string(c.displayText(at: r)!) : .num(c.number(at: r))))
                }))
            }
        }
        var j = JSONObject(command: "head")
        j["rows"] = .array(jr)
        // head changes nothing: a Ctrl-C while its rows are printed stops the printing
        return CommandOutput(text: try table.render(interruptible: "head"), json: j.value,
                             tables: [ResultTable(title: "First \(plural(rows.count, "row"))", header: ["row"] + frame.names,
                                                  rows: table.rows, name: "rows")],
                             interruptiblePrinting: true)
    }
}
