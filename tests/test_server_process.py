"""The real server on loopback: evaluate → decision → replay → edit → reload → replay; SIGHUP; crash durability."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import free_port, wait_until

from engine.audit.store import Store
from engine.facts import load_facts_file
from service.testing import AUDITOR_TOKEN, STAFF_TOKEN, TOKENS_SPEC, auth, copy_policies, liaoning_file, tighten_title_rule

ROOT = Path(__file__).resolve().parent.parent
COMPLIANT = load_facts_file(ROOT / "examples" / "liaoning-2026" / "compliant.yaml")
START_TIMEOUT = 30.0




@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[httpx.Client, subprocess.Popen, Path, str]]:
    root = copy_policies(tmp_path / "policies")
    url = f"sqlite:///{tmp_path / 'decisions.db'}"
    port = free_port()
    env = {**os.environ, "REGIMES_POLICIES": str(root), "REGIMES_DATABASE_URL": url, "REGIMES_TOKENS": TOKENS_SPEC}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            def up() -> bool:
                assert proc.poll() is None, (tmp_path / "server.log").read_text(errors="replace")
                return client.get("/healthz").status_code == 200

            wait_until(up, START_TIMEOUT, "the server to answer /healthz")
            yield client, proc, root, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        log.close()


def test_real_server_round_trip(server: tuple[httpx.Client, subprocess.Popen, Path, str]) -> None:
    client, proc, root, url = server
    decided = client.post("/v1/evaluate", json={"regime": "liaoning-2026", "as_of": "2026-06-15", "facts": COMPLIANT})
    assert decided.status_code == 200
    original = decided.json()
    did = original["decision_id"]

    logged = client.get(f"/v1/decisions/{did}", headers=auth(AUDITOR_TOKEN)).json()
    assert logged["result"] == original and logged["facts"] == COMPLIANT

    def replay(body: dict | None = None) -> dict:
        response = client.post(f"/v1/decisions/{did}/replay", headers=auth(AUDITOR_TOKEN), json=body)
        assert response.status_code == 200, response.text
        return response.json()

    assert replay()["changes"]["identical"] is True

    tighten_title_rule(root)
    reloaded = client.post("/v1/admin/reload", headers=auth(STAFF_TOKEN))
    assert reloaded.status_code == 200
    edited_hash = reloaded.json()["regimes"]["liaoning-2026"]
    assert edited_hash != original["regime"]["hash"]

    again = replay({})
    assert again["changes"]["identical"] is True
    assert again["result"]["results"] == original["results"]
    moved = replay({"regime": "liaoning-2026"})
    assert moved["changes"]["identical"] is False
    assert moved["changes"]["regime"]["to"]["hash"] == edited_hash
    assert moved["changes"]["verdict"]["from"] == "eligible"

    # SIGHUP re-reads policies/ too
    path = liaoning_file(root)
    path.write_text(path.read_text(encoding="utf-8").replace("version: 9.0.0", "version: 9.0.1", 1), encoding="utf-8")
    proc.send_signal(signal.SIGHUP)
    hupped = wait_until(lambda: (h := client.get("/healthz").json()["regimes"]["liaoning-2026"]) != edited_hash and h,
                    START_TIMEOUT, "SIGHUP to reload the edited policy")
    assert hupped != original["regime"]["hash"]

    # a decision that got a 2xx answer is in the log even if the process dies the next instant
    last = client.post("/v1/evaluate", json={"regime": "liaoning-2026", "facts": COMPLIANT})
    assert last.status_code == 200
    proc.kill()
    proc.wait(timeout=10)
    store = Store(url)
    try:
        for decision_id in (did, last.json()["decision_id"]):
            got = store.get(decision_id)
            assert got is not None
        assert store.get(last.json()["decision_id"]).result == last.json()  # type: ignore[union-attr]
    finally:
        store.close()


def _csrf(client: httpx.Client) -> str:
    """The page's CSRF token: the form is fetched first, as a browser would (double-submit cookie)."""
    from service.web import CSRF_COOKIE

    client.get("/")
    return client.cookies[CSRF_COOKIE]


def _maximal_upload() -> bytes:
    """A facts file just under the page's upload limit, as slow to parse as YAML gets (many small mappings)."""
    from service.web import MAX_UPLOAD_BYTES

    row = "  - {id: E%05d, name: " + "专" * 70 + ", title: senior, healthy: true, willing: true, own_unit: true}\n"
    lines = ["experts:\n"]
    size, n = len(lines[0]), 0
    while size + len((row % n).encode()) < MAX_UPLOAD_BYTES - 16 and n < 500:  # the schema allows 500 experts
        lines.append(row % n)
        size += len((row % n).encode())
        n += 1
    return "".join(lines).encode()


def test_healthz_answers_quickly_while_a_maximal_upload_is_parsed(server) -> None:
    import threading

    client, *_ = server
    body = _maximal_upload()
    done: dict[str, Any] = {}

    def upload() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=str(client.base_url), timeout=120) as other:
            token = _csrf(other)
            done["status"] = other.post("/", data={"regime": "liaoning-2026", "action": "check", "csrf_token": token},
                                        files={"facts_file": ("big.yaml", body, "application/yaml")}).status_code
        done["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=upload)
    worker.start()
    time.sleep(0.3)  # the upload is being parsed now
    latencies = []
    while worker.is_alive() and len(latencies) < 20:
        started = time.monotonic()
        assert client.get("/healthz").status_code == 200
        latencies.append(time.monotonic() - started)
        time.sleep(0.02)
    worker.join()
    assert done["status"] == 200, done
    assert latencies, f"the upload took only {done['seconds']:.2f} s: nothing was measured during it"
    latencies.sort()
    assert latencies[len(latencies) // 2] < 0.1, (latencies, done)


def test_an_upload_over_the_limit_is_refused_with_a_message(server) -> None:
    from service.web import MAX_UPLOAD_BYTES

    client, *_ = server
    body = b"experts: []\n" + b"#" * (MAX_UPLOAD_BYTES + 10)
    response = client.post("/", data={"regime": "liaoning-2026", "action": "check", "csrf_token": _csrf(client)},
                           files={"facts_file": ("big.yaml", body, "application/yaml")})
    assert response.status_code == 422 and "文件过大" in response.text


def test_a_body_over_the_limit_is_answered_413_to_a_python_client(server) -> None:
    client, *_ = server
    body = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    response = client.post("/v1/evaluate", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "请求体过大" in response.json()["error"]
