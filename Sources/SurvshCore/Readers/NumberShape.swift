// NumberShape.swift — whether a field is certainly a finite number, and of which kind, from the
// classes of its first 16 bytes, without converting it (the type scan of a lazy load).
//
// Contract:
// - `NumberShape.of(_:delimiter:)` looks at p[0..15] (the caller guarantees 16 readable bytes). It
//   answers `.integer` or `.real` with the field's length only for fields of at most 15 bytes, ended
//   by the delimiter, LF or CR, of exactly one of these forms:
//       [+-]D+                              integer (at most 15 digits: fits Int64)
//       [+-]D+.D+                           real
//       [+-]D+[.D+](e|E)[+-]D{1,2}          real (finite: at most 15 digits times 10^±99)
//   where D is '0'...'9'. Each of these is read by `FastNumber.scanDecimal` as a number of that kind
//   ending at the same byte (its grammar is a superset), so a scan that uses the shape finds the same
//   column types as one that parses (the lazy-load fuzz harness compares the two on every input).
//   Anything else (blanks, quotes, `.5`, `5.`, `1.e5`, long fields, three-digit exponents, NA, Inf)
//   is `.unsure`, and the caller parses the field as before.
// Why: a lazy load (`load FILE lazy=on`) must find every column's type, so it read every number in
//   full (FastNumber.scanDecimal was half of its CPU), only to drop the value. Testing the shape
//   takes a few vector compares and a dozen integer operations on 16-bit masks.
// The same masks do not pay for the full parse: reading the digits from them eight at a time (one
//   load, three multiply-adds) instead of FastNumber.scanDecimal made the eager load of the 10^6-row
//   benchmark file slower, 0.49 against 0.35 s of user CPU (8 interleaved runs, 2026-12-07).

import CSurvshByteClasses

enum NumberShape: Equatable {
    case unsure
    case integer(length: Int)
    case real(length: Int)

    /// The field's length when the shape is certain and a column of `kind` holds it without changing
    /// type: an integer column only integers, any other (a real column) integers and reals.
    @inline(__always)
    func length(in kind: CellKind) -> Int? {
        switch self {
        case .integer(let n): return n
        case .real(let n): return kind == .integer ? nil : n
        case .unsure: return nil
        }
    }

    @inline(__always)
    static func of(_ p: UnsafePointer<UInt8>, delimiter: UInt8) -> NumberShape {
        shape(of: survsh_byte_classes16(p, delimiter))
    }

    /// The shape of a field from its bytes' classes (bit i: byte i).
    @inline(__always)
    static func shape(of k: survsh_byte_classes) -> NumberShape {
        let stop = UInt32(k.stop)
        if stop == 0 { return .unsure }
        let length = stop.trailingZeroBitCount
        let field: UInt32 = (1 &<< UInt32(length)) &- 1
        let other = UInt32(k.nondigit) & field
        let digits = field & ~other
        let lead = UInt32(k.sign) & 1 // an optional sign first
        // the first byte after the sign is a digit (also rules out an empty field and a lone sign)
        if digits & (lead &+ 1) == 0 { return .unsure }
        let rest = other & ~lead
        if rest == 0 { return .integer(length: length) }
        let dot = rest & UInt32(k.dot)
        let exponent = rest & UInt32(k.exponent)
        let sign = rest & UInt32(k.sign)
        // every other byte is one point, one exponent letter and the exponent's sign
        if rest != dot | exponent | sign || dot & (dot &- 1) != 0 || exponent & (exponent &- 1) != 0 { return .unsure }
        // a digit after the point, and the point before the exponent
        if dot != 0 && (digits & (dot &<< 1) == 0 || (exponent != 0 && dot > exponent)) { return .unsure }
        if exponent == 0 { return sign == 0 ? .real(length: length) : .unsure }
        // a digit before the letter; the sign right after it; then one or two digits to the end
        if digits & (exponent &>> 1) == 0 || (sign != 0 && sign != exponent &<< 1) { return .unsure }
        let exponentDigits = field & ~((sign != 0 ? sign &<< 1 : exponent &<< 1) &- 1)
        let beyondTwo = exponentDigits & (exponentDigits &- 1)
        if exponentDigits == 0 || beyondTwo & (beyondTwo &- 1) != 0 { return .unsure }
        return .real(length: length)
    }
}
