// TVCJoinTests.swift — tvc's join by id in arrays (IdJoin, DatedValues; issue 14/15: 159 s of CPU at
// 10^7 ids through a String key per id and a dictionary of arrays per variable) against the simple
// String-keyed implementation it replaced, kept here as the reference: random tables with integer
// ids (dense, and sparse enough for the dictionary), non-integer numbers, text ids, text ids against
// numeric data ids, missing ids, times and values, ties in time, ids absent from the data, an id
// with a long run of dates and a repeated data id. And every new pass stops at a Ctrl-C.

import Foundation
import Synchronization
@testable import SurvshCore
import SurvivalStats
@testable import TimeSplitPlugin
import XCTest
import TestSupport

/// tvc as it was before the arrays: String keys (a number by its label, text as written) in
/// dictionaries, per variable and data row a list of (time, table row) sorted stably by time.
enum TVCReference {
    struct Result {
        var parent: [Int] = [], start: [Double] = [], end: [Double] = [], event: [Double] = []
        /// Per variable and episode: the table row of its value, or -1.
        var value: [[Int]] = []
        var valuesRead: [Int] = []
        var matched = 0, unmatched = 0, incomplete = 0
    }
    struct Failure: Error { let message: String }

    static func key(_ c: Column, _ r: Int) -> String? {
        if let x = c.number(at: r) { return NumberFormat.label(x) }
        return c.text(at: r)
    }

    static func run(id: Column, stop: Column, status: Column, tableId: Column, time: Column, vars: [Column]) throws -> Result {
        var rowOfId: [String: Int] = [:]
        for r in 0..<id.count {
            guard let k = key(id, r) else { continue }
            if let first = rowOfId[k] { throw Failure(message: "id \(k) is in rows \(first + 1) and \(r + 1) of the data") }
            rowOfId[k] = r
        }
        var out = Result()
        var unmatched = Set<String>()
        var dated = [[Int: [(time: Double, row: Int)]]](repeating: [:], count: vars.count)
        for r in 0..<tableId.count {
            guard let k = key(tableId, r), let t = time.number(at: r) else { out.incomplete += 1; continue }
            guard let b = rowOfId[k] else { unmatched.insert(k); continue }
            for (v, c) in vars.enumerated() where !c.missing[r] { dated[v][b, default: []].append((t, r)) }
        }
        for v in dated.indices {
            for (b, list) in dated[v] {
                dated[v][b] = list.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
            }
        }
        out.unmatched = unmatched.count
        out.valuesRead = dated.map { $0.values.reduce(0) { $0 + $1.count } }
        out.matched = (0..<id.count).filter { b in dated.contains { $0[b] != nil } }.count
        out.value = Array(repeating: [], count: vars.count)
        for i in 0..<id.count {
            let e = stop.number(at: i)!
            let cuts = Set(dated.flatMap { $0[i]?.map(\.time) ?? [] }).sorted().filter { $0 > 0 && $0 < e }
            let starts = [0] + cuts, ends = cuts + [e]
            for k in starts.indices {
                out.parent.append(i); out.start.append(starts[k]); out.end.append(ends[k])
                out.event.append(k == starts.count - 1 ? status.number(at: i)! : 0)
                for v in vars.indices {
                    out.value[v].append(dated[v][i]?.last(where: { $0.time <= starts[k] })?.row ?? -1)
                }
            }
        }
        return out
    }
}

final class TVCJoinTests: XCTestCase {
    /// A fixed random stream (the same every run).
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
    }

    enum IdKind: CaseIterable { case dense, sparse, real, text, textAgainstNumbers }

    /// The data's and the table's id as written for id number k (nil: a missing id).
    static func idText(_ kind: IdKind, _ k: Int, table: Bool, _ rng: inout Random) -> String {
        switch kind {
        case .dense: return "\(k)"
        case .sparse: return "\(k * 1_000_000_007 - 500_000_000_000)"
        case .real: return k % 3 == 0 ? "\(k)" : "\(Double(k) + 0.25)"
        case .text: return "p\(k)"
        case .textAgainstNumbers:
            // the table's text "7" matches the data's 7; "07" and "x7" match nothing
            guard table else { return "\(k)" }
            switch rng.next(10) { case 0: return "0\(k)"; case 1: return "x\(k)"; default: return "\(k)" }
        }
    }

    /// Writes the data (id, futime, st, w = the row number) and the long table (id, day, a, b).
    static func files(_ kind: IdKind, seed: UInt64, n: Int, duplicate: Bool, dir: String) throws -> (data: String, table: String) {
        var rng = Random(state: seed)
        var data = "id,futime,st,w\n"
        for i in 0..<n {
            let k = duplicate && i == n - 3 ? 17 : i + 1
            let id = i % 23 == 5 ? "" : idText(kind, k, table: false, &rng)
            data += "\(id),\(1 + rng.next(100)),\(rng.next(2)),\(i)\n"
        }
        var table = "id,day,a,b\n"
        let levels = ["lo", "mid", "hi"]
        for r in 0..<(4 * n + 120) {
            // ids 1...n+20 (some not in the data), id 2 with a run of 120 dates, some missing
            let k = r < 120 ? 2 : 1 + rng.next(n + 20)
            let id = rng.next(40) == 0 ? "" : idText(kind, k, table: true, &rng)
            let day = rng.next(30) == 0 ? "" : "\(rng.next(115) - 5)"   // ties; some <= 0, some after futime
            let a = rng.next(6) == 0 ? "" : "\(rng.next(50))"
            let b = rng.next(5) == 0 ? "" : levels[rng.next(3)]
            table += "\(id),\(day),\(a),\(b)\n"
        }
        let paths = (dir + "/data.csv", dir + "/long.csv")
        try data.write(toFile: paths.0, atomically: false, encoding: .utf8)
        try table.write(toFile: paths.1, atomically: false, encoding: .utf8)
        return paths
    }

    func testJoinInArraysEqualsTheStringKeyedReference() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-tvc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for kind in IdKind.allCases {
            for seed: UInt64 in [1, 2] {
                let label = "\(kind) seed \(seed)"
                let (dataPath, tablePath) = try Self.files(kind, seed: seed, n: 300, duplicate: false, dir: dir)
                let sh = TestShell()
                sh.run("load \(dataPath)")
                sh.run("survival futime st")
                let before = sh.session.frame
                let table = try DataReaders.read(path: tablePath, options: ReadOptions())
                func tableColumn(_ name: String) throws -> Column { try XCTUnwrap(table.columns.first { $0.name == name }) }
                let ref = try TVCReference.run(id: try XCTUnwrap(before.column("id")), stop: try XCTUnwrap(before.column("futime")),
                                               status: try XCTUnwrap(before.column("st")), tableId: try tableColumn("id"),
                                               time: try tableColumn("day"), vars: [try tableColumn("a"), try tableColumn("b")])
                XCTAssertGreaterThan(ref.unmatched, 0, label)
                XCTAssertGreaterThan(ref.incomplete, 0, label)
                let json = sh.json("tvc \(tablePath) id=id time=day")
                try assertFrame(sh.session.frame, equals: ref, table: [try tableColumn("a"), try tableColumn("b")], label: label)
                XCTAssertEqual(json["rows"] as? Int, ref.parent.count, label)
                XCTAssertEqual(json["ids_unmatched"] as? Int, ref.unmatched, label)
                let variables = json["variables"] as? [[String: Any]] ?? []
                XCTAssertEqual(variables.map { $0["values"] as? Int }, ref.valuesRead, label)
                let warnings = json["warnings"] as? [String] ?? []
                XCTAssertTrue(warnings.contains("rows of \(tablePath) with a missing id or time were ignored: \(ref.incomplete)"), "\(label): \(warnings)")
                // the ids matched (text output only)
                let text = TestShell()
                text.run("load \(dataPath)")
                text.run("survival futime st")
                let first = text.run("tvc \(tablePath) id=id time=day").outputLines.first ?? ""
                XCTAssertTrue(first.hasSuffix(", \(ref.matched) ids matched)"), "\(label): \(first) (expected \(ref.matched))")
            }
            // a repeated id: the same one-line error
            let (dataPath, tablePath) = try Self.files(kind, seed: 3, n: 300, duplicate: true, dir: dir)
            let sh = TestShell()
            sh.run("load \(dataPath)")
            sh.run("survival futime st")
            let f = sh.session.frame
            let table = try DataReaders.read(path: tablePath, options: ReadOptions())
            XCTAssertThrowsError(try TVCReference.run(id: f.column("id")!, stop: f.column("futime")!, status: f.column("st")!,
                                                      tableId: table.columns[0], time: table.columns[1], vars: [])) { e in
                let expected = "error: tvc: \((e as? TVCReference.Failure)?.message ?? "?") (expected one row per id "
                    + "(tvc makes the episodes; load the one-row-per-id data))"
                XCTAssertEqual(sh.error("tvc \(tablePath) id=id time=day"), expected, "\(kind)")
            }
        }
    }

    /// The rows tvc made equal the reference's: parent (w), start, stop, event and each variable's value.
    private func assertFrame(_ frame: DataFrame, equals ref: TVCReference.Result, table vars: [Column], label: String) throws {
        XCTAssertEqual(frame.rowCount, ref.parent.count, "\(label): rows")
        guard frame.rowCount == ref.parent.count else { return }
        let (w, start, stop, event) = (try XCTUnwrap(frame.column("w")), try XCTUnwrap(frame.column("tstart")),
                                       try XCTUnwrap(frame.column("futime")), try XCTUnwrap(frame.column("st")))
        let made = [try XCTUnwrap(frame.column("a")), try XCTUnwrap(frame.column("b"))]
        var wrong = 0
        for k in 0..<frame.rowCount where wrong < 5 {
            var same = w.number(at: k) == Double(ref.parent[k]) && start.number(at: k) == ref.start[k]
                && stop.number(at: k) == ref.end[k] && event.number(at: k) == ref.event[k]
            for v in vars.indices {
                let expected = ref.value[v][k] < 0 ? nil : vars[v].text(at: ref.value[v][k])
                same = same && made[v].text(at: k) == expected
            }
            if !same { wrong += 1; XCTFail("\(label): row \(k) differs (parent \(ref.parent[k]), (\(ref.start[k]), \(ref.end[k])])") }
        }
    }

    // MARK: Ctrl-C

    /// `work` polls at least `minimum` times and throws CancellationError when a poll fires, early or late.
    private func assertStops(_ what: String, minimumPolls minimum: Int, _ work: (Cancellation) throws -> Void) throws {
        let counter = PollCounter(firesAt: nil)
        try work(counter.cancellation)
        XCTAssertGreaterThanOrEqual(counter.count, minimum, "\(what): too few polls")
        for k in Set([1, counter.count / 3, 2 * counter.count / 3, counter.count]) where k >= 1 {
            XCTAssertThrowsError(try work(PollCounter(firesAt: k).cancellation), "\(what): fired at poll \(k) of \(counter.count)") {
                XCTAssertTrue($0 is CancellationError, "\(what): \($0)")
            }
        }
    }

    /// Every pass of the join and of the dated values polls (blocks of Cancellation.stride rows), on
    /// each path: dense and sparse integers, text, numbers that are not integers.
    func testJoinAndDatedValuesPollAndStop() throws {
        let n = 40_000, rows = 100_000
        var rng = Random(state: 9)
        let dataIds = (0..<n).map { Int64($0 + 1) }
        let tableIds = (0..<rows).map { _ in Int64(1 + rng.next(n + 1000)) }
        let times = (0..<rows).map { _ in Double(rng.next(700)) }
        func text(_ ids: [Int64]) -> ColumnStorage { .text(codes: ids.map { UInt32($0) }, levels: (0...Int(n + 1000)).map { "p\($0)" }) }
        let cases: [(String, ColumnStorage, ColumnStorage)] = [
            ("dense", .integer(dataIds), .integer(tableIds)),
            ("sparse", .integer(dataIds.map { $0 * 1_000_003 }), .integer(tableIds.map { $0 * 1_000_003 })),
            ("text", text(dataIds), text(tableIds)),
            ("real", .real(dataIds.map { Double($0) + 0.5 }), .real(tableIds.map { Double($0) + 0.5 })),
        ]
        let blocks = rows / Cancellation.stride
        for (label, data, table) in cases {
            let dataId = Column(name: "id", storage: data), tableId = Column(name: "id", storage: table)
            try assertStops(label, minimumPolls: 5 * blocks) { cancel in
                let join = try IdJoin.make(data: dataId, table: tableId, times: times, cancel: cancel)
                XCTAssertEqual(join.unmatchedIds, Set(tableIds.filter { $0 > n }).count, label)
                let dated = try DatedValues(baseRow: join.baseRow, times: times, dataRows: n, counts: { _ in true }, cancel: cancel)
                XCTAssertEqual(dated.count, tableIds.filter { $0 <= n }.count, label)
                _ = try dated.cuts(cancel: cancel)
            }
        }
    }

    /// The table is read with polls (it ran unpolled: bench/poll_gaps.sh's 3.9 s at 10^7 rows).
    func testTheTableReadPolls() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-tvc-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ("id,day,z\n" + (1...200_000).map { "\($0),\($0 % 700),\($0 % 3)" }.joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: false, encoding: .utf8)
        let sh = TestShell()
        try assertStops("table read", minimumPolls: 2) { cancel in
            let frame = try TVCCommand.readTable(path, session: sh.session, cancel: cancel)
            XCTAssertEqual(frame.rowCount, 200_000)
        }
    }
}
