# read_back.R — R's openxlsx reads the .xlsx workbooks survsh wrote (write.surv) and records what it
# got in read_back.json: per file the row count and per column its name, class and every value
# (numbers at full precision, text, dates as YYYY-MM-DD, NA as null). read.xlsx with
# detectDates = TRUE turns cells with a date format into Dates, as Excel users see them.
# XLSXWriterTests.testROpenxlsxReadsSurvshWorkbooksBack compares them with the CSV.
# Run in this folder after write.surv: Rscript read_back.R
suppressPackageStartupMessages({ library(openxlsx); library(jsonlite) })
column <- function(name, x) {
  values <- if (inherits(x, "Date")) format(x, "%Y-%m-%d") else x
  attributes(values) <- NULL
  list(name = name, class = class(x), values = values)
}
files <- c("lung.xlsx", "net.xlsx")
out <- lapply(files, function(f) {
  d <- read.xlsx(f, detectDates = TRUE, check.names = FALSE, sep.names = " ")
  list(file = f, rows = nrow(d), columns = unname(Map(column, names(d), d)))
})
result <- list(r_version = R.version.string, openxlsx_version = as.character(packageVersion("openxlsx")), files = out)
writeLines(toJSON(result, auto_unbox = TRUE, null = "null", na = "null", digits = NA, pretty = FALSE), "read_back.json")
