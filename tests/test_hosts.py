"""Two hosts on one PostgreSQL decision log: a reload on one reaches the other (service/hosts.py, LISTEN/NOTIFY)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from support import free_port, pg_schema_url, wait_until

from service.hosts import libpq_url
from service.testing import STAFF_TOKEN, TOKENS_SPEC, auth, copy_policies, tighten_title_rule
from service.workers import revision

ROOT = Path(__file__).resolve().parent.parent


def test_the_listener_connects_with_the_drivers_url() -> None:
    url = "postgresql+psycopg://u:p%40ss@db.example:5433/regimes?options=-csearch_path%3Dt1"
    assert libpq_url(url) == "postgresql://u:p%40ss@db.example:5433/regimes?options=-csearch_path%3Dt1"


def _start(tmp: Path, name: str, db_url: str) -> tuple[str, subprocess.Popen[bytes], Path]:
    root = copy_policies(tmp / name / "policies")
    port = free_port()
    env = {**os.environ, "REGIMES_POLICIES": str(root), "REGIMES_DATABASE_URL": db_url, "REGIMES_TOKENS": TOKENS_SPEC,
           "REGIMES_RATE_LIMIT": "0"}
    log = (tmp / name / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return f"http://127.0.0.1:{port}", proc, root


def _healthz(base: str) -> dict | None:
    try:
        r = httpx.get(base + "/healthz", timeout=10)
    except httpx.TransportError:
        return None
    return r.json() if r.status_code == 200 else None


def test_a_reload_on_one_host_reaches_another_host_on_the_same_postgresql(tmp_path: Path) -> None:
    with pg_schema_url() as url:
        _two_hosts(tmp_path, url)


def _two_hosts(tmp_path: Path, url: str) -> None:
    a = _start(tmp_path, "a", url)
    b = _start(tmp_path, "b", url)
    try:
        for base, proc, _ in (a, b):
            wait_until(lambda base=base, proc=proc: proc.poll() is None and _healthz(base), 60, f"{base} to start")
        old = _healthz(b[0])["revision"]  # type: ignore[index]
        assert _healthz(a[0])["revision"] == old  # type: ignore[index]
        time.sleep(1.5)  # both listeners are in place (they LISTEN right after start)

        for _, _, root in (a, b):  # the same new files deployed to both hosts
            tighten_title_rule(root)
        time.sleep(1.0)
        assert _healthz(b[0])["revision"] == old  # type: ignore[index]  # files alone change nothing

        answer = httpx.post(a[0] + "/v1/admin/reload", headers=auth(STAFF_TOKEN), timeout=90)
        assert answer.status_code == 200, answer.text
        new = revision(answer.json()["regimes"])
        assert new != old
        # host b was never asked: it hears the announcement and re-reads its own files
        wait_until(lambda: (_healthz(b[0]) or {}).get("revision") == new, 60, "host b to serve the new revision")
        assert (_healthz(b[0]) or {}).get("last_reload", {}).get("ok") is True
    finally:
        for _, proc, _ in (a, b):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
