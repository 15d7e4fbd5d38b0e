// DataVerifier.swift — is each data file `load` reads the one a transcript recorded?
//
// Contract: a transcript records the SHA-256 of every file `load` read as `# data: PATH sha256=HEX`
// (a live transcript next to each load, `save session` and `--check --update` as well). While a
// transcript replays, `Session.replaceData` hands each file a `load` read to the session's
// verifier, which compares the file's hash now with the hashes recorded for that path (the path as
// the load wrote it; any of them matches, since a path may be loaded before and after it changed).
// Problems:
//   changed     the file has another hash now;
//   missing     a recorded file that no load could read (found at the end, `finish`);
//   unrecorded  (strict only) a load of a file the transcript records no hash for, so deleting a
//               `# data:` line never turns the check off silently.
// Policy `.strict` (`--check`, `survsh grade`) collects problems; the caller fails with exit 2 unless
// `--allow-data-change`. Policy `.warn` (`survsh FILE`, `replay`) prints changed files as warnings.
// A `replay` inside a replayed transcript checks its own script's hashes with the same policy and
// reports to the enclosing verifier; a file its script records no hash for is checked against the
// enclosing transcript's hashes (where `--check --update` of the outer transcript records it).

import Foundation

public final class DataVerifier: @unchecked Sendable {
    public enum Policy: Sendable { case strict, warn }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable { case changed, missing, unrecorded }
        public var kind: Kind
        public var path: String
        public var message: String
        public var description: String { message }
    }

    public let policy: Policy
    /// The transcript the hashes come from, as named to the user.
    public let scriptPath: String
    private let parent: DataVerifier?
    private var order: [String] = []
    private var recorded: [String: Set<String>] = [:]
    private var loaded: Set<String> = []
    public private(set) var problems: [Problem] = []

    public init(script: TranscriptScript, scriptPath: String, policy: Policy, parent: DataVerifier? = nil) {
        self.scriptPath = scriptPath
        self.policy = policy
        self.parent = parent
        for f in script.dataFiles {
            if recorded[f.path] == nil { order.append(f.path) }
            recorded[f.path, default: []].insert(f.sha256)
        }
    }

    /// Checks a file a `load` read (`path` as written, `resolved` the file opened); returns the
    /// problem found, if any (also kept in `problems`).
    @discardableResult
    public func loaded(path: String, resolved: String) -> Problem? {
        loaded.insert(path)
        guard let (hashes, source) = recordedHashes(path) else {
            guard policy == .strict else { return nil }
            return report(.unrecorded, path, "data file '\(path)' is loaded but \(scriptPath) records no SHA-256 for it"
                          + " (no '# data: \(path) sha256=...' line; 'survsh --check --update' records it)")
        }
        guard let now = try? FileHash.sha256(path: resolved) else {
            return report(.missing, path, "data file '\(path)' recorded in \(source) cannot be read")
        }
        guard hashes.contains(now) else {
            let was = hashes.sorted().map { "\($0.prefix(12))…" }.joined(separator: " or ")
            return report(.changed, path, "data file '\(path)' has changed since \(source) was recorded (sha256 was \(was), now \(now.prefix(12))…)")
        }
        return nil
    }

    /// The hashes recorded for `path` in this transcript or, failing that, in the nearest enclosing
    /// one (marked loaded there), with the transcript's name.
    private func recordedHashes(_ path: String) -> (Set<String>, String)? {
        if let h = recorded[path] { return (h, scriptPath) }
        guard let parent, let found = parent.recordedHashes(path) else { return nil }
        parent.loaded.insert(path)
        return found
    }

    /// Ends the replay: a recorded file that no load read and that `exists` says is not there is
    /// missing. Returns every problem found.
    public func finish(exists: (String) -> Bool) -> [Problem] {
        for path in order where !loaded.contains(path) && !exists(path) {
            report(.missing, path, "data file '\(path)' recorded in \(scriptPath) is missing")
        }
        return problems
    }

    @discardableResult
    private func report(_ kind: Problem.Kind, _ path: String, _ message: String) -> Problem {
        let p = Problem(kind: kind, path: path, message: message)
        problems.append(p)
        parent?.adopt(p)
        return p
    }

    private func adopt(_ p: Problem) {
        problems.append(p)
        parent?.adopt(p)
    }
}
