"""Soak test: the real server on loopback, ≥100,000 concurrent evaluations, then errors, RSS and engine states.

    python -m bench.soak                      # 100,000 requests, 16 at a time (make soak)
    python -m bench.soak --requests 5000      # a quick run
    python -m bench.soak --workers 2 --pg-url "$(bash .ci/postgres.sh | tail -1)" --requests 20000
                                              # `regimes serve --workers 2` on PostgreSQL (a fresh schema)

Starts `uvicorn service.app:app` on a free 127.0.0.1 port with a private SQLite decision log
(REGIMES_DATABASE_URL in a temporary directory) and the repository's policies, warms it up,
reads the server's resident memory (VmRSS in /proc/<pid>/status), drives POST /v1/evaluate
with the compliant and flawed example facts of every regime from a pool of threads, checks
every answer against the plain-Python reference evaluator run in this process, reads RSS and
`live_engine_states` (GET /healthz) again at the end, and counts the decisions in the log.

Prints a table, writes bench/soak-results.json, and exits 1 if any request failed or gave a
wrong answer, if RSS grew by 10% or more, if an engine state is still live, or if the run
hit its time limit (--max-seconds, default 30 minutes). Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "soak-results.json"
HOST = "127.0.0.1"
AS_OF = "2026-06-15"
START_TIMEOUT = 60.0
MAX_RSS_GROWTH = 0.10


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident set size of a process in KiB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def tree(pid: int) -> list[int]:
    """`pid` and its children (with `--workers N`: the supervisor and its workers, as they are now)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [pid, *(int(c) for c in children)]


def tree_rss_kib(pid: int) -> int:
    """Resident memory of the server: the process and its children (the workers), summed."""
    total = 0
    for p in tree(pid):
        try:
            total += rss_kib(p)
        except (OSError, RuntimeError):
            continue  # a worker that just exited (it is restarted)
    return total


def listens(pid: int, port: int) -> bool:
    """Whether process `pid` holds the socket listening on 127.0.0.1:`port` (Linux /proc)."""
    wanted = f"0100007F:{port:04X}"
    inodes = set()
    try:
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1] == wanted and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
        if not inodes:
            return False
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return True
            except OSError:
                continue
    except OSError:
        return False
    return False


class Server:
    """`uvicorn service.app:app` on 127.0.0.1:<port> as a child process; always killed by `stop()` / the context."""

    def __init__(self, database_url: str, log_path: Path, port: int | None = None, policies: Path | None = None,
                 tokens: str | None = None, workers: int = 1):
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.database_url = database_url
        self.log_path = log_path
        self.policies = policies or ROOT / "policies"
        self.tokens = tokens
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = START_TIMEOUT) -> Server:
        env = {**os.environ, "REGIMES_POLICIES": str(self.policies), "REGIMES_DATABASE_URL": self.database_url}
        # the per-client rate limit (600 decisions a minute) is for the open service; a soak or crash run
        # drives thousands a minute from one address on purpose
        env.setdefault("REGIMES_RATE_LIMIT", "0")
        if self.tokens:
            env["REGIMES_TOKENS"] = self.tokens
        log = self.log_path.open("ab")
        try:
            if self.workers > 1:  # the product's supervisor: a SO_REUSEPORT socket per worker
                cmd = [str(Path(sys.executable).with_name("regimes")), "serve", "--workers", str(self.workers)]
            else:
                cmd = [sys.executable, "-m", "uvicorn", "service.app:app"]
            self.proc = subprocess.Popen(
                cmd + ["--host", HOST, "--port", str(self.port), "--no-access-log", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.url, timeout=5) as client:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
                try:
                    # another process may have taken the port between free_port() and uvicorn's bind: only our
                    # own listening socket counts
                    mine = [p for p in tree(self.proc.pid) if listens(p, self.port)]
                    if len(mine) >= min(self.workers, 2) and client.get("/healthz").status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"server did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")
                time.sleep(0.1)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill9(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing; what is on disk is what a crash leaves."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_bytes()[-n:].decode(errors="replace")
        except OSError:
            return ""

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


# ---------------------------------------------------------------- workload


@dataclass
class Case:
    name: str
    body: bytes
    verdict: str
    summary: dict[str, int]


def cases() -> list[Case]:
    """Every regime's example facts, with the answer the reference evaluator gives."""
    from engine.evaluate import evaluate
    from engine.facts import load_facts_file
    from engine.registry import Registry

    registry = Registry.load(ROOT / "policies", compile_engine=False)
    out = []
    for path in sorted((ROOT / "examples").glob("*/*.yaml")):
        regime_id = path.parent.name
        if regime_id not in registry.regimes:
            continue
        facts = load_facts_file(path)
        expected = evaluate(registry.get(regime_id), facts, dt.date.fromisoformat(AS_OF), engine="reference")
        body = json.dumps({"regime": regime_id, "as_of": AS_OF, "facts": facts}, ensure_ascii=False).encode("utf-8")
        out.append(Case(f"{regime_id}/{path.stem}", body, expected["verdict"], expected["summary"]))
    if not out:
        raise SystemExit("no example facts under examples/ for a loadable regime")
    return out


@dataclass
class Tally:
    ok: int = 0
    errors: int = 0
    wrong: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str, latency: float, detail: str = "") -> None:
        with self.lock:
            self.by_status[outcome] = self.by_status.get(outcome, 0) + 1
            self.latencies.append(latency)
            if outcome == "200":
                self.ok += 1
            elif outcome == "wrong":
                self.wrong += 1
            else:
                self.errors += 1
            if detail and len(self.samples) < 10:
                self.samples.append(detail[:300])


def drive(url: str, work: list[Case], total: int, concurrency: int, deadline: float, tally: Tally,
          on_ok: Callable[[dict[str, Any]], None] | None = None, stop: threading.Event | None = None) -> int:
    """POST `total` evaluations (cycling through `work`) from `concurrency` threads; returns how many were sent.

    Every correct 2xx answer is passed to `on_ok`; setting `stop` ends the run early."""
    counter = iter(range(total))
    counter_lock = threading.Lock()
    stop = stop or threading.Event()
    headers = {"content-type": "application/json"}

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=60, headers=headers) as client:
            while not stop.is_set():
                if time.monotonic() > deadline:
                    stop.set()
                    return
                with counter_lock:
                    i = next(counter, None)
                if i is None:
                    return
                case = work[i % len(work)]
                started = time.perf_counter()
                try:
                    response = client.post("/v1/evaluate", content=case.body)
                except httpx.HTTPError as exc:
                    tally.add(type(exc).__name__, time.perf_counter() - started, f"{case.name}: {exc!r}")
                    continue
                latency = time.perf_counter() - started
                if response.status_code != 200:
                    tally.add(str(response.status_code), latency, f"{case.name}: {response.text}")
                    continue
                answer = response.json()
                if answer.get("verdict") != case.verdict or answer.get("summary") != case.summary:
                    tally.add("wrong", latency, f"{case.name}: got {answer.get('verdict')} {answer.get('summary')}, "
                                                f"expected {case.verdict} {case.summary}")
                    continue
                tally.add("200", latency)
                if on_ok is not None:
                    on_ok(answer)

    threads = [threading.Thread(target=worker, name=f"soak-{n}", daemon=True) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(tally.by_status.values())


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ---------------------------------------------------------------- the run


def run(requests: int, concurrency: int, warmup: int, max_seconds: float, results_path: Path | None,
        workers: int = 1, pg_url: str | None = None) -> int:
    with contextlib.ExitStack() as stack:
        database_url = None
        if pg_url:
            from bench.http_load import postgres_schema

            database_url = stack.enter_context(postgres_schema(pg_url))  # a fresh schema, dropped after
        return _run(requests, concurrency, warmup, max_seconds, results_path, workers, database_url)


def _run(requests: int, concurrency: int, warmup: int, max_seconds: float, results_path: Path | None,
         workers: int, database_url: str | None) -> int:
    from engine.audit.store import safe_url

    work = cases()
    with tempfile.TemporaryDirectory(prefix="regimes-soak-") as tmp:
        db = Path(tmp) / "decisions.db"
        url = database_url or f"sqlite:///{db}"
        server = Server(url, Path(tmp) / "server.log", workers=workers)
        print(f"starting the server on {HOST}:{server.port} ({workers} worker(s), decision log {safe_url(url)})",
              flush=True)
        started_at = dt.datetime.now(dt.UTC)
        deadline = time.monotonic() + max_seconds
        with server:
            rss_boot = tree_rss_kib(server.pid)
            pids_start = tree(server.pid)
            warm = Tally()
            drive(server.url, work, warmup, concurrency, deadline, warm)
            rss_start = tree_rss_kib(server.pid)
            print(f"warm-up: {warmup} requests, {warm.errors + warm.wrong} errors; server RSS {rss_start / 1024:.1f} MiB; "
                  f"now {requests} requests, {concurrency} at a time", flush=True)

            tally = Tally()
            samples: list[tuple[float, int]] = []
            sampling = threading.Event()

            def sample_rss() -> None:
                t0 = time.monotonic()
                while not sampling.wait(5):
                    try:
                        samples.append((round(time.monotonic() - t0, 1), tree_rss_kib(server.pid)))
                    except (OSError, RuntimeError):
                        return
                    done = sum(tally.by_status.values())
                    print(f"  {done:>7} / {requests}  errors {tally.errors + tally.wrong}  "
                          f"RSS {samples[-1][1] / 1024:.1f} MiB", flush=True)

            sampler = threading.Thread(target=sample_rss, daemon=True)
            sampler.start()
            t0 = time.perf_counter()
            sent = drive(server.url, work, requests, concurrency, deadline, tally)
            duration = time.perf_counter() - t0
            sampling.set()
            sampler.join(timeout=10)
            rss_end = tree_rss_kib(server.pid)
            pids_end = tree(server.pid)
            # every worker's engine states (a fresh connection each time lands on one of them)
            live_by_pid: dict[int, Any] = {}
            for _ in range(20 * workers):
                health = httpx.get(server.url + "/healthz", headers={"Connection": "close"}, timeout=30).json()
                live_by_pid[health.get("pid", 0)] = health.get("live_engine_states")
            live = sum(v or 0 for v in live_by_pid.values()) if all(v is not None for v in live_by_pid.values()) \
                else None
            alive = server.proc is not None and server.proc.poll() is None
        from engine.audit.store import Store

        store = Store(url)
        try:
            logged = store.count()
        finally:
            store.close()
        db_mib = sum(p.stat().st_size for p in Path(tmp).glob("decisions.db*")) / 1024**2 if not database_url else None

    timed_out = sent < requests
    growth = (rss_end - rss_start) / rss_start
    result = {
        "date": started_at.isoformat(timespec="seconds"),
        "workers": workers, "database": "postgresql" if database_url else "sqlite",
        "server_pids": {"start": pids_start, "end": pids_end},
        "live_engine_states_by_pid": {str(k): v for k, v in live_by_pid.items()},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "command": " ".join(["python -m bench.soak", *sys.argv[1:]]),
        "requests": requests, "sent": sent, "concurrency": concurrency, "warmup": warmup,
        "ok": tally.ok, "errors": tally.errors, "wrong_answers": tally.wrong, "by_status": tally.by_status,
        "error_samples": tally.samples,
        "duration_s": round(duration, 1), "throughput_per_s": round(sent / duration, 1) if duration else 0,
        "latency_ms": {"p50": round(_percentile(tally.latencies, 0.50) * 1000, 1),
                       "p99": round(_percentile(tally.latencies, 0.99) * 1000, 1),
                       "max": round(max(tally.latencies, default=0) * 1000, 1),
                       "mean": round(statistics.fmean(tally.latencies) * 1000, 1) if tally.latencies else 0},
        "rss_kib": {"boot": rss_boot, "start": rss_start, "end": rss_end,
                    "max": max([rss_end, rss_start] + [v for _, v in samples])},
        "rss_growth_pct": round(growth * 100, 2),
        "rss_samples": samples,
        "live_engine_states": live,
        "decisions_logged": logged, "decision_log_mib": round(db_mib, 1) if db_mib is not None else None,
        "server_alive_at_end": alive,
        "timed_out": timed_out,
    }
    failures = []
    if tally.errors or tally.wrong or warm.errors or warm.wrong:
        failures.append(f"{tally.errors + warm.errors} errors and {tally.wrong + warm.wrong} wrong answers")
    if growth >= MAX_RSS_GROWTH:
        failures.append(f"RSS grew {growth * 100:.1f}% (limit {MAX_RSS_GROWTH * 100:.0f}%)")
    if live != 0:
        failures.append(f"{live} engine states still live")
    if logged != warm.ok + tally.ok:
        failures.append(f"{logged} decisions logged for {warm.ok + tally.ok} answered")
    if timed_out:
        failures.append(f"stopped at the {max_seconds:.0f} s limit after {sent} requests")
    if not alive:
        failures.append("the server was not running at the end")
    if pids_start != pids_end:
        failures.append(f"server processes changed during the run (a worker died): {pids_start} → {pids_end}")
    result["passed"] = not failures
    result["failures"] = failures
    if results_path is not None:
        results_path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _print(result, results_path)
    return 0 if not failures else 1


def _print(r: dict[str, Any], path: Path | None) -> None:
    rows = [
        ("date (UTC)", r["date"]),
        ("machine", f"{r['machine']['cpus']} CPUs, {r['machine']['platform']}, Python {r['machine']['python']}"),
        ("server", f"{r['workers']} worker(s), {r['database']} decision log, processes {r['server_pids']['end']}"),
        ("requests (after warm-up)", f"{r['sent']} of {r['requests']}, {r['concurrency']} concurrent, warm-up {r['warmup']}"),
        ("2xx / errors / wrong answers", f"{r['ok']} / {r['errors']} / {r['wrong_answers']}  {r['by_status']}"),
        ("duration", f"{r['duration_s']} s ({r['throughput_per_s']} evaluations/s)"),
        ("latency p50 / p99 / max", f"{r['latency_ms']['p50']} / {r['latency_ms']['p99']} / {r['latency_ms']['max']} ms"),
        ("server RSS boot / start / end / max",
         " / ".join(f"{r['rss_kib'][k] / 1024:.1f}" for k in ("boot", "start", "end", "max")) + " MiB"),
        ("RSS growth start→end", f"{r['rss_growth_pct']}% (limit 10%)"),
        ("live engine states at end", str(r["live_engine_states"])),
        ("decisions in the log", f"{r['decisions_logged']}"
                                 + (f" ({r['decision_log_mib']} MiB)" if r["decision_log_mib"] is not None else "")),
        ("result", "PASS" if r["passed"] else "FAIL: " + "; ".join(r["failures"])),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    for sample in r["error_samples"]:
        print(f"  error: {sample}")
    if path is not None:
        print(f"\nwritten to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100_000, help="evaluations after the warm-up (default 100000)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--max-seconds", type=float, default=1800.0, help="stop no matter what after this long")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON figures")
    parser.add_argument("--no-results", action="store_true", help="do not write the JSON figures")
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes: 1 is uvicorn service.app:app, N > 1 is `regimes serve --workers N`")
    parser.add_argument("--pg-url", default=None,
                        help="decision log on this PostgreSQL (a fresh schema, dropped after) instead of SQLite")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1 or args.warmup < 0 or args.workers < 1:
        parser.error("--requests, --concurrency and --workers must be positive, --warmup not negative")
    return run(args.requests, args.concurrency, args.warmup, args.max_seconds, None if args.no_results else args.results,
               args.workers, args.pg_url)


if __name__ == "__main__":
    sys.exit(main())
