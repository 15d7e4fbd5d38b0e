// PowerCommand.swift — `power logrank hr=0.7 [alpha=0.05] [power=0.8] [p=0.5] [events=D | n=N pevent=P]`:
// the number of events (and subjects) a two-arm log-rank test needs, or the power it reaches, by
// Schoenfeld's and Freedman's formulas (SurvivalStats.LogRankPower); `explain` shows the formulas
// with the numbers put in.

import SurvivalStats
import SurvshCore

public enum PowerCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "power",
        summary: "events or subjects needed by a log-rank test, or its power (Schoenfeld, Freedman)",
        synopsis: ["power logrank hr=HR [alpha=0.05] [power=0.8] [p=0.5] [pevent=P] [sides=2] [explain]",
                   "power logrank hr=HR events=D | n=N pevent=P [alpha=0.05] [p=0.5] [explain]"],
        body: .words,
        options: [
            OptionSpec("hr", .number(1e-6...1e6), help: "hazard ratio to detect (arm B against arm A), not 1"),
            OptionSpec("alpha", .number(1e-10...0.5), default: "0.05", help: "significance level"),
            OptionSpec("power", .number(0.01...0.999999), default: "0.8", help: "power wanted (when solving for events)"),
            OptionSpec("p", .number(0.001...0.999), default: "0.5", help: "fraction of subjects in arm B"),
            OptionSpec("sides", .choice(["1", "2"]), default: "2", help: "two-sided (alpha/2 in each tail) or one-sided test"),
            OptionSpec("events", .number(1...1e9), help: "number of events: gives the power instead"),
            OptionSpec("n", .number(1...1e9), help: "number of subjects (with pevent): gives the power instead"),
            OptionSpec("pevent", .number(1e-6...1), help: "probability that a subject has an event during the study (events = n pevent)"),
            .flag("explain", help: "show the formulas with the numbers put in"),
        ],
        notes: [
            "Events D = ((z_a + z_b) / theta)^2 with z_a = qnorm(1 - alpha/sides), z_b = qnorm(power);",
            "Schoenfeld (1981): theta = sqrt(p (1 - p)) |log hr|; Freedman (1982): theta = sqrt(p (1 - p)) |1 - hr| / (1 - p + p hr).",
            "Events are rounded up; subjects n = ceiling(D / pevent) when pevent is given. With events= (or n= and pevent=)",
            "the power is Phi(theta sqrt(D) - z_a). Freedman's formula needs more events than Schoenfeld's when hr < 1.",
        ],
        examples: [
            "power logrank hr=0.7",
            "power logrank hr=0.7 alpha=0.05 power=0.9 p=0.6 pevent=0.4 explain",
            "power logrank hr=0.6 events=120",
        ],
        subcommands: ["logrank"],
        topic: "analysis")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        guard args.positional == ["logrank"] else {
            throw SurvshError.usage("power", args.positional.isEmpty ? "missing the test" : "unknown test '\(args.positional.joined(separator: " "))'",
                                    expected: "power logrank hr=HR ...")
        }
        guard let hr = args.double("hr"), hr != 1 else {
            throw SurvshError.usage("power", args.double("hr") == nil ? "missing hr=" : "hr=1 has no effect to detect",
                                    expected: "a hazard ratio other than 1, e.g. hr=0.7")
        }
        let alpha = args.double("alpha", default: 0.05)
        let p = args.double("p", default: 0.5)
        let sides = Int(args.string("sides") ?? "2") ?? 2
        let pevent = args.double("pevent")
        var givenEvents = args.double("events")
        if let n = args.double("n") {
            guard givenEvents == nil, let pe = pevent else {
                throw SurvshError.usage("power", givenEvents != nil ? "give events= or n=, not both" : "n= needs pevent=",
                                        expected: "power logrank hr=HR n=N pevent=P")
            }
            givenEvents = n * pe
        }
        if givenEvents != nil && args.options["power"] != nil {
            throw SurvshError.usage("power", "power= is what events= (or n=) computes", expected: "either power= or events=")
        }
        let f = { (x: Double) in session.fmt(x) }
        let za = LogRankPower.zAlpha(alpha: alpha, sides: sides)
        var table = TextTable(["method", "theta", givenEvents == nil ? "events" : "power"] + (givenEvents == nil && pevent != nil ? ["subjects"] : []))
        var explain: [String] = []
        var rows: [JSONValue] = []
        for method in LogRankPowerMethod.allCases {
            let theta = LogRankPower.effectSize(method, hr: hr, p: p)
            let thetaText = method == .schoenfeld
                ? "sqrt(\(f(p)) (1 - \(f(p)))) |log \(f(hr))|"
                : "sqrt(\(f(p)) (1 - \(f(p)))) |1 - \(f(hr))| / (1 - \(f(p)) + \(f(p)) \(f(hr)))"
            explain.append("\(method.rawValue.capitalized): theta = \(thetaText) = \(f(theta))")
            var row: [(String, JSONValue)] = [("method", .string(method.rawValue)), ("theta", .num(theta))]
            if let d = givenEvents {
                let pw = LogRankPower.power(method, hr: hr, alpha: alpha, events: d, p: p, sides: sides)
                table.add([method.rawValue, f(theta), f(pw)])
                explain.append("  power = Phi(theta sqrt(D) - z_a) = Phi(\(f(theta)) sqrt(\(f(d))) - \(f(za))) = \(f(pw))")
                row += [("events", .num(d)), ("power", .num(pw))]
            } else {
                let power = args.double("power", default: 0.8)
                let d = LogRankPower.events(method, hr: hr, alpha: alpha, power: power, p: p, sides: sides)
                let events = (d - 1e-9).rounded(.up)
                try requireCountable(events, what: "events", args: args)
                var cells = [method.rawValue, f(theta), String(Int(events))]
                explain.append("  D = ((z_a + z_b) / theta)^2 = ((\(f(za)) + \(f(Normal.quantile(power)))) / \(f(theta)))^2 = \(f(d)), rounded up: \(Int(events))")
                row += [("events_exact", .num(d)), ("events", .int(Int(events)))]
                if let pe = pevent {
                    let n = (events / pe - 1e-9).rounded(.up)
                    try requireCountable(n, what: "subjects", args: args)
                    cells.append(String(Int(n)))
                    explain.append("  subjects = ceiling(events / pevent) = ceiling(\(Int(events)) / \(f(pe))) = \(Int(n))")
                    row.append(("n", .int(Int(n))))
                }
                table.add(cells)
            }
            rows.append(.object(row))
        }
        let head = "Log-rank test, two arms: hr = \(f(hr)), alpha = \(f(alpha)) (\(sides)-sided), p = \(f(p)) in arm B"
            + (givenEvents.map { ", \(f($0)) events" } ?? ", power = \(f(args.double("power", default: 0.8)))")
        var lines = [head, table.render()]
        if args.has("explain") {
            lines.append("")
            lines.append("z_a = qnorm(1 - alpha/\(sides)) = \(f(za))" + (givenEvents == nil
                ? "; z_b = qnorm(power) = \(f(Normal.quantile(args.double("power", default: 0.8))))" : ""))
            lines += explain
        }
        lines.append("Schoenfeld (1981) and Freedman (1982) formulas; events rounded up.")
        var j = JSONObject(command: "power")
        j["test"] = .string("logrank")
        j["hr"] = .num(hr)
        j["alpha"] = .num(alpha)
        j["sides"] = .int(sides)
        j["p"] = .num(p)
        if givenEvents == nil { j["power"] = .num(args.double("power", default: 0.8)) }
        j["z_alpha"] = .num(za)
        j["methods"] = .array(rows)
        return CommandOutput(text: lines.joined(separator: "\n"), json: j.value)
    }

    /// Events and subjects are shown as whole numbers: past 10^15 (hr within about 10^-7 of 1, or a
    /// tiny pevent=) they are no longer exact, and past 2^63 converting them to Int would trap.
    static func requireCountable(_ count: Double, what: String, args: Arguments) throws {
        guard count < 1e15 else {
            let given = what == "subjects" ? " with pevent=\(args.string("pevent") ?? "")" : ""
            throw SurvshError.usage("power", "hr=\(args.string("hr") ?? "")\(given) needs \(NumberFormat.significant(count)) \(what), more than 10^15",
                                    expected: "a hazard ratio further from 1\(what == "subjects" ? " or a larger pevent=" : ""), e.g. hr=0.7")
        }
    }
}
