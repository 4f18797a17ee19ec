"""The inputs every benchmark uses: each regime's example facts, widened to 1 project + N experts."""

from __future__ import annotations

import copy
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.facts import load_facts_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 6, 1)


def with_experts(facts: dict[str, Any], n: int) -> dict[str, Any]:
    """A copy of `facts` whose expert list is the example's experts cycled to `n`, each with its own id."""
    out = copy.deepcopy(facts)
    experts = facts.get("experts") or []
    if experts:
        out["experts"] = [{**copy.deepcopy(experts[i % len(experts)]), "id": f"E{i + 1}"} for i in range(n)]
    return out


def example_facts(regime_id: str, which: str = "compliant") -> dict[str, Any]:
    return load_facts_file(EXAMPLES / regime_id / f"{which}.yaml")


def bench_facts(regime_id: str, experts: int = 10) -> dict[str, Any]:
    """The evaluation input of the in-process figures: the regime's compliant example, 1 project + `experts` experts."""
    return with_experts(example_facts(regime_id), experts)


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) of samples, nearest rank on the sorted list."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(fn: Callable[[], Any], n: int, warmup: int = 20) -> list[float]:
    """Wall time of `n` calls of `fn`, in microseconds, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    out: list[float] = []
    clock = time.perf_counter
    for _ in range(n):
        t = clock()
        fn()
        out.append((clock() - t) * 1e6)
    return out


def interleaved(fns: dict[str, Callable[[], Any]], n: int, warmup: int = 20) -> dict[str, list[float]]:
    """Like `timed` for several functions at once, taking turns call by call so that load from other
    processes on the machine falls on all of them alike (the ratios stay fair on a shared machine)."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    out: dict[str, list[float]] = {name: [] for name in fns}
    clock = time.perf_counter
    for _ in range(n):
        for name, fn in fns.items():
            t = clock()
            fn()
            out[name].append((clock() - t) * 1e6)
    return out


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(samples), "p99": percentile(samples, 99), "n": len(samples)}
