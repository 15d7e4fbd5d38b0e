// TextCollation.swift — the order text levels sort in (reference levels, group order, tables).
//
// Contract (../shared/CONTRACT.md v3):
// - `.r` (the default) is R's order in a UTF-8 locale. R built with ICU (Debian's and CRAN's
//   builds) sorts character vectors with ICU's root collator (`icuGetCollate()` is "root"), so this
//   is the Unicode Collation Algorithm with CLDR root weights, alternate = non-ignorable: compared
//   first by base letters ignoring case and accents, with spaces < punctuation < symbols < digits <
//   letters (`<=20 >50 20-50 a A b B`, `a b < a_b < a-b < ab`, digits one by one: `10 < 9`), then by
//   accents (`e < é`), then by case, lower before upper (`a < A`). Foundation's ICU collator for
//   the root locale computes exactly this; Tests/SurvshCoreTests/Reference/collation.R records R's
//   sort() on clinical level names, every printable ASCII character, Latin-1 letters and random
//   strings mixing every weight class, and TextCollationTests checks survsh against all of it.
//   Strings the collator calls equal (canonically equivalent forms) are ordered by bytes. A set of
//   levels made only of lower-case (or only upper-case) ASCII letters, digits and spaces sorts by
//   bytes directly (the same order, tested against the collator), so 10^5 such levels stay fast.
// - `.c` is byte (UTF-8 code unit) order: R under LC_ALL=C / LC_COLLATE=C (`set collation=c`).

import Foundation
import SurvivalStats

public enum TextCollation: String, Sendable, CaseIterable {
    /// R's UTF-8 locale order (ICU root collation).
    case r
    /// Byte order (R's C locale).
    case c

    /// ICU's root collator (the locale R's icuGetCollate() reports).
    private static let root = Locale(identifier: "root")

    /// Whether `a` sorts before `b`.
    public func precedes(_ a: String, _ b: String) -> Bool {
        switch self {
        case .c:
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        case .r:
            switch a.compare(b, options: [], range: nil, locale: TextCollation.root) {
            case .orderedAscending: return true
            case .orderedDescending: return false
            case .orderedSame: return a.utf8.lexicographicallyPrecedes(b.utf8)
            }
        }
    }

    /// `strings` in this order.
    public func sorted(_ strings: [String]) -> [String] { strings.sorted(by: comparator(for: strings)) }

    /// The comparison to sort `strings` with: bytes when R's order equals byte order on all of them
    /// (only lower-case ASCII letters, digits and spaces, or only upper-case ones: no case or accent
    /// ties to break, and space < digits < letters in both), so large level sets skip the collator.
    public func comparator(for strings: [String]) -> (String, String) -> Bool {
        if self == .c || TextCollation.byteOrderIsR(strings) { return { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        return precedes
    }

    static func byteOrderIsR(_ strings: [String]) -> Bool {
        var cases = Cases.both
        for s in strings where !cases.isEmpty { cases.formIntersection(Cases.of(s)) }
        return !cases.isEmpty
    }

    /// Whether `strings[i]` for every i in `items` sort in this order as their bytes do (`.c`, or
    /// `byteOrderIsR` of them), with Ctrl-C polled (`cancel`: 10^7 levels) and no copy of the strings.
    public func ordersByBytes(_ strings: [String], items: [Int], cancel: Cancellation) throws -> Bool {
        if self == .c { return true }
        var cases = Cases.both
        guard cancel.inBlocks(items.indices, { block in
            for i in block where !cases.isEmpty { cases.formIntersection(Cases.of(strings[items[i]])) }
        }) else { throw CancellationError() }
        return !cases.isEmpty
    }

    /// The single cases a string is written in, for `byteOrderIsR`: lower when it has only lower-case
    /// ASCII letters, digits and spaces; upper likewise; both when only digits and spaces.
    struct Cases: OptionSet {
        let rawValue: UInt8
        static let lower = Cases(rawValue: 1)
        static let upper = Cases(rawValue: 2)
        static let both: Cases = [.lower, .upper]

        static func of(_ s: String) -> Cases {
            var cases = both
            for b in s.utf8 {
                if (b >= 0x30 && b <= 0x39) || b == 0x20 { continue }
                if b >= 0x61 && b <= 0x7A { cases.remove(.upper) } else if b >= 0x41 && b <= 0x5A { cases.remove(.lower) } else { return [] }
                if cases.isEmpty { return [] }
            }
            return cases
        }
    }
}
