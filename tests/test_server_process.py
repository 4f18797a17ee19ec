"""The real server on loopback: evaluate → decision → replay → edit → reload → replay; SIGHUP; crash durability."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from engine.audit.store import Store
from engine.facts import load_facts_file
from service.testing import AUDITOR_TOKEN, STAFF_TOKEN, TOKENS_SPEC, auth, copy_policies, liaoning_file, tighten_title_rule

ROOT = Path(__file__).resolve().parent.parent
COMPLIANT = load_facts_file(ROOT / "examples" / "liaoning-2026" / "compliant.yaml")
START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `check` until it returns something truthy; the deadline only bounds the wait, it asserts nothing."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[httpx.Client, subprocess.Popen, Path, str]]:
    root = copy_policies(tmp_path / "policies")
    url = f"sqlite:///{tmp_path / 'decisions.db'}"
    port = _free_port()
    env = {**os.environ, "REGIMES_POLICIES": str(root), "REGIMES_DATABASE_URL": url, "REGIMES_TOKENS": TOKENS_SPEC}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            def up() -> bool:
                assert proc.poll() is None, (tmp_path / "server.log").read_text(errors="replace")
                return client.get("/healthz").status_code == 200

            _until(up, START_TIMEOUT, "the server to answer /healthz")
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
    hupped = _until(lambda: (h := client.get("/healthz").json()["regimes"]["liaoning-2026"]) != edited_hash and h,
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
