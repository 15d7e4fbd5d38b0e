// BackgroundRelease.swift — big values of many small allocations freed on a thread of their own.
//
// Contract: `BackgroundRelease.drop(&value, leaving: empty)` puts `empty` in `value` and frees what
// `value` held on a new thread, provided `value` held the only reference (otherwise the last holder
// frees it, as usual). For what a command is done with but whose freeing is long and cannot poll
// for Ctrl-C: the exportable table of `head 2000000` (2*10^6 rows of cells, a few tenths of a second
// of CPU to free, at the start of the next command) and tvc's dated values (10^7 small arrays, seconds,
// after its last poll). The CPU time is the same; it is spent beside the prompt instead of before it.

import Foundation

public enum BackgroundRelease {
    /// Frees what `value` holds on a new thread, leaving `empty` in its place.
    public static func drop<Value>(_ value: inout Value, leaving empty: Value) {
        let box = Box(value)
        value = empty
        Thread.detachNewThread { box.release() }
    }

    /// Holds the value until `release()` (the box is handed to one thread only).
    private final class Box<Held>: @unchecked Sendable {
        private var held: Held?
        init(_ held: Held) { self.held = held }
        func release() { held = nil }
    }
}
