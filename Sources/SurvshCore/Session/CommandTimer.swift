// CommandTimer.swift — `set timing=on`: each command's elapsed time, CPU time and peak memory growth,
// as Stata's `set rmsg on`, printed on stderr (`timing: km 12.3 ms, 20.1 ms CPU, +4.1 MB peak`), never
// into stdout, JSON or the transcript.
//
// Contract: `start()` is taken just before a command runs and `line(command:)` just after it has
// printed and been recorded. Elapsed time is wall-clock (the monotonic clock). CPU time is the
// process's user + system time over the command, every thread's (getrusage RUSAGE_SELF): on a machine
// shared with other work it is the number to compare, as the wall clock then counts the waiting too,
// and above the elapsed time it shows the threads' work. Peak memory growth is
// measured, where the system allows it, as Linux's peak resident set size of the process (VmHWM in
// /proc/self/status) after the command minus the resident size (VmRSS) before it, the high-water mark
// having been reset to the current size before the command (`echo 5 > /proc/self/clear_refs`), so each
// command's own peak is seen even below an earlier, larger one. Elsewhere (no /proc, or the reset is
// refused) it is the growth of getrusage's ru_maxrss over the command: 0 unless the command took the
// process to a new peak. `PeakSource` says which one was used.

import Foundation

public struct CommandTimer {
    /// How peak memory growth was measured.
    public enum PeakSource: String, Sendable {
        /// VmHWM after minus VmRSS before, the high-water mark reset first (Linux).
        case resetHighWaterMark = "VmHWM"
        /// growth of getrusage(RUSAGE_SELF).ru_maxrss (a new process peak only).
        case maxResidentGrowth = "ru_maxrss"
    }

    private let started: ContinuousClock.Instant
    private let cpuStarted = ProcessMemory.cpuSeconds()
    private let baseline: UInt64
    public let source: PeakSource

    /// Resets the high-water mark where possible and notes the clock and the memory baseline.
    public static func start() -> CommandTimer {
        if ProcessMemory.resetHighWaterMark(), let rss = ProcessMemory.status("VmRSS") {
            return CommandTimer(started: .now, baseline: rss, source: .resetHighWaterMark)
        }
        return CommandTimer(started: .now, baseline: ProcessMemory.maxResident(), source: .maxResidentGrowth)
    }

    /// Seconds since `start()`.
    public var elapsed: Double {
        let d = ContinuousClock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// CPU seconds (user + system, all threads) the process used since `start()`.
    public var cpu: Double { ProcessMemory.cpuSeconds() - cpuStarted }

    /// Bytes the peak resident size grew by since `start()` (0 when it did not).
    public var peakGrowth: UInt64 {
        let peak: UInt64
        switch source {
        case .resetHighWaterMark: peak = ProcessMemory.status("VmHWM") ?? baseline
        case .maxResidentGrowth: peak = ProcessMemory.maxResident()
        }
        return peak > baseline ? peak - baseline : 0
    }

    /// `timing: km 12.3 ms, 20.1 ms CPU, +4.1 MB peak`: milliseconds with one decimal (seconds past
    /// 10 s), megabytes (10^6 bytes) with one decimal.
    public func line(command: String) -> String {
        func duration(_ s: Double) -> String { s < 10 ? String(format: "%.1f ms", s * 1000) : String(format: "%.2f s", s) }
        return "timing: \(command) \(duration(elapsed)), \(duration(cpu)) CPU, +\(String(format: "%.1f", Double(peakGrowth) / 1e6)) MB peak"
    }
}

/// The process's own memory figures.
enum ProcessMemory {
    /// A `kB` field of /proc/self/status (VmRSS, VmHWM) in bytes; nil where there is no /proc.
    static func status(_ field: String) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kb = UInt64(parts[1]) else { return nil }
            return kb * 1024
        }
        return nil
    }

    /// Resets VmHWM to the current resident size (Linux 4.0+); false where that is not possible.
    static func resetHighWaterMark() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// getrusage(RUSAGE_SELF), zeroes when it fails.
    static func usage() -> rusage {
        var usage = rusage()
        #if os(Linux)
        let who = RUSAGE_SELF.rawValue
        #else
        let who = RUSAGE_SELF
        #endif
        return getrusage(who, &usage) == 0 ? usage : rusage()
    }

    /// User + system CPU seconds of every thread of the process so far.
    static func cpuSeconds() -> Double {
        let u = usage()
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// getrusage's ru_maxrss in bytes (kilobytes on Linux, bytes on macOS).
    static func maxResident() -> UInt64 {
        let u = usage()
        #if os(macOS)
        return UInt64(max(0, u.ru_maxrss))
        #else
        return UInt64(max(0, u.ru_maxrss)) * 1024
        #endif
    }
}
