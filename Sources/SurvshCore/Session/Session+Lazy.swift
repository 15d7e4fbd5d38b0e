// Session+Lazy.swift — the columns of a lazy load (`load FILE lazy=on`) parsed when a command needs them.
//
// Contract: before a command runs, `runParsingColumns` parses the pending columns it may read: for a
// command whose spec says `.named`, those its line names (conservatively: every pending name that
// occurs in the line, all of them for a formula's `.`) and the declared outcome's; for any other
// command, every pending column. A `.named` command that fails while columns are still pending is
// run again from the state before it, with every column parsed, so what it prints (an error naming
// the data's columns) is what an eager load gives. Parsing is all or nothing: Ctrl-C or a file
// changed since `load` leaves the frame as it was.

import SurvivalStats

extension Session {
    /// Parses the pending columns `names` (nil: all) into the frame, for `command`'s messages.
    public func materialize(_ names: [String]?, command: String) throws {
        guard let pending = frame.pending else { return }
        let wanted = names.map { n in pending.names.filter { n.contains($0) } } ?? pending.names
        if wanted.isEmpty { return }
        let cancel = Interrupt.cancellation
        let columns: [Column]
        do {
            columns = try pending.table.columns(wanted, cancel: cancel)
        } catch {
            try cancel.check()
            throw SurvshError(.io, command: command, error.description)
        }
        try cancel.check()
        updateFrame { $0.materialize(columns) }
    }

    /// Runs `command` after parsing the pending columns it may read (see the file header).
    func runParsingColumns(_ command: RegisteredCommand, _ args: Arguments, line: String) throws -> CommandOutput {
        guard let pending = frame.pending else { return try command.run(args, in: self) }
        let name = command.spec.name
        switch command.spec.columnUse {
        case .none:
            return try command.run(args, in: self)
        case .named(let except) where !except.contains(args.positional.first ?? ""):
            try materialize(pending.named(in: line) + (outcome?.columnsRead ?? []), command: name)
            if frame.pending == nil { return try command.run(args, in: self) }
            let before = snapshot()
            do {
                return try command.run(args, in: self)
            } catch let error as SurvshError where error.kind == .interrupted {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                restore(before)
            }
        case .named, .all:
            break
        }
        try materialize(nil, command: name)
        return try command.run(args, in: self)
    }
}
