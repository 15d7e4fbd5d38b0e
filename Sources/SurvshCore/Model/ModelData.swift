// ModelData.swift — from a formula and the session's active rows to the arrays analyses take.
//
// Contract:
// - `SurvivalResponse.resolve` finds the outcome (inline `Surv(...)` or the `survival` declaration),
//   and converts the event as R's Surv() does: logical TRUE/FALSE, numeric 0/1, or — when the
//   largest value is 2 — 1 = censored, 2 = event; other codes become missing with R's warning.
// - `CompleteCases` keeps the active rows with no missing value in any column the analysis uses
//   and reports how many it dropped (as R's na.action = na.omit).
// - `Grouping` codes one or more columns into groups labelled as R's survfit labels strata
//   (`sex=1`, `sex=1, ph.ecog=2`), levels in R's factor order: a level order set by `levels` or
//   `relevel` first, then sorted (numbers numerically, text by the session's collation, R's by default).
// - `DesignMatrix` builds numeric model columns named as R's model.matrix names them
//   (`age`, `sexm`, `factor(ph.ecog)1`, `age:sexm`), treatment contrasts with the first sorted
//   level as reference.

import Foundation
import SurvivalStats

public struct SurvivalResponse: Sendable {
    public var spec: SurvSpec
    public init(spec: SurvSpec) { self.spec = spec }
    public var label: String { spec.start.map { "Surv(\($0), \(spec.time), \(spec.event))" } ?? "Surv(\(spec.time), \(spec.event))" }

    /// The inline Surv(...) or the declared outcome; a clear error when neither is there. The
    /// formula's expressions (in Surv() and in terms) are evaluated here into the session's model
    /// columns, so every later step reads them by name as it reads the frame's columns.
    public static func resolve(_ formula: Formula, session: Session, command: String) throws -> SurvivalResponse {
        try formula.materialize(in: session, command: command)
        if let s = formula.surv { return SurvivalResponse(spec: s) }
        if let o = session.outcome {
            try o.formula(command: command).materialize(in: session, command: command)   // `survival Surv(time, status == 2)`
            return SurvivalResponse(spec: SurvSpec(start: o.start, time: o.time, event: o.event))
        }
        throw SurvshError.usage(command, "no survival outcome", expected: "Surv(TIME, EVENT) in the command, or 'survival TIME EVENT' first")
    }

    public var columns: [String] { [spec.start, spec.time, spec.event].compactMap { $0 } }
}

/// Arrays for a survival analysis over complete cases.
public struct SurvivalData: Sendable {
    /// Frame row indices used, ascending.
    public var rows: [Int]
    public var start: [Double]?
    public var time: [Double]
    public var event: [Bool] { didSet { events = Self.count(event) } }
    /// Active rows dropped for a missing value in a used column.
    public var dropped: Int
    public var warnings: [String]
    public var response: SurvivalResponse
    /// How many rows have an event (counted once).
    public private(set) var events: Int

    public init(rows: [Int], start: [Double]?, time: [Double], event: [Bool], dropped: Int, warnings: [String],
                response: SurvivalResponse) {
        self.rows = rows; self.start = start; self.time = time; self.event = event
        self.dropped = dropped; self.warnings = warnings; self.response = response
        self.events = Self.count(event)
    }

    private static func count(_ event: [Bool]) -> Int {
        // Bool's byte is 0 or 1: summed as bytes, without a branch (events are not predictable), by
        // blocks on the threads
        event.withUnsafeBytes { b in
            Cancellation.never.inParallelBlocks(b.count) { block in
                var total = 0
                for i in block { total &+= Int(b[i]) }
                return total
            }?.reduce(0, +) ?? 0
        }
    }

    public var n: Int { rows.count }
    /// Approximate memory held (bytes), for the session's cache budget.
    public var byteCount: Int { rows.count * 8 + time.count * 8 + (start?.count ?? 0) * 8 + event.count }

    /// "228 rows, 165 events; 1 dropped for missing values", as result headings say it.
    public var countsText: String {
        "\(plural(n, "row")), \(plural(events, "event"))" + (dropped > 0 ? "; \(dropped) dropped for missing values" : "")
    }
}

public enum CompleteCases {
    /// Active rows with no missing value in `columns` (and valid event codes).
    ///
    /// Works on whole columns: the rows to skip (filtered out, or missing time, event or a
    /// covariate) are one bit mask built from the columns' missing masks, the event is read once
    /// from its typed storage, and with no filter and nothing to drop the frame's own arrays are used.
    /// The result is kept in the session's cache while the data and filters are unchanged (keyed by
    /// the outcome's columns in their roles and the set of covariates).
    public static func survival(_ response: SurvivalResponse, covariates: [String], session: Session,
                                command: String) throws -> SurvivalData {
        try session.requireData(command)
        let spec = response.spec
        let covariateSet = Array(Set(covariates)).sorted()
        return try session.cached("complete-cases", columns: response.columns + covariateSet,
                                  parts: ["start=\(spec.start ?? "")", "time=\(spec.time)", "event=\(spec.event)"],
                                  size: \.byteCount) {
            try computeSurvival(response, covariates: covariates, session: session, command: command)
        }
    }

    private static func computeSurvival(_ response: SurvivalResponse, covariates: [String], session: Session,
                                        command: String) throws -> SurvivalData {
        let timeCol = try numericColumn(response.spec.time, session: session, command: command, role: "time")
        let startCol = try response.spec.start.map { try numericColumn($0, session: session, command: command, role: "start time") }
        let eventCol = try session.column(response.spec.event, for: command)
        if eventCol.type == .text || eventCol.type == .date {
            throw SurvshError.data(command, "event column '\(eventCol.name)' is \(eventCol.type.rawValue)",
                                   expected: "0/1, TRUE/FALSE or 1/2 (1 = censored, 2 = event)")
        }
        var covCols: [Column] = []
        for c in covariates { covCols.append(try session.column(c, for: command)) }
        let n = session.frame.rowCount
        let wordCount = (n + 63) >> 6
        // Rows to skip before the event is read: inactive, or time, event or a covariate missing.
        let (inactive, skip, activeCount) = masks(session: session, columns: [timeCol, eventCol] + covCols)
        // each step below is a pass over every row (about 30 ms at 10^7 rows): Ctrl-C between them
        try Interrupt.check(command)
        // R's rule: a numeric status whose largest value is 2 is read as 1/2 coding (the largest
        // value over the active rows where the status is present).
        var shift: Double = 0
        if eventCol.type != .boolean {
            var notCounted = inactive
            eventCol.missing.words.withUnsafeBufferPointer { w in
                for i in 0..<wordCount { notCounted[i] |= w[i] }
            }
            if try maxValue(eventCol, skipping: notCounted, cancel: Interrupt.cancellation) == 2 { shift = 1 }
        }
        let cancel = Interrupt.cancellation
        var rows: [Int] = []
        var event: [Bool]
        var invalid = 0
        let nothingSkipped = skip.allSatisfy { $0 == 0 } && startCol == nil
        if nothingSkipped, let valid = try validEvents(eventCol, shift: shift, cancel: cancel) {
            // the usual case at scale: every row, every status valid, read in one pass
            event = valid
            rows = try allRows(n, cancel: cancel)
        } else {
            // Event code per row: 0 censored, 1 event, 2 invalid (R's Surv() makes it missing).
            let eventCode = eventCodes(eventCol, shift: shift)
            let startMissing = startCol?.missing
            try Interrupt.check(command)
            rows.reserveCapacity(activeCount)
            try eventCode.withUnsafeBufferPointer { code in
                for wi in 0..<wordCount {
                    try Interrupt.check(command, at: wi << 6)   // (every 2^14 rows: the array's pages fault in here)
                    var w = ~skip[wi]
                    if wi == wordCount - 1 && n & 63 != 0 { w &= (1 << UInt64(n & 63)) - 1 }
                    while w != 0 {
                        let r = wi << 6 | w.trailingZeroBitCount
                        w &= w - 1
                        if code[r] == 2 { invalid += 1; continue }
                        if let sm = startMissing, sm[r] { continue }
                        rows.append(r)
                    }
                }
            }
            try Interrupt.check(command)
            event = eventCode.withUnsafeBufferPointer { code in
                rows.count == n ? code.map { $0 == 1 } : rows.map { code[$0] == 1 }
            }
        }
        let all = rows.count == n
        try Interrupt.check(command)
        try timeCol.requireFinite(rows: all ? nil : rows, command: command)
        try startCol?.requireFinite(rows: all ? nil : rows, command: command)
        try Interrupt.check(command)
        var time = try timeCol.doubles(rows: all ? nil : rows, cancel: cancel)
        var start = try startCol.map { try $0.doubles(rows: all ? nil : rows, cancel: cancel) }
        try Interrupt.check(command)
        var badInterval = 0
        if let s = start {
            // Counting-process data: the interval must be (start, stop] with start < stop.
            for i in 0..<rows.count where !(s[i] < time[i]) { badInterval += 1 }
            if badInterval > 0 {
                var k = 0
                var s2 = s
                for i in 0..<rows.count where s[i] < time[i] {
                    rows[k] = rows[i]; time[k] = time[i]; event[k] = event[i]; s2[k] = s[i]
                    k += 1
                }
                rows.removeLast(rows.count - k); time.removeLast(time.count - k)
                event.removeLast(event.count - k); s2.removeLast(s2.count - k)
                start = s2
            }
        }
        var warnings: [String] = []
        if invalid > 0 {
            warnings.append("\(invalid) row\(invalid == 1 ? "" : "s") with an invalid status value (not 0/1, TRUE/FALSE or 1/2) treated as missing, as R's Surv()")
        }
        if start == nil, let first = firstNegative(time) {
            // R's survfit, survdiff and coxph accept negative times without a word; say so.
            let count = time.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
            warnings.append("time column '\(response.spec.time)' has \(plural(count, "negative value")) (the first in row \(rows[first] + 1)); "
                            + "used as they are, as R's survfit, survdiff and coxph do, but survival times are normally 0 or more")
        }
        if badInterval > 0 {
            warnings.append("\(badInterval) row\(badInterval == 1 ? "" : "s") with stop time not after start time treated as missing, as R's Surv()")
        }
        if rows.isEmpty {
            let why = session.filters.isEmpty ? "" : " (\(session.filters.count) filter\(session.filters.count == 1 ? "" : "s") active)"
            throw SurvshError.data(command, "no complete rows to analyse\(why)", expected: "rows with \(response.label) and every covariate present")
        }
        return SurvivalData(rows: rows, start: start, time: time, event: event,
                            dropped: activeCount - rows.count, warnings: warnings, response: response)
    }

    /// The index of the first negative time, by blocks on the threads (a pass over 10^7 rows).
    static func firstNegative(_ time: [Double]) -> Int? {
        time.withUnsafeBufferPointer { t in
            Cancellation.never.inParallelBlocks(t.count) { block in block.first { t[$0] < 0 } }?.lazy.compactMap { $0 }.first
        }
    }

    /// Bit masks over the frame's rows (bit set = row left out): `inactive`, the rows a filter drops;
    /// `skip`, those and the rows with a missing cell in any of `columns`; and how many rows are active.
    public static func masks(session: Session, columns: [Column]) -> (inactive: [UInt64], skip: [UInt64], activeCount: Int) {
        let n = session.frame.rowCount
        let wordCount = (n + 63) >> 6
        var inactive = [UInt64](repeating: 0, count: wordCount)
        for f in session.filters {
            f.keep.withUnsafeBytes { keep in
                inactive.withUnsafeMutableBufferPointer { out in
                    for w in 0..<wordCount {
                        let count = min(64, n - (w << 6))
                        let used: UInt64 = count == 64 ? ~0 : (1 &<< UInt64(count)) &- 1
                        out[w] |= ~packBits(keep, from: w << 6, count: count) & used
                    }
                }
            }
        }
        let activeCount = n - inactive.reduce(0) { $0 + $1.nonzeroBitCount }
        var skip = inactive
        for mask in columns.map(\.missing) {
            mask.words.withUnsafeBufferPointer { w in
                for i in 0..<wordCount { skip[i] |= w[i] }
            }
        }
        return (inactive, skip, activeCount)
    }

    /// Bits set where the `count` (at most 64) bytes from `start` are 1 (Bool's byte is 0 or 1): bit j
    /// for byte start + j; 8 bytes at a time by one multiplication that gathers their low bits into
    /// the top byte (each of the 64 partial products is a distinct power of two, so nothing carries;
    /// little-endian loads, as on every platform Swift targets here).
    @inline(__always)
    static func packBits(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) -> UInt64 {
        var bits: UInt64 = 0
        var j = 0
        while j + 8 <= count {
            let x = bytes.loadUnaligned(fromByteOffset: start + j, as: UInt64.self)
            bits |= ((x &* 0x0102_0408_1020_4080) &>> 56) &<< UInt64(j)
            j += 8
        }
        while j < count {
            bits |= UInt64(bytes[start + j] & 1) &<< UInt64(j)
            j += 1
        }
        return bits
    }

    /// 0, 1, ..., n - 1, filled in place by blocks on the threads (`Array(0..<n)` copies element by
    /// element, on one thread, and 10^7 rows are 80 MB of new pages to fault in).
    static func allRows(_ n: Int, cancel: Cancellation = .never) throws -> [Int] {
        try cancel.parallelMap(count: n) { $0 }
    }

    /// 0, 1, ..., n - 1 (never cancelled).
    static func allRows(_ n: Int) -> [Int] {
        // a Cancellation that never fires never throws
        try! allRows(n, cancel: .never)
    }

    /// The event (true = event) of every row when every row's status is valid after the 1/2 `shift`
    /// (the column has no missing cell: the caller skips none), in one pass on the threads; nil when
    /// some status is invalid (the caller then codes and drops those rows). Same rule as `eventCodes`.
    static func validEvents(_ column: Column, shift: Double, cancel: Cancellation) throws -> [Bool]? {
        func read<T: StoredValue>(_ a: [T]) throws -> [Bool]? {
            var invalid = false
            let event = try a.withUnsafeBufferPointer { p in
                try [Bool](unsafeUninitializedCapacity: p.count) { out, count in
                    guard let bad = cancel.inParallelBlocks(p.count, { range in
                        var bad: UInt64 = 0
                        for i in range {
                            let c = p[i].statusCode(shift: shift)   // 0 censored, 1 event, 2 invalid
                            out[i] = c == 1
                            bad |= c >> 1
                        }
                        return bad
                    }) else { throw CancellationError() }
                    invalid = bad.contains { $0 != 0 }
                    count = p.count
                }
            }
            return invalid ? nil : event
        }
        switch column.storage {
        case .boolean(let a): return try read(a)
        case .integer(let a): return try read(a)
        case .real(let a): return try read(a)
        case .date(let a): return try read(a)
        case .text: return nil
        }
    }

    /// The rows (ascending) whose bit in `skip` is clear, of `count` rows.
    public static func rows(clearIn skip: [UInt64], count n: Int) -> [Int] {
        if skip.allSatisfy({ $0 == 0 }) { return allRows(n) }
        var rows: [Int] = []
        rows.reserveCapacity(n)
        for wi in 0..<skip.count {
            var w = ~skip[wi]
            if wi == skip.count - 1 && n & 63 != 0 { w &= (1 << UInt64(n & 63)) - 1 }
            while w != 0 {
                rows.append(wi << 6 | w.trailingZeroBitCount)
                w &= w - 1
            }
        }
        return rows
    }

    /// The largest value of a numeric column over the rows whose bit in `skipping` is clear
    /// (-infinity when there is none; NaN is ignored). By blocks on the threads: the largest of the
    /// blocks' largest is the same number in any order.
    static func maxValue(_ column: Column, skipping: [UInt64], cancel: Cancellation = .never) throws -> Double {
        let n = column.count
        let none = skipping.allSatisfy { $0 == 0 }
        func scan<T: StoredValue>(_ a: [T]) throws -> Double {
            try a.withUnsafeBufferPointer { p in
                try skipping.withUnsafeBufferPointer { skip in
                    // a block is `Cancellation.stride` rows, a multiple of 64: whole words of `skipping`
                    guard let maxima = cancel.inParallelBlocks(n, { range in
                        var m = -Double.infinity
                        if none {
                            for i in range { let v = p[i].number; if v > m { m = v } }
                            return m
                        }
                        for wi in (range.lowerBound >> 6)..<((range.upperBound + 63) >> 6) {
                            var w = ~skip[wi]
                            if wi == skip.count - 1 && n & 63 != 0 { w &= (1 << UInt64(n & 63)) - 1 }
                            while w != 0 {
                                let v = p[wi << 6 | w.trailingZeroBitCount].number
                                if v > m { m = v }
                                w &= w - 1
                            }
                        }
                        return m
                    }) else { throw CancellationError() }
                    return maxima.reduce(-Double.infinity) { $1 > $0 ? $1 : $0 }
                }
            }
        }
        switch column.storage {
        case .integer(let a): return try scan(a)
        case .real(let a): return try scan(a)
        case .boolean(let a): return try scan(a)
        case .date(let a): return try scan(a)
        case .text: return -Double.infinity
        }
    }

    /// Per row: 0 = censored, 1 = event, 2 = not a valid status after the 1/2 shift (any row; the
    /// value under a missing cell is irrelevant, those rows are skipped).
    static func eventCodes(_ column: Column, shift: Double) -> [UInt8] {
        func fill<T: StoredValue>(_ a: [T]) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: a.count) { out, count in
                a.withUnsafeBufferPointer { p in for i in 0..<p.count { out[i] = UInt8(p[i].statusCode(shift: shift)) } }
                count = a.count
            }
        }
        switch column.storage {
        case .boolean(let a): return fill(a)
        case .integer(let a): return fill(a)
        case .real(let a): return fill(a)
        case .date(let a): return fill(a)
        case .text(let c, _): return [UInt8](repeating: 2, count: c.count)
        }
    }

    static func numericColumn(_ name: String, session: Session, command: String, role: String) throws -> Column {
        let c = try session.column(name, for: command)
        if c.type == .text || c.type == .date {
            throw SurvshError.data(command, "\(role) column '\(name)' is \(c.type.rawValue)", expected: "a numeric column")
        }
        return c
    }
}

/// A categorical coding of one column over given rows: sorted levels and per-row codes.
public struct Levels: Sendable {
    /// Level labels as R prints them ("1", "2.5", "m", "TRUE", "2004-03-11").
    public var labels: [String]
    /// Code per requested row (index into labels).
    public var codes: [Int32]
    public init(labels: [String], codes: [Int32]) { self.labels = labels; self.codes = codes }

    /// Levels of `column` over `rows` (rows must have no missing value in it), in R's factor order:
    /// the column's `levelOrder` first when one was set, the other levels sorted.
    ///
    /// Text: the dictionary codes are counted (no string hashing) and the used levels sorted by
    /// `collation` (by a radix sort of their bytes when that is the collation's order on them:
    /// ByteOrderSort). Booleans: FALSE < TRUE. Integers and dates: ranked by value, in a table when
    /// their range is small. Reals: ranked through DenseRank's order keys (all NaNs are one level, last).
    public static func of(_ column: Column, rows: [Int], collation: TextCollation) -> Levels {
        // a Cancellation that never fires never throws
        try! of(column, rows: rows, collation: collation, cancel: .never)
    }

    /// As `of(_:rows:collation:)`, polled by `cancel` (10^7 text levels take seconds: every pass
    /// over the levels or rows polls every `Cancellation.stride` of them); throws
    /// CancellationError once it fires.
    public static func of(_ column: Column, rows: [Int], collation: TextCollation, cancel: Cancellation) throws -> Levels {
        let sorted = try sortedLevels(column, rows: rows, collation: collation, cancel: cancel)
        guard let order = column.levelOrder else { return sorted }
        return try sorted.reordered(first: order, cancel: cancel)
    }

    /// The same levels with `first` (those present) leading in that order, the rest after them in
    /// their current order; codes follow. Polled by `cancel` (a set order may list 10^7 levels).
    func reordered(first: [String], cancel: Cancellation = .never) throws -> Levels {
        var position = [String: Int](minimumCapacity: labels.count)
        guard cancel.inBlocks(labels.indices, { block in
            for k in block where position[labels[k]] == nil { position[labels[k]] = k }
        }) else { throw CancellationError() }
        var order: [Int] = []
        var taken = [Bool](repeating: false, count: labels.count)
        guard cancel.inBlocks(first.indices, { block in
            for l in first[block] { if let k = position[l], !taken[k] { order.append(k); taken[k] = true } }
        }) else { throw CancellationError() }
        order += try cancel.filter(labels.indices) { !taken[$0] }
        var unchanged = true   // the identity order: nothing moves (stops comparing at the first move)
        guard cancel.inBlocks(order.indices, { block in if unchanged { unchanged = block.allSatisfy { order[$0] == $0 } } })
        else { throw CancellationError() }
        if unchanged { return self }
        var remap = [Int32](repeating: 0, count: labels.count)
        guard cancel.inBlocks(order.indices, { block in for k in block { remap[order[k]] = Int32(k) } }) else { throw CancellationError() }
        return Levels(labels: try cancel.map(count: order.count) { labels[order[$0]] },
                      codes: try remap.withUnsafeBufferPointer { m in try cancel.map(count: codes.count) { m[Int(codes[$0])] } })
    }

    private static func sortedLevels(_ column: Column, rows: [Int], collation: TextCollation, cancel: Cancellation) throws -> Levels {
        let all = column.isAllRows(rows)
        switch column.storage {
        case .text(let codes, let levels):
            var rowCodes = codes
            if !all { rowCodes = try codes.withUnsafeBufferPointer { c in try cancel.map(count: rows.count) { c[rows[$0]] } } }
            return try textLevels(codes: rowCodes, levels: levels, collation: collation, cancel: cancel)
        case .boolean(let v):
            let values = all ? v : v.withUnsafeBufferPointer { p in rows.map { p[$0] } }
            var hasFalse = false, hasTrue = false
            for b in values { if b { hasTrue = true } else { hasFalse = true } }
            let trueCode: Int32 = hasFalse ? 1 : 0
            return Levels(labels: (hasFalse ? ["FALSE"] : []) + (hasTrue ? ["TRUE"] : []),
                          codes: values.map { $0 ? trueCode : 0 })
        case .integer(let v):
            return integers(v, rows: all ? nil : rows) { NumberFormat.significant($0, digits: 15) }
        case .date(let v):
            return integers(v, rows: all ? nil : rows) { formatISODate(daysSinceEpoch: Int($0)) }
        case .real(let v):
            let keys = v.withUnsafeBufferPointer { p in
                all ? p.map { DenseRank.orderKey($0) } : rows.map { DenseRank.orderKey(p[$0]) }
            }
            let (distinct, codes) = DenseRank.of(keys)
            return Levels(labels: distinct.map { NumberFormat.label(DenseRank.value(ofOrderKey: $0)) },
                          codes: codes)
        }
    }

    /// The text levels used by `rowCodes` (dictionary codes), sorted, and each row's code among them.
    private static func textLevels(codes rowCodes: [UInt32], levels: [String], collation: TextCollation,
                                   cancel: Cancellation) throws -> Levels {
        let used = try usedLevels(rowCodes, levelCount: levels.count, cancel: cancel)
        let present = try cancel.filter(levels.indices) { used[$0] }
        let order: [Int]
        if try collation.ordersByBytes(levels, items: present, cancel: cancel) {
            order = try cancel.byteOrder(of: present, in: levels)
        } else {
            order = try cancel.sorted(present) { collation.precedes(levels[$0], levels[$1]) }
        }
        var remap = [Int32](repeating: -1, count: levels.count)
        guard cancel.inBlocks(order.indices, { block in for k in block { remap[order[k]] = Int32(k) } }) else { throw CancellationError() }
        let out = try remap.withUnsafeBufferPointer { m in
            try rowCodes.withUnsafeBufferPointer { c in try cancel.parallelMap(count: c.count) { m[Int(c[$0])] } }
        }
        return Levels(labels: try cancel.map(count: order.count) { levels[order[$0]] }, codes: out)
    }

    /// Which of `levelCount` dictionary codes `rowCodes` uses. A few levels (a group column): a bit
    /// set per block of rows on the threads, ORed; many: one pass (a set per block would cost more).
    private static func usedLevels(_ rowCodes: [UInt32], levelCount: Int, cancel: Cancellation) throws -> [Bool] {
        var used = [Bool](repeating: false, count: levelCount)
        try rowCodes.withUnsafeBufferPointer { c in
            if levelCount > 4096 {
                guard used.withUnsafeMutableBufferPointer({ u in
                    cancel.inBlocks(c.indices) { block in for i in block { u[Int(c[i])] = true } }
                }) else { throw CancellationError() }
                return
            }
            let words = (levelCount + 63) >> 6
            guard let sets = cancel.inParallelBlocks(c.count, { block in
                var bits = [UInt64](repeating: 0, count: words)
                bits.withUnsafeMutableBufferPointer { b in
                    for i in block { let k = Int(c[i]); b[k >> 6] |= 1 << UInt64(k & 63) }
                }
                return bits
            }) else { throw CancellationError() }
            var all = [UInt64](repeating: 0, count: words)
            for bits in sets { for w in 0..<words { all[w] |= bits[w] } }
            for k in 0..<levelCount where all[k >> 6] & (1 << UInt64(k & 63)) != 0 { used[k] = true }
        }
        return used
    }

    /// Integer-valued storage: values within ±2^53 are ranked as integers (exact, as Doubles
    /// would be); larger magnitudes go through Doubles, as every level is compared as a number.
    private static func integers<T: BinaryInteger>(_ v: [T], rows: [Int]?, label: (Double) -> String) -> Levels {
        v.withUnsafeBufferPointer { p in
            var lo = Int64.max, hi = Int64.min
            if let rows { for r in rows { let x = Int64(p[r]); lo = min(lo, x); hi = max(hi, x) } }
            else { for x in p { lo = min(lo, Int64(x)); hi = max(hi, Int64(x)) } }
            let exact: Int64 = 1 << 53
            if lo >= -exact && hi <= exact {
                let keys: [UInt64] = rows.map { r in r.map { UInt64(Int64(p[$0]) - lo) } } ?? p.map { UInt64(Int64($0) - lo) }
                let (distinct, codes) = DenseRank.of(keys)
                return Levels(labels: distinct.map { label(Double(Int64($0) + lo)) }, codes: codes)
            }
            let keys: [UInt64] = rows.map { r in r.map { DenseRank.orderKey(Double(p[$0])) } }
                ?? p.map { DenseRank.orderKey(Double($0)) }
            let (distinct, codes) = DenseRank.of(keys)
            return Levels(labels: distinct.map { label(DenseRank.value(ofOrderKey: $0)) }, codes: codes)
        }
    }
}

extension Levels {
    /// The levels of a formula variable's column over `rows` in R's factor order, with the level
    /// its `ref` names (factor(x, ref = "L"), relevel(x, "L")) moved first, as R's relevel().
    public static func of(_ v: FormulaVariable, session: Session, rows: [Int], command: String) throws -> Levels {
        let lv = try session.levels(try session.column(v.column, for: command), rows: rows)
        guard let ref = v.reference else { return lv }
        guard lv.labels.contains(ref) else {
            throw SurvshError.data(command, "'\(ref)' is not a level of \(v.column) (in \(v.label))",
                                   expected: "one of " + orList(lv.labels.map { "\"\($0)\"" }))
        }
        return try lv.reordered(first: [ref], cancel: Interrupt.cancellation)
    }
}

extension Session {
    /// Levels of `column` over `rows` in R's factor order under this session's collation; Ctrl-C
    /// stops the sort of the text levels (CancellationError, which `execute` reports as interrupted).
    public func levels(_ column: Column, rows: [Int]) throws -> Levels {
        try Levels.of(column, rows: rows, collation: settings.collation, cancel: Interrupt.cancellation)
    }
}

/// Groups from one or more variables, labelled as survfit labels strata.
public struct Grouping: Sendable {
    /// One label per group, in R's order (first variable varies slowest).
    public var labels: [String]
    /// Group index per row.
    public var codes: [Int32]
    public var count: Int { labels.count }
    public init(labels: [String], codes: [Int32]) { self.labels = labels; self.codes = codes }

    /// A single group labelled `all`.
    public static func single(rows: Int) -> Grouping {
        Grouping(labels: ["all"], codes: [Int32](repeating: 0, count: rows))
    }

    /// Only the combinations present are groups. Variables are combined one at a time: the groups
    /// so far (ranked) times the next variable's levels is a mixed-radix key, ranked again by
    /// DenseRank, so the order is lexicographic with the first variable slowest, as R's.
    public static func make(_ variables: [FormulaVariable], session: Session, rows: [Int], command: String) throws -> Grouping {
        if variables.isEmpty { return single(rows: rows.count) }
        var labels: [String] = []
        var codes: [Int32] = []
        for (j, v) in variables.enumerated() {
            let lv = try Levels.of(v, session: session, rows: rows, command: command)
            let parts = lv.labels.map { "\(v.label)=\($0)" }
            if j == 0 {
                labels = parts
                codes = lv.codes
                continue
            }
            let m = UInt64(lv.labels.count)
            let keys: [UInt64] = codes.withUnsafeBufferPointer { g in
                lv.codes.withUnsafeBufferPointer { c in
                    (0..<g.count).map { UInt64(g[$0]) * m + UInt64(c[$0]) }
                }
            }
            let (present, ranked) = DenseRank.of(keys)
            labels = present.map { labels[Int($0 / m)] + ", " + parts[Int($0 % m)] }
            codes = ranked
        }
        return Grouping(labels: labels, codes: codes)
    }
}

/// Numeric model columns named as R names them.
public struct DesignMatrix: Sendable {
    public struct Term: Sendable {
        public var label: String
        /// Indices of this term's columns in `names`.
        public var columns: [Int]
        /// For a factor main effect: the reference level (not a column) and all levels.
        public var referenceLevel: String?
        public var levels: [String]
        public var isFactor: Bool
    }

    public var names: [String]
    /// Column-major values: `columns[j][i]` for row i.
    public var columns: [[Double]]
    /// Per column: every value is known finite (a numeric variable's values, which `build` checks,
    /// or a factor's 0/1 indicator; not an interaction's product, which can overflow).
    public var finite: [Bool]
    public var terms: [Term]
    public var rowCount: Int

    /// Column-major flat array (p × n), as the numerics take it.
    public var flat: [Double] { columns.flatMap { $0 } }

    /// The values at `rows` of the formula's numeric variables (each checked finite), one column a job
    /// on the threads, when the rows are a subset of the frame's (after a filter, or with missing
    /// cells): each is then a gather into a new array, about 10 ms a column at 10^6 rows, most of it
    /// the new pages' faults, which one after another were 100 ms of a Cox fit after a `filter`.
    /// Variables whose column is unknown or categorical are left to `build`, which reports the
    /// errors in the formula's order (a gathered column's error is given back in its turn).
    static func numericValues(_ formula: Formula, session: Session, rows: [Int], command: String)
        -> [FormulaVariable: Result<[Double], any Error>] {
        var seen = Set<FormulaVariable>()
        var jobs: [(variable: FormulaVariable, column: Column)] = []
        for t in formula.terms {
            for v in t.variables where seen.insert(v).inserted {
                guard let col = try? session.column(v.column, for: command),
                      !(v.asFactor || col.type == .text || col.type == .boolean) else { continue }
                jobs.append((v, col))
            }
        }
        // (below 50,000 rows the gathers take less than waking a thread)
        guard jobs.count > 1, rows.count >= 50_000, !jobs[0].column.isAllRows(rows) else { return [:] }
        var results = [Result<[Double], any Error>](repeating: .success([]), count: jobs.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = buffer.baseAddress!
            Parallelism.forEach(jobs.count) { k in
                let col = jobs[k].column
                out[k] = Result { try col.finiteDoubles(rows: rows, command: command) }
            }
        }
        return Dictionary(uniqueKeysWithValues: zip(jobs.map(\.variable), results))
    }

    public static func build(_ formula: Formula, session: Session, rows: [Int], command: String) throws -> DesignMatrix {
        // R's rule for coding a factor inside a term (TermCode in R's model.c): by contrasts when the
        // term without it is empty (the intercept) or lies within a term before it, terms taken in
        // R's order (by degree); otherwise by full indicators. So karno:factor(episode) without a
        // karno main effect has a column for every episode, as R gives it.
        let ordered = formula.terms.enumerated().sorted { ($0.element.variables.count, $0.offset) < ($1.element.variables.count, $1.offset) }
            .map { Set($0.element.variables) }
        func byContrasts(_ v: FormulaVariable, in t: FormulaTerm) -> Bool {
            let margin = Set(t.variables).subtracting([v])
            if margin.isEmpty { return true }
            let own = Set(t.variables)
            let before = ordered.prefix { $0 != own }
            return before.contains { margin.isSubset(of: $0) }
        }
        struct Piece {
            var names: [String]; var columns: [[Double]]; var levels: [String]; var ref: String?; var isFactor: Bool
            var finite = true
        }
        var cache: [FormulaVariable: (Piece, Piece)] = [:]  // (contrast coding, full indicator coding)
        let gathered = numericValues(formula, session: session, rows: rows, command: command)
        func piece(_ v: FormulaVariable) throws -> (Piece, Piece) {
            if let p = cache[v] { return p }
            let col = try session.column(v.column, for: command)
            let categorical = v.asFactor || col.type == .text || col.type == .boolean
            let result: (Piece, Piece)
            if !categorical {
                let values: [Double]
                if let g = gathered[v] {
                    values = try g.get()
                } else {
                    values = try col.finiteDoubles(rows: col.isAllRows(rows) ? nil : rows, command: command)
                }
                let p = Piece(names: [v.label], columns: [values], levels: [], ref: nil, isFactor: false)
                result = (p, p)
            } else {
                let lv = try Levels.of(v, session: session, rows: rows, command: command)
                try SystemMemory.require(values: (rows.count, lv.labels.count),
                                         what: "\(v.label) with \(lv.labels.count) levels over \(rows.count) rows (one model column a level)",
                                         command: command)
                var cols: [[Double]] = []
                var names: [String] = []
                for (k, l) in lv.labels.enumerated() {
                    names.append(v.label + l)
                    cols.append(lv.codes.map { $0 == Int32(k) ? 1 : 0 })
                }
                let contrast = Piece(names: Array(names.dropFirst()), columns: Array(cols.dropFirst()),
                                     levels: lv.labels, ref: lv.labels.first, isFactor: true)
                let full = Piece(names: names, columns: cols, levels: lv.labels, ref: nil, isFactor: true)
                result = (contrast, full)
            }
            cache[v] = result
            return result
        }
        var names: [String] = []
        var columns: [[Double]] = []
        var finite: [Bool] = []
        var terms: [Term] = []
        for t in formula.terms {
            var acc: Piece? = nil
            for v in t.variables {
                let (contrast, full) = try piece(v)
                let p = contrast.isFactor && !byContrasts(v, in: t) ? full : contrast
                if let a = acc {
                    var n2: [String] = [], c2: [[Double]] = []
                    for (j, cb) in p.columns.enumerated() {
                        for (i, ca) in a.columns.enumerated() {
                            n2.append(a.names[i] + ":" + p.names[j])
                            c2.append(zip(ca, cb).map { $0 * $1 })
                        }
                    }
                    acc = Piece(names: n2, columns: c2, levels: [], ref: nil, isFactor: a.isFactor || p.isFactor, finite: false)
                } else {
                    acc = p
                }
            }
            guard let a = acc else { continue }
            let idx = Array(names.count..<(names.count + a.names.count))
            names += a.names
            columns += a.columns
            finite += Array(repeating: a.finite, count: a.columns.count)
            terms.append(Term(label: t.label, columns: idx, referenceLevel: t.variables.count == 1 ? a.ref : nil,
                              levels: t.variables.count == 1 ? a.levels : [], isFactor: a.isFactor))
        }
        return DesignMatrix(names: names, columns: columns, finite: finite, terms: terms, rowCount: rows.count)
    }
}

/// The element types of numeric storage as the status and maximum passes of CompleteCases read them:
/// through a protocol rather than a closure, so that each pass is specialised for its type (a
/// closure call a row made a pass over 10^7 rows several times slower).
protocol StoredValue {
    /// The value as a number (as `Column.number(at:)` reads it).
    var number: Double { get }
    /// As a status after the 1/2 `shift` (0 or 1): 0 censored, 1 event, 2 invalid (R's Surv() makes
    /// it missing).
    func statusCode(shift: Double) -> UInt64
}

extension Int64: StoredValue {
    var number: Double { Double(self) }
    // v - shift as an unsigned number: 0 and 1 stay, anything else (negative too) is >= 2
    func statusCode(shift: Double) -> UInt64 { Swift.min(UInt64(bitPattern: self &- Int64(shift)), 2) }
}

extension Int32: StoredValue {
    var number: Double { Double(self) }
    func statusCode(shift: Double) -> UInt64 { Int64(self).statusCode(shift: shift) }
}

extension Double: StoredValue {
    var number: Double { self }
    func statusCode(shift: Double) -> UInt64 {
        let e = self - shift
        return e == 0 ? 0 : (e == 1 ? 1 : 2)
    }
}

extension Bool: StoredValue {
    var number: Double { self ? 1 : 0 }
    func statusCode(shift: Double) -> UInt64 { self ? 1 : 0 }
}
