// RandomStream.swift — the session's stream of random numbers for runif(), rnorm(), ... in
// expressions: one xoshiro256** generator (SurvivalStats.Xoshiro256StarStar), reseeded by
// `set seed=N`. Until a seed is set the stream starts from the system's random source, and commands
// that draw from it warn that their numbers cannot be reproduced.

import SurvivalStats

public final class RandomStream: @unchecked Sendable {
    /// The seed last set with `set seed=N` (nil: the stream was started from the system's source).
    public private(set) var seed: UInt64?
    var generator: Xoshiro256StarStar

    public init() {
        var system = SystemRandomNumberGenerator()
        generator = Xoshiro256StarStar(seed: system.next())
    }

    /// Restarts the stream: the same seed gives the same numbers on every platform.
    public func reseed(_ seed: UInt64) {
        self.seed = seed
        generator = Xoshiro256StarStar(seed: seed)
    }

    /// The largest seed: 2^53 − 1, so every seed is written exactly as a number.
    public static let maxSeed = 9_007_199_254_740_991.0

    /// Reseeds from a seed as typed (`set seed=N`, `simulate ... seed=N`): a whole number 0...2^53 − 1.
    public func reseed(parsing text: String, command: String) throws {
        guard let x = Double(text), x >= 0, x == x.rounded(), x <= RandomStream.maxSeed else {
            throw SurvshError.usage(command, "seed must be a whole number from 0 to 9007199254740991, not '\(text)'",
                                    expected: "seed=42")
        }
        reseed(UInt64(x))
    }

    /// The seed and the generator's position, saved and put back by a session snapshot.
    struct State { var seed: UInt64?; var generator: Xoshiro256StarStar }
    var state: State {
        get { State(seed: seed, generator: generator) }
        set { seed = newValue.seed; generator = newValue.generator }
    }

    /// Runs `body` with the generator (draws advance the stream).
    public func draw<T>(_ body: (inout Xoshiro256StarStar) throws -> T) rethrows -> T {
        try body(&generator)
    }
}
