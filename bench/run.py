"""`make bench` / `python -m bench.run`: the performance figures of BENCHMARKS.md, written to bench/results.json.

Sections (each can be skipped with --skip NAME): `load` (validate and compile every policy, in
fresh processes), `evaluate` (in process, durable-rules and the reference evaluator call by call
in turn, per regime), `compare`, `http` (the real server on loopback: /healthz and /v1/evaluate
in one run, then /v1/evaluate on 2 workers — `regimes serve --workers 2`; with --pg-url also 1 and 2 workers
with the decision log on PostgreSQL), `replay` (N distinct generated decisions logged,
then replayed through the product's impact path; N = REGIMES_BENCH_DECISIONS, default 100,000),
`peers` (six Shanghai 2026 rules on durable-rules, zen-engine and CEL). `--quick` runs everything
briefly and writes bench/results-quick.json instead.

A run in which any HTTP request got a non-2xx answer or a socket error, or an answer with another
verdict than the same evaluation in process, writes bench/results-failed.json (never results.json)
and exits 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.peers import bench_peers
from bench.workload import AS_OF, ROOT, bench_facts, interleaved, percentile, timed

RESULTS = Path(__file__).resolve().parent / "results.json"
QUICK_RESULTS = Path(__file__).resolve().parent / "results-quick.json"
SECTIONS = ("load", "evaluate", "compare", "http", "replay", "peers")
FAILED_RESULTS = Path(__file__).resolve().parent / "results-failed.json"
DEFAULT_DECISIONS = 100_000  # the figure: 100,000 distinct decisions
EXPERTS = 10

LOAD_SNIPPET = """
import json, time
t0 = time.perf_counter()
from engine.registry import Registry
t1 = time.perf_counter()
reg = Registry.load()
t2 = time.perf_counter()
assert not reg.errors, reg.errors
print(json.dumps({"import_ms": (t1 - t0) * 1000, "load_ms": (t2 - t1) * 1000, "regimes": len(reg.regimes),
                  "rules": sum(len(r.rules) for r in reg.regimes.values())}))
"""


def r1(x: float) -> float:
    return round(x, 1)


# ---------------------------------------------------------------- machine

def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "cpu": cpu, "cpus": len(os.sched_getaffinity(0)), "memory_gb": mem_gb,
        "os": platform.platform(), "python": platform.python_version(),
        "packages": {n: version(n) for n in ("durable-rules", "fastapi", "starlette", "uvicorn", "pydantic",
                                              "sqlalchemy", "jsonschema", "jsonschema-rs", "orjson", "h11", "uvloop",
                                              "httptools")},
        "wrk": _wrk_version(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


def _wrk_version() -> str | None:
    import shutil

    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    out = subprocess.run([wrk, "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else wrk


# ---------------------------------------------------------------- sections

def bench_load(runs: int) -> dict[str, Any]:
    """Validate and compile every policy: `Registry.load()` in a fresh process (the engine never re-registers
    a ruleset in one process, so each measurement needs its own)."""
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LOAD_SNIPPET], cwd=ROOT, capture_output=True, text=True, check=True)
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"load_all_ms": r1(statistics.median(s["load_ms"] for s in samples)),
            "load_all_import_ms": r1(statistics.median(s["import_ms"] for s in samples)),
            "load_all_runs_ms": [r1(s["load_ms"]) for s in samples],
            "regimes": samples[0]["regimes"], "rules": samples[0]["rules"]}


def bench_evaluate(registry: Any, n: int) -> dict[str, Any]:
    from engine.evaluate import evaluate

    by_regime: dict[str, dict[str, list[float]]] = {}
    verdicts: dict[str, str] = {}
    for rid in sorted(registry.regimes):
        regime, facts = registry.get(rid), bench_facts(rid, EXPERTS)
        durable = evaluate(regime, facts, AS_OF)
        reference = evaluate(regime, facts, AS_OF, engine="reference")
        assert durable == reference, f"{rid}: the two evaluators disagree"
        verdicts[rid] = durable["verdict"]
        by_regime[rid] = interleaved({
            "durable": lambda r=regime, f=facts: evaluate(r, f, AS_OF),
            "reference": lambda r=regime, f=facts: evaluate(r, f, AS_OF, engine="reference"),
        }, n)
    pooled = {k: [x for v in by_regime.values() for x in v[k]] for k in ("durable", "reference")}
    out: dict[str, Any] = {
        "evaluate_p50_us": r1(statistics.median(pooled["durable"])),
        "evaluate_p99_us": r1(percentile(pooled["durable"], 99)),
        "reference_p50_us": r1(statistics.median(pooled["reference"])),
        "reference_p99_us": r1(percentile(pooled["reference"], 99)),
        "evaluate_p50_us_by_regime": {rid: r1(statistics.median(v["durable"])) for rid, v in by_regime.items()},
        "evaluate_p99_us_by_regime": {rid: r1(percentile(v["durable"], 99)) for rid, v in by_regime.items()},
        "reference_p50_us_by_regime": {rid: r1(statistics.median(v["reference"])) for rid, v in by_regime.items()},
        "evaluate_samples_per_regime": n,
        "evaluate_verdicts": verdicts,
    }
    out["durable_to_reference_p50"] = round(out["evaluate_p50_us"] / out["reference_p50_us"], 2)
    out["durable_to_reference_p50_by_regime"] = {
        rid: round(out["evaluate_p50_us_by_regime"][rid] / out["reference_p50_us_by_regime"][rid], 2)
        for rid in by_regime}
    out["engine_only_p50_us_by_regime"] = _engine_only(registry, max(100, n // 4))
    return out


def _engine_only(registry: Any, n: int) -> dict[str, dict[str, float]]:
    """The backends alone (no messages, no result building): where the 5× ratio target really bites."""
    from engine.backends import get_backend
    from engine.evaluate import subject_instances

    durable, reference = get_backend("durable").run, get_backend("reference").run
    out = {}
    for rid in sorted(registry.regimes):
        regime = registry.get(rid)
        instances, _ = subject_instances(regime, bench_facts(rid, EXPERTS))
        s = interleaved({"durable": lambda r=regime, i=instances: durable(r, i),
                         "reference": lambda r=regime, i=instances: reference(r, i)}, n)
        out[rid] = {"durable": r1(statistics.median(s["durable"])), "reference": r1(statistics.median(s["reference"]))}
    return out


def bench_compare(registry: Any, n: int) -> dict[str, Any]:
    from engine.compare.core import compare

    samples: list[float] = []
    for rid in sorted(registry.regimes):
        facts = bench_facts(rid, EXPERTS)
        samples += timed(lambda f=facts: compare(registry, f, None, AS_OF), n, warmup=5)
    return {"compare_p50_us": r1(statistics.median(samples)), "compare_p99_us": r1(percentile(samples, 99)),
            "compare_regimes": len(registry.regimes)}


def bench_http_breakdown(registry: Any, n: int) -> dict[str, float]:
    """What one POST /v1/evaluate does besides HTTP, step by step, in this process (p50, µs)."""
    from engine.audit.store import Store
    from engine.documents.schema_errors import schema_messages
    from engine.evaluate import evaluate
    from engine.facts import validate_facts
    from engine.facts.schema import _validator
    from service.models import EvaluateRequest

    rid = "liaoning-2026" if "liaoning-2026" in registry.regimes else sorted(registry.regimes)[0]
    regime, facts = registry.get(rid), bench_facts(rid, EXPERTS)
    body = {"regime": rid, "as_of": AS_OF.isoformat(), "facts": facts}
    result = evaluate(regime, facts, AS_OF)
    out = {
        "request_model_us": statistics.median(timed(lambda: EvaluateRequest.model_validate(body), n)),
        "validate_facts_us": statistics.median(timed(lambda: validate_facts(facts), n)),
        "validate_facts_python_us": statistics.median(timed(lambda: schema_messages(_validator(), facts), max(50, n // 4))),
        "evaluate_us": statistics.median(timed(lambda: evaluate(regime, facts, AS_OF), n)),
        "response_json_us": statistics.median(timed(lambda: json.dumps(result, ensure_ascii=False).encode(), n)),
    }
    try:
        import orjson

        out["response_orjson_us"] = statistics.median(timed(lambda: orjson.dumps(result), n))
    except ImportError:
        pass
    with tempfile.TemporaryDirectory(prefix="regimes-bench-store-") as tmp:
        store = Store(f"sqlite:///{tmp}/decisions.db")
        try:
            samples = timed(lambda: store.record(regime, AS_OF, facts, dict(result)), n, warmup=5)
        finally:
            store.close()
    out["record_us"] = statistics.median(samples)
    out["record_p99_us"] = percentile(samples, 99)
    out["response_bytes"] = float(len(json.dumps(result, ensure_ascii=False).encode()))
    return {k: r1(v) for k, v in out.items()}


def _evaluate_bodies(registry: Any) -> list[tuple[str, bytes, str]]:
    """(regime, request body, the verdict the same evaluation gives in process) per regime."""
    from engine.evaluate import evaluate

    out = []
    for rid in sorted(registry.regimes):
        facts = bench_facts(rid, EXPERTS)
        body = json.dumps({"regime": rid, "as_of": AS_OF.isoformat(), "facts": facts}, ensure_ascii=False).encode()
        out.append((rid, body, evaluate(registry.get(rid), facts, AS_OF)["verdict"]))
    return out


def _check_answer(rid: str, answer: dict[str, Any], verdict: str) -> None:
    from bench.http_load import BenchFailure

    if answer.get("verdict") != verdict or not answer.get("decision_id"):
        raise BenchFailure(f"POST /v1/evaluate ({rid}) answered verdict {answer.get('verdict')!r} "
                           f"(decision_id {answer.get('decision_id')!r}); in process it is {verdict!r}")


def _evaluate_runs(srv: Any, bodies: list[tuple[str, bytes, str]], connections: int, seconds: float,
                   tool: str) -> list[Any]:
    from bench.http_load import load, probe

    runs = []
    for rid, body, verdict in bodies:
        _check_answer(rid, probe(srv, "POST", "/v1/evaluate", body), verdict)
        runs.append(load(srv, "POST", "/v1/evaluate", body, connections, seconds / len(bodies), tool))
    return runs


def _pooled(runs: list[Any]) -> dict[str, float]:
    requests = sum(e.requests for e in runs)
    secs = sum(e.seconds for e in runs)
    lat = [x for e in runs for x in e.latencies_ms]
    known = [e.known for e in runs if e.known]
    p50 = statistics.median(lat) if lat else statistics.median(k[50] for k in known)
    p99 = percentile(lat, 99) if lat else max(k[99] for k in known)
    cpu = sum(e.server_cpu_s for e in runs) * 1000 / sum(e.requests + e.warmup_requests for e in runs)
    return {"rps": requests / secs, "p50": p50, "p99": p99, "cpu_ms": cpu}


def _workers_runs(bodies: list[tuple[str, bytes, str]], workers: int, connections: int, seconds: float, tool: str,
                  launcher: str, database_url: str | None = None) -> tuple[dict[str, float], list[Any], str]:
    """The evaluate load on `workers` server processes (connections × workers connections)."""
    from bench.http_load import probe, server

    with server(workers, launcher, database_url) as srv:
        probe(srv, "GET", "/healthz", None)
        runs = _evaluate_runs(srv, bodies, connections * workers, seconds, tool)
        command = " ".join(Path(c).name if c.startswith("/") else c for c in srv.command)
    return _pooled(runs), runs, command


def bench_http(registry: Any, seconds: float, connections: int, tool: str, launcher: str,
               workers: int, pg_url: str | None = None) -> dict[str, Any]:
    from bench.http_load import load, postgres_schema, probe, server

    bodies = _evaluate_bodies(registry)
    with server(1, launcher) as srv:
        probe(srv, "GET", "/healthz", None)
        healthz = load(srv, "GET", "/healthz", None, connections, seconds, tool)
        evaluates = _evaluate_runs(srv, bodies, connections, seconds, tool)
        healthz_again = load(srv, "GET", "/healthz", None, connections, seconds, tool)
        command = srv.command
    ev = _pooled(evaluates)
    healthz_rps = (healthz.requests + healthz_again.requests) / (healthz.seconds + healthz_again.seconds)
    cpu_health = statistics.mean([healthz.server_cpu_ms_per_request, healthz_again.server_cpu_ms_per_request])
    out: dict[str, Any] = {
        "http_evaluate_rps": r1(ev["rps"]),
        "http_evaluate_p50_ms": round(ev["p50"], 2),
        "http_evaluate_p99_ms": round(ev["p99"], 2),
        "http_healthz_rps": r1(healthz_rps),
        "http_healthz_p99_ms": round(max(healthz.p(99), healthz_again.p(99)), 2),
        "http_evaluate_to_healthz": round(ev["rps"] / healthz_rps, 3),
        "http_evaluate_cpu_ms": round(ev["cpu_ms"], 3),
        "http_healthz_cpu_ms": round(cpu_health, 3),
        "http_evaluate_server_cpu_ms": round(ev["cpu_ms"], 3),  # the key's earlier name
        "http_healthz_server_cpu_ms": round(cpu_health, 3),
        "http_evaluate_to_healthz_cpu": round(cpu_health / ev["cpu_ms"], 3),
        "http_errors": sum(e.errors for e in evaluates) + healthz.errors + healthz_again.errors,
        "http_load_generator": healthz.tool,
        "http_connections": connections,
        "http_server": " ".join(Path(c).name if c.startswith("/") else c for c in command)
                       + "; SQLite decision log (WAL, synchronous=FULL); REGIMES_RATE_LIMIT=0",
        "http_runs": {"healthz_before": healthz.as_dict(), "healthz_after": healthz_again.as_dict(),
                      "evaluate_by_regime": {rid: e.as_dict()
                                             for (rid, _, _), e in zip(bodies, evaluates, strict=True)}},
    }
    if workers > 1:
        mv, multi, multi_command = _workers_runs(bodies, workers, connections, seconds, tool, launcher)
        out.update({
            f"http_evaluate_rps_{workers}_workers": r1(mv["rps"]),
            f"http_evaluate_p50_ms_{workers}_workers": round(mv["p50"], 2),
            f"http_evaluate_p99_ms_{workers}_workers": round(mv["p99"], 2),
            f"http_evaluate_cpu_ms_{workers}_workers": round(mv["cpu_ms"], 3),
            "http_workers_speedup": round(mv["rps"] / ev["rps"], 2),
            "http_workers_server": multi_command + f"; SQLite decision log; {connections * workers} connections",
        })
        out["http_errors"] += sum(e.errors for e in multi)
        out["http_runs"][f"evaluate_{workers}_workers"] = {rid: e.as_dict()
                                                          for (rid, _, _), e in zip(bodies, multi, strict=True)}
    if pg_url:
        # the same evaluate load with the decision log on PostgreSQL (a fresh schema per server): 1 worker, then N
        by_count: dict[int, tuple[dict[str, float], list[Any], str]] = {}
        for count in sorted({1, workers}):
            with postgres_schema(pg_url) as url:
                by_count[count] = _workers_runs(bodies, count, connections, seconds, tool, launcher, url)
        one = by_count[1][0]
        out.update({"http_evaluate_rps_postgresql": r1(one["rps"]),
                    "http_evaluate_p99_ms_postgresql": round(one["p99"], 2),
                    "http_evaluate_cpu_ms_postgresql": round(one["cpu_ms"], 3)})
        for count, (pooled, runs, command) in by_count.items():
            out["http_errors"] += sum(e.errors for e in runs)
            out["http_runs"][f"evaluate_{count}_workers_postgresql"] = {
                rid: e.as_dict() for (rid, _, _), e in zip(bodies, runs, strict=True)}
            if count > 1:
                out.update({
                    f"http_evaluate_rps_{count}_workers_postgresql": r1(pooled["rps"]),
                    f"http_evaluate_p99_ms_{count}_workers_postgresql": round(pooled["p99"], 2),
                    f"http_evaluate_cpu_ms_{count}_workers_postgresql": round(pooled["cpu_ms"], 3),
                    "http_workers_speedup_postgresql": round(pooled["rps"] / one["rps"], 2),
                    "http_workers_server_postgresql": command + f"; PostgreSQL decision log; {connections * count} "
                                                                "connections",
                })
    return out


def bench_replay(total: int, workers: int) -> dict[str, Any]:
    from bench.replay import database_mb, fill, product_replay

    with tempfile.TemporaryDirectory(prefix="regimes-bench-replay-") as tmp:
        url = f"sqlite:///{tmp}/decisions.db"
        filled = fill(url, total, workers)
        filled["database_mb"] = r1(database_mb(f"{tmp}/decisions.db"))
        replay = product_replay(url)
    if replay["changed"] != filled["tampered"]:
        raise AssertionError(f"replay found {replay['changed']} changed decisions; {filled['tampered']} were tampered")
    return {
        "replay_per_s": replay["per_s"],
        "replay_per_cpu_s": replay["per_cpu_s"],
        "replay_rss_mb": replay.get("rss_mb_tree_peak", replay["rss_mb_peak"]),  # the replay and its workers
        "replay_processes": replay.get("processes", 1),
        "replay_rss_growth": replay["rss_growth"],
        "replay_decisions": replay["decisions"],
        "replay_seconds": replay["seconds"],
        "replay_detail": {"fill": filled, "replay": replay},
    }


# ---------------------------------------------------------------- output

TARGETS: list[tuple[str, str, Callable[[dict[str, Any]], bool | None]]] = [
    ("in-process evaluate p50 ≤ 2 × reference p50", "durable_to_reference_p50",
     lambda r: r["durable_to_reference_p50"] <= 2),
    ("HTTP evaluate rps ≥ ½ healthz rps", "http_evaluate_to_healthz", lambda r: r["http_evaluate_to_healthz"] >= 0.5),
    ("2 workers ≥ 1.7 × one worker (evaluate)", "http_workers_speedup", lambda r: r["http_workers_speedup"] >= 1.7),
    ("2 workers ≥ 1.7 × one worker (evaluate, PostgreSQL)", "http_workers_speedup_postgresql",
     lambda r: r["http_workers_speedup_postgresql"] >= 1.7),
    ("replay ≥ 5,000 decisions/s (product path)", "replay_per_s", lambda r: r["replay_per_s"] >= 5000),
    ("replay RSS flat within 10 %", "replay_rss_growth",
     lambda r: r["replay_rss_growth"] is not None and abs(r["replay_rss_growth"]) <= 0.10),
    ("durable-rules ≥ 1.5 × faster than zen-engine", "zen_to_durable", lambda r: r["zen_to_durable"] >= 1.5),
    ("load all policies < 0.5 s", "load_all_ms", lambda r: r["load_all_ms"] < 500),
]


def show(results: dict[str, Any], console: Console) -> None:  # noqa: C901  (one row per figure)
    table = Table(title=f"regimes bench — {results['date']}  ({results['machine']['cpus']} CPUs, {results['machine']['cpu']})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("notes")
    rows: list[tuple[str, str, str]] = []
    if "evaluate_p50_us" in results:
        rows += [
            ("evaluate_p50_us", f"{results['evaluate_p50_us']:.0f}",
             f"durable-rules, 1 project + {EXPERTS} experts, all regimes"),
            ("evaluate_p99_us", f"{results['evaluate_p99_us']:.0f}", ""),
            ("reference_p50_us", f"{results['reference_p50_us']:.0f}", "plain-Python reference, same inputs, same run"),
            ("durable / reference", f"{results['durable_to_reference_p50']:.2f}×", "target ≤ 2×"),
        ]
        for rid, v in results["evaluate_p50_us_by_regime"].items():
            rows.append((f"  {rid}", f"{v:.0f}",
                         f"p99 {results['evaluate_p99_us_by_regime'][rid]:.0f}, reference "
                         f"{results['reference_p50_us_by_regime'][rid]:.0f}; "
                         f"{results['evaluate_verdicts'][rid]}"))
    if "compare_p50_us" in results:
        rows.append(("compare_p50_us", f"{results['compare_p50_us']:.0f}",
                     f"same facts, all {results['compare_regimes']} regimes"))
    if "load_all_ms" in results:
        rows.append(("load_all_ms", f"{results['load_all_ms']:.0f}", "validate + compile every policy (fresh process)"))
    if "http_evaluate_rps" in results:
        rows += [
            ("http_errors", str(results["http_errors"]), "non-2xx answers and socket errors (must be 0)"),
            ("http_evaluate_rps", f"{results['http_evaluate_rps']:.0f}",
             f"p50 {results['http_evaluate_p50_ms']} ms, p99 {results['http_evaluate_p99_ms']} ms"),
            ("  server CPU ms / evaluate", f"{results['http_evaluate_cpu_ms']:.2f}", ""),
            ("http_healthz_rps", f"{results['http_healthz_rps']:.0f}",
             f"{results['http_load_generator']}, {results['http_connections']} connections"),
            ("  server CPU ms / healthz", f"{results['http_healthz_cpu_ms']:.2f}", ""),
            ("evaluate / healthz", f"{results['http_evaluate_to_healthz']:.2f}", "target ≥ 0.5"),
        ]
        for key in [k for k in results if k.startswith("http_evaluate_rps_") and k.endswith("_workers")]:
            n = key.split("_")[-2]
            rows.append((key, f"{results[key]:.0f}",
                         f"{results['http_workers_speedup']:.2f}× one worker; server CPU "
                         f"{results[f'http_evaluate_cpu_ms_{n}_workers']:.2f} ms / request"))
        if "http_evaluate_rps_postgresql" in results:
            rows.append(("http_evaluate_rps_postgresql", f"{results['http_evaluate_rps_postgresql']:.0f}",
                         f"1 worker, PostgreSQL log; server CPU {results['http_evaluate_cpu_ms_postgresql']:.2f} ms"))
        for key in [k for k in results if k.startswith("http_evaluate_rps_") and k.endswith("_workers_postgresql")]:
            n = key.split("_")[-3]
            rows.append((key, f"{results[key]:.0f}",
                         f"{results['http_workers_speedup_postgresql']:.2f}× one worker; server CPU "
                         f"{results[f'http_evaluate_cpu_ms_{n}_workers_postgresql']:.2f} ms / request"))
        for k, v in results.get("http_evaluate_breakdown_us", {}).items():
            rows.append((f"  {k}", f"{v:.0f}", "bytes" if k.endswith("bytes") else "µs, in process"))
    if "replay_per_s" in results:
        fill = results["replay_detail"]["fill"]
        rows += [
            ("replay_per_s", f"{results['replay_per_s']:.0f}",
             f"{results['replay_decisions']:,} distinct decisions ({fill['experts_min']}–{fill['experts_max']} experts), "
             f"impact path, {results.get('replay_processes', 1)} processes, {results['replay_seconds']} s"),
            ("  per CPU-second", f"{results['replay_per_cpu_s']:.0f}", ""),
            ("replay_rss_mb", f"{results['replay_rss_mb']:.0f}",
             f"peak of the replay and its workers; growth from 10 % to the end {results['replay_rss_growth']:+.1%}"),
        ]
    if "durable_engine_p50_us" in results:
        rows.append(("durable_engine_p50_us", f"{results['durable_engine_p50_us']:.0f}",
                     "6 shanghai-2026 rules, 10 experts, engine only"))
        rows.append(("  reference / plain Python",
                     f"{results['reference_engine_p50_us']:.0f} / {results['python_p50_us']:.1f}", "µs"))
        for name in ("zen", "cel", "celpy"):
            if f"{name}_p50_us" in results:
                rows.append((f"{name}_p50_us", f"{results[f'{name}_p50_us']:.0f}", "same rules and facts"))
        if "skipped" in results.get("peers", {}):
            rows.append(("peers", "—", results["peers"]["skipped"][:100]))
    for row in rows:
        table.add_row(*row)
    console.print(table)
    targets = Table(title="targets")
    targets.add_column("target")
    targets.add_column("figure", justify="right")
    targets.add_column("met")
    for name, key, check in TARGETS:
        if key in results:
            met = check(results)
            targets.add_row(name, str(results[key]), "[green]yes[/]" if met else "[red]no[/]")
    console.print(targets)


def _statuses(runs: dict[str, Any]) -> dict[str, Any]:
    """Every HTTP run's answers by status, for the failure message."""
    return {name: run["statuses"] if "statuses" in run else _statuses(run) for name, run in runs.items()}


def decisions_default(quick: bool) -> int:
    text = os.environ.get("REGIMES_BENCH_DECISIONS", "")
    return int(text) if text.isdigit() and int(text) > 0 else (2_000 if quick else DEFAULT_DECISIONS)


def main(argv: list[str] | None = None) -> int:
    from bench.http_load import BenchFailure

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run; writes bench/results-quick.json")
    parser.add_argument("--skip", action="append", default=[], choices=SECTIONS, help="leave a section out")
    parser.add_argument("--replay-decisions", type=int, default=None,
                        help=f"distinct decisions in the replayed log (default: REGIMES_BENCH_DECISIONS or {DEFAULT_DECISIONS})")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes filling the replay log, and server workers of the multi-worker HTTP run "
                             "(default: the CPUs available)")
    parser.add_argument("--loadgen", choices=("auto", "python", "wrk"), default="auto",
                        help="HTTP load generator (auto: wrk when installed, else the Python one)")
    parser.add_argument("--server", choices=("uvicorn", "regimes", "uvicorn-workers"), default="uvicorn",
                        help="how the server is started: uvicorn service.app:app without access log (default), "
                             "or the product's `regimes serve`; several workers are always `regimes serve --workers "
                             "N` unless `uvicorn-workers` (uvicorn's own --workers, to compare)")
    parser.add_argument("--pg-url", default=os.environ.get("REGIMES_BENCH_PG_URL") or None,
                        help="also measure HTTP evaluate (1 and N workers) with the decision log on this PostgreSQL "
                             "(a fresh schema per server; default: REGIMES_BENCH_PG_URL)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    quick = args.quick
    console = Console()
    results: dict[str, Any] = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "quick": quick,
                               "machine": machine()}
    started = time.perf_counter()
    cpus = args.workers or len(os.sched_getaffinity(0))

    from engine.registry import Registry

    registry = Registry.load()
    if registry.errors:
        console.print(f"[yellow]policies skipped: {registry.errors}[/]")
    steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("load", lambda: bench_load(3 if quick else 5)),
        ("evaluate", lambda: bench_evaluate(registry, 300 if quick else 2000)),
        ("compare", lambda: bench_compare(registry, 50 if quick else 300)),
        ("http", lambda: {**bench_http(registry, 3 if quick else 15, args.connections, args.loadgen, args.server, cpus,
                                       args.pg_url),
                          "http_evaluate_breakdown_us": bench_http_breakdown(registry, 100 if quick else 400)}),
        ("replay", lambda: bench_replay(args.replay_decisions or decisions_default(quick), cpus)),
        ("peers", lambda: bench_peers(registry, 300 if quick else 2000)),
    ]
    failure = ""
    for name, step in steps:
        if name in args.skip:
            continue
        t = time.perf_counter()
        try:
            with console.status(f"bench: {name} …"):
                results.update(step())
        except BenchFailure as exc:
            failure = f"{name}: {exc}"
            break
        results.setdefault("section_seconds", {})[name] = r1(time.perf_counter() - t)
        console.log(f"{name} done in {time.perf_counter() - t:.1f} s")
        if results.get("http_errors"):
            failure = (f"http: {results['http_errors']} requests failed (non-2xx or socket errors); answers by "
                       f"status: {json.dumps(_statuses(results['http_runs']), ensure_ascii=False)}")
            break
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = r1(time.perf_counter() - started)
    results["targets"] = {key: check(results) for _, key, check in TARGETS if key in results}
    if failure:
        results["failure"] = failure
        FAILED_RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        console.print(f"[bold red]BENCH FAILED — no figures written to results.json.[/]\n[red]{failure}[/]\n"
                      f"What was measured: {FAILED_RESULTS}")
        return 1
    out = args.output or (QUICK_RESULTS if quick else RESULTS)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    show(results, console)
    console.print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
