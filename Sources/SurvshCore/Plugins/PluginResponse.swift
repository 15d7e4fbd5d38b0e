// PluginResponse.swift — turning a plugin's `result` message into a command's output (protocol 1).
//
// Contract: text is printed as a built-in's; tables become the session's exportable tables (cells:
// numbers formatted with the session's digits, null as NA) and are printed when the plugin sent no
// text; `json` (or, by default, {"tables":[...]} with the raw cells) is the --format json object,
// with "command" first; warnings are the command's warnings; new columns (one value per sent row,
// missing elsewhere) are added to the frame, refused when the name exists or the length is wrong;
// every figure is the output's (reports show them all) and, with the command's `file=` option, is
// written through the same SVG/PNG/PDF path as `plot`: the first to the path given, the next ones
// to PATH-2.EXT, PATH-3.EXT, ... (FigureExport.numberedPaths), all named in the text and JSON.

import Foundation

/// A JSON value as Foundation parsed it, in survsh's own JSON type.
func jsonValue(_ any: Any) -> JSONValue {
    switch any {
    case is NSNull: return .null
    case let s as String: return .string(s)
    case let n as NSNumber:
        if isJSONBool(n) { return .bool(n.boolValue) }
        let d = n.doubleValue
        if d == d.rounded(), abs(d) < 9e15 { return .int(Int(d)) }
        return .number(d)
    case let a as [Any]: return .array(a.map(jsonValue))
    case let o as [String: Any]: return .object(o.keys.sorted().map { ($0, jsonValue(o[$0]!)) })
    default: return .string("\(any)")
    }
}

/// Whether Foundation parsed `n` from `true`/`false` (a boolean NSNumber's type code is "c").
func isJSONBool(_ n: NSNumber) -> Bool {
    String(cString: n.objCType) == "c"
}

struct PluginResponse {
    let command: String
    let plugin: String
    let object: [String: Any]

    func output(args: Arguments, request: PluginRequest, session: Session) throws -> CommandOutput {
        var out = CommandOutput()
        var text = object["text"] as? String ?? ""
        if text.hasSuffix("\n") { text.removeLast() }
        out.warnings = (object["warnings"] as? [Any] ?? []).map { ($0 as? String) ?? "\($0)" }
        var tablesJSON: [JSONValue] = []
        for (i, t) in (object["tables"] as? [[String: Any]] ?? []).enumerated() {
            let title = t["title"] as? String ?? "Table \(i + 1)"
            let header = (t["columns"] as? [Any] ?? []).map { ($0 as? String) ?? "\($0)" }
            let rows = (t["rows"] as? [[Any]] ?? [])
            out.tables.append(ResultTable(title: title, header: header,
                                          rows: rows.map { $0.map { cell($0, session) } },
                                          name: t["name"] as? String ?? (i == 0 ? "table" : "table\(i + 1)")))
            tablesJSON.append(.object([("title", .string(title)), ("columns", .array(header.map { .string($0) })),
                                       ("rows", .array(rows.map { .array($0.map(jsonValue)) }))]))
        }
        if text.isEmpty && !out.tables.isEmpty {
            text = out.tables.map { $0.title + "\n" + $0.textTable() }.joined(separator: "\n\n")
        }
        var lines = text.isEmpty ? [] : [text]
        var kv: [(String, JSONValue)] = [("command", .string(command))]
        if case .object(let given)? = object["json"].map(jsonValue) {
            kv += given.filter { $0.0 != "command" }
        } else {
            kv.append(("tables", .array(tablesJSON)))
        }
        if let added = try newColumns(request: request, session: session) {
            lines.append("added \(added.count == 1 ? "column" : "columns") \(added.joined(separator: ", "))")
            kv.append(("new_columns", .array(added.map { .string($0) })))
        }
        out.figures = (object["figures"] as? [[String: Any]] ?? []).compactMap { $0["svg"] as? String }
        if !out.figures.isEmpty, let file = args.string("file") {
            let files = FigureExport.numberedPaths(file, count: out.figures.count)
            do {
                _ = try FigureExport.format(of: file)
                for (svg, path) in zip(out.figures, files) {
                    try FigureExport.write(svg: svg, to: session.writeDestination(for: path, command: command),
                                           cancel: Interrupt.cancellation)
                }
            } catch let e as FigureExportError {
                throw SurvshError.io(command, e.description)
            }
            lines.append(files.count == 1 ? "wrote \(file)" : "wrote \(files.count) figures: \(files.joined(separator: ", "))")
            kv.append(("file", .string(file)))
            kv.append(("files", .array(files.map { .string($0) })))
        }
        out.text = lines.joined(separator: "\n")
        out.json = .object(kv)
        return out
    }

    /// A table cell as printed: numbers with the session's digits, null as NA.
    private func cell(_ v: Any, _ session: Session) -> String {
        switch v {
        case is NSNull: return "NA"
        case let s as String: return s
        case let n as NSNumber: return isJSONBool(n) ? (n.boolValue ? "TRUE" : "FALSE") : session.fmt(n.doubleValue)
        default: return "\(v)"
        }
    }

    /// Adds the result's new columns to the frame; their names (nil when there are none).
    private func newColumns(request: PluginRequest, session: Session) throws -> [String]? {
        guard let list = object["new_columns"] as? [[String: Any]], !list.isEmpty else { return nil }
        let n = session.frame.rowCount
        var columns: [Column] = []
        for c in list {
            guard let name = c["name"] as? String, DataFrame.isValidName(name) else {
                throw SurvshError.data(command, "plugin \(plugin) sent a new column without a valid name")
            }
            if session.frame.index(of: name) != nil || columns.contains(where: { $0.name == name }) {
                throw SurvshError.data(command, "plugin \(plugin) sent new column '\(name)', but the data already have a column of that name",
                                       expected: "drop or rename the column first")
            }
            let values = c["values"] as? [Any] ?? []
            guard values.count == request.rows.count else {
                throw SurvshError.data(command, "plugin \(plugin) sent \(values.count) values for new column '\(name)'",
                                       expected: "one per row sent: \(request.rows.count)")
            }
            var mask = MissingMask(count: n)
            for r in 0..<n { mask[r] = true }
            switch c["type"] as? String ?? "number" {
            case "text":
                var levels: [String] = [], index: [String: UInt32] = [:]
                var codes = [UInt32](repeating: 0, count: n)
                for (v, r) in zip(values, request.rows) {
                    guard let s = v as? String else { continue }
                    let code = index[s] ?? { let k = UInt32(levels.count); levels.append(s); index[s] = k; return k }()
                    codes[r] = code
                    mask[r] = false
                }
                columns.append(Column(name: name, storage: .text(codes: codes, levels: levels), missing: mask))
            default:
                var x = [Double](repeating: 0, count: n)
                for (v, r) in zip(values, request.rows) {
                    guard let num = v as? NSNumber, !isJSONBool(num), num.doubleValue.isFinite else { continue }
                    x[r] = num.doubleValue
                    mask[r] = false
                }
                columns.append(Column(name: name, storage: .real(x), missing: mask))
            }
        }
        session.updateFrame { f in for c in columns { f.append(c) } }
        return columns.map(\.name)
    }
}
