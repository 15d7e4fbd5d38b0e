// ContingencyTests.swift — tests of independence in an r x c table of counts, as R's chisq.test
// and fisher.test.
//
// Contract
//   Inputs   : counts[i][j] >= 0, at least 2 rows and 2 columns, every row and column total > 0
//              (drop empty levels first, as R's table() of the complete cases has none).
//   Outputs  : Pearson's chi-square: statistic, df = (r-1)(c-1), upper-tail p, expected counts and
//              whether any expected count is below 5 (R's "approximation may be incorrect" warning).
//              Fisher's exact test: the two-sided p-value, the sum of the probabilities of every
//              table with the observed margins that is no more probable than the observed one.
//   Method   : chisq.test(x, correct = TRUE): the Yates continuity correction applies to 2 x 2 tables
//              only, as in R: sum((|O - E| - min(0.5, |O - E|))^2 / E).
//              fisher.test(x): hypergeometric probabilities P(table) = prod r_i! prod c_j! / (n! prod x_ij!);
//              a table counts when P <= P_obs (1 + 1e-7) (R's relErr). Tables are enumerated column by
//              column (the last column and the last row of each column are forced). At each partial
//              table, bounds on the probabilities of its completions (each open column and row relaxed
//              on its own; log x! is convex, so the most even split is the least Σ log x!, the most
//              concentrated the largest) decide whether all of them count (their total probability has
//              a closed form, added at once), none does (dropped), or the node is expanded: Mehta &
//              Patel's bounding idea without their merging of equivalent nodes. Exact, but the work
//              can still grow quickly: more than `FisherExact.maxTables` nodes is an error.
//   Reference: Agresti (2002), Categorical Data Analysis, 3.5; Mehta & Patel (1983).
//   R convention: chisq.test and fisher.test (stats), R 4.2; Tests: ContingencyTests against
//              Tests/SurvivalStatsTests/Reference/contingency.R.

import Foundation

/// Errors of the contingency-table tests.
public enum ContingencyError: Error, Equatable, CustomStringConvertible {
    case tooSmall(rows: Int, columns: Int)
    case emptyMargin
    case negativeCount
    case tooManyTables(limit: Int)

    public var description: String {
        switch self {
        case .tooSmall(let r, let c): return "the table is \(r) x \(c); a test needs at least 2 x 2"
        case .emptyMargin: return "a row or column of the table has no observations"
        case .negativeCount: return "counts must be non-negative"
        case .tooManyTables(let limit):
            return "Fisher's exact test would visit more than \(limit) tables or partial tables with these margins"
        }
    }
}

/// Pearson's chi-square test of independence, as R's chisq.test on a matrix.
public struct ChiSquareTestResult: Sendable, Equatable {
    public var statistic: Double
    public var df: Int
    public var p: Double
    /// True when the Yates correction was applied (2 x 2 and `correct`).
    public var continuityCorrection: Bool
    public var expected: [[Double]]
    /// Some expected count is below 5 (R warns: "Chi-squared approximation may be incorrect").
    public var smallExpected: Bool
}

public enum ContingencyTable {
    /// Checks the shape and margins; returns row and column totals and n.
    static func margins(_ counts: [[Int]]) throws -> (rows: [Int], columns: [Int], n: Int) {
        let r = counts.count, c = counts.first?.count ?? 0
        guard r >= 2, c >= 2, counts.allSatisfy({ $0.count == c }) else { throw ContingencyError.tooSmall(rows: r, columns: c) }
        guard counts.allSatisfy({ $0.allSatisfy { $0 >= 0 } }) else { throw ContingencyError.negativeCount }
        let rows = counts.map { $0.reduce(0, +) }
        let columns = (0..<c).map { j in counts.reduce(0) { $0 + $1[j] } }
        guard rows.allSatisfy({ $0 > 0 }), columns.allSatisfy({ $0 > 0 }) else { throw ContingencyError.emptyMargin }
        return (rows, columns, rows.reduce(0, +))
    }

    /// Pearson's chi-square; `correct` applies Yates' correction to a 2 x 2 table (R's default TRUE).
    public static func chiSquare(_ counts: [[Int]], correct: Bool = true) throws -> ChiSquareTestResult {
        let m = try margins(counts)
        let n = Double(m.n)
        let yates = correct && counts.count == 2 && counts[0].count == 2
        var statistic = 0.0
        var expected: [[Double]] = []
        for (i, row) in counts.enumerated() {
            var e: [Double] = []
            for (j, x) in row.enumerated() {
                let ex = Double(m.rows[i]) * Double(m.columns[j]) / n
                let d = abs(Double(x) - ex)
                let dc = yates ? d - min(0.5, d) : d
                statistic += dc * dc / ex
                e.append(ex)
            }
            expected.append(e)
        }
        let df = (counts.count - 1) * (counts[0].count - 1)
        return ChiSquareTestResult(statistic: statistic, df: df, p: ChiSquared.sf(statistic, df: Double(df)),
                                   continuityCorrection: yates, expected: expected,
                                   smallExpected: expected.joined().contains { $0 < 5 })
    }
}

/// Fisher's exact test of independence (two-sided), as R's fisher.test.
public enum FisherExact {
    /// The most nodes (tables, or partial tables whose completions are added or dropped at once) an
    /// r x c test visits before refusing (about a second in a release build).
    public static let maxTables = 10_000_000
    /// R's relative tolerance for "no more probable than the observed table".
    static let relErr = 1 + 1e-7

    public static func pValue(_ counts: [[Int]], maxTables: Int = FisherExact.maxTables) throws -> Double {
        let m = try ContingencyTable.margins(counts)
        let logFactorial = (0...m.n).map { SpecialFunctions.logGamma(Double($0) + 1) }
        // log P = constant - sum log x_ij!, constant = sum log r_i! + sum log c_j! - log n!
        let constant = m.rows.reduce(0) { $0 + logFactorial[$1] } + m.columns.reduce(0) { $0 + logFactorial[$1] } - logFactorial[m.n]
        let observed = constant - counts.joined().reduce(0) { $0 + logFactorial[$1] }
        let threshold = observed + log(relErr)
        var enumeration = Enumeration(columns: m.columns, logFactorial: logFactorial, constant: constant,
                                      threshold: threshold, limit: maxTables)
        var remaining = m.rows
        try enumeration.column(0, remaining: &remaining, logSum: 0)
        return min(1, enumeration.pSum)
    }

    /// Depth-first enumeration of the tables with the given margins, column by column. A node whose
    /// completions all count (or none does), by bounds on their probabilities, is not expanded: its
    /// completions' total probability has a closed form (Mehta & Patel's idea without their path merging).
    struct Enumeration {
        /// Margin on the log scale that keeps a bound's rounding from deciding a borderline node.
        static let slack = 1e-9
        let columns: [Int]
        let logFactorial: [Double]
        let constant: Double
        let threshold: Double
        let limit: Int
        var visited = 0
        var pSum = 0.0
        /// laterColumnsSorted[j]: the totals of the columns after j, ascending.
        let laterColumnsSorted: [[Int]]

        init(columns: [Int], logFactorial: [Double], constant: Double, threshold: Double, limit: Int) {
            self.columns = columns
            self.logFactorial = logFactorial
            self.constant = constant
            self.threshold = threshold
            self.limit = limit
            laterColumnsSorted = columns.indices.map { columns[($0 + 1)...].sorted() }
        }

        /// Bounds on Σ log x! over the cells still open at node (i, j): rows i... of column j (`left` to
        /// place) and every later column. Each line of open cells is relaxed on its own (its total split
        /// under caps that are at least the true ones), once by columns and once by rows; by convexity of
        /// log x! the most even split gives the least sum and the most concentrated the largest.
        func bounds(_ i: Int, _ j: Int, left: Int, remaining: [Int]) -> (min: Double, max: Double) {
            var byColumns = Enumeration.extremes(left, ascending: remaining[i...].sorted(), logFactorial)
            let rowCaps = remaining.sorted()
            for k in (j + 1)..<columns.count {
                let e = Enumeration.extremes(columns[k], ascending: rowCaps, logFactorial)
                byColumns.min += e.min; byColumns.max += e.max
            }
            var byRows = (min: 0.0, max: 0.0)
            let later = laterColumnsSorted[j]
            var withLeft = later
            withLeft.insert(left, at: later.firstIndex { $0 >= left } ?? later.count)
            for (r, total) in remaining.enumerated() {
                let e = Enumeration.extremes(total, ascending: r >= i ? withLeft : later, logFactorial)
                byRows.min += e.min; byRows.max += e.max
            }
            return (Swift.max(byColumns.min, byRows.min), Swift.min(byColumns.max, byRows.max))
        }

        /// The least and largest Σ log x_k! over splits of `total` into x_k ∈ [0, caps_k], caps ascending.
        static func extremes(_ total: Int, ascending: [Int], _ logFactorial: [Double]) -> (min: Double, max: Double) {
            var least = 0.0, left = total
            for (k, cap) in ascending.enumerated() {
                let slots = ascending.count - k, q = left / slots
                if cap <= q { least += logFactorial[cap]; left -= cap; continue }
                let extra = left - q * slots   // `extra` slots take q + 1 (their caps are above q)
                least += Double(slots - extra) * logFactorial[q] + Double(extra) * logFactorial[q + 1]
                left = 0
                break
            }
            var largest = 0.0
            left = total
            for cap in ascending.reversed() where left > 0 {
                let x = Swift.min(cap, left)
                largest += logFactorial[x]
                left -= x
            }
            return (least, largest)
        }

        /// log of Σ over the completions of node (i, j) of Π 1/x! over their open cells:
        /// log N''! - Σ_{k>j} log c_k! - Σ_rows log rem! + log C(Σ_{r>=i} rem_r, left), N'' the later columns' total.
        func logCompletions(_ i: Int, _ j: Int, left: Int, remaining: [Int]) -> Double {
            let laterTotal = columns[(j + 1)...].reduce(0, +)
            let open = remaining[i...].reduce(0, +)
            return logFactorial[laterTotal] - columns[(j + 1)...].reduce(0) { $0 + logFactorial[$1] }
                - remaining.reduce(0) { $0 + logFactorial[$1] }
                + logFactorial[open] - logFactorial[left] - logFactorial[open - left]
        }

        /// Fills column `j` with every split of its total over the rows' remaining totals.
        mutating func column(_ j: Int, remaining: inout [Int], logSum: Double) throws {
            if j == columns.count - 1 {
                // The last column takes what is left of each row.
                visited += 1
                if visited > limit { throw ContingencyError.tooManyTables(limit: limit) }
                let logP = constant - logSum - remaining.reduce(0) { $0 + logFactorial[$1] }
                if logP <= threshold { pSum += exp(logP) }
                return
            }
            try cell(0, j, left: columns[j], remaining: &remaining, logSum: logSum)
        }

        /// Chooses the count of row `i` in column `j`, `left` still to place in this column.
        mutating func cell(_ i: Int, _ j: Int, left: Int, remaining: inout [Int], logSum: Double) throws {
            let last = remaining.count - 1
            if i < last || j < columns.count - 2 {
                // Every completion of this node has log P in [constant - logSum - bounds.max, constant - logSum - bounds.min].
                visited += 1
                if visited > limit { throw ContingencyError.tooManyTables(limit: limit) }
                let b = bounds(i, j, left: left, remaining: remaining)
                if constant - logSum - b.max > threshold + Enumeration.slack { return }   // none counts
                if constant - logSum - b.min <= threshold - Enumeration.slack {            // all count
                    pSum += exp(constant - logSum + logCompletions(i, j, left: left, remaining: remaining))
                    return
                }
            }
            if i == last {
                guard left <= remaining[i] else { return }
                remaining[i] -= left
                try column(j + 1, remaining: &remaining, logSum: logSum + logFactorial[left])
                remaining[i] += left
                return
            }
            // Rows below must be able to take what this row leaves.
            let capacityBelow = remaining[(i + 1)...].reduce(0, +)
            let lo = max(0, left - capacityBelow), hi = min(left, remaining[i])
            guard lo <= hi else { return }
            for x in lo...hi {
                remaining[i] -= x
                try cell(i + 1, j, left: left - x, remaining: &remaining, logSum: logSum + logFactorial[x])
                remaining[i] += x
            }
        }
    }
}
