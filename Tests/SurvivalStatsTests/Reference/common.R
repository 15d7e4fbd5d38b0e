# common.R — code shared by the reference scripts in this folder (sourced, never run on its own).
#
# Each script finds this file next to itself:
#   ref_dir <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
#                      if (length(f) == 1) dirname(f) else "Tests/SurvivalStatsTests/Reference" })
#   source(file.path(ref_dir, "common.R"))
# and, like the scripts, expects to run from the repository root (data/ is read from there).

## ---- minimal exact JSON writer (jsonlite rounds to 15 digits) -------------------------------
## Numbers with 17 significant digits (round-trip exact); non-finite values as the strings
## "Inf", "-Inf", "NaN"; NA as null. Named lists are objects, other lists and I() or length != 1
## vectors are arrays. Used by distributions.R and ttests.R.
json_num <- function(v) {
  if (is.na(v) && !is.nan(v)) return("null")
  if (is.nan(v)) return("\"NaN\"")
  if (is.infinite(v)) return(if (v > 0) "\"Inf\"" else "\"-Inf\"")
  sprintf("%.17g", v)
}
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      parts <- mapply(function(k, v) paste0("\"", k, "\":", to_json(v)), names(x), x, USE.NAMES = FALSE)
      return(paste0("{", paste(parts, collapse = ","), "}"))
    }
    return(paste0("[", paste(vapply(x, to_json, ""), collapse = ","), "]"))
  }
  as_array <- inherits(x, "AsIs") || length(x) != 1
  vals <- if (is.character(x)) {
    ifelse(is.na(x), "null", paste0("\"", gsub("\"", "\\\\\"", x), "\""))
  } else if (is.logical(x)) {
    ifelse(is.na(x), "null", ifelse(x, "true", "false"))
  } else {
    vapply(as.numeric(x), json_num, "")
  }
  if (as_array) paste0("[", paste(vals, collapse = ","), "]") else vals
}

## ---- the shipped data sets -----------------------------------------------------------------
## data/NAME.csv as survsh's `load` reads it: NA, empty and "." are missing; text stays text.
read_dataset <- function(name) {
  read.csv(file.path("data", paste0(name, ".csv")), na.strings = c("NA", "", "."),
           stringsAsFactors = FALSE)
}

## net_liver_mets plus the 0/1 indicator columns the NET analyses use as Cox terms and groups.
read_net <- function() {
  net <- read_dataset("net_liver_mets")
  net$pancreatic          <- as.numeric(net$primary_site == "pancreas")
  net$size_gt3            <- as.numeric(net$primary_size_cm > 3)
  net$mitoses_primary_gt2 <- as.numeric(net$mitoses_primary > 2)
  net$ki67_primary_gt1    <- as.numeric(net$ki67_primary > 1)
  net$sstr_primary_weak   <- as.numeric(net$sstr_primary == "weak")
  net$cea_primary_strong  <- as.numeric(net$cea_primary == "strong")
  net$mitoses_liver_gt2   <- as.numeric(net$mitoses_liver > 2)
  net$ki67_liver_gt1      <- as.numeric(net$ki67_liver > 1)
  net$sstr_liver_weak     <- as.numeric(net$sstr_liver == "weak")
  net
}
