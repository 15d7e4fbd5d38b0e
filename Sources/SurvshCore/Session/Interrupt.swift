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

    /// Called from the SIGINT handler (async-signal-safe: one atomic store).
    public static func raise() { flag.store(true, ordering: .relaxed) }
    public static func clear() { flag.store(false, ordering: .relaxed) }
    public static var isRaised: Bool { flag.load(ordering: .relaxed) }

    /// A Cancellation that fires once Ctrl-C is pressed, for one computation (a new one each time:
    /// a Cancellation stays fired).
    public static var cancellation: Cancellation { Cancellation { Interrupt.isRaised } }

    /// For loops that cannot throw (drawing a figure): true at every `Cancellation.stride`-th
    /// iteration once Ctrl-C was pressed; the loop stops short and its caller then calls `check`.
    @inline(__always) public static func stops(at i: Int) -> Bool { i & (Cancellation.stride - 1) == 0 && isRaised }

    /// Throws `interrupted` when Ctrl-C was pressed since the command started.
    public static func check(_ command: String) throws {
        if isRaised { throw SurvshError(.interrupted, command: command, "interrupted") }
    }
}
