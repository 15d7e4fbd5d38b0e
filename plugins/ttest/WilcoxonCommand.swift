// WilcoxonCommand.swift — `wilcoxon`: signed-rank (one-sample, paired) and rank-sum (Mann–Whitney)
// tests, as R's wilcox.test.
//
// The numerics are SurvivalStats.Wilcoxon (R's wilcox.test.default defaults, matched to 1e-10 in its
// tests); this file reads the samples (SampleSelection), runs the test and renders text and JSON.
// R's warnings ("cannot compute exact p-value with ties", "... with zeroes") become command warnings.

import SurvivalStats
import SurvshCore

public enum WilcoxonCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "wilcoxon", aliases: ["wilcox.test"],
        summary: "Wilcoxon signed-rank (one-sample, paired) or rank-sum (two groups) test, as R's wilcox.test",
        synopsis: ["wilcoxon X [mu=M]", "wilcoxon X Y paired [mu=M]", "wilcoxon X ~ GROUP", "wilcoxon X Y",
                   "wilcoxon ... [alternative=two.sided|less|greater] [exact=TRUE|FALSE] [correct=TRUE|FALSE] [explain]"],
        body: .columns,
        options: [
            OptionSpec("mu", .number(nil), default: "0", help: "hypothesised location (shift)"),
            OptionSpec("alternative", .choice(["two.sided", "less", "greater"]), default: "two.sided",
                       help: "alternative hypothesis"),
            OptionSpec("exact", .choice(["TRUE", "FALSE"]),
                       help: "exact p-value (default: when n < 50 and there are no ties or zeros, as R)"),
            OptionSpec("correct", .choice(["TRUE", "FALSE"]), default: "TRUE",
                       help: "continuity correction in the normal approximation"),
            .flag("paired", help: "signed-rank test on the differences X − Y; pairs with a missing side are dropped"),
            SampleTestExplain.flag,
        ],
        notes: [
            "Follows R's wilcox.test: signed-rank statistic V = sum of the ranks of |d| over d > 0 (d = X − mu,",
            "or X − Y − mu paired; zero differences are dropped); rank-sum statistic W = rank sum of the first",
            "sample minus n1(n1 + 1)/2, the first sample being X, or the first level of GROUP (sorted as R's factor()).",
            "Exact p-value when n < 50 (each sample < 50) with no ties (and no zeros); otherwise the normal",
            "approximation with tie-corrected variance and continuity correction, with R's warnings.",
            "explain: the rank sums, the null mean and sd of the statistic with the ties correction, z and p.",
        ],
        examples: [
            "wilcoxon age ~ sex",
            "wilcoxon ph.karno pat.karno paired",
            "wilcoxon age ~ sex explain",
            "wilcoxon wt.loss mu=5 alternative=greater",
            "load data/ovarian.csv",
            "wilcoxon futime ~ rx",
            "load data/net_liver_mets.csv",
            "wilcoxon ki67_liver ki67_primary paired",
        ],
        topic: "analysis")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let design = try SampleDesign.parse(args.positional, paired: args.has("paired"), command: "wilcoxon",
                                            synopsis: spec.synopsis.joined(separator: " | "))
        let data = try SampleData.load(design, session: session, command: "wilcoxon")
        let (mu, alternative) = SampleTestOptions.read(args)
        let exact: Bool? = args.string("exact").map { $0 == "TRUE" }
        let correct = (args.string("correct") ?? "TRUE") == "TRUE"

        if exact == true {
            // The exact null distributions are built by counting: about n³/6 additions (signed-rank)
            // or n1²n2²/4 (rank-sum). Refuse sizes that would take minutes.
            let cost: Double
            if design.isTwoSample {
                let m = Double(data.x.count), n = Double(data.y?.count ?? 0)
                cost = m * (m + 1) / 2 * n * (n + 1) / 2
            } else {
                let n = Double(data.x.count)
                cost = n * n * n / 6
            }
            if cost > 2e9 {
                throw SurvshError.usage("wilcoxon", "exact=TRUE is too expensive for samples this large",
                                        expected: "exact=FALSE or the default (the normal approximation for n ≥ 50)")
            }
        }
        let result: WilcoxonResult
        do {
            switch (design, data.y) {
            case (.paired, let y?):
                result = try Wilcoxon.signedRank(paired: data.x, y, mu: mu, alternative: alternative,
                                                 exact: exact, correct: correct, cancel: Interrupt.cancellation)
            case (.twoColumns, let y?), (.grouped, let y?):
                result = try Wilcoxon.rankSum(data.x, y, mu: mu, alternative: alternative,
                                              exact: exact, correct: correct, cancel: Interrupt.cancellation)
            default:
                result = try Wilcoxon.signedRank(data.x, mu: mu, alternative: alternative, exact: exact, correct: correct,
                                                 cancel: Interrupt.cancellation)
            }
        } catch let e as WilcoxonError {
            throw error(for: e, data: data)
        }
        let groups = try groupRows(data)
        let table = table(result, data: data, groups: groups, session: session)
        var text = table.indentedText()
        if args.has("explain") { text += "\n" + SampleTestExplain.wilcoxon(result, session: session) }
        var warnings = result.warnings
        if !result.p.isFinite {
            warnings.append("every value is tied, so W has no variance: z and p are NA (R's wilcox.test gives no number either)")
        }
        let method = MethodNote.wilcoxon(kind: result.kind.rawValue, paired: result.paired, exact: result.exact, correct: correct)
        return CommandOutput(text: text, json: json(result, data: data, groups: groups).value, warnings: warnings, tables: [table],
                             methods: [method])
    }

    /// R's error, told in terms of the columns.
    static func error(for error: WilcoxonError, data: SampleData) -> SurvshError {
        switch error {
        case .notEnoughX:
            if case .paired = data.design {
                return .data("wilcoxon", "no complete pairs of '\(data.labels[0])' and '\(data.labels[1])'",
                             expected: "at least 1 pair with both values present")
            }
            return .data("wilcoxon", "no non-missing values in '\(data.labels[0])'", expected: "at least 1 non-missing value")
        case .notEnoughY:
            return .data("wilcoxon", "no non-missing values in '\(data.labels[1])'", expected: "at least 1 non-missing value")
        default:
            return .data("wilcoxon", error.description)
        }
    }

    static func json(_ r: WilcoxonResult, data: SampleData, groups: [GroupRow]) -> JSONObject {
        var j = JSONObject(command: "wilcoxon")
        j["kind"] = .string(r.kind.rawValue)
        j["method"] = .string(r.method)
        data.design.addColumns(to: &j)
        j["paired"] = .bool(r.paired)
        j["alternative"] = .string(r.alternative.rawValue)
        j["mu"] = .num(r.mu)
        j["groups"] = .array(groups.map { row in
            var g = JSONObject()
            g["label"] = .string(row.label)
            g["n"] = .int(row.n)
            g["median"] = .num(row.median)
            return g.value
        })
        j["n"] = .int(data.used)
        j["dropped"] = .int(data.dropped)
        if r.kind == .signedRank { j["zeros"] = .int(r.zeros) }
        j["statistic_name"] = .string(r.statisticName)
        j["statistic"] = .num(r.statistic)
        j[r.statisticName] = .num(r.statistic)
        j["p"] = .num(r.p)
        j["exact"] = .bool(r.exact)
        j["correct"] = .bool(r.continuityCorrection)
        j["ties"] = .bool(r.ties)
        j["z"] = r.z.map { .num($0) } ?? .null
        j["rank_sums"] = .array(r.rankSums.map { .num($0) })
        j["tie_sum"] = .num(r.tieSum)
        return j
    }

    struct GroupRow {
        var label: String
        var n: Int
        var median: Double
    }

    /// Each sample's n and median; the medians from the polled radix sort (10^7 values took
    /// seconds unpolled in the standard library's sort, twice).
    static func groupRows(_ data: SampleData) throws -> [GroupRow] {
        func median(_ x: [Double]) throws -> Double {
            let sorted = SurvivalTimeOrder.sorted(x, cancel: Interrupt.cancellation)
            try Interrupt.check("wilcoxon")
            return Quantile.type7(sorted: sorted, 0.5)
        }
        var rows: [GroupRow] = []
        rows.append(GroupRow(label: data.labels[0], n: data.x.count, median: try median(data.x)))
        if let y = data.y {
            rows.append(GroupRow(label: data.labels[1], n: y.count, median: try median(y)))
        }
        return rows
    }

    /// The printed result as one table (groups: n, median) with the test as footnotes: what
    /// `export` writes.
    static func table(_ r: WilcoxonResult, data: SampleData, groups: [GroupRow], session: Session) -> ResultTable {
        let rows = groups.map { [session.displayGroup($0.label), String($0.n), session.fmt($0.median)] }
        // V and W are sums of (possibly averaged) ranks: shown in full, as R prints them.
        var stat = "\(r.statisticName) = \(NumberFormat.significant(r.statistic, digits: 15)), p = \(NumberFormat.pValue(r.p, digits: session.settings.digits))"
        stat += "  (\(r.alternative.rawValue), mu = \(session.fmt(r.mu)))"
        var how = r.exact ? "exact p-value" : "normal approximation"
        if !r.exact {
            how += r.continuityCorrection ? " with continuity correction" : " without continuity correction"
            if let z = r.z { how += ", z = \(session.fmt(z))" }
            if r.ties { how += "; ties corrected" }
        }
        if r.kind == .signedRank && r.zeros > 0 {
            how += "; \(plural(r.zeros, "zero difference")) dropped"
        }
        if data.dropped > 0 { how += "; \(SampleData.droppedPhrase(data))" }
        return ResultTable(title: "\(r.method): \(data.design.title(session))", header: ["", "n", "median"], rows: rows,
                           footnotes: [stat, how + "; as R's wilcox.test"], name: "wilcoxon")
    }
}
