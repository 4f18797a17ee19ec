"""Hostile policies, paths and templates are refused with a clear message and never reach the server's secrets."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from policy_text import HEADER, rule

from engine.policy.validate import PolicyError, load_regime_text

SECRET = "TOKEN-THAT-MUST-NOT-LEAK"


def _policy_dir(tmp_path: Path) -> Path:
    (tmp_path / "policies" / "sources").mkdir(parents=True)
    (tmp_path / "policies" / "sources" / "test-2026.txt").write_text("测试条款。\n", encoding="utf-8")
    region = tmp_path / "policies" / "test"
    region.mkdir()
    return region


def _load(text: str, base: Path) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_regime_text(text, "test/2026.yaml", base)
    return info.value.errors


@pytest.mark.parametrize("source_text", ["/etc/passwd", "/proc/self/environ", "../../secret.txt", "../sources/../../secret.txt",
                                         "../sources/missing.txt", "../sources"])
def test_source_text_must_be_a_file_inside_sources(tmp_path: Path, source_text: str) -> None:
    base = _policy_dir(tmp_path)
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    text = HEADER.replace("source_text: ../sources/none.txt", f"source_text: {source_text}") + rule(
        "r", "check: {field: sessions, le: 3}")
    errors = _load(text, base)
    joined = "\n".join(errors)
    assert "source_text" in joined and "sources" in joined
    assert SECRET not in joined and str(tmp_path) not in joined and "root:" not in joined
    assert "Error" not in joined  # no Python exception names


def test_source_text_inside_sources_is_read(tmp_path: Path) -> None:
    base = _policy_dir(tmp_path)
    text = HEADER.replace("source_text: ../sources/none.txt", "source_text: ../sources/test-2026.txt") + rule(
        "r", "check: {field: sessions, le: 3}")
    regime = load_regime_text(text, "test/2026.yaml", base)
    assert regime.id == "test-2026"


@pytest.mark.parametrize("message", ["{sessions:,d}", "{sessions:>1000000000}", "{sessions!r}", "{0}", "{}",
                                     "{sessions.__class__}"])
def test_message_templates_allow_only_names_and_the_projects_filters(message: str) -> None:
    body = "check: {field: sessions, le: 3}"
    text = HEADER + rule("r", body).replace("message: 测试", f"message: '{message}'")
    with pytest.raises(PolicyError) as info:
        load_regime_text(text, "p.yaml", check_quotes=False)
    assert any("message" in e for e in info.value.errors), info.value.errors


def test_plain_names_and_filters_are_accepted() -> None:
    text = HEADER + rule("r", "check: {field: sessions, le: 3}").replace(
        "message: 测试", "message: '次数 {sessions}；地点 {locations|count} 处'")
    regime = load_regime_text(text, "p.yaml", check_quotes=False)
    from engine.explain import render_message

    assert render_message(regime.rules[0], {"sessions": 2, "locations": [{}, {}]}) == "次数 2；地点 2 处"
    assert render_message(regime.rules[0], {}) == "次数 未提供；地点 未提供"  # no dangling unit after an absent value


@pytest.fixture
def client(tmp_path: Path):
    from fastapi.testclient import TestClient

    from service.testing import make_test_app

    app, _, _ = make_test_app(tmp_path)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_security_headers_on_pages_and_api(client) -> None:
    for path in ("/", "/healthz", "/v1/regimes"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'none'" in csp


def test_docs_are_served_without_a_cdn(client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text.split("<body")[0]
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_an_unexpected_error_is_a_json_500_with_an_id(client, monkeypatch, caplog) -> None:
    import engine.audit.replay as replay

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("service.app.decide", boom)
    response = client.post("/v1/evaluate", json={"regime": "liaoning-2026", "facts": {}})
    assert response.status_code == 500 and response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error_id"] in body["error"] and "RuntimeError" not in body["error"]
    assert any(body["error_id"] in r.getMessage() for r in caplog.records)
    assert replay.decide is not boom


def _regimes(*args: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent)


def test_a_closed_pipe_keeps_the_verdicts_exit_code() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    shell = (f"{sys.executable} -m engine.cli check examples/liaoning-2026/flawed.yaml --regime liaoning-2026 "
             "| head -1; exit ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60, cwd=root)
    assert done.returncode == 1, done.stderr  # ineligible, as without the pipe
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_a_full_disk_is_one_message() -> None:
    with open("/dev/full", "w") as full:
        done = _regimes("check", "examples/liaoning-2026/flawed.yaml", "--regime", "liaoning-2026", stdout=full)
    assert done.returncode == 3 and "无法写出结果" in done.stderr and "Traceback" not in done.stderr


def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "facts.yaml"
    os.mkfifo(fifo)
    done = _regimes("check", str(fifo), "--regime", "liaoning-2026")
    assert done.returncode == 3 and "不是普通文件" in done.stderr


def test_logged_endpoints_are_rate_limited_per_client(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.testing import copy_policies

    app = create_app(policies=copy_policies(tmp_path / "policies"), database_url=f"sqlite:///{tmp_path / 'd.db'}",
                     rate_limit=3)
    with TestClient(app) as c:
        body = {"regime": "liaoning-2026", "facts": {}}
        codes = [c.post("/v1/evaluate", json=body).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = c.post("/v1/evaluate", json=body)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "请求过于频繁" in refused.json()["error"]
        assert c.get("/healthz").status_code == 200  # unlogged endpoints are not limited


def test_a_regime_whose_file_disappeared_stays_until_removal_is_confirmed(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from service.testing import STAFF_TOKEN, auth, make_test_app

    app, root, _ = make_test_app(tmp_path)
    with TestClient(app) as c:
        (root / "zhejiang" / "2023.yaml").unlink()
        refused = c.post("/v1/admin/reload", headers=auth(STAFF_TOKEN))
        assert refused.status_code == 422 and "zhejiang-2023" in refused.text and "confirm_removal" in refused.text
        health = c.get("/healthz").json()
        assert "zhejiang-2023" in health["regimes"] and health["last_reload"]["ok"] is False
        done = c.post("/v1/admin/reload", params={"confirm_removal": "true"}, headers=auth(STAFF_TOKEN))
        assert done.status_code == 200 and "zhejiang-2023" not in done.json()["regimes"]
        assert c.get("/healthz").json()["last_reload"]["ok"] is True


def test_reload_compiles_each_policy_in_a_child_first(tmp_path: Path, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from engine.backends import sandbox
    from service.testing import STAFF_TOKEN, auth, make_test_app

    app, root, _ = make_test_app(tmp_path)
    with TestClient(app) as c:
        before = c.get("/healthz").json()["regimes"]
        monkeypatch.setenv(sandbox.TEST_HOOK_ENV, "segv")  # the child dies as a crashing engine would
        refused = c.post("/v1/admin/reload", headers=auth(STAFF_TOKEN))
        assert refused.status_code == 422 and "异常终止" in refused.text
        assert c.get("/healthz").json()["regimes"] == before  # still serving, the last good set


def test_a_503_means_not_logged_even_when_the_writer_catches_up_later(tmp_path: Path, monkeypatch) -> None:
    """A request that gave up waiting for its commit is withdrawn: the writer never commits it afterwards."""
    import threading
    import time

    from support import example, registry

    from engine.audit import store as store_module
    from engine.audit.store import LogUnavailable, Store

    monkeypatch.setattr(store_module, "COMMIT_TIMEOUT_S", 0.3)
    log = Store(f"sqlite:///{tmp_path / 'd.db'}")
    regime = registry().get("liaoning-2026")
    facts = example("liaoning-2026")
    release = threading.Event()
    real_write = log._writer._write
    first = threading.Event()

    def slow_write(batch):  # the first batch stalls, as a stalled disk or database would
        if not first.is_set():
            first.set()
            release.wait(5)
        return real_write(batch)

    monkeypatch.setattr(log._writer, "_write", slow_write)
    outcome: dict[str, object] = {}

    def decide(name: str) -> None:
        result = {"verdict": "eligible", "stage": "application", "judged": "application"}
        try:
            outcome[name] = log.record(regime, dt.date(2026, 6, 15), facts, result)
        except LogUnavailable:
            outcome[name] = "503"

    a = threading.Thread(target=decide, args=("a",))
    a.start()
    first.wait(5)  # the writer is now stuck on A
    b = threading.Thread(target=decide, args=("b",))
    b.start()
    b.join(5)
    assert outcome["b"] == "503"
    time.sleep(0.1)
    release.set()
    a.join(5)
    assert outcome["a"] != "503"  # A was being written: its commit decides, and it committed
    time.sleep(0.3)  # the writer has long taken the rest of the queue
    assert log.count() == 1 and log.get(str(outcome["a"])) is not None
    log.close()


# ---------------------------------------------------------------- #14 item 1: the impact replay runs in the child


def _impact_env(tmp_path: Path) -> tuple[Any, Any, str]:
    from fastapi.testclient import TestClient

    from service.testing import liaoning_file, make_test_app

    app, root, _ = make_test_app(tmp_path)
    text = liaoning_file(root).read_text(encoding="utf-8").replace(
        "titles: [senior, associate_senior]", "titles: [senior]", 1)
    return app, TestClient, text


def _log_two(client: Any) -> None:
    from engine.facts import load_facts_file

    root = Path(__file__).resolve().parent.parent / "examples" / "liaoning-2026"
    for name in ("compliant.yaml", "flawed.yaml"):
        body = {"regime": "liaoning-2026", "as_of": "2026-06-15", "facts": load_facts_file(root / name)}
        assert client.post("/v1/evaluate", json=body).status_code == 200


@pytest.mark.parametrize("hook,status,expected", [("segv@impact", 422, "SIGSEGV"), ("hang@impact", 503, "影响分析超时")])
def test_a_crash_or_hang_during_the_impact_replay_is_contained(tmp_path: Path, monkeypatch, hook: str, status: int,
                                                               expected: str) -> None:
    from engine.audit import impact_child
    from engine.backends import sandbox
    from service.testing import STAFF_TOKEN, auth

    app, TestClient, text = _impact_env(tmp_path)
    if hook.startswith("hang"):
        monkeypatch.setattr(impact_child, "IMPACT_TIMEOUT", 8.0)
    headers = {**auth(STAFF_TOKEN), "content-type": "application/yaml"}
    with TestClient(app) as c:
        _log_two(c)
        monkeypatch.setenv(sandbox.TEST_HOOK_ENV, hook)  # fires in the impact child at its first replayed decision
        refused = c.post("/v1/impact", content=text.encode("utf-8"), headers=headers)
        assert refused.status_code == status, refused.text
        assert refused.headers["content-type"].startswith("application/json")
        assert any(expected in e["message"] for e in refused.json()["errors"]), refused.text
        assert c.get("/healthz").json()["live_engine_states"] == 0  # the server is alive and idle
        monkeypatch.delenv(sandbox.TEST_HOOK_ENV)
        monkeypatch.setattr(impact_child, "IMPACT_TIMEOUT", 120.0)
        accepted = c.post("/v1/impact", content=text.encode("utf-8"), headers=headers)
        assert accepted.status_code == 200 and accepted.json()["decisions"] == 2, accepted.text


def test_the_server_never_compiles_an_impact_candidate(tmp_path: Path) -> None:
    from engine.backends import durable
    from service.testing import STAFF_TOKEN, auth

    app, TestClient, text = _impact_env(tmp_path)
    with TestClient(app) as c:
        _log_two(c)
        before = set(durable.CompiledRuleset._registry)
        response = c.post("/v1/impact", content=text.encode("utf-8"),
                          headers={**auth(STAFF_TOKEN), "content-type": "application/yaml"})
        assert response.status_code == 200, response.text
        out = response.json()
        assert out["decisions"] == 2 and out["verdict_changed"] >= 1  # the replay happened, in the child
        candidate = "r" + out["candidate"]["hash"].split(":")[-1][:32]
        assert candidate not in durable.CompiledRuleset._registry  # this process never compiled it
        assert set(durable.CompiledRuleset._registry) <= before


def test_the_impact_is_bounded_and_says_when_it_was_cut(tmp_path: Path) -> None:
    from service.testing import STAFF_TOKEN, auth

    app, TestClient, text = _impact_env(tmp_path)
    headers = {**auth(STAFF_TOKEN), "content-type": "application/yaml"}
    with TestClient(app) as c:
        _log_two(c)
        cut = c.post("/v1/impact", params={"limit": 1}, content=text.encode("utf-8"), headers=headers)
        assert cut.status_code == 200, cut.text
        body = cut.json()
        assert body["decisions"] == 1 and body["truncated"] is True
        assert "只重放了前 1 条" in body["notice"] and "limit" in body["notice"]
        whole = c.post("/v1/impact", content=text.encode("utf-8"), headers=headers).json()
        assert whole["truncated"] is False and "notice" not in whole
        for bad in (0, 100_001):
            refused = c.post("/v1/impact", params={"limit": bad}, content=text.encode("utf-8"), headers=headers)
            assert refused.status_code == 422 and refused.json()["errors"][0]["field"].startswith("limit")
