// LaneSum.swift — the sum of many doubles in eight interleaved lanes instead of one running total.
//
// Contract
//   `LaneSum` adds x[i] (or a transform of it) to lane i % 8 for the rows it is given, in increasing
//   row order within each lane, and `total` adds the lanes as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) +
//   (l6 + l7)). The result depends only on the rows and their values: cutting a range into pieces
//   (the blocks between cancellation polls, in order) gives the same lanes, bit for bit, and so does
//   any number of threads (one LaneSum per column). It differs from a left-to-right sum by rounding
//   (a few ulp of the total: the same order of error, the lanes being shorter sums), and near the ends
//   of the Double range by overflow: lanes can reach ±inf where a running total's partial sums cancel
//   (±1.7e308 alternating), so a caller that must stay finite checks `total` (CoxRiskSet.centering
//   then takes the running total).
// Why: a running total is one chain of dependent additions, four cycles each here, so summing a
//   column of 10^7 values took 13 ms whatever the memory could give; eight lanes are four independent
//   two-wide additions per eight values, and the sum runs at the speed of reading the column.
//   (CoxRiskSet.centering: two such sums per covariate, ~200 ms of CPU per Cox fit of 10^7 rows x 10
//   covariates; Concordance.ranked's variance, a sum over the rows on one thread: 2026-12-07.)
// Convention: R's coxfit6 sums a column left to right in its time-sorted order; survsh's rows are in
//   storage order, so its centering was never R's bits, only R's value up to rounding.

struct LaneSum {
    typealias Lanes = SIMD8<Double>
    private var lanes = Lanes(repeating: 0)

    /// Adds transform(x[i]) for i in `rows` (lane i % 8); `transform` is applied eight values at a
    /// time (lanes outside `rows` are computed and dropped).
    @inline(__always)
    mutating func add(_ x: UnsafePointer<Double>, rows: Range<Int>, _ transform: (Lanes) -> Lanes) {
        var i = rows.lowerBound
        let hi = rows.upperBound
        // a first partial group of eight, then whole groups, then a last partial group
        while i < hi && i & 7 != 0 { addOne(x, i, transform); i += 1 }
        while i + 8 <= hi {
            lanes += transform(UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self))
            i += 8
        }
        while i < hi { addOne(x, i, transform); i += 1 }
    }

    /// Adds term(i) for i in 0..<count (lane i % 8), eight terms at a time.
    @inline(__always)
    mutating func add(count: Int, _ term: (Int) -> Double) {
        var i = 0
        while i + 8 <= count {
            var v = Lanes()
            for k in 0..<8 { v[k] = term(i + k) }
            lanes += v
            i += 8
        }
        while i < count {
            lanes[i & 7] += term(i)
            i += 1
        }
    }

    @inline(__always)
    private mutating func addOne(_ x: UnsafePointer<Double>, _ i: Int, _ transform: (Lanes) -> Lanes) {
        lanes[i & 7] += transform(Lanes(repeating: x[i]))[i & 7]
    }

    var total: Double {
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
    }
}
