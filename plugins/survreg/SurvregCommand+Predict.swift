// SurvregCommand+Predict.swift — `survreg predict [p=0.5,...] [at VAR=V1,V2 ...] [level=0.95]`:
// predicted quantiles of the survival time of the last survreg fit for given covariate values, as
// R's predict(fit, newdata, type = "quantile", p = , se.fit = TRUE). Settings are read as
// `cox curves at` reads them (SurvshCore's CovariateModel); strata() variables choose the scale.
// Numbers: SurvivalStats.SurvregFitResult.quantiles.

import SurvivalStats
import SurvshCore

extension SurvregCommand {
    static func predict(words: [String], args: Arguments, level: Double, session: Session) throws -> CommandOutput {
        guard let last = session.lastSurvregFit else {
            throw SurvshError.usage("survreg", "no survreg model to predict from", expected: "a survreg fit first, e.g. survreg ~ age + sex")
        }
        let probabilities = args.doubles("p") ?? [0.5]
        if let bad = probabilities.first(where: { !($0 > 0 && $0 < 1) }) {
            throw SurvshError.usage("survreg", "p=\(session.fmt(bad)) is not a probability strictly between 0 and 1",
                                    expected: "p=0.5 or p=0.25,0.5,0.75")
        }
        if let w = words.first, w != "at" {
            throw SurvshError.usage("survreg", "'\(w)' is not understood by survreg predict",
                                    expected: "survreg predict [p=0.5] [at VAR=V1,V2 ...]")
        }
        let model = CovariateModel(terms: last.terms, columnNames: last.columnNames, modelText: last.modelText, command: "survreg",
                                   usage: "survreg predict at VAR=V1,V2 ... (e.g. at age=60 sex=1,2)")
        let settings = try model.settings(words, allowed: last.terms.flatMap(\.variables) + last.strataVariables)
        let strataSet = settings.filter { last.strataVariables.contains($0.variable) }
        let profiles = try model.profiles(settings.filter { !last.strataVariables.contains($0.variable) }, base: last.baseRow)
        let strata = try strataChoices(strataSet, last: last)
        try Interrupt.check("survreg")

        struct Row { let label: String; let profile: CovariateProfile; let stratum: Int?; let q: SurvregQuantile }
        var rows: [Row] = []
        for profile in profiles {
            for s in strata {
                let label = [profile.label, s.map { last.strataLabels[$0] } ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
                for q in last.fit.quantiles(profile.z, stratum: s ?? 0, probabilities: probabilities, level: level) {
                    rows.append(Row(label: label.isEmpty ? "at means" : label, profile: profile, stratum: s, q: q))
                }
            }
        }
        let f = { (x: Double?) in session.fmt(x) }
        let pct = NumberFormat.significant(level * 100, digits: 6)
        var table = TextTable(["", "p", "time", "se", "lower \(pct)%", "upper \(pct)%"])
        for r in rows { table.add([r.label, f(r.q.p), f(r.q.time), f(r.q.se), f(r.q.lower), f(r.q.upper)]) }
        let dist = last.fit.distribution
        let note = unsetNote(settings, last: last, session: session)
        let conv = "time: the p quantile of the survival time, as R's predict(fit, type = \"quantile\"), se as its se.fit; CI: Wald on the "
            + (dist.logTime ? "log-time scale, exp(u -/+ z se(u)) with u = log quantile" : "time scale, u -/+ z se(u)") + "."
        let title = "Predicted survival time quantiles (R's predict.survreg), \(dist.displayName): \(last.modelText)"
        var out = [title]
        if let note { out.append(note) }
        out += [table.render(), "", conv]
        var j = JSONObject(command: "survreg")
        j["kind"] = .string("predict")
        j["model"] = .string(last.modelText)
        j["dist"] = .string(dist.rawValue)
        j["level"] = .num(level)
        j["predictions"] = .array(rows.map { r in
            var o = JSONObject()
            o["label"] = .string(r.label)
            o["profile"] = .object(r.profile.values.map { ($0.0, .string($0.1)) })
            if let s = r.stratum { o["stratum"] = .string(last.strataLabels[s]) }
            o["p"] = .num(r.q.p)
            o["time"] = .num(r.q.time)
            o["se"] = .num(r.q.se)
            o["lower"] = .num(r.q.lower)
            o["upper"] = .num(r.q.upper)
            o["uquantile"] = .num(r.q.linear)
            o["uquantile_se"] = .num(r.q.linearSE)
            return o.value
        })
        let result = ResultTable(title: title, header: table.header, rows: table.rows, footnotes: [note, conv].compactMap { $0 },
                                 name: "predict")
        return CommandOutput(text: out.joined(separator: "\n"), json: j.value, tables: [result])
    }

    /// The strata the settings pick (all of them when a strata variable is not set; [nil] without strata).
    static func strataChoices(_ settings: [CovariateSetting], last: SurvregLastFit) throws -> [Int?] {
        if last.strataLabels.count <= 1 { return [nil] }
        let all = Array(last.strataLabels.indices)
        return try all.filter { s in
            // a stratum label is `a=1, b=2`; each set variable must match one of its values
            let parts = last.strataLabels[s].components(separatedBy: ", ")
            return try settings.allSatisfy { set in
                let values = parts.filter { $0.hasPrefix(set.variable + "=") }.map { String($0.dropFirst(set.variable.count + 1)) }
                let known = Set(last.strataLabels.flatMap { $0.components(separatedBy: ", ") }
                    .filter { $0.hasPrefix(set.variable + "=") }.map { String($0.dropFirst(set.variable.count + 1)) })
                for v in set.values where !known.contains(v) && !known.contains(where: { Double($0) != nil && Double($0) == Double(v) }) {
                    throw SurvshError.usage("survreg", "'\(v)' is not a stratum of \(set.variable)", expected: orList(known.sorted()))
                }
                return values.contains { v in set.values.contains { $0 == v || (Double($0) != nil && Double($0) == Double(v)) } }
            }
        }
    }

    /// "Covariates not set: age at its mean 62.4; ph.ecog at its reference level" (nil when all are set).
    static func unsetNote(_ settings: [CovariateSetting], last: SurvregLastFit, session: Session) -> String? {
        let set = Set(settings.map(\.variable))
        let free = last.terms.filter { !$0.variables.contains(where: set.contains) }
        if free.isEmpty { return nil }
        let parts = free.map { t -> String in
            if t.isFactor { return "\(t.label) at its reference level" }
            return t.columns.map { c in
                last.baseRow[c] == 0 ? "\(last.columnNames[c]) = 0" : "\(last.columnNames[c]) at its mean \(session.fmt(last.baseRow[c]))"
            }.joined(separator: ", ")
        }
        return "Covariates not set: " + parts.joined(separator: "; ") + " (0/1 columns at 0)."
    }
}
