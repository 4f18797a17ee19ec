"""Decisions: making and logging one, exact replay of logged ones, and the impact of a candidate policy.

A decision is replayed under the policy snapshot it was decided with (stored by content
hash), rebuilt through the ordinary validator and checked against its hash, so an edit or
reload of `policies/` can never change what "the original rules" means.

A decision logged with a compact record (store.py, record_format 2) has no stored full result:
`full_result` rebuilds it from the facts under the snapshot and checks its outcomes against the
record (the integrity check: `RecordMismatch` when they differ). Batch replay (`replay_all`) and
`impact` evaluate outcomes only (no messages), compare the record's `outcome_digest`, and build the
detailed changes only for decisions whose digest differs; with `workers` > 1 they run in forked
processes over chunks of rows read oldest first, so memory stays flat however long the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing as mp
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import orjson

from engine.audit.store import (
    CODE_OUTCOMES,
    COMPACT,
    Decision,
    Store,
    canonical_json,
    compact_record,
    decisions,
    outcome_digest,
    register_full_result,
    result_digest,
    search_keys,
)
from engine.backends import get_backend
from engine.errors import QueryError
from engine.evaluate import evaluate, subject_instances
from engine.explain import Query
from engine.explain import outcome_codes as outcomes_only
from engine.policy.model import Regime
from engine.policy.validate import PolicyError, load_regime_text
from engine.registry import Registry


class ReplayError(Exception):
    """A decision cannot be replayed (unknown id, missing or damaged snapshot); the message says why."""

    def __init__(self, message: str, field: str = "id", status: int = 404):
        super().__init__(message)
        self.field = field
        self.status = status


_snapshots: dict[str, Regime] = {}
_snapshots_lock = threading.Lock()


def decide(store: Store, regime: Regime, as_of: dt.date, facts: dict[str, Any], stage: str = "application",
           judge: str = "application", capability: str | None = None, edition_note: str = "") -> dict[str, Any]:
    """Evaluate and log: the one way a decision is made, for the API and the pages alike. `capability` is a
    result link's token (stored as its digest only; see `Store.find_by_capability`). `edition_note` (the
    registry's word that the edition asked for was not the one in force) is part of the answer, so it is logged
    in the compact record and the rebuilt result carries it again."""
    result = evaluate(regime, facts, as_of, stage=stage, judge=judge)
    if edition_note:
        result["edition_note"] = edition_note
    store.record(regime, as_of, facts, result, capability=capability)  # sets result["decision_id"] once committed
    return result


def snapshot_regime(store: Store, regime_hash: str) -> Regime:
    """The Regime exactly as logged under `regime_hash`, rebuilt from the stored snapshot."""
    with _snapshots_lock:
        cached = _snapshots.get(regime_hash)
    if cached is not None:
        return cached
    data = store.policy_data(regime_hash)
    if data is None:
        raise ReplayError(f"决策日志中没有内容哈希为 {regime_hash} 的规则快照", "regime_hash", 409)
    try:
        # JSON is YAML, so the snapshot goes through the very validator the file did
        regime = load_regime_text(canonical_json(data), f"<快照 {regime_hash}>", check_quotes=False)
    except PolicyError as exc:
        raise ReplayError(f"规则快照 {regime_hash} 无法重建：{exc.errors[:3]}", "regime_hash", 409) from None
    if regime.hash != regime_hash:
        raise ReplayError(f"规则快照重建后的哈希 {regime.hash} 与记录的 {regime_hash} 不一致", "regime_hash", 409)
    with _snapshots_lock:
        _snapshots[regime_hash] = regime
    return regime


class RecordMismatch(ReplayError):
    """A compact record that its rebuild does not reproduce: the log was altered, or the program that rebuilds
    it decides differently from the one that logged it."""

    def __init__(self, decision_id: str, detail: str):
        super().__init__(f"决策 {decision_id} 的记录与按规则快照重建的结果不一致（{detail}）：记录可能被改动，"
                         "或重建所用的程序与记录时不同", "id", 409)


def _rebuild(store: Store, decision: Decision) -> tuple[Regime, dict[str, Any]]:
    """The decision evaluated again under its snapshot, on its date, stage and judgement, with its id."""
    regime = snapshot_regime(store, decision.regime_hash)
    try:
        result = evaluate(regime, decision.facts, decision.as_of, engine=decision.engine, stage=decision.stage,
                          judge=decision.judged)
    except QueryError as exc:
        raise RecordMismatch(decision.id, f"快照拒绝重算：{exc}") from None
    record = decision.record
    if isinstance(record, dict) and record.get("edition_note"):
        result["edition_note"] = record["edition_note"]  # said when it was decided; not a rule outcome
    result["decision_id"] = decision.id
    return regime, result


def _record_problem(record: dict[str, Any] | None, rebuilt: dict[str, Any]) -> str:
    """'' when the rebuilt record equals the logged one, else what differs (in Chinese)."""
    if not isinstance(record, dict):
        return "紧凑记录无法读取"
    if record.get("verdict") != rebuilt["verdict"]:
        return f"结论：记录为 {record.get('verdict')}，重建为 {rebuilt['verdict']}"
    if record.get("outcomes") != rebuilt["outcomes"]:
        return "规则结果与记录不同"
    return ""


def full_result(store: Store, decision: Decision) -> dict[str, Any]:
    """The full evaluation result of a logged decision, as CONTRACT.md shapes it, with its `decision_id`:
    stored (format 1), or rebuilt under the snapshot (format 2) and checked against the compact record —
    RecordMismatch (409) when the rebuilt outcomes differ. Every reader of a logged result goes through here."""
    if decision.record_format != COMPACT:
        return json.loads(decision.result_json)
    regime, result = _rebuild(store, decision)
    problem = _record_problem(decision.record, compact_record(regime, result))
    if problem:
        raise RecordMismatch(decision.id, problem)
    return result


register_full_result(full_result)  # Decision.result of a compact row goes through here too


def decoded_results(regime: Regime, facts: dict[str, Any], record: dict[str, Any]) -> list[dict[str, Any]]:
    """A compact record's outcomes as result entries (rule, topic, subject, subject_id, outcome; no message),
    in the regime's rule order: the subject ids are those of the facts, in the order the record follows."""
    instances, absent = subject_instances(regime, facts)
    by_kind: dict[str, list[str]] = {}
    for inst in instances:
        by_kind.setdefault(inst.kind, []).append(inst.subject_id)
    rules = {rule.id.split("/", 1)[-1]: (n, rule) for n, rule in enumerate(regime.rules)}
    out: list[tuple[int, int, dict[str, Any]]] = []
    for kind, per in record.get("outcomes", {}).items():
        subjects = [absent[kind]] if kind in absent else by_kind.get(kind, [])
        for local, codes in per.items():
            n, rule = rules.get(local, (len(rules), None))
            for j, code in enumerate(codes):
                out.append((n, j, {"rule": f"{regime.id}/{local}", "topic": rule.topic if rule else None,
                                   "subject": rule.subject if rule else kind,
                                   "subject_id": subjects[j] if j < len(subjects) else f"#{j + 1}",
                                   "outcome": CODE_OUTCOMES.get(code, code), "message": None}))
    out.sort(key=lambda t: (t[0], t[1]))
    return [entry for _, _, entry in out]


def _logged(store: Store, decision: Decision) -> tuple[dict[str, Any], dict[str, Any] | None, bool]:
    """(the logged result, the rebuild under the snapshot or None for a format-1 row, whether the record
    matches it). When a compact record does not match, the logged result is the rebuild with the record's
    verdict and outcomes, so `changes` names exactly what differs."""
    if decision.record_format != COMPACT:
        return json.loads(decision.result_json), None, True
    regime, result = _rebuild(store, decision)
    record = decision.record or {}
    if not _record_problem(record, compact_record(regime, result)):
        return result, result, True
    logged = _outcomes({"results": decoded_results(regime, decision.facts, record)})
    rebuilt = _outcomes(result)
    entries = [{**entry, "outcome": logged[key]["outcome"]} for key, entry in rebuilt.items() if key in logged]
    entries += [entry for key, entry in logged.items() if key not in rebuilt]
    return {**result, "verdict": record.get("verdict"), "results": entries}, result, False


def _outcomes(result: dict[str, Any]) -> dict[tuple[str, str, int], dict[str, Any]]:
    """Results keyed by (rule id within its regime, subject id, n-th occurrence) so editions compare rule by rule."""
    out: dict[tuple[str, str, int], dict[str, Any]] = {}
    seen: dict[tuple[str, str], int] = {}
    for r in result.get("results", []):
        local = r["rule"].split("/", 1)[-1]
        n = seen.get((local, r["subject_id"]), 0)
        seen[(local, r["subject_id"])] = n + 1
        out[(local, r["subject_id"], n)] = r
    return out


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What differs between two evaluation results: regime, verdict, and each rule outcome."""
    old, new = _outcomes(before), _outcomes(after)
    rules = []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        was, now = (a or {}).get("outcome"), (b or {}).get("outcome")
        if was != now:
            rules.append({"rule": key[0], "subject_id": key[1], "from": was, "to": now,
                          "topic": (b or a or {}).get("topic"), "message": (b or a or {}).get("message")})
    verdict = None
    if before["verdict"] != after["verdict"]:
        verdict = {"from": before["verdict"], "to": after["verdict"]}
    regime = None
    if before["regime"] != after["regime"]:
        regime = {"from": before["regime"], "to": after["regime"]}
    as_of = None if before["as_of"] == after["as_of"] else {"from": before["as_of"], "to": after["as_of"]}
    return {"identical": not (rules or verdict or regime or as_of), "regime": regime, "as_of": as_of,
            "verdict": verdict, "rules": rules}


def replay(store: Store, decision_id: str, registry: Registry | None = None, regime_id: str | None = None,
           as_of: dt.date | None = None) -> dict[str, Any]:
    """Re-evaluate a logged decision: under its own snapshot by default; under `regime_id`, or under the
    edition of the same region in force on `as_of`, when asked (both from `registry`)."""
    decision = store.get(decision_id)
    if decision is None:
        raise ReplayError(f"决策 '{decision_id}' 不存在")
    original = snapshot_regime(store, decision.regime_hash)
    if regime_id is not None:
        regime = _registry(registry).get(regime_id)
    elif as_of is not None:
        regime = _registry(registry).select(original.region, as_of)
    else:
        regime = original
    logged, rebuilt, matches = _logged(store, decision)
    if regime is original and as_of is None and rebuilt is not None:
        result = {k: v for k, v in rebuilt.items() if k != "decision_id"}  # the exact replay is the rebuild
    else:
        result = evaluate(regime, decision.facts, as_of or decision.as_of, stage=decision.stage,
                          judge=decision.judged)
    return {"decision_id": decision.id, "original": logged, "result": result, "changes": changes(logged, result),
            "record_matches": matches}


def _registry(registry: Registry | None) -> Registry:
    return registry if registry is not None else Registry.load()


# an outcome that leaves the applicant nothing to fix: a pass, a rule that does not apply, or no such rule
# (the same reading as `compare`'s ≠); a change between two of these is not a change of outcome
NOTHING_TO_FIX = frozenset({None, "pass", "not_applicable"})


def outcome_changes(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """The rule changes of `changes()` that change what the applicant must do (e.g. pass → fail,
    missing → pass, a new rule that fails); a new rule that passes or does not apply is left out."""
    return [r for r in diff["rules"] if not (r["from"] in NOTHING_TO_FIX and r["to"] in NOTHING_TO_FIX)]


def _date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def replaced_edition(candidate: Regime, store: Store, registry: Registry | None = None) -> dict[str, Any] | None:
    """The edition a candidate would replace: the one with its id, else the edition of its region in force
    on its `effective_from`. Editions are those whose snapshots are in the log, and those of `registry`."""
    editions: dict[str, dict[str, Any]] = {}
    for snap in store.snapshots():
        day = _date(snap["effective_from"])
        if day is not None:
            editions.setdefault(snap["id"], {"id": snap["id"], "region": snap["region"], "effective_from": day})
    for regime in (registry.regimes.values() if registry is not None else []):
        editions[regime.id] = {"id": regime.id, "region": regime.region, "effective_from": regime.effective_from}
    if candidate.id in editions:
        found, why = editions[candidate.id], "same_id"
    else:
        in_force = sorted((e for e in editions.values()
                           if e["region"] == candidate.region and e["effective_from"] <= candidate.effective_from),
                          key=lambda e: (e["effective_from"], e["id"]))
        if not in_force:
            return None
        found, why = in_force[-1], "in_force"
    return {"id": found["id"], "effective_from": found["effective_from"].isoformat(), "why": why}


# ---------------------------------------------------------------- batch replay: impact, replay_all

CHUNK = 200  # rows per task of a worker process
_COLUMNS = ("id", "created_at", "regime_id", "regime_version", "regime_hash", "as_of", "facts_json", "result_json",
            "engine", "stage", "judged", "record_format", "outcome_digest", "verdict", "project_id",
            "applicant_unit", "host_unit")
# a batch job's inputs, by job id: set before the worker processes fork, so they inherit them (compiled)
_jobs: dict[str, dict[str, Any]] = {}


def outcomes_under(regime: Regime, facts: dict[str, Any], as_of: dt.date, stage: str, judge: str,
                   engine: str = "durable") -> tuple[str, dict[str, dict[str, str]]]:
    """The verdict and outcome codes (store.outcome_codes) of `evaluate(regime, facts, …)`, without rendering
    a message: what batch replay compares. QueryError as `evaluate`."""
    query = Query.make(regime, facts, stage, judge, as_of)
    instances, absent = subject_instances(regime, facts, query.subjects)
    return outcomes_only(regime, instances, absent, get_backend(engine).run(regime, instances), query)


def _row_tuple(row: Any) -> tuple[Any, ...]:
    """A row as plain values (sent to worker processes)."""
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    as_of = row.as_of if isinstance(row.as_of, dt.date) else dt.date.fromisoformat(str(row.as_of))
    return (row.id, created.astimezone(dt.UTC).isoformat(), row.regime_id, row.regime_version, row.regime_hash,
            as_of.isoformat(), row.facts_json, row.result_json, row.engine, row.stage, row.judged,
            row.record_format or 1, row.outcome_digest, row.verdict, row.project_id, row.applicant_unit,
            row.host_unit)


def _chunks(store: Store, regime_ids: Sequence[str] | None, limit: int | None,
            state: dict[str, Any]) -> Iterator[list[tuple[Any, ...]]]:
    """Rows oldest first in chunks of CHUNK; stops after `limit` rows (state["truncated"] when more exist)."""
    columns = [decisions.c[name] for name in _COLUMNS]
    taken = 0
    for rows in store.scan(regime_ids, CHUNK, columns):
        if limit is not None and taken + len(rows) > limit:
            rows = rows[:limit - taken]
            state["truncated"] = True
        taken += len(rows)
        if rows:
            yield [_row_tuple(r) for r in rows]
        if state.get("truncated"):
            return


def _snapshot(job: dict[str, Any], regime_hash: str) -> Regime:
    found = job["snapshots"].get(regime_hash)
    if isinstance(found, Regime):
        return found
    raise ReplayError(str(found or f"决策日志中没有内容哈希为 {regime_hash} 的规则快照"), "regime_hash", 409)


def _facts(text: str) -> dict[str, Any]:
    """Logged facts, parsed with orjson (≈ 3× json's speed; batch replay parses one per decision). What orjson
    refuses (an integer beyond 64 bits) goes to json, which gives the same values."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _ref(row: tuple[Any, ...]) -> dict[str, str]:
    return {"id": row[2], "version": row[3], "hash": row[4]}


def _impact_row(job: dict[str, Any], row: tuple[Any, ...], out: dict[str, Any]) -> None:
    (decision_id, created_at, _rid, _ver, regime_hash, as_of_text, facts_json, result_json, _engine, stage, judged,
     record_format, stored_digest, verdict_col, project_id, applicant_unit, host_unit) = row
    candidate: Regime = job["candidate"]
    facts = _facts(facts_json)
    as_of = dt.date.fromisoformat(as_of_text)
    try:
        if record_format == COMPACT:
            verdict, codes = outcomes_under(candidate, facts, as_of, stage, judged)
            if outcome_digest(verdict, codes) == stored_digest:
                return  # nothing the applicant must do differently: the common case ends here
            record = json.loads(result_json)
            snapshot = _snapshot(job, regime_hash)
            before = {"regime": _ref(row), "as_of": as_of_text, "verdict": record["verdict"],
                      "results": decoded_results(snapshot, facts, record)}
        else:
            before = json.loads(result_json)
        after = evaluate(candidate, facts, as_of, stage=stage, judge=judged)
    except (QueryError, ReplayError) as exc:  # e.g. the candidate no longer makes this judgement
        out["refused"].append({"decision_id": decision_id, "error": str(exc)})
        return
    diff = changes(before, after)
    moved = outcome_changes(diff)
    if not (diff["verdict"] or moved):
        return
    if record_format == COMPACT and any(r["to"] is None for r in moved):
        # a rule the candidate drops: its message is the logged one, rebuilt under the snapshot (rare)
        snapshot = _snapshot(job, regime_hash)
        old = _outcomes(evaluate(snapshot, facts, as_of, stage=stage, judge=judged))
        seen: dict[tuple[str, str], int] = {}
        for r in moved:
            n = seen.get((r["rule"], r["subject_id"]), 0)
            seen[(r["rule"], r["subject_id"])] = n + 1
            if r["to"] is None and (r["rule"], r["subject_id"], n) in old:
                r["message"] = old[(r["rule"], r["subject_id"], n)]["message"]
    if verdict_col is None:  # logged before the search columns: read them from the JSON
        keys = search_keys("", facts, before)
        project_id, applicant_unit, host_unit = keys["project_id"], keys["applicant_unit"], keys["host_unit"]
    out["changed"].append({"decision_id": decision_id, "created_at": created_at, "regime": _ref(row),
                           "as_of": as_of_text, "stage": stage, "judged": judged, "project_id": project_id,
                           "applicant_unit": applicant_unit, "host_unit": host_unit,
                           "verdict_before": before["verdict"], "verdict_after": after["verdict"],
                           "verdict": diff["verdict"], "rules": moved})


def _exact_row(job: dict[str, Any], row: tuple[Any, ...], out: dict[str, Any]) -> None:
    (decision_id, created_at, _rid, _ver, regime_hash, as_of_text, facts_json, result_json, engine, stage, judged,
     record_format, *_rest) = row
    facts = _facts(facts_json)
    as_of = dt.date.fromisoformat(as_of_text)
    try:
        regime = _snapshot(job, regime_hash)
        if record_format == COMPACT:
            verdict, codes = outcomes_under(regime, facts, as_of, stage, judged, engine)
            record = json.loads(result_json)
            if verdict == record.get("verdict") and codes == record.get("outcomes"):
                return
            base = {"regime": _ref(row), "as_of": as_of_text}
            before = {**base, "verdict": record.get("verdict"), "results": decoded_results(regime, facts, record)}
            after = {**base, "verdict": verdict,
                     "results": decoded_results(regime, facts, {"outcomes": codes})}
        else:
            before = json.loads(result_json)
            after = evaluate(regime, facts, as_of, engine=engine, stage=stage, judge=judged)
    except (QueryError, ReplayError) as exc:
        out["refused"].append({"decision_id": decision_id, "error": str(exc)})
        return
    diff = changes(before, after)
    if not diff["identical"]:
        out["changed"].append({"decision_id": decision_id, "created_at": created_at, "regime": _ref(row),
                               "as_of": as_of_text, "stage": stage, "judged": judged, "changes": diff})


def _run_chunk(job: dict[str, Any], rows: list[tuple[Any, ...]],
               each: Callable[[int], None] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"done": 0, "changed": [], "refused": []}
    step = _impact_row if job["mode"] == "impact" else _exact_row
    for row in rows:
        step(job, row, out)
        out["done"] += 1
        if each is not None:
            each(out["done"])
    return out


def _run_forked_chunk(job_id: str, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    return _run_chunk(_jobs[job_id], rows)


def _prepare(store: Store, job: dict[str, Any], regime_ids: Sequence[str] | None, compile_all: bool) -> None:
    """The snapshots the rows were decided with (or why one cannot be rebuilt), compiled when the workers will
    evaluate under them — before forking, so every worker shares the compiled rulesets."""
    backend = get_backend("durable")
    if job.get("candidate") is not None:
        backend.prepare(job["candidate"])
    snapshots: dict[str, Regime | str] = {}
    for regime_hash in store.regime_hashes(regime_ids):
        try:
            snapshots[regime_hash] = snapshot_regime(store, regime_hash)
            if compile_all:
                backend.prepare(snapshots[regime_hash])  # type: ignore[arg-type]
        except Exception as exc:  # a snapshot that cannot be rebuilt or compiled: its rows are refused, named
            snapshots[regime_hash] = str(exc)
    job["snapshots"] = snapshots


def _batch(store: Store, job: dict[str, Any], regime_ids: Sequence[str] | None, total: int, limit: int | None,
           workers: int, progress: Callable[[int, int], None] | None) -> dict[str, Any]:
    """Run `job` over the rows; the chunks' results merged in log order, with `truncated`."""
    state: dict[str, Any] = {"truncated": False}
    merged: dict[str, Any] = {"done": 0, "changed": [], "refused": []}

    def add(part: dict[str, Any]) -> None:
        merged["done"] += part["done"]
        merged["changed"] += part["changed"]
        merged["refused"] += part["refused"]

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, max(total, done))

    chunks = _chunks(store, regime_ids, limit, state)
    if workers <= 1:
        for rows in chunks:
            base = merged["done"]
            add(_run_chunk(job, rows, lambda n, base=base: tick(base + n)))  # type: ignore[misc]
        return {**merged, "truncated": state["truncated"]}
    job_id = str(uuid.uuid4())
    _jobs[job_id] = job
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            pending: deque[Future[dict[str, Any]]] = deque()
            for rows in chunks:
                pending.append(pool.submit(_run_forked_chunk, job_id, rows))
                while len(pending) >= 2 * workers:  # a bounded window of chunks in flight: flat memory
                    add(pending.popleft().result())
                    tick(merged["done"])
            while pending:
                add(pending.popleft().result())
                tick(merged["done"])
    finally:
        _jobs.pop(job_id, None)
    return {**merged, "truncated": state["truncated"]}


def impact(store: Store, candidate: Regime, progress: Callable[[int, int], None] | None = None,
           registry: Registry | None = None, limit: int | None = None, workers: int = 1) -> dict[str, Any]:
    """Replay the logged decisions of the edition the candidate would replace (`replaced_edition`; and any
    logged under the candidate's own id) under the candidate, each on its own date, stage and judgement.

    Reports per changed decision the verdict before and after and the rules whose outcome changed
    (`outcome_changes`), and totals per rule. With `limit`, at most that many decisions are replayed
    (`truncated` says so). Nothing is written: a candidate is only ever compared, never stored.
    Compact records are compared by `outcome_digest` (outcomes only, no messages); only a decision whose
    digest differs is evaluated in full for its detailed changes. `workers` > 1: that many forked processes.
    """
    replaces = replaced_edition(candidate, store, registry)
    regime_ids = sorted({candidate.id} | ({replaces["id"]} if replaces else set()))
    total = store.count(regime_ids)
    if limit is not None:
        total = min(total, limit)
    job: dict[str, Any] = {"mode": "impact", "candidate": candidate}
    _prepare(store, job, regime_ids, compile_all=False)
    ran = _batch(store, job, regime_ids, total, limit, workers, progress)
    per_rule: dict[str, dict[str, Any]] = {}
    verdicts = rules = 0
    for item in ran["changed"]:
        moved = item["rules"]
        verdicts += item["verdict"] is not None
        rules += bool(moved)
        for rule in {r["rule"]: r for r in moved}.values():
            entry = per_rule.setdefault(rule["rule"], {"rule": rule["rule"], "topic": rule.get("topic"),
                                                      "decisions": 0, "transitions": {}})
            entry["decisions"] += 1
        for rule in moved:
            step = f"{rule['from'] or '—'}→{rule['to'] or '—'}"  # — : the rule is absent on that side
            transitions = per_rule[rule["rule"]]["transitions"]
            transitions[step] = transitions.get(step, 0) + 1
    by_rule = sorted(per_rule.values(), key=lambda e: (-e["decisions"], e["rule"]))
    return {"candidate": candidate.ref(), "replaces": replaces, "regimes": regime_ids, "decisions": ran["done"],
            "changed": len(ran["changed"]), "verdict_changed": verdicts, "rules_changed": rules,
            "truncated": ran["truncated"], "refused": ran["refused"], "by_rule": by_rule, "changes": ran["changed"]}


def replay_all(store: Store, regime_ids: Sequence[str] | None = None, progress: Callable[[int, int], None] | None = None,
               workers: int = 1, limit: int | None = None) -> dict[str, Any]:
    """Exact replay of every logged decision (of `regime_ids`, when given) under its own snapshot: a compact
    record must be reproduced outcome for outcome (and verdict), a full result rule for rule. Lists those that
    are not (`different`, with their changes) and those that cannot be replayed (`refused`)."""
    total = store.count(regime_ids) if regime_ids is not None else store.count()
    if limit is not None:
        total = min(total, limit)
    job: dict[str, Any] = {"mode": "exact", "candidate": None}
    _prepare(store, job, regime_ids, compile_all=True)
    ran = _batch(store, job, regime_ids, total, limit, workers, progress)
    return {"decisions": ran["done"], "identical": ran["done"] - len(ran["changed"]) - len(ran["refused"]),
            "different": ran["changed"], "refused": ran["refused"], "truncated": ran["truncated"]}


def replay_under(decision: Decision, regime: Regime) -> dict[str, Any]:
    """Changes (verdict and rule outcomes) of one logged decision re-evaluated under `regime` on its own date."""
    logged = decision.result  # format 2: rebuilt and checked by full_result (the Decision knows its store)
    return changes(logged, evaluate(regime, decision.facts, decision.as_of, stage=decision.stage,
                                    judge=decision.judged))


def rebuilt_as_sent(decision: Decision, rebuilt: dict[str, Any]) -> bool | None:
    """Whether `rebuilt` (its `full_result`) is byte for byte (canonical JSON) the answer that was sent: None when
    that cannot be told (a format-1 row, or facts erased since: the names in the messages are gone by design)."""
    if decision.record_format != COMPACT or decision.result_digest is None:
        return None
    if decision.facts_digest != hashlib.sha256(decision.facts_json.encode("utf-8", "surrogateescape")).hexdigest():
        return None
    return result_digest(rebuilt) == decision.result_digest
