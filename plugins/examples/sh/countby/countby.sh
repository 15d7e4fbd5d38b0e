#!/bin/sh
# countby — an example survsh plugin in POSIX sh + awk: rows (and events) by group, like `wc -l`
# per group.
#
# Contract
#   Input:   body: group column names (none: one row "all"); the data as CSV (header, NA = missing);
#            the declared outcome's status column, if any.
#   Output:  one table: the group columns, rows, and events (only with an outcome). Text: the same,
#            aligned. Groups sorted (numerically for number columns); keys holding NA last.
#   Events:  status == outcome.event when the host names an event value; else R's Surv rule (largest
#            non-missing status 2: 2 = event; else 1 = event).
# The SDK file sits next to this one (in survsh's repository a link to plugins/sdk/sh/, which
# `plugin install` copies as the file itself), so an installed copy stands on its own.
sdk="$(dirname "$0")/survsh-plugin.sh"
[ -f "$sdk" ] || { echo "survsh-plugin.sh not found: put it next to countby.sh (it is survsh's plugins/sdk/sh/survsh-plugin.sh)" >&2; exit 1; }
. "$sdk"

tab=$(printf '\t')

countby() {
    groups=$(survsh_body)
    status=$(survsh_get .outcome.status)
    event=$(survsh_get .outcome.event)
    counts="$SURVSH_CALL_DIR/counts"
    awk -F, -v groups="$groups" -v status="$status" -v event="$event" -v OFS="$tab" '
        NR == 1 {
            for (i = 1; i <= NF; i++) col[$i] = i
            n = split(groups, g, " ")
            for (k = 1; k <= n; k++) if (!(g[k] in col)) { print "no column " g[k]; bad = 1; exit 2 }
            s = (status != "" && (status in col)) ? col[status] : 0
            head = n ? g[1] : "group"
            for (k = 2; k <= n; k++) head = head OFS g[k]
            print "0", head, "rows" (s ? OFS "events" : "")
            next
        }
        {
            key = n ? $(col[g[1]]) : "all"
            na = (key == "NA")
            for (k = 2; k <= n; k++) { v = $(col[g[k]]); key = key OFS v; if (v == "NA") na = 1 }
            if (!(key in rows)) { hasna[key] = na }
            rows[key]++
            if (s && $s != "NA") { st[NR] = $s; of[NR] = key; if ($s + 0 > max) max = $s + 0 }
        }
        END {
            if (bad) exit 2
            for (r in st) {
                v = st[r]
                e = (event != "") ? (v == event) : (max == 2 ? (v + 0 == 2) : (v + 0 == 1))
                if (e) ev[of[r]]++
            }
            for (key in rows) print (hasna[key] ? 2 : 1), key, rows[key] (s ? OFS (ev[key] + 0) : "")
        }' "$(survsh_csv)" > "$counts" || survsh_error "$(tail -n 1 "$counts")"

    # sort keys: the NA flag, then each group column (numerically when survsh sent it as a number)
    set -- -t "$tab" -k1,1n
    k=2
    for name in $groups; do
        type=$(survsh_get ".data.columns[]? | select(.name == \"$name\") | .type")
        if [ "$type" = number ]; then set -- "$@" "-k$k,${k}n"; else set -- "$@" "-k$k,$k"; fi
        k=$((k + 1))
    done
    table="$SURVSH_CALL_DIR/table.tsv"
    { head -n 1 "$counts"; tail -n +2 "$counts" | LC_ALL=C sort "$@"; } | cut -f 2- > "$table"
    survsh_table "Rows by group" "$table"
    # the text: the table aligned, columns right-justified
    awk -F "$tab" '{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
        END { for (r = 1; r <= NR; r++) { line = ""
                  for (i = 1; i <= NF; i++) line = line sprintf("%s%" w[i] "s", i > 1 ? "  " : "", cell[r, i])
                  print line } }' "$table"
}

survsh_main countby
