"""The questionnaire built from a regime's rules (service/questionnaire.py), and its form ⇄ facts codec.

- Coverage: for every regime, judgement and stage, a form with every question answered leaves no judged rule
  `missing` (so every fact a judged rule reads is asked), and every fact path an error-severity rule reads
  (worked out here from the rule's condition tree, independently of the questionnaire) has a question.
- Nothing else is asked: every question is read by a judged rule, except a list's identity field (a row's name).
- Lossless: every example file becomes form values and back into exactly the same facts.
- Explicit answers: 无 / 否 are distinct from 未填 for yes/no questions, multiple choices and lists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from engine.evaluate import evaluate
from engine.facts import load_facts_file, validate_facts
from engine.policy.conditions import Ref, fields_of
from engine.policy.model import STAGE_RANK, STAGES, SUBJECT_PREFIX, Regime, Rule
from engine.registry import Registry
from service import questionnaire as qn

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*/*.yaml"))


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def _cases(registry: Registry) -> list[tuple[Regime, str, str]]:
    return [(r, stage, judge) for r in registry.regimes.values() for judge in r.judgements for stage in STAGES]


def _judged(regime: Regime, stage: str, judge: str) -> list[Rule]:
    subjects = regime.judgements[judge]["subjects"]
    return [r for r in regime.rules if r.subject in subjects and STAGE_RANK[r.stage] <= STAGE_RANK[stage]]


# ---------------------------------------------------------------- filling a questionnaire completely

def _answer(leaf: qn.Leaf, as_of: dt.date) -> Any:
    """A valid form value for a question (the first option of a choice, 1 for a number, the day for a date)."""
    if leaf.kind == "multi":
        return [leaf.options[0][0]]
    if leaf.kind == "enum":
        return leaf.options[0][0]
    if leaf.kind == "bool":
        return "true"
    if leaf.kind in ("integer", "number"):
        return "1"
    if leaf.kind == "date":
        return as_of.isoformat()
    return "甲"


def _filled(q: qn.Questionnaire, as_of: dt.date) -> qn.FormState:
    state = qn.FormState(rows=dict.fromkeys(qn.lists(), 1))
    for question in q.questions.values():
        state.values[question.leaf.name(0 if question.leaf.list_id else None)] = _answer(question.leaf, as_of)
    return state


def test_every_fact_a_judged_rule_reads_is_asked(registry: Registry) -> None:
    """Answer every question: no judged rule may still lack a fact, at any stage, for any judgement."""
    as_of = dt.date(2026, 1, 1)
    checked = 0
    for regime, stage, judge in _cases(registry):
        q = qn.questionnaire(regime, stage, judge)
        errors = qn.Errors()
        built = qn.build_facts(_filled(q, as_of), errors)
        assert not errors, (regime.id, stage, judge, errors.fields)
        assert validate_facts(built.facts) == [], (regime.id, stage, judge, validate_facts(built.facts)[:3])
        result = evaluate(regime, built.facts, as_of, engine="reference", stage=stage, judge=judge)
        missing = [(r["rule"], r["missing"]) for r in result["results"] if r["outcome"] == "missing"]
        assert not missing, f"{regime.id} {stage} {judge}: facts not asked: {missing}"
        assert not result["missing_subjects"], (regime.id, stage, judge)
        checked += 1
    assert checked >= 5 * 4 * 3


def _read_paths(rule: Rule) -> set[str]:
    """Form patterns of every field an error rule reads, worked out from its condition tree (a second reading,
    independent of service.questionnaire): subject prefix, `each` list, quantifier list, the team's experts."""
    base = [SUBJECT_PREFIX[rule.subject]] + (["*"] if rule.subject == "expert" else []) + \
        ([rule.each, "*"] if rule.each else [])
    reads = [(f.path, within) for cond in (rule.when, rule.check) if cond is not None for f, within in fields_of(cond)]
    if rule.due is not None:
        reads.append((rule.due.fact, None))
        reads += [(b.field.path, None) for b in rule.due.by if isinstance(b, Ref)]
    out = set()
    for path, within in reads:
        rel = [*within, "*", *path] if within else list(path)
        parts = rel if rule.subject in ("project", "locality") and rel[0] == "experts" else base + rel
        out.add(".".join(parts))
    return out


def test_every_fact_path_of_every_error_rule_has_a_question(registry: Registry) -> None:
    for regime, stage, judge in _cases(registry):
        q = qn.questionnaire(regime, stage, judge)
        for rule in _judged(regime, stage, judge):
            if rule.severity != "error":
                continue
            for pattern in _read_paths(rule):
                below = [p for p in qn.leaves() if p.startswith(pattern + ".")]
                asked = pattern in q.questions or pattern in q.groups or below and all(p in q.questions for p in below)
                assert asked, f"{regime.id} {stage} {judge}: {rule.local_id} reads {pattern}, not asked"


def test_nothing_is_asked_that_no_judged_rule_reads(registry: Registry) -> None:
    for regime, stage, judge in _cases(registry):
        q = qn.questionnaire(regime, stage, judge)
        judged = {r.id for r in _judged(regime, stage, judge)}
        for pattern, question in q.questions.items():
            if question.identity:
                assert question.leaf.key in q.groups[question.leaf.list_id].spec.identity
                continue
            assert question.rules, pattern
            for basis in question.rules:
                assert basis.rule.id in judged
                assert pattern in _read_paths(basis.rule) or any(
                    pattern.startswith(p + ".") for p in _read_paths(basis.rule)), (pattern, basis.rule.id)


def test_questionnaires_differ_by_regime_and_stage(registry: Registry) -> None:
    liaoning = qn.questionnaire(registry.get("liaoning-2026"), "application", "application")
    later = qn.questionnaire(registry.get("liaoning-2026"), "implementation", "application")
    zhejiang = qn.questionnaire(registry.get("zhejiang-2023"), "application", "application")
    assert "project.emergency_plan" not in liaoning.questions and "project.emergency_plan" in later.questions
    for fact in ("project.foreign_experts", "project.plan_changed_without_approval",
                 "project.transferred_to_third_party"):
        assert fact in later.questions
    assert "project.host_incomplete_last_year" in liaoning.questions
    assert "project.locations.*.mountainous_county" in zhejiang.questions
    assert "project.locations.*.mountainous_county" not in liaoning.questions  # only Zhejiang asks about 山区26县
    assert "experts" not in zhejiang.groups  # Zhejiang's application judgement reads no expert
    base = qn.questionnaire(registry.get("shanghai-2026"), "application", "base")
    assert {p.subject for p in base.parts} == {"base"} and "base.selected_year" in base.questions
    assert "project.level" not in base.questions


def test_questions_name_the_notice_section_and_clause(registry: Registry) -> None:
    q = qn.questionnaire(registry.get("liaoning-2026"), "implementation", "application")
    sections = {s.title for p in q.parts for s in p.sections}
    assert "第五章 工作要求" in sections  # the measures' own chapter heading, found in the source text
    support = q.questions["project.budget.requested_support_wan"]
    assert any(b.rule.source.clause for b in support.rules)
    plan = q.questions["project.foreign_affairs_approved"]
    # asked only when the when holds (the project invites 境外专家, or a listed expert is one), and marked so
    assert plan.conditional.startswith("邀请境外专家 = 是 或") and "是否为境外专家 = 是" in plan.conditional
    facts = {"project": {"foreign_experts": False}}
    assert qn.inapplicable(plan, facts) and not qn.inapplicable(plan, {"project": {"foreign_experts": True}})
    assert not qn.inapplicable(plan, {**facts, "experts": [{"id": "E1", "foreign": True}]})
    sh = qn.questionnaire(registry.get("shanghai-2026"), "application", "application")
    assert any(s.title == "附件1 · 一、基本信息" for p in sh.parts for s in p.sections)


# ---------------------------------------------------------------- the codec

@pytest.mark.parametrize("path", EXAMPLES, ids=[f"{p.parent.name}/{p.name}" for p in EXAMPLES])
def test_every_example_round_trips_through_the_form_values(path: Path) -> None:
    facts = load_facts_file(path)
    state = qn.state_from_facts(facts)
    # what a browser posts back: every value, lists as repeated fields, row counts
    pairs: list[tuple[str, str]] = []
    for name, value in state.values.items():
        pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    pairs += [(f"rows.{lid}", str(n)) for lid, n in state.rows.items()]
    errors = qn.Errors()
    built = qn.build_facts(qn.state_from_pairs(pairs), errors)
    assert not errors
    assert built.facts == facts


def test_none_and_no_are_answers_distinct_from_not_given() -> None:
    def build(pairs: list[tuple[str, str]]) -> dict[str, Any]:
        errors = qn.Errors()
        facts = qn.build_facts(qn.state_from_pairs(pairs), errors).facts
        assert not errors, errors.fields
        return facts

    assert build([("project.service_forms", qn.NONE)]) == {"project": {"service_forms": []}}
    assert build([("project.level", "")]) == {}
    assert build([("project.emergency_plan", "false")]) == {"project": {"emergency_plan": False}}
    assert build([("project.emergency_plan", "")]) == {}
    assert build([("list.project.venues", "none"), ("rows.project.venues", "1"), ("project.venues.0.name", "")]) \
        == {"project": {"venues": []}}
    assert build([("rows.project.venues", "1"), ("project.venues.0.name", "")]) == {}
    assert build([("list.experts", "none")]) == {"experts": []}
    assert build([("experts.0.honors", qn.NONE), ("experts.0.name", "甲")]) == {"experts": [{"honors": [], "name": "甲"}]}
    errors = qn.Errors()
    qn.build_facts(qn.state_from_pairs([("project.service_forms", qn.NONE), ("project.service_forms", "other")]), errors)
    assert "不能与其他选项同时勾选" in errors.fields["project.service_forms"][0]
    errors = qn.Errors()
    qn.build_facts(qn.state_from_pairs([("list.experts", "none"), ("experts.0.name", "甲")]), errors)
    assert "已选择“无”" in errors.fields["list.experts"][0]


def test_rows_are_added_and_removed_with_their_hidden_values() -> None:
    state = qn.state_from_facts({"experts": [{"id": "E1", "name": "甲"}, {"id": "E2", "name": "乙"}]})
    assert qn.apply_action(state, "remove:experts:0")
    assert state.values == {"experts.0.id": "E2", "experts.0.name": "乙"} and state.rows["experts"] == 1
    assert qn.apply_action(state, "add:experts") and state.rows["experts"] == 2 and state.focus == "experts.1.name"
    assert qn.apply_action(state, "remove:nothing:0") and not qn.apply_action(state, "check")


def test_facts_yaml_loads_back_to_the_same_facts(tmp_path: Path) -> None:
    for path in EXAMPLES:
        facts = load_facts_file(path)
        out = tmp_path / "facts.yaml"
        out.write_text(qn.facts_yaml(facts, "导出"), encoding="utf-8")
        assert load_facts_file(out) == facts, path
