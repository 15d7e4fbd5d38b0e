// PluginSkeleton.swift — `plugin new NAME lang=...`: a working skeleton plugin folder.

import Foundation
import SurvshCore

enum PluginSkeleton {
    static func create(_ name: String, lang: String, session: Session) throws -> CommandOutput {
        throw SurvshError.usage("plugin", "plugin new is not available in this build yet",
                                expected: "copy a folder from plugins/examples/\(lang)/")
    }
}
