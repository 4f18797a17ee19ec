"""Every zhejiang-2023 rule on both sides of its boundary (关于做好2023年专家服务工作的通知)."""

from __future__ import annotations

import datetime as dt

import pytest
from support import assert_cases_cover, case_ids, check, check_changed, delete_path, example, outcome, registry, set_path

R = "zhejiang-2023"
COUNTY = "景宁畲族自治县"  # the compliant example's locality is a county-level record (level: county)
CITY = "丽水市"  # the same record made the city's own (level: city, county deleted)
NO_COUNTY = ("locality.county",)
# What a city record adds to the county example: its level, its recommendations and the stamped, e-mailed package.
CITY_RECORD = {"locality.level": "city", "locality.experts_recommended": 3, "locality.national_materials_sealed": True,
               "locality.national_materials_word_emailed": True}


def run(changes: dict, base: str = "compliant", deletions: tuple[str, ...] = (), rule: str | None = None,
        stage: str | None = None) -> dict:
    return check_changed(R, changes, deletions, base, rule=rule, stage=stage)


def city(**changes: object) -> dict:
    return {**CITY_RECORD, **changes}


def city_without(*fields: str) -> dict:
    """The city's record lacking some of what it adds (check_changed deletes before it sets)."""
    return {k: v for k, v in CITY_RECORD.items() if k.split(".", 1)[1] not in fields}


def chars(n: int) -> str:
    """A realistic Chinese text of exactly n 字 (no whitespace)."""
    unit = "组织专家赴山区县开展茶园技术指导、病虫害防控培训和加工技术对接。"
    return (unit * (n // len(unit) + 1))[:n]


def spaced(n: int) -> str:
    """n 字 laid out in paragraphs: line breaks and spaces do not count."""
    text = chars(n)
    return "\n\n".join("  " + text[i:i + 50] for i in range(0, n, 50))


CASES = [
    # rule, subject, changes, deletions, expected
    # ---------------------------------------------------------------- 一（一）国家级示范团
    ("project-level", None, {"project.level": "national"}, (), "pass"),
    ("project-level", None, {"project.level": "provincial"}, (), "fail"),
    ("project-level", None, {"project.level": "municipal"}, (), "fail"),
    ("project-level", None, {}, ("project.level",), "missing"),
    ("project-application-form", None, {}, (), "pass"),
    ("project-application-form", None, {}, ("project.content_text",), "missing"),
    ("project-application-form", None, {}, ("project.recommender",), "missing"),
    ("project-application-form", None, {}, ("project.locations",), "missing"),
    ("project-application-form", None, {}, ("project.locations[0].province",), "missing"),
    ("project-application-form", None, {}, ("project.budget.total_wan",), "missing"),
    ("project-application-form", None, {"project.locations": []}, (), "fail"),
    ("project-application-form", None, {"project.budget.sources": []}, (), "fail"),
    ("project-application-form", None, {"project.budget.sources": ["social"]}, (), "pass"),
    ("project-service-forms", None, {"project.service_forms": ["free_clinic"]}, (), "pass"),
    ("project-service-forms", None, {"project.service_forms": []}, (), "fail"),
    ("project-service-forms", None, {}, ("project.service_forms",), "missing"),
    ("project-direction", None, {"project.direction": "medical_health"}, (), "pass"),
    ("project-direction", None, {"project.direction": "public_welfare"}, (), "pass"),
    ("project-direction", None, {"project.direction": "other"}, (), "fail"),
    ("priority-key-counties", None, {"project.locations": [{"province": "浙江", "mountainous_county": True}]}, (), "pass"),
    ("priority-key-counties", None, {"project.locations": [{"province": "贵州", "national_key_county": True}]}, (), "pass"),
    ("priority-key-counties", None, {"project.locations": [
        {"province": "浙江", "national_key_county": False, "mountainous_county": False},
        {"province": "浙江", "national_key_county": False, "mountainous_county": True}]}, (), "pass"),
    ("priority-key-counties", None, {"project.locations": [{"province": "浙江", "national_key_county": False,
                                                            "mountainous_county": False}]}, (), "fail"),
    ("project-deadline", None, {"project.submitted_on": "2023-03-06"}, (), "pass"),
    ("project-deadline", None, {"project.submitted_on": "2023-03-07"}, (), "fail"),
    ("project-deadline", None, {}, ("project.submitted_on",), "fail"),  # as of 2026: overdue
    # ---------------------------------------------------------------- 一（二）国家级专家服务基地
    ("base-prior-activity", None, {"base.prior_service_activities": True, "base.annual_participants": 0}, (), "pass"),
    # the unit says it never organised any: participants cannot make it so (contradictory facts fail closed)
    ("base-prior-activity", None, {"base.prior_service_activities": False, "base.annual_participants": 1}, (), "fail"),
    ("base-prior-activity", None, {"base.annual_participants": 1}, ("base.prior_service_activities",), "pass"),
    ("base-prior-activity", None, {"base.prior_service_activities": False, "base.annual_participants": 0}, (), "fail"),
    ("base-prior-activity", None, {"base.annual_participants": 0}, ("base.prior_service_activities",), "missing"),
    ("base-host-type", None, {"base.host_type": "other"}, (), "pass"),
    ("base-host-type", None, {"base.host_type": "high_tech_enterprise"}, (), "pass"),
    ("base-host-type", None, {}, ("base.host_type",), "missing"),
    ("base-application-form", None, {}, (), "pass"),
    ("base-application-form", None, {}, ("base.external_experts",), "missing"),
    ("base-application-form", None, {}, ("base.activity_record_text",), "missing"),
    ("base-application-form", None, {}, ("base.three_year_plan_text",), "missing"),
    ("base-activity-record-limit", None, {"base.activity_record_text": chars(1000)}, (), "pass"),
    ("base-activity-record-limit", None, {"base.activity_record_text": spaced(1000)}, (), "pass"),
    ("base-activity-record-limit", None, {"base.activity_record_text": chars(1001)}, (), "fail"),
    ("base-activity-record-limit", None, {}, ("base.activity_record_text",), "not_applicable"),
    ("base-three-year-plan-limit", None, {"base.three_year_plan_text": chars(1000)}, (), "pass"),
    ("base-three-year-plan-limit", None, {"base.three_year_plan_text": spaced(1000)}, (), "pass"),
    ("base-three-year-plan-limit", None, {"base.three_year_plan_text": chars(1001)}, (), "fail"),
    ("base-three-year-plan-limit", None, {}, ("base.three_year_plan_text",), "not_applicable"),
    ("base-deadline", None, {"base.submitted_on": "2023-03-06"}, (), "pass"),
    ("base-deadline", None, {"base.submitted_on": "2023-03-07"}, (), "fail"),
    ("base-deadline", None, {}, ("base.submitted_on",), "fail"),  # as of 2026: overdue
    # ---------------------------------------------------------------- 一（三）推荐的重点联系专家（E4；一般应：warning）
    ("expert-title", "E4", {"experts[3].title": "senior"}, (), "pass"),
    ("expert-title", "E4", {"experts[3].title": "associate_senior"}, (), "pass"),
    ("expert-title", "E4", {"experts[3].title": "intermediate", "experts[3].equivalent_level": True}, (), "fail"),
    ("expert-title", "E4", {"experts[3].title": "none"}, (), "fail"),
    ("expert-title", "E1", {"experts[0].title": "intermediate"}, (), "not_applicable"),  # 领衔专家：本通知未设条件
    ("expert-title", "E2", {"experts[1].title": "junior"}, (), "not_applicable"),  # 服务专家
    ("expert-title", "E4", {}, ("experts[3].role",), "missing"),
    ("expert-willing", "E4", {"experts[3].willing": True}, (), "pass"),
    ("expert-willing", "E4", {"experts[3].willing": False}, (), "fail"),
    ("expert-willing", "E1", {"experts[0].willing": False}, (), "not_applicable"),
    ("expert-healthy", "E4", {"experts[3].healthy": True}, (), "pass"),
    ("expert-healthy", "E4", {"experts[3].healthy": False}, (), "fail"),
    ("expert-healthy", "E2", {"experts[1].healthy": False}, (), "not_applicable"),
    ("expert-adaptable", "E4", {"experts[3].adaptable": True}, (), "pass"),
    ("expert-adaptable", "E4", {"experts[3].adaptable": False}, (), "fail"),
    ("expert-adaptable", "E3", {"experts[2].adaptable": False}, (), "not_applicable"),
    ("expert-recommendation-form", "E4", {}, (), "pass"),
    ("expert-recommendation-form", "E4", {"experts[3].honors": []}, (), "pass"),  # 六项称号均为“否”
    ("expert-recommendation-form", "E4", {}, ("experts[3].honors",), "missing"),
    ("expert-recommendation-form", "E4", {}, ("experts[3].title",), "missing"),
    ("expert-recommendation-form", "E4", {}, ("experts[3].role",), "missing"),
    ("expert-recommendation-form", "E1", {}, (), "not_applicable"),  # 领衔专家无 honors：不适用
    # ---------------------------------------------------------------- 一（三）各市推荐不少于3名（市级记录）
    ("locality-expert-recommendations", COUNTY, {"locality.experts_recommended": 0}, (), "not_applicable"),
    ("locality-expert-recommendations", COUNTY, {}, (), "not_applicable"),
    ("locality-expert-recommendations", CITY, city(), NO_COUNTY, "pass"),
    ("locality-expert-recommendations", CITY, city(**{"locality.experts_recommended": 2}), NO_COUNTY, "fail"),
    ("locality-expert-recommendations", CITY, city_without("experts_recommended"), NO_COUNTY, "missing"),
    # a city record that also names a county is still the city's: its duties stay on
    ("locality-expert-recommendations", COUNTY, city(**{"locality.experts_recommended": 2}), (), "fail"),
    ("locality-expert-recommendations", COUNTY, {}, ("locality.level",), "missing"),
    # ---------------------------------------------------------------- 二（一）各县至少4场；沿海县至少联办1场
    ("locality-activities", COUNTY, {"locality.activities": 4}, (), "pass"),
    ("locality-activities", COUNTY, {"locality.activities": 3}, (), "fail"),
    ("locality-activities", CITY, city(**{"locality.activities": 0}), NO_COUNTY, "not_applicable"),
    ("locality-activities", COUNTY, {}, ("locality.level",), "missing"),
    ("locality-joint-activities", COUNTY, {"locality.coastal": False}, (), "not_applicable"),
    ("locality-joint-activities", COUNTY, {"locality.coastal": True, "locality.joint_activities_with_partner": 1}, (),
     "pass"),
    ("locality-joint-activities", COUNTY, {"locality.coastal": True, "locality.joint_activities_with_partner": 0}, (),
     "fail"),
    ("locality-joint-activities", COUNTY, {}, ("locality.coastal",), "missing"),
    ("locality-joint-activities", CITY, city(**{"locality.coastal": True}), NO_COUNTY, "not_applicable"),
    # ---------------------------------------------------------------- 二（二）示范团（各地：市、县两级）
    ("locality-demo-teams", COUNTY, {"locality.demo_teams": 1}, (), "pass"),
    ("locality-demo-teams", COUNTY, {"locality.demo_teams": 0}, (), "fail"),
    ("locality-demo-teams", CITY, city(**{"locality.demo_teams": 0}), NO_COUNTY, "fail"),
    ("locality-demo-team-activities", COUNTY, {"locality.demo_team_activities": 1}, (), "pass"),
    ("locality-demo-team-activities", COUNTY, {"locality.demo_team_activities": 0}, (), "fail"),
    ("locality-demo-team-activities", CITY, city(**{"locality.demo_team_activities": 0}), NO_COUNTY, "fail"),
    # ---------------------------------------------------------------- 三（一）3月6日；盖章与WORD版
    ("locality-national-materials-deadline", COUNTY, {"locality.national_materials_submitted_on": "2023-03-06"}, (),
     "pass"),
    ("locality-national-materials-deadline", COUNTY, {"locality.national_materials_submitted_on": "2023-03-07"}, (),
     "fail"),
    ("locality-national-materials-deadline", COUNTY, {}, ("locality.national_materials_submitted_on",),
     "not_applicable"),
    ("locality-national-materials-deadline", CITY, city(**{"locality.national_materials_submitted_on": "2023-03-07"}),
     NO_COUNTY, "fail"),
    ("locality-national-materials-deadline", CITY, city(), NO_COUNTY + ("locality.national_materials_submitted_on",),
     "fail"),  # as of 2026: overdue
    ("locality-national-materials-format", CITY, city(), NO_COUNTY, "pass"),
    ("locality-national-materials-format", CITY, city(**{"locality.national_materials_sealed": False}), NO_COUNTY,
     "fail"),
    ("locality-national-materials-format", CITY, city(**{"locality.national_materials_word_emailed": False}), NO_COUNTY,
     "fail"),
    ("locality-national-materials-format", CITY, city_without("national_materials_sealed"), NO_COUNTY, "missing"),
    ("locality-national-materials-format", COUNTY, {"locality.national_materials_sealed": False}, (),
     "not_applicable"),
    # ---------------------------------------------------------------- 三（二）3月13日
    ("locality-activity-plan-deadline", COUNTY, {"locality.activity_plan_submitted_on": "2023-03-13"}, (), "pass"),
    ("locality-activity-plan-deadline", COUNTY, {"locality.activity_plan_submitted_on": "2023-03-14"}, (), "fail"),
    ("locality-activity-plan-deadline", COUNTY, {}, ("locality.activity_plan_submitted_on",), "not_applicable"),
    ("locality-activity-plan-deadline", CITY, city(**{"locality.activity_plan_submitted_on": "2023-03-13"}), NO_COUNTY,
     "pass"),
    ("locality-activity-plan-deadline", CITY, city(), NO_COUNTY + ("locality.activity_plan_submitted_on",), "fail"),
    # ---------------------------------------------------------------- 二（三）、附件5 成果汇总表 6月10日、12月10日
    ("locality-half-year-results-report", COUNTY, {"locality.half_year_results_reported_on": "2023-06-10"}, (), "pass"),
    ("locality-half-year-results-report", COUNTY, {"locality.half_year_results_reported_on": "2023-06-11"}, (), "fail"),
    ("locality-half-year-results-report", COUNTY, {}, ("locality.half_year_results_reported_on",), "not_applicable"),
    ("locality-half-year-results-report", CITY, city(**{"locality.half_year_results_reported_on": "2023-06-10"}),
     NO_COUNTY, "pass"),
    ("locality-half-year-results-report", CITY, city(), NO_COUNTY + ("locality.half_year_results_reported_on",),
     "fail"),
    ("locality-results-report", COUNTY, {"locality.results_reported_on": "2023-12-10"}, (), "pass"),
    ("locality-results-report", COUNTY, {"locality.results_reported_on": "2023-12-11"}, (), "fail"),
    ("locality-results-report", COUNTY, {}, ("locality.results_reported_on",), "not_applicable"),
    ("locality-results-report", CITY, city(**{"locality.results_reported_on": "2023-12-10"}), NO_COUNTY, "pass"),
    ("locality-results-report", CITY, city(), NO_COUNTY + ("locality.results_reported_on",), "fail"),
]


@pytest.mark.parametrize(("rule", "subject", "changes", "deletions", "expected"), CASES,
                         ids=case_ids(CASES))
def test_rule(rule: str, subject: str | None, changes: dict, deletions: tuple[str, ...], expected: str) -> None:
    assert outcome(run(changes, deletions=deletions, rule=rule), rule, subject) == expected


def test_every_rule_has_each_possible_outcome() -> None:
    assert_cases_cover(R, CASES)


def test_text_helpers_count_exactly() -> None:
    assert len(chars(1000)) == 1000 and len(chars(1001)) == 1001
    assert len("".join(spaced(1000).split())) == 1000 and len(spaced(1000)) > 1000


# ---------------------------------------------------------------- examples, judgements, stages


@pytest.mark.parametrize("stage", ["application", "closing"])
@pytest.mark.parametrize("judge", ["application", "base", "expert", "locality"])
def test_compliant_is_eligible_for_every_judgement_and_stage(judge: str, stage: str) -> None:
    result = check(R, example(R, "compliant"), stage=stage, judge=judge)
    assert result["verdict"] == "eligible"
    assert not [r["rule"] for r in result["results"] if r["outcome"] in ("fail", "missing", "pending")]
    assert all(o["status"] == "done" for o in result["obligations"]), result["obligations"]


def test_flawed_is_ineligible_for_several_reasons() -> None:
    facts = example(R, "flawed")
    assert check(R, facts)["verdict"] == "ineligible"
    failed: set[str] = set()
    for judge in ("application", "base", "locality"):
        result = check(R, facts, judge=judge)
        assert result["verdict"] == "ineligible", judge
        failed |= {r["rule"].split("/", 1)[1] for r in result["results"]
                   if r["outcome"] == "fail" and r["severity"] == "error"}
    assert {"project-level", "project-deadline", "base-prior-activity", "base-deadline", "locality-activities",
            "locality-joint-activities", "locality-demo-team-activities", "locality-national-materials-deadline",
            "locality-activity-plan-deadline", "locality-half-year-results-report", "locality-results-report"} <= failed


def test_flawed_recommended_experts_are_only_warned() -> None:
    result = check(R, example(R, "flawed"), judge="expert")
    assert outcome(result, "expert-title", "E2") == "fail"
    assert outcome(result, "expert-healthy", "E3") == "fail"
    assert outcome(result, "expert-title", "E1") == "not_applicable"  # 领衔专家
    assert result["verdict"] == "eligible"


def test_team_members_are_not_judged_in_the_project_application() -> None:
    result = check(R, example(R, "compliant"), judge="application")
    assert {r["subject"] for r in result["results"]} == {"project"}


def test_warnings_do_not_change_the_verdict() -> None:
    result = run({"experts[3].title": "intermediate", "experts[3].healthy": False, "experts[3].willing": False,
                  "experts[3].adaptable": False}, rule="expert-title")
    assert {outcome(result, r, "E4") for r in ("expert-title", "expert-healthy", "expert-willing",
                                               "expert-adaptable")} == {"fail"}
    assert result["verdict"] == "eligible"


def test_unfilled_form_is_incomplete_naming_the_fields() -> None:
    result = run({}, deletions=("project.content_text", "project.host_unit"), rule="project-application-form")
    assert result["verdict"] == "incomplete"
    entry = next(r for r in result["results"] if r["rule"].endswith("/project-application-form"))
    assert entry["outcome"] == "missing"
    assert entry["missing"] == ["project.host_unit", "project.content_text"]
    assert "未提供万元" not in entry["message"] and "须" not in entry["message"]


def test_city_record_is_never_asked_for_a_county() -> None:
    result = run(city_without("experts_recommended"), deletions=NO_COUNTY, rule="locality-expert-recommendations")
    missing = {p for r in result["results"] for p in r["missing"]}
    assert missing == {"locality.experts_recommended"}
    assert result["verdict"] == "incomplete"


def test_record_without_level_asks_only_for_level() -> None:
    result = run({}, deletions=("locality.level",), rule="locality-activities")
    missing = {p for r in result["results"] for p in r["missing"]}
    assert missing == {"locality.level"}


FULL_YEAR = {"locality-activities", "locality-joint-activities", "locality-demo-teams", "locality-demo-team-activities"}


def test_county_duties_are_not_judged_at_application() -> None:
    result = run({"locality.activities": 0}, rule="locality-activities", stage="application")
    assert result["verdict"] == "eligible"
    assert all(not r["rule"].endswith("/locality-activities") for r in result["results"])
    later = {r["rule"].split("/", 1)[1] for r in result["later_stages"]}
    assert FULL_YEAR | {"locality-half-year-results-report", "locality-results-report"} == later


def test_full_year_counts_are_judged_at_closing_only() -> None:
    """二（一）“全年至少开展4场”、二（二）示范团与其活动：全年的数，年中（实施阶段）不判，年终（结项）判。"""
    rules = {r.local_id: r.stage for r in registry().get(R).rules}
    assert {rules[r] for r in FULL_YEAR} == {"closing"}
    facts = example(R, "compliant")
    set_path(facts, "locality.activities", 2)
    set_path(facts, "locality.demo_team_activities", 0)
    set_path(facts, "locality.coastal", True)
    delete_path(facts, "locality.results_reported_on")
    mid_year = check(R, facts, as_of=dt.date(2023, 6, 30), stage="implementation", judge="locality")
    assert mid_year["verdict"] == "eligible"
    assert not FULL_YEAR & {r["rule"].split("/", 1)[1] for r in mid_year["results"]}
    assert FULL_YEAR <= {r["rule"].split("/", 1)[1] for r in mid_year["later_stages"]}
    year_end = check(R, facts, as_of=dt.date(2023, 12, 31), stage="closing", judge="locality")
    assert year_end["verdict"] == "ineligible"
    assert {r: outcome(year_end, r) for r in FULL_YEAR} == {
        "locality-activities": "fail", "locality-joint-activities": "fail", "locality-demo-teams": "pass",
        "locality-demo-team-activities": "fail"}


def test_text_limit_message_counts_without_whitespace() -> None:
    result = run({"base.activity_record_text": spaced(1001)}, rule="base-activity-record-limit")
    entry = next(r for r in result["results"] if r["rule"].endswith("/base-activity-record-limit"))
    assert entry["outcome"] == "fail"
    assert "不超过1000字" in entry["message"] and "现1001字" in entry["message"]


def test_deadline_messages_say_the_day_counts() -> None:
    for rule in registry().get(R).rules:
        if rule.due is not None:
            assert "含当日" in rule.message, rule.id


@pytest.mark.parametrize("rule", ["project-deadline", "base-deadline", "locality-national-materials-deadline"])
def test_march_6_deadline_shared_by_three_subjects(rule: str) -> None:
    found = next(r for r in registry().get(R).rules if r.local_id == rule)
    assert str(found.params["deadline"]) == "2023-03-06"


# ---------------------------------------------------------------- dated duties: pending up to the day, overdue after

DUTIES = [
    # rule, judgement, fact deleted, due date, extra changes (the city's record for city duties)
    ("project-deadline", "application", "project.submitted_on", "2023-03-06", {}),
    ("base-deadline", "base", "base.submitted_on", "2023-03-06", {}),
    ("locality-national-materials-deadline", "locality", "locality.national_materials_submitted_on", "2023-03-06",
     CITY_RECORD),
    ("locality-activity-plan-deadline", "locality", "locality.activity_plan_submitted_on", "2023-03-13", CITY_RECORD),
    ("locality-half-year-results-report", "locality", "locality.half_year_results_reported_on", "2023-06-10",
     CITY_RECORD),
    ("locality-results-report", "locality", "locality.results_reported_on", "2023-12-10", CITY_RECORD),
]


def _duty(rule: str, judge: str, fact: str, extra: dict, as_of: dt.date) -> tuple[str, dict, str]:
    facts = example(R, "compliant")
    for path, value in extra.items():
        set_path(facts, path, value)
    delete_path(facts, fact)
    result = check(R, facts, as_of=as_of, judge=judge)
    obligation = next(o for o in result["obligations"] if o["rule"] == f"{R}/{rule}")
    return outcome(result, rule), obligation, result["verdict"]


@pytest.mark.parametrize(("rule", "judge", "fact", "due", "extra"), DUTIES, ids=[d[0] for d in DUTIES])
def test_duty_is_pending_up_to_and_including_its_day(rule: str, judge: str, fact: str, due: str, extra: dict) -> None:
    result, obligation, verdict = _duty(rule, judge, fact, extra, dt.date.fromisoformat(due))
    assert result == "pending"
    assert obligation["status"] == "pending" and obligation["due"] == due
    assert verdict == "eligible"


@pytest.mark.parametrize(("rule", "judge", "fact", "due", "extra"), DUTIES, ids=[d[0] for d in DUTIES])
def test_duty_is_overdue_the_day_after(rule: str, judge: str, fact: str, due: str, extra: dict) -> None:
    result, obligation, verdict = _duty(rule, judge, fact, extra, dt.date.fromisoformat(due) + dt.timedelta(days=1))
    assert result == "fail"
    assert obligation["status"] == "overdue"
    assert verdict == "ineligible"


def test_late_report_is_done_late() -> None:
    facts = example(R, "compliant")
    facts["locality"]["half_year_results_reported_on"] = "2023-06-11"
    result = check(R, facts, judge="locality")
    obligation = next(o for o in result["obligations"] if o["rule"].endswith("/locality-half-year-results-report"))
    assert obligation["status"] == "done_late"


def test_county_without_a_report_date_has_no_such_duty() -> None:
    facts = example(R, "compliant")
    del facts["locality"]["results_reported_on"]
    result = check(R, facts, judge="locality")
    assert all(not o["rule"].endswith("/locality-results-report") for o in result["obligations"])


def test_manual_checks_follow_the_judgement() -> None:
    facts = example(R, "compliant")
    base = check(R, facts, judge="base", stage="application")["manual_checks"]
    assert any("显著成效" in m["what"] for m in base)
    expert = check(R, facts, judge="expert", stage="application")["manual_checks"]
    assert any("学术造诣" in m["what"] for m in expert)
    assert not any("学术造诣" in m["what"] for m in base)


@pytest.mark.parametrize(("judge", "form"), [("application", "附件1"), ("base", "附件2"), ("expert", "附件3")])
def test_seal_is_a_manual_check_for_each_form(judge: str, form: str) -> None:
    """三（一）“纸质材料需加盖单位公章”：盖章的事实只在市级记录上，判定项目、基地、专家时列为人工核对。"""
    result = check(R, example(R, "compliant"), as_of=dt.date(2023, 3, 3), stage="application", judge=judge)
    seal = [m for m in result["manual_checks"] if m["quote"] == "纸质材料需加盖单位公章"]
    assert len(seal) == 1 and form in seal[0]["what"] and "WORD版" in seal[0]["what"]
    assert result["verdict"] == "eligible"
    assert f"{len(result['manual_checks'])} 项需人工核对" in result["verdict_text"]


def test_city_record_judges_the_seal_by_rule_not_by_manual_check() -> None:
    result = run(city(**{"locality.national_materials_sealed": False}), deletions=NO_COUNTY,
                 rule="locality-national-materials-format", stage="application")
    assert outcome(result, "locality-national-materials-format") == "fail"
    assert not [m for m in result["manual_checks"] if m["quote"] == "纸质材料需加盖单位公章"]


def test_form_header_seal_is_not_claimed_by_the_project_form_rule() -> None:
    """附件1、3、4、5 表头“填报市局（盖章）：填报日期：”：project-application-form 只覆盖“填报市局”（recommender）。"""
    header = [c for c in registry().get(R).clauses if c.sentence.startswith("填报市局（盖章）")]
    encoded = [c for c in header if c.status == "encoded"]
    assert [(c.part, c.rules) for c in encoded] == [("填报市局", ("project-application-form",))]
    assert all(c.status != "encoded" for c in header if "盖章" in c.quote)


def test_expert_judgement_lists_the_march_6_submission_of_the_recommendation_form() -> None:
    result = check(R, example(R, "compliant"), as_of=dt.date(2023, 3, 3), stage="application", judge="expert")
    assert any("3月6日" in m["what"] and "推荐表" in m["what"] for m in result["manual_checks"])


def test_record_without_level_is_never_declared_overdue() -> None:
    facts = example(R, "compliant")
    for field in ("level", "national_materials_submitted_on", "activity_plan_submitted_on",
                  "half_year_results_reported_on", "results_reported_on"):
        del facts["locality"][field]
    result = check(R, facts, judge="locality")
    assert result["verdict"] == "incomplete"
    assert {p for r in result["results"] for p in r["missing"]} == {"locality.level"}
    assert not [r for r in result["results"] if r["outcome"] == "fail"]


@pytest.mark.parametrize(("deletions", "expected"), [((), "pass"), (("base.host_unit",), "missing")])
def test_the_base_form_names_its_host_unit(deletions: tuple, expected: str) -> None:
    # 附件2 一栏“依托单位名称”
    facts = example(R)
    for path in deletions:
        delete_path(facts, path)
    result = check(R, facts, dt.date(2023, 3, 3), judge="base")
    entry = next(r for r in result["results"] if r["rule"] == f"{R}/base-application-form")
    assert entry["outcome"] == expected
    assert (entry["missing"] == ["base.host_unit"]) == (expected == "missing")
