// SurvivalCommand.swift — `survival TIME EVENT`: declare the outcome once (like Stata's stset).

import SurvshCore

public enum SurvivalCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "survival", aliases: ["stset"],
        summary: "declare the survival outcome so km, logrank and cox may omit Surv(...)",
        synopsis: ["survival TIME EVENT", "survival START STOP EVENT", "survival Surv(TIME, EVENT)", "survival", "survival clear"],
        body: .columns,
        notes: ["EVENT is 0/1, TRUE/FALSE, or 1/2 (1 = censored, 2 = event) when its largest value is 2, as R's Surv().",
                "Surv(...) takes expressions as R does: survival Surv(time, status == 2), survival Surv(time/365.25, died).",
                "An inline Surv(TIME, EVENT) in a command overrides the declaration."],
        examples: ["survival time status", "survival Surv(time, status == 2)", "load data/net_liver_mets.csv", "survival months died"],
        subcommands: ["clear"], topic: "data").using(.named(exceptSubcommands: []))

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let w = args.positional
        var j = JSONObject(command: "survival")
        if w == ["clear"] {
            session.outcome = nil
            j["outcome"] = .null
            return CommandOutput(text: "survival outcome cleared", json: j.value)
        }
        if w.isEmpty {
            j["outcome"] = session.outcome.map { .string($0.formulaText) } ?? .null
            return CommandOutput(text: session.outcome.map { "outcome: \($0.formulaText)" } ?? "no outcome declared (survival TIME EVENT)", json: j.value)
        }
        let decl: OutcomeDeclaration
        if w.count == 1, w[0].hasPrefix("Surv("), let s = try Formula.parse(w[0], command: "survival").surv {
            decl = OutcomeDeclaration(start: s.start, time: s.time, event: s.event)
        } else {
            guard w.count == 2 || w.count == 3 else {
                throw SurvshError.usage("survival", "expected 2 or 3 column names, got \(w.count)",
                                        expected: "survival TIME EVENT, survival START STOP EVENT or survival Surv(TIME, EVENT)")
            }
            decl = w.count == 2 ? OutcomeDeclaration(time: w[0], event: w[1]) : OutcomeDeclaration(start: w[0], time: w[1], event: w[2])
        }
        // Validate now so mistakes show here, not at the first analysis.
        try decl.formula(command: "survival").materialize(in: session, command: "survival")
        let data = try CompleteCases.survival(SurvivalResponse(spec: SurvSpec(start: decl.start, time: decl.time, event: decl.event)),
                                              covariates: [], session: session, command: "survival")
        session.outcome = decl
        j["outcome"] = .string(decl.formulaText)
        j["n"] = .int(data.n)
        j["events"] = .int(data.events)
        return CommandOutput(text: "outcome: \(decl.formulaText): \(plural(data.n, "row")), \(plural(data.events, "event"))",
                             json: j.value, warnings: data.warnings)
    }
}
