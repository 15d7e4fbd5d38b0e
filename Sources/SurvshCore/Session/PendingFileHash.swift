// PendingFileHash.swift — a data file's SHA-256 (FileHash) on a thread of its own, so that `load`
// hashes the file for the transcript while it parses it instead of after.
//
// Contract: `wait()` gives what `FileHash.sha256` gives, or nil when it could not read the file;
// CancellationError when the cancellation fired or `abandon()` was called before it finished.

import Foundation
import Synchronization
import SurvivalStats

/// A file's SHA-256 computed on a thread of its own, started when a load starts so that it runs
/// beside the parse instead of after it: the digest is one sequential pass, about 0.9 s of CPU per
/// GB on this machine class even with the SHA instructions (1.07 GB: `openssl dgst -sha256` 0.87 s
/// user), which an interactive `load` of the 10^7-row benchmark file added after its 2 s parse.
/// `wait()` gives what the hash gives at once: the hex digest, nil when the file cannot be read,
/// CancellationError when `cancel` fired. `abandon()` (a load that failed) stops it at its next
/// 4 MiB block; nobody waits for it then.
public final class PendingFileHash: @unchecked Sendable {
    private let abandoned = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Written by the hashing thread before `finished` is signalled, read after waiting for it.
    private var outcome: Result<String?, CancellationError> = .success(nil)

    public init(path: String, cancel: Cancellation) {
        // a Thread, not a Dispatch work item: the parse's concurrentPerform keeps its own workers
        Thread { [self] in
            outcome = Self.hash(path, cancel: Cancellation { self.abandoned.load(ordering: .relaxed) || cancel.isCancelled })
            finished.signal()
        }.start()
    }

    /// The hash on the calling thread, as `wait()` gives it (a caller that cannot overlap it).
    public static func hash(_ path: String, cancel: Cancellation) -> Result<String?, CancellationError> {
        do {
            return .success(try FileHash.sha256(path: path, cancel: cancel))
        } catch is CancellationError {
            return .failure(CancellationError())
        } catch {
            return .success(nil)
        }
    }

    public func wait() throws -> String? {
        finished.wait()
        return try outcome.get()
    }

    public func abandon() { abandoned.store(true, ordering: .relaxed) }
}
