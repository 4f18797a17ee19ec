"""`regimes serve --workers N`: a small supervisor and N uvicorn worker processes, each with its own socket.

Why not uvicorn's own `--workers`: its supervisor binds one socket created with protocol 0, so asyncio never
sets TCP_NODELAY on the connections it accepts (≈40 ms delayed-ACK stalls on every keep-alive answer), all
workers share one accept queue (keep-alive connections pile onto whichever worker accepts first), and a
reload reached only the worker that answered it.

Here every worker binds its own socket with SO_REUSEPORT (the kernel spreads new connections over the
workers by address hash) and TCP_NODELAY, and starts listening only once its app has loaded. The supervisor:

- holds a bound, never listening, SO_REUSEPORT socket on the port while it runs: the port stays taken while a
  worker restarts, and a port another program holds fails at start with one message;
- restarts a worker that dies (after 0.5 s; backing off up to 10 s; it gives up, stopping everything, when
  workers die before ever loading five times in a row — a bad setting, not bad luck);
- stops every worker on SIGTERM / SIGINT (SIGKILL after 30 s);
- SIGHUP (an operator): forwarded to every worker, each re-reads policies/;
- SIGUSR1 / SIGUSR2 from a worker: that worker has just reloaded for `POST /v1/admin/reload` (SIGUSR2: with
  confirm_removal); forwarded as SIGHUP / SIGUSR2 to every other worker. The sender is known from the
  signal itself (sigtimedwait's si_pid), so no worker is ever signalled by a pid read from a file.

Workers find each other's state in the supervisor's run directory (REGIMES_WORKERS_DIR, removed at exit):
`workers.json` (the live worker pids) and `worker-<pid>.json` (each worker's policy revision and reload count,
rewritten after every load). The worker that received the HTTP reload waits (bounded, off the event loop)
until every live worker reports its revision.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("regimes.workers")

RUN_DIR_ENV = "REGIMES_WORKERS_DIR"
SUPERVISOR_ENV = "REGIMES_WORKERS_SUPERVISOR"
FANOUT_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
GIVE_UP_AFTER = 5  # workers that died before loading, in a row
SIGNALS = {signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGINT, signal.SIGCHLD}


# ---------------------------------------------------------------- the policy revision

def revision(hashes: dict[str, str]) -> str:
    """A short digest of the policy set served: equal on two workers (or hosts) exactly when they serve the
    same regimes with the same content hashes."""
    lines = "".join(f"{rid}={digest}\n" for rid, digest in sorted(hashes.items()))
    return hashlib.sha256(lines.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- sockets

def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port with SO_REUSEPORT and TCP_NODELAY, not yet listening.

    Created with IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on an accepted connection only when the
    socket's protocol says TCP (uvicorn's pre-bound socket says 0). TCP_NODELAY on the listening socket is
    also inherited by every accepted connection on Linux."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


# ---------------------------------------------------------------- inside a worker

def run_dir() -> Path | None:
    """The supervisor's run directory when this process is one of its workers, else None."""
    text = os.environ.get(RUN_DIR_ENV)
    return Path(text) if text and os.environ.get(SUPERVISOR_ENV) else None


_reloads = 0  # loads announced by this worker since it started (the first load counts as 0)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)  # readers see the old file or the new one, never half of one


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def announce(hashes: dict[str, str], reloaded: bool = False, errors: list[str] | None = None) -> None:
    """Record this worker's revision in the run directory (no-op outside the supervisor)."""
    global _reloads
    where = run_dir()
    if where is None:
        return
    if reloaded:
        _reloads += 1
    try:
        _write_json(where / f"worker-{os.getpid()}.json", {
            "pid": os.getpid(), "revision": revision(hashes), "reloads": _reloads, "ok": not errors,
            "errors": (errors or [])[:5], "at": time.time()})
    except OSError as exc:  # the supervisor is gone or its directory with it: nothing to tell
        log.warning("无法记录本工作进程的规则修订（%s）", exc.__class__.__name__)


def depart() -> None:
    where = run_dir()
    if where is not None:
        (where / f"worker-{os.getpid()}.json").unlink(missing_ok=True)


def _peers(where: Path) -> list[int]:
    listed = _read_json(where / "workers.json") or {}
    return [int(p) for p in listed.get("workers", []) if int(p) != os.getpid()]


def fan_out(hashes: dict[str, str], confirm_removal: bool, timeout: float = FANOUT_TIMEOUT_S) -> dict[str, Any]:
    """After this worker reloaded for POST /v1/admin/reload: have the supervisor reload every other worker,
    and wait until each reports this worker's revision (or reloaded to another one, or `timeout` passed).

    Returns {revision, in_sync, workers: [{pid, revision, ok, errors?}]}; outside the supervisor only this
    worker is listed. Blocking: call it off the event loop."""
    mine = revision(hashes)
    me = {"pid": os.getpid(), "revision": mine, "ok": True}
    where = run_dir()
    supervisor = int(os.environ.get(SUPERVISOR_ENV) or 0)
    if where is None or os.getppid() != supervisor:  # not supervised, or the supervisor is gone
        return {"revision": mine, "in_sync": True, "workers": [me]}
    before = {pid: (_read_json(where / f"worker-{pid}.json") or {}).get("reloads", -1) for pid in _peers(where)}
    os.kill(supervisor, signal.SIGUSR2 if confirm_removal else signal.SIGUSR1)
    deadline = time.monotonic() + timeout
    while True:
        states: dict[int, dict[str, Any] | None] = {pid: _read_json(where / f"worker-{pid}.json")
                                                      for pid in _peers(where)}
        settled = all(s is not None and (s.get("revision") == mine or s.get("reloads", -1) > before.get(pid, 10**9))
                      for pid, s in states.items())
        if settled or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    out = [me]
    for pid, s in sorted(states.items()):
        entry: dict[str, Any] = {"pid": pid, "revision": (s or {}).get("revision"), "ok": bool(s and s.get("ok"))}
        if s and s.get("errors"):
            entry["errors"] = s["errors"]
        out.append(entry)
    return {"revision": mine, "in_sync": all(w["revision"] == mine for w in out), "workers": out}


def _die_with_parent() -> None:
    """Linux: SIGTERM this worker when the supervisor dies, even by SIGKILL (no orphans holding the port)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_main(args: argparse.Namespace) -> int:
    import uvicorn

    # the supervisor blocks its signals to wait for them; a child inherits that mask across exec. Until the
    # app installs its handlers a reload signal is ignored: a worker still starting reads the files anyway.
    for sig in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    _die_with_parent()
    if os.getppid() != int(os.environ.get(SUPERVISOR_ENV) or 0):
        return 1  # the supervisor died before this worker got going
    sock = bind_socket(args.host, args.port)
    config = uvicorn.Config("service.app:app", host=args.host, port=args.port, log_level=args.log_level,
                            access_log=args.access_log)
    uvicorn.Server(config).run(sockets=[sock])  # asyncio listens on it only after the app's startup
    return 0


# ---------------------------------------------------------------- the supervisor

@dataclass
class _Worker:
    slot: int
    proc: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)


class Supervisor:
    def __init__(self, host: str, port: int, count: int, log_level: str = "info", access_log: bool = True):
        self.host, self.port, self.count = host, port, count
        self.log_level, self.access_log = log_level, access_log
        self.workers: dict[int, _Worker] = {}  # slot → worker
        self.restart_at: dict[int, float] = {}  # slot → when to start it again
        self.delay: dict[int, float] = {}
        self.failed_starts = 0
        self.dir = Path()

    def _command(self) -> list[str]:
        cmd = [sys.executable, "-m", "service.workers", "worker", "--host", self.host, "--port", str(self.port),
               "--log-level", self.log_level]
        return cmd + ([] if self.access_log else ["--no-access-log"])

    def _start(self, slot: int) -> None:
        env = {**os.environ, RUN_DIR_ENV: str(self.dir), SUPERVISOR_ENV: str(os.getpid())}
        proc = subprocess.Popen(self._command(), env=env)
        self.workers[slot] = _Worker(slot, proc)
        self._list()
        log.info("工作进程 %d 已启动（pid %d）", slot, proc.pid)

    def _list(self) -> None:
        _write_json(self.dir / "workers.json", {"supervisor": os.getpid(),
                                                "workers": sorted(w.proc.pid for w in self.workers.values())})

    def _reap(self) -> None:
        now = time.monotonic()
        for slot, w in list(self.workers.items()):
            code = w.proc.poll()
            if code is None:
                continue
            state = self.dir / f"worker-{w.proc.pid}.json"
            loaded = state.exists()
            state.unlink(missing_ok=True)
            del self.workers[slot]
            self._list()
            self.failed_starts = 0 if loaded else self.failed_starts + 1
            quick = now - w.started < 10
            self.delay[slot] = min(10.0, self.delay.get(slot, 0.25) * 2) if quick else 0.5
            self.restart_at[slot] = now + self.delay[slot]
            log.warning("工作进程 %d（pid %d）已退出（%s），%.1f 秒后重启", slot, w.proc.pid,
                        f"退出码 {code}" if code >= 0 else f"信号 {-code}", self.delay[slot])
        for slot, when in list(self.restart_at.items()):
            if when <= now and self.failed_starts < GIVE_UP_AFTER:
                del self.restart_at[slot]
                self._start(slot)

    def _forward(self, sig: int, exclude: int | None) -> None:
        for w in self.workers.values():
            if w.proc.pid != exclude and w.proc.poll() is None:
                w.proc.send_signal(sig)

    def _stop_all(self) -> None:
        for w in self.workers.values():
            if w.proc.poll() is None:
                w.proc.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for w in self.workers.values():
            try:
                w.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait()

    def run(self) -> int:
        try:
            reserve = bind_socket(self.host, self.port)  # never listens: only keeps the port ours
        except OSError as exc:
            log.error("无法绑定 %s:%d（%s）", self.host, self.port, exc.strerror or exc)
            return 1
        self.port = reserve.getsockname()[1]
        self.dir = Path(tempfile.mkdtemp(prefix="regimes-workers-"))
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        code = 0
        try:
            log.info("在 http://%s:%d 启动 %d 个工作进程（各自 SO_REUSEPORT 套接字）", self.host, self.port, self.count)
            for slot in range(self.count):
                self._start(slot)
            while True:
                info = signal.sigtimedwait(SIGNALS, 0.5)
                sig = info.si_signo if info is not None else None
                if sig in (signal.SIGTERM, signal.SIGINT):
                    log.info("收到停止信号，停止全部工作进程")
                    break
                if sig == signal.SIGHUP:
                    log.info("收到 SIGHUP：所有工作进程重新加载规则")
                    self._forward(signal.SIGHUP, None)
                elif sig in (signal.SIGUSR1, signal.SIGUSR2) and info is not None:
                    if any(w.proc.pid == info.si_pid for w in self.workers.values()):
                        log.info("工作进程 pid %d 已重新加载规则：通知其余工作进程", info.si_pid)
                        self._forward(signal.SIGHUP if sig == signal.SIGUSR1 else signal.SIGUSR2, info.si_pid)
                self._reap()
                if self.failed_starts >= GIVE_UP_AFTER and not self.workers:
                    log.error("工作进程连续 %d 次在加载前退出，停止服务（请检查设置与日志）", self.failed_starts)
                    code = 1
                    break
        finally:
            self._stop_all()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
            shutil.rmtree(self.dir, ignore_errors=True)
            reserve.close()
        return code


def serve(host: str, port: int, workers: int, log_level: str = "info", access_log: bool = True) -> int:
    """`regimes serve --workers N` (N > 1): run the supervisor in this process until SIGTERM / SIGINT."""
    from engine.settings import configure_logging

    configure_logging()
    return Supervisor(host, port, workers, log_level, access_log).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.workers")
    parser.add_argument("role", choices=["worker"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false")
    return worker_main(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
