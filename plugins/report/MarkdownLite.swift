// MarkdownLite.swift — the small Markdown subset a report renders from a session's comments:
// headings (`# Title`), paragraphs, `-`/`*` and `1.` lists, **bold**, *italic*, `code` and
// [links](https://...). Everything else is text, and every character of the input is HTML-escaped
// before markup is added, so a comment can never inject HTML or script.
//
// Hand-written on purpose: survsh takes no new package dependencies, and no Swift Markdown package
// is mirrored here (apple/swift-markdown would also bring cmark-gfm's C sources and renders no HTML
// by itself); this subset is a page of code and its escaping is easy to check.

import Foundation

enum MarkdownLite {
    /// A heading line (`# Title` is level 1), or nil.
    static func heading(_ line: String) -> (level: Int, title: String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.first == " " else { return nil }
        let title = rest.trimmingCharacters(in: .whitespaces)
        return title.isEmpty ? nil : (hashes, title)
    }

    /// `text` safe inside HTML text and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Blocks of Markdown lines (no headings: the report makes those sections) as HTML.
    static func html(_ lines: [String]) -> String {
        var out: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])? = nil
        func flushParagraph() {
            if !paragraph.isEmpty { out.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>") }
            paragraph = []
        }
        func flushList() {
            if let l = list {
                let tag = l.ordered ? "ol" : "ul"
                out.append("<\(tag)>" + l.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
            }
            list = nil
        }
        for raw in lines {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { flushParagraph(); flushList(); continue }
            if let item = listItem(line) {
                flushParagraph()
                if list?.ordered != item.ordered { flushList(); list = (item.ordered, []) }
                list?.items.append(item.text)
            } else if list != nil && raw.hasPrefix("  ") {
                list!.items[list!.items.count - 1] += " " + line   // continuation of an item
            } else {
                flushList()
                paragraph.append(line)
            }
        }
        flushParagraph()
        flushList()
        return out.joined(separator: "\n")
    }

    /// `- x`, `* x`, `1. x` (or `1) x`).
    static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 3 else { return nil }
        let rest = line.dropFirst(digits.count)
        guard rest.hasPrefix(". ") || rest.hasPrefix(") ") else { return nil }
        return (true, String(rest.dropFirst(2)))
    }

    /// Inline markup of one escaped paragraph: code spans first (their content is literal), then
    /// links, bold and italic.
    static func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let tick = rest.firstIndex(of: "`") {
            let after = rest.index(after: tick)
            guard let close = rest[after...].firstIndex(of: "`") else { break }
            out += emphasis(links(String(rest[..<tick])))
            out += "<code>" + escape(String(rest[after..<close])) + "</code>"
            rest = rest[rest.index(after: close)...]
        }
        return out + emphasis(links(String(rest)))
    }

    /// [text](url) with a safe URL (http, https, mailto, or a relative path/anchor); the text is escaped.
    static func links(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            guard let mid = rest[open...].range(of: "]("),
                  let close = rest[mid.upperBound...].firstIndex(of: ")") else { break }
            let label = String(rest[rest.index(after: open)..<mid.lowerBound])
            let url = String(rest[mid.upperBound..<close]).trimmingCharacters(in: .whitespaces)
            out += escape(String(rest[..<open]))
            if safeURL(url) && !label.contains("[") {
                // stars become entities so emphasis() cannot split the element
                let href = escape(url).replacingOccurrences(of: "*", with: "%2A")
                out += "<a href=\"\(href)\">\(escape(label).replacingOccurrences(of: "*", with: "&#42;"))</a>"
            } else {
                out += escape(String(rest[open...close]))
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + escape(String(rest))
    }

    static func safeURL(_ url: String) -> Bool {
        let lower = url.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") { return true }
        // relative: no scheme before the first '/', '?' or '#'
        let head = lower.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !url.isEmpty && !head.contains(":") && !url.contains(where: { $0 == " " || $0 == "\"" })
    }

    /// **bold** and *italic* in already escaped text (a `*` with a space after it is a literal star).
    static func emphasis(_ escaped: String) -> String {
        func wrap(_ s: String, _ marker: String, _ tag: String) -> String {
            var out = ""
            var rest = Substring(s)
            while let a = rest.range(of: marker) {
                let inner = rest[a.upperBound...]
                guard let first = inner.first, first != " ", let b = inner.range(of: marker),
                      b.lowerBound > inner.startIndex, inner[inner.index(before: b.lowerBound)] != " " else {
                    out += rest[..<a.upperBound]
                    rest = rest[a.upperBound...]
                    continue
                }
                out += rest[..<a.lowerBound] + "<\(tag)>" + inner[..<b.lowerBound] + "</\(tag)>"
                rest = inner[b.upperBound...]
            }
            return out + rest
        }
        return wrap(wrap(escaped, "**", "strong"), "*", "em")
    }
}
