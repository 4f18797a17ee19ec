"""Turn raw outcomes into the contract's evaluation result: messages, missing facts, verdict."""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
import weakref
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

from engine.backends.base import Instance
from engine.backends.reference import text_length, truth, unknown_fields
from engine.errors import QueryError
from engine.policy.conditions import Const, Field, Ref, add_months, get_path
from engine.policy.ledger import sentence_id
from engine.policy.model import STAGE_RANK, STAGES, SUBJECT_PREFIX, Due, Regime, Rule, Verdict
from engine.vocabulary import JUDGE_TEXT, SUBJECT_TEXT, VERDICT_TEXT, label

OUTCOME_ORDER = ("fail", "missing", "pending", "pass", "not_applicable")
MISSING_VALUE = "未提供"


def _path(inst: Instance, f: Field, within: tuple[str, ...] | None, index: int | None) -> str:
    prefix = inst.prefix
    inner = f.dotted if within is None else f"{'.'.join(within)}[{index}].{f.dotted}" if index is not None \
        else ".".join(within)
    if prefix in ("project", "locality") and (within or f.path)[0] == "experts":  # the document's own experts
        return inner
    return f"{prefix}.{inner}"


def missing_paths(rule: Rule, inst: Instance) -> list[str]:
    """The fact paths whose absence left this rule's outcome undecided (a `when` that could be decided names
    nothing), in the order the rule reads them."""
    out: list[str] = []
    when = truth(rule.when, inst.data) if rule.when is not None else True
    conds = [rule.when] if when is None and rule.when is not None else [rule.check] if when else []
    for cond in conds:
        for f, within, index in unknown_fields(cond, inst.data):
            out.append(_path(inst, f, within, index))
    return list(dict.fromkeys(out))


def _show(value: Any) -> str:
    if value is None:
        return MISSING_VALUE
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "、".join(_show(v) for v in value) or "无"
    return str(label(value))


_LITERAL, _CONST, _FIELD = 0, 1, 2
# A unit written right after a placeholder ("{days}天"): dropped when the value is absent, so an absent
# value reads 未提供, not 未提供天.
_UNIT = re.compile(r"^ ?(万元|元|个工作日|工作日|个月|天|日|人次|个|项|处|名|场|次|字|人|年|月)")


def _counted(value: Any) -> Any:
    if value is None:
        return None
    return text_length(value) if isinstance(value, str) else len(value)


class _Template:
    """A rule's message parsed once. Only `{name}` and `{name|len}` / `{name|count}` are allowed (validate
    refuses anything else), so rendering never calls format() on user text and can never raise."""

    def __init__(self, rule: Rule):  # keeps no reference to the rule: the cache entry must not keep it alive
        self.pieces: list[tuple[str, int, Any, bool]] = []
        try:
            parsed = list(string.Formatter().parse(rule.message))
        except ValueError:
            parsed = [(rule.message, None, None, None)]
        for literal, name, spec, conversion in parsed:
            if name is None or spec or conversion is not None or not name:
                self.pieces.append((literal + (f"{{{name}}}" if name else ""), _LITERAL, None, False))
                continue
            base, _, fn = name.partition("|")
            counted = fn in ("len", "count")
            if base in rule.params:
                value = rule.params[base]
                self.pieces.append((literal, _CONST, _counted(value) if counted else value, False))
            else:
                self.pieces.append((literal, _FIELD, tuple(base.split(".")), counted))

    def render(self, rule: Rule, data: dict[str, Any]) -> str:
        out: list[str] = []
        absent = False
        for literal, kind, payload, counted in self.pieces:
            if absent:
                literal = _UNIT.sub("", literal)
            out.append(literal)
            absent = False
            if kind == _LITERAL:
                continue
            value = payload if kind == _CONST else get_path(data, payload)
            if counted and kind == _FIELD:
                value = _counted(value)
            absent = value is None
            out.append(_show(value))
        return "".join(out)


# Parsed templates by rule object; an entry leaves with its rule (rules are unhashable: their params are dicts).
_templates: dict[int, tuple[weakref.ref[Rule], _Template]] = {}


def _forget(cache: dict[int, Any], key: int, _: Any) -> None:
    cache.pop(key, None)


def _template(rule: Rule) -> _Template:
    key = id(rule)
    entry = _templates.get(key)
    if entry is not None and entry[0]() is rule:
        return entry[1]
    tpl = _Template(rule)
    forget = functools.partial(_forget, _templates, key)  # holds the dict itself: safe at interpreter exit
    _templates[key] = (weakref.ref(rule, forget), tpl)
    return tpl


def render_message(rule: Rule, data: dict[str, Any]) -> str:
    return _template(rule).render(rule, data)


@dataclass(frozen=True)
class Query:
    """What is asked: which judgement, at which stage, as of which day; and which subjects that reads."""
    stage: str
    judge: str
    as_of: dt.date
    subjects: tuple[str, ...]
    missing_subjects: tuple[str, ...]

    @classmethod
    def make(cls, regime: Regime, facts: dict[str, Any], stage: str, judge: str, as_of: dt.date) -> Query:
        if stage not in STAGE_RANK:
            raise QueryError(f"未知的阶段 '{stage}'（可用：{'、'.join(STAGES)}）")
        if judge not in regime.judgements:
            known = "、".join(regime.judgements) or "无"
            raise QueryError(f"规则集 {regime.id} 不判定 '{judge}'（可判定：{known}）")
        spec = regime.judgements[judge]
        missing = tuple(s for s in spec["requires"] if not facts.get(s))
        return cls(stage, judge, as_of, tuple(spec["subjects"]), missing)

    def judges(self, rule: Rule) -> bool:
        return rule.subject in self.subjects and STAGE_RANK[rule.stage] <= STAGE_RANK[self.stage]


def verdict(results: list[dict[str, Any]], missing_subjects: tuple[str, ...] = ()) -> Verdict:
    """ineligible if a hard requirement failed; otherwise incomplete if a required subject is absent, a hard
    requirement lacks facts, or no hard requirement could be decided at all; otherwise eligible."""
    return verdict_of({r["outcome"] for r in results if r["kind"] == "requirement" and r["severity"] == "error"},
                      missing_subjects)


def verdict_of(hard: Collection[str], missing_subjects: tuple[str, ...] = ()) -> Verdict:
    """`verdict` from the outcomes of the hard requirements alone (batch replay collects only those)."""
    if "fail" in hard:
        return "ineligible"
    if missing_subjects or "missing" in hard:
        return "incomplete"
    if "pass" not in hard:
        return "incomplete"  # nothing hard was checked: never a green 符合条件
    return "eligible"


def _entry(rule: Rule, subject_id: str, outcome: str, message: str, missing: list[str]) -> dict[str, Any]:
    entry = {
        "rule": rule.id,
        "topic": rule.topic,
        "subject": rule.subject,
        "subject_id": subject_id,
        "kind": rule.kind,
        "severity": rule.severity,
        "stage": rule.stage,
        "outcome": outcome,
        "message": message,
        "missing": missing,
        "source": rule.source.as_dict(),
    }
    if rule.reading:
        entry["reading"] = rule.reading
    return entry


def _walk(regime: Regime, instances: list[Instance], absent_lists: dict[str, str],
          outcomes: dict[tuple[int, int], str],
          pick: Callable[[Rule], bool]) -> Iterator[tuple[Rule, Instance | None, str, str]]:
    """(rule, instance or None for an absent list, subject id, outcome) of every result entry, in result order."""
    by_kind: dict[str, list[Instance]] = {}
    for inst in instances:
        by_kind.setdefault(inst.kind, []).append(inst)
    for n, rule in enumerate(regime.rules):
        if not pick(rule):
            continue
        kind = rule.instance_kind
        if kind in absent_lists:
            yield rule, None, absent_lists[kind], "missing"
            continue
        for inst in by_kind.get(kind, ()):
            yield rule, inst, inst.subject_id, outcomes.get((n, inst.key), "missing")


def _date_value(spec: Const | Ref, data: dict[str, Any]) -> dt.date | None:
    if isinstance(spec, Const):
        return spec.value if isinstance(spec.value, dt.date) else None
    raw = get_path(data, spec.field.path)
    if raw is None:
        return None
    try:
        day = dt.date.fromisoformat(raw)
        if spec.months:
            day = add_months(day, spec.months)
        return day + dt.timedelta(days=spec.days)
    except OverflowError:  # e.g. 0001-01-02 less 10 days: no such day, so no due date (the fact stays missing)
        return None


def due_date(due: Due, data: dict[str, Any]) -> tuple[dt.date | None, str]:
    """The first computable alternative of `due.by`, and what it was computed from."""
    for spec in due.by:
        day = _date_value(spec, data)
        if day is not None:
            return day, ("" if isinstance(spec, Const) else spec.field.dotted)
    return None, ""


def _due_outcome(rule: Rule, inst: Instance, outcome: str, query: Query) -> tuple[str, str, dict[str, Any]]:
    """A dated duty whose fact is absent: pending up to and including its due date, overdue (fail) after it."""
    assert rule.due is not None
    if outcome != "missing" or get_path(inst.data, rule.due.fact) is not None:
        return outcome, "", {}
    applies = truth(rule.when, inst.data) if rule.when is not None else True
    if applies is False:
        return outcome, "", {}
    day, _ = due_date(rule.due, inst.data)
    if day is None:
        return outcome, "", {}
    left = (day - query.as_of).days
    if applies is None and left < 0:
        return outcome, "", {}  # past the date, but whether the duty applied at all is unknown: missing, never overdue
    if left >= 0:
        return "pending", f"（待办：{rule.due.what}，截止 {day.isoformat()}（含当日），还有 {left} 天）", \
            {"due": day.isoformat(), "days_left": left}
    return "fail", f"（已逾期：{rule.due.what}，截止 {day.isoformat()}（含当日），尚未提供完成日期）", \
        {"due": day.isoformat(), "days_left": left}


def obligations(regime: Regime, instances: list[Instance], query: Query) -> list[dict[str, Any]]:
    """Dated duties of the judged subjects at the asked stage and later ones, in date order."""
    out: list[dict[str, Any]] = []
    for rule in regime.rules:
        if rule.due is None or rule.subject not in query.subjects:
            continue
        for inst in instances:
            if inst.kind != rule.instance_kind:
                continue
            applies = truth(rule.when, inst.data) if rule.when is not None else True
            if applies is False:
                continue  # an unknown `when` is listed: the duty may apply
            day, basis = due_date(rule.due, inst.data)
            done = get_path(inst.data, rule.due.fact)
            if done is not None:
                status = "done" if day is None or dt.date.fromisoformat(done) <= day else "done_late"
            elif day is None:
                status = "unscheduled"
            elif query.as_of <= day:
                status = "pending"
            else:  # past the date: overdue only if the duty is known to apply (as its rule's outcome, _due_outcome)
                status = "overdue" if applies else "undetermined"
            out.append({
                "rule": rule.id, "what": rule.due.what, "subject_id": inst.subject_id, "stage": rule.stage,
                "due": day.isoformat() if day else None, "due_basis": basis, "status": status,
                "done_on": done, "clause": rule.source.clause, "quote": rule.source.quote,
                "judged": query.judges(rule),
            })
    return sorted(out, key=lambda o: (o["due"] or "9999-99-99", o["rule"]))


def manual_checks(regime: Regime, query: Query) -> list[dict[str, Any]]:
    """Ledger sentences a person must check, for the judged subjects at this stage and before it."""
    out = []
    for c in regime.clauses:
        if c.status != "manual" or c.stage is None or STAGE_RANK[c.stage] > STAGE_RANK[query.stage]:
            continue
        if (c.subject or "project") not in query.subjects:
            continue
        out.append({"clause": c.clause, "quote": c.quote, "what": c.check, "why": c.why, "stage": c.stage,
                    "sentence_id": sentence_id(c.sentence)})
    return out


def later_rules(regime: Regime, query: Query) -> list[dict[str, Any]]:
    """Rules of later stages: not judged yet, listed so the applicant knows what comes."""
    return [{"rule": r.id, "title": r.title, "stage": r.stage, "severity": r.severity, "kind": r.kind,
             "clause": r.source.clause, "quote": r.source.quote}
            for r in regime.rules
            if r.subject in query.subjects and STAGE_RANK[r.stage] > STAGE_RANK[query.stage]]


def verdict_text(verdict_: str, manual: int, missing_subjects: tuple[str, ...], decided: bool,
                 has_hard: bool = True, judge: str = "application",
                 results: list[dict[str, Any]] | None = None) -> str:
    """The one-line Chinese answer. A bare 符合条件 only when every judged rule passed (or did not apply) and no
    person has anything left to check; otherwise `eligible` says what it covers — the hard requirements — and
    counts what it does not: duties not yet due, 一般性要求 and 倡导性条款 not met or lacking facts, manual checks."""
    if not has_hard and not missing_subjects and verdict_ == "incomplete":
        return (f"本规则集对{JUDGE_TEXT.get(judge, judge)}没有可自动判定的硬性要求：不能给出“符合条件”；"
                "以下为一般性要求、倡导性条款与权益" + (f"，另有 {manual} 项需人工核对" if manual else ""))
    if verdict_ == "eligible":
        requirements = [r for r in results or () if r["kind"] == "requirement"]
        pending = [r for r in requirements if r["outcome"] == "pending"]

        def count(severity: str, outcome: str) -> int:
            return sum(1 for r in requirements if r["severity"] == severity and r["outcome"] == outcome)

        parts = [f"{n} 项{what}" for n, what in (
            (len(pending), "待办尚未到期"), (count("warning", "fail"), "一般性要求未符合"),
            (count("info", "fail"), "倡导性条款未符合"),
            (count("warning", "missing") + count("info", "missing"), "提醒缺少事实"), (manual, "需人工核对")) if n]
        if not parts:
            return VERDICT_TEXT["eligible"][0]
        head = "已判定的硬性要求均符合" if any(r["severity"] == "error" for r in pending) else "硬性要求均符合"
        return f"{head}；另有 " + "、".join(parts)
    if verdict_ == "incomplete" and missing_subjects:
        return f"{VERDICT_TEXT['incomplete'][0]}：缺少{'、'.join(SUBJECT_TEXT.get(s, s) for s in missing_subjects)}"
    if verdict_ == "incomplete" and not decided:
        return f"{VERDICT_TEXT['incomplete'][0]}：没有一项硬性要求能够判定"
    return VERDICT_TEXT[verdict_][0]


def build_result(regime: Regime, instances: list[Instance], absent_lists: dict[str, str],
                 outcomes: dict[tuple[int, int], str], query: Query) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for rule, inst, subject_id, outcome in _walk(regime, instances, absent_lists, outcomes, query.judges):
        if inst is None:
            path = f"{SUBJECT_PREFIX[rule.subject]}.{rule.each}"
            results.append(_entry(rule, subject_id, "missing", f"{render_message(rule, {})}（缺少：{path}）", [path]))
            continue
        message = render_message(rule, inst.data)
        extra: dict[str, Any] = {}
        note = ""
        if rule.due is not None:
            outcome, note, extra = _due_outcome(rule, inst, outcome, query)
        missing: list[str] = []
        if outcome == "missing":
            missing = missing_paths(rule, inst)
            message = f"{message}（缺少：{'、'.join(missing) or '相关事实'}）"
        entry = _entry(rule, subject_id, outcome, message + note, missing)
        entry.update(extra)
        results.append(entry)
    counts = {o: sum(1 for r in results if r["outcome"] == o) for o in OUTCOME_ORDER}
    manual = manual_checks(regime, query)
    v = verdict(results, query.missing_subjects)
    decided = any(r["outcome"] in ("pass", "fail") for r in results
                  if r["kind"] == "requirement" and r["severity"] == "error")
    has_hard = any(r.kind == "requirement" and r.severity == "error" and query.judges(r) for r in regime.rules)
    out: dict[str, Any] = {
        "regime": regime.ref(),
        "as_of": query.as_of.isoformat(),
        "stage": query.stage,
        "judged": query.judge,
        "verdict": v,
        "verdict_text": verdict_text(v, len(manual), query.missing_subjects, decided, has_hard, query.judge, results),
        "missing_subjects": list(query.missing_subjects),
        "summary": counts,
        "results": results,
        "obligations": obligations(regime, instances, query),
        "manual_checks": manual,
        "later_stages": later_rules(regime, query),
    }
    if regime.caveat:
        out["caveat"] = regime.caveat
    return out


# One letter per result entry in the decision log's compact record (engine/audit/store.py, record_format 2)
OUTCOME_CODES = {"pass": "p", "fail": "f", "missing": "m", "not_applicable": "n", "pending": "d"}


def outcome_codes(regime: Regime, instances: list[Instance], absent_lists: dict[str, str],
                  outcomes: dict[tuple[int, int], str], query: Query) -> tuple[str, dict[str, dict[str, str]]]:
    """The verdict and `{kind: {local rule id: letters}}` of `build_result`'s entries (OUTCOME_CODES, one letter
    per entry in its order), without rendering a message: what batch replay compares with the logged record.
    Equal to `store.outcome_codes` of the full result (tests/test_replay_parallel.py); a rule without entries
    has no letters."""
    by_kind: dict[str, list[Instance]] = {}
    for inst in instances:
        by_kind.setdefault(inst.kind, []).append(inst)
    codes: dict[str, dict[str, str]] = {}
    hard: set[str] = set()  # the outcomes of hard requirements: all verdict() reads (it runs per logged decision)
    letter = OUTCOME_CODES
    for n, rule in enumerate(regime.rules):
        if not query.judges(rule):
            continue
        kind = rule.instance_kind
        if kind in absent_lists:
            found = ["missing"]
        else:
            insts = by_kind.get(kind, ())
            found = [outcomes.get((n, inst.key), "missing") for inst in insts]
            if rule.due is not None:
                found = [_due_outcome(rule, inst, o, query)[0] for inst, o in zip(insts, found, strict=True)]
        if not found:
            continue
        if rule.kind == "requirement" and rule.severity == "error":
            hard.update(found)
        codes.setdefault(kind, {})[rule.id.split("/", 1)[-1]] = "".join([letter[o] for o in found])
    return verdict_of(hard, query.missing_subjects), codes
