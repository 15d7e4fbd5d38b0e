# aareg — an example survsh plugin in R: Aalen's additive regression (survival::aareg) on the
# current data, answered with summary(aareg)'s table as R prints it.
#
# Contract
#   Input:   a formula body `[Surv(time, status)] ~ terms` (without Surv, the declared outcome), the
#            columns it names (text as factors in survsh's level order), options dfbeta, test, nmin.
#   Output:  text: R's print of summary(fit); one table (term, slope, coef, se(coef), [robust se,] z, p);
#            json: that table's columns (term, slope, coef, se, [robust_se,] z, p) plus chisq, df,
#            chisq_p, n (the rows used) and test.
#   Reference: Aalen (1989); R survival 3.5 aareg, summary.aareg.
# The SDK file sits next to this one (in survsh's repository a link to plugins/sdk/r/, which
# `plugin install` copies as the file itself), so an installed copy stands on its own.
sdk <- file.path(Sys.getenv("SURVSH_PLUGIN_DIR", "."), "survshplugin.R")
if (!file.exists(sdk)) stop("survshplugin.R not found: put it next to aareg.R (it is survsh's plugins/sdk/r/survshplugin.R)")
source(sdk)

aareg_command <- function(req) {
  # loaded at the first call, not at start-up, so the handshake is answered quickly
  suppressPackageStartupMessages(library(survival))
  f <- survsh_formula(req)
  if (length(all.vars(f[[3]])) == 0) survsh_error("expected terms after '~' (e.g. aareg ~ age + sex)")
  args <- list(formula = f, data = req$data, dfbeta = isTRUE(req$options$dfbeta),
               test = if (is.null(req$options$test)) "aalen" else req$options$test)
  if (!is.null(req$options$nmin)) args$nmin <- req$options$nmin
  fit <- tryCatch(do.call(aareg, args),
                  error = function(e) survsh_error(paste("aareg failed:", conditionMessage(e))))
  s <- summary(fit)
  tab <- s$table
  df <- length(s$test.statistic) - 1
  chisq <- s$chisq[1]
  p <- pchisq(chisq, df, lower.tail = FALSE)
  rows <- data.frame(term = rownames(tab), tab, check.names = FALSE, row.names = NULL)
  text <- c(paste0("Aalen's additive regression: ", deparse(f, width.cutoff = 500L), "; n = ", s$n[1],
                   " (", s$n[2], " unique event times)"),
            utils::capture.output(print(s)))
  columns <- lapply(as.list(rows), function(v) I(v))
  names(columns) <- sub("se(coef)", "se", sub("robust se", "robust_se", names(columns), fixed = TRUE), fixed = TRUE)
  survsh_result(text = text,
                tables = list(survsh_table("Aalen's additive regression (summary.aareg)", rows)),
                json = c(columns, list(chisq = chisq, df = df, chisq_p = p, n = s$n[1], test = s$test)))
}

survsh_run(list(aareg = aareg_command))
