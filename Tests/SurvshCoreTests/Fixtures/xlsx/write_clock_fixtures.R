# write_clock_fixtures.R — time-formatted cells (issue 11), written by openxlsx as serial numbers with a
# number format, and what readxl reads from them (readxl gives every time-formatted cell as a POSIXct:
# the serial counted from 1899-12-31 00:00 UTC, so a time alone is on 1899-12-31).
#
# Run from this folder: TZ=UTC Rscript write_clock_fixtures.R  (writes clock.xlsx and clock.json: the
# serials written, their formats, readxl's classes and seconds since 1970, R's and the packages' versions)
# - clock: h:mm:ss AM/PM on serials under one day (times of day);
# - shown: hh:mm on serials of a day or more (date-times whose format shows only the time);
# - mixed: hh:mm on both (a time of day and date-times);
# - elapsed: [h]:mm:ss on serials of a day or more too (durations: 36:00:00).
suppressPackageStartupMessages({ library(openxlsx); library(readxl); library(jsonlite) })
Sys.setenv(TZ = "UTC")
serials <- list(
  clock = c(0, 0.25, 0.5 + 1 / 86400, 86399 / 86400, NA, 0.75),
  shown = c(45000.25, 45001.5, 1.5, 61, NA, 46000),
  mixed = c(0.5, 45000.75, 0.25, 45001, NA, 45002.125),
  elapsed = c(0.5, 1.5, 2.25, 0, NA, 10 + 1 / 3)
)
formats <- c(clock = "h:mm:ss AM/PM", shown = "hh:mm", mixed = "hh:mm", elapsed = "[h]:mm:ss")
frame <- data.frame(id = seq_along(serials$clock), serials)
wb <- createWorkbook()
addWorksheet(wb, "clock")
writeData(wb, "clock", frame)
for (k in seq_along(formats)) {
  addStyle(wb, "clock", createStyle(numFmt = formats[[k]]), rows = 2:(nrow(frame) + 1), cols = k + 1)
}
saveWorkbook(wb, "clock.xlsx", overwrite = TRUE)

back <- read_xlsx("clock.xlsx")
column <- function(name) list(format = formats[[name]], serials = lapply(serials[[name]], function(v) if (is.na(v)) NULL else v),
                              readxl_class = class(back[[name]])[1],
                              readxl_seconds = lapply(as.numeric(back[[name]]), function(v) if (is.na(v)) NULL else v))
out <- list(r_version = R.version.string, openxlsx_version = as.character(packageVersion("openxlsx")),
            readxl_version = as.character(packageVersion("readxl")),
            columns = sapply(names(formats), column, simplify = FALSE))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE), "clock.json")
