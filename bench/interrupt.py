#!/usr/bin/env python3
"""Latency of Ctrl-C in the interactive shell: from the ^C byte written to the terminal to the
`error: NAME: interrupted` line and the next prompt.

Usage: bench/interrupt.py SURVSH CSV [--ops load,cox,...] [--fractions 0.2,0.5,0.8,0.95] [--header WIDE.csv]

--header: also loads WIDE.csv (a header of many columns, bench/interrupt.sh makes one of 10^6).

survsh runs on a pseudo-terminal (the SIGINT handler is the interactive shell's), exactly as typed
by a user. For each operation the command is first run to its end to time it (T); then it is
started again and ^C is sent at each fraction of T (so the interrupt lands in different phases:
sorting, the Newton-Raphson iterations, the concordance at the end of a fit, ...) and the latency
measured. Prints one line per operation: T and the latencies, and the largest one.
Not a test: it exits 0 whatever it measures.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import tempfile
import termios
import time

PROMPT = b"survsh> "


class Shell:
    def __init__(self, binary, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(binary, [binary], env)
        # a wide terminal: the typed line is echoed in one piece
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 400, 0, 0))
        self.buf = b""
        self.wait_for(PROMPT, 60)

    def read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if r:
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:
                data = b""
            # only the tail is searched: a command printing a million lines must not make it quadratic
            self.buf = self.buf[-(1 << 16):] + data
            return data
        return None

    def wait_for(self, needle, timeout):
        """Reads until `needle` appears after the current mark; returns the time it was read."""
        deadline = time.monotonic() + timeout
        while needle not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"never saw {needle!r}; last output: {self.buf[-400:]!r}")
            self.read(left)
        at = time.monotonic()
        self.buf = self.buf[self.buf.index(needle) + len(needle):]
        return at

    def run(self, line, timeout=600):
        """Types a line and waits for the next prompt; returns the seconds it took."""
        self.buf = b""
        t0 = time.monotonic()
        os.write(self.fd, line.encode() + b"\r")
        # the echo of the line, then the output, then the prompt
        self.wait_for(line.encode()[-20:], 30)
        return self.wait_for(PROMPT, timeout) - t0

    def interrupt(self, line, after, name):
        """Types a line, sends ^C `after` seconds later; returns (latency to the error, to the prompt),
        or None when the command ended before ^C."""
        self.buf = b""
        os.write(self.fd, line.encode() + b"\r")
        self.wait_for(line.encode()[-20:], 30)
        end = time.monotonic() + after
        while time.monotonic() < end:
            self.read(max(0.0, end - time.monotonic()))
            if PROMPT in self.buf:
                return None
        t0 = time.monotonic()
        os.write(self.fd, b"\x03")
        error = f"error: {name}: interrupted".encode()
        deadline = t0 + 300
        while error not in self.buf:
            if PROMPT in self.buf:
                return None     # it finished before it noticed ^C
            if time.monotonic() > deadline:
                raise TimeoutError(f"{line}: no prompt after ^C")
            self.read(1)
        t_err = time.monotonic()
        t_prompt = self.wait_for(PROMPT, 120)
        return t_err - t0, t_prompt - t0

    def close(self):
        # Ctrl-U then Ctrl-D on the empty line; a shell that does not end is killed
        os.write(self.fd, b"\x15\x04")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.read(0.2)
            if os.waitpid(self.pid, os.WNOHANG)[0] != 0:
                return
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    binary, csv = args[0], args[1]
    opts = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    fractions = [float(f) for f in opts.get("fractions", "0.2,0.5,0.8,0.95").split(",")]
    covs = " + ".join(f"x{k}" for k in range(1, 11))
    out = os.path.join(tempfile.gettempdir(), f"survsh-interrupt-km-{os.getpid()}.png")
    # name: (setup lines, command, error name[, True when the command changes the data])
    ops = {
        "load": ([], f"load {csv}", "load"),
        "km": ([f"load {csv}"], "km Surv(time, status) ~ group", "km"),
        "logrank pairwise": ([f"load {csv}"], "logrank Surv(time, status) ~ stratum pairwise", "logrank"),
        "cox (10 covariates, concordance)": ([f"load {csv}"], f"cox Surv(time, status) ~ {covs}", "cox"),
        "cox strata": ([f"load {csv}"], f"cox Surv(time, status) ~ {covs} + strata(stratum)", "cox"),
        "cox phtest": ([f"load {csv}", f"cox Surv(time, status) ~ {covs}"], "cox phtest", "cox"),
        "plot km (PNG)": ([f"load {csv}"], f"plot km Surv(time, status) ~ group ci risktable file={out}", "plot"),
        # an expression over every row (generate's evaluator; replace can run again and again)
        "replace (expression)": ([f"load {csv}"], "replace x10 = log(abs(x1) + 1) * x2 + exp(x3 / 10) - sqrt(abs(x4))",
                                 "replace"),
        # polled since issue 14's last round
        "survreg (weibull, 3 covariates)": ([f"load {csv}"], "survreg Surv(time, status) ~ x1 + x2 + x3", "survreg"),
        "crr (2 covariates)": ([f"load {csv}", "generate cause = status * (1 + (x1 > 0))"],
                               "crr Surv(time, cause) ~ x2 + x3 cause=1", "crr"),
        "cuminc (Gray's test)": ([f"load {csv}", "generate cause = status * (1 + (x1 > 0))"],
                                 "cuminc Surv(time, cause) ~ group", "cuminc"),
        "ttest (two columns)": ([f"load {csv}"], "ttest x1 x3", "ttest"),
        "summarize (15 columns)": ([f"load {csv}"], "summarize", "summarize"),
        "tabulate (cross-table)": ([f"load {csv}"], "tabulate group stratum", "tabulate"),
        "table1": ([f"load {csv}"], "table1 ~ group x1 x2 x3 stratum status", "table1"),
        "head 2000000 (formatting)": ([f"load {csv}"], "head 2000000", "head"),
        "split at=100,365,730": ([f"load {csv}"], "split Surv(time, status) at=100,365,730", "split", True),
        "landmark 100": ([f"load {csv}", "survival time status"], "landmark 100", "landmark", True),
    }
    wanted = opts.get("ops")
    if wanted:
        ops = {k: v for k, v in ops.items() if k.split()[0] in wanted.split(",") or k in wanted.split(",")}
    env = dict(os.environ, TERM="xterm", LANG="C.UTF-8")
    # no transcript: hashing a 1 GB data file after each load would only slow the set-up down
    env.setdefault("SURVSH_TRANSCRIPT_DIR", "/proc/survsh-interrupt-bench-no-transcript")
    env.setdefault("SURVSH_HISTORY", "/tmp/survsh-interrupt-bench-history")
    print(f"{'operation':34} {'runs for':>9}  latency from ^C to the error (to the prompt) at {fractions} of the run")
    header = opts.get("header")
    if header:
        ops["load (a header of 10^6 columns)"] = ([], f"load {header}", "load")
    for name, (setup, command, err, *mutates) in ops.items():
        sh = Shell(binary, env)
        for s in setup:
            sh.run(s)
        full = sh.run(command)
        if mutates:
            # the timing run changed the data: the interrupted runs start from a fresh set-up
            sh.close()
            sh = Shell(binary, env)
            for s in setup:
                sh.run(s)
        lat = []
        for f in fractions:
            r = sh.interrupt(command, f * full, err)
            lat.append(r)
        sh.close()
        shown = ", ".join("ended first" if r is None else f"{r[0]:.3f} ({r[1]:.3f})" for r in lat)
        worst = max((r[1] for r in lat if r is not None), default=float("nan"))
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{name:34} {full:8.2f}s  {shown}; max {worst:.3f} s  (load average {load})", flush=True)
    try:
        os.remove(out)
    except OSError:
        pass


if __name__ == "__main__":
    main()
