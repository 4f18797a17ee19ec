"""HTTP figures: the real server (uvicorn) on loopback, a closed-loop load generator, always stopped.

The load generator is `wrk` when it is installed (Debian: `apt-get install wrk`) and a small
asyncio one otherwise: N keep-alive HTTP/1.1 connections, each sending its next request as soon
as the previous answer is read, for a fixed time. Both run on the same machine as the server.

Honesty rules (BENCHMARKS.md): every response is counted, warm-up included; any status outside
2xx, any socket error or timeout is an error, and the caller fails the whole run on one. wrk reads
the request body from a file (no escaping through Lua source), counts non-2xx answers itself in a
`response()` hook, and reports socket errors. Before any load, one request of the same kind is sent
and its answer checked (`probe`). Server CPU time is read from /proc for the server's whole process
group (with `--workers N` that is the supervisor and every worker).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.workload import ROOT, percentile

START_TIMEOUT = 60.0


class BenchFailure(RuntimeError):
    """A run that must not produce figures: a non-2xx answer, a socket error, a wrong verdict."""


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
    command: list[str]
    workers: int


def server_command(port: int, workers: int, launcher: str) -> list[str]:
    """`uvicorn service.app:app` (no access log: its cost is not the service's), or the product's
    `regimes serve`. Several workers are always the product's (`regimes serve --workers N`: its own
    supervisor, a SO_REUSEPORT socket per worker); `uvicorn --workers N` is only measured on request
    (launcher `uvicorn-workers`), to compare."""
    if launcher == "regimes" or (workers > 1 and launcher != "uvicorn-workers"):
        exe = Path(sys.executable).with_name("regimes")
        return [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                "--log-level", "warning", "--no-access-log"]
    cmd = [sys.executable, "-m", "uvicorn", "service.app:app", "--host", "127.0.0.1", "--port", str(port),
           "--log-level", "warning", "--no-access-log"]
    return cmd + (["--workers", str(workers)] if workers > 1 else [])


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A private, empty schema on the PostgreSQL server of `url` for one run (dropped after): the URL to use."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from engine.audit.store import database_url

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (make_url(database_url(url)).update_query_dict({"options": f"-csearch_path={schema}"})
               .render_as_string(hide_password=False))
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def server(workers: int = 1, launcher: str = "uvicorn", database_url: str | None = None) -> Iterator[Server]:
    """The service on a free 127.0.0.1 port with a fresh decision log (SQLite, or the PostgreSQL `database_url`
    names — give it a fresh schema, see `postgres_schema`); killed (its process group) on exit."""
    with tempfile.TemporaryDirectory(prefix="regimes-bench-http-") as tmp:
        db = Path(tmp) / "decisions.db"
        log_path = Path(tmp) / "server.log"
        port = free_port()
        # the per-client rate limit (600 decisions a minute) would answer the load generator 429: off here
        env = {**os.environ, "REGIMES_DATABASE_URL": database_url or f"sqlite:///{db}", "REGIMES_RATE_LIMIT": "0"}
        cmd = server_command(port, workers, launcher)
        with log_path.open("wb") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            try:
                base = f"http://127.0.0.1:{port}"
                _wait_up(base, proc, log_path)
                yield Server(base, "127.0.0.1", port, proc, db, log_path, cmd, workers)
            finally:
                _stop(proc)


def _group_pids(pgid: int) -> list[int]:
    out = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:  # field 5 of stat: process group
                out.append(int(entry.name))
    return out


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the process group led by `pid` (the server and its workers).

    Children that already exited are in their parent's cutime/cstime, which is added too."""
    total = 0
    for p in _group_pids(pid) or [pid]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / os.sysconf("SC_CLK_TCK")


def _wait_up(base: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(base_url=base, timeout=5) as client:
        while True:
            if proc.poll() is not None:
                raise BenchFailure(f"server exited: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise BenchFailure("server did not answer /healthz in time")
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


def probe(srv: Server, method: str, path: str, body: bytes | None) -> dict[str, Any]:
    """One request before the load: it must be a 2xx with a JSON body (returned for the caller's checks)."""
    headers = {"content-type": "application/json"} if body is not None else {}
    response = httpx.request(method, srv.base_url + path, content=body, headers=headers, timeout=30)
    if not 200 <= response.status_code < 300:
        raise BenchFailure(f"{method} {path} answered {response.status_code}: {response.text[:500]}")
    return response.json()  # type: ignore[no-any-return]


# ---------------------------------------------------------------- results

@dataclass
class LoadResult:
    requests: int  # answered during the measured time (2xx or not)
    errors: int  # non-2xx answers and socket errors, warm-up included
    seconds: float
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    tool: str = "python"
    known: dict[float, float] = field(default_factory=dict)  # percentiles reported by wrk (it gives no samples)
    server_cpu_s: float = 0.0
    warmup_s: float = 0.0
    warmup_requests: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # every answer by status (and socket errors), warm-up included

    @property
    def server_cpu_ms_per_request(self) -> float:
        """Server CPU per request: the CPU over warm-up and measured time, over every request answered in both."""
        total = self.requests + self.warmup_requests
        return self.server_cpu_s * 1000 / total if total else float("nan")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        if q in self.known:
            return self.known[q]
        return percentile(self.latencies_ms, q) if self.latencies_ms else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "requests": self.requests, "warmup_requests": self.warmup_requests,
                "errors": self.errors, "statuses": self.statuses, "seconds": round(self.seconds, 3),
                "rps": round(self.rps, 1), "p50_ms": round(self.p(50), 3), "p99_ms": round(self.p(99), 3),
                "server_cpu_s": round(self.server_cpu_s, 2),
                "server_cpu_ms_per_request": round(self.server_cpu_ms_per_request, 3)}


# ---------------------------------------------------------------- the asyncio load generator

def _request(method: str, host: str, port: int, path: str, body: bytes | None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + (body or b"")


_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


async def _connection(host: str, port: int, request: bytes, stop_at: float, record_from: float,
                      out: list[float], statuses: Counter[str], warm: list[int]) -> int:
    done = 0
    clock = time.perf_counter
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        statuses[f"connect error: {exc.__class__.__name__}"] += 1
        return 0
    try:
        while True:
            t = clock()
            if t >= stop_at:
                return done
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            match = _LENGTH.search(head)
            if match is None:
                raise ConnectionError("response without Content-Length")
            await reader.readexactly(int(match.group(1)))
            end = clock()
            statuses[head[9:12].decode("ascii", "replace")] += 1
            if t >= record_from:
                out.append((end - t) * 1000)
                done += 1
            else:
                warm[0] += 1
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError) as exc:
        statuses[f"socket error: {exc.__class__.__name__}"] += 1
        return done
    finally:
        writer.close()


async def _load(host: str, port: int, request: bytes, connections: int, seconds: float, warmup: float) -> LoadResult:
    start = time.perf_counter()
    record_from = start + warmup
    stop_at = record_from + seconds
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    warm = [0]
    counts = await asyncio.gather(*(_connection(host, port, request, stop_at, record_from, latencies, statuses, warm)
                                     for _ in range(connections)))
    elapsed = max(time.perf_counter(), stop_at) - record_from
    errors = sum(n for status, n in statuses.items() if not status.startswith("2"))
    return LoadResult(sum(counts), errors, elapsed, latencies, warmup_requests=warm[0], statuses=dict(statuses))


def python_load(host: str, port: int, method: str, path: str, body: bytes | None, connections: int,
                seconds: float, warmup: float = 1.0) -> LoadResult:
    request = _request(method, host, port, path, body)
    return asyncio.run(_load(host, port, request, connections, seconds, warmup))


# ---------------------------------------------------------------- wrk, when installed

# The body is read from the file named by REGIMES_BENCH_BODY: the request is sent byte for byte as the
# Python generator sends it, whatever it contains. Each thread counts answers outside 2xx in `response`.
WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
  statuses = {}
end
local path = os.getenv("REGIMES_BENCH_BODY")
if path ~= nil and path ~= "" then
  local f = assert(io.open(path, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end
wrk.method = os.getenv("REGIMES_BENCH_METHOD")
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format("REGIMES non2xx=%d connect=%d read=%d write=%d timeout=%d requests=%d\\n",
    bad, e.connect, e.read, e.write, e.timeout, summary.requests))
end
"""


def _wrk_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk(wrk: str, script: str, env: dict[str, str], url: str, connections: int, seconds: float) -> tuple[str, dict[str, int]]:
    cmd = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "--latency",
           "-s", script, url]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, timeout=seconds + 60).stdout
    match = re.search(r"^REGIMES (.*)$", out, re.M)
    if match is None:
        raise BenchFailure(f"wrk did not report its counts (script not run?):\n{out[-1500:]}")
    counts = {k: int(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
    return out, counts


def wrk_load(base_url: str, method: str, path: str, body: bytes | None, connections: int,
             seconds: float, warmup: float = 1.0) -> LoadResult:
    wrk = shutil.which("wrk")
    assert wrk is not None
    with tempfile.TemporaryDirectory(prefix="regimes-bench-wrk-") as tmp:
        script = Path(tmp) / "request.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        env = {**os.environ, "REGIMES_BENCH_METHOD": method, "REGIMES_BENCH_BODY": ""}
        if body is not None:
            (Path(tmp) / "body.json").write_bytes(body)
            env["REGIMES_BENCH_BODY"] = str(Path(tmp) / "body.json")
        statuses: Counter[str] = Counter()
        warm_requests = 0
        if warmup > 0:
            _, warm = _wrk(wrk, str(script), env, base_url + path, connections, warmup)
            warm_requests = warm["requests"]
            _count(statuses, warm)
        out, counts = _wrk(wrk, str(script), env, base_url + path, connections, seconds)
        _count(statuses, counts)
    requests = counts["requests"]
    elapsed = float(re.search(r"requests in ([\d.]+)(\w+)", out).group(1))  # type: ignore[union-attr]
    unit = re.search(r"requests in [\d.]+(\w+)", out).group(1)  # type: ignore[union-attr]
    elapsed *= {"s": 1.0, "ms": 0.001, "m": 60.0}.get(unit, 1.0)
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = sum(n for status, n in statuses.items() if status != "2xx")
    return LoadResult(requests, errors, elapsed, [], tool="wrk", known={50: _wrk_ms(lat["50"]), 99: _wrk_ms(lat["99"])},
                      warmup_requests=warm_requests, statuses=dict(statuses))


def _count(statuses: Counter[str], counts: dict[str, int]) -> None:
    bad = counts["non2xx"]
    statuses["2xx"] += counts["requests"] - bad
    if bad:
        statuses["non-2xx"] += bad
    for kind in ("connect", "read", "write", "timeout"):
        if counts[kind]:
            statuses[f"socket {kind} error"] += counts[kind]


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
