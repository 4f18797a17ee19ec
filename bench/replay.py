"""Batch replay of a large decision log: fill a temporary SQLite log fast, then replay all of it.

Filling. Each distinct input (every regime's compliant and flawed example with 1, 2, 3, 5 and
10 experts) is decided once through `Store.record` (which also stores the policy snapshot);
the rest of the log is bulk-inserted copies of those decisions with their own ids and times.
One decision in a hundred is stored with one rule outcome flipped, as if an older engine had
decided it, so replay meets real differences too.

Replay. `engine.audit.replay` has no batch path: `replay()` takes one id, and `impact()` replays a
regime's decisions one by one under a candidate. The batch driver here (what a
`replay_batch(store, shard=(k, n))` in service/replay.py would be) shards the log by rowid over
worker processes forked after the policy snapshots are compiled. Each decision is re-evaluated
under its own snapshot; the outcomes are compared with the logged ones without rendering
messages (`engine.explain.outcome_digest`), and only a decision that differs is evaluated in
full through `engine.audit.replay.replay_under` for its exact list of changes. A sample is also
replayed through `replay_under` to check the short path says the same.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import resource
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal_column, select

from bench.workload import AS_OF, example_facts, with_experts
from engine.audit.replay import replay_under, snapshot_regime
from engine.audit.store import Decision, Store, decisions
from engine.backends import get_backend
from engine.evaluate import evaluate, subject_instances
from engine.explain import outcome_digest
from engine.registry import Registry

EXPERT_COUNTS = (1, 2, 3, 5, 10)
TAMPER_EVERY = 100  # one decision in this many is logged with one outcome flipped
VERIFY_EVERY = 500  # one decision in this many is also replayed the slow way, to check the fast one
READ_BATCH = 500


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- filling the log

def _tampered(result: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(result, ensure_ascii=False))
    first = out["results"][0]
    first["outcome"] = "fail" if first["outcome"] != "fail" else "pass"
    return out


def fill(store: Store, registry: Registry, total: int) -> dict[str, Any]:
    """`total` decisions in the log: each distinct input decided once for real, the rest bulk-inserted copies."""
    started = time.perf_counter()
    variants: list[tuple[Any, dict[str, Any], str, str]] = []  # regime, facts, result text, tampered result text
    for rid in sorted(registry.regimes):
        regime = registry.get(rid)
        for which in ("compliant", "flawed"):
            base = example_facts(rid, which)
            for n in EXPERT_COUNTS:
                facts = with_experts(base, n)
                result = evaluate(regime, facts, AS_OF)
                store.record(regime, AS_OF, facts, result)
                result.pop("decision_id")
                variants.append((regime, facts, json.dumps(result, ensure_ascii=False),
                                 json.dumps(_tampered(result), ensure_ascii=False)))
    facts_text = [json.dumps(v[1], ensure_ascii=False) for v in variants]
    t0 = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    remaining = total - len(variants)
    chunk = 2000
    done = 0
    while done < remaining:
        rows = []
        for i in range(done, min(remaining, done + chunk)):
            k = i % len(variants)
            regime, _, result_text, tampered_text = variants[k]
            did = str(uuid.uuid4())
            text = tampered_text if i % TAMPER_EVERY == TAMPER_EVERY - 1 else result_text
            rows.append({"id": did, "created_at": t0 + dt.timedelta(milliseconds=i), "regime_id": regime.id,
                         "regime_version": regime.version, "regime_hash": regime.hash, "as_of": AS_OF,
                         "facts_json": facts_text[k], "result_json": f'{text[:-1]}, "decision_id": "{did}"}}',
                         "engine": "durable"})
        with store.engine.begin() as conn:
            conn.execute(decisions.insert(), rows)
        done += len(rows)
    seconds = time.perf_counter() - started
    with store.engine.connect() as conn:
        count = int(conn.execute(select(func.count()).select_from(decisions)).scalar() or 0)
    return {"decisions": count, "variants": len(variants), "seconds": round(seconds, 2),
            "tampered": remaining // TAMPER_EVERY}


# ---------------------------------------------------------------- the batch driver

@dataclass
class Shard:
    decisions: int = 0
    identical: int = 0
    changed: int = 0
    full_evaluations: int = 0
    verified: int = 0
    mismatches: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_peak_mb: float = 0.0


def _rows(store: Store, shard: int, shards: int) -> Any:
    """The decisions of one shard (rowid mod shards), oldest first, read READ_BATCH at a time."""
    rowid = literal_column("decisions.rowid")
    last = 0
    while True:
        query = (select(decisions, rowid.label("rid")).where(rowid > last).where(rowid % shards == shard)
                 .order_by(rowid).limit(READ_BATCH))
        with store.engine.connect() as conn:
            rows = conn.execute(query).all()
        yield from rows
        if len(rows) < READ_BATCH:
            return
        last = rows[-1].rid


def _decision(row: Any) -> Decision:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    as_of = row.as_of if isinstance(row.as_of, dt.date) else dt.date.fromisoformat(str(row.as_of))
    return Decision(row.id, created, row.regime_id, row.regime_version, row.regime_hash, as_of,
                    row.facts_json, row.result_json, row.engine)


def replay_shard(url: str, shard: int, shards: int, limit: int | None = None) -> Shard:
    """Replay every decision of one shard under its own snapshot; counts, time and memory."""
    store = Store(url)
    run = get_backend("durable").run
    out = Shard()
    refs: dict[str, dict[str, Any]] = {}
    started, cpu = time.perf_counter(), time.process_time()
    try:
        for row in _rows(store, shard, shards):
            decision = _decision(row)
            regime = snapshot_regime(store, decision.regime_hash)
            ref = refs.get(regime.hash) or refs.setdefault(regime.hash, regime.ref())
            facts, logged = json.loads(decision.facts_json), json.loads(decision.result_json)
            instances, absent = subject_instances(regime, facts)
            verdict, digest = outcome_digest(regime, instances, absent, run(regime, instances))
            entries = logged["results"]
            same = (logged["verdict"] == verdict and logged["regime"] == ref and logged["as_of"] == decision.as_of.isoformat()
                    and len(digest) == len(entries)
                    and all((r["rule"], r["subject_id"], r["outcome"]) == d for r, d in zip(entries, digest, strict=True)))
            if same:
                out.identical += 1
            else:  # something differs: the full result, for the exact list of changes
                out.full_evaluations += 1
                out.changed += not replay_under(decision, regime)["identical"]
            if out.decisions % VERIFY_EVERY == 0:
                out.verified += 1
                out.mismatches += replay_under(decision, regime)["identical"] != same
            out.decisions += 1
            if out.decisions in (1, READ_BATCH):
                out.rss_start_mb = rss_mb()
            if limit is not None and out.decisions >= limit:
                break
    finally:
        out.seconds = time.perf_counter() - started
        out.cpu_seconds = time.process_time() - cpu
        out.rss_end_mb = rss_mb()
        out.rss_peak_mb = peak_rss_mb()
        store.close()
    return out


def _worker(args: tuple[str, int, int, int | None]) -> Shard:
    return replay_shard(*args)


def warm_snapshots(url: str) -> None:
    """Rebuild and compile every snapshot in the log before forking, so workers share them."""
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            hashes = [h for (h,) in conn.execute(select(decisions.c.regime_hash).distinct())]
        for h in hashes:
            regime = snapshot_regime(store, h)
            evaluate(regime, {}, AS_OF)  # compiles the engine ruleset
    finally:
        store.close()


def replay_batch(url: str, workers: int, limit: int | None = None) -> dict[str, Any]:
    """Replay the whole log over `workers` forked processes (1: in this process)."""
    warm_snapshots(url)
    rss_before = rss_mb()
    started = time.perf_counter()
    if workers <= 1:
        shards = [replay_shard(url, 0, 1, limit)]
    else:
        per = None if limit is None else -(-limit // workers)
        with mp.get_context("fork").Pool(workers) as pool:
            shards = pool.map(_worker, [(url, k, workers, per) for k in range(workers)])
    seconds = time.perf_counter() - started
    total = sum(s.decisions for s in shards)
    return {
        "workers": workers,
        "decisions": total,
        "seconds": round(seconds, 2),
        "per_s": round(total / seconds, 1) if seconds else 0.0,
        "cpu_seconds": round(sum(s.cpu_seconds for s in shards), 2),
        "per_cpu_s": round(total / sum(s.cpu_seconds for s in shards), 1),
        "identical": sum(s.identical for s in shards),
        "changed": sum(s.changed for s in shards),
        "full_evaluations": sum(s.full_evaluations for s in shards),
        "verified": sum(s.verified for s in shards),
        "mismatches": sum(s.mismatches for s in shards),
        "parent_rss_mb": {"before": round(rss_before, 1), "after": round(rss_mb(), 1)},
        "worker_rss_mb": [{"after_first_batch": round(s.rss_start_mb, 1), "end": round(s.rss_end_mb, 1),
                           "peak": round(s.rss_peak_mb, 1)} for s in shards],
        "rss_mb": round(max(s.rss_peak_mb for s in shards), 1),
    }


def replay_baseline(url: str, limit: int) -> dict[str, Any]:
    """The existing one-at-a-time path: Store.decisions_for + engine.audit.replay.replay_under, one process."""
    store = Store(url)
    try:
        done = changed = 0
        started, cpu = time.perf_counter(), time.process_time()
        with store.engine.connect() as conn:
            regime_ids = [r for (r,) in conn.execute(select(decisions.c.regime_id).distinct().order_by(decisions.c.regime_id))]
        per = -(-limit // len(regime_ids))
        for rid in regime_ids:
            for n, decision in enumerate(store.decisions_for(rid)):
                if n >= per:
                    break
                changed += not replay_under(decision, snapshot_regime(store, decision.regime_hash))["identical"]
                done += 1
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        store.close()
    return {"decisions": done, "changed": changed, "seconds": round(seconds, 2), "per_s": round(done / seconds, 1),
            "per_cpu_s": round(done / cpu, 1)}


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))
