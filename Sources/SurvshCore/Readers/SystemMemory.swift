// SystemMemory.swift — how much memory the system can give a load without swapping.
//
// Contract: `available()` is Linux's MemAvailable (from /proc/meminfo, in bytes): the memory that can
// be allocated without swapping; nil where it cannot be read (other systems), and then no limit is
// applied. `require(bytes:for:command:)` refuses an allocation larger than that with a data error that
// says how much was needed and how much is there.

import Foundation

public enum SystemMemory {
    public static func available() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kb = UInt64(fields[1]) else { return nil }
            return kb * 1024
        }
        return nil
    }

    /// "1.23 GB", "24 KB": three significant digits in the largest unit that leaves at least 1.
    static func gigabytes(_ b: UInt64) -> String {
        let (scale, unit): (Double, String) = b >= 1_000_000_000 ? (1e9, "GB") : (b >= 1_000_000 ? (1e6, "MB") : (1e3, "KB"))
        return NumberFormat.significant(Double(b) / scale, digits: 3) + " " + unit
    }

    /// Why `rows` x `columns` cells of 8 bytes do not fit in `budget` bytes ("need 24 KB of memory
    /// (8 bytes a cell), but 10 KB are available"), or nil when they fit: the readers' refusal of a
    /// file too large to load, before anything is allocated.
    static func tooLarge(rows: Int, columns: Int, budget: UInt64) -> String? {
        let (needed, overflow) = UInt64(max(0, rows)).multipliedReportingOverflow(by: UInt64(max(0, columns)) * 8)
        guard overflow || needed > budget else { return nil }
        return "need \(overflow ? "more than 10^19 bytes" : gigabytes(needed)) of memory (8 bytes a cell), but \(gigabytes(budget)) are available"
    }

    /// Throws when `count` values of 8 bytes (`what`, e.g. "a model matrix of 1000000 rows x 999999
    /// columns") would not fit in the memory available now.
    public static func require(values count: (Int, Int), what: String, command: String, budget: UInt64? = nil) throws {
        guard let available = budget ?? available() else { return }
        let (cells, overflow) = UInt64(max(0, count.0)).multipliedReportingOverflow(by: UInt64(max(0, count.1)))
        let (bytes, overflow8) = cells.multipliedReportingOverflow(by: 8)
        guard overflow || overflow8 || bytes > available else { return }
        throw SurvshError.data(command, "\(what) would need \(overflow || overflow8 ? "more than 10^19 bytes" : gigabytes(bytes)) of memory, "
                               + "but \(gigabytes(available)) are available", expected: "fewer levels or rows")
    }
}
