// CoxCholesky.swift — LDL' decomposition with a singularity tolerance, solve and inverse.
//
// Contract
//   Inputs:   a symmetric p x p matrix (row-major, only the lower triangle is read), a
//             tolerance `toler` (R's toler.chol).
//   Preconditions: the matrix is (numerically) positive semi-definite.
//   Outputs:  L (unit lower triangular) and D; the rank; solve(b) = A^- b and the generalized
//             inverse A^-, in which every column whose pivot fell below the tolerance is
//             treated as absent: its solution component and its row/column of the inverse are 0.
//   Reference: the symmetric LDL' (square-root-free Cholesky) factorization, Golub & Van Loan,
//             Matrix Computations, §4.1; Therneau & Grambsch (2000) §3.3 on aliased columns.
//   R convention: as survival's cholesky2/chsolve2/chinv2 — a pivot is declared zero when it is
//             below toler * max|diag(A)| (or below toler if the diagonal is all zero); R's coxph
//             then reports NA for the coefficient of such a column.

import Foundation

struct CoxCholesky {
    let p: Int
    /// Row-major; strictly-lower part holds L, the diagonal holds D (0 for singular pivots).
    private(set) var m: [Double]
    /// Columns whose pivot was declared zero.
    private(set) var singular: [Bool]
    /// Number of non-singular pivots.
    private(set) var rank: Int
    /// False when a pivot was clearly negative (matrix not positive semi-definite).
    private(set) var nonNegative: Bool

    init(_ a: [Double], p: Int, toler: Double) {
        self.p = p
        var m = a
        var eps = 0.0
        for i in 0..<p { eps = max(eps, abs(m[i * p + i])) }
        eps = eps == 0 ? toler : eps * toler
        var singular = [Bool](repeating: false, count: p)
        var rank = 0
        var nonNeg = true
        for i in 0..<p {
            let pivot = m[i * p + i]
            if !pivot.isFinite || pivot < eps {
                m[i * p + i] = 0
                singular[i] = true
                if pivot < -8 * eps { nonNeg = false }
                for j in (i + 1)..<max(p, i + 1) { m[j * p + i] = 0 }
                continue
            }
            rank += 1
            for j in (i + 1)..<max(p, i + 1) {
                let t = m[j * p + i] / pivot
                m[j * p + i] = t
                m[j * p + j] -= t * t * pivot
                for k in (j + 1)..<max(p, j + 1) { m[k * p + j] -= t * m[k * p + i] }
            }
        }
        self.m = m
        self.singular = singular
        self.rank = rank
        self.nonNegative = nonNeg
    }

    /// Solves A y = b with singular components set to zero.
    func solve(_ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<p {
            var t = y[i]
            for j in 0..<i { t -= y[j] * m[i * p + j] }
            y[i] = t
        }
        for i in stride(from: p - 1, through: 0, by: -1) {
            let d = m[i * p + i]
            if d == 0 { y[i] = 0; continue }
            var t = y[i] / d
            for j in (i + 1)..<max(p, i + 1) { t -= y[j] * m[j * p + i] }
            y[i] = t
        }
        return y
    }

    /// The (generalized) inverse, row-major, with zero rows/columns for singular pivots.
    func inverse() -> [Double] {
        var inv = [Double](repeating: 0, count: p * p)
        var e = [Double](repeating: 0, count: p)
        for c in 0..<p {
            if singular[c] { continue }
            for i in 0..<p { e[i] = 0 }
            e[c] = 1
            let col = solve(e)
            for r in 0..<p { inv[r * p + c] = singular[r] ? 0 : col[r] }
        }
        // symmetrize
        for i in 0..<p {
            for j in 0..<i {
                let v = 0.5 * (inv[i * p + j] + inv[j * p + i])
                inv[i * p + j] = v
                inv[j * p + i] = v
            }
        }
        return inv
    }

    /// log det of the non-singular part (sum of log pivots).
    var logDeterminant: Double {
        var s = 0.0
        for i in 0..<p where !singular[i] { s += log(m[i * p + i]) }
        return s
    }

    /// Quadratic form b' A^- b.
    func quadraticForm(_ b: [Double]) -> Double {
        let y = solve(b)
        var s = 0.0
        for i in 0..<p { s += b[i] * y[i] }
        return s
    }
}

/// Fills the upper triangle of a row-major p x p matrix from its lower triangle.
@inline(__always)
func symmetrizeFromLower(_ a: inout [Double], p: Int) {
    for i in 0..<p { for j in 0..<i { a[j * p + i] = a[i * p + j] } }
}
