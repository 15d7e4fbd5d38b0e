"""survsh_plugin — the Python SDK for survsh runtime plugins (protocol 1; standard library only).

A plugin program is a loop: answer the host's `hello`, then answer each `run` request with exactly one
`result` or `error`, until `bye` or end of input. This module does the loop; you write the handlers:

    import survsh_plugin as sp

    @sp.command("hello")
    def hello(req):
        return sp.result(text=f"{req.rows} rows", tables=[sp.table("Rows", ["rows"], [[req.rows]])])

    if __name__ == "__main__":
        sp.run()

A handler gets a `Request` (options, columns as a dict name -> list with dates as datetime.date and
missing values as None, the declared outcome, the filter) and returns `result(...)` (or a plain string,
taken as the text). `raise sp.PluginError("msg")` (or call `sp.error("msg")`) answers
`error: CMD: msg`; any other exception becomes a one-line protocol error too (set
SURVSH_PLUGIN_DEBUG=1 to get the traceback on stderr). `warnings.warn(...)` and `req.warn(...)` end up
in the result's warnings. Once the loop runs, `print()` goes to stderr (the host shows it prefixed with
the plugin's name): stdout carries only protocol messages.

The protocol is described in docs/plugins.md.
"""

import csv
import datetime
import json
import math
import os
import re
import sys
import traceback
import warnings

#: The protocol versions this SDK speaks (the host offers a list in `hello`; the highest common one wins).
PROTOCOLS = (1,)

__all__ = [
    "PROTOCOLS", "PluginError", "Request", "command", "run", "result", "error", "table", "new_column",
    "figure", "surv_events",
]


class PluginError(Exception):
    """Raised by a handler: the message is sent as a protocol error and shown as `error: CMD: message`."""


def error(message):
    """Stops the handler with `message` as the command's error."""
    raise PluginError(message)


# ---- results -----------------------------------------------------------------------------------

def table(title, columns, rows):
    """A result table: `columns` is a list of names, `rows` a list of lists (numbers, text, None)."""
    return {"title": title, "columns": list(columns), "rows": [list(r) for r in rows]}


def new_column(name, values, type="number"):
    """A column to add to the frame: one value per row sent (type number, text or date)."""
    return {"name": name, "type": type, "values": list(values)}


def figure(svg):
    """A figure (an SVG document); the host writes it through `plot`'s SVG/PNG/PDF path."""
    return {"svg": svg}


def result(text="", tables=None, json=None, warnings=None, new_columns=None, figures=None):
    """The answer to a run request. Only the given parts are sent."""
    out = {"text": text}
    for key, value in (("tables", tables), ("json", json), ("warnings", warnings),
                       ("new_columns", new_columns), ("figures", figures)):
        if value is not None:
            out[key] = value
    return _Result(out)


class _Result(dict):
    """A result built by `result()` (a dict, so handlers may also add keys)."""


# ---- requests ----------------------------------------------------------------------------------

class Request:
    """One `run` request, decoded.

    Attributes: id, command, line (as typed), words (body words), body (text), options (dict; every
    declared option, given or default), outcome (dict with time, status and maybe start/event, or None),
    filter (dict with expression, rows, total, or None), settings (dict), rows (rows sent), columns
    (dict name -> list), types (name -> number|text|date|...), levels (name -> level order, text
    columns), csv_path (the CSV file for `"data": "csv"` commands, else None), raw (the message).
    """

    def __init__(self, message, channel):
        self.raw = message
        self._channel = channel
        self.id = message.get("id")
        self.command = message.get("command")
        self.line = message.get("line", "")
        self.words = message.get("words") or []
        self.body = message.get("body") or ""
        self.options = message.get("options") or {}
        self.outcome = message.get("outcome")
        self.filter = message.get("filter")
        self.settings = message.get("settings") or {}
        data = message.get("data") or {}
        self.rows = data.get("rows", 0)
        self.csv_path = data.get("path") if data.get("format") == "csv" else None
        self.columns, self.types, self.levels = {}, {}, {}
        for col in data.get("columns") or []:
            name = col.get("name")
            self.types[name] = col.get("type", "text")
            if "levels" in col:
                self.levels[name] = list(col["levels"])
            if "values" in col:
                self.columns[name] = _decode_values(col["values"], self.types[name])
        if self.csv_path is not None:
            self._read_csv(self.csv_path)
        self.warnings = []
        self.new_columns = []
        self.figures = []

    def _read_csv(self, path):
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            cells = [[] for _ in header]
            for record in reader:
                for j in range(len(header)):
                    cells[j].append(record[j] if j < len(record) else "NA")
        for name, raw in zip(header, cells):
            values = [None if v == "NA" else v for v in raw]
            kind = self.types.get(name) or _infer_type(values)
            self.types[name] = kind
            self.columns[name] = _decode_values(values, kind)

    def column(self, name):
        """The column `name` (a list), or a PluginError naming it when it was not sent."""
        if name not in self.columns:
            raise PluginError(f"no column '{name}' (columns sent: {', '.join(self.columns) or 'none'})")
        return self.columns[name]

    def formula(self):
        """The body read as `[Surv(time, status)] [~ a + b]`: dict with time, status (None when the
        body has no Surv) and terms (a list of names)."""
        return parse_formula(self.body)

    def survival(self, time=None, status=None):
        """(times, events) of the outcome: `time`/`status` name columns (default: the Surv() of the
        body, else the declared outcome). events are True/False/None, decoded as R's Surv does (or by
        the declared outcome's `event` value)."""
        f = self.formula()
        event_value = None
        if time is None and f["time"] is not None:
            time, status = f["time"], f["status"]
        if time is None:
            if not self.outcome:
                raise PluginError("no outcome: give Surv(time, status) or declare one with 'survival TIME EVENT'")
            time, status = self.outcome.get("time"), self.outcome.get("status")
            event_value = self.outcome.get("event")
        return self.column(time), surv_events(self.column(status), event_value)

    def warn(self, message):
        """Adds a warning to the result (printed as `warning: CMD: message`)."""
        self.warnings.append(str(message))

    def progress(self, message):
        """Sends a progress line now (shown while the command runs)."""
        self._channel.send({"type": "progress", "id": self.id, "message": str(message)})


def parse_formula(body):
    """Splits `[Surv(time, status)] [~ a + b]` into its parts (a small reader, not R's parser)."""
    text = (body or "").strip()
    lhs, _, rhs = text.partition("~")
    m = re.match(r"^\s*Surv\(\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)\s*$", lhs)
    if lhs.strip() and not m:
        raise PluginError(f"expected Surv(time, status) before '~', not '{lhs.strip()}'")
    terms = [t.strip() for t in rhs.split("+") if t.strip()] if rhs.strip() not in ("", "1") else []
    return {"time": m.group(1) if m else None, "status": m.group(2) if m else None, "terms": terms}


def surv_events(status, event=None):
    """Event indicators (True/False/None) from status values: equal to `event` when given, else R's
    Surv rule (largest value 2: 1 = censored, 2 = event; else 0/1; True/False as 1/0; other values
    missing)."""
    if event is not None:
        return [None if s is None else s == event for s in status]
    values = [None if s is None else (float(s) if not isinstance(s, str) else _number(s)) for s in status]
    present = [v for v in values if v is not None]
    shift = 1.0 if present and max(present) == 2 else 0.0
    out = []
    for v in values:
        v = None if v is None else v - shift
        out.append(True if v == 1 else False if v == 0 else None)
    return out


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _infer_type(values):
    present = [v for v in values if v is not None]
    if present and all(_number(v) is not None for v in present):
        return "number"
    if present and all(_DATE.match(v) for v in present):
        return "date"
    return "text"


def _decode_values(values, kind):
    if kind == "number":
        return [None if v is None else (v if isinstance(v, (int, float)) else _number(v)) for v in values]
    if kind == "date":
        return [None if v is None else datetime.date.fromisoformat(v) for v in values]
    return list(values)


# ---- the loop ----------------------------------------------------------------------------------

_HANDLERS = {}


def command(name):
    """Decorator: the function handles the command `name` (as declared in survsh-plugin.json)."""
    def register(fn):
        _HANDLERS[name] = fn
        return fn
    return register


def _plain(value):
    """JSON-ready values: dates as ISO text, NaN and infinities as null (JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):   # numpy scalars, without importing numpy
        return _plain(value.item())
    if hasattr(value, "tolist") and callable(value.tolist):
        return _plain(value.tolist())
    return value


class _Channel:
    """The protocol stream: one JSON object per line on the process's real stdout."""

    def __init__(self, stream):
        self.stream = stream

    def send(self, message):
        self.stream.write(json.dumps(_plain(message), ensure_ascii=False, separators=(",", ":"),
                                     allow_nan=False) + "\n")
        self.stream.flush()


def _manifest(directory):
    try:
        with open(os.path.join(directory, "survsh-plugin.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _describe(exc):
    """`Type: message (file.py:LINE)` for the innermost frame of the plugin's own code."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    if tb:
        frame = tb[-1]
        where = f" ({os.path.basename(frame.filename)}:{frame.lineno})"
    text = str(exc).replace("\n", " ")
    return f"{type(exc).__name__}: {text}{where}" if text else f"{type(exc).__name__}{where}"


def _answer(request, handler):
    """Runs `handler` on the request; returns the result or error message to send."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = handler(request)
        except PluginError as e:
            return {"type": "error", "id": request.id, "message": str(e)}
        except Exception as e:   # noqa: BLE001 — every failure becomes a protocol error, never a traceback
            if os.environ.get("SURVSH_PLUGIN_DEBUG"):
                traceback.print_exc(file=sys.stderr)
            return {"type": "error", "id": request.id, "message": _describe(e)}
    if out is None:
        out = result()
    elif isinstance(out, str):
        out = result(text=out)
    message = {"type": "result", "id": request.id}
    message.update(out)
    extra_warnings = request.warnings + [str(w.message) for w in caught]
    if extra_warnings:
        message["warnings"] = list(message.get("warnings") or []) + extra_warnings
    if request.new_columns:
        message["new_columns"] = list(message.get("new_columns") or []) + request.new_columns
    if request.figures:
        message["figures"] = list(message.get("figures") or []) + request.figures
    message["type"] = "result"      # a handler's dict cannot change these two
    message["id"] = request.id
    return message


def run(handler=None, name=None, version=None, stdin=None, stdout=None):
    """Runs the protocol loop until `bye` or end of input.

    `handler`: one function for every command (else the `@command` functions). `name`/`version`:
    what `hello` answers (default: from survsh-plugin.json next to the program)."""
    if stdout is None:
        # Keep the real stdout for the protocol; everything else printed (print(), child processes)
        # goes to stderr, so a stray print cannot break the protocol.
        sys.stdout.flush()
        proto_fd = os.dup(1)
        os.dup2(2, 1)
        stdout = os.fdopen(proto_fd, "w", encoding="utf-8", newline="\n")
        sys.stdout = sys.stderr
    if stdin is None:
        stdin = sys.stdin.buffer
    channel = _Channel(stdout)
    directory = os.environ.get("SURVSH_PLUGIN_DIR") or os.path.dirname(os.path.abspath(sys.argv[0]))
    manifest = _manifest(directory)
    name = name or manifest.get("name", os.path.basename(directory))
    version = version or manifest.get("version", "0")
    agreed = None
    for raw in stdin:
        line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except ValueError:
            print(f"ignored a line that is not JSON: {line.strip()[:60]}", file=sys.stderr)
            continue
        if not isinstance(message, dict):
            continue
        kind = message.get("type")
        if kind == "hello":
            offered = [p for p in message.get("protocols") or [] if isinstance(p, int)]
            common = [p for p in PROTOCOLS if p in offered]
            # None in common: answer with the one we speak; the host reports the mismatch and stops us.
            agreed = max(common) if common else None
            channel.send({"type": "hello", "protocol": agreed or max(PROTOCOLS), "name": name, "version": version})
        elif kind == "run":
            request_id = message.get("id")
            try:
                request = Request(message, channel)
            except Exception as e:   # noqa: BLE001
                channel.send({"type": "error", "id": request_id, "message": f"bad request: {_describe(e)}"})
                continue
            fn = handler or _HANDLERS.get(request.command)
            if fn is None:
                channel.send({"type": "error", "id": request_id,
                              "message": f"this plugin has no command '{request.command}'"})
                continue
            try:
                channel.send(_answer(request, fn))
            except (TypeError, ValueError) as e:
                channel.send({"type": "error", "id": request_id, "message": f"result is not JSON: {_describe(e)}"})
        elif kind == "bye":
            break
        # any other type: ignored (newer hosts may send messages this SDK does not know)
    return 0
