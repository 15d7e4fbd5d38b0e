// ByteDictionary.swift — interning of byte strings into dense codes, for dictionary-encoded text
// columns, without creating a String per cell.
//
// Contract: `intern(p, n)` returns the code of the byte string `p[0..<n]`, adding it when new; codes
// are 0, 1, 2, ... in first-seen order. Bytes are copied into an arena, so the input may be reused.
// Open addressing (linear probing) on a power-of-two table kept at most half full; FNV-1a hashes.
// The type owns manually allocated memory: call `deallocate()` exactly once when done (the owner,
// `CSVChunkState`, does). It is a struct of pointers so the parser's hot loop pays no ARC or
// exclusivity checks.

struct ByteDictionary {
    private(set) var count = 0
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCount = 0
    private var byteCapacity: Int
    /// starts[i] ..< starts[i + 1] are the bytes of level i.
    private var starts: UnsafeMutablePointer<Int>
    private var hashes: UnsafeMutablePointer<UInt64>
    private var levelCapacity: Int
    /// 0 = empty slot, otherwise code + 1.
    private var table: UnsafeMutablePointer<UInt32>
    private var tableMask: Int

    init() { self.init(reserving: 16, bytes: 256) }

    /// Room for `levels` levels of `bytes` bytes in all without growing: the merge of a column of
    /// distinct values (10^7 levels) would otherwise rehash millions of them at once, without a poll.
    init(reserving levels: Int, bytes byteTotal: Int) {
        byteCapacity = max(byteTotal, 256)
        bytes = .allocate(capacity: byteCapacity)
        levelCapacity = max(levels, 16)
        starts = .allocate(capacity: levelCapacity + 1)
        starts[0] = 0
        hashes = .allocate(capacity: levelCapacity)
        var size = 64
        while size <= 2 * levelCapacity { size <<= 1 }   // at most half full, as growTable keeps it
        tableMask = size - 1
        table = .allocate(capacity: size)
        table.initialize(repeating: 0, count: size)
    }

    func deallocate() {
        bytes.deallocate()
        starts.deallocate()
        hashes.deallocate()
        table.deallocate()
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<n {
            h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3
        }
        return h ^ (h >> 29)
    }

    /// Bytes of all levels together.
    var byteSize: Int { byteCount }

    /// The bytes of level `code`.
    func level(_ code: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + starts[code], count: starts[code + 1] - starts[code])
    }

    func levelHash(_ code: Int) -> UInt64 { hashes[code] }

    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
        intern(p, n, hash: ByteDictionary.hash(p, n))
    }

    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> UInt32 {
        var slot = Int(truncatingIfNeeded: h) & tableMask
        while true {
            let entry = table[slot]
            if entry == 0 { break }
            let code = Int(entry &- 1)
            if hashes[code] == h {
                let s = starts[code]
                if starts[code + 1] - s == n && Self.equal(bytes + s, p, n) { return UInt32(code) }
            }
            slot = (slot &+ 1) & tableMask
        }
        // New level.
        let code = count
        if code == levelCapacity { growLevels() }
        if byteCount + n > byteCapacity { growBytes(byteCount + n) }
        (bytes + byteCount).update(from: p, count: n)
        byteCount += n
        starts[code + 1] = byteCount
        hashes[code] = h
        count += 1
        table[slot] = UInt32(code + 1)
        if count * 2 > tableMask { growTable() }
        return UInt32(code)
    }

    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    private mutating func growLevels() {
        let newCapacity = levelCapacity * 2
        let newStarts = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity + 1)
        newStarts.initialize(from: starts, count: count + 1)
        starts.deallocate()
        starts = newStarts
        let newHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: newCapacity)
        newHashes.initialize(from: hashes, count: count)
        hashes.deallocate()
        hashes = newHashes
        levelCapacity = newCapacity
    }

    private mutating func growBytes(_ needed: Int) {
        var newCapacity = byteCapacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBytes.initialize(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = newBytes
        byteCapacity = newCapacity
    }

    private mutating func growTable() {
        let newMask = tableMask * 2 + 1
        let newTable = UnsafeMutablePointer<UInt32>.allocate(capacity: newMask + 1)
        newTable.initialize(repeating: 0, count: newMask + 1)
        for code in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[code]) & newMask
            while newTable[slot] != 0 { slot = (slot &+ 1) & newMask }
            newTable[slot] = UInt32(code + 1)
        }
        table.deallocate()
        table = newTable
        tableMask = newMask
    }
}
