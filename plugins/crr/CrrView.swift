// CrrView.swift — renders a Fine–Gray fit as text (the layout of cox's coefficient table), as JSON
// (docs/json.md, `crr`) and as the exportable coefficient table.

import SurvivalStats
import SurvshCore

struct CrrView {
    let session: Session
    let formula: Formula
    let outcome: CompetingRisksOutcome
    let fit: FineGrayResult

    func f(_ x: Double?) -> String { session.fmt(x) }
    func pv(_ p: Double?) -> String { NumberFormat.pValue(p, digits: session.settings.digits) }
    var levelPercent: String { NumberFormat.significant(fit.level * 100, digits: 6) }
    var causeLabel: String { outcome.causeLabels[fit.cause - 1] }
    var competingLabels: [String] { outcome.causeLabels.enumerated().filter { $0.offset + 1 != fit.cause }.map(\.element) }

    /// `Surv(etime, event) ~ sex + age`
    var modelText: String { "\(outcome.response.label) ~ \(formula.terms.map(\.label).joined(separator: " + "))" }

    var countsText: String {
        let competing = competingLabels.isEmpty ? "" : " (cause\(competingLabels.count == 1 ? "" : "s") \(competingLabels.joined(separator: ", ")))"
        let dropped = outcome.dropped > 0 ? "; \(outcome.dropped) dropped for missing values" : ""
        return "\(plural(fit.n, "row")): \(plural(fit.causeEvents, "event")) of cause \(causeLabel), "
            + "\(plural(fit.competingEvents, "competing event"))\(competing), \(fit.censored) censored\(dropped)"
    }

    var header: String { "Fine–Gray model for cause \(causeLabel): \(modelText)\n\(countsText)" }

    func coefficientTable() -> TextTable {
        var t = TextTable(["", "coef", "sHR", "se(coef)", "z", "p", "lower \(levelPercent)%", "upper \(levelPercent)%"])
        for c in fit.coefficients {
            t.add([session.displayTerm(c.name), f(c.coef), f(c.subdistributionHR), f(c.se), f(c.z), pv(c.p), f(c.lower), f(c.upper)])
        }
        return t
    }

    var lrText: String {
        "Pseudo likelihood ratio test = \(f(fit.lrTest.chisq)) on \(fit.lrTest.df) df, p = \(pv(fit.lrTest.p))"
    }

    var conventionLines: [String] {
        ["Fine–Gray subdistribution hazards as cmprsk::crr; censoring weights from the KM of censoring;",
         "robust (sandwich) se; sHR CI: exp(coef -/+ z se); p: Wald z test; tied times: Breslow;",
         "competing events stay in the risk set, weighted.",
         "Status: \(outcome.coding)."]
    }

    func text() -> String {
        let conv = fit.converged ? "converged in \(plural(fit.iterations, "Newton-Raphson step"))"
            : "did not converge in \(plural(fit.iterations, "Newton-Raphson step"))"
        var out = [header, coefficientTable().render(), ""]
        out.append(lrText)
        out.append("Pseudo log-likelihood: \(f(fit.loglik[0])) (null), \(f(fit.loglik[1])) (model); \(conv)")
        out += conventionLines
        return out.joined(separator: "\n")
    }

    func json() -> JSONObject {
        var j = JSONObject(command: "crr")
        j["model"] = .string(modelText)
        j["cause"] = .string(causeLabel)
        j["competing_causes"] = .array(competingLabels.map { .string($0) })
        j["n"] = .int(fit.n)
        j["events"] = .int(fit.causeEvents)
        j["competing_events"] = .int(fit.competingEvents)
        j["censored"] = .int(fit.censored)
        j["dropped"] = .int(outcome.dropped)
        j["level"] = .num(fit.level)
        j["terms"] = .array(fit.coefficients.map { c in
            .object([("name", .string(c.name)), ("coef", .num(c.coef)), ("shr", .num(c.subdistributionHR)), ("se", .num(c.se)),
                     ("z", .num(c.z)), ("p", .num(c.p)), ("shr_lower", .num(c.lower)), ("shr_upper", .num(c.upper))])
        })
        j["loglik"] = .array(fit.loglik.map { .num($0) })
        j["lr_test"] = .object([("chisq", .num(fit.lrTest.chisq)), ("df", .int(fit.lrTest.df)), ("p", .num(fit.lrTest.p))])
        j["variance"] = .array(fit.variance.map { .num($0) })
        j["iterations"] = .int(fit.iterations)
        j["converged"] = .bool(fit.converged)
        return j
    }

    /// Publication-style table for `export`.
    func resultTable() -> ResultTable {
        let rows = fit.coefficients.map { c in
            [session.displayTerm(c.name), f(c.coef), f(c.se), "\(f(c.subdistributionHR)) (\(f(c.lower))–\(f(c.upper)))", pv(c.p)]
        }
        return ResultTable(title: "Fine–Gray model for cause \(causeLabel): \(modelText)",
                           header: ["", "coef", "robust se", "sHR (\(levelPercent)% CI)", "p"],
                           rows: rows, footnotes: [countsText, lrText] + conventionLines, name: "coefficients")
    }
}
