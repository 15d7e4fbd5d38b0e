// PluginHostTests.swift — external plugins from the host's side (issue 10): discovery order,
// shadowing and duplicate names, the handshake, the run request and response, every failure mode
// (crash, garbage, out-of-protocol output, hang, Ctrl-C), help/completion/JSON/export, transcripts
// and --check. The plugins are tiny sh and python3 scripts each test writes into a temp folder.

import Foundation
import SurvshCommands
@testable import SurvshCore
import XCTest

final class PluginHostTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-plugin-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Writes plugin folder `dir/folder` with a manifest (`commands` as JSON text) and `program`.
    @discardableResult
    private func plugin(_ dir: String, _ name: String, folder: String? = nil, commands: String, program: String,
                        lang: String = "python3", file: String = "main", protocolVersion: Int = 1,
                        extra: String = "") throws -> String {
        let path = "\(root)/\(dir)/\(folder ?? name)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let manifest = """
        {"name":"\(name)","version":"1.2.0","protocol":\(protocolVersion),"run":["\(lang)","\(file)"],\(extra)
         "commands":\(commands)}
        """
        try manifest.write(toFile: "\(path)/survsh-plugin.json", atomically: true, encoding: .utf8)
        try program.write(toFile: "\(path)/\(file)", atomically: true, encoding: .utf8)
        return path
    }

    /// A shell whose plugin search path is `SURVSH_PLUGIN_PATH=root/env` and user dir root/xdg.
    private func shell() -> TestShell {
        let sh = TestShell()
        sh.session.loadPlugins(environment: ["SURVSH_PLUGIN_PATH": "\(root)/env", "XDG_DATA_HOME": "\(root)/xdg", "HOME": root])
        return sh
    }

    /// A python3 plugin that answers the handshake and hands each request to `handle` (python code
    /// setting `reply` from `req`).
    private func python(_ handle: String) -> String {
        """
        import sys, json
        for line in sys.stdin:
            req = json.loads(line)
            if req["type"] == "hello":
                print(json.dumps({"type": "hello", "protocol": 1, "name": "t", "version": "1.2.0"}), flush=True)
                continue
            if req["type"] == "bye":
                break
        \(handle.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            print(json.dumps(reply), flush=True)
        """
    }

    private let oneCommand = #"[{"name":"echoreq","summary":"echo the request","body":"columns"}]"#

    /// A sh plugin that greets and then does `action` for the first request.
    private func sh(_ action: String, hello: String = #"{"type":"hello","protocol":1,"name":"bad","version":"1"}"#) -> String {
        "read hello\necho '\(hello)'\nread req\n\(action)\n"
    }

    // MARK: discovery

    func testDiscoveryOrderAndTwoPluginsWithOneNameNameBothPaths() throws {
        let handler = python(#"reply = {"type": "result", "id": req["id"], "text": "from " + sys.argv[0]}"#)
        let project = try plugin("project", "dup", commands: #"[{"name":"dupcmd","summary":"s"}]"#, program: handler)
        let env = try plugin("env", "dup", commands: #"[{"name":"dupcmd","summary":"s"}]"#, program: handler)
        try plugin("xdg/survsh/plugins", "userone", commands: #"[{"name":"usercmd","summary":"s"}]"#, program: handler)
        let sh = shell()
        XCTAssertEqual(sh.session.registry.lookup("dupcmd")?.origin.pluginName, "dup")
        XCTAssertEqual(sh.session.pluginHost.catalog.entries.map(\.folder).first, env)
        sh.run("set plugin_path=\(root)/project")   // the project directory now comes first
        let entries = sh.session.pluginHost.catalog.entries
        XCTAssertEqual(entries.map(\.name), ["dup", "dup", "userone"])
        XCTAssertEqual(entries[0].folder, project)
        XCTAssertEqual(entries[0].status, "ok")
        let problem = try XCTUnwrap(entries[1].problem)
        XCTAssertTrue(problem.contains(project) && problem.contains(env), problem)
        // the project plugin is the one that runs
        XCTAssertEqual(sh.session.registry.lookup("dupcmd")?.origin, .plugin(name: "dup", version: "1.2.0", path: project))
        sh.run("dupcmd")
        XCTAssertEqual(sh.sink.stdout.last, "from \(project)/main")
        XCTAssertNotNil(sh.session.registry.lookup("usercmd"))
        // plugin list shows name, version, path, commands, status
        let list = sh.json("plugin list")
        let plugins = try XCTUnwrap(list["plugins"] as? [[String: Any]])
        XCTAssertEqual(plugins.map { $0["status"] as? String }.first, "ok")
        XCTAssertEqual(plugins.count, 3)
        XCTAssertTrue((plugins[1]["status"] as? String ?? "").hasPrefix("error: plugin dup is found twice"))
    }

    func testAFolderReachedThroughALinkCountsOnce() throws {
        let folder = try plugin("env", "linked", commands: #"[{"name":"linkedcmd","summary":"s"}]"#, program: "")
        try FileManager.default.createDirectory(atPath: "\(root)/xdg/survsh/plugins", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(root)/xdg/survsh/plugins/absolute", withDestinationPath: folder)
        try FileManager.default.createSymbolicLink(atPath: "\(root)/xdg/survsh/plugins/relative", withDestinationPath: "../../../env/linked")
        let entries = shell().session.pluginHost.catalog.entries
        XCTAssertEqual(entries.map(\.folder), [folder])
        XCTAssertEqual(entries.map(\.status), ["ok"])
    }

    func testAPluginMayNotShadowABuiltInCommand() throws {
        let path = try plugin("env", "mykm", commands: #"[{"name":"km","summary":"my km"}]"#, program: "")
        try plugin("env", "alias", commands: #"[{"name":"fine","aliases":["q"],"summary":"s"}]"#, program: "")
        let sh = shell()
        let e = try XCTUnwrap(sh.session.pluginHost.catalog.entry(named: "mykm"))
        XCTAssertEqual(e.problem, "command 'km' of plugin mykm (\(path)) would shadow the built-in command km")
        XCTAssertEqual(sh.session.registry.lookup("km")?.origin, .builtIn)
        XCTAssertTrue(sh.session.pluginHost.catalog.entry(named: "alias")?.problem?.contains("an alias of the built-in command quit") ?? false)
        XCTAssertNil(sh.session.registry.lookup("fine"))
        XCTAssertEqual(sh.session.registry.duplicateNames(), [])
    }

    func testTwoPluginsWithOneCommandNameAreAnError() throws {
        let a = try plugin("env", "aaa", commands: #"[{"name":"same","summary":"s"}]"#, program: "")
        let b = try plugin("env", "bbb", commands: #"[{"name":"same","summary":"s"}]"#, program: "")
        let sh = shell()
        XCTAssertEqual(sh.session.pluginHost.catalog.entry(named: "bbb")?.problem,
                       "command 'same' of plugin bbb (\(b)) is also a command of plugin aaa (\(a))")
        XCTAssertEqual(sh.session.registry.lookup("same")?.origin.pluginName, "aaa")
    }

    func testABadManifestIsListedAndNeverStopsStartUp() throws {
        try FileManager.default.createDirectory(atPath: "\(root)/env/broken", withIntermediateDirectories: true)
        try "{ not json".write(toFile: "\(root)/env/broken/survsh-plugin.json", atomically: true, encoding: .utf8)
        try plugin("env", "nokind", commands: #"[{"name":"nk","summary":"s","options":[{"name":"x","kind":"weird"}]}]"#, program: "")
        try plugin("env", "newer", commands: #"[{"name":"nw","summary":"s"}]"#, program: "", protocolVersion: 2)
        try plugin("env", "good", commands: oneCommand, program: python(#"reply = {"type": "result", "id": req["id"], "text": "ok"}"#))
        let sh = shell()
        let catalog = sh.session.pluginHost.catalog
        XCTAssertEqual(catalog.entry(named: "broken")?.status, "error: survsh-plugin.json is not valid JSON")
        XCTAssertEqual(catalog.entry(named: "nokind")?.status,
                       "error: command nk: option x: unknown kind 'weird' (expected flag, choice, number, numbers, text, path or column)")
        XCTAssertEqual(catalog.entry(named: "newer")?.status, "error: speaks protocol 2; this survsh speaks 1 (update survsh or the plugin)")
        sh.run("echoreq")
        XCTAssertEqual(sh.sink.stdout.last, "ok")
    }

    func testStartUpReadsTenManifestsQuickly() throws {
        for i in 0..<10 {
            try plugin("env", "p\(i)", commands: "[{\"name\":\"c\(i)\",\"summary\":\"s\",\"options\":[{\"name\":\"n\",\"kind\":\"number\",\"default\":\"1\"}]}]",
                       program: "exit 1")
        }
        let sh = TestShell()
        let start = Date()
        sh.session.loadPlugins(environment: ["SURVSH_PLUGIN_PATH": "\(root)/env", "HOME": root])
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(sh.session.registry.commands.filter { $0.origin != .builtIn }.count, 10)
        XCTAssertLessThan(elapsed, 0.2, "reading ten manifests took \(elapsed) s")   // hyperfine: see docs/plugins.md
    }

    // MARK: the call

    func testRequestCarriesTypedOptionsFilterOutcomeAndOnlyTheAskedColumns() throws {
        let commands = #"""
        [{"name":"echoreq","summary":"echo the request","body":"formula","columns":"body",
          "options":[{"name":"reps","kind":"number","range":[1,100],"default":"10"},
                     {"name":"at","kind":"numbers"},
                     {"name":"conf","kind":"choice","values":["log","plain"],"default":"log"},
                     {"name":"ci","kind":"flag"},
                     {"name":"by","kind":"column"}]}]
        """#
        try plugin("env", "echo", commands: commands, program: python(#"reply = {"type": "result", "id": req["id"], "text": "", "json": req}"#))
        let sh = shell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        sh.run("generate sx = sex == 1")
        sh.run("filter age > 70")
        let j = sh.json("echoreq ~ ph.ecog at=1,2.5 ci by=inst")
        XCTAssertEqual(j["command"] as? String, "echoreq")
        XCTAssertEqual(j["line"] as? String, "echoreq ~ ph.ecog at=1,2.5 ci by=inst")
        XCTAssertEqual(j["body"] as? String, "~ ph.ecog")
        let o = try XCTUnwrap(j["options"] as? [String: Any])
        XCTAssertEqual(o["reps"] as? Double, 10)
        XCTAssertEqual(o["at"] as? [Double], [1, 2.5])
        XCTAssertEqual(o["conf"] as? String, "log")
        XCTAssertEqual(o["ci"] as? Bool, true)
        XCTAssertEqual(o["by"] as? String, "inst")
        let outcome = try XCTUnwrap(j["outcome"] as? [String: Any])
        XCTAssertEqual(outcome["time"] as? String, "time")
        XCTAssertEqual(outcome["status"] as? String, "status")
        let filter = try XCTUnwrap(j["filter"] as? [String: Any])
        XCTAssertEqual(filter["expression"] as? String, "age > 70")
        XCTAssertEqual(filter["total"] as? Int, 228)
        let data = try XCTUnwrap(j["data"] as? [String: Any])
        let kept = sh.session.activeRows.count
        XCTAssertEqual(data["rows"] as? Int, kept)
        let cols = try XCTUnwrap(data["columns"] as? [[String: Any]])
        XCTAssertEqual(cols.map { $0["name"] as? String }, ["inst", "time", "status", "ph.ecog"])
        XCTAssertEqual(cols.map { ($0["values"] as? [Any])?.count }, [kept, kept, kept, kept])
        // missing values are null: inst is missing in one kept row of lung
        let inst = sh.session.frame.column("inst")!
        let missingKept = sh.session.activeRows.filter { inst.missing[$0] }.count
        XCTAssertEqual((cols[0]["values"] as? [Any])?.filter { $0 is NSNull }.count, missingKept)
        // an out-of-range option is refused by the host, as for a built-in
        XCTAssertTrue(sh.error("echoreq reps=0").contains("reps"))
    }

    func testTextLevelsDatesAndCSVMode() throws {
        let csvPath = "\(root)/d.csv"
        try "id,grp,day\n1,b,2001-03-04\n2,a,\n3,,2002-01-01\n".write(toFile: csvPath, atomically: true, encoding: .utf8)
        let commands = #"""
        [{"name":"jcols","summary":"json columns","columns":"all"},
         {"name":"ccols","summary":"csv columns","columns":["grp","day"],"data":"csv"}]
        """#
        let handler = #"""
        d = req["data"]
        if d["format"] == "csv":
            reply = {"type": "result", "id": req["id"], "text": open(d["path"]).read().strip()}
        else:
            reply = {"type": "result", "id": req["id"], "text": json.dumps(d["columns"], sort_keys=True)}
        """#
        try plugin("env", "cols", commands: commands, program: python(handler))
        let sh = shell()
        sh.run("load \(csvPath)")
        sh.run("jcols")
        let cols = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sh.sink.stdout.last!.utf8)) as? [[String: Any]])
        XCTAssertEqual(cols[1]["type"] as? String, "text")
        XCTAssertEqual(cols[1]["levels"] as? [String], ["a", "b"])
        XCTAssertEqual((cols[1]["values"] as? [Any])?.compactMap { $0 as? String }, ["b", "a"])
        XCTAssertTrue((cols[1]["values"] as? [Any])?[2] is NSNull)
        XCTAssertEqual(cols[2]["type"] as? String, "date")
        XCTAssertEqual((cols[2]["values"] as? [Any])?.first as? String, "2001-03-04")
        sh.run("ccols")
        XCTAssertEqual(sh.sink.stdout.last, "grp,day\nb,2001-03-04\na,NA\nNA,2002-01-01")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter {
            $0.hasPrefix("survsh-plugin-\(ProcessInfo.processInfo.processIdentifier)-")
        }
        XCTAssertEqual(leftovers, [], "the temporary CSV file is deleted after the call")
    }

    func testResultTablesWarningsNewColumnsAndFigure() throws {
        let commands = #"""
        [{"name":"risk","summary":"adds a risk score","synopsis":["risk [file=PATH.svg]"],"body":"none","columns":["age"],
          "options":[{"name":"file","kind":"path","help":"write the figure"}],
          "examples":["risk"]}]
        """#
        let handler = #"""
        ages = req["data"]["columns"][0]["values"]
        print("computing", len(ages), file=sys.stderr, flush=True)
        reply = {"type": "result", "id": req["id"],
                 "tables": [{"title": "Risk", "columns": ["n", "mean age"], "rows": [[len(ages), sum(ages) / len(ages)]]}],
                 "warnings": ["a toy model"],
                 "new_columns": [{"name": "risk", "type": "number", "values": [a / 100 for a in ages]}],
                 "figures": [{"svg": "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='10'><rect width='5' height='5'/></svg>"}]}
        """#
        try plugin("env", "riskp", commands: commands, program: python(handler))
        let sh = shell()
        sh.run("load data/lung.csv")
        sh.run("filter sex == 2")
        let figure = "\(root)/fig.svg"
        let r = sh.run("risk file=\(figure)")
        XCTAssertEqual(r.outputLines, ["Risk", "n   mean age", "90     61.08", "added column risk", "wrote \(figure)", "warning: risk: a toy model"])
        XCTAssertTrue(sh.sink.stderr.contains("[riskp] computing 90"), "\(sh.sink.stderr)")
        XCTAssertTrue(try String(contentsOfFile: figure, encoding: .utf8).contains("<rect"))
        // the new column: values for the sent rows, missing for rows outside the filter
        let risk = try XCTUnwrap(sh.session.frame.column("risk"))
        let age = sh.session.frame.column("age")!
        let first = sh.session.activeRows[0]
        XCTAssertEqual(risk.number(at: first)!, age.number(at: first)! / 100, accuracy: 1e-12)
        let outside = (0..<sh.session.frame.rowCount).first { !sh.session.activeRows.contains($0) }!
        XCTAssertNil(risk.number(at: outside))
        // the table is exportable, and --format json carries it
        let csv = "\(root)/risk.csv"
        sh.run("export \(csv)")
        XCTAssertEqual(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").first, "n,mean age")
        sh.run("drop risk")
        let j = sh.json("risk")
        XCTAssertEqual(j["command"] as? String, "risk")
        let t = try XCTUnwrap((j["tables"] as? [[String: Any]])?.first)
        let row = try XCTUnwrap((t["rows"] as? [[Double]])?.first)
        let ages = sh.session.activeRows.map { age.number(at: $0)! }
        XCTAssertEqual(row[0], 90)
        XCTAssertEqual(row[1], ages.reduce(0, +) / Double(ages.count), accuracy: 1e-9)
        XCTAssertEqual(j["warnings"] as? [String], ["a toy model"])
        // a second run may not overwrite the column
        XCTAssertEqual(sh.error("risk"), "error: risk: plugin riskp sent new column 'risk', but the data already have a column of that name (expected drop or rename the column first)")
    }

    func testHelpCompletionAndDidYouMeanWorkForPluginCommands() throws {
        let commands = #"""
        [{"name":"bootstrapx","aliases":["bx"],"summary":"a bootstrap","synopsis":["bootstrapx [reps=N]"],"body":"none",
          "options":[{"name":"reps","kind":"number","default":"1000","help":"replicates"},
                     {"name":"conf","kind":"choice","values":["log","plain"],"default":"log","help":"CI"}],
          "examples":["bootstrapx reps=10"], "notes":["a note"]}]
        """#
        try plugin("env", "boot", commands: commands, program: python(#"reply = {"type": "result", "id": req["id"], "text": "ok"}"#))
        let sh = shell()
        sh.run("help bootstrapx")
        let help = sh.sink.stdout.last!
        XCTAssertTrue(help.hasPrefix("bootstrapx — a bootstrap\naliases: bx"), help)
        XCTAssertTrue(help.contains("reps=NUMBER     replicates (default 1000)"), help)
        XCTAssertTrue(help.contains("a note") && help.contains("From plugin boot 1.2.0"), help)
        sh.run("help")
        XCTAssertTrue(sh.sink.stdout.last!.contains("bootstrapx"))
        XCTAssertEqual(Completer.complete("bootst", session: sh.session).candidates, ["bootstrapx"])
        XCTAssertTrue(Completer.complete("bootstrapx con", session: sh.session).candidates.contains("conf="))
        XCTAssertTrue(sh.error("bootstrapy").contains("did you mean 'bootstrapx'"))
        XCTAssertEqual(sh.error("bx conf=wide"), "error: bootstrapx: unknown value 'wide' for conf (expected log or plain)")
        sh.run("bx")
        XCTAssertEqual(sh.sink.stdout.last, "ok")
        XCTAssertTrue(Help.markdownTable(sh.session.registry).contains("| `bootstrapx` | a bootstrap |"))
    }

    func testLifetimesSessionKeepsOneProcessCallStartsOnePerCall() throws {
        let answer = #"""
        read hello
        echo '{"type":"hello","protocol":1,"name":"life","version":"1"}'
        while read req; do
          case "$req" in *'"type":"bye"'*) exit 0;; esac
          id=$(echo "$req" | sed 's/.*"id":\([0-9]*\).*/\1/')
          echo "{\"type\":\"progress\",\"id\":$id,\"message\":\"working\"}"
          echo "{\"type\":\"result\",\"id\":$id,\"text\":\"pid $$\"}"
        done
        """#
        try plugin("env", "keep", commands: #"[{"name":"keepcmd","summary":"s","body":"none","columns":"none"}]"#,
                   program: answer, lang: "sh", file: "p.sh")
        try plugin("env", "once", commands: #"[{"name":"oncecmd","summary":"s","body":"none","columns":"none"}]"#,
                   program: answer, lang: "sh", file: "p.sh", extra: #""lifetime":"call","#)
        let s = shell()
        let pids = { (cmd: String) in (0..<2).map { _ in s.run(cmd).outputLines.first ?? "" } }
        let kept = pids("keepcmd")
        XCTAssertEqual(kept[0], kept[1], "a session plugin answers from one process")
        XCTAssertTrue(kept[0].hasPrefix("pid "))
        let each = pids("oncecmd")
        XCTAssertNotEqual(each[0], each[1], "a call plugin is started for each call")
        XCTAssertTrue(s.sink.stderr.contains("[keep] working"), "progress is shown on stderr")
    }

    // MARK: failures

    private func failing(_ action: String, hello: String? = nil) throws -> TestShell {
        try plugin("env", "bad", commands: #"[{"name":"badcmd","summary":"fails","body":"none","columns":"none"}]"#,
                   program: hello.map { sh(action, hello: $0) } ?? sh(action), lang: "sh", file: "bad.sh")
        let s = shell()
        s.run("load data/lung.csv")
        s.run("filter age > 60")
        return s
    }

    /// The data are as before and the shell goes on.
    private func assertIntact(_ s: TestShell, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(s.session.frame.rowCount, 228, file: file, line: line)
        XCTAssertEqual(s.session.frame.names.count, 10, file: file, line: line)
        XCTAssertEqual(s.session.activeRows.count, 134, file: file, line: line)
        s.run("head 1", file: file, at: line)
    }

    func testACrashIsAOneLineErrorAndTheNextCallRestartsThePlugin() throws {
        let s = try failing("echo 'about to crash' >&2; exit 3")
        XCTAssertEqual(s.error("badcmd"), "error: badcmd: plugin bad stopped before it answered (exited with status 3)")
        XCTAssertTrue(s.sink.stderr.contains("[bad] about to crash"))
        assertIntact(s)
        XCTAssertEqual(s.error("badcmd"), "error: badcmd: plugin bad stopped before it answered (exited with status 3)")
    }

    func testGarbageOnStdoutIsAProtocolViolation() throws {
        let s = try failing("echo 'Traceback (most recent call last): this is not JSON and it goes on and on for a while'; sleep 30")
        let start = Date()
        XCTAssertEqual(s.error("badcmd"), "error: badcmd: plugin bad wrote non-protocol output: 'Traceback (most recent call last): this is not JSON and it g'")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "the plugin is killed, not waited for")
        assertIntact(s)
    }

    func testJSONThatIsNotAMessageIsOutOfProtocol() throws {
        let s = try failing("echo '[1, 2, 3]'")
        XCTAssertEqual(s.error("badcmd"), "error: badcmd: plugin bad wrote non-protocol output: '[1, 2, 3]'")
        let s2 = try failing(#"echo '{"id": 1}'"#)
        XCTAssertEqual(s2.error("badcmd"), #"error: badcmd: plugin bad broke the protocol: a message without "type""#)
        assertIntact(s2)
    }

    func testAPluginErrorIsRenderedAsACommandError() throws {
        let s = try failing(#"echo '{"type":"error","id":1,"message":"reps must be at least 10"}'"#)
        XCTAssertEqual(s.error("badcmd"), "error: badcmd: reps must be at least 10")
        assertIntact(s)
    }

    func testAHangIsStoppedByPluginTimeout() throws {
        let s = try failing("sleep 60")
        s.run("set plugin_timeout=0.5")
        let start = Date()
        XCTAssertEqual(s.error("badcmd"), "error: badcmd: plugin bad did not answer within 0.5 s (set plugin_timeout=SECONDS)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        assertIntact(s)
    }

    func testAPluginThatNeverGreetsTimesOut() throws {
        try plugin("env", "mute", commands: #"[{"name":"mutecmd","summary":"s","body":"none"}]"#, program: "sleep 60", lang: "sh", file: "m.sh")
        let s = shell()
        s.run("set plugin_timeout=0.3")
        XCTAssertEqual(s.error("mutecmd"), "error: mutecmd: plugin mute did not answer within 0.3 s (set plugin_timeout=SECONDS)")
    }

    func testAPluginSpeakingANewerProtocolIsAClearError() throws {
        let s = try failing("exit 0", hello: #"{"type":"hello","protocol":2,"name":"bad","version":"1"}"#)
        XCTAssertEqual(s.error("badcmd"), "error: badcmd: plugin bad speaks protocol 2; this survsh speaks 1 (update survsh or the plugin)")
        assertIntact(s)
    }

    func testCtrlCKillsThePluginAndIsRecordedAsInterrupted() throws {
        let s = try failing("sleep 60")
        let start = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.4) { Interrupt.raise() }
        let r = s.session.execute("badcmd", source: .interactive)
        XCTAssertEqual(r.outputLines, ["error: badcmd: interrupted"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(s.session.records.last?.line, "# interrupted: badcmd")
        Interrupt.clear()
        assertIntact(s)
    }

    // MARK: transcripts

    func testTranscriptRecordsThePluginAndCheckReportsAChangedOrMissingOne() throws {
        let folder = try plugin("env", "echo", commands: oneCommand,
                                program: python(#"reply = {"type": "result", "id": req["id"], "text": "rows " + str(req["data"]["rows"])}"#))
        let s = shell()
        s.run("load data/lung.csv")
        s.run("echoreq")
        s.run("echoreq")
        let transcript = "\(root)/t.surv"
        s.run("save session \(transcript)")
        let text = try String(contentsOfFile: transcript, encoding: .utf8)
        let identity = PluginHost.identity(try PluginManifest.read(folder: folder))
        // the plugin is named once, before its first call in the session
        XCTAssertTrue(text.contains("# plugin: \(identity)\nechoreq\n#> rows 228\nechoreq\n#> rows 228"), text)
        XCTAssertEqual(text.components(separatedBy: "# plugin: ").count, 2, text)
        XCTAssertTrue(identity.hasPrefix("echo 1.2.0 sha256:"))

        let ok = try ScriptRunner.check(transcript, session: shell().session)
        XCTAssertNil(ok.diff)
        XCTAssertEqual(ok.dataProblems, [])

        try "\n# changed\n".write(toFile: "\(folder)/main.extra", atomically: true, encoding: .utf8)   // not part of the identity
        XCTAssertEqual(try ScriptRunner.check(transcript, session: shell().session).dataProblems, [])
        let program = try String(contentsOfFile: "\(folder)/main", encoding: .utf8)
        try (program + "\n# changed\n").write(toFile: "\(folder)/main", atomically: true, encoding: .utf8)
        let changed = try ScriptRunner.check(transcript, session: shell().session)
        XCTAssertEqual(changed.dataProblems.map(\.path), ["plugin echo"])
        XCTAssertTrue(changed.dataProblems[0].message.hasPrefix("plugin echo has changed since \(transcript) was recorded"))

        try FileManager.default.removeItem(atPath: folder)
        let missing = try ScriptRunner.check(transcript, session: shell().session)
        XCTAssertEqual(missing.dataProblems.map(\.message), ["plugin echo recorded in \(transcript) (\(identity)) is not installed"])
    }

    func testAPluginChangedMidSessionIsRecordedAgainAndRestarted() throws {
        let handler = #"reply = {"type": "result", "id": req["id"], "text": "pid %d" % os.getpid()}"#
        let folder = try plugin("env", "echo", commands: oneCommand, program: "import os\n" + python(handler))
        let s = shell()
        let first = s.run("echoreq").outputLines
        XCTAssertEqual(s.run("echoreq").outputLines, first, "a session plugin keeps its process")
        let program = try String(contentsOfFile: "\(folder)/main", encoding: .utf8)
        try (program + "\n# a new version\n").write(toFile: "\(folder)/main", atomically: true, encoding: .utf8)
        let after = s.run("echoreq").outputLines
        XCTAssertNotEqual(after, first, "the changed plugin's process is started afresh")
        let comments = s.session.records.filter { $0.kind == .comment }.map(\.line)
        let now = PluginHost.identity(try PluginManifest.read(folder: folder))
        XCTAssertEqual(comments.count, 2, "\(comments)")
        XCTAssertEqual(comments.last, "# plugin: \(now)")
        XCTAssertNotEqual(comments.first, comments.last)
    }

    func testCheckUpdateRewritesThePluginLines() throws {
        try plugin("env", "echo", commands: oneCommand,
                   program: python(#"reply = {"type": "result", "id": req["id"], "text": "rows " + str(req["data"]["rows"])}"#))
        let transcript = "\(root)/u.surv"
        try "load data/lung.csv\n# plugin: echo 0.9 sha256:old\nechoreq\n#> rows 228\n# plugin: echo 0.9 sha256:old\nechoreq\n#> rows 228\n"
            .write(toFile: transcript, atomically: true, encoding: .utf8)
        let stale = try ScriptRunner.check(transcript, session: shell().session)
        XCTAssertEqual(stale.dataProblems.map(\.path).filter { $0.hasPrefix("plugin ") }, ["plugin echo"])
        let u = try ScriptRunner.update(transcript, session: shell().session)
        XCTAssertEqual(u.changedPlugins, 1)
        let text = try String(contentsOfFile: transcript, encoding: .utf8)
        let identity = PluginHost.identity(try PluginManifest.read(folder: "\(root)/env/echo"))
        XCTAssertTrue(text.hasSuffix("# plugin: \(identity)\nechoreq\n#> rows 228\nechoreq\n#> rows 228\n"), text)
        XCTAssertEqual(try ScriptRunner.check(transcript, session: shell().session).dataProblems, [])
    }

    func testReplayFindsAPluginFolderNextToTheTranscript() throws {
        try plugin("proj/plug", "echo", commands: oneCommand,
                   program: python(#"reply = {"type": "result", "id": req["id"], "text": "from the project"}"#))
        let transcript = "\(root)/proj/t.surv"
        try "set plugin_path=plug\nechoreq\n".write(toFile: transcript, atomically: true, encoding: .utf8)
        _ = try ScriptRunner.update(transcript, session: shell().session)   // run from the repository, not proj/
        let text = try String(contentsOfFile: transcript, encoding: .utf8)
        XCTAssertTrue(text.contains("# plugin: echo 1.2.0 sha256:"), text)
        XCTAssertTrue(text.hasSuffix("echoreq\n#> from the project\n"), text)
        let r = try ScriptRunner.check(transcript, session: shell().session)
        XCTAssertNil(r.diff)
        XCTAssertEqual(r.dataProblems, [])
    }

    // MARK: figures

    func testEveryFigureOfAResultIsWritten() throws {
        let commands = #"[{"name":"figs","summary":"three figures","body":"none","columns":"none","options":[{"name":"file","kind":"path","help":"where"}]}]"#
        let handler = #"""
        svg = "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='10'><text>figure %d</text></svg>"
        reply = {"type": "result", "id": req["id"], "text": "drawn", "figures": [{"svg": svg % i} for i in (1, 2, 3)]}
        """#
        try plugin("env", "figs", commands: commands, program: python(handler))
        let s = shell()
        let r = s.run("figs file=\(root)/base.svg")
        let files = ["base.svg", "base-2.svg", "base-3.svg"].map { "\(root)/\($0)" }
        XCTAssertEqual(r.outputLines, ["drawn", "wrote 3 figures: \(files.joined(separator: ", "))"])
        for (i, f) in files.enumerated() {
            XCTAssertTrue(try String(contentsOfFile: f, encoding: .utf8).contains("figure \(i + 1)"), f)
        }
        let j = s.json("figs file=\(root)/again.svg")
        XCTAssertEqual(j["file"] as? String, "\(root)/again.svg")
        XCTAssertEqual((j["files"] as? [String])?.count, 3)
        XCTAssertEqual(FigureExport.numberedPaths("a/km.png", count: 3), ["a/km.png", "a/km-2.png", "a/km-3.png"])
        XCTAssertEqual(FigureExport.numberedPaths("plot", count: 2), ["plot", "plot-2"])
    }

    // MARK: the plugin command

    func testInstallRunsTheHandshakeCopiesAndRemoveTakesItAway() throws {
        let source = try plugin("src", "inst", commands: #"[{"name":"instcmd","summary":"s","body":"none"}]"#,
                                program: python(#"reply = {"type": "result", "id": req["id"], "text": "installed ok"}"#))
        let s = shell()
        s.run("plugin install \(source)")
        let target = "\(root)/xdg/survsh/plugins/inst"
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(target)/survsh-plugin.json"))
        s.run("instcmd")
        XCTAssertEqual(s.sink.stdout.last, "installed ok")
        XCTAssertTrue(s.error("plugin install \(source)").contains("already installed"))
        s.run("plugin info inst")
        XCTAssertTrue(s.sink.stdout.last!.contains("path:     \(target)"))
        s.run("plugin remove inst")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        XCTAssertNil(s.session.registry.lookup("instcmd"))
        // a plugin whose handshake fails is not installed
        let broken = try plugin("src", "nohello", commands: #"[{"name":"nh","summary":"s"}]"#, program: "echo nonsense", lang: "sh", file: "x.sh")
        XCTAssertEqual(s.error("plugin install \(broken)"), "error: plugin: plugin nohello wrote non-protocol output: 'nonsense'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(root)/xdg/survsh/plugins/nohello"))
        // a plugin outside the user directory is not removed by plugin remove
        try plugin("env", "kept", commands: #"[{"name":"keptcmd","summary":"s"}]"#, program: "")
        s.session.loadPlugins()
        XCTAssertTrue(s.error("plugin remove kept").contains("not in the user directory"))
    }
}
