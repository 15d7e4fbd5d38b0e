# cases.R — code shared by the end-to-end reference scripts in this folder (rlang.R, timesplit.R;
# sourced, never run on its own): R's survfit and survdiff results stored as the tests read them.

sc <- function(x) unbox(x)
num <- function(x) as.numeric(x)

# One survfit curve per stratum, as km_logrank.R stores them (summary(fit, censored = TRUE)).
km_case <- function(id, commands, fit, note = "", times = NULL) {
  labels <- if (is.null(fit$strata)) "all" else names(fit$strata)
  curves <- lapply(seq_along(labels), function(i) {
    fi <- if (is.null(fit$strata)) fit else fit[i]
    s <- summary(fi, censored = TRUE)
    m <- summary(fi)$table
    lcl <- grep("LCL$", names(m), value = TRUE); ucl <- grep("UCL$", names(m), value = TRUE)
    list(label = sc(labels[i]), n = sc(num(m["records"])), events = sc(num(m["events"])),
         median = list(median = sc(num(m["median"])), lower = sc(num(m[lcl])), upper = sc(num(m[ucl]))),
         table = list(time = num(s$time), n_risk = num(s$n.risk), n_event = num(s$n.event),
                      n_censor = num(s$n.censor), surv = num(s$surv), std_err = num(s$std.err),
                      lower = num(s$lower), upper = num(s$upper)))
  })
  if (!is.null(times)) for (i in seq_along(labels)) {
    fi <- if (is.null(fit$strata)) fit else fit[i]
    a <- summary(fi, times = times, extend = TRUE)
    kept <- tryCatch(summary(fi, times = times, extend = FALSE)$time, error = function(e) numeric(0))
    curves[[i]]$at <- list(time = num(a$time), surv = num(a$surv), std_err = num(a$std.err), lower = num(a$lower),
                           upper = num(a$upper), n_risk = num(a$n.risk), n_event = num(a$n.event),
                           n_censor = num(a$n.censor), kept_without_extend = num(kept))
  }
  list(id = sc(id), commands = commands, r_call = sc(paste(deparse(fit$call), collapse = " ")),
       note = sc(note), curves = curves)
}

lr_case <- function(id, commands, sd) {
  obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  ex <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  df <- sum(ex > 0) - 1
  list(id = sc(id), commands = commands, r_call = sc(paste(deparse(sd$call), collapse = " ")),
       labels = names(sd$n), n = num(sd$n), observed = num(obs), expected = num(ex),
       chisq = sc(sd$chisq), df = sc(df), p = sc(pchisq(sd$chisq, df, lower.tail = FALSE)))
}

