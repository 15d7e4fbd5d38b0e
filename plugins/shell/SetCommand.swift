// SetCommand.swift — `set format text|json`, `set digits N`, `set seed=N`, `set collation=r|c`,
// `set timeunit=UNIT`, `set convention=r|sas|stata`, `set labels=on|off`,
// `set timing=on|off`, `set threads=N`; `set` alone shows the settings.

import SurvivalStats
import SurvshCore

public enum SetCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "set",
        summary: "show or change settings: output format, digits, random seed, level order, R/SAS/Stata defaults",
        synopsis: ["set", "set format text|json", "set digits N", "set seed=N", "set collation=r|c",
                   "set timeunit=days|weeks|months|years", "set convention=r|sas|stata", "set labels=on|off",
                   "set plugin_path=DIR[:DIR...]", "set plugin_timeout=SECONDS",
                   "set timing=on|off", "set threads=N", "set lazy=auto|on|off"], body: .words,
        options: [OptionSpec("format", .choice(OutputFormat.allCases.map(\.rawValue)), default: "text",
                             help: "text for people, json for one JSON object per result (`set format json` also works)"),
                  OptionSpec("digits", .number(1...15), default: "4",
                             help: "significant digits in printed tables, 1 to 15 (`set digits 6` also works)"),
                  OptionSpec("seed", .number(0...RandomStream.maxSeed),
                             help: "restart the random stream of runif(), rnorm(), ... and simulate (a whole number)"),
                  OptionSpec("collation", .choice(TextCollation.allCases.map(\.rawValue)), default: "r",
                             help: "order of text levels: r (R in a UTF-8 locale) or c (bytes, R's C locale)"),
                  OptionSpec("timeunit", .choice(TimeUnit.allCases.map(\.rawValue)),
                             help: "the unit of the data's times, from which plot ... xscale= converts (default days)"),
                  OptionSpec("convention", .choice(Convention.allCases.map(\.rawValue)), default: "r",
                             help: "whose defaults km and cox follow where R, SAS and Stata differ (see the table below)"),
                  OptionSpec("labels", .choice(["on", "off"]), default: "off",
                             help: "on: variable labels from Stata/SPSS/SAS files replace column names in printed tables and figures"),
                  OptionSpec("plugin_path", .text,
                             help: "project plugin directories searched before ./.survsh/plugins, SURVSH_PLUGIN_PATH and the user directory (colon-separated; see help plugin)"),
                  OptionSpec("plugin_timeout", .number(0.001...1e7), default: "300",
                             help: "seconds a plugin may take to answer before it is stopped"),
                  OptionSpec("timing", .choice(["on", "off"]), default: "off",
                             help: "print each command's elapsed time, CPU time and peak memory growth on stderr"),
                  OptionSpec("threads", .number(1...Double(Parallelism.maxThreads)),
                             help: "threads for Cox fits, concordance and reading files (default: every core)"),
                  OptionSpec("lazy", .choice(LazyLoad.allCases.map(\.rawValue)), default: Settings().lazyLoad.rawValue,
                             help: "load of a CSV/TSV file: check it and find its types at load, parse each column when first needed; "
                                 + "auto: files of 256 MB or more (see help load)")],
        notes: ["digits: significant digits in printed tables (1 to 15, default 4); JSON always has full precision.",
                "p-values everywhere print as R's format.pval(p, digits = N) (as print.htest with R's default options: 0.001111, 3.25e-05, < 2.2e-16).",
                "format json: each result is printed as one JSON object per line (JSON Lines).",
                "seed: the same seed gives the same random numbers in every run (generator xoshiro256** 1.0 seeded by",
                "SplitMix64; see help generate): sample() and runif() bit for bit on every platform, rnorm/rexp/rweibull",
                "wherever the C library's log and pow round alike. It does not reproduce R's set.seed() streams.",
                "Without a seed the stream starts from the system's random source and commands that draw warn.",
                "collation: how text levels sort, which decides reference levels, group and table order.",
                "  r (default): as R sorts in a UTF-8 locale (ICU collation): punctuation < digits < letters,",
                "  case and accents only break ties, lower case first: <=20 >50 20-50 a A b B.",
                "  c: byte order, as R under LC_ALL=C: 20-50 <=20 >50 A B a b. `set collation c` also works.",
                "  A level order set with `levels` or `relevel` comes first either way.",
                "timeunit: the unit of the data's times (days by default); plot km|loglog|cumhaz xscale=years (or months, weeks)",
                "  divides the times by the ratio (a year is 365.25 days, a month 30.4375), as survminer's xscale.",
                "convention: r (default), sas or stata changes the DEFAULTS where the packages differ: the km CI transform",
                "  (conf=), the rule reading the median and quantiles= off the curve with their limits, and cox's ties=",
                "  (also cox screen, plot km ci). An explicit conf= or ties= still wins. A result computed under sas or",
                "  stata says so in a 'convention:' line (JSON: convention); km ... compare and cox ... compare print",
                "  one estimate under all three side by side.",
                "labels: off (default) shows column names; on shows a column's variable label (read from a Stata, SPSS or",
                "  SAS file; see describe) wherever a printed table or figure names the column: km, logrank, cuminc, ttest",
                "  and wilcoxon group rows (Sex of patient=male), cox, survreg and crr terms (Sex of patient: male), summarize,",
                "  tabulate and table1 rows and headers, plot axis and legend titles and forest rows. Columns without a label",
                "  keep their name; JSON output always uses the names.",
                "timing=on: after each command a line on stderr, as Stata's set rmsg: `timing: km 12.3 ms, 20.1 ms CPU, +4.1 MB peak` (CPU: every thread's, user + system)",
                "  (never on stdout, in JSON or in the transcript). The time is wall-clock from the command's start to its",
                "  printed result. Peak is how far the process's peak resident memory rose above its size before the",
                "  command: on Linux VmHWM after minus VmRSS before (from /proc/self/status), the high-water mark reset",
                "  before each command (/proc/self/clear_refs), so every command shows its own peak; elsewhere the growth",
                "  of getrusage's ru_maxrss (0 unless the command set a new process peak).",
                "threads=N: how many threads the Cox fit's likelihood passes, its concordance and file reading may use",
                "  (default: every core of the machine). Results are the same bit for bit for every N: large data are cut",
                "  into a fixed number of chunks (by the row count only) whose partial sums are added in chunk order; N",
                "  only decides how many chunks run at once."] + Convention.rulesText(),
        examples: ["set digits 6", "set digits=5", "set format text", "set seed=42", "set collation=c", "set collation r", "set timeunit=days",
                   "set convention=sas", "set convention r", "set labels=on", "set labels off",
                   "set timing=on", "set timing off", "set threads=2", "set lazy=on", "set lazy off"],
        topic: "shell", keepsLastTables: true).using(.none)

    /// The settings, in the order `set` lists them.
    static let settingNames = ["format", "digits", "seed", "collation", "timeunit", "convention", "labels", "plugin_path", "plugin_timeout", "timing", "threads", "lazy"]

    /// `on` or `off` (any case) for the setting `name`.
    static func onOff(_ value: String, for name: String) throws -> Bool {
        guard let on = ["on": true, "off": false][value.lowercased()] else {
            throw SurvshError.usage("set", "unknown value '\(value)' for \(name)", expected: "on or off")
        }
        return on
    }

    /// The synopsis line that sets `name`.
    static func usage(of name: String) -> String {
        spec.synopsis.first { $0.hasPrefix("set \(name)") } ?? "set \(name)=VALUE"
    }

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        // Each setting may be written `set NAME VALUE` or `set NAME=VALUE`; one setting per line.
        var w = args.positional
        let given = settingNames.filter { args.options[$0] != nil }
        if let name = given.first {
            guard w.isEmpty, given.count == 1 else {
                throw SurvshError.usage("set", "one setting at a time", expected: "e.g. set \(name)=\(args.options[name]!)")
            }
            w = [name, args.options[name]!]
        }
        switch w.count {
        case 0:
            break
        case 2 where w[0] == "seed":
            try session.random.reseed(parsing: w[1], command: "set")
        case 2 where w[0] == "format":
            guard let f = OutputFormat(rawValue: w[1]) else {
                throw SurvshError.usage("set", "unknown value '\(w[1])' for format", expected: "text or json",
                                        suggestion: didYouMean(w[1], among: ["text", "json"]))
            }
            session.settings.format = f
        case 2 where w[0] == "digits":
            guard let d = Int(w[1]), (1...15).contains(d) else {
                throw SurvshError.usage("set", "digits must be a whole number from 1 to 15, not '\(w[1])'")
            }
            session.settings.digits = d
        case 2 where w[0] == "collation":
            guard let c = TextCollation(rawValue: w[1].lowercased()) else {
                throw SurvshError.usage("set", "unknown value '\(w[1])' for collation", expected: "r or c")
            }
            session.settings.collation = c
        case 2 where w[0] == "timeunit":
            guard let u = TimeUnit(rawValue: w[1].lowercased()) else {
                throw SurvshError.usage("set", "unknown value '\(w[1])' for timeunit", expected: "days, weeks, months or years")
            }
            session.settings.timeUnit = u
        case 2 where w[0] == "convention":
            guard let c = Convention(rawValue: w[1].lowercased()) else {
                throw SurvshError.usage("set", "unknown value '\(w[1])' for convention", expected: "r, sas or stata",
                                        suggestion: didYouMean(w[1].lowercased(), among: Convention.allCases.map(\.rawValue)))
            }
            session.settings.convention = c
        case 2 where w[0] == "labels":
            session.settings.labels = try onOff(w[1], for: "labels")
        case 2 where w[0] == "plugin_path":
            session.settings.pluginPath = Arguments.unquote(w[1]).split(separator: ":").map(String.init)
            for problem in session.loadPlugins() { session.sink.err("warning: \(problem)") }
        case 2 where w[0] == "plugin_timeout":
            guard let t = Double(w[1]), t > 0, t.isFinite else {
                throw SurvshError.usage("set", "plugin_timeout must be a positive number of seconds, not '\(w[1])'")
            }
            session.settings.pluginTimeout = t
        case 2 where w[0] == "timing":
            session.settings.timing = try onOff(w[1], for: "timing")
        case 2 where w[0] == "lazy":
            guard let mode = LazyLoad(rawValue: w[1].lowercased()) else {
                throw SurvshError.usage("set", "unknown value '\(w[1])' for lazy", expected: "auto, on or off")
            }
            session.settings.lazyLoad = mode
        case 2 where w[0] == "threads":
            guard let n = Int(w[1]), (1...Parallelism.maxThreads).contains(n) else {
                throw SurvshError.usage("set", "threads must be a whole number from 1 to \(Parallelism.maxThreads), not '\(w[1])'")
            }
            session.settings.threads = n
        case 1 where settingNames.contains(w[0]):
            throw SurvshError.usage("set", "missing value for \(w[0])", expected: usage(of: w[0]))
        case _ where settingNames.contains(w[0]):
            throw SurvshError.usage("set", "too many words for \(w[0])", expected: usage(of: w[0]))
        default:
            throw SurvshError.usage("set", "unknown setting '\(w[0])'", expected: "format, digits, seed, collation, timeunit, convention, labels, plugin_path, plugin_timeout, timing, threads or lazy",
                                    suggestion: didYouMean(w[0], among: settingNames))
        }
        var j = JSONObject(command: "set")
        j["format"] = .string(session.settings.format.rawValue)
        j["digits"] = .int(session.settings.digits)
        j["seed"] = session.random.seed.map { .int(Int($0)) } ?? .null
        j["collation"] = .string(session.settings.collation.rawValue)
        j["timeunit"] = .string(session.settings.timeUnit.rawValue)
        j["convention"] = .string(session.settings.convention.rawValue)
        j["labels"] = .string(session.settings.labels ? "on" : "off")
        j["plugin_path"] = .array(session.settings.pluginPath.map { .string($0) })
        j["plugin_timeout"] = .num(session.settings.pluginTimeout)
        j["timing"] = .string(session.settings.timing ? "on" : "off")
        j["threads"] = .int(session.settings.threads ?? Parallelism.processors)
        j["lazy"] = .string(session.settings.lazyLoad.rawValue)
        let seed = session.random.seed.map { String($0) } ?? "none (not reproducible)"
        // The time unit is shown once it is not the default (days), so older transcripts replay alike.
        let unit = session.settings.timeUnit == .days ? "" : ", timeunit \(session.settings.timeUnit.rawValue)"
        // So is the convention once it is not R's.
        let convention = session.settings.convention == .r ? "" : ", convention \(session.settings.convention.rawValue)"
        // And labels once they are on, and the plugin settings once they are not the defaults.
        let labels = session.settings.labels ? ", labels on" : ""
        let timing = session.settings.timing ? ", timing on" : ""
        // Threads once set (the default depends on the machine, so it stays out of transcripts).
        let threads = session.settings.threads.map { ", threads \($0)" } ?? ""
        // lazy loading once it is not the default
        let lazy = session.settings.lazyLoad == Settings().lazyLoad ? "" : ", lazy \(session.settings.lazyLoad.rawValue)"
        let pluginPath = session.settings.pluginPath.isEmpty ? "" : ", plugin_path \(session.settings.pluginPath.joined(separator: ":"))"
        let timeout = session.settings.pluginTimeout == 300 ? "" : ", plugin_timeout \(session.fmt(session.settings.pluginTimeout))"
        return CommandOutput(text: "format \(session.settings.format.rawValue), digits \(session.settings.digits), seed \(seed), collation \(session.settings.collation.rawValue)\(unit)\(convention)\(labels)\(pluginPath)\(timeout)\(timing)\(threads)\(lazy)",
                             json: j.value)
    }
}

public enum HistoryCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "history",
        summary: "list the commands run in this session",
        synopsis: ["history [N]"], body: .words,
        notes: ["Comments typed in the shell are recorded in the transcript but not listed here.",
                "The line editor's history (Up arrow) persists across sessions in $SURVSH_HISTORY",
                "(default ~/.local/state/survsh/history); this command lists this session's commands."],
        examples: ["history", "history 5"], topic: "shell", keepsLastTables: true).using(.none)

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try args.requirePositional(0, 1, what: "a count")
        var n = Int.max
        if let w = args.positional.first {
            guard let k = Int(w), k > 0 else { throw SurvshError.usage("history", "'\(w)' is not a positive whole number", expected: "history [N]") }
            n = k
        }
        let all = session.commandRecords.map(\.line)
        let start = max(0, all.count - n)
        // Numbers right-aligned to the widest, so the commands line up past 9, 99, ...
        let width = String(all.count).count
        let lines = all.indices.dropFirst(start).map { i -> String in
            let number = String(i + 1)
            return String(repeating: " ", count: width - number.count) + number + "  " + all[i]
        }
        var j = JSONObject(command: "history")
        j["commands"] = .array(all[start...].map { .string($0) })
        return CommandOutput(text: lines.joined(separator: "\n"), json: j.value)
    }
}
