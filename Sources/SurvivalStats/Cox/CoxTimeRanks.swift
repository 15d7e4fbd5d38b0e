// CoxTimeRanks.swift — the Cox partial likelihood of right-censored data evaluated in storage order,
// with the rows bucketed by the rank of their (stratum, time): no sorted copy of the design matrix.
//
// Contract
//   Inputs:   a validated CoxData without start times and without clusters (CoxFit routes only those
//             here), and a limit on the number D of distinct (stratum, time) pairs.
//   Outputs:  `make` gives nil when D is above the limit (nearly continuous times: the sorted
//             algorithm of CoxRiskSet is used instead). `evaluate(beta, ties)` gives the log partial
//             likelihood, score and information in R's centered and scaled units, the same quantities
//             CoxRiskSet.evaluate gives (equal up to rounding); `concordanceData` the (stratum, time)
//             order that Concordance needs, by a counting sort of the ranks.
//   Algorithm: each row gets the rank of its (stratum, time) among the D distinct pairs (a hash of
//             the pairs per row chunk, the chunks' pairs merged in row order, then a sort of the D
//             distinct ones only). One evaluation is two passes over the
//             rows in storage order, the design read from its columns and centered/scaled on the fly:
//     1. eta = X beta, w = exp(eta); w and w x are added to per-rank buckets, separately for the
//        rows that die at their time (E0, E1) and the others (N0, N1), D x (2 + 2p) values per chunk
//        of rows. Over the ranks of a stratum in descending order the cumulative sums give the risk
//        set at each event rank r: S0 = sum_{r' > r} (N0 + E0) + N0[r], deaths d0 = E0[r], and
//        likewise S1, d1. With d deaths and Efron's f_k = k/d (k = 1..d; Breslow: one term of
//        weight d), den_k = S0 + f_k d0, a_k = (S1 + f_k d1) / den_k:
//          loglik = sum_deaths eta - sum_r sum_k log den_k,  U = sum_deaths x - sum_r sum_k a_k,
//        c_r = sum_k 1/den_k and e_r = sum_k f_k/den_k, and sum_k a_k a_k' = alpha S1 S1' +
//        beta (S1 d1' + d1 S1') + gamma d1 d1' with alpha, beta, gamma = sum_k 1, f_k, f_k^2 over den_k^2.
//     2. I = sum_i v_i w_i x_i x_i' - sum_r sum_k a_k a_k', where v_i is sum of c_r over the event
//        ranks r of row i's stratum at or below its rank, except that a row dying at its rank counts
//        e_r instead of c_r there (sum_k S2_k / den_k split by row): a p(p+1)/2 accumulation per row.
//     Threads: both passes run on CoxParallel's fixed row chunks with per-chunk buckets and sums added
//     in chunk order, so the result is the same for every number of threads; the per-death sums of
//     each event rank run over ranges of ranks (each rank's own, whatever the ranges), the sums over
//     the ranks on one thread.
//   Cancellation: polled every Cancellation.stride rows; a cancelled evaluation returns a meaningless
//     result, so the caller must `try cancel.check()` (as for CoxRiskSet).
//   Reference: as CoxPartialLikelihood (Efron 1977; Therneau & Grambsch 2000 §3.3); the per-row
//     weights v_i are the Nelson–Aalen form of the risk-set sums (Andersen et al. 1993 §VII.2).
//   R convention: coxfit6 (right-censored data), exp(eta) unguarded, as CoxRiskSet.

import Foundation

struct CoxTimeRanks: Sendable {
    let n: Int
    let p: Int
    /// The design columns, in storage order (shared with the CoxData, not copied), and the events;
    /// empty in a CoxFitStart kept between fits (`rebound` gives them back).
    var columns: [[Double]]
    var event: [Bool]
    /// Centering (one center per column: right-censored data are centered overall) and scaling as
    /// CoxRiskSet: the internal design is (x - center) * scale.
    let center: [Double]
    let scale: [Double]
    /// R's fit$means.
    let means: [Double]
    /// Per row: rank of its (stratum, time) among the distinct pairs, ascending by stratum then time.
    let rank: [Int32]
    /// Per rank: its time, its number of deaths and of rows; ranks of stratum s: rankBounds[s] ..< rankBounds[s+1].
    let rankTime: [Double]
    let rankDeaths: [Int32]
    let rankRows: [Int32]
    let rankBounds: [Int]
    var cancel: Cancellation

    var rankCount: Int { rankTime.count }
    var strataCount: Int { rankBounds.count - 1 }
    /// Values per rank in a bucket: N0, N1 (p), E0, E1 (p).
    var bucketStride: Int { 2 + 2 * p }

    /// The same ranks for `data` (the data they were computed from) polling `cancel`.
    func rebound(to data: CoxData, cancel: Cancellation) -> CoxTimeRanks {
        var r = self
        r.columns = data.columns
        r.event = data.event
        r.cancel = cancel
        return r
    }

    /// The ranked form of `data`, or nil when its distinct (stratum, time) pairs are more than
    /// `maxRanks` (then the buckets would not be smaller than the sorted design they replace).
    static func make(_ data: CoxData, maxRanks: Int, cancel: Cancellation) throws -> CoxTimeRanks? {
        precondition(data.start == nil && data.cluster == nil)
        guard let ranks = try rankPairs(stop: data.stop, strata: data.strata, event: data.event, maxRanks: maxRanks,
                                        cancel: cancel) else { return nil }
        let (scale, means, center) = try CoxRiskSet.centering(data, bounds: [0, data.n], stratumOfRow: [], perStratum: false,
                                                              cancel: cancel)
        try cancel.check()
        return CoxTimeRanks(n: data.n, p: data.p, columns: data.columns, event: data.event, center: center, scale: scale,
                            means: means, rank: ranks.rank, rankTime: ranks.time, rankDeaths: ranks.deaths, rankRows: ranks.rows,
                            rankBounds: ranks.bounds, cancel: cancel)
    }

    /// Dense ranks of the (stratum, time) pairs: per row its rank, per rank its time, and the rank
    /// range of each stratum (strata in ascending code order). Nil when there are more than `maxRanks`.
    /// With `event`, also the deaths and rows of each rank (else those are empty).
    /// Threads: each of CoxParallel's fixed row chunks finds its own distinct pairs (ids in order of
    /// first appearance in the chunk); they are merged in chunk order, so the pairs and the time kept
    /// for each (that of its first row: 0 or -0) are those of one pass over the rows, for every number
    /// of threads; a last pass per chunk turns its ids into ranks and counts the deaths and rows.
    static func rankPairs(stop: [Double], strata: [Int32]?, event: [Bool]? = nil, maxRanks: Int, cancel: Cancellation) throws
        -> PairRanks? {
        let n = stop.count
        let chunks = CoxParallel.chunkCount(n)
        let rgs = CoxParallel.ranges(n, chunks: chunks)
        var id = [Int32](unsafeUninitializedCapacity: n) { _, c in c = n }
        var found = [ChunkPairs?](repeating: nil, count: chunks)
        id.withUnsafeMutableBufferPointer { idp in
        found.withUnsafeMutableBufferPointer { fp in
            let sh = UncheckedBox((idp.baseAddress!, fp.baseAddress!))
            CoxParallel.run(chunks) { k in
                let (ids, out) = sh.value
                out[k] = chunkPairs(stop: stop, strata: strata, rows: rgs[k], ids: ids, maxRanks: maxRanks, cancel: cancel)
            }
        }}
        try cancel.check()
        // the chunks' pairs in chunk order: ids in order of first appearance among all rows
        var table = PairTable()
        var globalOfLocal: [[Int32]] = []
        for k in 0..<chunks {
            guard let c = found[k] else { return nil }   // (more than maxRanks in the chunk alone)
            var map = [Int32](repeating: 0, count: c.keys.count)
            for l in 0..<c.keys.count {
                if let g = table.find(key: c.keys[l], group: c.groups[l]) {
                    map[l] = g
                } else {
                    if table.count == maxRanks { return nil }
                    map[l] = table.insert(key: c.keys[l], group: c.groups[l], time: c.times[l])
                }
            }
            globalOfLocal.append(map)
        }
        found = []
        let keys = table.keys, groups = table.groups, times = table.times
        _ = consume table
        // sort the distinct pairs by (stratum, time)
        let d = keys.count
        let order = (0..<d).sorted { a, b in groups[a] != groups[b] ? groups[a] < groups[b] : keys[a] < keys[b] }
        var rankOfId = [Int32](repeating: 0, count: d)
        var time = [Double](repeating: 0, count: d)
        var bounds = [0]
        for (r, k) in order.enumerated() {
            rankOfId[k] = Int32(r)
            time[r] = times[k]
            if r > 0 && groups[k] != groups[order[r - 1]] { bounds.append(r) }
        }
        bounds.append(d)
        let rankOfLocal = globalOfLocal.map { $0.map { rankOfId[Int($0)] } }
        let counts = ranksAndCounts(&id, rankOfLocal: rankOfLocal, ranges: rgs, event: event, rankCount: d, cancel: cancel)
        try cancel.check()
        let deaths = event == nil ? [] : (0..<d).map { counts[2 * $0] }
        let rows = event == nil ? [] : (0..<d).map { counts[2 * $0 + 1] }
        return PairRanks(rank: id, time: time, bounds: bounds, deaths: deaths, rows: rows)
    }

    /// The distinct pairs of one chunk's rows in order of first appearance, their ids written to
    /// `ids`; nil when there are more than `maxRanks` or once cancelled.
    private static func chunkPairs(stop: [Double], strata: [Int32]?, rows: Range<Int>, ids: UnsafeMutablePointer<Int32>,
                                   maxRanks: Int, cancel: Cancellation) -> ChunkPairs? {
        var table = PairTable()
        var overflow = false
        stop.withUnsafeBufferPointer { tp in
            let gp = strata?.withUnsafeBufferPointer { $0.baseAddress }
            var poll = CancelPoll(cancel)
            for i in rows {
                let k = RadixSort.sortableBits(tp[i])
                let g = gp?[i] ?? 0
                if let s = table.find(key: k, group: g) {
                    ids[i] = s
                } else {
                    if table.count == maxRanks { overflow = true; return }
                    ids[i] = table.insert(key: k, group: g, time: tp[i])
                }
                if poll.stop() { overflow = true; return }
            }
        }
        if overflow { return nil }
        return ChunkPairs(keys: table.keys, groups: table.groups, times: table.times)
    }

    /// Turns each chunk's ids in `id` into ranks and, with `event`, counts the deaths and rows of
    /// every rank (as (deaths, rows) pairs, summed over the chunks: integers, in any order).
    private static func ranksAndCounts(_ id: inout [Int32], rankOfLocal: [[Int32]], ranges rgs: [Range<Int>], event: [Bool]?,
                                       rankCount d: Int, cancel: Cancellation) -> [Int32] {
        let chunks = rgs.count
        let width = event == nil ? 0 : 2 * d
        var perChunk = [Int32](repeating: 0, count: chunks * width)
        id.withUnsafeMutableBufferPointer { idp in
        perChunk.withUnsafeMutableBufferPointer { cb in
            let sh = UncheckedBox((idp.baseAddress!, cb.baseAddress!))
            CoxParallel.run(chunks) { k in
                let (ids, counts) = sh.value
                rankOfLocal[k].withUnsafeBufferPointer { rp in
                    if let event {
                        event.withUnsafeBufferPointer { ev in
                            let c = counts + k * width
                            cancel.eachBlock(rgs[k]) { rows in
                                for i in rows {
                                    let r = Int(rp[Int(ids[i])])
                                    ids[i] = Int32(r)
                                    c[2 * r] += ev[i] ? 1 : 0
                                    c[2 * r + 1] += 1
                                }
                            }
                        }
                    } else {
                        cancel.eachBlock(rgs[k]) { rows in for i in rows { ids[i] = rp[Int(ids[i])] } }
                    }
                }
            }
        }}
        guard chunks > 1 else { return perChunk }
        var total = [Int32](repeating: 0, count: width)
        for k in 0..<chunks { for j in 0..<width { total[j] += perChunk[k * width + j] } }
        return total
    }
}

/// The dense (stratum, time) ranks of `CoxTimeRanks.rankPairs`.
struct PairRanks {
    /// Per row: its rank.
    let rank: [Int32]
    /// Per rank: its time; ranks of stratum s: bounds[s] ..< bounds[s+1].
    let time: [Double]
    let bounds: [Int]
    /// Per rank: its deaths and rows (empty when no events were given).
    let deaths: [Int32]
    let rows: [Int32]
}

/// One chunk's distinct pairs in order of first appearance (see rankPairs).
private struct ChunkPairs {
    let keys: [UInt64]
    let groups: [Int32]
    let times: [Double]
}

/// The distinct (stratum, time) pairs of `CoxTimeRanks.rankPairs`, ids in order of first appearance:
/// open addressing on (stratum, time bits), sized by the pairs found so far (at most half full, doubled
/// and rehashed when it would be more), not by the rows: 22,000 distinct times of 10^6 or 10^7 rows
/// stay in a table of 1 MB (the table of 2 x maxRanks slots was 4 MB at 10^6 rows and 64 MB at 10^7,
/// zeroed and then missed in the cache on nearly every row).
struct PairTable: ~Copyable {
    private(set) var keys: [UInt64] = []
    private(set) var groups: [Int32] = []
    private(set) var times: [Double] = []
    /// Per slot: the key and group stored there and their id, or -1 when the slot is free.
    private var slotKey: UnsafeMutablePointer<UInt64>
    private var slotGroup: UnsafeMutablePointer<Int32>
    private var slotId: UnsafeMutablePointer<Int32>
    private var capacity = 0
    private var shift: UInt64 = 0

    init() {
        (slotKey, slotGroup, slotId) = Self.allocate(1024)
        capacity = 1024
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    deinit { Self.free(slotKey, slotGroup, slotId) }

    var count: Int { keys.count }

    private static func allocate(_ cap: Int) -> (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) {
        let id = UnsafeMutablePointer<Int32>.allocate(capacity: cap)
        id.initialize(repeating: -1, count: cap)
        return (.allocate(capacity: cap), .allocate(capacity: cap), id)
    }

    private static func free(_ k: UnsafeMutablePointer<UInt64>, _ g: UnsafeMutablePointer<Int32>, _ id: UnsafeMutablePointer<Int32>) {
        k.deallocate()
        g.deallocate()
        id.deallocate()
    }

    /// The slot where (key, group) is or would go.
    @inline(__always)
    private func slot(key: UInt64, group: Int32) -> Int {
        // fold the high bits (sign, exponent, leading mantissa) into the low ones, multiply, keep the top bits
        var z = key ^ (UInt64(UInt32(bitPattern: group)) &* 0xFF51_AFD7_ED55_8CCD)
        z ^= z >> 32
        z &*= 0x9E37_79B9_7F4A_7C15
        var h = Int(truncatingIfNeeded: z >> shift)
        let mask = capacity - 1
        while true {
            if slotId[h] < 0 || (slotKey[h] == key && slotGroup[h] == group) { return h }
            h = (h + 1) & mask
        }
    }

    /// The id of (key, group), or nil when it is not in the table.
    @inline(__always)
    func find(key: UInt64, group: Int32) -> Int32? {
        let s = slotId[slot(key: key, group: group)]
        return s < 0 ? nil : s
    }

    /// Adds (key, group), which is not in the table, with its time; returns its id.
    mutating func insert(key: UInt64, group: Int32, time: Double) -> Int32 {
        if 2 * (keys.count + 1) > capacity { grow() }
        let id = Int32(keys.count)
        put(key: key, group: group, id: id)
        keys.append(key); groups.append(group); times.append(time)
        return id
    }

    @inline(__always)
    private func put(key: UInt64, group: Int32, id: Int32) {
        let h = slot(key: key, group: group)
        slotKey[h] = key; slotGroup[h] = group; slotId[h] = id
    }

    /// Doubles the slots and puts every pair back (ids unchanged).
    private mutating func grow() {
        Self.free(slotKey, slotGroup, slotId)
        capacity *= 2
        (slotKey, slotGroup, slotId) = Self.allocate(capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        for id in 0..<keys.count { put(key: keys[id], group: groups[id], id: Int32(id)) }
    }
}
