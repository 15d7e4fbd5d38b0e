# Reference values for the model follow-ups after a Cox fit (issue 16, item 9):
# residuals.coxph of every type, survfit.coxph adjusted curves, the data of plot.cox.zph and
# lowess smooths of martingale residuals against covariates.
#
# Run from the repository root:   Rscript Tests/SurvivalStatsTests/Reference/cox_followup.R
# Writes Tests/SurvivalStatsTests/Reference/cox_followup.json next to this script.
#
# The models are those of cox.R with the same ids (their design matrices are stored in cox.json,
# which the tests reuse as input); here only the follow-up results are stored.
suppressPackageStartupMessages(library(survival))
ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))   # to_json, read_dataset

lung <- read_dataset("lung")
lung$month <- ceiling(lung$time / 30)
heart <- read_dataset("heart")
datasets <- list(lung = lung, heart = heart)

fit_model <- function(data, formula, ties = "efron") {
  d <- datasets[[data]]
  fml <- as.formula(formula)
  d <- d[complete.cases(d[, all.vars(fml), drop = FALSE]), , drop = FALSE]
  list(fit = coxph(fml, data = d, ties = ties), data = d)
}

## ---------------------------------------------------------------- residuals
# first and last 5 rows of every type (Schoenfeld: of the event rows, with their times)
ends <- function(v) { n <- length(v); I(as.numeric(v[c(1:5, (n - 4):n)])) }
cols <- function(m) lapply(seq_len(ncol(m)), function(j) ends(m[, j]))
R <- function(id, data, formula, ties = "efron") {
  f <- fit_model(data, formula, ties)$fit
  sch <- as.matrix(residuals(f, type = "schoenfeld"))
  list(id = id, formula = formula, ties = ties,
       martingale = ends(residuals(f, type = "martingale")),
       deviance = ends(residuals(f, type = "deviance")),
       score = cols(as.matrix(residuals(f, type = "score"))),
       dfbeta = cols(as.matrix(residuals(f, type = "dfbeta"))),
       schoenfeld = cols(sch), schoenfeld_time = ends(as.numeric(rownames(sch))),
       schoenfeld_n = nrow(sch))
}
residual_results <- list(
  R("lung_efron", "lung", "Surv(time, status) ~ age + sex + ph.ecog"),
  R("lung_ties_efron", "lung", "Surv(month, status) ~ age + sex + ph.ecog"),
  R("lung_ties_breslow", "lung", "Surv(month, status) ~ age + sex + ph.ecog", ties = "breslow"),
  R("lung_strata1", "lung", "Surv(time, status) ~ age + ph.ecog + strata(sex)"),
  R("heart_efron", "heart", "Surv(start, stop, event) ~ age + year + surgery + transplant")
)

## ---------------------------------------------------------------- survfit.coxph curves
# newdata: the given values; covariates not given are at fit$means (survsh's rule, and R's
# curve for the "average" subject). Every row of every curve, summary(times=) and the medians.
C <- function(id, data, formula, newdata, times, ties = "efron") {
  m <- fit_model(data, formula, ties)
  f <- m$fit
  nd <- as.data.frame(as.list(f$means))
  nd <- nd[rep(1, nrow(newdata)), , drop = FALSE]
  for (v in names(newdata)) nd[[v]] <- newdata[[v]]
  s <- survfit(f, newdata = nd)
  ns <- if (is.null(s$strata)) 1 else length(s$strata)
  strata_of <- if (is.null(s$strata)) rep(1, length(s$time)) else rep(seq_along(s$strata), s$strata)
  curves <- list()
  for (k in seq_len(nrow(newdata))) for (st in seq_len(ns)) {
    one <- if (ns == 1) s[k] else s[st, k]
    sm <- summary(one, times = times)
    tab <- summary(one)$table
    curves[[length(curves) + 1]] <- list(
      newdata_row = k, stratum = st,
      time = I(one$time), n_risk = I(one$n.risk), n_event = I(one$n.event), n_censor = I(one$n.censor),
      surv = I(as.numeric(one$surv)), std_err = I(as.numeric(one$std.err)),
      lower = I(as.numeric(one$lower)), upper = I(as.numeric(one$upper)),
      at_time = I(sm$time), at_surv = I(as.numeric(sm$surv)), at_std_err = I(as.numeric(sm$std.err)),
      at_lower = I(as.numeric(sm$lower)), at_upper = I(as.numeric(sm$upper)),
      median = tab[["median"]], median_lower = tab[["0.95LCL"]], median_upper = tab[["0.95UCL"]])
  }
  list(id = id, formula = formula, ties = ties, newdata = lapply(as.list(nd), I),
       means = I(unname(f$means)), times = I(times), curves = curves)
}
curve_results <- list(
  C("lung_efron", "lung", "Surv(time, status) ~ age + sex + ph.ecog",
    data.frame(sex = c(1, 2), age = 60), times = c(180, 365, 730)),
  C("lung_ties_breslow", "lung", "Surv(month, status) ~ age + sex + ph.ecog",
    data.frame(sex = c(1, 2)), times = c(6, 12, 24), ties = "breslow"),
  C("lung_strata1", "lung", "Surv(time, status) ~ age + ph.ecog + strata(sex)",
    data.frame(ph.ecog = c(0, 2)), times = c(100, 300)),
  C("heart_efron", "heart", "Surv(start, stop, event) ~ age + year + surgery + transplant",
    data.frame(transplant = c(0, 1), age = -10), times = c(50, 200, 1000))
)

## ---------------------------------------------------------------- plot.cox.zph data
# cox.zph's x, y, var and the smooth plot.cox.zph draws (its own code: ns(df = 4) on c(pred.x, x),
# lm by qr, band yhat -/+ 2 sqrt(var[i, i] * seval)).
Z <- function(id, data, formula, transform = "km", ties = "efron", df = 4, nsmo = 40) {
  f <- fit_model(data, formula, ties)$fit
  z <- cox.zph(f, transform = transform)
  xx <- z$x
  pred.x <- seq(from = min(xx), to = max(xx), length = nsmo)
  lmat <- splines::ns(c(pred.x, xx), df = df, intercept = TRUE)
  pmat <- lmat[1:nsmo, ]
  xmat <- lmat[-(1:nsmo), ]
  qmat <- qr(xmat)
  panels <- lapply(seq_len(ncol(z$y)), function(i) {
    y <- z$y[, i]
    yhat <- pmat %*% qr.coef(qmat, y)
    bk <- backsolve(qmat$qr[1:df, 1:df], diag(df))
    xtx <- bk %*% t(bk)
    seval <- ((pmat %*% xtx) * pmat) %*% rep(1, df)
    temp <- 2 * sqrt(z$var[i, i] * seval)
    list(term = colnames(z$y)[i], y = I(unname(y)), var = z$var[i, i], fit = I(as.numeric(yhat)),
         lower = I(as.numeric(yhat - temp)), upper = I(as.numeric(yhat + temp)))
  })
  list(id = id, formula = formula, transform = transform, x = I(z$x), time = I(z$time),
       pred_x = I(pred.x), panels = panels)
}
zph_results <- list(
  Z("lung_efron", "lung", "Surv(time, status) ~ age + sex + ph.ecog"),
  Z("lung_ties_efron", "lung", "Surv(month, status) ~ age + sex + ph.ecog", transform = "rank"),
  Z("lung_factor_ecog", "lung", "Surv(time, status) ~ age + factor(ph.ecog)"),
  Z("lung_strata1", "lung", "Surv(time, status) ~ age + ph.ecog + strata(sex)", transform = "identity")
)

## ---------------------------------------------------------------- martingale residuals vs a covariate
# plot residuals ~ VAR: martingale residuals of the fit against VAR (rows with VAR present), with
# lowess(x, y) at R's defaults (f = 2/3, iter = 3, delta = 1% of the range).
L <- function(id, data, formula, var, ties = "efron") {
  m <- fit_model(data, formula, ties)
  r <- residuals(m$fit, type = "martingale")
  x <- m$data[[var]]
  ok <- !is.na(x)
  lw <- lowess(x[ok], r[ok])
  list(id = id, formula = formula, var = var, x = I(x[ok]), resid = I(unname(r[ok])),
       lowess_x = I(lw$x), lowess_y = I(lw$y))
}
lowess_results <- list(
  L("lung_efron", "lung", "Surv(time, status) ~ age + sex + ph.ecog", "age"),
  L("lung_efron", "lung", "Surv(time, status) ~ age + sex + ph.ecog", "wt.loss"),
  L("lung_ties_efron", "lung", "Surv(month, status) ~ age + sex + ph.ecog", "ph.karno")
)

out <- list(
  generated_by = "Tests/SurvivalStatsTests/Reference/cox_followup.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  residuals = residual_results,
  curves = curve_results,
  zph_plot = zph_results,
  residual_smooth = lowess_results
)
writeLines(to_json(out), file.path(ref_dir, "cox_followup.json"))
cat("wrote", file.path(ref_dir, "cox_followup.json"), "\n")
