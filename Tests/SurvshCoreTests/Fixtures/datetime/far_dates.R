# far_dates.R — how R's format() shows dates and date-times far from today, for
# DateFormattingTests.testFarDatesAreFormattedAsR: days since 1970-01-01 (Date) and seconds since
# 1970-01-01 00:00 UTC (POSIXct), each with R's text, or null where R gives NA (years past 32 bits).
# R cuts fractional seconds off (86399.6 is 23:59:59). R leaves out the time of a vector whose times
# are all midnight and does not pad years below 1000 (survsh writes ISO 8601's HH:MM:SS and four
# digits), so the test takes the leading zeros off survsh's year and adds 00:00:00 to R's date alone.
#
# Run from this folder: TZ=UTC Rscript far_dates.R  (writes far_dates.json; R's version recorded in it)
suppressPackageStartupMessages(library(jsonlite))
Sys.setenv(TZ = "UTC")
o <- "1970-01-01"
days <- c(0, -1, 59, 11016, 2932896, -719162, 1e8, 1e9, 1e10, -1e10, 7.8e11, 7.9e11, -7.9e11, 1e12, -1e12, 1e15, 1e18)
secs <- c(0, -1, 86399.5, 86399.6, -0.4, 1.9, 1e12, 1e15, -1e15, 6.7e16, 6.8e16, 1e17, 1e300, -1e300)
fmt <- function(x) { s <- format(x); if (is.na(s)) NULL else s }
out <- list(
  R = R.version.string,
  dates = lapply(days, function(z) list(days = z, text = fmt(as.Date(z, origin = o)))),
  datetimes = lapply(secs, function(s) list(seconds = s, text = fmt(as.POSIXct(s, origin = o, tz = "UTC"))))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE), "far_dates.json")
