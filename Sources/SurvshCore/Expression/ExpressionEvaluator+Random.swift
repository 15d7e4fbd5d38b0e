// ExpressionEvaluator+Random.swift — seeded random functions in expressions: runif(min, max),
// rnorm(mean, sd), rexp(rate), rweibull(shape, scale), rbinom(size, prob) and sample(x), with R's
// parameter names and defaults. R's first argument n is implied: one draw per loaded row, in row
// order. A parameter may be a number or a column (one value per row); a row whose parameter is NA
// gets NA and draws nothing. sample(COLUMN) is a random permutation of the column's values (R's
// sample(x)); sample(K) gives each row a whole number from 1 to K with equal chance (R's
// sample(K, n, replace = TRUE)). The transformations are documented in SurvivalStats.RandomVariates;
// the stream is the session's (RandomStream, `set seed=N`). R's own streams are not reproduced.

import SurvivalStats

extension ExpressionEvaluator {
    static let randomFunctionNames = ["runif", "rnorm", "rexp", "rweibull", "rbinom", "sample"]

    /// An evaluator over the session's data that draws from the session's random stream.
    public init(session: Session, command: String, text: String) {
        self.init(frame: session.frame, command: command, text: text)
        random = session.random
        collation = session.settings.collation
    }

    /// The warning for an expression that drew from a stream no `set seed=N` started (else none).
    public static func reproducibilityWarnings(_ e: Expr, session: Session) -> [String] {
        guard session.random.seed == nil, usesRandom(e) else { return [] }
        return ["the random numbers cannot be reproduced: no seed was set ('set seed=N' first makes them repeatable)"]
    }

    /// Whether an expression calls one of the random functions (so its command can warn when unseeded).
    public static func usesRandom(_ e: Expr) -> Bool {
        switch e {
        case .call(let name, let args, _): return randomFunctionNames.contains(name) || args.contains(where: usesRandom)
        case .unary(_, let x, _): return usesRandom(x)
        case .binary(_, let a, let b, _): return usesRandom(a) || usesRandom(b)
        case .isIn(let x, let list, _): return usesRandom(x) || list.contains(where: usesRandom)
        default: return false
        }
    }

    func randomCall(_ name: String, _ args: [Expr], _ pos: Int) throws -> EvalValue {
        guard let random else {
            throw fail("\(name)() draws random numbers, which \(command) does not use", at: pos,
                       expected: "random functions in generate, replace or filter")
        }
        let signature: [(name: String, fallback: Double?)]
        switch name {
        case "runif": signature = [("min", 0), ("max", 1)]
        case "rnorm": signature = [("mean", 0), ("sd", 1)]
        case "rexp": signature = [("rate", 1)]
        case "rweibull": signature = [("shape", nil), ("scale", 1)]
        case "rbinom": signature = [("size", nil), ("prob", nil)]
        default: return try sample(args, pos, random: random)
        }
        let required = signature.filter { $0.fallback == nil }.count
        guard (required...signature.count).contains(args.count) else {
            let usage = signature.map { p in p.fallback.map { "\(p.name) = \(NumberFormat.significant($0))" } ?? p.name }
            let range = required == signature.count ? "\(required)" : "\(required) to \(signature.count)"
            throw fail("\(name)() takes \(range) argument\(signature.count == 1 ? "" : "s"), not \(args.count)",
                       at: pos, expected: "\(name)(\(usage.joined(separator: ", "))): one draw per row")
        }
        var params: [Num] = []
        for (k, p) in signature.enumerated() {
            guard k < args.count else { params.append(.scalar(p.fallback!)); continue }
            guard let (v, _) = numeric(try eval(args[k])) else {
                throw fail("\(name)()'s \(p.name) must be a number, but \(describe(args[k])) is text", at: args[k].position)
            }
            if case .scalar(let d) = v, !isValid(name, parameter: p.name, d) {
                throw fail("\(name)()'s \(p.name) = \(NumberFormat.significant(d, digits: 6)) is out of range", at: args[k].position,
                           expected: domain(name, parameter: p.name))
            }
            params.append(v)
        }
        func value(_ k: Int, _ row: Int) -> Double {
            switch params[k] { case .scalar(let d): return d; case .vector(let v): return v[row] }
        }
        var out = [Double](repeating: .nan, count: n)
        random.draw { g in
            for row in 0..<n {
                let a = value(0, row), b = params.count > 1 ? value(1, row) : .nan
                if a.isNaN || (params.count > 1 && b.isNaN) { continue }
                switch name {
                case "runif": out[row] = RandomVariates.uniform(&g, min: a, max: b)
                case "rnorm": out[row] = RandomVariates.normal(&g, mean: a, sd: b)
                case "rexp": out[row] = RandomVariates.exponential(&g, rate: a)
                case "rweibull": out[row] = RandomVariates.weibull(&g, shape: a, scale: b)
                default: out[row] = RandomVariates.binomial(&g, size: a, prob: b)
                }
            }
        }
        return .numbers(out, name == "rbinom" ? .integer : .real)
    }

    func isValid(_ function: String, parameter: String, _ x: Double) -> Bool {
        if x.isNaN { return true }
        switch (function, parameter) {
        case ("runif", _), ("rnorm", "mean"): return x.isFinite
        case ("rnorm", "sd"): return x.isFinite && x >= 0
        case ("rbinom", "size"): return x >= 0 && x <= RandomVariates.maxBinomialSize && x == x.rounded()
        case ("rbinom", "prob"): return x >= 0 && x <= 1
        default: return x.isFinite && x > 0
        }
    }

    func domain(_ function: String, parameter: String) -> String {
        switch (function, parameter) {
        case ("runif", _), ("rnorm", "mean"): return "a finite number"
        case ("rnorm", "sd"): return "a number >= 0"
        case ("rbinom", "size"): return "a whole number from 0 to 1000000"
        case ("rbinom", "prob"): return "a probability from 0 to 1"
        default: return "a number > 0"
        }
    }

    /// sample(COLUMN): a permutation of its values; sample(K): whole numbers 1...K drawn per row.
    func sample(_ args: [Expr], _ pos: Int, random: RandomStream) throws -> EvalValue {
        guard args.count == 1 else {
            throw fail("sample() takes 1 argument, not \(args.count)", at: pos,
                       expected: "sample(COLUMN) to shuffle a column, or sample(K) for whole numbers from 1 to K")
        }
        switch try eval(args[0]) {
        case .scalar(let k, _):
            guard k >= 1, k == k.rounded(), k <= 1e15 else {
                throw fail("sample(K) needs a whole number K >= 1", at: args[0].position, expected: "e.g. sample(2)")
            }
            let out = random.draw { g in (0..<n).map { _ in Double(RandomVariates.integer(&g, upTo: UInt64(k))) } }
            return .numbers(out, .integer)
        case .numbers(let v, let kind):
            let order = random.draw { g in RandomVariates.permutation(&g, count: v.count) }
            return .numbers(order.map { v[$0] }, kind)
        case .texts(let codes, let levels):
            let order = random.draw { g in RandomVariates.permutation(&g, count: codes.count) }
            return .texts(order.map { codes[$0] }, levels: levels)
        case .scalarText:
            throw fail("sample() needs a column or a whole number, not a string", at: args[0].position)
        }
    }
}
