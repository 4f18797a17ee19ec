"""Two hosts on one PostgreSQL decision log: a reload on one reaches the other (service/hosts.py, LISTEN/NOTIFY)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.audit.store import database_url
from service.hosts import libpq_url
from service.testing import STAFF_TOKEN, TOKENS_SPEC, auth, copy_policies, tighten_title_rule
from service.workers import revision

ROOT = Path(__file__).resolve().parent.parent


def test_the_listener_connects_with_the_drivers_url() -> None:
    url = "postgresql+psycopg://u:p%40ss@db.example:5433/regimes?options=-csearch_path%3Dt1"
    assert libpq_url(url) == "postgresql://u:p%40ss@db.example:5433/regimes?options=-csearch_path%3Dt1"


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    url = os.environ.get("REGIMES_TEST_PG_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REGIMES_TEST_PG_URL is not set")
        pytest.skip("REGIMES_TEST_PG_URL not set (run .ci/postgres.sh)")
    schema = f"h_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(database_url(url)).update_query_dict({"options": f"-csearch_path={schema}"}) \
            .render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(tmp: Path, name: str, db_url: str) -> tuple[str, subprocess.Popen[bytes], Path]:
    root = copy_policies(tmp / name / "policies")
    port = _port()
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


def _wait(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_reload_on_one_host_reaches_another_host_on_the_same_postgresql(tmp_path: Path, pg_schema_url: str) -> None:
    a = _start(tmp_path, "a", pg_schema_url)
    b = _start(tmp_path, "b", pg_schema_url)
    try:
        for base, proc, _ in (a, b):
            _wait(lambda base=base, proc=proc: proc.poll() is None and _healthz(base), 60, f"{base} to start")
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
        _wait(lambda: (_healthz(b[0]) or {}).get("revision") == new, 60, "host b to serve the new revision")
        assert (_healthz(b[0]) or {}).get("last_reload", {}).get("ok") is True
    finally:
        for _, proc, _ in (a, b):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
