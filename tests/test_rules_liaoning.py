"""Every liaoning-2026 rule on both sides of its boundary (管理办法 and 2026 通知)."""

from __future__ import annotations

import pytest
from support import check, check_changed, example, outcome

R = "liaoning-2026"


def run(changes: dict, base: str = "compliant", deletions: tuple[str, ...] = (), rule: str | None = None) -> dict:
    return check_changed(R, changes, deletions, base, rule=rule)


CASES = [
    # rule, subject, changes, expected
    ("expert-title", "E1", {"experts[0].title": "associate_senior"}, "pass"),
    ("expert-title", "E1", {"experts[0].title": "intermediate", "experts[0].equivalent_level": True}, "pass"),
    ("expert-title", "E1", {"experts[0].title": "intermediate", "experts[0].equivalent_level": False}, "fail"),
    ("expert-title", "E1", {"experts[0].title": "none", "experts[0].equivalent_level": False}, "fail"),
    ("expert-willing", "E1", {"experts[0].willing": True}, "pass"),
    ("expert-willing", "E1", {"experts[0].willing": False}, "fail"),
    ("expert-adaptable", "E1", {"experts[0].adaptable": True}, "pass"),
    ("expert-adaptable", "E1", {"experts[0].adaptable": False}, "fail"),
    ("project-level", None, {"project.level": "provincial"}, "pass"),
    ("project-level", None, {"project.level": "national"}, "fail"),
    ("project-direction", None, {"project.direction": "other"}, "pass"),
    ("application-form", None, {"project.host_unit": "沈阳农业大学"}, "pass"),
    ("project-service-forms", None, {"project.service_forms": ["free_clinic"]}, "pass"),
    ("project-service-forms", None, {"project.service_forms": []}, "fail"),
    ("priority-key-counties", None, {"project.locations": [{"province": "辽宁", "provincial_key_county": True}]}, "pass"),
    ("priority-key-counties", None, {"project.locations": [{"province": "辽宁", "provincial_key_county": False}]}, "fail"),
    ("plan-draft-sections", None, {}, "pass"),
    ("plan-draft-sections", None, {"project.plan_sections": ["goals", "content", "experts", "time_place", "schedule",
                                                             "budget", "safeguards"]}, "fail"),
    ("plan-draft-sections", None, {"project.plan_sections": []}, "fail"),
    ("application-deadline", None, {"project.submitted_on": "2026-06-19"}, "pass"),
    ("application-deadline", None, {"project.submitted_on": "2026-06-20"}, "fail"),
    ("funding-support", None, {"project.budget.requested_support_wan": 3}, "pass"),
    ("funding-support", None, {"project.budget.requested_support_wan": 3.01}, "fail"),
    ("onsite-days", None, {"project.onsite_days": 2}, "pass"),
    ("onsite-days", None, {"project.onsite_days": 3}, "pass"),
    ("onsite-days", None, {"project.onsite_days": 1.5}, "fail"),
    ("onsite-days", None, {"project.onsite_days": 4}, "fail"),
    ("planned-completion", None, {"project.end_date": "2026-11-30"}, "pass"),
    ("planned-completion", None, {"project.end_date": "2026-12-01"}, "fail"),
    ("actual-completion", None, {}, "not_applicable"),
    ("actual-completion", None, {"project.completed_on": "2026-11-30"}, "pass"),
    ("actual-completion", None, {"project.completed_on": "2026-12-01"}, "fail"),
    ("plan-filing", None, {}, "not_applicable"),
    ("plan-filing", None, {"project.plan_filed_on": "2026-07-10"}, "pass"),  # start 2026-07-20: exactly 10 days
    ("plan-filing", None, {"project.plan_filed_on": "2026-07-11"}, "fail"),
    ("plan-filing", None, {"project.completed_on": "2026-10-31"}, "missing"),
    ("summary-report", None, {}, "not_applicable"),
    ("summary-report", None, {"project.completed_on": "2026-10-31", "project.report_submitted_on": "2026-11-30"}, "pass"),
    ("summary-report", None, {"project.completed_on": "2026-10-31", "project.report_submitted_on": "2026-12-01"}, "fail"),
    ("summary-report", None, {"project.completed_on": "2026-01-31", "project.report_submitted_on": "2026-02-28"}, "pass"),
    ("summary-report", None, {"project.completed_on": "2026-01-31", "project.report_submitted_on": "2026-03-01"}, "fail"),
    ("summary-report", None, {"project.completed_on": "2026-10-31"}, "missing"),
    ("fund-report", None, {}, "not_applicable"),
    ("fund-report", None, {"project.completed_on": "2026-11-15", "project.fund_report_on": "2026-12-15"}, "pass"),
    ("fund-report", None, {"project.completed_on": "2026-11-15", "project.fund_report_on": "2026-12-16"}, "fail"),
    ("surplus-return", None, {}, "not_applicable"),
    ("surplus-return", None, {"project.surplus_wan": 0}, "pass"),
    ("surplus-return", None, {"project.surplus_wan": 0.5, "project.surplus_returned_on": "2026-11-30"}, "pass"),
    ("surplus-return", None, {"project.surplus_wan": 0.5, "project.surplus_returned_on": "2026-12-01"}, "fail"),
    ("surplus-return", None, {"project.surplus_wan": 0.5}, "missing"),
    ("prohibited-expenses", None, {}, "not_applicable"),
    ("prohibited-expenses", None, {"project.expenses": []}, "pass"),
    ("prohibited-expenses", None, {"project.expenses": [{"category": "transport", "amount_yuan": 800}]}, "pass"),
    ("prohibited-expenses", None, {"project.expenses": [{"category": "transport", "amount_yuan": 800},
                                                       {"category": "gifts", "amount_yuan": 200}]}, "fail"),
    ("prohibited-expenses", None, {"project.expenses": [{"amount_yuan": 200}]}, "missing"),
    ("allowed-expenses", None, {"project.expenses": [{"category": "expert_fees", "amount_yuan": 9000}]}, "pass"),
    ("allowed-expenses", None, {"project.expenses": [{"category": "insurance", "amount_yuan": 300}]}, "fail"),
    ("no-unapproved-change", None, {"project.plan_changed_without_approval": False}, "pass"),
    ("no-unapproved-change", None, {"project.plan_changed_without_approval": True}, "fail"),
    ("no-third-party", None, {"project.transferred_to_third_party": False}, "pass"),
    ("no-third-party", None, {"project.transferred_to_third_party": True}, "fail"),
    ("emergency-plan", None, {"project.emergency_plan": True}, "pass"),
    ("emergency-plan", None, {"project.emergency_plan": False}, "fail"),
    ("foreign-experts-approval", None, {"project.foreign_experts": False}, "not_applicable"),
    ("foreign-experts-approval", None, {"project.foreign_experts": True, "project.foreign_affairs_approved": True}, "pass"),
    ("foreign-experts-approval", None, {"project.foreign_experts": True, "project.foreign_affairs_approved": False}, "fail"),
    ("venue-restrictions", None, {}, "not_applicable"),
    ("venue-restrictions", None, {"project.venues": [{"name": "县会议中心", "scenic_area": False,
                                                      "above_standard_hotel": False}]}, "pass"),
    ("venue-restrictions", None, {"project.venues": [{"name": "景区酒店", "scenic_area": True,
                                                      "above_standard_hotel": False}]}, "fail"),
    ("venue-restrictions", None, {"project.venues": [{"name": "五星酒店", "scenic_area": False,
                                                      "above_standard_hotel": True}]}, "fail"),
    ("prior-year-completion", None, {"project.host_incomplete_last_year": False}, "pass"),
    ("prior-year-completion", None, {"project.host_incomplete_last_year": True}, "fail"),
    ("continuing-education-hours", "E1", {"experts[0].service_days_in_year": 0.5}, "pass"),
    ("continuing-education-hours", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
    ("title-evaluation-credit", "E1", {"experts[0].service_days_in_year": 1}, "pass"),
    ("title-evaluation-credit", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
]


@pytest.mark.parametrize("rule,subject,changes,expected", CASES, ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_rule_boundary(rule: str, subject: str | None, changes: dict, expected: str) -> None:
    assert outcome(run(changes, rule=rule), rule, subject) == expected


@pytest.mark.parametrize("unit,expected", [
    ({"name": "某市人民医院", "type": "public_institution", "level": "city"}, "pass"),  # 市级以下 includes city
    ({"name": "某县中学", "type": "public_institution", "level": "county"}, "pass"),
    ({"name": "省农业科学院", "type": "public_institution", "level": "provincial"}, "fail"),
    ({"name": "某区工信局", "type": "government_agency", "level": "county"}, "fail"),
    ({"name": "某民营企业", "type": "enterprise", "level": "provincial"}, "pass"),  # 各类所有制企业, any level
    ({"name": "某村委会", "type": "village"}, "pass"),
    ({"name": "某事业单位", "type": "public_institution"}, "missing"),
])
def test_served_unit_is_grassroots(unit: dict, expected: str) -> None:
    result = run({"project.served_units": [unit]})
    assert outcome(result, "served-unit-grassroots", unit["name"]) == expected


def test_served_units_absent_is_missing_and_named() -> None:
    result = run({}, deletions=("project.served_units",))
    entry = [r for r in result["results"] if r["rule"].endswith("served-unit-grassroots")]
    assert [e["outcome"] for e in entry] == ["missing"]
    assert entry[0]["missing"] == ["project.served_units"]
    assert result["verdict"] == "incomplete"


def test_direction_not_given_is_missing() -> None:
    result = run({}, deletions=("project.direction",))
    assert outcome(result, "project-direction") == "missing"
    assert result["verdict"] == "incomplete"


def test_application_form_names_each_missing_fact() -> None:
    result = run({}, deletions=("project.host_unit", "project.budget.total_wan"))
    entry = [r for r in result["results"] if r["rule"].endswith("application-form")][0]
    assert entry["outcome"] == "missing"
    assert entry["missing"] == ["project.host_unit", "project.budget.total_wan"]


def test_examples_behave_as_named() -> None:
    assert check(R, example(R, "compliant"))["verdict"] == "eligible"
    flawed = check(R, example(R, "flawed"))
    assert flawed["verdict"] == "ineligible"
    failed = {r["rule"].split("/")[1] for r in flawed["results"] if r["outcome"] == "fail" and r["severity"] == "error"}
    assert {"application-deadline", "served-unit-grassroots", "plan-draft-sections", "planned-completion",
            "plan-filing", "summary-report", "prohibited-expenses", "venue-restrictions", "emergency-plan",
            "foreign-experts-approval", "no-unapproved-change", "prior-year-completion", "expert-title",
            "expert-willing"} <= failed


def test_entitlements_never_change_the_verdict() -> None:
    facts = example(R)
    for expert in facts["experts"]:
        expert["service_days_in_year"] = 0
    result = check(R, facts)
    assert outcome(result, "continuing-education-hours", "E1") == "fail"
    assert result["verdict"] == "eligible"


def test_warnings_never_change_the_verdict() -> None:
    result = run({"project.onsite_days": 6, "project.budget.requested_support_wan": 5})
    assert outcome(result, "onsite-days") == "fail" and outcome(result, "funding-support") == "fail"
    assert result["verdict"] == "eligible"


def test_place_names_with_or_without_suffix_are_the_same() -> None:
    with_suffix = run({"project.locations": [{"province": "辽宁省", "provincial_key_county": True}]})
    without = run({"project.locations": [{"province": "辽宁", "provincial_key_county": True}]})
    assert with_suffix["results"] == without["results"]
