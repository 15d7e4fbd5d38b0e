#!/usr/bin/env python3
"""SDK conformance fixture (PluginSDKTests): the same three commands in every language.
echo: reports how the SDK typed each column (number/date/text), its missing count and levels, the
options, the first date (re-encoded), prints to stdout (must reach stderr, not the protocol), warns
twice, and adds a column twice `x`. boom: the handler fails. fail: a user error."""
import datetime
import os
import sys
import warnings

sys.path.insert(0, os.path.join(os.environ["SURVSH_SDK_DIR"], "python"))
import survsh_plugin as sp  # noqa: E402


def kind(values):
    v = next((v for v in values if v is not None), None)
    if isinstance(v, datetime.date):
        return "date"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return "number"
    return "text" if isinstance(v, str) else "unknown"


@sp.command("echo")
def echo(req):
    print("printed by the handler")
    warnings.warn("a language warning")
    req.warn("an SDK warning")
    dates = [v for v in req.columns.get("d", []) if v is not None]
    x = req.column("x")
    return sp.result(
        text="echo",
        json={"kinds": {k: kind(v) for k, v in req.columns.items()},
              "missing": {k: sum(v is None for v in vals) for k, vals in req.columns.items()},
              "levels": req.levels, "options": req.options, "rows": req.rows,
              "first_date": dates[0] if dates else None,
              "days": (dates[1] - dates[0]).days if len(dates) > 1 else None},
        new_columns=[sp.new_column("x2", [None if v is None else 2 * v for v in x])])


@sp.command("boom")
def boom(req):
    return 1 / 0


@sp.command("fail")
def fail(req):
    sp.error("reps must be at least 10")


if __name__ == "__main__":
    sys.exit(sp.run())
