"""Rules of heilongjiang-2025 (专家人才服务基层若干措施): every rule passes, fails, and (with `when`) is not applicable.

The notice sets hard (defining) conditions only on the 跟岗锻炼 (二8, judged on its own); projects, experts and bases
get preferences (info) and entitlements. It has no date, deadline, quota or share, so there are no dated duties.
"""

from __future__ import annotations

import datetime as dt

import pytest
from support import assert_cases_cover, check, delete_path, example, judge_for_rule, outcome, registry, set_path

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
    ("project-priority-needs", None, {"project.direction": "rural_revitalization",
                                      "project.service_forms": ["free_clinic"]}, "pass"),
    ("project-priority-needs", None, {"project.direction": "public_services",
                                      "project.service_forms": ["decision_consulting", "free_clinic"]}, "fail"),
    ("project-priority-needs", None, {"project.direction": DELETE,
                                      "project.service_forms": ["decision_consulting"]}, "missing"),
    # 二 5 百名专家慧企业（列举以“等”结尾，提示）
    ("enterprise-service-forms", None, {"project.direction": "enterprise_innovation",
                                        "project.service_forms": ["open_competition"]}, "pass"),
    ("enterprise-service-forms", None, {"project.direction": "enterprise_innovation",
                                        "project.service_forms": ["joint_research", "free_clinic"]}, "pass"),
    ("enterprise-service-forms", None, {"project.direction": "enterprise_innovation",
                                        "project.service_forms": ["decision_consulting"]}, "fail"),
    ("enterprise-service-forms", None, {}, "not_applicable"),
    ("enterprise-service-forms", None, {"project.direction": DELETE}, "missing"),
    # 二 6 详细活动方案（工具只看有无内容）
    ("activity-plan", None, {}, "pass"),
    ("activity-plan", None, {"project.plan_sections": ["schedule"]}, "pass"),
    ("activity-plan", None, {"project.plan_sections": []}, "fail"),
    ("activity-plan", None, {"project.plan_sections": DELETE}, "missing"),
    # 二 8 跟岗锻炼 3—6 个月（两侧边界）
    ("secondment-duration", "secondment", {"secondment.months": 2}, "fail"),
    ("secondment-duration", "secondment", {"secondment.months": 3}, "pass"),
    ("secondment-duration", "secondment", {"secondment.months": 6}, "pass"),
    ("secondment-duration", "secondment", {"secondment.months": 6.5}, "fail"),  # no rounding to 6 needed
    ("secondment-duration", "secondment", {"secondment.months": 2.9}, "fail"),
    ("secondment-duration", "secondment", {"secondment.months": 7}, "fail"),
    ("secondment-duration", "secondment", {"secondment.months": DELETE}, "missing"),
    # 二 8 跟岗锻炼对象：县以下（含县级；乡镇、村均在内）
    ("secondment-trainee-level", "secondment", {"secondment.trainee_level": "county"}, "pass"),
    ("secondment-trainee-level", "secondment", {"secondment.trainee_level": "township"}, "pass"),
    ("secondment-trainee-level", "secondment", {"secondment.trainee_level": "village"}, "pass"),
    ("secondment-trainee-level", "secondment", {"secondment.trainee_level": "other"}, "fail"),
    ("secondment-trainee-level", "secondment", {"secondment.trainee_level": DELETE}, "missing"),
    # 二 8 跟岗锻炼对象：专业技术骨干或急需紧缺人才
    ("secondment-trainee-type", "secondment", {"secondment.trainee_key_or_urgent": True}, "pass"),
    ("secondment-trainee-type", "secondment", {"secondment.trainee_key_or_urgent": False}, "fail"),
    ("secondment-trainee-type", "secondment", {"secondment.trainee_key_or_urgent": DELETE}, "missing"),
    # 二 8 到上级对口单位
    ("secondment-host-superior", "secondment", {"secondment.host_superior_counterpart": True}, "pass"),
    ("secondment-host-superior", "secondment", {"secondment.host_superior_counterpart": False}, "fail"),
    ("secondment-host-superior", "secondment", {"secondment.host_superior_counterpart": DELETE}, "missing"),
    # 三 9 专家库遴选（列举以“等”结尾，提示）
    ("expert-pool-priority", "E1", {"experts[0].honors": ["special_allowance"]}, "pass"),
    ("expert-pool-priority", "E1", {"experts[0].honors": ["postdoc"]}, "pass"),
    ("expert-pool-priority", "E1", {"experts[0].honors": ["academician"]}, "fail"),
    ("expert-pool-priority", "E1", {"experts[0].honors": []}, "fail"),
    ("expert-pool-priority", "E1", {"experts[0].honors": DELETE}, "missing"),
    # 三 9 鼓励支持身体健康、本人自愿的退休老专家
    ("retired-expert-healthy-willing", "E2", {}, "pass"),
    ("retired-expert-healthy-willing", "E2", {"experts[1].healthy": False}, "fail"),
    ("retired-expert-healthy-willing", "E2", {"experts[1].willing": False}, "fail"),
    ("retired-expert-healthy-willing", "E2", {"experts[1].healthy": DELETE}, "missing"),
    ("retired-expert-healthy-willing", "E1", {"experts[0].healthy": False}, "not_applicable"),
    ("retired-expert-healthy-willing", "E2", {"experts[1].retired": False}, "not_applicable"),
    # 三 9 重点推荐纳入国家重点联系专家库
    ("national-key-expert-recommendation", "E1", {}, "pass"),
    ("national-key-expert-recommendation", "E1", {"experts[0].active_in_service": False}, "fail"),
    ("national-key-expert-recommendation", "E1", {"experts[0].notable_achievement": False}, "fail"),
    ("national-key-expert-recommendation", "E1", {"experts[0].notable_achievement": DELETE}, "missing"),
    # 三 10 省级专家服务基地优先申报、承办
    ("provincial-base-priority", None, {}, "pass"),
    ("provincial-base-priority", None, {"project.base_level": "municipal"}, "fail"),
    ("provincial-base-priority", None, {"project.relies_on_base": False, "project.base_level": DELETE}, "fail"),
    ("provincial-base-priority", None, {"project.base_level": DELETE}, "missing"),
    # 三 10 省级基地优先推荐申报国家级基地（基地自己的判定）
    ("provincial-base-national-recommendation", "某基地", {"base.name": "某基地", "base.level": "provincial"}, "pass"),
    ("provincial-base-national-recommendation", "某基地", {"base.name": "某基地", "base.level": "municipal"}, "fail"),
    ("provincial-base-national-recommendation", "某基地", {"base.name": "某基地"}, "missing"),
    # 四 13 视同参加继续教育实践活动（>0 两侧）
    ("continuing-education-practice", "E1", {"experts[0].service_days_in_year": 1}, "pass"),
    ("continuing-education-practice", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
    ("continuing-education-practice", "E1", {"experts[0].service_days_in_year": DELETE}, "missing"),
    # 四 13 满10个工作日视同完成当年继续教育学时（两侧边界）
    ("continuing-education-complete", "E1", {"experts[0].service_days_in_year": 10}, "pass"),
    ("continuing-education-complete", "E1", {"experts[0].service_days_in_year": 9}, "fail"),
    ("continuing-education-complete", "E1", {"experts[0].service_days_in_year": DELETE}, "missing"),
    # 四 13 优先推荐参加知识更新工程高级研修项目（有服务即可，不以满10日为条件）
    ("advanced-training-priority", "E1", {"experts[0].service_days_in_year": 1}, "pass"),
    ("advanced-training-priority", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
    ("advanced-training-priority", "E1", {"experts[0].service_days_in_year": DELETE}, "missing"),
    # 四 14 服务基层时长、质效作为优先推荐晋升高级职称的重要条件：类别列举开放，以服务为条件
    ("title-promotion-priority", "E3", {"experts[2].service_track": "urban_teacher_to_rural"}, "pass"),
    ("title-promotion-priority", "E3", {"experts[2].service_track": "tertiary_doctor_to_county"}, "pass"),
    ("title-promotion-priority", "E3", {"experts[2].service_track": "agri_technician_to_county"}, "pass"),
    ("title-promotion-priority", "E3", {"experts[2].service_track": "other"}, "pass"),
    ("title-promotion-priority", "E3", {"experts[2].service_track": DELETE}, "pass"),
    ("title-promotion-priority", "E3", {"experts[2].service_days_in_year": 1}, "pass"),
    ("title-promotion-priority", "E3", {"experts[2].service_days_in_year": 0}, "fail"),
    ("title-promotion-priority", "E3", {"experts[2].service_days_in_year": DELETE}, "missing"),
    ("title-promotion-priority", "E1", {}, "not_applicable"),  # 已是正高级
    ("title-promotion-priority", "E2", {"experts[1].title": "associate_senior"}, "not_applicable"),  # 已退休
    ("title-promotion-priority", "E3", {"experts[2].title": DELETE}, "missing"),
    # 四 15 服务基层时长、质效纳入所在单位岗位聘用（竞聘）评价条件
    ("post-appointment-evaluation", "E1", {"experts[0].service_days_in_year": 1}, "pass"),
    ("post-appointment-evaluation", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
    ("post-appointment-evaluation", "E1", {"experts[0].service_days_in_year": DELETE}, "missing"),
    ("post-appointment-evaluation", "E2", {}, "not_applicable"),
    # 四 15 成效显著、贡献突出的，同等条件下优先推荐晋升专业技术岗位等级
    ("post-grade-priority", "E1", {}, "pass"),
    ("post-grade-priority", "E1", {"experts[0].outstanding_contribution": False}, "fail"),
    ("post-grade-priority", "E1", {"experts[0].notable_achievement": False}, "fail"),
    ("post-grade-priority", "E1", {"experts[0].notable_achievement": DELETE}, "missing"),
    ("post-grade-priority", "E2", {"experts[1].outstanding_contribution": True}, "not_applicable"),
    # 四 16 人才选拔、资助和评选中倾斜
    ("talent-programme-tilt", "E1", {}, "pass"),
    ("talent-programme-tilt", "E2", {}, "fail"),  # 成效显著但未认定贡献突出
    ("talent-programme-tilt", "E2", {"experts[1].outstanding_contribution": True}, "pass"),  # 退休者同样适用
    ("talent-programme-tilt", "E1", {"experts[0].outstanding_contribution": DELETE}, "missing"),
    # 四 17 优先推荐国情研修、考察休假疗养和走访慰问
    ("national-study-priority", "E1", {}, "pass"),
    ("national-study-priority", "E1", {"experts[0].regular_participant": False}, "fail"),
    ("national-study-priority", "E1", {"experts[0].active_in_service": False}, "fail"),
    ("national-study-priority", "E1", {"experts[0].notable_achievement": False}, "fail"),
    ("national-study-priority", "E1", {"experts[0].regular_participant": DELETE}, "missing"),
    # 五 18 选派的专家由所在单位据实报销（“选派”而非“同意”）
    ("travel-costs-reimbursed", "E1", {}, "pass"),
    ("travel-costs-reimbursed", "E1", {"experts[0].dispatched_by_employer": False}, "fail"),
    ("travel-costs-reimbursed", "E1", {"experts[0].dispatched_by_employer": False,
                                       "experts[0].employer_approved": True}, "fail"),
    ("travel-costs-reimbursed", "E1", {"experts[0].service_days_in_year": 1}, "pass"),
    ("travel-costs-reimbursed", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
    ("travel-costs-reimbursed", "E1", {"experts[0].dispatched_by_employer": DELETE}, "missing"),
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


def test_every_rule_has_each_possible_outcome() -> None:
    assert_cases_cover(REGIME, CASES)


# ---------------------------------------------------------------- judgements: the secondment is judged on its own

def test_judgements_declared() -> None:
    regime = registry().get(REGIME)
    assert set(regime.judgements) == {"application", "expert", "base", "secondment"}
    assert regime.judgements["application"]["subjects"] == ("project", "expert")
    assert regime.judgements["secondment"] == {"subjects": ("secondment",), "requires": ("secondment",)}


def test_only_the_secondment_has_hard_conditions() -> None:
    regime = registry().get(REGIME)
    hard = {r.local_id for r in regime.rules if r.severity == "error"}
    assert hard == {"secondment-duration", "secondment-trainee-level", "secondment-trainee-type",
                    "secondment-host-superior"}
    assert all(r.subject == "secondment" for r in regime.rules if r.severity == "error")
    assert all(r.reading for r in regime.rules if r.severity == "error")  # 原文无情态词：判断


@pytest.mark.parametrize("stage", ["application", "closing"])
def test_compliant_secondment_is_eligible_at_application_and_closing(stage: str) -> None:
    result = check(REGIME, example(REGIME, "compliant"), stage=stage, judge="secondment")
    assert result["verdict"] == "eligible"
    assert result["verdict_text"] == "硬性要求均符合；另有 1 项需人工核对"
    assert {r["subject"] for r in result["results"]} == {"secondment"}


@pytest.mark.parametrize("stage", ["application", "closing"])
def test_flawed_secondment_is_ineligible(stage: str) -> None:
    result = check(REGIME, example(REGIME, "flawed"), stage=stage, judge="secondment")
    assert result["verdict"] == "ineligible"
    failed = {r["rule"].split("/")[1] for r in result["results"] if r["outcome"] == "fail"}
    assert failed == {"secondment-duration", "secondment-trainee-level", "secondment-trainee-type",
                      "secondment-host-superior"}


def test_failing_secondment_does_not_make_the_project_ineligible() -> None:
    facts = example(REGIME, "compliant")
    set_path(facts, "secondment.months", 2)
    application = check(REGIME, facts, judge="application")
    assert application["verdict"] != "ineligible"
    assert not any(r["subject"] == "secondment" for r in application["results"])
    assert check(REGIME, facts, judge="secondment")["verdict"] == "ineligible"


@pytest.mark.parametrize("which", ["compliant", "flawed"])
def test_project_judgement_has_no_hard_requirement(which: str) -> None:
    """本措施对项目和专家没有硬性要求：提示与权益从不使项目“不符合条件”，也不能给出“符合条件”。"""
    result = check(REGIME, example(REGIME, which), judge="application")
    assert result["verdict"] == "incomplete"
    assert "没有可自动判定的硬性要求" in result["verdict_text"]
    assert all(r["severity"] != "error" for r in result["results"])


@pytest.mark.parametrize(("months", "verdict"), [(2, "ineligible"), (3, "eligible"), (6, "eligible"),
                                                 (7, "ineligible")])
def test_secondment_months_decide_verdict(months: int, verdict: str) -> None:
    facts = set_path(example(REGIME), "secondment.months", months)
    assert check(REGIME, facts, judge="secondment")["verdict"] == verdict


def test_missing_secondment_months_is_incomplete() -> None:
    result = check(REGIME, delete_path(example(REGIME), "secondment.months"), judge="secondment")
    assert result["verdict"] == "incomplete"
    assert any("secondment.months" in r["missing"] for r in result["results"])


def test_secondment_alone_is_judged_as_secondment() -> None:
    facts = {"secondment": example(REGIME)["secondment"]}
    assert check(REGIME, facts)["verdict"] == "eligible"  # judgement inferred from the facts


def test_empty_document_lacks_the_project() -> None:
    result = check(REGIME, {})
    assert result["verdict"] == "incomplete"
    assert result["missing_subjects"] == ["project"]
    assert check(REGIME, {}, judge="secondment")["missing_subjects"] == ["secondment"]


@pytest.mark.parametrize("change", [
    {"experts[1].healthy": False},
    {"experts[0].service_days_in_year": 9},
    {"experts[0].dispatched_by_employer": False},
    {"project.relies_on_base": False},
    {"project.service_forms": ["decision_consulting"]},
    {"project.plan_sections": []},
])
def test_encouragements_and_entitlements_do_not_change_verdict(change: dict) -> None:
    before = check(REGIME, example(REGIME), judge="application")["verdict"]
    assert check(REGIME, _apply(example(REGIME), change), judge="application")["verdict"] == before
    assert check(REGIME, _apply(example(REGIME), change), judge="secondment")["verdict"] == "eligible"


# ---------------------------------------------------------------- stages, manual checks, no dated duties

def test_later_stage_rules_are_listed_not_judged() -> None:
    result = check(REGIME, example(REGIME), stage="application", judge="application")
    judged = {r["rule"].split("/")[1] for r in result["results"]}
    later = {r["rule"].split("/")[1] for r in result["later_stages"]}
    assert "continuing-education-complete" in later and "continuing-education-complete" not in judged
    assert "travel-costs-reimbursed" in later
    assert "project-priority-needs" in judged
    implementation = check(REGIME, example(REGIME), stage="implementation", judge="application")
    assert any(r["rule"].endswith("/travel-costs-reimbursed") for r in implementation["results"])
    assert not any(r["rule"].endswith("/title-promotion-priority") for r in implementation["results"])


def test_manual_checks_follow_subject_and_stage() -> None:
    secondment = check(REGIME, example(REGIME), stage="application", judge="secondment")
    assert [m["clause"] for m in secondment["manual_checks"]] == ["二 8"]
    assert "行业主管部门" in secondment["manual_checks"][0]["what"]
    application = check(REGIME, example(REGIME), stage="application", judge="application")
    assert sorted(m["clause"] for m in application["manual_checks"]) == ["一 3", "二 6"]
    closing = check(REGIME, example(REGIME), stage="closing", judge="expert")
    assert {m["clause"] for m in closing["manual_checks"]} == {"三 9", "四 14", "四 15", "四 16", "四 17", "五 18"}
    base = check(REGIME, {"base": {"name": "某基地", "level": "provincial"}}, judge="base")
    assert [m["clause"] for m in base["manual_checks"]] == ["三 10"]


@pytest.mark.parametrize("judge", ["application", "expert", "secondment"])
def test_no_dated_duties(judge: str) -> None:
    regime = registry().get(REGIME)
    assert all(r.due is None for r in regime.rules)
    assert check(REGIME, example(REGIME), judge=judge)["obligations"] == []


# ---------------------------------------------------------------- wording

def test_no_added_modal_words() -> None:
    regime = registry().get(REGIME)
    for rule in regime.rules:
        for text in (rule.title, rule.message):
            for word in ("必须", "须", "一般应"):
                assert word not in text, (rule.local_id, word)


def test_messages_show_actual_values() -> None:
    facts = set_path(example(REGIME), "secondment.months", 2)
    set_path(facts, "experts[0].service_days_in_year", 9)
    by_rule = {(r["rule"].split("/")[1], r["subject_id"]): r["message"]
               for judge in ("secondment", "application") for r in check(REGIME, facts, judge=judge)["results"]}
    assert "3—6个月的跟岗锻炼；本次跟岗锻炼：2个月" in by_rule[("secondment-duration", "secondment")]
    assert "刘玉峰本年度服务基层：9个工作日" in by_rule[("continuing-education-complete", "E1")]
    assert "跟岗人员所在层级：村" in by_rule[("secondment-trainee-level", "secondment")]
    assert "列举以“等”结尾" in by_rule[("title-promotion-priority", "E3")]


# ---------------------------------------------------------------- the undated notice

def test_undated_document_is_recorded_honestly() -> None:
    regime = registry().get(REGIME)
    assert regime.issued is None
    assert regime.effective_from == dt.date(2025, 1, 1)
    assert "人社厅发〔2025〕2号" in regime.date_note
    assert "下限" in regime.date_note and "不是原文所载的生效日" in regime.date_note
    assert all(d.issued is None and d.number is None for d in regime.documents)


@pytest.mark.parametrize("judge", ["application", "expert", "base", "secondment"])
def test_every_result_carries_the_date_caveat(judge: str) -> None:
    facts = example(REGIME)
    facts["base"] = {"name": "某基地", "level": "provincial"}
    result = check(REGIME, facts, judge=judge)
    assert "日期存疑" in result["caveat"]
    assert "2025-01-01" in result["caveat"] and "不是原文所载的生效日" in result["caveat"]
    assert "caveat" in check(REGIME, {}, judge=judge)


@pytest.mark.parametrize(("day", "expected"), [("2025-01-01", REGIME), ("2026-06-01", REGIME)])
def test_selected_by_region_and_date(day: str, expected: str) -> None:
    assert registry().select("heilongjiang", dt.date.fromisoformat(day)).id == expected
    assert registry().select("黑龙江省", dt.date.fromisoformat(day)).id == expected


def test_no_regime_before_2025() -> None:
    with pytest.raises(SelectionError, match="尚无生效的规则集"):
        registry().select("heilongjiang", dt.date(2024, 12, 31))
