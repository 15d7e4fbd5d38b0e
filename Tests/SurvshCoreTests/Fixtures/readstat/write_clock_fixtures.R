# write_clock_fixtures.R — times of day and clocks the readers must get right (issue 11), written by
# haven with the display format set on plain numbers, and what haven reads back from them.
#
# Run from this folder: TZ=UTC Rscript write_clock_fixtures.R  (writes clock.dta, clock.sav, clock.xpt and
# clock.json: the instants and numbers written, what haven read back, R's and haven's versions)
# - clock.dta: `tc` in Stata %tc (ms since 1960, no leap seconds) and `tC` in %tC (ms since 1960 counting
#   the leap seconds inserted before the instant, Stata's leap-second clock; R's .leap.seconds gives
#   them), both the same UTC instants `when`. haven reads %tC as %tc: its values are later by the leap
#   seconds (recorded in clock.json); survsh takes them off, so both columns read as `when`.
# - clock.sav: SPSS TIME8 (time of day), DTIME12 (days and time: a duration) and MTIME8 (minutes:seconds),
#   all seconds; haven reads TIME and DTIME as hms (seconds), MTIME as a plain number.
# - clock.xpt: SAS TIME8, TOD8, HHMM5 (seconds since midnight) and DATEAMPM22 (a date-time, seconds since
#   1960); haven reads TOD as a plain number and DATEAMPM as a Date (days: wrong by a factor 86400).
suppressPackageStartupMessages({ library(haven); library(jsonlite) })
Sys.setenv(TZ = "UTC")
when <- as.POSIXct(c("1970-01-01 00:00:00", "1972-07-01 00:00:00", "1999-01-01 00:00:00", "2016-12-31 23:59:59",
                     "2017-01-01 00:00:00", NA, "2026-12-06 13:45:30"), tz = "UTC")
since1960 <- as.numeric(when) + 315619200
leaps <- vapply(as.numeric(when), function(s) if (is.na(s)) NA_real_ else sum(as.numeric(.leap.seconds) <= s), 0)
stata <- data.frame(id = seq_along(when))
stata$tc <- since1960 * 1000
attr(stata$tc, "format.stata") <- "%tc"
stata$tC <- (since1960 + leaps) * 1000
attr(stata$tC, "format.stata") <- "%tC"
write_dta(stata, "clock.dta")

secs <- c(0, 3661, 43200.5, 86399, NA, 90061)
spss <- data.frame(id = seq_along(secs), tod = secs, span = secs, mmss = secs)
attr(spss$tod, "format.spss") <- "TIME8"
attr(spss$span, "format.spss") <- "DTIME12"
attr(spss$mmss, "format.spss") <- "MTIME8"
write_sav(spss, "clock.sav")

stamp <- c(0, 1577934245, -86400, 43200, NA, 1798761599) + 315619200 # seconds since 1960
sas <- data.frame(id = seq_along(secs), time = secs, tod = secs, hhmm = secs, ampm = stamp)
attr(sas$time, "format.sas") <- "TIME8"
attr(sas$tod, "format.sas") <- "TOD8"
attr(sas$hhmm, "format.sas") <- "HHMM5"
attr(sas$ampm, "format.sas") <- "DATEAMPM22"
write_xpt(sas, "clock.xpt", version = 8)

column <- function(x) list(class = class(x)[1], values = lapply(as.numeric(x), function(v) if (is.na(v)) NULL else v))
read_back <- function(frame) lapply(frame[-1], column)
out <- list(r_version = R.version.string, haven_version = as.character(packageVersion("haven")),
            when = lapply(as.numeric(when), function(v) if (is.na(v)) NULL else v),
            leap_seconds = lapply(leaps, function(v) if (is.na(v)) NULL else v),
            seconds = lapply(secs, function(v) if (is.na(v)) NULL else v),
            sas_stamp_since_1970 = lapply(stamp - 315619200, function(v) if (is.na(v)) NULL else v),
            haven = list(clock.dta = read_back(read_dta("clock.dta")), clock.sav = read_back(read_sav("clock.sav")),
                         clock.xpt = read_back(read_xpt("clock.xpt"))))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE), "clock.json")
