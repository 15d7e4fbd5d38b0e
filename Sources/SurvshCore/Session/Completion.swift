// Completion.swift — what Tab offers, computed from the command declarations and the data.
//
// Contract: given the line up to the cursor, returns the word being completed and the candidates:
// command names at the start of a line; then the command's subcommands, option names (`conf=`) and
// flags, option values from the declared list after `name=`, column names of the loaded data, the
// levels of a text column inside quotes after `col ==`, and file paths after `load`/`replay`/path
// options. Pure: no terminal, so tests call it directly.

import Foundation

public struct Completion: Sendable, Equatable {
    /// The partial word before the cursor that the candidates replace.
    public var word: String
    public var candidates: [String]

    /// The longest common prefix of all candidates (what Tab inserts).
    public var commonPrefix: String {
        guard var p = candidates.first else { return word }
        for c in candidates.dropFirst() {
            while !c.hasPrefix(p) { p.removeLast() }
        }
        return p
    }
}

public enum Completer {
    public static func complete(_ line: String, session: Session) -> Completion {
        // The word being completed: after the last space, '(', ',', '~', '+', ':' or '='.
        let breakers: Set<Character> = [" ", "(", ",", "~", "+", ":", "*", "\t"]
        var wordStart = line.endIndex
        while wordStart > line.startIndex, !breakers.contains(line[line.index(before: wordStart)]) {
            wordStart = line.index(before: wordStart)
        }
        var word = String(line[wordStart...])
        let before = String(line[..<wordStart])
        let trimmedBefore = before.trimmingCharacters(in: .whitespaces)
        let registry = session.registry

        // Command position.
        if trimmedBefore.isEmpty {
            return Completion(word: word, candidates: registry.allNames.filter { $0.hasPrefix(word) })
        }
        let cmdWord = String(trimmedBefore.split(separator: " ").first ?? "")
        guard let cmd = registry.lookup(cmdWord) else { return Completion(word: word, candidates: []) }
        let spec = cmd.spec
        let columns = session.frame.allNames

        // Inside quotes after `col ==`: levels of the text column.
        if word.hasPrefix("\"") || word.hasPrefix("'") {
            let quote = word.first!
            let partial = String(word.dropFirst())
            let pattern = before.trimmingCharacters(in: .whitespaces)
            for op in ["==", "!="] {
                if pattern.hasSuffix(op) {
                    let lhs = String(pattern.dropLast(op.count)).trimmingCharacters(in: .whitespaces)
                    let name = String(lhs.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }.reversed())
                    if let c = session.frame.column(name), case .text(_, let levels) = c.storage {
                        let cands = levels.sorted().filter { $0.hasPrefix(partial) }.map { "\(quote)\($0)\(quote)" }
                        return Completion(word: word, candidates: cands)
                    }
                }
            }
            return Completion(word: word, candidates: [])
        }

        // Option value after `name=`.
        if let eq = word.firstIndex(of: "=") {
            let name = String(word[..<eq])
            let partial = String(word[word.index(after: eq)...])
            guard let opt = spec.option(named: name) else { return Completion(word: word, candidates: []) }
            switch opt.kind {
            case .choice(let values):
                return Completion(word: word, candidates: values.filter { $0.hasPrefix(partial) }.map { "\(name)=\($0)" })
            case .path:
                return Completion(word: word, candidates: paths(partial).map { "\(name)=\($0)" })
            case .column:
                return Completion(word: word, candidates: columns.filter { $0.hasPrefix(partial) }.map { "\(name)=\($0)" })
            default:
                return Completion(word: word, candidates: [])
            }
        }

        // Paths for commands whose body is a path.
        let bodyWords = trimmedBefore.split(separator: " ").dropFirst()
        let pathWords = bodyWords.filter { !$0.contains("=") }
        if (spec.body == .path && pathWords.isEmpty) || (spec.name == "save" && pathWords == ["session"]) {
            return Completion(word: word, candidates: paths(word))
        }

        var cands: [String] = []
        if bodyWords.isEmpty { cands += spec.subcommands.filter { $0.hasPrefix(word) } }
        if spec.body != .expression {
            cands += spec.options.filter { $0.name.hasPrefix(word) }.map { $0.isFlag ? $0.name : $0.name + "=" }
        }
        if spec.body == .formula && "Surv(".hasPrefix(word) && !word.isEmpty { cands.append("Surv(") }
        if [.formula, .columns, .expression, .words].contains(spec.body) {
            cands += columns.filter { $0.hasPrefix(word) }
        }
        if spec.body == .expression && !word.isEmpty {
            cands += ExpressionEvaluator.functionNames.filter { $0.hasPrefix(word) }.map { $0 + "(" }
        }
        // Unique, order kept.
        var seen = Set<String>()
        cands = cands.filter { seen.insert($0).inserted }
        word = String(word)
        return Completion(word: word, candidates: cands)
    }

    /// File-system entries starting with `partial` (directories end with '/').
    public static func paths(_ partial: String) -> [String] {
        let expanded = (partial as NSString).expandingTildeInPath
        let dir: String
        let prefix: String
        if partial.hasSuffix("/") { dir = expanded; prefix = "" }
        else if partial.contains("/") { dir = (expanded as NSString).deletingLastPathComponent; prefix = (expanded as NSString).lastPathComponent }
        else { dir = "."; prefix = partial }
        guard let items = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "/" : dir) else { return [] }
        let head: String
        if partial.hasSuffix("/") { head = partial }
        else if let slash = partial.lastIndex(of: "/") { head = String(partial[...slash]) }
        else { head = "" }
        return items.filter { $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix(".")) }.sorted().map { name in
            var isDir: ObjCBool = false
            let full = (dir as NSString).appendingPathComponent(name)
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDir)
            return head + name + (isDir.boolValue ? "/" : "")
        }
    }
}
