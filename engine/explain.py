"""Turn raw outcomes into the contract's evaluation result: messages, missing facts, verdict."""

from __future__ import annotations

import datetime as dt
import functools
import string
import weakref
from collections.abc import Iterator
from typing import Any

from engine.backends.base import Instance
from engine.policy.conditions import fields_of, get_path
from engine.policy.model import SUBJECT_PREFIX, Regime, Rule
from engine.vocabulary import label

OUTCOME_ORDER = ("fail", "missing", "pass", "not_applicable")
MISSING_VALUE = "未提供"


def missing_paths(rule: Rule, inst: Instance) -> list[str]:
    """Fact paths a rule reads that this instance lacks, in the order the rule reads them."""
    out: list[str] = []
    conds = [c for c in (rule.when, rule.check) if c is not None]
    for cond in conds:
        for f, within in fields_of(cond):
            if within is None:
                if get_path(inst.data, f.path) is None:
                    out.append(f"{inst.prefix}.{f.dotted}")
                continue
            items = get_path(inst.data, within)
            if not isinstance(items, list):
                out.append(f"{inst.prefix}.{'.'.join(within)}")
                continue
            for i, item in enumerate(items):
                if get_path(item, f.path) is None:
                    out.append(f"{inst.prefix}.{'.'.join(within)}[{i}].{f.dotted}")
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


class _Values(string.Formatter):
    """The general renderer: every template `_Template` does not handle itself goes through this."""

    def __init__(self, rule: Rule, data: dict[str, Any]):
        self.rule = rule
        self.data = data

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        name, _, fn = str(key).partition("|")
        if name in self.rule.params:
            value = self.rule.params[name]
        else:
            value = get_path(self.data, tuple(name.split(".")))
        if fn in ("len", "count"):
            return len(value) if value is not None else MISSING_VALUE
        return _show(value)

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        return self.get_value(field_name, args, kwargs), field_name


_LITERAL, _CONST, _FIELD = 0, 1, 2
# One piece of a parsed template: literal text, then nothing, a constant (a param's value as the general
# renderer would pass it on) or a fact path with its |len / |count filter; then the conversion and format spec.
_Piece = tuple[str, int, Any, bool, str | None, str]


class _Template:
    """A rule's message parsed once: what `_Values(rule, data).format(rule.message)` computes, in one pass.

    Params are looked up at parse time (they are the rule's own constants); fact fields per instance.
    Templates with positional fields, nested format specs, unknown conversions or a syntax error keep the
    general renderer (which also raises what it always raised).
    """

    def __init__(self, rule: Rule):  # keeps no reference to the rule: the cache entry must not keep it alive
        self.pieces: list[_Piece] | None = self._parse(rule)
        self.constant: str | None = None
        if self.pieces is not None and all(kind == _LITERAL for _, kind, *_ in self.pieces):
            self.constant = "".join(literal for literal, *_ in self.pieces)

    @staticmethod
    def _parse(rule: Rule) -> list[_Piece] | None:
        try:
            parsed = list(string.Formatter().parse(rule.message))
        except ValueError:
            return None
        pieces: list[_Piece] = []
        for literal, name, spec, conversion in parsed:
            if name is None:
                pieces.append((literal, _LITERAL, None, False, None, ""))
                continue
            if name == "" or name.isdigit() or "{" in (spec or "") or conversion not in (None, "s", "r", "a"):
                return None
            base, _, fn = name.partition("|")
            counted = fn in ("len", "count")
            if base not in rule.params:
                pieces.append((literal, _FIELD, tuple(base.split(".")), counted, conversion, spec or ""))
                continue
            value = rule.params[base]
            obj = (len(value) if value is not None else MISSING_VALUE) if counted else _show(value)
            if conversion is None and not spec:
                pieces.append((literal + format(obj, ""), _LITERAL, None, False, None, ""))
            else:
                pieces.append((literal, _CONST, obj, False, conversion, spec or ""))
        return pieces

    def render(self, rule: Rule, data: dict[str, Any]) -> str:
        if self.constant is not None:
            return self.constant
        if self.pieces is None:
            return _Values(rule, data).format(rule.message)
        out: list[str] = []
        for literal, kind, payload, counted, conversion, spec in self.pieces:
            if literal:
                out.append(literal)
            if kind == _LITERAL:
                continue
            if kind == _CONST:
                obj = payload
            else:
                value = get_path(data, payload)
                obj = (len(value) if value is not None else MISSING_VALUE) if counted else _show(value)
            if conversion is not None:
                obj = str(obj) if conversion == "s" else repr(obj) if conversion == "r" else ascii(obj)
            out.append(obj if type(obj) is str and not spec else format(obj, spec))
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


def verdict(results: list[dict[str, Any]]) -> str:
    hard = [r for r in results if r["kind"] == "requirement" and r["severity"] == "error"]
    if any(r["outcome"] == "fail" for r in hard):
        return "ineligible"
    if any(r["outcome"] == "missing" for r in hard):
        return "incomplete"
    return "eligible"


def _entry(rule: Rule, subject_id: str, outcome: str, message: str, missing: list[str]) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "topic": rule.topic,
        "subject": rule.subject,
        "subject_id": subject_id,
        "kind": rule.kind,
        "severity": rule.severity,
        "outcome": outcome,
        "message": message,
        "missing": missing,
        "source": rule.source.as_dict(),
    }


def _walk(regime: Regime, instances: list[Instance], absent_lists: dict[str, str],
          outcomes: dict[tuple[int, int], str]) -> Iterator[tuple[Rule, Instance | None, str, str]]:
    """(rule, instance or None for an absent list, subject id, outcome) of every result entry, in result order."""
    by_kind: dict[str, list[Instance]] = {}
    for inst in instances:
        by_kind.setdefault(inst.kind, []).append(inst)
    for n, rule in enumerate(regime.rules):
        kind = rule.instance_kind
        if kind in absent_lists:
            yield rule, None, absent_lists[kind], "missing"
            continue
        for inst in by_kind.get(kind, ()):
            yield rule, inst, inst.subject_id, outcomes.get((n, inst.key), "missing")


def build_result(regime: Regime, instances: list[Instance], absent_lists: dict[str, str],
                 outcomes: dict[tuple[int, int], str], as_of: dt.date) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for rule, inst, subject_id, outcome in _walk(regime, instances, absent_lists, outcomes):
        if inst is None:
            path = f"{SUBJECT_PREFIX[rule.subject]}.{rule.each}"
            results.append(_entry(rule, subject_id, "missing", f"{render_message(rule, {})}（缺少：{path}）", [path]))
            continue
        message = render_message(rule, inst.data)
        missing: list[str] = []
        if outcome == "missing":
            missing = missing_paths(rule, inst)
            message = f"{message}（缺少：{'、'.join(missing) or '相关事实'}）"
        results.append(_entry(rule, subject_id, outcome, message, missing))
    counts = {o: sum(1 for r in results if r["outcome"] == o) for o in OUTCOME_ORDER}
    return {
        "regime": regime.ref(),
        "as_of": as_of.isoformat(),
        "verdict": verdict(results),
        "summary": counts,
        "results": results,
    }


def outcome_digest(regime: Regime, instances: list[Instance], absent_lists: dict[str, str],
                   outcomes: dict[tuple[int, int], str]) -> tuple[str, list[tuple[str, str, str]]]:
    """The verdict and the (rule, subject_id, outcome) of every entry of `build_result`, in its order, without
    rendering a message: enough to tell whether a replay changed anything (batch replay, bench/replay.py)."""
    rows: list[tuple[str, str, str]] = []
    graded: list[dict[str, Any]] = []  # what verdict() reads of each entry
    for rule, _, subject_id, outcome in _walk(regime, instances, absent_lists, outcomes):
        rows.append((rule.id, subject_id, outcome))
        graded.append({"kind": rule.kind, "severity": rule.severity, "outcome": outcome})
    return verdict(graded), rows
