// FileHash.swift (fuzz build only) — stands in for Sources/SurvshCore/Session/FileHash.swift so the
// fuzz build needs no swift-crypto (BoringSSL). The fuzz targets never hash files; this one is
// FNV-1a, not SHA-256, and must never ship. Same signatures as the real one (path, paths, cancel).

import Foundation
import SurvivalStats

public enum FileHash {
    public static func sha256(path: String, cancel: Cancellation = .never) throws -> String {
        try sha256(paths: [path], cancel: cancel)
    }

    public static func sha256(paths: [String], cancel: Cancellation = .never) throws -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for path in paths {
            try cancel.check()
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SurvshError.io("load", "cannot read '\(path)'")
            }
            for b in data { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        }
        return String(h, radix: 16)
    }
}
