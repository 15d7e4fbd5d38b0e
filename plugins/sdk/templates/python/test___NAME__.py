#!/usr/bin/env python3
"""Talks to __NAME__.py as survsh would (hello, one run, bye) and checks the answer: python3 test___NAME__.py"""
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.realpath(__file__))
messages = [
    {"type": "hello", "protocols": [1], "survsh": "test"},
    {"type": "run", "id": 1, "command": "__NAME__", "line": "__NAME__ x", "words": ["x"], "body": "x", "options": {},
     "outcome": None, "filter": None, "settings": {},
     "data": {"rows": 3, "format": "json", "columns": [{"name": "x", "type": "number", "values": [1, None, 5]}]}},
    {"type": "bye"},
]
out = subprocess.run([sys.executable, os.path.join(here, "__NAME__.py")], input="".join(json.dumps(m) + "\n" for m in messages),
                     capture_output=True, text=True, timeout=60, env={**os.environ, "SURVSH_PLUGIN_DIR": here})
answers = [json.loads(line) for line in out.stdout.splitlines()]
assert answers[0]["type"] == "hello" and answers[0]["protocol"] == 1, answers
result = answers[1]
assert result["type"] == "result", result
assert result["tables"][0]["rows"] == [["x", 2, 1, 3.0]], result
print("ok:", result["text"])
