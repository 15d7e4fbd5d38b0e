// KMCompareView.swift — `km ... compare`: one Kaplan–Meier estimate (the median with its CI,
// quantiles=, S(t) with its CI at times=) as R, SAS and Stata report it by default, side by side,
// with a line per rule that differs saying why and whether it changed a number here.

import SurvivalStats
import SurvshCore

struct KMCompareView {
    /// The curves of one convention (fitted with its CI transform, or the conf= given).
    struct Column {
        let convention: Convention
        let conf: KaplanMeierConfType
        let curves: [KaplanMeierCurve]

        func median(_ i: Int) -> KaplanMeierQuantile { curves[i].median(convention.percentiles) }
        func quantiles(_ i: Int, _ probs: [Double]) -> [KaplanMeierQuantile] {
            curves[i].quantiles(probs, convention: convention.percentiles)
        }
    }

    /// The plain km view: model, labels, times=, quantiles=, formatting.
    let view: KMView
    let columns: [Column]
    /// conf= was given, so every column uses it.
    let confGiven: Bool

    func f(_ x: Double?) -> String { view.f(x) }

    var title: String { "Kaplan-Meier under R's, SAS's and Stata's rules: \(view.modelText)" }

    /// One row a quantity: the label of the curve (first row only), the quantity, one cell a column.
    func table() -> ResultTable {
        var rows: [[String]] = []
        for (i, label) in view.grouping.labels.enumerated() {
            var first = true
            func add(_ what: String, _ value: (Column) -> Double?) {
                rows.append([first ? label : "", what] + columns.map { f(value($0)) })
                first = false
            }
            add("median") { $0.median(i).time }
            add(view.lclHeader) { $0.median(i).lower }
            add(view.uclHeader) { $0.median(i).upper }
            for (k, p) in view.probs.enumerated() {
                add("q\(f(p))") { $0.quantiles(i, view.probs)[k].time }
                add("  lower") { $0.quantiles(i, view.probs)[k].lower }
                add("  upper") { $0.quantiles(i, view.probs)[k].upper }
            }
            for (k, t) in view.times.enumerated() {
                add("S(\(f(t)))") { $0.curves[i].survival(at: view.times)[k].surv }
                add("  lower \(view.percentText)") { $0.curves[i].survival(at: view.times)[k].lower }
                add("  upper \(view.percentText)") { $0.curves[i].survival(at: view.times)[k].upper }
            }
        }
        let header = ["", ""] + columns.map { "\($0.convention.packageName) (\($0.conf.rawValue))" }
        return ResultTable(title: title, header: header, rows: rows, footnotes: differences(), name: "compare")
    }

    // MARK: why they differ

    /// Labels of the curves where `value` is not the same under every convention (NA counts as a value).
    func curvesDiffering(_ value: (Column, Int) -> Double?) -> [String] {
        view.grouping.labels.indices.filter { i in Set(columns.map { f(value($0, i)) }).count > 1 }.map { view.grouping.labels[$0] }
    }

    func here(_ labels: [String], differ: String, agree: String) -> String {
        guard !labels.isEmpty else { return agree }
        let shown = labels.prefix(4).joined(separator: ", ") + (labels.count > 4 ? ", ..." : "")
        return "\(differ): \(shown)"
    }

    func column(_ c: Convention) -> Column? { columns.first { $0.convention == c } }

    /// One line a rule, each saying whether it changed a number here.
    func differences() -> [String] {
        var out: [String] = []
        if confGiven {
            out.append("CI transform: conf=\(view.conf.rawValue) given, so all three use it.")
        } else {
            let moved = curvesDiffering { c, i in c.median(i).lower } + curvesDiffering { c, i in c.median(i).upper }
            out.append("CI transform: R log (survfit's default), SAS log-log (LIFETEST CONFTYPE=LOGLOG) and Stata")
            out.append("  log-log (sts list); S(t) and its Greenwood std.err are the same, the limits are not"
                       + (view.times.isEmpty && moved.isEmpty ? " (the median's limits agree here)." : "."))
        }
        let point = curvesDiffering { c, i in c.median(i).time }
        out.append("median: R and SAS take the midpoint of a stretch where S(t) is exactly 0.5, Stata the first time")
        out.append("  S(t) <= 0.5; " + here(point, differ: "differs here for",
                                          agree: "no curve here sits at exactly 0.5, so the medians agree") + ".")
        if let sas = column(.sas), let stata = column(.stata) {
            // SAS and Stata share the transform (unless conf= was given to all): any difference in
            // the limits between them is the CI rule's.
            let limits = view.grouping.labels.indices.filter { i in
                f(sas.median(i).lower) != f(stata.median(i).lower) || f(sas.median(i).upper) != f(stata.median(i).upper)
            }.map { view.grouping.labels[$0] }
            out.append("median CI: R and Stata read it where the CI curves first reach 0.5; SAS takes the event times")
            out.append("  whose CI holds 0.5, its upper limit the next event time; "
                       + here(limits, differ: "SAS's and Stata's limits differ here for",
                              agree: "SAS's and Stata's limits agree here") + ".")
        }
        if !view.probs.isEmpty { out.append("quantiles=: the median's rules with 1 - p in place of 0.5.") }
        if !view.times.isEmpty {
            out.append("S(t) at times=: read the same way in all three (summary(times=), LIFETEST TIMELIST=, sts list at()).")
        }
        out.append("help set lists each rule with its manual section.")
        return out
    }

    // MARK: output

    func text() -> String {
        let t = table()
        var out = ["\(title) (\(view.data.countsText))", t.textTable(leftAligned: [0, 1]), ""]
        out += t.footnotes
        return out.joined(separator: "\n")
    }

    func json() -> JSONValue {
        var j = JSONObject(command: "km")
        j["kind"] = .string("compare")
        j["outcome"] = .string(view.response.label)
        j["groups"] = .array(view.formula.terms.map { .string($0.label) })
        j["n"] = .int(view.data.n)
        j["events"] = .int(view.data.events)
        j["level"] = .num(view.level)
        j["conventions"] = .array(columns.map { col in
            var c = JSONObject()
            c["convention"] = .string(col.convention.rawValue)
            c["label"] = .string(col.convention.label)
            c["conf_type"] = .string(col.conf.rawValue)
            c["median_rule"] = .string(col.convention.medianRuleLines.joined(separator: " "))
            c["strata"] = .array(view.grouping.labels.indices.map { i in
                var s = JSONObject()
                s["label"] = .string(view.grouping.labels[i])
                let m = col.median(i)
                s["median"] = .num(m.time)
                s["median_lower"] = .num(m.lower)
                s["median_upper"] = .num(m.upper)
                if !view.probs.isEmpty {
                    s["quantiles"] = .array(col.quantiles(i, view.probs).map { q in
                        .object([("p", .num(q.probability)), ("time", .num(q.time)), ("lower", .num(q.lower)),
                                 ("upper", .num(q.upper))])
                    })
                }
                if !view.times.isEmpty {
                    s["at"] = .array(col.curves[i].survival(at: view.times).map { p in
                        .object([("time", .num(p.time)), ("surv", .num(p.surv)), ("std_err", .num(p.stdErr)),
                                 ("lower", .num(p.lower)), ("upper", .num(p.upper))])
                    })
                }
                return s.value
            })
            return c.value
        })
        j["differences"] = .array(differences().map { .string($0) })
        return j.value
    }
}
