"""The compact decision record (migration 5): small rows, full results rebuilt on read and checked.

A row keeps the facts, the regime hash and a compact record (verdict, one outcome letter per rule and
subject); the full result is rebuilt from the policy snapshot (`replay.full_result`) and must be the
answer that was sent. A record that does not match its rebuild is reported, never shown as if logged.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from engine.audit import replay
from engine.audit.store import COMPACT, LEGACY, Store, decisions, outcome_digest
from engine.facts import load_facts_file
from engine.registry import Registry
from service.testing import AUDITOR_TOKEN, auth, make_test_app

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 15)
EXAMPLES = sorted((ROOT / "examples").glob("*/*.yaml"))


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'log.db'}")
    yield s
    s.close()


def attack_request() -> dict[str, Any]:
    """The attack of the issue: 500 minimal experts, 200 served units and 200 locations (about 3.7 KB)."""
    return {"regime": "shanghai-2026", "as_of": "2026-02-01",
            "facts": {"project": {"served_units": [{} for _ in range(200)], "locations": [{} for _ in range(200)]},
                      "experts": [{} for _ in range(500)]}}


def _stored_bytes(store: Store, decision_id: str) -> int:
    with store.engine.connect() as conn:
        row = conn.execute(select(decisions.c.facts_json, decisions.c.result_json)
                           .where(decisions.c.id == decision_id)).one()
    return len(row.facts_json.encode()) + len(row.result_json.encode())


def _request_bytes(body: dict[str, Any]) -> int:
    return len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())


def test_the_attack_request_is_stored_in_at_most_20_times_its_bytes(tmp_path: Path) -> None:
    app, _, url = make_test_app(tmp_path)
    body = attack_request()
    with TestClient(app) as client:
        response = client.post("/v1/evaluate", json=body)
        assert response.status_code == 200, response.text
        sent = response.json()
        assert len(response.content) > 100 * _request_bytes(body)  # the answer itself is large
        got = client.get(f"/v1/decisions/{sent['decision_id']}", headers=auth(AUDITOR_TOKEN))
        assert got.status_code == 200
        assert got.json()["result"] == sent and got.json()["facts"] == body["facts"]  # CONTRACT shape, full
    store = Store(url)
    try:
        stored = _stored_bytes(store, sent["decision_id"])
        assert stored <= 20 * _request_bytes(body), (stored, _request_bytes(body))
        decision = store.get(sent["decision_id"])
        assert decision is not None and decision.record_format == COMPACT
        assert replay.full_result(store, decision) == sent
    finally:
        store.close()


def test_an_ordinary_decision_is_stored_in_at_most_20_times_its_bytes(store: Store, registry: Registry) -> None:
    facts = load_facts_file(ROOT / "examples" / "shanghai-2026" / "compliant.yaml")
    decided = replay.decide(store, registry.get("shanghai-2026"), AS_OF, facts)
    body = {"regime": "shanghai-2026", "as_of": AS_OF.isoformat(), "facts": facts}
    assert _stored_bytes(store, decided["decision_id"]) <= 20 * _request_bytes(body)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_rebuilt_result_is_the_answer_sent_for_every_example_and_judgement(
        store: Store, registry: Registry, path: Path) -> None:
    regime = registry.get(path.parent.name)
    facts = load_facts_file(path)
    for judge in regime.judgements:
        for stage in ("application", "closing"):
            sent = replay.decide(store, regime, AS_OF, facts, stage=stage, judge=judge)
            sent = json.loads(json.dumps(sent, ensure_ascii=False))  # as the client reads it
            decision = store.get(sent["decision_id"])
            assert decision is not None
            assert replay.full_result(store, decision) == sent
            assert decision.result == sent and decision.as_dict()["result"] == sent
            assert replay.rebuilt_as_sent(decision, replay.full_result(store, decision)) is True
            assert replay.replay(store, decision.id)["changes"]["identical"] is True


def _copy(store: Store, decision_id: str, **columns: Any) -> str:
    """A copy of a logged row under a new id, with some columns changed (an INSERT: the triggers refuse UPDATE)."""
    with store.engine.connect() as conn:
        row = dict(conn.execute(decisions.select().where(decisions.c.id == decision_id)).mappings().one())
    row.update({"id": str(uuid.uuid4()), "capability_digest": None, **columns})
    with store.engine.begin() as conn:
        conn.execute(decisions.insert(), row)
    return str(row["id"])


def _flip_first(record: dict[str, Any]) -> dict[str, Any]:
    kind = next(iter(record["outcomes"]))
    rule = next(iter(record["outcomes"][kind]))
    codes = record["outcomes"][kind][rule]
    record["outcomes"][kind][rule] = ("f" if codes[0] != "f" else "p") + codes[1:]
    return record


def test_a_tampered_record_is_detected(store: Store, registry: Registry) -> None:
    facts = load_facts_file(ROOT / "examples" / "liaoning-2026" / "compliant.yaml")
    sent = replay.decide(store, registry.get("liaoning-2026"), AS_OF, facts)
    decision = store.get(sent["decision_id"])
    assert decision is not None and decision.record is not None
    record = _flip_first(decision.record)
    # the record changed and its digest column with it: only a rebuild tells
    tampered = _copy(store, decision.id, result_json=json.dumps(record),
                     outcome_digest=outcome_digest(record["verdict"], record["outcomes"]))
    got = store.get(tampered)
    assert got is not None
    with pytest.raises(replay.RecordMismatch, match="不一致"):
        replay.full_result(store, got)
    with pytest.raises(replay.RecordMismatch):
        _ = got.result
    again = replay.replay(store, tampered)
    assert again["record_matches"] is False and again["changes"]["identical"] is False
    assert len(again["changes"]["rules"]) == 1
    everything = replay.replay_all(store)
    assert [d["decision_id"] for d in everything["different"]] == [tampered]
    assert everything["identical"] == 1
    # the record changed but not its digest column: the digest check alone finds it
    lone = _copy(store, decision.id, result_json=json.dumps(record))
    problems = store.verify_digests()["problems"]
    assert [p["decision_id"] for p in problems] == [lone]


def test_a_tampered_record_is_a_409_not_a_500(tmp_path: Path) -> None:
    app, _, url = make_test_app(tmp_path)
    with TestClient(app) as client:
        sent = client.post("/v1/evaluate", json={"regime": "liaoning-2026", "as_of": "2026-06-15", "facts":
                                                 load_facts_file(ROOT / "examples" / "liaoning-2026" / "flawed.yaml")})
        store = Store(url)
        try:
            decision = store.get(sent.json()["decision_id"])
            assert decision is not None and decision.record is not None
            tampered = _copy(store, decision.id, result_json=json.dumps(_flip_first(decision.record)))
        finally:
            store.close()
        got = client.get(f"/v1/decisions/{tampered}", headers=auth(AUDITOR_TOKEN))
        assert got.status_code == 409 and "不一致" in got.text


def test_a_row_with_the_full_result_still_reads(store: Store, registry: Registry) -> None:
    """Rows logged before migration 5 keep their full result (record_format 1) and read as before."""
    facts = load_facts_file(ROOT / "examples" / "liaoning-2026" / "flawed.yaml")
    sent = replay.decide(store, registry.get("liaoning-2026"), AS_OF, facts)
    legacy_result = {**sent, "decision_id": "legacy-1"}
    legacy = _copy(store, sent["decision_id"], id="legacy-1", record_format=LEGACY, facts_digest=None,
                   outcome_digest=None, result_digest=None, result_json=json.dumps(legacy_result, ensure_ascii=False))
    got = store.get(legacy)
    assert got is not None and got.record_format == LEGACY and got.result == legacy_result
    assert replay.full_result(store, got) == legacy_result
    assert replay.replay(store, legacy)["changes"]["identical"] is True
    out = replay.impact(store, registry.get("liaoning-2026"))
    assert (out["decisions"], out["changed"]) == (2, 0)
    assert replay.replay_all(store)["identical"] == 2
    assert store.verify_digests()["unverifiable"] == 1


def test_the_compact_record_names_no_subject(store: Store, registry: Registry) -> None:
    """Subject ids (an expert's may be their name) are not copied into the record: they follow from the facts."""
    facts = load_facts_file(ROOT / "examples" / "liaoning-2026" / "compliant.yaml")
    for expert in facts["experts"]:
        expert.pop("id", None)
    sent = replay.decide(store, registry.get("liaoning-2026"), AS_OF, facts)
    decision = store.get(sent["decision_id"])
    assert decision is not None
    for expert in facts["experts"]:
        assert expert["name"] not in decision.result_json
    assert any(r["subject_id"] == facts["experts"][0]["name"] for r in replay.full_result(store, decision)["results"])


def test_the_result_digest_is_stable_across_a_json_round_trip_and_tells_results_apart() -> None:
    # result_digest (orjson, sorted keys) is what the audit report's "as sent" compares: a rebuilt result equal
    # to the answer sent must digest alike, whatever object it is; any change of content must not
    import json

    from engine.audit.store import result_digest
    from engine.evaluate import evaluate
    from engine.facts import load_facts_file
    from engine.registry import Registry

    registry = Registry.load()
    root = Path(__file__).resolve().parent.parent / "examples"
    seen: set[str] = set()
    for rid, regime in registry.regimes.items():
        for path in sorted((root / rid).glob("*.yaml")):
            for judge in regime.judgements:
                result = evaluate(regime, load_facts_file(path), dt.date(2026, 6, 1), judge=judge)
                again = json.loads(json.dumps(result, ensure_ascii=False))
                assert result_digest(again) == result_digest(result), (rid, path.name, judge)
                seen.add(result_digest(result))
                changed = {**result, "verdict_text": result["verdict_text"] + "。"}
                assert result_digest(changed) != result_digest(result)
    assert len(seen) > 20
    odd = {"n": 2**70, "e": 1e-05, "t": "引号\"\\"}  # 2**70: orjson refuses it, the slow path digests it
    assert result_digest(odd) == result_digest(json.loads(json.dumps(odd))) != result_digest({**odd, "n": 2**71})
