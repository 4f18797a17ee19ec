"""`regimes serve --workers 2`: per-worker sockets, one policy revision everywhere after a reload, restarts."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import free_port, wait_until

from service.testing import STAFF_TOKEN, TOKENS_SPEC, auth, copy_policies, tighten_title_rule
from service.workers import bind_socket, revision

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0




def _children(pid: int) -> set[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return {int(p) for p in text.split()}


def _fresh_healthz(base: str) -> dict[str, Any]:
    """GET /healthz on a new connection (a kept-alive one would stay on one worker)."""
    response = httpx.get(base + "/healthz", headers={"Connection": "close"}, timeout=30)
    assert response.status_code == 200
    return response.json()


def test_revision_is_a_digest_of_the_hashes_served() -> None:
    hashes = {"b-2026": "sha256:22", "a-2025": "sha256:11"}
    assert revision(hashes) == revision(dict(reversed(list(hashes.items()))))
    assert len(revision(hashes)) == 16
    assert revision({**hashes, "a-2025": "sha256:12"}) != revision(hashes)
    assert revision({"b-2026": "sha256:22"}) != revision(hashes)


def test_worker_socket_sets_tcp_nodelay_on_accepted_connections() -> None:
    """A pre-bound socket made with protocol 0 (uvicorn's) gets connections without TCP_NODELAY."""
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            conn = transport.get_extra_info("socket")
            seen.append(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(main())
    assert seen and seen[0] != 0


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    root = copy_policies(tmp_path / "policies")
    port = free_port()
    env = {**os.environ, "REGIMES_POLICIES": str(root), "REGIMES_DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}",
           "REGIMES_TOKENS": TOKENS_SPEC, "REGIMES_RATE_LIMIT": "0"}
    log_path = tmp_path / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--workers", "2", "--host", "127.0.0.1",
                             "--port", str(port), "--no-access-log"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        def both_up() -> bool:
            assert proc.poll() is None, log_path.read_text(errors="replace")
            return len({_fresh_healthz(base)["pid"] for _ in range(20)}) == 2

        wait_until(both_up, START_TIMEOUT, "both workers to answer /healthz")
        yield base, proc, root
        workers = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)  # the supervisor stops its workers and exits
        assert proc.wait(timeout=45) == 0, log_path.read_text(errors="replace")
        assert not any(Path(f"/proc/{p}").exists() for p in workers), "a worker outlived its supervisor"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def test_reload_reaches_every_worker_and_a_killed_worker_comes_back(
        two_workers: tuple[str, subprocess.Popen[bytes], Path]) -> None:
    base, proc, root = two_workers
    before = _fresh_healthz(base)
    assert before["revision"] == revision(before["regimes"])
    workers = _children(proc.pid)
    assert len(workers) == 2

    tighten_title_rule(root)
    answer = httpx.post(base + "/v1/admin/reload", headers={**auth(STAFF_TOKEN), "Connection": "close"}, timeout=90)
    assert answer.status_code == 200, answer.text
    new = revision(answer.json()["regimes"])
    assert new != before["revision"]

    # the reload answered only after every worker serves the new set: no waiting here
    seen = [_fresh_healthz(base) for _ in range(50)]
    assert {h["revision"] for h in seen} == {new}
    assert {h["pid"] for h in seen} == workers  # answers came from both workers
    detail = next(h for h in seen if (h["last_reload"] or {}).get("workers"))["last_reload"]["workers"]
    assert {w["pid"] for w in detail} == workers and {w["revision"] for w in detail} == {new}

    # kill -9 one worker: the supervisor starts another, which serves the current files
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    replacement = wait_until(lambda: (_children(proc.pid) - workers) or None, START_TIMEOUT, "a replacement worker")
    (fresh_pid,) = replacement
    answered = wait_until(lambda: next((h for h in (_fresh_healthz(base) for _ in range(10)) if h["pid"] == fresh_pid),
                                   None), START_TIMEOUT, "the replacement worker to answer")
    assert answered["revision"] == new
    assert {_fresh_healthz(base)["revision"] for _ in range(20)} == {new}


def test_sighup_to_the_supervisor_reloads_every_worker(two_workers: tuple[str, subprocess.Popen[bytes], Path]) -> None:
    base, proc, root = two_workers
    before = _fresh_healthz(base)["revision"]
    workers = _children(proc.pid)
    tighten_title_rule(root)
    proc.send_signal(signal.SIGHUP)

    def all_new() -> bool:
        seen = [_fresh_healthz(base) for _ in range(20)]
        return {h["pid"] for h in seen} == workers and before not in {h["revision"] for h in seen}

    wait_until(all_new, START_TIMEOUT, "every worker to serve the edited policy after SIGHUP")
