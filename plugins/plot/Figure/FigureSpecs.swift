// FigureSpecs.swift — the plain inputs of the figure layer.
//
// Contract: every figure is described by a value type holding numbers and strings only. The
// renderers (`SVGRenderer`, `TerminalPlot`) and the data writer (`FigureData`) read these specs and
// never compute statistics beyond what a plot needs (histogram bins, box-plot statistics, axis
// ticks). Callers (the `plot` command) compute Kaplan–Meier curves, confidence limits and
// numbers at risk with SurvivalStats and pass them in.
//
// Conventions:
// - Sizes are SVG user units (px at 96 dpi). PNG output has width × height pixels (times the
//   export scale); PDF pages are width × height × 0.75 pt.
// - Missing values (a confidence limit that is undefined) are `nil`; non-finite numbers are
//   skipped when drawing.
// - Invalid shapes never trap: arrays of mismatched lengths are truncated to the shortest, and an
//   empty series draws nothing.

/// One curve: a right-continuous step function (or a polyline) with optional pointwise
/// confidence limits and censoring marks.
///
/// For a Kaplan–Meier curve the caller includes the starting point `(0, 1)` followed by one point
/// per distinct event time, `values[i]` being S(t) on `[times[i], times[i+1])`. The curve is drawn
/// exactly through the given points and continues horizontally to `endTime` (default: the largest
/// of the last time and the last censoring time).
public struct StepSeries: Sendable, Equatable {
    /// Legend label (also the risk-table row label when the caller uses the same text).
    public var label: String
    /// Times of the step points, increasing.
    public var times: [Double]
    /// Curve value at each time (held until the next time).
    public var values: [Double]
    /// Lower confidence limit at each time, `nil` where undefined; empty when there is no CI.
    public var lower: [Double?]
    /// Upper confidence limit at each time, `nil` where undefined; empty when there is no CI.
    public var upper: [Double?]
    /// Times of censored observations (drawn as `+` marks).
    public var censorTimes: [Double]
    /// Curve value at each censoring time (the height at which the mark is drawn).
    public var censorValues: [Double]
    /// Where the last horizontal segment ends; `nil` = max(last time, last censoring time).
    public var endTime: Double?

    public init(label: String, times: [Double], values: [Double],
                lower: [Double?] = [], upper: [Double?] = [],
                censorTimes: [Double] = [], censorValues: [Double] = [],
                endTime: Double? = nil) {
        self.label = label
        self.times = times
        self.values = values
        self.lower = lower
        self.upper = upper
        self.censorTimes = censorTimes
        self.censorValues = censorValues
        self.endTime = endTime
    }

    /// True when both confidence-limit arrays are present and as long as `times`.
    public var hasConfidenceLimits: Bool {
        !lower.isEmpty && lower.count == times.count && upper.count == times.count
    }

    /// The last time the curve reaches (`endTime`, or the last step or censoring time).
    public var lastTime: Double? {
        if let endTime, endTime.isFinite { return endTime }
        let candidates = (times + censorTimes).filter { $0.isFinite }
        return candidates.max()
    }
}

/// One row of a number-at-risk table.
public struct RiskTableRow: Sendable, Equatable {
    /// Row label, coloured like the curve with the same index.
    public var label: String
    /// Number at risk at each tick of the enclosing `RiskTable`.
    public var counts: [Int]

    public init(label: String, counts: [Int]) {
        self.label = label
        self.counts = counts
    }
}

/// A number-at-risk table. Its `ticks` are also the x-axis ticks of the figure, so the columns
/// sit at the tick positions by construction.
public struct RiskTable: Sendable, Equatable {
    public var ticks: [Double]
    public var rows: [RiskTableRow]
    public var title: String

    public init(ticks: [Double], rows: [RiskTableRow], title: String = "Number at risk") {
        self.ticks = ticks
        self.rows = rows
        self.title = title
    }
}

/// A Kaplan–Meier figure: step curves, optional CI bands and censor marks, an optional
/// number-at-risk table and p-value.
public struct KMFigureSpec: Sendable, Equatable {
    public var series: [StepSeries]
    public var showCI: Bool
    public var showCensorMarks: Bool
    public var riskTable: RiskTable?
    /// Free text such as "Log-rank p = 0.0013", drawn with the legend.
    public var pValueText: String?
    public var title: String?
    public var xlab: String
    public var ylab: String
    /// Tick interval on the time axis (e.g. 12 for months); `nil` = R's pretty() ticks.
    public var xBreak: Double?
    /// Right end of the time axis; curves, bands and marks beyond it are clipped.
    public var xMax: Double?
    public var width: Double
    public var height: Double
    /// Label the y axis 0%–100% instead of 0–1.
    public var percentAxis: Bool
    /// Optional heading over the legend entries (e.g. the grouping variable).
    public var legendTitle: String?
    /// Fitted (smooth) curves drawn dashed over the step curves, one per series in the same order
    /// and colour (`plot km overlay=weibull`); empty for none.
    public var fitted: [StepSeries] = []
    /// What the dashed curves are ("dashed: Weibull fit"), shown with the legend.
    public var fittedNote: String?

    public init(series: [StepSeries], showCI: Bool = false, showCensorMarks: Bool = true,
                riskTable: RiskTable? = nil, pValueText: String? = nil, title: String? = nil,
                xlab: String = "Time", ylab: String = "Survival probability",
                xBreak: Double? = nil, xMax: Double? = nil,
                width: Double = 720, height: Double = 540, percentAxis: Bool = false,
                legendTitle: String? = nil) {
        self.series = series
        self.showCI = showCI
        self.showCensorMarks = showCensorMarks
        self.riskTable = riskTable
        self.pValueText = pValueText
        self.title = title
        self.xlab = xlab
        self.ylab = ylab
        self.xBreak = xBreak
        self.xMax = xMax
        self.width = width
        self.height = height
        self.percentAxis = percentAxis
        self.legendTitle = legendTitle
    }

    /// Right end of the time axis: `xMax`, else the last time any curve reaches.
    public var timeAxisMax: Double {
        if let xMax, xMax.isFinite, xMax > 0 { return xMax }
        let last = series.compactMap { $0.lastTime }.max() ?? 1
        return last > 0 ? last : 1
    }

    /// The time-axis ticks this figure uses when it has no risk table; a caller building a risk
    /// table asks for these first and computes the numbers at risk at exactly these times.
    public var defaultTimeTicks: [Double] {
        KMFigureSpec.timeTicks(axisMax: timeAxisMax, xBreak: xBreak)
    }

    /// The ticks drawn: the risk table's (when present) or `defaultTimeTicks`, restricted to the
    /// axis range [0, timeAxisMax].
    public var timeTicks: [Double] {
        let maxT = timeAxisMax
        let raw = riskTable?.ticks ?? defaultTimeTicks
        return raw.filter { $0.isFinite && $0 >= 0 && $0 <= maxT * (1 + 1e-9) }
    }

    /// Ticks on [0, axisMax]: multiples of `xBreak` when given (at most 60 of them), otherwise
    /// R's `pretty(c(0, axisMax))` restricted to the range.
    public static func timeTicks(axisMax: Double, xBreak: Double?) -> [Double] {
        if let step = xBreak, step.isFinite, step > 0, axisMax / step <= 60 {
            var ticks: [Double] = []
            var k = 0
            while Double(k) * step <= axisMax * (1 + 1e-9) {
                ticks.append(Double(k) * step)
                k += 1
            }
            return ticks
        }
        return niceTicks(min: 0, max: axisMax, targetCount: 5).filter { $0 <= axisMax * (1 + 1e-9) }
    }
}

/// A generic line or step figure (log(−log S) against log t, cumulative hazard).
public struct XYFigureSpec: Sendable, Equatable {
    public enum Style: String, Sendable, Equatable {
        /// Right-continuous steps (`H`/`V` path segments).
        case step
        /// Straight segments between points.
        case line
    }

    public var series: [StepSeries]
    public var style: Style
    public var showCI: Bool
    public var showCensorMarks: Bool
    /// Logarithmic x axis (points with x ≤ 0 are dropped), labelled in the original units.
    public var logX: Bool
    public var title: String?
    public var xlab: String
    public var ylab: String
    public var xMin: Double?
    public var xMax: Double?
    public var yMin: Double?
    public var yMax: Double?
    public var xBreak: Double?
    public var width: Double
    public var height: Double
    public var legendTitle: String?

    public init(series: [StepSeries], style: Style = .step, showCI: Bool = false,
                showCensorMarks: Bool = false, logX: Bool = false, title: String? = nil,
                xlab: String = "Time", ylab: String = "", xMin: Double? = nil, xMax: Double? = nil,
                yMin: Double? = nil, yMax: Double? = nil, xBreak: Double? = nil,
                width: Double = 720, height: Double = 480, legendTitle: String? = nil) {
        self.series = series
        self.style = style
        self.showCI = showCI
        self.showCensorMarks = showCensorMarks
        self.logX = logX
        self.title = title
        self.xlab = xlab
        self.ylab = ylab
        self.xMin = xMin
        self.xMax = xMax
        self.yMin = yMin
        self.yMax = yMax
        self.xBreak = xBreak
        self.width = width
        self.height = height
        self.legendTitle = legendTitle
    }
}

/// One row of a forest plot: a term's hazard ratio with its confidence interval, a factor
/// heading (`isHeader`) or a factor's reference level (`isReference`).
public struct ForestRow: Sendable, Equatable {
    public var label: String
    public var hr: Double?
    public var lower: Double?
    public var upper: Double?
    /// Preformatted p-value text ("0.0013", "<0.001"), shown in the p column.
    public var pText: String?
    public var isHeader: Bool
    public var isReference: Bool
    /// Indentation level of the label (levels under a factor heading use 1).
    public var indent: Int
    /// Rows and events behind the row (shown in the n and events columns when known).
    public var n: Int?
    public var events: Int?

    public init(label: String, hr: Double? = nil, lower: Double? = nil, upper: Double? = nil,
                pText: String? = nil, isHeader: Bool = false, isReference: Bool = false,
                indent: Int = 0, n: Int? = nil, events: Int? = nil) {
        self.n = n
        self.events = events
        self.label = label
        self.hr = hr
        self.lower = lower
        self.upper = upper
        self.pText = pText
        self.isHeader = isHeader
        self.isReference = isReference
        self.indent = indent
    }
}

/// A forest plot of hazard ratios on a log axis.
public struct ForestSpec: Sendable, Equatable {
    public var rows: [ForestRow]
    public var title: String?
    public var xlab: String
    public var labelHeader: String
    public var estimateHeader: String
    public var pHeader: String
    /// Axis limits (hazard-ratio scale); intervals beyond them end in an arrow.
    public var xMin: Double?
    public var xMax: Double?
    public var width: Double
    /// `nil` = sized to the number of rows.
    public var height: Double?
    /// A line under the axis (e.g. the strata of the model).
    public var footnote: String?

    public init(rows: [ForestRow], title: String? = nil, xlab: String = "Hazard ratio (log scale)",
                labelHeader: String = "", estimateHeader: String = "HR (95% CI)",
                pHeader: String = "p", xMin: Double? = nil, xMax: Double? = nil,
                width: Double = 720, height: Double? = nil, footnote: String? = nil) {
        self.footnote = footnote
        self.rows = rows
        self.title = title
        self.xlab = xlab
        self.labelHeader = labelHeader
        self.estimateHeader = estimateHeader
        self.pHeader = pHeader
        self.xMin = xMin
        self.xMax = xMax
        self.width = width
        self.height = height
    }

    /// The figure height: `height`, or one row height per row plus header, title and axis.
    public var resolvedHeight: Double {
        if let height, height > 0 { return height }
        let rowsHeight = Double(max(rows.count, 1)) * ForestLayout.rowHeight
        return ForestLayout.top(hasTitle: title != nil) + ForestLayout.rowHeight + rowsHeight
            + ForestLayout.bottom + (footnote == nil ? 0 : ForestLayout.rowHeight)
    }
}

/// A histogram; bins as R's `hist()` (Sturges' rule and `pretty()` breaks) unless `breaks` given.
public struct HistogramSpec: Sendable, Equatable {
    public var values: [Double]
    /// Explicit break points (sorted by the renderer); `nil` = R's default.
    public var breaks: [Double]?
    public var title: String?
    public var xlab: String
    public var ylab: String
    public var width: Double
    public var height: Double

    public init(values: [Double], breaks: [Double]? = nil, title: String? = nil, xlab: String = "",
                ylab: String = "Frequency", width: Double = 720, height: Double = 480) {
        self.values = values
        self.breaks = breaks
        self.title = title
        self.xlab = xlab
        self.ylab = ylab
        self.width = width
        self.height = height
    }
}

/// One group of a box plot.
public struct BoxGroup: Sendable, Equatable {
    public var label: String
    public var values: [Double]

    public init(label: String, values: [Double]) {
        self.label = label
        self.values = values
    }
}

/// Box plots of one variable by group, with R's `boxplot.stats` (hinges by `fivenum`, whiskers to
/// the most extreme value within `coef` × IQR of the hinges, points beyond drawn as outliers).
public struct BoxPlotSpec: Sendable, Equatable {
    public var groups: [BoxGroup]
    public var title: String?
    public var xlab: String
    public var ylab: String
    public var coef: Double
    public var width: Double
    public var height: Double

    public init(groups: [BoxGroup], title: String? = nil, xlab: String = "", ylab: String = "",
                coef: Double = 1.5, width: Double = 720, height: Double = 480) {
        self.groups = groups
        self.title = title
        self.xlab = xlab
        self.ylab = ylab
        self.coef = coef
        self.width = width
        self.height = height
    }

    /// Ticks of the shared value axis (SVG and terminal): pretty() ticks over the finite values,
    /// widened by 1 each way when they are all equal.
    var valueTicks: [Double] {
        let all = groups.flatMap { $0.values.filter { $0.isFinite } }
        let ticks = niceTicks(min: all.min() ?? 0, max: all.max() ?? 1, targetCount: 5)
        if ticks.count >= 2 { return ticks }
        return niceTicks(min: (all.min() ?? 0) - 1, max: (all.max() ?? 0) + 1, targetCount: 5)
    }
}
