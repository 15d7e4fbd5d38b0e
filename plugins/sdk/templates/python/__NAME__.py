#!/usr/bin/env python3
"""__NAME__ — a survsh plugin made by `plugin new` (edit the handler; docs/plugins.md has the protocol).

Try it without survsh:  python3 test___NAME__.py
Install it:             survsh -e 'plugin install __NAME__'   then   __NAME__ age   in a session
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import survsh_plugin as sp  # noqa: E402  (the SDK file next to this one)


@sp.command("__NAME__")
def summarize(req):
    if not req.words:
        sp.error("name at least one number column, e.g. __NAME__ age")
    rows = []
    for name in req.words:
        if req.types.get(name) != "number":
            sp.error(f"{name} is not a number column")
        values = req.column(name)
        present = [v for v in values if v is not None]
        mean = sum(present) / len(present) if present else None
        rows.append([name, len(present), len(values) - len(present), mean])
    text = "\n".join(f"{c}: n = {n}, missing = {m}, mean = {'NA' if x is None else f'{x:.6g}'}" for c, n, m, x in rows)
    return sp.result(text=text, tables=[sp.table("Summary", ["column", "n", "missing", "mean"], rows)])


if __name__ == "__main__":
    sys.exit(sp.run())
