"""Erasure of personal data (PIPL) from the decision log, which stays append-only and checkable.

Personal fields are marked in the facts schema (`"format": "person-name"`). `Store.erase` replaces their
values with 〔已删除〕 together with an `erasures` row (digests of the facts before and after); the
triggers refuse any other UPDATE and every DELETE. SQLite always; PostgreSQL when REGIMES_TEST_PG_URL is set.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from support import open_store

from engine.audit import replay
from engine.audit.store import ERASED, LEGACY, Store, decisions, erase_personal, personal_paths
from engine.cli import main as cli
from engine.facts import load_facts_file
from engine.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        yield s


def _facts(without_ids: bool = False) -> dict[str, Any]:
    facts = load_facts_file(ROOT / "examples" / "liaoning-2026" / "compliant.yaml")
    if without_ids:  # then an expert's subject id is their name
        for expert in facts["experts"]:
            expert.pop("id", None)
    return facts


def _log(store: Store, registry: Registry, facts: dict[str, Any]) -> dict[str, Any]:
    return replay.decide(store, registry.get("liaoning-2026"), AS_OF, facts)


def test_personal_fields_come_from_the_schema() -> None:
    assert ("experts", "*", "name") in personal_paths()
    facts = _facts()
    erased, names = erase_personal(facts)
    assert sorted(names) == sorted(e["name"] for e in facts["experts"])
    assert all(e["name"] == ERASED for e in erased["experts"])
    assert erased["project"] == facts["project"]  # a unit's or project's name is not a person's
    assert erase_personal(erased)[1] == []  # erasing twice erases nothing more


@pytest.mark.parametrize("without_ids", [False, True])
def test_erasure_keeps_the_decision_replayable_and_the_log_checkable(store: Store, registry: Registry,
                                                                     without_ids: bool) -> None:
    facts = _facts(without_ids)
    sent = _log(store, registry, facts)
    other = _log(store, registry, _facts())
    names = [e["name"] for e in facts["experts"]]
    done = store.erase(sent["decision_id"], "保存期限届满", "os:tester")
    assert done is not None and done["fields"] == len(names)
    decision = store.get(sent["decision_id"])
    assert decision is not None
    assert not any(name in decision.facts_json for name in names)
    assert decision.facts["project"] == facts["project"] and len(decision.facts["experts"]) == len(names)
    # the outcomes do not depend on names: the record still matches its rebuild
    rebuilt = replay.full_result(store, decision)
    assert [r["outcome"] for r in rebuilt["results"]] == [r["outcome"] for r in sent["results"]]
    assert not any(name in json.dumps(rebuilt, ensure_ascii=False) for name in names)
    assert replay.replay(store, decision.id)["changes"]["identical"] is True
    assert replay.rebuilt_as_sent(decision, rebuilt) is None  # the answer sent had the names: not comparable
    checked = store.verify_digests()
    assert checked["problems"] == [] and checked["erased"] == 1 and checked["ok"] == 2
    assert replay.replay_all(store)["identical"] == 2
    chain = store.erasures_of()[sent["decision_id"]]
    assert [(e["reason"], e["actor"], e["fields"]) for e in chain] == [("保存期限届满", "os:tester", len(names))]
    assert store.erase(sent["decision_id"], "again", "os:tester") == {"decision_id": sent["decision_id"], "fields": 0}
    assert store.erase("no-such-decision", "x", "y") is None
    assert store.get(other["decision_id"]) is not None and names[0] in store.get(other["decision_id"]).facts_json


@pytest.mark.parametrize("sql", [
    "UPDATE decisions SET facts_json = '{}'",  # no erasures row names this change
    "UPDATE decisions SET engine = 'x'",
    "UPDATE decisions SET verdict = 'eligible'",
    "DELETE FROM decisions",
    "UPDATE erasures SET reason = 'x'",
    "DELETE FROM erasures",
])
def test_anything_but_an_erasure_is_refused(store: Store, registry: Registry, sql: str) -> None:
    sent = _log(store, registry, _facts())
    store.erase(sent["decision_id"], "本人申请", "os:tester")
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.exec_driver_sql(sql)
    assert store.count() == 1 and store.verify_digests()["problems"] == []


def test_an_erasure_row_does_not_license_other_changes(store: Store, registry: Registry) -> None:
    """An erasures row allows exactly the change it names: the facts from its `before` to its `after` digest."""
    sent = _log(store, registry, _facts())
    store.erase(sent["decision_id"], "本人申请", "os:tester")
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(decisions.update().where(decisions.c.id == sent["decision_id"])
                     .values(facts_json='{"experts": []}'))
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(decisions.update().where(decisions.c.id == sent["decision_id"])
                     .values(result_json='{"verdict": "eligible", "outcomes": {}}'))


def test_a_row_with_the_full_result_is_erased_in_both(store: Store, registry: Registry) -> None:
    facts = _facts(without_ids=True)
    sent = _log(store, registry, facts)
    with store.engine.connect() as conn:
        row = dict(conn.execute(decisions.select().where(decisions.c.id == sent["decision_id"])).mappings().one())
    row.update({"id": "legacy-1", "record_format": LEGACY, "facts_digest": None, "outcome_digest": None,
                "result_digest": None, "result_json": json.dumps({**sent, "decision_id": "legacy-1"},
                                                                 ensure_ascii=False)})
    with store.engine.begin() as conn:
        conn.execute(decisions.insert(), row)
    store.erase("legacy-1", "保存期限届满", "os:tester")
    with store.engine.connect() as conn:
        stored = conn.execute(select(decisions.c.facts_json, decisions.c.result_json)
                              .where(decisions.c.id == "legacy-1")).one()
    for expert in facts["experts"]:
        assert expert["name"] not in stored.facts_json and expert["name"] not in stored.result_json
    assert ERASED in stored.result_json
    checked = store.verify_digests()
    assert checked["problems"] == [] and checked["erased"] == 1


def test_cli_erase_dry_run_then_yes_then_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               registry: Registry, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    monkeypatch.setenv("REGIMES_DATABASE_URL", url)
    store = Store(url)
    try:
        first = _log(store, registry, _facts())["decision_id"]
        second = _log(store, registry, _facts())["decision_id"]
    finally:
        store.close()
    with pytest.raises(SystemExit) as refused:  # --reason is required
        cli.main(["erase", "--decision", first])
    assert refused.value.code == 3 and "--reason" in capsys.readouterr().err
    assert cli.main(["erase", "--decision", first, "--reason", "本人申请删除", "--format", "json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True and dry["decisions"] == 1 and dry["fields"] == 3
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    assert cli.main(["erase", "--before", tomorrow, "--reason", "保存期限届满", "--yes"]) == 0
    assert "已删除 2 条决策" in capsys.readouterr().out
    assert cli.main(["verify-log", "--rebuild", "--workers", "1"]) == 0
    assert "核验通过" in capsys.readouterr().out
    assert cli.main(["erase", "--decision", "nope", "--reason", "x"]) == 3
    assert "没有这些决策" in capsys.readouterr().err
    store = Store(url)
    try:
        for decision_id in (first, second):
            decision = store.get(decision_id)
            assert decision is not None and ERASED in decision.facts_json
        # a row edited behind the log's back (a copy whose facts no longer match their digest)
        with store.engine.connect() as conn:
            row = dict(conn.execute(decisions.select().where(decisions.c.id == first)).mappings().one())
        row.update({"id": "forged", "capability_digest": None, "facts_json": row["facts_json"].replace(ERASED, "张三")})
        with store.engine.begin() as conn:
            conn.execute(decisions.insert(), row)
    finally:
        store.close()
    assert cli.main(["verify-log"]) == 1
    assert "forged" in capsys.readouterr().out
