"""`make bench` / `python -m bench.run`: the performance figures of BENCHMARKS.md, written to bench/results.json.

Sections (each can be skipped with --skip NAME): `load` (validate and compile every policy, in
fresh processes), `evaluate` (in process, durable-rules and the reference evaluator call by call
in turn, per regime), `compare`, `http` (the real server on loopback, /healthz and /v1/evaluate
in one run), `replay` (100,000 logged decisions in a temporary SQLite log). `--quick` runs
everything briefly (about a minute) and writes bench/results-quick.json instead.
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

from bench.workload import AS_OF, ROOT, bench_facts, interleaved, percentile, timed

RESULTS = Path(__file__).resolve().parent / "results.json"
QUICK_RESULTS = Path(__file__).resolve().parent / "results-quick.json"
SECTIONS = ("load", "evaluate", "compare", "http", "replay")
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
                                              "sqlalchemy", "jsonschema", "h11", "uvloop", "httptools")},
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


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
    for rid in sorted(registry.regimes):
        regime, facts = registry.get(rid), bench_facts(rid, EXPERTS)
        durable = evaluate(regime, facts, AS_OF)
        reference = evaluate(regime, facts, AS_OF, engine="reference")
        assert durable == reference, f"{rid}: the two evaluators disagree"
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
    from engine.evaluate import evaluate
    from engine.facts import validate_facts
    from service.models import EvaluateRequest

    rid = "liaoning-2026" if "liaoning-2026" in registry.regimes else sorted(registry.regimes)[0]
    regime, facts = registry.get(rid), bench_facts(rid, EXPERTS)
    body = {"regime": rid, "as_of": AS_OF.isoformat(), "facts": facts}
    result = evaluate(regime, facts, AS_OF)
    out = {
        "request_model_us": statistics.median(timed(lambda: EvaluateRequest.model_validate(body), n)),
        "validate_facts_us": statistics.median(timed(lambda: validate_facts(facts), n)),
        "evaluate_us": statistics.median(timed(lambda: evaluate(regime, facts, AS_OF), n)),
        "response_json_us": statistics.median(timed(lambda: json.dumps(result, ensure_ascii=False).encode(), n)),
    }
    with tempfile.TemporaryDirectory(prefix="regimes-bench-store-") as tmp:
        store = Store(f"sqlite:///{tmp}/decisions.db")
        try:
            samples = timed(lambda: store.record(regime, AS_OF, facts, dict(result)), n, warmup=5)
        finally:
            store.close()
    out["record_us"] = statistics.median(samples)
    out["record_p99_us"] = percentile(samples, 99)
    try:  # not a dependency: installed with schemathesis (the test extra), shown for what a fast validator would save
        import jsonschema_rs

        from engine.facts import _schema

        validator = jsonschema_rs.validator_for(_schema())
        out["validate_facts_jsonschema_rs_us"] = statistics.median(timed(lambda: validator.is_valid(facts), n))
    except Exception:  # noqa: BLE001
        pass
    return {k: r1(v) for k, v in out.items()}


def bench_http(registry: Any, seconds: float, connections: int, tool: str) -> dict[str, Any]:
    from bench.http_load import load, server

    bodies = [json.dumps({"regime": rid, "as_of": AS_OF.isoformat(), "facts": bench_facts(rid, EXPERTS)},
                         ensure_ascii=False).encode() for rid in sorted(registry.regimes)]
    with server() as srv:
        healthz = load(srv, "GET", "/healthz", None, connections, seconds, tool)
        evaluates = [load(srv, "POST", "/v1/evaluate", body, connections, seconds / len(bodies), tool)
                     for body in bodies]
        healthz_again = load(srv, "GET", "/healthz", None, connections, seconds, tool)
    requests = sum(e.requests for e in evaluates)
    secs = sum(e.seconds for e in evaluates)
    lat = [x for e in evaluates for x in e.latencies_ms]
    known = [e.known for e in evaluates if e.known]
    p50 = statistics.median(lat) if lat else statistics.median(k[50] for k in known)
    p99 = percentile(lat, 99) if lat else max(k[99] for k in known)
    healthz_rps = (healthz.requests + healthz_again.requests) / (healthz.seconds + healthz_again.seconds)
    cpu_eval = sum(e.server_cpu_s for e in evaluates) * 1000 / sum(e.requests * (1 + e.warmup_s / e.seconds)
                                                                    for e in evaluates)
    cpu_health = statistics.mean([healthz.server_cpu_ms_per_request, healthz_again.server_cpu_ms_per_request])
    out = {
        "http_evaluate_rps": r1(requests / secs),
        "http_evaluate_p50_ms": round(p50, 2),
        "http_evaluate_p99_ms": round(p99, 2),
        "http_healthz_rps": r1(healthz_rps),
        "http_healthz_p99_ms": round(max(healthz.p(99), healthz_again.p(99)), 2),
        "http_evaluate_to_healthz": round(requests / secs / healthz_rps, 3),
        "http_evaluate_server_cpu_ms": round(cpu_eval, 3),
        "http_healthz_server_cpu_ms": round(cpu_health, 3),
        "http_evaluate_to_healthz_cpu": round(cpu_health / cpu_eval, 3),
        "http_errors": sum(e.errors for e in evaluates) + healthz.errors + healthz_again.errors,
        "http_load_generator": healthz.tool,
        "http_connections": connections,
        "http_server": "uvicorn service.app:app, 1 process, SQLite decision log (WAL, synchronous=FULL)",
        "http_runs": {"healthz_before": healthz.as_dict(), "healthz_after": healthz_again.as_dict(),
                      "evaluate_by_regime": {rid: e.as_dict()
                                             for rid, e in zip(sorted(registry.regimes), evaluates, strict=True)}},
    }
    return out


def bench_replay(total: int, baseline: int, workers: int) -> dict[str, Any]:
    from bench.replay import fill, replay_baseline, replay_batch, rss_mb
    from engine.audit.store import Store
    from engine.registry import Registry

    with tempfile.TemporaryDirectory(prefix="regimes-bench-replay-") as tmp:
        url = f"sqlite:///{tmp}/decisions.db"
        store = Store(url)
        try:
            filled = fill(store, Registry.load(), total)
        finally:
            store.close()
        db_mb = os.path.getsize(f"{tmp}/decisions.db") / 1e6
        before = rss_mb()
        slow = replay_baseline(url, baseline)
        batch = replay_batch(url, workers)
    return {
        "replay_per_s": batch["per_s"],
        "replay_rss_mb": batch["rss_mb"],
        "replay_decisions": batch["decisions"],
        "replay_seconds": batch["seconds"],
        "replay_workers": workers,
        "replay_baseline_per_s": slow["per_s"],
        "replay_detail": {"fill": {**filled, "database_mb": r1(db_mb)}, "batch": batch,
                          "baseline_one_by_one": slow, "bench_process_rss_mb_before": r1(before)},
    }


# ---------------------------------------------------------------- output

TARGETS: list[tuple[str, str, Callable[[dict[str, Any]], bool | None]]] = [
    ("durable p50 ≤ 5 × reference p50", "durable_to_reference_p50", lambda r: r["durable_to_reference_p50"] <= 5),
    ("HTTP evaluate rps ≥ ½ healthz rps", "http_evaluate_to_healthz", lambda r: r["http_evaluate_to_healthz"] >= 0.5),
    ("replay ≥ 5,000 decisions/s", "replay_per_s", lambda r: r["replay_per_s"] >= 5000),
    ("load all policies < 0.5 s", "load_all_ms", lambda r: r["load_all_ms"] < 500),
]


def show(results: dict[str, Any], console: Console) -> None:
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
            ("durable / reference", f"{results['durable_to_reference_p50']:.2f}×", "target ≤ 5×"),
        ]
        for rid, v in results["evaluate_p50_us_by_regime"].items():
            rows.append((f"  {rid}", f"{v:.0f}",
                         f"p99 {results['evaluate_p99_us_by_regime'][rid]:.0f}, reference "
                         f"{results['reference_p50_us_by_regime'][rid]:.0f}"))
    if "compare_p50_us" in results:
        rows.append(("compare_p50_us", f"{results['compare_p50_us']:.0f}",
                     f"same facts, all {results['compare_regimes']} regimes"))
    if "load_all_ms" in results:
        rows.append(("load_all_ms", f"{results['load_all_ms']:.0f}", "validate + compile every policy (fresh process)"))
    if "http_evaluate_rps" in results:
        rows += [
            ("http_evaluate_rps", f"{results['http_evaluate_rps']:.0f}", f"p50 {results['http_evaluate_p50_ms']} ms"),
            ("http_evaluate_p99_ms", f"{results['http_evaluate_p99_ms']:.1f}", ""),
            ("http_healthz_rps", f"{results['http_healthz_rps']:.0f}",
             f"{results['http_load_generator']}, {results['http_connections']} connections"),
            ("evaluate / healthz", f"{results['http_evaluate_to_healthz']:.2f}", "target ≥ 0.5"),
            ("  server CPU ms / request", f"{results['http_evaluate_server_cpu_ms']:.2f}",
             f"healthz {results['http_healthz_server_cpu_ms']:.2f} ms"),
        ]
        for k, v in results.get("http_evaluate_breakdown_us", {}).items():
            rows.append((f"  {k}", f"{v:.0f}", "µs, in process"))
    if "replay_per_s" in results:
        rows += [
            ("replay_per_s", f"{results['replay_per_s']:.0f}",
             f"{results['replay_decisions']:,} decisions, {results['replay_workers']} processes, "
             f"{results['replay_seconds']} s"),
            ("replay_rss_mb", f"{results['replay_rss_mb']:.0f}", "peak RSS of a replay process"),
            ("  per CPU-second", f"{results['replay_detail']['batch']['per_cpu_s']:.0f}",
             "decisions per CPU-second of the replay processes"),
            ("replay_baseline_per_s", f"{results['replay_baseline_per_s']:.0f}",
             f"one by one via replay_under, 1 process ({results['replay_detail']['baseline_one_by_one']['per_cpu_s']:.0f}"
             " per CPU-second)"),
        ]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (about a minute); writes bench/results-quick.json")
    parser.add_argument("--skip", action="append", default=[], choices=SECTIONS, help="leave a section out")
    parser.add_argument("--replay-decisions", type=int, default=None, help="size of the replayed log (default 100000)")
    parser.add_argument("--workers", type=int, default=None, help="replay processes (default: the CPUs available)")
    parser.add_argument("--loadgen", choices=("auto", "python", "wrk"), default="auto",
                        help="HTTP load generator (auto: wrk when installed, else the Python one)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    quick = args.quick
    console = Console()
    results: dict[str, Any] = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "quick": quick,
                               "machine": machine()}
    started = time.perf_counter()

    from engine.registry import Registry

    registry = Registry.load()
    if registry.errors:
        console.print(f"[yellow]policies skipped: {registry.errors}[/]")
    steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("load", lambda: bench_load(3 if quick else 5)),
        ("evaluate", lambda: bench_evaluate(registry, 300 if quick else 2000)),
        ("compare", lambda: bench_compare(registry, 50 if quick else 300)),
        ("http", lambda: {**bench_http(registry, 3 if quick else 15, args.connections, args.loadgen),
                          "http_evaluate_breakdown_us": bench_http_breakdown(registry, 100 if quick else 400)}),
        ("replay", lambda: bench_replay(args.replay_decisions or (10_000 if quick else 100_000),
                                        1000 if quick else 5000,
                                        args.workers or len(os.sched_getaffinity(0)))),
    ]
    for name, step in steps:
        if name in args.skip:
            continue
        t = time.perf_counter()
        with console.status(f"bench: {name} …"):
            results.update(step())
        results.setdefault("section_seconds", {})[name] = r1(time.perf_counter() - t)
        console.log(f"{name} done in {time.perf_counter() - t:.1f} s")
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = r1(time.perf_counter() - started)
    results["targets"] = {key: check(results) for _, key, check in TARGETS if key in results}
    out = args.output or (QUICK_RESULTS if quick else RESULTS)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    show(results, console)
    console.print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
