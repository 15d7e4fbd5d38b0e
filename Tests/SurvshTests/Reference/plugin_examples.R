# plugin_examples.R — reference values for the example runtime plugins (plugins/examples/), written to
# plugin_examples.json next to this script. Run from the repository root:
#   Rscript Tests/SurvshTests/Reference/plugin_examples.R
# PluginExampleTests reads the JSON (CI has no R).
#   km_median: print.survfit's median (survmean's minmin) per group — the point estimate of the Python
#              `bootstrap` example; "half" is a curve at exactly 0.5 over a stretch (median = midpoint).
#   aareg:     summary(aareg(...))$table (slope, coef, se(coef), z, p) and the chi-square test — the R
#              `aareg` example.
#   rmst:      print(survfit, rmean = tau)'s restricted mean and its se — the Swift `rmst` example.
ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvshTests/Reference" })
source(file.path(ref_dir, "..", "..", "SurvivalStatsTests", "Reference", "common.R"))
suppressPackageStartupMessages(library(survival))

lung <- read_dataset("lung")
veteran <- read_dataset("veteran")
aml <- read_dataset("aml")
ovarian <- read_dataset("ovarian")
half <- data.frame(time = c(1, 2, 2, 3, 5, 6, 7, 8), status = c(1, 1, 1, 1, 0, 1, 1, 0))

medians <- function(fit) {
  tab <- summary(fit)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  m <- unname(tab[, "median"])
  groups <- if (is.null(fit$strata)) "all" else names(fit$strata)
  list(groups = I(groups), median = I(m))
}

km_median <- list(
  lung_all = medians(survfit(Surv(time, status) ~ 1, data = lung)),
  lung_sex = medians(survfit(Surv(time, status) ~ sex, data = lung)),
  veteran_celltype = medians(survfit(Surv(time, status) ~ celltype, data = veteran)),
  aml_x = medians(survfit(Surv(time, status) ~ x, data = aml)),
  ovarian_rx = medians(survfit(Surv(futime, fustat) ~ rx, data = ovarian)),
  half = medians(survfit(Surv(time, status) ~ 1, data = half))
)

aareg_table <- function(fit) {
  s <- summary(fit)
  tab <- s$table
  list(terms = I(rownames(tab)), slope = I(unname(tab[, "slope"])), coef = I(unname(tab[, "coef"])),
       se = I(unname(tab[, "se(coef)"])), z = I(unname(tab[, "z"])), p = I(unname(tab[, "p"])),
       chisq = s$chisq[1], df = length(s$test.statistic) - 1,
       chisq_p = pchisq(s$chisq[1], length(s$test.statistic) - 1, lower.tail = FALSE), n = s$n[1])
}
aareg_ref <- list(
  lung = aareg_table(aareg(Surv(time, status) ~ age + sex + ph.ecog, data = lung)),
  veteran = aareg_table(aareg(Surv(time, status) ~ karno + celltype,   # text -> factor, levels sorted
                              data = transform(veteran, celltype = factor(celltype)), dfbeta = TRUE))
)

rmst_table <- function(fit, tau) {
  tab <- summary(fit, rmean = tau)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  list(tau = tau, rmean = I(unname(tab[, "rmean"])), se = I(unname(tab[, "se(rmean)"])))
}
rmst_ref <- list(
  lung_sex_365 = rmst_table(survfit(Surv(time, status) ~ sex, data = lung), 365),
  aml_all_40 = rmst_table(survfit(Surv(time, status) ~ 1, data = aml), 40)
)

out <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
            km_median = km_median, aareg = aareg_ref, rmst = rmst_ref)
writeLines(to_json(out), file.path(ref_dir, "plugin_examples.json"))
