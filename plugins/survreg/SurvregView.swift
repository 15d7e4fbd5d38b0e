// SurvregView.swift — renders a survreg fit as text (summary.survreg's table with the likelihood
// lines of print.survreg), as JSON (docs/json.md, `survreg`) and as exportable result tables.

import SurvivalStats
import SurvshCore

struct SurvregView {
    let session: Session
    let model: SurvregModelInput
    let fit: SurvregFitResult
    let level: Double
    let hazardRatios: Bool

    func f(_ x: Double?) -> String { session.fmt(x) }
    func pv(_ p: Double?) -> String { NumberFormat.pValue(p, digits: session.settings.digits) }
    var levelPercent: String { NumberFormat.significant(level * 100, digits: 6) }
    var z: Double { Normal.quantile(1 - (1 - level) / 2) }

    var title: String { "Parametric survival model (R's survreg), \(fit.distribution.displayName) distribution: \(model.modelText)" }

    var rows: [SurvregCoefficient] { fit.table(strataLabels: model.strataLabels) }

    /// Wald limits value -/+ z se (nil when aliased).
    func limits(_ r: SurvregCoefficient) -> (Double?, Double?) {
        guard let v = r.value, let se = r.se else { return (nil, nil) }
        return (v - z * se, v + z * se)
    }

    var scaleText: String {
        if let fixed = fit.distribution.fixedScale { return "Scale fixed at \(f(fixed)) (\(fit.distribution.rawValue))" }
        if fit.scales.count == 1 { return "Scale = \(f(fit.scales[0]))" + (fit.distribution == .weibull ? " (Weibull shape 1/scale = \(f(1 / fit.scales[0])))" : "") }
        return "Scale: " + zip(model.strataLabels, fit.scales).map { "\($0) \(f($1))" }.joined(separator: ", ")
    }

    var likelihoodText: String {
        var s = "Log-likelihood: \(f(fit.loglik.null)) (intercept only), \(f(fit.loglik.model)) (model)"
        if let lr = fit.lrTest { s += "; likelihood ratio chi-square = \(f(lr.chisq)) on \(lr.df) df, p = \(pv(lr.p))" }
        return s + "; AIC = \(f(fit.aic))"
    }

    var convergenceText: String {
        fit.converged ? "Converged in \(plural(fit.iterations, "Newton-Raphson iteration"))."
            : "Did not converge in \(plural(fit.iterations, "iteration")) (R: 'Ran out of iterations and did not converge'); the estimates are not reliable."
    }

    var warnings: [String] {
        var w: [String] = []
        if !fit.converged { w.append("the fit did not converge in \(plural(fit.iterations, "iteration")); try maxiter=100 or a simpler model") }
        let aliased = zip(fit.names, fit.aliased).filter(\.1).map(\.0)
        if !aliased.isEmpty { w.append("collinear column\(aliased.count == 1 ? "" : "s") \(aliased.joined(separator: ", ")) not estimated (NA, as R)") }
        return w
    }

    var conventionLines: [String] {
        let d = fit.distribution
        let y = d.logTime ? "log(T)" : "T"
        let w: String
        switch d.base {
        case .extreme: w = "standard extreme value"
        case .gaussian: w = "standard normal"
        case .logistic: w = "standard logistic"
        }
        var s = ["AFT scale (R's survreg): \(y) = x'b + scale * W, W \(w); a positive coefficient means longer survival"
                 + (d.logTime ? " (exp(coef) = time ratio)" : "") + ".",
                 "p: Wald z test as summary.survreg; CI: coef -/+ z se; LR test against the intercept-only model as print.survreg; AIC as R's AIC()."]
        if let st = model.strata, st.count > 1 {
            s.append("Stratified by \(model.formula.strata.joined(separator: ", ")) (\(st.count) strata): a separate scale per stratum.")
        }
        if hazardRatios {
            s.append("Hazard ratios: exp(-coef / scale), the proportional-hazards form as Stata's streg (hr); se of -coef / scale by the delta method, CI exp(g -/+ z se).")
        }
        return s
    }

    var header: String {
        "\(title) (\(model.data.countsText))"
    }

    func coefficientTable() -> TextTable {
        var t = TextTable(["", "Value", "Std. Error", "z", "p", "lower \(levelPercent)%", "upper \(levelPercent)%"])
        for r in rows {
            let (lo, hi) = limits(r)
            t.add([session.displayTerm(r.name), f(r.value), f(r.se), f(r.z), r.p == nil ? "NA" : pv(r.p), f(lo), f(hi)])
        }
        return t
    }

    func hazardRatioTable(_ hrs: [SurvregHazardRatio]) -> TextTable {
        var t = TextTable(["", "coef", "HR", "se(coef)", "z", "p", "lower \(levelPercent)%", "upper \(levelPercent)%"])
        for h in hrs { t.add([session.displayTerm(h.name), f(h.coef), f(h.hr), f(h.se), f(h.z), pv(h.p), f(h.lower), f(h.upper)]) }
        return t
    }

    var hazardRatioRows: [SurvregHazardRatio] { hazardRatios ? (fit.hazardRatios(level: level) ?? []) : [] }

    func text() -> String {
        var out = [header, coefficientTable().render(), "", scaleText, likelihoodText, convergenceText]
        if hazardRatios {
            out += ["", "Hazard ratios (proportional-hazards form of the \(fit.distribution.displayName) model, as Stata's streg, hr):",
                    hazardRatioTable(hazardRatioRows).render()]
        }
        out.append("")
        out += conventionLines
        return out.joined(separator: "\n")
    }

    func json() -> JSONObject {
        var j = JSONObject(command: "survreg")
        j["kind"] = .string("fit")
        j["model"] = .string(model.modelText)
        j["dist"] = .string(fit.distribution.rawValue)
        j["n"] = .int(fit.n)
        j["events"] = .int(fit.events)
        j["dropped"] = .int(model.data.dropped)
        j["level"] = .num(level)
        func row(_ r: SurvregCoefficient) -> JSONValue {
            let (lo, hi) = limits(r)
            return .object([("name", .string(r.name)), ("coef", .num(r.value)), ("se", .num(r.se)), ("z", .num(r.z)),
                            ("p", .num(r.p)), ("lower", .num(lo)), ("upper", .num(hi)), ("aliased", .bool(r.value == nil))])
        }
        j["terms"] = .array(rows.prefix(fit.nvar).map(row))
        j["log_scale"] = .array(rows.dropFirst(fit.nvar).map(row))
        j["scale"] = .array(fit.scales.map { .num($0) })
        j["scale_fixed"] = .bool(fit.distribution.fixedScale != nil)
        if !model.strataLabels.isEmpty { j["strata"] = .array(model.strataLabels.map { .string($0) }) }
        j["loglik"] = .array([.num(fit.loglik.null), .num(fit.loglik.model)])
        j["lr_test"] = fit.lrTest.map { .object([("chisq", .num($0.chisq)), ("df", .int($0.df)), ("p", .num($0.p))]) } ?? .null
        j["aic"] = .num(fit.aic)
        j["df"] = .int(fit.parameterCount)
        j["iterations"] = .int(fit.iterations)
        j["converged"] = .bool(fit.converged)
        if hazardRatios {
            j["hazard_ratios"] = .array(hazardRatioRows.map { h in
                .object([("name", .string(h.name)), ("coef", .num(h.coef)), ("hr", .num(h.hr)), ("se", .num(h.se)),
                         ("z", .num(h.z)), ("p", .num(h.p)), ("hr_lower", .num(h.lower)), ("hr_upper", .num(h.upper))])
            })
        }
        return j
    }

    /// The coefficient table (and the hazard ratios) for `export`.
    func tables() -> [ResultTable] {
        let notes = ["n = \(fit.n), events = \(fit.events)" + (model.data.dropped > 0 ? " (\(model.data.dropped) rows dropped for missing values)" : ""),
                     scaleText, likelihoodText] + conventionLines
        let coef = coefficientTable()
        var out = [ResultTable(title: title, header: coef.header, rows: coef.rows, footnotes: notes, name: "coefficients")]
        if hazardRatios {
            let t = hazardRatioTable(hazardRatioRows)
            out.append(ResultTable(title: "Hazard ratios (exp(-coef / scale)): \(model.modelText)", header: t.header, rows: t.rows,
                                   footnotes: conventionLines, name: "hr"))
        }
        return out
    }
}
