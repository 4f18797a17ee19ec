"""Result links: `/r/<token>` reopens the logged pre-check decision for whoever holds the link, read-only."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from engine.audit.store import Store, _digest
from service.testing import make_test_app
from tests.test_web_pages import FLAWED_FORM, NO_FILE, ROOT

LINK = re.compile(r'id="result-link"><strong>结果链接：</strong><a href="(/r/([A-Za-z0-9_-]+))">')


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    app, _, url = make_test_app(tmp_path_factory.mktemp("link"))
    yield app, url


def _submit(app: Any, form: dict[str, Any]) -> tuple[str, str, str]:
    """(page, link path, token) of a pre-check posted from a fresh browser (its own CSRF cookie)."""
    with TestClient(app) as client:
        client.get("/")
        response = client.post("/", data={"csrf_token": client.cookies["regimes_csrf"], **form}, files=NO_FILE)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["cache-control"] == "no-store"
    found = LINK.search(response.text)
    assert found, "the result page shows no result link"
    assert "保存此链接可随时重新打开本次预审结果；持有链接者均可查看，请勿公开" in response.text
    return response.text, found.group(1), found.group(2)


def _verdict_and_counts(html: str) -> tuple[str, list[tuple[str, str]]]:
    verdict = re.search(r'<h2 id="result-title">预审结论：(.*?)</h2>', html, re.S)
    assert verdict
    chips = re.findall(r'<li class="chip chip-([a-z]+)"><a href="#res-[a-z]+">[^<]*<b>(\d+)</b>', html)
    assert chips
    return verdict.group(1), chips


def test_the_link_reopens_the_same_decision_without_cookies(env: tuple[Any, str]) -> None:
    app, _ = env
    page, path, token = _submit(app, FLAWED_FORM)
    assert len(token) == 32
    decision_id = re.search(r"判定编号 <code>([0-9a-f-]{36})</code>", page)
    assert decision_id
    with TestClient(app) as stranger:  # a fresh client: no cookie, no session, only the link
        opened = stranger.get(path)
    assert opened.status_code == 200
    assert opened.headers["cache-control"] == "no-store"
    assert opened.headers["referrer-policy"] == "no-referrer"
    html = opened.text
    assert "不符合条件" in html and _verdict_and_counts(html) == _verdict_and_counts(page)
    assert decision_id.group(1) in html and "预审结果（只读）" in html
    assert "市级专家服务团经费支持不超过10万元；申请12万元" in html
    assert "同济大学汽车学院" in html  # the facts as logged
    assert 'id="precheck-form"' not in html and 'name="csrf_token"' not in html  # read-only: no form


def test_unknown_or_malformed_tokens_get_a_chinese_404(env: tuple[Any, str]) -> None:
    app, _ = env
    _, path, token = _submit(app, FLAWED_FORM)
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    with TestClient(app) as client:
        for bad in (f"/r/{wrong}", "/r/x", f"/r/{token}extra", "/r/" + "A" * 300):
            response = client.get(bad)
            assert response.status_code == 404, bad
            assert "找不到该预审结果" in response.text and "<html lang=\"zh-CN\">" in response.text
            assert response.headers["cache-control"] == "no-store"
        assert client.get(path).status_code == 200


def test_the_log_holds_only_the_digest_and_tokens_differ(env: tuple[Any, str]) -> None:
    app, url = env
    first, _, token_a = _submit(app, FLAWED_FORM)
    second, _, token_b = _submit(app, FLAWED_FORM)  # the same facts again: a new decision, a new link
    assert token_a != token_b
    ids = [re.search(r"判定编号 <code>([0-9a-f-]{36})</code>", p).group(1) for p in (first, second)]  # type: ignore[union-attr]
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        rows = {r[0]: r[1] for r in conn.execute(
            "SELECT id, capability_digest FROM decisions WHERE id IN (?, ?)", ids)}
        dump = "\n".join(conn.iterdump())
    assert rows == {ids[0]: _digest(token_a), ids[1]: _digest(token_b)}
    assert token_a not in dump and token_b not in dump  # nowhere in the database, in any column
    store = Store(url)
    try:
        found = store.find_by_capability(token_a)
        assert found is not None and found.id == ids[0]
        assert store.find_by_capability(_digest(token_a)) is None  # the digest itself opens nothing
        assert store.find_by_capability("") is None
    finally:
        store.close()


def test_the_api_makes_no_link(env: tuple[Any, str]) -> None:
    app, url = env
    facts = yaml.safe_load((ROOT / "examples" / "shanghai-2026" / "flawed.yaml").read_text(encoding="utf-8"))
    body = json.dumps({"regime": "shanghai-2026", "as_of": "2026-02-01", "facts": facts}, default=str)  # YAML dates
    with TestClient(app) as client:
        response = client.post("/v1/evaluate", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    assert "/r/" not in response.text and "capability" not in body
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        digest = conn.execute("SELECT capability_digest FROM decisions WHERE id = ?", (body["decision_id"],)).fetchone()
    assert digest == (None,)


def test_a_link_whose_regime_is_gone_shows_the_logged_ids(env: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> None:
    app, _ = env
    page, path, _ = _submit(app, FLAWED_FORM)
    import service.web as web
    from engine.audit.replay import ReplayError

    def gone(*_: Any) -> Any:
        raise ReplayError("快照缺失")

    monkeypatch.setattr(web, "snapshot_regime", gone)
    with TestClient(app) as client:  # the service starts (loading its rules) before they are taken away
        monkeypatch.setattr(app.state.holder.current, "regimes", {})
        response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert "本规则集已不在服务中" in html and "shanghai-2026" in html
    assert _verdict_and_counts(html) == _verdict_and_counts(page)
