// WriteSandbox.swift — where a command's files go when a transcript is replayed to be verified.
//
// Contract: while `Session.writeSandbox` is set (`--check`, `--check --update`, `survsh grade`),
// every file a command writes goes to the image of its path inside a private temporary folder
// (mode 0700, removed at the end) instead of the path itself, so a replay never touches a file
// outside that folder. Reads look in the folder first (`load` of a file the same script saved
// reads the saved copy). The decision is made in one place, `Session.writeDestination(for:command:)`,
// which every writer calls (`writeText`, `writeData`, and plot's figure files), so a command added
// later is sandboxed by using them. Whether the real path could be written is still checked, read
// only, so a replay reports the same errors as the recorded session. The files written in the
// folder are not compared with anything: `--check` compares printed output only.

import Foundation

public final class WriteSandbox: @unchecked Sendable {
    /// The private folder (absolute path).
    public let root: String

    /// Creates a new private folder under the system's temporary directory.
    public init() throws {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("survsh-sandbox-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SurvshError.io("check", "cannot create a private temporary folder: \(String(cString: strerror(errno)))")
        }
        root = String(cString: made)
    }

    /// Removes the folder and everything written into it.
    public func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// The absolute, standardised form of `path` (relative paths are taken from the working directory).
    public static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
        return (full as NSString).standardizingPath
    }

    /// Where `path` lives inside the folder.
    public func image(of path: String) -> String {
        root + WriteSandbox.absolute(path)
    }

    /// Whether a file was written at `path` inside the folder.
    public func holds(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: image(of: path), isDirectory: &isDir) && !isDir.boolValue
    }
}

/// Why `path` cannot be created or replaced, or nil when it can (checked without writing anything).
public func cannotWriteReason(_ path: String) -> String? {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    if fm.fileExists(atPath: path, isDirectory: &isDir) {
        if isDir.boolValue { return "it is a directory" }
        return fm.isWritableFile(atPath: path) ? nil : "permission denied"
    }
    let dir = (path as NSString).deletingLastPathComponent
    let directory = dir.isEmpty ? "." : dir
    guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
        return "directory '\(directory)' does not exist"
    }
    return fm.isWritableFile(atPath: directory) ? nil : "directory '\(directory)' is not writable"
}

extension Session {
    /// The path a command must write `path` to: the path itself (a leading ~ expanded), or its image
    /// in the write sandbox. Fails, naming `command`, when the real path could not be written.
    public func writeDestination(for path: String, command: String) throws -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if let reason = cannotWriteReason(expanded) {
            throw SurvshError.io(command, "cannot write '\(path)': \(reason)")
        }
        guard let sandbox = writeSandbox else { return expanded }
        let image = sandbox.image(of: expanded)
        do {
            try FileManager.default.createDirectory(atPath: (image as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        } catch {
            throw SurvshError.io(command, "cannot write '\(path)' in the private replay folder: \((error as NSError).localizedDescription)")
        }
        return image
    }

    /// Writes `data` to `path` (through the write sandbox when one is set).
    public func writeData(_ data: Data, to path: String, command: String) throws {
        let destination = try writeDestination(for: path, command: command)
        // A device or pipe (/dev/stdout, /dev/full, a FIFO) is written in place: an atomic write
        // would rename a new regular file over it.
        let target = (destination as NSString).resolvingSymlinksInPath
        let type = (try? FileManager.default.attributesOfItem(atPath: target)[.type]) as? FileAttributeType
        if let type, type != .typeRegular {
            try Session.writeInPlace(data, to: target, shownAs: path, command: command)
            return
        }
        try Session.writeAtomically(data, to: destination, shownAs: path, command: command)
    }

    /// Bytes written between two looks at Ctrl-C (a few milliseconds each).
    static let writeBlock = 8 << 20

    /// Writes `data` to a new file beside `destination` (mode 0666 less the umask, or the mode of the
    /// file it replaces), in blocks: Ctrl-C between two removes it and throws `interrupted`; then
    /// renames it over `destination`, so the old file stays whole until the new one is.
    static func writeAtomically(_ data: Data, to destination: String, shownAs path: String, command: String) throws {
        let dir = (destination as NSString).deletingLastPathComponent
        let temp = ((dir.isEmpty ? "." : dir) as NSString).appendingPathComponent(".survsh-\(UUID().uuidString).tmp")
        var old = stat()
        let mode: mode_t = stat(destination, &old) == 0 ? old.st_mode & 0o7777 : 0o666
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw SurvshError.io(command, "cannot write '\(path)': \(String(cString: strerror(errno)))") }
        var renamed = false
        defer { if !renamed { unlink(temp) } }
        var failure: String? = nil
        var interrupted = false
        data.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count && failure == nil {
                if Interrupt.isRaised { interrupted = true; return }
                let end = min(offset + writeBlock, all.count)
                failure = FullWrite.write(fd, UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                offset = end
            }
        }
        if old.st_mode != 0 { _ = fchmod(fd, mode) }   // open's mode is less the umask
        if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if interrupted { throw SurvshError(.interrupted, command: command, "interrupted") }
        if let failure { throw SurvshError.io(command, "cannot write '\(path)': \(failure)") }
        guard rename(temp, destination) == 0 else {
            throw SurvshError.io(command, "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        renamed = true
    }

    /// write(2) until every byte is out; a short or failed write (ENOSPC on /dev/full) is an error.
    static func writeInPlace(_ data: Data, to destination: String, shownAs path: String, command: String) throws {
        let fd = open(destination, O_WRONLY | O_TRUNC)
        guard fd >= 0 else { throw SurvshError.io(command, "cannot write '\(path)': \(String(cString: strerror(errno)))") }
        var failure = data.withUnsafeBytes { FullWrite.write(fd, $0) }
        if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if let failure { throw SurvshError.io(command, "cannot write '\(path)': \(failure)") }
    }

    /// Writes `text` as UTF-8 to `path` (through the write sandbox when one is set).
    public func writeText(_ text: String, to path: String, command: String) throws {
        try writeData(Data(text.utf8), to: path, command: command)
    }
}
