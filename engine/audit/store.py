"""The decision log: every evaluation served, and a snapshot of every policy it used.

Append-only (the schema refuses DELETE, and every UPDATE but the erasure of personal data, which
`erase` makes with an `erasures` row naming the facts' digests before and after). A decision is
committed before its answer is sent; SQLite runs in WAL mode with synchronous=FULL so a committed
decision survives a crash of the process or the machine; PostgreSQL commits durably by default.

What a decision row holds (migration 5): the facts as received, their SHA-256 (`facts_digest`), the
regime hash, and a compact record of the outcome (`result_json` with `record_format` 2): the verdict
and, per rule, one letter per subject in evaluation order (`compact_record`). The full result is
rebuilt on read from the snapshot (`replay.full_result`), and checked against the record. Rows
logged before keep their full result (`record_format` 1).

Beside the decisions: the columns auditors search by (region, verdict, project id, applicant
and host unit, filled at record time), an append-only log of who read which decision
(`decision_reads`), and the auditor pages' logins (`audit_sessions`, the one mutable table).
Commands that only read the log open it with `open_existing`, which never creates a database.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import hashlib
import json
import logging
import queue
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
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
from engine.explain import OUTCOME_CODES
from engine.facts import facts_schema, resolve_ref
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
    # migration 5: 1 = result_json is the full result; 2 = result_json is the compact record
    Column("record_format", Integer, nullable=False, server_default=text("1")),
    Column("facts_digest", String(64)),  # SHA-256 of facts_json as logged (before any erasure)
    Column("outcome_digest", String(64)),  # `outcome_digest` of the record: what impact compares
    Column("result_digest", String(64)),  # SHA-256 of the full result as sent (canonical JSON)
)
erasures = Table(
    "erasures", metadata,
    Column("id", String(36), primary_key=True),
    Column("decision_id", String(36), nullable=False),
    Column("erased_at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("fields", Integer, nullable=False),
    Column("facts_before", String(64), nullable=False),
    Column("facts_after", String(64), nullable=False),
    Column("record_before", String(64)),
    Column("record_after", String(64)),
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


# ---------------------------------------------------------------- the compact record (record_format 2)

LEGACY, COMPACT = 1, 2  # record_format: the full result / the compact record
CODE_OUTCOMES = {code: outcome for outcome, code in OUTCOME_CODES.items()}
# replay.NOTHING_TO_FIX (pass, not_applicable; an absent rule is simply not in the record): masked out of the
# digest, so a candidate that only adds a passing rule, or turns a pass into not_applicable, digests the same
_NOTHING_TO_FIX = str.maketrans("pn", "..")
_kinds_cache: dict[str, dict[str, str]] = {}


def rule_kinds(regime: Regime) -> dict[str, str]:
    """Rule id → the kind of subject instance it is evaluated over (`expert`, `project.served_units`…)."""
    kinds = _kinds_cache.get(regime.hash)
    if kinds is None:
        kinds = _kinds_cache[regime.hash] = {rule.id: rule.instance_kind for rule in regime.rules}
    return kinds


def outcome_codes(rows: Iterable[tuple[str, str]], kinds: dict[str, str]) -> dict[str, dict[str, str]]:
    """`{kind: {local rule id: codes}}` from (rule id, outcome) in result order: one letter per entry
    (OUTCOME_CODES), so the j-th letter of a rule is its j-th subject of that kind in the facts' order (or
    the one entry for an absent list). Subject ids are not stored: they follow from the facts, and an
    expert's id may be their name (personal data, erased from the facts, never copied here)."""
    by_rule: dict[str, list[str]] = {}  # rule id → codes, in first-seen order (dicts keep insertion order)
    for rule_id, outcome in rows:
        codes = by_rule.get(rule_id)
        if codes is None:
            codes = by_rule[rule_id] = []
        codes.append(OUTCOME_CODES[outcome])
    out: dict[str, dict[str, str]] = {}
    for rule_id, codes in by_rule.items():
        out.setdefault(kinds.get(rule_id, "?"), {})[rule_id.split("/", 1)[-1]] = "".join(codes)
    return out


def outcome_digest(verdict: str, outcomes: dict[str, dict[str, str]]) -> str:
    """SHA-256 over the verdict and every (kind, rule, position, outcome) whose outcome leaves the applicant
    something to fix (`replay.NOTHING_TO_FIX` masked). Two results of the same facts digest alike exactly
    when their verdicts are equal and `replay.outcome_changes` finds no change between them."""
    parts = [verdict]
    for kind in sorted(outcomes):
        per = outcomes[kind]
        for local in sorted(per):
            masked = per[local].translate(_NOTHING_TO_FIX).rstrip(".")
            if masked:
                parts.append(f"{kind}\t{local}\t{masked}")
    return _digest("\n".join(parts))


def compact_record(regime: Regime, result: dict[str, Any]) -> dict[str, Any]:
    """What a decision row keeps of its result: the verdict and the outcome codes (`outcome_codes`)."""
    rows = ((r["rule"], r["outcome"]) for r in result.get("results", []))
    record = {"format": COMPACT, "verdict": result["verdict"], "outcomes": outcome_codes(rows, rule_kinds(regime))}
    if result.get("edition_note"):  # the registry's note on the edition asked for: part of the answer sent
        record["edition_note"] = result["edition_note"]
    return record


def result_digest(result: dict[str, Any]) -> str:
    """SHA-256 of a full result as orjson writes it with sorted keys: a rebuilt result with this digest is the
    answer sent. orjson, not `canonical_json`: this runs for every logged decision (14 µs against 180 µs for a
    40 KB result); a result orjson refuses (an int beyond 64 bits) is digested as canonical_json text."""
    try:
        return hashlib.sha256(orjson.dumps(result, option=orjson.OPT_SORT_KEYS)).hexdigest()
    except TypeError:  # orjson's JSONEncodeError: an int beyond 64 bits, a lone surrogate
        return _digest(canonical_json(result))


# ---------------------------------------------------------------- personal data (PIPL)

PERSONAL_FORMAT = "person-name"  # the facts schema marks personal fields with this `format`
ERASED = "〔已删除〕"


@functools.cache
def personal_paths() -> tuple[tuple[str, ...], ...]:
    """Paths of the facts schema's personal fields (`"format": "person-name"`), `*` for a list's items:
    e.g. ("experts", "*", "name"). Read from the schema, so a new personal field is one annotation."""
    schema = facts_schema()
    found: list[tuple[str, ...]] = []

    def walk(node: Any, path: tuple[str, ...], depth: int) -> None:
        node = resolve_ref(node, schema)
        if not isinstance(node, dict) or depth > 12:
            return
        if node.get("format") == PERSONAL_FORMAT:
            found.append(path)
        for key, sub in (node.get("properties") or {}).items():
            walk(sub, (*path, key), depth + 1)
        if isinstance(node.get("items"), dict):
            walk(node["items"], (*path, "*"), depth + 1)

    walk(schema, (), 0)
    return tuple(found)


def erase_personal(facts: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of `facts` with every non-empty personal value replaced by ERASED, and the values replaced.
    Only the values change: lists keep their length, so every subject keeps its place (and its outcome)."""
    out = copy.deepcopy(facts)
    erased: list[str] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        head, rest = path[0], path[1:]
        if head == "*":
            children: list[tuple[Any, Any]] = list(enumerate(node)) if isinstance(node, list) else []
        else:
            children = [(head, node[head])] if isinstance(node, dict) and head in node else []
        for key, child in children:
            if rest:
                walk(child, rest)
            elif isinstance(child, str) and child.strip() and child != ERASED:
                erased.append(child)
                node[key] = ERASED

    for path in personal_paths():
        walk(out, path)
    return out, erased


def replace_text(value: Any, names: Sequence[str], by: str = ERASED) -> Any:
    """`value` with every occurrence of these strings replaced in every text it holds (keys kept)."""
    if isinstance(value, dict):
        return {k: replace_text(v, names, by) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_text(v, names, by) for v in value]
    if isinstance(value, str):
        for name in sorted(set(names), key=len, reverse=True):
            value = value.replace(name, by)
    return value


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


# replay.full_result, registered by engine.audit.replay when imported (it imports this module, not the reverse)
_full_result: Callable[[Store, Decision], dict[str, Any]] | None = None


def register_full_result(fn: Callable[[Store, Decision], dict[str, Any]]) -> None:
    global _full_result
    _full_result = fn


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
    record_format: int = LEGACY
    facts_digest: str | None = None
    outcome_digest: str | None = None
    result_digest: str | None = None
    store: Any = field(default=None, compare=False, repr=False)  # the Store it was read from (rebuilds)

    @property
    def facts(self) -> dict[str, Any]:
        return json.loads(self.facts_json)

    @property
    def result(self) -> dict[str, Any]:
        """The full result: as stored (format 1), or rebuilt from the snapshot and checked against the
        compact record (format 2) by `replay.full_result`, the one place that does it (its errors included)."""
        if self.record_format == LEGACY:
            return json.loads(self.result_json)
        if self.store is None or _full_result is None:
            raise RuntimeError(f"决策 {self.id} 以紧凑记录保存，须用 replay.full_result(store, decision) 重建完整结果")
        return _full_result(self.store, self)

    @property
    def record(self) -> dict[str, Any] | None:
        """The compact record (format 2), else None."""
        return json.loads(self.result_json) if self.record_format == COMPACT else None

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


def _decision(row: Any, store: Store | None = None) -> Decision:
    as_of = row.as_of if isinstance(row.as_of, dt.date) else dt.date.fromisoformat(str(row.as_of))
    return Decision(row.id, _utc(row.created_at), row.regime_id, row.regime_version, row.regime_hash, as_of,
                    row.facts_json, row.result_json, row.engine, row.stage, row.judged, row.region, row.verdict,
                    row.project_id, row.applicant_unit, row.host_unit, row.record_format or LEGACY,
                    row.facts_digest, row.outcome_digest, row.result_digest, store)


def _sha256_text(value: str | bytes | None) -> str | None:
    """regimes_sha256() of the SQLite triggers: the same digest as `_digest` (PostgreSQL uses sha256())."""
    if value is None:
        return None
    return hashlib.sha256(value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")).hexdigest()


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
        # what the erasure trigger (migration 5) digests with; a client without it cannot update decisions
        dbapi_conn.create_function("regimes_sha256", 1, _sha256_text, deterministic=True)

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

        `result` gets its `decision_id` set, so the logged result is the answer sent. The row keeps the facts,
        their digest, the compact record of `result` (`compact_record`), its `outcome_digest` and the digest
        of the full result; `replay.full_result` rebuilds the result on read. With `capability` (a result
        link's secret token) only its SHA-256 is stored: `find_by_capability` opens the decision.
        """
        decision_id = str(uuid.uuid4())
        result["decision_id"] = decision_id
        now = dt.datetime.now(dt.UTC)
        policy = None
        if regime.hash not in self._stored_policies:
            policy = {"hash": regime.hash, "regime_id": regime.id, "version": regime.version,
                      "data_json": canonical_json(regime.data), "created_at": now}
        facts_json = json.dumps(facts, ensure_ascii=False)
        record = compact_record(regime, result)
        row = {"id": decision_id, "created_at": now, "regime_id": regime.id, "regime_version": regime.version,
               "regime_hash": regime.hash, "as_of": as_of, "facts_json": facts_json,
               "result_json": json.dumps(record, ensure_ascii=False, separators=(",", ":")), "engine": engine,
               "stage": result.get("stage", "application"), "judged": result.get("judged", "application"),
               **search_keys(regime.region, facts, result),
               "capability_digest": _digest(capability) if capability is not None else None,
               "record_format": COMPACT, "facts_digest": _digest(facts_json),
               "outcome_digest": outcome_digest(record["verdict"], record["outcomes"]),
               "result_digest": result_digest(result)}
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
        return _decision(row, self) if row else None

    def find_by_capability(self, token: str) -> Decision | None:
        """The decision whose result link carries `token`, else None. Looked up by the token's SHA-256 on a
        unique index: the log never holds the token, and the lookup leaks no timing about its characters."""
        if not token or len(token) > 200:
            return None
        query = select(decisions).where(decisions.c.capability_digest == _digest(token))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _decision(row, self) if row else None

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
        for rows in self.scan(regime_id, batch):
            for row in rows:
                yield _decision(row, self)

    def scan(self, regime_id: str | Sequence[str] | None = None, batch: int = 500, columns: Sequence[Any] = (),
             before: dt.datetime | None = None) -> Iterator[list[Any]]:
        """Rows of the decisions of `regime_id` (every decision when None; created before `before`, when given),
        oldest first, `batch` at a time (keyset paging: memory stays flat however large the log). `columns`:
        the columns to read (default all); `created_at` and `id` are always read."""
        c = decisions.c
        wanted = list(columns) or list(decisions.columns)
        wanted += [col for col in (c.created_at, c.id) if col not in wanted]
        last: tuple[dt.datetime, str] | None = None
        while True:
            query = select(*wanted)
            if regime_id is not None:
                query = query.where(c.regime_id.in_(_ids(regime_id)))
            if before is not None:
                query = query.where(c.created_at < before)
            if last is not None:
                query = query.where((c.created_at > last[0]) | ((c.created_at == last[0]) & (c.id > last[1])))
            query = query.order_by(c.created_at, c.id).limit(batch)
            with self.engine.connect() as conn:
                rows = list(conn.execute(query).all())
            if rows:
                yield rows
            if len(rows) < batch:
                return
            last = (rows[-1].created_at, rows[-1].id)

    def regime_hashes(self, regime_id: str | Sequence[str] | None = None) -> list[str]:
        """The snapshot hashes the decisions of `regime_id` (or all) were made with."""
        query = select(decisions.c.regime_hash).distinct()
        if regime_id is not None:
            query = query.where(decisions.c.regime_id.in_(_ids(regime_id)))
        with self.engine.connect() as conn:
            return sorted(conn.execute(query).scalars().all())

    # ------------------------------------------------------------ erasure of personal data (PIPL)

    def erase(self, decision_id: str, reason: str, actor: str) -> dict[str, Any] | None:
        """Replace the personal values (`erase_personal`) in one decision's facts — and, in a row logged with
        its full result (format 1), every occurrence of them in that result — in one transaction with its
        `erasures` row (digests before and after; the trigger refuses the UPDATE without it). None when the
        decision is unknown; `fields` 0 when it holds no personal value (nothing is written)."""
        c = decisions.c
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            row = conn.execute(select(c.id, c.facts_json, c.result_json, c.record_format)
                               .where(c.id == decision_id)).first()
            if row is None:
                return None
            redacted, names = erase_personal(json.loads(row.facts_json))
            out = {"decision_id": row.id, "fields": len(names)}
            if not names:
                return out
            facts_json = json.dumps(redacted, ensure_ascii=False)
            values: dict[str, Any] = {"facts_json": facts_json}
            entry = {"id": str(uuid.uuid4()), "decision_id": row.id, "erased_at": dt.datetime.now(dt.UTC),
                     "reason": reason, "actor": actor[:200], "fields": len(names),
                     "facts_before": _digest(row.facts_json), "facts_after": _digest(facts_json),
                     "record_before": None, "record_after": None}
            if (row.record_format or LEGACY) == LEGACY:
                result_json = json.dumps(replace_text(json.loads(row.result_json), names), ensure_ascii=False)
                if result_json != row.result_json:
                    values["result_json"] = result_json
                    entry.update(record_before=_digest(row.result_json), record_after=_digest(result_json))
            conn.execute(erasures.insert(), entry)
            conn.execute(decisions.update().where(c.id == row.id).values(**values))
        return {**out, "erasure_id": entry["id"], "facts_before": entry["facts_before"],
                "facts_after": entry["facts_after"]}

    def erasures_of(self, decision_ids: Sequence[str] | None = None) -> dict[str, list[dict[str, Any]]]:
        """The erasures rows, per decision, oldest first (of these decisions, when given)."""
        query = select(erasures).order_by(erasures.c.erased_at, erasures.c.id)
        if decision_ids is not None:
            query = query.where(erasures.c.decision_id.in_(list(decision_ids)))
        out: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(query).mappings():
                out.setdefault(r["decision_id"], []).append({**r, "erased_at": _utc(r["erased_at"]).isoformat()})
        return out

    def verify_digests(self, progress: Any = None, batch: int = 1000) -> dict[str, Any]:
        """Check every row without re-evaluating: its facts digest is the logged one, or the erasures rows
        lead from the logged digest to the present facts (and, for a format-1 row, result); a compact
        record's `outcome_digest` matches the record. Rows logged before migration 5 have no facts digest:
        counted as `unverifiable` unless erased (then checked from the erasure on)."""
        chains = self.erasures_of()
        c = decisions.c
        done = 0
        counts = {"decisions": 0, "ok": 0, "erased": 0, "unverifiable": 0, "compact": 0, "legacy": 0}
        problems: list[dict[str, str]] = []
        total = self.count()
        cols = (c.id, c.facts_json, c.result_json, c.record_format, c.facts_digest, c.outcome_digest)
        for rows in self.scan(None, batch, cols):
            for row in rows:
                done += 1
                found = _check_row(row, chains.get(row.id, []))
                counts["decisions"] += 1
                counts["compact" if (row.record_format or LEGACY) == COMPACT else "legacy"] += 1
                if row.id in chains:
                    counts["erased"] += 1
                if found == "unverifiable":
                    counts["unverifiable"] += 1
                elif found:
                    problems.append({"decision_id": row.id, "problem": found})
                else:
                    counts["ok"] += 1
            if progress is not None:
                progress(done, max(total, done))
        return {**counts, "problems": problems}

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


def _check_row(row: Any, chain: list[dict[str, Any]]) -> str:
    """'' when the row checks out, 'unverifiable' when it cannot be checked (no digest, never erased), else
    the problem in Chinese."""
    expected = row.facts_digest
    for entry in chain:
        if expected is not None and entry["facts_before"] != expected:
            return f"删除记录 {entry['id']} 的删除前摘要与记录时的事实摘要不符"
        expected = entry["facts_after"]
    if expected is None:
        return "unverifiable"
    if _digest(row.facts_json) != expected:
        return "事实（facts_json）的摘要与记录时的摘要不符，且没有删除记录说明这一变化"
    records = [e for e in chain if e["record_after"] is not None]
    if records and _digest(row.result_json) != records[-1]["record_after"]:
        return "结果（result_json）的摘要与删除记录不符"
    if (row.record_format or LEGACY) == COMPACT:
        try:
            record = json.loads(row.result_json)
            if outcome_digest(record["verdict"], record["outcomes"]) != row.outcome_digest:
                return "紧凑记录与其结果摘要（outcome_digest）不符"
        except (ValueError, KeyError, TypeError, AttributeError):
            return "紧凑记录无法读取"
    return ""


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
