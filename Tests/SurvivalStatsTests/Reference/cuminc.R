# Reference values for AalenJohansen / GrayTest (SurvivalStats) and the `cuminc` command.
# Run from the repository root:  Rscript Tests/SurvivalStatsTests/Reference/cuminc.R
# Reads data/mgus2.csv and data/pbc.csv, writes Tests/SurvivalStatsTests/Reference/cuminc.json.
#
# Per case: cmprsk::cuminc(time, status, group, strata, cencode = 0) and
#   curves  = per group and cause, cuminc's step vectors at the cause's failure times (the value
#             after each jump: est and Gray's var), as cmprsk returns them;
#   at      = cmprsk::timepoints(fit, grid) on a grid of every distinct time, midpoints between them,
#             a time before the first and one after the last (NA there);
#   ci      = survival:::survfit_confint(est, sqrt(var), logse = FALSE, conf.type, 0.95) over the
#             timepoints: R's own CI formula (the one survfit uses for multi-state pstate) applied to
#             cmprsk's standard errors, for conf.type log (survfit's default), log-log and plain;
#   survfit = survfit(Surv(time, factor(status)) ~ group) summary at the grid: pstate of each cause
#             (the Aalen-Johansen estimate; must equal cmprsk's est) and survfit's own std.err (the
#             infinitesimal-jackknife one, recorded for comparison, not used by survsh);
#   tests   = cuminc's $Tests (Gray's test, rho = 0): stat, df, and p as pchisq(stat, df, lower =
#             FALSE) (cmprsk prints 1 - pchisq, the same to ~1e-16 absolute).
# Inputs are stored in the JSON: time, status codes (0 = censored), 0-based group and stratum codes.
#
# Data: mgus2 (R's survival::mgus2, data/mgus2.csv: etime, event 0/1/2 as the finegray vignette),
# pbc (transplant vs death by trt), and small synthetic sets (3 causes, heavy ties, a group with no
# failures of a cause, strata).

suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
  library(jsonlite)
})

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))   # read_dataset
sc <- function(x) unbox(x)

cr_case <- function(name, time, status, group = NULL, strata = NULL, note = "") {
  ok <- !is.na(time) & !is.na(status) & (if (is.null(group)) TRUE else !is.na(group)) &
        (if (is.null(strata)) TRUE else !is.na(strata))
  time <- time[ok]; status <- status[ok]
  g <- if (is.null(group)) factor(rep(1, length(time))) else droplevels(factor(group[ok]))
  st <- if (is.null(strata)) NULL else droplevels(factor(strata[ok]))
  fit <- if (is.null(st)) cuminc(time, status, g) else cuminc(time, status, g, st)
  causes <- sort(unique(status[status != 0]))
  ut <- sort(unique(time))
  grid <- sort(unique(c(min(ut) - 1, ut, (head(ut, -1) + tail(ut, -1)) / 2, max(ut) + 1)))
  tp <- timepoints(fit, grid)
  curves <- list()
  for (gi in seq_along(levels(g))) for (k in causes) {
    nm <- paste(levels(g)[gi], k)
    w <- fit[[nm]]
    # x(1) = 0; (x(2i), x(2i+1)) = (before, after) each jump; the last element is the max time
    jumps <- if (length(w$time) >= 4) seq(3, length(w$time) - 1, by = 2) else integer(0)
    curves[[length(curves) + 1]] <- list(group = sc(gi - 1), cause = sc(k),
      time = I(w$time[jumps]), est = I(w$est[jumps]), var = I(w$var[jumps]),
      at_est = I(unname(tp$est[nm, ])), at_var = I(unname(tp$var[nm, ])),
      ci = lapply(c(log = "log", loglog = "log-log", plain = "plain"), function(ct) {
        ci <- survival:::survfit_confint(unname(tp$est[nm, ]), sqrt(unname(tp$var[nm, ])), logse = FALSE,
                                         conf.type = ct, conf.int = 0.95)
        list(lower = I(ci$lower), upper = I(ci$upper))
      }))
  }
  # survfit multi-state: pstate per cause at the grid inside follow-up
  sf <- survfit(Surv(time, factor(status, levels = c(0, causes))) ~ g)
  sfit <- list()
  for (gi in seq_along(levels(g))) {
    fi <- if (length(levels(g)) == 1) sf else sf[gi, ]
    inside <- grid[grid >= 0 & grid <= max(time[g == levels(g)[gi]])]
    s <- summary(fi, times = inside, extend = TRUE)
    sfit[[gi]] <- list(group = sc(gi - 1), times = I(inside),
                       pstate = lapply(seq_along(causes), function(k) I(s$pstate[, k + 1])),
                       std_err = lapply(seq_along(causes), function(k) I(s$std.err[, k + 1])))
  }
  tests <- NULL
  if (!is.null(fit$Tests)) {
    tt <- fit$Tests
    tests <- lapply(seq_len(nrow(tt)), function(i) list(cause = sc(as.numeric(rownames(tt)[i])),
      stat = sc(tt[i, "stat"]), df = sc(tt[i, "df"]), p = sc(pchisq(tt[i, "stat"], tt[i, "df"], lower.tail = FALSE))))
  }
  list(name = sc(name), note = sc(note), time = I(time), status = I(status),
       group = I(as.integer(g) - 1), group_labels = I(levels(g)),
       strata = if (is.null(st)) NULL else I(as.integer(st) - 1), stratum_count = sc(if (is.null(st)) 1 else nlevels(st)),
       causes = I(causes), grid = I(grid), curves = curves, survfit = sfit, tests = tests)
}

mgus2 <- read_dataset("mgus2")
pbc <- read_dataset("pbc")

set.seed(20261205)
n3 <- 150
three <- data.frame(time = round(rexp(n3, 0.1), 1), status = sample(0:3, n3, replace = TRUE, prob = c(.3, .3, .25, .15)),
                    g = sample(c("a", "b", "c"), n3, replace = TRUE))
ties <- data.frame(time = sample(1:8, 80, replace = TRUE), status = sample(0:2, 80, replace = TRUE),
                   g = rep(1:2, 40))
nocause <- data.frame(time = c(1:12, 2.5, 4.5, 6.5, 8.5), status = c(1, 2, 0, 1, 2, 1, 2, 0, 1, 2, 1, 0, 2, 2, 0, 2),
                      g = c(rep(1, 12), rep(2, 4)))   # group 2 has no failures of cause 1
strat <- data.frame(time = round(rexp(120, 0.2), 0), status = sample(0:2, 120, replace = TRUE),
                    g = sample(1:2, 120, replace = TRUE), s = sample(1:3, 120, replace = TRUE))

cases <- list(
  cr_case("mgus2_sex", mgus2$etime, mgus2$event, mgus2$sex, note = "cuminc Surv(etime, event) ~ sex on data/mgus2.csv"),
  cr_case("mgus2_all", mgus2$etime, mgus2$event, note = "no groups"),
  cr_case("pbc_trt", pbc$time, pbc$status, pbc$trt, note = "transplant (1) vs death (2) by trt; trt NA dropped"),
  cr_case("three_causes_three_groups", three$time, three$status, three$g, note = "3 causes, 3 groups, ties from rounding"),
  cr_case("heavy_ties", ties$time, ties$status, ties$g, note = "8 distinct times, ties of both causes and censorings"),
  cr_case("group_without_cause", nocause$time, nocause$status, nocause$g, note = "g=2 has no failures of cause 1"),
  cr_case("strata", strat$time, strat$status, strat$g, strat$s, note = "Gray's test stratified by s (cuminc strata=)")
)

out <- list(generator = sc("Tests/SurvivalStatsTests/Reference/cuminc.R"),
            r_version = sc(R.version.string),
            survival_version = sc(as.character(packageVersion("survival"))),
            cmprsk_version = sc(as.character(packageVersion("cmprsk"))),
            cases = cases)
write_json(out, "Tests/SurvivalStatsTests/Reference/cuminc.json", digits = NA, na = "null",
           null = "null", pretty = FALSE)
cat("wrote", length(cases), "cases\n")
