"""Every zhejiang-2023 rule on both sides of its boundary (关于做好2023年专家服务工作的通知)."""

from __future__ import annotations

import pytest
from support import check, check_changed, example, outcome, registry

R = "zhejiang-2023"
COUNTY = "景宁畲族自治县"  # the compliant example is a county-level locality record
CITY = "丽水市"  # the same record with `county` deleted is the city's record


def run(changes: dict, base: str = "compliant", deletions: tuple[str, ...] = (), rule: str | None = None) -> dict:
    return check_changed(R, changes, deletions, base, rule=rule)


NO_COUNTY = ("locality.county",)

CASES = [
    # rule, subject, changes, deletions, expected
    # 一（一）国家级示范团
    ("project-level", None, {"project.level": "national"}, (), "pass"),
    ("project-level", None, {"project.level": "provincial"}, (), "fail"),
    ("project-level", None, {"project.level": "municipal"}, (), "fail"),
    ("project-level", None, {}, ("project.level",), "missing"),
    ("project-application-form", None, {}, (), "pass"),
    ("project-application-form", None, {}, ("project.content_text",), "fail"),
    ("project-application-form", None, {}, ("project.locations",), "fail"),
    ("project-application-form", None, {"project.budget.sources": []}, (), "fail"),
    ("project-application-form", None, {"project.budget.sources": ["social"]}, (), "pass"),
    ("project-service-forms", None, {"project.service_forms": ["free_clinic"]}, (), "pass"),
    ("project-service-forms", None, {"project.service_forms": []}, (), "fail"),
    ("project-direction", None, {"project.direction": "medical_health"}, (), "pass"),
    ("project-direction", None, {"project.direction": "other"}, (), "fail"),
    ("priority-key-counties", None, {"project.locations": [{"province": "浙江", "mountainous_county": True}]}, (), "pass"),
    ("priority-key-counties", None, {"project.locations": [{"province": "贵州", "national_key_county": True}]}, (), "pass"),
    ("priority-key-counties", None, {"project.locations": [
        {"province": "浙江", "national_key_county": False, "mountainous_county": False},
        {"province": "浙江", "national_key_county": False, "mountainous_county": True}]}, (), "pass"),
    ("priority-key-counties", None, {"project.locations": [
        {"province": "四川", "national_key_county": True, "mountainous_county": False}]}, (), "pass"),
    ("priority-key-counties", None, {"project.locations": [{"province": "浙江", "national_key_county": False,
                                                            "mountainous_county": False}]}, (), "fail"),
    ("project-deadline", None, {"project.submitted_on": "2023-03-06"}, (), "pass"),
    ("project-deadline", None, {"project.submitted_on": "2023-03-07"}, (), "fail"),
    ("project-deadline", None, {}, ("project.submitted_on",), "missing"),
    # 一（二）国家级专家服务基地
    ("base-prior-activity", None, {"base.annual_participants": 1}, (), "pass"),
    ("base-prior-activity", None, {"base.annual_participants": 0}, (), "fail"),
    ("base-host-type", None, {"base.host_type": "other"}, (), "pass"),
    ("base-host-type", None, {"base.host_type": "high_tech_enterprise"}, (), "pass"),
    ("base-host-type", None, {}, ("base.host_type",), "fail"),
    ("base-application-form", None, {}, (), "pass"),
    ("base-application-form", None, {}, ("base.external_experts",), "fail"),
    ("base-deadline", None, {"base.submitted_on": "2023-03-06"}, (), "pass"),
    ("base-deadline", None, {"base.submitted_on": "2023-03-07"}, (), "fail"),
    # 一（三）专家（一般应：warning）
    ("expert-title", "E1", {"experts[0].title": "associate_senior"}, (), "pass"),
    ("expert-title", "E1", {"experts[0].title": "intermediate", "experts[0].equivalent_level": True}, (), "fail"),
    ("expert-title", "E1", {"experts[0].title": "none"}, (), "fail"),
    ("expert-willing", "E1", {"experts[0].willing": True}, (), "pass"),
    ("expert-willing", "E1", {"experts[0].willing": False}, (), "fail"),
    ("expert-healthy", "E1", {"experts[0].healthy": True}, (), "pass"),
    ("expert-healthy", "E1", {"experts[0].healthy": False}, (), "fail"),
    ("expert-adaptable", "E1", {"experts[0].adaptable": True}, (), "pass"),
    ("expert-adaptable", "E1", {"experts[0].adaptable": False}, (), "fail"),
    # 一（三）各市推荐不少于3名（市级记录）
    ("locality-expert-recommendations", COUNTY, {"locality.experts_recommended": 0}, (), "not_applicable"),
    ("locality-expert-recommendations", CITY, {"locality.experts_recommended": 3}, NO_COUNTY, "pass"),
    ("locality-expert-recommendations", CITY, {"locality.experts_recommended": 2}, NO_COUNTY, "fail"),
    ("locality-expert-recommendations", CITY, {}, NO_COUNTY, "missing"),
    # 二（一）各县至少4场；沿海县至少联办1场
    ("locality-activities", COUNTY, {"locality.activities": 4}, (), "pass"),
    ("locality-activities", COUNTY, {"locality.activities": 3}, (), "fail"),
    ("locality-activities", CITY, {"locality.activities": 0}, NO_COUNTY, "not_applicable"),
    ("locality-joint-activities", COUNTY, {"locality.coastal": False}, (), "not_applicable"),
    ("locality-joint-activities", COUNTY, {"locality.coastal": True, "locality.joint_activities_with_partner": 1}, (),
     "pass"),
    ("locality-joint-activities", COUNTY, {"locality.coastal": True, "locality.joint_activities_with_partner": 0}, (),
     "fail"),
    ("locality-joint-activities", COUNTY, {}, ("locality.coastal",), "missing"),
    ("locality-joint-activities", CITY, {"locality.coastal": True}, NO_COUNTY, "not_applicable"),
    # 二（二）示范团
    ("locality-demo-teams", COUNTY, {"locality.demo_teams": 1}, (), "pass"),
    ("locality-demo-teams", COUNTY, {"locality.demo_teams": 0}, (), "fail"),
    ("locality-demo-teams", CITY, {"locality.demo_teams": 0}, NO_COUNTY, "fail"),
    ("locality-demo-team-activities", COUNTY, {"locality.demo_team_activities": 1}, (), "pass"),
    ("locality-demo-team-activities", COUNTY, {"locality.demo_team_activities": 0}, (), "fail"),
    # 三（一）3月6日、三（二）3月13日
    ("locality-national-materials-deadline", COUNTY, {"locality.national_materials_submitted_on": "2023-03-06"}, (),
     "pass"),
    ("locality-national-materials-deadline", COUNTY, {"locality.national_materials_submitted_on": "2023-03-07"}, (),
     "fail"),
    ("locality-national-materials-deadline", COUNTY, {}, ("locality.national_materials_submitted_on",),
     "not_applicable"),
    ("locality-national-materials-deadline", CITY, {"locality.national_materials_submitted_on": "2023-03-07"},
     NO_COUNTY, "fail"),
    ("locality-national-materials-deadline", CITY, {}, NO_COUNTY + ("locality.national_materials_submitted_on",),
     "missing"),
    ("locality-activity-plan-deadline", COUNTY, {"locality.activity_plan_submitted_on": "2023-03-13"}, (), "pass"),
    ("locality-activity-plan-deadline", COUNTY, {"locality.activity_plan_submitted_on": "2023-03-14"}, (), "fail"),
    ("locality-activity-plan-deadline", COUNTY, {}, ("locality.activity_plan_submitted_on",), "not_applicable"),
    ("locality-activity-plan-deadline", CITY, {"locality.activity_plan_submitted_on": "2023-03-13"}, NO_COUNTY, "pass"),
    ("locality-activity-plan-deadline", CITY, {}, NO_COUNTY + ("locality.activity_plan_submitted_on",), "missing"),
    # 附件5 年度成果汇总表 12月10日前
    ("locality-results-report", COUNTY, {"locality.results_reported_on": "2023-12-10"}, (), "pass"),
    ("locality-results-report", COUNTY, {"locality.results_reported_on": "2023-12-11"}, (), "fail"),
    ("locality-results-report", COUNTY, {}, ("locality.results_reported_on",), "missing"),
]


@pytest.mark.parametrize(("rule", "subject", "changes", "deletions", "expected"), CASES,
                         ids=[f"{c[0]}-{c[4]}-{i}" for i, c in enumerate(CASES)])
def test_rule(rule: str, subject: str | None, changes: dict, deletions: tuple[str, ...], expected: str) -> None:
    assert outcome(run(changes, deletions=deletions, rule=rule), rule, subject) == expected


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    rules = {r.local_id for r in registry().get(R).rules}
    assert {c[0] for c in CASES if c[4] == "pass"} == rules
    assert {c[0] for c in CASES if c[4] == "fail"} == rules


def test_compliant_is_eligible_without_warnings() -> None:
    result = run({})
    assert result["verdict"] == "eligible"
    assert not [r["rule"] for r in result["results"] if r["outcome"] in ("fail", "missing")]


def test_flawed_is_ineligible_for_several_reasons() -> None:
    result = check(R, example(R, "flawed"))
    assert result["verdict"] == "ineligible"
    failed = {r["rule"].split("/", 1)[1] for r in result["results"] if r["outcome"] == "fail" and r["severity"] == "error"}
    assert {"project-deadline", "base-deadline", "locality-activities", "locality-joint-activities",
            "locality-demo-team-activities", "locality-national-materials-deadline",
            "locality-activity-plan-deadline", "locality-results-report"} <= failed


def test_warnings_do_not_change_the_verdict() -> None:
    result = run({"experts[0].title": "intermediate", "experts[1].healthy": False, "experts[2].willing": False,
                  "experts[2].adaptable": False})
    assert outcome(result, "expert-title", "E1") == "fail"
    assert outcome(result, "expert-healthy", "E2") == "fail"
    assert result["verdict"] == "eligible"


def test_missing_error_fact_makes_verdict_incomplete() -> None:
    result = run({}, deletions=("project.submitted_on",))
    assert result["verdict"] == "incomplete"
    missing = {p for r in result["results"] for p in r["missing"]}
    assert "project.submitted_on" in missing


def test_messages_show_actual_values() -> None:
    result = run({"locality.activities": 3})
    msg = next(r["message"] for r in result["results"] if r["rule"].endswith("/locality-activities"))
    assert "4场" in msg and "3场" in msg and COUNTY in msg


@pytest.mark.parametrize("rule", ["project-deadline", "base-deadline", "locality-national-materials-deadline"])
def test_march_6_deadline_shared_by_three_subjects(rule: str) -> None:
    found = next(r for r in registry().get(R).rules if r.local_id == rule)
    assert str(found.params["deadline"]) == "2023-03-06"
