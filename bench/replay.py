"""Replay of a large decision log through the product's own path.

Filling. `N` distinct decisions (bench/generate.py: all five regimes, 1–20 experts, varied facts,
stages, judgements and dates) are evaluated in worker processes and logged by `Store.record`, the
very call the service makes, from many threads at once so its group commit batches them. One
decision in TAMPER_EVERY is logged with its first rule outcome flipped, as if an older engine had
decided it, so replay meets real differences (TAMPER_EVERY is prime to the five regimes, so every
regime gets its share).

Replay. `engine.audit.replay.impact(store, regime)` for each regime, with the regime as loaded
today as the candidate (the policies the decisions were made with): every logged decision is
re-evaluated under it on its own date, stage and judgement and compared with its logged result.
This is what `regimes impact` and `POST /v1/impact` run. It runs in a fresh process, so its
memory is its own: RSS is sampled every SAMPLE_EVERY decisions. The changes it finds must be
exactly the tampered decisions.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.generate import decision
from bench.workload import ROOT

TAMPER_EVERY = 101
CHUNK = 200  # decisions per task of a filling worker
RECORD_THREADS = 64  # concurrent Store.record calls: the group commit batches them
SAMPLE_EVERY = 100


def rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return out


def tree_rss_mb() -> float:
    """RSS of this process and its worker processes (replay forks them), summed."""
    total, todo = 0.0, [os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                total += next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")), 0.0)
        except OSError:
            continue
        todo.extend(_children(pid))
    return total


def _cpu_seconds() -> float:
    t = os.times()  # the replay's worker processes included, once they have been waited for
    return t.user + t.system + t.children_user + t.children_system


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: a spawned child inherits its parent's ru_maxrss across
    exec, so that would report the bench's own peak (the filled log), not the replay's."""
    return rss_mb("VmHWM")


# ---------------------------------------------------------------- filling the log

_registry: Any = None


def _evaluate_chunk(seeds: range) -> list[tuple[int, str, str, dict[str, Any], dict[str, Any], bool]]:
    from engine.evaluate import evaluate

    reg = _registry
    ids = tuple(sorted(reg.regimes))
    made = {r: tuple(reg.get(r).judgements) for r in ids}
    out = []
    for seed in seeds:
        g = decision(seed, ids, made)
        result = evaluate(reg.get(g.regime_id), g.facts, g.as_of, stage=g.stage, judge=g.judge)
        out.append((seed, g.regime_id, g.as_of.isoformat(), g.facts, result, g.fallback))
    return out


def _tamper(result: dict[str, Any]) -> dict[str, Any]:
    if result["results"]:
        first = result["results"][0]
        first["outcome"] = "fail" if first["outcome"] != "fail" else "pass"
    return result


def fill(url: str, total: int, workers: int) -> dict[str, Any]:
    """`total` distinct decisions logged at `url` through Store.record; counts and time."""
    global _registry
    from engine.audit.store import Store
    from engine.registry import Registry

    started = time.perf_counter()
    _registry = Registry.load()  # compiled before forking: the workers share it
    store = Store(url)
    tampered = fallbacks = 0
    verdicts: dict[str, int] = {}
    experts: list[int] = []
    chunks = [range(i, min(total, i + CHUNK)) for i in range(0, total, CHUNK)]
    try:
        with mp.get_context("fork").Pool(workers) as pool, ThreadPoolExecutor(RECORD_THREADS) as threads:
            pending: list[Any] = []
            for chunk in pool.imap(_evaluate_chunk, chunks):
                for seed, rid, as_of, facts, result, fallback in chunk:
                    fallbacks += fallback
                    verdicts[result["verdict"]] = verdicts.get(result["verdict"], 0) + 1
                    experts.append(len(facts.get("experts") or []))
                    if seed % TAMPER_EVERY == TAMPER_EVERY - 1:  # seeds 100, 201, …: every regime in turn
                        tampered += 1
                        result = _tamper(result)
                    pending.append(threads.submit(store.record, _registry.get(rid), dt.date.fromisoformat(as_of),
                                                  facts, result))
                if len(pending) > 4 * RECORD_THREADS:
                    for f in pending:
                        f.result()  # re-raises a failed record: the bench stops
                    pending = []
            for f in pending:
                f.result()
        count = store.count()
    finally:
        store.close()
        _registry = None
    assert count == total, f"the log holds {count} decisions, {total} were recorded"
    return {"decisions": count, "distinct": total, "seconds": round(time.perf_counter() - started, 2),
            "tampered": tampered, "generator_fallbacks": fallbacks, "verdicts": verdicts,
            "experts_min": min(experts, default=0), "experts_max": max(experts, default=0),
            "experts_mean": round(sum(experts) / len(experts), 1) if experts else 0}


# ---------------------------------------------------------------- replay, the product's path

def _product_replay(url: str) -> dict[str, Any]:
    """In a fresh process: impact() of every regime under itself, in as many processes as there are CPUs (as
    `regimes impact` does), RSS of the whole process tree sampled as it goes."""
    from engine.audit.replay import impact
    from engine.audit.store import Store
    from engine.registry import Registry

    registry = Registry.load()
    store = Store(url)
    samples: list[tuple[int, float]] = []
    by_regime: dict[str, list[float]] = {}
    current: list[float] = []
    done_before = 0

    def progress(done: int, _total: int) -> None:
        n = done_before + done
        if n % SAMPLE_EVERY == 0:
            mb = tree_rss_mb()
            samples.append((n, mb))
            current.append(mb)

    per_regime: dict[str, Any] = {}
    workers = os.cpu_count() or 1
    started, cpu = time.perf_counter(), _cpu_seconds()
    try:
        for rid in sorted(registry.regimes):
            t = time.perf_counter()
            current = by_regime.setdefault(rid, [])
            out = impact(store, registry.get(rid), progress, workers=workers)
            per_regime[rid] = {"decisions": out["decisions"], "changed": out["changed"],
                               "seconds": round(time.perf_counter() - t, 2)}
            if len(current) >= 2:  # within one regime: from its first tenth to its end (no new regime to warm up)
                first = current[max(0, len(current) // 10)]
                per_regime[rid]["rss_growth"] = round(current[-1] / first - 1, 3)
            done_before += out["decisions"]
    finally:
        seconds, cpu_s = time.perf_counter() - started, _cpu_seconds() - cpu
        store.close()
    total = sum(r["decisions"] for r in per_regime.values())
    early = next((mb for n, mb in samples if n >= total // 10), samples[0][1] if samples else float("nan"))
    end = samples[-1][1] if samples else tree_rss_mb()
    within = [r["rss_growth"] for r in per_regime.values() if "rss_growth" in r]
    return {"path": f"engine.audit.replay.impact (regimes impact / POST /v1/impact), {workers} processes",
            "decisions": total, "changed": sum(r["changed"] for r in per_regime.values()),
            "seconds": round(seconds, 2), "per_s": round(total / seconds, 1) if seconds else 0.0,
            "cpu_seconds": round(cpu_s, 2), "per_cpu_s": round(total / cpu_s, 1) if cpu_s else 0.0,
            "rss_mb_at_10_percent": round(early, 1), "rss_mb_end": round(end, 1), "rss_mb_peak": round(peak_rss_mb(), 1),
            "rss_mb_tree_peak": round(max((mb for _, mb in samples), default=end), 1), "processes": workers,
            "rss_growth": round(end / early - 1, 3) if early == early and early else None,
            "rss_growth_within_regime_max": max(within) if within else None,
            "rss_samples": [(n, round(mb, 1)) for n, mb in samples[:: max(1, len(samples) // 20)]],
            "per_regime": per_regime}


def product_replay(url: str) -> dict[str, Any]:
    """`_product_replay` in a fresh interpreter (`python -m bench.replay URL`): its memory is the replay's own."""
    run = subprocess.run([sys.executable, "-m", "bench.replay", url], cwd=ROOT, capture_output=True, text=True,
                         timeout=24 * 3600)
    if run.returncode != 0:
        raise RuntimeError(f"replay process failed: {run.stderr[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def database_mb(path: str) -> float:
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p)) / 1e6


if __name__ == "__main__":
    print(json.dumps(_product_replay(sys.argv[1]), ensure_ascii=False))
