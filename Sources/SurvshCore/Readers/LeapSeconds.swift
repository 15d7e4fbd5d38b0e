// LeapSeconds.swift — Stata's %tC clock (milliseconds since 1960-01-01 counting every leap second, as
// UTC is kept) turned into the seconds since 1970 UTC that survsh's date-times hold (POSIX time,
// which, like R's POSIXct and Stata's %tc, has no leap seconds).
//
// Contract: `utc(fromLeapClock:)` takes seconds since 1970-01-01 counted on the leap-second clock and
// returns POSIX seconds: the leap seconds inserted before the instant are taken off, so 2017-01-01
// 00:00:00 (27 leap seconds since 1972) reads as that instant; a value inside an inserted second
// (23:59:60) reads as 23:59:59 and its fraction. The table is IERS Bulletin C's (R's .leap.seconds),
// complete to its last leap second (2016-12-31); one announced later must be added here.
// Reference: Stata's `help datetime` (%tC, Cofc); haven reads %tC as %tc and keeps the leap seconds
// (Tests/.../Fixtures/readstat/clock.json).

enum LeapSeconds {
    /// The first UTC instant after each leap second (a 23:59:60 was inserted just before), seconds since 1970.
    static let after: [Double] = months.map { Double(daysFromCivil(year: $0.year, month: $0.month, day: 1)) * 86_400 }

    /// The month each of those instants begins (on its first day, 00:00 UTC).
    static let months: [(year: Int, month: Int)] = [
        (1972, 7), (1973, 1), (1974, 1), (1975, 1), (1976, 1), (1977, 1), (1978, 1), (1979, 1), (1980, 1),
        (1981, 7), (1982, 7), (1983, 7), (1985, 7), (1988, 1), (1990, 1), (1991, 1), (1992, 7), (1993, 7),
        (1994, 7), (1996, 1), (1997, 7), (1999, 1), (2006, 1), (2009, 1), (2012, 7), (2015, 7), (2017, 1),
    ]

    /// POSIX seconds since 1970 of `s` seconds since 1970 on the leap-second clock.
    static func utc(fromLeapClock s: Double) -> Double {
        // The k-th leap second (0-based) starts on the leap clock at after[k] + k: from there k + 1 are counted.
        var counted = 0
        for (k, instant) in after.enumerated() where s >= instant + Double(k) { counted = k + 1 }
        return s - Double(counted)
    }
}
