# collation.R — the order R gives text levels in a UTF-8 locale (ICU root collation), the reference
# for survsh's default level order (TextCollation.r, ../shared/CONTRACT.md v3).
#
# Run from the repository root:   Rscript Tests/SurvshCoreTests/Reference/collation.R
# Writes Tests/SurvshCoreTests/Reference/collation.json next to this script. Each case holds the input
# strings and what sort() returns (factor() takes its levels from sort(unique(x))), once in R's default
# UTF-8 collation and once under LC_COLLATE=C (byte order, survsh's `set collation=c`).
# R must be built with ICU (capabilities("ICU")), as Debian's and CRAN's builds are.

out_path <- "Tests/SurvshCoreTests/Reference/collation.json"
stopifnot(capabilities("ICU"), l10n_info()$`UTF-8`)
library(jsonlite)

## Strings clinical data sets use as levels, and the classic traps of each collation level.
clinical <- c("<=20", ">50", "20-50", "a", "A", "b", "B", "<65", ">=65", "65+", "≥65", "≤20",
              "Stage I", "Stage II", "Stage IIIA", "Stage IIIb", "stage iv", "stage IV", "T1a", "T1b",
              "T10", "T2", "N0", "N1", "N/A", "n.a.", "na", "NA ", "x-ray", "xray", "X_ray", "x ray",
              "co-op", "coop", "Co-op", "COOP", "male", "Male", "MALE", "female", "Female", "f", "m",
              "0", "00", "1", "1.5", "10", "2", "-1", "+1", "1e3", "0.5", "(none)", "[none]", "none",
              "none ", " none", "#1", "$5", "%", "&", "*", "@home", "~", "|", "/", "\\", "'q'", "\"q\"",
              "é", "e", "E", "É", "è", "ê", "ë", "f", "ä", "a", "á", "à", "â", "Ä", "Å", "æ", "Æ", "ae",
              "ß", "ss", "ø", "o", "ö", "Ö", "ñ", "n", "ç", "c", "C", "Ç", "ł", "l", "ı", "i", "I",
              "naïve", "naive", "Naive", "café", "cafe", "Café", "résumé", "resume", "Resume",
              "small_bowel", "small bowel", "small-bowel", "smallbowel", "colorectal", "Colorectal",
              "pancreas", "pancreas ", "unknown", "Unknown", "other", "Other", "_other", "-other",
              "grade 1", "grade 10", "grade 2", "grade1", "Grade 1", "AB", "Ab", "aB", "ab", "a b",
              "a_b", "a-b", "a.b", "a,b", "a;b", "a:b", "a/b", "a+b", "a=b", "a<b", "a>b", "a'b")
ascii <- vapply(32:126, function(i) intToUtf8(i), "")
latin1 <- vapply(c(0xC0:0xD6, 0xD8:0xF6, 0xF8:0xFF), function(i) intToUtf8(i), "")

## Random strings over an alphabet mixing every weight class (space, punctuation, symbols, digits,
## both cases, accents), so ties at the primary level are broken at the secondary and tertiary.
set.seed(16)
alphabet <- c(" ", "_", "-", ",", ".", "<", "=", ">", "+", "(", "/", "0", "1", "2", "9", "a", "A",
              "b", "B", "e", "E", "é", "É", "o", "ö", "z", "Z")
random <- unique(vapply(1:600, function(i) paste(sample(alphabet, sample(1:5, 1), replace = TRUE),
                                                    collapse = ""), ""))
## Near-duplicates: one base word with case, accent and punctuation variations.
near <- unique(as.vector(outer(c("ab", "Ab", "aB", "AB", "áb", "Áb", "a-b", "a b", "a_b", "a.b"),
                               c("", "c", "C", "-c", " c", "1", "é"), paste0)))

cases <- list(clinical = unique(clinical), ascii = ascii, latin1 = latin1, random = random, near = near)

sorted_c <- function(x) {
  old <- Sys.getlocale("LC_COLLATE"); on.exit(Sys.setlocale("LC_COLLATE", old))
  Sys.setlocale("LC_COLLATE", "C")
  sort(x)
}

out <- list(
  r_version = R.version.string,
  icu = unname(extSoftVersion()["ICU"]),
  collate_locale = Sys.getlocale("LC_COLLATE"),
  icu_collator = icuGetCollate(),
  cases = lapply(names(cases), function(k) list(name = k, input = cases[[k]], sorted = sort(cases[[k]]),
                                                sorted_c = sorted_c(cases[[k]])))
)
writeLines(toJSON(out, auto_unbox = TRUE, pretty = FALSE), out_path, useBytes = TRUE)
cat("wrote", out_path, "\n")
