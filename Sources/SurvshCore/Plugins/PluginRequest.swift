// PluginRequest.swift — the `run` message a plugin command sends (protocol 1, docs/plugins.md).
//
// Contract: one JSON line: id, command, the line as typed, body words and text, every declared
// option (given or default; number -> JSON number, numbers -> array, flag -> true/false, others
// text), the declared outcome (or null), the filter state (or null), settings, and the data: only
// the rows passing the filters, only the columns the manifest asks for, missing as null, dates as
// "YYYY-MM-DD", text with its levels. Columns go into the line (`"format":"json"`, written by
// `JSONBytes`, no intermediate objects) or into a temporary CSV file (`"format":"csv"`, NA for
// missing) whose path the request names; the caller deletes the file after the call.

import Foundation

struct PluginRequest {
    let bytes: [UInt8]
    /// The temporary CSV file, when the data went into one.
    let csvFile: String?
    /// The rows sent (indices into the frame), in order: new columns come back one value per row.
    let rows: [Int]

    /// Builds the request for `command` (a manifest command) run as `args` in `session`.
    init(id: Int, command: PluginManifest.Command, line: String, args: Arguments, session: Session) throws {
        let name = command.spec.name
        let columns = try PluginRequest.columns(for: command, args: args, session: session)
        let rows = session.frame.isEmpty ? [] : session.activeRows
        var w = JSONBytes(capacity: 4096 + rows.count * max(1, columns.count) * 8)
        w.raw("{\"type\":\"run\",\"id\":"); w.int(Int64(id))
        w.raw(",\"command\":"); w.string(name)
        w.raw(",\"line\":"); w.string(line)
        w.raw(",\"words\":["); for (i, word) in args.positional.enumerated() { if i > 0 { w.byte(44) }; w.string(word) }
        w.raw("],\"body\":"); w.string(args.body)
        w.raw(",\"options\":{")
        for (i, o) in command.spec.options.enumerated() {
            if i > 0 { w.byte(44) }
            w.key(o.name)
            PluginRequest.option(o, args: args, into: &w)
        }
        w.raw("},\"outcome\":")
        if let o = session.outcome {
            w.raw("{\"time\":"); w.string(o.time)
            w.raw(",\"status\":"); w.string(o.event)
            if let s = o.start { w.raw(",\"start\":"); w.string(s) }
            w.raw(",\"event\":null")   // survsh has no event value: status is read as R's Surv reads it
            w.byte(UInt8(ascii: "}"))
        } else {
            w.null()
        }
        w.raw(",\"filter\":")
        if session.filters.isEmpty {
            w.null()
        } else {
            w.raw("{\"expression\":"); w.string(session.filters.map(\.expression).joined(separator: " and "))
            w.raw(",\"rows\":"); w.int(Int64(rows.count))
            w.raw(",\"total\":"); w.int(Int64(session.frame.rowCount))
            w.byte(UInt8(ascii: "}"))
        }
        w.raw(",\"settings\":{\"seed\":")
        if let seed = session.random.seed { w.int(Int64(seed)) } else { w.null() }
        w.raw(",\"level\":0.95,\"convention\":"); w.string(session.settings.convention.rawValue)
        w.raw(",\"digits\":"); w.int(Int64(session.settings.digits))
        w.raw("},\"data\":{\"rows\":"); w.int(Int64(rows.count))
        var csvFile: String? = nil
        if command.data == .csv {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("survsh-plugin-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).csv").path
            try PluginRequest.writeCSV(columns, rows: rows, to: path, command: name)
            csvFile = path
            w.raw(",\"format\":\"csv\",\"path\":"); w.string(path)
            w.raw(",\"columns\":[")
            for (i, c) in columns.enumerated() {
                if i > 0 { w.byte(44) }
                PluginRequest.columnHeader(c, collation: session.settings.collation, into: &w)
                w.byte(UInt8(ascii: "}"))
            }
            w.byte(UInt8(ascii: "]"))
        } else {
            w.raw(",\"format\":\"json\",\"columns\":[")
            for (i, c) in columns.enumerated() {
                if i > 0 { w.byte(44) }
                PluginRequest.column(c, rows: rows, collation: session.settings.collation, into: &w)
            }
            w.byte(UInt8(ascii: "]"))
        }
        w.raw("}}\n")
        self.bytes = w.bytes
        self.csvFile = csvFile
        self.rows = rows
    }

    /// The declared option's value as JSON: given on the line or its default.
    static func option(_ o: OptionSpec, args: Arguments, into w: inout JSONBytes) {
        if o.isFlag { w.bool(args.has(o.name)); return }
        guard let v = args.string(o.name) else { w.null(); return }
        switch o.kind {
        case .number:
            if let x = Double(v) { w.number(x) } else { w.string(v) }
        case .numbers:
            w.byte(UInt8(ascii: "["))
            for (i, part) in v.split(separator: ",").enumerated() {
                if i > 0 { w.byte(44) }
                if let x = Double(part.trimmingCharacters(in: .whitespaces)) { w.number(x) } else { w.string(String(part)) }
            }
            w.byte(UInt8(ascii: "]"))
        default:
            w.string(Arguments.unquote(v))
        }
    }

    /// The columns the command asks for, in frame order (explicit lists in their own order).
    static func columns(for command: PluginManifest.Command, args: Arguments, session: Session) throws -> [Column] {
        let frame = session.frame
        switch command.columns {
        case .none:
            return []
        case .all:
            return frame.columns
        case .names(let names):
            return try names.map { try session.column($0, for: command.spec.name) }
        case .body:
            var wanted: Set<String> = []
            for word in args.positional { wanted.formUnion(identifiers(in: word)) }
            for o in command.spec.options where o.kind == .column {
                if let v = args.string(o.name) { wanted.insert(v) }
            }
            if command.spec.body == .formula, let o = session.outcome {
                wanted.formUnion([o.time, o.event] + (o.start.map { [$0] } ?? []))
            }
            if command.spec.body == .columns {
                for word in args.positional where frame.index(of: word) == nil && session.modelColumns[word] == nil {
                    _ = try session.column(word, for: command.spec.name)   // unknown column: the usual error
                }
            }
            return frame.columns.filter { wanted.contains($0.name) }
        }
    }

    /// Words made of letters, digits, '.' and '_' (column names as expressions write them).
    static func identifiers(in text: String) -> [String] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") }).map(String.init)
    }

    /// `{"name":..,"type":..` (and `"levels":[..]` for text), without the closing brace.
    static func columnHeader(_ c: Column, collation: TextCollation, into w: inout JSONBytes) {
        w.raw("{\"name\":"); w.string(c.name)
        w.raw(",\"type\":")
        switch c.storage {
        case .text(_, let levels):
            w.raw("\"text\",\"levels\":[")
            for (i, l) in orderedLevels(c, levels, collation: collation).enumerated() { if i > 0 { w.byte(44) }; w.string(l) }
            w.byte(UInt8(ascii: "]"))
        case .date: w.raw("\"date\"")
        case .boolean: w.raw("\"boolean\"")
        case .integer, .real: w.raw("\"number\"")
        }
    }

    /// Levels in level order: a user-set order first, then the rest sorted as R sorts them.
    static func orderedLevels(_ c: Column, _ levels: [String], collation: TextCollation) -> [String] {
        let set = c.levelOrder ?? []
        let rest = collation.sorted(levels.filter { !set.contains($0) })
        return set.filter(levels.contains) + rest
    }

    /// One column's JSON object with its values for `rows`.
    static func column(_ c: Column, rows: [Int], collation: TextCollation, into w: inout JSONBytes) {
        columnHeader(c, collation: collation, into: &w)
        w.raw(",\"values\":[")
        let missing = c.missing
        let hasMissing = missing.hasMissing
        @inline(__always) func sep(_ i: Int) { if i > 0 { w.byte(44) } }
        switch c.storage {
        case .real(let v):
            for (i, r) in rows.enumerated() { sep(i); if hasMissing && missing[r] { w.null() } else { w.number(v[r]) } }
        case .integer(let v):
            for (i, r) in rows.enumerated() { sep(i); if hasMissing && missing[r] { w.null() } else { w.int(v[r]) } }
        case .boolean(let v):
            for (i, r) in rows.enumerated() { sep(i); if hasMissing && missing[r] { w.null() } else { w.bool(v[r]) } }
        case .text(let codes, let levels):
            let encoded = levels.map(JSONBytes.encoded)
            for (i, r) in rows.enumerated() {
                sep(i)
                if hasMissing && missing[r] { w.null() } else { w.bytes.append(contentsOf: encoded[Int(codes[r])]) }
            }
        case .date(let v):
            for (i, r) in rows.enumerated() {
                sep(i)
                if hasMissing && missing[r] { w.null() } else { w.string(formatISODate(daysSinceEpoch: Int(v[r]))) }
            }
        }
        w.raw("]}")
    }

    /// The rows as CSV: a header, `NA` for missing, ISO dates, text quoted when it must be. Each
    /// column is first rendered on its own (one pass over its storage, no per-cell allocation), then
    /// the rows are put together from the rendered cells.
    static func writeCSV(_ columns: [Column], rows: [Int], to path: String, command: String) throws {
        func field(_ s: String) -> [UInt8] {
            if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s == "NA" {
                return Array(("\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"").utf8)
            }
            return Array(s.utf8)
        }
        let cells = columns.map { csvCells($0, rows: rows, field: field) }
        var out: [UInt8] = []
        out.reserveCapacity(cells.reduce(256) { $0 + $1.bytes.count + rows.count })
        out += columns.map { field($0.name) }.joined(separator: [UInt8(ascii: ",")])
        out.append(10)
        for i in rows.indices {
            for (j, c) in cells.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: c.bytes[c.ends[i]..<c.ends[i + 1]])
            }
            out.append(10)
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(out)) else {
            throw SurvshError.io(command, "cannot write the data for the plugin to '\(path)'")
        }
    }

    /// One column's CSV cells for `rows`, back to back; cell i is `bytes[ends[i]..<ends[i + 1]]`.
    static func csvCells(_ c: Column, rows: [Int], field: (String) -> [UInt8]) -> (bytes: [UInt8], ends: [Int]) {
        var w = JSONBytes(capacity: rows.count * 8)
        var ends = [Int](repeating: 0, count: rows.count + 1)
        let missing = c.missing
        func cell(_ i: Int, _ r: Int, _ write: (inout JSONBytes) -> Void) {
            if missing[r] { w.raw("NA") } else { write(&w) }
            ends[i + 1] = w.bytes.count
        }
        switch c.storage {
        case .real(let v): for (i, r) in rows.enumerated() { cell(i, r) { $0.number(v[r]) } }
        case .integer(let v): for (i, r) in rows.enumerated() { cell(i, r) { $0.int(v[r]) } }
        case .boolean(let v): for (i, r) in rows.enumerated() { cell(i, r) { if v[r] { $0.raw("TRUE") } else { $0.raw("FALSE") } } }
        case .text(let codes, let levels):
            let encoded = levels.map(field)
            for (i, r) in rows.enumerated() { cell(i, r) { $0.bytes.append(contentsOf: encoded[Int(codes[r])]) } }
        case .date(let v):
            for (i, r) in rows.enumerated() { cell(i, r) { $0.bytes.append(contentsOf: formatISODate(daysSinceEpoch: Int(v[r])).utf8) } }
        }
        return (w.bytes, ends)
    }
}
