#!/bin/sh
# Talks to ./__NAME__ as survsh would (hello, one run, bye) and checks the answer: sh test___NAME__.sh
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$here/__NAME__" ] || sh "$here/build.sh"
out=$(printf '%s\n' '{"type":"hello","protocols":[1],"survsh":"test"}' \
    '{"type":"run","id":1,"command":"__NAME__","words":["x"],"body":"x","options":{},"data":{"rows":3,"format":"json","columns":[{"name":"x","type":"number","values":[1,null,5]}]}}' \
    '{"type":"bye"}' | "$here/__NAME__")
printf '%s\n' "$out" | jq -e -s '.[0].type == "hello" and .[1].type == "result" and .[1].tables[0].rows == [["x", 2, 1, 3]]' >/dev/null \
    || { echo "unexpected answer: $out" >&2; exit 1; }
echo "ok: $(printf '%s\n' "$out" | jq -r -s '.[1].text')"
