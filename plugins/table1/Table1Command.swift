// Table1Command.swift — `table1 [~ GROUP] [COLUMNS...] [nonnormal=COLS] [cat=COLS] [cont=COLS] [smd]`:
// the baseline table of clinical papers (R's tableone, gtsummary's tbl_summary, Stata's table1_mc).
//
// Contract: the rows used are the active rows where GROUP (if any) has a value. Each variable is a
// block: continuous ones one line, mean (SD) or median [Q1, Q3]; categorical ones a header line and
// one line per level, n (%). Columns: Overall, one per level of GROUP (R's factor order), then p, the
// test, SMD (with `smd`) and the missing count. Which columns, how each is classified and tested is
// decided by the stated rules (see the spec's notes) and printed under the table; the numbers come
// from Table1Variable (R's t.test, oneway.test, wilcox.test, kruskal.test, chisq.test, fisher.test).

import SurvivalStats
import SurvshCore

public enum Table1Command: SurvshCommand {
    public static let spec = CommandSpec(
        name: "table1", aliases: ["tableone"],
        summary: "the baseline table of a clinical paper: mean (SD), median [IQR] or n (%) by group, with p-values and SMDs",
        synopsis: ["table1 [~ GROUP] [COLUMNS...] [nonnormal=COLS|all|none] [cat=COLS] [cont=COLS] [smd] [decimals=N]"],
        body: .columns,
        options: [OptionSpec("nonnormal", .text, help: "continuous columns (comma-separated) summarised as median [Q1, Q3] and tested by rank tests; all or none; default: those with |skewness| > 1"),
                  OptionSpec("cat", .text, help: "numeric columns (comma-separated) to treat as categorical"),
                  OptionSpec("cont", .text, help: "numeric columns (comma-separated) to treat as continuous"),
                  .flag("smd", help: "standardized mean differences as tableone (for more than 2 groups the mean of the pairwise ones)"),
                  OptionSpec("decimals", .number(0...8), default: "2", help: "decimals of means, SDs, medians and quartiles (percentages 1, p 3)")],
        notes: ["Columns: those listed, else every column except GROUP, the declared outcome (`survival`), dates and identifiers",
                "(integer or text columns whose values all differ). Rows: the active rows where GROUP has a value.",
                "Categorical: text, TRUE/FALSE and numeric columns with at most 5 distinct values (cat= and cont= override);",
                "n (%) of the rows with a value. Continuous: mean (SD), sd with n - 1; median [Q1, Q3] for nonnormal ones",
                "(quartiles by R's quantile type 7). Nonnormal by default when |skewness| > 1 (moment skewness",
                "m3/m2^1.5 of all the values); nonnormal= replaces the rule.",
                "p, continuous: Student's t-test with equal variances (R's t.test(var.equal = TRUE), the p of",
                "oneway.test(var.equal = TRUE) and aov) for 2 groups, one-way ANOVA F test for more; nonnormal: Wilcoxon",
                "rank-sum (wilcox.test defaults: exact when both groups have fewer than 50 values and no ties, else the",
                "normal approximation with continuity correction) for 2 groups, Kruskal-Wallis (kruskal.test) for more.",
                "p, categorical: Pearson's chi-square (chisq.test, Yates' continuity correction for 2 x 2 as R's default)",
                "unless an expected count is below 5, then Fisher's exact test (fisher.test; r x c enumerated exactly).",
                "smd: |m1 - m2| / sqrt((s1^2 + s2^2) / 2) and Yang & Dalton's multinomial SMD for categorical variables.",
                "Text cells are rounded (p as <0.001 or 3 decimals); JSON gives every statistic at full precision."],
        examples: ["table1 ~ sex", "table1 ~ sex age ph.ecog wt.loss nonnormal=wt.loss smd",
                   "table1 ~ ph.ecog age wt.loss nonnormal=wt.loss", "table1 ~ sex ph.karno cat=ph.karno", "table1 age wt.loss meal.cal"], topic: "analysis")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("table1")
        let request = try Table1Request.parse(args.positional)
        var rows = session.activeRows
        var group: [Int]?
        var groupLabels: [String] = []
        var droppedForGroup = 0
        if let name = request.group {
            let column = try session.column(name, for: "table1")
            let kept = rows.filter { !column.missing[$0] }
            droppedForGroup = rows.count - kept.count
            rows = kept
            try Interrupt.check("table1")
            let levels = try session.levels(column, rows: rows)
            try Interrupt.check("table1")
            guard (2...Table1Request.maxGroups).contains(levels.labels.count) else {
                throw SurvshError.data("table1", "grouping column '\(name)' has \(plural(levels.labels.count, "level")) among the rows used",
                                       expected: "2 to \(Table1Request.maxGroups) levels")
            }
            groupLabels = levels.labels
            group = levels.codes.map { Int($0) }
        }
        guard !rows.isEmpty else {
            throw SurvshError.data("table1", "no rows to summarise", expected: "data with rows (check the filters and the group's missing values)")
        }
        let plan = try Table1Plan.make(request, args: args, rows: rows, session: session)
        let smd = args.has("smd")
        if smd && group == nil {
            throw SurvshError.usage("table1", "'smd' compares groups", expected: "table1 ~ GROUP ... smd")
        }
        let variables = try plan.variables.map { v in
            try Table1Variable.make(v.column, kind: v.kind, nonnormal: v.nonnormal, rows: rows, group: group,
                                groups: groupLabels.count, smd: smd, session: session)
        }
        let view = Table1View(group: request.group, groupLabels: groupLabels, groupSizes: groupSizes(group, groupLabels.count),
                              rows: rows.count, droppedForGroup: droppedForGroup, variables: variables, plan: plan, smd: smd,
                              decimals: Int(args.double("decimals", default: 2)), session: session)
        let table = view.table()
        return CommandOutput(text: ([table.title, table.textTable(), ""] + table.footnotes).joined(separator: "\n"),
                             json: view.json(), warnings: variables.flatMap(\.warnings), tables: [table],
                             methods: group == nil ? [] : [.table1(smd: smd)])
    }

    private static func groupSizes(_ group: [Int]?, _ k: Int) -> [Int] {
        var sizes = [Int](repeating: 0, count: k)
        for g in group ?? [] { sizes[g] += 1 }
        return sizes
    }
}

/// The body words: `~ GROUP` (or `~GROUP`) anywhere, the other words are columns.
struct Table1Request {
    var group: String?
    var columns: [String]
    static let maxGroups = 20
    static let synopsis = "table1 [~ GROUP] [COLUMNS...]"

    static func parse(_ words: [String]) throws -> Table1Request {
        var group: String?
        var columns: [String] = []
        var i = 0
        while i < words.count {
            let w = words[i]
            if w.hasPrefix("~") {
                let name = w == "~" ? (i + 1 < words.count ? words[i + 1] : "") : String(w.dropFirst())
                if w == "~" { i += 1 }
                guard !name.isEmpty, !name.hasPrefix("~") else {
                    throw SurvshError.usage("table1", "missing the grouping column after '~'", expected: synopsis)
                }
                guard group == nil else {
                    throw SurvshError.usage("table1", "one grouping column after '~', found a second ('\(name)')", expected: synopsis)
                }
                group = name
            } else {
                columns.append(w)
            }
            i += 1
        }
        return Table1Request(group: group, columns: columns)
    }
}

/// Which columns the table shows and how each is treated, with what was left out by default.
struct Table1Plan {
    struct Entry {
        var column: Column
        var kind: Table1Variable.Kind
        /// nil: the automatic rule decides.
        var nonnormal: Bool?
    }
    var variables: [Entry]
    /// Left out of the default selection, with the reason ("the outcome", "dates", "identifiers").
    var leftOut: [(reason: String, names: [String])]
    /// nonnormal= was given (the automatic rule is off).
    var nonnormalGiven: Bool

    static func make(_ request: Table1Request, args: Arguments, rows: [Int], session: Session) throws -> Table1Plan {
        var leftOut: [(String, [String])] = []
        var names = request.columns
        for n in names { _ = try session.column(n, for: "table1") }
        if let g = request.group, names.contains(g) {
            throw SurvshError.usage("table1", "'\(g)' is the grouping column and one of the columns", expected: "it in one place")
        }
        if names.isEmpty {
            let outcome = session.outcome?.columnsRead ?? []
            var dates: [String] = [], ids: [String] = [], outcomeNames: [String] = []
            for c in session.frame.columns where c.name != request.group {
                if outcome.contains(c.name) { outcomeNames.append(c.name) }
                else if c.type == .date { dates.append(c.name) }
                else if try isIdentifier(c, rows: rows) { ids.append(c.name) }
                else { names.append(c.name) }
            }
            leftOut = [("the outcome", outcomeNames), ("dates", dates), ("identifiers", ids)].filter { !$0.1.isEmpty }
            guard !names.isEmpty else {
                throw SurvshError.data("table1", "no columns to summarise", expected: "columns to list, e.g. table1 ~ GROUP age sex")
            }
        }
        let cat = try list("cat", args, among: names), cont = try list("cont", args, among: names)
        if let both = cat.first(where: cont.contains) {
            throw SurvshError.usage("table1", "'\(both)' is in both cat= and cont=", expected: "each column in one of them")
        }
        var entries: [Entry] = []
        for n in names {
            let c = try session.column(n, for: "table1")
            let kind: Table1Variable.Kind
            if cat.contains(n) { kind = .categorical }
            else if cont.contains(n) {
                guard c.type != .text else {
                    throw SurvshError.data("table1", "cont=: column '\(n)' is text", expected: "numeric columns in cont=")
                }
                kind = .continuous
            } else if c.type == .date {
                throw SurvshError.data("table1", "column '\(n)' is a date", expected: "numeric or categorical columns (cat=\(n) counts its dates)")
            } else {
                kind = try Table1Variable.isCategorical(c, rows: rows, session: session) ? .categorical : .continuous
            }
            entries.append(Entry(column: c, kind: kind, nonnormal: nil))
        }
        let continuousNames = entries.filter { $0.kind == .continuous }.map(\.column.name)
        let nonnormal = try nonnormalList(args, continuous: continuousNames, all: names)
        if let nonnormal {
            for i in entries.indices where entries[i].kind == .continuous { entries[i].nonnormal = nonnormal.contains(entries[i].column.name) }
        }
        return Table1Plan(variables: entries, leftOut: leftOut, nonnormalGiven: nonnormal != nil)
    }

    /// An integer or text column whose values are all present and all different (an ID), with more than 5 rows.
    static func isIdentifier(_ c: Column, rows: [Int]) throws -> Bool {
        guard c.type == .integer || c.type == .text, rows.count > Table1Variable.maxCategoricalValues,
              rows.allSatisfy({ !c.missing[$0] }) else { return false }
        var seen = Set<String>()
        for (i, r) in rows.enumerated() {
            try Interrupt.check("table1", at: i)
            guard seen.insert(c.text(at: r) ?? "").inserted else { return false }
        }
        return true
    }

    /// The comma-separated columns of option `name`, each one of the table's columns.
    static func list(_ name: String, _ args: Arguments, among names: [String]) throws -> [String] {
        guard let text = args.string(name) else { return [] }
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for item in items where !names.contains(item) {
            throw SurvshError.usage("table1", "\(name)=: '\(item)' is not one of the table's columns",
                                    expected: "some of " + names.joined(separator: ", "),
                                    suggestion: didYouMean(item, among: names))
        }
        return items
    }

    /// nonnormal=: nil (automatic), or the continuous columns named (all, none).
    static func nonnormalList(_ args: Arguments, continuous: [String], all names: [String]) throws -> [String]? {
        switch args.string("nonnormal") {
        case nil: return nil
        case "all"? where !names.contains("all"): return continuous
        case "none"? where !names.contains("none"): return []
        default:
            let items = try list("nonnormal", args, among: names)
            if let bad = items.first(where: { !continuous.contains($0) }) {
                throw SurvshError.usage("table1", "nonnormal=: '\(bad)' is categorical here",
                                        expected: "continuous columns (cont=\(bad) treats it as continuous)")
            }
            return items
        }
    }
}
