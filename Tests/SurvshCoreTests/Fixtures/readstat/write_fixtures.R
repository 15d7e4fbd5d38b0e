# write_fixtures.R — the Stata, SPSS and SAS test files of ReadStatReaderTests, written by haven.
#
# Run from this folder: Rscript write_fixtures.R  (writes the files beside it; versions in versions.txt)
# - lung.{dta,sav,zsav,xpt,sas7bdat}, net.{...}: data/lung.csv and data/net_liver_mets.csv (names with
#   '.' become '_', as Stata and SAS require); the tests compare them with the CSV frame and run km/cox
#   on both. .zsav is write_sav(compress = "zsav"); .sas7bdat is haven's write_sas (deprecated in haven
#   but ReadStat reads what it writes). SPSS .por is not here: haven (and R) cannot write it.
# - lung_labels.{dta,sav}: lung with variable labels (time, status, age, sex) and sex labelled 1 Male,
#   2 Female: describe, set labels=on, and km/cox on a labelled factor.
# - special.dta: tagged missings .a/.b, value labels (sex 1 male 2 female; 3 unlabelled), a variable label.
# - special.sav: user-missing values (9) and a user-missing range (90-99), value labels, variable labels.
# - truncated.dta (first 600 bytes of lung.dta), text.sav (a CSV named .sav).
# - times.{xpt,sav,dta}: date-times (SAS DATETIME, SPSS DATETIME20, Stata %tc), times of day (SAS TIME,
#   SPSS TIME8; Stata has none), dates back to 1582-10-15, and in the .xpt SAS special missings .A, ._, .Z.
# - nan.{dta,sav}: a NaN stored as a value (not a missing code) in a plain and in a labelled numeric column,
#   and in the .sav +Inf and -Inf. haven writes R's NaN and Inf as system missing (is.na(NaN) is TRUE), so
#   the file is written with placeholder numbers which are then overwritten, byte for byte, with the IEEE
#   NaN/Inf (each placeholder occurs once in the file; the .sav is uncompressed so each is 8 plain bytes).
#   haven 2.5.1 reads each stored NaN back as NA (missing), and Inf as Inf.
# - nan.sas7bdat: the same for SAS (write_sas, deprecated in haven but what it writes is read): x holds a
#   NaN (row 2), +Inf and -Inf (rows 4, 5). SAS stores its missing values as NaNs, so ReadStat reads a stored
#   NaN whose payload is no SAS tag as system missing (.), as haven does. No .xpt or .por fixture: SAS
#   transport stores IBM hexadecimal floating point, which has no NaN (every pattern is a number or a missing
#   code; ReadStat turns the largest magnitudes, 7FFFFFFFFFFFFFFF and FFFFFFFFFFFFFFFF, into +Inf and -Inf,
#   tried with haven 2.5.1), and SPSS portable numbers are base-30 text with no NaN either (haven cannot
#   write .por; ReadStatWriterTests writes a NaN cell through survsh's .por writer and reads it back missing).
# - text_missing.sav: a character column with an SPSS user-missing value ("x"), as haven's labelled_spss.
suppressPackageStartupMessages(library(haven))
here <- "."
csv <- function(name) read.csv(file.path("../../../../data", name), stringsAsFactors = FALSE)
fix_names <- function(d) { names(d) <- gsub(".", "_", names(d), fixed = TRUE); d }

lung <- fix_names(csv("lung.csv"))
net <- fix_names(csv("net_liver_mets.csv"))
net$resection_date <- as.Date(net$resection_date)
net$last_followup_date <- as.Date(net$last_followup_date)
for (f in c("lung", "net")) {
  d <- get(f)
  write_dta(d, file.path(here, paste0(f, ".dta")))
  write_sav(d, file.path(here, paste0(f, ".sav")))
  write_sav(d, file.path(here, paste0(f, ".zsav")), compress = "zsav")
  write_xpt(d, file.path(here, paste0(f, ".xpt")), version = 8)
  suppressWarnings(write_sas(d, file.path(here, paste0(f, ".sas7bdat"))))
}

ll <- lung
attr(ll$time, "label") <- "Survival time (days)"
attr(ll$status, "label") <- "Censoring status"
attr(ll$age, "label") <- "Age (years)"
ll$sex <- labelled(ll$sex, c(Male = 1, Female = 2), label = "Sex of patient")
write_dta(ll, file.path(here, "lung_labels.dta"))
write_sav(ll, file.path(here, "lung_labels.sav"))

special <- data.frame(id = 1:6)
special$score <- tagged_na("a", "b")[c(NA, 1, 2, NA, NA, NA)]
special$score[c(1, 4, 5, 6)] <- c(1.5, 2.5, 3.5, NA)
special$sex <- labelled(c(1, 2, 1, 3, 2, NA), c(male = 1, female = 2), label = "Sex of patient")
attr(special$score, "label") <- "Score at baseline"
write_dta(special, file.path(here, "special.dta"))

spss <- data.frame(id = 1:6)
spss$answer <- labelled_spss(c(1, 2, 9, 95, 3, NA), c(yes = 1, no = 2, refused = 9),
                             na_values = 9, na_range = c(90, 99), label = "Answer to Q1")
spss$weight <- labelled_spss(c(60, 70, -1, 80, 90, 100), na_values = -1, label = "Weight (kg)")
write_sav(spss, file.path(here, "special.sav"))

raw <- readBin("lung.dta", "raw", 600)
writeBin(raw, "truncated.dta")
writeLines(c("a,b", "1,2"), "text.sav")
times <- data.frame(id = 1:5)
times$x <- c(1.5, tagged_na("A"), tagged_na("_"), tagged_na("Z"), NA)
times$when <- as.POSIXct(c("2020-01-02 03:04:05", "1960-01-01 00:00:00", NA, "1999-12-31 23:59:59", "2021-06-01 12:00:00"), tz = "UTC")
times$tod <- hms::as_hms(c(0, 3661, NA, 86399, 45296.5))
times$day <- as.Date(c("2020-01-02", NA, "1960-01-01", "1582-10-15", "2038-01-19"))
write_xpt(times, file.path(here, "times.xpt"), version = 8)
write_sav(times[, c("id", "when", "tod", "day")], file.path(here, "times.sav"))
write_dta(times[, c("id", "when", "day")], file.path(here, "times.dta"))

# nan.dta / nan.sav: the placeholders become NaN (x row 2, lab row 3) and +Inf, -Inf (.sav x rows 4, 5).
patch <- function(file, from, to) {
  bytes <- readBin(file, "raw", file.size(file))
  pattern <- writeBin(from, raw(), size = 8, endian = "little")
  at <- which(vapply(seq_len(length(bytes) - 7), function(i) all(bytes[i:(i + 7)] == pattern), TRUE))
  stopifnot(length(at) == 1)
  bytes[at:(at + 7)] <- writeBin(to, raw(), size = 8, endian = "little")
  writeBin(bytes, file)
}
nan <- data.frame(id = 1:5, x = c(1.5, 123456.25, NA, 234567.25, 345678.25))
nan$lab <- labelled(c(1, 2, 456789.25, 1, 2), c(low = 1, high = 2))
write_dta(nan, file.path(here, "nan.dta"))
write_sav(nan, file.path(here, "nan.sav"), compress = "none")
for (f in c("nan.dta", "nan.sav")) { patch(f, 123456.25, NaN); patch(f, 456789.25, NaN) }
patch("nan.dta", 234567.25, 2.5); patch("nan.dta", 345678.25, -2.5) # Stata holds no Inf (above its largest number is missing)
patch("nan.sav", 234567.25, Inf); patch("nan.sav", 345678.25, -Inf)
stopifnot(identical(is.na(read_sav("nan.sav")$x), c(FALSE, TRUE, TRUE, FALSE, FALSE)), # haven reads the stored NaN as NA
          identical(read_sav("nan.sav")$x[4:5], c(Inf, -Inf)), identical(is.na(read_dta("nan.dta")$x), c(FALSE, TRUE, TRUE, FALSE, FALSE)))

tm <- data.frame(id = 1:4)
tm$answer <- labelled_spss(c("a", "b", "x", ""), na_values = "x", label = "Answer (x: refused)")
write_sav(tm, file.path(here, "text_missing.sav"))
stopifnot(identical(is.na(read_sav("text_missing.sav", user_na = TRUE)$answer), c(FALSE, FALSE, TRUE, FALSE)))

writeLines(c(R.version.string, paste("haven", packageVersion("haven"))), "versions.txt")

# many.dta: 20,000 rows x 3 small integer columns (more values than one
# Cancellation.stride), for the cancellation and progress tests of ReadStat loads.
many <- data.frame(time = as.integer(1:20000 %% 365 + 1), status = as.integer(1:20000 %% 2), arm = as.integer(1:20000 %% 3))
write_dta(many, file.path(here, "many.dta"))

# nan.sas7bdat (see above): placeholders overwritten with NaN, Inf and -Inf.
nan_sas <- data.frame(id = 1:5, x = c(1.5, 123456.25, NA, 234567.25, 345678.25))
suppressWarnings(write_sas(nan_sas, file.path(here, "nan.sas7bdat")))
patch("nan.sas7bdat", 123456.25, NaN); patch("nan.sas7bdat", 234567.25, Inf); patch("nan.sas7bdat", 345678.25, -Inf)
stopifnot(identical(is.na(read_sas("nan.sas7bdat")$x), c(FALSE, TRUE, TRUE, FALSE, FALSE)),
          identical(read_sas("nan.sas7bdat")$x[4:5], c(Inf, -Inf)))
