// LogRankPower.swift — events needed (or power reached) by a two-arm log-rank test, by Schoenfeld's
// and Freedman's formulas.
//
// Contract
//   Inputs   : hazard ratio hr > 0, hr ≠ 1 (arm B against arm A); alpha in (0, 1); sides 1 or 2;
//              p in (0, 1), the fraction of subjects in arm B; power in (0, 1) or a number of events D > 0.
//   Outputs  : the number of events D (unrounded: callers round up), or the power for a given D.
//   Method   : with z_a = Φ⁻¹(1 − alpha/sides), z_b = Φ⁻¹(power) and an effect size θ,
//                D = ((z_a + z_b) / θ)²,   power = Φ(θ √D − z_a)   (the far tail ignored);
//              Schoenfeld (1981):  θ = √(p(1 − p)) |log hr|
//              Freedman (1982):    θ = √(p(1 − p)) |1 − hr| / (1 − p + p·hr)
//              (for p = ½ Freedman's D is (z_a + z_b)² (1 + hr)² / (1 − hr)²).
//   Reference: D. Schoenfeld, "The asymptotic properties of nonparametric tests for comparing survival
//              distributions", Biometrika 68 (1981) 316–319; L. S. Freedman, "Tables of the number of
//              patients required in clinical trials using the logrank test", Stat Med 1 (1982) 121–129;
//              Collett, Modelling Survival Data in Medical Research, 3rd ed. (2015), §16.
//   R convention: as powerSurvEpi::ssizeCT.default's event count (Freedman) and gsDesign::nEvents
//              (Schoenfeld); not checked against them here (the tests work the formulas by hand).

import Foundation

public enum LogRankPowerMethod: String, Sendable, CaseIterable {
    case schoenfeld
    case freedman
}

public enum LogRankPower {
    /// The standardised effect size θ of the method.
    public static func effectSize(_ method: LogRankPowerMethod, hr: Double, p: Double) -> Double {
        let spread = (p * (1 - p)).squareRoot()
        switch method {
        case .schoenfeld: return spread * abs(log(hr))
        case .freedman: return spread * abs(1 - hr) / (1 - p + p * hr)
        }
    }

    /// z_a = Φ⁻¹(1 − alpha/sides).
    public static func zAlpha(alpha: Double, sides: Int) -> Double { Normal.quantile(1 - alpha / Double(sides)) }

    /// Events needed for `power`.
    public static func events(_ method: LogRankPowerMethod, hr: Double, alpha: Double, power: Double, p: Double = 0.5,
                              sides: Int = 2) -> Double {
        let z = zAlpha(alpha: alpha, sides: sides) + Normal.quantile(power)
        let theta = effectSize(method, hr: hr, p: p)
        return (z / theta) * (z / theta)
    }

    /// Power reached with `events` events.
    public static func power(_ method: LogRankPowerMethod, hr: Double, alpha: Double, events: Double, p: Double = 0.5,
                             sides: Int = 2) -> Double {
        Normal.cdf(effectSize(method, hr: hr, p: p) * events.squareRoot() - zAlpha(alpha: alpha, sides: sides))
    }
}
