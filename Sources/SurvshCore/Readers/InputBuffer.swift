// InputBuffer.swift — a whole file's bytes in memory, followed by one writable spare byte.
//
// Contract: `InputBuffer.openFile(path:)` maps a regular file privately (copy-on-write, so the spare
// byte and any sentinel written there never reach the disk) or, for pipes and devices, reads it to
// the end. `bytes[0..<count]` is the file; `bytes[count]` exists and is writable, so a parser can
// put a newline sentinel there and scan without bounds checks. The mapping is released on deinit.
// Errors (missing file, directory, permission, I/O) are `DataReadError`s naming the path.
// `keepingDescriptor: true` (a lazy load) keeps the mapped file open and its (device, inode, size,
// modification time) at mapping, so `changedSinceMapped()` can tell a file changed in place (whose
// pages would then read other data, or SIGBUS past a truncation) before the mapping is read again.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

final class InputBuffer {
    /// Readable bytes guaranteed after `count` (the first one writable).
    static let padding = 64
    let bytes: UnsafeMutablePointer<UInt8>
    let count: Int
    /// For a file mapping: the whole pages that may be dropped from memory after use (`dropPages`),
    /// all of the file except the page holding `bytes[count]`, the only page ever written.
    let droppable: Range<Int>?
    private let release: () -> Void
    /// The open file and its identity at mapping (`keepingDescriptor`), closed on deinit.
    private var file: (descriptor: Int32, identity: FileIdentity)?

    private init(bytes: UnsafeMutablePointer<UInt8>, count: Int, droppable: Range<Int>? = nil, release: @escaping () -> Void) {
        self.bytes = bytes
        self.count = count
        self.droppable = droppable
        self.release = release
    }

    deinit {
        release()
        if let file { close(file.descriptor) }
    }

    /// Whether the bytes are a mapping of a regular file (not a heap copy of a pipe's output).
    var isFileMapping: Bool { droppable != nil }

    /// Why the mapped file can no longer be read as it was mapped (changed size or modification
    /// time of the open file), or nil while it is unchanged (always nil without a kept descriptor).
    func changedSinceMapped() -> String? {
        guard let file else { return nil }
        var st = stat()
        if fstat(file.descriptor, &st) != 0 { return "cannot read it: \(String(cString: strerror(errno)))" }
        let now = FileIdentity(st)
        if now.size != file.identity.size { return "its size went from \(file.identity.size) to \(now.size) bytes" }
        if now != file.identity { return "it was modified" }
        return nil
    }

    /// A heap copy of `data` (used for in-memory input and tests).
    static func copying(_ data: UnsafeRawBufferPointer) -> InputBuffer {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: data.count + padding)
        if let base = data.baseAddress { p.initialize(from: base.assumingMemoryBound(to: UInt8.self), count: data.count) }
        (p + data.count).initialize(repeating: 0, count: padding)
        return InputBuffer(bytes: p, count: data.count) { p.deallocate() }
    }

    /// Takes ownership of `count` bytes at the start of a `MappedRegion` (a decompressed file);
    /// the padding after them is zero (fresh anonymous pages); unmapped on deinit.
    fileprivate static func adoptingMapping(_ p: UnsafeMutablePointer<UInt8>, count: Int, mappedBytes: Int) -> InputBuffer {
        InputBuffer(bytes: p, count: count) { _ = munmap(p, mappedBytes) }
    }

    static func openFile(path: String, keepingDescriptor: Bool = false) throws(DataReadError) -> InputBuffer {
        func failure(_ message: String) -> DataReadError { DataReadError(file: path, message: message) }
        func errnoText(_ code: Int32) -> String {
            switch code {
            case ENOENT: return "no such file"
            case EACCES, EPERM: return "permission denied"
            case EISDIR: return "is a directory, not a data file"
            case ENOTDIR: return "no such file (a part of the path is not a directory)"
            default: return String(cString: strerror(code))
            }
        }
        if path.isEmpty { throw failure("no file name given") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw failure("cannot open: \(errnoText(errno))") }
        var kept = false
        defer { if !kept { close(fd) } }
        var st = stat()
        if fstat(fd, &st) != 0 { throw failure("cannot read: \(errnoText(errno))") }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR { throw failure("is a directory, not a data file") }
        if type == S_IFREG {
            let size = Int(st.st_size)
            if size == 0 { return copying(UnsafeRawBufferPointer(start: nil, count: 0)) }
            if let mapped = map(fd: fd, size: size) {
                if keepingDescriptor {
                    mapped.file = (fd, FileIdentity(st))
                    kept = true
                }
                return mapped
            }
        }
        return try readAll(fd: fd, path: path)
    }

    /// Private read-only file mapping followed by a writable page: reserve size + one page
    /// anonymously, map the file over the start of the reservation, and make only the file's last
    /// page writable (copy-on-write), which is where the spare byte is when the size is not a
    /// multiple of the page size. (A writable private mapping would be copied page by page.)
    private static func map(fd: Int32, size: Int) -> InputBuffer? {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let total = ((size + padding) / page + 1) * page
        let failed = UnsafeMutableRawPointer(bitPattern: -1)
        guard let reserve = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              reserve != failed else { return nil }
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_FIXED
        #else
        let flags = MAP_PRIVATE | MAP_FIXED
        #endif
        guard let file = mmap(reserve, size, PROT_READ, flags, fd, 0), file == reserve else {
            munmap(reserve, total)
            return nil
        }
        if size % page != 0 {
            let lastPage = reserve + (size / page) * page
            if mprotect(lastPage, page, PROT_READ | PROT_WRITE) != 0 {
                munmap(reserve, total)
                return nil
            }
        }
        let p = reserve.assumingMemoryBound(to: UInt8.self)
        return InputBuffer(bytes: p, count: size, droppable: 0..<(size / page) * page) { _ = munmap(reserve, total) }
    }

    /// A view of the mapping for parsers: which bytes may be dropped after use.
    var pageDropper: PageDropper {
        PageDropper(base: UnsafePointer(bytes), droppable: droppable ?? 0..<0)
    }

    private static func readAll(fd: Int32, path: String) throws(DataReadError) -> InputBuffer {
        var capacity = 1 << 16
        var p = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + padding)
        var n = 0
        while true {
            if n == capacity {
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + padding)
                bigger.initialize(from: p, count: n)
                p.deallocate()
                p = bigger
                capacity *= 2
            }
            let got = read(fd, p + n, capacity - n)
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                let code = errno
                p.deallocate()
                throw DataReadError(file: path, message: "cannot read: \(String(cString: strerror(code)))")
            }
            n += got
        }
        (p + n).initialize(repeating: 0, count: padding)
        let final = p
        return InputBuffer(bytes: final, count: n) { final.deallocate() }
    }
}

/// What tells a file changed in place: device, inode, size and modification time.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let seconds: Int
    let nanoseconds: Int

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        #if canImport(Darwin)
        seconds = Int(st.st_mtimespec.tv_sec)
        nanoseconds = Int(st.st_mtimespec.tv_nsec)
        #else
        seconds = Int(st.st_mtim.tv_sec)
        nanoseconds = Int(st.st_mtim.tv_nsec)
        #endif
    }
}

/// Drops pages of a private, unmodified file mapping from the process once parsed
/// (`MADV_DONTNEED`): they stay in the page cache, a later access maps them again, and the
/// process's resident memory stays near the size of the columns instead of columns + file.
/// Does nothing for heap buffers or outside the droppable range.
struct PageDropper: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let droppable: Range<Int>

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    func drop(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) {
        #if os(Linux)
        if droppable.isEmpty { return }
        let page = PageDropper.pageSize
        let lo = max((start - base + page - 1) / page * page, droppable.lowerBound)
        let hi = min((end - base) / page * page, droppable.upperBound)
        if hi > lo {
            _ = madvise(UnsafeMutableRawPointer(mutating: base + lo), hi - lo, MADV_DONTNEED)
        }
        #endif
    }
}

/// Anonymous memory reserved up front that never moves: address space only (MAP_NORESERVE), each
/// page taking memory when first written. Inflate writes a file of unknown size into one, and
/// `adopt` hands the written part to an InputBuffer; otherwise it is unmapped on deinit.
final class MappedRegion {
    let base: UnsafeMutablePointer<UInt8>
    let mappedBytes: Int
    private var adopted = false

    init?(capacity: Int) {
        let page = PageDropper.pageSize
        mappedBytes = (capacity + page - 1) / page * page
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
        #else
        let flags = MAP_PRIVATE | MAP_ANONYMOUS
        #endif
        guard let p = mmap(nil, mappedBytes, PROT_READ | PROT_WRITE, flags, -1, 0), p != UnsafeMutableRawPointer(bitPattern: -1) else {
            return nil
        }
        base = p.assumingMemoryBound(to: UInt8.self)
    }

    deinit { if !adopted { munmap(base, mappedBytes) } }

    /// The first `count` bytes as an InputBuffer that owns the mapping from now on.
    func adopt(count: Int) -> InputBuffer {
        precondition(count + InputBuffer.padding <= mappedBytes, "MappedRegion: no room for the padding")
        adopted = true
        return InputBuffer.adoptingMapping(base, count: count, mappedBytes: mappedBytes)
    }
}
