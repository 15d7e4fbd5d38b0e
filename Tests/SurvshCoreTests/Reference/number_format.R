# number_format.R — how R prints p-values and numbers, for SurvshCore's NumberFormat.
#
# Run from the repository root:   Rscript Tests/SurvshCoreTests/Reference/number_format.R
# Writes Tests/SurvshCoreTests/Reference/number_format.json next to this script.
# `pvalues`: format.pval(p, digits = d) for each p-value alone (R's default eps =
# .Machine$double.eps), for d = 1..7; print.htest uses digits = max(1, getOption("digits") - 3) = 4,
# survsh's default `set digits 4`. `numbers`: format(x, digits = d) for one number (formatReal with
# scipen = 0), the rule format.pval builds on. Inputs are stored with 17 significant digits, also as
# text (`*_text`): Foundation's JSON parser can miss the nearest double by an ulp, and formatting
# near a rounding tie depends on that ulp.

out_path <- "Tests/SurvshCoreTests/Reference/number_format.json"

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvshCoreTests/Reference" })
source(file.path(ref_dir, "..", "..", "SurvivalStatsTests", "Reference", "common.R"))   # to_json

set.seed(16)
pvalues <- c(1, 0.99999, 0.5, 0.05, 0.0499999, 0.123456, 0.1, 0.001111, 0.00149, 0.00099996,
             0.0001, 0.000123456, 3.25e-05, 3.7e-05, 5.83e-06, 1e-10, 2.3e-16, 2.220446049250313e-16,
             2e-16, 1e-20, 1e-300, 0,
             signif(runif(10), 8), 10^-runif(10, 0, 12))
numbers <- c(pvalues[pvalues > 0], 123456, 1234567, 0.999996, 9.99996, 99999.6, -0.00012345, -42.195,
             1e15, 1.5e15, 123456789012, 2.5, 0.125, 1e5, 1e-5, 100)

pcases <- lapply(pvalues, function(p)
  list(p = p, p_text = sprintf("%.17g", p), formatted = I(vapply(1:7, function(d) format.pval(p, digits = d), ""))))
ncases <- lapply(numbers, function(x)
  list(x = x, x_text = sprintf("%.17g", x), formatted = I(vapply(1:7, function(d) format(x, digits = d), ""))))

result <- list(
  meta = list(r_version = R.version.string, generator = "Tests/SurvshCoreTests/Reference/number_format.R",
              digits = I(1:7)),
  pvalues = pcases, numbers = ncases)
writeLines(to_json(result), out_path)
cat("wrote", out_path, "\n")
