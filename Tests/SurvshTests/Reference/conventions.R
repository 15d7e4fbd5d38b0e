# conventions.R — R's side of `set convention=` and `km/cox ... compare`: what survival 3.5 prints
# under its defaults (conf.type = "log", print.survfit's median, coxph ties = "efron") and with
# conf.type = "log-log" and ties = "breslow", the settings SAS and Stata use by default. The SAS and
# Stata percentile rules are NOT taken from here: ConventionTests derives them from the manuals'
# formulas (see the comments there); these values fix the curves and fits those rules read.
#
# Run from the repository root:   Rscript Tests/SurvshTests/Reference/conventions.R
# Writes Tests/SurvshTests/Reference/conventions.json next to this script.

out_path <- "Tests/SurvshTests/Reference/conventions.json"
ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvshTests/Reference" })
source(file.path(ref_dir, "..", "..", "SurvivalStatsTests", "Reference", "common.R"))   # to_json, read_dataset
library(survival)

lung <- read_dataset("lung")

## km ~ sex on lung: print.survfit's median and limits, summary(times = 365), quantile(0.25).
km_case <- function(conf_type) {
  fit <- survfit(Surv(time, status) ~ sex, data = lung, conf.type = conf_type)
  tab <- summary(fit)$table
  s <- summary(fit, times = 365)
  q <- quantile(fit, probs = 0.25)
  list(conf_type = conf_type, labels = I(rownames(tab)),
       median = I(unname(tab[, "median"])), lower = I(unname(tab[, "0.95LCL"])), upper = I(unname(tab[, "0.95UCL"])),
       surv365 = I(s$surv), lower365 = I(s$lower), upper365 = I(s$upper), std_err365 = I(s$std.err),
       q25 = I(unname(q$quantile[, 1])), q25_lower = I(unname(q$lower[, 1])), q25_upper = I(unname(q$upper[, 1])))
}

## cox ~ age + sex + ph.ecog on lung with Efron (R) and Breslow (SAS PHREG, Stata stcox) ties.
cox_case <- function(ties) {
  fit <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung, ties = ties)
  ci <- summary(fit)$conf.int
  list(ties = ties, names = I(names(coef(fit))), coef = I(unname(coef(fit))), hr = I(unname(exp(coef(fit)))),
       lower = I(unname(ci[, "lower .95"])), upper = I(unname(ci[, "upper .95"])), loglik = I(fit$loglik))
}

## The Statalist example (2002-11, "-stsum- vs -stci-"): six events at 1, 2, 2, 4, 6, 8, where S is
## exactly 0.5 on [2, 4): print.survfit's median is the midpoint, 3.
tie <- data.frame(time = c(1, 2, 2, 4, 6, 8), status = 1)
tie_fit <- survfit(Surv(time, status) ~ 1, data = tie)

result <- list(
  meta = list(r_version = R.version.string, survival_version = as.character(packageVersion("survival")),
              generator = "Tests/SurvshTests/Reference/conventions.R"),
  km_lung_sex = list(log = km_case("log"), loglog = km_case("log-log")),
  cox_lung = list(efron = cox_case("efron"), breslow = cox_case("breslow")),
  statalist = list(median = unname(summary(tie_fit)$table["median"])))
writeLines(to_json(result), out_path)
cat("wrote", out_path, "\n")
