// PluginHarness.swift — talks to a runtime plugin's program directly, without survsh: starts the
// program its manifest names (as docs/plugins.md says the host does), writes protocol messages (JSON
// Lines), and reads every answer. Used by the SDK conformance and example tests, which can therefore
// check a plugin against the protocol independently of the host's implementation.

import Foundation
import XCTest

/// A plugin folder: survsh-plugin.json and its program.
struct PluginFolder {
    let url: URL
    let manifest: [String: Any]

    init(_ url: URL) throws {
        self.url = url
        let data = try Data(contentsOf: url.appendingPathComponent("survsh-plugin.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw XCTSkip("\(url.path)/survsh-plugin.json is not a JSON object")
        }
        manifest = object
    }

    /// A folder under plugins/examples/ (e.g. "python/bootstrap").
    static func example(_ path: String) throws -> PluginFolder {
        try PluginFolder(repoRoot.appendingPathComponent("plugins/examples/\(path)"))
    }

    /// The manifest's `run` argv with each word that names a file in the folder made absolute.
    var argv: [String] {
        (manifest["run"] as? [String] ?? []).map { word in
            let file = url.appendingPathComponent(word)
            return !word.hasPrefix("/") && FileManager.default.fileExists(atPath: file.path) ? file.path : word
        }
    }

    /// Starts the program, writes `messages` one per line, closes its stdin and collects everything
    /// it writes. Fails (rather than hangs) after `timeout` seconds.
    func converse(_ messages: [[String: Any]], timeout: TimeInterval = 120,
                  environment extra: [String: String] = [:]) throws -> PluginConversation {
        var lines = ""
        for m in messages {
            let data = try JSONSerialization.data(withJSONObject: m, options: [.sortedKeys, .withoutEscapingSlashes])
            lines += String(decoding: data, as: UTF8.self) + "\n"
        }
        return try converse(raw: lines, timeout: timeout, environment: extra)
    }

    /// As `converse`, with the exact text written to stdin (for malformed input).
    func converse(raw input: String, timeout: TimeInterval = 120,
                  environment extra: [String: String] = [:]) throws -> PluginConversation {
        var env = ProcessInfo.processInfo.environment
        env["SURVSH_PLUGIN_DIR"] = url.path
        env["SURVSH_PROTOCOL"] = "1"
        env["SURVSH_SDK_DIR"] = repoRoot.appendingPathComponent("plugins/sdk").path
        for (k, v) in extra { env[k] = v }
        let r = try Binary.runProcess(URL(fileURLWithPath: "/usr/bin/env"), argv, environment: env, directory: repoRoot,
                                      stdin: Data(input.utf8), timeout: timeout)
        return PluginConversation(stdout: r.stdout, stderr: r.stderr, status: r.status)
    }
}

/// What a plugin wrote: stdout must be protocol messages only (one JSON object per line).
struct PluginConversation {
    let stdout: String
    let stderr: String
    let status: Int32

    /// Every stdout line parsed; a line that is not a JSON object fails the test.
    func messages(file: StaticString = #filePath, line: UInt = #line) -> [[String: Any]] {
        stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast(stdout.hasSuffix("\n") ? 1 : 0).compactMap { text in
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                XCTFail("non-protocol output on stdout: '\(text.prefix(200))' (stderr: \(stderr.prefix(500)))", file: file, line: line)
                return nil
            }
            return object
        }
    }

    /// The plugin's hello answer.
    func hello(file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        guard let h = messages(file: file, line: line).first(where: { $0["type"] as? String == "hello" }) else {
            XCTFail("no hello answer (stderr: \(stderr.prefix(500)))", file: file, line: line)
            return [:]
        }
        return h
    }

    /// The result or error answering run `id` (exactly one must exist).
    func answer(_ id: Int, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        let answers = messages(file: file, line: line).filter {
            ["result", "error"].contains($0["type"] as? String) && ($0["id"] as? Int) == id
        }
        XCTAssertEqual(answers.count, 1, "answers to run \(id) (stderr: \(stderr.prefix(500)))", file: file, line: line)
        return answers.first ?? [:]
    }

    /// The result for run `id`; an error answer fails the test.
    func result(_ id: Int, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        let a = answer(id, file: file, line: line)
        XCTAssertEqual(a["type"] as? String, "result", "run \(id) answered \(a)", file: file, line: line)
        return a
    }

    /// The first table of result `id` as column name -> values.
    func table(_ id: Int, index: Int = 0, file: StaticString = #filePath, line: UInt = #line) -> [String: [Any]] {
        guard let tables = result(id, file: file, line: line)["tables"] as? [[String: Any]], tables.count > index,
              let columns = tables[index]["columns"] as? [String], let rows = tables[index]["rows"] as? [[Any]] else {
            XCTFail("run \(id) gave no table \(index)", file: file, line: line)
            return [:]
        }
        var out = [String: [Any]]()
        for (j, name) in columns.enumerated() { out[name] = rows.map { $0[j] } }
        return out
    }
}

/// A column as the host sends it in a run request.
struct PluginColumn {
    var name: String
    var type: String
    var levels: [String]?
    var values: [Any]

    var json: [String: Any] {
        var c: [String: Any] = ["name": name, "type": type, "values": values]
        if let levels { c["levels"] = levels }
        return c
    }

    /// Numbers (nil = missing).
    static func number(_ name: String, _ values: [Double?]) -> PluginColumn {
        PluginColumn(name: name, type: "number", levels: nil, values: values.map { $0.map { $0 as Any } ?? NSNull() })
    }

    /// Text with its levels in sorted order (nil = missing).
    static func text(_ name: String, _ values: [String?]) -> PluginColumn {
        PluginColumn(name: name, type: "text", levels: Array(Set(values.compactMap { $0 })).sorted(),
                     values: values.map { $0.map { $0 as Any } ?? NSNull() })
    }
}

/// A CSV under data/ (no quoted fields), its cells as text; "NA" and "" are missing.
struct DataCSV {
    let header: [String]
    let cells: [String: [String?]]

    init(_ name: String) throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("data/\(name).csv"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var columns = [String: [String?]]()
        for row in lines.dropFirst() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (j, name) in header.enumerated() {
                let v = j < fields.count ? fields[j] : ""
                columns[name, default: []].append(v == "NA" || v.isEmpty ? nil : v)
            }
        }
        cells = columns
    }

    func numbers(_ name: String) -> [Double?] { (cells[name] ?? []).map { $0.flatMap(Double.init) } }

    /// The column as the host would send it: number when every present cell is a number, else text.
    func column(_ name: String) -> PluginColumn {
        let raw = cells[name] ?? []
        if raw.allSatisfy({ $0 == nil || Double($0!) != nil }) { return .number(name, numbers(name)) }
        return .text(name, raw)
    }
}

/// Protocol messages from the host's side.
enum HostMessage {
    static func hello(_ protocols: [Int] = [1]) -> [String: Any] {
        ["type": "hello", "protocols": protocols, "survsh": "test"]
    }

    static var bye: [String: Any] { ["type": "bye"] }

    /// A run request with JSON data (or, given `csvPath`, CSV data with the column types).
    static func run(id: Int, command: String, body: String = "", options: [String: Any] = [:],
                    outcome: [String: Any]? = nil, seed: Double? = nil, columns: [PluginColumn],
                    csvPath: String? = nil) -> [String: Any] {
        let rows = columns.first?.values.count ?? 0
        var data: [String: Any] = ["rows": rows, "format": csvPath == nil ? "json" : "csv"]
        if let csvPath {
            data["path"] = csvPath
            data["columns"] = columns.map { c in c.json.filter { $0.key != "values" } }
        } else {
            data["columns"] = columns.map(\.json)
        }
        let words = body.split(separator: " ").map(String.init)
        return ["type": "run", "id": id, "command": command, "line": "\(command) \(body)", "words": words, "body": body,
                "options": options, "outcome": outcome ?? NSNull(), "filter": NSNull(),
                "settings": ["seed": seed ?? NSNull(), "level": 0.95, "convention": "r"] as [String: Any],
                "data": data]
    }
}
