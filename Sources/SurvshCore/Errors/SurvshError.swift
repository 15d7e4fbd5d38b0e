// SurvshError.swift — the one closed error type of survsh, and its printer.
//
// Every failure a user can cause is a value of `SurvshError`: the command that failed, what was
// wrong, and (optionally) what was expected and where in the line. One printer turns it into the
// one-line form `error: km: unknown value 'loglog' for conf (expected log, log-log or plain)`,
// prefixed with `FILE:LINE: ` when a file is running. Nothing in survsh traps on user input.

public struct SurvshError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case usage        // the line is malformed for the command (unknown option, bad value, missing argument)
        case data         // the data do not allow it (unknown column, wrong type, too few rows)
        case io           // a file could not be read or written
        case interrupted  // Ctrl-C during a running command
        case unknownCommand
    }

    public var kind: Kind
    /// The command that failed (nil for errors before a command is known, e.g. an empty file).
    public var command: String?
    /// What was wrong, lower-case, no final period.
    public var message: String
    /// What was expected, shown in parentheses.
    public var expected: String?
    /// A suggestion shown after the message ("did you mean 'load'?").
    public var suggestion: String?
    /// Optional caret pointer into the text that failed: the text and the 0-based character offset.
    public var pointer: Pointer?

    public struct Pointer: Sendable, Equatable {
        public var text: String
        public var offset: Int
        public init(text: String, offset: Int) { self.text = text; self.offset = offset }
    }

    public init(_ kind: Kind = .usage, command: String?, _ message: String, expected: String? = nil,
                suggestion: String? = nil, pointer: Pointer? = nil) {
        self.kind = kind
        self.command = command
        self.message = message
        self.expected = expected
        self.suggestion = suggestion
        self.pointer = pointer
    }

    public static func usage(_ command: String, _ message: String, expected: String? = nil, suggestion: String? = nil) -> SurvshError {
        SurvshError(.usage, command: command, message, expected: expected, suggestion: suggestion)
    }

    public static func data(_ command: String, _ message: String, expected: String? = nil, suggestion: String? = nil) -> SurvshError {
        SurvshError(.data, command: command, message, expected: expected, suggestion: suggestion)
    }

    public static func io(_ command: String, _ message: String) -> SurvshError {
        SurvshError(.io, command: command, message)
    }

    /// The same error attributed to another command (used when a shared helper raised it).
    public func attributed(to command: String) -> SurvshError {
        var e = self
        if e.command == nil || e.command == "expr" || e.command == "formula" { e.command = command }
        return e
    }

    /// Any error as survsh prints it: a SurvshError rendered, anything else as `error: COMMAND: ...`.
    public static func rendered(_ error: Error, command: String) -> String {
        (error as? SurvshError)?.rendered() ?? SurvshError(.io, command: command, "\(error)").description
    }

    /// The one-line form, without a location.
    public var description: String {
        var s = "error: "
        if let c = command { s += "\(c): " }
        s += message
        if let e = expected { s += " (expected \(e))" }
        if let sug = suggestion { s += "; \(sug)" }
        return s
    }

    /// The printed form: the one-line message (with `FILE:LINE: ` in front when given), then, when the
    /// error points into an expression, the text and a caret under the offending character.
    public func rendered(location: String? = nil) -> String {
        var s = (location.map { "\($0): " } ?? "") + description
        if let p = pointer {
            let (text, offset) = SurvshError.window(p.text, around: max(0, p.offset))
            s += "\n  \(text)\n  \(String(repeating: " ", count: offset))^"
        }
        return s
    }

    /// A long line cut to the part around `offset` (at most 60 characters before and 40 after, with
    /// "…" where text is left out), and the caret's offset in it.
    static func window(_ text: String, around offset: Int, before: Int = 60, after: Int = 40) -> (String, Int) {
        guard text.count > before + after + 1 else { return (text, offset) }
        let chars = Array(text)
        let lo = max(0, min(offset, chars.count) - before)
        let hi = min(chars.count, offset + after)
        let head = lo > 0 ? "…" : ""
        let tail = hi < chars.count ? "…" : ""
        return (head + String(chars[lo..<hi]) + tail, offset - lo + head.count)
    }
}

/// Optimal string alignment distance, for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased()), y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
    for i in 0...x.count { d[i][0] = i }
    for j in 0...y.count { d[0][j] = j }
    for i in 1...x.count {
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[x.count][y.count]
}

/// "did you mean 'x'?" for the closest candidate, or nil when nothing is close.
public func didYouMean(_ word: String, among candidates: [String]) -> String? {
    closestMatch(word, among: candidates).map { "did you mean '\($0)'?" }
}

/// The candidate closest to `word` by edit distance (or the first it begins), nil when none is close.
public func closestMatch(_ word: String, among candidates: [String]) -> String? {
    let limit = max(1, min(3, word.count / 3 + 1))
    var best: (String, Int)?
    for c in candidates where abs(c.count - word.count) <= limit || c.lowercased().hasPrefix(word.lowercased()) {
        let d = editDistance(word, c)
        if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        else if c.lowercased().hasPrefix(word.lowercased()) && best == nil { best = (c, limit) }
    }
    return best?.0
}

/// The `expected` text of an unknown-column error: the data's columns (the first few when there
/// are many), e.g. "a column of the data: inst, time, status or age".
public func expectedColumn(among names: [String], shown: Int = 12) -> String {
    if names.isEmpty { return "a column of the data (none are loaded)" }
    if names.count <= shown { return "a column of the data: " + orList(names) }
    return "a column of the data: " + names.prefix(shown).joined(separator: ", ")
        + ", … (\(names.count) columns; 'describe' lists them)"
}

/// "a, b or c" for lists of expected values.
public func orList(_ items: [String]) -> String {
    switch items.count {
    case 0: return ""
    case 1: return items[0]
    default: return items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}
