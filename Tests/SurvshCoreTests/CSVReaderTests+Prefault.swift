// CSVReaderTests+Prefault.swift — the slot arrays are pre-faulted for real: madvise accepts only a
// page-aligned start, and an array's elements never start on a page (malloc's and the array's
// headers come first), so the call on the elements' base failed with EINVAL and faulted nothing.

import XCTest
import TestSupport
@testable import SurvshCore
#if canImport(Glibc)
import Glibc
#endif

extension CSVReaderTests {
    func testSlotArraysArePrefaulted() throws {
        #if os(Linux)
        // The kernel must know MADV_POPULATE_WRITE (Linux 5.14+): try it on a page-aligned mapping.
        let page = PageDropper.pageSize
        guard let probe = mmap(nil, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              probe != UnsafeMutableRawPointer(bitPattern: -1) else { throw XCTSkip("mmap failed") }
        defer { munmap(probe, 4 * page) }
        if madvise(probe, 4 * page, 23) != 0 { throw XCTSkip("no MADV_POPULATE_WRITE in this kernel") }
        let n = 1 << 20
        _ = [Double](unsafeUninitializedCapacity: n) { buf, initialized in
            let base = UnsafeMutableRawPointer(buf.baseAddress!)
            XCTAssertNotEqual(Int(bitPattern: base) % page, 0, "the elements start on a page: the test shows nothing")
            XCTAssertTrue(CSVReader.prefaultForWriting(base, bytes: n * 8))
            initialized = 0
        }
        XCTAssertFalse(CSVReader.prefaultForWriting(probe, bytes: page / 2), "less than a whole page")
        #else
        throw XCTSkip("Linux only")
        #endif
    }

    /// The prefault of a big column polls before each slice and stops when told: at 10^7 rows one
    /// call per column ran up to 0.8 s of CPU without a poll for Ctrl-C.
    func testSlicedPrefaultPollsAndStops() {
        let slices = 5
        let bytes = slices * CSVReader.prefaultSlice + 12_345
        let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
        defer { p.deallocate() }
        let polls = PollCounter(firesAt: nil)
        CSVReader.prefaultForWriting(p + 48, bytes: bytes - 48, cancel: polls.cancellation)
        XCTAssertGreaterThanOrEqual(polls.count, slices, "a poll before each slice")
        let stopped = PollCounter(firesAt: 1)
        CSVReader.prefaultForWriting(p + 48, bytes: bytes - 48, cancel: stopped.cancellation)
        XCTAssertEqual(stopped.count, 1, "a stop before the first slice ends the prefault")
    }
}

