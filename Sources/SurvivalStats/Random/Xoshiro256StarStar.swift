// Xoshiro256StarStar.swift — the pseudo-random generator behind survsh's seeded random functions.
//
// Contract
//   Inputs   : a 64-bit seed.
//   Outputs  : next() — 64 uniformly distributed bits; the same seed gives the same stream on every
//              platform and in every build (only integer arithmetic: shifts, rotations, xor, wrapping
//              multiplication), so a seeded script reproduces its numbers exactly.
//   Method   : xoshiro256** 1.0 (Blackman & Vigna): 256 bits of state, period 2^256 − 1; output
//              rotl(s1 · 5, 7) · 9. The state is filled from the seed by SplitMix64 (Steele, Lea &
//              Flood 2014) as the authors recommend, so nearby seeds give unrelated streams and the
//              state is never all zero.
//   Reference: D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47
//              (2021); the reference C code at https://prng.di.unimi.it/xoshiro256starstar.c and
//              https://prng.di.unimi.it/splitmix64.c (the tests check outputs of that C code).
//   R convention: none — this is not R's Mersenne-Twister, and survsh does not reproduce R's stream
//              for set.seed(); only the documented algorithms here are promised.

/// SplitMix64: used to expand a 64-bit seed into xoshiro's state (and, as a RandomNumberGenerator,
/// the tests' small seeded generator).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// The state is four successive SplitMix64 outputs from `seed`.
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        state = (sm.next(), sm.next(), sm.next(), sm.next())
    }

    @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Xoshiro256StarStar.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Xoshiro256StarStar.rotl(state.3, 45)
        return result
    }
}
