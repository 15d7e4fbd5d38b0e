// CoxZph+Plot.swift — the data of R's plot.cox.zph: scaled Schoenfeld residuals against the
// transformed event times, their natural-spline smooth and its pointwise band.
//
// Contract
//   Inputs:   a CoxFitResult, the CoxData it was fitted on, the time transform (km default), the
//             spline df (4) and the number of prediction points (40), as plot.cox.zph.
//   Outputs:  per model term: y = the scaled Schoenfeld residuals (beta(t) estimates) at each event
//             in (stratum, time) order, x = g(t) of those events, and the smooth: fit and
//             fit -/+ 2 sqrt(var_ii * seFactor^2) at 40 equally spaced x (R draws exactly these);
//             nil smooth when the spline fit is singular (R: "spline fit is singular", skipped).
//   Method (cox.zph, survival 3.x): with S the Schoenfeld residuals (events x columns), I the
//             information at beta-hat and D the number of events, vmean = I / D. A term with one
//             column j: y = S_j / vmean_jj ... in general y = S T (T' vmean T)^-1 + b, where T maps
//             columns to terms (1 for a one-column term; the coefficients for a factor's columns,
//             then b = 1 instead of the coefficient); var = (T' vmean T)^-1.
//   Precondition (documented deviation): every covariate varies within the risk sets of every
//             stratum (R's `used` counts then equal the events, the usual case).
//   Reference: Grambsch & Therneau (1994) Biometrika 81:515; Therneau & Grambsch (2000) §6.2.
//   R convention: survival 3.5-x cox.zph(fit, transform)$x, $y, $var; plot.cox.zph(df = 4, nsmo = 40).

import Foundation

/// One term's panel of plot.cox.zph.
public struct CoxZphPanel: Sendable {
    public let term: String
    /// Scaled Schoenfeld residuals, one per event (cox.zph's y column).
    public let y: [Double]
    /// cox.zph's var[i, i] for this term.
    public let variance: Double
    /// The spline smooth at the prediction points; nil when singular.
    public let smooth: NaturalSplineFit?
    /// fit -/+ 2 sqrt(variance) seFactor (R's dashed lines).
    public var lower: [Double] { smooth.map { s in zip(s.fit, s.seFactor).map { $0 - 2 * ($1 * $1 * variance).squareRoot() } } ?? [] }
    public var upper: [Double] { smooth.map { s in zip(s.fit, s.seFactor).map { $0 + 2 * ($1 * $1 * variance).squareRoot() } } ?? [] }
}

/// The data of plot.cox.zph for every term.
public struct CoxZphPlotData: Sendable {
    public let transform: CoxZphTransform
    /// g(t) at each event (cox.zph's x) and the event times (cox.zph's time).
    public let x: [Double]
    public let time: [Double]
    public let panels: [CoxZphPanel]
}

extension CoxZph {
    /// cox.zph's x, y and var with plot.cox.zph's smooth (df, nsmo as R's defaults).
    public static func plotData(_ fit: CoxFitResult, data: CoxData, transform: CoxZphTransform = .km,
                                df: Int = 4, points nsmo: Int = 40, cancel: Cancellation = .never) throws -> CoxZphPlotData {
        let (d, keep) = try estimatedColumns(fit, data: data)
        let p = d.p
        let beta = keep.map { fit.beta[$0] }
        let sch = try CoxResiduals.schoenfeld(d, coefficients: beta, ties: fit.ties, cancel: cancel)
        let tt = try transformedTimes(d, transform: transform, cancel: cancel)
        let x = sch.rows.map { tt[$0] }
        let events = Double(sch.rows.count)
        // information at beta-hat, original units, divided by the number of events
        let rs = try CoxRiskSet(d, cancel: cancel)
        let info = rs.evaluate(rs.toScaled(beta), ties: fit.ties).information
        try cancel.check()
        // terms -> columns (T)
        let nterm = d.termNames.count
        var tmat = [Double](repeating: 0, count: p * nterm)
        var termCols: [[Int]] = Array(repeating: [], count: nterm)
        for j in 0..<p { termCols[d.termAssign[j]].append(j) }
        let present = (0..<nterm).filter { !termCols[$0].isEmpty }
        for (c, t) in present.enumerated() {
            for j in termCols[t] { tmat[j * present.count + c] = termCols[t].count == 1 ? 1 : beta[j] }
        }
        let m = present.count
        // vmean_term = T' (I / D) T
        var vm = [Double](repeating: 0, count: m * m)
        for a in 0..<m { for b in 0..<m {
            var s = 0.0
            for j in 0..<p { for k in 0..<p {
                s += tmat[j * m + a] * info[j * p + k] / (rs.scale[j] * rs.scale[k] * events) * tmat[k * m + b]
            } }
            vm[a * m + b] = s
        } }
        let ch = CoxCholesky(vm, p: m, toler: 0)
        let vinv = ch.inverse()
        // y = S T vinv + offset
        var panels: [CoxZphPanel] = []
        let predX = (0..<nsmo).map { x.min()! + (x.max()! - x.min()!) * Double($0) / Double(nsmo - 1) }
        for (a, t) in present.enumerated() {
            var y = [Double](repeating: termCols[t].count == 1 ? beta[termCols[t][0]] : 1, count: sch.rows.count)
            for e in 0..<sch.rows.count {
                for b in 0..<m {
                    var st = 0.0
                    for j in 0..<p { st += sch.values[j][e] * tmat[j * m + b] }
                    y[e] += st * vinv[b * m + a]
                }
            }
            let smooth = NaturalSpline.fit(x: x, y: y, df: df, at: predX, knotValues: predX + x)
            panels.append(CoxZphPanel(term: d.termNames[t], y: y, variance: vinv[a * m + a], smooth: smooth))
        }
        return CoxZphPlotData(transform: transform, x: x, time: sch.time, panels: panels)
    }
}
