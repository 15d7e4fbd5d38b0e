// FileHash.swift — SHA-256 of a data file, for transcripts (swift-crypto's SHA256, streamed).
// PendingFileHash.swift runs it on a thread of its own beside a load's parse. (The fuzz build swaps
// this file for fuzz/support/FileHash.swift, so nothing else belongs here.)

import Crypto
import Foundation
import SurvivalStats

public enum FileHash {
    /// Hex SHA-256 of the file's bytes, read in 4 MiB blocks; `cancel` is polled before each block
    /// (CancellationError when it fires).
    public static func sha256(path: String, cancel: Cancellation = .never) throws -> String {
        try sha256(paths: [path], cancel: cancel)
    }

    /// Hex SHA-256 of the files' bytes one after the other (a plugin's manifest and program).
    public static func sha256(paths: [String], cancel: Cancellation = .never) throws -> String {
        var hasher = SHA256()
        for path in paths {
            guard let h = FileHandle(forReadingAtPath: path) else {
                throw SurvshError.io("load", "cannot read '\(path)'")
            }
            defer { try? h.close() }
            while true {
                try cancel.check()
                let chunk = h.readData(ofLength: 4 << 20)
                if chunk.isEmpty { break }
                hasher.update(data: chunk)
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
