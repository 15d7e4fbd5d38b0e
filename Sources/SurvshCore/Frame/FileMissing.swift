// FileMissing.swift — the missing values a Stata, SPSS or SAS file gave a column beyond plain
// system missing, cell by cell, so that `save` can write them back.
//
// Contract: `codes[row]` is 0 for a cell that is not missing or is plain system missing (`.`),
// and k > 0 for `values[k - 1]`: a tag (Stata `.a`-`.z`, SAS `.A`-`.Z` and `._`) or an SPSS
// user-missing value (the number or text the file held under the missing cell). `codes` is empty
// when no cell has one. `declared` is the column's SPSS user-missing declaration (discrete values as
// one-value ranges, and ranges, as the file had them), kept even when no cell is user-missing, so
// that a saved .sav declares what the original did. Readers fill it; `Column.gathering` keeps it in
// step with the rows; a computed or replaced column has none. At most `maxValues` distinct values
// are kept (further ones are plain missing).

import SurvivalStats

public struct FileMissing: Sendable, Equatable {
    /// One kind of non-system missing value.
    public enum Value: Hashable, Sendable {
        /// A tagged missing, `.a` (Stata), `.A` or `._` (SAS).
        case tag(Character)
        /// An SPSS user-missing number (`9`, or `95` in the range 90-99).
        case number(Double)
        /// An SPSS user-missing string.
        case text(String)

        /// The kind `describe` lists: `.a`, `.A`, `._`, `user-missing`.
        public var kind: String {
            if case .tag(let c) = self { return "." + String(c) }
            return "user-missing"
        }
    }

    /// An SPSS column's user-missing declaration.
    public struct Declared: Sendable, Equatable {
        public var numbers: [ClosedRange<Double>] = []
        public var texts: [String] = []
        public var isEmpty: Bool { numbers.isEmpty && texts.isEmpty }
        public init(numbers: [ClosedRange<Double>] = [], texts: [String] = []) {
            self.numbers = numbers
            self.texts = texts
        }
    }

    public static let maxValues = Int(UInt16.max)

    public var codes: [UInt16] = []
    public var values: [Value] = []
    public var declared = Declared()

    public init(codes: [UInt16] = [], values: [Value] = [], declared: Declared = Declared()) {
        self.codes = codes
        self.values = values
        self.declared = declared
    }

    /// The file's missing value of the cell at `row` (nil: not missing, or plain `.`).
    @inline(__always) public func value(at row: Int) -> Value? {
        guard row < codes.count, codes[row] > 0 else { return nil }
        return values[Int(codes[row]) - 1]
    }

    /// The cells at `rows` (a negative index: none); polled by `cancel` (CancellationError once it fires).
    public func gathering(_ rows: [Int], cancel: Cancellation = .never) throws -> FileMissing {
        var copy = self
        if !codes.isEmpty { copy.codes = try cancel.map(count: rows.count) { rows[$0] < 0 || rows[$0] >= codes.count ? 0 : codes[rows[$0]] } }
        return copy
    }
}
