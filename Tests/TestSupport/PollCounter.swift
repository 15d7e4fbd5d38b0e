// PollCounter.swift — for tests only: a Cancellation that counts its polls and fires from poll
// `firesAt` on (nil: never), so a test can check that a loop polls, and that it stops at any poll.
// One copy for every test target (they had three).

import Synchronization
import SurvivalStats

public final class PollCounter: Sendable {
    private let polls = Atomic<Int>(0)
    public let firesAt: Int?
    public init(firesAt: Int?) { self.firesAt = firesAt }
    /// The polls so far.
    public var count: Int { polls.load(ordering: .relaxed) }
    public var cancellation: Cancellation {
        Cancellation { [self] in
            let k = polls.add(1, ordering: .relaxed).newValue
            return firesAt.map { k >= $0 } ?? false
        }
    }
}
