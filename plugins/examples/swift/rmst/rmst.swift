// rmst — an example survsh plugin in Swift (Foundation only, one file, built by build.sh with swiftc;
// not part of survsh's SwiftPM build): the restricted mean survival time up to tau= by group.
//
// Contract
//   Input:   `[Surv(time, status)] [~ group]` (without Surv, the declared outcome); tau= (required).
//   Output:  per group: n, events, the restricted mean and its standard error, as R's
//            print(survfit(...), rmean = tau): the area under the Kaplan-Meier curve from 0 to tau
//            (S flat past the last time), se^2 = sum over event times t_i <= tau of
//            A_i^2 d_i / (n_i (n_i - d_i)), A_i = the area from t_i to tau (no n/(n-1) factor).
//   Reference: R survival 3.5 survmean (print.survfit, rmean =); Klein & Moeschberger (2003) 4.5.
// The protocol (JSON Lines on stdin/stdout) is in docs/plugins.md; this file has no SDK to lean on,
// so it shows the whole exchange: hello, run -> result/error, bye.

import Foundation

struct PluginError: Error { let message: String }

/// Writes one protocol message (one line of JSON) to stdout.
func send(_ message: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: message, options: [.withoutEscapingSlashes]) else { return }
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// The KM restricted mean up to tau and its standard error (rows need not be sorted).
func restrictedMean(time: [Double], event: [Bool], tau: Double) -> (mean: Double, se: Double) {
    let order = time.indices.sorted { time[$0] < time[$1] }
    var distinct = [(t: Double, d: Int, n: Int)]()
    var i = 0
    while i < order.count {
        let t = time[order[i]]
        var j = i, d = 0
        while j < order.count && time[order[j]] == t { if event[order[j]] { d += 1 }; j += 1 }
        distinct.append((t, d, order.count - i))
        i = j
    }
    let start = min(0, time.min() ?? 0)
    var area = 0.0, previous = start, s = 1.0
    var steps = [(t: Double, d: Int, n: Int, s: Double)]()   // event times <= tau with S after them
    for row in distinct where row.t <= tau {
        area += (row.t - previous) * s
        previous = row.t
        if row.d > 0 { s *= Double(row.n - row.d) / Double(row.n) }
        steps.append((row.t, row.d, row.n, s))
    }
    area += (tau - previous) * s
    var variance = 0.0, tail = 0.0, next = tau
    for step in steps.reversed() {
        tail += (next - step.t) * step.s
        next = step.t
        if step.d > 0 && step.n > step.d {
            variance += tail * tail * Double(step.d) / (Double(step.n) * Double(step.n - step.d))
        }
    }
    return (area + start, variance.squareRoot())
}

/// Status values as R's Surv reads them: largest value 2 means 1/2 coding, else 0/1.
func events(_ status: [Double?], event: Double?) -> [Bool?] {
    if let event { return status.map { $0.map { $0 == event } } }
    let shift = status.compactMap { $0 }.max() == 2 ? 1.0 : 0.0
    return status.map { s in s.flatMap { $0 - shift == 1 ? true : $0 - shift == 0 ? false : nil } }
}

func run(_ request: [String: Any]) throws -> [String: Any] {
    let options = request["options"] as? [String: Any] ?? [:]
    guard let tau = (options["tau"] as? NSNumber)?.doubleValue else {
        throw PluginError(message: "tau= is required (the time up to which the mean is restricted)")
    }
    let body = (request["body"] as? String ?? "").trimmingCharacters(in: .whitespaces)
    let sides = body.split(separator: "~", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    let outcome = request["outcome"] as? [String: Any]
    var timeName = outcome?["time"] as? String, statusName = outcome?["status"] as? String
    let eventValue = (outcome?["event"] as? NSNumber)?.doubleValue
    if let lhs = sides.first, lhs.hasPrefix("Surv(") && lhs.hasSuffix(")") {
        let args = lhs.dropFirst(5).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard args.count == 2 else { throw PluginError(message: "expected Surv(time, status), not '\(lhs)'") }
        (timeName, statusName) = (args[0], args[1])
    } else if let lhs = sides.first, !lhs.isEmpty {
        throw PluginError(message: "expected Surv(time, status) before '~', not '\(lhs)'")
    }
    guard let timeName, let statusName else {
        throw PluginError(message: "no outcome: give Surv(time, status) or declare one with 'survival TIME EVENT'")
    }
    let groupName = sides.count > 1 && !sides[1].isEmpty ? sides[1] : nil
    let data = request["data"] as? [String: Any] ?? [:]
    var columns = [String: [String: Any]]()
    for c in data["columns"] as? [[String: Any]] ?? [] { if let n = c["name"] as? String { columns[n] = c } }
    func values(_ name: String) throws -> [Any] {
        guard let v = columns[name]?["values"] as? [Any] else { throw PluginError(message: "no column '\(name)' was sent") }
        return v
    }
    let time = try values(timeName).map { ($0 as? NSNumber)?.doubleValue }
    let event = events(try values(statusName).map { ($0 as? NSNumber)?.doubleValue }, event: eventValue)
    let group: [String?] = try groupName.map { g in try values(g).map { v in v is NSNull ? nil : "\(v)" } }
        ?? Array(repeating: "all", count: time.count)
    var labels: [String]
    if let g = groupName, let levels = columns[g]?["levels"] as? [String] {
        labels = levels
    } else {
        labels = Array(Set(group.compactMap { $0 })).sorted { (Double($0) ?? 0, $0) < (Double($1) ?? 0, $1) }
    }
    labels = labels.filter { l in group.contains(l) }
    var rows = [[Any]]()
    var lines = ["Restricted mean survival time up to tau = \(String(format: "%g", tau)) (R print.survfit rmean = tau)",
                 "group".padding(toLength: 16, withPad: " ", startingAt: 0) + "     n  events       rmean    se(rmean)"]
    for label in labels {
        let keep = time.indices.filter { group[$0] == label && time[$0] != nil && event[$0] != nil }
        let t = keep.map { time[$0]! }, e = keep.map { event[$0]! }
        let r = restrictedMean(time: t, event: e, tau: tau)
        let name = groupName.map { "\($0)=\(label.hasSuffix(".0") ? String(label.dropLast(2)) : label)" } ?? "all"
        rows.append([name, t.count, e.filter { $0 }.count, tau, r.mean, r.se])
        lines.append(name.padding(toLength: 16, withPad: " ", startingAt: 0)
                     + String(format: "%6d  %6d  %10.4f  %11.4f", t.count, e.filter { $0 }.count, r.mean, r.se))
    }
    return ["text": lines.joined(separator: "\n"),
            "tables": [["title": "Restricted mean survival time", "columns": ["group", "n", "events", "tau", "rmean", "se"],
                        "rows": rows]]]
}

while let line = readLine() {
    guard let message = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { continue }
    switch message["type"] as? String {
    case "hello":
        // this program speaks protocol 1 only: it answers 1 whatever the host offers (a host that
        // does not offer 1 reports the mismatch)
        send(["type": "hello", "protocol": 1, "name": "rmst", "version": "1.0.0"])
    case "run":
        let id = message["id"] ?? NSNull()
        do {
            var result = try run(message)
            result["type"] = "result"
            result["id"] = id
            send(result)
        } catch let e as PluginError {
            send(["type": "error", "id": id, "message": e.message])
        } catch {
            send(["type": "error", "id": id, "message": "\(error)"])
        }
    case "bye":
        exit(0)
    default:
        continue   // unknown message types are ignored
    }
}
