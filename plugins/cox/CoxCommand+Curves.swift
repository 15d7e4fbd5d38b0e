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
    static func curves(words: [String], args: Arguments, level: Double, session: Session) throws -> CommandOutput {
        let last = try session.requireLastCoxFit("cox", "for curves")
        let model = covariateModel(last)
        let settings = try model.settings(words)
        let profiles = try model.profiles(settings, base: last.fit.means)
        let conf = KaplanMeierConfType(rawValue: args.string("conf") ?? "log") ?? .log
        try Interrupt.check("cox")
        let curves: [CoxAdjustedCurve]
        do {
            curves = try CoxSurvivalCurve.curves(last.fit, data: last.data, profiles: profiles.map(\.z), confType: conf,
                                                 level: level, cancel: Interrupt.cancellation)
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

    /// The last fit's terms, for reading `at` settings into design rows.
    static func covariateModel(_ last: CoxLastFit) -> CovariateModel {
        CovariateModel(terms: last.terms, columnNames: last.data.columnNames, modelText: last.modelText, command: "cox",
                       usage: "cox curves at VAR=V1,V2 ... (e.g. at sex=1,2 age=60)")
    }

    /// "Covariates not set are at fit$means: ph.ecog = 0.95" (nil when every covariate is set).
    static func meansText(settings: [CovariateSetting], last: CoxLastFit, session: Session) -> String? {
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
