// CoxCommand+Firth.swift — `cox firth ~ TERMS`: Firth-penalised Cox regression (Heinze & Schemper
// 2001), as R's coxphf and SAS PHREG's FIRTH option: finite estimates under monotone likelihood
// (a group without events), profile penalised-likelihood CIs and penalised likelihood-ratio
// p-values. The numbers come from SurvivalStats.CoxFirth.

import SurvivalStats
import SurvshCore

extension CoxCommand {
    static func firth(body: String, level: Double, explain: Bool, session: Session) throws -> CommandOutput {
        try session.requireData("cox")
        let (formula, response) = try CoxModelInput.parse(body, session: session, command: "cox")
        if formula.cluster != nil {
            throw SurvshError.usage("cox", "cluster() is not used by cox firth (coxphf has no robust variance)",
                                    expected: "cox firth [Surv(TIME, EVENT)] ~ TERMS [+ strata(S)]")
        }
        let model = try CoxModelInput.build(formula: formula, response: response, session: session, command: "cox")
        try Interrupt.check("cox")
        let fit: CoxFirthResult
        do {
            fit = try CoxFirth.fit(model.coxData, level: level, cancel: Interrupt.cancellation)
        } catch CoxError.noEvents {
            throw SurvshError.data("cox", "there are no events among the \(model.data.n) rows used",
                                   expected: "at least one event (\(model.response.spec.event) = 1)")
        } catch let e as CoxError {
            throw SurvshError.data("cox", e.description, expected: "columns that are not constant or collinear")
        }
        if !fit.penalizedLoglik.allSatisfy(\.isFinite) {
            throw SurvshError.data("cox", "the penalised likelihood is undefined (log det I(b) is -Inf): a term does not vary among the rows at risk at the events",
                                   expected: "terms that vary among the rows used")
        }
        let f = { (x: Double?) in session.fmt(x) }
        let pv = { (p: Double?) in NumberFormat.pValue(p, digits: session.settings.digits) }
        let lp = NumberFormat.significant(level * 100, digits: 6)
        var t = TextTable(["", "coef", "HR", "se(coef)", "lower \(lp)%", "upper \(lp)%", "chisq", "p"])
        for c in fit.coefficients {
            t.add([c.name, f(c.coef), f(c.hazardRatio), f(c.se), f(c.hrLower), f(c.hrUpper), f(c.chisq), pv(c.p)])
        }
        let dropped = model.data.dropped > 0 ? "; \(model.data.dropped) dropped for missing values" : ""
        let header = "Firth-penalised Cox model: \(model.modelText) (\(plural(fit.n, "row")), \(plural(fit.events, "event"))\(dropped))"
        let lrLine = "Penalised likelihood ratio test = \(f(fit.lrTest.chisq)) on \(fit.lrTest.df) df, p = \(pv(fit.lrTest.p))"
        let convention = ["Penalised log partial likelihood: \(f(fit.penalizedLoglik[0])) (null), \(f(fit.penalizedLoglik[1])) (model); \(fit.iterations) iterations",
                          "As R's coxphf (Heinze & Schemper 2001): l(b) + 1/2 log det I(b), Breslow ties;",
                          "CI and p from the profile penalised likelihood (chisq = penalised LR statistic, 1 df)."]
        var text = ([header, t.render(), "", lrLine] + convention).joined(separator: "\n")
        if explain { text += "\n\n" + firthExplainText(fit, names: model.coxData.columnNames, session: session) }
        let rows = fit.coefficients.map { c in
            [c.name, f(c.coef), f(c.se), "\(f(c.hazardRatio)) (\(f(c.hrLower))–\(f(c.hrUpper)))", pv(c.p)]
        }
        let table = ResultTable(title: "Firth-penalised Cox model: \(model.modelText)",
                                        header: ["", "coef", "se", "HR (\(lp)% CI)", "p"], rows: rows,
                                        footnotes: ["n = \(fit.n), events = \(fit.events)", lrLine, convention[1]], name: "firth")
        session.lastHazardRatios = CoxView.hazardRatioRows(
            design: model.design, coefficients: fit.coefficients.map { ($0.hazardRatio, $0.hrLower, $0.hrUpper, $0.p) },
            title: "Firth-penalised Cox model: \(model.modelText)", level: level, model: model)
        var j = JSONObject(command: "cox")
        j["kind"] = .string("firth")
        j["model"] = .string(model.modelText)
        j["n"] = .int(fit.n)
        j["events"] = .int(fit.events)
        j["dropped"] = .int(model.data.dropped)
        j["ties"] = .string("breslow")
        j["level"] = .num(level)
        j["loglik"] = .array(fit.penalizedLoglik.map { .num($0) })
        j["terms"] = .array(fit.coefficients.map { c in
            .object([("name", .string(c.name)), ("coef", .num(c.coef)), ("hr", .num(c.hazardRatio)), ("se", .num(c.se)),
                     ("p", .num(c.p)), ("chisq", .num(c.chisq)), ("hr_lower", .num(c.hrLower)), ("hr_upper", .num(c.hrUpper))])
        })
        j["lr_test"] = .object([("chisq", .num(fit.lrTest.chisq)), ("df", .int(fit.lrTest.df)), ("p", .num(fit.lrTest.p))])
        j["iterations"] = .int(fit.iterations)
        j["converged"] = .bool(fit.converged)
        return CommandOutput(text: text, json: j.value, warnings: model.data.warnings + fit.warnings, tables: [table],
                             methods: [.coxFirth])
    }
}
