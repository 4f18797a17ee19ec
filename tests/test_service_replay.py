"""Exact replay, reload, impact and the engine/database failure answers, over HTTP; and `regimes replay|impact`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.audit.store import Store
from engine.cli import main as cli
from engine.errors import EngineError
from engine.facts import load_facts_file
from service.testing import AUDITOR_TOKEN, STAFF_TOKEN, auth, liaoning_file, make_test_app, tighten_title_rule

ROOT = Path(__file__).resolve().parent.parent
COMPLIANT = load_facts_file(ROOT / "examples" / "liaoning-2026" / "compliant.yaml")


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[TestClient, Path, str]]:
    app, root, url = make_test_app(tmp_path)
    with TestClient(app) as client:
        yield client, root, url


def _decide(client: TestClient, facts: dict | None = None) -> dict[str, Any]:
    response = client.post("/v1/evaluate", json={"regime": "liaoning-2026", "as_of": "2026-06-15",
                                                 "facts": facts or COMPLIANT})
    assert response.status_code == 200, response.text
    return response.json()


def _replay(client: TestClient, decision_id: str, body: dict | None = None) -> Any:
    return client.post(f"/v1/decisions/{decision_id}/replay", headers=auth(AUDITOR_TOKEN),
                       **({"json": body} if body is not None else {}))


def _reload(client: TestClient) -> Any:
    return client.post("/v1/admin/reload", headers=auth(STAFF_TOKEN))


def test_replay_reproduces_then_survives_edit_and_reload(env: tuple[TestClient, Path, str]) -> None:
    client, root, _ = env
    original = _decide(client)
    same = _replay(client, original["decision_id"]).json()
    assert same["changes"]["identical"] is True
    assert same["result"]["regime"] == original["regime"]
    assert same["result"]["results"] == original["results"]

    tighten_title_rule(root)
    reloaded = _reload(client)
    assert reloaded.status_code == 200
    new_hash = reloaded.json()["regimes"]["liaoning-2026"]
    assert new_hash != original["regime"]["hash"]

    still = _replay(client, original["decision_id"], {}).json()
    assert still["changes"]["identical"] is True and still["result"]["regime"]["hash"] == original["regime"]["hash"]

    moved = _replay(client, original["decision_id"], {"regime": "liaoning-2026"}).json()
    changes = moved["changes"]
    assert changes["identical"] is False
    assert changes["regime"]["to"]["hash"] == new_hash and changes["regime"]["to"]["version"] == "9.0.0"
    assert changes["verdict"]["from"] == "eligible" and changes["verdict"]["to"] != "eligible"
    assert any(c["rule"] == "expert-title" and c["subject_id"] == "E2" and c["from"] == "pass" for c in changes["rules"])
    assert _decide(client)["regime"]["hash"] == new_hash


def test_replay_on_another_date_uses_the_edition_then_in_force(env: tuple[TestClient, Path, str]) -> None:
    client = env[0]
    decision = _decide(client)
    later = _replay(client, decision["decision_id"], {"as_of": "2026-12-31"}).json()
    assert later["result"]["as_of"] == "2026-12-31"
    assert later["changes"]["as_of"] == {"from": "2026-06-15", "to": "2026-12-31"}
    too_early = _replay(client, decision["decision_id"], {"as_of": "2001-01-01"})
    assert too_early.status_code == 422 and too_early.json()["errors"][0]["field"] == "as_of"


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"regime": "atlantis"}, 422, "regime"),
    ({"as_of": "2026-13-01"}, 422, "as_of"),
    ({"verdict": "eligible"}, 422, "verdict"),
])
def test_replay_bad_input(env: tuple[TestClient, Path, str], body: dict, status: int, field: str) -> None:
    decision = _decide(env[0])
    response = _replay(env[0], decision["decision_id"], body)
    assert response.status_code == status and response.json()["errors"][0]["field"] == field


def test_replay_of_an_unknown_decision_is_404(env: tuple[TestClient, Path, str]) -> None:
    response = _replay(env[0], "no-such-decision")
    assert response.status_code == 404 and response.json()["errors"][0]["field"] == "id"


def test_a_broken_reload_keeps_the_last_good_set(env: tuple[TestClient, Path, str]) -> None:
    client, root, _ = env
    before = client.get("/healthz").json()["regimes"]
    path = liaoning_file(root)
    path.write_text(path.read_text(encoding="utf-8").replace("severity: error", "severity: fatal", 1), encoding="utf-8")
    response = _reload(client)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields and all(f.startswith(str(path) + ":") for f in fields)
    assert response.json()["regimes"] == before
    assert client.get("/healthz").json()["regimes"] == before
    assert _decide(client)["regime"]["hash"] == before["liaoning-2026"]


def test_requests_in_flight_keep_their_registry(env: tuple[TestClient, Path, str]) -> None:
    client, root, _ = env
    holder = client.app.state.holder  # type: ignore[attr-defined]
    in_flight = holder.current
    tighten_title_rule(root)
    assert holder.reload() == []
    assert holder.current is not in_flight
    assert in_flight.get("liaoning-2026").hash != holder.current.get("liaoning-2026").hash


def test_impact_of_a_candidate(env: tuple[TestClient, Path, str], tmp_path: Path) -> None:
    client, root, url = env
    first = _decide(client)
    _decide(client, load_facts_file(ROOT / "examples" / "liaoning-2026" / "flawed.yaml"))
    candidate = tighten_title_rule(root).read_bytes()
    response = client.post("/v1/impact", content=candidate, headers={**auth(STAFF_TOKEN), "Content-Type": "application/yaml"})
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["decisions"] == 2 and out["changed"] >= 1 and out["verdict_changed"] >= 1
    assert first["decision_id"] in {c["decision_id"] for c in out["changes"]}
    assert (out["replaces"]["id"], out["replaces"]["why"]) == ("liaoning-2026", "same_id")  # an edit of the same edition
    assert any(r["rule"] == "expert-title" for r in out["by_rule"])
    store = Store(url)
    try:
        assert store.count() == 2 and store.policy_data(out["candidate"]["hash"]) is None
    finally:
        store.close()


@pytest.mark.parametrize(("body", "where"), [
    (b"id: [unclosed", "<候选规则>:1:"),
    (b"id: liaoning-2026\nregion: 7\n", "<候选规则>:"),
    (b"\xff\xfe", "body"),
    (b"\x1b", "<候选规则>"),  # found by schemathesis: a control character escaped the YAML reader
    (b"", "body"),
])
def test_an_invalid_candidate_changes_nothing(env: tuple[TestClient, Path, str], body: bytes, where: str) -> None:
    client, _, url = env
    _decide(client)
    before = client.get("/healthz").json()["regimes"]
    response = client.post("/v1/impact", content=body, headers=auth(STAFF_TOKEN))
    assert response.status_code == 422
    assert all(e["field"].startswith(where) for e in response.json()["errors"])
    assert client.get("/healthz").json()["regimes"] == before
    store = Store(url)
    try:
        assert store.count() == 1
    finally:
        store.close()


def test_engine_refusal_is_503_not_500(env: tuple[TestClient, Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.audit.replay

    def busy(*_: Any, **__: Any) -> Any:
        raise EngineError("规则引擎繁忙，请稍后重试")

    monkeypatch.setattr(engine.audit.replay, "evaluate", busy)  # where decide() looks it up
    response = env[0].post("/v1/evaluate", json={"regime": "liaoning-2026", "facts": COMPLIANT})
    assert response.status_code == 503 and "繁忙" in response.json()["error"]


def test_database_failure_is_503(env: tuple[TestClient, Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    store = env[0].app.state.store  # type: ignore[attr-defined]

    def down(*_: Any, **__: Any) -> Any:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(store, "record", down)
    response = env[0].post("/v1/evaluate", json={"regime": "liaoning-2026", "facts": COMPLIANT})
    assert response.status_code == 503 and response.json()["error"]


# ---------------------------------------------------------------- command line

def test_cli_replay_and_impact(env: tuple[TestClient, Path, str], monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    client, root, url = env
    decision = _decide(client)
    monkeypatch.setenv("REGIMES_DATABASE_URL", url)
    monkeypatch.setenv("REGIMES_POLICIES", str(root))
    capsys.readouterr()

    assert cli.main(["replay", decision["decision_id"], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"]["identical"] is True
    assert cli.main(["replay", decision["decision_id"]]) == 0
    assert "完全一致" in capsys.readouterr().out

    candidate = tighten_title_rule(root)
    assert cli.main(["replay", decision["decision_id"], "--regime", "liaoning-2026", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["changes"]["verdict"]["from"] == "eligible"
    assert cli.main(["impact", str(candidate), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["changed"] == 1
    assert cli.main(["impact", str(candidate)]) == 1
    assert "会改变的 1 条" in capsys.readouterr().out

    assert cli.main(["replay", "no-such-decision"]) == cli.EXIT_BAD_INPUT
    assert "不存在" in capsys.readouterr().err
    candidate.write_text("id: [unclosed\n", encoding="utf-8")
    assert cli.main(["impact", str(candidate)]) == cli.EXIT_INVALID_POLICY
    assert re.search(rf"^{re.escape(str(candidate))}:\d+:\d+: ", capsys.readouterr().err)  # file:line:col: message
