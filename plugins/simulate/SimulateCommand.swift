// SimulateCommand.swift — `simulate n=200 hr=0.6 shape=1.3 censor=0.3 [groups=2] [scale=10]`: a
// survival data set with a known hazard ratio, for exercises. It replaces the session's data with
// the columns id, group, time, status and declares Surv(time, status). The model (proportional-
// hazards Weibull event times, exponential censoring tuned to the censored fraction) is
// SurvivalStats.SurvivalSimulation; the draws come from the session's seeded stream.

import SurvivalStats
import SurvshCore

public enum SimulateCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "simulate",
        summary: "make a survival data set with a known hazard ratio (Weibull times, exponential censoring)",
        synopsis: ["simulate n=N hr=HR [shape=1] [scale=10] [censor=0.3] [groups=2] [seed=N]"],
        body: .none,
        options: [
            OptionSpec("n", .number(1...10_000_000), help: "number of rows (subjects)"),
            OptionSpec("hr", .number(1e-6...1e6), help: "hazard ratio of each group against the one before (group 1 vs group 0)"),
            OptionSpec("shape", .number(0.05...50), default: "1", help: "Weibull shape of the event times (1: exponential; > 1: rising hazard)"),
            OptionSpec("scale", .number(1e-6...1e9), default: "10", help: "Weibull scale of group 0: S(t) = exp(-(t/scale)^shape)"),
            OptionSpec("censor", .number(0...0.99), default: "0.3", help: "expected fraction of censored rows (0: none)"),
            OptionSpec("groups", .number(1...26), default: "2", help: "number of groups (arms), coded 0, 1, ..."),
            OptionSpec("seed", .number(0...RandomStream.maxSeed), help: "set the random seed first (as set seed=N)"),
        ],
        notes: [
            "Model (Bender, Augustin & Blettner 2005): group g = 0, 1, ... (balanced, in random order) has hazard",
            "h(t) = hr^g (shape/scale) (t/scale)^(shape-1), so the hazard ratio of group 1 against group 0 is hr, constant",
            "in time (with more groups, group g against group 0 is hr^g: a trend). Event times by inversion:",
            "T = scale (E / hr^g)^(1/shape) with E ~ Exp(1). Censoring C ~ Exponential(rate c), independent, with c",
            "solved so that the expected censored fraction P(C < T) is censor; time = min(T, C), status = 1 if T <= C.",
            "The realised censored fraction varies by chance. The data replace the session's data (columns id, group,",
            "time, status) and the outcome Surv(time, status) is declared. Reproducible with set seed=N or seed=N.",
        ],
        examples: [
            "simulate n=200 hr=0.6 shape=1.3 censor=0.3 seed=1",
            "cox ~ group",
            "simulate n=300 hr=0.8 groups=3 censor=0.2 seed=7",
            "logrank ~ group trend",
        ],
        topic: "data")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        guard let n = args.double("n"), let hr = args.double("hr") else {
            throw SurvshError.usage("simulate", "missing \(args.double("n") == nil ? "n=" : "hr=")", expected: spec.synopsis[0])
        }
        let groups = args.double("groups", default: 2)
        for (name, value) in [("n", n), ("groups", groups)] where value != value.rounded() {
            throw SurvshError.usage("simulate", "\(name) must be a whole number, not \(NumberFormat.significant(value, digits: 6))",
                                    expected: "\(name)=\(name == "n" ? "200" : "2")")
        }
        if let seed = args.string("seed") { try session.random.reseed(parsing: seed, command: "simulate") }
        let model = SurvivalSimulationModel(n: Int(n), hazardRatio: hr, shape: args.double("shape", default: 1),
                                            scale: args.double("scale", default: 10),
                                            censoredFraction: args.double("censor", default: 0.3), groups: Int(groups))
        let sim = try session.random.draw { g in try SurvivalSimulation.simulate(model, generator: &g, cancel: Interrupt.cancellation) }
        let columns = [
            Column(name: "id", storage: .integer((1...model.n).map { Int64($0) })),
            Column(name: "group", storage: .integer(sim.group.map { Int64($0) })),
            Column(name: "time", storage: .real(sim.time)),
            Column(name: "status", storage: .integer(sim.status.map { Int64($0) })),
        ]
        let hadData = !session.frame.isEmpty
        session.replaceData(DataFrame(columns: columns, source: "simulate"), file: nil)
        session.outcome = OutcomeDeclaration(time: "time", event: "status")

        let events = sim.status.reduce(0, +)
        let censored = Double(model.n - events) / Double(model.n)
        let f = { (x: Double) in session.fmt(x) }
        var lines = [
            "simulated \(model.n) rows in \(model.groups) group\(model.groups == 1 ? "" : "s") (columns id, group, time, status): \(events) events, "
                + "\(f(100 * censored))% censored (expected \(f(100 * sim.expectedCensoredFraction))%)",
            "event times: Weibull, shape \(f(model.shape)), scale \(f(model.scale)) in group 0; hazard ratio \(f(hr)) per group step"
                + (model.groups > 2 ? " (group g vs 0: \(f(hr))^g)" : ""),
            sim.censoringRate > 0 ? "censoring: exponential, rate \(f(sim.censoringRate)) (chosen for the censored fraction)" : "censoring: none",
            "outcome: Surv(time, status); seed \(session.random.seed.map { String($0) } ?? "none")",
        ]
        if hadData { lines.append("the previous data, filters and results were replaced") }
        var warnings: [String] = []
        if session.random.seed == nil {
            warnings.append("the data cannot be reproduced: no seed was set (seed=N or 'set seed=N' first makes them repeatable)")
        }
        var j = JSONObject(command: "simulate")
        j["n"] = .int(model.n)
        j["groups"] = .int(model.groups)
        j["hr"] = .num(hr)
        j["shape"] = .num(model.shape)
        j["scale"] = .num(model.scale)
        j["censor"] = .num(model.censoredFraction)
        j["censoring_rate"] = .num(sim.censoringRate)
        j["expected_censored_fraction"] = .num(sim.expectedCensoredFraction)
        j["events"] = .int(events)
        j["censored_fraction"] = .num(censored)
        j["seed"] = session.random.seed.map { .int(Int($0)) } ?? .null
        return CommandOutput(text: lines.joined(separator: "\n"), json: j.value, warnings: warnings)
    }
}
