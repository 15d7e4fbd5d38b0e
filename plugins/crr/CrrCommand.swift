// CrrCommand.swift — `crr` (alias `finegray`): the Fine–Gray proportional subdistribution hazards
// model of one cause in competing-risks data, as R's cmprsk::crr. The outcome is read by SurvshCore's
// CompetingRisksOutcome (status 0 = censored, 1, 2, ... = causes, or a text status), the terms by the
// same formula and design-matrix code as cox (factors, interactions, factor(x, ref = "L")); the
// numbers come from SurvivalStats' FineGray (its contract lists crr's conventions); CrrView renders.

import SurvivalStats
import SurvshCore

public enum CrrCommand: SurvshCommand {
    public static let spec = CommandSpec(
        name: "crr", aliases: ["finegray"],
        summary: "Fine–Gray competing-risks regression (cmprsk's crr): subdistribution hazard ratios of one cause",
        synopsis: [
            "crr [Surv(TIME, STATUS)] ~ TERM + TERM ... cause=K [censor=CODE] [level=0.95] [iter.max=10]",
        ],
        body: .formula,
        options: [
            OptionSpec("cause", .text, help: "the cause of interest: a status code (cause=1) or a text level (cause=pcm); required"),
            OptionSpec("censor", .text,
                       help: "the STATUS value of censored rows (cmprsk's cencode): 0 unless given; a text STATUS: its first level"),
            OptionSpec("level", .number(0...1), default: "0.95", help: "confidence level of the subdistribution hazard-ratio intervals"),
            OptionSpec("iter.max", .number(0...1000), default: "10", help: "maximum Newton-Raphson steps (crr's maxiter)"),
        ],
        notes: [
            "As cmprsk::crr: the Fine–Gray (1999) partial likelihood in which a subject with a competing event stays in the risk set with weight G(t-)/G(T-), G the Kaplan–Meier estimate of the censoring distribution (one censoring group); tied events share a risk set (Breslow).",
            "Newton-Raphson from beta = 0 with crr's line search; converged when max |score| max(|beta|, 1) < 1e-6 max(|loglik|, 1) (crr's gtol), at most iter.max = 10 steps (crr's maxiter).",
            "se: crr's robust (sandwich) variance, which includes the estimation of G — not the inverse information; z = coef/se, p = 2 pnorm(-|z|); sHR CI = exp(coef -/+ z se). The pseudo likelihood-ratio test is summary.crr's 2 (loglik - loglik.null) on p df.",
            "Status: 0 = censored (or censor=CODE), every other whole number a cause; a text status has its first level (R's order) or censor=LEVEL censored. Every cause other than K is a competing event.",
            "Terms as in cox: numbers, factor(x), text columns as factors, factor(x, ref = \"L\"), a:b and a*b, expressions; no strata() or cluster() (crr has none).",
            "The cause-specific Cox model of the same cause, to show beside it: cox Surv(TIME, STATUS) ~ ... cause=K (the other causes censored).",
        ],
        examples: [
            "load data/mgus2.csv",
            "crr Surv(etime, event) ~ sex + age cause=1",
            "export /tmp/survsh_crr.md",
            "finegray Surv(etime, event) ~ sex + age + factor(I(hgb < 12)) cause=2 level=0.9",
            "crr Surv(etime, etype) ~ sex + age cause=pcm",
            "cox Surv(etime, event) ~ sex + age cause=1",
        ],
        topic: "analysis")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        try session.requireData("crr")
        let level = args.double("level", default: 0.95)
        guard level > 0 && level < 1 else {
            throw SurvshError.usage("crr", "level=\(NumberFormat.significant(level, digits: 6)) is not a confidence level",
                                    expected: "a number between 0 and 1, e.g. level=0.95")
        }
        let iterMax = args.double("iter.max", default: 10)
        guard iterMax == iterMax.rounded() else {
            throw SurvshError.usage("crr", "iter.max must be a whole number", expected: "iter.max=10")
        }
        let formula = try Formula.parse(args.body, command: "crr")
        guard !formula.terms.isEmpty else {
            throw SurvshError.usage("crr", "no covariates in the model",
                                    expected: "crr [Surv(TIME, STATUS)] ~ TERM + TERM ... cause=K, e.g. crr Surv(etime, event) ~ sex + age cause=1")
        }
        if !formula.strata.isEmpty || formula.cluster != nil {
            throw SurvshError.usage("crr", "strata() and cluster() are not supported by crr",
                                    expected: "plain terms, factors and interactions (cmprsk's crr has no strata)")
        }
        let (outcome, cause) = try CompetingRisksOutcome.model(formula, cause: args.string("cause"), censor: args.string("censor"),
                                                               session: session, command: "crr")
        let design = try DesignMatrix.build(formula, session: session, rows: outcome.rows, command: "crr")
        guard !design.names.isEmpty else {
            throw SurvshError.data("crr", "the model has no columns (every factor has a single level among the rows used)",
                                   expected: "covariates that vary")
        }
        try Interrupt.check("crr")
        let fit: FineGrayResult
        do {
            let data = try FineGrayData(time: outcome.time, status: outcome.cause.map { Int($0) }, columns: design.columns,
                                        columnNames: design.names)
            fit = try FineGray.fit(data, cause: cause, level: level, control: FineGrayControl(maxIter: Int(iterMax)),
                                   cancel: Interrupt.cancellation)
        } catch let e as FineGrayError {
            throw SurvshError.data("crr", e.description, expected: expected(e))
        }
        let view = CrrView(session: session, formula: formula, outcome: outcome, fit: fit)
        return CommandOutput(text: view.text(), json: view.json().value, warnings: outcome.warnings + fit.warnings,
                             tables: [view.resultTable()])
    }

    /// What the user should give instead, per failure of the numerics.
    static func expected(_ e: FineGrayError) -> String {
        switch e {
        case .singular: return "covariates that vary and are not collinear (drop one of the columns named)"
        case .noCauseEvents: return "at least one event of the cause among the rows used"
        case .nonFinite: return "finite values"
        case .lengthMismatch, .noColumns: return "a model with at least one covariate column"
        }
    }
}
