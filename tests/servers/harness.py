#!/usr/bin/env python3
"""Start and stop the loopback test servers, by process id, with bounded waits.

Python:
    from harness import start
    with start("a2a", token_ttl=5) as srv:          # options become --token-ttl 5
        requests.get(srv.url + "/iso/pam/credential/5", ...)

CLI (for the C++, Java and Go suites and the demo):
    python3 harness.py up --state FILE [--pki DIR] NAME|ALIAS=NAME ... [--opt ALIAS.key=value ...]
    python3 harness.py down --state FILE

`up` starts each server detached (its own session), waits for all to be ready, and writes FILE:
{"servers": {alias: ready-file info + "kind", "log", "workdir"}, "pki": manifest or null}. With --pki, a test PKI
is made in DIR (pki.py) first and "{pki}" in option values is replaced by DIR. `down` stops them by pid
(SIGTERM, then SIGKILL after a bound) and removes FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVERS = {
    "oidc": ["node", "oidc/server.mjs"],
    "authlib": [sys.executable, "authlib_server.py"],
    "fault": [sys.executable, "fault_server.py"],
    "a2a": [sys.executable, "a2a_emulator.py"],
    "api": [sys.executable, "api_server.py"],
    "soak": [sys.executable, "soak_server.py"],
    "dpop": [sys.executable, "dpop_resource.py"],
    "exchange": [sys.executable, "exchange_server.py"],
}
READY_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 5.0
POLL_S = 0.05


class ServerStartError(RuntimeError):
    pass


def option_argv(options: dict) -> list[str]:
    """{"token_ttl": 5, "client_ca": "x", "flag": True, "fp": [a, b]} -> --token-ttl 5 --client-ca x --flag --fp a --fp b"""
    argv = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if v is True:
                argv.append(flag)
            elif v is not None and v is not False:
                argv += [flag, str(v)]
    return argv


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


def _is_ours(pid: int, script: str) -> bool:
    """Guard against pid reuse: the process must still be running our script."""
    try:
        return script.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def stop_pid(pid: int, script: str, timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM, wait up to timeout, then SIGKILL; only if pid still runs script."""
    if not _is_ours(pid, script):
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 2.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                return
            time.sleep(POLL_S)


class Server:
    """A running server: .url, .pid, .info (the ready file), .stop(); a context manager."""

    def __init__(self, kind: str, info: dict, workdir: Path, process: subprocess.Popen | None = None):
        self.kind, self.info, self.workdir, self.process = kind, info, workdir, process

    @property
    def url(self) -> str:
        return self.info["url"]

    @property
    def pid(self) -> int:
        return self.info["pid"]

    def __getitem__(self, key):
        return self.info[key]

    def log(self) -> str:
        try:
            return (self.workdir / "server.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(2.0)
            self.process = None
        else:
            stop_pid(self.pid, SERVERS[self.kind][1], timeout)
        if not os.environ.get("M2MAUTH_KEEP_SERVER_LOGS"):
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return f"<Server {self.kind} pid={self.pid} {self.url}>"


def start(kind: str, *, ready_timeout: float = READY_TIMEOUT_S, detach: bool = False, **options) -> Server:
    """Spawn a server on --port 0 (unless port= is given) and wait for its ready file."""
    if kind not in SERVERS:
        raise ValueError(f"unknown server {kind!r}; known: {', '.join(SERVERS)}")
    if shutil.which(SERVERS[kind][0]) is None:
        raise ServerStartError(f"{SERVERS[kind][0]} is not on PATH")
    if kind == "oidc" and not (HERE / "node_modules" / "oidc-provider").is_dir():
        raise ServerStartError(f"oidc-provider is not installed: run `npm ci` in {HERE}")
    workdir = Path(tempfile.mkdtemp(prefix=f"m2mauth-{kind}-"))
    ready = workdir / "ready.json"
    argv = [*SERVERS[kind], "--port", str(options.pop("port", 0)), "--ready-file", str(ready), *option_argv(options)]
    with open(workdir / "server.log", "wb") as log:
        proc = subprocess.Popen(argv, cwd=HERE, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=detach, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    server = Server(kind, {}, workdir, proc)
    deadline = time.monotonic() + ready_timeout
    while not ready.exists():
        problem = None
        if proc.poll() is not None:
            problem = f"{kind} exited with status {proc.returncode} before it was ready"
        elif time.monotonic() > deadline:
            problem = f"{kind} was not ready within {ready_timeout:.0f} s"
        if problem:
            log_text = server.log()
            server.stop()
            raise ServerStartError(f"{problem}\ncommand: {' '.join(argv)}\n--- server output ---\n{log_text[-4000:]}")
        time.sleep(POLL_S)
    server.info = {**json.loads(ready.read_text()), "kind": kind, "log": str(workdir / "server.log"),
                   "workdir": str(workdir)}
    if detach:
        server.process = None  # from now on it is stopped by pid
    return server


# ---- CLI ----------------------------------------------------------------------------------------------------------
def _parse_opts(pairs: list[str], pki_dir: str | None) -> dict[str, dict]:
    opts: dict[str, dict] = {}
    for pair in pairs:
        target, sep, value = pair.partition("=")
        alias, dot, key = target.partition(".")
        if not sep or not dot:
            raise SystemExit(f"--opt wants ALIAS.key=value, got {pair!r}")
        if pki_dir:
            value = value.replace("{pki}", pki_dir)
        value = True if value == "true" else value
        table = opts.setdefault(alias, {})
        if key in table:  # repeated option -> list
            table[key] = [*table[key], value] if isinstance(table[key], list) else [table[key], value]
        else:
            table[key] = value
    return opts


def cmd_up(args) -> int:
    pki = None
    if args.pki:
        sys.path.insert(0, str(HERE))
        from pki import make_pki

        pki = make_pki(args.pki)
    opts = _parse_opts(args.opt, pki["dir"] if pki else None)
    started: dict[str, Server] = {}
    try:
        for spec in args.names:
            alias, _, kind = spec.partition("=") if "=" in spec else (spec, "", spec)
            started[alias] = start(kind, detach=True, **opts.get(alias, {}))
    except (ServerStartError, ValueError) as e:
        for server in started.values():
            server.stop()
        print(e, file=sys.stderr)
        return 1
    state = {"servers": {alias: s.info for alias, s in started.items()}, "pki": pki}
    tmp = Path(args.state + ".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.replace(args.state)
    for alias, s in started.items():
        print(f"{alias}: {s.url} pid {s.pid}")
    return 0


def cmd_down(args) -> int:
    try:
        state = json.loads(Path(args.state).read_text())
    except FileNotFoundError:
        print(f"no state file {args.state}", file=sys.stderr)
        return 0
    for info in state["servers"].values():
        Server(info["kind"], info, Path(info["workdir"])).stop()
    Path(args.state).unlink(missing_ok=True)
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Start/stop the m2mauth loopback test servers.")
    sub = p.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("up", help="start servers detached and write their ready info to --state")
    up.add_argument("--state", required=True)
    up.add_argument("--pki", help="make a test PKI in this folder first; {pki} in option values is replaced by it")
    up.add_argument("--opt", action="append", default=[], help="ALIAS.key=value (repeatable)")
    up.add_argument("names", nargs="+", help=f"NAME or ALIAS=NAME; names: {', '.join(SERVERS)}")
    down = sub.add_parser("down", help="stop the servers listed in --state")
    down.add_argument("--state", required=True)
    args = p.parse_args(argv)
    return cmd_up(args) if args.cmd == "up" else cmd_down(args)


if __name__ == "__main__":
    sys.exit(main())
