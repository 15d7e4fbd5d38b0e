// PluginExampleTests — the example plugins under plugins/examples/, run through the protocol without
// survsh (PluginHarness), their numbers checked against R (Reference/plugin_examples.R wrote
// plugin_examples.json) or an independent recomputation:
//   python/bootstrap: the KM median equals print.survfit's; the percentile CI equals a recomputation
//                     here with SurvivalStats' KM median and SplitMix64 (same seed, same draw order).
//   r/aareg:          summary(aareg) table and test equal R's (skipped without Rscript).
//   sh/countby:       row and event counts equal counts computed here from the CSV.
//   swift/rmst:       the restricted mean and its se equal print(survfit, rmean = tau) (built with swiftc).

import Foundation
import SurvivalStats
import XCTest

final class PluginExampleTests: XCTestCase {
    /// Reference/plugin_examples.json (small: read at each use).
    static var reference: [String: Any] {
        let url = repoRoot.appendingPathComponent("Tests/SurvshTests/Reference/plugin_examples.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    func ref(_ path: String...) -> [String: Any] {
        var node: Any = Self.reference
        for key in path { node = (node as? [String: Any])?[key] as Any }
        return node as? [String: Any] ?? [:]
    }

    /// JSON numbers and nulls as Double? (a JSON null is nil).
    func doubles(_ values: Any?) -> [Double?] {
        (values as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue }
    }

    // MARK: - python/bootstrap

    /// A bootstrap case: a data set, how the outcome is given, the group, and the R reference key.
    struct BootstrapCase {
        var key: String
        var columns: [PluginColumn]
        var body: String
        var outcome: [String: Any]?
        var time: String
        var status: String
        var group: String?
    }

    func bootstrapCases() throws -> [BootstrapCase] {
        let lung = try DataCSV("lung"), veteran = try DataCSV("veteran"), aml = try DataCSV("aml"), ovarian = try DataCSV("ovarian")
        let declared: [String: Any] = ["time": "time", "status": "status", "event": NSNull()]
        let half: [PluginColumn] = [.number("time", [1, 2, 2, 3, 5, 6, 7, 8]), .number("status", [1, 1, 1, 1, 0, 1, 1, 0])]
        return [
            BootstrapCase(key: "lung_all", columns: ["time", "status"].map(lung.column), body: "",
                          outcome: declared, time: "time", status: "status", group: nil),
            BootstrapCase(key: "lung_sex", columns: ["time", "status", "sex"].map(lung.column), body: "Surv(time, status) ~ sex",
                          outcome: nil, time: "time", status: "status", group: "sex"),
            BootstrapCase(key: "veteran_celltype", columns: ["time", "status", "celltype"].map(veteran.column), body: "~ celltype",
                          outcome: declared, time: "time", status: "status", group: "celltype"),
            BootstrapCase(key: "aml_x", columns: ["time", "status", "x"].map(aml.column), body: "Surv(time, status) ~ x",
                          outcome: nil, time: "time", status: "status", group: "x"),
            BootstrapCase(key: "ovarian_rx", columns: ["futime", "fustat", "rx"].map(ovarian.column), body: "Surv(futime, fustat) ~ rx",
                          outcome: nil, time: "futime", status: "fustat", group: "rx"),
            BootstrapCase(key: "half", columns: half, body: "", outcome: declared, time: "time", status: "status", group: nil),
        ]
    }

    /// The bootstrap recomputed with SurvivalStats: per group (in level order) `reps` resamples drawn
    /// from one SplitMix64 stream (index = high 64 bits of u * n) of the group's rows sorted by
    /// (time, event); KM median as print.survfit (nil = not reached = +Inf); R's quantile type 7.
    func recomputeBootstrap(_ c: BootstrapCase, reps: Int, seed: UInt64, level: Double = 0.95) throws
        -> [(median: Double?, lower: Double?, upper: Double?)] {
        let columns = Dictionary(uniqueKeysWithValues: c.columns.map { ($0.name, $0) })
        let time = columns[c.time]!.values.map { ($0 as? Double) }
        let status = columns[c.status]!.values.map { ($0 as? Double) ?? .nan }
        let events = EventCoding.decode(status).events
        let group = c.group.map { g in columns[g]!.values.map { v -> String? in v is NSNull ? nil : "\(v)" } }
        let labels: [String?]
        if let g = c.group, let column = columns[g] {
            labels = column.levels ?? Array(Set(group!.compactMap { $0 }.compactMap(Double.init))).sorted().map { "\($0)" }
        } else {
            labels = [nil]
        }
        var rng = SplitMix64(seed: seed)
        var out = [(median: Double?, lower: Double?, upper: Double?)]()
        for label in labels {
            var rows = [(Double, Bool)]()
            for i in time.indices {
                guard let t = time[i], let e = events[i] else { continue }
                if let label, let g = group?[i] {
                    guard g == label || (Double(g) != nil && Double(g) == Double(label)) else { continue }
                } else if label != nil { continue }
                rows.append((t, e))
            }
            rows.sort { ($0.0, $0.1 ? 1 : 0) < ($1.0, $1.1 ? 1 : 0) }
            func median(_ r: [(Double, Bool)]) throws -> Double? {
                try KaplanMeier.fit(time: r.map(\.0), event: r.map(\.1)).median.time
            }
            var medians = [Double]()
            for _ in 0..<reps {
                let picks = (0..<rows.count).map { _ in Int(rng.next().multipliedFullWidth(by: UInt64(rows.count)).high) }
                medians.append(try median(picks.map { rows[$0] }) ?? .infinity)
            }
            medians.sort()
            func limit(_ p: Double) -> Double? {
                let q = Quantile.type7(sorted: medians, p)
                return q.isFinite ? q : nil
            }
            out.append((try median(rows), limit((1 - level) / 2), limit((1 + level) / 2)))
        }
        return out
    }

    func testBootstrapMedianEqualsRAndItsCIEqualsARecomputation() throws {
        let folder = try PluginFolder.example("python/bootstrap")
        let cases = try bootstrapCases()
        var messages: [[String: Any]] = [HostMessage.hello()]
        for (i, c) in cases.enumerated() {
            messages.append(HostMessage.run(id: i + 1, command: "bootstrap", body: c.body, options: ["reps": 200, "seed": 20261206],
                                            outcome: c.outcome, columns: c.columns))
        }
        let talk = try folder.converse(messages + [HostMessage.bye])
        XCTAssertEqual(talk.hello()["name"] as? String, "bootstrap")
        for (i, c) in cases.enumerated() {
            let table = talk.table(i + 1)
            let r = ref("km_median", c.key)
            XCTAssertEqual(table["group"] as? [String], r["groups"] as? [String], "\(c.key): R's stratum names")
            let expected = doubles(r["median"])
            let medians = doubles(table["median"])
            XCTAssertEqual(medians.count, expected.count, c.key)
            for (m, e) in zip(medians, expected) {
                if let e { assertClose(m ?? .nan, e, rel: 1e-12, "\(c.key) median") } else { XCTAssertNil(m, "\(c.key): not reached") }
            }
            let again = try recomputeBootstrap(c, reps: 200, seed: 20261206)
            for (j, (lo, hi)) in zip(doubles(table["lower"]), doubles(table["upper"])).enumerated() {
                // to the last bits only: JSON text in between (Foundation may read it 1 ulp off)
                for (got, want, what) in [(lo, again[j].lower, "lower"), (hi, again[j].upper, "upper"),
                                          (medians[j], again[j].median, "median (SurvivalStats)")] {
                    XCTAssertEqual(got == nil, want == nil, "\(c.key) group \(j) \(what): \(String(describing: got)) vs \(String(describing: want))")
                    if let got, let want { assertClose(got, want, rel: 1e-13, "\(c.key) group \(j) \(what)") }
                }
            }
        }
    }

    func testBootstrapIsReproducibleAndReportsARandomSeed() throws {
        let folder = try PluginFolder.example("python/bootstrap")
        let lung = try DataCSV("lung")
        let cols = ["time", "status", "sex"].map(lung.column)
        let seeded = HostMessage.run(id: 1, command: "bootstrap", body: "Surv(time, status) ~ sex", options: ["reps": 50],
                                     seed: 42, columns: cols)
        var unseeded = seeded
        unseeded["id"] = 2
        let first = try folder.converse([HostMessage.hello(), seeded, unseeded, HostMessage.bye])
        let second = try folder.converse([HostMessage.hello(), seeded, HostMessage.bye])
        XCTAssertEqual(first.result(1)["text"] as? String, second.result(1)["text"] as? String, "`set seed=42` repeats the run")
        XCTAssertTrue((first.result(1)["text"] as? String ?? "").contains("seed 42"))
        let warnings = first.result(1)["warnings"] as? [String] ?? []
        XCTAssertTrue(warnings.isEmpty, "\(warnings)")
        var bare = seeded
        bare["settings"] = ["seed": NSNull(), "level": 0.95]
        let random = try folder.converse([HostMessage.hello(), bare, HostMessage.bye]).result(1)
        XCTAssertTrue((random["warnings"] as? [String] ?? []).contains { $0.contains("no seed was set") }, "\(random)")
    }

    func testBootstrapErrorsAreOneLineProtocolErrors() throws {
        let folder = try PluginFolder.example("python/bootstrap")
        let lung = try DataCSV("lung")
        let talk = try folder.converse([
            HostMessage.hello(),
            HostMessage.run(id: 1, command: "bootstrap", body: "", columns: ["time", "status"].map(lung.column)),
            HostMessage.run(id: 2, command: "bootstrap", body: "Surv(time, status) ~ sex + age",
                            columns: ["time", "status", "sex", "age"].map(lung.column)),
            HostMessage.run(id: 3, command: "bootstrap", body: "Surv(time, status) ~ inst", options: ["reps": 5],
                            columns: ["time", "status"].map(lung.column)),
            HostMessage.bye,
        ])
        XCTAssertEqual(talk.answer(1)["message"] as? String,
                       "no outcome: give Surv(time, status) or declare one with 'survival TIME EVENT'")
        XCTAssertEqual(talk.answer(2)["message"] as? String, "expected at most one group after '~', not 2 (sex + age)")
        XCTAssertEqual(talk.answer(3)["message"] as? String, "reps must be at least 10, not 5")
    }

    // MARK: - r/aareg

    func testAaregTableEqualsRsOwnAareg() throws {
        guard PluginSDKTests.hasRscript else {
            throw XCTSkip("Rscript is not installed: the R example plugin (aareg) was not run (CI has no R)")
        }
        let folder = try PluginFolder.example("r/aareg")
        let lung = try DataCSV("lung"), veteran = try DataCSV("veteran")
        let declared: [String: Any] = ["time": "time", "status": "status", "event": NSNull()]
        let cases: [(key: String, message: [String: Any])] = [
            ("lung", HostMessage.run(id: 1, command: "aareg", body: "~ age + sex + ph.ecog",
                                     options: ["dfbeta": false, "test": "aalen", "nmin": NSNull()], outcome: declared,
                                     columns: ["time", "status", "age", "sex", "ph.ecog"].map(lung.column))),
            ("veteran", HostMessage.run(id: 2, command: "aareg", body: "Surv(time, status) ~ karno + celltype",
                                        options: ["dfbeta": true, "test": "aalen", "nmin": NSNull()],
                                        columns: ["time", "status", "karno", "celltype"].map(veteran.column))),
        ]
        let talk = try folder.converse([HostMessage.hello()] + cases.map(\.message) + [HostMessage.bye])
        for (i, c) in cases.enumerated() {
            let r = ref("aareg", c.key)
            let table = talk.table(i + 1)
            XCTAssertEqual(table["term"] as? [String], r["terms"] as? [String], c.key)
            for (column, key) in [("slope", "slope"), ("coef", "coef"), ("se(coef)", "se"), ("z", "z"), ("p", "p")] {
                let got = doubles(table[column]), expected = doubles(r[key])
                XCTAssertEqual(got.count, expected.count, "\(c.key) \(column)")
                for (g, e) in zip(got, expected) { assertClose(g ?? .nan, e ?? .nan, rel: 1e-10, "\(c.key) \(column)") }
            }
            let json = talk.result(i + 1)["json"] as? [String: Any] ?? [:]
            assertClose((json["chisq"] as? Double) ?? .nan, (r["chisq"] as? Double) ?? 0, rel: 1e-10, "\(c.key) chisq")
            assertClose((json["chisq_p"] as? Double) ?? .nan, (r["chisq_p"] as? Double) ?? 0, rel: 1e-10, "\(c.key) chisq p")
            XCTAssertEqual(json["df"] as? Int, r["df"] as? Int, c.key)
            XCTAssertEqual(json["n"] as? Int, r["n"] as? Int, c.key)
            XCTAssertTrue((talk.result(i + 1)["text"] as? String ?? "").contains("test weights=aalen"), "R's own print")
        }
    }

    // MARK: - sh/countby

    /// Rows and events (R's Surv rule on lung's 1/2 status) per group key, counted here from the CSV.
    func counts(_ data: DataCSV, by groups: [String], status: String?) -> [String: (rows: Int, events: Int)] {
        var out = [String: (rows: Int, events: Int)]()
        let n = data.cells[data.header[0]]?.count ?? 0
        let statuses = status.map { data.numbers($0) } ?? []
        let max2 = statuses.compactMap { $0 }.max() == 2
        for i in 0..<n {
            let key = groups.map { data.cells[$0]![i] ?? "NA" }.joined(separator: " ")
            var c = out[key] ?? (0, 0)
            c.rows += 1
            if status != nil, let s = statuses[i], s == (max2 ? 2 : 1) { c.events += 1 }
            out[key] = c
        }
        return out
    }

    func testCountbyCountsRowsAndEventsByGroup() throws {
        let folder = try PluginFolder.example("sh/countby")
        let lung = try DataCSV("lung"), veteran = try DataCSV("veteran")
        let declared: [String: Any] = ["time": "time", "status": "status", "event": NSNull()]
        let cases: [(data: DataCSV, file: String, groups: [String], outcome: [String: Any]?)] = [
            (lung, "lung", ["sex"], declared),
            (lung, "lung", ["sex", "ph.ecog"], declared),
            (veteran, "veteran", ["celltype", "trt"], declared),
            (veteran, "veteran", ["celltype"], nil),
        ]
        for (i, c) in cases.enumerated() {
            let csv = repoRoot.appendingPathComponent("data/\(c.file).csv").path
            // lifetime "call": one process per request, as the host runs it
            let talk = try folder.converse([HostMessage.hello(), HostMessage.run(
                id: i + 1, command: "countby", body: c.groups.joined(separator: " "), outcome: c.outcome,
                columns: c.data.header.map(c.data.column), csvPath: csv), HostMessage.bye])
            let table = talk.table(i + 1)
            let expected = counts(c.data, by: c.groups, status: c.outcome == nil ? nil : "status")
            let keys = (0..<(table["rows"]?.count ?? 0)).map { r in
                c.groups.map { g in (table[g]?[r]).map { v in v is NSNull ? "NA" : "\(v)" } ?? "?" }.joined(separator: " ")
            }
            XCTAssertEqual(Set(keys), Set(expected.keys), "\(c.groups): the groups")
            let complete = keys.filter { !$0.contains("NA") }
            XCTAssertEqual(Array(keys.prefix(complete.count)), complete, "keys holding NA come last: \(keys)")
            for (r, key) in keys.enumerated() {
                XCTAssertEqual(table["rows"]?[r] as? Int, expected[key]?.rows, "\(c.groups) \(key) rows")
                if c.outcome != nil {
                    XCTAssertEqual(table["events"]?[r] as? Int, expected[key]?.events, "\(c.groups) \(key) events")
                } else {
                    XCTAssertNil(table["events"], "no outcome, no events column")
                }
            }
            XCTAssertEqual(table["rows"]?.compactMap { $0 as? Int }.reduce(0, +), c.data.cells[c.data.header[0]]?.count)
        }
    }

    // MARK: - swift/rmst

    /// The rmst example copied to a temporary folder (`TMP/survsh-rmst-UUID/rmst`, alone in its
    /// parent, which can serve as a plugin directory) and built there with its build.sh (swiftc);
    /// built once per test run (swiftc is slow), used by the example and the install tests.
    static func builtRmst() throws -> PluginFolder {
        try PluginFolder(try rmstBuild.get())
    }

    private static let rmstBuild: Result<URL, any Error> = Result {
        let source = repoRoot.appendingPathComponent("plugins/examples/swift/rmst")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-rmst-\(UUID().uuidString)/rmst")
        try FileManager.default.createDirectory(at: dir.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: dir)
        let built = try Binary.runProcess(URL(fileURLWithPath: "/bin/sh"), [dir.appendingPathComponent("build.sh").path],
                                          environment: ProcessInfo.processInfo.environment, directory: dir, stdin: nil, timeout: 600)
        guard built.status == 0 else { throw XCTSkip("swiftc could not build the rmst example: \(built.stderr.prefix(400))") }
        return dir
    }

    func testRmstEqualsRsRestrictedMean() throws {
        let folder = try Self.builtRmst()
        let lung = try DataCSV("lung"), aml = try DataCSV("aml")
        let talk = try folder.converse([
            HostMessage.hello(),
            HostMessage.run(id: 1, command: "rmst", body: "Surv(time, status) ~ sex", options: ["tau": 365],
                            columns: ["time", "status", "sex"].map(lung.column)),
            HostMessage.run(id: 2, command: "rmst", body: "", options: ["tau": 40],
                            outcome: ["time": "time", "status": "status", "event": NSNull()], columns: ["time", "status"].map(aml.column)),
            HostMessage.run(id: 3, command: "rmst", body: "~ sex", columns: ["time", "status", "sex"].map(lung.column)),
            HostMessage.bye,
        ])
        for (id, key) in [(1, "lung_sex_365"), (2, "aml_all_40")] {
            let table = talk.table(id), r = ref("rmst", key)
            for (column, refKey) in [("rmean", "rmean"), ("se", "se")] {
                let got = doubles(table[column]), expected = doubles(r[refKey])
                XCTAssertEqual(got.count, expected.count, "\(key) \(column)")
                for (g, e) in zip(got, expected) { assertClose(g ?? .nan, e ?? .nan, rel: 1e-10, "\(key) \(column)") }
            }
        }
        XCTAssertEqual(talk.answer(3)["message"] as? String, "tau= is required (the time up to which the mean is restricted)")
    }
}
