# survshplugin.R — the R SDK for survsh runtime plugins (protocol 1; base R + jsonlite).
#
# A plugin program sources this file and hands its handler to survsh_run():
#
#   source(file.path(Sys.getenv("SURVSH_PLUGIN_DIR"), "survshplugin.R"))
#   survsh_run(list(
#     nrow = function(req) survsh_result(text = paste(nrow(req$data), "rows"))
#   ))
#
# survsh_run() answers the host's `hello`, then each `run` request with exactly one result or error,
# until `bye` or end of input. The handler (one function, or a named list: command name -> function)
# gets `req`: id, command, line, words, body, options (a named list: every declared option, given or
# default), outcome (list with time, status, maybe start and event; NULL when none is declared),
# filter, settings, rows, and data: a data.frame of the columns sent (numbers as numeric, dates as Date,
# text as factor with survsh's level order, or character when no levels were sent; missing = NA).
# It returns survsh_result(...) (or a character string, taken as the text).
#
# Errors: survsh_error("msg") answers `error: CMD: msg`; any other R error becomes a one-line protocol
# error too. R warnings (warning()) raised by the handler are collected into the result's warnings.
# While a handler runs, R's printed output goes to stderr (the host shows it prefixed with the plugin's
# name): stdout carries only protocol messages.
#
# The protocol is described in docs/plugins.md.

suppressPackageStartupMessages(library(jsonlite))

#' The protocol versions this SDK speaks (the highest one the host also offers is used).
survsh_protocols <- 1L

#' Stops the handler: `message` is shown as `error: CMD: message`.
survsh_error <- function(message) {
  stop(structure(class = c("survsh_error", "error", "condition"),
                 list(message = as.character(message), call = NULL)))
}

#' A result table from a data.frame (row names are dropped; add them as a column first if they matter).
survsh_table <- function(title, df) {
  df <- as.data.frame(df, stringsAsFactors = FALSE)
  cells <- lapply(df, function(col) if (is.factor(col) || inherits(col, "Date")) as.character(col) else col)
  rows <- lapply(seq_len(nrow(df)), function(i) lapply(cells, function(col) col[[i]]))
  list(title = title, columns = I(names(df)), rows = lapply(rows, unname))
}

#' A column to add to the frame: one value per row sent (type "number", "text" or "date").
survsh_new_column <- function(name, values, type = "number") {
  if (inherits(values, "Date")) values <- format(values, "%Y-%m-%d")
  if (is.factor(values)) values <- as.character(values)
  list(name = name, type = type, values = I(values))
}

#' A figure (an SVG document as one string).
survsh_figure <- function(svg) list(svg = paste(svg, collapse = "\n"))

#' The answer to a run request; only the given parts are sent.
survsh_result <- function(text = "", tables = NULL, json = NULL, warnings = NULL, new_columns = NULL,
                          figures = NULL) {
  out <- list(text = paste(text, collapse = "\n"))
  if (!is.null(tables)) out$tables <- tables
  if (!is.null(json)) out$json <- json
  if (!is.null(warnings)) out$warnings <- I(as.character(warnings))
  if (!is.null(new_columns)) out$new_columns <- new_columns
  if (!is.null(figures)) out$figures <- figures
  structure(out, class = "survsh_result")
}

#' Sends a progress line now (shown while the command runs).
survsh_progress <- function(req, message) {
  survsh_send(list(type = "progress", id = req$id, message = as.character(message)))
}

#' The body as a model formula with a Surv() response: the body's own `Surv(...) ~ ...`, or the
#' declared outcome put in front of `~ ...` (Surv(time, status == event) when the outcome names an
#' event value; otherwise Surv decodes status as R always does).
survsh_formula <- function(req) {
  body <- trimws(req$body)
  if (!grepl("~", body, fixed = TRUE)) body <- paste("~", if (nzchar(body)) body else "1")
  f <- tryCatch(stats::as.formula(body, env = globalenv()),
                error = function(e) survsh_error(paste0("cannot read the formula '", body, "': ", conditionMessage(e))))
  if (length(f) == 3) return(f)
  o <- req$outcome
  if (is.null(o)) survsh_error("no outcome: give Surv(time, status) ~ ... or declare one with 'survival TIME EVENT'")
  status <- as.name(o$status)
  if (!is.null(o$event)) status <- call("==", status, o$event)
  lhs <- if (!is.null(o$start)) call("Surv", as.name(o$start), as.name(o$time), status)
         else call("Surv", as.name(o$time), status)
  f2 <- f
  f2[[3]] <- f[[2]]
  f2[[2]] <- lhs
  f2
}

## ---- decoding a request ----------------------------------------------------------------------

survsh_column <- function(values, type, levels = NULL) {
  if (is.list(values)) values <- if (length(values)) unlist(lapply(values, function(v) if (is.null(v)) NA else v)) else NULL
  switch(type,
    number = as.numeric(if (is.null(values)) numeric(0) else values),
    date = as.Date(as.character(if (is.null(values)) character(0) else values)),
    text = {
      v <- as.character(if (is.null(values)) character(0) else values)
      if (is.null(levels)) v else factor(v, levels = as.character(levels))
    },
    values)
}

survsh_frame <- function(cols, rows) {
  if (length(cols) == 0) {
    return(structure(list(), names = character(0), row.names = seq_len(rows), class = "data.frame"))
  }
  df <- as.data.frame(cols, stringsAsFactors = FALSE, optional = TRUE)
  names(df) <- names(cols)
  df
}

survsh_data <- function(data) {
  if (is.null(data)) return(survsh_frame(list(), 0))
  rows <- if (is.null(data$rows)) 0 else data$rows
  meta <- if (is.null(data$columns)) list() else data$columns
  cols <- list()
  if (identical(data$format, "csv")) {
    raw <- utils::read.csv(data$path, na.strings = "NA", check.names = FALSE, stringsAsFactors = FALSE,
                           colClasses = "character")
    for (name in names(raw)) {
      m <- Filter(function(m) identical(m$name, name), meta)
      type <- if (length(m)) m[[1]]$type else if (!anyNA(suppressWarnings(as.numeric(raw[[name]][!is.na(raw[[name]])])))) "number" else "text"
      cols[[name]] <- survsh_column(raw[[name]], type, if (length(m)) m[[1]]$levels)
    }
  } else {
    for (m in meta) cols[[m$name]] <- survsh_column(m$values, m$type, m$levels)
  }
  survsh_frame(cols, rows)
}

survsh_request <- function(msg) {
  req <- msg[c("id", "command", "line", "words", "body", "options", "outcome", "filter", "settings")]
  names(req) <- c("id", "command", "line", "words", "body", "options", "outcome", "filter", "settings")
  if (is.null(req$body)) req$body <- ""
  if (is.null(req$options)) req$options <- list()
  req$data <- survsh_data(msg$data)
  req$rows <- nrow(req$data)
  req
}

## ---- the loop --------------------------------------------------------------------------------

survsh_send <- function(message) {
  line <- jsonlite::toJSON(message, auto_unbox = TRUE, null = "null", na = "null", digits = NA,
                           Date = "ISO8601", factor = "string")
  cat(gsub("\n", "\\n", line, fixed = TRUE), "\n", sep = "", file = stdout())
  flush(stdout())
}

survsh_describe <- function(e) {
  msg <- gsub("[\r\n]+", " ", conditionMessage(e))
  call <- conditionCall(e)
  if (!is.null(call)) paste0(msg, " (in ", deparse(call, nlines = 1), ")") else msg
}

survsh_answer <- function(req, handler) {
  warnings <- character(0)
  sink(stderr())                       # print() etc. in the handler reach stderr, not the protocol
  on.exit(sink())
  out <- tryCatch(
    withCallingHandlers(handler(req), warning = function(w) {
      warnings <<- c(warnings, conditionMessage(w))
      invokeRestart("muffleWarning")
    }),
    survsh_error = function(e) structure(list(message = conditionMessage(e)), class = "survsh_failure"),
    error = function(e) structure(list(message = survsh_describe(e)), class = "survsh_failure"))
  if (inherits(out, "survsh_failure")) return(list(type = "error", id = req$id, message = out$message))
  if (is.null(out)) out <- survsh_result()
  if (is.character(out)) out <- survsh_result(text = out)
  out <- unclass(out)
  if (length(warnings)) out$warnings <- I(c(as.character(out$warnings), warnings))
  c(list(type = "result", id = req$id), out[setdiff(names(out), c("type", "id"))])
}

#' Runs the protocol loop until `bye` or end of input. `handler`: a function (every command) or a
#' named list of functions. `name`/`version`: the hello answer (default: from survsh-plugin.json in
#' $SURVSH_PLUGIN_DIR).
survsh_run <- function(handler, name = NULL, version = NULL) {
  dir <- Sys.getenv("SURVSH_PLUGIN_DIR", ".")
  manifest <- tryCatch(jsonlite::fromJSON(file.path(dir, "survsh-plugin.json"), simplifyVector = FALSE),
                       error = function(e) list())
  if (is.null(name)) name <- if (is.null(manifest$name)) basename(dir) else manifest$name
  if (is.null(version)) version <- if (is.null(manifest$version)) "0" else manifest$version
  input <- file("stdin")
  open(input)
  on.exit(close(input))
  repeat {
    line <- readLines(input, n = 1, warn = FALSE)
    if (length(line) == 0) break
    if (!nzchar(trimws(line))) next
    msg <- tryCatch(jsonlite::fromJSON(line, simplifyVector = TRUE, simplifyDataFrame = FALSE, simplifyMatrix = FALSE),
                    error = function(e) NULL)
    if (!is.list(msg) || is.null(names(msg))) {
      message("ignored a line that is not a JSON object: ", substr(line, 1, 60))
      next
    }
    type <- if (is.character(msg$type)) msg$type else ""
    if (type == "hello") {
      common <- intersect(survsh_protocols, as.integer(unlist(msg$protocols)))
      # none in common: answer with the one we speak; the host reports the mismatch and stops us
      protocol <- if (length(common)) max(common) else max(survsh_protocols)
      survsh_send(list(type = "hello", protocol = protocol, name = name, version = version))
    } else if (type == "run") {
      req <- tryCatch(survsh_request(msg), error = function(e) e)
      if (inherits(req, "error")) {
        survsh_send(list(type = "error", id = msg$id, message = paste("bad request:", survsh_describe(req))))
        next
      }
      fn <- if (is.function(handler)) handler else handler[[req$command]]
      if (!is.function(fn)) {
        survsh_send(list(type = "error", id = req$id, message = paste0("this plugin has no command '", req$command, "'")))
        next
      }
      answer <- survsh_answer(req, fn)
      sent <- tryCatch({ survsh_send(answer); TRUE }, error = function(e) e)
      if (!isTRUE(sent)) {
        survsh_send(list(type = "error", id = req$id, message = paste("result is not JSON:", survsh_describe(sent))))
      }
    } else if (type == "bye") {
      break
    }
    # any other type: ignored (newer hosts may send messages this SDK does not know)
  }
  invisible(0)
}
