// Table1View.swift — how `table1` prints: the table of formatted cells (text and every export
// format), the notes stating the rules, and the JSON with every statistic at full precision.
//
// Cells as tableone prints them: means, SDs, medians and quartiles with `decimals` decimals (default
// 2), percentages with 1, p with 3 (<0.001 below), SMD with 3.

import Foundation
import SurvivalStats
import SurvshCore

struct Table1View {
    var group: String?
    var groupLabels: [String]
    var groupSizes: [Int]
    var rows: Int
    var droppedForGroup: Int
    var variables: [Table1Variable]
    var plan: Table1Plan
    var smd: Bool
    var decimals: Int
    var session: Session

    var grouped: Bool { group != nil }

    // MARK: cells

    func number(_ x: Double) -> String { NumberFormat.fixed(x, decimals: decimals) }

    static func percent(_ count: Int, of total: Int) -> Double { total > 0 ? 100 * Double(count) / Double(total) : .nan }

    /// tableone's p format: <0.001, else 3 decimals.
    static func pCell(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "" }
        return p < 0.001 ? "<0.001" : NumberFormat.fixed(p, decimals: 3)
    }

    func continuousCell(_ c: ContinuousCell, nonnormal: Bool) -> String {
        if c.n == 0 { return "" }
        return nonnormal ? "\(number(c.median)) [\(number(c.q1)), \(number(c.q3))]" : "\(number(c.mean)) (\(number(c.sd)))"
    }

    static func countCell(_ count: Int, of total: Int) -> String {
        total > 0 ? "\(count) (\(NumberFormat.fixed(percent(count, of: total), decimals: 1)))" : ""
    }

    /// The p, test, SMD and missing cells of a variable's first line.
    func tail(_ v: Table1Variable) -> [String] {
        var cells = grouped ? [Table1View.pCell(v.test?.p), v.test?.name ?? ""] : []
        if smd { cells.append(v.smd.map { NumberFormat.fixed($0.mean, decimals: 3) } ?? "") }
        return cells + [String(v.missing[0])]
    }

    var header: [String] {
        var h = ["variable", "Overall"] + groupLabels.map { "\(session.displayName(group ?? ""))=\($0)" }
        if grouped { h += ["p", "test"] }
        if smd { h.append("SMD") }
        return h + ["missing"]
    }

    func table() -> ResultTable {
        let blank = [String](repeating: "", count: header.count - 2 - groupLabels.count)
        var out: [[String]] = [["n", String(rows)] + groupSizes.map(String.init) + blank]
        for v in variables {
            switch v.kind {
            case .continuous:
                let label = session.displayName(v.name) + (v.nonnormal ? ", median [IQR]" : ", mean (SD)")
                out.append([label] + v.continuous.map { continuousCell($0, nonnormal: v.nonnormal) } + tail(v))
            case .categorical:
                out.append(["\(session.displayName(v.name)), n (%)"] + [String](repeating: "", count: v.nonMissing.count) + tail(v))
                for (l, counts) in zip(v.levels, v.counts) {
                    out.append(["  " + l] + zip(counts, v.nonMissing).map { Table1View.countCell($0, of: $1) } + blank)
                }
            }
        }
        var title = "Table 1: \(plural(rows, "row"))"
        if let group { title += " by \(session.displayName(group))" }
        return ResultTable(title: title, header: header, rows: out, footnotes: notes(), name: "table1")
    }

    // MARK: notes

    func notes() -> [String] {
        var notes: [String] = []
        let continuous = variables.filter { $0.kind == .continuous }
        if !continuous.isEmpty {
            let rule = plan.nonnormalGiven ? "as nonnormal= lists them"
                : "|skewness| > \(NumberFormat.significant(Table1Variable.skewnessLimit)) (nonnormal= overrides)"
            notes.append("Continuous: mean (SD), or median [Q1, Q3] (R's quantile type 7) if nonnormal: \(rule).")
        }
        if variables.contains(where: { $0.kind == .categorical }) {
            notes.append("Categorical: n (%) of the rows with a value; text, TRUE/FALSE, numeric with at most "
                         + "\(Table1Variable.maxCategoricalValues) values (cat=, cont= override).")
        }
        if grouped && !continuous.isEmpty {
            if groupLabels.count == 2 {
                notes += ["p: t-test with equal variances (R's t.test var.equal = TRUE, as oneway.test); nonnormal: Wilcoxon rank-sum",
                          "   (R's wilcox.test defaults: exact below 50 a group without ties, else normal with continuity correction)."]
            } else {
                notes.append("p: one-way ANOVA (R's oneway.test var.equal = TRUE); nonnormal: Kruskal-Wallis (R's kruskal.test).")
            }
        }
        if grouped && variables.contains(where: { $0.kind == .categorical }) {
            notes.append("p, categorical: chi-square (R's chisq.test, Yates for 2 x 2), or Fisher's exact test (fisher.test) "
                         + "if an expected count < 5.")
            if variables.contains(where: { $0.test?.name == "chi-square*" }) {
                notes.append("chi-square*: an expected count is below 5 but Fisher's exact test would visit more than "
                              + "\(Table1Variable.fisherTableLimit) (partial) tables; the chi-square p is given.")
            }
        }
        if smd {
            notes.append("SMD as tableone: |m1 - m2| / sqrt((s1^2 + s2^2) / 2); categorical: Yang & Dalton's"
                         + (groupLabels.count > 2 ? "; the mean of the pairwise SMDs." : "."))
        }
        notes.append("missing: rows without a value" + (grouped ? " (any group)." : "."))
        if droppedForGroup > 0 {
            notes.append("\(plural(droppedForGroup, "row")) with a missing \(group ?? "") left out.")
        }
        if !plan.leftOut.isEmpty {
            notes.append("Not shown: " + plan.leftOut.map { "\($0.names.joined(separator: ", ")) (\($0.reason))" }.joined(separator: "; ")
                         + "; list columns to choose them.")
        }
        return notes
    }

    // MARK: JSON

    static func continuousJSON(_ c: ContinuousCell) -> JSONValue {
        .object([("n", .int(c.n)), ("missing", .int(c.missing)), ("mean", .num(c.mean)), ("sd", .num(c.sd)),
                 ("median", .num(c.median)), ("q1", .num(c.q1)), ("q3", .num(c.q3)), ("min", .num(c.min)), ("max", .num(c.max))])
    }

    func variableJSON(_ v: Table1Variable) -> JSONValue {
        var j = JSONObject()
        j["name"] = .string(v.name)
        j["type"] = .string(v.kind.rawValue)
        switch v.kind {
        case .continuous:
            j["nonnormal"] = .bool(v.nonnormal)
            j["summary"] = .string(v.nonnormal ? "median_iqr" : "mean_sd")
            j["skewness"] = .num(v.skewness)
            j["overall"] = Table1View.continuousJSON(v.continuous[0])
            if grouped { j["groups"] = .array(v.continuous.dropFirst().map(Table1View.continuousJSON)) }
        case .categorical:
            let cell = { (c: Int) -> JSONValue in .object([("n", .int(v.nonMissing[c])), ("missing", .int(v.missing[c]))]) }
            j["overall"] = cell(0)
            if grouped { j["groups"] = .array((1..<v.nonMissing.count).map(cell)) }
            j["levels"] = .array(zip(v.levels, v.counts).map { level, counts in
                let cells = zip(counts, v.nonMissing).map { n, total -> JSONValue in
                    .object([("n", .int(n)), ("percent", .num(Table1View.percent(n, of: total)))])
                }
                var l: [(String, JSONValue)] = [("level", .string(level)), ("overall", cells[0])]
                if grouped { l.append(("groups", .array(Array(cells.dropFirst())))) }
                return .object(l)
            })
        }
        if grouped {
            j["test"] = v.test.map { t in
                .object([("name", .string(t.name)), ("method", .string(t.method)), ("statistic", .num(t.statistic)),
                         ("df", .array(t.df.map { .num($0) })), ("p", .num(t.p)), ("min_expected", .num(t.minExpected))])
            } ?? .null
        }
        if smd {
            j["smd"] = .num(v.smd?.mean)
            j["smd_pairwise"] = .array((v.smd?.pairwise ?? []).map { .num($0) })
        }
        return j.value
    }

    func json() -> JSONValue {
        var j = JSONObject(command: "table1")
        j["n"] = .int(rows)
        j["group"] = group.map { .string($0) } ?? .null
        if grouped {
            j["groups"] = .array(zip(groupLabels, groupSizes).map { .object([("label", .string($0)), ("n", .int($1))]) })
            j["dropped_missing_group"] = .int(droppedForGroup)
        }
        j["variables"] = .array(variables.map(variableJSON))
        j["not_shown"] = .array(plan.leftOut.map { .object([("reason", .string($0.reason)), ("columns", .array($0.names.map { .string($0) }))]) })
        j["notes"] = .array(notes().map { .string($0) })
        return j.value
    }
}
