// Placeholder until numerics land.
enum SurvivalStatsPlaceholder {}
