# Reference values for KaplanMeier / LogRank (SurvivalStats).
# Run from the repository root:  Rscript Tests/SurvivalStatsTests/Reference/km_logrank.R
# Reads data/*.csv, writes Tests/SurvivalStatsTests/Reference/km_logrank.json.
#
# KM cases: survfit(Surv(time, status) ~ group, conf.type=, conf.int=) and, per curve,
#   table     = summary(fit[i], censored = TRUE)       (every distinct time; std.err of S)
#   at        = summary(fit[i], times = , extend = TRUE) plus which times extend = FALSE keeps
#   median    = survmean(fit[i], rmean = "none")       (what print.survfit prints)
#   quantiles = quantile(fit[i], probs)                 (quantile.survfit)
#   rmean     = survmean(fit[i], rmean = tau)           (print.survfit(fit, rmean = tau))
# Log-rank cases: survdiff(Surv(time, status) ~ group [+ strata(s)], rho = ), the trend test
#   U = s'(O - E), chisq = U^2 / (s'Vs) computed from survdiff's O, E, V, and pairwise tests as
#   survminer::pairwise_survdiff does (survdiff on the rows of each pair, p.adjust over the pairs).
# Inputs are stored in the JSON: time, the raw status (0/1 or 1/2), 0-based group and stratum codes.

suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))   # to_json, read_dataset, read_net
lung <- read_dataset("lung"); veteran <- read_dataset("veteran"); ovarian <- read_dataset("ovarian")
aml <- read_dataset("aml"); net <- read_net()

sc <- function(x) unbox(x)
num <- function(x) as.numeric(x)

# complete cases of the variables used; returns the data frame and how many rows were dropped
cc <- function(d, vars) {
  ok <- complete.cases(d[, vars, drop = FALSE])
  list(d = d[ok, , drop = FALSE], dropped = sum(!ok))
}

# group factor and its R labels ("sex=1", "sex=1, ph.ecog=2"), unused levels dropped
make_group <- function(d, vars) {
  if (length(vars) == 0) return(NULL)
  if (length(vars) == 1) {
    f <- droplevels(factor(d[[vars]]))
    levels(f) <- paste0(vars, "=", levels(f))
    f
  } else {
    droplevels(strata(d[, vars, drop = FALSE]))
  }
}

km_case <- function(name, d, time, status, vars = character(0), conf.type = "log", conf.int = 0.95,
                    times = NULL, probs = c(0.25, 0.5, 0.75), rmean = NULL, note = "") {
  r <- cc(d, c(time, status, vars)); d <- r$d
  tt <- d[[time]]; st <- d[[status]]
  g <- make_group(d, vars)
  if (is.null(g)) {
    fit <- survfit(Surv(tt, st) ~ 1, conf.type = conf.type, conf.int = conf.int)
    codes <- rep(0L, length(tt)); labels <- "all"
  } else {
    fit <- survfit(Surv(tt, st) ~ g, conf.type = conf.type, conf.int = conf.int)
    codes <- as.integer(g) - 1L; labels <- levels(g)
    stopifnot(identical(sub("^g=", "", names(fit$strata)), labels))
  }
  curves <- lapply(seq_along(labels), function(i) {
    fi <- if (is.null(g)) fit else fit[i]
    s <- summary(fi, censored = TRUE)
    cur <- list(
      label = sc(labels[i]), n = sc(as.integer(fi$n)), events = sc(sum(fi$n.event)),
      table = list(time = num(s$time), n_risk = num(s$n.risk), n_event = num(s$n.event),
                   n_censor = num(s$n.censor), surv = num(s$surv), std_err = num(s$std.err),
                   lower = num(s$lower), upper = num(s$upper)))
    m <- survival:::survmean(fi, rmean = "none")$matrix
    lcl <- grep("LCL$", names(m)); ucl <- grep("UCL$", names(m))
    stopifnot(length(lcl) == 1, length(ucl) == 1)
    cur$median <- list(median = sc(num(m["median"])), lower = sc(num(m[lcl])), upper = sc(num(m[ucl])))
    q <- quantile(fi, probs = probs)
    cur$quantiles <- list(probs = num(probs), quantile = num(q$quantile), lower = num(q$lower),
                          upper = num(q$upper))
    if (!is.null(times)) {
      a <- summary(fi, times = times, extend = TRUE)
      kept <- tryCatch(summary(fi, times = times, extend = FALSE)$time, error = function(e) numeric(0))
      cur$at <- list(time = num(a$time), surv = num(a$surv), std_err = num(a$std.err),
                     lower = num(a$lower), upper = num(a$upper), n_risk = num(a$n.risk),
                     n_event = num(a$n.event), n_censor = num(a$n.censor),
                     kept_without_extend = num(kept), last_time = sc(max(fi$time)))
    }
    if (!is.null(rmean)) {
      mm <- survival:::survmean(fi, rmean = rmean)$matrix
      cur$rmean <- list(tau = sc(rmean), rmean = sc(num(mm["rmean"])), se = sc(num(mm["se(rmean)"])))
    }
    cur
  })
  list(name = sc(name), note = sc(note), conf_type = sc(conf.type), level = sc(conf.int),
       times = if (is.null(times)) NULL else num(times), dropped = sc(r$dropped),
       time = num(tt), status = num(st), group = codes, group_labels = labels, curves = curves)
}

adjust_methods <- c("holm", "BH", "bonferroni", "none", "hochberg", "BY")

lr_case <- function(name, d, time, status, vars, strata_var = NULL, rho = 0, scores = NULL,
                    pairwise = FALSE, note = "") {
  r <- cc(d, c(time, status, vars, strata_var)); d <- r$d
  tt <- d[[time]]; st <- d[[status]]
  g <- make_group(d, vars)
  if (is.null(strata_var)) {
    sd <- survdiff(Surv(tt, st) ~ g, rho = rho)
    scodes <- NULL; slabels <- NULL
  } else {
    s <- droplevels(factor(d[[strata_var]]))
    sd <- survdiff(Surv(tt, st) ~ g + strata(s), rho = rho)
    scodes <- as.integer(s) - 1L; slabels <- levels(s)
  }
  k <- nlevels(g)
  obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  ex  <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  df  <- sum(ex > 0) - 1
  res <- list(n = num(sd$n), observed = num(obs), expected = num(ex),
              variance = lapply(seq_len(k), function(i) num(sd$var[i, ])),
              chisq = sc(sd$chisq), df = sc(df), p = sc(pchisq(sd$chisq, df, lower.tail = FALSE)))
  if (is.matrix(sd$obs)) {
    res$observed_by_stratum <- lapply(seq_len(ncol(sd$obs)), function(j) num(sd$obs[, j]))
    res$expected_by_stratum <- lapply(seq_len(ncol(sd$exp)), function(j) num(sd$exp[, j]))
  }
  s_scores <- if (is.null(scores)) seq_len(k) else scores
  U <- sum(s_scores * (obs - ex)); V <- drop(t(s_scores) %*% sd$var %*% s_scores)
  trend <- list(scores = num(s_scores), u = sc(U), v = sc(V), chisq = sc(U^2 / V),
                p = sc(pchisq(U^2 / V, 1, lower.tail = FALSE)))
  out <- list(name = sc(name), note = sc(note), rho = sc(rho), dropped = sc(r$dropped),
              time = num(tt), status = num(st), group = as.integer(g) - 1L, group_labels = levels(g),
              strata = scodes, strata_labels = slabels, result = res, trend = trend)
  if (pairwise) {
    pr <- list()
    for (a in 1:(k - 1)) for (b in (a + 1):k) {
      keep <- as.integer(g) %in% c(a, b)
      gg <- droplevels(g[keep])
      sdp <- if (is.null(strata_var)) survdiff(Surv(tt[keep], st[keep]) ~ gg, rho = rho)
             else survdiff(Surv(tt[keep], st[keep]) ~ gg + strata(s[keep]), rho = rho)
      pr[[length(pr) + 1]] <- c(a - 1, b - 1, sdp$chisq, pchisq(sdp$chisq, length(sdp$n) - 1, lower.tail = FALSE))
    }
    pm <- do.call(rbind, pr)
    out$pairwise <- list(a = as.integer(pm[, 1]), b = as.integer(pm[, 2]), chisq = num(pm[, 3]),
                         p = num(pm[, 4]),
                         adjusted = setNames(lapply(adjust_methods, function(m) num(p.adjust(pm[, 4], m))),
                                             adjust_methods))
  }
  out
}

# ---- small constructed data sets ------------------------------------------------------------
six   <- data.frame(time = c(1, 2, 2, 3, 4, 5), status = c(1, 1, 0, 1, 0, 1))          # S reaches 0
flat1 <- data.frame(time = c(1, 2, 3, 4), status = c(1, 1, 0, 1))                      # S = 0.5 on [2, 4)
flat2 <- data.frame(time = c(1, 2, 3, 5), status = c(1, 1, 0, 0))                      # ends flat at 0.5
flat3 <- data.frame(time = c(1, 2, 3, 4, 5, 6, 7, 8), status = c(1, 1, 1, 1, 0, 1, 1, 0)) # S = 0.75 on [2, 3), 0.5 on [4, 6)
cfirst <- data.frame(time = c(1, 2, 2, 3, 4, 5, 6), status = c(0, 1, 0, 1, 0, 1, 0))    # censored first: S = 1 rows
ties <- data.frame(time   = c(2, 2, 2, 2, 3, 3, 5, 5, 5, 5, 8, 8, 9, 9, 9, 12),
                   status = c(1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0),
                   g      = c(1, 2, 1, 3, 2, 3, 1, 2, 2, 3, 3, 1, 2, 3, 1, 3))          # group 3 has no events
noexp <- data.frame(time = c(1, 1.5, 3, 4, 5, 6, 7), status = c(0, 0, 1, 1, 0, 1, 0),
                    g = c(1, 1, 2, 2, 2, 2, 2))                                         # group 1: expected 0
twog <- data.frame(time = c(1, 2, 3, 3, 4, 5), status = c(1, 1, 1, 0, 1, 0), g = c(1, 2, 1, 2, 2, 1))
nearties <- data.frame(time = c(0.1 + 0.2, 0.3, 1, 1 + 1e-12, 2, 3, 3 * (1 + 1e-10)),
                       status = c(1, 1, 0, 1, 1, 0, 1), g = c(1, 2, 1, 2, 1, 2, 2))
zero <- data.frame(time = c(0, 0, 0, 1, 2, 2, 3, 4), status = c(1, 0, 1, 1, 0, 1, 1, 0),
                   g = c(1, 1, 2, 2, 1, 2, 1, 2))                                       # events at time 0
lung$age10 <- cut(lung$age, quantile(lung$age, 0:10 / 10), include.lowest = TRUE)
lung$age10 <- as.integer(lung$age10)
lung_small <- subset(lung, inst == 11 & age > 60)   # a filtered subset of a few rows

# ---- KM cases ------------------------------------------------------------------------------
km <- list(
  km_case("lung_all_log", lung, "time", "status", times = c(0, 30, 180, 365, 730, 1022, 1100),
          rmean = 730, note = "1/2 status coding; 1100 is past the last time"),
  km_case("lung_sex_log", lung, "time", "status", "sex", times = c(180, 365, 730, 1000), rmean = 365),
  km_case("lung_sex_loglog_90", lung, "time", "status", "sex", conf.type = "log-log", conf.int = 0.9,
          times = c(100, 500, 900)),
  km_case("lung_sex_plain", lung, "time", "status", "sex", conf.type = "plain", times = c(365)),
  km_case("lung_sex_logit", lung, "time", "status", "sex", conf.type = "logit", times = c(200, 800)),
  km_case("lung_sex_arcsin", lung, "time", "status", "sex", conf.type = "arcsin", times = c(200, 800)),
  km_case("lung_ecog_log", lung, "time", "status", "ph.ecog", times = c(100, 200, 500),
          note = "ph.ecog NA dropped; ph.ecog=3 has one row"),
  km_case("lung_ecog_arcsin_90", lung, "time", "status", "ph.ecog", conf.type = "arcsin", conf.int = 0.9),
  km_case("lung_sex_ecog", lung, "time", "status", c("sex", "ph.ecog"), times = c(180, 365)),
  km_case("lung_age10", lung, "time", "status", "age10", note = "10 groups (age deciles)"),
  km_case("lung_sex_rmean_common", lung, "time", "status", "sex", rmean = max(lung$time),
          note = "print.survfit's default rmean='common' end time (largest time of all curves)"),
  km_case("veteran_celltype_loglog", veteran, "time", "status", "celltype", conf.type = "log-log",
          times = c(30, 90, 180, 365, 1000), rmean = 365, note = "curves reaching S = 0"),
  km_case("veteran_trt_plain_90", veteran, "time", "status", "trt", conf.type = "plain", conf.int = 0.9,
          times = c(50, 100, 600), rmean = 500),
  km_case("veteran_all_logit", veteran, "time", "status", conf.type = "logit", times = c(10, 100, 999)),
  km_case("ovarian_rx_log", ovarian, "futime", "fustat", "rx", times = c(100, 365, 730, 1200), rmean = 1000),
  km_case("ovarian_all_arcsin", ovarian, "futime", "fustat", conf.type = "arcsin", probs = c(0.1, 0.25, 0.5)),
  km_case("aml_x_log", aml, "time", "status", "x", times = c(5, 10, 20, 50, 200), rmean = 100),
  km_case("aml_all_loglog", aml, "time", "status", conf.type = "log-log", times = c(0, 4.5, 161)),
  km_case("net_all_log", net, "months", "died", times = c(60, 120), rmean = 120),
  km_case("net_mitoses_liver_gt2", net, "months", "died", "mitoses_liver_gt2", times = c(60, 120)),
  km_case("net_sstr_liver_weak_loglog", net, "months", "died", "sstr_liver_weak", conf.type = "log-log",
          times = c(60, 120), note = "one NA dropped"),
  km_case("net_pancreatic_plain", net, "months", "died", "pancreatic", conf.type = "plain", times = c(60, 120)),
  km_case("net_ki67_primary_gt1", net, "months", "died", "ki67_primary_gt1", times = c(60, 120)),
  km_case("six_log", six, "time", "status", times = c(0, 0.5, 1, 2, 4.5, 5, 6), rmean = 4),
  km_case("six_loglog", six, "time", "status", conf.type = "log-log", times = c(0.5, 3)),
  km_case("six_plain", six, "time", "status", conf.type = "plain", times = c(0.5, 3)),
  km_case("six_logit", six, "time", "status", conf.type = "logit", times = c(0.5, 3)),
  km_case("six_arcsin", six, "time", "status", conf.type = "arcsin", times = c(0.5, 3)),
  km_case("flat_half_midpoint", flat1, "time", "status", probs = c(0.25, 0.5, 0.75), rmean = 4,
          note = "S = 0.5 exactly from 2 to 4: median (2 + 4)/2 = 3"),
  km_case("flat_half_at_end", flat2, "time", "status", probs = c(0.5),
          note = "S ends at 0.5: print median 2, quantile(0.5) = (2 + 5)/2"),
  km_case("flat_quarters", flat3, "time", "status", probs = c(0.25, 0.5, 0.75)),
  km_case("censored_first_loglog", cfirst, "time", "status", conf.type = "log-log", times = c(0.5, 1, 1.5, 2)),
  km_case("censored_first_logit", cfirst, "time", "status", conf.type = "logit", times = c(0.5, 1, 1.5)),
  km_case("ties_3groups", ties, "time", "status", "g", times = c(2, 5, 10),
          note = "events and censorings tied; g=3 has no events"),
  km_case("lung_small_subset_sex", lung_small, "time", "status", "sex", times = c(100, 300),
          note = "lung filtered to inst == 11 & age > 60"),
  km_case("events_at_time_zero", zero, "time", "status", "g", times = c(0, 0.5, 2, 3.5), rmean = 3,
          note = "a first time of 0: survfit0 adds no extra row"),
  km_case("lung_all_plain_99", lung, "time", "status", conf.type = "plain", conf.int = 0.99,
          times = c(10, 500), probs = c(0.05, 0.5, 0.9)),
  km_case("near_ties_timefix", nearties, "time", "status", "g",
          note = "times equal to within sqrt(eps) are merged (timefix)")
)

# ---- log-rank cases ------------------------------------------------------------------------
lr <- list(
  lr_case("lung_sex", lung, "time", "status", "sex"),
  lr_case("lung_sex_rho1", lung, "time", "status", "sex", rho = 1),
  lr_case("lung_ecog", lung, "time", "status", "ph.ecog", pairwise = TRUE),
  lr_case("lung_sex_strata_ecog", lung, "time", "status", "sex", strata_var = "ph.ecog"),
  lr_case("lung_ecog_strata_sex_rho1", lung, "time", "status", "ph.ecog", strata_var = "sex", rho = 1,
          pairwise = TRUE),
  lr_case("lung_age10", lung, "time", "status", "age10", pairwise = TRUE, note = "10 groups"),
  lr_case("lung_sex_ecog_combo", lung, "time", "status", c("sex", "ph.ecog")),
  lr_case("veteran_celltype", veteran, "time", "status", "celltype", pairwise = TRUE),
  lr_case("veteran_celltype_rho05", veteran, "time", "status", "celltype", rho = 0.5),
  lr_case("veteran_trt_strata_celltype", veteran, "time", "status", "trt", strata_var = "celltype"),
  lr_case("veteran_karno_trend_scores", transform(veteran, kgrp = cut(karno, c(0, 40, 60, 80, 100))),
          "time", "status", "kgrp", scores = c(30, 50, 70, 90)),
  lr_case("ovarian_rx", ovarian, "futime", "fustat", "rx"),
  lr_case("ovarian_rx_strata_resid", ovarian, "futime", "fustat", "rx", strata_var = "resid.ds"),
  lr_case("aml_x", aml, "time", "status", "x"),
  lr_case("aml_x_rho1", aml, "time", "status", "x", rho = 1),
  lr_case("net_pancreatic", net, "months", "died", "pancreatic"),
  lr_case("net_size_gt3", net, "months", "died", "size_gt3"),
  lr_case("net_mitoses_primary_gt2", net, "months", "died", "mitoses_primary_gt2"),
  lr_case("net_ki67_primary_gt1", net, "months", "died", "ki67_primary_gt1"),
  lr_case("net_sstr_primary_weak", net, "months", "died", "sstr_primary_weak"),
  lr_case("net_cea_primary_strong", net, "months", "died", "cea_primary_strong"),
  lr_case("net_mitoses_liver_gt2", net, "months", "died", "mitoses_liver_gt2"),
  lr_case("net_ki67_liver_gt1", net, "months", "died", "ki67_liver_gt1"),
  lr_case("net_sstr_liver_weak", net, "months", "died", "sstr_liver_weak"),
  lr_case("ties_3groups_no_events", ties, "time", "status", "g", pairwise = TRUE,
          note = "ties of events and censorings; g=3 has no events"),
  lr_case("group_expected_zero", noexp, "time", "status", "g",
          note = "g=1 is censored before the first event: expected 0, df 0, chisq 0"),
  lr_case("two_groups_hand", twog, "time", "status", "g"),
  lr_case("lung_small_subset_sex", lung_small, "time", "status", "sex"),
  lr_case("events_at_time_zero", zero, "time", "status", "g", rho = 1),
  lr_case("near_ties_timefix", nearties, "time", "status", "g")
)

out <- list(generator = sc("Tests/SurvivalStatsTests/Reference/km_logrank.R"),
            r_version = sc(R.version.string),
            survival_version = sc(as.character(packageVersion("survival"))),
            km = km, logrank = lr)
write_json(out, "Tests/SurvivalStatsTests/Reference/km_logrank.json", digits = NA, na = "null",
           null = "null", pretty = FALSE)
cat("wrote", length(km), "KM cases and", length(lr), "log-rank cases\n")
