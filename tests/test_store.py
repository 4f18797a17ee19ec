"""The decision log against SQLite always, and against a real PostgreSQL when REGIMES_TEST_PG_URL is set.

In CI (CI=true) a missing REGIMES_TEST_PG_URL is a failure, not a skip: .ci/run must provide it
(see .ci/postgres.sh).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from support import open_store

from engine.audit import migrations, replay
from engine.audit.store import Store, database_url, safe_url
from engine.evaluate import evaluate
from engine.facts import load_facts_file
from engine.policy.validate import load_regime_file
from engine.registry import Registry
from service.testing import copy_policies, liaoning_file, tighten_title_rule

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 15)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        yield s


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


# ---------------------------------------------------------------- search, read log, sessions (migration 3)

def _insert(store: Store, template_id: str, created_at: dt.datetime, legacy: bool = False, **columns: object) -> str:
    """A copy of a logged decision with its own id and time (and, with `legacy`, no search columns, like a
    row logged before migration 3)."""
    from engine.audit.store import decisions

    with store.engine.connect() as conn:
        row = dict(conn.execute(decisions.select().where(decisions.c.id == template_id)).mappings().one())
    row.update(id=str(uuid.uuid4()), created_at=created_at, **columns)
    if legacy:
        for key in ("region", "verdict", "project_id", "applicant_unit", "host_unit"):
            row.pop(key)
    with store.engine.begin() as conn:
        conn.execute(decisions.insert(), row)
    return row["id"]


def test_search_columns_are_filled_at_record_time(store: Store, policies: Path) -> None:
    decision_id, result = _log(store, policies)
    got = store.get(decision_id)
    assert got is not None
    facts = _facts()
    assert (got.region, got.verdict, got.project_id, got.applicant_unit, got.host_unit) == (
        "liaoning", result["verdict"], facts["project"]["id"], facts["project"]["applicant_unit"],
        facts["project"]["host_unit"])


def test_search_filters_in_sql_with_beijing_days(store: Store, policies: Path) -> None:
    from engine.audit.search import DecisionQuery, SearchError, search

    template, _ = _log(store, policies)
    utc = dt.UTC
    late = _insert(store, template, dt.datetime(2026, 3, 1, 15, 59, 59, tzinfo=utc), project_id="P-LATE")  # 03-01 23:59:59 北京
    early = _insert(store, template, dt.datetime(2026, 3, 1, 16, 0, 0, tzinfo=utc), project_id="P-EARLY")  # 03-02 00:00 北京
    other = _insert(store, template, dt.datetime(2026, 3, 5, tzinfo=utc), verdict="ineligible", host_unit="某单位")
    day1 = search(store, DecisionQuery(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 1)))
    assert [i["id"] for i in day1["items"]] == [late]
    day2 = search(store, DecisionQuery(date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 5)))
    assert [i["id"] for i in day2["items"]] == [other, early]  # newest first
    assert [i["id"] for i in search(store, DecisionQuery(project_id=" P-EARLY "))["items"]] == [early]
    assert [i["id"] for i in search(store, DecisionQuery(unit="某单位"))["items"]] == [other]
    assert [i["id"] for i in search(store, DecisionQuery(verdict="ineligible", region="liaoning"))["items"]] == [other]
    assert search(store, DecisionQuery(regime="liaoning-2026", page_size=2, page=2))["items"][0]["id"] == early
    assert search(store, DecisionQuery(region="shanghai"))["total"] == 0
    with pytest.raises(SearchError) as bad:
        search(store, DecisionQuery(verdict="maybe", date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 1)))
    assert {field for field, _ in bad.value.problems} == {"verdict", "from"}


def test_rows_logged_before_the_search_columns_are_still_found_and_shown(store: Store, policies: Path) -> None:
    from engine.audit.search import DecisionQuery, search

    template, result = _log(store, policies)
    old = _insert(store, template, dt.datetime(2025, 12, 31, tzinfo=dt.UTC), legacy=True)
    got = store.get(old)
    assert got is not None and got.verdict is None and got.keys()["project_id"] == _facts()["project"]["id"]
    by_regime = search(store, DecisionQuery(regime="liaoning-2026"))["items"]
    legacy = next(i for i in by_regime if i["id"] == old)
    assert legacy["verdict"] == result["verdict"] and legacy["project_id"] == _facts()["project"]["id"]
    assert legacy["region"] is None
    assert old not in {i["id"] for i in search(store, DecisionQuery(region="liaoning"))["items"]}
    with_ids = search(store, DecisionQuery(region="liaoning", region_regimes=("liaoning-2026",)))
    assert old in {i["id"] for i in with_ids["items"]} and with_ids["total"] == 2


def test_a_version_2_log_is_upgraded_and_keeps_its_decisions(tmp_path: Path, policies: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v2.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                             "applied_at TIMESTAMP WITH TIME ZONE NOT NULL)")
        for number in (1, 2):
            for sql in migrations._statements(migrations.STEPS[number - 1], "sqlite"):
                conn.exec_driver_sql(sql)
            conn.execute(text("INSERT INTO schema_version VALUES (:v, CURRENT_TIMESTAMP)"), {"v": number})
        regime = _registry(policies).get("liaoning-2026")
        conn.execute(text("INSERT INTO policies VALUES (:h, :i, :v, :d, CURRENT_TIMESTAMP)"),
                     {"h": regime.hash, "i": regime.id, "v": regime.version, "d": replay.canonical_json(regime.data)})
        result = evaluate(regime, _facts(), AS_OF)
        conn.execute(text("INSERT INTO decisions (id, created_at, regime_id, regime_version, regime_hash, as_of, "
                          "facts_json, result_json, engine) VALUES ('old', '2026-01-01 00:00:00.000000', :i, :v, :h, "
                          "'2026-06-15', :f, :r, 'durable')"),
                     {"i": regime.id, "v": regime.version, "h": regime.hash, "f": json.dumps(_facts()),
                      "r": json.dumps(result)})
    engine.dispose()
    store = Store(url)
    try:
        from engine.audit.search import DecisionQuery, search

        page = search(store, DecisionQuery(regime="liaoning-2026"))
        assert [i["id"] for i in page["items"]] == ["old"] and page["items"][0]["verdict"] == result["verdict"]
        assert replay.replay(store, "old")["changes"]["identical"] is True
    finally:
        store.close()


@pytest.mark.parametrize("sql", ["UPDATE decision_reads SET role = 'x'", "DELETE FROM decision_reads"])
def test_the_read_log_is_append_only(store: Store, policies: Path, sql: str) -> None:
    decision_id, _ = _log(store, policies)
    store.log_read("auditor", "sha256:0123456789abcdef", "api-search", [decision_id], {"regime": "liaoning-2026"})
    store.log_read("auditor", "sha256:0123456789abcdef", "api-search", [], {"regime": "nobody"})
    reads = store.reads()
    assert len(reads) == 2 and {r["decision_id"] for r in reads} == {decision_id, None}
    assert store.reads(decision_id)[0]["query"] == {"regime": "liaoning-2026"}
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.exec_driver_sql(sql)
    assert len(store.reads()) == 2


def test_audit_sessions_expire_and_end(store: Store) -> None:
    live = store.create_session("auditor", "sha256:aa", dt.timedelta(hours=1))
    gone = store.create_session("staff", "sha256:bb", dt.timedelta(seconds=-1))
    assert store.session(live) == ("auditor", "sha256:aa")
    assert store.session(gone) is None and store.session("") is None and store.session("x" * 500) is None
    with store.engine.connect() as conn:  # only the digest of a session id is stored
        assert live not in json.dumps([list(r) for r in conn.execute(text("SELECT * FROM audit_sessions")).all()],
                                      default=str)
    store.end_session(live)
    assert store.session(live) is None


def test_open_existing_never_creates_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.audit.store import NoDecisionLog, open_existing

    monkeypatch.chdir(tmp_path)
    with pytest.raises(NoDecisionLog, match="sqlite:///./regimes-decisions.db.*不存在"):
        open_existing("sqlite:///./regimes-decisions.db")
    with pytest.raises(NoDecisionLog, match="内存"):
        open_existing("sqlite://")
    assert list(tmp_path.iterdir()) == []
    Store(f"sqlite:///{tmp_path / 'real.db'}").close()
    opened = open_existing(f"sqlite:///{tmp_path / 'real.db'}")
    assert opened.count() == 0
    opened.close()


def test_postgresql_sessions_have_a_statement_timeout(store: Store) -> None:
    """A stalled PostgreSQL must not hold request threads forever: statements and connects are bounded."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    from engine.audit.store import PG_STATEMENT_TIMEOUT_MS

    with store.engine.connect() as conn:
        shown = conn.execute(text("SHOW statement_timeout")).scalar()
        path = conn.execute(text("SHOW search_path")).scalar()
    assert shown == f"{PG_STATEMENT_TIMEOUT_MS // 1000}s"
    assert str(path).startswith("t_")  # the URL's own options are kept
    assert store.engine.pool.timeout() > 0
