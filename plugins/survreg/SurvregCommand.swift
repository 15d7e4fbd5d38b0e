// SurvregCommand.swift — `survreg` (alias `streg`): parametric survival regression as R's
// survival::survreg on the accelerated-failure-time scale, with `hr` for Weibull/exponential hazard
// ratios as Stata's streg, and `survreg predict` for predicted quantiles of the survival time.
// The numbers come from SurvivalStats (SurvregFit, SurvregPrediction; their contracts list R's
// conventions); this file parses and dispatches, SurvregView renders.

import SurvivalStats
import SurvshCore

public enum SurvregCommand: SurvshCommand {
    static let subcommands = ["predict"]
    static let distributions = SurvregDistribution.allCases.map(\.rawValue)

    public static let spec = CommandSpec(
        name: "survreg", aliases: ["streg"],
        summary: "parametric survival regression (R's survreg): Weibull, exponential, lognormal, log-logistic; hazard ratios; predicted quantiles",
        synopsis: [
            "survreg [Surv(TIME, EVENT)] ~ TERM + ... [+ strata(S)] [dist=weibull|exponential|lognormal|loglogistic|gaussian|logistic] [hr] [level=0.95]",
            "survreg predict [p=0.5,...] [at VAR=V1,V2 ...] [level=0.95]",
        ],
        body: .formula,
        options: [
            OptionSpec("dist", .choice(distributions), default: "weibull",
                       help: "the distribution of the survival time, as R's survreg(dist=); extreme and rayleigh as R too", forms: [""]),
            .flag("hr", help: "also the hazard ratios exp(-coef / scale) with delta-method CIs, as Stata's streg (weibull, exponential)",
                  forms: [""]),
            OptionSpec("level", .number(0...1), default: "0.95", help: "confidence level of the intervals", forms: ["", "predict"]),
            OptionSpec("maxiter", .number(0...1000), default: "30", help: "maximum Newton-Raphson iterations (R's survreg.control)",
                       forms: [""]),
            OptionSpec("p", .numbers, default: "0.5", help: "predict: the probabilities of the quantiles (0.5 = median survival time)",
                       forms: ["predict"]),
        ],
        notes: [
            "As R's survreg: accelerated failure time scale, log(T) = x'b + scale * W (T itself for gaussian, logistic, extreme), W standard extreme value (weibull, exponential), normal (lognormal) or logistic (loglogistic); a positive coefficient means longer survival, exp(coef) is the time ratio. exponential fixes scale = 1 (rayleigh 0.5).",
            "Fit as survreg.fit: Newton-Raphson on (coefficients, log scale) with step halving, from R's starting values; converged when |1 - L_old/L_new| <= 1e-9 (rel.tolerance), at most maxiter = 30 iterations.",
            "Output as summary.survreg: Value, Std. Error, z and p (Wald) of each coefficient and of Log(scale), with Wald CIs coef -/+ z se; the log-likelihood of the intercept-only model and of the model (on the time scale, as R), the likelihood-ratio chi-square on (coefficients - 1) df as print.survreg, and AIC = -2 loglik + 2 (coefficients + estimated scales) as R's AIC().",
            "strata(S): one scale per stratum (Log(scale) rows named by stratum), as R's survreg; not with exponential (its scale is fixed).",
            "hr (weibull, exponential, rayleigh; one scale): the proportional-hazards form, HR = exp(-coef / scale) as Stata's streg (hr); its se by the delta method from the covariance of (coef, log scale), CI exp(g -/+ z se) with g = -coef / scale.",
            "predict: quantiles of the survival time for covariate values as R's predict(fit, newdata, type = \"quantile\", p = , se.fit = TRUE) of the last survreg fit, one row per combination of the values after 'at' (first variable slowest) and per probability; covariates not set are at their mean (0/1 and factor columns at 0, the reference level), strata not set give one row per stratum. CI: Wald on the log-time scale, exp(u -/+ z se(u)).",
            "Terms as in cox: numbers, factor(x) and text columns as factors (factor(x, ref = \"L\") chooses the reference), expressions (I(age > 50), log(x)), a*b and a:b interactions.",
            "Not yet: left- and interval-censored data (R's Surv(type = \"interval2\")), cluster() robust errors, the t distribution, weights.",
            "plot km ... overlay=weibull (or another distribution) draws the fitted survreg curves over the Kaplan-Meier curves.",
        ],
        examples: [
            "survreg ~ age + sex",
            "survreg ~ age + sex dist=lognormal",
            "survreg ~ age + factor(ph.ecog) + sex hr",
            "survreg predict p=0.25,0.5,0.75 at age=60 sex=1,2",
            "survreg ~ age + strata(sex) dist=loglogistic",
            "survreg predict at age=70",
            "streg ~ age + sex dist=exponential hr",
            "export /tmp/survsh_survreg.md",
        ],
        subcommands: subcommands,
        topic: "analysis", assignmentsAfter: "at")

    public static func run(_ args: Arguments, in session: Session) throws -> CommandOutput {
        let (sub, words) = args.subcommand(among: subcommands)
        let level = try args.confidenceLevel()
        if sub == "predict" { return try predict(words: words, args: args, level: level, session: session) }
        return try fit(body: words.joined(separator: " "), args: args, level: level, session: session)
    }

    static func fit(body: String, args: Arguments, level: Double, session: Session) throws -> CommandOutput {
        let distribution = SurvregDistribution(rawValue: args.string("dist") ?? "weibull") ?? .weibull
        let hr = args.has("hr")
        if hr && !distribution.hasHazardRatios {
            throw SurvshError.usage("survreg", "hr (hazard ratios) needs a proportional-hazards distribution; \(distribution.rawValue) is an accelerated failure time model only",
                                    expected: "dist=weibull or dist=exponential with hr")
        }
        let maxIter = args.double("maxiter", default: 30)
        guard maxIter == maxIter.rounded() else {
            throw SurvshError.usage("survreg", "maxiter must be a whole number", expected: "maxiter=30")
        }
        let model = try SurvregModelInput.build(body, session: session)
        if hr && (model.strata?.count ?? 1) > 1 {
            throw SurvshError.usage("survreg", "hr needs one scale: with strata() each stratum has its own shape, so there is no single hazard ratio",
                                    expected: "the model without strata(), or the AFT coefficients")
        }
        try Interrupt.check("survreg")
        let fit: SurvregFitResult
        do {
            fit = try SurvregFit.fit(model.survregData, distribution: distribution, control: SurvregControl(maxIter: Int(maxIter)),
                                     cancel: Interrupt.cancellation)
        } catch SurvregError.noEvents {
            throw SurvshError.data("survreg", "there are no events among the \(model.data.n) rows used (every row is censored)",
                                   expected: "at least one event (\(model.response.spec.event) = 1)")
        } catch SurvregError.nonPositiveTime(let i, let v) {
            throw SurvshError.data("survreg", "time \(session.fmt(v)) in row \(model.data.rows[i] + 1) is not positive, and \(distribution.rawValue) models log(time)",
                                   expected: "times > 0, or dist=gaussian|logistic for the time itself")
        } catch let e as SurvregError {
            throw SurvshError.data("survreg", e.description)
        }
        session.lastSurvregFit = SurvregLastFit(model, fit: fit)
        let view = SurvregView(session: session, model: model, fit: fit, level: level, hazardRatios: hr)
        return CommandOutput(text: view.text(), json: view.json().value, warnings: model.data.warnings + view.warnings,
                             tables: view.tables())
    }
}
