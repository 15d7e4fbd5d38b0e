# Reference values for the Cox module (Sources/SurvivalStats/Cox/).
#
# Run from the repository root:   Rscript Tests/SurvivalStatsTests/Reference/cox.R
# Reads data/*.csv, (re)writes data/heart.csv from R's survival::heart, and writes
# Tests/SurvivalStatsTests/Reference/cox.json next to this script.
#
# What is stored, per model: the numeric design matrix exactly as R's model.matrix builds it
# (R's column names), the outcome, strata codes and cluster codes of the complete cases that
# coxph used, and coxph / summary.coxph / cox.zph / concordance results.
#
# Firth: R's coxphf is not installable here (no Debian package r-cran-coxphf), so the Firth
# reference values are derived independently in this script: the penalised log partial
# likelihood  l*(b) = l(b) + 0.5 log det I(b)  is evaluated with survival's own coxph.fit /
# agreg.fit (ties = "breslow", iter.max = 0, init = b: loglik and inverse information at b), its
# gradient by Richardson-extrapolated central differences, the maximum by quasi-Newton steps
# with the information matrix, profile-penalised-likelihood CIs by uniroot on the profile, and
# p-values by the penalised likelihood-ratio test (Heinze & Schemper 2001, as coxphf reports).
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

here <- "Tests/SurvivalStatsTests/Reference"
ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))   # to_json, read_dataset, read_net

## ---------------------------------------------------------------- heart.csv
heart_out <- data.frame(
  start = survival::heart$start, stop = survival::heart$stop,
  event = survival::heart$event, age = survival::heart$age,
  year = survival::heart$year, surgery = survival::heart$surgery,
  transplant = as.integer(as.character(survival::heart$transplant)),
  id = survival::heart$id)
fmt17 <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
lines <- c(paste(names(heart_out), collapse = ","),
           do.call(paste, c(lapply(heart_out, fmt17), sep = ",")))
writeLines(lines, file.path("data", "heart.csv"))

## ---------------------------------------------------------------- data sets
lung <- read_dataset("lung")
lung$month <- ceiling(lung$time / 30)          # heavy ties
lung$agesex <- lung$age + 2 * lung$sex         # exactly collinear with age and sex
lung$one <- 1                                  # a constant column
veteran <- read_dataset("veteran")
ovarian <- read_dataset("ovarian")
ovarian$nodeath <- as.numeric(ovarian$fustat == 0 & ovarian$ecog.ps == 2)  # group without events
aml <- read_dataset("aml")
net <- read_net()
heart <- read_dataset("heart")
## covariates of large size and with huge offsets (issue 16, defect 2): coxph centres and scales
aml$big <- aml$time * 100                      # separates the events: monotone likelihood
lung$age_e4 <- lung$age * 1e4
lung$age_e8 <- lung$age * 1e8
lung$wt_e6 <- lung$wt.loss * 1e6
lung$age_p8 <- lung$age + 1e8                  # a huge offset: 8 of 16 digits are the offset
lung$karno_e4p8 <- lung$ph.karno * 1e4 + 1e8
veteran$karno_e6p8 <- veteran$karno * 1e6 + 1e8
heart$age_e6 <- heart$age * 1e6
heart$year_p8 <- heart$year + 1e8
heart$bigstop <- heart$stop * 100              # counting process, monotone likelihood
datasets <- list(lung = lung, veteran = veteran, ovarian = ovarian, aml = aml,
                 net_liver_mets = net, heart = heart)

## ---------------------------------------------------------------- JSON helpers
# numbers with 17 significant digits (jsonlite stops at 15); NA/NaN/Inf -> null
J <- function(x) {
  x <- as.numeric(x)
  s <- ifelse(is.finite(x), sprintf("%.17g", x), "null")
  structure(paste0("[", paste(s, collapse = ","), "]"), class = "json")
}
S <- function(x) {
  x <- as.numeric(x)
  structure(if (length(x) == 1 && is.finite(x)) sprintf("%.17g", x) else "null", class = "json")
}

## ---------------------------------------------------------------- model list
M <- function(id, data, formula, ties = "efron", strata = NULL, cluster = NULL,
              itermax = 20, zph = FALSE, scoreresid = FALSE, note = "")
  list(id = id, data = data, formula = formula, ties = ties, strata = strata,
       cluster = cluster, itermax = itermax, zph = zph, scoreresid = scoreresid, note = note)

models <- list(
  M("lung_efron", "lung", "Surv(time, status) ~ age + sex + ph.ecog", zph = TRUE, scoreresid = TRUE),
  M("lung_breslow", "lung", "Surv(time, status) ~ age + sex + ph.ecog", ties = "breslow", zph = TRUE,
    scoreresid = TRUE),
  M("lung_factor_ecog", "lung", "Surv(time, status) ~ age + factor(ph.ecog)", zph = TRUE,
    note = "factor with a one-patient level"),
  M("lung_missing", "lung", "Surv(time, status) ~ age + sex + ph.karno + pat.karno + wt.loss + meal.cal",
    note = "rows with missing values dropped"),
  M("lung_num_x_num", "lung", "Surv(time, status) ~ age * ph.karno", note = "numeric x numeric interaction"),
  M("lung_fac_x_num", "lung", "Surv(time, status) ~ factor(sex) * age", note = "factor x numeric interaction"),
  M("lung_strata1", "lung", "Surv(time, status) ~ age + ph.ecog + strata(sex)", strata = "sex", zph = TRUE),
  M("lung_strata2", "lung", "Surv(time, status) ~ age + wt.loss + strata(sex) + strata(ph.ecog)",
    strata = c("sex", "ph.ecog"), note = "two strata terms, one stratum has a single patient"),
  M("lung_cluster", "lung", "Surv(time, status) ~ age + sex + ph.ecog + cluster(inst)", cluster = "inst"),
  M("lung_ties_efron", "lung", "Surv(month, status) ~ age + sex + ph.ecog", zph = TRUE, scoreresid = TRUE,
    note = "time in 30-day units: heavy ties"),
  M("lung_ties_breslow", "lung", "Surv(month, status) ~ age + sex + ph.ecog", ties = "breslow",
    zph = TRUE, scoreresid = TRUE),
  M("lung_ties_strata_cluster", "lung", "Surv(month, status) ~ age + ph.ecog + strata(sex) + cluster(inst)",
    strata = "sex", cluster = "inst"),
  M("lung_collinear", "lung", "Surv(time, status) ~ age + sex + ph.ecog + agesex",
    note = "agesex = age + 2*sex: R reports NA"),
  M("lung_constant", "lung", "Surv(time, status) ~ age + one", note = "constant column: R reports NA"),
  M("lung_not_converged", "lung", "Surv(time, status) ~ age + sex + ph.ecog", itermax = 2,
    note = "iter.max = 2: ran out of iterations; R's var is not the inverse information here (see tests)"),
  M("veteran_full", "veteran", "Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior",
    zph = TRUE),
  M("veteran_breslow", "veteran", "Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior",
    ties = "breslow"),
  M("veteran_fac_x_fac", "veteran", "Surv(time, status) ~ celltype * factor(trt)",
    note = "factor x factor interaction"),
  M("veteran_strata", "veteran", "Surv(time, status) ~ karno + trt + strata(celltype)", strata = "celltype",
    zph = TRUE),
  M("ovarian_efron", "ovarian", "Surv(futime, fustat) ~ age + resid.ds + rx + ecog.ps", zph = TRUE),
  M("ovarian_breslow_factor", "ovarian", "Surv(futime, fustat) ~ age + factor(rx)", ties = "breslow"),
  M("ovarian_infinite", "ovarian", "Surv(futime, fustat) ~ age + nodeath",
    note = "nodeath group has no events: coefficient drifts to -infinity"),
  M("aml_efron", "aml", "Surv(time, status) ~ x", zph = TRUE),
  M("aml_breslow", "aml", "Surv(time, status) ~ x", ties = "breslow"),
  M("net_liver", "net_liver_mets", "Surv(months, died) ~ mitoses_liver_gt2 + ki67_liver_gt1 + sstr_liver_weak",
    zph = TRUE),
  M("net_primary", "net_liver_mets",
    "Surv(months, died) ~ pancreatic + size_gt3 + mitoses_primary_gt2 + ki67_primary_gt1 + sstr_primary_weak + cea_primary_strong"),
  M("heart_efron", "heart", "Surv(start, stop, event) ~ age + year + surgery + transplant", zph = TRUE,
    scoreresid = TRUE),
  M("heart_breslow", "heart", "Surv(start, stop, event) ~ age + year + surgery + transplant",
    ties = "breslow", zph = TRUE, scoreresid = TRUE),
  M("heart_cluster", "heart", "Surv(start, stop, event) ~ age + transplant + cluster(id)", cluster = "id"),
  M("heart_strata", "heart", "Surv(start, stop, event) ~ age + year + transplant + strata(surgery)",
    strata = "surgery", zph = TRUE),
  M("heart_not_converged", "heart", "Surv(start, stop, event) ~ age + year + surgery + transplant",
    itermax = 2, note = "counting process, iter.max = 2"),
  # large covariates and huge offsets (issue 16, defect 2)
  M("aml_big", "aml", "Surv(time, status) ~ big",
    note = "big = time * 100: monotone likelihood, trial steps overflow exp() and are halved; not converged"),
  M("aml_big_breslow", "aml", "Surv(time, status) ~ big", ties = "breslow"),
  M("lung_scaled_e4", "lung", "Surv(time, status) ~ age_e4 + sex + ph.ecog", note = "age * 1e4"),
  M("lung_scaled_e8", "lung", "Surv(time, status) ~ age_e8 + wt_e6 + sex", note = "age * 1e8, wt.loss * 1e6"),
  M("lung_offset_e8", "lung", "Surv(time, status) ~ age_p8 + sex + ph.ecog", zph = TRUE, scoreresid = TRUE,
    note = "age + 1e8"),
  M("lung_scaled_offset", "lung", "Surv(month, status) ~ karno_e4p8 + age_e4 + sex", ties = "breslow",
    note = "ph.karno * 1e4 + 1e8, heavy ties"),
  M("veteran_scaled_strata", "veteran", "Surv(time, status) ~ karno_e6p8 + trt + strata(celltype)",
    strata = "celltype", note = "karno * 1e6 + 1e8 with strata"),
  M("heart_scaled", "heart", "Surv(start, stop, event) ~ age_e6 + year_p8 + transplant", scoreresid = TRUE,
    note = "counting process: age * 1e6, year + 1e8"),
  M("heart_big", "heart", "Surv(start, stop, event) ~ bigstop",
    note = "counting process, bigstop = stop * 100: monotone likelihood, agfit4 recentres the risk scores")
)

grab_warnings <- function(expr) {
  w <- character(0)
  val <- withCallingHandlers(expr, warning = function(cond) {
    w <<- c(w, conditionMessage(cond))
    invokeRestart("muffleWarning")
  })
  list(value = val, warnings = w)
}

run_model <- function(spec) {
  d <- datasets[[spec$data]]
  fml <- as.formula(spec$formula)
  d <- d[complete.cases(d[, all.vars(fml), drop = FALSE]), , drop = FALSE]
  g <- grab_warnings(coxph(fml, data = d, ties = spec$ties, x = TRUE,
                           control = coxph.control(iter.max = spec$itermax)))
  fit <- g$value
  s <- summary(fit)
  X <- fit$x
  y <- fit$y
  counting <- ncol(y) == 3
  cm <- s$coefficients
  robust <- !is.null(fit$naive.var)
  strata_codes <- if (is.null(spec$strata)) NULL else
    as.integer(interaction(d[, spec$strata, drop = FALSE], drop = TRUE, lex.order = TRUE))
  cluster_codes <- if (is.null(spec$cluster)) NULL else as.integer(factor(d[[spec$cluster]]))
  inf_cols <- integer(0)
  for (w in g$warnings) if (grepl("may be infinite", w)) {
    num <- sub(".*variable *([0-9, ]+) *;.*", "\\1", w)
    inf_cols <- as.integer(strsplit(gsub(" ", "", num), ",")[[1]])
  }
  out <- list(
    id = spec$id, data = spec$data, formula = spec$formula, ties = spec$ties, note = spec$note,
    iter_max = spec$itermax,
    input = list(
      n = nrow(X), columns = colnames(X),
      x = lapply(seq_len(ncol(X)), function(j) J(X[, j])),
      start = if (counting) J(y[, 1]) else NULL,
      time = J(y[, ncol(y) - 1]),
      event = J(y[, ncol(y)]),
      strata = if (is.null(strata_codes)) NULL else J(strata_codes),
      cluster = if (is.null(cluster_codes)) NULL else J(cluster_codes),
      term_names = names(fit$assign),
      term_assign = lapply(fit$assign, function(a) J(a))
    ),
    n = fit$n, nevent = fit$nevent, iter = fit$iter,
    coef = J(fit$coefficients),
    se = J(if (robust) cm[, "se(coef)"] else cm[, "se(coef)"]),
    robust_se = if (robust) J(cm[, "robust se"]) else NULL,
    z = J(cm[, "z"]), p = J(cm[, "Pr(>|z|)"]),
    hr = J(s$conf.int[, "exp(coef)"]),
    hr_lower = J(s$conf.int[, 3]), hr_upper = J(s$conf.int[, 4]),
    var = J(fit$var), naive_var = if (robust) J(fit$naive.var) else NULL,
    means = J(fit$means),
    loglik = J(fit$loglik),
    lr_test = J(s$logtest), wald_test = J(c(fit$wald.test, s$waldtest[2:3])),
    score_test = J(s$sctest),
    robust_score_test = if (robust) J(s$robscore) else NULL,
    concordance = J(fit$concordance[1:7]),
    warnings = g$warnings,
    infinite_columns = J(inf_cols)
  )
  if (spec$zph) {
    out$zph <- lapply(c("km", "rank", "identity"), function(tr) {
      z <- cox.zph(fit, transform = tr)
      list(transform = tr, rows = rownames(z$table), chisq = J(z$table[, "chisq"]),
           df = J(z$table[, "df"]), p = J(z$table[, "p"]))
    })
  }
  if (spec$scoreresid) {
    r <- residuals(fit, type = "score")
    out$score_residuals <- lapply(seq_len(ncol(r)), function(j) J(r[, j]))
  }
  out
}

cox_results <- lapply(models, run_model)

## ---------------------------------------------------------------- concordance alone
C1 <- function(id, data, formula, reverse = FALSE, strata = NULL, cluster = NULL) {
  d <- datasets[[data]]
  fml <- as.formula(formula)
  vars <- unique(c(all.vars(fml), strata, cluster))
  d <- d[complete.cases(d[, vars, drop = FALSE]), , drop = FALSE]
  mf <- model.frame(fml, data = d)
  y <- mf[[1]]
  x <- mf[[2]]
  cl <- if (is.null(cluster)) NULL else as.integer(factor(d[[cluster]]))
  st <- if (is.null(strata)) NULL else as.integer(factor(d[[strata]]))
  fit <- concordancefit(y, x, strata = st, cluster = cl, reverse = reverse, timefix = FALSE,
                        influence = 2)
  count <- if (is.matrix(fit$count)) colSums(fit$count) else fit$count
  list(id = id, formula = formula, reverse = reverse,
       input = list(x = J(x), start = if (ncol(y) == 3) J(y[, 1]) else NULL,
                    time = J(y[, ncol(y) - 1]), event = J(y[, ncol(y)]),
                    strata = if (is.null(st)) NULL else J(st),
                    cluster = if (is.null(cl)) NULL else J(cl)),
       count = J(count), concordance = S(fit$concordance), std = S(sqrt(fit$var)),
       influence = lapply(1:3, function(j) J(fit$influence[, j])))
}
conc_results <- list(
  C1("lung_age", "lung", "Surv(time, status) ~ age"),
  C1("lung_age_reverse_strata", "lung", "Surv(time, status) ~ age", reverse = TRUE, strata = "sex"),
  C1("lung_ecog_cluster", "lung", "Surv(time, status) ~ ph.ecog", reverse = TRUE, cluster = "inst"),
  C1("lung_month_karno", "lung", "Surv(month, status) ~ ph.karno", reverse = FALSE),
  C1("veteran_karno", "veteran", "Surv(time, status) ~ karno"),
  C1("aml_months", "aml", "Surv(time, status) ~ time", reverse = TRUE),
  C1("heart_age", "heart", "Surv(start, stop, event) ~ age", reverse = TRUE)
)

## ---------------------------------------------------------------- Firth (derived, see top)
firth_pl <- function(b, X, y, strata) {
  ctl <- coxph.control(iter.max = 0)
  f <- if (ncol(y) == 2)
    coxph.fit(X, y, strata, NULL, b, ctl, NULL, "breslow", NULL, resid = FALSE)
  else agreg.fit(X, y, strata, NULL, b, ctl, NULL, "breslow", NULL, resid = FALSE)
  ld <- determinant(as.matrix(f$var), logarithm = TRUE)$modulus
  list(pl = f$loglik[1] - 0.5 * as.numeric(ld), var = as.matrix(f$var))
}
num_grad <- function(fun, b, h = 1e-3) {
  sapply(seq_along(b), function(j) {
    e <- numeric(length(b)); e[j] <- 1
    d1 <- (fun(b + h * e) - fun(b - h * e)) / (2 * h)
    d2 <- (fun(b + h / 2 * e) - fun(b - h / 2 * e)) / h
    (4 * d2 - d1) / 3                       # Richardson: O(h^4)
  })
}
firth_max <- function(X, y, strata, fixed = NULL, fixval = 0, start = NULL) {
  p <- ncol(X)
  free <- setdiff(seq_len(p), fixed)
  b <- if (is.null(start)) numeric(p) else start
  if (!is.null(fixed)) b[fixed] <- fixval
  fun <- function(bf) { bb <- b; bb[free] <- bf; firth_pl(bb, X, y, strata)$pl }
  if (length(free) == 0) return(list(b = b, pl = fun(numeric(0))))
  cur <- fun(b[free])
  for (it in 1:200) {
    v <- firth_pl(b, X, y, strata)$var
    info <- solve(v)[free, free, drop = FALSE]
    g <- num_grad(fun, b[free])
    step <- solve(info, g)
    if (max(abs(step)) > 1) step <- step / max(abs(step))
    for (h in 0:30) {                        # step halving on the penalised likelihood
      bn <- b; bn[free] <- b[free] + step / 2^h
      new <- fun(bn[free])
      if (new >= cur - 1e-12) break
    }
    b <- bn; cur <- new
    if (max(abs(step)) < 1e-10) break
  }
  list(b = b, pl = cur)
}
firth_fit <- function(id, data, formula, strata = NULL, level = 0.95) {
  d <- datasets[[data]]
  fml <- as.formula(formula)
  d <- d[complete.cases(d[, all.vars(fml), drop = FALSE]), , drop = FALSE]
  ref <- coxph(fml, data = d, ties = "breslow", x = TRUE)
  X <- ref$x; y <- ref$y
  st <- if (is.null(strata)) NULL else as.integer(factor(d[[strata]]))
  p <- ncol(X)
  full <- firth_max(X, y, st)
  null_pl <- firth_pl(numeric(p), X, y, st)$pl
  v <- firth_pl(full$b, X, y, st)$var
  crit <- qchisq(level, 1)
  lower <- upper <- pv <- numeric(p)
  for (j in seq_len(p)) {
    prof <- function(val) {
      others <- full$b
      2 * (full$pl - firth_max(X, y, st, fixed = j, fixval = val, start = others)$pl)
    }
    pv[j] <- pchisq(prof(0), 1, lower.tail = FALSE)
    se <- sqrt(v[j, j])
    f <- function(val) prof(val) - crit
    hi <- full$b[j] + 2 * se; while (f(hi) < 0) hi <- hi + 2 * se
    lo <- full$b[j] - 2 * se; while (f(lo) < 0) lo <- lo - 2 * se
    upper[j] <- uniroot(f, c(full$b[j], hi), tol = 1e-11)$root
    lower[j] <- uniroot(f, c(lo, full$b[j]), tol = 1e-11)$root
  }
  lr <- 2 * (full$pl - null_pl)
  list(id = id, data = data, formula = formula, level = level,
       input = list(n = nrow(X), columns = colnames(X),
                    x = lapply(seq_len(p), function(j) J(X[, j])),
                    start = if (ncol(y) == 3) J(y[, 1]) else NULL,
                    time = J(y[, ncol(y) - 1]), event = J(y[, ncol(y)]),
                    strata = if (is.null(st)) NULL else J(st)),
       coef = J(full$b), se = J(sqrt(diag(v))), hr = J(exp(full$b)),
       hr_lower = J(exp(lower)), hr_upper = J(exp(upper)), p = J(pv),
       loglik = J(c(null_pl, full$pl)), lr_test = J(c(lr, p, pchisq(lr, p, lower.tail = FALSE))))
}
firth_results <- list(
  firth_fit("aml_x", "aml", "Surv(time, status) ~ x"),
  firth_fit("ovarian_age_rx", "ovarian", "Surv(futime, fustat) ~ age + rx"),
  firth_fit("ovarian_infinite", "ovarian", "Surv(futime, fustat) ~ age + nodeath"),
  firth_fit("net_liver", "net_liver_mets",
            "Surv(months, died) ~ mitoses_liver_gt2 + ki67_liver_gt1 + sstr_liver_weak"),
  firth_fit("heart_counting", "heart", "Surv(start, stop, event) ~ age + transplant")
)

out <- list(
  generated_by = "Tests/SurvivalStatsTests/Reference/cox.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  control = list(eps = S(1e-9), toler_chol = S(.Machine$double.eps^0.75), iter_max = 20,
                 toler_inf = S(sqrt(1e-9))),
  models = cox_results,
  concordance = conc_results,
  firth = firth_results
)
writeLines(toJSON(out, json_verbatim = TRUE, auto_unbox = TRUE, null = "null", pretty = FALSE),
           file.path(here, "cox.json"))
cat("wrote", file.path(here, "cox.json"), "\n")
