"""The staff page /staff: a draft policy is validated, diffed, replayed and previewed, and never loaded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.routers.staff import router
from service.testing import AUDITOR_TOKEN, STAFF_TOKEN, make_test_app

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = (ROOT / "policies" / "shanghai" / "2026.yaml").read_text(encoding="utf-8")


def draft_2027() -> str:
    """The 2026 notice as a 2027 edition with the municipal cap lowered from 10 to 8 万元."""
    text = SHANGHAI.replace("id: shanghai-2026", "id: shanghai-2027").replace("edition: 2026", "edition: 2027")
    text = text.replace("2026-01-19", "2027-01-20")
    return text.replace("max_support_wan: 10", "max_support_wan: 8", 1)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app, _, _ = make_test_app(tmp_path)
    if not any(getattr(r, "path", None) == "/staff" for r in app.routes):  # until service/app.py includes it
        app.include_router(router)
    with TestClient(app) as c:
        yield c


def _login(client: TestClient, token: str) -> object:
    return client.post("/staff/login", data={"token": token}, follow_redirects=False)


def _csrf(client: TestClient) -> str:
    page = client.get("/staff")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def _upload(client: TestClient, text: str, csrf: str | None = None) -> object:
    token = _csrf(client) if csrf is None else csrf
    return client.post("/staff", data={"csrf_token": token},
                       files={"policy_file": ("2027.yaml", text.encode("utf-8"), "application/yaml")})


def test_a_valid_draft_shows_diff_impact_and_questions_and_loads_nothing(client: TestClient) -> None:
    before = client.get("/healthz").json()["regimes"]
    assert _login(client, STAFF_TOKEN).status_code == 303
    page = client.get("/staff")
    assert "POST /v1/admin/reload" in page.text and "本页不会加载任何规则" in page.text
    response = _upload(client, draft_2027())
    assert response.status_code == 200, response.text
    html = response.text
    assert "校验通过：shanghai-2027" in html
    assert "shanghai-2026" in html and "max_support_wan：10 → 8" in html  # the diff against the edition replaced
    assert "对已记录决策的影响" in html and "重放了 0 条" in html
    assert "预审问卷预览" in html and "<code>project." in html and "funding-support-municipal" in html
    assert client.get("/healthz").json()["regimes"] == before
    assert "shanghai-2027" not in before


def test_a_same_id_edit_is_diffed_against_the_loaded_edition(client: TestClient) -> None:
    _login(client, STAFF_TOKEN)
    response = _upload(client, SHANGHAI.replace("max_support_wan: 10", "max_support_wan: 8", 1))
    assert response.status_code == 200, response.text
    assert "编号相同" in response.text and "max_support_wan：10 → 8" in response.text


def test_an_impact_is_counted_over_logged_decisions(client: TestClient) -> None:
    facts = {"project": {"name": "x"}}
    client.post("/v1/evaluate", json={"regime": "shanghai-2026", "as_of": "2026-02-01", "facts": facts})
    _login(client, STAFF_TOKEN)
    response = _upload(client, SHANGHAI.replace("max_support_wan: 10", "max_support_wan: 8", 1))
    assert response.status_code == 200
    assert "重放了 1 条" in response.text


def test_an_invalid_draft_shows_errors_with_lines(client: TestClient) -> None:
    before = client.get("/healthz").json()["regimes"]
    _login(client, STAFF_TOKEN)
    response = _upload(client, draft_2027().replace("region: shanghai", "region: [shanghai", 1))
    assert response.status_code == 422
    assert re.search(r"&lt;草稿&gt;:\d+:\d+", response.text), response.text
    bad = _upload(client, "id: shanghai-2027\nregion: 7\n")
    assert bad.status_code == 422 and re.search(r"&lt;草稿&gt;:\d+:\d+", bad.text)
    assert _upload(client, "").status_code == 422
    big = _upload(client, "#" * (257 * 1024))
    assert big.status_code == 422 and "256 KiB" in big.text
    assert client.get("/healthz").json()["regimes"] == before


def test_without_a_staff_login_nothing_is_shown(client: TestClient) -> None:
    assert client.get("/staff", follow_redirects=False).status_code == 303
    refused = client.post("/staff", data={"csrf_token": "x"}, files={"policy_file": ("a.yaml", b"id: x", "text/yaml")},
                          follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == "/staff/login"
    assert _login(client, "not-a-token").status_code == 401
    auditor = _login(client, AUDITOR_TOKEN)
    assert auditor.status_code == 401 and "无权" in auditor.text
    assert client.get("/staff", follow_redirects=False).status_code == 303
    # an auditor's /audit session does not open /staff either
    client.post("/audit/login", data={"token": AUDITOR_TOKEN, "next": "/audit"}, follow_redirects=False)
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_an_upload_without_the_csrf_token_is_refused(client: TestClient) -> None:
    _login(client, STAFF_TOKEN)
    _csrf(client)
    response = _upload(client, draft_2027(), csrf="A" * 43)
    assert response.status_code == 403 and "校验通过" not in response.text


def test_logout_ends_the_session(client: TestClient) -> None:
    _login(client, STAFF_TOKEN)
    assert client.get("/staff").status_code == 200
    assert client.post("/staff/logout", follow_redirects=False).status_code == 303
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_a_draft_is_never_compiled_in_the_server(client: TestClient) -> None:
    from engine.backends import durable

    facts = {"project": {"name": "x"}}
    client.post("/v1/evaluate", json={"regime": "shanghai-2026", "as_of": "2026-02-01", "facts": facts})
    _login(client, STAFF_TOKEN)
    before = set(durable.CompiledRuleset._registry)
    response = _upload(client, draft_2027())
    assert response.status_code == 200, response.text
    assert "重放了 1 条" in response.text  # replayed, in the impact child
    assert set(durable.CompiledRuleset._registry) <= before  # nothing of the draft's was compiled here


def test_a_crash_during_the_drafts_impact_replay_is_a_page_not_a_dead_server(client: TestClient,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.backends import sandbox

    facts = {"project": {"name": "x"}}
    client.post("/v1/evaluate", json={"regime": "shanghai-2026", "as_of": "2026-02-01", "facts": facts})
    _login(client, STAFF_TOKEN)
    csrf = _csrf(client)
    monkeypatch.setenv(sandbox.TEST_HOOK_ENV, "segv@impact")
    response = _upload(client, draft_2027(), csrf)
    assert response.status_code == 422 and "SIGSEGV" in response.text and "已拒绝" in response.text
    monkeypatch.delenv(sandbox.TEST_HOOK_ENV)
    assert client.get("/healthz").status_code == 200
    assert _upload(client, draft_2027(), csrf).status_code == 200
