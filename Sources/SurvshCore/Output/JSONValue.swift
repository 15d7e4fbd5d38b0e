// JSONValue.swift — an ordered JSON value and its one-line serialiser.
//
// Keys keep their insertion order so results print in a stable, readable order. Numbers that are
// not finite (NaN, ±Inf) serialise as `null`, as the contract requires; doubles use Swift's
// shortest round-trip representation so no precision is lost. `serialized(polling:)` calls its poll
// every 2^14 values of an array or object, so a long result (the 10^7 levels of a text column) can
// be stopped by Ctrl-C while it is written; a long array or object reserves room for the whole after
// its first 2^14 values.

public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

    /// A number, or null when nil or not finite.
    public static func num(_ x: Double?) -> JSONValue {
        guard let x, x.isFinite else { return .null }
        return .number(x)
    }

    public func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The serialisation, calling `poll` (which may throw to stop) every `pollValues` values of
    /// each array or object.
    public func serialized(polling poll: () throws -> Void) rethrows -> String {
        var out = ""
        try write(to: &out, polling: poll)
        return out
    }

    /// Values of one array or object between two polls of `serialized(polling:)`.
    public static let pollValues = 1 << 14

    public func write(to out: inout String) { write(to: &out, polling: {}) }

    private func write(to out: inout String, polling poll: () throws -> Void) rethrows {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let x):
            if !x.isFinite { out += "null" }
            else if x == x.rounded(), abs(x) < 1e15 { out += String(Int64(x)) }
            else { out += "\(x)" }
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let a):
            out += "["
            let start = out.utf8.count
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                if i & (JSONValue.pollValues - 1) == JSONValue.pollValues - 1 {
                    try poll()
                    if i == JSONValue.pollValues - 1 { reserveForAll(&out, from: start, made: i, of: a.count) }
                }
                try v.write(to: &out, polling: poll)
            }
            out += "]"
        case .object(let kv):
            out += "{"
            let start = out.utf8.count
            for (i, (k, v)) in kv.enumerated() {
                if i > 0 { out += "," }
                if i & (JSONValue.pollValues - 1) == JSONValue.pollValues - 1 {
                    try poll()
                    if i == JSONValue.pollValues - 1 { reserveForAll(&out, from: start, made: i, of: kv.count) }
                }
                JSONValue.escape(k, into: &out)
                out += ":"
                try v.write(to: &out, polling: poll)
            }
            out += "}"
        }
    }

    static func escape(_ s: String, into out: inout String) {
        // most strings need no escape: appended whole (a scalar at a time took most of the time
        // of writing 10^7 levels)
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// Whether the value holds more than `limit` values (itself included); looks at no more than
    /// about `limit` of them.
    public func holdsMoreValues(than limit: Int) -> Bool {
        var left = limit
        return !fits(in: &left)
    }

    /// Counts this value and what it holds down from `left`; false once the count runs out.
    private func fits(in left: inout Int) -> Bool {
        left -= 1
        guard left >= 0 else { return false }
        switch self {
        case .array(let a): return a.allSatisfy { $0.fits(in: &left) }
        case .object(let kv): return kv.allSatisfy { $0.1.fits(in: &left) }
        default: return true
        }
    }

    /// Value of a key in an object (first match), for tests and transcripts.
    public subscript(key: String) -> JSONValue? {
        if case .object(let kv) = self { return kv.first { $0.0 == key }?.1 }
        return nil
    }
}

/// Builds an ordered JSON object with a light syntax: `var o = JSONObject(); o["n"] = .int(3)`.
public struct JSONObject: Sendable {
    public private(set) var pairs: [(String, JSONValue)] = []
    public init() {}
    public init(command: String) { pairs = [("command", .string(command))] }
    public subscript(key: String) -> JSONValue? {
        get { pairs.first { $0.0 == key }?.1 }
        set {
            if let i = pairs.firstIndex(where: { $0.0 == key }) {
                if let v = newValue { pairs[i].1 = v } else { pairs.remove(at: i) }
            } else if let v = newValue {
                pairs.append((key, v))
            }
        }
    }
    public var value: JSONValue { .object(pairs) }
}
