// CoxCommand+Curves.swift — `cox curves [at VAR=V1,V2 ...] [times=...] [conf=log] [level=0.95]`:
// covariate-adjusted survival curves of the last cox fit, as R's survfit.coxph(fit, newdata): one
// curve per combination of the given values (first variable slowest) and per stratum, with n,
// events, the median and its CI, and S(t) at times=. Covariates not given stay at R's fit$means
// (the column mean; 0 for 0/1 and factor columns, i.e. the reference level), which is the curve R
// draws for survfit(fit) without newdata. The curves are kept for `plot cox curves`.
// Numbers: SurvivalStats.CoxSurvivalCurve; this file turns the settings into design rows.

import SurvivalStats
import SurvshCore

extension CoxCommand {
    /// One `VAR=V1,V2` setting after `at`.
    struct CurveSetting {
        let variable: String
        let values: [String]
    }

    static func curves(words: [String], args: Arguments, level: Double, session: Session) throws -> CommandOutput {
        let last = try session.requireLastCoxFit("cox", "for curves")
        let settings = try curveSettings(words, last: last)
        let profiles = try curveProfiles(settings, last: last)
        let conf = KaplanMeierConfType(rawValue: args.string("conf") ?? "log") ?? .log
        try Interrupt.check("cox")
        let curves: [CoxAdjustedCurve]
        do {
            curves = try CoxSurvivalCurve.curves(last.fit, data: last.data, profiles: profiles.map(\.z), confType: conf,
                                                 level: level)
        } catch let e as CoxError {
            throw SurvshError.data("cox", e.description)
        }
        let labels = curves.map { c -> String in
            let parts = [profiles[c.profile].label] + (last.strataLabels.isEmpty ? [] : [last.strataLabels[c.stratum]])
            return parts.filter { !$0.isEmpty }.joined(separator: ", ")
        }.map { $0.isEmpty ? "at means" : $0 }
        session.lastCoxCurves = CoxCurveSet(modelText: last.modelText, timeLabel: last.timeLabel, labels: labels,
                                            curves: curves.map(\.curve))
        let times = args.doubles("times") ?? []
        let f = { (x: Double?) in session.fmt(x) }
        let lv = NumberFormat.significant(level, digits: 15)
        var table = TextTable(["", "n", "events", "median", "\(lv)LCL", "\(lv)UCL"])
        for (label, c) in zip(labels, curves) {
            let m = c.curve.median
            table.add([label, String(c.curve.n), String(c.curve.events), f(m.time), f(m.lower), f(m.upper)])
        }
        let meansNote = meansText(settings: settings, last: last, session: session)
        let ciNote = "S(t) = exp(-H(t | x)), \(last.fit.ties == .efron ? "Efron" : "Breslow") hazard as survfit.coxph; "
            + "CI: \(conf.rawValue) transform, level \(lv); std.err is the standard error of S(t)"
        var out = ["Adjusted survival curves (R's survfit.coxph): \(last.modelText)"]
        if let meansNote { out.append(meansNote) }
        out.append(table.render())
        var atTable: TextTable? = nil
        if !times.isEmpty {
            let pct = NumberFormat.significant(level * 100, digits: 15) + "%"
            var at = TextTable(["", "time", "n.risk", "n.event", "survival", "std.err", "lower \(pct) CI", "upper \(pct) CI"])
            for (label, c) in zip(labels, curves) {
                for p in c.curve.survival(at: times) {
                    at.add([label, f(p.time) + (p.beyondLastFollowUp ? "*" : ""), String(p.nRisk), String(p.nEvent),
                            f(p.surv), f(p.stdErr), f(p.lower), f(p.upper)])
                }
            }
            out += ["", "Survival at given times (R's summary(survfit(fit, newdata), times=)):", at.render()]
            atTable = at
            if curves.contains(where: { c in c.curve.survival(at: times).contains(where: \.beyondLastFollowUp) }) {
                out.append("* after the last follow-up: R's summary(times=) drops these; S(t) carried forward, n.risk 0.")
            }
        }
        out += ["", ciNote + ".", "plot cox curves draws them."]
        var tables = [ResultTable(title: "Adjusted survival curves (survfit.coxph): \(last.modelText)", header: table.header,
                                  rows: table.rows, footnotes: [meansNote, ciNote].compactMap { $0 }, name: "summary")]
        if let atTable {
            tables.append(ResultTable(title: "Survival at given times (survfit.coxph): \(last.modelText)", header: atTable.header,
                                      rows: atTable.rows, footnotes: [ciNote], name: "times"))
        }
        var j = JSONObject(command: "cox")
        j["kind"] = .string("curves")
        j["model"] = .string(last.modelText)
        j["conf_type"] = .string(conf.rawValue)
        j["level"] = .num(level)
        j["curves"] = .array(zip(labels, curves).map { label, c in
            var o = JSONObject()
            o["label"] = .string(label)
            o["profile"] = .object(profiles[c.profile].values.map { ($0.0, .string($0.1)) })
            if !last.strataLabels.isEmpty { o["stratum"] = .string(last.strataLabels[c.stratum]) }
            o["n"] = .int(c.curve.n)
            o["events"] = .int(c.curve.events)
            let m = c.curve.median
            o["median"] = .num(m.time)
            o["median_lower"] = .num(m.lower)
            o["median_upper"] = .num(m.upper)
            o["table"] = .array(c.curve.rows.map(\.json))
            if !times.isEmpty { o["at"] = .array(c.curve.survival(at: times).map { $0.json(lastTime: c.curve.lastTime) }) }
            return o.value
        })
        return CommandOutput(text: out.joined(separator: "\n"), json: j.value, tables: tables)
    }

    /// `at sex=1,2 age=60` -> settings; every variable must be a model variable, given once.
    static func curveSettings(_ words: [String], last: CoxLastFit) throws -> [CurveSetting] {
        var rest = words
        if rest.first == "at" { rest.removeFirst() }
        let modelVars = last.terms.flatMap(\.variables)
        var out: [CurveSetting] = []
        for w in rest {
            guard let eq = w.firstIndex(of: "="), eq != w.startIndex else {
                throw SurvshError.usage("cox", "'\(w)' is not a covariate setting", expected: "cox curves at VAR=V1,V2 ... (e.g. at sex=1,2 age=60)")
            }
            let name = String(w[..<eq])
            let values = w[w.index(after: eq)...].split(separator: ",").map { Arguments.unquote(String($0).trimmingCharacters(in: .whitespaces)) }
            guard modelVars.contains(name) else {
                throw SurvshError.usage("cox", "'\(name)' is not a covariate of the last model (\(last.modelText))",
                                        expected: modelVars.isEmpty ? "a model with covariates" : orList(Array(Set(modelVars)).sorted()))
            }
            guard !values.isEmpty, !values.contains(where: { $0.isEmpty }) else {
                throw SurvshError.usage("cox", "no value for \(name)", expected: "\(name)=V1,V2,...")
            }
            guard !out.contains(where: { $0.variable == name }) else {
                throw SurvshError.usage("cox", "\(name) is set twice", expected: "each covariate once: \(name)=V1,V2")
            }
            out.append(CurveSetting(variable: name, values: values))
        }
        return out
    }

    /// A covariate row: its label (`sex=1, age=60`), the values set, and the design row z.
    struct CurveProfile {
        let label: String
        let values: [(String, String)]
        let z: [Double]
    }

    /// Every combination of the settings (first variable slowest) as design rows.
    static func curveProfiles(_ settings: [CurveSetting], last: CoxLastFit) throws -> [CurveProfile] {
        var combos: [[(String, String)]] = [[]]
        for s in settings { combos = combos.flatMap { c in s.values.map { c + [(s.variable, $0)] } } }
        return try combos.map { combo in
            let given = Dictionary(uniqueKeysWithValues: combo)
            var z = last.fit.means
            for term in last.terms {
                let set = term.variables.filter { given[$0] != nil }
                if set.isEmpty { continue }
                if set.count < term.variables.count {
                    let missing = term.variables.filter { given[$0] == nil }
                    throw SurvshError.usage("cox", "the term \(term.label) needs every variable set (missing \(missing.joined(separator: ", ")))",
                                            expected: "at " + term.variables.map { "\($0)=..." }.joined(separator: " "))
                }
                try designValues(term, given: given, last: last, into: &z)
            }
            let label = combo.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
            return CurveProfile(label: label, values: combo, z: z)
        }
    }

    /// Sets the design columns of `term` from the given values (R's model.matrix for newdata).
    static func designValues(_ term: CoxLastFit.Term, given: [String: String], last: CoxLastFit, into z: inout [Double]) throws {
        let names = last.data.columnNames
        if term.variables.count == 1 && term.isFactor {
            let v = given[term.variables[0]]!
            guard let level = term.levels.first(where: { $0 == v || (Double($0) != nil && Double($0) == Double(v)) }) else {
                throw SurvshError.usage("cox", "'\(v)' is not a level of \(term.label)", expected: orList(term.levels))
            }
            for c in term.columns { z[c] = names[c] == term.label + level ? 1 : 0 }
            return
        }
        let numbers = term.variables.map { given[$0].flatMap(Double.init) }
        guard term.columns.count == 1, !numbers.contains(where: { $0 == nil }) else {
            if term.variables.count > 1 {
                throw SurvshError.usage("cox", "curves for the interaction \(term.label) with a factor are not supported",
                                        expected: "numeric values for \(term.variables.joined(separator: ", ")), or leave the term at its mean")
            }
            throw SurvshError.usage("cox", "\(term.variables[0])=\(given[term.variables[0]] ?? "") is not a number", expected: "\(term.variables[0])=NUMBER")
        }
        z[term.columns[0]] = numbers.reduce(1) { $0 * $1! }
    }

    /// "Covariates not set are at fit$means: ph.ecog = 0.95" (nil when every covariate is set).
    static func meansText(settings: [CurveSetting], last: CoxLastFit, session: Session) -> String? {
        let set = Set(settings.map(\.variable))
        let free = last.terms.filter { !$0.variables.contains(where: set.contains) }
        if free.isEmpty { return nil }
        let parts = free.map { t -> String in
            if t.isFactor { return "\(t.label) at its reference level" }
            return t.columns.map { "\(last.data.columnNames[$0]) = \(session.fmt(last.fit.means[$0]))" }.joined(separator: ", ")
        }
        return "Covariates not set are at R's fit$means (0 for 0/1 columns): " + parts.joined(separator: "; ")
    }
}
