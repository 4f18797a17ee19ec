"""Reloads that reach every host on one PostgreSQL decision log (LISTEN/NOTIFY).

Several hosts behind a proxy share one PostgreSQL. After a successful `POST /v1/admin/reload`, the worker that
answered it announces the policy revision it now serves with `pg_notify('regimes_policy', revision)` (delivered
at commit). Every worker of every host listens on that channel on a connection of its own, in a background
thread; a worker whose revision differs from the one announced re-reads its own `policies/` (validated in the
sandbox child, as every reload). Hosts deployed with the same files then serve the same revision; a host whose
files differ logs that its revision still differs, and `/healthz` shows it.

With SQLite there is one host: the supervisor's SIGHUP fan-out (service/workers.py) is all there is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

log = logging.getLogger("regimes.hosts")

CHANNEL = "regimes_policy"
POLL_S = 1.0  # how often the listener looks up from its wait (to notice it should stop)
BACKOFF_MAX_S = 30.0


def announce(engine: Engine, revision: str) -> None:
    """Tell every listening worker on every host which revision this host now serves."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_notify(:channel, :revision)"), {"channel": CHANNEL, "revision": revision})
        conn.commit()


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL (`postgresql+psycopg://…`) as the libpq URL psycopg connects with."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """A daemon thread that calls `on_revision(revision)` for every revision announced on CHANNEL."""

    def __init__(self, url: str, on_revision: Callable[[str], None]):
        self._url = libpq_url(url)
        self._on_revision = on_revision
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="policy-revision-listener", daemon=True)
        self.listening = threading.Event()  # set while LISTEN is in place (tests wait for it)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=POLL_S * 5)

    def _run(self) -> None:
        import psycopg  # the PostgreSQL driver: only needed, and only installed, where PostgreSQL is used

        backoff = 1.0
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    backoff = 1.0
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=POLL_S):
                            self._on_revision(note.payload)
            except Exception as exc:  # a lost connection: listen again, without flooding the log
                self.listening.clear()
                if self._stop.is_set():
                    return
                log.warning("监听规则版本通知的数据库连接中断（%s），%.0f 秒后重连", exc.__class__.__name__, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
