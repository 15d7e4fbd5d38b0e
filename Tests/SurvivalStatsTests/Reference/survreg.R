# Reference values for parametric survival regression (Sources/SurvivalStats/Parametric/) and the
# survreg command (plugins/survreg).
#
# Run from the repository root:   Rscript Tests/SurvivalStatsTests/Reference/survreg.R
# Reads data/*.csv and writes Tests/SurvivalStatsTests/Reference/survreg.json next to this script.
#
# Per case: the survsh command that fits the same model (`sh`, with `setup` commands before it),
# the model matrix as R's model.matrix builds it (without the intercept column), the outcome and
# strata codes of the complete cases, and survreg / summary.survreg / AIC / predict results:
#   coefficients (NA as null), the covariance fit$var, scale(s), loglik (intercept-only, model), the
#   LR chi-square and df as print.survreg computes them, AIC(fit), iterations;
#   predicted quantiles (predict(type = "quantile" and "uquantile", se.fit = TRUE)) at newdata rows,
#   and the fitted S(t) = 1 - psurvreg(t, lp, scale, dist) there at t = 30, 180, 365 (the curve plot
#   km overlay= draws);
#   for weibull / exponential: hazard ratios exp(-b / scale) with delta-method se and CIs, the
#   derivative of g = -b exp(-log scale) written out analytically and applied to vcov(fit).
suppressPackageStartupMessages(library(survival))

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))   # to_json, read_dataset

lung <- read_dataset("lung")
veteran <- read_dataset("veteran")
net <- read_dataset("net_liver_mets")
data_sets <- list(lung = lung, veteran = veteran, net_liver_mets = net)

cases <- list(
  list(id = "lung_weibull", data = "lung", f = Surv(time, status) ~ age + sex, dist = "weibull",
       sh = "survreg Surv(time, status) ~ age + sex",
       at = list(list(age = 60, sex = 1), list(age = 70, sex = 2)), sh_at = "at age=60,70 sex=1,2"),
  list(id = "lung_exponential", data = "lung", f = Surv(time, status) ~ age + sex + ph.ecog, dist = "exponential",
       sh = "survreg Surv(time, status) ~ age + sex + ph.ecog dist=exponential",
       at = list(list(age = 60, sex = 2, ph.ecog = 1)), sh_at = "at age=60 sex=2 ph.ecog=1"),
  list(id = "lung_lognormal", data = "lung", f = Surv(time, status) ~ age + sex + ph.karno, dist = "lognormal",
       sh = "survreg Surv(time, status) ~ age + sex + ph.karno dist=lognormal",
       at = list(list(age = 65, sex = 1, ph.karno = 80)), sh_at = "at age=65 sex=1 ph.karno=80"),
  list(id = "lung_loglogistic", data = "lung", f = Surv(time, status) ~ age + sex, dist = "loglogistic",
       sh = "survreg Surv(time, status) ~ age + sex dist=loglogistic",
       at = list(list(age = 60, sex = 1)), sh_at = "at age=60 sex=1"),
  list(id = "lung_gaussian", data = "lung", f = Surv(time, status) ~ age + sex, dist = "gaussian",
       sh = "survreg Surv(time, status) ~ age + sex dist=gaussian",
       at = list(list(age = 60, sex = 1)), sh_at = "at age=60 sex=1"),
  list(id = "lung_logistic", data = "lung", f = Surv(time, status) ~ age + ph.ecog, dist = "logistic",
       sh = "survreg Surv(time, status) ~ age + ph.ecog dist=logistic",
       at = list(list(age = 60, ph.ecog = 0)), sh_at = "at age=60 ph.ecog=0"),
  list(id = "lung_extreme", data = "lung", f = Surv(time, status) ~ age + sex, dist = "extreme",
       sh = "survreg Surv(time, status) ~ age + sex dist=extreme"),
  list(id = "lung_rayleigh", data = "lung", f = Surv(time, status) ~ age + sex, dist = "rayleigh",
       sh = "survreg Surv(time, status) ~ age + sex dist=rayleigh"),
  list(id = "lung_weibull_factor", data = "lung", f = Surv(time, status) ~ sex + factor(ph.ecog), dist = "weibull",
       sh = "survreg Surv(time, status) ~ sex + factor(ph.ecog)",
       at = list(list(sex = 1, ph.ecog = 2)), sh_at = "at sex=1 ph.ecog=2"),
  list(id = "lung_weibull_strata", data = "lung", f = Surv(time, status) ~ age + ph.ecog + strata(sex), dist = "weibull",
       sh = "survreg Surv(time, status) ~ age + ph.ecog + strata(sex)",
       at = list(list(age = 60, ph.ecog = 1, sex = 1), list(age = 60, ph.ecog = 1, sex = 2)),
       sh_at = "at age=60 ph.ecog=1 sex=1,2"),
  list(id = "lung_weibull_interaction", data = "lung", f = Surv(time, status) ~ age * sex, dist = "weibull",
       sh = "survreg Surv(time, status) ~ age * sex"),
  list(id = "lung_weibull_intercept", data = "lung", f = Surv(time, status) ~ 1, dist = "weibull",
       sh = "survreg Surv(time, status) ~ 1",
       at = list(list(one = 1)), sh_at = ""),
  list(id = "lung_weibull_censored", data = "lung", f = Surv(pmin(time, 120), status == 2 & time <= 120) ~ age + sex,
       dist = "weibull", sh = "survreg Surv(min(time, 120), status == 2 & time <= 120) ~ age + sex",
       at = list(list(age = 60, sex = 1)), sh_at = "at age=60 sex=1"),
  list(id = "veteran_weibull", data = "veteran", f = Surv(time, status) ~ trt + celltype + karno, dist = "weibull",
       sh = "survreg Surv(time, status) ~ trt + celltype + karno",
       at = list(list(trt = 1, celltype = "large", karno = 60)), sh_at = "at trt=1 celltype=large karno=60"),
  list(id = "veteran_lognormal_strata", data = "veteran", f = Surv(time, status) ~ karno + age + strata(trt),
       dist = "lognormal", sh = "survreg Surv(time, status) ~ karno + age + strata(trt) dist=lognormal",
       at = list(list(karno = 60, age = 60, trt = 2)), sh_at = "at karno=60 age=60 trt=2"),
  list(id = "veteran_loglogistic_ref", data = "veteran", f = Surv(time, status) ~ karno + relevel(factor(celltype), "large"),
       dist = "loglogistic", sh = "survreg Surv(time, status) ~ karno + factor(celltype, ref = \"large\") dist=loglogistic",
       names_sh = c("karno", "factor(celltype, ref = \"large\")adeno", "factor(celltype, ref = \"large\")smallcell",
                    "factor(celltype, ref = \"large\")squamous")),
  list(id = "veteran_weibull_strata4", data = "veteran", f = Surv(time, status) ~ karno + trt + strata(celltype),
       dist = "weibull", sh = "survreg Surv(time, status) ~ karno + trt + strata(celltype)"),
  list(id = "net_weibull", data = "net_liver_mets", f = Surv(months, died) ~ age + sex + sstr_liver, dist = "weibull",
       sh = "survreg Surv(months, died) ~ age + sex + sstr_liver",
       at = list(list(age = 60, sex = "F", sstr_liver = "weak")), sh_at = "at age=60 sex=F sstr_liver=weak"),
  list(id = "net_exponential", data = "net_liver_mets", f = Surv(months, died) ~ ki67_liver + I(mitoses_liver > 2),
       dist = "exponential", sh = "survreg Surv(months, died) ~ ki67_liver + I(mitoses_liver > 2) dist=exponential",
       at = list(list(ki67_liver = 2, mitoses_liver = 0)), sh_at = "at ki67_liver=2"),
  list(id = "net_lognormal", data = "net_liver_mets", f = Surv(months, died) ~ age + primary_size_cm, dist = "lognormal",
       sh = "survreg Surv(months, died) ~ age + primary_size_cm dist=lognormal",
       at = list(list(age = 50, primary_size_cm = 2)), sh_at = "at age=50 primary_size_cm=2")
)

probs <- c(0.25, 0.5, 0.75)
num <- function(x) unname(as.numeric(x))

run_case <- function(cs) {
  message(cs$id)
  d <- data_sets[[cs$data]]
  fit <- survreg(cs$f, data = d, dist = cs$dist, model = TRUE, x = TRUE)
  mf <- fit$model
  X <- fit$x
  y <- mf[[1]]
  st <- attr(terms(fit), "specials")$strata
  strata <- NULL; strata_labels <- NULL
  if (length(st)) {
    sv <- mf[[st]]
    strata <- as.integer(sv); strata_labels <- levels(sv)
  }
  nvar <- length(fit$coefficients)
  sm <- summary(fit)
  chisq <- 2 * diff(fit$loglik)
  df <- sum(fit$df) - fit$idf
  out <- list(
    id = cs$id, data = cs$data, dist = cs$dist, sh = cs$sh,
    names = I(colnames(X)),
    names_sh = if (is.null(cs$names_sh)) I(colnames(X)[-1]) else I(cs$names_sh),
    x = lapply(seq_len(ncol(X))[-1], function(j) I(num(X[, j]))),
    time = I(num(y[, 1])), status = I(num(y[, 2])),
    strata = if (is.null(strata)) NULL else I(strata),
    strata_labels = if (is.null(strata_labels)) NULL else I(strata_labels),
    n = nrow(X), events = sum(y[, 2]),
    coefficients = I(num(fit$coefficients)),
    var = lapply(seq_len(nrow(fit$var)), function(i) I(num(fit$var[i, ]))),
    scale = I(num(fit$scale)),
    table = list(value = I(num(sm$table[, 1])), se = I(num(sm$table[, 2])), z = I(num(sm$table[, 3])),
                 p = I(num(sm$table[, 4])), names = I(rownames(sm$table))),
    loglik = I(num(fit$loglik)),
    chisq = chisq, df = df, p = if (df > 0) pchisq(chisq, df, lower.tail = FALSE) else NA,
    aic = AIC(fit), iter = fit$iter
  )
  if (!is.null(cs$at)) {
    out$sh_at <- cs$sh_at
    out$predict <- lapply(cs$at, function(row) {
      nd <- as.data.frame(row, stringsAsFactors = FALSE)
      q <- predict(fit, newdata = nd, type = "quantile", p = probs, se.fit = TRUE)
      u <- predict(fit, newdata = nd, type = "uquantile", p = probs, se.fit = TRUE)
      # the model row of newdata (without the intercept) and its stratum
      tt <- delete.response(terms(fit))
      nf <- model.frame(tt, nd, xlev = fit$xlevels)
      tx <- if (length(st)) tt[-untangle.specials(terms(fit), "strata")$terms] else tt
      xr <- model.matrix(tx, model.frame(tx, nd, xlev = fit$xlevels))
      keep <- colnames(xr) %in% colnames(X)
      stratum <- 1
      if (length(st)) stratum <- match(as.character(nf[[names(mf)[st]]]), strata_labels)
      lp <- drop(predict(fit, newdata = nd, type = "lp"))
      surv_times <- c(30, 180, 365)
      surv <- 1 - psurvreg(surv_times, mean = lp, scale = fit$scale[stratum], distribution = cs$dist)
      list(row = lapply(row, function(v) v), x = I(num(xr[1, keep][-1])), stratum = stratum,
           surv_times = I(surv_times), surv = I(num(surv)),
           p = I(probs), quantile = I(num(q$fit)), se = I(num(q$se.fit)),
           uquantile = I(num(u$fit)), use = I(num(u$se.fit)))
    })
  }
  if (cs$dist %in% c("weibull", "exponential", "rayleigh") && is.null(strata)) {
    V <- fit$var
    fixed <- nrow(V) == nvar
    s <- if (fixed) log(fit$scale) else fit$coefficients[1] * 0 + log(fit$scale)
    hr <- lapply(seq_len(nvar)[-1], function(j) {
      b <- fit$coefficients[j]
      g <- -b * exp(-s)
      grad <- rep(0, nrow(V)); grad[j] <- -exp(-s)
      if (!fixed) grad[nrow(V)] <- b * exp(-s)           # d g / d log(scale)
      se <- sqrt(drop(t(grad) %*% V %*% grad))
      list(coef = num(g), se = se, hr = num(exp(g)), lower = num(exp(g - qnorm(0.975) * se)),
           upper = num(exp(g + qnorm(0.975) * se)), z = num(g / se), p = num(2 * pnorm(-abs(g / se))))
    })
    out$hr <- hr
  }
  out
}

result <- list(
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  cases = lapply(cases, run_case)
)
writeLines(to_json(result), file.path(ref_dir, "survreg.json"))
cat("wrote", length(cases), "cases\n")
