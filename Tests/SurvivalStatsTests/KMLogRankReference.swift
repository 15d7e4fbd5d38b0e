// Loads Reference/km_logrank.json (written by Reference/km_logrank.R) for the KM and log-rank tests.
import Foundation
import XCTest

/// A JSON object from the reference file, with typed accessors (JSON null -> nil).
struct KMRefObject {
    let raw: [String: Any]

    subscript(key: String) -> Any? { raw[key] }

    func has(_ key: String) -> Bool { raw[key] != nil && !(raw[key] is NSNull) }

    func string(_ key: String) -> String { raw[key] as? String ?? "" }

    func double(_ key: String) -> Double? { KMRefObject.toDouble(raw[key]) }

    func int(_ key: String) -> Int { Int(double(key) ?? .nan) }

    /// Array of numbers; nulls become nil. A missing key gives [].
    func doubles(_ key: String) -> [Double?] {
        guard let value = raw[key], !(value is NSNull) else { return [] }
        if let array = value as? [Any] { return array.map(KMRefObject.toDouble) }
        return [KMRefObject.toDouble(value)]
    }

    func values(_ key: String) -> [Double] { doubles(key).map { $0 ?? .nan } }

    func ints(_ key: String) -> [Int32] { doubles(key).map { Int32($0 ?? -1) } }

    func strings(_ key: String) -> [String] {
        if let array = raw[key] as? [Any] { return array.map { "\($0)" } }
        if let s = raw[key] as? String { return [s] }
        return []
    }

    func object(_ key: String) -> KMRefObject? {
        (raw[key] as? [String: Any]).map(KMRefObject.init)
    }

    func objects(_ key: String) -> [KMRefObject] {
        if let array = raw[key] as? [[String: Any]] { return array.map(KMRefObject.init) }
        if let single = raw[key] as? [String: Any] { return [KMRefObject(raw: single)] }
        return []
    }

    /// A matrix stored as a list of rows.
    func matrix(_ key: String) -> [[Double]] {
        guard let rows = raw[key] as? [Any] else { return [] }
        return rows.map { row in
            if let r = row as? [Any] { return r.map { KMRefObject.toDouble($0) ?? .nan } }
            return [KMRefObject.toDouble(row) ?? .nan]
        }
    }

    static func toDouble(_ value: Any?) -> Double? {
        guard let value, !(value is NSNull) else { return nil }
        if let n = value as? NSNumber { return n.doubleValue }
        if let d = value as? Double { return d }
        return nil
    }
}

enum KMReference {
    /// The parsed reference file (located next to this source file).
    static func load() throws -> KMRefObject {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/km_logrank.json")
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw NSError(domain: "KMReference", code: 1)
        }
        return KMRefObject(raw: object)
    }
}
