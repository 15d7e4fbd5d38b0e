// Session+Execute.swift — `execute(_:source:)`, the single path from a line of text to printed
// results, transcript entry and success flag (Lua's `lua.c`/SQLite's `process_input` are the model).

import Foundation
import SurvivalStats

extension Session {
    /// Runs one line. Never throws, never exits: failures become an error line on stderr and a
    /// failed record. Blank lines do nothing; a comment line is recorded (students annotate answers).
    @discardableResult
    public func execute(_ line: String, source: LineSource) -> ExecutionRecord {
        let split = LineSplitter.split(line)
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !split.command.isEmpty else {
            guard trimmed.hasPrefix("#") else {
                return ExecutionRecord(line: trimmed, outputLines: [], failed: false, quit: false)
            }
            let comment = ExecutionRecord.comment(trimmed)
            noteExecuted(comment)
            return comment
        }
        Interrupt.clear()
        PollTrace.beginCommand()
        quitRequested = false
        clearModelColumns()
        var recorded: [String] = []
        var failed = false
        // Errors name the command by its canonical name, not the alias typed.
        var commandName = split.command
        // `set timing=on`: elapsed time, CPU time and peak memory on stderr once the line is done (not recorded).
        let timer = settings.timing ? CommandTimer.start() : nil
        defer { if let timer, settings.timing { sink.err(timer.line(command: commandName)) } }
        defer { if PollTrace.enabled { FileHandle.standardError.write(Data((PollTrace.endCommand(trimmed) + "\n").utf8)) } }
        // An interrupted command leaves the random stream where it was (it is not replayed).
        let randomBefore = random.state
        do {
            guard let command = registry.lookup(split.command) else {
                throw SurvshError(.unknownCommand, command: nil, "unknown command '\(split.command)'",
                                  suggestion: Help.suggestion(for: split.command, registry)
                                      ?? "type 'help' for the list of commands")
            }
            commandName = command.spec.name
            // The exportable tables are this command's (none if it fails or prints none).
            let keepsTables = command.spec.keepsLastTables
            if !keepsTables { dropLastTables(command: commandName) }
            let args = try Arguments(spec: command.spec, rest: split.rest)
            // A command that finished before it noticed Ctrl-C has done its work: it is printed and
            // recorded as usual, so the transcript stays what a replay does.
            // `set threads=N` holds for the numerics (and readers) the command runs: see Parallelism.
            var output = try Parallelism.$threads.withValue(settings.threads ?? Parallelism.processors) {
                try runParsingColumns(command, args, line: split.rest)
            }
            outputObserver?(output)
            recorded += try emit(&output, command: command.spec.name)
            output.afterPrinting?()
            if !keepsTables && !output.tables.isEmpty { lastTables = LastTables(command: commandName, tables: output.tables) }
            recorded += output.warnings.map { "warning: \(command.spec.name): \($0)" }
            let recordAsComment = output.recordAsComment
            releaseIfLarge(&output)
            if recordAsComment {
                for l in recorded { noteComment("# " + l) }
                return ExecutionRecord(line: trimmed, outputLines: recorded, failed: false, quit: quitRequested, kind: .comment)
            }
        } catch let error as SurvshError where error.kind == .interrupted {
            random.state = randomBefore
            return interrupted(trimmed, error, source: source)
        } catch is CancellationError {
            // the numerics noticed Ctrl-C (Interrupt.cancellation)
            random.state = randomBefore
            return interrupted(trimmed, SurvshError(.interrupted, command: commandName, "interrupted"), source: source)
        } catch let error as SurvshError {
            failed = true
            sink.err(error.rendered(location: source.location))
            recorded.append(error.description)
        } catch {
            failed = true
            let e = SurvshError(.data, command: commandName, "\(error)")
            sink.err(e.rendered(location: source.location))
            recorded.append(e.description)
        }
        let record = ExecutionRecord(line: trimmed, outputLines: recorded, failed: failed, quit: quitRequested)
        noteExecuted(record)
        return record
    }

    /// A command stopped by Ctrl-C at a safe point, before it changed the session: a comment in the
    /// transcript (a replay would not be interrupted, so it must not run the line).
    private func interrupted(_ trimmed: String, _ error: SurvshError, source: LineSource) -> ExecutionRecord {
        sink.err(error.rendered(location: source.location))
        noteComment("# interrupted: " + trimmed)
        return ExecutionRecord(line: trimmed, outputLines: [error.description], failed: true, quit: false)
    }

    /// Prints a command's output in the session's format; returns its text's lines, as recorded.
    /// A long text goes out 2^14 lines (and at most 1 MiB) at a time; with `interruptiblePrinting`,
    /// a Ctrl-C between two pieces stops it with a note and throws `interrupted` (nothing is
    /// recorded: see printText). Under JSON the lines are cut and the JSON written before anything
    /// is printed, polled in the same way (between two pieces of lines, every 2^14 values of the
    /// JSON), so a Ctrl-C there prints nothing.
    private func emit(_ output: inout CommandOutput, command: String) throws -> [String] {
        var lines: [String] = []
        switch settings.format {
        case .text:
            if !output.text.isEmpty { lines = try printText(output.text, stoppable: output.interruptiblePrinting, command: command) }
            if let g = output.graphic {
                if interactive { sink.out(g) } else { sink.err("note: \(command): the drawing is shown only in an interactive terminal (see 'help \(command)' for writing a file)") }
            }
        case .json:
            let stoppable = output.interruptiblePrinting
            let poll = { if stoppable && Interrupt.isRaised { throw SurvshError(.interrupted, command: command, "interrupted") } }
            if !output.text.isEmpty {
                var pieces = 0
                lines = try TextLines.split(output.text) { _ in
                    if pieces > 0 { try poll() }
                    pieces += 1
                }
            }
            if var json = output.json {
                if !output.warnings.isEmpty, case .object(var kv) = json, !kv.contains(where: { $0.0 == "warnings" }) {
                    kv.append(("warnings", .array(output.warnings.map { .string($0) })))
                    json = .object(kv)
                }
                sink.out(try json.serialized(polling: poll))
            }
        }
        for w in output.warnings { sink.err("warning: \(command): \(w)") }
        return lines
    }

    /// Frees a long output (over 1 MiB of text, or a JSON of more than 2^14 values: the 10^7 levels
    /// of a text column are 10^7 allocations, 0.2-0.3 s of CPU to free) on a thread of its own, so the
    /// command does not spend that time after its last poll for Ctrl-C.
    private func releaseIfLarge(_ output: inout CommandOutput) {
        if output.text.utf8.count > 1 << 20 || output.json?.holdsMoreValues(than: TextLines.pieceLines) == true {
            BackgroundRelease.drop(&output, leaving: CommandOutput())
        }
    }

    /// Forgets the last command's exportable tables; big ones (`head 2000000`) are freed beside the
    /// command starting now (BackgroundRelease), not before its first poll for Ctrl-C.
    private func dropLastTables(command: String) {
        if (lastTables?.tables ?? []).reduce(0, { $0 + $1.rows.count }) > TextLines.pieceLines {
            BackgroundRelease.drop(&lastTables, leaving: LastTables(command: command, tables: []))
        } else {
            lastTables = LastTables(command: command, tables: [])
        }
    }
}
