// Transcript.swift — writing and reading `.surv` transcripts.
//
// Format (a valid survsh script):
//     # survsh 0.1.0 transcript
//     # date: 2026-11-25T12:00:00Z
//     # data: data/lung.csv sha256=<64 hex>        (one line per file `load` read)
//     load data/lung.csv
//     #> 228 rows x 10 columns ...                  (printed output, one `#> ` line each)
//     # a comment typed in the shell                (recorded as typed)
// Comment lines that are not `#>` are ignored when replaying. A live transcript is appended and
// flushed (write(2), no user-space buffer) after every command, so a crash or `kill -9` loses no
// completed command; the data-file hash of a live transcript is written as a `# data:` line as the
// `load` reads the file (just before the load's own line). `save session` writes all hashes in the
// header. Every file a load read must have its hash recorded for `--check` to pass (DataVerifier).

import Foundation

public final class Transcript: @unchecked Sendable {
    public let path: String
    private var fd: Int32
    /// Set when a write failed; the session warns once and carries on.
    public private(set) var writeError: String?

    /// Opens (creating directories) a new transcript file and writes its header.
    public init(path: String, date: Date = Date()) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw SurvshError.io("transcript", "cannot create the transcript directory '\(dir)'")
            }
        }
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if fd < 0 {
            throw SurvshError.io("transcript", "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        write(Transcript.header(date: date, dataFiles: []))
    }

    deinit { if fd >= 0 { close(fd) } }

    public static func header(date: Date, dataFiles: [(path: String, sha256: String)]) -> [String] {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        var lines = ["# survsh \(Session.version) transcript", "# date: \(f.string(from: date))"]
        lines += dataFiles.map { "# data: \($0.path) sha256=\($0.sha256)" }
        return lines
    }

    /// Lines of one executed command (or one comment) as a transcript records it.
    public static func block(_ record: ExecutionRecord) -> [String] {
        [record.line] + record.outputLines.map { $0.isEmpty ? "#>" : "#> \($0)" }
    }

    /// A whole transcript of `records` (what `save session` writes).
    public static func text(records: [ExecutionRecord], dataFiles: [(path: String, sha256: String)], date: Date = Date()) -> String {
        var lines = header(date: date, dataFiles: dataFiles)
        for r in records { lines += block(r) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes one record's block. Made as one string line by line rather than through `block`'s array
    /// of `#> ` lines: for `head 2000000` that array took seconds to make after the output was printed.
    public func append(_ record: ExecutionRecord) {
        guard fd >= 0, writeError == nil else { return }
        var text = record.line + "\n"
        for l in record.outputLines {
            text += l.isEmpty ? "#>" : "#> "
            text += l
            text += "\n"
        }
        writeError = FullWrite.write(fd, text)
    }

    public func recordDataFile(path: String, sha256: String) {
        write(["# data: \(path) sha256=\(sha256)"])
    }

    /// The length written so far (for `truncate(to:)`).
    public var offset: Int64 { fd >= 0 ? Int64(lseek(fd, 0, SEEK_END)) : 0 }

    /// Cuts the file back to `offset` (a session restored by replay step's `back`); later lines are
    /// appended after it.
    public func truncate(to offset: Int64) {
        guard fd >= 0, writeError == nil else { return }
        if ftruncate(fd, off_t(offset)) != 0 { writeError = String(cString: strerror(errno)) }
    }

    /// One entry, whole, in one write(2) (FullWrite retries a write cut by Ctrl-C).
    private func write(_ lines: [String]) {
        guard fd >= 0, writeError == nil else { return }
        writeError = FullWrite.write(fd, lines.joined(separator: "\n") + "\n")
    }

}

/// A parsed `.surv` script or transcript.
public struct TranscriptScript: Sendable {
    public struct Step: Sendable, Equatable {
        /// 1-based line number of the command in the file.
        public var line: Int
        public var command: String
        /// The recorded `#> ` output lines (prefix removed).
        public var expected: [String]
        /// Comment lines written just before the command (for `--echo`).
        public var comments: [String] = []
        public init(line: Int, command: String, expected: [String], comments: [String] = []) {
            self.line = line; self.command = command; self.expected = expected; self.comments = comments
        }
    }

    public var steps: [Step]
    public var dataFiles: [(path: String, sha256: String)]
    /// The header's `# date:` value (ISO 8601), if recorded.
    public var date: String? = nil
    /// Comment lines after the last command (a closing remark).
    public var trailingComments: [String] = []

    /// Reads a script file: fails clearly for a missing file, a directory or binary content.
    public static func read(path: String, command: String) throws -> TranscriptScript {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw SurvshError.io(command, "no such file '\(path)'")
        }
        if isDir.boolValue { throw SurvshError.io(command, "'\(path)' is a directory, not a script file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SurvshError.io(command, "cannot read '\(path)'")
        }
        if data.prefix(65536).contains(0) {
            throw SurvshError.io(command, "'\(path)' looks like a binary file, not a survsh script")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SurvshError.io(command, "'\(path)' is not valid UTF-8 text")
        }
        return parse(text)
    }

    /// What a transcript line is, as `parse` reads it.
    enum LineKind { case output, data, header, comment, blank, command }

    static func kind(of trimmed: String) -> LineKind {
        if trimmed == "#>" || trimmed.hasPrefix("#> ") { return .output }
        if trimmed.hasPrefix("# data: ") { return .data }
        if (trimmed.hasPrefix("# survsh ") && trimmed.hasSuffix(" transcript")) || trimmed.hasPrefix("# date: ") { return .header }
        if trimmed.isEmpty { return .blank }
        return trimmed.hasPrefix("#") ? .comment : .command
    }

    /// `text` as a comment line that reads back as a plain comment: a comment that would read as
    /// output (`#>`), a data hash or a header line gets "# " in front, so typing it cannot forge one.
    public static func commentLine(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespaces)
        return kind(of: t) == .comment ? t : "# " + t
    }

    public static func parse(_ text: String) -> TranscriptScript {
        var steps: [Step] = []
        var files: [(String, String)] = []
        var lineNo = 0
        var comments: [String] = []
        var date: String? = nil
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if line == "#>" || line.hasPrefix("#> ") {
                if !steps.isEmpty { steps[steps.count - 1].expected.append(line == "#>" ? "" : String(line.dropFirst(3))) }
                continue
            }
            let t = line.trimmingCharacters(in: .whitespaces)
            switch kind(of: t) {
            case .data:
                let rest = t.dropFirst(8)
                if let r = rest.range(of: " sha256=") {
                    files.append((String(rest[..<r.lowerBound]), String(rest[r.upperBound...])))
                }
            case .comment, .output:   // an indented "#>" is a comment
                comments.append(t)
            case .header:
                if date == nil, t.hasPrefix("# date: ") { date = String(t.dropFirst(8)) }
            case .blank:
                break
            case .command:
                steps.append(Step(line: lineNo, command: t, expected: [], comments: comments))
                comments = []
            }
        }
        return TranscriptScript(steps: steps, dataFiles: files, date: date, trailingComments: comments)
    }
}

/// A unified diff of two line lists (LCS-based; transcripts are small).
public enum UnifiedDiff {
    public static func diff(_ a: [String], _ b: [String], fromName: String, toName: String, context: Int = 3) -> String? {
        if a == b { return nil }
        let n = a.count, m = b.count
        let lcs = lcsTable(n, m) { a[$0] == b[$1] }
        enum Op { case same(Int, Int), del(Int), ins(Int) }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] { ops.append(.same(i, j)); i += 1; j += 1 }
            else if j < m, i == n || lcs[i][j + 1] > lcs[i + 1][j] { ops.append(.ins(j)); j += 1 }  // deletions first on ties
            else { ops.append(.del(i)); i += 1 }
        }
        var changed = [Bool](repeating: false, count: ops.count)
        for (k, op) in ops.enumerated() { if case .same = op {} else { changed[k] = true } }
        var out = ["--- \(fromName)", "+++ \(toName)"]
        var k = 0
        while k < ops.count {
            guard changed[k] else { k += 1; continue }
            var start = max(0, k - context)
            var end = k
            while end < ops.count {
                if changed[end] { end += 1; continue }
                var run = 0
                while end + run < ops.count, !changed[end + run] { run += 1 }
                if end + run >= ops.count || run > 2 * context { end = min(ops.count, end + context); break }
                end += run
            }
            // hunk header
            var aStart = 0, bStart = 0, aLen = 0, bLen = 0
            var firstA: Int?, firstB: Int?
            var body: [String] = []
            for op in ops[start..<end] {
                switch op {
                case .same(let x, let y): firstA = firstA ?? x; firstB = firstB ?? y; aLen += 1; bLen += 1; body.append(" " + a[x])
                case .del(let x): firstA = firstA ?? x; aLen += 1; body.append("-" + a[x])
                case .ins(let y): firstB = firstB ?? y; bLen += 1; body.append("+" + b[y])
                }
            }
            aStart = (firstA ?? 0) + 1; bStart = (firstB ?? 0) + 1
            out.append("@@ -\(aStart),\(aLen) +\(bStart),\(bLen) @@")
            out += body
            start = end
            k = end
        }
        return out.joined(separator: "\n")
    }
}

/// Longest-common-subsequence lengths of two sequences of lengths `n` and `m`: `t[i][j]` is the
/// length for the suffixes starting at `i` and `j`; `same(i, j)` says whether the items match.
func lcsTable(_ n: Int, _ m: Int, same: (Int, Int) -> Bool) -> [[Int32]] {
    var t = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
    if n > 0 && m > 0 {
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                t[i][j] = same(i, j) ? t[i + 1][j + 1] + 1 : max(t[i + 1][j], t[i][j + 1])
            }
        }
    }
    return t
}
