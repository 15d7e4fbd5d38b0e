// DataFrame.swift — the in-memory table: named typed columns of equal length.
//
// Contract: column names are unique (readers make them so); all columns have `rowCount` cells.
// Row selection (filters) lives in the Session as indices over these rows, so filtering never
// copies column data.

public struct DataFrame: Sendable {
    public private(set) var columns: [Column]
    public private(set) var rowCount: Int
    /// Where the data came from (a path), for messages.
    public var source: String?

    public init(columns: [Column] = [], source: String? = nil) {
        self.columns = columns
        self.rowCount = columns.first?.count ?? 0
        self.source = source
    }

    /// Whether `name` can name a column in commands and formulas: letters, digits, '.' and '_',
    /// not starting with a digit (R's rule for syntactic names, as `ph.ecog`).
    public static func isValidName(_ name: String) -> Bool {
        guard let f = name.first, f.isLetter || f == "." || f == "_" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
    }

    public var isEmpty: Bool { columns.isEmpty }
    public var names: [String] { columns.map(\.name) }

    public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }
    public func column(_ name: String) -> Column? { index(of: name).map { columns[$0] } }

    public mutating func append(_ column: Column) {
        precondition(columns.isEmpty || column.count == rowCount, "DataFrame.append: length mismatch")
        if columns.isEmpty { rowCount = column.count }
        columns.append(column)
    }

    public mutating func replace(_ column: Column) {
        if let i = index(of: column.name) { columns[i] = column } else { append(column) }
    }

    public mutating func remove(_ name: String) {
        columns.removeAll { $0.name == name }
    }

    public mutating func rename(_ old: String, to new: String) {
        if let i = index(of: old) { columns[i].name = new }
    }

    /// Keeps only the named columns, in the given order.
    public mutating func keep(_ names: [String]) {
        columns = names.compactMap { n in columns.first { $0.name == n } }
    }
}
