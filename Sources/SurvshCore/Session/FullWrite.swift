// FullWrite.swift — write(2) until every byte is out.
//
// Ctrl-C is caught without SA_RESTART (so a blocking read of the line editor returns), which means
// any write may return EINTR or write part of its bytes when a signal arrives; both are retried
// here, so a second Ctrl-C can neither end the shell nor tear a transcript entry or an output line.
// Used for the transcript, the terminal output and files written in place.

import Foundation

enum FullWrite {
    /// Writes all of `bytes` to `fd`; nil when done, else the reason (strerror) of the failure.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
        guard let base = bytes.baseAddress else { return nil }
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return String(cString: strerror(errno)) }
            done += n
        }
        return nil
    }

    static func write(_ fd: Int32, _ text: String) -> String? {
        var text = text
        return text.withUTF8 { write(fd, UnsafeRawBufferPointer($0)) }
    }

    static func write(_ fd: Int32, _ text: Substring) -> String? {
        var text = text
        return text.withUTF8 { write(fd, UnsafeRawBufferPointer($0)) }
    }
}
