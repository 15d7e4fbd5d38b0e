// RadixSort.swift — stable O(n) ordering of rows by (group, double key).
//
// Contract
//   Inputs:   n double keys (finite), optional n Int32 group codes.
//   Outputs:  a permutation `order` (Int32) such that rows are ascending by group code, then
//             by key; ties keep their input order (stable). -0.0 sorts with +0.0.
//   Reference: least-significant-digit radix sort (Knuth, TAOCP vol. 3, §5.2.5) on the
//             order-preserving integer image of IEEE-754 doubles; digits where every key
//             agrees are skipped, so integer-valued times cost few passes.
//   Used by: the Cox fit (sort once by stratum and stop time), concordance (ranks of the
//             linear predictor), cox.zph.

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
        var k = [UInt64](unsafeUninitializedCapacity: n) { buf, c in
            keys.withUnsafeBufferPointer { kp in
                cancel.inBlocks(0..<n) { rows in for i in rows { buf[i] = sortableBits(kp[i]) } }
            }
            c = n
        }
        var idx = [Int32](unsafeUninitializedCapacity: n) { buf, c in
            for i in 0..<n { buf[i] = Int32(i) }
            c = n
        }
        if cancel.isCancelled { return idx }
        sortPairs(&k, &idx, cancel: cancel)
        if let g = groups, !cancel.isCancelled {
            // stable pass(es) on the group codes, carrying the already time-sorted indices
            var gk = [UInt64](unsafeUninitializedCapacity: n) { buf, c in
                g.withUnsafeBufferPointer { gp in
                idx.withUnsafeBufferPointer { ip in
                    cancel.inBlocks(0..<n) { rows in
                        for i in rows { buf[i] = UInt64(UInt32(bitPattern: gp[Int(ip[i])]) ^ 0x8000_0000) }
                    }
                }}
                c = n
            }
            if cancel.isCancelled { return idx }
            sortPairs(&gk, &idx, cancel: cancel)
        }
        return idx
    }

    /// LSD radix sort of (key, payload) pairs by key, 16-bit digits, skipping constant digits.
    private static func sortPairs(_ key: inout [UInt64], _ idx: inout [Int32], cancel: Cancellation) {
        let n = idx.count
        if n < 2 { return }
        var orAll: UInt64 = 0, andAll: UInt64 = ~0
        key.withUnsafeBufferPointer { kp in
            cancel.inBlocks(0..<n) { rows in for i in rows { orAll |= kp[i]; andAll &= kp[i] } }
        }
        let varying = orAll ^ andAll
        var key2 = [UInt64](repeating: 0, count: n)
        var idx2 = [Int32](repeating: 0, count: n)
        var count = [Int](repeating: 0, count: 65536)
        var shift: UInt64 = 0
        while shift < 64 {
            if varying & (0xFFFF << shift) == 0 { shift += 16; continue }
            if cancel.isCancelled { return }
            key.withUnsafeBufferPointer { kp in
            idx.withUnsafeBufferPointer { ip in
            key2.withUnsafeMutableBufferPointer { k2 in
            idx2.withUnsafeMutableBufferPointer { i2 in
            count.withUnsafeMutableBufferPointer { cp in
                for j in 0..<65536 { cp[j] = 0 }
                guard cancel.inBlocks(0..<n, { rows in for i in rows { cp[Int((kp[i] >> shift) & 0xFFFF)] += 1 } }) else { return }
                var sum = 0
                for j in 0..<65536 { let c = cp[j]; cp[j] = sum; sum += c }
                cancel.inBlocks(0..<n) { rows in
                    for i in rows {
                        let v = kp[i]
                        let d = Int((v >> shift) & 0xFFFF)
                        let pos = cp[d]
                        k2[pos] = v
                        i2[pos] = ip[i]
                        cp[d] = pos + 1
                    }
                }
            }}}}}
            if cancel.isCancelled { return }
            swap(&key, &key2)
            swap(&idx, &idx2)
            shift += 16
        }
    }
}
