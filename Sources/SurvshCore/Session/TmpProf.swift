// TEMPORARY profiling helper (to be removed).
import Foundation
public enum TmpProf {
    nonisolated(unsafe) static var last = ContinuousClock.now
    nonisolated(unsafe) static let on = ProcessInfo.processInfo.environment["SURVSH_PROF"] != nil
    public static func mark(_ what: String) {
        guard on else { return }
        let now = ContinuousClock.now
        let d = now - last
        last = now
        FileHandle.standardError.write(Data(String(format: "[prof] %-28@ %8.2f ms\n", what as NSString, Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1e3).utf8))
    }
}
