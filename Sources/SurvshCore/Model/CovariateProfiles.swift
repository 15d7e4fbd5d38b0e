// CovariateProfiles.swift — covariate settings written after `at` (`at sex=1,2 age=60`) turned into
// model rows, as R's model.matrix builds them for newdata: `cox curves` and `survreg predict` read
// their settings through here. Every combination of the given values is one row (first variable
// slowest); a model variable not set keeps the value the caller starts from (Cox: fit$means).

/// A model term: the data columns it is made of and the design columns it owns.
public struct ModelTerm: Sendable {
    /// `age`, `factor(ph.ecog)`, `age:sex`.
    public let label: String
    /// The data columns of the term (two or more for an interaction).
    public let variables: [String]
    /// Indices of the term's design columns.
    public let columns: [Int]
    /// A factor main effect: all levels in order (the first is the reference unless `reference`).
    public let levels: [String]
    public let reference: String?
    public let isFactor: Bool
    public init(label: String, variables: [String], columns: [Int], levels: [String], reference: String?, isFactor: Bool) {
        self.label = label; self.variables = variables; self.columns = columns
        self.levels = levels; self.reference = reference; self.isFactor = isFactor
    }
}

/// One `VAR=V1,V2` setting after `at`.
public struct CovariateSetting: Sendable {
    public let variable: String
    public let values: [String]
}

/// A covariate row: its label (`sex=1, age=60`), the values set, and the design row z.
public struct CovariateProfile: Sendable {
    public let label: String
    public let values: [(String, String)]
    public let z: [Double]
}

/// The terms of a fitted model, for reading settings into design rows.
public struct CovariateModel: Sendable {
    public let terms: [ModelTerm]
    /// Design column names (R's model.matrix names), indexed by the terms' `columns`.
    public let columnNames: [String]
    /// `Surv(time, status) ~ age + sex`, for messages.
    public let modelText: String
    /// The command whose errors these are, and how its settings are written (`cox curves at VAR=V1,V2 ...`).
    public let command: String
    public let usage: String
    public init(terms: [ModelTerm], columnNames: [String], modelText: String, command: String, usage: String) {
        self.terms = terms; self.columnNames = columnNames; self.modelText = modelText
        self.command = command; self.usage = usage
    }

    /// `at sex=1,2 age=60` -> settings; every variable must be one of `allowed` (by default the
    /// model's variables), given once.
    public func settings(_ words: [String], allowed: [String]? = nil) throws -> [CovariateSetting] {
        var rest = words
        if rest.first == "at" { rest.removeFirst() }
        let modelVars = allowed ?? terms.flatMap(\.variables)
        var out: [CovariateSetting] = []
        for w in rest {
            guard let eq = w.firstIndex(of: "="), eq != w.startIndex else {
                throw SurvshError.usage(command, "'\(w)' is not a covariate setting", expected: usage)
            }
            let name = String(w[..<eq])
            let values = w[w.index(after: eq)...].split(separator: ",").map { Arguments.unquote(String($0).trimmingCharacters(in: .whitespaces)) }
            guard modelVars.contains(name) else {
                throw SurvshError.usage(command, "'\(name)' is not a covariate of the last model (\(modelText))",
                                        expected: modelVars.isEmpty ? "a model with covariates" : orList(Array(Set(modelVars)).sorted()))
            }
            guard !values.isEmpty, !values.contains(where: { $0.isEmpty }) else {
                throw SurvshError.usage(command, "no value for \(name)", expected: "\(name)=V1,V2,...")
            }
            guard !out.contains(where: { $0.variable == name }) else {
                throw SurvshError.usage(command, "\(name) is set twice", expected: "each covariate once: \(name)=V1,V2")
            }
            out.append(CovariateSetting(variable: name, values: values))
        }
        return out
    }

    /// Every combination of the settings (first variable slowest) as design rows starting from `base`.
    public func profiles(_ settings: [CovariateSetting], base: [Double]) throws -> [CovariateProfile] {
        var combos: [[(String, String)]] = [[]]
        for s in settings { combos = combos.flatMap { c in s.values.map { c + [(s.variable, $0)] } } }
        return try combos.map { combo in
            let given = Dictionary(uniqueKeysWithValues: combo)
            var z = base
            for term in terms {
                let set = term.variables.filter { given[$0] != nil }
                if set.isEmpty { continue }
                if set.count < term.variables.count {
                    let missing = term.variables.filter { given[$0] == nil }
                    throw SurvshError.usage(command, "the term \(term.label) needs every variable set (missing \(missing.joined(separator: ", ")))",
                                            expected: "at " + term.variables.map { "\($0)=..." }.joined(separator: " "))
                }
                try designValues(term, given: given, into: &z)
            }
            let label = combo.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
            return CovariateProfile(label: label, values: combo, z: z)
        }
    }

    /// Sets the design columns of `term` from the given values (R's model.matrix for newdata).
    func designValues(_ term: ModelTerm, given: [String: String], into z: inout [Double]) throws {
        if term.variables.count == 1 && term.isFactor {
            let v = given[term.variables[0]]!
            guard let level = term.levels.first(where: { $0 == v || (Double($0) != nil && Double($0) == Double(v)) }) else {
                throw SurvshError.usage(command, "'\(v)' is not a level of \(term.label)", expected: orList(term.levels))
            }
            for c in term.columns { z[c] = columnNames[c] == term.label + level ? 1 : 0 }
            return
        }
        let numbers = term.variables.map { given[$0].flatMap(Double.init) }
        guard term.columns.count == 1, !numbers.contains(where: { $0 == nil }) else {
            if term.variables.count > 1 {
                throw SurvshError.usage(command, "setting the interaction \(term.label) with a factor is not supported",
                                        expected: "numeric values for \(term.variables.joined(separator: ", ")), or leave the term at its mean")
            }
            throw SurvshError.usage(command, "\(term.variables[0])=\(given[term.variables[0]] ?? "") is not a number", expected: "\(term.variables[0])=NUMBER")
        }
        z[term.columns[0]] = numbers.reduce(1) { $0 * $1! }
    }
}
