# output_commands.R — reference values for `summarize ... by=` and `tabulate A B chi2 exact`, computed
# by R on the shipped data sets (tapply + quantile type 7; chisq.test, fisher.test on table()).
#
# Run from the repository root:   Rscript Tests/SurvshTests/Reference/output_commands.R
# Writes Tests/SurvshTests/Reference/output_commands.json next to this script.

out_path <- "Tests/SurvshTests/Reference/output_commands.json"

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvshTests/Reference" })
source(file.path(ref_dir, "..", "..", "SurvivalStatsTests", "Reference", "common.R"))   # to_json, read_dataset

lung <- read_dataset("lung"); net <- read_dataset("net_liver_mets")

## summarize VAR by=GROUP: per level (in R's level order), the statistics of the non-missing values.
by_summary <- function(data, dataset, var, by) {
  g <- data[[by]]; x <- data[[var]]
  levs <- sort(unique(g[!is.na(g)]))
  list(dataset = dataset, command = paste0("summarize ", var, " by=", by),
       groups = lapply(levs, function(l) {
         v <- x[!is.na(g) & g == l]; v2 <- v[!is.na(v)]
         q <- unname(quantile(v2, c(0.25, 0.5, 0.75), type = 7))
         list(level = as.character(l), n = length(v2), missing = sum(is.na(v)), mean = mean(v2),
              sd = if (length(v2) > 1) sd(v2) else NA, min = min(v2), q1 = q[1], median = q[2], q3 = q[3],
              max = max(v2))
       }))
}

## tabulate A B chi2 exact: the tests on table(A, B) (complete cases).
tab_tests <- function(data, dataset, a, b) {
  t <- table(data[[a]], data[[b]])
  c1 <- suppressWarnings(chisq.test(t)); c0 <- suppressWarnings(chisq.test(t, correct = FALSE))
  list(dataset = dataset, command = paste("tabulate", a, b, "chi2 exact"),
       chi2 = list(statistic = unname(c0$statistic), df = unname(c0$parameter), p = c0$p.value),
       chi2_corrected = if (all(dim(t) == 2)) list(statistic = unname(c1$statistic), df = unname(c1$parameter),
                                                   p = c1$p.value) else NULL,
       fisher = list(p = fisher.test(t)$p.value),
       small_expected = any(c1$expected < 5))
}

## plot km ~ sex xscale=years (lung, days): survminer's xscale = "d_y" divides times by 365.25; the
## risk table at whole years is summary(survfit(Surv(time / 365.25, status) ~ sex), times = 0:2).
library(survival)
fit_y <- survfit(Surv(time / 365.25, status) ~ sex, data = lung)
sy <- summary(fit_y, times = 0:2)
xscale_years <- list(times = I(0:2), strata = I(as.character(sy$strata)), n_risk = I(sy$n.risk),
                     last_time = I(unname(tapply(lung$time / 365.25, lung$sex, max))))

result <- list(
  meta = list(r_version = R.version.string, generator = "Tests/SurvshTests/Reference/output_commands.R"),
  summarize_by = list(by_summary(lung, "lung", "wt.loss", "ph.ecog"), by_summary(lung, "lung", "age", "sex"),
                      by_summary(net, "net_liver_mets", "ki67_liver", "primary_site")),
  tabulate = list(tab_tests(lung, "lung", "sex", "status"), tab_tests(lung, "lung", "sex", "ph.ecog"),
                  tab_tests(net, "net_liver_mets", "primary_site", "sstr_liver")),
  xscale_years = xscale_years)
writeLines(to_json(result), out_path)
cat("wrote", out_path, "\n")
