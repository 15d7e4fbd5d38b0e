// PluginProcess.swift — one running plugin program and the JSON Lines pipe to it (issue 10).
//
// Contract: `start` spawns the program (posix_spawnp, its own process group so the terminal's
// Ctrl-C reaches only survsh, which then stops the plugin itself) with stdin, stdout and stderr on
// pipes. `exchange` writes a message and waits for one line on stdout in a single poll(2) loop: it
// writes the request as the pipe takes it (never blocking, so a plugin that talks on stderr while
// reading a large request cannot deadlock us), reads stdout up to the next `\n`, and hands every
// complete stderr line to `stderrLine`. The wait ends with a line, or throws when the program
// exits, the deadline passes, or `interrupted()` turns true (polled every 50 ms): the caller then
// `kill`s the process. SIGPIPE is blocked on the writing thread while writing (a plugin that
// exits early makes the write fail with EPIPE, never kills survsh).

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a wait for a plugin's line ended without one.
enum PluginWaitError: Error {
    /// The process exited (status as waitpid reports it) or closed stdout.
    case exited(String)
    case timedOut
    case interrupted
    /// A line longer than the limit without a newline.
    case overlong
}

final class PluginProcess {
    let pid: pid_t
    private var input: Int32
    private var output: Int32
    private var errors: Int32
    private var outBuffer: [UInt8] = []
    private var errBuffer: [UInt8] = []
    private(set) var exitDescription: String?

    /// A reply line longer than this (1 GiB) is refused.
    static let maxLine = 1 << 30

    /// Starts `argv` with `environment` added to survsh's own.
    init(argv: [String], environment: [String: String]) throws {
        var fds: [[Int32]] = []
        for _ in 0..<3 {
            var p: [Int32] = [0, 0]
            guard pipe(&p) == 0 else { throw ManifestError("cannot create a pipe: \(String(cString: strerror(errno)))") }
            fds.append(p)
        }
        // child ends: stdin reads fds[0][0], stdout writes fds[1][1], stderr writes fds[2][1]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[2][1], 2)
        for p in fds { for fd in p { posix_spawn_file_actions_addclose(&actions, fd) } }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, argv[0], &actions, &attr, cArgs, cEnv)
        close(fds[0][0]); close(fds[1][1]); close(fds[2][1])
        guard rc == 0 else {
            close(fds[0][1]); close(fds[1][0]); close(fds[2][0])
            throw ManifestError("cannot start '\(argv[0])': \(String(cString: strerror(rc)))")
        }
        pid = child
        input = fds[0][1]
        output = fds[1][0]
        errors = fds[2][0]
        for fd in [input, output, errors] {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        #if canImport(Darwin)
        _ = fcntl(input, F_SETNOSIGPIPE, 1)   // macOS: EPIPE instead of SIGPIPE on this pipe
        #endif
    }

    deinit { kill() }

    /// Writes `message` (a complete line) and waits for the next stdout line.
    func exchange(_ message: [UInt8], deadline: Date, interrupted: () -> Bool,
                  stderrLine: (String) -> Void) throws(PluginWaitError) -> [UInt8] {
        var written = 0
        var stdoutOpen = true, stderrOpen = errors >= 0
        while true {
            if let line = takeLine(from: &outBuffer) { return line }
            if outBuffer.count > Self.maxLine { throw .overlong }
            if !stdoutOpen {
                flushStderr(stderrLine, final: true)
                throw .exited(reap(wait: true))
            }
            if interrupted() { throw .interrupted }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw .timedOut }
            var polls = [pollfd(fd: output, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: stderrOpen ? errors : -1, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: written < message.count ? input : -1, events: Int16(POLLOUT), revents: 0)]
            let r = poll(&polls, 3, Int32(min(50, max(1, remaining * 1000))))
            if r < 0 && errno != EINTR { throw .exited("poll failed: \(String(cString: strerror(errno)))") }
            if r <= 0 { continue }
            if polls[2].revents != 0 {
                if polls[2].revents & Int16(POLLOUT) != 0 {
                    let n = Self.writeIgnoringSIGPIPE(input, message, from: written)
                    if n > 0 { written += n } else if n < 0 && errno != EAGAIN && errno != EINTR { written = message.count }
                } else {
                    written = message.count   // the plugin closed its stdin: what it answers decides
                }
            }
            if polls[1].revents != 0 {
                if !drain(errors, into: &errBuffer) { stderrOpen = false }
                flushStderr(stderrLine, final: !stderrOpen)
            }
            if polls[0].revents != 0, !drain(output, into: &outBuffer) { stdoutOpen = false }
        }
    }

    /// Reads what the fd holds into `buffer`; false at end of file (or a read error).
    private func drain(_ fd: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]); if n < 65536 { return true }; continue }
            if n == 0 { return false }
            return errno == EAGAIN || errno == EINTR
        }
    }

    private func takeLine(from buffer: inout [UInt8]) -> [UInt8]? {
        guard let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = Array(buffer[..<nl])
        buffer.removeSubrange(...nl)
        return line
    }

    private func flushStderr(_ handler: (String) -> Void, final: Bool) {
        while let line = takeLine(from: &errBuffer) { handler(String(decoding: line, as: UTF8.self)) }
        if final && !errBuffer.isEmpty {
            handler(String(decoding: errBuffer, as: UTF8.self))
            errBuffer = []
        }
    }

    /// write(2) with SIGPIPE blocked on this thread; a SIGPIPE raised by it is consumed.
    private static func writeIgnoringSIGPIPE(_ fd: Int32, _ bytes: [UInt8], from offset: Int) -> Int {
        var block = sigset_t(), old = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &block, &old)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, min($0.count - offset, 1 << 20)) }
        let saved = errno
        #if os(Linux)
        if n < 0 && saved == EPIPE {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&block, nil, &zero)
            }
        }
        #endif
        pthread_sigmask(SIG_SETMASK, &old, nil)
        errno = saved
        return n
    }

    /// Whether the process still runs.
    var isRunning: Bool {
        guard exitDescription == nil else { return false }
        return reap(wait: false).isEmpty
    }

    /// Collects the exit status; "" when still running and `wait` is false.
    @discardableResult
    private func reap(wait: Bool) -> String {
        if let d = exitDescription { return d }
        var status: Int32 = 0
        let r = waitpid(pid, &status, wait ? 0 : WNOHANG)
        if r == 0 { return "" }
        let d: String
        if r < 0 {
            d = "exited"
        } else if status & 0x7f == 0 {
            d = "exited with status \((status >> 8) & 0xff)"
        } else {
            d = "was killed by signal \(status & 0x7f)"
        }
        exitDescription = d
        return d
    }

    /// Sends `{"type":"bye"}` (best effort: the pipe takes a short line at once) and `stop`s.
    func sayBye(grace: Double) {
        if input >= 0 { _ = Self.writeIgnoringSIGPIPE(input, Array("{\"type\":\"bye\"}\n".utf8), from: 0) }
        stop(grace: grace)
    }

    /// Closes stdin (the polite end), waits up to `grace` seconds, then SIGTERM, SIGKILL after 0.5 s.
    func stop(grace: Double) {
        closeFD(&input)
        let end = Date().addingTimeInterval(grace)
        while isRunning && Date() < end { usleep(10_000) }
        kill()
    }

    /// SIGTERM to the process group, SIGKILL after 0.5 s; reaps the child and closes the pipes.
    func kill() {
        if exitDescription == nil {
            signalGroup(SIGTERM)
            let end = Date().addingTimeInterval(0.5)
            while isRunning && Date() < end { usleep(5_000) }
            if exitDescription == nil {
                signalGroup(SIGKILL)
                reap(wait: true)
            }
        }
        closeFD(&input); closeFD(&output); closeFD(&errors)
    }

    /// Sends `signal` to the plugin's process group (the program and anything it started).
    private func signalGroup(_ signal: Int32) {
        #if canImport(Glibc)
        _ = Glibc.kill(-pid, signal)
        #else
        _ = Darwin.kill(-pid, signal)
        #endif
    }

    private func closeFD(_ fd: inout Int32) {
        if fd >= 0 { close(fd); fd = -1 }
    }
}
