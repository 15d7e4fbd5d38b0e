#!/bin/sh
# __NAME__ — a survsh plugin made by `plugin new` (edit the handler; docs/plugins.md has the protocol).
# Lifetime "call" with CSV data: the handler reads the CSV file with awk; its stdout is the text.
# Try it without survsh:  sh test___NAME__.sh      Install it:  survsh -e 'plugin install __NAME__'
. "${SURVSH_PLUGIN_DIR:-$(dirname "$0")}/survsh-plugin.sh"   # the SDK file next to this one

summarize() {
    [ -n "$(survsh_body)" ] || survsh_error "name at least one number column, e.g. __NAME__ age"
    table="$SURVSH_CALL_DIR/summary.tsv"
    awk -F, -v names="$(survsh_body)" -v OFS="$(printf '\t')" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; k = split(names, want, " ")
                  for (j = 1; j <= k; j++) if (!(want[j] in col)) { print "no column " want[j] > "/dev/stderr"; bad = 1; exit 1 }
                  next }
        { for (j = 1; j <= k; j++) { v = $(col[want[j]]); if (v == "NA") miss[j]++; else { n[j]++; sum[j] += v } } }
        END { if (bad) exit 1
              print "column", "n", "missing", "mean"
              for (j = 1; j <= k; j++) print want[j], n[j] + 0, miss[j] + 0, (n[j] ? sum[j] / n[j] : "NA") }' \
        "$(survsh_csv)" > "$table" || exit 1
    survsh_table "Summary" "$table"
    awk -F "$(printf '\t')" 'NR > 1 { print $1 ": n = " $2 ", missing = " $3 ", mean = " $4 }' "$table"
}

survsh_main summarize
