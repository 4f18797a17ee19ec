"""Batch replay and impact over compact records, in one process and in several.

The digest shortcut (compare `outcome_digest`, build details only when it differs) must find exactly
what the plain way finds: rebuild every logged result and compare it rule by rule with the candidate's
(`changes` / `outcome_changes`). Worker processes must not change the answer or its order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.audit import replay
from engine.audit.store import LEGACY, Store, decisions, outcome_digest
from engine.evaluate import evaluate
from engine.facts import load_facts_file
from engine.policy.validate import load_regime_file
from engine.registry import Registry
from service.testing import copy_policies, tighten_title_rule

ROOT = Path(__file__).resolve().parent.parent
DATES = (dt.date(2026, 2, 1), dt.date(2026, 6, 15), dt.date(2026, 12, 31))


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Registry, Path, list[str]]]:
    """A log of varied decisions (every example × judgement × stage × date), three of them tampered and two
    rows with the full result (record_format 1)."""
    tmp = tmp_path_factory.mktemp("parallel")
    root = copy_policies(tmp / "policies")
    registry = Registry.load(root)
    store = Store(f"sqlite:///{tmp / 'log.db'}")
    for path in sorted((ROOT / "examples").glob("*/*.yaml")):
        regime = registry.get(path.parent.name)
        facts = load_facts_file(path)
        for judge in regime.judgements:
            for stage, day in zip(("application", "filing", "closing"), DATES, strict=True):
                replay.decide(store, regime, day, facts, stage=stage, judge=judge)
    ids = [d.id for d in store.decisions_for(sorted(registry.regimes))]
    tampered = []
    for n, decision_id in enumerate(ids[5::17][:3]):
        decision = store.get(decision_id)
        assert decision is not None and decision.record is not None
        record = decision.record
        kind = next(iter(record["outcomes"]))
        rule = next(iter(record["outcomes"][kind]))
        codes = record["outcomes"][kind][rule]
        record["outcomes"][kind][rule] = ("f" if codes[0] != "f" else "p") + codes[1:]
        tampered.append(_copy(store, decision_id, f"tampered-{n}", result_json=json.dumps(record),
                              outcome_digest=outcome_digest(record["verdict"], record["outcomes"])))
    for n, decision_id in enumerate(ids[3::29][:2]):
        decision = store.get(decision_id)
        assert decision is not None
        _copy(store, decision_id, f"legacy-{n}", record_format=LEGACY, facts_digest=None, outcome_digest=None,
              result_digest=None, result_json=json.dumps({**replay.full_result(store, decision),
                                                          "decision_id": f"legacy-{n}"}, ensure_ascii=False))
    yield store, registry, root, tampered
    store.close()


def _copy(store: Store, decision_id: str, new_id: str, **columns: Any) -> str:
    with store.engine.connect() as conn:
        row = dict(conn.execute(decisions.select().where(decisions.c.id == decision_id)).mappings().one())
    row.update({"id": new_id, "capability_digest": None, **columns})
    with store.engine.begin() as conn:
        conn.execute(decisions.insert(), row)
    return new_id


def _oracle(store: Store, candidate: Any, regime_ids: list[str]) -> set[str]:
    """The plain way: the logged result in full (rebuilt, or the tampered record's outcomes) against the
    candidate's full result, rule by rule."""
    changed = set()
    for decision in store.decisions_for(regime_ids):
        before = replay.replay(store, decision.id)["original"]
        after = evaluate(candidate, decision.facts, decision.as_of, stage=decision.stage, judge=decision.judged)
        diff = replay.changes(before, after)
        if diff["verdict"] or replay.outcome_changes(diff):
            changed.add(decision.id)
    return changed


def test_impact_under_the_loaded_regimes_finds_exactly_the_tampered(log: tuple[Store, Registry, Path, list[str]]) -> None:
    store, registry, _, tampered = log
    found: set[str] = set()
    for regime_id in sorted(registry.regimes):
        seen: list[tuple[int, int]] = []
        one = replay.impact(store, registry.get(regime_id), lambda d, t, seen=seen: seen.append((d, t)))
        two = replay.impact(store, registry.get(regime_id), workers=2)
        assert one == two  # same answer, same order
        assert seen[-1] == (one["decisions"], one["decisions"]) and one["decisions"] == store.count(regime_id)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
        found |= {c["decision_id"] for c in one["changes"]}
    assert found == set(tampered)


def test_impact_of_a_changed_rule_matches_the_plain_way(log: tuple[Store, Registry, Path, list[str]],
                                                       tmp_path: Path) -> None:
    store, _, _, _ = log
    root = copy_policies(tmp_path / "policies")
    candidate = load_regime_file(tighten_title_rule(root))
    out = replay.impact(store, candidate, workers=2)
    assert out == replay.impact(store, candidate)
    assert {c["decision_id"] for c in out["changes"]} == _oracle(store, candidate, out["regimes"])
    assert out["changed"] >= 2 and any(r["rule"] == "expert-title" for r in out["by_rule"])
    for change in out["changes"]:
        assert all(r["message"] for r in change["rules"] if r["to"] is not None)


def test_replay_all_in_processes_finds_the_tampered_records(log: tuple[Store, Registry, Path, list[str]]) -> None:
    store, _, _, tampered = log
    seen: list[tuple[int, int]] = []
    out = replay.replay_all(store, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert sorted(d["decision_id"] for d in out["different"]) == sorted(tampered)
    assert out["refused"] == [] and out["decisions"] == store.count() and seen[-1] == (store.count(), store.count())
    for item in out["different"]:
        assert len(item["changes"]["rules"]) == 1
    assert out["identical"] == store.count() - len(tampered)
    assert replay.replay_all(store, workers=1) == out


def test_limit_truncates(log: tuple[Store, Registry, Path, list[str]]) -> None:
    store, registry, _, _ = log
    regime = registry.get("shanghai-2026")
    out = replay.impact(store, regime, limit=3, workers=2)
    assert out["decisions"] == 3 and out["truncated"] is True
    everything = replay.impact(store, regime, limit=store.count("shanghai-2026"))
    assert everything["truncated"] is False
    assert replay.replay_all(store, limit=5)["decisions"] == 5


def test_outcomes_only_agree_with_the_full_result_for_every_example_judgement_and_stage() -> None:
    # batch replay decides "unchanged" from outcomes_under alone: its verdict and codes must be the full result's
    from engine.audit.replay import outcomes_under
    from engine.audit.store import compact_record
    from engine.evaluate import evaluate
    from engine.facts import load_facts_file
    from engine.registry import Registry

    registry = Registry.load()
    root = Path(__file__).resolve().parent.parent / "examples"
    verdicts = set()
    for rid, regime in registry.regimes.items():
        for path in sorted((root / rid).glob("*.yaml")):
            facts = load_facts_file(path)
            # as given, with an empty team (rules over experts have no entries), without the project (absent subject)
            variants = (facts, {**facts, "experts": []}, {k: v for k, v in facts.items() if k != "project"})
            for n, judge, stage, day in itertools.product(range(len(variants)), regime.judgements,
                                                          ("application", "closing"),
                                                          (dt.date(2026, 1, 15), dt.date(2026, 12, 31))):
                full = evaluate(regime, variants[n], day, stage=stage, judge=judge)
                verdict, codes = outcomes_under(regime, variants[n], day, stage, judge)
                assert (verdict, codes) == (full["verdict"], compact_record(regime, full)["outcomes"]), \
                    (rid, path.name, n, judge, stage, day)
                verdicts.add(verdict)
    assert verdicts == {"eligible", "ineligible", "incomplete"}
