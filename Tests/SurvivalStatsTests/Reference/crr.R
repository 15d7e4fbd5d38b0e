# Reference values for competing-risks regression (Sources/SurvivalStats/CompetingRisks/FineGray.swift,
# plugins/crr, and the cause-specific `cox ... cause=K`).
#
# Run from the repository root:   Rscript Tests/SurvivalStatsTests/Reference/crr.R
# Writes Tests/SurvivalStatsTests/Reference/crr.json next to this script, and the synthetic
# three-cause data set Tests/SurvshTests/Fixtures/competing3.csv.
#
# Data:
#   mgus2 — data/mgus2.csv: R's survival::mgus2 with the competing-risks outcome of survival's
#           vignette, etime = ifelse(pstat == 0, futime, ptime),
#           event = ifelse(pstat == 0, 2 * death, 1)   (0 censored, 1 progression (pcm), 2 death),
#           and etype its text labels (see data/README.md).
#   competing3 — 300 synthetic rows written by this script (set.seed below): three causes, times
#           rounded to 0.5 so events of different causes and censorings tie, a numeric x, a 0/1 z and
#           a three-level text column grp (levels high, low, mid; R's reference is "high").
#
# What is stored:
#   crr: per model, the complete-case inputs (time, status code, design matrix with R's
#        model.matrix column names) and cmprsk::crr's results: coef, se = sqrt(diag(var)), z,
#        p = 2 * pnorm(-|z|) (the exact tail; summary.crr prints 2 * (1 - pnorm(|z|)), also stored
#        as p_summary, which loses digits below 1e-15), subdistribution HR exp(coef) and its 95%
#        CI exp(coef -/+ qnorm(0.975) se), the sandwich var, the information matrix (inf), the
#        pseudo log-likelihoods at 0 and at the estimate, the pseudo likelihood-ratio test
#        2 (loglik - loglik.null) on p df with p = pchisq(lower = FALSE), and the counts.
#   cause_cox: coxph(Surv(time, status == K) ~ ...) (the other causes censored), in cox.R's layout
#        (so the cox command tests compare them with the same code).
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
})

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))   # to_json, read_dataset

## ---------------------------------------------------------------- data
mgus2 <- read_dataset("mgus2")
stopifnot(all.equal(mgus2$etime, with(survival::mgus2, ifelse(pstat == 0, futime, ptime))),
          all.equal(mgus2$event, with(survival::mgus2, ifelse(pstat == 0, 2 * death, 1))))

set.seed(20261205)
n3 <- 300
competing3 <- local({
  x <- round(rnorm(n3), 2)
  z <- rbinom(n3, 1, 0.4)
  grp <- sample(c("low", "mid", "high"), n3, replace = TRUE, prob = c(0.4, 0.35, 0.25))
  g <- c(low = 0, mid = 0.4, high = 0.9)[grp]
  t1 <- rexp(n3, 0.10 * exp(0.5 * x + g))
  t2 <- rexp(n3, 0.08 * exp(-0.3 * x + 0.6 * z))
  t3 <- rexp(n3, 0.05 * exp(0.2 * z - 0.5 * g))
  cens <- runif(n3, 0.5, 10)
  tt <- pmin(t1, t2, t3, cens)
  status <- ifelse(tt == cens, 0, ifelse(tt == t1, 1, ifelse(tt == t2, 2, 3)))
  time <- pmax(0.5, round(tt * 2) / 2)
  data.frame(time = time, status = status, x = x, z = z, grp = grp, stringsAsFactors = FALSE)
})
fixture <- "Tests/SurvshTests/Fixtures/competing3.csv"
write.csv(competing3, fixture, row.names = FALSE, quote = FALSE)
competing3 <- read.csv(fixture, stringsAsFactors = FALSE)   # exactly what survsh loads
datasets <- list(mgus2 = mgus2, competing3 = competing3)

## ---------------------------------------------------------------- JSON helpers
J <- function(x) I(as.numeric(x))    # always an array
S <- function(x) as.numeric(x)[1]

## ---------------------------------------------------------------- crr
## rhs: R formula right side for model.matrix; names: survsh's column names when they differ from R's.
CRR <- function(id, data, time, status, rhs, cause, names = NULL, command = "", note = "")
  list(id = id, data = data, time = time, status = status, rhs = rhs, cause = cause, names = names,
       command = command, note = note)

crr_models <- list(
  CRR("mgus2_pcm", "mgus2", "etime", "event", "~ sex + age", 1,
      command = "crr Surv(etime, event) ~ sex + age cause=1", note = "progression (pcm) vs death"),
  CRR("mgus2_death", "mgus2", "etime", "event", "~ sex + age", 2,
      command = "crr Surv(etime, event) ~ sex + age cause=2", note = "death vs progression"),
  CRR("mgus2_pcm_labs", "mgus2", "etime", "event", "~ sex + age + hgb + creat + mspike", 1,
      command = "crr Surv(etime, event) ~ sex + age + hgb + creat + mspike cause=1",
      note = "rows with a missing lab value dropped"),
  CRR("mgus2_death_age_sex", "mgus2", "etime", "event", "~ age * sex", 2,
      command = "crr Surv(etime, event) ~ age * sex cause=2", note = "interaction"),
  CRR("competing3_c1", "competing3", "time", "status", "~ x + z + grp", 1,
      command = "crr Surv(time, status) ~ x + z + grp cause=1", note = "three causes, ties, text factor"),
  CRR("competing3_c3_ref", "competing3", "time", "status", "~ x + relevel(factor(grp), \"low\")", 3,
      names = c("x", "factor(grp, ref = \"low\")high", "factor(grp, ref = \"low\")mid"),
      command = "crr Surv(time, status) ~ x + factor(grp, ref = \"low\") cause=3",
      note = "factor with a chosen reference level"),
  CRR("competing3_c2", "competing3", "time", "status", "~ factor(z) + x", 2,
      names = c("factor(z)1", "x"),
      command = "finegray Surv(time, status) ~ factor(z) + x cause=2", note = "alias finegray")
)

run_crr <- function(spec) {
  d <- datasets[[spec$data]]
  fml <- as.formula(spec$rhs)
  d <- d[complete.cases(d[, c(spec$time, spec$status, all.vars(fml)), drop = FALSE]), , drop = FALSE]
  X <- model.matrix(fml, d)[, -1, drop = FALSE]
  if (!is.null(spec$names)) colnames(X) <- spec$names
  ft <- d[[spec$time]]
  fs <- d[[spec$status]]
  fit <- crr(ft, fs, X, failcode = spec$cause, cencode = 0)
  s <- summary(fit)
  b <- fit$coef
  se <- sqrt(diag(fit$var))
  z <- b / se
  q <- qnorm(0.975)
  lr <- 2 * (fit$loglik - fit$loglik.null)
  list(
    id = spec$id, data = spec$data, note = spec$note, command = spec$command, cause = spec$cause,
    input = list(time = J(ft), status = J(fs), columns = I(colnames(X)),
                 x = lapply(seq_len(ncol(X)), function(j) J(X[, j]))),
    n = fit$n, dropped = nrow(datasets[[spec$data]]) - nrow(d),
    n_cause = sum(fs == spec$cause), n_competing = sum(fs != spec$cause & fs != 0),
    n_censored = sum(fs == 0),
    converged = fit$converged,
    coef = J(b), se = J(se), z = J(z), p = J(2 * pnorm(-abs(z))), p_summary = J(2 * (1 - pnorm(abs(z)))),
    shr = J(exp(b)), shr_lower = J(exp(b - q * se)), shr_upper = J(exp(b + q * se)),
    summary_conf_int = J(s$conf.int[, 3:4]),
    var = J(fit$var), inf = J(fit$inf),
    loglik = S(fit$loglik), loglik_null = S(fit$loglik.null),
    lr_test = J(c(lr, length(b), pchisq(lr, length(b), lower.tail = FALSE)))
  )
}

## ---------------------------------------------------------------- cause-specific Cox
CSC <- function(id, data, formula, cause, command)
  list(id = id, data = data, formula = formula, cause = cause, command = command)

csc_models <- list(
  CSC("mgus2_csc_pcm", "mgus2", "Surv(etime, event == 1) ~ sex + age", 1,
      "cox Surv(etime, event) ~ sex + age cause=1"),
  CSC("mgus2_csc_death", "mgus2", "Surv(etime, event == 2) ~ sex + age", 2,
      "cox Surv(etime, event) ~ sex + age cause=2"),
  CSC("competing3_csc_c1", "competing3", "Surv(time, status == 1) ~ x + z + grp", 1,
      "cox Surv(time, status) ~ x + z + grp cause=1"),
  CSC("competing3_csc_c3_breslow", "competing3", "Surv(time, status == 3) ~ x + factor(z)", 3,
      "cox Surv(time, status) ~ x + factor(z) cause=3 ties=breslow")
)

run_csc <- function(spec) {
  d <- datasets[[spec$data]]
  fml <- as.formula(spec$formula)
  d <- d[complete.cases(d[, all.vars(fml), drop = FALSE]), , drop = FALSE]
  ties <- if (grepl("breslow", spec$command)) "breslow" else "efron"
  fit <- coxph(fml, data = d, ties = ties, x = TRUE)
  s <- summary(fit)
  cm <- s$coefficients
  list(
    id = spec$id, data = spec$data, formula = spec$formula, cause = spec$cause, command = spec$command,
    ties = ties, input = list(columns = I(colnames(fit$x))),
    n = fit$n, nevent = fit$nevent,
    n_competing = sum(d[[all.vars(fml)[2]]] != spec$cause & d[[all.vars(fml)[2]]] != 0),
    coef = J(fit$coefficients), se = J(cm[, "se(coef)"]), z = J(cm[, "z"]), p = J(cm[, "Pr(>|z|)"]),
    hr = J(s$conf.int[, "exp(coef)"]), hr_lower = J(s$conf.int[, 3]), hr_upper = J(s$conf.int[, 4]),
    loglik = J(fit$loglik), lr_test = J(s$logtest), wald_test = J(c(fit$wald.test, s$waldtest[2:3])), score_test = J(s$sctest),
    concordance = J(fit$concordance[1:7])
  )
}

out <- list(
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  cmprsk_version = as.character(packageVersion("cmprsk")),
  generator = "Tests/SurvivalStatsTests/Reference/crr.R",
  crr = lapply(crr_models, run_crr),
  cause_cox = lapply(csc_models, run_csc)
)
writeLines(to_json(out), file.path(ref_dir, "crr.json"))
