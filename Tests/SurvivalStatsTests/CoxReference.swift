// Loader for Reference/cox.json (written by Reference/cox.R from R's survival package).
import Foundation
import XCTest
@testable import SurvivalStats

/// jsonlite writes a length-1 character vector as a plain string: accept both.
struct StringList: Decodable {
    let values: [String]
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let one = try? c.decode(String.self) { values = [one] } else { values = try c.decode([String].self) }
    }
}

struct CoxRefFile: Decodable {
    let r_version: String
    let survival_version: String
    let models: [CoxRefModel]
    let concordance: [ConcRef]
    let firth: [FirthRef]
}

struct CoxRefInput: Decodable {
    let n: Int
    let columns: StringList
    let x: [[Double]]
    let start: [Double]?
    let time: [Double]
    let event: [Double]
    let strata: [Double]?
    let cluster: [Double]?
    let term_names: StringList?
    let term_assign: [String: [Double]]?

    func coxData() throws -> CoxData {
        let names = columns.values
        var assign = Array(0..<names.count)
        var tnames = names
        if let tn = term_names?.values, let ta = term_assign {
            tnames = tn
            for (t, name) in tn.enumerated() {
                for c in ta[name] ?? [] { assign[Int(c) - 1] = t }
            }
        }
        return try CoxData(columns: x, columnNames: names, start: start, stop: time,
                           event: event.map { $0 != 0 },
                           strata: strata.map { $0.map { Int32($0) } },
                           cluster: cluster.map { $0.map { Int32($0) } },
                           termNames: tnames, termAssign: assign)
    }
}

struct ZphRef: Decodable {
    let transform: String
    let rows: StringList
    let chisq: [Double?]
    let df: [Double?]
    let p: [Double?]
}

struct CoxRefModel: Decodable {
    let id: String
    let data: String
    let formula: String
    let ties: String
    let note: String
    let iter_max: Int
    let input: CoxRefInput
    let n: Int
    let nevent: Int
    let iter: Int
    let coef: [Double?]
    let se: [Double?]
    let robust_se: [Double?]?
    let z: [Double?]
    let p: [Double?]
    let hr: [Double?]
    let hr_lower: [Double?]
    let hr_upper: [Double?]
    let `var`: [Double?]
    let naive_var: [Double?]?
    let means: [Double?]
    let loglik: [Double]
    let lr_test: [Double?]
    let wald_test: [Double?]
    let score_test: [Double?]
    let robust_score_test: [Double?]?
    let concordance: [Double?]
    let warnings: StringList
    let infinite_columns: [Double]
    let zph: [ZphRef]?
    let score_residuals: [[Double]]?
}

struct ConcRefInput: Decodable {
    let x: [Double]
    let start: [Double]?
    let time: [Double]
    let event: [Double]
    let strata: [Double]?
    let cluster: [Double]?
}

struct ConcRef: Decodable {
    let id: String
    let formula: String
    let reverse: Bool
    let input: ConcRefInput
    let count: [Double]
    let concordance: Double
    let std: Double
    let influence: [[Double]]
}

struct FirthRef: Decodable {
    let id: String
    let data: String
    let formula: String
    let level: Double
    let input: CoxRefInput
    let coef: [Double]
    let se: [Double]
    let hr: [Double]
    let hr_lower: [Double]
    let hr_upper: [Double]
    let p: [Double]
    let loglik: [Double]
    let lr_test: [Double]
}

enum CoxReference {
    /// Reference/cox.json located next to this file (via #filePath, no bundle needed).
    static func load(file: StaticString = #filePath) throws -> CoxRefFile {
        let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
            .appendingPathComponent("Reference/cox.json")
        let data = try Data(contentsOf: url)
        return try JSONDecoder().decode(CoxRefFile.self, from: data)
    }

    static let shared: CoxRefFile? = try? load()

    static func model(_ id: String) throws -> CoxRefModel {
        let ref = try XCTUnwrap(shared, "cox.json could not be loaded")
        return try XCTUnwrap(ref.models.first { $0.id == id }, "no reference model \(id)")
    }

    /// A model of Reference/cox_followup.json (section `section`) with its cox.json input and fit.
    struct FollowUp {
        let ref: [String: Any]
        let id: String
        let model: CoxRefModel
        let data: CoxData
        let fit: CoxFitResult
    }

    /// Every model of a cox_followup.json section, fitted on its cox.json input (same id).
    static func followUps(_ section: String) throws -> [FollowUp] {
        let file = try StatsReferenceJSON.load("cox_followup")
        return try StatsReferenceJSON.rows(file, section).map { r in
            let id = try XCTUnwrap(StatsReferenceJSON.string(r["id"]))
            let m = try model(id)
            let data = try m.input.coxData()
            let fit = try CoxFit.fit(data, ties: CoxTies(rawValue: m.ties)!, concordance: false)
            return FollowUp(ref: r, id: id, model: m, data: data, fit: fit)
        }
    }
}
