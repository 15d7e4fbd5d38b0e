// EpisodeSplitTests.swift — survSplit's episode rule on cases worked by hand (R's survSplit gives
// the same rows: see Tests/SurvshTests/Reference/timesplit.R for the data-set cases).

import SurvivalStats
import XCTest

final class EpisodeSplitTests: XCTestCase {
    func testRightCensoredRowsStartAtZeroAndKeepTheirEventOnTheLastEpisode() throws {
        // survSplit(Surv(time, status) ~ ., data.frame(time = c(5, 10, NA, 3)), cut = c(4, 6))
        let r = try EpisodeSplit.split(start: [0, 0, 0, 0], stop: [5, 10, .nan, 3], cuts: [4, 6])
        XCTAssertEqual(r.row, [0, 0, 1, 1, 1, 2, 3])
        XCTAssertEqual(r.start, [0, 4, 0, 4, 6, 0, 0])
        XCTAssertEqual(Array(r.end.prefix(5)), [4, 5, 4, 6, 10])
        XCTAssertTrue(r.end[5].isNaN)
        XCTAssertEqual(r.end[6], 3)
        XCTAssertEqual(r.censored, [true, false, true, true, false, false, false])
        // episode = interval + 1; a row with a missing time is interval 1 (episode 2), as survsplit.c
        XCTAssertEqual(r.interval, [0, 1, 0, 1, 2, 1, 0])
        XCTAssertEqual(try EpisodeSplit.count(start: [0, 0, 0, 0], stop: [5, 10, .nan, 3], cuts: [4, 6]), r.count)
    }

    func testCountingProcessIntervalsAreCutInsideOnly() throws {
        // (0, 5] and (2, 10] cut at 2, 6, 20: a cut at a start or beyond the stop makes nothing
        let r = try EpisodeSplit.split(start: [0, 2], stop: [5, 10], cuts: [2, 6, 20])
        XCTAssertEqual(r.row, [0, 0, 1, 1])
        XCTAssertEqual(r.start, [0, 2, 2, 6])
        XCTAssertEqual(r.end, [2, 5, 6, 10])
        XCTAssertEqual(r.censored, [true, false, true, false])
        XCTAssertEqual(r.interval, [0, 1, 1, 2])
        XCTAssertEqual(try EpisodeSplit.count(start: [0, 2], stop: [5, 10], cuts: [2, 6, 20]), r.count)
    }

    func testCutsPerRow() throws {
        let r = try EpisodeSplit.split(start: [0, 0], stop: [100, 50]) { $0 == 0 ? [-5, 30, 100] : [10] }
        XCTAssertEqual(r.row, [0, 0, 1, 1])
        XCTAssertEqual(r.start, [0, 30, 0, 10])
        XCTAssertEqual(r.end, [30, 100, 10, 50])
        XCTAssertEqual(r.interval, [1, 2, 0, 1])
    }

    func testCutsPerRowAreCountedAsTheSplitMakesThem() throws {
        let cuts: (Int) -> ArraySlice<Double> = { [[-5, 30, 100], [10], [], [1, 2, 3]][$0][...] }
        let (start, stop) = ([0.0, 0, 0, 2], [100.0, 50, 7, .nan])
        let r = try EpisodeSplit.split(start: start, stop: stop, cuts: cuts)
        XCTAssertEqual(try EpisodeSplit.count(start: start, stop: stop, cuts: cuts), r.count)
        XCTAssertEqual(r.count, 2 + 2 + 1 + 1)   // (a missing stop: one episode)
    }

    /// The episodes' five arrays are made at their size, not grown by appending: a grown array is
    /// copied whole at every doubling (all five at once, between two polls for Ctrl-C: 0.4-0.7 s of
    /// CPU at 10^7 rows) and ends with up to twice the room it needs. 2^14 + 1 episodes: grown, each
    /// array would end with room for 2^15.
    func testEpisodeArraysAreMadeAtTheirSize() throws {
        let n = 1 << 13   // rows of two episodes, and one of one
        let start = [Double](repeating: 0, count: n + 1), stop = [Double](repeating: 20, count: n) + [5]
        for r in [try EpisodeSplit.split(start: start, stop: stop, cuts: [10]),
                  try EpisodeSplit.split(start: start, stop: stop) { _ in [10.0][...] }] {
            XCTAssertEqual(r.count, 2 * n + 1)
            let room = [r.row.capacity, r.start.capacity, r.end.capacity, r.censored.capacity, r.interval.capacity]
            // (the allocator may round a size up to a page: 512 Doubles, 4096 Bools)
            XCTAssertTrue(room.allSatisfy { $0 >= r.count && $0 <= r.count + 4096 }, "room for \(room), \(r.count) episodes")
        }
    }
}
