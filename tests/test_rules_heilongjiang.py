"""Rules of heilongjiang-2025 (专家人才服务基层若干措施): every rule passes, fails, and (with `when`) is not applicable."""

from __future__ import annotations

import datetime as dt

import pytest
from support import check, delete_path, example, judge_for_rule, outcome, registry, set_path

from engine.registry import SelectionError

REGIME = "heilongjiang-2025"
DELETE = object()

# (rule, subject id or None, changes to the compliant example, expected outcome)
CASES = [
    # 一 3 优先遴选的项目
    ("project-priority-needs", None, {}, "pass"),
    ("project-priority-needs", None, {"project.direction": "public_services",
                                      "project.service_forms": ["technology_promotion"]}, "pass"),
    ("project-priority-needs", None, {"project.direction": "public_services",
                                      "project.service_forms": ["joint_research"]}, "pass"),
    ("project-priority-needs", None, {"project.direction": "public_services",
                                      "project.service_forms": ["decision_consulting", "free_clinic"]}, "fail"),
    ("project-priority-needs", None, {"project.direction": DELETE,
                                      "project.service_forms": ["decision_consulting"]}, "missing"),
    # 二 5 百名专家慧企业
    ("enterprise-service-forms", None, {"project.direction": "enterprise_innovation",
                                        "project.service_forms": ["open_competition"]}, "pass"),
    ("enterprise-service-forms", None, {"project.direction": "enterprise_innovation",
                                        "project.service_forms": ["decision_consulting"]}, "fail"),
    ("enterprise-service-forms", None, {}, "not_applicable"),
    ("enterprise-service-forms", None, {"project.direction": DELETE}, "missing"),
    # 二 6 详细活动方案
    ("activity-plan", None, {}, "pass"),
    ("activity-plan", None, {"project.plan_sections": ["schedule"]}, "pass"),
    ("activity-plan", None, {"project.plan_sections": []}, "fail"),
    ("activity-plan", None, {"project.plan_sections": DELETE}, "missing"),
    # 二 8 跟岗锻炼 3—6 个月（两侧边界）
    ("secondment-duration", "secondment", {"secondment.months": 2}, "fail"),
    ("secondment-duration", "secondment", {"secondment.months": 3}, "pass"),
    ("secondment-duration", "secondment", {"secondment.months": 6}, "pass"),
    ("secondment-duration", "secondment", {"secondment.months": 7}, "fail"),
    ("secondment-duration", "secondment", {"secondment.months": DELETE}, "missing"),
    # 二 8 跟岗锻炼对象：县以下（含县级）
    ("secondment-trainee-level", "secondment", {"secondment.trainee_level": "county"}, "pass"),
    ("secondment-trainee-level", "secondment", {"secondment.trainee_level": "township"}, "pass"),
    ("secondment-trainee-level", "secondment", {"secondment.trainee_level": "other"}, "fail"),
    ("secondment-trainee-level", "secondment", {"secondment.trainee_level": DELETE}, "missing"),
    # 二 8 鼓励业务培训、技术指导
    ("training-encouraged", None, {"project.service_forms": ["talent_training"]}, "pass"),
    ("training-encouraged", None, {"project.service_forms": ["technical_guidance"]}, "pass"),
    ("training-encouraged", None, {"project.service_forms": ["free_clinic", "decision_consulting"]}, "fail"),
    # 三 9 专家库遴选
    ("expert-pool-priority", "E1", {"experts[0].honors": ["special_allowance"]}, "pass"),
    ("expert-pool-priority", "E1", {"experts[0].honors": ["postdoc"]}, "pass"),
    ("expert-pool-priority", "E1", {"experts[0].honors": ["academician"]}, "fail"),
    ("expert-pool-priority", "E1", {"experts[0].honors": []}, "fail"),
    ("expert-pool-priority", "E1", {"experts[0].honors": DELETE}, "missing"),
    # 三 9 退休老专家：身体健康、本人自愿
    ("retired-expert-healthy-willing", "E2", {}, "pass"),
    ("retired-expert-healthy-willing", "E2", {"experts[1].healthy": False}, "fail"),
    ("retired-expert-healthy-willing", "E2", {"experts[1].willing": False}, "fail"),
    ("retired-expert-healthy-willing", "E2", {"experts[1].healthy": DELETE}, "missing"),
    ("retired-expert-healthy-willing", "E1", {"experts[0].healthy": False}, "not_applicable"),
    ("retired-expert-healthy-willing", "E2", {"experts[1].retired": False}, "not_applicable"),
    # 三 10 省级专家服务基地优先
    ("provincial-base-priority", None, {}, "pass"),
    ("provincial-base-priority", None, {"project.base_level": "municipal"}, "fail"),
    ("provincial-base-priority", None, {"project.relies_on_base": False, "project.base_level": DELETE}, "fail"),
    ("provincial-base-priority", None, {"project.base_level": DELETE}, "missing"),
    # 四 13 视同参加继续教育实践活动
    ("continuing-education-practice", "E1", {"experts[0].service_days_in_year": 1}, "pass"),
    ("continuing-education-practice", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
    ("continuing-education-practice", "E1", {"experts[0].service_days_in_year": DELETE}, "missing"),
    # 四 13 满10个工作日视同完成当年继续教育学时（两侧边界）
    ("continuing-education-complete", "E1", {"experts[0].service_days_in_year": 10}, "pass"),
    ("continuing-education-complete", "E1", {"experts[0].service_days_in_year": 9}, "fail"),
    ("continuing-education-complete", "E1", {"experts[0].service_days_in_year": DELETE}, "missing"),
    # 四 14 作为优先推荐晋升高级职称的重要条件
    ("title-promotion-priority", "E1", {"experts[0].service_track": "urban_teacher_to_rural"}, "pass"),
    ("title-promotion-priority", "E1", {"experts[0].service_track": "tertiary_doctor_to_county"}, "pass"),
    ("title-promotion-priority", "E1", {"experts[0].service_track": "agri_technician_to_county"}, "pass"),
    ("title-promotion-priority", "E1", {"experts[0].service_track": "other"}, "fail"),
    ("title-promotion-priority", "E1", {"experts[0].service_track": DELETE}, "missing"),
    # 五 18 交通、住宿、伙食费由所在单位据实报销
    ("travel-costs-reimbursed", "E1", {}, "pass"),
    ("travel-costs-reimbursed", "E1", {"experts[0].employer_approved": False}, "fail"),
    ("travel-costs-reimbursed", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
    ("travel-costs-reimbursed", "E1", {"experts[0].employer_approved": DELETE}, "missing"),
]


def _apply(facts: dict, changes: dict) -> dict:
    for path, value in changes.items():
        if value is DELETE:
            delete_path(facts, path)
        else:
            set_path(facts, path, value)
    return facts


def _case_id(case: tuple) -> str:
    rule, subject, changes, expected = case
    shown = ",".join(f"{k}={'删除' if v is DELETE else v}" for k, v in changes.items()) or "示例"
    return f"{rule}[{subject or 'project'}]:{shown}->{expected}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_rule(case: tuple) -> None:
    rule, subject, changes, expected = case
    result = check(REGIME, _apply(example(REGIME), changes), judge=judge_for_rule(REGIME, rule))
    assert outcome(result, rule, subject) == expected


def test_every_rule_has_pass_and_fail_cases() -> None:
    regime = registry().get(REGIME)
    covered: dict[str, set[str]] = {}
    for rule, _, _, expected in CASES:
        covered.setdefault(rule, set()).add(expected)
    for rule in regime.rules:
        needed = {"pass", "fail"} | ({"not_applicable"} if rule.when is not None else set())
        assert needed <= covered.get(rule.local_id, set()), (rule.local_id, covered.get(rule.local_id))
    assert set(covered) <= {r.local_id for r in regime.rules}


# 硬性要求（error）只有二 8 跟岗锻炼两条；其余为鼓励性规定与权益，不影响结论
@pytest.mark.parametrize(("months", "verdict"), [(2, "ineligible"), (3, "eligible"), (6, "eligible"),
                                                 (7, "ineligible")])
def test_secondment_months_decide_verdict(months: int, verdict: str) -> None:
    facts = set_path(example(REGIME), "secondment.months", months)
    assert check(REGIME, facts)["verdict"] == verdict


def test_missing_secondment_months_is_incomplete() -> None:
    result = check(REGIME, delete_path(example(REGIME), "secondment.months"))
    assert result["verdict"] == "incomplete"
    assert any("secondment.months" in r["missing"] for r in result["results"])


@pytest.mark.parametrize("change", [
    {"experts[1].healthy": False},
    {"experts[0].service_days_in_year": 9},
    {"experts[0].service_track": "other"},
    {"project.relies_on_base": False},
    {"project.service_forms": ["decision_consulting"]},
])
def test_encouragements_and_entitlements_do_not_change_verdict(change: dict) -> None:
    assert check(REGIME, _apply(example(REGIME), change))["verdict"] == "eligible"


def test_examples() -> None:
    assert check(REGIME, example(REGIME, "compliant"))["verdict"] == "eligible"
    flawed = check(REGIME, example(REGIME, "flawed"))
    assert flawed["verdict"] == "ineligible"
    failed = {(r["rule"].split("/")[1], r["subject_id"]) for r in flawed["results"] if r["outcome"] == "fail"}
    assert {("secondment-duration", "secondment"), ("secondment-trainee-level", "secondment"),
            ("retired-expert-healthy-willing", "E1"), ("continuing-education-complete", "E2"),
            ("travel-costs-reimbursed", "E2")} <= failed


def test_messages_show_actual_values() -> None:
    facts = set_path(example(REGIME), "secondment.months", 2)
    set_path(facts, "experts[0].service_days_in_year", 9)
    result = check(REGIME, facts)
    by_rule = {(r["rule"].split("/")[1], r["subject_id"]): r["message"] for r in result["results"]}
    assert "3—6个月；计划：2个月" in by_rule[("secondment-duration", "secondment")]
    assert "刘玉峰本年度服务基层：9个工作日" in by_rule[("continuing-education-complete", "E1")]


def test_undated_document_is_recorded_honestly() -> None:
    regime = registry().get(REGIME)
    assert regime.issued is None
    assert regime.effective_from == dt.date(2025, 1, 1)
    assert "人社厅发〔2025〕2号" in regime.date_note
    assert all(d.issued is None and d.number is None for d in regime.documents)


@pytest.mark.parametrize(("day", "expected"), [("2025-01-01", REGIME), ("2026-06-01", REGIME)])
def test_selected_by_region_and_date(day: str, expected: str) -> None:
    assert registry().select("heilongjiang", dt.date.fromisoformat(day)).id == expected


def test_no_regime_before_2025() -> None:
    with pytest.raises(SelectionError):
        registry().select("heilongjiang", dt.date(2024, 12, 31))
