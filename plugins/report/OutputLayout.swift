// OutputLayout.swift — a command's printed lines cut into what a report shows: plain text, the
// command's tables (located in the text, so each is shown once, as an HTML table, where it was
// printed), warnings and errors.
//
// A table is found where a line reads as its header (whitespace aside) and the next lines read as
// its rows; the line above it is taken as its caption when it reads as the table's title, and the
// lines below it as its footnotes when they read as them (a blank line may come between). A table
// printed with other columns than it exports (cox prints z and se(coef), its table HR with CI)
// takes the place of the printed block whose lines start with its row labels. Tables are looked
// for in order, each after the previous one; one not found at all is `unplaced`, and the report
// shows it after the text.

import SurvshCore

enum OutputPiece: Equatable {
    case text([String])
    case table(ResultTable, caption: String?, footnotes: [String])
    case warning(String)
    case error(String)

    static func == (a: OutputPiece, b: OutputPiece) -> Bool {
        switch (a, b) {
        case (.text(let x), .text(let y)): return x == y
        case (.warning(let x), .warning(let y)), (.error(let x), .error(let y)): return x == y
        case (.table(let t, let c, let f), .table(let u, let d, let g)):
            return t.header == u.header && t.rows == u.rows && c == d && f == g
        default: return false
        }
    }
}

enum OutputLayout {
    /// `s` without whitespace: how a printed line and a table's cells are compared.
    static func squashed(_ s: String) -> String { String(s.unicodeScalars.filter { !$0.properties.isWhitespace }) }

    static func matches(_ line: String, cells: [String]) -> Bool {
        let want = squashed(cells.joined())
        return !want.isEmpty && squashed(line) == want
    }

    /// The pieces of `lines`, and the tables that could not be placed in them.
    static func pieces(_ lines: [String], tables: [ResultTable]) -> (pieces: [OutputPiece], unplaced: [ResultTable]) {
        var pieces: [OutputPiece] = []
        var unplaced: [ResultTable] = []
        var cursor = 0
        for table in tables {
            guard let at = locate(table, in: lines, from: cursor) else {
                // Printed with other columns (cox prints z and se; its table has HR with CI): the
                // table takes the place of the printed one with the same row labels.
                if let at = locateByRowLabels(table, in: lines, from: cursor) {
                    pieces += textPieces(Array(lines[cursor..<at]))
                    pieces.append(.table(table, caption: nil, footnotes: []))
                    cursor = at + 1 + table.rows.count
                } else {
                    unplaced.append(table)
                }
                continue
            }
            var start = at
            var caption: String? = nil
            if start > cursor, matches(lines[start - 1], cells: [table.title]) {
                start -= 1
                caption = table.title
            }
            pieces += textPieces(Array(lines[cursor..<start]))
            var end = at + 1 + table.rows.count
            var notes: [String] = []
            for note in table.footnotes {
                if end < lines.count, matches(lines[end], cells: [note]) {
                    notes.append(note); end += 1
                } else if end + 1 < lines.count, lines[end].allSatisfy(\.isWhitespace), matches(lines[end + 1], cells: [note]) {
                    notes.append(note); end += 2
                } else {
                    break
                }
            }
            pieces.append(.table(table, caption: caption, footnotes: notes))
            cursor = end
        }
        pieces += textPieces(Array(lines[cursor...]))
        return (pieces, unplaced)
    }

    /// Where the table's header line is, at or after `from`, with its rows on the lines after it.
    static func locate(_ table: ResultTable, in lines: [String], from: Int) -> Int? {
        guard from < lines.count, lines.count - from > table.rows.count else { return nil }
        for i in from..<(lines.count - table.rows.count) where matches(lines[i], cells: table.header) {
            if table.rows.indices.allSatisfy({ matches(lines[i + 1 + $0], cells: table.rows[$0]) }) {
                return i
            }
        }
        return nil
    }

    /// Where a printed table with the same row labels (first cells) starts: a non-blank header line
    /// followed by one line per row, each starting with that row's label.
    static func locateByRowLabels(_ table: ResultTable, in lines: [String], from: Int) -> Int? {
        let labels = table.rows.map { squashed($0.first ?? "") }
        guard !labels.isEmpty, !labels.contains(""), from < lines.count, lines.count - from > labels.count else { return nil }
        func starts(_ line: String, _ label: String) -> Bool {
            let words = line.split(whereSeparator: { $0 == " " })
            return words.first.map { squashed(String($0)) == label } ?? false
        }
        for i in from..<(lines.count - labels.count) where !lines[i].allSatisfy(\.isWhitespace) {
            if labels.indices.allSatisfy({ starts(lines[i + 1 + $0], labels[$0]) }) { return i }
        }
        return nil
    }

    /// Text lines as text, warning and error pieces (blank lines at either end of a text dropped).
    static func textPieces(_ lines: [String]) -> [OutputPiece] {
        var out: [OutputPiece] = []
        var text: [String] = []
        func flush() {
            while text.first?.allSatisfy(\.isWhitespace) == true { text.removeFirst() }
            while text.last?.allSatisfy(\.isWhitespace) == true { text.removeLast() }
            if !text.isEmpty { out.append(.text(text)) }
            text = []
        }
        for l in lines {
            if l.hasPrefix("warning: ") { flush(); out.append(.warning(String(l.dropFirst(9)))) }
            else if l.hasPrefix("error: ") { flush(); out.append(.error(String(l.dropFirst(7)))) }
            else { text.append(l) }
        }
        flush()
        return out
    }
}
