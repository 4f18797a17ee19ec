"""Finding logged decisions (auditors), one decision's audit report, and what auditors may not see.

Every filter is a SQL condition on indexed columns of `decisions` (store.py, migration 3), the same
on SQLite and PostgreSQL; paging is newest first. Dates (`date_from`, `date_to`) are calendar days in
Beijing time (UTC+8), both inclusive; times in answers stay UTC (ISO 8601 with offset).

Rows logged before migration 3 have NULL search columns (the log is append-only, so they are never
back-filled): they are found by regime, stage and date, and by region when the caller passes the
region's regime ids (`region_regimes`); their verdict, project and units are shown, read from the
logged JSON, but not searchable.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from engine.audit.replay import ReplayError, rebuilt_as_sent, replay, snapshot_regime
from engine.audit.store import Decision, Store, decisions, erase_personal, search_key, search_keys
from engine.compare.core import topic_key, topic_label
from engine.policy.conditions import canonical_place
from engine.policy.model import STAGES
from engine.registry import Registry
from engine.vocabulary import OUTCOME_TEXT, RESULT_GROUPS

BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")
VERDICTS = ("eligible", "ineligible", "incomplete")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
EARLIEST, LATEST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)  # no decision of this programme lies outside
HIDDEN = "〔姓名已隐去〕"
CSV_COLUMNS = ("id", "created_at", "regime_id", "regime_version", "regime_hash", "region", "as_of", "stage", "judged",
               "verdict", "project_id", "applicant_unit", "host_unit")


class SearchError(ValueError):
    """A filter that cannot be searched for; `problems` names each field with its message."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("；".join(message for _, message in problems))
        self.problems = problems


@dataclass(frozen=True)
class DecisionQuery:
    regime: str | None = None
    region: str | None = None  # a region code ("shanghai"); see region_query for names such as 上海
    project_id: str | None = None
    unit: str | None = None  # the applicant unit or the host unit, exactly
    verdict: str | None = None
    stage: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    region_regimes: tuple[str, ...] = ()  # the region's regime ids: finds its rows logged before migration 3

    def checked(self, max_page_size: int = MAX_PAGE_SIZE) -> DecisionQuery:
        """This query, or SearchError naming every filter that is out of bounds."""
        problems: list[tuple[str, str]] = []
        if self.verdict is not None and self.verdict not in VERDICTS:
            problems.append(("verdict", f"verdict: '{self.verdict}' 不是允许的取值（{', '.join(VERDICTS)}）"))
        if self.stage is not None and self.stage not in STAGES:
            problems.append(("stage", f"stage: '{self.stage}' 不是允许的取值（{', '.join(STAGES)}）"))
        for name, day in (("from", self.date_from), ("to", self.date_to)):
            if day is not None and not EARLIEST <= day <= LATEST_DAY:
                problems.append((name, f"{name}: 日期应在 {EARLIEST} 与 {LATEST_DAY} 之间"))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            problems.append(("from", f"from: 起始日期 {self.date_from} 晚于截止日期 {self.date_to}"))
        if not 1 <= self.page <= MAX_PAGE:
            problems.append(("page", f"page: 页码应在 1 到 {MAX_PAGE} 之间"))
        if not 1 <= self.page_size <= max_page_size:
            problems.append(("page_size", f"page_size: 每页条数应在 1 到 {max_page_size} 之间"))
        if problems:
            raise SearchError(problems)
        return self

    def filters(self) -> dict[str, Any]:
        """The filters given (for the read log and for echoing back), dates as text."""
        out = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items()
               if k not in ("page", "page_size", "region_regimes") and v not in (None, "")}
        return {("from" if k == "date_from" else "to" if k == "date_to" else k): v for k, v in out.items()}


def region_query(registry: Registry | None, text: str) -> tuple[str, tuple[str, ...]]:
    """(region code, its regime ids) for a region given as code or name (shanghai, 上海, 上海市). A region the
    registry does not know is searched as given: the log may hold regions no longer loaded."""
    key = canonical_place(text.strip()).lower()
    editions = registry.editions(text) if registry is not None else []
    if editions:
        return editions[0].region, tuple(sorted(r.id for r in editions))
    return key, ()


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of a Beijing calendar day, in UTC (how created_at is stored)."""
    return dt.datetime.combine(day, dt.time(), BEIJING).astimezone(dt.UTC)


def local_time(value: str | dt.datetime) -> str:
    """An instant as Beijing time, to the second, for pages and text output."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _conditions(q: DecisionQuery) -> list[Any]:
    c = decisions.c
    conds: list[Any] = []
    if q.regime:
        conds.append(c.regime_id == q.regime.strip())
    if q.region:
        region = c.region == q.region
        if q.region_regimes:  # rows logged before the region column existed
            region = or_(region, and_(c.region.is_(None), c.regime_id.in_(q.region_regimes)))
        conds.append(region)
    if q.project_id and search_key(q.project_id):
        conds.append(c.project_id == search_key(q.project_id))
    if q.unit and search_key(q.unit):
        unit = search_key(q.unit)
        conds.append(or_(c.applicant_unit == unit, c.host_unit == unit))
    if q.verdict:
        conds.append(c.verdict == q.verdict)
    if q.stage:
        conds.append(c.stage == q.stage)
    if q.date_from:
        conds.append(c.created_at >= day_start(q.date_from))
    if q.date_to:
        conds.append(c.created_at < day_start(q.date_to + dt.timedelta(days=1)))
    return conds


def _item(row: Any) -> dict[str, Any]:
    keys = {"region": row.region, "verdict": row.verdict, "project_id": row.project_id,
            "applicant_unit": row.applicant_unit, "host_unit": row.host_unit}
    if row.verdict is None and row.legacy_result is not None:  # logged before migration 3: read the JSON
        result = json.loads(row.legacy_result)
        keys = {**search_keys("", json.loads(row.legacy_facts), result), "region": None}
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    as_of = row.as_of if isinstance(row.as_of, dt.date) else dt.date.fromisoformat(str(row.as_of))
    return {"id": row.id, "created_at": created.astimezone(dt.UTC).isoformat(),
            "regime": {"id": row.regime_id, "version": row.regime_version, "hash": row.regime_hash},
            "region": keys["region"], "as_of": as_of.isoformat(), "stage": row.stage, "judged": row.judged,
            "verdict": keys["verdict"], "project_id": keys["project_id"], "applicant_unit": keys["applicant_unit"],
            "host_unit": keys["host_unit"]}


def search(store: Store, q: DecisionQuery, max_page_size: int = MAX_PAGE_SIZE) -> dict[str, Any]:
    """One page of the decisions matching every filter given, newest first, with the total count.
    SearchError for a filter out of bounds."""
    q.checked(max_page_size)
    c = decisions.c
    conds = _conditions(q)
    legacy = c.verdict.is_(None)  # before migration 3 (a full result; a compact record has its verdict too)
    columns = [c.id, c.created_at, c.regime_id, c.regime_version, c.regime_hash, c.as_of, c.stage, c.judged,
               c.region, c.verdict, c.project_id, c.applicant_unit, c.host_unit,
               # the JSON only for rows without search columns: a page of new rows reads no facts
               case((legacy, c.result_json), else_=None).label("legacy_result"),
               case((legacy, c.facts_json), else_=None).label("legacy_facts")]
    page_query = (select(*columns).where(*conds).order_by(c.created_at.desc(), c.id.desc())
                  .limit(q.page_size).offset((q.page - 1) * q.page_size))
    with store.engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(decisions).where(*conds)).scalar() or 0)
        rows = conn.execute(page_query).all()
    return {"items": [_item(r) for r in rows], "page": q.page, "page_size": q.page_size, "total": total,
            "pages": max(1, math.ceil(total / q.page_size)), "filters": q.filters()}


def _cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe (facts are
    typed by applicants)."""
    cell = "" if value is None else str(value)
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_rows(items: list[dict[str, Any]], header: bool = True) -> str:
    """Search items as CSV (RFC 4180, UTF-8), one decision a row, columns CSV_COLUMNS."""
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(CSV_COLUMNS)
    for item in items:
        flat = {**item, "regime_id": item["regime"]["id"], "regime_version": item["regime"]["version"],
                "regime_hash": item["regime"]["hash"]}
        writer.writerow([_cell(flat.get(col)) for col in CSV_COLUMNS])
    return out.getvalue()


# ---------------------------------------------------------------- personal data

def personal_names(facts: dict[str, Any]) -> set[str]:
    """The people named in a facts document (the schema's personal fields, `store.personal_paths`: experts'
    names): what only the auditor role may see."""
    return {name.strip() for name in erase_personal(facts)[1]}


def redact(value: Any, names: set[str]) -> Any:
    """`value` with every occurrence of these names replaced (in facts, messages and subject ids alike)."""
    if not names:
        return value
    if isinstance(value, dict):
        return {k: redact(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, names) for v in value]
    if isinstance(value, str):
        for name in sorted(names, key=len, reverse=True):
            value = value.replace(name, HIDDEN)
        return value
    return value


# ---------------------------------------------------------------- one decision's audit report

def _by_rule(result: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["rule"].split("/", 1)[-1], r["subject_id"]): r for r in result.get("results", [])}


def changes_by_topic(before: dict[str, Any], after: dict[str, Any], changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The rule changes of `changes` (replay.changes), grouped by topic in reading order, each with the
    message and citation on both sides: what changed, and why."""
    old, new = _by_rule(before), _by_rule(after)
    topics: dict[str, list[dict[str, Any]]] = {}
    for change in changes.get("rules", []):
        key = (change["rule"], change["subject_id"])
        was, now = old.get(key), new.get(key)
        topic = change.get("topic") or (now or was or {}).get("topic") or "—"
        topics.setdefault(topic, []).append({
            "rule": change["rule"], "subject_id": change["subject_id"],
            "from": change["from"], "to": change["to"],
            "from_text": OUTCOME_TEXT.get(change["from"], change["from"]),
            "to_text": OUTCOME_TEXT.get(change["to"], change["to"]),
            "before": {"message": was["message"], "source": was.get("source")} if was else None,
            "after": {"message": now["message"], "source": now.get("source")} if now else None})
    return [{"topic": t, "label": topic_label(t), "rules": topics[t]} for t in sorted(topics, key=topic_key)]


def result_groups(result: dict[str, Any], titles: dict[str, str]) -> list[dict[str, Any]]:
    """The result's rules in the groups of `regimes check` (failed, missing, warnings, pending, passed,
    entitlements), each rule with its title."""
    groups = []
    for (title, pick, _colour), css in zip(RESULT_GROUPS, ("fail", "missing", "warning", "pending", "pass",
                                                          "entitlement"), strict=True):
        items = [{**r, "title": titles.get(r["rule"], r["rule"])} for r in result.get("results", []) if pick(r)]
        groups.append({"title": title, "css": css, "items": items})
    return groups


def _decision_item(decision: Decision) -> dict[str, Any]:
    return {"id": decision.id, "created_at": decision.created_at.isoformat(),
            "local_time": local_time(decision.created_at),
            "regime": {"id": decision.regime_id, "version": decision.regime_version, "hash": decision.regime_hash},
            "as_of": decision.as_of.isoformat(), "stage": decision.stage, "judged": decision.judged,
            "engine": decision.engine, **decision.keys()}


def decision_report(store: Store, decision_id: str, registry: Registry | None = None, regime_id: str | None = None,
                    as_of: dt.date | None = None, show_personal: bool = True) -> dict[str, Any]:
    """Everything an auditor reads about one decision: the decision, its facts and logged result, the regime
    snapshot it used (title, version, hash), the exact replay under that snapshot, and — with `regime_id` or
    `as_of` — the replay under that regime or date with what changed, topic by topic.

    ReplayError when the decision is unknown or its snapshot cannot be rebuilt; SelectionError from the
    registry for an unknown regime or a date without an edition. With `show_personal=False` the experts'
    names are replaced everywhere (facts, messages, subject ids)."""
    decision = store.get(decision_id)
    if decision is None:
        raise ReplayError(f"决策 '{decision_id}' 不存在")
    regime = snapshot_regime(store, decision.regime_hash)
    exact = replay(store, decision_id)  # its `original` is the logged result (full_result for a compact record)
    original = exact["original"]
    out: dict[str, Any] = {
        "decision": _decision_item(decision),
        "regime": regime.summary(),
        "facts": decision.facts, "result": original,
        "groups": result_groups(original, {r.id: r.title for r in regime.rules}),
        "exact": {"identical": exact["changes"]["identical"], "changes": exact["changes"],
                  "by_topic": changes_by_topic(original, exact["result"], exact["changes"])},
        "replayed": None,
        # format 2: whether the rebuild reproduces the compact record, and the answer sent (result_digest)
        "record": {"format": decision.record_format, "matches": exact["record_matches"],
                   "as_sent": rebuilt_as_sent(decision, original) if exact["record_matches"] else False},
    }
    if regime_id is not None or as_of is not None:
        again = replay(store, decision_id, registry, regime_id, as_of)
        out["replayed"] = {"regime": again["result"]["regime"], "as_of": again["result"]["as_of"],
                           "verdict": again["result"]["verdict"], "result": again["result"],
                           "changes": again["changes"],
                           "by_topic": changes_by_topic(original, again["result"], again["changes"])}
    return out if show_personal else redact(out, personal_names(decision.facts))


def report_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


IMPACT_CSV_COLUMNS = ("decision_id", "created_at", "regime_id", "regime_version", "as_of", "stage", "judged",
                      "project_id", "applicant_unit", "host_unit", "verdict_before", "verdict_after", "changed_rules")


def impact_csv(report: dict[str, Any]) -> str:
    """An impact report (replay.impact) as CSV: one changed decision a row; `changed_rules` lists
    `rule(subject): from→to` separated by "; "."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPACT_CSV_COLUMNS)
    for item in report["changes"]:
        rules = "; ".join(f"{r['rule']}({r['subject_id']}): {r['from'] or '—'}→{r['to'] or '—'}" for r in item["rules"])
        flat = {**item, "regime_id": item["regime"]["id"], "regime_version": item["regime"]["version"],
                "changed_rules": rules}
        writer.writerow([_cell(flat.get(col)) for col in IMPACT_CSV_COLUMNS])
    return out.getvalue()
