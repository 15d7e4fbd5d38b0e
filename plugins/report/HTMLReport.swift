// HTMLReport.swift — a SessionReport as one self-contained HTML file: inline CSS (with a print
// stylesheet), inline SVG figures, no script, no external asset, no network. Every text from the
// session (commands, output, comments, table cells, file names) is HTML-escaped; the SVG comes from
// survsh's own figure renderer (which escapes its text) and is embedded without its XML prolog.

import Foundation
import SurvshCore

enum HTMLReport {
    static let esc = MarkdownLite.escape

    /// The whole document.
    static func render(_ report: SessionReport) -> String {
        var sections: [(level: Int, title: String, id: String)] = []
        var body: [String] = []
        for block in report.blocks {
            switch block {
            case .heading(let level, let title):
                let id = "s\(sections.count + 1)-" + slug(title)
                sections.append((level, title, id))
                let tag = level <= 1 ? "h2" : "h3"
                body.append("<\(tag) id=\"\(id)\" class=\"section level\(min(level, 2))\">\(esc(title))</\(tag)>")
            case .prose(let lines):
                body.append("<div class=\"prose\">\n" + MarkdownLite.html(lines) + "\n</div>")
            case .command(let c):
                body.append(command(c))
            }
        }
        let methods = methodsParagraph(report.methods, version: report.version)
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="survsh \(esc(report.version))">
        <title>\(esc(report.title))</title>
        <style>
        \(stylesheet)
        </style>
        </head>
        <body>
        <div class="layout">
        \(toc(sections))
        <main>
        \(header(report))
        <section id="methods" class="methods">
        <h2>Methods</h2>
        <p>\(esc(methods))</p>
        </section>
        \(body.joined(separator: "\n"))
        <footer>Made by <code>survsh report</code> from \(esc(report.source)): every command above was re-run on the data files listed at the top.</footer>
        </main>
        </div>
        </body>
        </html>

        """
    }

    /// The methods paragraph: the distinct method sentences in order, then where the numbers come from.
    static func methodsParagraph(_ methods: [MethodNote], version: String) -> String {
        let sentences = methods.map(\.sentence)
        let closing = "Analyses were run in survsh \(version), whose results follow the R conventions stated with each result."
        return sentences.isEmpty ? "No result in this session states a statistical method. " + closing
            : (sentences + [closing]).joined(separator: " ")
    }

    static func slug(_ title: String) -> String {
        var out = ""
        for s in title.lowercased().unicodeScalars {
            if ("a"..."z").contains(s) || ("0"..."9").contains(s) { out.unicodeScalars.append(s) }
            else if !out.isEmpty && !out.hasSuffix("-") { out += "-" }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(40))
    }

    static func toc(_ sections: [(level: Int, title: String, id: String)]) -> String {
        var lines = ["<nav class=\"toc\" aria-label=\"Contents\">", "<h2>Contents</h2>", "<ol>",
                     "<li><a href=\"#methods\">Methods</a></li>"]
        var open = false
        for s in sections {
            if s.level <= 1 {
                if open { lines.append("</ol></li>"); open = false }
                lines.append("<li><a href=\"#\(s.id)\">\(esc(s.title))</a>")
                lines.append("<ol>")
                open = true
            } else {
                lines.append("<li class=\"sub\"><a href=\"#\(s.id)\">\(esc(s.title))</a></li>")
            }
        }
        if open { lines.append("</ol></li>") }
        lines += ["</ol>", "</nav>"]
        return lines.joined(separator: "\n").replacingOccurrences(of: "<ol>\n</ol></li>", with: "</li>")
    }

    static func header(_ r: SessionReport) -> String {
        var lines = ["<header>", "<h1>\(esc(r.title))</h1>", "<dl class=\"meta\">",
                     "<dt>survsh</dt><dd>\(esc(r.version))</dd>",
                     "<dt>Session date</dt><dd>\(esc(r.date))</dd>",
                     "<dt>Transcript</dt><dd><code>\(esc(r.source))</code></dd>",
                     "<dt>Commands</dt><dd>\(r.commands.count)</dd>", "</dl>"]
        if !r.dataFiles.isEmpty {
            lines.append("<table class=\"data\"><thead><tr><th>data file</th><th>SHA-256</th></tr></thead><tbody>")
            lines += r.dataFiles.map { "<tr><td><code>\(esc($0.path))</code></td><td class=\"hash\"><code>\(esc($0.sha256))</code></td></tr>" }
            lines.append("</tbody></table>")
        }
        lines.append("</header>")
        return lines.joined(separator: "\n")
    }

    static func command(_ c: SessionReport.CommandResult) -> String {
        var lines = ["<div class=\"step\">", "<pre class=\"cmd\"><code>\(esc(c.line))</code></pre>"]
        if c.differsFromRecording {
            lines.append("<p class=\"changed\">This command prints something else now than the transcript recorded; shown is what it prints now.</p>")
        }
        let layout = OutputLayout.pieces(c.outputLines, tables: c.outputs.flatMap(\.tables))
        lines += layout.pieces.map(piece)
        lines += layout.unplaced.map { table($0, caption: $0.title, footnotes: $0.footnotes) }
        for svg in c.outputs.flatMap(\.figures) {
            lines.append("<figure class=\"plot\">\n\(inlineSVG(svg))</figure>")
        }
        lines.append("</div>")
        return lines.joined(separator: "\n")
    }

    static func piece(_ p: OutputPiece) -> String {
        switch p {
        case .text(let lines): return "<pre class=\"out\">\(esc(lines.joined(separator: "\n")))</pre>"
        case .warning(let w): return "<p class=\"warning\"><strong>warning:</strong> \(esc(w))</p>"
        case .error(let e): return "<p class=\"error\"><strong>error:</strong> \(esc(e))</p>"
        case .table(let t, let caption, let notes): return table(t, caption: caption, footnotes: notes)
        }
    }

    /// Whether a column holds numbers (its non-empty cells mostly start as numbers do): right-aligned.
    static func numericColumns(_ t: ResultTable) -> Set<Int> {
        var out = Set<Int>()
        for k in 1..<max(1, t.header.count) {
            let cells = t.rows.compactMap { k < $0.count ? $0[k] : nil }.filter { !$0.isEmpty }
            let numeric = cells.filter(looksNumeric)
            if !cells.isEmpty && numeric.count * 2 >= cells.count { out.insert(k) }
        }
        return out
    }

    /// A number as survsh prints one: `12`, `-0.5`, `1.3e-05`, `< 2.2e-16`, `58.6%`, `NA`, `Inf`,
    /// or an estimate with its interval, `5.41 (1.65–17.7)`.
    static func looksNumeric(_ cell: String) -> Bool {
        var s = Substring(cell.trimmingCharacters(in: .whitespaces))
        if s == "NA" || s == "Inf" || s == "-Inf" { return true }
        if s.hasPrefix("< ") || s.hasPrefix("> ") { s = s.dropFirst(2) }
        if let paren = s.firstIndex(of: "("), s.hasSuffix(")") { s = s[..<paren].dropLast(s[..<paren].hasSuffix(" ") ? 1 : 0) }
        if s.hasSuffix("%") || s.hasSuffix("*") { s = s.dropLast() }
        return !s.isEmpty && Double(s) != nil
    }

    static func table(_ t: ResultTable, caption: String?, footnotes: [String]) -> String {
        let numeric = numericColumns(t)
        func cls(_ k: Int) -> String { numeric.contains(k) ? " class=\"num\"" : "" }
        var lines = ["<div class=\"tablewrap\"><table class=\"result\" data-name=\"\(esc(t.name))\">"]
        if let caption { lines.append("<caption>\(esc(caption))</caption>") }
        lines.append("<thead><tr>" + t.header.enumerated().map { "<th\(cls($0.offset)) scope=\"col\">\(esc($0.element))</th>" }.joined() + "</tr></thead>")
        lines.append("<tbody>")
        for row in t.rows {
            let cells = row.enumerated().map { k, v in
                // a level under its variable (table1's "  F") keeps its indent
                k == 0 ? "<th scope=\"row\"\(v.hasPrefix("  ") ? " class=\"level\"" : "")>\(esc(v))</th>" : "<td\(cls(k))>\(esc(v))</td>"
            }
            lines.append("<tr>" + cells.joined() + "</tr>")
        }
        lines.append("</tbody></table></div>")
        if !footnotes.isEmpty {
            lines.append("<p class=\"notes\">" + footnotes.map(esc).joined(separator: "<br>") + "</p>")
        }
        return lines.joined(separator: "\n")
    }

    /// The SVG document without its XML declaration, labelled for screen readers.
    static func inlineSVG(_ svg: String) -> String {
        var s = svg
        if s.hasPrefix("<?xml"), let end = s.range(of: "?>") { s = String(s[end.upperBound...]).trimmingCharacters(in: .newlines) }
        if let r = s.range(of: "<svg ") { s.replaceSubrange(r, with: "<svg role=\"img\" ") }
        return s.hasSuffix("\n") ? s : s + "\n"
    }

    static let stylesheet = """
    :root { --fg: #1c232b; --muted: #5a6470; --accent: #0b5cad; --rule: #d8dde3; --code-bg: #f4f6f8;
            --warn-bg: #fff4d4; --warn: #b07800; --err-bg: #fde7e7; --err: #b3261e; }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; color: var(--fg); background: #fff;
           font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif; }
    code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
    .layout { display: grid; grid-template-columns: 15rem minmax(0, 1fr); max-width: 82rem; margin: 0 auto; }
    nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto;
              padding: 2rem 1rem 2rem 1.5rem; border-right: 1px solid var(--rule); font-size: .88rem; line-height: 1.4; }
    nav.toc h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 .6rem; }
    nav.toc ol { list-style: none; margin: 0; padding: 0; }
    nav.toc li { margin: .3rem 0; }
    nav.toc ol ol { padding-left: .9rem; font-size: .95em; }
    nav.toc a { color: var(--fg); text-decoration: none; }
    nav.toc a:hover { color: var(--accent); text-decoration: underline; }
    main { padding: 2rem 3rem 4rem; min-width: 0; max-width: 67rem; }
    header h1 { font-size: 1.85rem; line-height: 1.2; margin: 0 0 .75rem; }
    dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 .75rem; font-size: .9rem; }
    dl.meta dt { color: var(--muted); }
    dl.meta dd { margin: 0; }
    table.data { border-collapse: collapse; font-size: .8rem; margin: .25rem 0 1rem; }
    table.data th, table.data td { text-align: left; padding: .2rem .75rem .2rem 0; border-bottom: 1px solid var(--rule); }
    table.data td.hash code { word-break: break-all; color: var(--muted); }
    h2.section { font-size: 1.4rem; margin: 2.5rem 0 .75rem; padding-top: .5rem; border-top: 2px solid var(--fg); }
    h3.section { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
    section.methods { background: #f2f6fb; border: 1px solid #d3e1f0; border-radius: 6px; padding: .9rem 1.25rem; margin: 1.25rem 0 1.5rem; }
    section.methods h2 { font-size: 1.05rem; margin: 0 0 .4rem; }
    section.methods p { margin: 0; }
    .prose p { margin: .6rem 0; }
    .prose ul, .prose ol { margin: .5rem 0; padding-left: 1.5rem; }
    .prose code, .notes code { background: var(--code-bg); padding: 0 .2em; border-radius: 3px; font-size: .9em; }
    a { color: var(--accent); }
    .step { margin: 1.1rem 0 1.4rem; }
    pre.cmd { margin: 0 0 .4rem; padding: .4rem .75rem; background: #e9eff6; border-left: 3px solid var(--accent);
              border-radius: 0 4px 4px 0; font-size: .86rem; white-space: pre-wrap; word-break: break-word; }
    pre.cmd code::before { content: "survsh> "; color: var(--muted); }
    pre.out { margin: .35rem 0; padding: .5rem .75rem; background: var(--code-bg); border-radius: 4px;
              font-size: .8rem; line-height: 1.45; white-space: pre-wrap; overflow-wrap: anywhere; }
    .tablewrap { overflow-x: auto; margin: .5rem 0 .2rem; }
    table.result { border-collapse: collapse; font-size: .84rem; font-variant-numeric: tabular-nums; }
    table.result caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 .3rem; }
    table.result th, table.result td { padding: .22rem .6rem; border-bottom: 1px solid var(--rule); text-align: left;
                                       vertical-align: top; white-space: nowrap; }
    table.result thead th { border-bottom: 2px solid #8995a2; font-weight: 600; white-space: nowrap; }
    table.result tbody th { font-weight: 500; white-space: nowrap; }
    table.result tbody th.level { font-weight: 400; padding-left: 1.6rem; }
    table.result .num { text-align: right; white-space: nowrap; }
    table.result tbody tr:nth-child(even) { background: #fafbfc; }
    .notes { font-size: .78rem; color: var(--muted); margin: .15rem 0 .6rem; }
    p.warning, p.error, p.changed { margin: .4rem 0; padding: .4rem .75rem; border-radius: 0 4px 4px 0; font-size: .86rem; }
    p.warning { background: var(--warn-bg); border-left: 4px solid var(--warn); }
    p.error { background: var(--err-bg); border-left: 4px solid var(--err); }
    p.changed { background: #eef0f2; border-left: 4px solid var(--muted); }
    figure.plot { margin: .75rem 0 1rem; }
    figure.plot svg { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); border-radius: 4px; }
    footer { margin-top: 3rem; padding-top: .75rem; border-top: 1px solid var(--rule); font-size: .8rem; color: var(--muted); }
    @media (max-width: 900px) {
      .layout { display: block; }
      nav.toc { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--rule); padding: 1rem 1.25rem; }
      main { padding: 1.25rem; }
    }
    @media print {
      @page { size: A4; margin: 16mm 14mm; }
      body { font-size: 10pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      .layout { display: block; max-width: none; }
      nav.toc { display: none; }
      main { padding: 0; max-width: none; }
      h2.section { break-before: page; border-top: 0; margin-top: 0; }
      h2, h3 { break-after: avoid; }
      pre.cmd { break-after: avoid; }
      .step, table.result, figure.plot, section.methods { break-inside: avoid; }
      pre.out { white-space: pre-wrap; overflow: visible; }
      .tablewrap { overflow: visible; }
      table.result { font-size: 7.5pt; }
      figure.plot svg { border: 0; }
      a { color: inherit; text-decoration: none; }
    }
    """
}
