# contingency.R — reference values for SurvivalStats' ContingencyTable.chiSquare and
# FisherExact.pValue and .oddsRatio: R's chisq.test (correct = TRUE and FALSE) and fisher.test on tables of counts.
#
# Run from the repository root:   Rscript Tests/SurvivalStatsTests/Reference/contingency.R
# Writes Tests/SurvivalStatsTests/Reference/contingency.json next to this script. Each case stores
# its table as rows of counts (complete cases only, as table() of the columns without NA), so the
# Swift tests need no CSV parsing. R applies the Yates correction to 2 x 2 tables only.

out_path <- "Tests/SurvivalStatsTests/Reference/contingency.json"

ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
                   if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
source(file.path(ref_dir, "common.R"))   # to_json, read_dataset

lung <- read_dataset("lung"); veteran <- read_dataset("veteran"); aml <- read_dataset("aml")
net <- read_dataset("net_liver_mets")

case <- function(name, tab) {
  tab <- unclass(as.matrix(tab))
  storage.mode(tab) <- "integer"
  c1 <- suppressWarnings(chisq.test(tab, correct = TRUE))
  c0 <- suppressWarnings(chisq.test(tab, correct = FALSE))
  small <- any(c1$expected < 5)
  f <- fisher.test(tab)
  list(name = name, counts = lapply(seq_len(nrow(tab)), function(i) I(tab[i, ])),
       chisq_correct = list(statistic = unname(c1$statistic), df = unname(c1$parameter), p = c1$p.value,
                            method = c1$method),
       chisq_plain = list(statistic = unname(c0$statistic), df = unname(c0$parameter), p = c0$p.value,
                          method = c0$method),
       expected = lapply(seq_len(nrow(tab)), function(i) I(c1$expected[i, ])),
       small_expected = small,
       fisher_p = f$p.value,
       # 2 x 2 only: the conditional MLE of the odds ratio and its 95% CI (Inf is written as "Inf").
       fisher_or = if (is.null(f$estimate)) NULL else
         list(estimate = unname(f$estimate), conf_int = I(as.numeric(f$conf.int))))
}

cases <- list(
  case("lung sex x status", table(lung$sex, lung$status)),
  case("lung sex x ph.ecog", table(lung$sex, lung$ph.ecog)),
  case("aml x x status", table(aml$x, aml$status)),
  case("veteran celltype x trt", table(veteran$celltype, veteran$trt)),
  case("veteran celltype x prior", table(veteran$celltype, veteran$prior)),
  case("NET primary_site x sex", table(net$primary_site, net$sex)),
  case("NET sstr_liver x died", table(net$sstr_liver, net$died)),
  case("small 2x2", matrix(c(3, 1, 1, 3), 2)),
  case("2x2 with a zero", matrix(c(10, 0, 3, 5), 2)),
  case("2x2 x at its smallest", matrix(c(0, 6, 4, 2), 2)),
  case("2x2 balanced", matrix(c(2, 1, 1, 2), 2)),
  case("small 3x3", matrix(c(2, 0, 1, 1, 3, 0, 0, 1, 4), 3, byrow = TRUE)),
  case("3x4", matrix(c(5, 2, 0, 3, 1, 4, 2, 2, 0, 1, 6, 3), 3, byrow = TRUE))
)

result <- list(
  meta = list(r_version = R.version.string, generator = "Tests/SurvivalStatsTests/Reference/contingency.R"),
  cases = cases)
writeLines(to_json(result), out_path)
cat("wrote", out_path, "\n")
