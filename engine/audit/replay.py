"""Decisions: making and logging one, exact replay of logged ones, and the impact of a candidate policy.

A decision is replayed under the policy snapshot it was decided with (stored by content
hash), rebuilt through the ordinary validator and checked against its hash, so an edit or
reload of `policies/` can never change what "the original rules" means.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from engine.audit.store import Decision, Store, canonical_json
from engine.errors import QueryError
from engine.evaluate import evaluate
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
           judge: str = "application", capability: str | None = None) -> dict[str, Any]:
    """Evaluate and log: the one way a decision is made, for the API and the pages alike. `capability` is a
    result link's token (stored as its digest only; see `Store.find_by_capability`)."""
    result = evaluate(regime, facts, as_of, stage=stage, judge=judge)
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
    logged = decision.result
    result = evaluate(regime, decision.facts, as_of or decision.as_of, stage=decision.stage, judge=decision.judged)
    return {"decision_id": decision.id, "original": logged, "result": result, "changes": changes(logged, result)}


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


def impact(store: Store, candidate: Regime, progress: Callable[[int, int], None] | None = None,
           registry: Registry | None = None, limit: int | None = None) -> dict[str, Any]:
    """Replay the logged decisions of the edition the candidate would replace (`replaced_edition`; and any
    logged under the candidate's own id) under the candidate, each on its own date, stage and judgement.

    Reports per changed decision the verdict before and after and the rules whose outcome changed
    (`outcome_changes`), and totals per rule. With `limit`, at most that many decisions are replayed
    (`truncated` says so). Nothing is written: a candidate is only ever compared, never stored.
    """
    replaces = replaced_edition(candidate, store, registry)
    regime_ids = sorted({candidate.id} | ({replaces["id"]} if replaces else set()))
    total = store.count(regime_ids)
    if limit is not None:
        total = min(total, limit)
    changed: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    per_rule: dict[str, dict[str, Any]] = {}
    verdicts = rules = done = 0
    truncated = False
    for decision in store.decisions_for(regime_ids):
        if limit is not None and done >= limit:
            truncated = True
            break
        done += 1
        try:
            after = evaluate(candidate, decision.facts, decision.as_of, stage=decision.stage, judge=decision.judged)
        except QueryError as exc:  # e.g. the candidate no longer makes this judgement
            refused.append({"decision_id": decision.id, "error": str(exc)})
            continue
        finally:
            if progress is not None:
                progress(done, max(total, done))
        diff = changes(decision.result, after)
        moved = outcome_changes(diff)
        if not (diff["verdict"] or moved):
            continue
        verdicts += diff["verdict"] is not None
        rules += bool(moved)
        for rule in {r["rule"]: r for r in moved}.values():
            entry = per_rule.setdefault(rule["rule"], {"rule": rule["rule"], "topic": rule.get("topic"),
                                                      "decisions": 0, "transitions": {}})
            entry["decisions"] += 1
        for rule in moved:
            step = f"{rule['from'] or '—'}→{rule['to'] or '—'}"  # — : the rule is absent on that side
            transitions = per_rule[rule["rule"]]["transitions"]
            transitions[step] = transitions.get(step, 0) + 1
        keys = decision.keys()
        changed.append({"decision_id": decision.id, "created_at": decision.created_at.isoformat(),
                        "regime": {"id": decision.regime_id, "version": decision.regime_version,
                                   "hash": decision.regime_hash},
                        "as_of": decision.as_of.isoformat(), "stage": decision.stage, "judged": decision.judged,
                        "project_id": keys["project_id"], "applicant_unit": keys["applicant_unit"],
                        "host_unit": keys["host_unit"], "verdict_before": decision.result["verdict"],
                        "verdict_after": after["verdict"], "verdict": diff["verdict"], "rules": moved})
    by_rule = sorted(per_rule.values(), key=lambda e: (-e["decisions"], e["rule"]))
    return {"candidate": candidate.ref(), "replaces": replaces, "regimes": regime_ids, "decisions": done,
            "changed": len(changed), "verdict_changed": verdicts, "rules_changed": rules, "truncated": truncated,
            "refused": refused, "by_rule": by_rule, "changes": changed}


def replay_under(decision: Decision, regime: Regime) -> dict[str, Any]:
    """Changes (verdict and rule outcomes) of one logged decision re-evaluated under `regime` on its own date."""
    return changes(decision.result, evaluate(regime, decision.facts, decision.as_of, stage=decision.stage,
                                             judge=decision.judged))
