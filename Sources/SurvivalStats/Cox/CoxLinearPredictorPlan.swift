// CoxLinearPredictorPlan.swift — R's fit$linear.predictors of a Cox fit as coefficients and an offset,
// and the one way they are summed per row: CoxFit.linearPredictor (a pass of its own over the design)
// and CoxTimeRanks' information pass (which writes them from the design block it has just read, so
// a fit need not read the n x p design once more at its end) both use it, and give the same numbers.
//
// Contract
//   Inputs:   coefficients in R's scaled units, which columns are aliased, the scaling and R's means.
//   Outputs:  coef = beta * scale (original units; aliased columns 0), offset = sum of means * coef
//             over the non-aliased columns (R: X beta - sum(means * beta)), and per row
//             lp = (((0 + x_j1 coef_j1) + x_j2 coef_j2) + ...) - offset over the columns with a
//             non-zero coefficient in column order.
//   `matches`: the same coefficients and offset bit for bit (then the same linear predictor).

struct CoxLinearPredictorPlan: Sendable {
    let coef: [Double]
    let offset: Double
    /// The columns with a non-zero coefficient, in column order.
    let used: [Int]

    init(betaScaled: [Double], aliased: [Bool], scale: [Double], means: [Double]) {
        let p = betaScaled.count
        let coefOrig = (0..<p).map { betaScaled[$0] * scale[$0] }
        var offset = 0.0
        for j in 0..<p where !aliased[j] { offset += means[j] * coefOrig[j] }
        let coef = (0..<p).map { aliased[$0] ? 0 : coefOrig[$0] }
        self.coef = coef
        self.offset = offset
        used = (0..<p).filter { coef[$0] != 0 }
    }

    /// Bit-for-bit the same coefficients and offset (-0.0 and 0.0 differ: x - offset may).
    func matches(_ other: CoxLinearPredictorPlan) -> Bool {
        offset.bitPattern == other.offset.bitPattern && coef.map(\.bitPattern) == other.coef.map(\.bitPattern)
    }

    /// The linear predictor of rows lo ..< lo + count into out[0 ..< count], from the design columns
    /// as stored.
    @inline(__always)
    func write(rows lo: Int, count m: Int, columns: UnsafePointer<UnsafePointer<Double>>,
               into out: UnsafeMutablePointer<Double>) {
        for t in 0..<m { out[t] = 0 }
        for j in used {
            let b = coef[j], col = columns[j] + lo
            for t in 0..<m { out[t] += col[t] * b }
        }
        for t in 0..<m { out[t] -= offset }
    }
}
