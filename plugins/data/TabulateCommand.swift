// TabulateCommand.swift — `tabulate A [B]`: frequencies of one variable, or a cross-table of two
// with row and column totals. Missing values get their own row/column (as R's table(useNA="ifany")).

import SurvshCore

public enum TabulateCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "tabulate", aliases: ["tab", "table"],
        summary: "frequencies of a variable, or a cross-table of two with totals",
        synopsis: ["tabulate A", "tabulate A B"], body: .columns,
        notes: ["Levels are sorted (numbers numerically, text as R sorts it; `levels` sets another order); missing values are counted as NA",
                "(as R's table(useNA = \"ifany\")). Counts are over the active rows."],
        examples: ["tabulate sex", "tabulate sex ph.ecog"], topic: "data")

    struct Coded {
        var labels: [String]
        var codes: [Int]   // labels.count = NA code when present
    }

    static func code(_ name: String, _ session: Session, _ rows: [Int]) throws -> Coded {
        let c = try session.column(name, for: "tabulate")
        let present = rows.filter { !c.missing[$0] }
        let lv = session.levels(c, rows: present)
        var codes = [Int](repeating: lv.labels.count, count: rows.count)
        var k = 0
        for (i, r) in rows.enumerated() where !c.missing[r] { codes[i] = Int(lv.codes[k]); k += 1 }
        let hasNA = present.count < rows.count
        return Coded(labels: lv.labels + (hasNA ? ["NA"] : []), codes: codes)
    }

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("tabulate")
        try args.requirePositional(1, 2, what: "one or two column names")
        let rows = session.activeRows
        let a = try code(args.positional[0], session, rows)
        var j = JSONObject(command: "tabulate")
        j["n"] = .int(rows.count)
        if args.positional.count == 1 {
            var counts = [Int](repeating: 0, count: a.labels.count)
            for c in a.codes { counts[c] += 1 }
            var t = TextTable([args.positional[0], "n", "percent", "cum. percent"])
            var cum = 0
            var levels: [JSONValue] = []
            for (i, l) in a.labels.enumerated() {
                cum += counts[i]
                let pct = rows.isEmpty ? 0 : 100 * Double(counts[i]) / Double(rows.count)
                t.add([l, String(counts[i]), NumberFormat.fixed(pct, decimals: 1),
                       NumberFormat.fixed(rows.isEmpty ? 0 : 100 * Double(cum) / Double(rows.count), decimals: 1)])
                var lj = JSONObject()
                lj["level"] = .string(l)
                lj["n"] = .int(counts[i])
                lj["percent"] = .num(pct)
                levels.append(lj.value)
            }
            t.add(["Total", String(rows.count), rows.isEmpty ? "" : "100.0", ""])
            j["variable"] = .string(args.positional[0])
            j["levels"] = .array(levels)
            return CommandOutput(text: t.render(), json: j.value,
                                 tables: [ResultTable(title: "Frequencies of \(args.positional[0])", header: t.header, rows: t.rows,
                                                      name: "frequencies")])
        }
        let b = try code(args.positional[1], session, rows)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: b.labels.count), count: a.labels.count)
        for i in 0..<rows.count { counts[a.codes[i]][b.codes[i]] += 1 }
        var t = TextTable(["\(args.positional[0]) \\ \(args.positional[1])"] + b.labels + ["Total"])
        for (i, l) in a.labels.enumerated() {
            t.add([l] + counts[i].map(String.init) + [String(counts[i].reduce(0, +))])
        }
        let colTotals = (0..<b.labels.count).map { k in counts.reduce(0) { $0 + $1[k] } }
        t.add(["Total"] + colTotals.map(String.init) + [String(rows.count)])
        j["rows_variable"] = .string(args.positional[0])
        j["columns_variable"] = .string(args.positional[1])
        j["row_levels"] = .array(a.labels.map { .string($0) })
        j["column_levels"] = .array(b.labels.map { .string($0) })
        j["counts"] = .array(counts.map { .array($0.map { .int($0) }) })
        return CommandOutput(text: t.render(), json: j.value,
                             tables: [ResultTable(title: "\(args.positional[0]) by \(args.positional[1])", header: t.header, rows: t.rows,
                                                  name: "crosstable")])
    }
}
