#!/bin/sh
# SDK conformance fixture (PluginSDKTests) for the sh SDK: echo (options, a warning, the CSV's row
# count, its stdout as the text), boom (exits 3 after a line on stderr), fail (survsh_error).
. "$SURVSH_SDK_DIR/sh/survsh-plugin.sh"

command_echo() {
    survsh_warn "an SDK warning"
    csv=$(survsh_csv)
    rows=$([ -n "$csv" ] && awk 'END { print NR - 1 }' "$csv" || echo 0)
    printf 'echo reps=%s rows=%s\n' "$(survsh_option reps)" "$rows"
}
command_boom() {
    echo "something went wrong" >&2
    exit 3
}
command_fail() { survsh_error "reps must be at least 10"; }

survsh_main
