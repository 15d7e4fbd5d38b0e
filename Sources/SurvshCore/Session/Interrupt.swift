// Interrupt.swift — the flag Ctrl-C sets while a command runs.
//
// The signal handler only stores into an atomic; long computations call `Interrupt.check(_:)` at
// safe points and unwind with an `interrupted` error, so the shell stays usable.

import Synchronization

public enum Interrupt {
    static let flag = Atomic<Bool>(false)

    /// Called from the SIGINT handler (async-signal-safe: one atomic store).
    public static func raise() { flag.store(true, ordering: .relaxed) }
    public static func clear() { flag.store(false, ordering: .relaxed) }
    public static var isRaised: Bool { flag.load(ordering: .relaxed) }

    /// Throws `interrupted` when Ctrl-C was pressed since the command started.
    public static func check(_ command: String) throws {
        if isRaised { throw SurvshError(.interrupted, command: command, "interrupted") }
    }
}
