// KeyIndex.swift — dense ids for 64-bit keys in first-seen order (an open-addressing hash table).
//
// Contract: `id(of:)` returns the key's id, giving a new key the next id (0, 1, 2, ...); `keys[id]`
// is the key with that id. Linear probing on a power-of-two table kept at most half full, hashed by
// murmur3's 64-bit finaliser. Used where counting distinct values of 10^6–10^7 rows must not go
// through Swift's Dictionary (times in TimeTally, real-valued levels in SurvshCore's DenseRank).

public struct KeyIndex: Sendable {
    /// Keys by id (first-seen order).
    public private(set) var keys: [UInt64] = []
    private var slotKey: [UInt64]
    private var slotId: [Int32]
    private var capacity: Int

    public init(capacity initial: Int = 1024) {
        var c = 16
        while c < initial { c <<= 1 }
        capacity = c
        slotKey = [UInt64](repeating: 0, count: c)
        slotId = [Int32](repeating: -1, count: c)
    }

    public var count: Int { keys.count }

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33; h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33; h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    /// The key's id, inserting the key when it is new.
    @inline(__always) public mutating func id(of key: UInt64) -> Int32 {
        var h = Int(truncatingIfNeeded: KeyIndex.mix(key)) & (capacity - 1)
        while true {
            let id = slotId[h]
            if id < 0 { break }
            if slotKey[h] == key { return id }
            h = (h + 1) & (capacity - 1)
        }
        let id = Int32(keys.count)
        slotId[h] = id
        slotKey[h] = key
        keys.append(key)
        if keys.count * 2 > capacity { grow() }
        return id
    }

    private mutating func grow() {
        capacity *= 2
        slotKey = [UInt64](repeating: 0, count: capacity)
        slotId = [Int32](repeating: -1, count: capacity)
        for (j, y) in keys.enumerated() {
            var s = Int(truncatingIfNeeded: KeyIndex.mix(y)) & (capacity - 1)
            while slotId[s] >= 0 { s = (s + 1) & (capacity - 1) }
            slotId[s] = Int32(j)
            slotKey[s] = y
        }
    }
}
