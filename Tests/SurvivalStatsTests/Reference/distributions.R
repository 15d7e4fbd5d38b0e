# distributions.R — reference values for SurvivalStats' distribution functions (Normal, StudentT,
# ChiSquared, FisherF, SpecialFunctions.logGamma), computed by R's stats package.
#
# Run from the repository root:   Rscript Tests/SurvivalStatsTests/Reference/distributions.R
# Writes Tests/SurvivalStatsTests/Reference/distributions.json next to this script.
# Numbers are written with 17 significant digits (round-trip exact); non-finite values as the
# strings "Inf", "-Inf", "NaN"; NA as null.

out_path <- "Tests/SurvivalStatsTests/Reference/distributions.json"

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))   # to_json, read_dataset, read_net
rows <- function(df) lapply(seq_len(nrow(df)), function(i) as.list(df[i, , drop = FALSE]))

## ---- grid ----------------------------------------------------------------------------------
dfs <- c(0.5, 1, 1.5, 2, 2.7, 3, 5, 10, 30, 100, 1e3, 1e6)
probs <- c(1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.025, 0.05, 0.1, 0.2,
           0.25, 0.3, 0.4, 0.45, 0.49, 0.5, 0.51, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999,
           1 - 1e-5, 1 - 1e-10, 0, 1)

lg_x <- c(1e-300, 1e-10, 0.1, 0.5, 0.9, 1, 1.3, 1.5, 2, 2.5, 3.7, 7.25, 9.99, 10, 10.5, 33.3, 100,
          171.6, 1e5, 1e10, 1e300, -0.5, -2.7)
lgamma_rows <- rows(data.frame(x = lg_x, value = lgamma(lg_x)))

z <- c(-38, -37.5, -30, -20, -10, -8.3, -5, -3, -1.96, -1, -0.5, -1e-8, 0, 1e-8, 0.3, 1, 1.96, 3, 5,
       8.3, 10, 20, 30, 37.5, 38)
pnorm_rows <- rows(data.frame(x = z, lower = pnorm(z), upper = pnorm(z, lower.tail = FALSE)))
qnorm_p <- c(1e-320, probs, 1 - 1e-15)
qnorm_rows <- rows(data.frame(p = qnorm_p, value = qnorm(qnorm_p)))

t_x <- c(-1e10, -1000, -38, -10, -5, -3, -2, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 2, 3, 5, 10, 38, 1000)
g <- expand.grid(x = t_x, df = dfs)
pt_rows <- rows(data.frame(x = g$x, df = g$df, lower = pt(g$x, g$df), upper = pt(g$x, g$df, lower.tail = FALSE)))
## R's qt and qchisq stop their Newton refinement early in some far tails (e.g. qt(1e-300, 1.5) is
## 1% off, qt(1 - 1e-10, 0.5) 2e-6 off: compare pt(qt(p, df), df) with p). For every quantile we
## also store R's quantile polished by Newton's method on the log of R's own (accurate) tail
## probability, and flag the rows where the two differ by more than 1e-13 relative; the Swift tests
## compare against `polished` on flagged rows and against R's quantile everywhere else.
polish <- function(x0, target, log_tail, elasticity) {
  x <- abs(x0)
  if (!is.finite(x) || x == 0 || target >= 0.25) return(x0)
  for (i in 1:100) {
    lt <- log_tail(x)
    tail <- exp(lt)
    g <- if (tail >= 2.3e-308 && target >= 2.3e-308) log(tail / target) else lt - log(target)
    step <- -g / elasticity(x, lt)
    if (!is.finite(step)) break
    x <- x * exp(step)
    if (abs(step) < 1e-15) break
  }
  sign(x0) * x
}
polish_t <- function(p, df, q) {
  target <- min(p, 1 - p)
  polish(q, target, function(s) pt(-s, df, log.p = TRUE),
         function(s, lt) -exp(log(s) + dt(s, df, log = TRUE) - lt))
}
polish_chisq <- function(p, df, q) {
  lower <- p <= 0.5
  target <- if (lower) p else 1 - p
  polish(q, target, function(x) pchisq(x, df, lower.tail = lower, log.p = TRUE),
         function(x, lt) (if (lower) 1 else -1) * exp(log(x) + dchisq(x, df, log = TRUE) - lt))
}
quantile_rows <- function(p, df, q, polisher) {
  pol <- mapply(polisher, p, df, q)
  flag <- is.finite(q) & q != 0 & abs(pol / q - 1) > 1e-13
  rows(data.frame(p = p, df = df, value = q, polished = pol, r_inexact = flag))
}

g <- expand.grid(p = probs, df = dfs)
qt_rows <- quantile_rows(g$p, g$df, qt(g$p, g$df), polish_t)

chi_x <- c(1e-8, 1e-4, 0.01, 0.1, 0.5, 1, 2, 3.84, 5, 10, 20, 50, 100, 300, 700, 1000, 1500, 2000)
pc <- do.call(rbind, lapply(dfs, function(d) {
  x <- unique(sort(c(chi_x, if (d >= 30) d * c(0.9, 1, 1.1) else NULL)))
  data.frame(x = x, df = d)
}))
pchisq_rows <- rows(data.frame(x = pc$x, df = pc$df, lower = pchisq(pc$x, pc$df),
                               upper = pchisq(pc$x, pc$df, lower.tail = FALSE)))
g <- expand.grid(p = probs, df = dfs)
qchisq_rows <- quantile_rows(g$p, g$df, qchisq(g$p, g$df), polish_chisq)

f_pairs <- list(c(1, 1), c(0.5, 3), c(2, 10), c(5, 2.7), c(10, 30), c(30, 100), c(100, 1000),
                c(4, 1e4), c(3, 1e6))
f_x <- c(1e-6, 0.01, 0.2, 0.5, 0.9, 1, 1.1, 2, 3, 5, 10, 50, 1000, 1e6)
pf_grid <- do.call(rbind, lapply(f_pairs, function(d) data.frame(x = f_x, df1 = d[1], df2 = d[2])))
pf_rows <- rows(data.frame(x = pf_grid$x, df1 = pf_grid$df1, df2 = pf_grid$df2,
                           lower = pf(pf_grid$x, pf_grid$df1, pf_grid$df2),
                           upper = pf(pf_grid$x, pf_grid$df1, pf_grid$df2, lower.tail = FALSE)))

result <- list(
  meta = list(r_version = R.version.string,
              survival_version = as.character(packageVersion("survival")),
              generator = "Tests/SurvivalStatsTests/Reference/distributions.R"),
  lgamma = lgamma_rows, pnorm = pnorm_rows, qnorm = qnorm_rows, pt = pt_rows, qt = qt_rows,
  pchisq = pchisq_rows, qchisq = qchisq_rows, pf = pf_rows)
writeLines(to_json(result), out_path)
cat("wrote", out_path, "\n")
