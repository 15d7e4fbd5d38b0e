// PlotCommand+Overlay.swift — `plot km ... overlay=weibull`: the survreg model Surv ~ GROUP (the
// figure's groups as a factor, R's survreg(Surv(time, status) ~ group, dist = )) fitted with
// SurvivalStats.SurvregFit, and its survival curve S(t | group) drawn for each group over the
// group's Kaplan-Meier curve, at 201 evenly spaced times from 0 to the end of the time axis.

import Foundation
import SurvivalStats
import SurvshCore

extension PlotCommand {
    /// The fitted curves (one per group, in the groups' order), a summary phrase and JSON.
    static func survregOverlay(_ dist: SurvregDistribution, data: SurvivalData, grouping: Grouping, labels: [String],
                               axisMax: Double, modelText: String) throws -> (curves: [StepSeries], summary: String, json: JSONValue) {
        let command = "plot"
        if data.start != nil {
            throw SurvshError.usage(command, "overlay= fits a survreg model, which takes right-censored data only (as R's survreg)",
                                    expected: "Surv(TIME, EVENT) without a start time")
        }
        // Group indicators (the first group is the reference), as R's model.matrix of a factor.
        let columns = (1..<max(grouping.count, 1)).map { g in grouping.codes.map { $0 == Int32(g) ? 1.0 : 0 } }
        let fit: SurvregFitResult
        do {
            fit = try SurvregFit.fit(SurvregData(time: data.time, event: data.event, columns: columns,
                                                 columnNames: grouping.labels.dropFirst().map { $0 }), distribution: dist,
                                     cancel: Interrupt.cancellation)
        } catch let e as SurvregError {
            throw SurvshError.data(command, "overlay=\(dist.rawValue): \(e.description)")
        }
        let grid = (0...200).map { axisMax * Double($0) / 200 }
        let curves = labels.indices.map { g -> StepSeries in
            let row = (1..<max(grouping.count, 1)).map { $0 == g ? 1.0 : 0 }
            let times = dist.logTime ? Array(grid.dropFirst()) : grid
            let values = times.map { fit.survival(at: $0, row) }
            return StepSeries(label: labels[g], times: (dist.logTime ? [0] : []) + times, values: (dist.logTime ? [1] : []) + values)
        }
        let scales = fit.scales.map { NumberFormat.significant($0, digits: 4) }.joined(separator: ", ")
        let summary = "dashed: \(dist.displayName) fit (survreg \(modelText), scale \(scales)\(dist.fixedScale != nil ? " fixed" : ""))"
        var j = JSONObject()
        j["dist"] = .string(dist.rawValue)
        j["model"] = .string(modelText)
        j["coefficients"] = .array(zip(fit.names, fit.coefficients).map { .object([("name", .string($0)), ("coef", .num($1))]) })
        j["scale"] = .array(fit.scales.map { .num($0) })
        j["loglik"] = .num(fit.loglik.model)
        j["times"] = .array(grid.map { .num($0) })
        j["curves"] = .array(zip(grouping.labels, labels.indices).map { label, g in
            let row = (1..<max(grouping.count, 1)).map { $0 == g ? 1.0 : 0 }
            return .object([("label", .string(label)),
                            ("surv", .array(grid.map { .num($0 == 0 && dist.logTime ? 1 : fit.survival(at: $0, row)) }))])
        })
        return (curves, summary, j.value)
    }
}
