// FileHash.swift (fuzz build only) — stands in for Sources/SurvshCore/Session/FileHash.swift so the
// fuzz build needs no swift-crypto (BoringSSL). The fuzz targets never hash files; this one is
// FNV-1a, not SHA-256, and must never ship.

import Foundation

public enum FileHash {
    public static func sha256(path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SurvshError.io("load", "cannot read '\(path)'")
        }
        var h: UInt64 = 0xcbf29ce484222325
        for b in data { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16)
    }
}
