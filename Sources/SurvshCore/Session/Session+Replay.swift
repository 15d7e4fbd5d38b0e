// Session+Replay.swift — the set-up every replay of a script shares (`survsh FILE`, `replay`,
// `--check`, `--check --update`, `survsh grade`).
//
// Contract: while `body` runs, relative paths not found from the working directory are tried from
// the script's folder, each file a `load` reads is checked against the hashes the script recorded
// (DataVerifier, with the given policy; nested replays report to the enclosing one), and, when
// `sandboxed`, every file a command writes goes to a private folder (WriteSandbox) that is removed
// afterwards. The session's previous folder, verifier and sandbox are restored at the end.

import Foundation

extension Session {
    /// Runs `body` as a replay of `script` (read from `path`) and returns its result with the data
    /// problems found (changed, missing or, under `.strict`, unrecorded files).
    public func replaying<T>(_ script: TranscriptScript, from path: String, policy: DataVerifier.Policy,
                             sandboxed: Bool, _ body: () throws -> T) throws -> (result: T, dataProblems: [DataVerifier.Problem]) {
        let savedDirectory = scriptDirectory
        let savedVerifier = dataVerifier
        let savedSandbox = writeSandbox
        let ownSandbox = sandboxed && writeSandbox == nil ? try WriteSandbox() : nil
        let verifier = DataVerifier(script: script, scriptPath: path, policy: policy, parent: savedVerifier)
        scriptDirectory = (path as NSString).deletingLastPathComponent
        dataVerifier = verifier
        if let ownSandbox { writeSandbox = ownSandbox }
        defer {
            scriptDirectory = savedDirectory
            dataVerifier = savedVerifier
            writeSandbox = savedSandbox
            ownSandbox?.remove()
        }
        let result = try body()
        let problems = verifier.finish { FileManager.default.fileExists(atPath: resolvePath($0)) }
        // Plugins the transcript used: missing or changed ones are reported like changed data files.
        let pluginProblems = policy == .strict ? pluginHost.catalog.verify(script, scriptPath: path) : []
        return (result, problems + pluginProblems)
    }
}
