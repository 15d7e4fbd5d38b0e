# reference_1e7.R — R's numbers on the 10^7-row benchmark file, to check survsh at scale.
#
#   Rscript bench/reference_1e7.R [CSV] [OUT.json]
#     (defaults: bench/out/bench_10000000.csv, bench/reference_1e7.json; run from the repository root)
#
# The CSV is scripts/gen_bench_csv.py 10000000 (seed 20240601): 15 columns, 1.2 GB. Writes km medians
# by group, the log-rank chi-square and the Cox fit (10 covariates, Efron, concordance) with 17
# significant digits, and R's and the packages' versions; bench/check_1e7.sh compares survsh with it.
# Takes several minutes (coxph alone about 2 minutes; 34 minutes on the loaded machine it last ran on,
# 125 s CPU) and about 8 GB of memory.
args <- commandArgs(TRUE)
csv <- if (length(args) >= 1) args[1] else "bench/out/bench_10000000.csv"
out <- if (length(args) >= 2) args[2] else "bench/reference_1e7.json"
ref_dir <- "Tests/SurvivalStatsTests/Reference"
source(file.path(ref_dir, "common.R"))
suppressMessages({ library(data.table); library(survival) })
d <- fread(csv)
stopifnot(nrow(d) == 1e7)
km <- survfit(Surv(time, status) ~ group, data = d)
tab <- summary(km)$table
lr <- survdiff(Surv(time, status) ~ group, data = d)
covs <- paste0("x", 1:10)
fit <- coxph(as.formula(paste("Surv(time, status) ~", paste(covs, collapse = " + "))), data = d, ties = "efron")
s <- summary(fit)
res <- list(
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  survival_version = format(packageVersion("survival")),
  data_table_version = format(packageVersion("data.table")),
  file = basename(csv), rows = nrow(d),
  km = list(groups = I(sub("group=", "", rownames(tab))), n = I(as.numeric(tab[, "records"])),
            events = I(as.numeric(tab[, "events"])), median = I(as.numeric(tab[, "median"])),
            median_lower = I(as.numeric(tab[, "0.95LCL"])), median_upper = I(as.numeric(tab[, "0.95UCL"]))),
  logrank = list(chisq = lr$chisq, observed = I(as.numeric(lr$obs)), expected = I(as.numeric(lr$exp))),
  cox = list(terms = I(names(coef(fit))), coef = I(unname(coef(fit))), se = I(unname(sqrt(diag(vcov(fit))))),
             loglik = I(fit$loglik), concordance = unname(fit$concordance["concordance"]),
             concordance_se = unname(fit$concordance["std"]), score_test = unname(fit$score),
             wald_test = unname(s$waldtest["test"]), # rounded to 2 decimals by summary.coxph
             iterations = fit$iter)
)
writeLines(to_json(res), out)
cat("wrote", out, "\n")
