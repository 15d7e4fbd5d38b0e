// poll_cost.swift — what polling for Ctrl-C costs in a hot loop (issue 14, item 4).
//
// Compiled by bench/poll_cost.sh with survsh's own Cancellation.swift (swiftc -O, one module), so
// the loops below use the very CancelPoll, `stops(at:)` and `inBlocks` the numerics use, with the
// shell's poll (one relaxed atomic load, as Interrupt.cancellation). Each loop form runs over 10^7
// rows with and without the poll, in alternation, RUNS times; the CPU time (getrusage, user + sys)
// of each is printed, then the median difference per 10^7 rows.
//
// Two bodies: a multiply-add (the tightest loop a pass has: the worst case for the poll's share)
// and exp() of a linear predictor (a Cox pass's risk score).

import Foundation
import Synchronization

let flag = Atomic<Bool>(false)
let n = 10_000_000
let runs = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7
let x = (0..<n).map { Double($0 % 1000) / 1000 }
let y = (0..<n).map { Double(($0 * 7) % 1000) / 1000 - 0.5 }

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

/// CPU seconds of `body`, whose result is kept from the optimiser.
@inline(never) func timed(_ body: () -> Double) -> (Double, Double) {
    let t0 = cpuSeconds()
    let v = body()
    return (cpuSeconds() - t0, v)
}

/// A loop body, a type so that each loop is specialised for it (no call per row).
protocol Body { static func f(_ a: Double, _ b: Double) -> Double }
enum MultiplyAdd: Body { @inline(__always) static func f(_ a: Double, _ b: Double) -> Double { a * b } }
enum Exp: Body { @inline(__always) static func f(_ a: Double, _ b: Double) -> Double { exp(a * b) } }

@inline(never) func plain<B: Body>(_: B.Type) -> Double {
    var s = 0.0
    x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
        for i in 0..<n { s += B.f(xp[i], yp[i]) }
    }}
    return s
}

@inline(never) func countdown<B: Body>(_ cancel: Cancellation, _: B.Type) -> Double {
    var s = 0.0
    var poll = CancelPoll(cancel)
    x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
        for i in 0..<n {
            if poll.stop() { break }
            s += B.f(xp[i], yp[i])
        }
    }}
    return s
}

@inline(never) func strided<B: Body>(_ cancel: Cancellation, _: B.Type) -> Double {
    var s = 0.0
    x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
        for i in 0..<n {
            if cancel.stops(at: i) { break }
            s += B.f(xp[i], yp[i])
        }
    }}
    return s
}

@inline(never) func blocks<B: Body>(_ cancel: Cancellation, _: B.Type) -> Double {
    var s = 0.0
    _ = x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
        cancel.inBlocks(0..<n) { rows in for i in rows { s += B.f(xp[i], yp[i]) } }
    }}
    return s
}

@main struct PollCost {
    static func main() {
        let cancel = Cancellation { flag.load(ordering: .relaxed) }
        for label in ["multiply-add", "exp(x b)"] {
            let exp = label != "multiply-add"
            let forms: [(String, () -> Double, () -> Double)] = [
                ("CancelPoll countdown", { exp ? plain(Exp.self) : plain(MultiplyAdd.self) },
                 { exp ? countdown(cancel, Exp.self) : countdown(cancel, MultiplyAdd.self) }),
                ("stops(at:)", { exp ? plain(Exp.self) : plain(MultiplyAdd.self) },
                 { exp ? strided(cancel, Exp.self) : strided(cancel, MultiplyAdd.self) }),
                ("inBlocks", { exp ? plain(Exp.self) : plain(MultiplyAdd.self) },
                 { exp ? blocks(cancel, Exp.self) : blocks(cancel, MultiplyAdd.self) }),
            ]
            for (form, unpolled, polled) in forms {
                var base: [Double] = [], with: [Double] = [], diff: [Double] = []
                for _ in 0..<runs {
                    let (a, va) = timed(unpolled)
                    let (b, vb) = timed(polled)
                    precondition(va == vb, "the polled loop computed something else")
                    base.append(a); with.append(b); diff.append(b - a)
                }
                func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
                let extra = median(diff)
                let name = (label + " ").padding(toLength: 14, withPad: " ", startingAt: 0)
                    + form.padding(toLength: 22, withPad: " ", startingAt: 0)
                print(name + String(format: "without %7.1f ms  with %7.1f ms  extra %+6.1f ms (%+.1f%%, %.2f ns a row)",
                                    1000 * median(base), 1000 * median(with), 1000 * extra, 100 * extra / median(base),
                                    1e9 * extra / Double(n)))
            }
        }
    }
}
