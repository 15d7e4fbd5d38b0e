# __NAME__ — a survsh plugin made by `plugin new` (edit the handler; docs/plugins.md has the protocol).
# Try it without survsh:  Rscript test___NAME__.R      Install it:  survsh -e 'plugin install __NAME__'
source(file.path(Sys.getenv("SURVSH_PLUGIN_DIR", "."), "survshplugin.R"))   # the SDK file next to this one

survsh_run(list(`__NAME__` = function(req) {
  if (length(req$words) == 0) survsh_error("name at least one number column, e.g. __NAME__ age")
  rows <- do.call(rbind, lapply(req$words, function(name) {
    v <- req$data[[name]]
    if (!is.numeric(v)) survsh_error(paste(name, "is not a number column"))
    data.frame(column = name, n = sum(!is.na(v)), missing = sum(is.na(v)),
               mean = if (all(is.na(v))) NA else mean(v, na.rm = TRUE))
  }))
  text <- sprintf("%s: n = %d, missing = %d, mean = %s", rows$column, rows$n, rows$missing, format(rows$mean, digits = 6))
  survsh_result(text = text, tables = list(survsh_table("Summary", rows)))
}))
