// TextCollationTests.swift — survsh's text level order against R's sort() (Reference/collation.json,
// written by Reference/collation.R): R's UTF-8 (ICU root) order by default, bytes for collation c,
// and the level order a column carries (levels/relevel) in front of it.

import Foundation
@testable import SurvshCore
import XCTest

final class TextCollationTests: XCTestCase {
    struct Case: Decodable { let name: String; let input: [String]; let sorted: [String]; let sorted_c: [String] }
    struct Reference: Decodable { let cases: [Case]; let icu_collator: String }

    static func reference() throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/collation.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func testSortsAsRInUTF8AndCLocales() throws {
        let ref = try Self.reference()
        XCTAssertEqual(ref.icu_collator, "root")
        XCTAssertEqual(ref.cases.map(\.name), ["clinical", "ascii", "latin1", "random", "near"])
        for c in ref.cases {
            XCTAssertGreaterThan(c.input.count, 50, c.name)
            let ours = TextCollation.r.sorted(c.input)
            for (i, (a, e)) in zip(ours, c.sorted).enumerated() where a != e {
                XCTFail("\(c.name): position \(i): survsh '\(a)', R '\(e)'")
                break
            }
            XCTAssertEqual(ours, c.sorted, "\(c.name): R's UTF-8 order")
            XCTAssertEqual(TextCollation.c.sorted(c.input), c.sorted_c, "\(c.name): byte order")
        }
    }

    func testByteOrderShortcutAgreesWithTheCollator() {
        var state: UInt64 = 16
        func pick(_ alphabet: [Character]) -> String {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let n = Int(state >> 60) % 6 + 1
            return String((0..<n).map { k in alphabet[Int((state >> UInt64(8 * k)) & 0xFF) % alphabet.count] })
        }
        for alphabet in [Array("ab z09 "), Array("ABZ 19"), Array("level0123456789")] {
            let strings = (0..<400).map { _ in pick(alphabet) }
            XCTAssertTrue(TextCollation.byteOrderIsR(strings))
            XCTAssertEqual(TextCollation.r.sorted(strings), strings.sorted(by: TextCollation.r.precedes), "\(alphabet)")
        }
        XCTAssertFalse(TextCollation.byteOrderIsR(["a", "B"]))
        XCTAssertFalse(TextCollation.byteOrderIsR(["a_b", "ab"]))
        XCTAssertFalse(TextCollation.byteOrderIsR(["é"]))
    }

    /// The levels of a column with many of them (issue 14: sorted by a radix sort of their bytes
    /// when that is the collation's order, polled) come in the order of sorting them with `precedes`,
    /// under both collations, and every row keeps its level.
    func testManyLevelsSortAsThePairwiseOrder() throws {
        var state: UInt64 = 61
        func pick(_ alphabet: [Character], _ length: Int) -> String {
            String((0..<length).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return alphabet[Int(state >> 33) % alphabet.count]
            })
        }
        for (alphabet, count) in [(Array("ab z09"), 20_000), (Array("ABZ 19"), 20_000), (Array("aB_é-1 "), 3_000)] {
            let levels = Array(Set((0..<count).map { pick(alphabet, $0 % 13) }))
            let codes = (0..<2 * levels.count).map { UInt32(($0 &* 7919) % levels.count) }
            let column = Column(name: "t", storage: .text(codes: codes, levels: levels))
            for collation in TextCollation.allCases {
                let lv = try Levels.of(column, rows: Array(codes.indices), collation: collation, cancel: .never)
                XCTAssertEqual(lv.labels, levels.sorted(by: collation.precedes), "\(alphabet) \(collation)")
                XCTAssertTrue(codes.indices.allSatisfy { lv.labels[Int(lv.codes[$0])] == levels[Int(codes[$0])] }, "\(alphabet) \(collation)")
            }
        }
    }

    func testTheContractExample() {
        XCTAssertEqual(TextCollation.r.sorted(["b", "20-50", "B", ">50", "a", "<=20", "A"]),
                       ["<=20", ">50", "20-50", "a", "A", "b", "B"])
        XCTAssertEqual(TextCollation.c.sorted(["b", "20-50", "B", ">50", "a", "<=20", "A"]),
                       ["20-50", "<=20", ">50", "A", "B", "a", "b"])
    }

    func testLevelsFollowCollationAndSetOrder() {
        let codes: [UInt32] = [0, 1, 2, 0, 3, 1]
        var col = Column(name: "size", storage: .text(codes: codes, levels: ["20-50", "<=20", "a", ">50"]))
        let rows = Array(0..<codes.count)
        let r = Levels.of(col, rows: rows, collation: .r)
        XCTAssertEqual(r.labels, ["<=20", ">50", "20-50", "a"])
        XCTAssertEqual(r.codes, [2, 0, 3, 2, 1, 0])
        XCTAssertEqual(Levels.of(col, rows: rows, collation: .c).labels, ["20-50", "<=20", ">50", "a"])
        col.levelOrder = ["a", "20-50"]
        let set = Levels.of(col, rows: rows, collation: .r)
        XCTAssertEqual(set.labels, ["a", "20-50", "<=20", ">50"])
        XCTAssertEqual(set.codes, [1, 2, 0, 1, 3, 2])
        // a level of the order that no used row has is skipped
        let some = Levels.of(col, rows: [1, 4], collation: .r)
        XCTAssertEqual(some.labels, ["<=20", ">50"])
        XCTAssertEqual(some.codes, [0, 1])
    }

    func testNumericLevelsTakeAnOrderToo() {
        var col = Column(name: "grade", storage: .integer([3, 1, 2, 3]))
        XCTAssertEqual(Levels.of(col, rows: [0, 1, 2, 3], collation: .r).labels, ["1", "2", "3"])
        col.levelOrder = ["3"]
        let lv = Levels.of(col, rows: [0, 1, 2, 3], collation: .r)
        XCTAssertEqual(lv.labels, ["3", "1", "2"])
        XCTAssertEqual(lv.codes, [0, 1, 2, 0])
    }
}
