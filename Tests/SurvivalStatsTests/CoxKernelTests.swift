// CoxKernelTests.swift — the kernels of accumulateWeightedOuterProducts (the information matrix's sum
// of w x x' in every Cox evaluation), of CoxTimeRanks.transformBlock (a block of design rows centred,
// scaled and with their etas) and LaneSum (the centering's column sums).
//
// The outer-product kernels must give the same bits as the four-rows-at-a-time definition written out
// plainly below (each entry: acc + (((v0 x0 + v1 x1) + v2 x2) + v3 x3) per group of four rows, then one
// row at a time), whichever runs: the portable Swift kernel (eight rows a pass) and the AVX2 one of
// CSurvshKernels (where this processor has AVX2). Both transforms (Swift, AVX2) must give the definition's bits.
// LaneSum must give the same bits however its rows are
// cut into pieces, and its lanes must be the definition's.

import XCTest
@testable import SurvivalStats
#if arch(x86_64)
import CSurvshKernels
#endif

final class CoxKernelTests: XCTestCase {
    /// The definition: groups of four rows from the first, then the rest one at a time.
    private func reference(_ acc: inout [Double], rows x: [Double], weights w: [Double], count: Int, p: Int) {
        var t = 0
        while t + 4 <= count {
            for q in 0..<p {
                let v = (0..<4).map { w[t + $0] * x[(t + $0) * p + q] }
                for r in 0...q {
                    let s = ((v[0] * x[t * p + r] + v[1] * x[(t + 1) * p + r]) + v[2] * x[(t + 2) * p + r])
                        + v[3] * x[(t + 3) * p + r]
                    acc[q * p + r] = acc[q * p + r] + s
                }
            }
            t += 4
        }
        while t < count {
            for q in 0..<p {
                let v = w[t] * x[t * p + q]
                for r in 0...q { acc[q * p + r] = acc[q * p + r] + v * x[t * p + r] }
            }
            t += 1
        }
    }

    private struct Case {
        var rows: [Double]
        var weights: [Double]
        var start: [Double]
    }

    /// Random rows (values of mixed magnitudes and signs, so that the order of additions shows in
    /// the bits), weights and a nonzero starting accumulator.
    private func randomCase(count: Int, p: Int, seed: UInt64) -> Case {
        var s = seed
        func u() -> Double {
            s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(s >> 11) / Double(1 << 53)
        }
        func value() -> Double { (u() - 0.5) * pow(10, (u() * 8).rounded(.down) - 4) }
        return Case(rows: (0..<(count * p)).map { _ in value() }, weights: (0..<count).map { _ in u() * 3 },
                    start: (0..<(p * p)).map { _ in value() })
    }

    private func lowerTriangle(_ a: [Double], p: Int) -> [UInt64] {
        (0..<p).flatMap { q in (0...q).map { a[q * p + $0].bitPattern } }
    }

    private typealias Kernel = (UnsafeMutablePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>, Int, Int) -> Void

    private func run(_ kernel: Kernel, _ c: Case, count: Int, p: Int) -> [Double] {
        var acc = c.start
        acc.withUnsafeMutableBufferPointer { a in
            c.rows.withUnsafeBufferPointer { x in
                c.weights.withUnsafeBufferPointer { w in
                    kernel(a.baseAddress!, x.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                           w.baseAddress ?? UnsafePointer(bitPattern: 8)!, count, p)
                }
            }
        }
        return acc
    }

    private let counts = Array(0...19) + [31, 37, 64, 255, 256]

    func testPortableKernelIsTheFourRowDefinition() {
        for p in 1...13 {
            for count in counts {
                let c = randomCase(count: count, p: p, seed: UInt64(1000 * p + count))
                var expected = c.start
                reference(&expected, rows: c.rows, weights: c.weights, count: count, p: p)
                let got = run({ OuterProductKernel.portable($0, rows: $1, weights: $2, count: $3, p: $4) }, c, count: count, p: p)
                XCTAssertEqual(lowerTriangle(got, p: p), lowerTriangle(expected, p: p), "p \(p), \(count) rows")
            }
        }
    }

    func testDispatchedKernelIsTheFourRowDefinition() {
        for p in [1, 2, 3, 4, 5, 8, 10, 11, 16] {
            for count in counts {
                let c = randomCase(count: count, p: p, seed: UInt64(7 * p + 100 * count + 3))
                var expected = c.start
                reference(&expected, rows: c.rows, weights: c.weights, count: count, p: p)
                let got = run({ accumulateWeightedOuterProducts($0, rows: $1, weights: $2, count: $3, p: $4) }, c, count: count, p: p)
                XCTAssertEqual(lowerTriangle(got, p: p), lowerTriangle(expected, p: p), "p \(p), \(count) rows")
            }
        }
    }

    func testAVX2KernelIsThePortableOne() throws {
        #if arch(x86_64)
        try XCTSkipUnless(survsh_cpu_has_avx2(), "this processor has no AVX2")
        XCTAssertTrue(CPUFeatures.avx2)
        for p in 1...13 {
            for count in counts where count % 8 == 0 {
                let c = randomCase(count: count, p: p, seed: UInt64(31 * p + count))
                let avx = run({ survsh_outer_products8_avx2($0, $1, $2, $3, $4) }, c, count: count, p: p)
                let portable = run({ OuterProductKernel.portable($0, rows: $1, weights: $2, count: $3, p: $4) }, c, count: count, p: p)
                XCTAssertEqual(lowerTriangle(avx, p: p), lowerTriangle(portable, p: p), "p \(p), \(count) rows")
            }
        }
        #else
        throw XCTSkip("not x86-64")
        #endif
    }

    // MARK: - Design blocks

    /// The Swift transform (every processor) and, where this one has AVX2, the AVX2 kernel, against
    /// the definition: (x - center) * scale row by row, and the etas summed over the columns in order.
    func testTransformKernelsAreTheDefinition() throws {
        #if arch(x86_64)
        let avx2 = survsh_cpu_has_avx2()
        #endif
        for p in 1...13 {
            for m in Array(0...20) + [255, 256] {
                let lo = 3, n = lo + m + 300
                let c = randomCase(count: n, p: p, seed: UInt64(97 * p + m))
                let columns = (0..<p).map { j in (0..<n).map { c.rows[$0 * p + j] } }
                let center = (0..<p).map { c.start[$0] }, scale = (0..<p).map { 1 + c.weights[$0] }
                let beta = (0..<p).map { c.start[p * p - 1 - $0] }
                let expected = (0..<m).flatMap { t in (0..<p).map { j in (columns[j][lo + t] - center[j]) * scale[j] } }
                let etas = (0..<m).map { t in (0..<p).reduce(0.0) { $0 + expected[t * p + $1] * beta[$1] } }
                for withBeta in [false, true] {
                    var xbPortable = [Double](repeating: .nan, count: m * p), xbAVX = xbPortable
                    var etasPortable = [Double](repeating: .nan, count: m), etasAVX = etasPortable
                    let pointers = columns.map { $0.withUnsafeBufferPointer { $0.baseAddress! } }   // (kept alive below)
                    withExtendedLifetime(columns) {
                        pointers.withUnsafeBufferPointer { cp in
                        beta.withUnsafeBufferPointer { bp in
                        xbPortable.withUnsafeMutableBufferPointer { xp in
                        xbAVX.withUnsafeMutableBufferPointer { xa in
                        etasPortable.withUnsafeMutableBufferPointer { ep in
                        etasAVX.withUnsafeMutableBufferPointer { ea in
                            let b = withBeta ? bp.baseAddress : nil
                            CoxTimeRanks.transformBlockPortable(cp.baseAddress!, lo: lo, m: m, p: p, center: center, scale: scale,
                                                                into: xp.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!, beta: b,
                                                                etas: withBeta ? ep.baseAddress : nil, ahead: 256)
                            #if arch(x86_64)
                            if avx2 {
                                cp.baseAddress!.withMemoryRebound(to: UnsafePointer<Double>?.self, capacity: p) { raw in
                                    survsh_transform_block_avx2(raw, lo, m, p, center, scale, xa.baseAddress, b,
                                                                withBeta ? ea.baseAddress : nil, 256)
                                }
                            }
                            #endif
                        }}}}}}
                    }
                    XCTAssertEqual(xbPortable.map(\.bitPattern), expected.map(\.bitPattern), "Swift, p \(p), \(m) rows")
                    if withBeta { XCTAssertEqual(etasPortable.map(\.bitPattern), etas.map(\.bitPattern), "Swift, p \(p), \(m) rows") }
                    #if arch(x86_64)
                    if avx2 {
                        XCTAssertEqual(xbAVX.map(\.bitPattern), expected.map(\.bitPattern), "AVX2, p \(p), \(m) rows")
                        if withBeta { XCTAssertEqual(etasAVX.map(\.bitPattern), etas.map(\.bitPattern), "AVX2, p \(p), \(m) rows") }
                    }
                    #endif
                }
            }
        }
    }

    // MARK: - LaneSum

    func testLaneSumIsItsLanesAddedInATree() {
        let c = randomCase(count: 1003, p: 1, seed: 42)
        var lanes = [Double](repeating: 0, count: 8)
        for (i, v) in c.rows.enumerated() { lanes[i % 8] += v }
        let expected = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
        var sum = LaneSum()
        c.rows.withUnsafeBufferPointer { sum.add($0.baseAddress!, rows: 0..<$0.count) { $0 } }
        XCTAssertEqual(sum.total.bitPattern, expected.bitPattern)
        // a transform is applied to every value (here the absolute deviation from 0.25)
        var lanesAbs = [Double](repeating: 0, count: 8)
        for (i, v) in c.rows.enumerated() { lanesAbs[i % 8] += abs(v - 0.25) }
        let expectedAbs = ((lanesAbs[0] + lanesAbs[1]) + (lanesAbs[2] + lanesAbs[3]))
            + ((lanesAbs[4] + lanesAbs[5]) + (lanesAbs[6] + lanesAbs[7]))
        var abs = LaneSum()
        let c25 = LaneSum.Lanes(repeating: 0.25)
        c.rows.withUnsafeBufferPointer { abs.add($0.baseAddress!, rows: 0..<$0.count) { ($0 - c25).replacing(with: c25 - $0, where: $0 .< c25) } }
        XCTAssertEqual(abs.total.bitPattern, expectedAbs.bitPattern)
    }

    func testLaneSumDoesNotDependOnHowTheRowsAreCut() {
        let c = randomCase(count: 517, p: 1, seed: 7)
        var whole = LaneSum()
        c.rows.withUnsafeBufferPointer { whole.add($0.baseAddress!, rows: 0..<$0.count) { $0 } }
        for cutsSeed in 1...20 {
            var s = UInt64(cutsSeed)
            var pieces = LaneSum()
            var lo = 0
            c.rows.withUnsafeBufferPointer { b in
                while lo < b.count {
                    s = s &* 6_364_136_223_846_793_005 &+ 1
                    let hi = min(b.count, lo + Int(s >> 58))   // pieces of 0 to 63 rows
                    pieces.add(b.baseAddress!, rows: lo..<hi) { $0 }
                    lo = hi
                }
            }
            XCTAssertEqual(pieces.total.bitPattern, whole.total.bitPattern, "cuts \(cutsSeed)")
        }
    }

    /// `add(count:)` (terms computed on the fly, as the concordance's variance) puts term i in lane
    /// i % 8 too: the same total as adding the values from memory.
    func testLaneSumOfTermsIsTheLaneSumOfTheirValues() {
        let c = randomCase(count: 301, p: 1, seed: 5)
        for n in [0, 1, 7, 8, 9, 64, 301] {
            var fromMemory = LaneSum(), fromTerms = LaneSum()
            c.rows.withUnsafeBufferPointer { b in
                fromMemory.add(b.baseAddress!, rows: 0..<n) { $0 * $0 }
                fromTerms.add(count: n) { b[$0] * b[$0] }
            }
            XCTAssertEqual(fromTerms.total.bitPattern, fromMemory.total.bitPattern, "\(n) terms")
        }
    }
}
