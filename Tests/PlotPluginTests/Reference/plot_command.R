# Reference values for the `plot` command (Tests/SurvshTests/PlotCommandTests.swift): the numbers
# behind km, loglog and cumhaz figures, numbers at risk at the axis ticks, log-rank p-values,
# hist() and boxplot.stats() of lung columns, all from R's survival and graphics/stats.
# Run from the repository root:  Rscript Tests/PlotPluginTests/Reference/plot_command.R
library(survival); library(jsonlite)
args <- commandArgs(trailingOnly = FALSE)
self <- sub("^--file=", "", args[grep("^--file=", args)])
outdir <- if (length(self)) dirname(self) else "Tests/PlotPluginTests/Reference"
rd <- function(f) read.csv(file.path("data", f), na.strings = c("NA", "", "."))
lung <- rd("lung.csv"); net <- rd("net_liver_mets.csv")
net$mitoses_hi <- as.numeric(net$mitoses_liver > 2)

curves <- function(fit, ticks, level = 0.95) {
  z <- qnorm(1 - (1 - level) / 2)
  labs <- if (is.null(fit$strata)) "all" else names(fit$strata)
  sizes <- if (is.null(fit$strata)) length(fit$time) else fit$strata
  end <- cumsum(sizes); start <- end - sizes + 1
  sm <- summary(fit, times = ticks, extend = TRUE)
  smst <- if (is.null(sm$strata)) rep("all", length(sm$time)) else as.character(sm$strata)
  lapply(seq_along(labs), function(i) {
    k <- start[i]:end[i]
    ev <- k[fit$n.event[k] > 0]
    list(label = labs[i], n = fit$n[i],
         event_time = I(fit$time[ev]), surv = I(fit$surv[ev]), lower = I(fit$lower[ev]), upper = I(fit$upper[ev]),
         cumhaz = I(fit$cumhaz[ev]),
         cumhaz_lower = I(pmax(fit$cumhaz[ev] - z * fit$std.chaz[ev], 0)),
         cumhaz_upper = I(fit$cumhaz[ev] + z * fit$std.chaz[ev]),
         censor_time = I(fit$time[k][fit$n.censor[k] > 0]),
         ticks = I(ticks), n_risk = I(sm$n.risk[smst == labs[i]]))
  })
}
f1 <- survfit(Surv(time, status) ~ sex, data = lung)
f2 <- survfit(Surv(months, died) ~ mitoses_hi, data = net)
f3 <- survfit(Surv(time, status) ~ sex, data = lung, conf.type = "log-log", conf.int = 0.9)
lr1 <- survdiff(Surv(time, status) ~ sex, data = lung)
lr2 <- survdiff(Surv(months, died) ~ mitoses_hi, data = net)
pv <- function(lr) list(chisq = lr$chisq, df = length(lr$n) - 1, p = pchisq(lr$chisq, length(lr$n) - 1, lower.tail = FALSE))
h <- hist(lung$age, plot = FALSE)
h12 <- hist(lung$age, breaks = 12, plot = FALSE)
wt <- lung[!is.na(lung$wt.loss) & !is.na(lung$ph.ecog), ]
boxes <- lapply(split(wt$wt.loss, wt$ph.ecog), function(v) { b <- boxplot.stats(v); list(n = b$n, stats = I(b$stats), out = I(b$out)) })
out <- list(r_version = R.version.string, survival_version = as.character(packageVersion("survival")),
            lung_sex = curves(f1, pretty(c(0, max(lung$time)))),
            lung_sex_break = curves(f1, seq(0, max(lung$time), by = 182.5)),
            lung_sex_loglog90 = curves(f3, c(0, 500)),
            net_mitoses = curves(f2, seq(0, max(net$months), by = 12)),
            logrank_lung_sex = pv(lr1), logrank_net = pv(lr2),
            hist_age = list(breaks = I(h$breaks), counts = I(h$counts)),
            hist_age_12 = list(breaks = I(h12$breaks), counts = I(h12$counts)),
            box_wt_loss_by_ecog = boxes)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), file.path(outdir, "plot_command.json"))
