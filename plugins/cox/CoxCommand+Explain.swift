// CoxCommand+Explain.swift — `cox explain` and the `explain` flag: the Newton-Raphson iterations of
// a Cox fit, for teaching. At each step: the log partial likelihood, its relative change (compared
// with eps = 1e-9), whether the step was halved, and the coefficients.

import SurvivalStats
import SurvshCore

struct CoxExplainView {
    let session: Session
    let fit: CoxFitResult
    let modelText: String

    func f(_ x: Double?) -> String { session.fmt(x) }

    func text() -> String {
        var out = ["Newton-Raphson iterations: \(modelText)"]
        var t = TextTable(["iter", "loglik", "rel.change", "step", "accepted"] + fit.columnNames)
        for s in fit.trace {
            let step = s.iteration == 0 ? "start" : (s.halving == 0 ? "full" : "halved x\(s.halving)")
            t.add([String(s.iteration), NumberFormat.significant(s.loglik, digits: 10),
                   s.relativeChange.map { NumberFormat.significant($0, digits: 3) } ?? "",
                   step, s.accepted ? "yes" : "no"] + s.beta.map { f($0) })
        }
        out.append(t.render())
        out.append("Each step solves I(b) d = U(b) (information and score of the log partial likelihood) and moves to b + d;")
        out.append("a step that lowers the log-likelihood is halved towards the last good point (R: (new + h old)/(h + 1)).")
        out.append("The fit stops when |1 - L_old / L_new| <= 1e-9 (R's coxph.control eps) or after iter.max iterations.")
        return out.joined(separator: "\n")
    }

    func traceJSON() -> JSONValue {
        .array(fit.trace.map { s in
            .object([("iteration", .int(s.iteration)), ("loglik", .num(s.loglik)),
                     ("relative_change", .num(s.relativeChange)), ("halving", .int(s.halving)),
                     ("accepted", .bool(s.accepted)), ("beta", .array(s.beta.map { .num($0) })),
                     ("step", s.step.map { .array($0.map { .num($0) }) } ?? .null)])
        })
    }
}

extension CoxCommand {
    static func explain(body: String, session: Session) throws -> CommandOutput {
        if !body.isEmpty {
            throw SurvshError.usage("cox", "cox explain takes no formula ('\(body)')",
                                    expected: "cox explain (after a cox fit), or cox ~ TERMS explain")
        }
        guard let last = session.lastCoxFit else {
            throw SurvshError.usage("cox", "no Cox model to explain", expected: "a cox fit first, e.g. cox ~ age + sex")
        }
        let view = CoxExplainView(session: session, fit: last.fit, modelText: last.modelText)
        let count = session.coxFitCount
        let which = count > 1 ? "the last of \(count) cox fits in this session (earlier fits are not kept)" : "the cox fit of this session"
        var j = JSONObject(command: "cox")
        j["fit_number"] = .int(count)
        j["kind"] = .string("explain")
        j["model"] = .string(last.modelText)
        j["iterations"] = .int(last.fit.iterations)
        j["converged"] = .bool(last.fit.converged)
        j["columns"] = .array(last.fit.columnNames.map { .string($0) })
        j["trace"] = view.traceJSON()
        return CommandOutput(text: "Explaining \(which): \(last.modelText)\n" + view.text(), json: j.value)
    }
}
