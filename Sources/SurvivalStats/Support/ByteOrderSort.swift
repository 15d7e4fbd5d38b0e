// ByteOrderSort.swift — text in byte (UTF-8 code unit) order by radix sorting 8-byte words
// instead of comparing Strings: the order of a 10^7-level text column (R's C collation, and R's
// UTF-8 order whenever it equals byte order) took 5 s of a polled merge sort of String comparisons.
//
// Contract
//   `cancel.byteOrder(of: items, in: strings)` returns `items` (indices into `strings`) in the
//   order `cancel.sorted(items) { strings[$0].utf8.lexicographicallyPrecedes(strings[$1].utf8) }`
//   gives (stable: equal strings keep their order in `items`); it throws CancellationError once
//   `cancel` fires (polled every `Cancellation.stride` elements of every pass).
//   Method: an MSD radix sort by words. The word of a string at depth d is its bytes [d, d + 8)
//   read big-endian, zero-padded past the end, so words order as the bytes do (a string ending
//   inside the word pads with zeros, which no byte is below). The items are sorted by their word
//   at depth 0, then every group of equal words by the word at depth 8, and so on; a group whose
//   strings all end within the words compared is equal up to zero padding, and its shorter strings
//   come first (each is a prefix of the longer). A group is sorted stably by (word, position): by
//   SurvivalTimeOrder's LSD radix sort when large, by a comparison sort of the pairs when small.
//   Groups wait on an explicit stack (no recursion, whatever the strings' common prefixes).
//   Cost: about one word per string per 8 bytes of the prefix it shares with another string, and
//   O(n) per radix pass; 10^7 levels "p000000000".."p009999999" sort in well under a second.

extension Cancellation {
    /// `items` ordered by the bytes of `strings[item]`, stably; throws CancellationError once this fires.
    public func byteOrder(of items: [Int], in strings: [String]) throws -> [Int] {
        try ByteOrderSort(items: items, strings: strings, cancel: self).run()
    }
}

struct ByteOrderSort {
    /// Groups at least this large are radix sorted (below it a comparison sort of the pairs is
    /// faster than the radix sort's counting tables).
    static let radixMinimum = 1 << 12

    let items: [Int]
    let strings: [String]
    let cancel: Cancellation

    /// `order[lo..<hi]`: strings equal in their first `depth` bytes (zero-padded), not yet ordered.
    struct Group {
        var lo: Int
        var hi: Int
        var depth: Int
    }

    func run() throws -> [Int] {
        // positions in `items`, permuted into the order
        var order = try cancel.map(count: items.count) { UInt32($0) }
        var pending = [Group(lo: 0, hi: items.count, depth: 0)]
        while let g = pending.popLast() {
            if g.hi - g.lo < 2 { continue }
            try sort(g, &order, pending: &pending)
        }
        return try cancel.map(count: order.count) { items[Int(order[$0])] }
    }

    private func string(_ position: UInt32) -> String { strings[items[Int(position)]] }

    /// Sorts the group by its words at `g.depth` and queues the runs of equal words that strings go on past.
    private func sort(_ g: Group, _ order: inout [UInt32], pending: inout [Group]) throws {
        var positions = Array(order[g.lo..<g.hi])
        var keys = [UInt64](repeating: 0, count: positions.count)
        guard cancel.inBlocks(keys.indices, { block in
            for k in block { keys[k] = Self.word(string(positions[k]), at: g.depth) }
        }) else { throw CancellationError() }
        if positions.count >= Self.radixMinimum {
            SurvivalTimeOrder.radixSort(keys: &keys, payload: &positions, cancel: cancel)
            try cancel.check()
        } else {
            // positions ascend within a group, so (word, position) order is the stable order by word
            var pairs = (0..<keys.count).map { (keys[$0], positions[$0]) }
            pairs.sort { $0 < $1 }
            for k in pairs.indices { (keys[k], positions[k]) = pairs[k] }
            try cancel.check()
        }
        order.replaceSubrange(g.lo..<g.hi, with: positions)
        let next = g.depth + 8
        var a = 0, polled = 0
        while a < keys.count {
            var b = a + 1
            while b < keys.count && keys[b] == keys[a] { b += 1 }
            if b - polled >= Cancellation.stride {
                try cancel.check()
                polled = b
            }
            if b - a > 1 {
                let run = (g.lo + a)..<(g.lo + b)
                if run.contains(where: { string(order[$0]).utf8.count > next }) {
                    pending.append(Group(lo: run.lowerBound, hi: run.upperBound, depth: next))
                } else {
                    // equal up to zero padding: by length, then position
                    let byLength = order[run].sorted { (string($0).utf8.count, $0) < (string($1).utf8.count, $1) }
                    order.replaceSubrange(run, with: byLength)
                }
            }
            a = b
        }
    }

    /// Bytes [depth, depth + 8) of `s`, big-endian, zero-padded.
    @inline(__always) static func word(_ s: String, at depth: Int) -> UInt64 {
        if let w = s.utf8.withContiguousStorageIfAvailable({ word($0, at: depth) }) { return w }
        return Array(s.utf8).withUnsafeBufferPointer { word($0, at: depth) }   // a string not stored as UTF-8
    }

    @inline(__always) static func word(_ bytes: UnsafeBufferPointer<UInt8>, at depth: Int) -> UInt64 {
        let end = min(depth + 8, bytes.count)
        if end <= depth { return 0 }
        var w: UInt64 = 0
        for i in depth..<end { w = w << 8 | UInt64(bytes[i]) }
        return w << UInt64(8 * (8 - (end - depth)))
    }
}
