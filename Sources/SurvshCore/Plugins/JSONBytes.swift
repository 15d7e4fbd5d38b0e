// JSONBytes.swift — a hand-written JSON writer into a byte buffer, for requests to plugins.
//
// Contract: appends JSON tokens to `bytes` (UTF-8) with no intermediate objects, so a request that
// carries 10^6 rows is written at memory speed (no [Any], no JSONSerialization). Numbers: whole
// values of magnitude below 2^53 are written as integers, others with Swift's shortest round-trip
// form; NaN and ±infinity are written as null (JSON has no such numbers). Strings are escaped as
// RFC 8259 requires (quote, backslash and control characters); the writer never emits a raw newline,
// so a message is always one line.

public struct JSONBytes {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    @inline(__always) public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always) public mutating func byte(_ b: UInt8) { bytes.append(b) }

    public mutating func null() { raw("null") }
    public mutating func bool(_ b: Bool) { if b { raw("true") } else { raw("false") } }

    /// A key and its colon: `"name":`.
    public mutating func key(_ k: String) { string(k); byte(UInt8(ascii: ":")) }

    public mutating func int(_ v: Int64) {
        if v == 0 { byte(UInt8(ascii: "0")); return }
        var u = v.magnitude
        if v < 0 { byte(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                     UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            let d = buf.bindMemory(to: UInt8.self)
            while u > 0 { d[n] = UInt8(u % 10) + UInt8(ascii: "0"); u /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { bytes.append(d[i]) }
        }
    }

    public mutating func number(_ x: Double) {
        if !x.isFinite { null(); return }
        if x == x.rounded(), abs(x) < 9_007_199_254_740_992 { int(Int64(x)); return }
        bytes.append(contentsOf: x.description.utf8)
    }

    public mutating func string(_ s: String) {
        byte(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                byte(hex[Int(b >> 4)]); byte(hex[Int(b & 15)])
            default: byte(b)
            }
        }
        byte(UInt8(ascii: "\""))
    }

    /// The bytes a `string(s)` call would append (for text levels written once per row).
    public static func encoded(_ s: String) -> [UInt8] {
        var w = JSONBytes(capacity: s.utf8.count + 2)
        w.string(s)
        return w.bytes
    }

    /// A JSONValue (small parts of a request: settings, options).
    public mutating func value(_ v: JSONValue) {
        bytes.append(contentsOf: v.serialized().utf8)
    }
}
