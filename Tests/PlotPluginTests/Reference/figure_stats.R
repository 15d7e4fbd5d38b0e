# Reference values for the plot module's own statistics: R's pretty() (axis ticks), hist()
# (Sturges breaks and counts) and boxplot.stats() (hinges, whiskers, outliers).
# Run from the repository root:  Rscript Tests/PlotPluginTests/Reference/figure_stats.R
# Writes figure_stats.json next to this script.
library(jsonlite)
args <- commandArgs(trailingOnly = FALSE)
self <- sub("^--file=", "", args[grep("^--file=", args)])
outdir <- if (length(self)) dirname(self) else "Tests/PlotPluginTests/Reference"
rd <- function(f) read.csv(file.path("data", f), na.strings = c("NA", "", "."))
lung <- rd("lung.csv"); veteran <- rd("veteran.csv"); net <- rd("net_liver_mets.csv")

# pretty(): fixed ranges plus seeded random ones over many magnitudes.
ranges <- list(c(0, 1), c(0, 1022), c(0, 228.6), c(-24, 68), c(0.001, 0.0123), c(5, 5), c(0, 0),
               c(-3.7, -0.2), c(1e6, 3.5e6), c(0, 96.4), c(39, 82), c(-4.51, 1.2), c(0.3, 0.30000001),
               c(1, 53.1), c(0.41, 7.06), c(-1e-8, 1e-8), c(123456, 123457), c(0, 3.33))
set.seed(20240501)
for (i in 1:60) {
  mag <- 10^sample(-4:6, 1)
  a <- round(runif(1, -1, 1) * mag, 3 + sample(0:4, 1))
  b <- a + abs(rnorm(1)) * mag * 10^sample(-2:1, 1)
  ranges[[length(ranges) + 1]] <- c(a, b)
}
pretty_cases <- list()
for (r in ranges) for (n in c(5L, 4L, 10L, 2L)) {
  pretty_cases[[length(pretty_cases) + 1]] <- list(min = r[1], max = r[2], n = n, min_n = n %/% 3L,
                                                   ticks = I(pretty(r, n = n)))
}
for (r in ranges) {
  pretty_cases[[length(pretty_cases) + 1]] <- list(min = r[1], max = r[2], n = 9L, min_n = 1L,
                                                   ticks = I(pretty(r, n = 9L, min.n = 1)))
}

hist_case <- function(name, x, breaks = NULL) {
  x <- x[is.finite(x)]
  h <- if (is.null(breaks)) hist(x, plot = FALSE) else hist(x, breaks = breaks, plot = FALSE)
  list(name = name, x = I(x), breaks_in = if (is.null(breaks)) NULL else I(breaks),
       breaks = I(h$breaks), counts = I(h$counts), density = I(h$density), mids = I(h$mids))
}
hists <- list(hist_case("lung_age", lung$age), hist_case("lung_wt_loss", lung$wt.loss),
              hist_case("lung_meal_cal", lung$meal.cal), hist_case("veteran_karno", veteran$karno),
              hist_case("net_months", net$months), hist_case("ties_on_breaks", c(1, 2, 2, 3, 3, 3, 4, 5, 5)),
              hist_case("constant", c(5, 5, 5)), hist_case("single", c(2.5)),
              hist_case("explicit", lung$age, breaks = c(30, 50, 60, 70, 90)),
              hist_case("veteran_time", veteran$time))

box_case <- function(name, x) {
  b <- boxplot.stats(x)
  list(name = name, x = I(x[is.finite(x)]), stats = I(b$stats), n = b$n, conf = I(b$conf), out = I(b$out),
       fivenum = I(fivenum(x)))
}
boxes <- list(box_case("lung_wt_loss", lung$wt.loss), box_case("lung_age", lung$age),
              box_case("veteran_time", veteran$time), box_case("net_ki67_liver", net$ki67_liver),
              box_case("n1", c(3)), box_case("n2", c(1, 10)), box_case("n5", c(1, 2, 3, 4, 100)),
              box_case("n6_ties", c(2, 2, 2, 2, 2, 9)))
for (e in sort(unique(lung$ph.ecog))) {
  boxes[[length(boxes) + 1]] <- box_case(paste0("wt_loss_ecog", e), lung$wt.loss[which(lung$ph.ecog == e)])
}

out <- list(r_version = R.version.string, survival_version = as.character(packageVersion("survival")),
            pretty = pretty_cases, hist = hists, box = boxes)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null"),
           file.path(outdir, "figure_stats.json"))
