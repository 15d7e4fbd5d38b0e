// InflateTests.swift — Inflate (ISA-L) on what the gzip and zip readers meet.
//
// Fixtures/compressed/ made with Python's zlib (wbits 31) from data/lung.csv:
// lung_stored_blocks.csv.gz (level 0: stored blocks), lung_fixed_blocks.csv.gz (Z_FIXED: fixed
// Huffman codes), lung_dynamic_blocks.csv.gz (level 9: dynamic codes), three_members_padded.csv.gz
// (a third of the file in each of a stored, a fixed and a dynamic member, then 64 zero bytes).
// Each inflates to exactly lung.csv, in one step and in 1 KiB steps, into one mapping and into
// separate buffers (the gzip pipeline's ring); a bad CRC-32 or length in any
// member, a cut at any byte, and a zip member whose CRC-32 or size disagree with the central directory
// are one error naming the file and the container; single-byte corruptions give what `gzip -dc` gives.

import Foundation
import XCTest
@testable import SurvshCore

final class InflateTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let lung = try! Array(Data(contentsOf: root.appendingPathComponent("../../data/lung.csv")))

    func fixture(_ name: String) throws -> [UInt8] {
        try Array(Data(contentsOf: Self.root.appendingPathComponent("Fixtures/compressed/\(name)")))
    }

    /// Inflates `bytes` as a gzip file (a zip member when `raw`) named `f.gz`, into one mapping
    /// (`run`) and, step by step, into separate buffers (as the gzip pipeline's ring does: ISA-L
    /// must keep its history itself); both must agree.
    func inflate(_ bytes: [UInt8], step: Int = 4 << 20, raw: Bool = false) throws -> [UInt8] {
        try bytes.withUnsafeBytes { (b: UnsafeRawBufferPointer) throws -> [UInt8] in
            let out = try Inflate.run(b, wrapper: raw ? .raw : .gzip, limit: 16 << 20, file: "f.gz", format: "gzip", step: step)
            let whole = Array(UnsafeBufferPointer(start: out.bytes, count: out.count))
            let inflater = Inflate.Inflater(b, wrapper: raw ? .raw : .gzip, maximum: 16 << 20, file: "f.gz", format: "gzip",
                                            cancel: .never, progress: nil)
            var pieces: [UInt8] = []
            let size = min(step, 1 << 16)
            let piece = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
            defer { piece.deallocate() }
            while !inflater.finished {
                piece.update(repeating: 0xAA, count: size)  // stale bytes ISA-L must not read as history
                let made = try inflater.step(into: piece, capacity: size)
                pieces += UnsafeBufferPointer(start: piece, count: made)
            }
            XCTAssertEqual(pieces, whole, "inflated into separate buffers")
            return whole
        }
    }

    func assertFails(_ bytes: [UInt8], _ message: String, _ what: String, line: UInt = #line) {
        XCTAssertThrowsError(try inflate(bytes), what, line: line) {
            XCTAssertEqual("\($0)", "f.gz: gzip: \(message)", what, line: line)
        }
    }

    func testBlockTypesAndMembers() throws {
        for name in ["lung_stored_blocks.csv.gz", "lung_fixed_blocks.csv.gz", "lung_dynamic_blocks.csv.gz",
                     "three_members_padded.csv.gz", "two_members.csv.gz"] {
            let packed = try fixture(name)
            XCTAssertEqual(try inflate(packed), Self.lung, name)
            XCTAssertEqual(try inflate(packed, step: 1 << 10), Self.lung, "\(name) in 1 KiB steps")
        }
        // The first bytes after the 10-byte header: BFINAL and BTYPE are the fixtures' block types.
        XCTAssertEqual(try fixture("lung_stored_blocks.csv.gz")[10] & 7, 0b001)
        XCTAssertEqual(try fixture("lung_fixed_blocks.csv.gz")[10] & 7, 0b011)
        XCTAssertEqual(try fixture("lung_dynamic_blocks.csv.gz")[10] & 7, 0b101)
        // Members of every kind back to back.
        let all = try ["lung_stored_blocks.csv.gz", "lung_fixed_blocks.csv.gz", "lung_dynamic_blocks.csv.gz"].flatMap(fixture)
        XCTAssertEqual(try inflate(all, step: 3 << 10), Self.lung + Self.lung + Self.lung)
    }

    /// The CRC-32 and ISIZE of the trailer are checked in every member; zlib names what is wrong.
    func testBadTrailers() throws {
        let good = try fixture("lung_dynamic_blocks.csv.gz")
        for (offset, message) in [(good.count - 8, "incorrect data check"), (good.count - 1, "incorrect length check")] {
            var bad = good
            bad[offset] ^= 0x10
            assertFails(bad, "corrupt compressed data (zlib: \(message))", "first member")
            assertFails(good + bad, "corrupt compressed data (zlib: \(message))", "second member")
            assertFails(good + bad + good, "corrupt compressed data (zlib: \(message))", "middle member")
        }
    }

    /// A file cut anywhere (in the header, the deflate data, the trailer; of the first or a later
    /// member) ends early; a cut between members is a whole file of fewer members.
    func testTruncatedAtEveryCut() throws {
        for name in ["lung_stored_blocks.csv.gz", "lung_dynamic_blocks.csv.gz"] {
            let packed = try fixture(name)
            for cut in 1..<packed.count {
                assertFails(Array(packed[..<cut]), "the compressed data ends early (the file is truncated)", "\(name) cut at \(cut)")
            }
        }
        let members = try fixture("lung_fixed_blocks.csv.gz") + fixture("lung_dynamic_blocks.csv.gz")
        let boundary = try fixture("lung_fixed_blocks.csv.gz").count
        for cut in stride(from: boundary + 2, to: members.count, by: 17) {
            assertFails(Array(members[..<cut]), "the compressed data ends early (the file is truncated)", "second member cut at \(cut)")
        }
        XCTAssertEqual(try inflate(Array(members[..<boundary])), Self.lung)
        XCTAssertEqual(try inflate(Array(members[..<(boundary + 1)])), Self.lung, "one stray byte after a member is ignored")
    }

    /// A byte changed anywhere in a member: ISA-L accepts exactly what `gzip -dc` (zlib's rules)
    /// accepts, with the same output, and refuses what it refuses.
    func testCorruptionsAgreeWithGzip() throws {
        let packed = try fixture("lung_fixed_blocks.csv.gz")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inflate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var positions = Array(0..<24) + Array(stride(from: 24, to: packed.count, by: 23)) + Array((packed.count - 8)..<packed.count)
        positions = Array(Set(positions)).sorted()
        for (i, position) in positions.enumerated() {
            var bad = packed
            bad[position] ^= UInt8(1 << (i % 8))
            let path = dir.appendingPathComponent("\(i).gz").path
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bad)))
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "gzip -dc '\(path)' > '\(path).out' 2>/dev/null"]
            try p.run()
            p.waitUntilExit()
            let reference = p.terminationStatus == 0 ? try Array(Data(contentsOf: URL(fileURLWithPath: path + ".out"))) : nil
            let got = try? inflate(bad)
            XCTAssertEqual(got, reference, "byte \(position) ^ \(1 << (i % 8)): gzip says \(p.terminationStatus)")
        }
    }
}

extension CSVReaderTests {
    /// The block-type fixtures through the reader (and the gzip pipeline) equal the plain CSV.
    func testGzipBlockTypesEqualPlainCSV() throws {
        let expected = try CSVReader.read(path: dataPath("lung.csv"))
        for name in ["lung_stored_blocks.csv.gz", "lung_fixed_blocks.csv.gz", "lung_dynamic_blocks.csv.gz", "three_members_padded.csv.gz"] {
            assertSameResult(try readCompressed(name), expected)
        }
    }

    /// A zip member is checked against the CRC-32 and size its central directory records.
    func testZipMemberChecks() throws {
        for (name, crcMessage) in [("lung.zip", "zip: corrupt compressed data (CRC-32 mismatch)"),
                                   ("lung_stored.zip", "zip: folder/lung.csv is damaged (its size or CRC-32 differs from the directory's)")] {
            let good = try Array(Data(contentsOf: URL(fileURLWithPath: compressedFixture(name))))
            // The first central directory entry: the CSV's (lung.zip also holds __MACOSX/._lung.csv).
            let directory = try XCTUnwrap((0..<(good.count - 4)).first { good[$0..<($0 + 4)].elementsEqual([0x50, 0x4B, 1, 2]) })
            for (offset, message) in [(directory + 16, crcMessage),
                                      (directory + 24, name == "lung.zip" ? "zip: corrupt compressed data (6573 bytes inflated, the archive says 6574)"
                                                                         : crcMessage)] {
                var bad = good
                bad[offset] ^= 0x03
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("zipcheck-\(UUID().uuidString).zip").path
                XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bad)))
                defer { try? FileManager.default.removeItem(atPath: path) }
                assertError({ try CompressedTextReader.read(path: path, options: ReadOptions()) }, file: path, line: nil, column: nil,
                            contains: message)
            }
        }
    }
}
