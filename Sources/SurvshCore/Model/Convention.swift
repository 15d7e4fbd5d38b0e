// Convention.swift — whose defaults survsh follows where R, SAS and Stata differ (`set convention=`).
//
// Contract: a convention changes DEFAULTS only (an explicit conf= or ties= always wins): the
// Kaplan–Meier CI transform, the rule reading the median and other percentiles off the curve (and
// their limits), and the Cox tie method. Everything else (Greenwood variance, the log-rank test,
// Wald CIs of hazard ratios, the pairwise p adjustment) is the same under every convention, and
// `rules` says so with the manual section each rule comes from. Results computed under SAS or Stata
// print `resultLine`; under R (the default) the output is what it always was, its convention lines
// naming R ("log transform (R's default)", "R's print.survfit rule", "Efron (R's default)").

import Foundation
import SurvivalStats

public enum Convention: String, Sendable, CaseIterable {
    case r, sas, stata

    /// The package, as a column header: R, SAS, Stata.
    public var packageName: String {
        switch self {
        case .r: return "R"
        case .sas: return "SAS"
        case .stata: return "Stata"
        }
    }

    /// What results say produced them.
    public var label: String {
        switch self {
        case .r: return "R (survival 3.5)"
        case .sas: return "SAS (PROC LIFETEST and PHREG defaults)"
        case .stata: return "Stata (sts, stci and stcox defaults)"
        }
    }

    /// The Kaplan–Meier CI transform by default: R log; SAS and Stata log-log.
    public var kmConfType: KaplanMeierConfType { self == .r ? .log : .logLog }

    /// Where the default transform comes from, for result lines.
    public var kmConfSource: String {
        switch self {
        case .r: return "R's default"
        case .sas: return "as SAS"
        case .stata: return "as Stata"
        }
    }

    /// The Cox tie method by default: R Efron; SAS and Stata Breslow.
    public var coxTies: CoxTies { self == .r ? .efron : .breslow }

    /// Where the default tie method comes from, for result lines.
    public var coxTiesSource: String {
        switch self {
        case .r: return "R's default"
        case .sas: return "as SAS"
        case .stata: return "as Stata"
        }
    }

    /// The rule reading percentiles off a Kaplan–Meier curve.
    public var percentiles: KaplanMeierPercentileConvention {
        switch self {
        case .r: return .r
        case .sas: return .sas
        case .stata: return .stata
        }
    }

    /// Whose rule `km quantiles=` follows, for its table's title.
    public var quantileSource: String {
        switch self {
        case .r: return "R's quantile.survfit"
        case .sas: return "SAS LIFETEST's percentile rule"
        case .stata: return "Stata stci's percentile rule"
        }
    }

    /// The median rule in words (two lines, within 100 columns), as km prints it.
    public var medianRuleLines: [String] {
        switch self {
        case .r:
            return ["median: R's print.survfit rule (first time S(t) <= 0.5; the midpoint of a stretch",
                    "where S(t) is exactly 0.5); CI from the CI curves; NA = not reached"]
        case .sas:
            return ["median: SAS LIFETEST's rule (first event time S(t) < 0.5; the midpoint of a stretch where S(t) is",
                    "exactly 0.5); CI: the event times whose CI holds 0.5 (Brookmeyer-Crowley); NA = not reached"]
        case .stata:
            return ["median: Stata stci's rule (first event time S(t) <= 0.5, no midpoint); CI where the CI curves",
                    "first fall to 0.5 or below; NA = not reached"]
        }
    }

    /// The line a result computed under SAS or Stata prints; nil under R, whose output is unchanged.
    public var resultLine: String? {
        self == .r ? nil : "convention: \(label); set convention=r for R's"
    }

    // MARK: the rules side by side

    /// One rule as the three packages apply it, with where each package documents it.
    public struct Rule: Sendable {
        public var name: String
        public var r: String
        public var sas: String
        public var stata: String
        /// The manual sections, R's first.
        public var sources: String
        /// Whether `set convention=` changes what survsh does for this rule.
        public var differs: Bool
    }

    /// The rules that differ between the packages, and those one might expect to, with sources.
    public static let rules: [Rule] = [
        Rule(name: "KM CI transform", r: "log", sas: "log-log", stata: "log-log",
             sources: "R ?survfit.formula conf.type; SAS LIFETEST, PROC LIFETEST statement, CONFTYPE=; "
                 + "Stata [ST] sts, Methods and formulas (ln{-ln S(t)})", differs: true),
        Rule(name: "KM std.err", r: "Greenwood", sas: "Greenwood", stata: "Greenwood",
             sources: "R ?summary.survfit std.err; SAS LIFETEST, Details, Computational Formulas; "
                 + "Stata [ST] sts, Methods and formulas", differs: false),
        Rule(name: "median, percentiles", r: "first S<=0.5; midpoint", sas: "first S<0.5; midpoint",
             stata: "first S<=0.5", sources: "R ?print.survfit, ?quantile.survfit; SAS LIFETEST, Computational "
                 + "Formulas (q = min{t: S(t) < 1-p}, midpoint of a stretch at 1-p); Stata [ST] stci, Methods and formulas",
             differs: true),
        Rule(name: "median CI", r: "CI curves reach 0.5", sas: "times whose CI holds 0.5",
             stata: "CI curves reach 0.5",
             sources: "Brookmeyer & Crowley (1982) in all: R ?quantile.survfit; SAS LIFETEST, Computational "
                 + "Formulas (upper limit: the next event time); Stata [ST] stci", differs: true),
        Rule(name: "Cox ties", r: "Efron", sas: "Breslow", stata: "Breslow",
             sources: "R ?coxph ties=; SAS PHREG, MODEL statement, TIES=; Stata [ST] stcox, Options (breslow)",
             differs: true),
        Rule(name: "Cox HR CI", r: "Wald", sas: "Wald", stata: "Wald",
             sources: "R ?summary.coxph; SAS PHREG, MODEL statement, RISKLIMITS=; Stata [ST] stcox", differs: false),
        Rule(name: "log-rank test", r: "survdiff", sas: "LIFETEST logrank", stata: "sts test",
             sources: "R ?survdiff; SAS LIFETEST, STRATA statement, TEST=LOGRANK; Stata [ST] sts test", differs: false),
        Rule(name: "pairwise p adjust", r: "holm", sas: "holm", stata: "holm",
             sources: "survsh uses R's p.adjust default (survminer's pairwise_survdiff uses BH): SAS LIFETEST "
                 + "ADJUST= has no Holm or BH, Stata's sts test no pairwise option", differs: false),
    ]

    /// The rules as text lines (a table, * marking what `set convention=` changes, then the
    /// sources), for help.
    public static func rulesText() -> [String] {
        var t = TextTable(["rule", "R", "SAS", "Stata"], leftAligned: [0, 1, 2, 3])
        for r in rules { t.add([r.name + (r.differs ? " *" : ""), r.r, r.sas, r.stata]) }
        var lines = t.render(indent: "  ").split(separator: "\n").map(String.init)
        lines.append("  * changed by set convention; the others are the same in all three; quantiles=: 1 - p for 0.5.")
        lines.append("Sources:")
        for r in rules { lines += wrapped("\(r.name): \(r.sources).", width: 96, indent: "  ", continuation: "    ") }
        return lines
    }

    /// The rules as a Markdown table with their sources, for the README (a test keeps it current).
    public static func markdownTable() -> String {
        var lines = ["| rule | R | SAS | Stata | `set convention=` | sources |", "| --- | --- | --- | --- | --- | --- |"]
        for r in rules {
            let cells = [r.name, r.r, r.sas, r.stata, r.differs ? "changes it" : "same in all", r.sources]
            lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// `text` broken at spaces into lines of at most `width` columns after `indent` (first line) or
    /// `continuation` (the others); a longer word stays whole.
    static func wrapped(_ text: String, width: Int, indent: String, continuation: String) -> [String] {
        var lines: [String] = []
        var line = indent
        var empty = true
        for word in text.split(separator: " ") {
            if !empty && line.count + 1 + word.count > width {
                lines.append(line)
                line = continuation
                empty = true
            }
            line += (empty ? "" : " ") + word
            empty = false
        }
        if !empty { lines.append(line) }
        return lines
    }
}
