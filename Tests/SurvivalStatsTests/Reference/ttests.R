# ttests.R — reference values for SurvivalStats' TTest, Wilcoxon, PAdjust, Moments and Quantile,
# computed by R's stats package on the shipped data sets.
#
# Run from the repository root:   Rscript Tests/SurvivalStatsTests/Reference/ttests.R
# Reads data/*.csv and writes Tests/SurvivalStatsTests/Reference/ttests.json next to this script.
# Every case stores its input vectors (missing values as null, exactly as passed to R's *.default
# method) and R's outputs, so the Swift tests need no CSV parsing. Numbers have 17 significant
# digits; "Inf"/"-Inf"/"NaN" are strings.

out_path <- "Tests/SurvivalStatsTests/Reference/ttests.json"

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))   # to_json, read_dataset, read_net

lung <- read_dataset("lung"); veteran <- read_dataset("veteran"); ovarian <- read_dataset("ovarian")
aml <- read_dataset("aml"); net <- read_dataset("net_liver_mets")

## Two groups of `value` split by `group`, first level first (levels sorted as R's factor() sorts).
split2 <- function(value, group) {
  ok <- !is.na(group)
  lev <- sort(unique(group[ok]))
  stopifnot(length(lev) == 2)
  list(x = value[ok & group == lev[1]], y = value[ok & group == lev[2]], levels = as.character(lev))
}

## ---- t-tests -------------------------------------------------------------------------------
tcase <- function(name, call, x, y = NULL, paired = FALSE, var.equal = FALSE, mu = 0,
                  alternative = "two.sided", conf.level = 0.95, levels = NULL) {
  kind <- if (is.null(y)) "one-sample" else if (paired) "paired" else if (var.equal) "pooled" else "welch"
  res <- tryCatch(t.test(x, y, paired = paired, var.equal = var.equal, mu = mu,
                         alternative = alternative, conf.level = conf.level),
                  error = function(e) conditionMessage(e))
  base <- list(name = name, call = call, kind = kind, x = I(x), y = if (is.null(y)) NULL else I(y),
               paired = paired, var_equal = var.equal, mu = mu, alternative = alternative,
               conf_level = conf.level, levels = levels)
  if (is.character(res)) return(c(base, list(error = res)))
  if (paired) {
    ok <- complete.cases(x, y); xs <- x[ok]; ys <- y[ok]; d <- xs - ys
    n <- I(sum(ok)); means <- I(c(mean(xs), mean(ys))); sds <- I(c(sd(xs), sd(ys)))
    extra <- list(mean_difference = mean(d), sd_difference = sd(d))
  } else if (is.null(y)) {
    xs <- x[!is.na(x)]
    n <- I(length(xs)); means <- I(mean(xs)); sds <- I(sd(xs)); extra <- list()
  } else {
    xs <- x[!is.na(x)]; ys <- y[!is.na(y)]
    n <- I(c(length(xs), length(ys))); means <- I(c(mean(xs), mean(ys))); sds <- I(c(sd(xs), sd(ys)))
    extra <- list()
  }
  est <- if (length(res$estimate) == 2) unname(res$estimate[1] - res$estimate[2]) else unname(res$estimate)
  c(base, list(result = c(list(
    method = res$method, t = unname(res$statistic), df = unname(res$parameter), p = res$p.value,
    ci_lower = res$conf.int[1], ci_upper = res$conf.int[2], estimate = est, stderr = res$stderr,
    n = n, means = means, sds = sds), extra)))
}

g_lung_age_sex <- split2(lung$age, lung$sex)
g_lung_wt_sex <- split2(lung$wt.loss, lung$sex)
g_vet_karno_trt <- split2(veteran$karno, veteran$trt)
g_vet_age_prior <- split2(veteran$age, veteran$prior)
g_vet_time_trt <- split2(veteran$time, veteran$trt)
g_ov_age_rx <- split2(ovarian$age, ovarian$rx)
g_ov_fu_resid <- split2(ovarian$futime, ovarian$resid.ds)
g_aml <- split2(aml$time, aml$x)
g_net_months_sex <- split2(net$months, net$sex)

ttests <- list(
  tcase("lung age, one-sample mu=60", "t.test(lung$age, mu = 60)", lung$age, mu = 60),
  tcase("lung wt.loss, one-sample greater", "t.test(lung$wt.loss, alternative = 'greater')",
        lung$wt.loss, alternative = "greater"),
  tcase("lung meal.cal, one-sample mu=1000 less level 0.9",
        "t.test(lung$meal.cal, mu = 1000, alternative = 'less', conf.level = 0.9)",
        lung$meal.cal, mu = 1000, alternative = "less", conf.level = 0.9),
  tcase("lung age ~ sex, Welch", "t.test(age ~ sex, data = lung)",
        g_lung_age_sex$x, g_lung_age_sex$y, levels = g_lung_age_sex$levels),
  tcase("lung age ~ sex, pooled", "t.test(age ~ sex, data = lung, var.equal = TRUE)",
        g_lung_age_sex$x, g_lung_age_sex$y, var.equal = TRUE, levels = g_lung_age_sex$levels),
  tcase("lung wt.loss ~ sex, Welch less level 0.9",
        "t.test(wt.loss ~ sex, data = lung, alternative = 'less', conf.level = 0.9)",
        g_lung_wt_sex$x, g_lung_wt_sex$y, alternative = "less", conf.level = 0.9, levels = g_lung_wt_sex$levels),
  tcase("lung ph.karno vs pat.karno, paired", "t.test(lung$ph.karno, lung$pat.karno, paired = TRUE)",
        lung$ph.karno, lung$pat.karno, paired = TRUE),
  tcase("veteran karno ~ trt, Welch", "t.test(karno ~ trt, data = veteran)",
        g_vet_karno_trt$x, g_vet_karno_trt$y, levels = g_vet_karno_trt$levels),
  tcase("veteran age ~ prior, pooled greater",
        "t.test(age ~ prior, data = veteran, var.equal = TRUE, alternative = 'greater')",
        g_vet_age_prior$x, g_vet_age_prior$y, var.equal = TRUE, alternative = "greater",
        levels = g_vet_age_prior$levels),
  tcase("veteran time ~ trt, Welch mu=10", "t.test(time ~ trt, data = veteran, mu = 10)",
        g_vet_time_trt$x, g_vet_time_trt$y, mu = 10, levels = g_vet_time_trt$levels),
  tcase("ovarian age ~ rx, Welch", "t.test(age ~ rx, data = ovarian)",
        g_ov_age_rx$x, g_ov_age_rx$y, levels = g_ov_age_rx$levels),
  tcase("ovarian futime ~ resid.ds, pooled level 0.9",
        "t.test(futime ~ resid.ds, data = ovarian, var.equal = TRUE, conf.level = 0.9)",
        g_ov_fu_resid$x, g_ov_fu_resid$y, var.equal = TRUE, conf.level = 0.9, levels = g_ov_fu_resid$levels),
  tcase("aml time ~ x, Welch", "t.test(time ~ x, data = aml)", g_aml$x, g_aml$y, levels = g_aml$levels),
  tcase("aml time ~ x, pooled less", "t.test(time ~ x, data = aml, var.equal = TRUE, alternative = 'less')",
        g_aml$x, g_aml$y, var.equal = TRUE, alternative = "less", levels = g_aml$levels),
  tcase("NET mitoses liver vs primary, paired",
        "t.test(net$mitoses_liver, net$mitoses_primary, paired = TRUE)",
        net$mitoses_liver, net$mitoses_primary, paired = TRUE),
  tcase("NET ki67 liver vs primary, paired", "t.test(net$ki67_liver, net$ki67_primary, paired = TRUE)",
        net$ki67_liver, net$ki67_primary, paired = TRUE),
  tcase("NET ki67 liver vs primary, paired mu=0.5 greater level 0.9",
        "t.test(net$ki67_liver, net$ki67_primary, paired = TRUE, mu = 0.5, alternative = 'greater', conf.level = 0.9)",
        net$ki67_liver, net$ki67_primary, paired = TRUE, mu = 0.5, alternative = "greater", conf.level = 0.9),
  tcase("NET ki67 liver and primary as two samples, Welch",
        "t.test(net$ki67_liver, net$ki67_primary)", net$ki67_liver, net$ki67_primary),
  tcase("NET months ~ sex, Welch", "t.test(months ~ sex, data = net)",
        g_net_months_sex$x, g_net_months_sex$y, levels = g_net_months_sex$levels),
  tcase("NET mitoses, one-sample of liver, level 0.9", "t.test(net$mitoses_liver, conf.level = 0.9)",
        net$mitoses_liver, conf.level = 0.9),
  # errors, with R's messages
  tcase("error: one observation", "t.test(5)", c(5)),
  tcase("error: constant data", "t.test(c(3, 3, 3))", c(3, 3, 3)),
  tcase("error: one observation in y (Welch)", "t.test(c(1, 2, 3), 4)", c(1, 2, 3), c(4)),
  tcase("pooled with one observation in y", "t.test(c(1, 2, 4), 4, var.equal = TRUE)",
        c(1, 2, 4), c(4), var.equal = TRUE),
  tcase("error: pooled with two observations", "t.test(1, 2, var.equal = TRUE)", c(1), c(2), var.equal = TRUE),
  tcase("error: constant two samples", "t.test(c(2, 2), c(2, 2))", c(2, 2), c(2, 2)),
  tcase("error: paired with one complete pair", "t.test(c(1, NA, 3), c(2, 5, NA), paired = TRUE)",
        c(1, NA, 3), c(2, 5, NA), paired = TRUE)
)

## ---- Wilcoxon -----------------------------------------------------------------------------
wcase <- function(name, call, x, y = NULL, paired = FALSE, mu = 0, alternative = "two.sided",
                  exact = NULL, correct = TRUE, levels = NULL) {
  warns <- character()
  res <- withCallingHandlers(
    wilcox.test(x, y, paired = paired, mu = mu, alternative = alternative, exact = exact, correct = correct),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") })
  kind <- if (is.null(y) || paired) "signed-rank" else "rank-sum"
  list(name = name, call = call, kind = kind, x = I(x), y = if (is.null(y)) NULL else I(y), paired = paired,
       mu = mu, alternative = alternative, exact = exact, correct = correct, levels = levels,
       result = list(method = res$method, statistic_name = names(res$statistic),
                     statistic = unname(res$statistic), p = res$p.value, warnings = I(warns)))
}
g_ov_fu_rx <- split2(ovarian$futime, ovarian$rx)
g_ov_age_resid <- split2(ovarian$age, ovarian$resid.ds)
g_ov_fu_ecog <- split2(ovarian$futime, ovarian$ecog.ps)
g_vet_karno <- split2(veteran$karno, veteran$trt)
g_lung_age <- split2(lung$age, lung$sex)

wilcoxon <- list(
  wcase("aml time ~ x (ties: normal approximation)", "wilcox.test(time ~ x, data = aml)",
        g_aml$x, g_aml$y, levels = g_aml$levels),
  wcase("ovarian futime ~ rx (exact)", "wilcox.test(futime ~ rx, data = ovarian)",
        g_ov_fu_rx$x, g_ov_fu_rx$y, levels = g_ov_fu_rx$levels),
  wcase("ovarian age ~ resid.ds (exact)", "wilcox.test(age ~ resid.ds, data = ovarian)",
        g_ov_age_resid$x, g_ov_age_resid$y, levels = g_ov_age_resid$levels),
  wcase("ovarian futime ~ ecog.ps, greater (exact)",
        "wilcox.test(futime ~ ecog.ps, data = ovarian, alternative = 'greater')",
        g_ov_fu_ecog$x, g_ov_fu_ecog$y, alternative = "greater", levels = g_ov_fu_ecog$levels),
  wcase("ovarian futime ~ ecog.ps, less mu=-100 (exact)",
        "wilcox.test(futime ~ ecog.ps, data = ovarian, alternative = 'less', mu = -100)",
        g_ov_fu_ecog$x, g_ov_fu_ecog$y, alternative = "less", mu = -100, levels = g_ov_fu_ecog$levels),
  wcase("lung age ~ sex (n > 50: normal approximation)", "wilcox.test(age ~ sex, data = lung)",
        g_lung_age$x, g_lung_age$y, levels = g_lung_age$levels),
  wcase("veteran karno ~ trt, correct=FALSE", "wilcox.test(karno ~ trt, data = veteran, correct = FALSE)",
        g_vet_karno$x, g_vet_karno$y, correct = FALSE, levels = g_vet_karno$levels),
  wcase("NET mitoses liver vs primary, paired (zeros and ties)",
        "wilcox.test(net$mitoses_liver, net$mitoses_primary, paired = TRUE)",
        net$mitoses_liver, net$mitoses_primary, paired = TRUE),
  wcase("NET ki67 liver vs primary, paired", "wilcox.test(net$ki67_liver, net$ki67_primary, paired = TRUE)",
        net$ki67_liver, net$ki67_primary, paired = TRUE),
  wcase("NET ki67 liver vs primary, paired greater",
        "wilcox.test(net$ki67_liver, net$ki67_primary, paired = TRUE, alternative = 'greater')",
        net$ki67_liver, net$ki67_primary, paired = TRUE, alternative = "greater"),
  wcase("ovarian age, one-sample mu=56 (exact)", "wilcox.test(ovarian$age, mu = 56)", ovarian$age, mu = 56),
  wcase("ovarian age, one-sample mu=60 less (exact)", "wilcox.test(ovarian$age, mu = 60, alternative = 'less')",
        ovarian$age, mu = 60, alternative = "less"),
  wcase("ovarian age vs futime/20, paired (exact)", "wilcox.test(ovarian$age, ovarian$futime / 20, paired = TRUE)",
        ovarian$age, ovarian$futime / 20, paired = TRUE),
  wcase("aml time, one-sample mu=20 less (ties)", "wilcox.test(aml$time, mu = 20, alternative = 'less')",
        aml$time, mu = 20, alternative = "less"),
  wcase("aml time, one-sample mu=13 (zero and ties)", "wilcox.test(aml$time, mu = 13)", aml$time, mu = 13),
  wcase("lung wt.loss, one-sample mu=5 greater", "wilcox.test(lung$wt.loss, mu = 5, alternative = 'greater')",
        lung$wt.loss, mu = 5, alternative = "greater"),
  wcase("ovarian futime ~ rx, exact=FALSE", "wilcox.test(futime ~ rx, data = ovarian, exact = FALSE)",
        g_ov_fu_rx$x, g_ov_fu_rx$y, exact = FALSE, levels = g_ov_fu_rx$levels)
)

## ---- exact null distributions ---------------------------------------------------------------
psr <- expand.grid(q = c(-1, 0, 3, 10.5, 27, 50, 100, 500, 1224, 1225), n = c(1, 5, 10, 20, 49))
psr <- psr[psr$q <= psr$n * (psr$n + 1) / 2 + 1, ]
signrank_rows <- lapply(seq_len(nrow(psr)), function(i) list(
  q = psr$q[i], n = psr$n[i], lower = psignrank(psr$q[i], psr$n[i]),
  upper = psignrank(psr$q[i], psr$n[i], lower.tail = FALSE)))
pw <- data.frame(q = c(0, 3, 7, 12, 30, 100, 200, 600, 1200, 2000), m = c(2, 3, 4, 5, 10, 13, 20, 30, 49, 49),
                 n = c(3, 3, 4, 6, 10, 13, 25, 45, 49, 48))
wilcox_rows <- lapply(seq_len(nrow(pw)), function(i) list(
  q = pw$q[i], m = pw$m[i], n = pw$n[i], lower = pwilcox(pw$q[i], pw$m[i], pw$n[i]),
  upper = pwilcox(pw$q[i], pw$m[i], pw$n[i], lower.tail = FALSE)))

## ---- p.adjust -------------------------------------------------------------------------------
padj_inputs <- list(
  list(p = c(0.01, 0.02, 0.03, 0.04, 0.05, 0.2, NA, 0.01, 0.9, 1e-5), n = NULL),
  list(p = c(0.5, 0.001, 0.049, 0.049, 0.3), n = 8),
  list(p = c(0.04, 0.03), n = NULL),
  list(p = c(0.2, 0.01, 0.7, 0.003, 0.05, 0.05, 0.6, 0.0401), n = NULL),
  list(p = 0.03, n = NULL))
methods <- c("holm", "hochberg", "hommel", "bonferroni", "BH", "BY", "fdr", "none")
padjust <- list()
for (inp in padj_inputs) for (m in methods) {
  adj <- if (is.null(inp$n)) p.adjust(inp$p, m) else p.adjust(inp$p, m, n = inp$n)
  padjust[[length(padjust) + 1]] <- list(p = I(inp$p), n = inp$n, method = m, adjusted = I(adj))
}

## ---- descriptive ----------------------------------------------------------------------------
probs <- c(0, 0.1, 0.25, 1/3, 0.5, 0.75, 0.9, 0.975, 1)
desc <- function(name, x) {
  xs <- x[!is.na(x)]
  list(name = name, x = I(x), mean = mean(xs), sd = sd(xs), var = var(xs),
       probs = I(probs), quantiles = I(unname(quantile(xs, probs, type = 7))), median = median(xs))
}
descriptive <- list(desc("lung age", lung$age), desc("lung wt.loss", lung$wt.loss),
                    desc("NET ki67_liver", net$ki67_liver), desc("aml time", aml$time),
                    desc("ovarian age", ovarian$age), desc("two values", c(1.5, -2)),
                    desc("one value", c(4.25)))

result <- list(
  meta = list(r_version = R.version.string, survival_version = as.character(packageVersion("survival")),
              generator = "Tests/SurvivalStatsTests/Reference/ttests.R"),
  ttests = ttests, wilcoxon = wilcoxon, psignrank = signrank_rows, pwilcox = wilcox_rows,
  padjust = padjust, descriptive = descriptive)
writeLines(to_json(result), out_path)
cat("wrote", out_path, "\n")
