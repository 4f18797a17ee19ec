"""The decision log: every evaluation served, and a snapshot of every policy it used.

Append-only (the schema refuses UPDATE and DELETE). A decision is committed before its
answer is sent; SQLite runs in WAL mode with synchronous=FULL so a committed decision
survives a crash of the process or the machine; PostgreSQL commits durably by default.

Beside the decisions: the columns auditors search by (region, verdict, project id, applicant
and host unit, filled at record time), an append-only log of who read which decision
(`decision_reads`), and the auditor pages' logins (`audit_sessions`, the one mutable table).
Commands that only read the log open it with `open_existing`, which never creates a database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import queue
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from engine.audit.migrations import migrate
from engine.policy.model import Regime
from engine.settings import settings

log = logging.getLogger("regimes.audit")
PG_CONNECT_TIMEOUT_S = 5
PG_STATEMENT_TIMEOUT_MS = 15_000
PG_POOL_TIMEOUT_S = 10

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
    # migration 3: what auditors search by; NULL in rows logged before it
    Column("region", String(100)),
    Column("verdict", String(20)),
    Column("project_id", String(200)),
    Column("applicant_unit", String(200)),
    Column("host_unit", String(200)),
    # migration 4: SHA-256 of the result link's token; NULL when the decision has no link
    Column("capability_digest", String(64)),
)
decision_reads = Table(
    "decision_reads", metadata,
    Column("read_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("read_at", DateTime(timezone=True), nullable=False),
    Column("role", String(20), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("query", Text),
    Column("decision_id", String(64)),
)
audit_sessions = Table(
    "audit_sessions", metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

KEY_LENGTH = 200  # search keys are cut to this many characters (the columns' width), queries alike


def search_key(value: Any) -> str | None:
    """A fact as stored in a search column: text, trimmed, at most KEY_LENGTH characters; None when absent."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    key = str(value).strip()[:KEY_LENGTH]
    return key or None


def search_keys(region: str, facts: dict[str, Any], result: dict[str, Any]) -> dict[str, str | None]:
    """The search columns of one decision. The host unit is the project's, or the base's when only a
    base was judged (its 依托单位)."""
    project = facts.get("project")
    project = project if isinstance(project, dict) else {}
    base = facts.get("base")
    base = base if isinstance(base, dict) else {}
    return {"region": search_key(region), "verdict": search_key(result.get("verdict")),
            "project_id": search_key(project.get("id")), "applicant_unit": search_key(project.get("applicant_unit")),
            "host_unit": search_key(project.get("host_unit") if project else base.get("host_unit"))}


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
    region: str | None = None
    verdict: str | None = None
    project_id: str | None = None
    applicant_unit: str | None = None
    host_unit: str | None = None

    @property
    def facts(self) -> dict[str, Any]:
        return json.loads(self.facts_json)

    @property
    def result(self) -> dict[str, Any]:
        return json.loads(self.result_json)

    def keys(self) -> dict[str, str | None]:
        """The search columns; for a row logged before they existed, read from its JSON (region unknown)."""
        if self.verdict is not None:
            return {"region": self.region, "verdict": self.verdict, "project_id": self.project_id,
                    "applicant_unit": self.applicant_unit, "host_unit": self.host_unit}
        return {**search_keys("", self.facts, self.result), "region": None}

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
                    row.facts_json, row.result_json, row.engine, row.stage, row.judged, row.region, row.verdict,
                    row.project_id, row.applicant_unit, row.host_unit)


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
    # queued → writing (the writer took it) or withdrawn (its request gave up first): never both, so a 503
    # ("not logged, retry") is only ever sent for a decision the writer will not commit
    state: str = "queued"
    lock: threading.Lock = field(default_factory=threading.Lock)


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
            with pending.lock:
                if pending.state == "queued":
                    pending.state = "withdrawn"
                    raise LogUnavailable("决策日志写入超时（本次判定未记入日志，可重试）")
            # the writer is committing it: its outcome, not a guess, decides the answer
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
            taken = []
            for pending in batch:
                with pending.lock:
                    if pending.state == "queued":
                        pending.state = "writing"
                        taken.append(pending)
            batch = taken
            if not batch:
                continue
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


class NoDecisionLog(Exception):
    """A command that only reads the log found none at the URL (missing file, unreachable server, no tables);
    the message names the URL, password masked."""


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (relative to the working directory, as SQLite reads it); None for other
    databases and for in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).resolve()


def describe(url: str) -> str:
    """Which database a URL names, for `--verbose` and /healthz: the URL without password, and the file."""
    shown = safe_url(url)
    try:
        path = sqlite_file(url)
    except ArgumentError:
        return shown
    return f"{shown}（文件 {path}）" if path is not None else shown


class Store:
    """The decision log at `url` (default: env REGIMES_DATABASE_URL, else a SQLite file here).

    `create=False` (use `open_existing`) refuses a database without a decision log instead of making one.
    """

    def __init__(self, url: str | None = None, create: bool = True, connect_timeout: int | None = None):
        self.url = database_url(url)
        if make_url(self.url).get_backend_name() == "sqlite":
            self.engine = _sqlite_engine(self.url)
        else:
            # a stalled or unreachable server must not hold request threads: bounded connect, statement and pool waits
            args: dict[str, Any] = {"connect_timeout": connect_timeout or PG_CONNECT_TIMEOUT_S}
            self.engine = create_engine(self.url, pool_pre_ping=True, connect_args=args, pool_size=5, max_overflow=5,
                                        pool_timeout=PG_POOL_TIMEOUT_S)

            @event.listens_for(self.engine, "connect")
            def _timeouts(dbapi_conn: Any, _: Any) -> None:  # the URL's own options (search_path…) stay as given
                with dbapi_conn.cursor() as cur:
                    cur.execute(f"SET statement_timeout = {PG_STATEMENT_TIMEOUT_MS}")
                dbapi_conn.commit()
        if not create and not inspect(self.engine).has_table("decisions"):
            self.engine.dispose()
            raise NoDecisionLog(f"{safe_url(self.url)} 中没有决策日志（没有 decisions 表）")
        migrate(self.engine)  # an existing log is brought up to date, as the service would on start
        self._stored_policies: set[str] = set()
        self._writer = _GroupCommit(self._write)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self._writer.close()
        self.engine.dispose()

    def record(self, regime: Regime, as_of: dt.date, facts: dict[str, Any], result: dict[str, Any],
               engine: str = "durable", capability: str | None = None) -> str:
        """Log one decision (and the policy snapshot, the first time); returns once it is committed.

        `result` gets its `decision_id` set, so the logged result is the answer sent. With `capability`
        (a result link's secret token) only its SHA-256 is stored: `find_by_capability` opens the decision.
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
               "stage": result.get("stage", "application"), "judged": result.get("judged", "application"),
               **search_keys(regime.region, facts, result),
               "capability_digest": _digest(capability) if capability is not None else None}
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

    def find_by_capability(self, token: str) -> Decision | None:
        """The decision whose result link carries `token`, else None. Looked up by the token's SHA-256 on a
        unique index: the log never holds the token, and the lookup leaks no timing about its characters."""
        if not token or len(token) > 200:
            return None
        query = select(decisions).where(decisions.c.capability_digest == _digest(token))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _decision(row) if row else None

    def policy_data(self, regime_hash: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(policies.c.data_json).where(policies.c.hash == regime_hash)).scalar()
        return json.loads(value) if value is not None else None

    def count(self, regime_id: str | Sequence[str] | None = None) -> int:
        query = select(func.count()).select_from(decisions)
        if regime_id is not None:
            query = query.where(decisions.c.regime_id.in_(_ids(regime_id)))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def decisions_for(self, regime_id: str | Sequence[str], batch: int = 500) -> Iterator[Decision]:
        """Every logged decision of `regime_id` (or of any of several ids), oldest first, read in batches
        (the log can be large)."""
        ids = _ids(regime_id)
        last: tuple[dt.datetime, str] | None = None
        while True:
            query = select(decisions).where(decisions.c.regime_id.in_(ids))
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

    def snapshots(self) -> list[dict[str, Any]]:
        """Every stored policy snapshot: hash, regime id, version, region and effective_from (from its data)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(policies.c.hash, policies.c.regime_id, policies.c.version,
                                       policies.c.data_json)).all()
        out = []
        for row in rows:
            data = json.loads(row.data_json)
            out.append({"hash": row.hash, "id": row.regime_id, "version": row.version,
                        "region": str(data.get("region", "")), "effective_from": str(data.get("effective_from", ""))})
        return out

    # ------------------------------------------------------------ who read what

    def log_read(self, role: str, actor: str, action: str, decision_ids: Sequence[str],
                 query: dict[str, Any] | None = None) -> str:
        """Record that `actor` (role and a token digest, or the OS user of a command) read these decisions;
        committed before the caller shows them. A search that found nothing is one row without a decision."""
        read_id = str(uuid.uuid4())
        now = dt.datetime.now(dt.UTC)
        query_json = json.dumps(query, ensure_ascii=False, sort_keys=True, default=str) if query else None
        rows = [{"read_id": read_id, "seq": n, "read_at": now, "role": role[:20], "actor": actor[:200],
                 "action": action[:40], "query": query_json, "decision_id": decision_id}
                for n, decision_id in enumerate(list(decision_ids) or [None])]
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            conn.execute(decision_reads.insert(), rows)
        return read_id

    def reads(self, decision_id: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """The read log, newest first (of one decision, when given)."""
        query = select(decision_reads)
        if decision_id is not None:
            query = query.where(decision_reads.c.decision_id == decision_id)
        query = query.order_by(decision_reads.c.read_at.desc(), decision_reads.c.read_id, decision_reads.c.seq)
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [{"read_id": r.read_id, "read_at": _utc(r.read_at).isoformat(), "role": r.role, "actor": r.actor,
                 "action": r.action, "query": json.loads(r.query) if r.query else None, "decision_id": r.decision_id}
                for r in rows]

    # ------------------------------------------------------------ auditor page logins

    def create_session(self, role: str, actor: str, lifetime: dt.timedelta) -> str:
        """A new random session id (returned once, stored only as its SHA-256) for `role`; expired ones go."""
        session_id = secrets.token_urlsafe(32)
        now = dt.datetime.now(dt.UTC)
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            conn.execute(audit_sessions.delete().where(audit_sessions.c.expires_at <= now))
            conn.execute(audit_sessions.insert(), {"id_hash": _digest(session_id), "role": role, "actor": actor,
                                                   "created_at": now, "expires_at": now + lifetime})
        return session_id

    def session(self, session_id: str) -> tuple[str, str] | None:
        """(role, actor) of a live session, else None."""
        if not session_id or len(session_id) > 200:
            return None
        query = select(audit_sessions.c.role, audit_sessions.c.actor).where(
            (audit_sessions.c.id_hash == _digest(session_id)) & (audit_sessions.c.expires_at > dt.datetime.now(dt.UTC)))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (row.role, row.actor) if row else None

    def end_session(self, session_id: str) -> None:
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            conn.execute(audit_sessions.delete().where(audit_sessions.c.id_hash == _digest(session_id)))


def _digest(text_value: str) -> str:
    return hashlib.sha256(text_value.encode("utf-8", "surrogateescape")).hexdigest()


def _ids(regime_id: str | Sequence[str]) -> list[str]:
    return [regime_id] if isinstance(regime_id, str) else list(regime_id)


def _check_sqlite_log(path: Path, shown: str, hint: str) -> None:
    """Look for the log's table read-only first: opening for real sets WAL mode, which would write a header
    into an empty or foreign file."""
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'decisions'").fetchone()
    except sqlite3.Error as exc:
        raise NoDecisionLog(f"无法读取决策日志 {shown}（文件 {path}）：{exc}") from None
    if found is None:
        raise NoDecisionLog(f"{shown} 中没有决策日志（没有 decisions 表）：{hint}")


def open_existing(url: str | None = None) -> Store:
    """The decision log at `url` for a command that only reads it: never creates a database.

    A missing SQLite file, an unreachable server or a database without the log's tables raise
    NoDecisionLog with the URL (password masked); an existing log is migrated like the service does.
    """
    url = database_url(url)
    shown = safe_url(url)
    hint = "请用 REGIMES_DATABASE_URL 指向服务使用的决策日志（本命令只读，不会新建数据库）"
    try:
        path = sqlite_file(url)
        is_sqlite = make_url(url).get_backend_name() == "sqlite"
    except ArgumentError:
        raise NoDecisionLog(f"决策日志地址 {shown} 无法解析：{hint}") from None
    if is_sqlite and path is None:
        raise NoDecisionLog(f"决策日志 {shown} 是内存数据库，其中没有已记录的决策：{hint}")
    if path is not None and not path.is_file():
        raise NoDecisionLog(f"决策日志 {shown} 不存在（没有文件 {path}）：{hint}")
    if path is not None:
        _check_sqlite_log(path, shown, hint)
    try:
        return Store(url, create=False, connect_timeout=10)
    except NoDecisionLog as exc:
        raise NoDecisionLog(f"{exc}：{hint}") from None
    except SQLAlchemyError as exc:
        lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        reason = lines[0] if lines else ""
        password = make_url(url).password
        if password:
            reason = reason.replace(str(password), "***")
        raise NoDecisionLog(f"无法打开决策日志 {shown}：{exc.__class__.__name__}: {reason}") from None
