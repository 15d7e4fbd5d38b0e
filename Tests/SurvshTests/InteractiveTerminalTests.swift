// InteractiveTerminalTests.swift — drives the real shell in a terminal (tmux): Tab completion,
// history recalled with Up after a restart, Ctrl-C abandoning a line, Ctrl-D exiting, the
// transcript written as the session goes, and a warning (not a failure) when it cannot be written;
// a terminal session's transcript passes `--check` without side effects.

import Foundation
import XCTest

final class InteractiveTerminalTests: XCTestCase {
    var tmp: URL!
    var sessionName = ""

    override func setUpWithError() throws {
        try Binary.requireBuilt()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed (apt-get install tmux)")
        }
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-tty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        sessionName = "survsh-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"
    }

    override func tearDown() {
        _ = try? tmux(["kill-server"])   // this test's own server (its private socket)
    }

    @discardableResult
    /// Runs tmux (on this test's private socket) with posix_spawn + waitpid. Foundation's Process
    /// was seen to hang in waitUntilExit with the tmux client already exited (a zombie never reaped),
    /// so it is not used here. Output goes to a file, never a pipe: the tmux server that `new-session` starts would
    /// inherit a pipe and keep it open. Only capture-pane's output is read.
    func tmux(_ args: [String]) throws -> String {
        let outPath = tmp.appendingPathComponent("tmux-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // A private socket: tmux servers of other test runs on the machine cannot interfere.
        let socket = tmp.appendingPathComponent("tmux.sock").path
        let argv = (["/usr/bin/tmux", "-S", socket] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, argv, environ)
        guard rc == 0 else { throw XCTSkip("cannot start tmux: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard args.first == "capture-pane" else { return "" }
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    /// Starts the shell in tmux; `arguments` follow the executable (e.g. a data file to load).
    func start(transcriptDir: String? = nil, arguments: String = "") throws {
        let env = "SURVSH_HISTORY=\(tmp.path)/history SURVSH_TRANSCRIPT_DIR=\(transcriptDir ?? tmp.path + "/transcripts") LANG=C.UTF-8 TERM=xterm"
        // A session that outlives the shell's, so killing the shell's session (to restart it) never
        // ends the server while the next new-session is connecting to it (fails if it exists: fine).
        try tmux(["new-session", "-d", "-s", "keeper", "sleep 600"])
        try tmux(["new-session", "-d", "-s", sessionName, "-x", "120", "-y", "40", "-c", repoRoot.path,
                  "env \(env) \(Binary.url.path) \(arguments); echo SURVSH-EXITED; sleep 30"])
        try waitFor("survsh>")
    }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", sessionName]) }

    func keys(_ k: String...) throws { try tmux(["send-keys", "-t", sessionName] + k) }

    func waitFor(_ text: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try screen().contains(text) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("screen never showed '\(text)':\n\(try screen())", file: file, line: line)
    }

    /// Ctrl-D, then the one transcript the session wrote.
    func quitAndReadTranscript(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try keys("C-d")
        try waitFor("SURVSH-EXITED")
        let dir = tmp.appendingPathComponent("transcripts")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(files.count, 1, file: file, line: line)
        return try String(contentsOf: dir.appendingPathComponent(files[0]), encoding: .utf8)
    }

    func testTabCompletionHistoryCtrlCAndCtrlD() throws {
        try start()
        // Tab completes a command name.
        try keys("loa", "Tab")
        try waitFor("survsh> load")   // capture-pane trims trailing spaces
        try keys("data/lung.csv", "Enter")
        try waitFor("228 rows x 10 columns")
        // Tab completes a column name from the loaded data.
        try keys("tabulate ph.e", "Tab")
        try waitFor("survsh> tabulate ph.ecog")
        try keys("Enter")
        try waitFor("cum. percent")
        // Ctrl-C abandons the line being typed; the shell goes on.
        try keys("this line is abandoned")
        try waitFor("this line is abandoned")
        try keys("C-c")
        try waitFor("^C")
        try keys("head 1", "Enter")
        try waitFor("pat.karno")
        XCTAssertFalse(try screen().contains("unknown command 'this"), "Ctrl-C must not run the abandoned line")
        // Ctrl-D on an empty line exits; the transcript holds every completed command with its output.
        let transcript = try quitAndReadTranscript()
        XCTAssertTrue(transcript.contains("load data/lung.csv\n"), transcript)
        XCTAssertTrue(transcript.contains("# data: data/lung.csv sha256="), transcript)
        XCTAssertTrue(transcript.contains("#> 228 rows x 10 columns") || transcript.contains("228 rows x 10 columns"))
        XCTAssertFalse(transcript.contains("abandoned"))

        // After a restart, Up recalls the last command from the persistent history.
        _ = try tmux(["kill-session", "-t", sessionName])
        try start()
        try keys("Up")
        try waitFor("survsh> head 1")
        try keys("C-u", "C-d")
        try waitFor("SURVSH-EXITED")
    }

    /// Issue 17: a session with a plot drawn in the terminal, a comment and a save passes `--check`
    /// unedited; the check leaves the saved file as it finds it; a changed data file fails it (exit 2).
    func testTerminalSessionTranscriptPassesCheckWithoutSideEffects() throws {
        let data = tmp.appendingPathComponent("aml.csv")
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("data/aml.csv"), to: data)
        let saved = "/tmp/survsh-x-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: saved) }
        try start()
        try keys("load \(data.path)", "Enter")
        try waitFor("23 rows")
        try keys("survival time status", "Enter")
        try waitFor("outcome:")
        try keys("# Exercise 1: the median by hand", "Enter")
        try keys("plot km ~ x", "Enter")
        try waitFor("plot km: 2 curves")
        XCTAssertTrue(try screen().unicodeScalars.contains { $0.value >= 0x2801 && $0.value <= 0x28FF }, "the figure is drawn")
        try keys("save \(saved)", "Enter")
        try waitFor("wrote 23 rows")
        try keys("C-d")
        try waitFor("SURVSH-EXITED")

        let dir = tmp.appendingPathComponent("transcripts")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(files.count, 1)
        let transcript = dir.appendingPathComponent(files[0]).path
        XCTAssertTrue(try String(contentsOfFile: transcript, encoding: .utf8).contains("\n# Exercise 1: the median by hand\n"))
        let ok = try Binary.run(["--check", transcript])
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)

        let sentinel = Data("a file the check must not touch\n".utf8)
        FileManager.default.createFile(atPath: saved, contents: sentinel)
        let again = try Binary.run(["--check", transcript])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertEqual(FileManager.default.contents(atPath: saved), sentinel, "--check overwrote \(saved)")

        try "time,status,x\n9,1,Maintained\n".write(to: data, atomically: true, encoding: .utf8)
        let changed = try Binary.run(["--check", transcript])
        XCTAssertEqual(changed.status, 2, changed.stdout + changed.stderr)
        XCTAssertTrue(changed.stderr.contains("has changed"), changed.stderr)
    }

    func testUTF8InputIsKept() throws {
        try start()
        try keys("generate größe = 1", "Enter")
        try waitFor("größe")
        XCTAssertTrue(try screen().contains("generate größe = 1"))
        try keys("C-d")
        try waitFor("SURVSH-EXITED")
    }

    func testUnwritableTranscriptDirectoryIsOnlyAWarning() throws {
        try start(transcriptDir: "/proc/survsh-cannot-write-here")
        try waitFor("not recorded")
        try keys("help", "Enter")
        try waitFor("Type 'help COMMAND'")
        try keys("C-d")
        try waitFor("SURVSH-EXITED")
    }
}
