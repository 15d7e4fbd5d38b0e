// TTestCommand.swift — `ttest`: one-sample, paired and two-sample (Welch or pooled) t-tests, as R's t.test.
//
// The numerics are SurvivalStats.TTest (R's t.test.default semantics, matched to 1e-10 in its tests);
// this file reads the samples (SampleSelection), runs the test and renders text and JSON.

import SurvivalStats
import SurvshCore

public enum TTestCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "ttest", aliases: ["t.test"],
        summary: "t-test: one-sample, paired, or two-sample (Welch, or pooled with var.equal), as R's t.test",
        synopsis: ["ttest X [mu=M]", "ttest X Y paired [mu=M]", "ttest X ~ GROUP [var.equal]", "ttest X Y [var.equal]",
                   "ttest ... [alternative=two.sided|less|greater] [level=0.95] [explain]"],
        body: .columns,
        options: [
            OptionSpec("mu", .number(nil), default: "0",
                       help: "hypothesised mean (one-sample), mean difference (paired) or difference in means"),
            OptionSpec("alternative", .choice(["two.sided", "less", "greater"]), default: "two.sided",
                       help: "alternative hypothesis (less: the true value is below mu)"),
            OptionSpec("level", .number(0...1), default: "0.95", help: "confidence level of the interval"),
            .flag("paired", help: "X and Y are paired; pairs with a missing side are dropped"),
            .flag("var.equal", help: "two-sample test with pooled variance (Student) instead of Welch"),
            SampleTestExplain.flag,
        ],
        notes: [
            "Follows R's t.test: Welch's test (unequal variances, Welch–Satterthwaite df) unless var.equal.",
            "X ~ GROUP: GROUP must have exactly 2 levels among the rows used; levels sort as R's factor()",
            "(numbers numerically, text as R sorts it; see `levels`) and the estimate is mean(first level) − mean(second level).",
            "X Y without 'paired': two independent samples from two columns. Missing values are dropped",
            "(paired: the whole pair). The CI is for the estimate; one-sided alternatives give a one-sided CI.",
            "explain: se, df (Welch–Satterthwaite for Welch), t, p and the t quantile of the CI, each with the numbers.",
            "Errors as R: fewer than 2 observations; 'data are essentially constant' (zero variance).",
        ],
        examples: [
            "ttest age mu=60",
            "ttest age ~ sex",
            "ttest wt.loss ~ sex var.equal alternative=less level=0.9",
            "ttest age ~ sex explain",
            "ttest ph.karno pat.karno paired",
            "load data/net_liver_mets.csv",
            "ttest mitoses_liver mitoses_primary paired",
            "ttest ki67_liver ki67_primary paired",
        ],
        topic: "analysis")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let design = try SampleDesign.parse(args.positional, paired: args.has("paired"), command: "ttest",
                                            synopsis: spec.synopsis.joined(separator: " | "))
        if args.has("var.equal") && !design.isTwoSample {
            throw SurvshError.usage("ttest", "'var.equal' applies to two-sample tests only",
                                    expected: "ttest X ~ GROUP var.equal or ttest X Y var.equal")
        }
        let data = try SampleData.load(design, session: session, command: "ttest")
        let (mu, alternative) = SampleTestOptions.read(args)
        let level = args.double("level", default: 0.95)
        // the test itself makes several passes over the values (0.3 s of CPU for 2 x 10^7): polled inside
        let cancel = Interrupt.cancellation
        let result: TTestResult
        do {
            switch (design, data.y) {
            case (.paired, let y?):
                result = try TTest.paired(data.x, y, mu: mu, alternative: alternative, confLevel: level, cancel: cancel)
            case (.twoColumns, let y?), (.grouped, let y?):
                result = try TTest.twoSample(data.x, y, mu: mu, varEqual: args.has("var.equal"),
                                             alternative: alternative, confLevel: level, cancel: cancel)
            default:
                result = try TTest.oneSample(data.x, mu: mu, alternative: alternative, confLevel: level, cancel: cancel)
            }
        } catch let e as TTestError {
            throw error(for: e, data: data)
        }
        let table = table(result, data: data, session: session)
        var text = table.indentedText()
        if args.has("explain") { text += "\n" + SampleTestExplain.ttest(result, session: session) }
        let kind: String
        switch design {
        case .paired: kind = "paired"
        case .twoColumns, .grouped: kind = args.has("var.equal") ? "pooled" : "welch"
        default: kind = "one-sample"
        }
        return CommandOutput(text: text, json: json(result, data: data).value, tables: [table], methods: [.tTest(kind: kind)])
    }

    /// R's error, told in terms of the columns.
    static func error(for error: TTestError, data: SampleData) -> SurvshError {
        switch error {
        case .notEnoughObservations(let sample?):
            if case .paired = data.design {
                let k = data.x.count
                return .data("ttest", "not enough observations: \(k) complete pair\(k == 1 ? "" : "s") of '\(data.labels[0])' and '\(data.labels[1])'",
                             expected: "at least 2 complete pairs")
            }
            let index = sample == "y" ? 1 : 0
            let count = index == 0 ? data.x.count : (data.y?.count ?? 0)
            return .data("ttest", "not enough observations in '\(data.labels[index])': \(count) non-missing",
                         expected: "at least 2 non-missing values")
        case .notEnoughObservations(nil):
            return .data("ttest", "not enough observations: \(data.used) in total", expected: "at least 3 for the pooled test")
        case .dataEssentiallyConstant:
            return .data("ttest", "data are essentially constant (the standard error is zero or negligible, as R's t.test reports)",
                         expected: "values that vary")
        default:
            return .data("ttest", error.description)
        }
    }

    static func estimateLabel(_ r: TTestResult) -> String {
        switch r.kind {
        case .oneSample: return "mean"
        case .paired: return "mean difference"
        case .welch, .pooled: return "difference in means"
        }
    }

    static func json(_ r: TTestResult, data: SampleData) -> JSONObject {
        var j = JSONObject(command: "ttest")
        j["kind"] = .string(r.kind.rawValue)
        j["method"] = .string(r.method)
        data.design.addColumns(to: &j)
        j["alternative"] = .string(r.alternative.rawValue)
        j["mu"] = .num(r.mu)
        j["level"] = .num(r.confLevel)
        var groups: [JSONValue] = []
        let counts = r.kind == .paired ? [r.n[0], r.n[0]] : r.n
        for (k, label) in data.labels.enumerated() {
            var g = JSONObject()
            g["label"] = .string(label)
            g["n"] = .int(counts[k])
            g["mean"] = .num(r.means[k])
            g["sd"] = .num(r.sds[k])
            groups.append(g.value)
        }
        j["groups"] = .array(groups)
        j["n"] = .int(data.used)
        j["dropped"] = .int(data.dropped)
        j["estimate"] = .num(r.estimate)
        j["estimate_label"] = .string(estimateLabel(r))
        if r.kind == .paired { j["sd_difference"] = .num(r.sdDifference) }
        j["stderr"] = .num(r.stderr)
        j["t"] = .num(r.t)
        j["df"] = .num(r.df)
        j["p"] = .num(r.p)
        j["ci_lower"] = .num(r.ciLower)
        j["ci_upper"] = .num(r.ciUpper)
        return j
    }

    /// The printed result as one table (groups: n, mean, sd) with the estimate, CI and test as
    /// footnotes: what `export` writes.
    static func table(_ r: TTestResult, data: SampleData, session: Session) -> ResultTable {
        var rows: [[String]] = []
        let counts = r.kind == .paired ? [r.n[0], r.n[0]] : r.n
        for (k, label) in data.labels.enumerated() {
            rows.append([session.displayGroup(label), String(counts[k]), session.fmt(r.means[k]), session.fmt(r.sds[k])])
        }
        if r.kind == .paired { rows.append(["difference", String(r.n[0]), session.fmt(r.meanDifference), session.fmt(r.sdDifference)]) }
        var estimate = estimateLabel(r)
        if data.labels.count == 2 { estimate += " (\(session.displayGroup(data.labels[0])) − \(session.displayGroup(data.labels[1])))" }
        let percent = NumberFormat.significant(100 * r.confLevel, digits: 6)
        var notes = ["\(estimate): \(session.fmt(r.estimate)), \(percent)% CI \(session.fmtLimit(r.ciLower)) to \(session.fmtLimit(r.ciUpper))",
                     "t = \(session.fmt(r.t)), df = \(session.fmt(r.df)), p = \(NumberFormat.pValue(r.p, digits: session.settings.digits))"
                         + "  (\(r.alternative.rawValue), mu = \(session.fmt(r.mu)))"]
        var used = r.kind == .paired ? "\(plural(data.used, "complete pair")) used" : "\(plural(data.used, "observation")) used"
        if data.dropped > 0 { used += "; \(SampleData.droppedPhrase(data))" }
        notes.append(used + "; as R's t.test")
        return ResultTable(title: "\(r.method): \(data.design.title(session))", header: ["", "n", "mean", "sd"], rows: rows,
                           footnotes: notes, name: "ttest")
    }
}
