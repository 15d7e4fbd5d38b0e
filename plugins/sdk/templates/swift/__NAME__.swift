// __NAME__ — a survsh plugin made by `plugin new`, in Swift with Foundation only (no SDK: the whole
// protocol is here). Build: sh build.sh   Try it: sh test___NAME__.sh   Install: survsh -e 'plugin install __NAME__'
import Foundation

func send(_ message: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: message)) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// The command: n, missing and mean of each number column named in the body.
func summarize(_ request: [String: Any]) throws -> [String: Any] {
    let words = request["words"] as? [String] ?? []
    guard !words.isEmpty else { throw Failure("name at least one number column, e.g. __NAME__ age") }
    let data = request["data"] as? [String: Any] ?? [:]
    let columns = data["columns"] as? [[String: Any]] ?? []
    var rows = [[Any]](), lines = [String]()
    for name in words {
        guard let column = columns.first(where: { $0["name"] as? String == name }), column["type"] as? String == "number" else {
            throw Failure("\(name) is not a number column")
        }
        let values = (column["values"] as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue }
        let present = values.compactMap { $0 }
        let mean: Any = present.isEmpty ? NSNull() : present.reduce(0, +) / Double(present.count)
        rows.append([name, present.count, values.count - present.count, mean])
        lines.append("\(name): n = \(present.count), missing = \(values.count - present.count), mean = \(mean is NSNull ? "NA" : "\(mean)")")
    }
    return ["text": lines.joined(separator: "\n"),
            "tables": [["title": "Summary", "columns": ["column", "n", "missing", "mean"], "rows": rows]]]
}

struct Failure: Error { let message: String; init(_ m: String) { message = m } }

while let line = readLine() {
    guard let message = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { continue }
    switch message["type"] as? String {
    case "hello": send(["type": "hello", "protocol": 1, "name": "__NAME__", "version": "0.1.0"])
    case "run":
        let id = message["id"] ?? NSNull()
        do {
            var result = try summarize(message)
            result["type"] = "result"
            result["id"] = id
            send(result)
        } catch let f as Failure {
            send(["type": "error", "id": id, "message": f.message])
        } catch {
            send(["type": "error", "id": id, "message": "\(error)"])
        }
    case "bye": exit(0)
    default: continue
    }
}
