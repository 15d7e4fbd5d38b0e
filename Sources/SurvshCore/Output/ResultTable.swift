// ResultTable.swift — tables other commands build on: the tables the last command printed (for
// `export`) and the last model's hazard ratios (for `plot forest`). Plugins share these neutral
// types through the session instead of reaching into each other.
//
// Exportable tables: a command returns the tables it printed in `CommandOutput.tables`; `execute`
// makes them the session's `lastTables` after every command, so a command that prints no table
// leaves none (export then says which command ran last). Commands whose spec sets
// `keepsLastTables` (export, help, set, history, save, replay) leave them alone.

import Foundation

/// A table of formatted cells, exportable as Markdown, CSV, LaTeX or HTML.
public struct ResultTable: Sendable {
    /// A short name `export table=NAME` selects it by (`summary`, `times`, `pairwise`).
    public var name: String
    public var title: String
    public var header: [String]
    public var rows: [[String]]
    /// Lines printed under the table (n, events, conventions).
    public var footnotes: [String]

    public init(title: String, header: [String], rows: [[String]], footnotes: [String] = [], name: String = "table") {
        self.name = name
        self.title = title
        self.header = header
        self.rows = rows
        self.footnotes = footnotes
    }

    /// The header and rows as a plain-text table (title and footnotes left to the caller).
    public func textTable(leftAligned: Set<Int> = [0]) -> String {
        var t = TextTable(header, leftAligned: leftAligned)
        for r in rows { t.add(r) }
        return t.render()
    }

    /// The title, the table indented by two spaces, and the footnotes indented too (the layout of
    /// R's htest printouts: ttest, wilcoxon, tabulate's tests).
    public func indentedText() -> String {
        var t = TextTable(header)
        for r in rows { t.add(r) }
        return ([title, t.render(indent: "  ")] + footnotes.map { "  " + $0 }).joined(separator: "\n")
    }

    /// "(1 row)", "(3 rows)".
    public var rowCountText: String { "(\(plural(rows.count, "row")))" }

    public func markdown() -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var lines = ["**\(title)**", "", "| " + header.map(cell).joined(separator: " | ") + " |",
                     "|" + header.map { _ in " --- |" }.joined()]
        lines += rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
        if !footnotes.isEmpty { lines.append(""); lines += footnotes }
        return lines.joined(separator: "\n") + "\n"
    }

    public func csv() -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    public func latex() -> String {
        let special: [Character: String] = ["~": "\\textasciitilde{}", "^": "\\textasciicircum{}", "\\": "\\textbackslash{}",
                                            "<": "$<$", ">": "$>$", "–": "--"]
        let esc = { (s: String) in ResultTable.escaped(s) { c in "&%$#_{}".contains(c) ? "\\\(c)" : special[c] } }
        var lines = ["\\begin{table}[ht]", "\\centering", "\\caption{\(esc(title))}",
                     "\\begin{tabular}{l" + String(repeating: "r", count: max(0, header.count - 1)) + "}", "\\hline",
                     header.map(esc).joined(separator: " & ") + " \\\\", "\\hline"]
        lines += rows.map { $0.map(esc).joined(separator: " & ") + " \\\\" }
        lines += ["\\hline", "\\end{tabular}"]
        if !footnotes.isEmpty { lines.append("\\par\\small " + footnotes.map(esc).joined(separator: "; ")) }
        lines.append("\\end{table}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `s` with each character that `replacement` maps replaced (LaTeX and HTML escaping).
    static func escaped(_ s: String, _ replacement: (Character) -> String?) -> String {
        var o = ""
        for c in s {
            if let r = replacement(c) { o += r } else { o.append(c) }
        }
        return o
    }

    /// A standalone HTML `<table>` (title as caption, footnotes in the footer), text escaped; the first
    /// column left-aligned, the others right-aligned, as in the text output.
    public func html() -> String {
        let entities: [Character: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"]
        let esc = { (s: String) in ResultTable.escaped(s) { entities[$0] } }
        func row(_ cells: [String], tag: String) -> String {
            "<tr>" + cells.enumerated().map { i, c in
                "<\(tag) style=\"text-align:\(i == 0 ? "left" : "right")\">\(esc(c))</\(tag)>"
            }.joined() + "</tr>"
        }
        var lines = ["<table>", "<caption>\(esc(title))</caption>", "<thead>", row(header, tag: "th"), "</thead>", "<tbody>"]
        lines += rows.map { row($0, tag: "td") }
        lines.append("</tbody>")
        if !footnotes.isEmpty {
            lines += ["<tfoot>"] + footnotes.map { "<tr><td colspan=\"\(max(1, header.count))\">\(esc($0))</td></tr>" } + ["</tfoot>"]
        }
        lines.append("</table>")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Hazard ratios of the last Cox model, for `plot forest`.
public struct HazardRatioRows: Sendable {
    public struct Row: Sendable {
        /// Term label (e.g. `factor(ph.ecog)`), the same for all levels of a factor.
        public var term: String
        /// Level for factor rows (nil for numeric terms).
        public var level: String?
        public var hr: Double?
        public var lower: Double?
        public var upper: Double?
        public var p: Double?
        /// The reference level of a factor (HR 1 by definition, no CI).
        public var isReference: Bool
        /// Rows and events in the model with this level (a numeric term: the whole model); nil if unknown.
        public var n: Int?
        public var events: Int?
        public init(term: String, level: String?, hr: Double?, lower: Double?, upper: Double?, p: Double?, isReference: Bool,
                    n: Int? = nil, events: Int? = nil) {
            self.term = term; self.level = level; self.hr = hr; self.lower = lower; self.upper = upper; self.p = p
            self.isReference = isReference; self.n = n; self.events = events
        }
    }
    public var title: String
    public var rows: [Row]
    public var level: Double
    /// A line under the figure (the strata of a stratified model), if any.
    public var footnote: String?
    public init(title: String, rows: [Row], level: Double, footnote: String? = nil) {
        self.title = title; self.rows = rows; self.level = level; self.footnote = footnote
    }
}

/// The tables the last command printed, and which command that was.
public struct LastTables: Sendable {
    public var command: String
    public var tables: [ResultTable]
    public init(command: String, tables: [ResultTable]) { self.command = command; self.tables = tables }

    /// The table `export table=SELECTOR` means: a 1-based number or a name; nil selects the first.
    public func select(_ selector: String?) -> ResultTable? {
        guard let selector else { return tables.first }
        if let n = Int(selector) { return tables.indices.contains(n - 1) ? tables[n - 1] : nil }
        return tables.first { $0.name == selector }
    }

    /// "1 summary, 2 times" for messages.
    public var listing: String {
        tables.enumerated().map { "\($0.offset + 1) \($0.element.name)" }.joined(separator: ", ")
    }
}

extension Session {
    /// The tables the last command printed (for `export`); set by `execute` from `CommandOutput.tables`.
    public var lastTables: LastTables? {
        get { results["tables"] as? LastTables }
        set { results["tables"] = newValue }
    }

    /// The first table the last command printed. Commands return their tables in
    /// `CommandOutput.tables`; setting this is the same (kept for branches written before that field).
    public var lastTable: ResultTable? {
        get { lastTables?.tables.first }
        set { lastTables = LastTables(command: lastTables?.command ?? "", tables: newValue.map { [$0] } ?? []) }
    }

    /// The last Cox model's hazard ratios (for `plot forest`).
    public var lastHazardRatios: HazardRatioRows? {
        get { results["hazard_ratios"] as? HazardRatioRows }
        set { results["hazard_ratios"] = newValue }
    }
}
