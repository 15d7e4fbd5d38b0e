# read_back.R — R's openxlsx reads the .xlsx workbooks survsh wrote (write.surv) and records what it
# got in read_back.json: per file the row count and per column its name, class and every value
# (numbers at full precision, text, dates as YYYY-MM-DD, NA as null). read.xlsx with
# detectDates = TRUE turns cells with a date format into Dates, as Excel users see them.
# XLSXWriterTests.testROpenxlsxReadsSurvshWorkbooksBack compares them with the CSV.
# read_back_times.json: times.xlsx (times.sav's date-times saved by survsh with a date-time format) read
# with readxl, which gives cells with a date-time format as POSIXct (UTC): the seconds since 1970 of
# column `when` (DateTimeRoundTripTests.testRReadsSurvshDateTimesBack).
# Run in this folder after write.surv: Rscript read_back.R
suppressPackageStartupMessages({ library(openxlsx); library(jsonlite); library(readxl) })
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

x <- read_excel("times.xlsx")$when
times <- list(list(file = "times.xlsx", class = class(x), tz = attr(x, "tzone", exact = TRUE), values = as.numeric(unclass(x))))
result <- list(r_version = R.version.string, readxl_version = as.character(packageVersion("readxl")), files = times)
writeLines(toJSON(result, auto_unbox = TRUE, null = "null", na = "null", digits = NA, pretty = FALSE), "read_back_times.json")
