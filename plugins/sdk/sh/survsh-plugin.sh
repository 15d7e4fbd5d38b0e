# survsh-plugin.sh — the POSIX sh SDK for survsh runtime plugins (protocol 1; sh + jq).
#
# Meant for `"lifetime": "call"` plugins with `"data": "csv"` (the data arrive as a CSV file that awk,
# sort, cut... read), though the loop serves any number of requests. A plugin sources this file and
# hands the name of its handler function to survsh_main:
#
#   . "$SURVSH_PLUGIN_DIR/survsh-plugin.sh"
#   nrow() { awk 'END { print NR - 1 " rows" }' "$(survsh_csv)"; }
#   survsh_main nrow
#
# `survsh_main HANDLER` runs HANDLER for every command; `survsh_main` alone runs the function
# `command_NAME` for the command NAME (`-` read as `_`), so one program can serve several commands.
# The handler's stdout is the result's text. Inside it:
#   survsh_get JQ_PATH      the request value at a jq path, raw (e.g. survsh_get .options.reps)
#   survsh_option NAME      an option's value (every declared option is sent, given or default)
#   survsh_csv              the CSV file with the rows and columns sent (header; NA for missing)
#   survsh_body             the body as typed;  survsh_command: the command name
#   survsh_table TITLE FILE a result table from a tab-separated FILE (header line; numbers stay
#                           numbers, NA and empty cells become missing)
#   survsh_warn MESSAGE     a warning (printed as `warning: CMD: MESSAGE`)
#   survsh_progress MESSAGE a progress line, sent at once
#   survsh_error MESSAGE    ends the handler: `error: CMD: MESSAGE`
# A handler that exits non-zero without survsh_error answers an error naming its status and the last
# line it wrote to stderr. Its stderr is passed on (the host shows it prefixed with the plugin's name).
#
# The protocol is described in docs/plugins.md.

SURVSH_PROTOCOLS="1"

survsh_get() { jq -r "$1 // empty" "$SURVSH_REQUEST"; }
survsh_option() { jq -r --arg n "$1" '.options[$n] // empty | if type == "array" then join(" ") else tostring end' "$SURVSH_REQUEST"; }
survsh_csv() { survsh_get .data.path; }
survsh_body() { survsh_get .body; }
survsh_command() { survsh_get .command; }

survsh_warn() {
    jq -n -c --arg m "$1" '$m' >> "$SURVSH_CALL_DIR/warnings"
}

survsh_error() {
    printf '%s' "$1" > "$SURVSH_CALL_DIR/error"
    exit 1
}

survsh_progress() {
    jq -n -c --argjson id "$SURVSH_ID" --arg m "$1" '{type: "progress", id: $id, message: $m}' >&3
}

survsh_table() {
    jq -R -s -c --arg title "$1" '
        [split("\n")[] | select(length > 0) | split("\t")] as $lines
        | {title: $title, columns: $lines[0],
           rows: [$lines[1:][] | map(if . == "NA" or . == "" then null else (tonumber? // .) end)]}' "$2" \
        >> "$SURVSH_CALL_DIR/tables"
}

# The reply to hello: the highest protocol both speak, else ours (the host then reports the mismatch).
survsh_hello() {
    name=$(jq -r '.name // empty' "$SURVSH_PLUGIN_DIR/survsh-plugin.json" 2>/dev/null)
    version=$(jq -r '.version // empty' "$SURVSH_PLUGIN_DIR/survsh-plugin.json" 2>/dev/null)
    printf '%s\n' "$1" | jq -c --arg ours "$SURVSH_PROTOCOLS" --arg name "${name:-plugin}" --arg version "${version:-0}" '
        ($ours | split(" ") | map(tonumber)) as $speak
        | ([(.protocols // [])[] | select(. as $p | $speak | index($p))] | max) as $common
        | {type: "hello", protocol: ($common // ($speak | max)), name: $name, version: $version}' >&3
}

# Runs the handler on one request (in a subshell: survsh_error and exit end only the handler).
survsh_call() {
    SURVSH_CALL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/survsh-plugin.XXXXXX")
    SURVSH_REQUEST="$SURVSH_CALL_DIR/request.json"
    printf '%s\n' "$2" > "$SURVSH_REQUEST"
    SURVSH_ID=$(jq -c '.id' "$SURVSH_REQUEST")
    export SURVSH_CALL_DIR SURVSH_REQUEST SURVSH_ID
    : > "$SURVSH_CALL_DIR/tables"
    : > "$SURVSH_CALL_DIR/warnings"
    command=$(survsh_command)
    handler=${1:-command_$(printf '%s' "$command" | tr - _)}
    if ! command -v "$handler" >/dev/null 2>&1; then
        jq -n -c --argjson id "$SURVSH_ID" --arg c "$command" '{type: "error", id: $id, message: "this plugin has no command \u0027\($c)\u0027"}' >&3
    else
        ( "$handler" ) < /dev/null > "$SURVSH_CALL_DIR/text" 2> "$SURVSH_CALL_DIR/stderr"
        status=$?
        cat "$SURVSH_CALL_DIR/stderr" >&2
        if [ -f "$SURVSH_CALL_DIR/error" ]; then
            jq -n -c --argjson id "$SURVSH_ID" --rawfile m "$SURVSH_CALL_DIR/error" '{type: "error", id: $id, message: $m}' >&3
        elif [ "$status" -ne 0 ]; then
            last=$(tail -n 1 "$SURVSH_CALL_DIR/stderr")
            jq -n -c --argjson id "$SURVSH_ID" --arg s "$status" --arg l "$last" \
                '{type: "error", id: $id, message: ("the handler failed (exit status \($s))" + (if $l == "" then "" else ": \($l)" end))}' >&3
        else
            jq -n -c --argjson id "$SURVSH_ID" --rawfile text "$SURVSH_CALL_DIR/text" \
                --slurpfile tables "$SURVSH_CALL_DIR/tables" --slurpfile warnings "$SURVSH_CALL_DIR/warnings" '
                {type: "result", id: $id, text: ($text | rtrimstr("\n"))}
                + (if ($tables | length) > 0 then {tables: $tables} else {} end)
                + (if ($warnings | length) > 0 then {warnings: $warnings} else {} end)' >&3
        fi
    fi
    rm -rf "$SURVSH_CALL_DIR"
}

# The loop: hello, run requests, until bye or end of input. Protocol messages go to the real stdout
# (file descriptor 3 inside); anything else the plugin prints goes to stderr.
survsh_main() {
    exec 3>&1 1>&2
    : "${SURVSH_PLUGIN_DIR:=$(dirname "$0")}"
    while IFS= read -r line || [ -n "$line" ]; do
        type=$(printf '%s\n' "$line" | jq -r 'if type == "object" then .type // "" else "" end' 2>/dev/null) || {
            printf 'ignored a line that is not JSON: %.60s\n' "$line" >&2
            continue
        }
        case $type in
            hello) survsh_hello "$line" ;;
            run) survsh_call "${1:-}" "$line" ;;
            bye) break ;;
            *) ;;   # other types: ignored (newer hosts may send messages this SDK does not know)
        esac
    done
}
