// DerivedDataCache.swift — values computed from the data (complete cases, group codes, the time
// order of the rows) kept between commands while the data and the filters are unchanged.
//
// Contract: the session's `dataVersion` goes up on every change of the frame (the `didSet` of
// Session.frame: the one place every load, generate, replace, drop, keep, rename, relevel, split, tvc,
// back, ... goes through) and on every change of the filter stack (filter, unfilter, filter drop, back)
// that changes the active rows: the cached values depend on the frame's columns and the active rows
// only, so a filter that keeps every active row keeps them. An entry is
// stored with the version it was computed at and is found only while the version is the same; the
// first lookup at a new version drops every entry. A key names the kind of value and everything
// else it depends on: the columns it reads with their roles, and settings such as the collation.
// Values whose columns are not all the frame's own (a formula's `status == 2` or `runif()` column,
// recomputed for each command) are never cached. Entries are kept only up to `budget` bytes, so a
// very large data set is not held twice. `enabled = false` turns the cache off (tests compare).

import Foundation

public final class DerivedDataCache: @unchecked Sendable {
    /// What a value is (`kind`) and everything besides the data it depends on (`parts`).
    public struct Key: Hashable, Sendable {
        public var kind: String
        public var parts: [String]
        public init(_ kind: String, _ parts: [String]) { self.kind = kind; self.parts = parts }
    }

    private var version: UInt64 = 0
    private var entries: [Key: (value: any Sendable, bytes: Int)] = [:]
    private var storedBytes = 0
    /// Largest total size kept (bytes): a quarter of the memory available when the session started,
    /// at most 2 GB.
    public var budget: Int = Int(min(2_000_000_000, (SystemMemory.available() ?? 4_000_000_000) / 4))
    /// When false nothing is stored or found (every command computes afresh).
    public var enabled = true
    /// Lookups answered from the cache and lookups that computed, since the session started.
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init() {}

    /// Total size of the entries now held (bytes).
    public var bytes: Int { storedBytes }

    /// The value for `key` at data version `version`: the stored one, or `make()`'s (stored when it
    /// fits in the budget; `size` estimates its bytes).
    func value<T: Sendable>(_ key: Key, version: UInt64, size: (T) -> Int, make: () throws -> T) rethrows -> T {
        guard enabled else { return try make() }
        if version != self.version {
            entries = [:]
            storedBytes = 0
            self.version = version
        }
        if let e = entries[key], let v = e.value as? T {
            hits += 1
            return v
        }
        misses += 1
        let v = try make()
        let b = size(v)
        if storedBytes + b <= budget {
            entries[key] = (v, b)
            storedBytes += b
        }
        return v
    }

    /// Drops every entry (the counters stay).
    public func clear() {
        entries = [:]
        storedBytes = 0
    }
}

extension Session {
    /// The cached value of `kind` over `columns` (the frame columns it reads, in their roles' order)
    /// and `parts` (settings and options it depends on), or `make()`'s, stored for later commands
    /// while the data and filters stay as they are. A column that is not the frame's own (a formula
    /// expression's column) makes it compute every time.
    public func cached<T: Sendable>(_ kind: String, columns: [String], parts: [String] = [], size: (T) -> Int,
                                    make: () throws -> T) rethrows -> T {
        guard columns.allSatisfy({ frame.index(of: $0) != nil }) else { return try make() }
        return try derivedCache.value(DerivedDataCache.Key(kind, columns + ["|"] + parts), version: dataVersion,
                                      size: size, make: make)
    }
}
