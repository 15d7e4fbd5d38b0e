// Inflate.swift — deflate-compressed bytes (a gzip file, a zip member) inflated into an InputBuffer.
//
// Contract: `Inflate.run` decompresses with zlib in bounded steps straight into one reserved,
// never-moving mapping (no intermediate copies, no reallocation: pages take memory as they are
// written), so the text reader parses the result as it parses a mapped file — or, in the gzip
// pipeline, parses the part already inflated while the rest is (`published`). Concatenated gzip members are read one
// after the other, as `gzip -d` does. Memory is bounded: output beyond `limit` bytes (the memory
// available, or a test budget) stops the inflation with an error, so a zip bomb costs at most `limit`.
// `cancel` is polled between steps (at most 4 MiB of output each; when it fires the inflation stops
// with an `interrupted` error), and `progress` is told the compressed bytes consumed. Errors are `DataReadError`s
// naming the file, the container format, and what zlib said (corrupt data, truncated file).

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

        var windowBits: Int32 { self == .gzip ? 15 + 16 : -15 }
    }


    /// The reserved mapping an inflation of at most `limit` bytes writes to (nil when even the address
    /// space cannot be had). Without a known limit (not Linux), 64 GiB of address space: a bound, not memory.
    static func outputRegion(limit: UInt64?) -> MappedRegion? {
        MappedRegion(capacity: maximumOutput(limit: limit) + InputBuffer.padding)
    }

    static func maximumOutput(limit: UInt64?) -> Int { Int(min(limit ?? 1 << 36, 1 << 40)) }

    /// Inflates `input`, at most `step` output bytes per inflate call (the cancellation poll interval,
    /// and how often `published` hears), into a new buffer (a reserved mapping of `limit` bytes that never moves; only
    /// the pages written take memory). `format` names the container in messages (`gzip`).
    /// `published(base, produced)` is called after every step from the calling thread: bytes
    /// [0, produced) at `base` are final and stay where they are (the gzip pipeline parses them while
    /// the rest is inflated), as does the returned buffer's memory.
    /// `into` is the mapping to write to (`outputRegion(limit:)`), for a caller that reads it while
    /// this runs and so must keep it alive until it has stopped, whatever happens; by default a new one.
    static func run(_ input: UnsafeRawBufferPointer, wrapper: Wrapper, limit: UInt64?, file: String, format: String,
                    cancel: Cancellation = .never, progress: LoadProgress? = nil, step: Int = CSVTuning.standard.inflateStepBytes,
                    into given: MappedRegion? = nil,
                    published: ((UnsafeMutablePointer<UInt8>, Int) -> Void)? = nil) throws(DataReadError) -> InputBuffer {
        func failure(_ message: String) -> DataReadError { DataReadError(file: file, message: "\(format): \(message)") }
        guard let region = given ?? outputRegion(limit: limit) else { throw failure("out of memory") }
        let maximum = min(maximumOutput(limit: limit), region.mappedBytes - InputBuffer.padding)
        let out = region.base
        var produced = 0
        var stream = z_stream()
        guard survsh_inflate_init(&stream, wrapper.windowBits) == Z_OK else { throw failure("cannot start zlib") }
        defer { inflateEnd(&stream) }
        let inBase = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var consumed = 0
        while true {
            if cancel.isCancelled { throw failure("interrupted") }
            if produced == maximum {
                throw failure("decompresses to more than \(SystemMemory.gigabytes(UInt64(maximum))), "
                              + "more than the memory available; decompress a part of it first (e.g. zcat FILE | head -n)")
            }
            let inChunk = min(input.count - consumed, Int(Int32.max))
            let outChunk = min(maximum - produced, step)
            stream.next_in = inBase.map { UnsafeMutablePointer(mutating: $0 + consumed) }
            stream.avail_in = UInt32(inChunk)
            stream.next_out = out + produced
            stream.avail_out = UInt32(outChunk)
            let rc = inflate(&stream, Z_NO_FLUSH)
            consumed += inChunk - Int(stream.avail_in)
            produced += outChunk - Int(stream.avail_out)
            progress?.setFileBytes(consumed)
            switch rc {
            case Z_OK:
                published?(out, produced)
                continue
            case Z_STREAM_END:
                // Another gzip member follows (`cat a.gz b.gz`): read it too; trailing zeros are padding.
                if wrapper == .gzip, consumed + 1 < input.count, let b = inBase, b[consumed] == 0x1F, b[consumed + 1] == 0x8B {
                    inflateReset(&stream)
                    published?(out, produced)
                    continue
                }
                return region.adopt(count: produced)
            case Z_BUF_ERROR where stream.avail_out == 0:
                published?(out, produced)
                continue
            case Z_BUF_ERROR:
                throw failure("the compressed data ends early (the file is truncated)")
            default:
                let said = stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw failure("corrupt compressed data (zlib: \(said))")
            }
        }
    }
}
