// CoxRiskSet.swift — the data of a Cox model sorted once, centered and scaled, with its
// event-time blocks: the shared substrate of the partial-likelihood passes.
//
// Contract
//   Inputs:   a validated CoxData.
//   Outputs:  rows sorted by (stratum, stop time) (`order` maps sorted -> input row), the
//             design matrix row-major in that order, centered and scaled as R's coxph does
//             (see below), and the list of event blocks: one block per distinct event time
//             within a stratum, with, for every row, the range of blocks at which it is at risk.
//   Risk set at an event time t of stratum s: rows of s with start < t <= stop
//             (start = -infinity for right-censored data), i.e. a row censored at t is at risk
//             at t, and a row entering at t is not (R's convention for (start, stop]).
//   Reference: Therneau & Grambsch (2000), Modeling Survival Data, §3.2-3.3 and §8 (counting
//             process form); Kalbfleisch & Prentice (2002) §4.2.
//   R convention: coxph.fit / agreg.fit pass `nocenter = c(-1, 0, 1)`: a column whose values
//             all lie in {-1, 0, 1} is used as is; every other column is centered at its mean
//             (right-censored: overall; counting process: per stratum, as agfit4) and scaled by
//             n / sum|x - mean|. Newton-Raphson is invariant to this affine change; it matters
//             for rounding and for the Cholesky singularity tolerance, so it is reproduced.
//             The reported `means` are R's `fit$means`: the overall column mean, or 0 for the
//             {-1, 0, 1} columns.
//   Cancellation: `cancel` is polled between the phases of the set-up (which throws) and every
//             `Cancellation.stride` rows of the likelihood passes, which then stop early with a
//             meaningless result: whoever calls them must `try cancel.check()` before using it.

import Foundation

struct CoxRiskSet: Sendable {
    let n: Int
    let p: Int
    let counting: Bool
    /// sorted position -> input row
    let order: [Int32]
    /// Sorted stop times / start times (start empty when right-censored) / events (0/1).
    let stop: [Double]
    let start: [Double]
    let event: [UInt8]
    /// Row-major transformed design, sorted: x[i*p + j] = (X[order[i], j] - center) * scale[j].
    let x: [Double]
    let scale: [Double]
    /// R's fit$means (overall mean, or 0 for {-1,0,1} columns).
    let means: [Double]
    /// Stratum ranges in sorted order: rows strataBounds[s] ..< strataBounds[s+1].
    let strataBounds: [Int]
    /// Event blocks, ascending time within stratum, strata in sorted order.
    let blockTime: [Double]
    let blockDeaths: [Int32]
    /// blocks of stratum s: blockBounds[s] ..< blockBounds[s+1]
    let blockBounds: [Int]
    /// For each sorted row: last block (global index) of its stratum with time <= stop, or
    /// blockBounds[s] - 1 when none; and the same for start (right-censored: blockBounds[s] - 1).
    /// The row is at risk exactly at blocks startBlock+1 ... stopBlock.
    let stopBlock: [Int32]
    let startBlock: [Int32]
    /// Counting process only: sorted positions ordered by (stratum, start ascending).
    let startOrder: [Int32]
    /// Polled by the set-up and the likelihood passes (see the header); a fit given a CoxFitStart
    /// replaces it with its own.
    var cancel: Cancellation

    var blockCount: Int { blockTime.count }
    var strataCount: Int { strataBounds.count - 1 }

    /// The set-up for work that is not cancellable (cannot fail: only a cancellation throws).
    init(_ data: CoxData) {
        // swiftlint:disable:next force_try
        try! self.init(data, cancel: .never)
    }

    init(_ data: CoxData, cancel: Cancellation) throws {
        let n = data.n, p = data.p
        self.n = n
        self.p = p
        self.cancel = cancel
        let counting = data.start != nil
        self.counting = counting
        let order = RadixSort.order(keys: data.stop, groups: data.strata, cancel: cancel)
        try cancel.check()
        self.order = order
        // inverse permutation: input row -> sorted position
        let inv = [Int32](unsafeUninitializedCapacity: n) { buf, c in
            order.withUnsafeBufferPointer { op in cancel.eachBlock(0..<n) { rows in for i in rows { buf[Int(op[i])] = Int32(i) } } }
            c = n
        }
        try cancel.check()
        // strata bounds
        var bounds = [0]
        if let s = data.strata {
            cancel.inBlocks(1..<max(n, 1)) { rows in
                for i in rows where s[Int(order[i])] != s[Int(order[i - 1])] { bounds.append(i) }
            }
            try cancel.check()
        }
        bounds.append(n)
        self.strataBounds = bounds
        let nStrata = bounds.count - 1
        // stratum index of each input row (counting process: centering is per stratum)
        var stratumOfRow = [Int32](repeating: 0, count: nStrata > 1 ? n : 0)
        if nStrata > 1 { for s in 0..<nStrata { for i in bounds[s]..<bounds[s + 1] { stratumOfRow[Int(order[i])] = Int32(s) } } }

        // centering and scaling (R: nocenter = c(-1, 0, 1))
        let perStratum = counting && nStrata > 1
        let (scale, means, centerTable) = try Self.centering(data, bounds: bounds, stratumOfRow: stratumOfRow,
                                                             perStratum: perStratum, cancel: cancel)
        self.scale = scale
        self.means = means

        // scatter every input row to its sorted position: transformed design row, times, event
        var x = [Double](unsafeUninitializedCapacity: n * p) { _, c in c = n * p }
        var stop = [Double](unsafeUninitializedCapacity: n) { _, c in c = n }
        var event = [UInt8](unsafeUninitializedCapacity: n) { _, c in c = n }
        var sstart = [Double](unsafeUninitializedCapacity: counting ? n : 0) { _, c in c = counting ? n : 0 }
        x.withUnsafeMutableBufferPointer { xbuf in
        stop.withUnsafeMutableBufferPointer { stb in
        event.withUnsafeMutableBufferPointer { evb in
        sstart.withUnsafeMutableBufferPointer { sab in
        inv.withUnsafeBufferPointer { ib in
        centerTable.withUnsafeBufferPointer { cb in
        scale.withUnsafeBufferPointer { sb in
        stratumOfRow.withUnsafeBufferPointer { srb in
            let sh = UncheckedBox((xbuf.baseAddress!, stb.baseAddress!, evb.baseAddress!, sab.baseAddress, ib.baseAddress!,
                                   cb.baseAddress!, sb.baseAddress!, nStrata > 1 ? srb.baseAddress : nil, data))
            let chunks = CoxParallel.chunkCount(n)
            let rgs = CoxParallel.ranges(n, chunks: chunks)
            CoxParallel.run(chunks) { k in
                let (xp, stp, evp, sap, ip, cp, sp, srp, d) = sh.value
                d.columns.withUnsafeBufferPointer { colArr in
                    var ptrs: [UnsafePointer<Double>] = []
                    for j in 0..<p { ptrs.append(colArr[j].withUnsafeBufferPointer { $0.baseAddress! }) }
                    ptrs.withUnsafeBufferPointer { colp in
                    d.stop.withUnsafeBufferPointer { dstop in
                    d.event.withUnsafeBufferPointer { dev in
                        var poll = CancelPoll(cancel)
                        for i in rgs[k] {
                            let pos = Int(ip[i])
                            stp[pos] = dstop[i]
                            evp[pos] = dev[i] ? 1 : 0
                            let cbase = perStratum ? Int(srp![i]) * p : 0
                            let row = xp + pos * p
                            for j in 0..<p { row[j] = (colp[j][i] - cp[cbase + j]) * sp[j] }
                            if poll.stop() { return }
                        }
                        if let st = d.start {
                            st.withUnsafeBufferPointer { dst in
                                for i in rgs[k] { sap![Int(ip[i])] = dst[i] }
                            }
                        }
                    }}}
                }
            }
        }}}}}}}}
        self.x = x
        try cancel.check()

        // event blocks
        var bTime: [Double] = []
        var bDeaths: [Int32] = []
        var bBounds = [0]
        var poll = CancelPoll(cancel)
        for s in 0..<nStrata {
            var i = bounds[s]
            while i < bounds[s + 1] {
                let t = stop[i]
                var d: Int32 = 0
                var k = i
                while k < bounds[s + 1] && stop[k] == t { d += Int32(event[k]); k += 1 }
                if d > 0 { bTime.append(t); bDeaths.append(d) }
                if poll.stop(after: k - i) { throw CancellationError() }
                i = k
            }
            bBounds.append(bTime.count)
        }
        self.blockTime = bTime
        self.blockDeaths = bDeaths
        self.blockBounds = bBounds

        // per-row block ranges
        var stopBlock = [Int32](repeating: 0, count: n)
        var startBlock = [Int32](repeating: 0, count: n)
        var startOrder: [Int32] = []
        for s in 0..<nStrata {
            var b = bBounds[s] - 1
            for i in bounds[s]..<bounds[s + 1] {
                while b + 1 < bBounds[s + 1] && bTime[b + 1] <= stop[i] { b += 1 }
                stopBlock[i] = Int32(b)
                startBlock[i] = Int32(bBounds[s] - 1)
                if poll.stop() { throw CancellationError() }
            }
        }
        if counting {
            var stratumOf = [Int32](repeating: 0, count: n)
            for s in 0..<nStrata { for i in bounds[s]..<bounds[s + 1] { stratumOf[i] = Int32(s) } }
            startOrder = RadixSort.order(keys: sstart, groups: stratumOf, cancel: cancel)
            try cancel.check()
            var pos = 0
            for s in 0..<nStrata {
                var b = bBounds[s] - 1
                for _ in bounds[s]..<bounds[s + 1] {
                    let i = Int(startOrder[pos])
                    while b + 1 < bBounds[s + 1] && bTime[b + 1] <= sstart[i] { b += 1 }
                    startBlock[i] = Int32(b)
                    pos += 1
                }
            }
        }
        self.stopBlock = stopBlock
        self.startBlock = startBlock
        self.startOrder = startOrder
        self.stop = stop
        self.start = sstart
        self.event = event
    }

    /// R's centering and scaling of the design columns (nocenter = c(-1, 0, 1)): `scale[j]` =
    /// n / sum|x - center|, `means[j]` = R's fit$means, `center[s * p + j]` the center of column j in
    /// stratum s (the overall mean unless `perStratum`, as agfit4 for counting-process data; 0 for a
    /// column whose values all lie in {-1, 0, 1}). `bounds` are the strata's sorted row ranges and
    /// `stratumOfRow` the stratum of each input row (empty with one stratum). Columns run in parallel.
    /// The overall sums are LaneSum's (eight lanes: a running total was latency-bound, ~200 ms of CPU
    /// at 10^7 rows x 10 covariates), or a running total where the lanes overflowed (values near
    /// ±1.8e308); the per-stratum sums of counting-process data stay running totals.
    static func centering(_ data: CoxData, bounds: [Int], stratumOfRow: [Int32], perStratum: Bool,
                          cancel: Cancellation) throws -> (scale: [Double], means: [Double], center: [Double]) {
        let n = data.n, p = data.p
        let nStrata = bounds.count - 1
        var scale = [Double](repeating: 1, count: p)
        var means = [Double](repeating: 0, count: p)
        var centerTable = [Double](repeating: 0, count: nStrata * p)   // [s * p + j]
        scale.withUnsafeMutableBufferPointer { scb in
        means.withUnsafeMutableBufferPointer { mb in
        centerTable.withUnsafeMutableBufferPointer { ctb in
        stratumOfRow.withUnsafeBufferPointer { srb in
            let sh = UncheckedBox((scb.baseAddress!, mb.baseAddress!, ctb.baseAddress!, srb.baseAddress, data.columns))
            let jobs = p >= 2 && n >= CoxParallel.minRows ? min(p, CoxParallel.chunkCount(n)) : 1
            CoxParallel.run(jobs) { k in
                let (scp, mp, ctp, srp, cols) = sh.value
                var j = k
                while j < p && !cancel.isCancelled {
                    cols[j].withUnsafeBufferPointer { col in
                        guard let x = col.baseAddress else { return }
                        var zeroOne = true
                        var sum = LaneSum()
                        guard cancel.inBlocks(0..<n, { rows in
                            if zeroOne {
                                for i in rows where !(x[i] == 0 || x[i] == 1 || x[i] == -1) { zeroOne = false; break }
                            }
                            sum.add(x, rows: rows) { $0 }
                        }) else { return }
                        if zeroOne { return }
                        // (lanes can overflow where one running total does not: values near ±1.8e308
                        // whose partial sums cancel; then the running total, as before the lanes)
                        let total = sum.total.isFinite ? sum.total : runningSum(n) { x[$0] }
                        let overall = total / Double(n)
                        mp[j] = overall
                        var absSum = 0.0
                        if !perStratum {
                            for s in 0..<nStrata { ctp[s * p + j] = overall }
                            var deviations = LaneSum()
                            let c = LaneSum.Lanes(repeating: overall)
                            let noSign = SIMD8<UInt64>(repeating: ~(1 << 63))
                            cancel.inBlocks(0..<n) { rows in
                                deviations.add(x, rows: rows) { v in
                                    unsafeBitCast(unsafeBitCast(v - c, to: SIMD8<UInt64>.self) & noSign, to: LaneSum.Lanes.self)
                                }
                            }
                            absSum = deviations.total.isFinite ? deviations.total : runningSum(n) { abs(x[$0] - overall) }
                        } else {
                            var sums = [Double](repeating: 0, count: nStrata)
                            for i in 0..<n { sums[Int(srp![i])] += col[i] }
                            for s in 0..<nStrata { ctp[s * p + j] = sums[s] / Double(bounds[s + 1] - bounds[s]) }
                            cancel.inBlocks(0..<n) { rows in for i in rows { absSum += abs(col[i] - ctp[Int(srp![i]) * p + j]) } }
                        }
                        scp[j] = absSum > 0 ? Double(n) / absSum : 1
                    }
                    j += jobs
                }
            }
        }}}}
        try cancel.check()
        return (scale, means, centerTable)
    }

    /// term(0) + term(1) + ... + term(n - 1), left to right.
    private static func runningSum(_ n: Int, _ term: (Int) -> Double) -> Double {
        var sum = 0.0
        for i in 0..<n { sum += term(i) }
        return sum
    }

    /// Converts a coefficient vector between the original and the internal (scaled) units.
    func toScaled(_ beta: [Double]) -> [Double] { (0..<p).map { beta[$0] / scale[$0] } }
    func toOriginal(_ betaScaled: [Double]) -> [Double] { (0..<p).map { betaScaled[$0] * scale[$0] } }
}
