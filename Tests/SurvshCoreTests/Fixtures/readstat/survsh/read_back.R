# read_back.R — R's haven reads the .dta and .sav files survsh wrote (write.surv) and records what it
# got in read_back.json: per file the row count and per column its name, class, variable label,
# value labels (values and names) and every value (numbers at full precision, text, dates as
# YYYY-MM-DD, NA as null). ReadStatWriterTests.testRReadsSurvshFilesBack compares them with the CSV.
# read_back_missing.json: the missing values survsh wrote back and the SPSS portable files, read with
# read_dta (na_tag of each value: "a", "b" or null), read_sav/read_por(user_na = TRUE) (the values
# under user-missing cells, na_values, na_range; text_missing.sav: a string column's user-missing "x");
# ReadStatWriterTests.testRReadsMissingValuesBack.
# read_back_times.json: the date-time column of times.dta and times.sav as survsh saved them, read as POSIXct.
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

# Tagged and user-missing values, and .por.
missing_column <- function(name, x) {
  c(column(name, x), list(na_tag = if (is.double(x)) unname(na_tag(x)) else NULL,
                          na_values = attr(x, "na_values", exact = TRUE), na_range = attr(x, "na_range", exact = TRUE)))
}
more <- c("special.dta", "special.sav", "special.por", "lung.por", "text_missing.sav")
out <- lapply(more, function(f) {
  d <- switch(tools::file_ext(f), dta = read_dta(f), sav = read_sav(f, user_na = TRUE), por = read_por(f, user_na = TRUE))
  list(file = f, rows = nrow(d), columns = unname(Map(missing_column, names(d), d)))
})
result <- list(r_version = R.version.string, haven_version = as.character(packageVersion("haven")), files = out)
writeLines(toJSON(result, auto_unbox = TRUE, null = "null", na = "null", digits = NA, pretty = FALSE), "read_back_missing.json")

# Date-times (write.surv: times.dta's %tc and times.sav's DATETIME20 column `when`, loaded and saved
# by survsh): haven reads each back as POSIXct (UTC); its seconds since 1970-01-01 00:00 UTC, NA as null.
# DateTimeRoundTripTests.testRReadsSurvshDateTimesBack compares them with the source files' column.
times <- lapply(c("times.dta", "times.sav"), function(f) {
  x <- (if (grepl("\\.dta$", f)) read_dta(f) else read_sav(f))$when
  list(file = f, class = class(x), tz = attr(x, "tzone", exact = TRUE), values = as.numeric(unclass(x)))
})
result <- list(r_version = R.version.string, haven_version = as.character(packageVersion("haven")), files = times)
writeLines(toJSON(result, auto_unbox = TRUE, null = "null", na = "null", digits = NA, pretty = FALSE), "read_back_times.json")
