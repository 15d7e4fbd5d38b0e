// cox_parts.swift — the CPU time of the parts of a Cox fit that issue 15's in-session latency work
// touches, for comparing two builds of SurvivalStats (compiled into it by bench/cox_parts.sh):
// the concordance's sort of the linear predictor (RadixSort.sorted against RadixSort.bucketSorted, when
// the build has it), the (stratum, time) ranks (CoxTimeRanks.rankPairs), the concordance of a fit, a fit's
// start (CoxFit.compactStart: ranks, centring, the evaluation at beta = 0, what the shell keeps between
// fits) and a whole fit with its concordance.
//
// Data: ROWS rows (default 10^6) as scripts/gen_bench_csv.py makes them (times with 1 decimal,
// exponential with mean 365, 60% events, 10 normal covariates; a fixed LCG, not Python's stream).
// Prints the median CPU seconds (user + sys, all threads) of REPS repetitions (default 5) of each part.

import Foundation

@main struct CoxParts {
    static func cpu() -> Double {
        var u = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    static func main() throws {
        let args = CommandLine.arguments.dropFirst()
        let n = Int(args.first ?? "") ?? 1_000_000
        let reps = Int(args.dropFirst().first ?? "") ?? 5
        var s: UInt64 = 20_261_206
        func u() -> Double {
            s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(s >> 11) / Double(1 << 53)
        }
        func gauss() -> Double { (-2 * log(max(u(), 1e-300))).squareRoot() * cos(2 * .pi * u()) }
        var time = [Double](), event = [Bool]()
        var x = [[Double]](repeating: [], count: 10)
        for _ in 0..<n {
            time.append(max(0.1, (-log(max(u(), 1e-300)) * 3650).rounded() / 10))
            event.append(u() < 0.6)
            for k in 0..<10 { x[k].append(gauss()) }
        }
        var lp = [Double](repeating: 0, count: n)
        for k in 0..<10 { for i in 0..<n { lp[i] += 0.01 * Double(k + 1) * x[k][i] } }
        let code = [Int32](repeating: 0, count: n)

        func timed(_ label: String, _ body: () throws -> Void) rethrows {
            var t: [Double] = []
            for _ in 0..<reps {
                let t0 = cpu()
                try body()
                t.append(cpu() - t0)
            }
            print(String(format: "%@ %.4f", label, t.sorted()[reps / 2]), terminator: "  ")
        }
        timed("sort") { _ = RadixSort.sorted(keys: lp, payload: code) }
        #if BUCKET_SORT
        timed("bucketSort") { _ = RadixSort.bucketSorted(keys: lp, payload: code) }
        #endif
        try timed("rankPairs") { _ = try CoxTimeRanks.rankPairs(stop: time, strata: nil, maxRanks: CoxEvaluator.maxRanks(n: n, p: 10),
                                                                  cancel: .never) }
        let r = try CoxTimeRanks.rankPairs(stop: time, strata: nil, maxRanks: n, cancel: .never)!
        timed("concordance") { _ = Concordance.ranked(x: lp, event: event, rank: r.rank, rankBounds: r.bounds, reverse: true) }
        let data = try CoxData(columns: x, columnNames: (1...10).map { "x\($0)" }, stop: time, event: event)
        if let ranked = try CoxTimeRanks.make(data, maxRanks: n, cancel: .never) {
            let beta = (0..<10).map { 0.01 * Double($0 + 1) }
            timed("evaluate") { _ = ranked.evaluate(beta, ties: .efron, information: true) }
            let e = ranked.evaluate(beta, ties: .efron, information: true), z = ranked.evaluateAtZero(ties: .efron)
            var h: UInt64 = 0
            for v in [e.loglik, z.loglik] + e.score + e.information + z.score + z.information { h = (h ^ v.bitPattern) &* 0x100000001B3 }
            print(String(format: "bits %016llx", h), terminator: "  ")
            timed("pass1") { _ = ranked.evaluate(beta, ties: .efron, information: false) }
            timed("zero") { _ = ranked.evaluateAtZero(ties: .efron) }
        }
        try timed("start") { _ = try CoxFit.compactStart(data, ties: .efron) }
        try timed("cox") { _ = try CoxFit.fit(data) }
        print()
    }
}
