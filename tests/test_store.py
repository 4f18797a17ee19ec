"""The decision log against SQLite always, and against a real PostgreSQL when REGIMES_TEST_PG_URL is set.

In CI (CI=true) a missing REGIMES_TEST_PG_URL is a failure, not a skip: .ci/run must provide it
(see .ci/postgres.sh).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from engine.audit import migrations, replay
from engine.audit.store import Store, database_url, safe_url
from engine.evaluate import evaluate
from engine.facts import load_facts_file
from engine.policy.validate import load_regime_file
from engine.registry import Registry
from service.testing import copy_policies, liaoning_file, tighten_title_rule

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 15)


def _pg_url() -> str | None:
    url = os.environ.get("REGIMES_TEST_PG_URL")
    if not url and os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but REGIMES_TEST_PG_URL is not set: the store tests must run against PostgreSQL in CI")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'log.db'}")
        yield s
        s.close()
        return
    url = _pg_url()
    if not url:
        pytest.skip("REGIMES_TEST_PG_URL not set (run .ci/postgres.sh)")
    schema = f"t_{uuid.uuid4().hex[:12]}"  # a private schema per test: isolated and re-runnable
    admin = create_engine(database_url(url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    s = Store(make_url(database_url(url)).update_query_dict({"options": f"-csearch_path={schema}"})
              .render_as_string(hide_password=False))
    try:
        yield s
    finally:
        s.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def policies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_policies(tmp_path_factory.mktemp("store") / "policies")


def _facts(name: str = "compliant") -> dict:
    return load_facts_file(ROOT / "examples" / "liaoning-2026" / f"{name}.yaml")


@functools.cache
def _registry(root: Path) -> Registry:
    return Registry.load(root)


def _log(store: Store, policies: Path, name: str = "compliant") -> tuple[str, dict]:
    regime = _registry(policies).get("liaoning-2026")
    facts = _facts(name)
    result = evaluate(regime, facts, AS_OF)
    return store.record(regime, AS_OF, facts, result), result


def test_migrations_are_idempotent_and_versioned(store: Store) -> None:
    assert migrations.migrate(store.engine) == migrations.LATEST
    assert migrations.migrate(store.engine) == migrations.LATEST
    with store.engine.connect() as conn:
        assert migrations.current_version(conn) == migrations.LATEST
        versions = conn.execute(text("SELECT version FROM schema_version ORDER BY version")).scalars().all()
    assert versions == list(range(1, migrations.LATEST + 1))


def test_a_decision_is_stored_as_received_with_its_result_and_policy_snapshot(store: Store, policies: Path) -> None:
    facts = _facts()
    decision_id, result = _log(store, policies)
    got = store.get(decision_id)
    assert got is not None
    assert got.facts_json == json.dumps(facts, ensure_ascii=False)
    assert got.result == result and got.result["decision_id"] == decision_id
    assert (got.regime_id, got.regime_hash, got.as_of) == ("liaoning-2026", result["regime"]["hash"], AS_OF)
    assert got.created_at.tzinfo is not None
    assert got.as_dict()["regime"] == result["regime"]
    regime = _registry(policies).get("liaoning-2026")
    assert store.policy_data(regime.hash) == regime.data
    assert store.get(str(uuid.uuid4())) is None


def test_the_policy_snapshot_is_stored_once_per_hash(store: Store, policies: Path) -> None:
    _log(store, policies)
    _log(store, policies, "flawed")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM policies")).scalar() == 1
    assert store.count() == 2 and store.count("liaoning-2026") == 2 and store.count("shanghai-2026") == 0


@pytest.mark.parametrize("sql", ["UPDATE decisions SET engine = 'x'", "DELETE FROM decisions",
                                 "UPDATE policies SET version = 'x'", "DELETE FROM policies"])
def test_the_log_is_append_only(store: Store, policies: Path, sql: str) -> None:
    _log(store, policies)
    with pytest.raises(DBAPIError, match="append-only|immutable"), store.engine.begin() as conn:
        conn.exec_driver_sql(sql)
    assert store.count() == 1


def test_decisions_are_read_back_in_order_across_batches(store: Store, policies: Path) -> None:
    ids = [_log(store, policies)[0] for _ in range(7)]
    assert [d.id for d in store.decisions_for("liaoning-2026", batch=3)] == ids
    assert list(store.decisions_for("nobody")) == []


def test_concurrent_writers_all_land(store: Store, policies: Path) -> None:
    regime = _registry(policies).get("liaoning-2026")
    facts = _facts()
    result = evaluate(regime, facts, AS_OF)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(10):
                store.record(regime, AS_OF, facts, dict(result))
        except BaseException as exc:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.count() == 40


def test_exact_replay_survives_an_edit_of_the_policy_file(store: Store, tmp_path: Path) -> None:
    root = copy_policies(tmp_path / "policies")
    decision_id, original = _log(store, root)
    tighten_title_rule(root)
    edited = Registry.load(root)
    assert edited.get("liaoning-2026").hash != original["regime"]["hash"]

    same = replay.replay(store, decision_id, edited)
    assert same["changes"]["identical"] is True
    assert same["result"]["regime"] == original["regime"]
    assert [r["outcome"] for r in same["result"]["results"]] == [r["outcome"] for r in original["results"]]

    moved = replay.replay(store, decision_id, edited, regime_id="liaoning-2026")
    assert moved["changes"]["verdict"]["from"] == "eligible" and moved["changes"]["verdict"]["to"] != "eligible"
    e2 = [c for c in moved["changes"]["rules"] if (c["rule"], c["subject_id"]) == ("expert-title", "E2")]
    assert len(e2) == 1 and e2[0]["from"] == "pass" and e2[0]["to"] in ("fail", "missing")


def test_snapshot_rebuild_checks_the_hash(store: Store, policies: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decision_id, original = _log(store, policies)
    monkeypatch.setattr(replay, "_snapshots", {})
    data = store.policy_data(original["regime"]["hash"])
    assert data is not None
    data["title"] = "被篡改的快照"
    monkeypatch.setattr(store, "policy_data", lambda _h: data)
    with pytest.raises(replay.ReplayError, match="哈希"):
        replay.replay(store, decision_id)


def test_impact_counts_changed_decisions_and_writes_nothing(store: Store, policies: Path, tmp_path: Path) -> None:
    root = copy_policies(tmp_path / "policies")
    _log(store, root)  # E2 is associate_senior: fails once only senior titles count
    _log(store, root, "flawed")
    candidate = load_regime_file(tighten_title_rule(root))
    seen: list[tuple[int, int]] = []
    out = replay.impact(store, candidate, lambda done, total: seen.append((done, total)))
    assert out["decisions"] == 2 and seen[-1] == (2, 2)
    assert out["changed"] >= 1 and out["verdict_changed"] >= 1
    assert any(c["verdict"] and c["verdict"]["from"] == "eligible" for c in out["changes"])
    assert store.count() == 2
    assert store.policy_data(candidate.hash) is None
    unchanged = replay.impact(store, load_regime_file(liaoning_file(policies)))
    assert (unchanged["decisions"], unchanged["changed"]) == (2, 0)


def test_urls_and_secrets() -> None:
    assert database_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert "secret" not in safe_url("postgresql+psycopg://u:secret@h/db")
