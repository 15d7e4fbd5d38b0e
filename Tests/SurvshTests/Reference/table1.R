# table1.R — reference values for `table1` (the baseline table), computed with base R on the shipped
# data sets: every cell of the table as survsh formats it and every statistic behind it.
#
#   continuous : mean, sd, quantile(type = 7); nonnormal when |skewness| > 1, skewness = m3 / m2^1.5
#                (or as nonnormal= lists); p by t.test(var.equal = TRUE) (2 groups) or
#                oneway.test(var.equal = TRUE) (more), nonnormal: wilcox.test (R's defaults) or kruskal.test.
#   categorical: text columns and numeric ones with at most 5 distinct values (or cat=); n (%) of the
#                rows with a value; p by chisq.test (R's default correct = TRUE) unless an expected count
#                is below 5, then fisher.test.
#   smd        : tableone 0.13's definitions, written out here (tableone is not installed): continuous
#                |m1 - m2| / sqrt((v1 + v2) / 2); categorical Yang & Dalton with MASS::ginv; the mean of the
#                pairwise values for more than two groups.
# aov() is checked against oneway.test for the 3-group case.
#
# Run from the repository root:   Rscript Tests/SurvshTests/Reference/table1.R
# Writes Tests/SurvshTests/Reference/table1.json next to this script.

out_path <- "Tests/SurvshTests/Reference/table1.json"

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvshTests/Reference" })
source(file.path(ref_dir, "..", "..", "SurvivalStatsTests", "Reference", "common.R"))   # to_json, read_dataset, read_net

f2 <- function(x, d = 2) sprintf(paste0("%.", d, "f"), x)
pcell <- function(p) if (is.na(p)) "" else if (p < 0.001) "<0.001" else sprintf("%.3f", p)
skewness <- function(x) { m <- mean(x); mean((x - m)^3) / mean((x - m)^2)^1.5 }
levels_of <- function(x) { u <- unique(x[!is.na(x)]); as.character(sort(u)) }

smd_cont <- function(groups) {
  k <- length(groups); out <- c()
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    a <- groups[[i]]; b <- groups[[j]]
    out <- c(out, abs(mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2))
  }
  out
}
multinomial_var <- function(p) { v <- -outer(p, p); diag(v) <- p * (1 - p); v }
smd_cat <- function(tab) {   # tab: levels x groups, levels absent from every group dropped
  tab <- tab[rowSums(tab) > 0, , drop = FALSE]
  props <- t(prop.table(tab, 2))                 # groups x levels
  if (ncol(props) > 1) props <- props[, -1, drop = FALSE]
  k <- nrow(props); out <- c()
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    d <- props[i, ] - props[j, ]
    s <- (multinomial_var(props[i, ]) + multinomial_var(props[j, ])) / 2
    out <- c(out, sqrt(drop(t(d) %*% MASS::ginv(s) %*% d)))
  }
  out
}

cont_stats <- function(x, missing) {
  q <- unname(quantile(x, c(0.25, 0.5, 0.75), type = 7))
  list(n = length(x), missing = missing, mean = mean(x), sd = sd(x), median = q[2], q1 = q[1], q3 = q[3],
       min = min(x), max = max(x))
}

## One table: data already filtered to the rows used (group present). Returns the JSON case.
table1 <- function(data, dataset, setup, command, group, vars, cat = c(), nonnormal = NULL, smd = FALSE) {
  g <- data[[group]]
  glev <- levels_of(g); k <- length(glev)
  gf <- factor(as.character(g), levels = glev)
  header <- c("variable", "Overall", paste0(group, "=", glev), "p", "test", if (smd) "SMD", "missing")
  blank <- rep("", length(header) - 2 - k)
  rows <- list(c("n", nrow(data), as.character(as.vector(table(gf))), blank))
  out_vars <- list()
  for (v in vars) {
    x <- data[[v]]
    miss <- c(sum(is.na(x)), as.vector(tapply(is.na(x), gf, sum)))
    categorical <- v %in% cat || is.character(x) || length(unique(x[!is.na(x)])) <= 5
    if (!categorical) {
      xs <- x[!is.na(x)]; groups <- split(x[!is.na(x)], gf[!is.na(x)])
      sk <- skewness(xs)
      nn <- if (is.null(nonnormal)) abs(sk) > 1 else v %in% nonnormal
      if (!nn && k == 2) {
        t <- t.test(groups[[1]], groups[[2]], var.equal = TRUE)
        test <- list(name = "t-test", statistic = unname(t$statistic), df = I(unname(t$parameter)), p = t$p.value)
      } else if (!nn) {
        o <- oneway.test(x ~ gf, var.equal = TRUE)
        a <- summary(aov(x ~ gf))[[1]]
        stopifnot(abs(a[["Pr(>F)"]][1] - o$p.value) < 1e-12 * o$p.value)
        test <- list(name = "ANOVA", statistic = unname(o$statistic), df = I(unname(o$parameter)), p = o$p.value)
      } else if (k == 2) {
        w <- suppressWarnings(wilcox.test(groups[[1]], groups[[2]]))
        test <- list(name = "Wilcoxon", statistic = unname(w$statistic), df = I(numeric(0)), p = w$p.value, method = w$method)
      } else {
        kw <- kruskal.test(x ~ gf)
        test <- list(name = "Kruskal-Wallis", statistic = unname(kw$statistic), df = I(unname(kw$parameter)), p = kw$p.value)
      }
      stats <- c(list(cont_stats(xs, miss[1])), lapply(seq_len(k), function(i) cont_stats(groups[[i]], miss[i + 1])))
      cell <- function(s) if (nn) paste0(f2(s$median), " [", f2(s$q1), ", ", f2(s$q3), "]") else paste0(f2(s$mean), " (", f2(s$sd), ")")
      s <- if (smd) smd_cont(groups) else NULL
      rows[[length(rows) + 1]] <- c(paste0(v, if (nn) ", median [IQR]" else ", mean (SD)"), vapply(stats, cell, ""),
                                    pcell(test$p), test$name, if (smd) sprintf("%.3f", mean(s)), miss[1])
      out_vars[[length(out_vars) + 1]] <- list(name = v, type = "continuous", nonnormal = nn, skewness = sk,
                                               overall = stats[[1]], groups = stats[-1], test = test,
                                               smd = if (smd) mean(s) else NULL, smd_pairwise = if (smd) I(s) else NULL)
    } else {
      lev <- levels_of(x)
      xf <- factor(as.character(x), levels = lev)
      tab <- table(xf, gf)                           # levels x groups, complete cases
      overall <- as.vector(table(xf))
      totals <- c(sum(overall), colSums(tab))
      kept <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
      chi <- suppressWarnings(chisq.test(kept))
      min_expected <- min(chi$expected)
      if (min_expected < 5) {
        test <- list(name = "Fisher", statistic = NULL, df = I(numeric(0)), p = fisher.test(kept)$p.value,
                     min_expected = min_expected)
      } else {
        test <- list(name = "chi-square", statistic = unname(chi$statistic), df = I(unname(chi$parameter)),
                     p = chi$p.value, min_expected = min_expected)
      }
      s <- if (smd) smd_cat(tab) else NULL
      rows[[length(rows) + 1]] <- c(paste0(v, ", n (%)"), rep("", k + 1), pcell(test$p), test$name,
                                    if (smd) sprintf("%.3f", mean(s)), miss[1])
      counts <- cbind(overall, unclass(tab))
      pct <- 100 * sweep(counts, 2, totals, "/")
      for (i in seq_along(lev)) {
        rows[[length(rows) + 1]] <- c(paste0("  ", lev[i]), paste0(counts[i, ], " (", sprintf("%.1f", pct[i, ]), ")"), blank)
      }
      out_vars[[length(out_vars) + 1]] <- list(
        name = v, type = "categorical",
        overall = list(n = totals[1], missing = miss[1]),
        groups = lapply(seq_len(k), function(i) list(n = unname(totals[i + 1]), missing = miss[i + 1])),
        levels = lapply(seq_along(lev), function(i) list(level = lev[i], overall = list(n = counts[i, 1], percent = pct[i, 1]),
                                                         groups = lapply(seq_len(k), function(j) list(n = unname(counts[i, j + 1]), percent = unname(pct[i, j + 1]))))),
        test = test, smd = if (smd) mean(s) else NULL, smd_pairwise = if (smd) I(s) else NULL)
    }
  }
  list(dataset = dataset, setup = I(setup), command = command, n = nrow(data), group = group,
       groups = lapply(seq_len(k), function(i) list(label = glev[i], n = sum(gf == glev[i]))),
       variables = out_vars, header = I(header), rows = rows)
}

lung <- read_dataset("lung")
net <- read_net()

cases <- list(
  table1(lung, "lung", c("survival time status"), "table1 ~ sex smd", "sex",
         c("inst", "age", "ph.ecog", "ph.karno", "pat.karno", "meal.cal", "wt.loss"), smd = TRUE),
  table1(net, "net_liver_mets", c("survival months died", "generate mitoses_liver_gt2 = mitoses_liver > 2"),
         "table1 ~ mitoses_liver_gt2 smd", "mitoses_liver_gt2",
         c("age", "sex", "primary_site", "primary_size_cm", "mitoses_primary", "mitoses_liver", "ki67_primary",
           "ki67_liver", "sstr_primary", "sstr_liver", "cea_primary"), smd = TRUE),
  table1(net, "net_liver_mets", c("generate mitoses_liver_gt2 = mitoses_liver > 2"),
         "table1 ~ mitoses_liver_gt2 age ki67_liver mitoses_primary died nonnormal=ki67_liver",
         "mitoses_liver_gt2", c("age", "ki67_liver", "mitoses_primary", "died"), nonnormal = "ki67_liver"),
  table1(subset(lung, !is.na(ph.ecog) & ph.ecog < 3), "lung", c("filter ph.ecog < 3"),
         "table1 ~ ph.ecog age wt.loss meal.cal sex inst nonnormal=wt.loss,meal.cal smd", "ph.ecog",
         c("age", "wt.loss", "meal.cal", "sex", "inst"), nonnormal = c("wt.loss", "meal.cal"), smd = TRUE),
  table1(subset(net, primary_site %in% c("pancreas", "small_bowel", "colorectal")), "net_liver_mets",
         c("filter primary_site == \"pancreas\" or primary_site == \"small_bowel\" or primary_site == \"colorectal\""),
         "table1 ~ primary_site sex cea_primary age ki67_primary nonnormal=ki67_primary smd", "primary_site",
         c("sex", "cea_primary", "age", "ki67_primary"), nonnormal = "ki67_primary", smd = TRUE),
  ## a sparse 6 x 2 table: Fisher's exact test over many tables (FisherExact's bounds at work)
  table1(lung, "lung", character(0), "table1 ~ sex ph.karno cat=ph.karno", "sex", c("ph.karno"), cat = "ph.karno")
)

result <- list(meta = list(r_version = R.version.string, mass_version = as.character(packageVersion("MASS")),
                           generator = "Tests/SurvshTests/Reference/table1.R"),
               cases = cases)
writeLines(to_json(result), out_path)
cat("wrote", out_path, "\n")
