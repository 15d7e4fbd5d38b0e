# arithmetic.R — what R makes of arithmetic, min/max and comparisons on date-times (POSIXct) and dates
# (Date), for ExpressionTests.testDateTimeArithmeticFollowsR: each case's survsh expression, the R
# expression it stands for, the class of R's result and its numbers (difftimes in seconds for
# date-times, in days for dates), or "error" when R refuses it. survsh's kinds follow the classes:
# POSIXct -> date-time, Date -> date, difftime/numeric/logical -> a plain number.
#
# Run from this folder: TZ=UTC Rscript arithmetic.R  (writes arithmetic.json; R's version recorded in it)
suppressPackageStartupMessages(library(jsonlite))
Sys.setenv(TZ = "UTC")
t <- as.POSIXct(c(0, 86399.5, 1577934245, NA), origin = "1970-01-01", tz = "UTC")
u <- t + c(10, -20, 30.25, 40)
d <- as.Date(c(0, 31, 365, NA), origin = "1970-01-01")
a <- c(1L, 2L, 3L, 4L)
cases <- list(
  c("t + 3600", "t + 3600"),
  c("3600 + t", "3600 + t"),
  c("t - 60", "t - 60"),
  c("t + a", "t + a"),
  c("u - t", "difftime(u, t, units = 'secs')"),
  c("t - u", "t - u"),
  c("min(t, u)", "pmin(t, u)"),
  c("max(t, u, t + 15)", "pmax(t, u, t + 15)"),
  c("min(u, t + 15)", "pmin(u, t + 15)"),
  c("t > u", "t > u"),
  c("t >= \"1970-01-01 23:59:59\"", "t >= '1970-01-01 23:59:59'"),
  c("t < \"2020-01-01\"", "t < '2020-01-01'"),
  c("d + 1", "d + 1"),
  c("d - 31", "d - 31"),
  c("d - d", "d - d"),
  c("max(d, d + 3)", "pmax(d, d + 3)"),
  c("t + t", "t + t"),
  c("60 - t", "60 - t"),
  c("t * 2", "t * 2"),
  c("t / 2", "t / 2"),
  c("-t", "-t"),
  c("log(t)", "log(t)"),
  c("d * 2", "d * 2"),
  c("d + d", "d + d")
)
result <- lapply(cases, function(k) {
  x <- tryCatch(eval(parse(text = k[2])), error = function(e) e)
  if (inherits(x, "error")) return(list(survsh = k[1], r = k[2], class = "error", message = conditionMessage(x)))
  values <- if (inherits(x, "difftime")) as.numeric(x, units = units(x)) else as.numeric(x)
  list(survsh = k[1], r = k[2], class = class(x)[1], units = if (inherits(x, "difftime")) units(x) else NULL,
       values = lapply(values, function(v) if (is.na(v)) NULL else v))
})
out <- list(r_version = R.version.string, tz = Sys.getenv("TZ"),
            data = list(t = as.numeric(t), u = as.numeric(u), d = as.numeric(d), a = a), cases = result)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE), "arithmetic.json")
