"""Regimes side by side: compare one set of facts, tabulate requirements by topic, diff two regimes.

Plain functions over the registry that return plain data (dicts, lists, strings); the
renderers in engine.compare.render and the HTTP service only format what is built here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any, assert_never

from engine.errors import QueryError
from engine.evaluate import evaluate
from engine.facts import facts_schema
from engine.policy.conditions import All, AnyOf, Cmp, Cond, Const, Contains, Exists, Field, Not, Quant, Ref
from engine.policy.model import STAGES, SUBJECT_PREFIX, Regime, Rule
from engine.registry import Registry, SelectionError
from engine.vocabulary import ALL_TOPICS, NOT_ADDRESSED, SEVERITY_TEXT, TOPIC_ORDER
from engine.vocabulary import LABELS as VALUE_LABELS

TOPIC_LABELS: dict[str, str] = {
    "expert.title": "专家职称", "expert.health": "专家身体与适应", "expert.employer_approval": "所在单位批准",
    "expert.priority": "优先专家", "expert.retired": "退休专家", "expert.willingness": "服务意愿",
    "project.level": "项目层级", "project.direction": "申报方向", "project.service_forms": "服务形式",
    "project.served_units": "服务对象", "project.scope": "服务范围", "project.priority_areas": "重点地区",
    "project.onsite_days": "现场服务天数", "project.cumulative_days": "累计服务时长",
    "project.problems_per_session": "每次解决问题数", "project.completion": "完成时限",
    "application.deadline": "申报截止", "application.materials": "申报材料", "application.text_limits": "字数限制",
    "application.quota": "申报名额", "funding.support": "经费支持", "funding.allowed_expenses": "经费开支范围",
    "funding.prohibited_expenses": "禁止的开支", "funding.surplus": "结余经费", "reporting.plan_filing": "方案备案",
    "reporting.summary_report": "总结报告", "reporting.fund_report": "经费使用报告", "reporting.results": "成果报送",
    "conduct.venue": "活动场所", "conduct.emergency_plan": "应急预案", "conduct.foreign_experts": "境外专家",
    "conduct.plan_change": "方案变更", "conduct.third_party": "转交第三方", "history.prior_completion": "上年完成情况",
    "base.participants": "基地服务人次", "base.host_type": "基地依托单位", "locality.activities": "地方活动场次",
    "locality.joint_activities": "结对联办活动", "locality.demo_teams": "示范服务团",
    "locality.expert_recommendations": "推荐专家", "secondment.duration": "跟岗锻炼时长",
    "benefit.continuing_education": "继续教育学时", "benefit.title_promotion": "职称评聘",
    "benefit.costs": "费用保障", "benefit.position_retained": "岗位待遇保留",
    "application.priority": "申报倾斜", "secondment.trainee": "跟岗学员",
    "base.track_record": "基地服务经历", "project.expert_composition": "专家构成", "project.sessions": "服务次数",
    "base.dynamic_management": "基地动态管理", "benefit.preference": "申报与评聘倾斜", "benefit.recognition": "推荐评选倾斜",
    "base.host_funding": "基地日常经费保障", "benefit.funding": "项目资助",
}

MODAL = SEVERITY_TEXT

# field path (subject[.list].field) -> (label, unit); unknown fields fall back to their name.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "project.name": ("项目名称", ""), "project.applicant_unit": ("申报单位", ""), "project.host_unit": ("承办单位", ""),
    "project.recommender": ("推荐部门", ""), "project.level": ("项目层级", ""), "project.direction": ("申报方向", ""),
    "project.service_forms": ("服务形式", ""), "project.service_modes": ("服务方式", ""),
    "project.relies_on_base": ("依托基地", ""), "project.base_level": ("基地层级", ""),
    "project.sessions": ("服务次数", "次"), "project.start_date": ("开始日期", ""), "project.end_date": ("结束日期", ""),
    "project.onsite_days": ("现场服务天数", "天"), "project.cumulative_service_days": ("累计服务天数", "天"),
    "project.problems_per_session": ("每次解决具体问题数", "个"), "project.locations": ("服务地点", ""),
    "project.served_units": ("服务对象", ""), "project.plan_sections": ("实施方案内容", ""),
    "project.content_text": ("服务内容", "字"), "project.summary_text": ("项目简介", "字"),
    "project.budget.total_wan": ("经费预算", "万元"), "project.budget.requested_support_wan": ("申请经费支持", "万元"),
    "project.budget.sources": ("经费来源", ""), "project.submitted_on": ("报送日期", ""),
    "project.plan_filed_on": ("方案备案日期", ""), "project.completed_on": ("完成日期", ""),
    "project.report_submitted_on": ("总结报告日期", ""), "project.fund_report_on": ("经费使用报告日期", ""),
    "project.surplus_wan": ("结余经费", "万元"), "project.surplus_returned_on": ("结余退回日期", ""),
    "project.expenses": ("支出", ""), "project.venues": ("活动场所", ""), "project.emergency_plan": ("制定应急预案", ""),
    "project.foreign_experts": ("邀请境外专家", ""), "project.foreign_affairs_approved": ("履行外事审批", ""),
    "project.plan_changed_without_approval": ("未经同意变更方案", ""),
    "project.transferred_to_third_party": ("转交第三方实施", ""),
    "project.host_incomplete_last_year": ("承办单位上年未按时完成", ""),
    "project.locations.province": ("省份", ""), "project.locations.city": ("城市", ""),
    "project.locations.county": ("县（区）", ""), "project.locations.national_key_county": ("国家乡村振兴重点帮扶县", ""),
    "project.locations.provincial_key_county": ("省乡村振兴重点帮扶县", ""),
    "project.locations.mountainous_county": ("山区26县", ""), "project.served_units.name": ("名称", ""),
    "project.served_units.type": ("类型", ""), "project.served_units.level": ("层级", ""),
    "project.expenses.category": ("支出类别", ""), "project.expenses.amount_yuan": ("金额", "元"),
    "project.venues.scenic_area": ("位于风景名胜区", ""), "project.venues.above_standard_hotel": ("超标准酒店宾馆", ""),
    "expert.title": ("职称", ""), "expert.equivalent_level": ("相应专业技术水平", ""), "expert.honors": ("人才称号", ""),
    "expert.healthy": ("身体健康", ""), "expert.willing": ("有服务基层意愿", ""), "expert.adaptable": ("能适应基层环境", ""),
    "expert.employer_approved": ("经所在单位批准", ""), "expert.retired": ("退休", ""), "expert.own_unit": ("本单位专家", ""),
    "expert.foreign": ("境外专家", ""), "expert.service_days_in_year": ("年度服务基层天数", "天"),
    "expert.service_track": ("服务类别", ""),
    "base.name": ("基地名称", ""), "base.level": ("基地层级", ""), "base.host_type": ("依托单位类型", ""),
    "base.annual_participants": ("年服务人次", "人次"), "base.own_experts": ("自有专家数", "名"),
    "base.external_experts": ("外聘专家数", "名"), "base.serves_nationwide": ("面向全国服务", ""),
    "base.submitted_on": ("报送日期", ""),
    "locality.city": ("市", ""), "locality.county": ("县（市、区）", ""), "locality.coastal": ("沿海县", ""),
    "locality.activities": ("全年活动场次", "场"), "locality.joint_activities_with_partner": ("与结对县联办活动", "场"),
    "locality.demo_teams": ("示范服务团数", "个"), "locality.demo_team_activities": ("示范服务团活动", "次"),
    "locality.experts_recommended": ("推荐专家数", "名"),
    "locality.national_materials_submitted_on": ("国家级材料报送日期", ""),
    "locality.activity_plan_submitted_on": ("活动计划报送日期", ""), "locality.results_reported_on": ("成果报送日期", ""),
    "listing.recommender": ("推荐部门", ""), "listing.submitted_on": ("报送日期", ""), "listing.entries": ("申报项目", "个"),
    "listing.entries.kind": ("类型", ""), "secondment.months": ("跟岗锻炼时长", "个月"),
    "secondment.trainee_level": ("学员层级", ""),
}

def schema_label(path: str) -> tuple[str, str] | None:
    """A field's Chinese label from the facts schema (`title`, else a short `description`), for fields added to the
    schema without an entry in FIELD_LABELS: a new field needs no code change to be named in Chinese."""
    subject, _, rest = path.partition(".")
    node: Any = facts_schema()["properties"].get(SUBJECT_PREFIX.get(subject, subject))
    if subject in ("project", "locality") and rest.split(".")[0] == "experts":
        node, rest = facts_schema()["properties"]["experts"], rest.partition(".")[2]
    for part in [p for p in rest.split(".") if p]:
        while isinstance(node, dict) and node.get("type") == "array" or (isinstance(node, dict) and "items" in node):
            node = node.get("items", {})
        props = node.get("properties", {}) if isinstance(node, dict) else {}
        if part not in props:
            return None
        node = props[part]
    if not isinstance(node, dict):
        return None
    text = node.get("title") or re.split(r"[：:（(，,；;/]", node.get("description") or "")[0].strip()
    if not text or len(text) > 24:
        return None
    ref = node.get("$ref", "")
    unit = "天" if ref.endswith("/days") else "万元" if ref.endswith("/money") and "_wan" in path else ""
    return text, unit


# What happens on a date field, so that `submitted_on ≤ 2026-02-06` reads "2026-02-06 前报送".
DATE_ACTIONS: dict[str, str] = {
    "submitted_on": "报送", "plan_filed_on": "方案备案", "completed_on": "完成", "end_date": "结束",
    "report_submitted_on": "提交总结报告", "fund_report_on": "报告经费使用情况", "surplus_returned_on": "退回结余",
    "national_materials_submitted_on": "报送国家级材料", "activity_plan_submitted_on": "报送活动计划",
    "results_reported_on": "报送成果",
}

OP_SYMBOL = {"eq": "=", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "∈"}
NEGATED_SYMBOL = {"eq": "≠", "in": "∉", "lt": "≥", "le": ">", "gt": "≤", "ge": "<"}


# ---------------------------------------------------------------- describing rules in Chinese

def show_value(value: Any, unit: str = "") -> str:
    """One constant as policy staff would write it: labels for enum values, 是/否, dates, units."""
    if isinstance(value, tuple | list):
        return "、".join(show_value(v) for v in value) + unit
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        return VALUE_LABELS.get(value, value) + unit
    return f"{value}{unit}"


class Describer:
    """Chinese text for a rule's conditions; `scope` is the subject (and list) the paths are relative to."""

    def __init__(self, scope: str):
        self.scope = scope

    def label(self, field: Field, scope: str | None = None) -> tuple[str, str]:
        full = f"{scope or self.scope}.{field.dotted}"
        label, unit = FIELD_LABELS.get(full) or FIELD_LABELS.get(f"{self.scope.split('.')[0]}.{field.dotted}") \
            or schema_label(full) or schema_label(f"{self.scope.split('.')[0]}.{field.dotted}") \
            or (field.dotted, "")
        if field.fn == "len":
            return f"{label}字数", "字"
        if field.fn == "count":
            return f"{label}数", unit or "项"
        if field.where is not None:
            inner = Describer(f"{scope or self.scope}.{field.dotted}").describe(field.where)
            if field.fn == "share_where":
                return f"{label}中“{inner}”者所占比例", ""
            return f"{label}中“{inner}”的项数", "项"
        return label, unit

    def describe(self, cond: Cond, nested: bool = False) -> str:
        text = self._describe(cond)
        if nested and isinstance(cond, All | AnyOf) and (" 或 " in text or "，且" in text):
            return f"（{text}）"
        return text

    def _describe(self, cond: Cond) -> str:
        match cond:
            case All():
                return self._all(cond)
            case AnyOf():
                return self._any(cond)
            case Not():
                return self._not(cond.item)
            case Exists():
                return f"已提供{self.label(cond.field)[0]}"
            case Contains():
                return f"{self.label(cond.field)[0]}包含{show_value(cond.value)}"
            case Quant():
                return self._quant(cond)
            case Cmp():
                return self._cmp(cond, negated=False)
            case _:
                assert_never(cond)

    def _all(self, cond: All) -> str:
        items = cond.items
        present = [i for i in items if isinstance(i, Exists)]
        if len(present) > 1:
            rest = [i for i in items if not isinstance(i, Exists)]
            text = "提供" + "、".join(self.label(i.field)[0] for i in present)
            return "，且".join([text, *(self.describe(i, nested=True) for i in rest)])
        if all(isinstance(i, Contains) for i in items) and len({i.field for i in items}) == 1:  # type: ignore[union-attr]
            return f"{self.label(items[0].field)[0]}包含全部：" + "、".join(  # type: ignore[union-attr]
                show_value(i.value) for i in items)  # type: ignore[union-attr]
        span = self._range(items)
        if span:
            return span
        return "，且".join(self.describe(i, nested=True) for i in items)

    def _range(self, items: tuple[Cond, ...]) -> str | None:
        """`x ≥ a` and `x ≤ b` on one field reads as "x a–b"."""
        if len(items) != 2 or not all(isinstance(i, Cmp) and isinstance(i.right, Const) for i in items):
            return None
        low, high = sorted(items, key=lambda c: c.op)  # type: ignore[union-attr]
        if low.op != "ge" or high.op != "le" or low.left != high.left:  # type: ignore[union-attr]
            return None
        label, unit = self.label(low.left)  # type: ignore[union-attr]
        return f"{label} {show_value(low.right.value)}–{show_value(high.right.value)}{unit}"  # type: ignore[union-attr]

    def _any(self, cond: AnyOf) -> str:
        items = cond.items
        if all(isinstance(i, Contains) for i in items) and len({i.field for i in items}) == 1:  # type: ignore[union-attr]
            return f"{self.label(items[0].field)[0]}包含任一：" + "、".join(  # type: ignore[union-attr]
                show_value(i.value) for i in items)  # type: ignore[union-attr]
        return " 或 ".join(self.describe(i, nested=True) for i in items)

    def _not(self, item: Cond) -> str:
        if isinstance(item, Cmp):
            return self._cmp(item, negated=True)
        if isinstance(item, Exists):
            return f"未提供{self.label(item.field)[0]}"
        if isinstance(item, Contains):
            return f"{self.label(item.field)[0]}不含{show_value(item.value)}"
        if isinstance(item, Quant) and item.kind == "some":
            inner = Describer(f"{self.scope}.{item.field.dotted}")
            return f"{self.label(item.field)[0]}中不得有：{inner.describe(item.cond)}"
        return f"并非{self.describe(item, nested=True)}"

    def _quant(self, cond: Quant) -> str:
        inner = Describer(f"{self.scope}.{cond.field.dotted}").describe(cond.cond)
        label = self.label(cond.field)[0]
        return f"每项{label}：{inner}" if cond.kind == "every" else f"至少一项{label}：{inner}"

    def _cmp(self, cond: Cmp, negated: bool) -> str:
        label, unit = self.label(cond.left)
        op = cond.op
        action = DATE_ACTIONS.get(cond.left.path[-1]) if cond.left.type == "date" else None
        if action and not negated and op in ("le", "lt"):
            if isinstance(cond.right, Const):
                return f"{show_value(cond.right.value)} {'前' if op == 'le' else '之前'}{action}"
            return f"{action}不晚于{self._ref(cond.right)}"
        symbol = (NEGATED_SYMBOL if negated else OP_SYMBOL)[op]
        right = self._ref(cond.right) if isinstance(cond.right, Ref) else show_value(cond.right.value, unit)
        return f"{label} {symbol} {right}"

    def _ref(self, ref: Ref) -> str:
        text = self.label(ref.field)[0]
        for n, unit in ((ref.days, "天"), (ref.months, "个月")):
            if n:
                text += f"{'后' if n > 0 else '前'} {abs(n)} {unit}"
        return text


def _only_exists(cond: Cond) -> bool:
    if isinstance(cond, All | AnyOf):
        return all(_only_exists(i) for i in cond.items)
    return isinstance(cond, Exists)


def describe_condition(cond: Cond, subject: str, each: str | None = None) -> str:
    """Chinese text for one condition of a rule on `subject` (items of list `each`, if given)."""
    return Describer(f"{subject}.{each}" if each else subject).describe(cond)


def severity_note(rule: Rule) -> str:
    return "（权益）" if rule.kind == "entitlement" else f"（{MODAL[rule.severity]}）"


def describe_rule(rule: Rule) -> str:
    """What the rule requires, in Chinese, e.g. "国家级：申请经费支持 ≤ 20万元（硬性要求）"."""
    text = describe_condition(rule.check, rule.subject, rule.each)
    if rule.each:
        text = f"每个{FIELD_LABELS.get(f'{rule.subject}.{rule.each}', (rule.each, ''))[0]}：{text}"
    if rule.when is not None and not _only_exists(rule.when):
        when = rule.when
        if isinstance(when, Cmp) and when.op == "eq" and isinstance(when.right, Const) \
                and isinstance(when.right.value, str):
            text = f"{show_value(when.right.value)}：{text}"
        else:
            text = f"若{describe_condition(when, rule.subject, rule.each)}：{text}"
    return text + severity_note(rule)


def rule_summary(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "local_id": rule.local_id,
        "title": rule.title,
        "topic": rule.topic,
        "subject": rule.subject,
        "kind": rule.kind,
        "severity": rule.severity,
        "stage": rule.stage,
        "reading": rule.reading,
        "requirement": describe_rule(rule),
        "params": _plain(rule.params),
        "message": rule.message,
        "source": rule.source.as_dict(),
    }


def _plain(value: Any) -> Any:
    """JSON-safe copy (YAML dates stay ISO text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------- selection helpers

def topic_label(topic: str) -> str:
    return TOPIC_LABELS.get(topic, topic)


def topic_key(topic: str) -> tuple[int, str]:
    return (TOPIC_ORDER.index(topic), "") if topic in TOPIC_ORDER else (len(TOPIC_ORDER), topic)


def select_regimes(registry: Registry, regime_ids: list[str] | None = None) -> list[Regime]:
    """The named regimes in the given order, or all of them by region then edition."""
    if regime_ids:
        return [registry.get(rid) for rid in dict.fromkeys(regime_ids)]
    return sorted(registry.regimes.values(), key=lambda r: (r.region, r.effective_from, r.id))


def regime_header(regime: Regime) -> dict[str, Any]:
    return {"id": regime.id, "region_name": regime.region_name, "edition": regime.edition, "title": regime.title,
            "version": regime.version, "hash": regime.hash}


# ---------------------------------------------------------------- compare

def compare(registry: Registry, facts: dict[str, Any], regime_ids: list[str] | None = None,
            as_of: dt.date | None = None, stage: str = "application", judge: str = "application") -> dict[str, Any]:
    """The same (validated) facts evaluated under every regime, or those named: {"results": {id: result}}.
    A regime that does not make this judgement is left out and said so in `skipped` ({id: reason})."""
    if stage not in STAGES:
        raise QueryError(f"未知的阶段 '{stage}'（可用：{'、'.join(STAGES)}）")
    regimes = select_regimes(registry, regime_ids)
    results: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    notes: dict[str, str] = {}  # beside the results, which stay exactly what evaluate gives
    for r in regimes:
        if judge not in r.judgements:
            skipped[r.id] = f"规则集 {r.id} 不判定 '{judge}'"
            continue
        results[r.id] = evaluate(r, facts, as_of, stage=stage, judge=judge)
        note = registry.edition_note(r, as_of or dt.date.today())  # every edition is compared, in force or not
        if note:
            notes[r.id] = note
    if not results:
        raise QueryError(f"所选规则集均不判定 '{judge}'")
    out: dict[str, Any] = {"stage": stage, "judged": judge, "results": results}
    if skipped:
        out["skipped"] = skipped
    if notes:
        out["edition_notes"] = notes
    return out


def _rank(entry: dict[str, Any]) -> int:
    """Lower is worse: a failed hard requirement first, a rule that did not apply last."""
    outcome, severity = entry["outcome"], entry["severity"]
    if entry["kind"] == "entitlement":
        return {"pass": 5, "not_applicable": 6}.get(outcome, 4)
    if outcome == "fail":
        return {"error": 0, "warning": 2}.get(severity, 3)
    if outcome == "missing":
        return 1 if severity == "error" else 4
    return 5 if outcome == "pass" else 6


def cell_label(cell: dict[str, Any]) -> str:
    """Short Chinese for one topic × regime outcome cell."""
    outcome = cell["outcome"]
    if outcome is None:
        return NOT_ADDRESSED if not cell["addressed"] else "无适用对象"
    if cell["kind"] == "entitlement":
        return {"pass": "享有（权益）", "fail": "未享有（权益）", "missing": "缺少事实（权益）"}.get(outcome, "不适用")
    modal = MODAL[cell["severity"]]
    return {"fail": f"不符合（{modal}）", "missing": f"缺少事实（{modal}）", "pass": "符合", "not_applicable": "不适用"}[outcome]


def _outcome_cell(regime: Regime | None, topic: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    addressed = regime is None or any(r.topic == topic for r in regime.rules)
    cell: dict[str, Any] = {"addressed": addressed, "outcome": None, "severity": None, "kind": None, "rules": [],
                            "messages": []}
    if entries:
        worst = min(entries, key=_rank)
        same = [e for e in entries if _rank(e) == _rank(worst)]
        cell.update(outcome=worst["outcome"], severity=worst["severity"], kind=worst["kind"],
                    rules=sorted({e["rule"] for e in same}), messages=list(dict.fromkeys(e["message"] for e in same)))
    cell["label"] = cell_label(cell)
    return cell


def standing(cell: dict[str, Any]) -> tuple[str | None, ...]:
    """What a cell tells the applicant. A pass, a rule that did not apply and a topic the regime does
    not address all mean "nothing to do here", so they do not make a row disagree."""
    if cell["kind"] == "requirement" and cell["outcome"] in ("fail", "missing"):
        return (cell["outcome"], cell["severity"], cell["kind"])
    if cell["kind"] == "entitlement" and cell["outcome"] != "not_applicable":
        return (cell["outcome"], cell["kind"])
    return ("ok",)


def outcome_table(comparison: dict[str, Any], registry: Registry | None = None) -> dict[str, Any]:
    """Topic × regime table of a comparison: per cell the worst outcome on that topic, with its severity.

    A row is `disagreeing` when its cells' standings differ (e.g. a failed `error` rule in one regime,
    a failed `warning` in another, or a requirement in one that another does not make). With the
    registry given, topics a regime has no rule on read "未规定" rather than "无适用对象".
    """
    results = comparison["results"]
    notes: dict[str, str] = comparison.get("edition_notes", {})
    ids = list(results)
    by_topic: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for rid, result in results.items():
        for entry in result["results"]:
            by_topic.setdefault(entry["topic"], {}).setdefault(rid, []).append(entry)
    rows = []
    for topic in sorted(by_topic, key=topic_key):
        cells = {rid: _outcome_cell(registry.regimes.get(rid) if registry else None, topic,
                                    by_topic[topic].get(rid, [])) for rid in ids}
        standings = {standing(c) for c in cells.values()}
        rows.append({"topic": topic, "label": topic_label(topic), "disagreeing": len(standings) > 1, "cells": cells})
    verdicts = {rid: {"verdict": r["verdict"], "verdict_text": r.get("verdict_text"), "summary": r.get("summary", {}),
                      "regime": r["regime"], **({"caveat": r["caveat"]} if r.get("caveat") else {}),
                      **({"edition_note": notes[rid]} if rid in notes else {})}
                for rid, r in results.items()}
    return {"regimes": ids, "verdicts": verdicts, "rows": rows}


# ---------------------------------------------------------------- matrix

def _check_topics(topics: list[str]) -> None:
    unknown = [t for t in topics if t not in ALL_TOPICS]
    if unknown:
        raise SelectionError(f"未知的主题 '{unknown[0]}'。可用：{'、'.join(sorted(ALL_TOPICS, key=topic_key))}")


def matrix_cell(regime: Regime, topic: str) -> dict[str, Any]:
    rules = [rule_summary(r) for r in regime.rules if r.topic == topic]
    text = "；".join(r["requirement"] for r in rules) if rules else NOT_ADDRESSED
    return {"addressed": bool(rules), "text": text, "rules": rules}


def matrix(registry: Registry, regime_ids: list[str] | None = None,
           topics: list[str] | None = None) -> dict[str, Any]:
    """What each regime requires, topic by topic: rows are topics, one cell per regime.

    Without `topics`, the rows are every topic at least one of the regimes addresses.
    """
    regimes = select_regimes(registry, regime_ids)
    if topics:
        _check_topics(topics)
        chosen = list(dict.fromkeys(topics))
    else:
        chosen = sorted({r.topic for g in regimes for r in g.rules}, key=topic_key)
    rows = [{"topic": t, "label": topic_label(t), "cells": {g.id: matrix_cell(g, t) for g in regimes}} for t in chosen]
    return {"regimes": [regime_header(g) for g in regimes], "rows": rows}


# ---------------------------------------------------------------- diff

def same_clause(a: Rule, b: Rule) -> bool:
    """Two differently named rules are one rule changed only if they bind the same subject and quote
    clearly the same sentence; otherwise they are one clause removed and another added."""
    if a.subject != b.subject or a.kind != b.kind:
        return False
    qa, qb = (re.sub(r"\s+", "", r.source.quote) for r in (a, b))
    return difflib.SequenceMatcher(None, qa, qb).ratio() >= 0.6


def _pair_rules(old: list[Rule], new: list[Rule]) -> list[tuple[Rule | None, Rule | None]]:
    """Rules of one topic matched by id; a lone rule on each side also when it is the same clause."""
    if len(old) == 1 and len(new) == 1 and (old[0].local_id == new[0].local_id or same_clause(old[0], new[0])):
        return [(old[0], new[0])]
    new_by_id = {r.local_id: r for r in new}
    pairs: list[tuple[Rule | None, Rule | None]] = [(r, new_by_id.pop(r.local_id, None)) for r in old]
    pairs += [(None, r) for r in new if r.local_id in new_by_id]
    return pairs


def _param_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    names = list(dict.fromkeys([*old, *new]))
    return {n: {"from": _plain(old.get(n)), "to": _plain(new.get(n))} for n in names if old.get(n) != new.get(n)}


def rule_changes(old: Rule, new: Rule) -> dict[str, Any]:
    """What differs between two versions of a rule; empty when nothing does."""
    changes: dict[str, Any] = {}
    params = _param_changes(old.params, new.params)
    if params:
        changes["params"] = params
    for name in ("severity", "kind", "message", "title"):
        if getattr(old, name) != getattr(new, name):
            changes[name] = {"from": getattr(old, name), "to": getattr(new, name)}
    if (old.check, old.when) != (new.check, new.when) or old.each != new.each:
        changes["requirement"] = {"from": describe_rule(old), "to": describe_rule(new)}
    if old.source != new.source:
        changes["source"] = {"from": old.source.as_dict(), "to": new.source.as_dict()}
    return changes


SUBSTANTIVE = ("params", "severity", "kind", "requirement")


def _rule_entry(topic: str, old: Rule | None, new: Rule | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"topic": topic, "topic_label": topic_label(topic),
                             "from": rule_summary(old) if old else None, "to": rule_summary(new) if new else None}
    if old is None or new is None:
        entry["change"] = "added" if old is None else "removed"
        return entry
    changes = rule_changes(old, new)
    # A new citation or wording alone is "reworded": the rule asks the same thing.
    if any(k in changes for k in SUBSTANTIVE):
        entry["change"] = "changed"
    else:
        entry["change"] = "reworded" if changes else "unchanged"
    entry["changes"] = changes
    return entry


def diff(registry: Registry, from_id: str, to_id: str) -> dict[str, Any]:
    """What changed from one regime to another (editions of a region, or two regions).

    `topics` lists topics added, removed and changed (a rule on it added, removed or changed in
    substance); `rules` has one entry per matched or unmatched rule, `change` being added,
    removed, changed, reworded (only message, title or citation differ) or unchanged.
    """
    old, new = registry.get(from_id), registry.get(to_id)
    old_topics = {r.topic for r in old.rules}
    new_topics = {r.topic for r in new.rules}
    rules: list[dict[str, Any]] = []
    for topic in sorted(old_topics | new_topics, key=topic_key):
        pairs = _pair_rules([r for r in old.rules if r.topic == topic], [r for r in new.rules if r.topic == topic])
        rules += [_rule_entry(topic, a, b) for a, b in pairs]
    changed = sorted({e["topic"] for e in rules if e["change"] in ("added", "removed", "changed")}
                     & old_topics & new_topics, key=topic_key)
    counts = {c: sum(1 for e in rules if e["change"] == c)
              for c in ("added", "removed", "changed", "reworded", "unchanged")}
    return {
        "from": old.id,
        "to": new.id,
        "regimes": {"from": regime_header(old), "to": regime_header(new)},
        "topics": {
            "added": sorted(new_topics - old_topics, key=topic_key),
            "removed": sorted(old_topics - new_topics, key=topic_key),
            "changed": changed,
        },
        "summary": counts,
        "rules": rules,
    }
