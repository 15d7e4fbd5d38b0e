#!/usr/bin/env bash
# The cost of external plugins (issue 10), measured with hyperfine on the release build:
#   start-up   survsh with 0 and with 10 plugins installed (manifests are read, no process starts)
#   no-op      one call of a python3 no-op plugin: the first call of a session-lifetime plugin
#              (process start + handshake) and each further call (100 calls in one session, / 100),
#              and a call-lifetime plugin (a process per call)
#   data       10^6 rows x 3 columns handed to a python3 plugin that only counts them, as JSON
#              columns and as a CSV file, next to the built-in `km` on the same rows
#   SDKs       a no-op plugin written with each SDK (plugins/sdk: Python, R when Rscript with jsonlite
#              is installed, sh + jq): its first call (start + handshake), each further call, and
#              handing it 10^6 rows x 3 columns as JSON and as CSV (the SDK decodes them into its
#              language's columns; the handler does nothing). The sh SDK with JSON data reads the
#              request line with `read` and jq: it gets SH_JSON_ROWS rows (default 10^5) and the
#              table says so.
# Each figure is the difference of two medians (the same command line with and without the part
# measured); next to it, the same difference of the mean CPU time (user + system, survsh and the
# plugin process together), which a busy machine disturbs less. The load average is printed first.
# Not a test: it prints tables.
#
#   bench/plugins.sh   (SURVSH_BIN=PATH to use a built binary; RUNS=N, default 5; SDKS="python r sh")
#   run it with nice on a shared machine: nice bench/plugins.sh   (ROWS=N: a smaller file, to try
#   the script quickly; the labels still say 10^6)
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
python3 - "$out/d.csv" "${ROWS:-1000000}" <<'EOF'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("time,status,group\n")
    for i in range(int(sys.argv[2])):
        f.write("%.3f,%d,%s\n" % (random.expovariate(0.01), random.random() < 0.7, "abc"[i % 3]))
EOF

median() {   # NAME COMMAND... -> median seconds (the mean CPU seconds, user + system, go to NAME.cpu)
  local name=$1; shift
  if ! hyperfine -N -w 1 -r "$RUNS" --export-json "$out/$name.json" "$@" >/dev/null 2>"$out/$name.err"; then
    # a failed run (a timeout on an overloaded machine, say) shows as "failed" in the table; its error goes to stderr
    echo "bench: $name failed: $(tail -n 1 "$out/$name.err"); once more, its stderr:" >&2
    bash -c "$1" 2>&1 >/dev/null | tail -n 3 >&2 || true
    echo nan > "$out/$name.cpu"; echo nan; return
  fi
  python3 -c "import json,sys; r = json.load(open(sys.argv[1]))['results'][0]; print(r['median']); open(sys.argv[2], 'w').write(str(r['user'] + r['system']))" \
    "$out/$name.json" "$out/$name.cpu"
}
ms() { python3 -c "import sys, math; d = (float(sys.argv[1]) - float(sys.argv[2])) * 1000 / float(sys.argv[3]); print('failed' if math.isnan(d) else '%.1f' % d)" "$@"; }
cpu() { cat "$out/$1.cpu"; }   # NAME -> mean CPU seconds of that measurement
both() {   # A B DIVISOR -> "WALL ms | CPU ms": the differences of the medians and of the CPU times of A and B
  echo "$(ms "${!1}" "${!2}" "$3") ms | $(ms "$(cpu "$1")" "$(cpu "$2")" "$3") ms"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
echo

export XDG_DATA_HOME="$out/xdg"
hundred=$(python3 -c "print('; '.join(['noop'] * 100))")
S0=$(SURVSH_PLUGIN_PATH= median S0 "$BIN -e 'set digits 4'")
S10=$(SURVSH_PLUGIN_PATH="$out/ten" median S10 "$BIN -e 'set digits 4'")
export SURVSH_PLUGIN_PATH="$out/plugins"
N1=$(median N1 "$BIN -e 'noop'")
N100=$(median N100 "$BIN -e '$hundred'")
NC=$(median NC "$BIN -e 'noopcall'")
L=$(median L "$BIN -e 'load $out/d.csv'")
KM=$(median KM "$BIN -e 'load $out/d.csv; survival time status; km ~ group'")
LS=$(median LS "$BIN -e 'load $out/d.csv; survival time status'")
J=$(median J "$BIN -e 'load $out/d.csv; sendjson'")
C=$(median C "$BIN -e 'load $out/d.csv; sendcsv'")
SJ=$(median SJ "$BIN -e 'load $out/d.csv; sinkjson'")
SC=$(median SC "$BIN -e 'load $out/d.csv; sinkcsv'")
ZERO=0; echo 0 > "$out/ZERO.cpu"

echo "| what | wall (median) | CPU (user + sys) |"
echo "| --- | --- | --- |"
echo "| start-up, no plugins | $(both S0 ZERO 1) |"
echo "| start-up, 10 plugins installed | $(both S10 ZERO 1) |"
echo "| no-op plugin call, first in the session (python3 start + handshake) | $(both N1 S0 1) |"
echo "| no-op plugin call, each further call (session lifetime) | $(both N100 N1 99) |"
echo "| no-op plugin call, call lifetime (a process per call) | $(both NC S0 1) |"
echo "| 10^6 rows x 3 columns to a python3 plugin, JSON columns: survsh writes and sends them | $(both SJ L 1) |"
echo "| ... and the plugin parses them (json.loads) | $(both J L 1) |"
echo "| 10^6 rows x 3 columns to a python3 plugin, CSV file: survsh writes it | $(both SC L 1) |"
echo "| ... and the plugin reads its lines | $(both C L 1) |"
echo "| built-in km ~ group on the same 10^6 rows | $(both KM LS 1) |"

# ---- a no-op plugin written with each SDK --------------------------------------------------------
SDKS=${SDKS:-python r sh}
SH_JSON_ROWS=${SH_JSON_ROWS:-100000}
head -n $((SH_JSON_ROWS + 1)) "$out/d.csv" > "$out/d_sh.csv"
sdkplugin() {   # LANG NAME COLUMNS DATAFORMAT
  local dir="$out/sdk/$2"
  mkdir -p "$dir"
  case $1 in
    python) run='["python3", "main.py"]'; cp plugins/sdk/python/survsh_plugin.py "$dir/"
      printf '%s\n' 'import os, sys' 'sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))' \
        'import survsh_plugin as sp' 'sys.exit(sp.run(lambda req: sp.result(text="rows %d" % req.rows)))' > "$dir/main.py" ;;
    r) run='["Rscript", "main.R"]'; cp plugins/sdk/r/survshplugin.R "$dir/"
      printf '%s\n' 'source(file.path(Sys.getenv("SURVSH_PLUGIN_DIR"), "survshplugin.R"))' \
        'survsh_run(function(req) survsh_result(text = paste("rows", req$rows)))' > "$dir/main.R" ;;
    sh) run='["sh", "main.sh"]'; cp plugins/sdk/sh/survsh-plugin.sh "$dir/"
      printf '%s\n' '. "$(dirname "$0")/survsh-plugin.sh"' 'noop() { echo "rows $(survsh_get .data.rows)"; }' 'survsh_main noop' > "$dir/main.sh" ;;
  esac
  cat > "$dir/survsh-plugin.json" <<EOF
{"name":"$2","version":"1.0.0","protocol":1,"run":$run,"lifetime":"session",
 "commands":[{"name":"$2","summary":"no-op benchmark plugin","body":"none","columns":"$3","data":"$4"}]}
EOF
}
have_r() { command -v Rscript >/dev/null && Rscript -e 'library(jsonlite)' >/dev/null 2>&1; }
export SURVSH_PLUGIN_PATH="$out/sdk"
echo
echo "No-op plugins written with each SDK (the handler returns at once; the SDK decodes the request)."
echo
echo "| SDK | what | wall (median) | CPU (user + sys) |"
echo "| --- | --- | --- | --- |"
for lang in $SDKS; do
  if [ "$lang" = r ] && ! have_r; then echo "| R | skipped: Rscript with jsonlite is not installed | | |"; continue; fi
  sdkplugin "$lang" "${lang}none" none json
  sdkplugin "$lang" "${lang}json" all json
  sdkplugin "$lang" "${lang}csv" all csv
  twenty=$(python3 -c "import sys; print('; '.join([sys.argv[1]] * 20))" "${lang}none")
  data=$out/d.csv; rows="10^6"
  eval "${lang}_N1=\$(median ${lang}_N1 \"\$BIN -e '${lang}none'\")"
  eval "${lang}_N20=\$(median ${lang}_N20 \"\$BIN -e '$twenty'\")"
  eval "${lang}_LN=\$(median ${lang}_LN \"\$BIN -e 'load $data; ${lang}none'\")"
  eval "${lang}_C=\$(median ${lang}_C \"\$BIN -e 'load $data; ${lang}csv'\")"
  echo "| $lang | no-op call, first in the session (start + handshake) | $(both ${lang}_N1 S0 1) |"
  echo "| $lang | no-op call, each further call | $(both ${lang}_N20 ${lang}_N1 19) |"
  echo "| $lang | $rows rows x 3 columns as a CSV file (survsh writes it, the SDK reads it) | $(both ${lang}_C ${lang}_LN 1) |"
  if [ "$lang" = sh ]; then
    data=$out/d_sh.csv; rows=$(python3 -c "import sys; n = int(sys.argv[1]); print('10^%d' % len(str(n // 10)) if str(n).strip('0') == '1' else n)" "$SH_JSON_ROWS")
    eval "${lang}_LNS=\$(median ${lang}_LNS \"\$BIN -e 'load $data; ${lang}none'\")"
    eval "${lang}_J=\$(median ${lang}_J \"\$BIN -e 'load $data; ${lang}json'\")"
    echo "| $lang | $rows rows (not 10^6: see above) x 3 columns as JSON columns | $(both ${lang}_J ${lang}_LNS 1) |"
  else
    eval "${lang}_J=\$(median ${lang}_J \"\$BIN -e 'load $data; ${lang}json'\")"
    echo "| $lang | $rows rows x 3 columns as JSON columns (survsh writes them, the SDK decodes them) | $(both ${lang}_J ${lang}_LN 1) |"
  fi
done
echo "| built-in | km ~ group on the same 10^6 rows | $(both KM LS 1) |"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
