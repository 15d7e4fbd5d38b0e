// StatsReferenceJSON.swift — loads reference JSON written by the R scripts in Reference/.
//
// Numbers are plain JSON numbers (17 significant digits); "Inf", "-Inf", "NaN" are strings;
// NA is null. Files are located relative to this source file (#filePath), so no bundle is needed.

import Foundation
import XCTest

enum StatsReferenceJSON {
    /// The parsed top-level object of Reference/NAME.json.
    static func load(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference").appendingPathComponent("\(name).json")
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "StatsReferenceJSON", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "\(name).json: top level is not an object"])
        }
        return object
    }

    /// The array of objects under `key`.
    static func rows(_ object: [String: Any], _ key: String) -> [[String: Any]] {
        object[key] as? [[String: Any]] ?? []
    }

    /// A number (or "Inf"/"-Inf"/"NaN" string); nil for null or a missing key.
    static func double(_ value: Any?) -> Double? {
        switch value {
        case let d as Double: return d
        case let i as Int: return Double(i)
        case let n as NSNumber: return n.doubleValue
        case let s as String:
            switch s {
            case "Inf": return .infinity
            case "-Inf": return -.infinity
            case "NaN": return .nan
            default: return Double(s)
            }
        default: return nil
        }
    }

    /// An array of numbers; NaN in place of null.
    static func doubles(_ value: Any?) -> [Double] {
        if let array = value as? [Any] { return array.map { double($0) ?? .nan } }
        if let single = double(value) { return [single] }
        return []
    }

    static func bool(_ value: Any?) -> Bool {
        if let b = value as? Bool { return b }
        return (value as? NSNumber)?.boolValue ?? false
    }

    static func string(_ value: Any?) -> String? {
        value as? String
    }
}
