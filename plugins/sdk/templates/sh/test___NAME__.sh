#!/bin/sh
# Talks to __NAME__.sh as survsh would (hello, one run with a CSV file, bye) and checks the answer:
#   sh test___NAME__.sh
here=$(cd "$(dirname "$0")" && pwd)
csv=$(mktemp)
printf 'x\n1\nNA\n5\n' > "$csv"
out=$(printf '%s\n' '{"type":"hello","protocols":[1],"survsh":"test"}' \
    "{\"type\":\"run\",\"id\":1,\"command\":\"__NAME__\",\"words\":[\"x\"],\"body\":\"x\",\"options\":{},\"data\":{\"rows\":3,\"format\":\"csv\",\"path\":\"$csv\"}}" \
    '{"type":"bye"}' | SURVSH_PLUGIN_DIR="$here" sh "$here/__NAME__.sh")
rm -f "$csv"
printf '%s\n' "$out" | jq -e -s '.[0].type == "hello" and .[1].type == "result" and .[1].tables[0].rows == [["x", 2, 1, 3]]' >/dev/null \
    || { echo "unexpected answer: $out" >&2; exit 1; }
echo "ok: $(printf '%s\n' "$out" | jq -r -s '.[1].text')"
