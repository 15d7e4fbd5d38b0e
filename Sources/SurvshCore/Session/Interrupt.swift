// Interrupt.swift — the flag Ctrl-C sets while a command runs.
//
// The signal handler only stores into an atomic; long computations call `Interrupt.check(_:)` at
// safe points and unwind with an `interrupted` error, so the shell stays usable. The numerics
// (SurvivalStats) know nothing of the shell: they are handed `Interrupt.cancellation`, which they
// poll every 2^14 rows of their hot loops, and throw CancellationError (Session.execute treats it
// as `interrupted`).

import SurvivalStats
import Synchronization

public enum Interrupt {
    static let flag = Atomic<Bool>(false)
    /// While set (`ignored`), Ctrl-C is not seen: the command has changed the session and must finish.
    static let masked = Atomic<Bool>(false)

    /// Called from the SIGINT handler (async-signal-safe: one atomic store).
    public static func raise() { flag.store(true, ordering: .relaxed) }
    public static func clear() { flag.store(false, ordering: .relaxed) }
    /// Every poll for Ctrl-C ends here (the trace build, -DSURVSH_POLL_TRACE, times the stretches
    /// between them: PollTrace). A poll while Ctrl-C is masked (`ignored`) cannot stop anything, so
    /// the trace does not see it: the stretch goes on until the next poll that could.
    public static var isRaised: Bool {
        if masked.load(ordering: .relaxed) { return false }
        PollTrace.poll()
        return flag.load(ordering: .relaxed)
    }

    /// Runs `body` with Ctrl-C unseen by every poll: for the work a command does after it changed
    /// the session (the new rows are in; their summary must follow), where stopping would leave the
    /// change without its output and transcript line. A Ctrl-C meanwhile is forgotten, as one after
    /// a command's last poll.
    public static func ignored<T>(_ body: () throws -> T) rethrows -> T {
        masked.store(true, ordering: .relaxed)
        defer { masked.store(false, ordering: .relaxed) }
        return try body()
    }

    /// A Cancellation that fires once Ctrl-C is pressed, for one computation (a new one each time:
    /// a Cancellation stays fired).
    public static var cancellation: Cancellation { Cancellation { Interrupt.isRaised } }

    /// For loops that cannot throw (drawing a figure): true at every `Cancellation.stride`-th
    /// iteration once Ctrl-C was pressed; the loop stops short and its caller then calls `check`.
    @inline(__always) public static func stops(at i: Int) -> Bool { i & (Cancellation.stride - 1) == 0 && isRaised }

    /// For loops that may throw: `try Interrupt.check(command, at: i)` polls at every
    /// `Cancellation.stride`-th iteration (a mask test otherwise).
    @inline(__always) public static func check(_ command: String, at i: Int) throws {
        if stops(at: i) { throw SurvshError(.interrupted, command: command, "interrupted") }
    }

    /// Throws `interrupted` when Ctrl-C was pressed since the command started.
    public static func check(_ command: String) throws {
        if isRaised { throw SurvshError(.interrupted, command: command, "interrupted") }
    }
}
