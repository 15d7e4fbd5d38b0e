// NumberFormatTests.swift — NumberFormat.pValue and rFormat against R's format.pval and format
// (Reference/number_format.R wrote Reference/number_format.json).

import Foundation
import XCTest
@testable import SurvshCore

final class NumberFormatTests: XCTestCase {
    private struct Case { var value: Double; var formatted: [String] }

    /// The cases under `key`, each a number (field `field`, read from `field_text`) and its R formatting for digits 1...7.
    private func cases(_ key: String, field: String) throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/number_format.json")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let rows = try XCTUnwrap(object[key] as? [[String: Any]])
        return try rows.map { row in
            // The text form: JSONSerialization may parse a number an ulp off.
            Case(value: try XCTUnwrap((row[field + "_text"] as? String).flatMap(Double.init)),
                 formatted: try XCTUnwrap(row["formatted"] as? [String]))
        }
    }

    /// Every case under `key` formatted by `format` for digits 1...7 equals R's string.
    private func check(_ key: String, field: String, call: String, _ format: (Double, Int) -> String) throws {
        let all = try cases(key, field: field)
        XCTAssertGreaterThan(all.count, 30)
        for c in all {
            for (i, expected) in c.formatted.enumerated() {
                XCTAssertEqual(format(c.value, i + 1), expected, "\(call)(\(c.value), digits = \(i + 1))")
            }
        }
    }

    func testPValueMatchesFormatPval() throws {
        try check("pvalues", field: "p", call: "format.pval") { NumberFormat.pValue($0, digits: $1) }
    }

    func testRFormatMatchesFormat() throws {
        try check("numbers", field: "x", call: "format") { NumberFormat.rFormat($0, digits: $1) }
    }

    func testPValueMissing() {
        XCTAssertEqual(NumberFormat.pValue(nil), "NA")
        XCTAssertEqual(NumberFormat.pValue(.nan), "NA")
    }
}
