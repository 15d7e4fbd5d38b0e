// CoxCommand+Explain.swift — `cox explain` and the `explain` flag: the Newton-Raphson iterations of
// a Cox fit, for teaching. At each step: the log partial likelihood, its relative change (compared
// with eps = 1e-9), whether the step was halved, and the coefficients; at each accepted point the
// score U(beta), the information I(beta) and the step I^-1 U; the score test at beta = 0 (the
// log-rank test); with `risksets`, each event time's risk-set sums and Efron denominators.

import SurvivalStats
import SurvshCore

struct CoxExplainView {
    let session: Session
    let fit: CoxFitResult
    let data: CoxData
    let modelText: String
    let risksets: Bool

    func f(_ x: Double?) -> String { session.fmt(x) }
    /// Ctrl-C stops the passes over the rows (each recomputes U and I, or a risk set).
    var cancel: Cancellation { Interrupt.cancellation }

    func vector(_ v: [Double]) -> String { "(" + v.map { f($0) }.joined(separator: ", ") + ")" }

    func matrix(_ m: [Double], p: Int) -> String {
        "[" + (0..<p).map { a in (0..<p).map { f(m[a * p + $0]) }.joined(separator: ", ") }.joined(separator: "; ") + "]"
    }

    /// Whether U and I can be shown (no aliased column: those have no coefficient).
    var estimable: Bool { !fit.beta.contains { $0.isNaN } }

    func text() throws -> String {
        var out = ["Newton-Raphson iterations: \(modelText)"]
        var t = TextTable(["iter", "loglik", "rel.change", "step", "accepted"] + fit.columnNames)
        for s in fit.trace {
            let step = s.iteration == 0 ? "start" : (s.halving == 0 ? "full" : "halved x\(s.halving)")
            t.add([String(s.iteration), NumberFormat.significant(s.loglik, digits: 10),
                   s.relativeChange.map { NumberFormat.significant($0, digits: 3) } ?? "",
                   step, s.accepted ? "yes" : "no"] + s.beta.map { f($0) })
        }
        out.append(t.render())
        out.append("Each step solves I(b) d = U(b) (information and score of the log partial likelihood)")
        out.append("and moves to b + d; a step that lowers the log-likelihood is halved towards the last good point")
        out.append("(R: (new + h old)/(h + 1)).")
        out.append("The fit stops when |1 - L_old / L_new| <= 1e-9 (R's coxph.control eps) or after iter.max iterations.")
        guard estimable else {
            out.append("(U and I are not shown: a column is aliased and has no coefficient.)")
            return out.joined(separator: "\n")
        }
        let p = fit.columnNames.count
        out.append("")
        out.append("Each accepted point, with columns in the order \(fit.columnNames.joined(separator: ", ")):")
        for s in fit.trace where s.accepted {
            let si = try CoxExplain.scoreInformation(data, beta: s.beta, ties: fit.ties, cancel: cancel)
            out.append("iteration \(s.iteration): loglik = \(f(si.loglik))")
            out.append("  beta = \(vector(s.beta))")
            out.append("  U(beta) = \(vector(si.score))")
            out.append("  I(beta) = \(matrix(si.information, p: p))")
            if let d = s.step { out.append("  step d = I^-1 U = \(vector(d)); next beta = beta + d") }
        }
        let s0 = try CoxExplain.scoreInformation(data, beta: [Double](repeating: 0, count: p), ties: fit.ties, cancel: cancel)
        out.append("")
        out.append("Score test at beta = 0: U(0)' I(0)^-1 U(0) = \(f(fit.scoreTest.chisq)) on \(fit.scoreTest.df) df, "
                   + "p = \(NumberFormat.pValue(fit.scoreTest.p, digits: session.settings.digits))")
        out.append("  with U(0) = \(vector(s0.score)) and I(0) = \(matrix(s0.information, p: p)).")
        out.append("  This is the log-rank test: for one grouping column it is survdiff's chi-square (logrank ~ GROUP)")
        out.append("  exactly when no event times are tied; with ties it differs slightly (\(fit.ties == .efron ? "Efron" : "Breslow") here).")
        if risksets { out += try riskSetText() }
        return out.joined(separator: "\n")
    }

    /// Each event time's risk set at the estimate: sums and Efron (or Breslow) denominators.
    func riskSetText() throws -> [String] {
        let terms = try CoxExplain.riskSetTerms(data, beta: fit.beta, ties: fit.ties, cancel: cancel)
        var out = ["", "Risk sets at the estimate (eta = beta'(x - mean), r = exp(eta)):"]
        var t = TextTable((fit.strataCount > 1 ? ["stratum"] : []) + ["time", "n", "d", "sum eta(d)", "S0", "D0", "denominators", "term"],
                          leftAligned: [])
        for r in terms {
            let denominators = r.denominators.map { f($0) }.joined(separator: ", ")
            t.add((fit.strataCount > 1 ? [String(r.stratum)] : []) + [f(r.time), String(r.atRisk), String(r.deaths),
                  f(r.etaDeaths), f(r.s0), f(r.d0), denominators, f(r.loglikTerm)])
        }
        out.append(t.render())
        out.append("n at risk (a row censored at the time is in it), d deaths;")
        out.append("S0 = sum of r over the risk set, D0 over the deaths.")
        if fit.ties == .efron {
            out.append("Efron: the d denominators are S0 - ((k-1)/d) D0, k = 1..d")
            out.append("  (weights 0, 1/d, ..., (d-1)/d of the deaths removed);")
        } else {
            out.append("Breslow: the d denominators are all S0;")
        }
        out.append("term = sum eta(d) - sum of log(denominator);")
        out.append("the terms add up to the log partial likelihood "
                   + "\(f(terms.reduce(0) { $0 + $1.loglikTerm })) (fit: \(f(fit.loglik[1]))).")
        return out
    }

    /// The trace; accepted points also carry the score U and information I (row-major) there.
    func traceJSON() throws -> JSONValue {
        .array(try fit.trace.map { s in
            var fields: [(String, JSONValue)] = [
                ("iteration", .int(s.iteration)), ("loglik", .num(s.loglik)),
                ("relative_change", .num(s.relativeChange)), ("halving", .int(s.halving)),
                ("accepted", .bool(s.accepted)), ("beta", .array(s.beta.map { .num($0) })),
                ("step", s.step.map { .array($0.map { .num($0) }) } ?? .null)]
            if s.accepted && estimable {
                let si = try CoxExplain.scoreInformation(data, beta: s.beta, ties: fit.ties, cancel: cancel)
                fields += [("score", .array(si.score.map { .num($0) })), ("information", .array(si.information.map { .num($0) }))]
            }
            return .object(fields)
        })
    }
}

extension CoxCommand {
    static func explain(body: String, args: Arguments, session: Session) throws -> CommandOutput {
        if !body.isEmpty {
            throw SurvshError.usage("cox", "cox explain takes no formula ('\(body)')",
                                    expected: "cox explain (after a cox fit), or cox ~ TERMS explain")
        }
        let last = try session.requireLastCoxFit("cox", "to explain")
        let view = CoxExplainView(session: session, fit: last.fit, data: last.data, modelText: last.modelText,
                                  risksets: args.has("risksets"))
        let count = session.coxFitCount
        let which = count > 1 ? "the last of \(count) cox fits in this session (earlier fits are not kept)" : "the cox fit of this session"
        var j = JSONObject(command: "cox")
        j["fit_number"] = .int(count)
        j["kind"] = .string("explain")
        j["model"] = .string(last.modelText)
        j["iterations"] = .int(last.fit.iterations)
        j["converged"] = .bool(last.fit.converged)
        j["columns"] = .array(last.fit.columnNames.map { .string($0) })
        j["trace"] = try view.traceJSON()
        return CommandOutput(text: "Explaining \(which): \(last.modelText)\n" + (try view.text()), json: j.value)
    }
}

extension CoxCommand {
    /// `cox firth ... explain`: the penalised Newton steps, each with l, the penalty, l*, U* and the step.
    static func firthExplainText(_ fit: CoxFirthResult, names: [String], session: Session) -> String {
        let f = { (x: Double) in session.fmt(x) }
        let vector = { (v: [Double]) in "(" + v.map(f).joined(separator: ", ") + ")" }
        var out = ["Penalised Newton steps (columns \(names.joined(separator: ", "))):",
                   "l* = l + 1/2 log det I(b) (Firth's penalty, Breslow ties);",
                   "U* = U + 1/2 tr(I^-1 dI/db), the score of l*;",
                   "each step d = I^-1 U* (scaled so no coefficient moves more than 0.5, as coxphf),",
                   "halved until l* does not fall."]
        for s in fit.trace {
            out.append("step \(s.iteration): b = \(vector(s.beta)): l = \(f(s.loglik)), 1/2 log det I = \(f(s.penalty)), "
                       + "l* = \(f(s.penalizedLoglik))")
            out.append("  U* = \(vector(s.modifiedScore)); d = \(vector(s.step));")
            out.append("  fraction taken \(f(s.fraction)); next b = b + fraction d")
        }
        out.append("Stops when the largest step is below 1e-10: b = \(vector(fit.coefficients.map(\.coef))), "
                   + "l* = \(f(fit.penalizedLoglik[1])) after \(fit.iterations) steps.")
        return out.joined(separator: "\n")
    }
}

extension CoxCommand {
    /// `cox phtest explain`: the score test of adding x G(t) for each column, from U and I of the
    /// expanded model at (beta_hat, gamma = 0).
    static func phtestExplainText(_ z: CoxZphResult, session: Session) -> String {
        let f = { (x: Double) in session.fmt(x) }
        let p = z.columnNames.count
        let names = z.columnNames + z.columnNames.map { "G*\($0)" }
        var out = ["How the test is computed (survival >= 3.0 cox.zph): add x G(t) for each column x, with",
                   "G = g(t) - \(f(z.gMean)) (g centred at its mean over the events), and test gamma = 0 by the score test",
                   "at (beta_hat, gamma = 0), one Newton step of the expanded model without refitting:",
                   "  U_gamma = sum over the deaths of G (x - abar), abar the risk set's weighted mean of x",
                   "  (Efron or Breslow terms as the fit);",
                   "  U_beta is 0 at beta_hat. Score U of the expanded model, columns \(names.joined(separator: ", ")):",
                   "  U = (" + z.score.map(f).joined(separator: ", ") + ")",
                   "  I (blocks V, G V; G V, G^2 V, V the risk-set covariances of x summed over the deaths):"]
        var t = TextTable([""] + names)
        for a in 0..<(2 * p) { t.add([names[a]] + (0..<(2 * p)).map { f(z.information[a * 2 * p + $0]) }) }
        out.append(t.render(indent: "    "))
        out.append("For each term: u = (0 for beta, U_gamma of the term's columns),")
        out.append("chisq = u' I[kk, kk]^-1 u with kk = all beta and the term's gamma (df = its columns);")
        out.append("GLOBAL uses every gamma (df = \(p)).")
        return out.joined(separator: "\n")
    }
}
