// Arguments.swift — splitting a command line into the command name, options and body words.
//
// Contract: `CommandLine.split` removes a `#` comment (outside quotes), finds the command word and
// splits the rest into top-level words: whitespace separates words except inside "double" or
// 'single' quotes and inside parentheses, so `Surv(time, status)` is one word. Inside quotes a
// backslash escapes the next character (`"a\"b"`), as the expression tokenizer reads strings.
// Unbalanced quotes or parentheses are errors that point at the opening character. `Arguments.parse` then sorts the
// words by the command's spec: `name=value` for declared options (values checked against the
// spec), declared flags, and the rest as body words. A first word naming one of the spec's
// subcommands is always a body word (the form), and an option the spec restricts to other forms
// (`OptionSpec.forms`) is refused. Commands whose body is an expression get the raw text with no
// option parsing.

public struct SplitLine: Sendable, Equatable {
    /// The command word (empty for a blank or comment-only line).
    public var command: String
    /// Everything after the command word, comment removed, trimmed.
    public var rest: String
    /// Character offset of `rest` in the original line (for caret pointers).
    public var restOffset: Int
}

public enum LineSplitter {
    /// Removes a trailing `#` comment outside quotes and splits off the command word.
    public static func split(_ line: String) -> SplitLine {
        let chars = Array(line)
        var quote: Character? = nil
        var escaped = false
        var end = chars.count
        for (i, c) in chars.enumerated() {
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            if c == "\"" || c == "'" { quote = c } else if c == "#" { end = i; break }
        }
        var i = 0
        while i < end, chars[i].isWhitespace { i += 1 }
        let start = i
        while i < end, !chars[i].isWhitespace { i += 1 }
        let cmd = String(chars[start..<i])
        while i < end, chars[i].isWhitespace { i += 1 }
        var j = end
        while j > i, chars[j - 1].isWhitespace { j -= 1 }
        return SplitLine(command: cmd, rest: String(chars[i..<j]), restOffset: i)
    }

    /// Splits text into top-level words; quotes and parentheses group.
    public static func words(_ text: String, command: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var depth = 0
        var quote: Character? = nil
        var escaped = false
        var quoteStart = 0
        var parenStarts: [Int] = []
        for (i, c) in text.enumerated() {
            if let q = quote {
                current.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'":
                quote = c; quoteStart = i; current.append(c)
            case "(":
                depth += 1; parenStarts.append(i); current.append(c)
            case ")":
                if depth == 0 {
                    throw SurvshError(.usage, command: command, "unbalanced ')'", expected: "a matching '('",
                                      pointer: .init(text: text, offset: i))
                }
                depth -= 1; parenStarts.removeLast(); current.append(c)
            default:
                if c.isWhitespace && depth == 0 {
                    if !current.isEmpty { words.append(current); current = "" }
                } else {
                    current.append(c)
                }
            }
        }
        if quote != nil {
            throw SurvshError(.usage, command: command, "unterminated string", expected: "a closing quote",
                              pointer: .init(text: text, offset: quoteStart))
        }
        if depth > 0 {
            throw SurvshError(.usage, command: command, "unbalanced '('", expected: "a matching ')'",
                              pointer: .init(text: text, offset: parenStarts.last ?? 0))
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}

/// The parsed arguments of one command line.
public struct Arguments: Sendable {
    public var command: String
    /// The text after the command word, verbatim (comment removed).
    public var raw: String
    /// Words that are neither options nor flags, in order.
    public var positional: [String]
    /// `name=value` options as written (validated against the spec).
    public var options: [String: String]
    public var flags: Set<String>
    let spec: CommandSpec

    /// Parses `rest` by the spec. Expression commands get everything as `raw`.
    public init(spec: CommandSpec, rest: String) throws {
        self.command = spec.name
        self.raw = rest
        self.spec = spec
        self.options = [:]
        self.flags = []
        self.positional = []
        if spec.body == .expression {
            // Still check quotes and parentheses so the error is the same everywhere.
            _ = try LineSplitter.words(rest, command: spec.name)
            return
        }
        let words = try LineSplitter.words(rest, command: spec.name)
        let form = words.first.flatMap { spec.subcommands.contains($0) ? $0 : nil }
        var assignments = false     // after spec.assignmentsAfter: `name=value` naming no option is a body word
        for (i, w) in words.enumerated() {
            if i == 0 && form != nil {
                positional.append(w)
                continue
            }
            if w == spec.assignmentsAfter { assignments = true }
            if let opt = spec.options.first(where: { $0.isFlag && $0.name == w }) {
                flags.insert(opt.name)
                continue
            }
            if let (name, value) = Arguments.optionShape(w) {
                if assignments && spec.option(named: name) == nil {
                    positional.append(w)
                    continue
                }
                guard let opt = spec.option(named: name), !opt.isFlag else {
                    if spec.option(named: name)?.isFlag == true {
                        throw SurvshError.usage(spec.name, "option '\(name)' takes no value", expected: "'\(name)' alone")
                    }
                    let names = spec.options.map(\.name)
                    throw SurvshError.usage(spec.name, "unknown option '\(name)'",
                                            expected: names.isEmpty ? "no options" : orList(names),
                                            suggestion: didYouMean(name, among: names))
                }
                try Arguments.validate(value, for: opt, command: spec.name)
                if let first = options[name] {
                    throw SurvshError.usage(spec.name, "option '\(name)' is given twice (\(name)=\(first) and \(name)=\(Arguments.unquote(value)))",
                                            expected: "each option once")
                }
                options[name] = Arguments.unquote(value)
                continue
            }
            positional.append(w)
        }
        try Arguments.checkForms(spec: spec, form: form ?? OptionSpec.plainForm, given: Array(flags) + Array(options.keys))
        try Arguments.checkStrayWords(spec: spec, positional: positional)
    }

    /// A command without body words refuses any; a formula command without an `explain` flag says so
    /// rather than reading the word as part of a formula (nothing is silently ignored).
    static func checkStrayWords(spec: CommandSpec, positional: [String]) throws {
        let usage = spec.synopsis.first ?? spec.name
        if spec.option(named: "explain") == nil && positional.contains("explain") && (spec.body == .none || spec.body == .formula) {
            throw SurvshError.usage(spec.name, "\(spec.name) has no 'explain'",
                                    expected: "\(usage); help \(spec.name) lists its options")
        }
        if spec.body == .none, let w = positional.first {
            throw SurvshError.usage(spec.name, "unexpected '\(w)'", expected: usage)
        }
    }

    /// Refuses options that the form `form` of the command does not use.
    static func checkForms(spec: CommandSpec, form: String, given: [String]) throws {
        for name in given.sorted() {
            guard let opt = spec.option(named: name), !opt.applies(to: form), let forms = opt.forms else { continue }
            let formName = { (f: String) in f == OptionSpec.plainForm ? spec.name : "\(spec.name) \(f)" }
            throw SurvshError.usage(spec.name, "option '\(name)' is not used by \(formName(form))",
                                    expected: "'\(name)' with \(orList(forms.map(formName)))")
        }
    }

    /// `name=value` where name is an identifier and the `=` is not part of `==`.
    static func optionShape(_ w: String) -> (String, String)? {
        guard let eq = w.firstIndex(of: "="), eq != w.startIndex else { return nil }
        let name = w[..<eq]
        let after = w.index(after: eq)
        if after < w.endIndex, w[after] == "=" { return nil }
        guard let first = name.first, first.isLetter || first == "_" || first == "." else { return nil }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
        return (String(name), String(w[after...]))
    }

    public static func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, f == "\"" || f == "'", s.last == f { return String(s.dropFirst().dropLast()) }
        return s
    }

    static func validate(_ value: String, for opt: OptionSpec, command: String) throws {
        let v = unquote(value)
        // An empty quoted text (title="") is a legitimate value; a bare `name=` is not.
        if v.isEmpty && !(opt.kind == .text && v != value) {
            throw SurvshError.usage(command, "option '\(opt.name)' has no value", expected: opt.usage)
        }
        switch opt.kind {
        case .choice(let allowed):
            if !allowed.contains(v) {
                throw SurvshError.usage(command, "unknown value '\(v)' for \(opt.name)", expected: orList(allowed),
                                        suggestion: didYouMean(v, among: allowed))
            }
        case .number(let range):
            guard let x = Double(v), x.isFinite else {
                throw SurvshError.usage(command, "value '\(v)' for \(opt.name) is not a number", expected: opt.usage)
            }
            if let r = range, !r.contains(x) {
                throw SurvshError.usage(command, "value \(v) for \(opt.name) is out of range",
                                        expected: "a number from \(formatBound(r.lowerBound)) to \(formatBound(r.upperBound))")
            }
        case .numbers:
            for part in v.split(separator: ",", omittingEmptySubsequences: false) {
                guard let x = Double(part.trimmingCharacters(in: .whitespaces)), x.isFinite else {
                    throw SurvshError.usage(command, "'\(part)' in \(opt.name)=\(v) is not a number", expected: opt.usage)
                }
            }
        case .flag, .text, .path, .column:
            break
        }
    }

    static func formatBound(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }

    // MARK: typed access

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    public func string(_ name: String) -> String? {
        options[name] ?? spec.option(named: name)?.defaultValue
    }

    /// The value written on the line, nil when the option was not given (its default not filled
    /// in): for defaults that depend on the session, such as `set convention=`.
    public func given(_ name: String) -> String? { options[name] }

    public func double(_ name: String) -> Double? {
        string(name).flatMap { Double($0) }
    }

    public func double(_ name: String, default d: Double) -> Double { double(name) ?? d }

    public func doubles(_ name: String) -> [Double]? {
        guard let s = string(name) else { return nil }
        return s.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The body words joined by single spaces (a formula or a list of words).
    public var body: String { positional.joined(separator: " ") }

    /// The leading body word when it is one of `subcommands`, and the body words after it.
    public func subcommand(among subcommands: [String]) -> (sub: String?, words: [String]) {
        guard let first = positional.first, subcommands.contains(first) else { return (nil, positional) }
        return (first, Array(positional.dropFirst()))
    }

    /// `level=` (default 0.95) as a confidence level strictly between 0 and 1, or a usage error.
    public func confidenceLevel() throws -> Double {
        let level = double("level", default: 0.95)
        guard level > 0 && level < 1 else {
            throw SurvshError.usage(command, "level=\(NumberFormat.significant(level, digits: 6)) is not a confidence level",
                                    expected: "a number between 0 and 1, e.g. level=0.95")
        }
        return level
    }

    /// Fails unless there are between `min` and `max` body words.
    public func requirePositional(_ min: Int, _ max: Int, what: String) throws {
        if positional.count < min {
            throw SurvshError.usage(command, "missing \(what)", expected: spec.synopsis.first)
        }
        if positional.count > max {
            throw SurvshError.usage(command, "unexpected '\(positional[max])'", expected: spec.synopsis.first)
        }
    }
}

import Foundation
