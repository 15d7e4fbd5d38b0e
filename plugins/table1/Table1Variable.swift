// Table1Variable.swift — one row block of `table1`: how a variable is summarised (continuous or
// categorical, normal or not), its statistics overall and within each group, its test and SMD.
//
// Contract: `Table1Variable.make` reads the column over the table's rows (every row has a group when
// there is one) and computes, with SurvivalStats, what the table prints and the JSON reports. The
// numbers follow R: mean/sd (divisor n - 1), quartiles by quantile() type 7, t.test(var.equal = TRUE)
// or oneway.test(var.equal = TRUE), wilcox.test (R's defaults) or kruskal.test, chisq.test (Yates'
// correction for 2 x 2, R's default) or fisher.test, and tableone's SMD.

import SurvivalStats
import SurvshCore

/// Statistics of one continuous variable within one column of the table (overall or a group).
struct ContinuousCell {
    var n: Int
    var missing: Int
    var mean, sd, median, q1, q3, min, max: Double

    /// Polls Ctrl-C (a radix sort, then three passes).
    init(_ values: [Double], missing: Int) throws {
        n = values.count
        self.missing = missing
        let sorted = SurvivalTimeOrder.sorted(values, cancel: Interrupt.cancellation)
        try Interrupt.check("table1")
        mean = Moments.mean(values)
        sd = Moments.standardDeviation(values)
        median = Quantile.type7(sorted: sorted, 0.5)
        q1 = Quantile.type7(sorted: sorted, 0.25)
        q3 = Quantile.type7(sorted: sorted, 0.75)
        min = sorted.first ?? .nan
        max = sorted.last ?? .nan
    }
}

/// The p-value of a variable and how it was obtained.
struct Table1Test {
    /// Short name printed in the table's test column: t-test, ANOVA, Wilcoxon, Kruskal-Wallis, chi-square, Fisher.
    var name: String
    /// R's method, as the note and JSON name it.
    var method: String
    var statistic: Double?
    var df: [Double]
    var p: Double?
    /// Categorical: the smallest expected count of the chi-square test (the rule's input).
    var minExpected: Double?
}

struct Table1Variable {
    enum Kind: String { case continuous, categorical }

    var name: String
    var kind: Kind
    /// Continuous only: summarised by median [Q1, Q3] and tested by rank tests.
    var nonnormal: Bool
    /// Continuous only: the moment skewness of all the values (the automatic rule's input).
    var skewness: Double?
    /// Index 0 is the overall column, then one per group.
    var continuous: [ContinuousCell] = []
    /// Categorical: level labels and counts[level][column] (column 0 overall), non-missing per column.
    var levels: [String] = []
    var counts: [[Int]] = []
    var nonMissing: [Int] = []
    var missing: [Int] = []
    var test: Table1Test?
    var smd: StandardizedDifference?
    var warnings: [String] = []

    /// The rule of the automatic choice: |skewness| above this is nonnormal.
    static let skewnessLimit = 1.0
    /// The most (partial) tables Fisher's exact test visits in a table1 (about a second in a debug build,
    /// a fraction in release); beyond it the chi-square p is given and marked `chi-square*` (R's
    /// fisher.test, a network algorithm, stops with "FEXACT error" on such tables unless given more workspace).
    static let fisherTableLimit = 1_000_000
    /// Numeric columns with at most this many distinct values are categorical.
    static let maxCategoricalValues = 5

    /// Whether a column is summarised as categorical when neither cat= nor cont= names it.
    static func isCategorical(_ column: Column, rows: [Int], session: Session) throws -> Bool {
        switch column.type {
        case .text, .boolean: return true
        case .date: return false
        case .integer, .real:
            // distinct values counted until there are too many (sorting 10^7 reals into levels
            // took 13 s of CPU without a poll); NaN is one value, as one level
            var distinct = Set<Double>()
            var nan = 0
            for (k, r) in rows.enumerated() {
                try Interrupt.check("table1", at: k)
                guard !column.missing[r], let x = column.number(at: r) else { continue }
                if x.isNaN { nan = 1 } else { distinct.insert(x == 0 ? 0 : x) }
                if distinct.count + nan > maxCategoricalValues { return false }
            }
            return true
        }
    }

    /// Summarises `column` over `rows`; `group[i]` is the group of rows[i] (nil: no grouping), `groups` their count.
    /// Ctrl-C is polled between the passes over the rows (and inside the long ones).
    static func make(_ column: Column, kind: Kind, nonnormal: Bool?, rows: [Int], group: [Int]?, groups: Int,
                     smd: Bool, session: Session) throws -> Table1Variable {
        let columnsCount = group == nil ? 1 : groups + 1
        var v = Table1Variable(name: column.name, kind: kind, nonnormal: false, skewness: nil)
        v.missing = [Int](repeating: 0, count: columnsCount)
        try Interrupt.check("table1")
        // Inf or -Inf is an error naming the column and row, as in every analysis (never a mean of Inf)
        try column.requireFinite(rows: rows, command: "table1")
        for (i, r) in rows.enumerated() where column.missing[r] {
            v.missing[0] += 1
            if let g = group?[i] { v.missing[g + 1] += 1 }
        }
        try Interrupt.check("table1")
        switch kind {
        case .continuous: try v.summariseContinuous(column, nonnormal: nonnormal, rows: rows, group: group, groups: groups, smd: smd)
        case .categorical: try v.summariseCategorical(column, rows: rows, group: group, groups: groups, smd: smd, session: session)
        }
        return v
    }

    private mutating func summariseContinuous(_ column: Column, nonnormal: Bool?, rows: [Int], group: [Int]?, groups: Int,
                                              smd: Bool) throws {
        var all: [Double] = []
        var byGroup = [[Double]](repeating: [], count: groups)
        for (i, r) in rows.enumerated() {
            try Interrupt.check("table1", at: i)
            guard let x = column.number(at: r) else { continue }
            all.append(x)
            if let g = group?[i] { byGroup[g].append(x) }
        }
        let skew = Moments.skewness(all)
        skewness = skew.isFinite ? skew : nil
        self.nonnormal = nonnormal ?? (abs(skew) > Table1Variable.skewnessLimit)
        continuous = [try ContinuousCell(all, missing: missing[0])]
        guard group != nil else { return }
        continuous += try byGroup.enumerated().map { try ContinuousCell($1, missing: missing[$0 + 1]) }
        try Interrupt.check("table1")
        test = try continuousTest(byGroup)
        if smd { self.smd = StandardizedDifference.continuous(byGroup) }
    }

    /// t-test (pooled) or ANOVA for normal variables; Wilcoxon rank-sum or Kruskal–Wallis for nonnormal ones.
    private mutating func continuousTest(_ groups: [[Double]]) throws -> Table1Test? {
        let used = groups.filter { !$0.isEmpty }
        if used.count < groups.count {
            warnings.append("\(name): no p-value: a group has no values")
            return nil
        }
        do {
            switch (nonnormal, groups.count) {
            case (false, 2):
                let r = try TTest.twoSample(groups[0], groups[1], varEqual: true)
                return Table1Test(name: "t-test", method: "Two Sample t-test (var.equal = TRUE)", statistic: r.t, df: [r.df], p: r.p)
            case (false, _):
                let r = try OneWayANOVA.test(groups)
                return Table1Test(name: "ANOVA", method: "One-way ANOVA F test (oneway.test, var.equal = TRUE)",
                                  statistic: r.f, df: [Double(r.df1), Double(r.df2)], p: r.p)
            case (true, 2):
                let r = try Wilcoxon.rankSum(groups[0], groups[1], cancel: Interrupt.cancellation)
                return Table1Test(name: "Wilcoxon", method: r.method, statistic: r.statistic, df: [], p: r.p)
            case (true, _):
                let r = try KruskalWallis.test(groups, cancel: Interrupt.cancellation)
                return Table1Test(name: "Kruskal-Wallis", method: "Kruskal-Wallis rank sum test",
                                  statistic: r.statistic, df: [Double(r.df)], p: r.p)
            }
        } catch is CancellationError {
            throw CancellationError()   // Ctrl-C during the ranks: the command stops
        } catch {
            warnings.append("\(name): no p-value: \(error)")
            return nil
        }
    }

    private mutating func summariseCategorical(_ column: Column, rows: [Int], group: [Int]?, groups: Int, smd: Bool,
                                               session: Session) throws {
        let present = rows.indices.filter { !column.missing[rows[$0]] }
        try Interrupt.check("table1")
        let lv = try session.levels(column, rows: present.map { rows[$0] })
        try Interrupt.check("table1")
        levels = lv.labels
        let columnsCount = group == nil ? 1 : groups + 1
        counts = [[Int]](repeating: [Int](repeating: 0, count: columnsCount), count: levels.count)
        for (k, i) in present.enumerated() {
            let level = Int(lv.codes[k])
            counts[level][0] += 1
            if let g = group?[i] { counts[level][g + 1] += 1 }
        }
        nonMissing = (0..<columnsCount).map { c in counts.reduce(0) { $0 + $1[c] } }
        guard group != nil else { return }
        let byGroup = counts.map { Array($0.dropFirst()) }
        test = categoricalTest(byGroup)
        if smd { self.smd = StandardizedDifference.categorical(byGroup) }
    }

    /// Chi-square (Yates' correction for 2 x 2) unless an expected count is below 5, then Fisher's exact test.
    private mutating func categoricalTest(_ counts: [[Int]]) -> Table1Test? {
        // Levels or groups with no observations are left out, as table() of the complete cases has none.
        var kept = counts.filter { $0.contains { $0 > 0 } }
        let liveGroups = (0..<(kept.first?.count ?? 0)).filter { g in kept.contains { $0[g] > 0 } }
        kept = kept.map { row in liveGroups.map { row[$0] } }
        guard kept.count >= 2, liveGroups.count >= 2 else {
            warnings.append("\(name): no p-value: the table of \(name) by group is \(kept.count) x \(liveGroups.count)")
            return nil
        }
        do {
            let chi = try ContingencyTable.chiSquare(kept, correct: true)
            let minExpected = chi.expected.joined().min()
            var chiTest = Table1Test(name: "chi-square",
                                     method: "Pearson's chi-square" + (chi.continuityCorrection ? " with Yates' continuity correction" : ""),
                                     statistic: chi.statistic, df: [Double(chi.df)], p: chi.p, minExpected: minExpected)
            guard chi.smallExpected else { return chiTest }
            do {
                let p = try FisherExact.pValue(kept, maxTables: Table1Variable.fisherTableLimit)
                return Table1Test(name: "Fisher", method: "Fisher's exact test (two-sided)", statistic: nil, df: [], p: p,
                                  minExpected: minExpected)
            } catch ContingencyError.tooManyTables {
                warnings.append("\(name): an expected count is below 5 but Fisher's exact test would visit more than "
                                + "\(Table1Variable.fisherTableLimit) (partial) tables: the chi-square p is given")
                chiTest.name = "chi-square*"
                return chiTest
            }
        } catch {
            warnings.append("\(name): no p-value: \(error)")
            return nil
        }
    }
}
