"""Turn raw outcomes into the contract's evaluation result: messages, missing facts, verdict."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from engine.conditions import fields_of
from engine.evaluate import Instance
from engine.labels import label
from engine.model import SUBJECT_PREFIX, Regime, Rule

OUTCOME_ORDER = ("fail", "missing", "pass", "not_applicable")
MISSING_VALUE = "未提供"


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def missing_paths(rule: Rule, inst: Instance) -> list[str]:
    """Fact paths a rule reads that this instance lacks, in the order the rule reads them."""
    out: list[str] = []
    conds = [c for c in (rule.when, rule.check) if c is not None]
    for cond in conds:
        for f, within in fields_of(cond):
            if within is None:
                if _get(inst.data, f.path) is None:
                    out.append(f"{inst.prefix}.{f.dotted}")
                continue
            items = _get(inst.data, within)
            if not isinstance(items, list):
                out.append(f"{inst.prefix}.{'.'.join(within)}")
                continue
            for i, item in enumerate(items):
                if _get(item, f.path) is None:
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
    def __init__(self, rule: Rule, data: dict[str, Any]):
        self.rule = rule
        self.data = data

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        name, _, fn = str(key).partition("|")
        if name in self.rule.params:
            value = self.rule.params[name]
        else:
            value = _get(self.data, tuple(name.split(".")))
        if fn in ("len", "count"):
            return len(value) if value is not None else MISSING_VALUE
        return _show(value)

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        return self.get_value(field_name, args, kwargs), field_name


def render_message(rule: Rule, data: dict[str, Any]) -> str:
    return _Values(rule, data).format(rule.message)


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


def build_result(regime: Regime, instances: list[Instance], absent_lists: dict[str, str],
                 outcomes: dict[tuple[int, int], str], as_of: dt.date) -> dict[str, Any]:
    by_kind: dict[str, list[Instance]] = {}
    for inst in instances:
        by_kind.setdefault(inst.kind, []).append(inst)
    results: list[dict[str, Any]] = []
    for n, rule in enumerate(regime.rules):
        kind = rule.instance_kind
        if kind in absent_lists:
            path = f"{SUBJECT_PREFIX[rule.subject]}.{rule.each}"
            results.append(_entry(rule, absent_lists[kind], "missing",
                                  f"{render_message(rule, {})}（缺少：{path}）", [path]))
            continue
        for inst in by_kind.get(kind, []):
            outcome = outcomes.get((n, inst.key), "missing")
            message = render_message(rule, inst.data)
            missing: list[str] = []
            if outcome == "missing":
                missing = missing_paths(rule, inst)
                message = f"{message}（缺少：{'、'.join(missing) or '相关事实'}）"
            results.append(_entry(rule, inst.subject_id, outcome, message, missing))
    counts = {o: sum(1 for r in results if r["outcome"] == o) for o in OUTCOME_ORDER}
    return {
        "regime": regime.ref(),
        "as_of": as_of.isoformat(),
        "verdict": verdict(results),
        "summary": counts,
        "results": results,
    }
