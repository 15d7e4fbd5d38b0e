// CoxCommand.swift — `cox`: Cox proportional hazards regression as R's coxph / summary.coxph, and
// its subcommands: `cox firth` (Firth-penalised fit, as coxphf), `cox phtest` (cox.zph on the last
// fit), `cox screen` (univariable screen, then the multivariable model of the retained terms),
// `cox explain` (the Newton-Raphson iterations of the last fit) and `cox residuals` (of the last fit). The numbers come from
// SurvivalStats (CoxFit, CoxZph, CoxFirth; their contracts list R's conventions); this file parses
// the command and dispatches, CoxView renders.

import SurvivalStats
import SurvshCore

public enum CoxCommand: SurvshCommand {
    static let subcommands = ["firth", "phtest", "screen", "explain", "residuals", "curves"]

    public static let spec = CommandSpec(
        name: "cox", aliases: ["coxph"],
        summary: "Cox proportional hazards regression (R's coxph), PH test, Firth fit, univariable screen",
        synopsis: [
            "cox [Surv(TIME, EVENT)] ~ TERM + TERM ... [ties=efron|breslow] [level=0.95] [iter.max=20] [explain] [compare]",
            "cox Surv(TIME, STATUS) ~ TERM + ... cause=K [censor=CODE]",
            "cox Surv(START, STOP, EVENT) ~ ... [+ strata(S) ...] [+ cluster(ID)]",
            "cox phtest [transform=km|rank|identity] [explain]",
            "cox firth [Surv(TIME, EVENT)] ~ TERM + ... [level=0.95] [explain]",
            "cox screen [Surv(TIME, EVENT)] ~ TERM + ... [keep=0.05] [ties=efron|breslow] [level=0.95]",
            "cox explain [risksets]",
            "cox residuals [type=martingale|deviance|score|schoenfeld|dfbeta] [gen=NAME]",
            "cox curves [at VAR=V1,V2 ...] [times=T1,T2,...] [conf=log|log-log|plain] [level=0.95]",
        ],
        body: .formula,
        options: [
            OptionSpec("ties", .choice(["efron", "breslow"]), default: "efron",
                       help: "tied event times: Efron's approximation (R's default) or Breslow's (SAS's and Stata's; see set convention)",
                       forms: ["", "screen"]),
            OptionSpec("level", .number(0...1), default: "0.95", help: "confidence level of the hazard-ratio intervals",
                       forms: ["", "firth", "screen", "curves"]),
            OptionSpec("iter.max", .number(0...1000), default: "20", help: "maximum Newton-Raphson iterations (R's coxph.control)",
                       forms: ["", "screen"]),
            OptionSpec("cause", .text, help: "a competing-risks STATUS (0 = censored, 1, 2, ... = causes): the cause-specific hazard of this cause, the other causes censored",
                       forms: [""]),
            OptionSpec("censor", .text, help: "with cause=: the STATUS value of censored rows (cmprsk's cencode): 0 unless given; a text STATUS: its first level",
                       forms: [""]),
            OptionSpec("keep", .number(0...1), default: "0.05",
                       help: "screen: terms whose univariable Wald p is below this enter the multivariable model",
                       forms: ["screen"]),
            OptionSpec("transform", .choice(["km", "rank", "identity"]), default: "km",
                       help: "phtest: time scale of the test (R's cox.zph transform=)", forms: ["phtest"]),
            OptionSpec("type", .choice(CoxResidualType.allCases.map(\.rawValue)), default: "martingale",
                       help: "residuals: the kind, as R's residuals.coxph(type=)", forms: ["residuals"]),
            OptionSpec("times", .numbers, help: "curves: also S(t) at these times (R's summary(fit, times=))", forms: ["curves"]),
            OptionSpec("conf", .choice(["log", "log-log", "plain"]), default: "log",
                       help: "curves: CI transform (R's conf.type)", forms: ["curves"]),
            OptionSpec("gen", .text, help: "residuals: save them as new columns NAME (NAME_COLUMN for score, schoenfeld, dfbeta)",
                       forms: ["residuals"]),
            .flag("explain", help: "also print the arithmetic: Newton-Raphson iterations with U, I and the step (cox), the score test of x g(t) (phtest), the penalised steps (firth)",
                  forms: ["", "phtest", "firth"]),
            .flag("risksets", help: "explain: also each event time's risk-set sums and Efron denominators at the estimate",
                  forms: ["", "explain"]),
            .flag("compare", help: "the fit under R's (Efron), SAS's and Stata's (Breslow) tie defaults side by side",
                  forms: [""]),
        ],
        notes: [
            "As R's coxph: Newton-Raphson from beta = 0 with step halving; converged when |1 - L_old/L_new| <= 1e-9 (coxph.control eps), at most iter.max = 20 iterations.",
            "Terms: numbers, factor(x), text columns as factors (the first level in R's order is the reference: text as R sorts it in a UTF-8 locale; factor(x, ref = \"L\"), relevel(x, \"L\") or the levels/relevel commands choose another), expressions as R writes them (log(pgr + 1), I(age^2), I(age > 50), named as R names them; Surv(time, status == 2) on the left), a:b and a*b interactions, strata(S) (several allowed), cluster(ID) for robust (sandwich) standard errors as coxph(robust = TRUE).",
            "Surv(START, STOP, EVENT) fits counting-process data (time-varying covariates); a row is at risk on (start, stop].",
            "Output as summary.coxph: HR CI = exp(coef -/+ z se) (Wald); with cluster() z, p, CI and the Wald test use the robust se; LR, Wald and score (log-rank) tests; concordance with its infinitesimal-jackknife se as R's concordance.",
            "Warnings: a coefficient drifting to infinity (R: 'Loglik converged before variable'), non-convergence, constant or collinear columns (dropped, NA as in R), fewer than about 10 events per coefficient.",
            "phtest: R >= 3.0 cox.zph score test on the last cox fit (transform km by default), per term and GLOBAL.",
            "firth: Firth-penalised partial likelihood (Heinze & Schemper 2001, as R's coxphf and SAS PHREG FIRTH): Breslow ties, profile penalised-likelihood CIs and penalised likelihood-ratio p-values.",
            "curves: adjusted survival curves of the last cox fit as R's survfit.coxph(fit, newdata): one per combination of the values after 'at' (first variable slowest) and per stratum; covariates not set are at R's fit$means (0 for 0/1 and factor columns: the reference level); S = exp(-H) with the Efron (or Breslow) hazard, se as survfit.coxph (including the coefficients' variance), median as print.survfit. plot cox curves draws them.",
            "residuals: of the last cox fit, as R's residuals.coxph: martingale and deviance one per row; score, schoenfeld (event rows only, in time order) and dfbeta (score times the model-based variance) one per row and model column. gen= saves them as columns, NA on rows the fit did not use.",
            "cause=K: the cause-specific Cox model of cause K in competing-risks data (STATUS 0 = censored, 1, 2, ... = causes, or a text STATUS whose first level is censoring), as R's coxph(Surv(time, status == K) ~ ...): the other causes are censored at their times. crr fits the Fine–Gray model of the same cause.",
            "screen: each term alone, then the terms with univariable Wald p < keep together (joint Wald test for factors); export writes the table.",
            "set convention=sas|stata makes ties=breslow the default (SAS PHREG TIES=BRESLOW, Stata stcox); ties= still wins. compare fits Efron and Breslow and prints coef, HR, CI and the log likelihood under R, SAS and Stata side by side.",
        ],
        examples: [
            "cox ~ age + sex + ph.ecog",
            "cox ~ age + sex + ph.ecog compare",
            "cox phtest",
            "cox phtest transform=rank",
            "cox phtest explain",
            "cox ~ age + factor(ph.ecog) ties=breslow level=0.9",
            "cox ~ log(age) + I(ph.karno/10) + factor(ph.ecog, ref = 1)",
            "cox ~ age + sex + strata(ph.ecog) + cluster(inst)",
            "cox ~ age * sex explain",
            "cox explain risksets",
            "cox firth ~ age + sex",
            "cox screen ~ age + sex + ph.ecog + wt.loss + meal.cal keep=0.1",
            "export /tmp/survsh_cox_screen.md",
            "cox ~ age + sex",
            "cox residuals type=deviance",
            "cox residuals type=dfbeta gen=dfb",
            "cox curves at sex=1,2 age=60 times=180,365",
            "load data/mgus2.csv",
            "cox Surv(etime, event) ~ sex + age cause=2",
        ],
        subcommands: subcommands,
        topic: "analysis", assignmentsAfter: "at").using(.named(exceptSubcommands: ["residuals"]))

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let (sub, words) = args.subcommand(among: subcommands)
        let body = words.joined(separator: " ")
        let level = try args.confidenceLevel()
        switch sub {
        case "phtest": return try phtest(body: body, args: args, session: session)
        case "explain": return try explain(body: body, args: args, session: session)
        case "firth": return try firth(body: body, level: level, explain: args.has("explain"), session: session)
        case "screen": return try screen(body: body, args: args, level: level, session: session)
        case "residuals": return try residuals(body: body, args: args, session: session)
        case "curves": return try curves(words: words, args: args, level: level, session: session)
        default: return try fit(body: body, args: args, level: level, session: session)
        }
    }

    /// ties= as given, else the convention's default (R: Efron; SAS, Stata: Breslow).
    static func ties(_ args: Arguments, session: Session) -> CoxTies {
        args.given("ties").flatMap(CoxTies.init(rawValue:)) ?? session.settings.convention.coxTies
    }

    static func control(_ args: Arguments) throws -> CoxControl {
        let it = args.double("iter.max", default: 20)
        guard it == it.rounded() else {
            throw SurvshError.usage("cox", "iter.max must be a whole number", expected: "iter.max=20")
        }
        return CoxControl(iterMax: Int(it))
    }

    /// Fits the model, mapping input errors of the numerics to data errors. Given the session, the
    /// fit's start (its set-up and evaluation at beta = 0) comes from the session's cache, or is kept
    /// there for the next fit of the same model (CoxModelInput.cachedStart).
    static func fitModel(_ model: CoxModelInput, ties: CoxTies, level: Double, control: CoxControl,
                         command: String = "cox", session: Session? = nil) throws -> CoxFitResult {
        try Interrupt.check(command)
        do {
            let start = try session.flatMap { try model.cachedStart(ties: ties, session: $0) }
            return try CoxFit.fit(model.coxData, ties: ties, level: level, control: control, cancel: Interrupt.cancellation,
                                  start: start)
        } catch CoxError.noEvents {
            throw SurvshError.data(command, "there are no events among the \(model.data.n) rows used",
                                   expected: "at least one event (\(model.response.spec.event) = 1)")
        } catch let e as CoxError {
            throw SurvshError.data(command, e.description)
        }
    }

    /// `cox Surv(TIME, STATUS) ~ ... cause=K`: the cause-specific hazard of K, every other cause censored.
    static func causeSpecificModel(formula: Formula, args: Arguments, session: Session) throws -> CoxModelInput {
        let (outcome, k) = try CompetingRisksOutcome.model(formula, cause: args.string("cause"), censor: args.string("censor"),
                                                           session: session, command: "cox")
        let data = outcome.causeSpecific(k, session: session)
        var model = try CoxModelInput.build(formula: formula, response: data.response, outcome: data, session: session, command: "cox")
        let others = outcome.causeLabels.indices.filter { $0 + 1 != k }
        model.cause = .init(label: outcome.causeLabels[k - 1], competingEvents: others.reduce(0) { $0 + outcome.eventCounts[$1] },
                            competingLabels: others.map { outcome.causeLabels[$0] }, coding: outcome.coding)
        return model
    }

    static func fit(body: String, args: Arguments, level: Double, session: Session) throws -> CommandOutput {
        try session.requireData("cox")
        let (formula, response) = try CoxModelInput.parse(body, session: session, command: "cox")
        let model = try args.string("cause") == nil && args.string("censor") == nil
            ? CoxModelInput.build(formula: formula, response: response, session: session, command: "cox")
            : causeSpecificModel(formula: formula, args: args, session: session)
        if args.has("compare") { return try compare(model: model, args: args, level: level, session: session) }
        let tiesUsed = ties(args, session: session)
        let fit = try fitModel(model, ties: tiesUsed, level: level, control: try control(args), session: session)
        let view = CoxView(session: session, model: model, fit: fit)
        session.lastCoxFit = model.lastFit(fit)
        let table = view.resultTable()
        session.lastHazardRatios = view.hazardRatios()
        var text = view.text()
        var json = view.json()
        if args.has("explain") {
            let ex = CoxExplainView(session: session, fit: fit, data: model.coxData, modelText: model.modelText,
                                    risksets: args.has("risksets"))
            text += "\n\n" + (try ex.text())
            json["iterations_trace"] = try ex.traceJSON()
        }
        return CommandOutput(text: text, json: json.value, warnings: model.data.warnings + fit.warningMessages, tables: [table],
                             methods: [.cox(ties: tiesUsed.rawValue, level: level)])
    }
}
