// Inflate.swift — deflate-compressed bytes (a gzip file, a zip member) inflated into an InputBuffer.
//
// Contract: `Inflate.run` decompresses with Intel ISA-L's `isal_inflate` in bounded steps straight
// into one reserved, never-moving mapping (no intermediate copies, no reallocation: pages take memory
// as they are written), so the text reader parses the result as it parses a mapped file. The steps
// are an `Inflater`'s, which the gzip pipeline (CSVReader+Stream.swift) drives itself, writing into
// a small ring of reused buffers instead of one mapping. Concatenated gzip
// members are read one after the other, as `gzip -d` does; bytes after the last member that do not
// start another one are ignored, as before. Every gzip member's CRC-32 and length (ISIZE) are checked
// (by ISA-L); a zip member's are when the caller passes them (`check`, from the central directory).
// Memory is bounded: output beyond `limit` bytes (the memory available, or a test budget) stops the
// inflation with an error, so a zip bomb costs at most `limit` (the pipeline counts its output
// against the same bound, though it keeps little of it). `cancel` is polled between steps (at
// most `step`, 4 MiB, of output each; when it fires the inflation stops with an `interrupted`
// error), and `progress` is told the compressed bytes consumed. Errors are `DataReadError`s naming
// the file and the container format: the data ends early (truncated), or it is corrupt — then the
// member is run through zlib once more, only to say what is wrong in zlib's familiar words
// ("incorrect data check", "invalid block type"); ISA-L's own error name when zlib finds nothing.
//
// Why ISA-L and not zlib: inflation was the bottleneck of `load FILE.csv.gz`. On the 10^6-row
// benchmark file (125 MB of CSV, 49 MB as gzip -6) zlib inflates in 0.86 s, ISA-L in 0.18 s (`zcat`
// vs `igzip -d`, idle machine). The whole load (release build, hyperfine, 8 runs, load average 15 on
// 2 cores, so CPU time = user + sys is the comparable figure) took 1.12 s of CPU with zlib and takes
// 0.75 s with ISA-L, against 0.47 s for the plain CSV: 62% of the plain file's speed, from 42%
// (README "Performance" has the table). libdeflate is as fast but has no streaming API (the pipeline
// parses while inflating). zlib stays for the diagnosis above and ZIPFoundation's xlsx parts.

import CSurvshISAL
import CSurvshZlib
import SurvivalStats
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum Inflate {
    enum Wrapper {
        /// gzip header and trailer (RFC 1952), several members allowed.
        case gzip
        /// Raw deflate (RFC 1951), as in zip members.
        case raw

        /// ISA-L's crc_flag: parse and check the gzip wrapper, or raw deflate with the gzip CRC-32
        /// of the output kept (for a zip member's check).
        var isalFlag: UInt32 { UInt32(self == .gzip ? ISAL_GZIP : ISAL_GZIP_NO_HDR) }
        /// zlib's windowBits for the diagnosis: 15 + 16 = gzip only, -15 = raw deflate.
        var windowBits: Int32 { self == .gzip ? 15 + 16 : -15 }
    }

    /// What a zip member's central directory says the inflated data is.
    struct Check {
        var crc32: UInt32
        var size: Int
    }

    /// The reserved mapping an inflation of at most `limit` bytes writes to (nil when even the address
    /// space cannot be had). Without a known limit (not Linux), 64 GiB of address space: a bound, not memory.
    static func outputRegion(limit: UInt64?) -> MappedRegion? {
        MappedRegion(capacity: maximumOutput(limit: limit) + InputBuffer.padding)
    }

    static func maximumOutput(limit: UInt64?) -> Int { Int(min(limit ?? 1 << 36, 1 << 40)) }

    /// The CRC-32 (as in gzip and zip) of `bytes`.
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        return crc32_gzip_refl(0, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// Inflates `input`, at most `step` output bytes per inflate call (the cancellation poll
    /// interval), into a new buffer (a reserved mapping of `limit` bytes that never moves; only the
    /// pages written take memory). `format` names the container in messages (`gzip`).
    static func run(_ input: UnsafeRawBufferPointer, wrapper: Wrapper, limit: UInt64?, file: String, format: String,
                    check: Check? = nil, cancel: Cancellation = .never, progress: LoadProgress? = nil,
                    step: Int = CSVTuning.standard.inflateStepBytes) throws(DataReadError) -> InputBuffer {
        guard let region = outputRegion(limit: limit) else { throw DataReadError(file: file, message: "\(format): out of memory") }
        let inflater = Inflater(input, wrapper: wrapper, maximum: min(maximumOutput(limit: limit), region.mappedBytes - InputBuffer.padding),
                                file: file, format: format, check: check, cancel: cancel, progress: progress)
        while !inflater.finished {
            _ = try inflater.step(into: region.base + inflater.produced, capacity: step)
        }
        return region.adopt(count: inflater.produced)
    }

    /// One inflation, one `isal_inflate` call at a time, into memory the caller names at each step
    /// (one mapping for `run`; the gzip pipeline's ring of buffers, CSVReader+Stream.swift). ISA-L
    /// keeps the 32 KiB of history it needs itself, so the output need not be contiguous. Every
    /// check, bound and message of the contract above is here; one thread at a time.
    final class Inflater {
        private let input: UnsafeRawBufferPointer
        private let wrapper: Wrapper
        private let check: Check?
        private let cancel: Cancellation
        private let progress: LoadProgress?
        private let file: String
        private let format: String
        /// The most output allowed (the memory bound).
        private let maximum: Int
        // The state holds ~100 KB of tables and history: on the heap, not the (thread's) stack.
        private let state: UnsafeMutablePointer<inflate_state>
        /// Compressed bytes read so far.
        private(set) var consumed = 0
        private var member = 0  // where the current gzip member starts in the input
        /// Bytes inflated so far.
        private(set) var produced = 0
        /// The last member ended (and its checks passed).
        private(set) var finished = false

        init(_ input: UnsafeRawBufferPointer, wrapper: Wrapper, maximum: Int, file: String, format: String, check: Check? = nil,
             cancel: Cancellation, progress: LoadProgress?) {
            self.input = input
            self.wrapper = wrapper
            self.maximum = maximum
            self.file = file
            self.format = format
            self.check = check
            self.cancel = cancel
            self.progress = progress
            state = .allocate(capacity: 1)
            isal_inflate_init(state)
            state.pointee.crc_flag = wrapper.isalFlag
        }

        deinit { state.deallocate() }

        private func failure(_ message: String) -> DataReadError { DataReadError(file: file, message: "\(format): \(message)") }

        /// Inflates at most `capacity` (> 0) bytes to `out` and returns how many came (0 is possible,
        /// between two members); sets `finished` after the last member.
        func step(into out: UnsafeMutablePointer<UInt8>, capacity: Int) throws(DataReadError) -> Int {
            if cancel.isCancelled { throw failure("interrupted") }
            if produced == maximum {
                throw failure("decompresses to more than \(SystemMemory.gigabytes(UInt64(maximum))), "
                              + "more than the memory available; decompress a part of it first (e.g. zcat FILE | head -n)")
            }
            let inBase = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
            let inChunk = min(input.count - consumed, Int(Int32.max))
            let outChunk = min(maximum - produced, capacity)
            state.pointee.next_in = inBase.map { UnsafeMutablePointer(mutating: $0 + consumed) }
            state.pointee.avail_in = UInt32(inChunk)
            state.pointee.next_out = out
            state.pointee.avail_out = UInt32(outChunk)
            let rc = isal_inflate(state)
            let took = inChunk - Int(state.pointee.avail_in), made = outChunk - Int(state.pointee.avail_out)
            consumed += took
            produced += made
            progress?.setFileBytes(consumed)
            guard rc == ISAL_DECOMP_OK else {
                let rest = UnsafeRawBufferPointer(rebasing: input[member...])
                throw failure("corrupt compressed data (\(diagnosis(rest, wrapper: wrapper, isal: rc, cancel: cancel)))")
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                // Another gzip member follows (`cat a.gz b.gz`): read it too; anything else is ignored.
                if wrapper == .gzip, consumed + 1 < input.count, let b = inBase, b[consumed] == 0x1F, b[consumed + 1] == 0x8B {
                    isal_inflate_reset(state)
                    state.pointee.crc_flag = wrapper.isalFlag
                    member = consumed
                    return made
                }
                if let check, check.size != produced || check.crc32 != state.pointee.crc {
                    throw failure("corrupt compressed data (" + (check.size != produced
                        ? "\(produced) bytes inflated, the archive says \(check.size))" : "CRC-32 mismatch)"))
                }
                finished = true
                return made
            }
            // Room for output left, yet none came: the input is used up (or ISA-L is stuck on its end).
            if state.pointee.avail_out > 0 && (consumed == input.count || (took == 0 && made == 0)) {
                throw failure("the compressed data ends early (the file is truncated)")
            }
            return made
        }
    }

    /// What is wrong with `member` (from its start to the end of the input), which ISA-L refused with
    /// `isal`: zlib's message when zlib refuses it too (as this reader said before ISA-L), else ISA-L's
    /// error name. zlib's output goes to a scratch buffer; `cancel` is polled.
    static func diagnosis(_ member: UnsafeRawBufferPointer, wrapper: Wrapper, isal: Int32, cancel: Cancellation) -> String {
        let isalName: String
        switch isal {
        case ISAL_INVALID_BLOCK: isalName = "ISA-L: invalid block"
        case ISAL_INVALID_SYMBOL: isalName = "ISA-L: invalid symbol"
        case ISAL_INVALID_LOOKBACK: isalName = "ISA-L: invalid distance"
        case ISAL_INVALID_WRAPPER: isalName = "ISA-L: invalid gzip header"
        case ISAL_UNSUPPORTED_METHOD: isalName = "ISA-L: unknown compression method"
        case ISAL_INCORRECT_CHECKSUM: isalName = "ISA-L: CRC-32 or length mismatch"
        default: isalName = "ISA-L: error \(isal)"
        }
        var stream = z_stream()
        guard survsh_inflate_init(&stream, wrapper.windowBits) == Z_OK else { return isalName }
        defer { inflateEnd(&stream) }
        let scratchSize = 1 << 18
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchSize)
        defer { scratch.deallocate() }
        stream.next_in = member.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
        stream.avail_in = UInt32(min(member.count, Int(Int32.max)))
        while !cancel.isCancelled {
            stream.next_out = scratch
            stream.avail_out = UInt32(scratchSize)
            let rc = inflate(&stream, Z_NO_FLUSH)
            if rc == Z_OK || (rc == Z_BUF_ERROR && stream.avail_out == 0) { continue }
            if rc == Z_STREAM_END || rc == Z_BUF_ERROR { break }
            return "zlib: " + (stream.msg.map { String(cString: $0) } ?? "error \(rc)")
        }
        return isalName
    }
}
