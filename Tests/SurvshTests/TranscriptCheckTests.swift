// TranscriptCheckTests.swift — transcripts a teacher can trust (issue 17): what the shell records
// replays identically under `--check` (plots, replays, comments), `--check` writes nothing outside
// a private folder, data files are verified by hash, `history` lines up, and `replay step` narrates
// and takes skip / back / quit / a typed command.

import Foundation
import SurvshCommands
import SurvshCore
import XCTest

final class TranscriptCheckTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: tmp) }

    func path(_ name: String) -> String { tmp.appendingPathComponent(name).path }

    /// A shell as the terminal runs it (drawings on, a prompt that answers from a list).
    func terminalShell(answers: [String] = []) -> (TestShell, () -> [String]) { TestShell.terminal(answers: answers) }

    /// `--check` of `file` in a fresh session.
    func check(_ file: String) throws -> ScriptRunner.CheckResult {
        try ScriptRunner.check(file, session: TestShell().session)
    }

    // Defect 1 and 5: a plot drawn in the terminal and typed comments; the saved session verifies.
    func testTerminalPlotAndCommentsReplayIdentically() throws {
        let (sh, _) = terminalShell()
        sh.run("load data/lung.csv")
        sh.run("# Exercise 1: S(13) by hand")
        let drawn = sh.run("plot km Surv(time, status) ~ sex")
        sh.run("#> not output, a comment that looks like it")
        XCTAssertTrue(sh.sink.stdout.joined().unicodeScalars.contains { $0.value >= 0x2801 && $0.value <= 0x28FF }, "drawn")
        let plain = TestShell()
        plain.run("load data/lung.csv")
        XCTAssertEqual(plain.run("plot km Surv(time, status) ~ sex").outputLines, drawn.outputLines, "the recorded text does not depend on the terminal")
        XCTAssertTrue(plain.sink.stderr.last?.contains("only in an interactive terminal") ?? false, plain.sink.stderr.joined())
        XCTAssertEqual(sh.session.records.map(\.kind), [.command, .comment, .command, .comment])
        let saved = path("s.surv")
        sh.run("save session \(saved)")
        let text = try String(contentsOfFile: saved, encoding: .utf8)
        XCTAssertTrue(text.contains("\n# Exercise 1: S(13) by hand\nplot km Surv(time, status) ~ sex\n#> plot km:"), text)
        XCTAssertTrue(text.contains("\n# #> not output"), "a typed '#>' comment cannot forge output: \(text)")
        let result = try check(saved)
        XCTAssertNil(result.diff, result.diff ?? "")
        XCTAssertEqual(result.dataProblems, [])
        XCTAssertEqual(TranscriptScript.parse(text).steps[1].comments, ["# Exercise 1: S(13) by hand"])
    }

    // Defect 2: the commands a replay ran are recorded one by one; the transcript verifies.
    func testReplayInsideASessionIsRecordedCommandByCommand() throws {
        let script = path("lesson.surv")
        try "# Load the lung data.\nload data/lung.csv\nsurvival time status\n# The median by sex.\nkm ~ sex\ntabulate sex\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        let (sh, asked) = terminalShell(answers: ["", "", "quit"])
        sh.run("replay \(script) step")
        XCTAssertEqual(asked().count, 3)
        XCTAssertTrue(sh.sink.stdout.contains("# The median by sex."), "comments are shown as narration")
        sh.run("replay \(script)")
        sh.run("head 1")
        let saved = path("s.surv")
        sh.run("save session \(saved)")
        XCTAssertTrue(sh.sink.stdout.last?.hasPrefix("saved 7 commands") ?? false, sh.sink.stdout.last ?? "")
        let back = TranscriptScript.parse(try String(contentsOfFile: saved, encoding: .utf8))
        XCTAssertEqual(back.steps.map(\.command), ["load data/lung.csv", "survival time status",
                                                  "load data/lung.csv", "survival time status", "km ~ sex", "tabulate sex", "head 1"])
        XCTAssertEqual(back.steps[0].comments, ["# replay \(script) step"])
        let result = try check(saved)
        XCTAssertNil(result.diff, result.diff ?? "")
        XCTAssertEqual(result.dataProblems, [])
    }

    // Item 10: narration, a typed command at the pause, skip, back, quit.
    func testStepReplaySkipBackTypedCommandAndQuit() throws {
        let script = path("lesson.surv")
        try "load data/aml.csv\n# Declare the outcome.\nsurvival time status\nkm\ntabulate x\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        // step 1 run; step 2: type a command, then run; step 3 skip; step 4: back (to step 3), run it,
        // then quit at step 4.
        let (sh, asked) = terminalShell(answers: ["", "head 1", "", "skip", "back", "", "quit"])
        let j = sh.json("replay \(script) step")
        XCTAssertEqual(asked().count, 7)
        XCTAssertTrue(asked()[1].hasPrefix("[2/4] survival time status"))
        XCTAssertTrue(asked()[2].hasPrefix("[2/4]"), "after a typed command the pause returns")
        XCTAssertTrue(asked()[5].hasPrefix("[3/4] km"), "back returns to the previous command")
        XCTAssertEqual(j["ran"] as? Int, 3)
        XCTAssertEqual(j["skipped"] as? Int, 0)
        XCTAssertTrue(sh.sink.stderr.contains("# Declare the outcome."), "narration (on stderr under JSON)")
        // back restored the session and re-ran the first two; what it undid stays as comments.
        XCTAssertEqual(sh.session.commandRecords.map(\.line), ["load data/aml.csv", "survival time status", "km"])
        XCTAssertEqual(sh.session.records.map(\.line).filter { $0.hasPrefix("# undone by back: ") },
                       ["# undone by back: load data/aml.csv", "# undone by back: head 1",
                        "# undone by back: survival time status"])
        XCTAssertTrue(sh.session.records.last?.line.hasPrefix("# replayed 3 of 4 commands") ?? false)
        let saved = path("s.surv")
        sh.session.settings.format = .text
        sh.run("save session \(saved)")
        XCTAssertNil(try check(saved).diff)
        // Ctrl-C at a pause stops the replay (the line editor answers "" with the interrupt raised).
        let stopped = TestShell()
        stopped.session.interactive = true
        stopped.session.prompt = { _ in Interrupt.raise(); return "" }
        let k = stopped.json("replay \(script) step")
        XCTAssertEqual(k["ran"] as? Int, 0)
        XCTAssertFalse(Interrupt.isRaised, "the replay consumed the interrupt")
        // Outside the terminal, step is refused before anything is recorded.
        let plain = TestShell()
        XCTAssertTrue(plain.error("replay \(script) step").contains("step needs the interactive terminal"))
        XCTAssertEqual(plain.session.records.count, 1)
    }

    // Item 10: back restores the session, so a script that does not start with load steps back
    // cleanly; the result equals a straight replay and the live transcript passes --check.
    func testStepBackRestoresTheSessionForAScriptWithoutLoad() throws {
        let script = path("derive.surv")
        try "generate t2 = time * 2\nfilter t2 > 20\nset digits 3\nsurvival t2 status\nkm ~ x\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        let straight = TestShell()
        straight.run("load data/aml.csv")
        straight.run("replay \(script)")
        let (sh, _) = terminalShell(answers: ["", "", "", "back", "", "", ""])
        let live = path("live.surv")
        sh.session.transcript = try Transcript(path: live)
        sh.run("load data/aml.csv")
        sh.run("replay \(script) step")   // in text: the recorded `set` output names the format
        XCTAssertEqual(sh.session.records.last?.line, "# replayed 5 of 5 commands from \(script) (1 undone by back)")
        XCTAssertFalse(sh.sink.stderr.contains { $0.hasPrefix("error") }, sh.sink.stderr.joined(separator: "\n"))
        XCTAssertEqual(sh.session.frame.names, straight.session.frame.names)
        XCTAssertEqual(sh.session.filters.map(\.expression), straight.session.filters.map(\.expression))
        XCTAssertEqual(sh.session.activeRows, straight.session.activeRows)
        XCTAssertEqual(sh.session.outcome, straight.session.outcome)
        XCTAssertEqual(sh.session.settings.digits, 3)
        XCTAssertEqual(sh.session.commandRecords.map(\.line),
                       ["load data/aml.csv", "generate t2 = time * 2", "filter t2 > 20", "set digits 3",
                        "survival t2 status", "km ~ x"])
        sh.session.transcript = nil
        let result = try check(live)
        XCTAssertNil(result.diff, result.diff ?? "")
        XCTAssertEqual(result.dataProblems, [])
        XCTAssertTrue(try String(contentsOfFile: live, encoding: .utf8).contains("\n# undone by back: filter t2 > 20\n"))
        // back to the first command undoes it: the summary says so.
        let (first, _) = terminalShell(answers: ["", "back", "quit"])
        first.run("load data/aml.csv")
        let k = first.json("replay \(script) step")
        XCTAssertEqual(k["ran"] as? Int, 0)
        XCTAssertEqual(k["undone"] as? Int, 1)
        XCTAssertNil(first.session.frame.column("t2"), "the generate was undone")
        XCTAssertTrue(first.session.records.last?.line.hasPrefix("# replayed 0 of 5 commands from \(script) (1 undone by back)") ?? false,
                      first.session.records.last?.line ?? "")
    }

    // Defect 3: --check writes nothing outside its private folder; a file the script saved is read back.
    func testCheckLeavesExistingFilesByteIdentical() throws {
        let csv = path("x.csv"), md = path("t.md"), svg = path("f.svg"), data = path("f.csv"), surv = path("again.surv")
        let sentinel = Data("do not touch\n".utf8)
        for p in [csv, md, svg, data, surv] { FileManager.default.createFile(atPath: p, contents: sentinel) }
        let sh = TestShell()
        sh.run("load data/aml.csv")
        sh.run("filter time > 10")
        sh.run("survival time status")
        sh.run("save \(csv)")
        sh.run("load \(csv)")
        sh.run("tabulate x")
        sh.run("export \(md)")
        sh.run("plot km ~ x file=\(svg) data=\(data)")
        sh.run("save session \(surv)")
        _ = sh.error("save \(path("no/such/dir/y.csv"))")
        let transcript = path("t.surv")
        sh.run("save session \(transcript)")
        // The session really wrote them; put the sentinels back, then check.
        XCTAssertNotEqual(FileManager.default.contents(atPath: csv), sentinel)
        for p in [csv, md, svg, data, surv] { FileManager.default.createFile(atPath: p, contents: sentinel) }
        let before = try FileManager.default.contentsOfDirectory(atPath: tmp.path).sorted()
        let result = try check(transcript)
        XCTAssertNil(result.diff, result.diff ?? "")
        XCTAssertEqual(result.dataProblems, [], "the saved copy was loaded back (its hash matches)")
        for p in [csv, md, svg, data, surv] {
            XCTAssertEqual(FileManager.default.contents(atPath: p), sentinel, "\(p) was overwritten by --check")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path).sorted(), before, "no new files")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("no")))
    }

    /// Commands write files only through the session (writeText, writeData, writeDestination), so
    /// the write sandbox covers every command, including those added later. The figure layer writes
    /// where PlotCommand tells it (a destination from the session).
    func testPluginsWriteFilesOnlyThroughTheSession() throws {
        let allowed: Set<String> = ["FigureExport.swift", "FigureData.swift"]
        let patterns = ["write(to:", "write(toFile:", "createFile(", "FileHandle(forWriting", "O_WRONLY", "fopen(", "copyItem(", "moveItem("]
        let plugins = repoRoot.appendingPathComponent("plugins")
        let files = FileManager.default.enumerator(atPath: plugins.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        XCTAssertGreaterThan(files.count, 10)
        for f in files where !allowed.contains((f as NSString).lastPathComponent) {
            let text = try String(contentsOf: plugins.appendingPathComponent(f), encoding: .utf8)
            for p in patterns where text.contains(p) {
                XCTFail("plugins/\(f) writes a file itself ('\(p)'): use session.writeText/writeData/writeDestination so --check cannot overwrite it")
            }
        }
    }

    func testWriteSandboxRedirectsWritesAndReads() throws {
        let sh = TestShell()
        let sandbox = try WriteSandbox()
        defer { sandbox.remove() }
        sh.session.writeSandbox = sandbox
        let target = path("out.txt")
        try sh.session.writeText("hello", to: target, command: "test")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        XCTAssertEqual(try String(contentsOfFile: sandbox.image(of: target), encoding: .utf8), "hello")
        XCTAssertEqual(sh.session.resolvePath(target), sandbox.image(of: target))
        XCTAssertEqual(sandbox.image(of: "/tmp/../../etc/passwd"), sandbox.root + "/etc/passwd", "'..' cannot leave the folder")
        XCTAssertThrowsError(try sh.session.writeText("x", to: "/no/such/dir/x.txt", command: "test")) { e in
            XCTAssertEqual((e as? SurvshError)?.description, "error: test: cannot write '/no/such/dir/x.txt': directory '/no/such/dir' does not exist")
        }
        var attrs = stat()
        XCTAssertEqual(stat(sandbox.root, &attrs), 0)
        XCTAssertEqual(attrs.st_mode & 0o777, 0o700, "private folder")
    }

    // Defect 4: changed, missing and unrecorded data files; --update records hashes.
    func testDataFilesAreVerifiedByHash() throws {
        let data = path("d.csv")
        try "time,status\n1,1\n2,0\n3,1\n".write(toFile: data, atomically: true, encoding: .utf8)
        let sh = TestShell()
        let t = try Transcript(path: path("live.surv"))
        sh.session.transcript = t
        sh.run("load \(data)")
        sh.run("survival time status")
        let live = try String(contentsOfFile: t.path, encoding: .utf8)
        XCTAssertTrue(live.contains("# data: \(data) sha256="), live)
        XCTAssertEqual(try check(t.path).dataProblems, [])

        try "time,status\n1,1\n2,0\n3,0\n".write(toFile: data, atomically: true, encoding: .utf8)
        XCTAssertEqual(try check(t.path).dataProblems.map(\.kind), [.changed])
        try FileManager.default.removeItem(atPath: data)
        XCTAssertEqual(try check(t.path).dataProblems.map(\.kind), [.missing])

        // Deleting the '# data:' line does not turn the check off.
        try "time,status\n1,1\n".write(toFile: data, atomically: true, encoding: .utf8)
        let stripped = live.split(separator: "\n").filter { !$0.hasPrefix("# data:") }.joined(separator: "\n")
        try stripped.write(toFile: t.path, atomically: true, encoding: .utf8)
        let unrecorded = try check(t.path)
        XCTAssertEqual(unrecorded.dataProblems.map(\.kind), [.unrecorded])
        XCTAssertNotNil(unrecorded.diff, "the data changed, so the output did too")
        // --update records the hash (and the output), after which the check passes.
        let u = try ScriptRunner.update(t.path, session: TestShell().session)
        XCTAssertEqual(u.changedHashes, 1)
        XCTAssertEqual(u.changedOutputs, 2)
        let updated = try check(t.path)
        XCTAssertEqual(updated.dataProblems, [])
        XCTAssertNil(updated.diff)
    }

    /// A command Ctrl-C stops before it changes anything.
    enum StoppedCommand: SurvshCommand {
        static let spec = CommandSpec(name: "slow", summary: "stopped by Ctrl-C", synopsis: ["slow"], body: .none, topic: "test")
        static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
            throw SurvshError(.interrupted, command: "slow", "interrupted")
        }
    }

    // A line stopped by Ctrl-C is a comment in the transcript: a replay would not be interrupted.
    func testInterruptedCommandIsRecordedAsAComment() throws {
        let session = Session(registry: Registry(commands: AllCommands.registry.commands + [RegisteredCommand(StoppedCommand.self)]), sink: CapturingSink())
        let r = session.execute("slow", source: .interactive)
        XCTAssertTrue(r.failed)
        XCTAssertEqual(r.outputLines, ["error: slow: interrupted"])
        XCTAssertEqual(session.records.map(\.line), ["# interrupted: slow"])
        XCTAssertEqual(session.commandRecords.count, 0)
    }

    // Defect 7: history numbers are right-aligned past 9.
    func testHistoryNumbersLineUpFromTen() {
        let sh = TestShell()
        for _ in 0..<11 { sh.run("set digits 4") }
        sh.run("# comments are not listed")
        let lines = sh.run("history").outputLines
        XCTAssertEqual(lines.count, 11)
        XCTAssertEqual(lines[0], " 1  set digits 4")
        XCTAssertEqual(lines[10], "11  set digits 4")
        XCTAssertEqual(Set(lines.map { $0.firstIndex(of: "s")!.utf16Offset(in: $0) }), [4], "the commands start in one column")
    }
}
