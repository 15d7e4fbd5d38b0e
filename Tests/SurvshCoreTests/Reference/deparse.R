# deparse.R — how R writes expressions back (deparse), the names survsh gives expression terms
# (Expr.deparsed): `log(pgr + 1)`, `I(age^2)`, `status == 2`, `status %in% c(1, 2)`.
#
# Run from the repository root:   Rscript Tests/SurvshCoreTests/Reference/deparse.R
# Writes Tests/SurvshCoreTests/Reference/deparse.json: each input as typed and R's deparse() of it.
# The inputs avoid what survsh's parser does not keep: redundant parentheses other than around an
# operand of `!`, and `&&`/`||` (survsh reads them as `&`/`|`).
library(jsonlite)
out_path <- "Tests/SurvshCoreTests/Reference/deparse.json"
inputs <- c("status==2", "status %in% c(1,2)", "event %in% c(\"a\", 'b')", "log(pgr+1)", "I(age^2)", "I(age/10)",
            "-x/10+2*y-x^2", "x<=1e-10 & !y", "a & b | c", "a | b & c", "(a | b) & c", "x>-1", "(a+b)*c",
            "a-(b-c)", "a/(b*c)", "a*(b/c)", "a/b/c", "a/(b/c)", "2^3^4", "(2^3)^4", "-2^2", "(-2)^2",
            "!(x > 2)", "!x", "!is.na(x)", "sqrt(abs(x - 1))", "log(x)/log(2)", "exp(-x)", "-(a+b)",
            "(x + 1) %in% c(1, 2)", "ifelse(age>60,1,0)", "I(age > 50)", "round(x, 2)", "x == TRUE",
            "is.na(x) | x == NA",
            "f(1.50, 1e5, 100000, 123456789, 0.1+0.2, 1e-5, 0.0001, 1234567.1)",
            "f(1e15, 1e-15, 123456.7, 1234567890123, 0.00012, 100, 1000, 10000, 0.5, 2.5e-7, 3.14159265358979)",
            "f(1/3, 0.1234567890123456, 1e300, 12345678901234567890, 0.000123456)")
cases <- lapply(inputs, function(s) list(input = s, deparsed = paste(deparse(str2lang(s), width.cutoff = 500L), collapse = "")))
writeLines(toJSON(list(r_version = R.version.string, cases = cases), auto_unbox = TRUE), out_path)
cat("wrote", out_path, "\n")
