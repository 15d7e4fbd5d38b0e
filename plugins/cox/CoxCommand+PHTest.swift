// CoxCommand+PHTest.swift — `cox phtest [transform=km|rank|identity]`: the proportional-hazards
// test of the last cox fit, as R's cox.zph (survival >= 3.0: a score test for adding x * g(t),
// per term and GLOBAL). The numbers come from SurvivalStats.CoxZph.

import SurvivalStats
import SurvshCore

extension CoxCommand {
    static func phtest(body: String, args: Arguments, session: Session) throws -> CommandOutput {
        if !body.isEmpty {
            throw SurvshError.usage("cox", "cox phtest takes no formula ('\(body)'): it tests the last cox fit",
                                    expected: "cox ~ TERMS first, then cox phtest [transform=km|rank|identity]")
        }
        let last = try session.requireLastCoxFit("cox", "to test")
        let transform = CoxZphTransform(rawValue: args.string("transform") ?? "km") ?? .km
        try Interrupt.check("cox")
        let z: CoxZphResult
        do {
            z = try CoxZph.test(last.fit, data: last.data, transform: transform, cancel: Interrupt.cancellation)
        } catch let e as CoxError {
            throw SurvshError.data("cox", e.description,
                                   expected: "a last cox fit with at least one estimated coefficient, e.g. cox ~ age + sex")
        }
        let f = { (x: Double?) in session.fmt(x) }
        let pv = { (p: Double?) in NumberFormat.pValue(p, digits: session.settings.digits) }
        var t = TextTable(["", "chisq", "df", "p"])
        for r in z.terms + [z.global] { t.add([r.term, f(r.chisq), String(r.df), pv(r.p)]) }
        let tname: String
        switch transform {
        case .km: tname = "km: 1 - Kaplan-Meier(t-) of all rows (R's default)"
        case .rank: tname = "rank of the event/censoring times"
        case .identity: tname = "identity: time itself"
        }
        var text = ["Proportional hazards test (R's cox.zph): \(last.modelText)", t.render(), "",
                    "Score test for adding x * g(t) to the fitted model,",
                    "  g = \(tname); survival >= 3.0 method.",
                    "A small p suggests the hazard ratio of that term changes over time;",
                    "  plot loglog shows the same visually."]
            .joined(separator: "\n")
        if args.has("explain") { text += "\n\n" + phtestExplainText(z, session: session) }
        let table = ResultTable(title: "Proportional hazards test (cox.zph, transform = \(transform.rawValue)): \(last.modelText)",
                                        header: ["", "chisq", "df", "p"],
                                        rows: (z.terms + [z.global]).map { [$0.term, f($0.chisq), String($0.df), pv($0.p)] },
                                        footnotes: ["Score test as R's cox.zph (survival >= 3.0), transform = \(transform.rawValue)."], name: "phtest")
        func row(_ r: CoxZphRow) -> JSONValue {
            .object([("term", .string(r.term)), ("chisq", .num(r.chisq)), ("df", .int(r.df)), ("p", .num(r.p))])
        }
        var j = JSONObject(command: "cox")
        j["kind"] = .string("phtest")
        j["model"] = .string(last.modelText)
        j["transform"] = .string(transform.rawValue)
        j["terms"] = .array(z.terms.map(row))
        j["global"] = row(z.global)
        return CommandOutput(text: text, json: j.value, tables: [table], methods: [.coxPHTest(transform: transform.rawValue)])
    }
}
