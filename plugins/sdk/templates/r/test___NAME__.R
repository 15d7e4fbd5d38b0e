# Talks to __NAME__.R as survsh would (hello, one run, bye) and checks the answer: Rscript test___NAME__.R
here <- local({ f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)); if (length(f)) dirname(f) else "." })
input <- tempfile()
writeLines(c('{"type":"hello","protocols":[1],"survsh":"test"}',
             paste0('{"type":"run","id":1,"command":"__NAME__","line":"__NAME__ x","words":["x"],"body":"x","options":{},',
                    '"outcome":null,"filter":null,"settings":{},',
                    '"data":{"rows":3,"format":"json","columns":[{"name":"x","type":"number","values":[1,null,5]}]}}'),
             '{"type":"bye"}'), input)
Sys.setenv(SURVSH_PLUGIN_DIR = here)
out <- system2("Rscript", file.path(here, "__NAME__.R"), stdin = input, stdout = TRUE)
answers <- lapply(out, jsonlite::fromJSON, simplifyVector = FALSE)
stopifnot(answers[[1]]$type == "hello", answers[[2]]$type == "result")
row <- answers[[2]]$tables[[1]]$rows[[1]]
stopifnot(identical(unlist(row), c("x", "2", "1", "3")))
cat("ok:", answers[[2]]$text, "\n")
