// LineEditor.swift — the interactive loop on libedit: emacs bindings, persistent history, Tab
// completion from the command declarations, Ctrl-C abandons the line (or interrupts a running
// command), Ctrl-D on an empty line exits. The prompt and the edited line go to stderr.

import CLibEdit
import Foundation
import SurvshCore

enum Terminal {
    static var stdinIsTerminal: Bool { survsh_isatty_stdin() != 0 }

    static func size() -> (columns: Int, rows: Int) {
        var c: Int32 = 0, r: Int32 = 0
        survsh_terminal_size(&c, &r)
        return (c > 0 ? Int(c) : 80, r > 0 ? Int(r) : 24)
    }

    static var isUTF8: Bool {
        let env = ProcessInfo.processInfo.environment
        let v = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LANG"] ?? ""
        return v.uppercased().contains("UTF-8") || v.uppercased().contains("UTF8")
    }
}

final class LineEditor {
    let session: Session
    private var el: OpaquePointer?
    private var hist: OpaquePointer?
    private let historyPath: String
    fileprivate var promptText: UnsafeMutablePointer<CChar>
    /// The terminal settings to edit a line with while a command runs (its end-of-file character is
    /// off meanwhile; `replay FILE step` asks questions from inside a command).
    private var commandTTY: termios?

    init(session: Session) {
        self.session = session
        self.historyPath = Paths.historyFile
        self.promptText = strdup("survsh> ")
    }

    deinit {
        free(promptText)
        if let el { el_end(el) }
        if let hist { history_end(hist) }
    }

    private func setUp() {
        _ = survsh_setlocale_ctype()
        _ = survsh_install_sigint { _ in Interrupt.raise() }
        el = survsh_el_init("survsh")
        hist = survsh_history_init()
        guard let el, let hist else { return }
        _ = survsh_history_setsize(hist, 1000)
        _ = survsh_history_setunique(hist, 1)
        try? FileManager.default.createDirectory(atPath: (historyPath as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        _ = survsh_history_load(hist, historyPath)
        _ = survsh_el_set_editor(el, "emacs")
        _ = survsh_el_set_history(el, hist)
        _ = survsh_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        _ = survsh_el_set_prompt(el) { e in
            guard let e, let data = survsh_el_get_clientdata(e) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptText
        }
        _ = survsh_el_add_function(el, "survsh-complete", "complete commands, options, columns and paths") { e, _ in
            guard let e, let data = survsh_el_get_clientdata(e) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().complete(e)
        }
        _ = survsh_el_bind(el, "^I", "survsh-complete")
        _ = survsh_el_source_default(el)
    }

    /// Reads one line with the given prompt; nil at end of input (Ctrl-D). Ctrl-C gives "".
    func readLine(prompt: String) -> String? {
        if el == nil { setUp() }
        guard let el else { return Swift.readLine() }
        free(promptText)
        promptText = strdup(prompt)
        defer { free(promptText); promptText = strdup("survsh> ") }
        var count: Int32 = 0
        // libedit adopts the terminal's characters as it finds them: give it the usual ones
        let insideCommand = commandTTY != nil
        if var tty = commandTTY { _ = survsh_tty_restore(&tty) }
        defer { if insideCommand { var tty = termios(); _ = survsh_tty_keep_eof_byte(&tty) } }
        Interrupt.clear()
        guard let cstr = el_gets(el, &count) else {
            if count == -1 && survsh_errno() == EINTR {
                FileHandle.standardError.write(Data("^C\n".utf8))
                el_reset(el)
                return ""
            }
            return nil
        }
        var line = String(cString: cstr)
        if line.hasSuffix("\n") { line.removeLast() }
        return line
    }

    /// The loop; `firstLine` is executed (and entered in the history) before the first prompt.
    func run(firstLine: String? = nil) {
        setUp()
        if let firstLine {
            enterHistory(firstLine)
            Interrupt.clear()
            if runKeepingTypedAheadEOF({ session.execute(firstLine, source: .interactive) }).quit { return }
        }
        while true {
            session.terminalSize = Terminal.size()
            guard let line = readLine(prompt: "survsh> ") else {
                FileHandle.standardError.write(Data("\n".utf8))
                break
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            enterHistory(trimmed)
            let record = runKeepingTypedAheadEOF { session.execute(line, source: .interactive) }
            if record.quit { break }
        }
    }

    private func enterHistory(_ line: String) {
        guard let hist else { return }
        _ = survsh_history_enter(hist, line)
        _ = survsh_history_save(hist, historyPath)
    }

    /// Runs a command with the terminal's end-of-file character off (see survsh_tty_keep_eof_byte),
    /// so that a Ctrl-D typed while it runs quits the shell at the next prompt, as at the prompt.
    private func runKeepingTypedAheadEOF<T>(_ body: () -> T) -> T {
        var saved = termios()
        guard survsh_tty_keep_eof_byte(&saved) == 0 else { return body() }
        commandTTY = saved
        defer { commandTTY = nil; _ = survsh_tty_restore(&saved) }
        return body()
    }

    /// Tab: insert the completion, or list the candidates when there are several.
    func complete(_ e: OpaquePointer) -> UInt8 {
        guard let info = el_line(e)?.pointee else { return UInt8(CC_ERROR) }
        let len = info.cursor - info.buffer
        let bytes = UnsafeRawBufferPointer(start: info.buffer, count: len)
        let before = String(decoding: bytes, as: UTF8.self)
        let c = Completer.complete(before, session: session)
        if c.candidates.isEmpty { return UInt8(CC_REFRESH_BEEP) }
        let prefix = c.commonPrefix
        if c.candidates.count == 1 {
            var ins = String(prefix.dropFirst(c.word.count))
            if let last = prefix.last, !"=/(\"".contains(last) { ins += " " }
            if !ins.isEmpty { _ = el_insertstr(e, ins) }
            return UInt8(CC_REFRESH)
        }
        if prefix.count > c.word.count {
            _ = el_insertstr(e, String(prefix.dropFirst(c.word.count)))
            return UInt8(CC_REFRESH)
        }
        let width = (c.candidates.map(\.count).max() ?? 0) + 2
        let perLine = max(1, Terminal.size().columns / width)
        var text = "\n"
        for (i, cand) in c.candidates.enumerated() {
            text += cand.padding(toLength: width, withPad: " ", startingAt: 0)
            if (i + 1) % perLine == 0 { text += "\n" }
        }
        if !text.hasSuffix("\n") { text += "\n" }
        FileHandle.standardError.write(Data(text.utf8))
        return UInt8(CC_REDISPLAY)
    }
}
