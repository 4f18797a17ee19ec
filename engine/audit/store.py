"""The decision log: every evaluation served, and a snapshot of every policy it used.

Append-only (the schema refuses UPDATE and DELETE). A decision is committed before its
answer is sent; SQLite runs in WAL mode with synchronous=FULL so a committed decision
survives a crash of the process or the machine; PostgreSQL commits durably by default.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from engine.audit.migrations import migrate
from engine.policy.model import Regime
from engine.settings import settings

log = logging.getLogger("regimes.audit")

metadata = MetaData()
policies = Table(
    "policies", metadata,
    Column("hash", String(80), primary_key=True),
    Column("regime_id", String(200), nullable=False),
    Column("version", String(100), nullable=False),
    Column("data_json", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
decisions = Table(
    "decisions", metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("regime_id", String(200), nullable=False),
    Column("regime_version", String(100), nullable=False),
    Column("regime_hash", String(80), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("facts_json", Text, nullable=False),
    Column("result_json", Text, nullable=False),
    Column("engine", String(40), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("judged", String(20), nullable=False),
)


def canonical_json(data: Any) -> str:
    """The text stored for a policy snapshot: the same canonical form `content_hash` digests."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def database_url(url: str | None = None) -> str:
    url = url or settings().database_url
    for plain in ("postgresql://", "postgres://"):  # psycopg 3 is the driver we ship, not psycopg2
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed URL must not leak through the error about it
        return "<无法解析的数据库地址>"


@dataclass(frozen=True)
class Decision:
    id: str
    created_at: dt.datetime
    regime_id: str
    regime_version: str
    regime_hash: str
    as_of: dt.date
    facts_json: str
    result_json: str
    engine: str
    stage: str = "application"
    judged: str = "application"

    @property
    def facts(self) -> dict[str, Any]:
        return json.loads(self.facts_json)

    @property
    def result(self) -> dict[str, Any]:
        return json.loads(self.result_json)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "regime": {"id": self.regime_id, "version": self.regime_version, "hash": self.regime_hash},
            "as_of": self.as_of.isoformat(),
            "engine": self.engine,
            "facts": self.facts,
            "result": self.result,
        }


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _decision(row: Any) -> Decision:
    as_of = row.as_of if isinstance(row.as_of, dt.date) else dt.date.fromisoformat(str(row.as_of))
    return Decision(row.id, _utc(row.created_at), row.regime_id, row.regime_version, row.regime_hash, as_of,
                    row.facts_json, row.result_json, row.engine, row.stage, row.judged)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (SQLAlchemy's documented pysqlite recipe)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


_INSERT_POLICY = text(
    "INSERT INTO policies (hash, regime_id, version, data_json, created_at) "
    "VALUES (:hash, :regime_id, :version, :data_json, :created_at) ON CONFLICT (hash) DO NOTHING"
).bindparams(bindparam("created_at", type_=DateTime(timezone=True)))

MAX_BATCH = 256
COMMIT_TIMEOUT_S = 30.0


@dataclass
class _Pending:
    policy: dict[str, Any] | None
    row: dict[str, Any]
    done: threading.Event
    error: BaseException | None = None


class LogUnavailable(OperationalError):
    """The decision could not be committed in time (mapped to 503 like any database error)."""

    def __init__(self, message: str):
        super().__init__(message, None, Exception(message))


class _GroupCommit:
    """A writer thread: commits every decision queued while the previous commit ran, in one
    transaction. Each caller still waits for its own commit, so an answer is sent only for a
    decision already in the log; but N concurrent requests cost one fsync, not N (BENCHMARKS.md)."""

    def __init__(self, write: Any):
        self._write = write
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def commit(self, policy: dict[str, Any] | None, row: dict[str, Any]) -> None:
        pending = _Pending(policy, row, threading.Event())
        self._start()
        self._queue.put(pending)
        if not pending.done.wait(COMMIT_TIMEOUT_S):
            raise LogUnavailable("决策日志写入超时")
        if pending.error is not None:
            raise pending.error

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._run, name="decision-log-writer", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # finish this batch, then stop
                    break
                batch.append(item)
            try:
                self._write(batch)
            except BaseException as exc:  # every waiter hears of it; none is told "committed"
                log.error("决策日志写入失败（%d 条未提交）：%s", len(batch), exc.__class__.__name__)
                for pending in batch:
                    pending.error = exc
            finally:
                for pending in batch:
                    pending.done.set()

    def close(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=COMMIT_TIMEOUT_S)


class Store:
    """The decision log at `url` (default: env REGIMES_DATABASE_URL, else a SQLite file here)."""

    def __init__(self, url: str | None = None):
        self.url = database_url(url)
        if make_url(self.url).get_backend_name() == "sqlite":
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True)
        migrate(self.engine)
        self._stored_policies: set[str] = set()
        self._writer = _GroupCommit(self._write)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self._writer.close()
        self.engine.dispose()

    def record(self, regime: Regime, as_of: dt.date, facts: dict[str, Any], result: dict[str, Any],
               engine: str = "durable") -> str:
        """Log one decision (and the policy snapshot, the first time); returns once it is committed.

        `result` gets its `decision_id` set, so the logged result is the answer sent.
        """
        decision_id = str(uuid.uuid4())
        result["decision_id"] = decision_id
        now = dt.datetime.now(dt.UTC)
        policy = None
        if regime.hash not in self._stored_policies:
            policy = {"hash": regime.hash, "regime_id": regime.id, "version": regime.version,
                      "data_json": canonical_json(regime.data), "created_at": now}
        row = {"id": decision_id, "created_at": now, "regime_id": regime.id, "regime_version": regime.version,
               "regime_hash": regime.hash, "as_of": as_of, "facts_json": json.dumps(facts, ensure_ascii=False),
               "result_json": json.dumps(result, ensure_ascii=False), "engine": engine,
               "stage": result.get("stage", "application"), "judged": result.get("judged", "application")}
        self._writer.commit(policy, row)
        self._stored_policies.add(regime.hash)
        return decision_id

    def _write(self, batch: list[_Pending]) -> None:
        """One transaction for every decision queued meanwhile: one fsync instead of one each."""
        policies_new = {p.policy["hash"]: p.policy for p in batch if p.policy is not None}
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            for policy in policies_new.values():
                conn.execute(_INSERT_POLICY, policy)
            conn.execute(decisions.insert(), [p.row for p in batch])

    def get(self, decision_id: str) -> Decision | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(decisions).where(decisions.c.id == decision_id)).first()
        return _decision(row) if row else None

    def policy_data(self, regime_hash: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(policies.c.data_json).where(policies.c.hash == regime_hash)).scalar()
        return json.loads(value) if value is not None else None

    def count(self, regime_id: str | None = None) -> int:
        query = select(func.count()).select_from(decisions)
        if regime_id is not None:
            query = query.where(decisions.c.regime_id == regime_id)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def decisions_for(self, regime_id: str, batch: int = 500) -> Iterator[Decision]:
        """Every logged decision of `regime_id`, oldest first, read in batches (the log can be large)."""
        last: tuple[dt.datetime, str] | None = None
        while True:
            query = select(decisions).where(decisions.c.regime_id == regime_id)
            if last is not None:
                query = query.where((decisions.c.created_at > last[0])
                                    | ((decisions.c.created_at == last[0]) & (decisions.c.id > last[1])))
            query = query.order_by(decisions.c.created_at, decisions.c.id).limit(batch)
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                yield _decision(row)
            if len(rows) < batch:
                return
            last = (rows[-1].created_at, rows[-1].id)
