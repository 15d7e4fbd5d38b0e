// SurvivalTimeOrder — sorting and tie handling shared by the Kaplan–Meier and log-rank code.
//
// Contract
//   Inputs:  a time vector (finite Doubles; the caller has already dropped missing values).
//   Outputs: `order(_:)` — a stable ascending permutation (LSD radix sort on the IEEE-754 bit
//            pattern, O(n), 4 passes of 16 bits, passes whose digit is constant are skipped);
//            `tieFixed(sortedTimes:)` — R's `aeqSurv` applied to an ascending time vector.
//   Reference: R survival 3.5 `aeqSurv` (called by `survfit` and `survdiff` when timefix = TRUE):
//            the sorted distinct times y are cut where consecutive differences are larger than
//            tol = sqrt(.Machine$double.eps) both absolutely and relative to mean(|y|); each run of
//            "tied" values is replaced by the smallest value of the run.
//   R convention: timefix = TRUE (R's default) merges times that differ by floating-point noise,
//            e.g. 0.1 + 0.2 versus 0.3, so that they count as one tied time.

/// Sorting helpers for survival times. Pure functions; safe from any thread.
public enum SurvivalTimeOrder {
    /// R's tolerance for `aeqSurv`/`timefix`: `sqrt(.Machine$double.eps)`.
    public static let timefixTolerance: Double = Double.ulpOfOne.squareRoot()

    /// Stable ascending order of `time` (indices into `time`).
    /// Precondition: no NaN (NaN would sort after +infinity). Once `cancel` fires (polled every
    /// `Cancellation.stride` rows) the order is incomplete: check it before use.
    public static func order(_ time: [Double], cancel: Cancellation = .never) -> [Int32] {
        var keys = [UInt64](repeating: 0, count: time.count)
        var payload = [UInt32](repeating: 0, count: time.count)
        cancel.inBlocks(0..<time.count) { rows in
            for i in rows {
                keys[i] = sortKey(time[i])
                payload[i] = UInt32(i)
            }
        }
        radixSort(keys: &keys, payload: &payload, cancel: cancel)
        return payload.map { Int32(bitPattern: $0) }
    }

    /// Stable ascending order by `time` of the row indices in `subset` (which need not be sorted).
    /// Once `cancel` fires (polled between the passes) the order is incomplete: check it before use.
    public static func order(_ time: [Double], subset: [Int32], cancel: Cancellation = .never) -> [Int32] {
        var keys = subset.map { sortKey(time[Int($0)]) }
        var payload = subset.map { UInt32(bitPattern: $0) }
        radixSort(keys: &keys, payload: &payload, cancel: cancel)
        return payload.map { Int32(bitPattern: $0) }
    }

    /// `values` ascending (radix sort; -0 sorts as +0). Incomplete once `cancel` fires.
    public static func sorted(_ values: [Double], cancel: Cancellation = .never) -> [Double] {
        var keys = values.map(sortKey)
        var payload = [UInt32](repeating: 0, count: keys.count)
        radixSort(keys: &keys, payload: &payload, cancel: cancel)
        return keys.map(value(fromKey:))
    }

    /// Order-preserving map of a Double to an unsigned integer (-0 and +0 map alike).
    @inline(__always)
    static func sortKey(_ x: Double) -> UInt64 {
        let bits = (x == 0 ? 0.0 : x).bitPattern
        return (bits >> 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Inverse of `sortKey`.
    @inline(__always)
    static func value(fromKey key: UInt64) -> Double {
        Double(bitPattern: (key >> 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// Sorts `keys` ascending, moving `payload` along (stable LSD radix sort, 11-bit digits; passes
    /// whose digit is the same for every key are skipped, so integer-valued times take 2–3 passes).
    /// A `cancel` that fires (polled every `Cancellation.stride` keys of each pass) leaves the keys
    /// unsorted (check it before use).
    static func radixSort(keys: inout [UInt64], payload: inout [UInt32], cancel: Cancellation = .never) {
        let n = keys.count
        if n < 2 { return }
        var isSorted = true
        for i in 1..<n where keys[i] < keys[i - 1] { isSorted = false; break }
        if isSorted { return }
        let bits = 11
        let radix = 1 << bits
        let mask = UInt64(radix - 1)
        let passes = 6
        var counts = [Int](repeating: 0, count: passes * radix)
        keys.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                cancel.eachBlock(0..<n) { rows in
                    for i in rows {
                        let key = k[i]
                        for pass in 0..<passes {
                            c[pass * radix + Int((key >> UInt64(bits * pass)) & mask)] += 1
                        }
                    }
                }
            }
        }
        if cancel.isCancelled { return }
        var keys2 = [UInt64](repeating: 0, count: n)
        var payload2 = [UInt32](repeating: 0, count: n)
        for pass in 0..<passes {
            let base = pass * radix
            let shift = UInt64(bits * pass)
            if counts[base + Int((keys[0] >> shift) & mask)] == n { continue }
            if cancel.isCancelled { return }
            var offsets = [Int](repeating: 0, count: radix)
            var running = 0
            for d in 0..<radix {
                offsets[d] = running
                running += counts[base + d]
            }
            keys.withUnsafeBufferPointer { k in
                payload.withUnsafeBufferPointer { p in
                    keys2.withUnsafeMutableBufferPointer { k2 in
                        payload2.withUnsafeMutableBufferPointer { p2 in
                            offsets.withUnsafeMutableBufferPointer { o in
                                cancel.eachBlock(0..<n) { rows in
                                    for i in rows {
                                        let key = k[i]
                                        let d = Int((key >> shift) & mask)
                                        let dest = o[d]
                                        o[d] = dest + 1
                                        k2[dest] = key
                                        p2[dest] = p[i]
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keys2)
            swap(&payload, &payload2)
        }
    }

    /// Sorts rows by time carrying a 32-bit payload; returns the sorted times and payloads.
    static func sortByTime(keys: [UInt64], payload: [UInt32],
                           cancel: Cancellation = .never) -> (times: [Double], payload: [UInt32]) {
        var k = keys
        var p = payload
        radixSort(keys: &k, payload: &p, cancel: cancel)
        var times = [Double](repeating: 0, count: k.count)
        for i in 0..<k.count { times[i] = value(fromKey: k[i]) }
        return (times, p)
    }
    /// R's timefix for counting-process data (aeqSurv on Surv(start, stop, event)): start and stop
    /// values equal to within sqrt(eps) are merged, over both columns together, so a row entering
    /// at another's stop time is not counted at risk there because of rounding. Cox and Kaplan-Meier
    /// with delayed entry both use it, as coxph and survfit do by default.
    /// `cancel` is polled while sorting (CancellationError).
    public static func timefixed(start: [Double], stop: [Double],
                                 cancel: Cancellation = .never) throws -> (start: [Double], stop: [Double]) {
        let all = sorted(start + stop, cancel: cancel)
        try cancel.check()
        guard let fixed = tieFixed(sortedTimes: all) else { return (start, stop) }
        var map: [Double: Double] = [:]
        for (a, b) in zip(all, fixed) where a != b { map[a] = b }
        if map.isEmpty { return (start, stop) }
        return (start.map { map[$0] ?? $0 }, stop.map { map[$0] ?? $0 })
    }


    /// R's `aeqSurv` on an ascending vector: returns the vector with near-tied runs merged to
    /// their smallest value, or `nil` when no two distinct values are near-tied (the common case).
    /// Precondition: `sortedTimes` ascending and finite.
    public static func tieFixed(sortedTimes: [Double], tolerance: Double = timefixTolerance) -> [Double]? {
        let n = sortedTimes.count
        if n < 2 { return nil }
        // mean(|y|) over the distinct values y, and the smallest gap between distinct values.
        var sumAbs = abs(sortedTimes[0])
        var distinct = 1
        var minGap = Double.infinity
        var last = sortedTimes[0]
        for i in 1..<n {
            let t = sortedTimes[i]
            if t != last {
                minGap = min(minGap, t - last)
                last = t
                sumAbs += abs(t)
                distinct += 1
            }
        }
        if distinct < 2 { return nil }
        let meanAbs = sumAbs / Double(distinct)
        // No gap is small enough to be a tie (the factor 2 keeps this shortcut conservative).
        if minGap > tolerance && minGap > 2 * tolerance * meanAbs { return nil }
        var out = sortedTimes
        var cut = sortedTimes[0]
        var previous = sortedTimes[0]
        var changed = false
        for i in 1..<n {
            let t = sortedTimes[i]
            if t != previous {
                let dy = t - previous
                let tied = dy <= tolerance || dy / meanAbs <= tolerance
                if !tied { cut = t }
                previous = t
            }
            if out[i] != cut { out[i] = cut; changed = true }
        }
        return changed ? out : nil
    }
}

/// Errors for invalid survival input (shared by KaplanMeier and LogRank).
public enum SurvivalInputError: Error, Sendable, Equatable, CustomStringConvertible {
    case lengthMismatch(expected: Int, got: Int, what: String)
    case nonFiniteTime(index: Int)
    case invalidGroupCode(index: Int, code: Int32, groupCount: Int)
    case invalidLevel(Double)
    case invalidProbability(Double)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .lengthMismatch(expected, got, what):
            return "\(what) has \(got) values, expected \(expected)"
        case let .nonFiniteTime(index):
            return "time at row \(index + 1) is missing or not finite"
        case let .invalidGroupCode(index, code, groupCount):
            return "group code \(code) at row \(index + 1) is outside 0..<\(groupCount)"
        case let .invalidLevel(level):
            return "confidence level \(level) must be strictly between 0 and 1"
        case let .invalidProbability(p):
            return "probability \(p) must be between 0 and 1"
        case let .invalidArgument(message):
            return message
        }
    }
}
