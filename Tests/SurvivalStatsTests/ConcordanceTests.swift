// Harrell's C against R's concordancefit (Reference/cox.json "concordance"), plus the C of every
// Cox reference model (checked in CoxTests). Counts and per-subject pair counts: exact;
// C: rel 1e-12; standard error: rel 1e-6.
import XCTest
@testable import SurvivalStats

final class ConcordanceTests: XCTestCase {
    func testAgainstR() throws {
        let ref = try XCTUnwrap(CoxReference.shared)
        XCTAssertGreaterThanOrEqual(ref.concordance.count, 5)
        for c in ref.concordance {
            let inp = c.input
            let ev = inp.event.map { $0 != 0 }
            let st = inp.strata.map { $0.map { Int32($0) } }
            let cl = inp.cluster.map { $0.map { Int32($0) } }
            let r = try Concordance.harrell(time: inp.time, event: ev, x: inp.x, start: inp.start,
                                            strata: st, cluster: cl, reverse: c.reverse)
            XCTAssertEqual(r.concordant, c.count[0], "\(c.id) concordant")
            XCTAssertEqual(r.discordant, c.count[1], "\(c.id) discordant")
            XCTAssertEqual(r.tiedX, c.count[2], "\(c.id) tied.x")
            XCTAssertEqual(r.tiedY, c.count[3], "\(c.id) tied.y")
            XCTAssertEqual(r.tiedXY, c.count[4], "\(c.id) tied.xy")
            assertClose(r.concordance, c.concordance, rel: 1e-12, abs: 0, "\(c.id) C")
            assertClose(r.standardError, c.std, rel: 1e-6, abs: 0, "\(c.id) se")
            // per-subject influence counts (R's influence = 2 columns 1-3, swapped when reversed)
            let order = RadixSort.order(keys: inp.time, groups: st)
            let k = Concordance.counts(Concordance.sortedData(time: inp.time, event: ev, x: inp.x, start: inp.start,
                                                              strata: st, order: order))
            // back to input order
            func unsort(_ a: [Int32]) -> [Double] {
                var out = [Double](repeating: 0, count: a.count)
                for (q, o) in order.enumerated() { out[Int(o)] = Double(a[q]) }
                return out
            }
            let conc = c.reverse ? k.discordant : k.concordant
            let disc = c.reverse ? k.concordant : k.discordant
            XCTAssertEqual(unsort(conc), c.influence[0], "\(c.id) influence concordant")
            XCTAssertEqual(unsort(disc), c.influence[1], "\(c.id) influence discordant")
            XCTAssertEqual(unsort(k.tiedX), c.influence[2], "\(c.id) influence tied.x")
        }
    }

    /// Brute force over all pairs on small random data with ties in x and in time.
    func testAgainstBruteForce() throws {
        var g = SystemRandomNumberGenerator()
        for rep in 0..<20 {
            let n = 30 + rep
            let time = (0..<n).map { _ in Double(Int.random(in: 1...12, using: &g)) }
            let start: [Double]? = rep % 2 == 0 ? nil : time.map { max(0, $0 - Double(Int.random(in: 1...6, using: &g))) }
            let ev = (0..<n).map { _ in Bool.random(using: &g) }
            let x = (0..<n).map { _ in Double(Int.random(in: 0...5, using: &g)) }
            var c = 0, d = 0, tx = 0, ty = 0, txy = 0
            for i in 0..<n where ev[i] {
                for j in 0..<n where j != i {
                    let atRisk = (time[j] > time[i] || (time[j] == time[i] && !ev[j])) && (start.map { $0[j] < time[i] } ?? true)
                    if atRisk {
                        if x[j] > x[i] { c += 1 } else if x[j] < x[i] { d += 1 } else { tx += 1 }
                    } else if j > i && ev[j] && time[j] == time[i] {
                        if x[i] == x[j] { txy += 1 } else { ty += 1 }
                    }
                }
            }
            let r = try Concordance.harrell(time: time, event: ev, x: x, start: start)
            XCTAssertEqual(r.concordant, Double(c)); XCTAssertEqual(r.discordant, Double(d))
            XCTAssertEqual(r.tiedX, Double(tx)); XCTAssertEqual(r.tiedY, Double(ty)); XCTAssertEqual(r.tiedXY, Double(txy))
        }
    }
}
