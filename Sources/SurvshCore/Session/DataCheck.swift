// DataCheck.swift — has a data file changed since a transcript recorded its SHA-256?

import Foundation

public enum DataCheck {
    /// One message per recorded data file that is missing or whose hash differs now.
    public static func changedFiles(_ script: TranscriptScript, session: Session, scriptPath: String) -> [String] {
        let saved = session.scriptDirectory
        session.scriptDirectory = (scriptPath as NSString).deletingLastPathComponent
        defer { session.scriptDirectory = saved }
        var out: [String] = []
        for f in script.dataFiles {
            let path = session.resolvePath(f.path)
            guard FileManager.default.fileExists(atPath: path) else {
                out.append("data file '\(f.path)' recorded in \(scriptPath) is missing")
                continue
            }
            guard let now = try? FileHash.sha256(path: path) else {
                out.append("data file '\(f.path)' cannot be read")
                continue
            }
            if now != f.sha256 {
                out.append("data file '\(f.path)' has changed since \(scriptPath) was recorded (sha256 was \(f.sha256.prefix(12))…, now \(now.prefix(12))…)")
            }
        }
        return out
    }
}
