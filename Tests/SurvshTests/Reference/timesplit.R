# timesplit.R — R's answers for survsh's split (survSplit), tvc (tmerge with tdc) and landmark
# (subset(time > T) with the clock reset by hand), issue 12 items 3 and 4.
#
# Run from the repository root:   Rscript Tests/SurvshTests/Reference/timesplit.R
# Reads data/lung.csv, data/veteran.csv, data/heart.csv, data/net_liver_mets.csv, data/pbc.csv and
# data/pbcseq.csv (exported from R's survival package, see data/README.md) as survsh's `load` reads
# them, and writes Tests/SurvshTests/Reference/timesplit.json next to this script. TimeSplitTests
# run each case's survsh `commands`, compare the last one's JSON with R's fit, and compare the
# reshaped data (the columns in `frame`) with R's data set row by row.

suppressPackageStartupMessages({ library(survival); library(jsonlite) })
out_path <- "Tests/SurvshTests/Reference/timesplit.json"
rd <- function(name) read.csv(file.path("data", paste0(name, ".csv")), na.strings = c("NA", "", "."),
                              stringsAsFactors = FALSE)
lung <- rd("lung"); veteran <- rd("veteran"); heart <- rd("heart"); pbc <- rd("pbc"); pbcseq <- rd("pbcseq")
net <- rd("net_liver_mets"); net$mitoses_liver_gt2 <- as.numeric(net$mitoses_liver > 2)
net$ki67_liver_gt1 <- as.numeric(net$ki67_liver > 1)
source(file.path(local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                         if (length(f) == 1) dirname(f) else "Tests/SurvshTests/Reference" }), "cases.R"))   # km_case, lr_case

# `frame_columns`: survsh's column name = R's column name (unnamed: the same); `frame` holds R's
# reshaped data set in those columns, to compare with survsh's active rows.
cox_case <- function(id, commands, fit, data, frame_columns = character(0)) {
  s <- summary(fit)
  cm <- s$coefficients
  robust <- !is.null(fit$naive.var)
  if (is.null(names(frame_columns))) names(frame_columns) <- frame_columns
  names(frame_columns)[names(frame_columns) == ""] <- frame_columns[names(frame_columns) == ""]
  list(id = sc(id), commands = commands, r_call = sc(paste(deparse(fit$call), collapse = " ")),
       n = sc(fit$n), nevent = sc(fit$nevent), rows = sc(nrow(data)),
       input = list(columns = names(coef(fit))),
       coef = num(coef(fit)), se = num(cm[, "se(coef)"]),
       robust_se = if (robust) num(cm[, "robust se"]) else NULL,
       z = num(cm[, "z"]), p = num(cm[, "Pr(>|z|)"]),
       hr = num(s$conf.int[, "exp(coef)"]), hr_lower = num(s$conf.int[, 3]), hr_upper = num(s$conf.int[, 4]),
       loglik = num(fit$loglik), lr_test = num(s$logtest),
       wald_test = num(c(fit$wald.test, s$waldtest[2:3])), score_test = num(s$sctest), concordance = num(fit$concordance[1:7]),
       frame = lapply(as.list(frame_columns), function(k) num(data[[k]])))
}

## ---- split (survSplit) ---------------------------------------------------------------------------
lung_split <- survSplit(Surv(time, status) ~ ., data = lung, cut = c(183, 365), episode = "episode", id = "id")
vet_events <- sort(unique(veteran$time[veteran$status == 1]))
vet_split <- survSplit(Surv(time, status) ~ ., data = veteran, cut = vet_events, episode = "episode", id = "id")
vet_tt <- coxph(Surv(time, status) ~ trt + prior + karno + tt(karno), data = veteran,
                tt = function(x, t, ...) x * log(t + 20))
vet_split_fit <- coxph(Surv(tstart, time, status) ~ trt + prior + karno + I(karno * log(time + 20)), data = vet_split)
stopifnot(all.equal(unname(coef(vet_tt)), unname(coef(vet_split_fit))),
          all.equal(vet_tt$loglik, vet_split_fit$loglik))   # the split data reproduce coxph's tt()
vet_90_180 <- survSplit(Surv(time, status) ~ ., data = veteran, cut = c(90, 180), episode = "episode")
heart_split <- survSplit(Surv(start, stop, event) ~ ., data = heart, cut = c(30, 180), episode = "episode")
heart_split$late <- as.numeric(heart_split$episode >= 2)
## age as the time scale: survSplit writes the episode start into `age` (the start is a column) and
## the expressions' parts into the new columns tstop and event
pbc_age <- survSplit(Surv(age, age + time/365.25, status == 2) ~ ., data = pbc, cut = c(50, 60), episode = "episode")
lung_outside <- survSplit(Surv(time, status) ~ ., data = lung, cut = c(-5, 183, 5000), episode = "episode")
net_split <- survSplit(Surv(months, died) ~ ., data = net, cut = c(12, 24, 60), episode = "episode")
net_split$late <- as.numeric(net_split$episode >= 3)

load_lung <- c("load data/lung.csv", "survival time status")
load_net <- c("load data/net_liver_mets.csv", "generate mitoses_liver_gt2 = mitoses_liver > 2",
              "generate ki67_liver_gt1 = ki67_liver > 1", "survival months died")
split <- list(
  cox_case("lung_183_365", c(load_lung, "split at=183,365 id=id", "cox ~ age + sex + ph.ecog + cluster(id)"),
           coxph(Surv(tstart, time, status) ~ age + sex + ph.ecog + cluster(id), data = lung_split), lung_split,
           c("tstart", "time", "status", "episode", "id", "age")),
  cox_case("veteran_events_tt", c("load data/veteran.csv", "split Surv(time, status) at=events id=id",
                                  "cox ~ trt + prior + karno + I(karno * log(time + 20))"),
           vet_split_fit, vet_split, c("tstart", "time", "status", "episode", "id")),
  cox_case("heart_counting_30_180", c("load data/heart.csv", "survival start stop event", "split at=30,180",
                                      "generate late = episode >= 2", "cox ~ age + surgery + transplant + transplant:late + cluster(id)"),
           coxph(Surv(start, stop, event) ~ age + surgery + transplant + transplant:late + cluster(id), data = heart_split),
           heart_split, c("start", "stop", "event", "episode", "id")),
  cox_case("net_12_24_60", c(load_net, "split at=12,24,60", "generate late = episode >= 3",
                             "cox ~ mitoses_liver_gt2 + ki67_liver_gt1 + mitoses_liver_gt2:late + cluster(id)"),
           coxph(Surv(tstart, months, died) ~ mitoses_liver_gt2 + ki67_liver_gt1 + mitoses_liver_gt2:late + cluster(id),
                 data = net_split), net_split, c("tstart", "months", "died", "episode", "id")),
  cox_case("pbc_age_scale_50_60", c("load data/pbc.csv", "split Surv(age, age + time/365.25, status == 2) at=50,60",
                                   "cox ~ sex + cluster(id)"),
           coxph(Surv(age, tstop, event) ~ sex + cluster(id), data = pbc_age),
           pbc_age, c("age", "tstop", "event", "episode", "bili")),
  cox_case("veteran_karno_by_episode", c("load data/veteran.csv", "survival time status", "split at=90,180",
                                        "cox ~ trt + prior + karno:factor(episode)"),
           coxph(Surv(tstart, time, status) ~ trt + prior + karno:factor(episode), data = vet_90_180),
           vet_90_180, c("tstart", "time", "status", "episode")),
  cox_case("lung_cuts_outside", c(load_lung, "split at=-5,183,5000", "cox ~ age"),
           coxph(Surv(tstart, time, status) ~ age, data = lung_outside), lung_outside,
           c("tstart", "time", "status", "episode"))
)
split_km <- list(
  km_case("lung_183_365_sex", c(load_lung, "split at=183,365", "km ~ sex"),
          survfit(Surv(tstart, time, status) ~ sex, data = lung_split))
)

## A factor inside an interaction is coded as R's model.matrix codes it (full indicators unless the
## term without it lies within an earlier term), which karno:factor(episode) above relies on.
formula_cases <- list(
  cox_case("lung_sex_by_ecog", c("load data/lung.csv", "cox Surv(time, status) ~ factor(sex) + factor(sex):factor(ph.ecog)"),
           coxph(Surv(time, status) ~ factor(sex) + factor(sex):factor(ph.ecog), data = lung), lung),
  cox_case("lung_ecog_by_age", c("load data/lung.csv", "cox Surv(time, status) ~ sex + age:factor(ph.ecog)"),
           coxph(Surv(time, status) ~ sex + age:factor(ph.ecog), data = lung), lung),
  ## and its variables come in their order of first appearance in the formula (R's terms())
  cox_case("lung_age_then_ecog_by_age", c("load data/lung.csv", "cox Surv(time, status) ~ age + factor(ph.ecog):age"),
           coxph(Surv(time, status) ~ age + factor(ph.ecog):age, data = lung), lung),
  cox_case("lung_ecog_then_sex_by_ecog", c("load data/lung.csv", "cox Surv(time, status) ~ factor(ph.ecog) + factor(sex):factor(ph.ecog)"),
           coxph(Surv(time, status) ~ factor(ph.ecog) + factor(sex):factor(ph.ecog), data = lung), lung)
)

## ---- tvc (tmerge with tdc) -----------------------------------------------------------------------
base <- subset(pbc, id <= 312, select = c(id, time, status, trt, age, sex, edema, stage))
pbc2 <- tmerge(base, base, id = id, death = event(time, status))
pbc2 <- tmerge(pbc2, pbcseq, id = id, ascites = tdc(day, ascites), bili = tdc(day, bili),
               albumin = tdc(day, albumin), protime = tdc(day, protime), alk.phos = tdc(day, alk.phos))
pbc2$event <- as.numeric(pbc2$death == 2)
pbc3 <- tmerge(base, base, id = id, death = event(time, status))
pbc3 <- tmerge(pbc3, pbcseq, id = id, bili = tdc(day, bili), albumin = tdc(day, albumin), edema = tdc(day, edema))
pbc3$event <- as.numeric(pbc3$death == 2)
load_pbc <- c("load data/pbc.csv", "filter id <= 312", "survival Surv(time, status == 2)")
tvc <- list(
  cox_case("pbc_tmerge_bili_protime",
           c(load_pbc, "tvc data/pbcseq.csv id=id time=day vars=ascites,bili,albumin,protime,alk.phos",
             "cox ~ log(bili) + log(protime)"),
           coxph(Surv(tstart, tstop, death == 2) ~ log(bili) + log(protime), data = pbc2), pbc2,
           c("tstart", time = "tstop", "event", "bili", "ascites", "alk.phos")),
  cox_case("pbc_tmerge_cluster",
           c(load_pbc, "tvc data/pbcseq.csv id=id time=day vars=bili,albumin,edema",
             "cox ~ age + edema + log(bili) + albumin + cluster(id)"),
           coxph(Surv(tstart, tstop, death == 2) ~ age + edema + log(bili) + albumin + cluster(id), data = pbc3), pbc3,
           c("tstart", time = "tstop", "event", "bili", "albumin", "edema"))
)
## tmerge's rules on a small hand-made table (Tests/SurvshTests/Fixtures/tvc): a value dated before 0
## applies from 0, missing values carry the previous one forward (na.rm), of two values dated alike
## the later in the file wins, dates at or after the end of follow-up cut nothing, ids only in the
## table are ignored, an id without dates keeps missing values, and a column named as a
## variable (v) is replaced.
fx <- function(name) read.csv(file.path("Tests/SurvshTests/Fixtures/tvc", name), na.strings = c("NA", "", "."))
fx_base <- fx("base.csv"); fx_changes <- fx("changes.csv")
fx_out <- tmerge(fx_base, fx_base, id = id, death = event(futime, st))
fx_out <- suppressWarnings(tmerge(fx_out, fx_changes, id = id, v = tdc(day, v), w = tdc(day, w)))
tvc_fixture <- list(commands = c("load Tests/SurvshTests/Fixtures/tvc/base.csv", "survival futime st",
                                 "tvc Tests/SurvshTests/Fixtures/tvc/changes.csv id=id time=day"),
                    rows = sc(nrow(fx_out)),
                    frame = list(id = num(fx_out$id), tstart = num(fx_out$tstart), futime = num(fx_out$tstop),
                                 st = num(fx_out$death), v = num(fx_out$v), w = num(fx_out$w)))
tvc_km <- list(
  km_case("pbc_tmerge_sex", c(load_pbc, "tvc data/pbcseq.csv id=id time=day vars=bili", "km ~ sex"),
          survfit(Surv(tstart, tstop, death == 2) ~ sex, data = pbc2))
)

## ---- landmark (subset(time > T), clock reset by hand) ---------------------------------------------
lung_lm <- subset(lung, time > 183); lung_lm$time <- lung_lm$time - 183
net_lm <- subset(net, months > 12); net_lm$months <- net_lm$months - 12
landmark <- list(
  cox = list(
    cox_case("lung_183", c(load_lung, "landmark 183", "cox ~ age + sex + ph.ecog"),
             coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_lm), lung_lm, c("time", "status", "age")),
    cox_case("net_12", c(load_net, "landmark 12", "cox ~ mitoses_liver_gt2 + ki67_liver_gt1"),
             coxph(Surv(months, died) ~ mitoses_liver_gt2 + ki67_liver_gt1, data = net_lm), net_lm, c("months", "died"))
  ),
  km = list(
    km_case("lung_183_sex", c(load_lung, "landmark 183", "km ~ sex"), survfit(Surv(time, status) ~ sex, data = lung_lm)),
    km_case("net_12_mitoses", c(load_net, "landmark 12", "km ~ mitoses_liver_gt2"),
            survfit(Surv(months, died) ~ mitoses_liver_gt2, data = net_lm))
  ),
  logrank = list(
    lr_case("net_12_mitoses", c(load_net, "landmark 12", "logrank ~ mitoses_liver_gt2"),
            survdiff(Surv(months, died) ~ mitoses_liver_gt2, data = net_lm))
  ),
  counts = list(lung_183 = list(rows = sc(nrow(lung_lm)), dropped = sc(nrow(lung) - nrow(lung_lm)),
                                dropped_events = sc(sum(lung$time <= 183 & lung$status == 2))),
                net_12 = list(rows = sc(nrow(net_lm)), dropped = sc(nrow(net) - nrow(net_lm)),
                              dropped_events = sc(sum(net$months <= 12 & net$died == 1))))
)

## survSplit with cut times outside all follow-up: the data come back unsplit (survsh warns, or refuses when none is inside)
outside <- survSplit(Surv(time, status) ~ ., data = lung, cut = c(-5, 5000), episode = "episode")

out <- list(generator = sc("Tests/SurvshTests/Reference/timesplit.R"), r_version = sc(R.version.string),
            survival_version = sc(as.character(packageVersion("survival"))),
            split = split, split_km = split_km, formula = formula_cases, tvc = tvc, tvc_km = tvc_km, tvc_fixture = tvc_fixture, landmark = landmark,
            outside_rows = sc(nrow(outside)), outside_episodes = sort(unique(outside$episode)))
writeLines(toJSON(out, digits = NA, null = "null", na = "null", auto_unbox = FALSE), out_path)
cat("wrote", out_path, "\n")
