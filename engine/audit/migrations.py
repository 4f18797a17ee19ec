"""Schema of the decision log: an ordered list of migration steps and a `schema_version` table.

This is the project's documented equivalent of Alembic: step N runs once and records N in
`schema_version`; pending steps run in one transaction. Steps are never edited after release;
a change is a new step appended to `STEPS`. A step is a list of SQL statements, either
shared or per dialect (`{"sqlite": [...], "postgresql": [...]}`). Concurrent starters
(several workers) are serialised by a lock: an advisory lock on PostgreSQL, `BEGIN
IMMEDIATE` on SQLite.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

Step = dict[str, list[str]]

# no '%' in the SQL: the driver would read it as a parameter placeholder
_APPEND_ONLY_PG = """
CREATE OR REPLACE FUNCTION regimes_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'regimes: ' || TG_OP || ' on ' || TG_TABLE_NAME || ' refused: the log is append-only';
END;
$$ LANGUAGE plpgsql
"""

# migration 5: an UPDATE of decisions is an erasure or nothing (every other column unchanged, and an erasures
# row names the facts' digests before and after; a format-1 row's result_json likewise)
_ERASURE_ONLY_PG = """
CREATE OR REPLACE FUNCTION regimes_erasure_only() RETURNS trigger AS $$
BEGIN
  IF (to_jsonb(NEW) - 'facts_json' - 'result_json') = (to_jsonb(OLD) - 'facts_json' - 'result_json')
     AND EXISTS (SELECT 1 FROM erasures e WHERE e.decision_id = NEW.id
       AND e.facts_before = encode(sha256(convert_to(OLD.facts_json, 'UTF8')), 'hex')
       AND e.facts_after = encode(sha256(convert_to(NEW.facts_json, 'UTF8')), 'hex')
       AND (NEW.result_json = OLD.result_json OR (OLD.record_format = 1
         AND e.record_before = encode(sha256(convert_to(OLD.result_json, 'UTF8')), 'hex')
         AND e.record_after = encode(sha256(convert_to(NEW.result_json, 'UTF8')), 'hex')))) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION USING MESSAGE = 'regimes: UPDATE on decisions refused: the log is append-only '
    || '(only an erasure of personal data, with its erasures row, may change facts_json)';
END;
$$ LANGUAGE plpgsql
"""

STEPS: list[Step] = [
    {  # 1: policies snapshots and decisions
        "common": [
            """CREATE TABLE policies (
                hash VARCHAR(80) PRIMARY KEY,
                regime_id VARCHAR(200) NOT NULL,
                version VARCHAR(100) NOT NULL,
                data_json TEXT NOT NULL,
                created_at TIMESTAMP WITH TIME ZONE NOT NULL
            )""",
            """CREATE TABLE decisions (
                id VARCHAR(36) PRIMARY KEY,
                created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                regime_id VARCHAR(200) NOT NULL,
                regime_version VARCHAR(100) NOT NULL,
                regime_hash VARCHAR(80) NOT NULL REFERENCES policies (hash),
                as_of DATE NOT NULL,
                facts_json TEXT NOT NULL,
                result_json TEXT NOT NULL,
                engine VARCHAR(40) NOT NULL
            )""",
            "CREATE INDEX decisions_regime_time ON decisions (regime_id, created_at)",
        ],
        "sqlite": [
            "CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions "
            "BEGIN SELECT RAISE(ABORT, 'regimes: the decision log is append-only'); END",
            "CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions "
            "BEGIN SELECT RAISE(ABORT, 'regimes: the decision log is append-only'); END",
            "CREATE TRIGGER policies_no_update BEFORE UPDATE ON policies "
            "BEGIN SELECT RAISE(ABORT, 'regimes: policy snapshots are immutable'); END",
            "CREATE TRIGGER policies_no_delete BEFORE DELETE ON policies "
            "BEGIN SELECT RAISE(ABORT, 'regimes: policy snapshots are immutable'); END",
        ],
        "postgresql": [
            _APPEND_ONLY_PG,
            "CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON decisions "
            "FOR EACH ROW EXECUTE FUNCTION regimes_append_only()",
            "CREATE TRIGGER policies_append_only BEFORE UPDATE OR DELETE ON policies "
            "FOR EACH ROW EXECUTE FUNCTION regimes_append_only()",
        ],
    },
    {  # 2: what was judged, and at which stage (replay asks the same question again)
        "common": [
            "ALTER TABLE decisions ADD COLUMN stage VARCHAR(20) NOT NULL DEFAULT 'application'",
            "ALTER TABLE decisions ADD COLUMN judged VARCHAR(20) NOT NULL DEFAULT 'application'",
        ],
    },
    {  # 3: what auditors search by, filled at record time (rows logged before stay NULL: the log is
        # append-only, so they are never back-filled); who read which decision; auditor web sessions
        "common": [
            "ALTER TABLE decisions ADD COLUMN region VARCHAR(100)",
            "ALTER TABLE decisions ADD COLUMN verdict VARCHAR(20)",
            "ALTER TABLE decisions ADD COLUMN project_id VARCHAR(200)",
            "ALTER TABLE decisions ADD COLUMN applicant_unit VARCHAR(200)",
            "ALTER TABLE decisions ADD COLUMN host_unit VARCHAR(200)",
            "CREATE INDEX decisions_time ON decisions (created_at)",
            "CREATE INDEX decisions_region_time ON decisions (region, created_at)",
            "CREATE INDEX decisions_verdict_time ON decisions (verdict, created_at)",
            "CREATE INDEX decisions_project ON decisions (project_id)",
            "CREATE INDEX decisions_applicant_unit ON decisions (applicant_unit)",
            "CREATE INDEX decisions_host_unit ON decisions (host_unit)",
            # one row per decision read (decision_id NULL for a search that found nothing), grouped by read_id
            """CREATE TABLE decision_reads (
                read_id VARCHAR(36) NOT NULL,
                seq INTEGER NOT NULL,
                read_at TIMESTAMP WITH TIME ZONE NOT NULL,
                role VARCHAR(20) NOT NULL,
                actor VARCHAR(200) NOT NULL,
                action VARCHAR(40) NOT NULL,
                query TEXT,
                decision_id VARCHAR(64),
                PRIMARY KEY (read_id, seq)
            )""",
            "CREATE INDEX decision_reads_time ON decision_reads (read_at)",
            "CREATE INDEX decision_reads_decision ON decision_reads (decision_id)",
            # not part of the log: a login of the auditor pages, kept here so every worker sees it
            """CREATE TABLE audit_sessions (
                id_hash VARCHAR(64) PRIMARY KEY,
                role VARCHAR(20) NOT NULL,
                actor VARCHAR(200) NOT NULL,
                created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                expires_at TIMESTAMP WITH TIME ZONE NOT NULL
            )""",
        ],
        "sqlite": [
            "CREATE TRIGGER decision_reads_no_update BEFORE UPDATE ON decision_reads "
            "BEGIN SELECT RAISE(ABORT, 'regimes: the read log is append-only'); END",
            "CREATE TRIGGER decision_reads_no_delete BEFORE DELETE ON decision_reads "
            "BEGIN SELECT RAISE(ABORT, 'regimes: the read log is append-only'); END",
        ],
        "postgresql": [
            "CREATE TRIGGER decision_reads_append_only BEFORE UPDATE OR DELETE ON decision_reads "
            "FOR EACH ROW EXECUTE FUNCTION regimes_append_only()",
        ],
    },
    {  # 4: the SHA-256 of a result link's capability token (never the token), filled at record time;
        # NULL for decisions made without a link (the API, and rows logged before)
        "common": [
            "ALTER TABLE decisions ADD COLUMN capability_digest VARCHAR(64)",
            "CREATE UNIQUE INDEX decisions_capability ON decisions (capability_digest)",
        ],
    },
    {  # 5: compact records and erasure of personal data (store.py, README "Retention and erasure").
        # record_format 1: result_json is the full result (rows logged before); 2: result_json is the compact
        # record (verdict and per-rule outcome codes), the full result is rebuilt from the snapshot on read.
        # facts_digest: SHA-256 of facts_json as logged (NULL before this step). `erasures` is append-only;
        # the only UPDATE of decisions the triggers now allow is an erasure: facts_json (and, for a format-1
        # row, result_json) changed from the digests an erasures row names to those it names, nothing else.
        # A later step that adds a column to decisions must recreate the SQLite trigger (it lists the columns).
        "common": [
            "ALTER TABLE decisions ADD COLUMN record_format INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE decisions ADD COLUMN facts_digest VARCHAR(64)",
            "ALTER TABLE decisions ADD COLUMN outcome_digest VARCHAR(64)",
            "ALTER TABLE decisions ADD COLUMN result_digest VARCHAR(64)",
            """CREATE TABLE erasures (
                id VARCHAR(36) PRIMARY KEY,
                decision_id VARCHAR(36) NOT NULL REFERENCES decisions (id),
                erased_at TIMESTAMP WITH TIME ZONE NOT NULL,
                reason TEXT NOT NULL,
                actor VARCHAR(200) NOT NULL,
                fields INTEGER NOT NULL,
                facts_before VARCHAR(64) NOT NULL,
                facts_after VARCHAR(64) NOT NULL,
                record_before VARCHAR(64),
                record_after VARCHAR(64)
            )""",
            "CREATE INDEX erasures_decision ON erasures (decision_id, erased_at)",
        ],
        "sqlite": [
            "DROP TRIGGER decisions_no_update",
            # regimes_sha256 is registered on every connection the Store opens (store._sqlite_engine); another
            # client (the sqlite3 shell) does not have it, so an UPDATE from there fails either way
            "CREATE TRIGGER decisions_erasure_only BEFORE UPDATE ON decisions WHEN NOT ("
            "NEW.id IS OLD.id AND NEW.created_at IS OLD.created_at AND NEW.regime_id IS OLD.regime_id "
            "AND NEW.regime_version IS OLD.regime_version AND NEW.regime_hash IS OLD.regime_hash "
            "AND NEW.as_of IS OLD.as_of AND NEW.engine IS OLD.engine AND NEW.stage IS OLD.stage "
            "AND NEW.judged IS OLD.judged AND NEW.region IS OLD.region AND NEW.verdict IS OLD.verdict "
            "AND NEW.project_id IS OLD.project_id AND NEW.applicant_unit IS OLD.applicant_unit "
            "AND NEW.host_unit IS OLD.host_unit AND NEW.capability_digest IS OLD.capability_digest "
            "AND NEW.record_format IS OLD.record_format AND NEW.facts_digest IS OLD.facts_digest "
            "AND NEW.outcome_digest IS OLD.outcome_digest AND NEW.result_digest IS OLD.result_digest "
            "AND EXISTS (SELECT 1 FROM erasures e WHERE e.decision_id = NEW.id "
            "AND e.facts_before = regimes_sha256(OLD.facts_json) AND e.facts_after = regimes_sha256(NEW.facts_json) "
            "AND (NEW.result_json IS OLD.result_json OR (OLD.record_format = 1 "
            "AND e.record_before = regimes_sha256(OLD.result_json) "
            "AND e.record_after = regimes_sha256(NEW.result_json))))) "
            "BEGIN SELECT RAISE(ABORT, 'regimes: the decision log is append-only "
            "(only an erasure of personal data, with its erasures row, may change facts_json)'); END",
            "CREATE TRIGGER erasures_no_update BEFORE UPDATE ON erasures "
            "BEGIN SELECT RAISE(ABORT, 'regimes: the erasure log is append-only'); END",
            "CREATE TRIGGER erasures_no_delete BEFORE DELETE ON erasures "
            "BEGIN SELECT RAISE(ABORT, 'regimes: the erasure log is append-only'); END",
        ],
        "postgresql": [
            _ERASURE_ONLY_PG,
            "DROP TRIGGER decisions_append_only ON decisions",
            "CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions "
            "FOR EACH ROW EXECUTE FUNCTION regimes_append_only()",
            "CREATE TRIGGER decisions_erasure_only BEFORE UPDATE ON decisions "
            "FOR EACH ROW EXECUTE FUNCTION regimes_erasure_only()",
            "CREATE TRIGGER erasures_append_only BEFORE UPDATE OR DELETE ON erasures "
            "FOR EACH ROW EXECUTE FUNCTION regimes_append_only()",
        ],
    },
]

LATEST = len(STEPS)
_PG_LOCK_KEY = 0x7265_6769  # "regi"


def _statements(step: Step, dialect: str) -> list[str]:
    return step.get("common", []) + step.get(dialect, [])


def current_version(conn: Connection) -> int:
    value = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
    return int(value or 0)


def migrate(engine: Engine) -> int:
    """Bring the database to the latest schema; returns the version it is at."""
    dialect = engine.dialect.name
    with engine.connect() as conn:
        conn = conn.execution_options(sqlite_immediate=True)
        with conn.begin():
            if dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.execute(text("CREATE TABLE IF NOT EXISTS schema_version ("
                              "version INTEGER PRIMARY KEY, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)"))
            version = current_version(conn)
            if version > LATEST:
                raise RuntimeError(f"数据库结构版本 {version} 高于本程序支持的 {LATEST}，请升级 regimes")
            for number in range(version + 1, LATEST + 1):
                for sql in _statements(STEPS[number - 1], dialect):
                    conn.exec_driver_sql(sql)
                conn.execute(text("INSERT INTO schema_version (version, applied_at) VALUES (:v, CURRENT_TIMESTAMP)"),
                             {"v": number})
        return LATEST
