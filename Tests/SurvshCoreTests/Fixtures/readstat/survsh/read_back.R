# read_back.R — R's haven reads the .dta and .sav files survsh wrote (write.surv) and records what it
# got in read_back.json: per file the row count and per column its name, class, variable label,
# value labels (values and names) and every value (numbers at full precision, text, dates as
# YYYY-MM-DD, NA as null). ReadStatWriterTests.testRReadsSurvshFilesBack compares them with the CSV.
# Run in this folder after write.surv: Rscript read_back.R
suppressPackageStartupMessages({ library(haven); library(jsonlite) })
column <- function(name, x) {
  labels <- attr(x, "labels", exact = TRUE)
  values <- if (inherits(x, "Date")) format(x, "%Y-%m-%d") else unclass(x)
  attributes(values) <- NULL
  list(name = name, class = class(x), label = attr(x, "label", exact = TRUE),
       labels = if (is.null(labels)) NULL else list(values = unname(unclass(labels)), names = names(labels)),
       values = values)
}
files <- c("lung.dta", "lung.sav", "net.dta", "net.sav", "lung_labels.dta", "lung_labels.sav")
out <- lapply(files, function(f) {
  d <- if (grepl("\\.dta$", f)) read_dta(f) else read_sav(f)
  list(file = f, rows = nrow(d), columns = unname(Map(column, names(d), d)))
})
result <- list(r_version = R.version.string, haven_version = as.character(packageVersion("haven")), files = out)
writeLines(toJSON(result, auto_unbox = TRUE, null = "null", na = "null", digits = NA, pretty = FALSE), "read_back.json")
