// DenseRank.swift — codes values by their rank among the distinct values present.
//
// Contract: `DenseRank.of(keys)` returns the distinct keys in ascending (unsigned) order and, for
// every input position, the index of its key among them (0-based). `orderKey(_:)` maps a Double to
// a key that sorts as the numbers do (-0 is 0; every NaN is one key, after +Inf), and
// `value(ofOrderKey:)` maps it back.
// Cost: O(n + d log d) for n keys with d distinct values. A small key range (at most
// max(65 536, 2n) values) is counted in a table indexed by key - min; otherwise SurvivalStats'
// KeyIndex (an open-addressing hash table) finds the distinct keys and only those are sorted.
// This replaces Set<Double> + Dictionary (SipHash per row) where levels and groups are coded.

import SurvivalStats

enum DenseRank {
    /// A key that sorts as `x` does among Doubles (-0 == 0; NaN last, all NaNs equal).
    @inline(__always) static func orderKey(_ x: Double) -> UInt64 {
        if x.isNaN { return UInt64.max }
        let b = (x + 0.0).bitPattern  // -0 + 0 = +0
        return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
    }

    static func value(ofOrderKey k: UInt64) -> Double {
        if k == UInt64.max { return .nan }
        return Double(bitPattern: k & (1 << 63) != 0 ? k & ~(1 << 63) : ~k)
    }

    /// Sorted distinct keys and each key's index among them.
    static func of(_ keys: [UInt64]) -> (distinct: [UInt64], codes: [Int32]) {
        let n = keys.count
        if n == 0 { return ([], []) }
        return keys.withUnsafeBufferPointer { k in
            var lo = UInt64.max, hi = UInt64.min
            for x in k { lo = min(lo, x); hi = max(hi, x) }
            let limit = UInt64(max(1 << 16, 2 * n))
            if hi - lo < limit { return byTable(k, lo: lo, span: Int(hi - lo) + 1) }
            return byHash(k)
        }
    }

    private static func byTable(_ k: UnsafeBufferPointer<UInt64>, lo: UInt64, span: Int) -> ([UInt64], [Int32]) {
        // rank[x - lo] = 1 + the rank of x (0 = absent)
        var rank = [Int32](repeating: 0, count: span)
        var distinct: [UInt64] = []
        let codes = rank.withUnsafeMutableBufferPointer { r -> [Int32] in
            for x in k { r[Int(x &- lo)] = 1 }
            var next: Int32 = 0
            for i in 0..<span where r[i] != 0 {
                next += 1
                r[i] = next
                distinct.append(lo &+ UInt64(i))
            }
            return [Int32](unsafeUninitializedCapacity: k.count) { out, count in
                for i in 0..<k.count { out[i] = r[Int(k[i] &- lo)] - 1 }
                count = k.count
            }
        }
        return (distinct, codes)
    }

    private static func byHash(_ k: UnsafeBufferPointer<UInt64>) -> ([UInt64], [Int32]) {
        var index = KeyIndex()
        var firstSeen = [Int32](repeating: 0, count: k.count)
        for i in 0..<k.count { firstSeen[i] = index.id(of: k[i]) }
        let distinct = index.keys
        let order = distinct.indices.sorted { distinct[$0] < distinct[$1] }
        var remap = [Int32](repeating: 0, count: distinct.count)
        for (r, j) in order.enumerated() { remap[j] = Int32(r) }
        let sorted = order.map { distinct[$0] }
        remap.withUnsafeBufferPointer { m in
            firstSeen.withUnsafeMutableBufferPointer { f in
                for i in 0..<f.count { f[i] = m[Int(f[i])] }
            }
        }
        return (sorted, firstSeen)
    }
}
