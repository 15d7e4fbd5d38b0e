// TestAlternative.swift — the alternative hypothesis of a test, spelled as R spells it.

/// The alternative hypothesis: `two.sided`, `less` or `greater` (R's `alternative=`).
public enum TestAlternative: String, Sendable, CaseIterable, Equatable {
    case twoSided = "two.sided"
    case less
    case greater
}
