// Inflate.swift — deflate-compressed bytes (a gzip file, a zip member) inflated into an InputBuffer.
//
// Contract: `Inflate.run` decompresses with zlib in bounded steps straight into one growing heap
// block (no intermediate copies; `sizeHint` preallocates it, e.g. from the gzip trailer), so the text
// reader then parses the result as it parses a mapped file. Concatenated gzip members are read one
// after the other, as `gzip -d` does. Memory is bounded: output beyond `limit` bytes (the memory
// available, or a test budget) stops the inflation with an error, so a zip bomb costs at most `limit`.
// `cancel` is polled between steps (at most 16 MiB of output each; when it fires the inflation stops
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

    /// Output bytes per inflate call (the cancellation poll interval).
    static let step = 1 << 24

    /// Inflates `input` into a new heap buffer. `format` names the container in messages (`gzip`).
    static func run(_ input: UnsafeRawBufferPointer, wrapper: Wrapper, sizeHint: Int, limit: UInt64?,
                    file: String, format: String, cancel: Cancellation = .never,
                    progress: LoadProgress? = nil) throws(DataReadError) -> InputBuffer {
        func failure(_ message: String) -> DataReadError { DataReadError(file: file, message: "\(format): \(message)") }
        let maximum = limit.map { Int(min($0, UInt64(Int.max / 2))) } ?? Int.max / 2
        // The hint comes from the file (gzip trailer, zip header) and may lie: deflate expands at most
        // 1032:1, so no honest hint exceeds that (a fuzzed 1 KB file claimed 3.5 GB).
        let deflateBound = input.count.multipliedReportingOverflow(by: 1032)
        let honest = deflateBound.overflow ? Int.max : deflateBound.partialValue
        var capacity = max(1 << 16, min(sizeHint, maximum, honest))
        guard var out = malloc(capacity + InputBuffer.padding)?.assumingMemoryBound(to: UInt8.self) else {
            throw failure("out of memory")
        }
        var produced = 0
        var stream = z_stream()
        guard survsh_inflate_init(&stream, wrapper.windowBits) == Z_OK else {
            free(out)
            throw failure("cannot start zlib")
        }
        defer { inflateEnd(&stream) }
        let inBase = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var consumed = 0
        while true {
            if cancel.isCancelled {
                free(out)
                throw failure("interrupted")
            }
            if produced == capacity {
                if capacity >= maximum {
                    free(out)
                    throw failure("decompresses to more than \(SystemMemory.gigabytes(UInt64(maximum))), "
                                  + "more than the memory available; decompress a part of it first (e.g. zcat FILE | head -n)")
                }
                capacity = capacity > maximum / 2 ? maximum : capacity * 2
                guard let bigger = realloc(out, capacity + InputBuffer.padding) else {
                    free(out)
                    throw failure("out of memory")
                }
                out = bigger.assumingMemoryBound(to: UInt8.self)
            }
            let inChunk = min(input.count - consumed, Int(Int32.max))
            let outChunk = min(capacity - produced, step)
            stream.next_in = inBase.map { UnsafeMutablePointer(mutating: $0 + consumed) }
            stream.avail_in = UInt32(inChunk)
            stream.next_out = out + produced
            stream.avail_out = UInt32(outChunk)
            let rc = inflate(&stream, Z_NO_FLUSH)
            consumed += inChunk - Int(stream.avail_in)
            progress?.setFileBytes(consumed)
            produced += outChunk - Int(stream.avail_out)
            switch rc {
            case Z_OK:
                continue
            case Z_STREAM_END:
                // Another gzip member follows (`cat a.gz b.gz`): read it too; trailing zeros are padding.
                if wrapper == .gzip, consumed + 1 < input.count, let b = inBase, b[consumed] == 0x1F, b[consumed + 1] == 0x8B {
                    inflateReset(&stream)
                    continue
                }
                return InputBuffer.adoptingMalloced(out, count: produced)
            case Z_BUF_ERROR where stream.avail_out == 0:
                continue
            case Z_BUF_ERROR:
                free(out)
                throw failure("the compressed data ends early (the file is truncated)")
            default:
                let said = stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                free(out)
                throw failure("corrupt compressed data (zlib: \(said))")
            }
        }
    }

    /// The gzip trailer's ISIZE (the uncompressed size modulo 2^32): a preallocation hint.
    static func gzipSizeHint(_ input: UnsafeRawBufferPointer) -> Int {
        guard input.count >= 18 else { return 0 }
        var size = 0
        for k in 0..<4 { size |= Int(input[input.count - 4 + k]) << (8 * k) }
        // A trailer smaller than the compressed data means the size wrapped (> 4 GiB): guess instead.
        return size >= input.count / 2 ? size : input.count * 4
    }
}
