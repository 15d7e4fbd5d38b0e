// DataFrame.swift — the in-memory table: named typed columns of equal length.
//
// Contract: column names are unique (readers make them so); all columns have `rowCount` cells.
// Row selection (filters) lives in the Session as indices over these rows, so filtering never
// copies column data.
// A lazy load (`load FILE lazy=on`) leaves columns `pending`: known by name and type, parsed when
// a command first needs them (`Session.materialize`), and put back at their place in file order.
// Only commands that neither add, drop nor reorder columns run while columns are pending (see
// `CommandSpec.columnUse`), so the columns present are always in file order, before any other.

public struct DataFrame: Sendable {
    public private(set) var columns: [Column]
    public private(set) var rowCount: Int
    /// Where the data came from (a path), for messages.
    public var source: String?
    /// The columns of a lazy load not parsed yet; nil when every column is present.
    public private(set) var pending: PendingColumns?

    public init(columns: [Column] = [], source: String? = nil) {
        self.columns = columns
        self.rowCount = columns.first?.count ?? 0
        self.source = source
    }

    /// A frame of a lazy load: every column pending.
    public init(lazy read: LazyTableRead, source: String?) {
        columns = []
        rowCount = read.rowCount
        self.source = source
        pending = read.names.isEmpty ? nil : PendingColumns(table: read.table, order: read.names, names: read.names)
    }

    /// Puts parsed pending columns in their places (file order) and forgets them as pending.
    public mutating func materialize(_ parsed: [Column]) {
        guard var p = pending else { return }
        let rank = Dictionary(uniqueKeysWithValues: p.order.enumerated().map { ($1, $0) })
        for column in parsed {
            guard let r = rank[column.name], p.names.contains(column.name) else { continue }
            precondition(column.count == rowCount, "DataFrame.materialize: length mismatch")
            let at = columns.firstIndex { (rank[$0.name] ?? Int.max) > r } ?? columns.count
            columns.insert(column, at: at)
            p.names.removeAll { $0 == column.name }
        }
        pending = p.names.isEmpty ? nil : p
    }

    /// Whether `name` can name a column in commands and formulas: letters, digits, '.' and '_',
    /// not starting with a digit (R's rule for syntactic names, as `ph.ecog`).
    public static func isValidName(_ name: String) -> Bool {
        guard let f = name.first, f.isLetter || f == "." || f == "_" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
    }

    public var isEmpty: Bool { columns.isEmpty && pending == nil }
    public var names: [String] { columns.map(\.name) }
    /// The names of the columns present and pending (in file order while any is pending).
    public var allNames: [String] { pending?.order ?? names }

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

/// The columns of a lazy load a frame does not hold yet, and where they come from.
public struct PendingColumns: Sendable {
    public let table: LazyCSVTable
    /// Every column of the load, in file order.
    public let order: [String]
    /// The ones not parsed yet, in file order.
    public fileprivate(set) var names: [String]

    /// The pending columns whose name occurs in `text` (a command line; conservative: as a substring),
    /// or all of them when the text has a `.` standing alone (a formula's "every other column").
    public func named(in text: String) -> [String] {
        let words = text.split { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") }
        if words.contains(".") { return names }
        return names.filter { text.contains($0) }
    }
}
