// ProgressLine.swift — one line on stderr while a slow load runs: `load: 1,234,567 rows, 85.2 MB,
// 42.1 MB/s`, redrawn in place (\r) and erased when the load ends.
//
// Contract: `ProgressLine.run(progress, enabled:) { ... }` runs the body on the calling thread; when
// `enabled`, a helper thread waits `delay` (1 s), then redraws the line every `interval` from the
// counters the reader stores into `progress` (LoadProgress), and erases it (\r and ESC[K) before
// `run` returns, so nothing of it stays on the screen. It writes straight to the terminal's stderr,
// never through the session's sink: it is never in a transcript or in captured output. Who may
// show it is the caller's decision (`Session.showsProgress`: the interactive shell, text format,
// stderr a terminal; `SURVSH_PROGRESS=always|never` overrides the terminal test, for tests).

import Foundation
import Synchronization

public enum ProgressLine {
    /// Where the line goes, the wait before it appears and between redraws (tests change them).
    struct Display: Sendable {
        var delay: Double = 1.0
        var interval: Double = 0.2
        var write: @Sendable (String) -> Void = { _ = FullWrite.write(2, $0) }
    }

    /// Runs `body`; while it runs longer than a second, shows `progress` on stderr when `enabled`.
    public static func run<T>(_ progress: LoadProgress, enabled: Bool, _ body: () throws -> T) rethrows -> T {
        try run(progress, display: enabled ? Display() : nil, body)
    }

    static func run<T>(_ progress: LoadProgress, display: Display?, _ body: () throws -> T) rethrows -> T {
        guard let display else { return try body() }
        let finished = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        let start = DispatchTime.now()
        Thread.detachNewThread {
            var drawn = false
            var wait = display.delay
            while finished.wait(timeout: .now() + wait) == .timedOut {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                display.write("\r" + line(rows: progress.rows, bytes: progress.bytes, seconds: seconds) + clearToEnd)
                drawn = true
                wait = display.interval
            }
            if drawn { display.write("\r" + clearToEnd) }
            stopped.signal()
        }
        defer {
            finished.signal()
            stopped.wait()
        }
        return try body()
    }

    /// ANSI "erase to the end of the line" (also what a ^C echoed after the line leaves behind).
    static let clearToEnd = "\u{1B}[K"

    /// `load: 1,234,567 rows, 85.2 MB, 42.1 MB/s`.
    static func line(rows: Int, bytes: Int, seconds: Double) -> String {
        let mb = Double(bytes) / 1e6
        let rate = seconds > 0 ? mb / seconds : 0
        return "load: \(grouped(rows)) rows, \(String(format: "%.1f", mb)) MB, \(String(format: "%.1f", rate)) MB/s"
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}

extension Session {
    /// Whether a slow command may show a progress line: the interactive shell in text format with
    /// stderr a terminal; `SURVSH_PROGRESS=always` drops the terminal test, `never` turns it off.
    public var showsProgress: Bool {
        guard interactive && settings.format == .text else { return false }
        switch ProcessInfo.processInfo.environment["SURVSH_PROGRESS"] {
        case "always": return true
        case "never": return false
        default: return isatty(2) != 0
        }
    }
}
