// poll_cost_fit.swift — the CPU time of km, logrank and a Cox fit at 10^7 rows, for comparing a
// SurvivalStats compiled with its Ctrl-C polls (the shipped code) and one compiled without them
// (-DSURVSH_NO_POLL). Compiled into the SurvivalStats module by bench/poll_cost.sh; the shell's
// poll (one relaxed atomic load) is the Cancellation every computation gets.
//
// Data: ROWS rows (default 10^7), time with ties, 60% events, 3 groups, 10 covariates (a fixed
// LCG, the same every run). Prints the CPU seconds (user + sys, all threads) of each computation.

import Foundation
import Synchronization

let pressed = Atomic<Bool>(false)

@main struct PollCostFit {
    static func cpu() -> Double {
        var u = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    static func main() throws {
        let n = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 10_000_000
        var s: UInt64 = 20_261_206
        func u() -> Double {
            s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(s >> 11) / Double(1 << 53)
        }
        var time = [Double](), event = [Bool](), group = [Int32]()
        var x = [[Double]](repeating: [], count: 10)
        for _ in 0..<n {
            let g = Int32(u() * 3)
            var eta = 0.3 * Double(g)
            for k in 0..<10 {
                let v = u() - 0.5
                x[k].append(v)
                eta += 0.1 * Double(k % 3) * v
            }
            time.append(((-log(u()) / exp(eta)) * 3650).rounded() / 10 + 0.1)
            event.append(u() < 0.6)
            group.append(g)
        }
        let cancel = Cancellation { pressed.load(ordering: .relaxed) }
        func timed(_ label: String, _ body: () throws -> Void) rethrows {
            let t0 = cpu()
            try body()
            print(String(format: "%@ %.3f", label, cpu() - t0), terminator: "  ")
        }
        try timed("km") { _ = try KaplanMeier.fit(time: time, event: event, group: group, groupCount: 3, cancel: cancel) }
        try timed("logrank") { _ = try LogRank.test(time: time, event: event, group: group, groupCount: 3, cancel: cancel) }
        let data = try CoxData(columns: x, columnNames: (1...10).map { "x\($0)" }, stop: time, event: event)
        try timed("cox") { _ = try CoxFit.fit(data, cancel: cancel) }
        print()
    }
}
