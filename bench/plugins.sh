#!/usr/bin/env bash
# The cost of external plugins (issue 10), measured with hyperfine on the release build:
#   start-up   survsh with 0 and with 10 plugins installed (manifests are read, no process starts)
#   no-op      one call of a python3 no-op plugin: the first call of a session-lifetime plugin
#              (process start + handshake) and each further call (100 calls in one session, / 100),
#              and a call-lifetime plugin (a process per call)
#   data       10^6 rows x 3 columns handed to a python3 plugin that only counts them, as JSON
#              columns and as a CSV file, next to the built-in `km` on the same rows
# Each figure is the difference of two medians (the same command line with and without the part
# measured). Not a test: it prints a table.
#
#   bench/plugins.sh            (SURVSH_BIN=PATH to use a built binary; RUNS=N, default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
if [ -z "${SURVSH_BIN:-}" ]; then
  swift build -c release --product survsh >/dev/null
  SURVSH_BIN=.build/release/survsh
fi
BIN=$(cd "$(dirname "$SURVSH_BIN")" && pwd)/$(basename "$SURVSH_BIN")
RUNS=${RUNS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# the plugins (run by the python3 binary itself, not a pyenv shim that costs 100 ms per start)
PY=$(python3 -c 'import sys; print(sys.executable)')
plugin() {   # NAME LIFETIME DATAFORMAT [PROGRAM]
  mkdir -p "$out/plugins/$1"
  cat > "$out/plugins/$1/survsh-plugin.json" <<EOF
{"name":"$1","version":"1.0.0","protocol":1,"run":["$PY","main.py"],"lifetime":"$2",
 "commands":[{"name":"$1","summary":"benchmark plugin","body":"none","columns":"all","data":"$3"}]}
EOF
  if [ -n "${4:-}" ]; then cp "$4" "$out/plugins/$1/main.py"; return; fi
  cat > "$out/plugins/$1/main.py" <<'EOF'
import sys, json
for line in sys.stdin:
    req = json.loads(line)
    if req["type"] == "hello":
        print(json.dumps({"type": "hello", "protocol": 1, "name": "b", "version": "1.0.0"}), flush=True)
    elif req["type"] == "run":
        d = req["data"]
        n = sum(1 for _ in open(d["path"])) - 1 if d["format"] == "csv" else len(d["columns"][0]["values"]) if d["columns"] else 0
        print(json.dumps({"type": "result", "id": req["id"], "text": "rows %d" % n}), flush=True)
    else:
        break
EOF
}
plugin noop session json
plugin noopcall call json
plugin sendjson session json
plugin sendcsv session csv
# the same without parsing the request (the id is found by a regular expression): survsh's side only
cat > "$out/sink.py" <<'EOF'
import sys, json, re
for line in sys.stdin:
    if line.startswith('{"type":"hello"'):
        print(json.dumps({"type": "hello", "protocol": 1, "name": "b", "version": "1.0.0"}), flush=True)
    elif line.startswith('{"type":"run"'):
        rid = int(re.match(r'{"type":"run","id":(\d+)', line).group(1))
        print(json.dumps({"type": "result", "id": rid, "text": "%d bytes" % len(line)}), flush=True)
    else:
        break
EOF
plugin sinkjson session json "$out/sink.py"
plugin sinkcsv session csv "$out/sink.py"
mkdir -p "$out/ten"
for i in 0 1 2 3 4 5 6 7 8 9; do
  mkdir -p "$out/ten/p$i"
  sed "s/\"noop\"/\"p$i\"/g" "$out/plugins/noop/survsh-plugin.json" > "$out/ten/p$i/survsh-plugin.json"
  cp "$out/plugins/noop/main.py" "$out/ten/p$i/"
done

# 10^6 rows x 3 columns: time, status, group
python3 - "$out/d.csv" <<'EOF'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("time,status,group\n")
    for i in range(10**6):
        f.write("%.3f,%d,%s\n" % (random.expovariate(0.01), random.random() < 0.7, "abc"[i % 3]))
EOF

median() {   # NAME COMMAND... -> median seconds
  local name=$1; shift
  hyperfine -N -w 1 -r "$RUNS" --export-json "$out/$name.json" "$@" >/dev/null 2>&1
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$out/$name.json"
}
ms() { python3 -c "import sys; print('%.1f' % ((float(sys.argv[1]) - float(sys.argv[2])) * 1000 / float(sys.argv[3])))" "$@"; }

export XDG_DATA_HOME="$out/xdg"
hundred=$(python3 -c "print('; '.join(['noop'] * 100))")
S0=$(SURVSH_PLUGIN_PATH= median s0 "$BIN -e 'set digits 4'")
S10=$(SURVSH_PLUGIN_PATH="$out/ten" median s10 "$BIN -e 'set digits 4'")
export SURVSH_PLUGIN_PATH="$out/plugins"
N1=$(median n1 "$BIN -e 'noop'")
N100=$(median n100 "$BIN -e '$hundred'")
NC=$(median nc "$BIN -e 'noopcall'")
L=$(median load "$BIN -e 'load $out/d.csv'")
KM=$(median km "$BIN -e 'load $out/d.csv; survival time status; km ~ group'")
LS=$(median loads "$BIN -e 'load $out/d.csv; survival time status'")
J=$(median json "$BIN -e 'load $out/d.csv; sendjson'")
C=$(median csv "$BIN -e 'load $out/d.csv; sendcsv'")
SJ=$(median sinkjson "$BIN -e 'load $out/d.csv; sinkjson'")
SC=$(median sinkcsv "$BIN -e 'load $out/d.csv; sinkcsv'")

echo "| what | time |"
echo "| --- | --- |"
echo "| start-up, no plugins | $(ms "$S0" 0 1) ms |"
echo "| start-up, 10 plugins installed | $(ms "$S10" 0 1) ms |"
echo "| no-op plugin call, first in the session (python3 start + handshake) | $(ms "$N1" "$S0" 1) ms |"
echo "| no-op plugin call, each further call (session lifetime) | $(ms "$N100" "$N1" 99) ms |"
echo "| no-op plugin call, call lifetime (a process per call) | $(ms "$NC" "$S0" 1) ms |"
echo "| 10^6 rows x 3 columns to a python3 plugin, JSON columns: survsh writes and sends them | $(ms "$SJ" "$L" 1) ms |"
echo "| ... and the plugin parses them (json.loads) | $(ms "$J" "$L" 1) ms |"
echo "| 10^6 rows x 3 columns to a python3 plugin, CSV file: survsh writes it | $(ms "$SC" "$L" 1) ms |"
echo "| ... and the plugin reads its lines | $(ms "$C" "$L" 1) ms |"
echo "| built-in km ~ group on the same 10^6 rows | $(ms "$KM" "$LS" 1) ms |"
