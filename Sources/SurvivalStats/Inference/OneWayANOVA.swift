// OneWayANOVA.swift — the one-way analysis of variance F test of equal means across k groups, with
// equal variances assumed, as R's oneway.test(var.equal = TRUE) and anova(aov(x ~ g)).
//
// Contract
//   Inputs   : k >= 2 groups of values (callers drop missing values first), each group non-empty,
//              more values than groups in total.
//   Outputs  : F = (SSB / (k - 1)) / (SSW / (n - k)), df1 = k - 1, df2 = n - k, the upper-tail p of
//              F(df1, df2), and the group means and sizes. SSB = sum n_i (mean_i - mean)^2, SSW = sum
//              over groups of sum (x - mean_i)^2 (compensated sums, means as R's mean()).
//              With two groups F = t^2 of the pooled-variance t-test and the p-values agree.
//   Reference: Fisher (1925); R's stats::oneway.test (var.equal = TRUE), stats::aov.
//   R convention: oneway.test(x ~ g, var.equal = TRUE)$statistic, $parameter, $p.value.

import Foundation

/// Why a one-way test could not be computed.
public enum GroupTestError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooFewGroups(Int)
    case emptyGroup(Int)
    case notEnoughObservations
    case constantData

    public var description: String {
        switch self {
        case .tooFewGroups(let k): return "\(k) group\(k == 1 ? "" : "s"); a comparison needs at least 2"
        case .emptyGroup(let i): return "group \(i + 1) has no observations"
        case .notEnoughObservations: return "not enough observations (no more values than groups)"
        case .constantData: return "all observations are equal"
        }
    }
}

/// The F test of a one-way ANOVA.
public struct OneWayANOVAResult: Sendable, Equatable {
    public var f: Double
    public var df1: Int
    public var df2: Int
    public var p: Double
    public var means: [Double]
    public var n: [Int]
}

public enum OneWayANOVA {
    /// R's oneway.test(var.equal = TRUE) on `groups`.
    public static func test(_ groups: [[Double]]) throws -> OneWayANOVAResult {
        try GroupCheck.validate(groups)
        let n = groups.reduce(0) { $0 + $1.count }, k = groups.count
        guard n > k else { throw GroupTestError.notEnoughObservations }
        let grand = Moments.mean(groups.flatMap { $0 })
        let means = groups.map { Moments.mean($0) }
        var between = CompensatedSum(), within = CompensatedSum()
        for (g, m) in zip(groups, means) {
            between.add(Double(g.count) * (m - grand) * (m - grand))
            for x in g { within.add((x - m) * (x - m)) }
        }
        guard within.value > 0 else { throw GroupTestError.constantData }
        let f = (between.value / Double(k - 1)) / (within.value / Double(n - k))
        return OneWayANOVAResult(f: f, df1: k - 1, df2: n - k,
                                 p: FisherF.sf(f, df1: Double(k - 1), df2: Double(n - k)),
                                 means: means, n: groups.map(\.count))
    }
}

/// Shape checks the k-sample tests share.
enum GroupCheck {
    static func validate(_ groups: [[Double]]) throws {
        guard groups.count >= 2 else { throw GroupTestError.tooFewGroups(groups.count) }
        if let empty = groups.firstIndex(where: \.isEmpty) { throw GroupTestError.emptyGroup(empty) }
    }
}
