// FigureData.swift — the numbers behind a figure as CSV (`plot ... data=PATH.csv`).
//
// Contract: one tidy table per figure, header row first, comma separated, fields quoted only when
// they contain a comma, quote or line break (RFC 4180), "\n" line ends, numbers in shortest
// round-trip form ("0.1", "12", "1e-05"), missing values as NA (read back by `load`, R's
// read.csv and pandas alike). Rows follow the drawing: what the time axis clips (xMax) is left out.
//
// KM / XY columns: series, kind, time, value, lower, upper, n_risk
//   kind = step (a curve point), censor (a censor mark), at_risk (a risk-table count at a tick)
// Forest: label, kind (header|reference|term), hr, lower, upper, p
// Histogram: lower, upper, count, density, mid
// Box: group, n, lower_whisker, q1, median, q3, upper_whisker, notch_lower, notch_upper, outliers
//   (outliers separated by ';')

import Foundation
import SurvshCore

/// CSV text of the numbers a figure draws.
public enum FigureData {
    /// A field quoted when needed.
    static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    private static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    private static func num(_ v: Double?) -> String { shortestNumber(v) }

    /// Curve points, censor marks and numbers at risk of a KM figure.
    public static func csv(_ spec: KMFigureSpec) -> String {
        var out = line(["series", "kind", "time", "value", "lower", "upper", "n_risk"])
        let limit = spec.timeAxisMax * (1 + 1e-9)
        out += seriesRows(spec.series, withCI: spec.showCI, within: { $0 >= 0 && $0 <= limit })
        if let table = spec.riskTable {
            for row in table.rows {
                for (k, t) in table.ticks.enumerated() where k < row.counts.count && t.isFinite && t >= 0 && t <= limit {
                    out += line([row.label, "at_risk", num(t), "NA", "NA", "NA", String(row.counts[k])])
                }
            }
        }
        return out
    }

    /// Curve points (and censor marks) of an XY figure.
    public static func csv(_ spec: XYFigureSpec) -> String {
        var out = line(["series", "kind", "time", "value", "lower", "upper", "n_risk"])
        let lo = spec.xMin ?? -Double.infinity
        let hi = spec.xMax ?? Double.infinity
        out += seriesRows(spec.series, withCI: spec.showCI,
                          within: { $0 >= lo && $0 <= hi && (!spec.logX || $0 > 0) },
                          censor: spec.showCensorMarks)
        return out
    }

    private static func seriesRows(_ series: [StepSeries], withCI: Bool, within: (Double) -> Bool,
                                   censor: Bool = true) -> String {
        var out = ""
        for s in series {
            let n = min(s.times.count, s.values.count)
            let ci = withCI && s.hasConfidenceLimits
            for i in 0..<n where within(s.times[i]) {
                out += line([s.label, "step", num(s.times[i]), num(s.values[i]),
                             ci ? num(s.lower[i]) : "NA", ci ? num(s.upper[i]) : "NA", "NA"])
            }
            if censor {
                for j in 0..<min(s.censorTimes.count, s.censorValues.count) where within(s.censorTimes[j]) {
                    out += line([s.label, "censor", num(s.censorTimes[j]), num(s.censorValues[j]), "NA", "NA", "NA"])
                }
            }
        }
        return out
    }

    /// Rows of a forest plot.
    public static func csv(_ spec: ForestSpec) -> String {
        var out = line(["label", "kind", "hr", "lower", "upper", "p"])
        for row in spec.rows {
            let kind = row.isHeader ? "header" : (row.isReference ? "reference" : "term")
            let hr: Double? = row.isReference ? 1 : row.hr
            out += line([row.label, kind, num(row.isHeader ? nil : hr), num(row.lower), num(row.upper), row.pText ?? "NA"])
        }
        return out
    }

    /// Bins of a histogram (density as R's hist: count / (n × width)).
    public static func csv(_ spec: HistogramSpec) -> String {
        let bins = HistogramBins(values: spec.values, breaks: spec.breaks)
        var out = line(["lower", "upper", "count", "density", "mid"])
        for (i, c) in bins.counts.enumerated() {
            let a = bins.breaks[i]
            let b = bins.breaks[i + 1]
            let density = bins.n > 0 ? Double(c) / (Double(bins.n) * (b - a)) : Double.nan
            out += line([num(a), num(b), String(c), num(density), num(0.5 * (a + b))])
        }
        return out
    }

    /// Box statistics per group.
    public static func csv(_ spec: BoxPlotSpec) -> String {
        var out = line(["group", "n", "lower_whisker", "q1", "median", "q3", "upper_whisker",
                        "notch_lower", "notch_upper", "outliers"])
        for g in spec.groups {
            let st = BoxStats(values: g.values, coef: spec.coef)
            out += line([g.label, String(st.n)] + st.stats.map { num($0) } + [num(st.notchLower), num(st.notchUpper),
                         st.outliers.isEmpty ? "" : st.outliers.map { num($0) }.joined(separator: ";")])
        }
        return out
    }

    /// Writes CSV text to `path` (any extension; .csv expected).
    public static func write(csv: String, to path: String) throws {
        try FigureExport.checkWritable(path)
        do {
            try Data(csv.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FigureExportError.cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
