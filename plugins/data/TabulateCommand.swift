// TabulateCommand.swift — `tabulate A [B] [chi2] [exact]`: frequencies of one variable, or a
// cross-table of two with row and column totals, and tests of independence (R's chisq.test and
// fisher.test on the complete cases). Missing values get their own row/column (as R's
// table(useNA="ifany")) but stay out of the tests, as R's table() leaves them out by default.

import SurvivalStats
import SurvshCore

public enum TabulateCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "tabulate", aliases: ["tab", "table"],
        summary: "frequencies of a variable, or a cross-table of two with totals",
        synopsis: ["tabulate A", "tabulate A B [chi2] [exact]"], body: .columns,
        options: [.flag("chi2", help: "Pearson's chi-square test of independence, as R's chisq.test (with and without Yates' correction for 2 x 2)"),
                  .flag("exact", help: "Fisher's exact test, as R's fisher.test (two-sided)")],
        notes: ["Levels are sorted (numbers numerically, text as R sorts it; `levels` sets another order); missing values are counted as NA",
                "(as R's table(useNA = \"ifany\")). Counts are over the active rows.",
                "chi2 and exact test the complete cases (the NA row and column left out, as R's table() does).",
                "chi2 prints Pearson's statistic; for a 2 x 2 table also with Yates' continuity correction (R's default",
                "correct = TRUE, which R applies to 2 x 2 only). A warning says when an expected count is below 5.",
                "exact: the two-sided p of fisher.test; r x c tables are enumerated exactly (bounds skip partial tables whose completions all count or none does), up to 10^7 steps.",
                "For a 2 x 2 table exact also gives R's conditional MLE of the odds ratio and its 95% CI (Inf when unbounded; JSON null)."],
        examples: ["tabulate sex", "tabulate sex ph.ecog", "tabulate sex status chi2 exact"], topic: "data")

    struct Coded {
        var labels: [String]
        var codes: [Int]   // labels.count = NA code when present
        /// The last label is "NA" (missing values present).
        var hasNA: Bool
    }

    static func code(_ name: String, _ session: Session, _ rows: [Int]) throws -> Coded {
        let c = try session.column(name, for: "tabulate")
        let present = rows.filter { !c.missing[$0] }
        try Interrupt.check("tabulate")   // each step is a pass over the rows
        let lv = try session.levels(c, rows: present)
        try Interrupt.check("tabulate")
        var codes = [Int](repeating: lv.labels.count, count: rows.count)
        var k = 0
        for (i, r) in rows.enumerated() where !c.missing[r] { codes[i] = Int(lv.codes[k]); k += 1 }
        try Interrupt.check("tabulate")
        let hasNA = present.count < rows.count
        return Coded(labels: lv.labels + (hasNA ? ["NA"] : []), codes: codes, hasNA: hasNA)
    }

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("tabulate")
        try args.requirePositional(1, 2, what: "one or two column names")
        let rows = session.activeRows
        let a = try code(args.positional[0], session, rows)
        let (nameA, nameB) = (session.displayName(args.positional[0]), args.positional.count > 1 ? session.displayName(args.positional[1]) : "")
        var j = JSONObject(command: "tabulate")
        j["n"] = .int(rows.count)
        if args.positional.count == 1 {
            if let flag = ["chi2", "exact"].first(where: args.has) {
                throw SurvshError.usage("tabulate", "'\(flag)' tests a cross-table", expected: "tabulate A B \(flag)")
            }
            var counts = [Int](repeating: 0, count: a.labels.count)
            for c in a.codes { counts[c] += 1 }
            var t = TextTable([nameA, "n", "percent", "cum. percent"])
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
            return CommandOutput(text: try t.render(interruptible: "tabulate"), json: j.value,
                                 tables: [ResultTable(title: "Frequencies of \(nameA)", header: t.header, rows: t.rows,
                                                      name: "frequencies")])
        }
        let b = try code(args.positional[1], session, rows)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: b.labels.count), count: a.labels.count)
        for i in 0..<rows.count { counts[a.codes[i]][b.codes[i]] += 1 }
        var t = TextTable(["\(nameA) \\ \(nameB)"] + b.labels + ["Total"])
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
        var tables = [ResultTable(title: "\(nameA) by \(nameB)", header: t.header, rows: t.rows,
                                  name: "crosstable")]
        var text = t.render()
        var warnings: [String] = []
        if args.has("chi2") || args.has("exact") {
            let complete = counts.dropLast(a.hasNA ? 1 : 0).map { Array($0.dropLast(b.hasNA ? 1 : 0)) }
            var tests = try independenceTests(complete, chi2: args.has("chi2"), exact: args.has("exact"), session: session)
            if a.hasNA || b.hasNA {
                tests.table.footnotes.append("Tests on the \(plural(complete.joined().reduce(0, +), "complete row")) (NA left out, as R's table()).")
            }
            text += "\n\n" + tests.table.indentedText()
            for (k, v) in tests.json { j[k] = v }
            warnings += tests.warnings
            tables.append(tests.table)
        }
        let methods: [MethodNote] = (args.has("chi2") ? [.chiSquared] : []) + (args.has("exact") ? [.fisherExact] : [])
        return CommandOutput(text: text, json: j.value, warnings: warnings, tables: tables, methods: methods)
    }

    /// Chi-square and/or Fisher's exact test of the complete-case table, as a table of tests.
    static func independenceTests(_ counts: [[Int]], chi2: Bool, exact: Bool,
                                  session: Session) throws -> (table: ResultTable, json: [(String, JSONValue)], warnings: [String]) {
        // Levels that only occur with a missing partner leave an empty row or column: R's table()
        // of the complete cases does not have them.
        var kept = counts.filter { $0.contains { $0 > 0 } }
        let liveColumns = (0..<(kept.first?.count ?? 0)).filter { j in kept.contains { $0[j] > 0 } }
        kept = kept.map { row in liveColumns.map { row[$0] } }
        let pv = { (p: Double) in NumberFormat.pValue(p, digits: session.settings.digits) }
        var rows: [[String]] = []
        var json: [(String, JSONValue)] = []
        var warnings: [String] = []
        do {
            if chi2 {
                let is2x2 = kept.count == 2 && kept.first?.count == 2
                for correct in is2x2 ? [true, false] : [false] {
                    let r = try ContingencyTable.chiSquare(kept, correct: correct)
                    let method = "Pearson's chi-square" + (r.continuityCorrection ? " (Yates' continuity correction)" : "")
                    rows.append([method, session.fmt(r.statistic), String(r.df), pv(r.p)])
                    json.append((r.continuityCorrection ? "chi2_corrected" : "chi2",
                                 .object([("statistic", .num(r.statistic)), ("df", .int(r.df)), ("p", .num(r.p)),
                                          ("correct", .bool(r.continuityCorrection))])))
                    if r.smallExpected && !warnings.contains(where: { $0.hasPrefix("chi-squared") }) {
                        warnings.append("chi-squared approximation may be incorrect: an expected count is below 5 (R warns too)"
                                        + (exact ? "" : "; 'exact' gives Fisher's test"))
                    }
                }
            }
            if exact {
                let p = try FisherExact.pValue(kept)
                rows.append(["Fisher's exact test (two-sided)", "", "", pv(p)])
                var fisher: [(String, JSONValue)] = [("p", .num(p))]
                if kept.count == 2 && kept.first?.count == 2 {
                    // R reports the conditional MLE odds ratio for 2 x 2 only; an open end prints Inf, JSON null.
                    let or = try FisherExact.oddsRatio(kept)
                    rows.append(["  odds ratio (conditional MLE), 95% CI " + session.fmtLimit(or.lower) + " to " + session.fmtLimit(or.upper),
                                 session.fmtLimit(or.estimate), "", ""])
                    fisher += [("odds_ratio", .num(or.estimate)), ("conf_lower", .num(or.lower)), ("conf_upper", .num(or.upper))]
                }
                json.append(("fisher", .object(fisher)))
            }
        } catch let e as ContingencyError {
            let hint = e == .tooManyTables(limit: FisherExact.maxTables) ? "chi2, or fewer levels" : "a table of at least 2 x 2 with two observed levels each"
            throw SurvshError.data("tabulate", e.description, expected: hint)
        }
        let table = ResultTable(title: "Tests of independence (R's chisq.test, fisher.test)",
                                header: ["test", "statistic", "df", "p"], rows: rows, name: "tests")
        return (table, json, warnings)
    }
}
