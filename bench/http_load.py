"""HTTP figures: the real server (uvicorn) on loopback, a closed-loop load generator, always stopped.

The load generator is `wrk` when it is installed (Debian: `apt-get install wrk`) and a small
asyncio one otherwise: N keep-alive HTTP/1.1 connections, each sending its next request as soon
as the previous answer is read, for a fixed time. Both run on the same machine as the server.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.workload import ROOT, percentile

START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base_url: str
    host: str
    port: int
    proc: subprocess.Popen[bytes]
    database: Path
    log: Path


@contextmanager
def server(workers: int = 1) -> Iterator[Server]:
    """`uvicorn service.app:app` on a free 127.0.0.1 port with a fresh SQLite decision log; killed on exit."""
    with tempfile.TemporaryDirectory(prefix="regimes-bench-http-") as tmp:
        db = Path(tmp) / "decisions.db"
        log_path = Path(tmp) / "server.log"
        port = free_port()
        env = {**os.environ, "REGIMES_DATABASE_URL": f"sqlite:///{db}"}
        cmd = [sys.executable, "-m", "uvicorn", "service.app:app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
        if workers > 1:
            cmd += ["--workers", str(workers)]
        with log_path.open("wb") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            try:
                base = f"http://127.0.0.1:{port}"
                _wait_up(base, proc, log_path)
                yield Server(base, "127.0.0.1", port, proc, db, log_path)
            finally:
                _stop(proc)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_up(base: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(base_url=base, timeout=5) as client:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer /healthz in time")
            time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server (and its worker processes: it leads its own session) by its process group id."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


# ---------------------------------------------------------------- the asyncio load generator

@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    tool: str = "python"
    known: dict[float, float] = field(default_factory=dict)  # percentiles reported by wrk (it gives no samples)
    server_cpu_s: float = 0.0
    warmup_s: float = 0.0

    @property
    def server_cpu_ms_per_request(self) -> float:
        """Server CPU per request, the warm-up's share estimated at the measured rate."""
        total = self.requests * (1 + self.warmup_s / self.seconds) if self.seconds else 0
        return self.server_cpu_s * 1000 / total if total else float("nan")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        if q in self.known:
            return self.known[q]
        return percentile(self.latencies_ms, q) if self.latencies_ms else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 3),
                "rps": round(self.rps, 1), "p50_ms": round(self.p(50), 3), "p99_ms": round(self.p(99), 3),
                "server_cpu_s": round(self.server_cpu_s, 2),
                "server_cpu_ms_per_request": round(self.server_cpu_ms_per_request, 3)}


def _request(method: str, host: str, port: int, path: str, body: bytes | None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + (body or b"")


async def _connection(host: str, port: int, request: bytes, stop_at: float, record_from: float,
                      out: list[float], bad: list[int]) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    clock = time.perf_counter
    try:
        while True:
            t = clock()
            if t >= stop_at:
                return done
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            match = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            if match is None:
                raise RuntimeError("response without Content-Length")
            await reader.readexactly(int(match.group(1)))
            end = clock()
            if t >= record_from:
                if not head.startswith(b"HTTP/1.1 200"):
                    bad.append(int(head[9:12]))
                out.append((end - t) * 1000)
                done += 1
    finally:
        writer.close()


async def _load(host: str, port: int, request: bytes, connections: int, seconds: float, warmup: float) -> LoadResult:
    start = time.perf_counter()
    record_from = start + warmup
    stop_at = record_from + seconds
    latencies: list[float] = []
    bad: list[int] = []
    counts = await asyncio.gather(*(_connection(host, port, request, stop_at, record_from, latencies, bad)
                                     for _ in range(connections)))
    elapsed = max(time.perf_counter(), stop_at) - record_from
    return LoadResult(sum(counts), len(bad), elapsed, latencies)


def python_load(host: str, port: int, method: str, path: str, body: bytes | None, connections: int,
                seconds: float, warmup: float = 1.0) -> LoadResult:
    request = _request(method, host, port, path, body)
    return asyncio.run(_load(host, port, request, connections, seconds, warmup))


# ---------------------------------------------------------------- wrk, when installed

WRK_SCRIPT = """
wrk.method = "{method}"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
"""


def _wrk_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk_load(base_url: str, method: str, path: str, body: bytes | None, connections: int,
             seconds: float, warmup: float = 1.0) -> LoadResult:
    wrk = shutil.which("wrk")
    assert wrk is not None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as script:
        script.write(WRK_SCRIPT.format(method=method, body=json.dumps(body.decode()) if body else "nil"))
    try:
        if warmup > 0:
            subprocess.run([wrk, "-t1", f"-c{connections}", f"-d{max(1, round(warmup))}s", "-s", script.name,
                            base_url + path], check=True, capture_output=True)
        out = subprocess.run([wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
                              "-s", script.name, base_url + path], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(script.name)
    requests = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    return LoadResult(requests, errors, requests / rps if rps else 0.0, [], tool="wrk",
                      known={50: _wrk_ms(lat["50"]), 99: _wrk_ms(lat["99"])})


def load(srv: Server, method: str, path: str, body: bytes | None, connections: int, seconds: float,
         tool: str = "auto", warmup: float = 1.0) -> LoadResult:
    """One closed-loop load run; `server_cpu_s` is the server's CPU time over the whole run, warm-up included."""
    before = cpu_seconds(srv.proc.pid)
    if tool == "wrk" or (tool == "auto" and shutil.which("wrk")):
        result = wrk_load(srv.base_url, method, path, body, connections, seconds, warmup)
    else:
        result = python_load(srv.host, srv.port, method, path, body, connections, seconds, warmup)
    result.server_cpu_s = cpu_seconds(srv.proc.pid) - before
    result.warmup_s = warmup
    return result
