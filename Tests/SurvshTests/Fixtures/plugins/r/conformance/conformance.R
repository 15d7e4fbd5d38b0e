# SDK conformance fixture (PluginSDKTests): the same three commands as the Python fixture.
source(file.path(Sys.getenv("SURVSH_SDK_DIR"), "r", "survshplugin.R"))

kind <- function(v) {
  if (inherits(v, "Date")) "date" else if (is.numeric(v)) "number" else if (is.factor(v) || is.character(v)) "text" else "unknown"
}

survsh_run(list(
  echo = function(req) {
    print("printed by the handler")
    warning("a language warning")
    d <- req$data$d[!is.na(req$data$d)]
    survsh_result(
      text = "echo",
      json = list(kinds = lapply(req$data, kind), missing = lapply(req$data, function(v) sum(is.na(v))),
                  levels = lapply(Filter(is.factor, req$data), function(v) I(levels(v))),
                  options = req$options, rows = req$rows,
                  first_date = format(d[1]), days = as.numeric(d[2] - d[1])),
      warnings = "an SDK warning",
      new_columns = list(survsh_new_column("x2", 2 * req$data$x)))
  },
  boom = function(req) undefined_function_in_the_handler(),
  fail = function(req) survsh_error("reps must be at least 10")
))
