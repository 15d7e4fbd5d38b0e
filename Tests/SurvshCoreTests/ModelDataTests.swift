// ModelData (CompleteCases, Levels, Grouping) against straightforward per-row reference versions
// (the Set/Dictionary code they replaced), on random frames with missing cells, filters, invalid
// status codes and every column type; plus hand cases for R's level order and labels.
import XCTest
@testable import SurvshCore
import SurvivalStats

final class ModelDataTests: XCTestCase {
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    // MARK: reference versions (one row at a time)

    func referenceLevels(_ column: Column, rows: [Int]) -> Levels {
        switch column.storage {
        case .text(let codes, let levels):
            var used = Set<Int>()
            for r in rows { used.insert(Int(codes[r])) }
            let order = used.sorted { Array(levels[$0].utf8).lexicographicallyPrecedes(Array(levels[$1].utf8)) }
            let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, Int32($0)) })
            return Levels(labels: order.map { levels[$0] }, codes: rows.map { rank[Int(codes[$0])]! })
        default:
            let sorted = Set(rows.map { column.number(at: $0)! }).sorted()
            let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, Int32($0)) })
            let labels = sorted.map { v -> String in
                switch column.type {
                case .boolean: return v == 1 ? "TRUE" : "FALSE"
                case .date: return formatISODate(daysSinceEpoch: Int(v))
                default: return v.isInfinite ? (v > 0 ? "Inf" : "-Inf") : NumberFormat.significant(v, digits: 15)   // R's level labels
                }
            }
            return Levels(labels: labels, codes: rows.map { index[column.number(at: $0)!]! })
        }
    }

    func referenceGrouping(_ columns: [(label: String, column: Column)], rows: [Int]) -> Grouping {
        let per = columns.map { referenceLevels($0.column, rows: rows) }
        var keys = [[Int32]](repeating: [], count: rows.count)
        for lv in per { for i in rows.indices { keys[i].append(lv.codes[i]) } }
        let present = Set(keys.map { $0.map(Int.init) }).sorted { $0.lexicographicallyPrecedes($1) }
        let index = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, Int32($0)) })
        let labels = present.map { key in
            zip(columns, zip(per, key)).map { c, p in "\(c.label)=\(p.0.labels[p.1])" }.joined(separator: ", ")
        }
        return Grouping(labels: labels, codes: keys.map { index[$0.map(Int.init)]! })
    }

    // MARK: random frames

    func mask(_ n: Int, _ r: inout Rng, percent: Int) -> MissingMask {
        var m = MissingMask(count: n)
        for i in 0..<n where r.int(100) < percent { m[i] = true }
        return m
    }

    func frame(_ n: Int, seed: UInt64, statusCoding: Int) -> DataFrame {
        var r = Rng(state: seed)
        let words = ["b", "a", "B", "aa", "Z", "é", "a b", "10", "9"]
        var cols: [Column] = []
        cols.append(Column(name: "time", storage: .real((0..<n).map { _ in Double(r.int(300)) / 10 + 0.1 }),
                           missing: mask(n, &r, percent: 3)))
        cols.append(Column(name: "start", storage: .real((0..<n).map { _ in Double(r.int(40)) / 10 }),
                           missing: mask(n, &r, percent: 3)))
        let status: ColumnStorage
        switch statusCoding {
        case 0: status = .integer((0..<n).map { _ in Int64(r.int(2)) })
        case 1: status = .real((0..<n).map { _ in Double(1 + r.int(2)) })        // 1/2 coding
        case 2: status = .boolean((0..<n).map { _ in r.int(2) == 1 })
        default: status = .integer((0..<n).map { _ in [0, 1, 1, 3, -1][r.int(5)] })  // invalid codes
        }
        cols.append(Column(name: "status", storage: status, missing: mask(n, &r, percent: 3)))
        cols.append(Column(name: "gi", storage: .integer((0..<n).map { _ in [3, 1, 2, 10, -4][r.int(5)] }),
                           missing: mask(n, &r, percent: 5)))
        cols.append(Column(name: "big", storage: .integer((0..<n).map { _ in [1, 1 << 60, -(1 << 55), 7][r.int(4)] }),
                           missing: mask(n, &r, percent: 5)))
        cols.append(Column(name: "gr", storage: .real((0..<n).map { _ in [1.5, -0.25, 2, 0, -0.0, 1e3, .infinity, -1e300][r.int(8)] }),
                           missing: mask(n, &r, percent: 5)))
        var codes: [UInt32] = []
        for _ in 0..<n { codes.append(UInt32(r.int(words.count))) }
        cols.append(Column(name: "gt", storage: .text(codes: codes, levels: words), missing: mask(n, &r, percent: 5)))
        cols.append(Column(name: "gb", storage: .boolean((0..<n).map { _ in r.int(2) == 1 }), missing: mask(n, &r, percent: 5)))
        cols.append(Column(name: "gd", storage: .date((0..<n).map { _ in Int32([12488, -1, 18262][r.int(3)]) }),
                           missing: mask(n, &r, percent: 5)))
        return DataFrame(columns: cols)
    }

    func session(_ f: DataFrame, filters: Int, seed: UInt64) -> Session {
        let s = Session(registry: Registry([]), sink: CapturingSink())
        s.replaceData(f, file: nil)
        var r = Rng(state: seed)
        for k in 0..<filters {
            s.pushFilter(RowFilter(expression: "f\(k)", keep: (0..<f.rowCount).map { _ in r.int(5) != 0 }))
        }
        return s
    }

    /// The rows CompleteCases should keep, one row at a time (the code it replaced).
    func referenceCases(_ s: Session, start: Bool, covariates: [String]) -> (rows: [Int], invalid: Int, bad: Int) {
        let t = s.frame.column("time")!, e = s.frame.column("status")!, st = s.frame.column("start")!
        let covs = covariates.map { s.frame.column($0)! }
        let active = s.activeRows
        var maxEvent = -Double.infinity
        for r in active { if let v = e.number(at: r) { maxEvent = max(maxEvent, v) } }
        let shift: Double = (e.type != .boolean && maxEvent == 2) ? 1 : 0
        var rows: [Int] = [], invalid = 0, bad = 0
        for r in active {
            guard let tv = t.number(at: r), let e0 = e.number(at: r) else { continue }
            if covs.contains(where: { $0.missing[r] }) { continue }
            let ev = e0 - shift
            if ev != 0 && ev != 1 { invalid += 1; continue }
            if start {
                guard let sv = st.number(at: r) else { continue }
                if !(sv < tv) { bad += 1; continue }
            }
            rows.append(r)
        }
        return (rows, invalid, bad)
    }

    func testCompleteCasesLevelsAndGroupingMatchTheReference() throws {
        let groupSets: [[String]] = [[], ["gi"], ["gt"], ["gr"], ["gb"], ["gd"], ["big"], ["gt", "gi"],
                                     ["gb", "gr", "gt"], ["gd", "big", "gi", "gt"]]
        var checked = 0
        for coding in 0..<4 {
            for filters in 0..<3 {
                let f = frame(1500 + 7 * coding, seed: UInt64(10 * coding + filters), statusCoding: coding)
                let s = session(f, filters: filters, seed: UInt64(99 + filters))
                s.settings.collation = .c   // the one-row-at-a-time reference sorts text by bytes
                for start in [false, true] {
                    for groups in groupSets {
                        let spec = SurvSpec(start: start ? "start" : nil, time: "time", event: "status")
                        let data = try CompleteCases.survival(SurvivalResponse(spec: spec), covariates: groups,
                                                              session: s, command: "test")
                        let ref = referenceCases(s, start: start, covariates: groups)
                        let label = "coding \(coding), \(filters) filters, start \(start), \(groups)"
                        XCTAssertEqual(data.rows, ref.rows, label)
                        XCTAssertEqual(data.dropped, s.activeRows.count - ref.rows.count, label)
                        XCTAssertEqual(data.time, ref.rows.map { f.column("time")!.number(at: $0)! }, label)
                        if start {
                            XCTAssertEqual(data.start, ref.rows.map { f.column("start")!.number(at: $0)! }, label)
                        } else {
                            XCTAssertNil(data.start, label)
                        }
                        let shift: Double = coding == 1 ? 1 : 0
                        XCTAssertEqual(data.event, ref.rows.map { f.column("status")!.number(at: $0)! - shift == 1 }, label)
                        XCTAssertEqual(data.events, ref.rows.filter { f.column("status")!.number(at: $0)! - shift == 1 }.count, label)
                        XCTAssertEqual(data.warnings.count, (ref.invalid > 0 ? 1 : 0) + (ref.bad > 0 ? 1 : 0), label)
                        if ref.invalid > 0 { XCTAssertTrue(data.warnings[0].hasPrefix("\(ref.invalid) row"), label) }

                        for g in groups {
                            let lv = Levels.of(f.column(g)!, rows: data.rows, collation: .c)
                            let rl = referenceLevels(f.column(g)!, rows: data.rows)
                            XCTAssertEqual(lv.labels, rl.labels, label + " " + g)
                            XCTAssertEqual(lv.codes, rl.codes, label + " " + g)
                        }
                        let vars = groups.map { FormulaVariable(column: $0, asFactor: false) }
                        let grouping = try Grouping.make(vars, session: s, rows: data.rows, command: "test")
                        if groups.isEmpty {
                            XCTAssertEqual(grouping.labels, ["all"])
                        } else {
                            let rg = referenceGrouping(groups.map { ($0, f.column($0)!) }, rows: data.rows)
                            XCTAssertEqual(grouping.labels, rg.labels, label)
                            XCTAssertEqual(grouping.codes, rg.codes, label)
                        }
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, 4 * 3 * 2 * groupSets.count)
    }

    /// By blocks of `Cancellation.stride` rows on the threads (from 0 rows here: Parallelism.minBlockRows),
    /// and with no missing cell and no filter dropping a row the status read in one pass: the rows,
    /// times, events, warnings and levels equal the one-row-at-a-time reference there too, also when
    /// the only status 2 (1/2 coding) or the only invalid status is in the last block, for 1 and 2 threads.
    func testCompleteCasesOverManyBlocksMatchTheReference() throws {
        let n = 4 * Cancellation.stride + 1234
        for coding in 0..<4 {
            var r = Rng(state: UInt64(7 + coding))
            var status: ColumnStorage
            switch coding {
            case 0: status = .integer((0..<n).map { i in i == n - 5 ? 2 : Int64(r.int(2)) })    // 1/2 coding by one row
            case 1: status = .real((0..<n).map { _ in Double(r.int(2)) })
            case 2: status = .boolean((0..<n).map { _ in r.int(2) == 1 })
            default: status = .integer((0..<n).map { i in i == n - 3 ? 7 : Int64(r.int(2)) })   // one invalid code, last block
            }
            let codes = (0..<n).map { _ in UInt32(r.int(3)) }
            let f = DataFrame(columns: [
                Column(name: "time", storage: .real((0..<n).map { _ in Double(r.int(300)) / 10 + 0.1 })),
                Column(name: "start", storage: .real([Double](repeating: 0, count: n))),
                Column(name: "status", storage: status),
                Column(name: "gt", storage: .text(codes: codes, levels: ["c", "a", "b"]))])
            for filtered in [false, true] {
                for threads in [1, 2] {
                    let s = session(f, filters: 0, seed: 1)
                    s.settings.collation = .c
                    if filtered { s.pushFilter(RowFilter(expression: "all", keep: [Bool](repeating: true, count: n))) }
                    let label = "coding \(coding), filtered \(filtered), threads \(threads)"
                    let spec = SurvSpec(start: nil, time: "time", event: "status")
                    let data = try Parallelism.$minBlockRows.withValue(0) {
                        try Parallelism.$threads.withValue(threads) {
                            try CompleteCases.survival(SurvivalResponse(spec: spec), covariates: ["gt"], session: s, command: "test")
                        }
                    }
                    let ref = referenceCases(s, start: false, covariates: ["gt"])
                    let shift: Double = coding == 0 ? 1 : 0
                    XCTAssertEqual(data.rows, ref.rows, label)
                    XCTAssertEqual(data.time, ref.rows.map { f.column("time")!.number(at: $0)! }, label)
                    XCTAssertEqual(data.event, ref.rows.map { f.column("status")!.number(at: $0)! - shift == 1 }, label)
                    XCTAssertEqual(data.warnings.count, ref.invalid > 0 ? 1 : 0, label)
                    XCTAssertEqual(ref.invalid > 0, coding == 0 || coding == 3, label)   // coding 0: the 0s
                    let lv = try Parallelism.$minBlockRows.withValue(0) {
                        try Parallelism.$threads.withValue(threads) {
                            try Levels.of(f.column("gt")!, rows: data.rows, collation: .c, cancel: .never)
                        }
                    }
                    let rl = referenceLevels(f.column("gt")!, rows: data.rows)
                    XCTAssertEqual(lv.labels, rl.labels, label)
                    XCTAssertEqual(lv.codes, rl.codes, label)
                }
            }
        }
    }

    /// An infinite time in two late blocks: the error names the first of them, whichever block a
    /// thread reads first.
    func testInfiniteTimeOverManyBlocksNamesTheFirstRow() {
        let n = 6 * Cancellation.stride
        var t = [Double](repeating: 1, count: n)
        t[5 * Cancellation.stride + 3] = .infinity
        t[4 * Cancellation.stride + 17] = -.infinity
        let s = session(DataFrame(columns: [Column(name: "time", storage: .real(t)),
                                            Column(name: "status", storage: .integer([Int64](repeating: 1, count: n)))]),
                        filters: 0, seed: 1)
        let spec = SurvSpec(start: nil, time: "time", event: "status")
        XCTAssertThrowsError(try Parallelism.$minBlockRows.withValue(0) {
            try CompleteCases.survival(SurvivalResponse(spec: spec), covariates: [], session: s, command: "km")
        }) {
            XCTAssertTrue("\($0)".contains("row \(4 * Cancellation.stride + 18)"), "\($0)")
        }
    }

    /// The design of a formula over a subset of 60,000 rows (its numeric columns gathered one a job on
    /// the threads) equals the columns read at those rows, and its errors are the ones taken in the
    /// formula's order: the first variable with an Inf (in its turn among the others), an unknown
    /// column before a later Inf.
    func testDesignOverASubsetGathersColumnsInParallelWithErrorsInOrder() throws {
        let n = 60_000
        var r = Rng(state: 11)
        func real(_ name: String, infAt: Int? = nil) -> Column {
            var v = (0..<n).map { _ in Double(r.int(1_000_000)) / 1000 - 500 }
            if let i = infAt { v[i] = .infinity }
            return Column(name: name, storage: .real(v))
        }
        let cols = [real("a"), real("b"), Column(name: "k", storage: .integer((0..<n).map { Int64($0 % 7) })),
                    real("c", infAt: 40_001), real("d", infAt: 50_000),
                    Column(name: "g", storage: .text(codes: (0..<n).map { UInt32($0 % 3) }, levels: ["x", "y", "z"]))]
        let s = session(DataFrame(columns: cols), filters: 0, seed: 1)
        let rows = (0..<n).filter { $0 % 9 != 4 }
        let good = try DesignMatrix.build(try Formula.parse("~ a + k + g + b", command: "cox"), session: s, rows: rows, command: "cox")
        XCTAssertEqual(good.names, ["a", "k", "gy", "gz", "b"])
        for (name, j) in [("a", 0), ("k", 1), ("b", 4)] {
            let col = cols.first { $0.name == name }!
            XCTAssertEqual(good.columns[j], rows.map { col.number(at: $0)! }, name)
        }
        for (formula, named) in [("~ a + d + c", "'d'"), ("~ c + d", "'c'"), ("~ a + nosuch + c", "nosuch")] {
            XCTAssertThrowsError(try DesignMatrix.build(try Formula.parse(formula, command: "cox"), session: s, rows: rows, command: "cox"),
                                 formula) { XCTAssertTrue("\($0)".contains(named), "\(formula): \($0)") }
        }
    }

    /// packBits (the filter masks' 8-bytes-at-a-time packing) against one bit at a time, every length.
    func testPackBitsMatchesOneBitAtATime() {
        var r = Rng(state: 5)
        let keep: [Bool] = (0..<200).map { _ in r.int(3) != 0 }
        keep.withUnsafeBytes { bytes in
            for start in [0, 1, 7, 64, 100] {
                for count in 0...64 where start + count <= keep.count {
                    var expected: UInt64 = 0
                    for j in 0..<count where keep[start + j] { expected |= 1 << UInt64(j) }
                    XCTAssertEqual(CompleteCases.packBits(bytes, from: start, count: count), expected, "\(start) \(count)")
                }
            }
        }
    }

    func testLevelsOrderAndLabelsAsR() {
        let text = Column(name: "g", storage: .text(codes: [0, 1, 2, 3, 0], levels: ["b", "B", "é", "a"]))
        XCTAssertEqual(Levels.of(text, rows: [0, 1, 2, 3, 4], collation: .c).labels, ["B", "a", "b", "é"])  // byte order
        XCTAssertEqual(Levels.of(text, rows: [0, 1, 2, 3, 4], collation: .c).codes, [2, 0, 3, 1, 2])
        XCTAssertEqual(Levels.of(text, rows: [0, 1, 2, 3, 4], collation: .r).labels, ["a", "b", "B", "é"])  // R's UTF-8 order
        XCTAssertEqual(Levels.of(text, rows: [0, 1, 2, 3, 4], collation: .r).codes, [1, 2, 3, 0, 1])
        XCTAssertEqual(Levels.of(text, rows: [4, 2], collation: .r).labels, ["b", "é"])                      // only levels used
        let ints = Column(name: "x", storage: .integer([10, -4, 3, 10, 1 << 40]))
        XCTAssertEqual(Levels.of(ints, rows: Array(0..<5), collation: .r).labels, ["-4", "3", "10", "1099511627776"])
        XCTAssertEqual(Levels.of(ints, rows: Array(0..<5), collation: .r).codes, [2, 0, 1, 2, 3])
        let reals = Column(name: "x", storage: .real([2.5, -0.0, 0, -1e-300, .infinity, 1e15]))
        let lr = Levels.of(reals, rows: Array(0..<6), collation: .r)
        XCTAssertEqual(lr.labels, ["-1e-300", "0", "2.5", "1e+15", "Inf"])
        XCTAssertEqual(lr.codes, [2, 1, 1, 0, 4, 3])
        let bools = Column(name: "b", storage: .boolean([true, true]))
        XCTAssertEqual(Levels.of(bools, rows: [0, 1], collation: .r).labels, ["TRUE"])
        XCTAssertEqual(Levels.of(bools, rows: [0, 1], collation: .r).codes, [0, 0])
        let dates = Column(name: "d", storage: .date([12488, -1]))
        XCTAssertEqual(Levels.of(dates, rows: [0, 1], collation: .r).labels, ["1969-12-31", "2004-03-11"])
    }

    func testNaNIsOneLevelSortedLast() {
        // A NaN cell (the reader accepts "NaN") is not missing; it is one level, last, as R's factor().
        let reals = Column(name: "x", storage: .real([.nan, 1, -.nan, 0]))
        let lv = Levels.of(reals, rows: [0, 1, 2, 3], collation: .r)
        XCTAssertEqual(lv.labels, ["0", "1", "NaN"])
        XCTAssertEqual(lv.codes, [2, 1, 2, 0])
    }

    func testDenseRankTableAndHashPathsAgree() {
        var r = Rng(state: 5)
        let small = (0..<5000).map { _ in UInt64(r.int(300)) + 1_000_000 }        // table path
        let wide = small.map { $0 << 40 }                                          // hash path
        let a = DenseRank.of(small), b = DenseRank.of(wide)
        XCTAssertEqual(a.codes, b.codes)
        XCTAssertEqual(a.distinct.map { $0 << 40 }, b.distinct)
        XCTAssertEqual(a.distinct, Array(Set(small)).sorted())
        for x in [-Double.infinity, -1, -0.0, 0, 1e-300, 2, .infinity] {
            XCTAssertEqual(DenseRank.value(ofOrderKey: DenseRank.orderKey(x)), x == 0 ? 0 : x)
        }
        XCTAssertLessThan(DenseRank.orderKey(-1), DenseRank.orderKey(-0.5))
        XCTAssertEqual(DenseRank.orderKey(-0.0), DenseRank.orderKey(0))
        XCTAssertLessThan(DenseRank.orderKey(.infinity), DenseRank.orderKey(.nan))
    }
}
