# hardening.R — R's answers for data survsh must handle as R does (issue 14): negative and zero
# survival times, which survfit, survdiff and coxph accept without a warning.
# Run from the repository root: Rscript Tests/SurvivalStatsTests/Reference/hardening.R
ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))
suppressMessages(library(survival))

d <- read.csv("Tests/Fixtures/edge/negative_times.csv")
km <- survfit(Surv(time, status) ~ 1, data = d)
cx <- coxph(Surv(time, status) ~ x, data = d)
lr <- survdiff(Surv(time, status) ~ g, data = d)
out <- list(
  generated_by = "Tests/SurvivalStatsTests/Reference/hardening.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  negative_times = list(
    km = list(time = I(km$time), surv = I(km$surv), n_risk = I(km$n.risk)),
    cox = list(coef = unname(coef(cx)), se = unname(sqrt(diag(cx$var)))),
    logrank = list(chisq = lr$chisq)
  )
)
writeLines(to_json(out), file.path(ref_dir, "hardening.json"))
cat("wrote", file.path(ref_dir, "hardening.json"), "\n")
