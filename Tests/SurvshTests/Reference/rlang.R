# rlang.R — R's answers for survsh speaking R (issue 16): text levels in R's UTF-8 order and the
# reference levels it gives, factor(x, ref =)/relevel()/levels, formulas with expressions inside
# Surv() and terms, and Kaplan-Meier with delayed entry (left truncation).
#
# Run from the repository root:   Rscript Tests/SurvshTests/Reference/rlang.R
# Reads data/rotterdam.csv, data/pbc.csv and data/heart.csv (written from R's survival package, see
# data/README.md) as survsh's `load` reads them (text stays text: read.csv, stringsAsFactors = FALSE),
# and writes Tests/SurvshTests/Reference/rlang.json next to this script. RLanguageTests run each
# case's survsh `commands` and compare the last one's JSON with R's numbers.
#
# Each cox case stores `names`, the coefficient names survsh must print. They are R's own names
# (`r_names`) except where R has no such call: factor(x, ref = "L") is survsh's shorthand for
# relevel(factor(x), ref = "L"), and the case says so in `note`.

suppressPackageStartupMessages({ library(survival); library(jsonlite) })
out_path <- "Tests/SurvshTests/Reference/rlang.json"
rd <- function(name) read.csv(file.path("data", paste0(name, ".csv")), na.strings = c("NA", "", "."),
                              stringsAsFactors = FALSE)
rotterdam <- rd("rotterdam"); pbc <- rd("pbc"); heart <- rd("heart")
source(file.path(local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                         if (length(f) == 1) dirname(f) else "Tests/SurvshTests/Reference" }), "cases.R"))

cox_case <- function(id, commands, fit, names = NULL, note = "") {
  if (is.null(names)) names <- names(coef(fit))
  s <- summary(fit)
  cm <- s$coefficients
  list(id = sc(id), commands = commands, r_call = sc(paste(deparse(fit$call), collapse = " ")), note = sc(note),
       n = sc(fit$n), nevent = sc(fit$nevent),
       input = list(columns = names), r_names = names(coef(fit)),
       coef = num(coef(fit)), se = num(cm[, "se(coef)"]), z = num(cm[, "z"]), p = num(cm[, "Pr(>|z|)"]),
       hr = num(s$conf.int[, "exp(coef)"]), hr_lower = num(s$conf.int[, 3]), hr_upper = num(s$conf.int[, 4]),
       loglik = num(fit$loglik), lr_test = num(s$logtest), wald_test = num(c(fit$wald.test, s$waldtest[2:3])),
       score_test = num(s$sctest), concordance = num(fit$concordance[1:7]))
}

load_rot <- "load data/rotterdam.csv"
load_pbc <- "load data/pbc.csv"

## ---- level order and reference levels ------------------------------------------------------
stopifnot(identical(levels(factor(rotterdam$size)), c("<=20", ">50", "20-50")))
rot_relevel <- rotterdam; rot_relevel$size <- relevel(factor(rot_relevel$size), ref = "20-50")
rot_levels <- rotterdam; rot_levels$size <- factor(rot_levels$size, levels = c("<=20", "20-50", ">50"))
rot_c <- rotterdam
rot_c$size <- factor(rot_c$size, levels = local({ o <- Sys.getlocale("LC_COLLATE")
  Sys.setlocale("LC_COLLATE", "C"); l <- sort(unique(rotterdam$size)); Sys.setlocale("LC_COLLATE", o); l }))

cox <- list(
  cox_case("rotterdam_size", c(load_rot, "cox Surv(rtime, recur) ~ size"),
           coxph(Surv(rtime, recur) ~ size, data = rotterdam)),
  cox_case("rotterdam_size_age_nodes", c(load_rot, "survival rtime recur", "cox ~ age + size + nodes"),
           coxph(Surv(rtime, recur) ~ age + size + nodes, data = rotterdam)),
  cox_case("rotterdam_factor_ref", c(load_rot, "cox Surv(rtime, recur) ~ factor(size, ref = \"20-50\") + age"),
           coxph(Surv(rtime, recur) ~ relevel(factor(size), ref = "20-50") + age, data = rotterdam),
           names = c("factor(size, ref = \"20-50\")<=20", "factor(size, ref = \"20-50\")>50", "age"),
           note = "factor(x, ref = L) is survsh's shorthand for R's relevel(factor(x), ref = L)"),
  cox_case("rotterdam_factor_ref_numeric", c(load_rot, "cox Surv(rtime, recur) ~ factor(grade, ref=3)"),
           coxph(Surv(rtime, recur) ~ relevel(factor(grade), ref = "3"), data = rotterdam),
           names = c("factor(grade, ref = 3)2"),
           note = "factor(x, ref = L) is survsh's shorthand for R's relevel(factor(x), ref = L)"),
  cox_case("rotterdam_relevel_call", c(load_rot, "cox Surv(rtime, recur) ~ relevel(factor(size), \"20-50\")"),
           coxph(Surv(rtime, recur) ~ relevel(factor(size), "20-50"), data = rotterdam)),
  cox_case("rotterdam_relevel_command", c(load_rot, "relevel size \"20-50\"", "cox Surv(rtime, recur) ~ size"),
           coxph(Surv(rtime, recur) ~ size, data = rot_relevel)),
  cox_case("rotterdam_levels_command", c(load_rot, "levels size <=20,20-50,>50", "cox Surv(rtime, recur) ~ size"),
           coxph(Surv(rtime, recur) ~ size, data = rot_levels)),
  cox_case("rotterdam_collation_c", c(load_rot, "set collation=c", "cox Surv(rtime, recur) ~ size"),
           coxph(Surv(rtime, recur) ~ size, data = rot_c),
           note = "R under LC_COLLATE=C sorts by bytes: 20-50 < <=20 < >50"),
  ## ---- formulas with expressions ---------------------------------------------------------------
  cox_case("pbc_status_eq_2", c(load_pbc, "cox Surv(time, status == 2) ~ age + sex + log(bili)"),
           coxph(Surv(time, status == 2) ~ age + sex + log(bili), data = pbc)),
  cox_case("pbc_status_in", c(load_pbc, "cox Surv(time, status %in% c(1, 2)) ~ age + edema"),
           coxph(Surv(time, status %in% c(1, 2)) ~ age + edema, data = pbc)),
  cox_case("rotterdam_transforms", c(load_rot, "cox Surv(rtime, recur) ~ log(pgr + 1) + I(age^2) + I(age/10) + sqrt(nodes)"),
           coxph(Surv(rtime, recur) ~ log(pgr + 1) + I(age^2) + I(age/10) + sqrt(nodes), data = rotterdam)),
  cox_case("pbc_interaction_expr", c(load_pbc, "cox Surv(time/365.25, status==2) ~ log(bili)*sex + strata(edema)"),
           coxph(Surv(time/365.25, status == 2) ~ log(bili) * sex + strata(edema), data = pbc)),
  cox_case("pbc_interaction_colon", c(load_pbc, "cox Surv(time, status == 2) ~ log(bili) + log(bili):age"),
           coxph(Surv(time, status == 2) ~ log(bili) + log(bili):age, data = pbc)),
  cox_case("pbc_factor_expr", c(load_pbc, "cox Surv(time, status == 2) ~ factor(stage) + I(albumin < 3.5) + relevel(factor(trt), \"2\")"),
           coxph(Surv(time, status == 2) ~ factor(stage) + I(albumin < 3.5) + relevel(factor(trt), "2"), data = pbc)),
  cox_case("pbc_age_scale_cox", c(load_pbc, "cox Surv(age, age + time/365.25, status == 2) ~ sex"),
           coxph(Surv(age, age + time/365.25, status == 2) ~ sex, data = pbc),
           note = "delayed entry: the score test is what logrank points to for left-truncated data")
)

km <- list(
  km_case("rotterdam_size", c(load_rot, "km Surv(rtime, recur) ~ size"),
          survfit(Surv(rtime, recur) ~ size, data = rotterdam)),
  km_case("rotterdam_size_levels", c(load_rot, "levels size \">50\",\"20-50\",\"<=20\"", "km Surv(rtime, recur) ~ size"),
          survfit(Surv(rtime, recur) ~ size,
                  data = transform(rotterdam, size = factor(size, levels = c(">50", "20-50", "<=20"))))),
  km_case("pbc_status_eq_2_sex", c(load_pbc, "km Surv(time, status == 2) ~ sex"),
          survfit(Surv(time, status == 2) ~ sex, data = pbc)),
  km_case("pbc_age_scale", c(load_pbc, "km Surv(age, age + time/365.25, status == 2)"),
          survfit(Surv(age, age + time/365.25, status == 2) ~ 1, data = pbc),
          note = "delayed entry: age as the time scale, each patient at risk from the age at entry"),
  km_case("pbc_age_scale_sex", c(load_pbc, "km Surv(age, age + time/365.25, status == 2) ~ sex times=40,50,60,70,80"),
          survfit(Surv(age, age + time/365.25, status == 2) ~ sex, data = pbc),
          note = "delayed entry by group", times = c(40, 50, 60, 70, 80)),
  km_case("heart_counting", c("load data/heart.csv", "km Surv(start, stop, event) ~ surgery"),
          survfit(Surv(start, stop, event) ~ surgery, data = heart),
          note = "counting-process rows, each (start, stop] interval at risk on its own (no id)")
)

logrank <- list(
  lr_case("rotterdam_size", c(load_rot, "logrank Surv(rtime, recur) ~ size"),
          survdiff(Surv(rtime, recur) ~ size, data = rotterdam)),
  lr_case("pbc_status_eq_2_sex", c(load_pbc, "logrank Surv(time, status == 2) ~ sex"),
          survdiff(Surv(time, status == 2) ~ sex, data = pbc)),
  lr_case("pbc_status_eq_2_stage", c(load_pbc, "logrank Surv(time, status == 2) ~ I(bili > 2) + strata(sex)"),
          survdiff(Surv(time, status == 2) ~ I(bili > 2) + strata(sex), data = pbc))
)

## survdiff refuses counting-process data (the message survsh's logrank points to)
survdiff_counting <- tryCatch({ survdiff(Surv(start, stop, event) ~ surgery, data = heart); "" },
                              error = function(e) conditionMessage(e))

## text comparisons in expressions use the collation too (R's Scollate)
sizes <- c("<=20", ">50", "20-50")
text_compare <- list(levels = sizes, lt_20_50 = sizes < "20-50", ge_gt50 = sizes >= ">50",
                     lt_20_50_c = local({ o <- Sys.getlocale("LC_COLLATE"); Sys.setlocale("LC_COLLATE", "C")
                                          r <- sizes < "20-50"; Sys.setlocale("LC_COLLATE", o); r }))

out <- list(generator = sc("Tests/SurvshTests/Reference/rlang.R"), r_version = sc(R.version.string),
            survival_version = sc(as.character(packageVersion("survival"))),
            collate = sc(Sys.getlocale("LC_COLLATE")), icu = sc(unname(extSoftVersion()["ICU"])),
            cox = cox, km = km, logrank = logrank, survdiff_counting_error = sc(survdiff_counting),
            text_compare = text_compare)
writeLines(toJSON(out, digits = NA, null = "null", na = "null", auto_unbox = FALSE), out_path)
cat("wrote", out_path, "\n")
