// FigureExport.swift — writing a figure to .svg, .png or .pdf (plot and external plugins share it).
//
// Contract: the format follows the file extension (case-insensitive). SVG is written by survsh
// itself; PNG and PDF are converted from the SVG by `rsvg-convert` (librsvg), found on PATH and given
// a temporary copy of the SVG. PNG size is width × height pixels times `scale`; PDF pages are
// width × height × 0.75 pt (librsvg's 96 dpi). Failures are values of `FigureExportError` with
// messages meant for the user; nothing is written to stdout or stderr here. A `cancel` that fires
// while rsvg-convert runs terminates it, removes what it wrote, and throws CancellationError.

import Foundation
import SurvivalStats

/// Why a figure could not be written.
public enum FigureExportError: Error, Equatable, CustomStringConvertible {
    /// The extension is not .svg, .png or .pdf.
    case unsupportedExtension(String)
    /// The file or its directory cannot be written.
    case cannotWrite(path: String, reason: String)
    /// PNG/PDF was asked for and `rsvg-convert` is not on the search path.
    case converterNotFound
    /// `rsvg-convert` ran and failed.
    case conversionFailed(status: Int32, message: String)

    public var description: String {
        switch self {
        case .unsupportedExtension(let ext):
            let shown = ext.isEmpty ? "no extension" : "unsupported file extension '.\(ext)'"
            return "\(shown) (expected .svg, .png or .pdf)"
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason)"
        case .converterNotFound:
            return "rsvg-convert not found: install it with 'apt-get install librsvg2-bin' (SVG output still works)"
        case .conversionFailed(let status, let message):
            let detail = message.trimmingCharacters(in: .whitespacesAndNewlines)
            return "rsvg-convert failed (exit status \(status))" + (detail.isEmpty ? "" : ": \(detail)")
        }
    }
}

/// Writes SVG documents to files in the format the extension names.
public enum FigureExport {
    /// The output formats.
    public enum Format: String, Sendable, CaseIterable {
        case svg, png, pdf
    }

    /// The format a path asks for, or `.unsupportedExtension`.
    public static func format(of path: String) throws -> Format {
        let ext = (path as NSString).pathExtension.lowercased()
        guard let format = Format(rawValue: ext) else { throw FigureExportError.unsupportedExtension(ext) }
        return format
    }

    /// The files `count` figures are written to when one path is given: the path itself, then the
    /// path with `-2`, `-3`, ... before its extension (`km.png`, `km-2.png`, `km-3.png`).
    public static func numberedPaths(_ path: String, count: Int) -> [String] {
        let ns = path as NSString
        let ext = ns.pathExtension, stem = ns.deletingPathExtension
        return (0..<max(count, 0)).map { i in
            i == 0 ? path : "\(stem)-\(i + 1)" + (ext.isEmpty ? "" : ".\(ext)")
        }
    }

    /// Writes `svg` to `path` as SVG, PNG or PDF (by extension).
    /// - Parameters:
    ///   - scale: PNG zoom factor (2 = twice the pixels); ignored for SVG and PDF.
    ///   - searchPath: the directories to look for `rsvg-convert` in, as a PATH string; `nil` uses
    ///     the environment's PATH (or /usr/local/bin:/usr/bin:/bin when it is unset).
    ///   - cancel: polled every 10 ms while the converter runs.
    public static func write(svg: String, to path: String, scale: Double = 1, searchPath: String? = nil,
                             cancel: Cancellation = .never) throws {
        let format = try format(of: path)
        try checkWritable(path)
        switch format {
        case .svg:
            do {
                try Data(svg.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw FigureExportError.cannotWrite(path: path, reason: reason(error))
            }
        case .png, .pdf:
            guard let converter = findConverter(searchPath: searchPath) else {
                throw FigureExportError.converterNotFound
            }
            var arguments = ["-f", format.rawValue, "-o", path]
            if format == .png, scale.isFinite, scale > 0, scale != 1 {
                arguments += ["-z", String(scale)]
            }
            try run(converter, arguments: arguments, input: Data(svg.utf8), output: path, cancel: cancel)
        }
    }

    /// The full path of `rsvg-convert` in the directories of `searchPath` (nil = environment PATH).
    public static func findConverter(searchPath: String? = nil) -> String? {
        let pathValue = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in pathValue.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = (String(dir) as NSString).appendingPathComponent("rsvg-convert")
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Fails early, with a clear reason, when `path` cannot be created or replaced.
    public static func checkWritable(_ path: String) throws {
        if let reason = cannotWriteReason(path) { throw FigureExportError.cannotWrite(path: path, reason: reason) }
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return ns.localizedDescription
    }

    /// Runs `executable` on a temporary copy of the SVG (a file rather than a pipe, so a converter
    /// that exits early cannot raise SIGPIPE here); throws with its stderr when it fails. When
    /// `cancel` fires it is terminated and its partial `output` removed.
    private static func run(_ executable: String, arguments: [String], input: Data, output: String,
                            cancel: Cancellation) throws {
        let temp = FileManager.default.temporaryDirectory
            .appendingPathComponent("survsh-figure-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).svg")
        do {
            try input.write(to: temp)
        } catch {
            throw FigureExportError.cannotWrite(path: temp.path, reason: reason(error))
        }
        defer { try? FileManager.default.removeItem(at: temp) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + [temp.path]
        let stderr = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw FigureExportError.conversionFailed(status: -1, message: reason(error))
        }
        // stderr is drained on another thread so a chatty converter cannot block on a full pipe.
        let collector = StderrCollector(handle: stderr.fileHandleForReading)
        collector.start()
        while process.isRunning {
            if cancel.isCancelled {
                process.terminate()
                process.waitUntilExit()
                _ = collector.finish()
                try? FileManager.default.removeItem(atPath: output)
                throw CancellationError()
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        let message = collector.finish()
        // Ctrl-C at the terminal also reaches the converter (same process group): that is a cancellation.
        try cancel.check()
        if process.terminationStatus != 0 {
            throw FigureExportError.conversionFailed(status: process.terminationStatus, message: message)
        }
    }
}

/// Reads a pipe to its end on a background thread.
private final class StderrCollector: @unchecked Sendable {
    private let handle: FileHandle
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(handle: FileHandle) { self.handle = handle }

    func start() {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
