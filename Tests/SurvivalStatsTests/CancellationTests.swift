// CancellationTests.swift — every long computation polls its Cancellation inside its hot loops and
// throws CancellationError when it fires, whichever poll that is; without firing, polling changes
// nothing. Deterministic: a Cancellation that fires at its K-th poll, no timing.
//
// The data have 60,000 rows (more than CoxParallel.minRows, so the threaded passes run, and several
// times Cancellation.stride), so a fit polls many times inside every Newton–Raphson iteration.

import Synchronization
import XCTest
@testable import SurvivalStats
import TestSupport

final class CancellationTests: XCTestCase {
    static let n = 60_000

    /// Ties, censoring, two groups, three covariates, two strata codes (a fixed LCG: the same every run).
    struct Rows {
        var time: [Double] = [], event: [Bool] = [], group: [Int32] = [], strata: [Int32] = []
        var x: [[Double]] = [[], [], []]
        init(n: Int) {
            var s: UInt64 = 20_261_205
            func u() -> Double {
                s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Double(s >> 11) / Double(1 << 53)
            }
            for _ in 0..<n {
                let g: Int32 = u() < 0.5 ? 0 : 1
                let x0 = u(), x1 = u() < 0.3 ? 1.0 : 0.0, x2 = (u() * 100).rounded()
                let rate = exp(0.5 * Double(g) + x0 - 0.8 * x1 + 0.01 * x2)
                time.append((-log(u()) / rate * 100).rounded() + 1)
                event.append(u() < 0.7)
                group.append(g)
                strata.append(u() < 0.5 ? 0 : 1)
                x[0].append(x0); x[1].append(x1); x[2].append(x2)
            }
        }
        func coxData(counting: Bool = false) throws -> CoxData {
            try CoxData(columns: x, columnNames: ["x0", "x1", "x2"], start: counting ? time.map { $0 / 2 - 1 } : nil,
                        stop: time, event: event)
        }
    }
    static let rows = Rows(n: n)

    /// Runs `work` once to count its polls (`minimum` at least), then fires at several of them,
    /// first to last: each must throw CancellationError.
    private func assertCancellable(_ what: String, minimumPolls minimum: Int,
                                   _ work: (Cancellation) throws -> Void) throws {
        let counter = PollCounter(firesAt: nil)
        try work(counter.cancellation)
        let polls = counter.count
        XCTAssertGreaterThanOrEqual(polls, minimum, "\(what): too few polls")
        for k in Set([1, polls / 3, 2 * polls / 3, polls]) where k >= 1 {
            let firing = PollCounter(firesAt: k)
            XCTAssertThrowsError(try work(firing.cancellation), "\(what): fired at poll \(k) of \(polls)") {
                XCTAssertTrue($0 is CancellationError, "\(what): \($0)")
            }
        }
    }

    func testCoxFitPollsInsideEveryIteration() throws {
        let r = Self.rows
        // (strata take the same passes as "plain", per stratum)
        for (label, data) in [("plain", try r.coxData()), ("counting", try r.coxData(counting: true))] {
            let plain = try CoxFit.fit(data)
            // three passes over the rows (risk scores, backward sweep, information) per iteration
            let perPass = Self.n / Cancellation.stride
            try assertCancellable("cox \(label)", minimumPolls: plain.iterationsRun * 3 * perPass) {
                let fit = try CoxFit.fit(data, cancel: $0)
                XCTAssertEqual(fit.beta, plain.beta, "polling changed the fit")
                XCTAssertEqual(fit.concordance, plain.concordance)
            }
        }
    }

    func testConcordancePolls() throws {
        let r = Self.rows
        let plain = try Concordance.harrell(time: r.time, event: r.event, x: r.x[0])
        try assertCancellable("concordance", minimumPolls: 2 * Self.n / Cancellation.stride) {
            let c = try Concordance.harrell(time: r.time, event: r.event, x: r.x[0], cancel: $0)
            XCTAssertEqual(c, plain)
        }
    }

    func testKaplanMeierPollsOnBothPaths() throws {
        let r = Self.rows
        let plain = try KaplanMeier.fit(time: r.time, event: r.event, group: r.group, groupCount: 2)
        let perPass = Self.n / Cancellation.stride
        try assertCancellable("km tally", minimumPolls: perPass) {
            let c = try KaplanMeier.fit(time: r.time, event: r.event, group: r.group, groupCount: 2, cancel: $0)
            XCTAssertEqual(c.map(\.surv), plain.map(\.surv))
        }
        // tallyLimit 0: the sorting path
        try assertCancellable("km sorted", minimumPolls: perPass) {
            let c = try KaplanMeier.fit(time: r.time, event: r.event, group: r.group, groupCount: 2,
                                        options: KaplanMeierOptions(), tallyLimit: 0, cancel: $0)
            XCTAssertEqual(c.map(\.surv), plain.map(\.surv))
        }
    }

    func testLogRankAndPairwisePoll() throws {
        let r = Self.rows
        let four = zip(r.group, r.strata).map { $0 * 2 + $1 }
        let plain = try LogRank.test(time: r.time, event: r.event, group: four, groupCount: 4)
        try assertCancellable("logrank", minimumPolls: 2 * Self.n / Cancellation.stride) {
            let t = try LogRank.test(time: r.time, event: r.event, group: four, groupCount: 4, cancel: $0)
            XCTAssertEqual(t.chisq, plain.chisq)
        }
        let pairs = try LogRank.pairwise(time: r.time, event: r.event, group: four, groupCount: 4)
        XCTAssertEqual(pairs.count, 6)
        // inside each of the 6 pairs, not only between them
        try assertCancellable("logrank pairwise", minimumPolls: 6 * (Self.n / 2) / Cancellation.stride) {
            let p = try LogRank.pairwise(time: r.time, event: r.event, group: four, groupCount: 4, cancel: $0)
            XCTAssertEqual(p.map(\.chisq), pairs.map(\.chisq))
        }
    }

    func testCoxFollowUpsPoll() throws {
        let data = try Self.rows.coxData()
        let fit = try CoxFit.fit(data, concordance: false)
        let perPass = Self.n / Cancellation.stride
        let zph = try CoxZph.test(fit, data: data)
        try assertCancellable("cox.zph", minimumPolls: perPass) {
            let z = try CoxZph.test(fit, data: data, cancel: $0)
            XCTAssertEqual(z.global, zph.global)
        }
        let mart = try CoxResiduals.martingale(data, coefficients: fit.beta)
        try assertCancellable("martingale residuals", minimumPolls: perPass) {
            let m = try CoxResiduals.martingale(data, coefficients: fit.beta, cancel: $0)
            XCTAssertEqual(m, mart)
        }
        try assertCancellable("score residuals", minimumPolls: perPass) {
            _ = try CoxResiduals.score(data, coefficients: fit.beta, cancel: $0)
        }
    }

    /// The set-up of a fit polls inside every pass over the rows (sorting, centring, the risk-set
    /// blocks), not only between passes: at 10^7 rows one pass takes about 0.1 s.
    func testSortAndSetUpPollInsideEachPass() throws {
        let r = Self.rows
        let perPass = Self.n / Cancellation.stride
        let plain = RadixSort.order(keys: r.time, groups: r.strata)
        // the keys, then counting and moving for each time digit and for the strata
        try assertCancellable("radix sort", minimumPolls: 5 * perPass) {
            let o = RadixSort.order(keys: r.time, groups: r.strata, cancel: $0)
            try $0.check()
            XCTAssertEqual(o, plain)
        }
        let data = try r.coxData()
        let byTime = RadixSort.order(keys: r.time)
        try assertCancellable("risk-set set-up", minimumPolls: 12 * perPass) {
            let rs = try CoxRiskSet(data, cancel: $0)
            XCTAssertEqual(rs.order, byTime)
        }
        try assertCancellable("CoxData checks", minimumPolls: 3) {
            _ = try CoxData(columns: r.x, columnNames: ["x0", "x1", "x2"], stop: r.time, event: r.event, cancel: $0)
        }
    }

    func testExplainCurvesFirthAndZphTransformPoll() throws {
        let r = Self.rows
        let data = try r.coxData()
        let fit = try CoxFit.fit(data, concordance: false)
        let si = try CoxExplain.scoreInformation(data, beta: fit.beta, ties: .efron)
        try assertCancellable("cox explain U and I", minimumPolls: 3 * Self.n / Cancellation.stride) {
            let v = try CoxExplain.scoreInformation(data, beta: fit.beta, ties: .efron, cancel: $0)
            XCTAssertEqual(v, si)
        }
        let few = Array(0..<1500)
        let small = try CoxData(columns: r.x.map { c in few.map { c[$0] } }, columnNames: ["x0", "x1", "x2"],
                                stop: few.map { r.time[$0] }, event: few.map { r.event[$0] })
        let smallFit = try CoxFit.fit(small, concordance: false)
        let terms = try CoxExplain.riskSetTerms(small, beta: smallFit.beta, ties: .efron)
        try assertCancellable("cox explain risksets", minimumPolls: terms.count) {
            let v = try CoxExplain.riskSetTerms(small, beta: smallFit.beta, ties: .efron, cancel: $0)
            XCTAssertEqual(v, terms)
        }
        let curves = try CoxSurvivalCurve.curves(fit, data: data, profiles: [[0, 0, 0], [1, 1, 50]])
        try assertCancellable("cox curves", minimumPolls: 2 * Self.n / Cancellation.stride) {
            let c = try CoxSurvivalCurve.curves(fit, data: data, profiles: [[0, 0, 0], [1, 1, 50]], cancel: $0)
            XCTAssertEqual(c.map(\.curve.surv), curves.map(\.curve.surv))
        }
        let firth = try CoxFirth.fit(small)
        try assertCancellable("cox firth", minimumPolls: 20) {
            let v = try CoxFirth.fit(small, cancel: $0)
            XCTAssertEqual(v.coefficients.map(\.coef), firth.coefficients.map(\.coef))
        }
        let km = try CoxZph.transformedTimes(data, transform: .km)
        try assertCancellable("cox.zph km transform", minimumPolls: 2 * Self.n / Cancellation.stride) {
            let v = try CoxZph.transformedTimes(data, transform: .km, cancel: $0)
            XCTAssertEqual(v, km)
        }
    }

    func testDelayedEntryKaplanMeierAndSimulationPoll() throws {
        let r = Self.rows
        let start = r.time.map { $0 / 2 - 1 }
        let plain = try KaplanMeier.fit(start: start, stop: r.time, event: r.event, group: r.group, groupCount: 2)
        try assertCancellable("km (start, stop]", minimumPolls: 2 * Self.n / Cancellation.stride) {
            let c = try KaplanMeier.fit(start: start, stop: r.time, event: r.event, group: r.group, groupCount: 2, cancel: $0)
            XCTAssertEqual(c.map(\.surv), plain.map(\.surv))
            XCTAssertEqual(c.map(\.nRisk), plain.map(\.nRisk))
        }
        let model = SurvivalSimulationModel(n: Self.n, hazardRatio: 0.8, shape: 1, scale: 10, censoredFraction: 0.3, groups: 2)
        var g0 = Xoshiro256StarStar(seed: 5)
        let sim = try SurvivalSimulation.simulate(model, generator: &g0)
        try assertCancellable("simulate", minimumPolls: 2 * Self.n / Cancellation.stride) {
            var g = Xoshiro256StarStar(seed: 5)
            let v = try SurvivalSimulation.simulate(model, generator: &g, cancel: $0)
            XCTAssertEqual(v.time, sim.time)
        }
    }

    /// survreg polls inside its set-up and inside every pass of each Newton–Raphson iteration, for
    /// the intercept-only fit and the model.
    func testSurvregPollsInsideEveryIteration() throws {
        let r = Self.rows
        for (dist, strata) in [(SurvregDistribution.weibull, nil), (.lognormal, r.strata)] {
            let data = SurvregData(time: r.time, event: r.event, columns: r.x, columnNames: ["x0", "x1", "x2"], strata: strata)
            let plain = try SurvregFit.fit(data, distribution: dist)
            try assertCancellable("survreg \(dist)", minimumPolls: plain.iterations * Self.n / Cancellation.stride) {
                let f = try SurvregFit.fit(data, distribution: dist, cancel: $0)
                XCTAssertEqual(f.parameters, plain.parameters, "polling changed the fit")
                XCTAssertEqual(f.loglik.model, plain.loglik.model)
            }
        }
    }

    /// crr: the sort (now a radix sort: the same stable order as sorting by time, then row), the
    /// censoring weights and every pass of every iteration and of the sandwich variance.
    func testFineGrayPollsInsideEveryPass() throws {
        let r = Self.rows
        let status = zip(r.event, r.strata).map { $0 ? Int($1) + 1 : 0 }
        let data = try FineGrayData(time: r.time, status: status, columns: r.x, columnNames: ["x0", "x1", "x2"])
        let plain = try FineGray.fit(data, cause: 1)
        try assertCancellable("crr", minimumPolls: (plain.iterations + 2) * Self.n / Cancellation.stride) {
            let f = try FineGray.fit(data, cause: 1, cancel: $0)
            XCTAssertEqual(f.beta, plain.beta, "polling changed the fit")
            XCTAssertEqual(f.variance, plain.variance)
        }
    }

    /// cuminc's Aalen–Johansen curves and Gray's test poll in the sort and inside each pass.
    func testCumulativeIncidenceAndGrayTestPoll() throws {
        let r = Self.rows
        let cause = zip(r.event, r.group).map { $0 ? $1 + 1 : 0 }
        let curves = try AalenJohansen.fit(time: r.time, cause: cause, causeCount: 2, group: r.strata, groupCount: 2)
        try assertCancellable("cuminc", minimumPolls: 2 * Self.n / Cancellation.stride) {
            let c = try AalenJohansen.fit(time: r.time, cause: cause, causeCount: 2, group: r.strata, groupCount: 2, cancel: $0)
            XCTAssertEqual(c.map(\.incidence), curves.map(\.incidence))
            XCTAssertEqual(c.map(\.variance), curves.map(\.variance))
        }
        let gray = try GrayTest.test(time: r.time, cause: cause, causeCount: 2, group: r.strata, groupCount: 2)
        try assertCancellable("Gray's test", minimumPolls: 2 * Self.n / Cancellation.stride) {
            let g = try GrayTest.test(time: r.time, cause: cause, causeCount: 2, group: r.strata, groupCount: 2, cancel: $0)
            XCTAssertEqual(g.map(\.chisq), gray.map(\.chisq))
        }
    }

    /// split's counting, splitting and its check for unused cut times poll every stride rows; a
    /// split counts its episodes first (a polled pass) unless told how many there are.
    func testEpisodeSplitPolls() throws {
        let r = Self.rows
        let start = [Double](repeating: 0, count: Self.n)
        let cuts = [5.0, 50, 100, 1e9]
        let plain = try EpisodeSplit.split(start: start, stop: r.time, cuts: cuts)
        let perPass = Self.n / Cancellation.stride
        try assertCancellable("split", minimumPolls: 2 * perPass) {
            let v = try EpisodeSplit.split(start: start, stop: r.time, cuts: cuts, cancel: $0)
            XCTAssertEqual(v, plain)
        }
        try assertCancellable("split, counted", minimumPolls: perPass) {
            let v = try EpisodeSplit.split(start: start, stop: r.time, cuts: cuts, episodes: plain.count, cancel: $0)
            XCTAssertEqual(v, plain)
        }
        try assertCancellable("split, cuts per row", minimumPolls: 2 * perPass) {
            let v = try EpisodeSplit.split(start: start, stop: r.time, cancel: $0) { _ in cuts[...] }
            XCTAssertEqual(v, plain)
        }
        try assertCancellable("split count", minimumPolls: perPass) {
            let v = try EpisodeSplit.count(start: start, stop: r.time, cuts: cuts, cancel: $0)
            XCTAssertEqual(v, plain.count)
        }
        try assertCancellable("split unused cuts", minimumPolls: perPass) {
            let v = try EpisodeSplit.unusedCuts(start: start, stop: r.time, cuts: cuts, cancel: $0)
            XCTAssertEqual(v, [1e9])
        }
    }

    /// The polled radix sort summarize and table1 now use sorts as the standard library does.
    func testSortedValuesPollAndEqualSorted() throws {
        let x = Self.rows.x[0].map { $0 - 0.5 }
        try assertCancellable("sorted", minimumPolls: 2 * Self.n / Cancellation.stride) {
            let s = SurvivalTimeOrder.sorted(x, cancel: $0)
            try $0.check()
            XCTAssertEqual(s, x.sorted())
        }
    }

    /// Wilcoxon's ranking (issue 14: a comparison sort of 10^7 values ran unpolled): a polled radix
    /// sort and a polled sweep over the ties; the statistics equal those of an unpolled ranking.
    func testWilcoxonRanksPoll() throws {
        let x = Self.rows.x[2], y = Self.rows.x[0].map { $0 * 100 }
        let rankSum = try Wilcoxon.rankSum(x, y)
        let signed = try Wilcoxon.signedRank(paired: x, y)
        try assertCancellable("rank-sum", minimumPolls: 2 * 2 * Self.n / Cancellation.stride) {
            let r = try Wilcoxon.rankSum(x, y, cancel: $0)
            XCTAssertEqual(r.statistic, rankSum.statistic)
            XCTAssertEqual(r.sigma, rankSum.sigma)
        }
        try assertCancellable("signed-rank", minimumPolls: 2 * Self.n / Cancellation.stride) {
            let r = try Wilcoxon.signedRank(paired: x, y, cancel: $0)
            XCTAssertEqual(r.statistic, signed.statistic)
            XCTAssertEqual(r.sigma, signed.sigma)
        }
        // the ranks themselves: averaged over ties, as a comparison sort gives them
        let values = x + [-0.0, 0.0]
        let order = values.indices.sorted { values[$0] < values[$1] }
        let ranks = try AverageRanks(values).ranks
        for k in 1..<order.count { XCTAssertLessThanOrEqual(ranks[order[k - 1]], ranks[order[k]]) }
        XCTAssertEqual(ranks.reduce(0, +), Double(values.count * (values.count + 1)) / 2, accuracy: 1e-6)
        XCTAssertEqual(ranks[values.count - 1], ranks[values.count - 2], "-0 and +0 tie")
    }

    /// The polled merge sort (text levels, tvc's dates) sorts stably, as a stable sort must, and
    /// polls inside the merges.
    func testPolledSortIsStableAndPolls() throws {
        let keys = Self.rows.x[2]   // 0...100: many ties
        let items = Array(keys.indices)
        let expected = items.enumerated().sorted { (keys[$0.element], $0.offset) < (keys[$1.element], $1.offset) }.map(\.element)
        try assertCancellable("sorted(by:)", minimumPolls: 10 * Self.n / Cancellation.stride) {
            let sorted = try $0.sorted(items) { keys[$0] < keys[$1] }
            XCTAssertEqual(sorted, expected)
        }
        XCTAssertEqual(try Cancellation.never.sorted([3, 1, 2], by: <), [1, 2, 3])
        XCTAssertEqual(try Cancellation.never.sorted([Int](), by: <), [])
    }

    /// Blocks of `Cancellation.stride` rows in a pass over the test data.
    private static var blocks: Int { (n + Cancellation.stride - 1) / Cancellation.stride }

    /// crr's set-up (bench/poll_gaps.sh: 0.32 s of CPU without a poll at 10^7 rows, after the sort):
    /// each pass after the sort polls (the order, times, status codes, column means, the centred
    /// design, the tie blocks, the censoring weights), not only the design and the weights.
    func testFineGraySetUpPollsInEachPass() throws {
        let r = Self.rows
        let status = zip(r.event, r.strata).map { $0 ? Int($1) + 1 : 0 }
        let data = try FineGrayData(time: r.time, status: status, columns: r.x, columnNames: ["x0", "x1", "x2"])
        let sort = PollCounter(firesAt: nil)
        _ = SurvivalTimeOrder.order(r.time, subset: (0..<Int32(Self.n)).map { $0 }, cancel: sort.cancellation)
        let setUp = PollCounter(firesAt: nil)
        let sample = try FineGraySample(data, cause: 1, cancel: setUp.cancellation)
        XCTAssertGreaterThanOrEqual(setUp.count - sort.count, 10 * Self.blocks, "polls of the set-up besides the sort's")
        let plain = try FineGraySample(data, cause: 1)
        XCTAssertEqual(sample.x, plain.x)
        XCTAssertEqual(sample.g, plain.g)
        XCTAssertEqual(sample.blockFailures, plain.blockFailures)
        XCTAssertEqual([sample.failures, sample.competing], [plain.failures, plain.competing])
        XCTAssertEqual(plain.failures, status.filter { $0 == 1 }.count)
        XCTAssertEqual(plain.competing, status.filter { $0 == 2 }.count)
    }

    /// ttest (bench/poll_gaps.sh: 0.32 s of CPU without a poll for two samples of 10^7): dropping the
    /// missing values, both passes of each mean and the pass of each variance poll; same result.
    func testTTestPollsInEveryPass() throws {
        let x = Self.rows.x[0], y = Self.rows.x[2].map { $0 == 7 ? .nan : $0 }
        let welch = try TTest.twoSample(x, y)
        try assertCancellable("t-test", minimumPolls: 2 * 6 * Self.blocks) {
            let t = try TTest.twoSample(x, y, cancel: $0)
            XCTAssertEqual(t, welch)
        }
        let paired = try TTest.paired(x, y)
        try assertCancellable("paired t-test", minimumPolls: 6 * Self.blocks) {
            let t = try TTest.paired(x, y, cancel: $0)
            XCTAssertEqual(t, paired)
        }
        let one = try TTest.oneSample(y, mu: 50)
        try assertCancellable("one-sample t-test", minimumPolls: 6 * Self.blocks) {
            let t = try TTest.oneSample(y, mu: 50, cancel: $0)
            XCTAssertEqual(t, one)
        }
    }

    /// The event coding tvc, split and landmark read every row's status with polls both passes.
    func testEventCodingPolls() throws {
        let status = zip(Self.rows.event, Self.rows.group).map { $0 ? 2.0 : ($1 == 0 ? 1.0 : .nan) }
        let plain = EventCoding.decode(status)
        XCTAssertEqual(plain.scheme, .oneTwo)
        let counter = PollCounter(firesAt: nil)
        XCTAssertEqual(EventCoding.decode(status, cancel: counter.cancellation), plain)
        XCTAssertGreaterThanOrEqual(counter.count, 2 * Self.blocks)
    }

    /// The polled map and filter give what Array.map and filter give, and stop once cancelled.
    func testPolledMapAndIndices() throws {
        let x = Self.rows.x[0]
        try assertCancellable("map", minimumPolls: Self.blocks) {
            let m = try $0.map(count: x.count) { x[$0] * 2 }
            XCTAssertEqual(m, x.map { $0 * 2 })
        }
        try assertCancellable("indices", minimumPolls: Self.blocks) {
            let i = try $0.filter(0..<x.count) { x[$0] > 0.5 }
            XCTAssertEqual(i, x.indices.filter { x[$0] > 0.5 })
        }
        XCTAssertEqual(try Cancellation.never.map(count: 0) { $0 }, [])
        XCTAssertEqual(try Cancellation.never.filter(0..<0) { _ in true } as [Int], [])
    }

    /// Text in byte order by a radix sort of 8-byte words (issue 14: the levels of a 10^7-level
    /// column took 5 s of a merge sort of String comparisons): the order of the polled merge sort of
    /// the bytes, equal strings in their given order, whatever prefixes they share (none, a word or
    /// more, zero bytes, multi-byte letters, empty strings), through both the radix sort of large
    /// groups and the comparison sort of small ones; polled in every pass.
    func testByteOrderSortEqualsTheMergeSortAndPolls() throws {
        var state: UInt64 = 20_261_206
        func next(_ k: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % k
        }
        let pieces = ["", "a", "b", "ab", "abcdefgh", "abcdefghi", "\u{0}", "é", "z\u{0}", "p0000000", "Z", " ", "\u{10FFFF}"]
        var strings = (0..<20_000).map { _ in (0..<next(5)).map { _ in pieces[next(pieces.count)] }.joined() }
        strings += (0..<20_000).map { "p\(100_000_000 + ($0 &* 7919) % 20_000)" }      // groups of a word, then small ones
        strings += (0..<10_000).map { "patient-number-\(($0 &* 31) % 5_000)" }          // a large group past the first word
        var generator = Generator(state: 42)
        let items = strings.indices.shuffled(using: &generator) + [7, 7, 20_001]
        let expected = try Cancellation.never.sorted(items) { strings[$0].utf8.lexicographicallyPrecedes(strings[$1].utf8) }
        try assertCancellable("byteOrder", minimumPolls: 3 * items.count / Cancellation.stride) {
            let order = try $0.byteOrder(of: items, in: strings)
            XCTAssertEqual(order, expected)
        }
        XCTAssertEqual(try Cancellation.never.byteOrder(of: [], in: []), [])
        XCTAssertEqual(try Cancellation.never.byteOrder(of: [1, 0, 2], in: ["b", "a", "a"]), [1, 2, 0])
        XCTAssertEqual(try Cancellation.never.byteOrder(of: [0, 1, 2], in: ["ab\u{0}", "ab", "a"]), [2, 1, 0])
    }

    /// A seeded generator for shuffles (the same every run).
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    func testNeverDoesNotFireAndFiredStaysFired() throws {
        XCTAssertFalse(Cancellation.never.isCancelled)
        XCTAssertNoThrow(try Cancellation.never.check())
        // a poll that answers true at its first call only: the cancellation stays fired
        let counter = PollCounter(firesAt: 1)
        let c = counter.cancellation
        XCTAssertTrue(c.isCancelled)
        XCTAssertTrue(c.isCancelled)
        XCTAssertThrowsError(try c.check())
        XCTAssertEqual(counter.count, 1, "a fired cancellation is not asked again")
    }
}
