// PollTrace.swift — the measurement behind "Ctrl-C within 0.2 s" that does not depend on how busy
// the machine is: the longest stretch of CPU time a thread spends between two polls.
//
// Contract
//   Compiled in only with -DSURVSH_POLL_TRACE (bench/poll_gaps.sh builds survsh so); otherwise every
//   entry point is an empty inline function. In the trace build:
//   - `poll()` is called by the shell's one place that answers "was Ctrl-C pressed?"
//     (`Interrupt.isRaised`), so every poll that can stop a command is seen, whatever wrapper
//     (Cancellation, Interrupt.check, Interrupt.stops) reached it; a poll while Ctrl-C is masked
//     (`Interrupt.ignored`) cannot stop anything and does not call it. It reads the calling thread's CPU
//     clock (CLOCK_THREAD_CPUTIME_ID) and records the CPU time since that thread's previous poll;
//     at a new largest gap it keeps the return addresses of the poll that ended it (a few frames,
//     image-relative, which bench/poll_gaps.sh turns into file:line with llvm-symbolizer).
//   - `beginCommand()` (the session, before a command) forgets the last command's gaps and starts
//     the calling thread's clock; `endCommand()` ends the calling thread's last stretch (the time
//     from the last poll to the prompt counts: a Ctrl-C there is only seen when the command ends)
//     and returns one line for stderr.
//   - Worker threads: a thread's CPU clock starts at zero, so a new thread's first stretch is
//     measured from its start; `workerBegin()`/`workerEnd(tag)` bracket a pooled worker's share of
//     the work (Parallelism.forEach, the gzip inflating thread), so its last stretch (from its last
//     poll to its end, while the caller waits) is recorded as well, and an earlier job's CPU time is
//     not charged to the next. CPU time spent waiting does not count, so a caller blocked on its
//     workers shows a short gap while the workers' own gaps carry the work.
//   Cost in the trace build: one clock_gettime per poll (about 0.3 µs; polls come every 2^14 rows).

#if SURVSH_POLL_TRACE
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
#endif

public enum PollTrace {
    #if SURVSH_POLL_TRACE
    /// Whether this build traces polls.
    public static let enabled = true

    /// The largest gap so far in this command (ns of thread CPU time) and where it ended.
    private struct Largest: Sendable {
        var gap: UInt64 = 0
        var addresses: [String] = []
        var tag: String?
    }
    private static let largest = Mutex(Largest())
    /// A copy of `largest.gap` read without the lock (a gap below it is not recorded).
    private static let largestGap = Atomic<UInt64>(0)
    private static let polls = Atomic<Int>(0)
    private static let processStart = Atomic<UInt64>(0)
    /// The thread's CPU clock at its previous poll (per thread; nil until the thread's first poll,
    /// which is then measured from the thread's start).
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private static func clock(_ id: clockid_t) -> UInt64 {
        var ts = timespec()
        clock_gettime(id, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// This thread's CPU clock at its previous poll.
    private static var last: UnsafeMutablePointer<UInt64> {
        if let p = pthread_getspecific(key) { return p.assumingMemoryBound(to: UInt64.self) }
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        p.initialize(to: 0)
        pthread_setspecific(key, p)
        return p
    }

    /// A poll on this thread: records the CPU time since the thread's previous poll.
    @inline(never) public static func poll() { mark(tag: nil) }

    @inline(never) private static func mark(tag: String?) {
        let now = clock(CLOCK_THREAD_CPUTIME_ID)
        let slot = last
        let gap = now &- slot.pointee
        slot.pointee = now
        polls.add(1, ordering: .relaxed)
        guard gap > largestGap.load(ordering: .relaxed) else { return }
        // Frames 0-1 are mark and poll; the next few hold the poll site (inlined frames resolve to
        // their file:line in the script).
        let frames = tag == nil ? Thread.callStackReturnAddresses.dropFirst(2).prefix(8).map { imageRelative($0.uintValue) } : []
        largest.withLock {
            guard gap > $0.gap else { return }
            $0 = Largest(gap: gap, addresses: frames, tag: tag)
            largestGap.store(gap, ordering: .relaxed)
        }
    }

    /// The mapped files of this process (start, end, file), from /proc/self/maps, read once.
    private static let mappings: [(start: UInt, end: UInt, base: UInt, file: String)] = {
        guard let text = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return [] }
        var base: [String: UInt] = [:]
        var out: [(start: UInt, end: UInt, base: UInt, file: String)] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 6, f[5].hasPrefix("/") else { continue }
            let range = f[0].split(separator: "-")
            guard range.count == 2, let lo = UInt(range[0], radix: 16), let hi = UInt(range[1], radix: 16),
                  let offset = UInt(f[2], radix: 16) else { continue }
            let file = String(f[5])
            if base[file] == nil { base[file] = lo - offset }
            out.append((lo, hi, base[file]!, file))
        }
        return out
    }()

    /// "file+0xoffset" of a code address (the offset llvm-symbolizer takes for a PIE image).
    private static func imageRelative(_ address: UInt) -> String {
        guard let m = mappings.first(where: { $0.start <= address && address < $0.end }) else { return "0x" + String(address, radix: 16) }
        // A return address points after the call: step back one byte so the call's line is reported.
        return m.file + "+0x" + String(address - m.base - 1, radix: 16)
    }

    /// Before a command: forgets the last command's gaps and starts this thread's stretch now.
    public static func beginCommand() {
        largest.withLock { $0 = Largest() }
        largestGap.store(0, ordering: .relaxed)
        polls.store(0, ordering: .relaxed)
        processStart.store(clock(CLOCK_PROCESS_CPUTIME_ID), ordering: .relaxed)
        last.pointee = clock(CLOCK_THREAD_CPUTIME_ID)
    }

    /// After a command: its last stretch (to the prompt) counts; one line for stderr:
    /// `poll-trace: COMMAND cpu=S polls=N gap=S at=FRAME,FRAME,...` (or `tag=TEXT`).
    public static func endCommand(_ command: String) -> String {
        mark(tag: "end of command (after its last poll)")
        let cpu = Double(clock(CLOCK_PROCESS_CPUTIME_ID) &- processStart.load(ordering: .relaxed)) / 1e9
        let l = largest.withLock { $0 }
        let place = l.tag.map { "tag=" + $0 } ?? "at=" + l.addresses.joined(separator: ",")
        return "poll-trace: \(command) cpu=\(cpu) polls=\(polls.load(ordering: .relaxed)) gap=\(Double(l.gap) / 1e9) \(place)"
    }

    /// A pooled worker thread takes a share of the work: its stretch starts now.
    public static func workerBegin() { last.pointee = clock(CLOCK_THREAD_CPUTIME_ID) }

    /// The worker's share is done: the stretch since its last poll counts (the caller waited for it).
    public static func workerEnd(_ tag: String) { mark(tag: tag) }
    #else
    public static let enabled = false
    @inlinable @inline(__always) public static func poll() {}
    @inlinable @inline(__always) public static func beginCommand() {}
    @inlinable @inline(__always) public static func endCommand(_ command: String) -> String { "" }
    @inlinable @inline(__always) public static func workerBegin() {}
    @inlinable @inline(__always) public static func workerEnd(_ tag: String) {}
    #endif
}
