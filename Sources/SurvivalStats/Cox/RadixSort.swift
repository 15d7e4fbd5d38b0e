// RadixSort.swift — stable O(n) ordering of rows by (group, double key).
//
// Contract
//   Inputs:   n double keys (finite), optional n Int32 group codes.
//   Outputs:  a permutation `order` (Int32) such that rows are ascending by group code, then
//             by key; ties keep their input order (stable). -0.0 sorts with +0.0.
//   Reference: least-significant-digit radix sort (Knuth, TAOCP vol. 3, §5.2.5) on the
//             order-preserving integer image of IEEE-754 doubles; digits where every key
//             agrees are skipped, so integer-valued times cost few passes.
//   Threads: each pass counts and scatters CoxParallel's fixed row chunks (chunk k's rows of a digit
//             placed after those of the chunks before it), so the order is the same for any thread count.
//   Used by: the Cox fit (sort once by stratum and stop time), concordance (ranks of the
//             linear predictor; the ranked concordance sorts it by its values, RadixSort+Buckets.swift,
//             with this sort as the fallback and the reference of its tests), cox.zph.

import Foundation

enum RadixSort {
    /// Order-preserving map of a double onto UInt64.
    @inline(__always)
    static func sortableBits(_ x: Double) -> UInt64 {
        let b = (x + 0.0).bitPattern
        return (b & 0x8000_0000_0000_0000) != 0 ? ~b : (b | 0x8000_0000_0000_0000)
    }

    /// Stable ascending order by (group, key). When `cancel` fires (polled every
    /// `Cancellation.stride` rows of each pass) the order returned is incomplete: the caller must
    /// `try cancel.check()` before using it.
    static func order(keys: [Double], groups: [Int32]? = nil, cancel: Cancellation = .never) -> [Int32] {
        let n = keys.count
        let idx = [Int32](unsafeUninitializedCapacity: n) { buf, c in
            for i in 0..<n { buf[i] = Int32(i) }
            c = n
        }
        var (_, sortedIdx) = sorted(keys: keys, payload: consume idx, cancel: cancel)
        if let g = groups, !cancel.isCancelled {
            // stable pass(es) on the group codes, carrying the already time-sorted indices
            var gk = [UInt64](unsafeUninitializedCapacity: n) { buf, c in
                g.withUnsafeBufferPointer { gp in
                sortedIdx.withUnsafeBufferPointer { ip in
                    cancel.eachBlock(0..<n) { rows in
                        for i in rows { buf[i] = UInt64(UInt32(bitPattern: gp[Int(ip[i])]) ^ 0x8000_0000) }
                    }
                }}
                c = n
            }
            if cancel.isCancelled { return sortedIdx }
            sortPairs(&gk, &sortedIdx, cancel: cancel)
        }
        return sortedIdx
    }

    /// The keys' order-preserving images (`sortableBits`) in ascending order, with `payload` carried
    /// along (stable: equal keys keep their input order). Equal images are equal doubles (-0.0 and
    /// +0.0 are one). When `cancel` fires the result is incomplete: the caller must check it.
    /// `payload` is consumed: passed as the caller's last use of a unique array, its storage is one of
    /// the sort's two buffers (a payload still referenced would be copied on the first write: 4 bytes
    /// a row more at the sort's peak, 40 MB at 10^7 rows).
    static func sorted(keys: [Double], payload: consuming [Int32], cancel: Cancellation = .never) -> (keys: [UInt64], payload: [Int32]) {
        let n = keys.count
        precondition(payload.count == n)
        var k = [UInt64](unsafeUninitializedCapacity: n) { buf, c in
            keys.withUnsafeBufferPointer { kp in
                cancel.eachBlock(0..<n) { rows in for i in rows { buf[i] = sortableBits(kp[i]) } }
            }
            c = n
        }
        if cancel.isCancelled { return (k, payload) }
        sortPairs(&k, &payload, cancel: cancel)
        return (k, payload)
    }

    /// LSD radix sort of (key, payload) pairs by key, 11-bit digits, skipping constant digits. Each
    /// pass counts and scatters CoxParallel's fixed row chunks on the available threads (chunk k's
    /// rows of digit v go after those of the chunks before it): the stable order, whatever the threads.
    /// 11 bits rather than 16: a pass scatters into 2048 places per chunk, whose cache lines stay in
    /// the cache (65536 did not: a miss per row), and the counts are 16 KB per chunk, not 512 KB;
    /// six passes instead of four for a full double, faster all the same (and the order is the same:
    /// a stable sort has one answer).
    private static func sortPairs(_ key: inout [UInt64], _ idx: inout [Int32], cancel: Cancellation) {
        let n = idx.count
        if n < 2 { return }
        var orAll: UInt64 = 0, andAll: UInt64 = ~0
        key.withUnsafeBufferPointer { kp in
            cancel.eachBlock(0..<n) { rows in for i in rows { orAll |= kp[i]; andAll &= kp[i] } }
        }
        let varying = orAll ^ andAll
        let chunks = CoxParallel.chunkCount(n)
        let rgs = CoxParallel.ranges(n, chunks: chunks)
        let bits: UInt64 = 11
        let digits = 1 << bits
        let mask = UInt64(digits - 1)
        var key2 = [UInt64](repeating: 0, count: n)
        var idx2 = [Int32](repeating: 0, count: n)
        var count = [Int](repeating: 0, count: chunks * digits)   // [k * digits + v]
        var shift: UInt64 = 0
        while shift < 64 {
            if varying & (mask << shift) == 0 { shift += bits; continue }
            if cancel.isCancelled { return }
            key.withUnsafeBufferPointer { kp in
            idx.withUnsafeBufferPointer { ip in
            key2.withUnsafeMutableBufferPointer { k2 in
            idx2.withUnsafeMutableBufferPointer { i2 in
            count.withUnsafeMutableBufferPointer { cp in
                let sh = UncheckedBox((kp.baseAddress!, ip.baseAddress!, k2.baseAddress!, i2.baseAddress!, cp.baseAddress!))
                CoxParallel.run(chunks) { k in
                    let (kp, _, _, _, cAll) = sh.value
                    let c = cAll + k * digits
                    for v in 0..<digits { c[v] = 0 }
                    cancel.inBlocks(rgs[k]) { rows in for i in rows { c[Int((kp[i] >> shift) & mask)] += 1 } }
                }
                if cancel.isCancelled { return }
                // digit-major, then chunk: the first slot of chunk k's rows with digit v
                var sum = 0
                for v in 0..<digits {
                    for k in 0..<chunks { let c = cp[k * digits + v]; cp[k * digits + v] = sum; sum += c }
                }
                CoxParallel.run(chunks) { k in
                    let (kp, ip, k2, i2, cAll) = sh.value
                    let c = cAll + k * digits
                    cancel.inBlocks(rgs[k]) { rows in
                        for i in rows {
                            let v = kp[i]
                            let d = Int((v >> shift) & mask)
                            let pos = c[d]
                            k2[pos] = v
                            i2[pos] = ip[i]
                            c[d] = pos + 1
                        }
                    }
                }
            }}}}}
            if cancel.isCancelled { return }
            swap(&key, &key2)
            swap(&idx, &idx2)
            shift += bits
        }
    }
}
