"""Every liaoning-2026 rule on both sides of its boundary (管理办法 2026-04-27 and 2026 通知 2026-05-15).

Rule cases are judged at `closing` (every stage) as of 2026-06-01, on examples/liaoning-2026/compliant.yaml: an
application sent on 2026-06-12 whose filing, completion, reports and surplus are still to come (pending).
"""

from __future__ import annotations

import datetime as dt

import pytest
from support import check, check_changed, delete_path, example, outcome, results_for, set_path

R = "liaoning-2026"

# The facts of a project that was carried out and closed on time (start 2026-07-20, done 2026-10-31).
CLOSED = {
    "project.plan_filed_on": "2026-07-08",
    "project.completed_on": "2026-10-31",
    "project.report_submitted_on": "2026-11-20",
    "project.fund_report_on": "2026-11-25",
    "project.expert_units_informed": True,
    "project.surplus_wan": 0.4,
    "project.surplus_returned_on": "2026-11-26",
    "project.expenses": [{"category": "expert_fees", "amount_yuan": 18000},
                         {"category": "transport", "amount_yuan": 2400}],
    "project.venues": [{"name": "西丰县会议中心", "scenic_area": False, "above_standard_hotel": False}],
}


def run(changes: dict, base: str = "compliant", deletions: tuple[str, ...] = (), rule: str | None = None,
        stage: str | None = None) -> dict:
    return check_changed(R, changes, deletions, base, rule=rule, stage=stage)


def run_at(as_of: str, changes: dict | None = None, deletions: tuple[str, ...] = (), stage: str = "closing",
           judge: str = "application") -> dict:
    facts = example(R)
    for path in deletions:
        delete_path(facts, path)
    for path, value in (changes or {}).items():
        set_path(facts, path, value)
    return check(R, facts, dt.date.fromisoformat(as_of), stage=stage, judge=judge)


def obligation(result: dict, rule: str) -> dict:
    found = [o for o in result["obligations"] if o["rule"] == f"{R}/{rule}"]
    assert len(found) == 1, result["obligations"]
    return found[0]


CASES = [
    # rule, subject, changes, expected
    # ---- 专家（第七条）
    ("expert-title", "E1", {"experts[0].title": "associate_senior"}, "pass"),
    ("expert-title", "E1", {"experts[0].title": "intermediate", "experts[0].equivalent_level": True}, "pass"),
    ("expert-title", "E1", {"experts[0].title": "intermediate", "experts[0].equivalent_level": False}, "fail"),
    ("expert-title", "E1", {"experts[0].title": "none", "experts[0].equivalent_level": False}, "fail"),
    ("expert-title", "E1", {"experts[0].title": "intermediate"}, "missing"),
    ("expert-willing", "E1", {"experts[0].willing": True}, "pass"),
    ("expert-willing", "E1", {"experts[0].willing": False}, "fail"),
    ("expert-adaptable", "E1", {"experts[0].adaptable": True}, "pass"),
    ("expert-adaptable", "E1", {"experts[0].adaptable": False}, "fail"),
    # ---- 项目与申报
    ("project-level", None, {"project.level": "provincial"}, "pass"),
    ("project-level", None, {"project.level": "national"}, "fail"),
    ("project-level", None, {"project.level": "municipal"}, "fail"),
    ("project-direction", None, {"project.direction": "other"}, "pass"),
    ("project-service-forms", None, {"project.service_forms": ["free_clinic"]}, "pass"),
    ("project-service-forms", None, {"project.service_forms": []}, "fail"),
    ("priority-key-counties", None, {"project.locations": [{"province": "辽宁", "provincial_key_county": True}]}, "pass"),
    ("priority-key-counties", None, {"project.locations": [{"province": "辽宁", "provincial_key_county": False}]}, "fail"),
    ("base-reliance-supported", None, {"project.relies_on_base": True, "project.base_level": "provincial"}, "pass"),
    ("base-reliance-supported", None, {"project.relies_on_base": False}, "fail"),
    ("application-form", None, {"project.host_unit": "沈阳农业大学"}, "pass"),
    ("application-form", None, {"project.relies_on_base": True, "project.base_level": "ministerial",
                                "project.base_name": "辽宁省农业专家服务基地"}, "pass"),
    ("application-form", None, {"project.relies_on_base": True, "project.base_level": "ministerial"}, "missing"),
    ("application-channel", None, {}, "pass"),
    ("service-in-province", None, {}, "pass"),  # 辽宁省 = 辽宁
    ("service-in-province", None, {"project.locations": [{"province": "辽宁", "provincial_key_county": False}]}, "pass"),
    ("service-in-province", None, {"project.locations": [{"province": "吉林省", "provincial_key_county": False}]},
     "fail"),  # info only: the verdict does not change (test_warnings_and_info_never_change_the_verdict)
    ("service-in-province", None, {"project.locations": [{"county": "西丰县"}]}, "missing"),
    ("application-form", None, {"project.served_units": []}, "fail"),
    ("application-form", None, {"experts": []}, "fail"),  # 参与服务专家人数 0：未组建专家团队
    ("application-form", None, {"project.locations": []}, "fail"),  # 活动地点一处也没有
    ("application-form", None, {"project.budget.sources": []}, "fail"),  # 经费来源一项也没有
    ("application-form", None, {"project.locations": [{}]}, "missing"),  # 一处活动地点，省份未填
    ("application-form", None, {"project.locations": [{"county": "西丰县"}]}, "missing"),
    ("application-form", None, {"project.name": "  "}, "missing"),  # 空白名称按未填
    ("plan-draft-sections", None, {}, "pass"),
    ("plan-draft-sections", None, {"project.plan_sections": ["goals", "content", "experts", "time_place", "schedule",
                                                             "budget", "safeguards"]}, "fail"),
    ("plan-draft-sections", None, {"project.plan_sections": []}, "fail"),
    ("application-deadline", None, {"project.submitted_on": "2026-06-19"}, "pass"),
    ("application-deadline", None, {"project.submitted_on": "2026-06-20"}, "fail"),
    ("funding-support", None, {"project.budget.requested_support_wan": 3}, "pass"),
    ("funding-support", None, {"project.budget.requested_support_wan": 3.01}, "fail"),
    ("planned-completion", None, {"project.end_date": "2026-11-30"}, "pass"),
    ("planned-completion", None, {"project.end_date": "2026-12-01"}, "fail"),
    ("prior-year-completion", None, {"project.host_incomplete_last_year": False}, "pass"),
    ("prior-year-completion", None, {"project.host_incomplete_last_year": True}, "fail"),
    # ---- 推荐部门的一览表
    ("listing-deadline", None, {"listing.submitted_on": "2026-06-19"}, "pass"),
    ("listing-deadline", None, {"listing.submitted_on": "2026-06-20"}, "fail"),
    ("listing-recommendation", None, {"listing.recommendation_opinion": True}, "pass"),
    ("listing-recommendation", None, {"listing.recommendation_opinion": False}, "fail"),
    ("listing-entries-teams", None, {"listing.entries": [{"project_id": "A", "kind": "team"},
                                                        {"project_id": "B", "kind": "team"}]}, "pass"),
    ("listing-entries-teams", None, {"listing.entries": [{"project_id": "A", "kind": "team"},
                                                        {"project_id": "J", "kind": "base"}]}, "fail"),
    ("listing-entries-teams", None, {"listing.entries": []}, "fail"),
    ("listing-entries-teams", None, {"listing.entries": [{"project_id": "A"}]}, "missing"),
    # ---- 备案（第十四条）：开展 2026-07-20
    ("plan-filing", None, {"project.plan_filed_on": "2026-07-10"}, "pass"),  # exactly 10 days before
    ("plan-filing", None, {"project.plan_filed_on": "2026-07-11"}, "fail"),
    ("plan-filing", None, {}, "pending"),  # due 2026-07-10, as of 2026-06-01
    # ---- 实施
    ("onsite-days", None, {"project.onsite_days": 2}, "pass"),
    ("onsite-days", None, {"project.onsite_days": 3}, "pass"),
    ("onsite-days", None, {"project.onsite_days": 1.5}, "fail"),
    ("onsite-days", None, {"project.onsite_days": 4}, "fail"),
    ("no-unapproved-change", None, {"project.plan_changed_without_approval": False}, "pass"),
    ("no-unapproved-change", None, {"project.plan_changed_without_approval": True}, "fail"),
    ("no-third-party", None, {"project.transferred_to_third_party": False}, "pass"),
    ("no-third-party", None, {"project.transferred_to_third_party": True,
                              "project.third_party_transfer_approved": True}, "pass"),
    ("no-third-party", None, {"project.transferred_to_third_party": True,
                              "project.third_party_transfer_approved": False}, "fail"),
    ("no-third-party", None, {"project.transferred_to_third_party": True}, "missing"),
    ("emergency-plan", None, {"project.emergency_plan": True}, "pass"),
    ("emergency-plan", None, {"project.emergency_plan": False}, "fail"),
    ("foreign-experts-approval", None, {"project.foreign_experts": False}, "not_applicable"),
    ("foreign-experts-approval", None, {"project.foreign_experts": True, "project.foreign_affairs_approved": True}, "pass"),
    ("foreign-experts-approval", None, {"project.foreign_experts": True, "project.foreign_affairs_approved": False}, "fail"),
    ("foreign-experts-approval", None, {"project.foreign_experts": True}, "missing"),
    # 专家名单中的境外专家：项目一栏填“否”也适用（第二十三条）
    ("foreign-experts-approval", None, {"experts[1].foreign": True}, "missing"),
    ("foreign-experts-approval", None, {"experts[1].foreign": True, "project.foreign_affairs_approved": False}, "fail"),
    ("foreign-experts-approval", None, {"experts[1].foreign": True, "project.foreign_affairs_approved": True}, "pass"),
    ("foreign-experts-approval", None, {"experts[1].foreign": False, "experts[2].foreign": False}, "not_applicable"),
    ("foreign-experts-approval", None, {"experts": []}, "not_applicable"),
    ("venue-restrictions", None, {}, "pass"),  # the example lists its venues (none in a scenic area)
    ("venue-restrictions", None, {"project.venues": []}, "pass"),  # none so far
    ("venue-restrictions", None, {"project.venues": [{"name": "县会议中心", "scenic_area": False,
                                                      "above_standard_hotel": False}]}, "pass"),
    ("venue-restrictions", None, {"project.venues": [{"name": "景区酒店", "scenic_area": True,
                                                      "above_standard_hotel": False}]}, "fail"),
    ("venue-restrictions", None, {"project.venues": [{"name": "五星酒店", "scenic_area": False,
                                                      "above_standard_hotel": True}]}, "fail"),
    ("venue-restrictions", None, {"project.completed_on": "2026-10-31"}, "pass"),
    ("prohibited-expenses", None, {}, "pass"),
    ("prohibited-expenses", None, {"project.expenses": []}, "pass"),
    ("prohibited-expenses", None, {"project.expenses": [{"category": "transport", "amount_yuan": 800}]}, "pass"),
    ("prohibited-expenses", None, {"project.expenses": [{"category": "transport", "amount_yuan": 800},
                                                       {"category": "gifts", "amount_yuan": 200}]}, "fail"),
    ("prohibited-expenses", None, {"project.expenses": [{"category": "fixed_assets", "amount_yuan": 5000}]}, "fail"),
    ("prohibited-expenses", None, {"project.expenses": [{"amount_yuan": 200}]}, "missing"),
    ("prohibited-expenses", None, {"project.completed_on": "2026-10-31"}, "pass"),
    ("allowed-expenses", None, {}, "pass"),  # the example's transport and materials are in the list
    ("allowed-expenses", None, {"project.expenses": [{"category": "expert_fees", "amount_yuan": 9000}]}, "pass"),
    ("allowed-expenses", None, {"project.expenses": [{"category": "insurance", "amount_yuan": 300}]}, "fail"),
    # ---- 结项
    ("actual-completion", None, {"project.completed_on": "2026-11-30"}, "pass"),
    ("actual-completion", None, {"project.completed_on": "2026-12-01"}, "fail"),
    ("actual-completion", None, {}, "pending"),  # due 2026-11-30, as of 2026-06-01
    ("summary-report", None, {"project.completed_on": "2026-10-31", "project.report_submitted_on": "2026-11-30"}, "pass"),
    ("summary-report", None, {"project.completed_on": "2026-10-31", "project.report_submitted_on": "2026-12-01"}, "fail"),
    ("summary-report", None, {"project.completed_on": "2026-01-31", "project.report_submitted_on": "2026-02-28"}, "pass"),
    ("summary-report", None, {"project.completed_on": "2026-01-31", "project.report_submitted_on": "2026-03-01"}, "fail"),
    ("summary-report", None, {"project.completed_on": "2026-10-31"}, "pending"),
    ("summary-report", None, {"project.report_submitted_on": "2026-11-20"}, "missing"),  # done, but when completed?
    ("expert-unit-feedback", None, {}, "not_applicable"),
    ("expert-unit-feedback", None, {"project.completed_on": "2026-10-31", "project.expert_units_informed": True}, "pass"),
    ("expert-unit-feedback", None, {"project.completed_on": "2026-10-31", "project.expert_units_informed": False}, "fail"),
    ("expert-unit-feedback", None, {"project.completed_on": "2026-10-31"}, "missing"),
    ("fund-report", None, {"project.completed_on": "2026-11-15", "project.fund_report_on": "2026-12-15"}, "pass"),
    ("fund-report", None, {"project.completed_on": "2026-11-15", "project.fund_report_on": "2026-12-16"}, "fail"),
    ("fund-report", None, {"project.completed_on": "2026-11-15"}, "pending"),
    ("surplus-return", None, {"project.surplus_wan": 0}, "not_applicable"),
    ("surplus-return", None, {"project.surplus_wan": 0.5, "project.surplus_returned_on": "2026-11-30"}, "pass"),
    ("surplus-return", None, {"project.surplus_wan": 0.5, "project.surplus_returned_on": "2026-12-01"}, "fail"),
    ("surplus-return", None, {"project.surplus_wan": 0.5}, "pending"),
    ("surplus-return", None, {}, "pending"),  # surplus not yet known: a duty until 11-30
    # a return date with no amount: a surplus was returned, on time or not (it was `missing` before)
    ("surplus-return", None, {"project.surplus_returned_on": "2026-11-20"}, "pass"),
    ("surplus-return", None, {"project.surplus_returned_on": "2026-12-01"}, "fail"),
    # ---- 专家权益（第二十六条）
    ("continuing-education-hours", "E1", {"experts[0].service_days_in_year": 0.5}, "pass"),
    ("continuing-education-hours", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
    ("title-evaluation-credit", "E1", {"experts[0].service_days_in_year": 1}, "pass"),
    ("title-evaluation-credit", "E1", {"experts[0].service_days_in_year": 0}, "fail"),
    ("title-tilt-notable-performance", "E1", {"experts[0].notable_achievement": True}, "pass"),
    ("title-tilt-notable-performance", "E1", {"experts[0].notable_achievement": False}, "fail"),
    ("title-tilt-notable-performance", "E2", {}, "missing"),
]


@pytest.mark.parametrize("rule,subject,changes,expected", CASES, ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_rule_boundary(rule: str, subject: str | None, changes: dict, expected: str) -> None:
    assert outcome(run(changes, rule=rule), rule, subject) == expected


@pytest.mark.parametrize("rule,field", [("venue-restrictions", "project.venues"),
                                        ("prohibited-expenses", "project.expenses")])
@pytest.mark.parametrize("stage", ["implementation", "closing"])
def test_unlisted_venues_and_expenses_are_missing_not_inapplicable(rule: str, field: str, stage: str) -> None:
    # 第二十四条 / 第二十九条: what is not listed cannot be judged, in the middle of the project as at its end
    result = run({}, deletions=(field,), rule=rule, stage=stage)
    assert outcome(result, rule, None) == "missing"
    assert result["verdict"] == "incomplete"
    assert outcome(run({field: []}, rule=rule, stage=stage), rule, None) == "pass"  # "none so far" is an answer


def test_the_expense_list_note_needs_expenses() -> None:
    assert outcome(run({}, deletions=("project.expenses",), rule="allowed-expenses"), "allowed-expenses", None) \
        == "not_applicable"


@pytest.mark.parametrize("unit,expected", [
    ({"name": "某市人民医院", "type": "public_institution", "level": "city"}, "pass"),  # 市级以下 includes city
    ({"name": "某县中学", "type": "public_institution", "level": "county"}, "pass"),
    ({"name": "省农业科学院", "type": "public_institution", "level": "provincial"}, "fail"),
    ({"name": "某街道办事处", "type": "government_agency", "level": "township"}, "pass"),  # 乡镇（街道）
    ({"name": "某镇人民政府", "type": "government_agency", "level": "township"}, "pass"),
    ({"name": "某区工信局", "type": "government_agency", "level": "county"}, "fail"),
    ({"name": "某市发改委", "type": "government_agency", "level": "city"}, "fail"),
    ({"name": "某民营企业", "type": "enterprise", "level": "provincial"}, "pass"),  # 各类所有制企业, any level
    ({"name": "某村委会", "type": "village"}, "pass"),
    ({"name": "某社区", "type": "community"}, "pass"),
    ({"name": "某协会", "type": "social_org", "level": "city"}, "pass"),
    ({"name": "某事业单位", "type": "public_institution"}, "missing"),
    ({"name": "某机关", "type": "government_agency"}, "missing"),
])
def test_served_unit_is_grassroots(unit: dict, expected: str) -> None:
    result = run({"project.served_units": [unit]}, rule="served-unit-grassroots")
    assert outcome(result, "served-unit-grassroots", unit["name"]) == expected


def test_served_units_absent_is_missing_and_named() -> None:
    result = run({}, deletions=("project.served_units",))
    entry = results_for(result, "served-unit-grassroots")
    assert [e["outcome"] for e in entry] == ["missing"]
    assert entry[0]["missing"] == ["project.served_units"]
    assert result["verdict"] == "incomplete"


def test_no_served_unit_listed_fails_the_form() -> None:
    result = run({"project.served_units": []})
    assert all(not r["rule"].endswith("/served-unit-grassroots") for r in result["results"])  # nothing to judge
    assert outcome(result, "application-form") == "fail"
    assert result["verdict"] == "ineligible"


@pytest.mark.parametrize("experts,outcome_,verdict", [(None, "missing", "incomplete"), ([], "fail", "ineligible")])
def test_application_without_experts_is_never_eligible(experts: list | None, outcome_: str, verdict: str) -> None:
    """三1“组建专家团队”、附件1“参与服务专家人数”：没有专家，第七条无从判定，不能判“符合条件”。"""
    for stage in ("application", "closing"):
        result = run({} if experts is None else {"experts": experts},
                     deletions=("experts",) if experts is None else (), stage=stage)
        entry = results_for(result, "application-form")[0]
        assert entry["outcome"] == outcome_
        assert entry["missing"] == (["experts"] if experts is None else [])
        assert "参与服务专家人数" in entry["message"]
        assert result["verdict"] == verdict, stage
        assert not [r for r in result["results"] if r["subject"] == "expert"]


def test_foreign_expert_in_the_list_overrides_the_project_flag() -> None:
    """第二十三条：项目一栏填“否”而名单中有境外专家，按名单判定（审批未填为缺少，而不是不适用）。"""
    result = run_at("2026-07-25", {"project.foreign_experts": False, "experts[0].foreign": True,
                                   "project.plan_filed_on": "2026-07-08"}, stage="implementation")
    entry = results_for(result, "foreign-experts-approval")[0]
    assert entry["outcome"] == "missing" and entry["missing"] == ["project.foreign_affairs_approved"]
    assert result["verdict"] == "incomplete"


def test_direction_not_given_is_missing() -> None:
    result = run({}, deletions=("project.direction",))
    assert outcome(result, "project-direction") == "missing"
    assert result["verdict"] == "incomplete"


def test_level_not_given_is_not_checked() -> None:
    # 申请表没有“项目层级”一栏
    result = run({}, deletions=("project.level",))
    assert outcome(result, "project-level") == "not_applicable"
    assert result["verdict"] == "eligible"


@pytest.mark.parametrize("changes,deletions,missing", [
    ({}, ("project.host_unit", "project.budget.total_wan"), ["project.host_unit", "project.budget.total_wan"]),
    ({}, ("project.budget.sources",), ["project.budget.sources"]),
    ({}, ("project.locations",), ["project.locations"]),
    ({"project.relies_on_base": True}, (), ["project.base_level", "project.base_name"]),
    ({}, ("project.relies_on_base",), ["project.relies_on_base", "project.base_level", "project.base_name"]),
    ({}, ("project.locations[0].provincial_key_county",), ["project.locations[0].provincial_key_county"]),
])
def test_application_form_names_each_missing_fact(changes: dict, deletions: tuple, missing: list) -> None:
    result = run(changes, deletions=deletions)
    entry = results_for(result, "application-form")[0]
    assert entry["outcome"] == "missing"
    assert entry["missing"] == missing
    assert result["verdict"] == "incomplete"


def test_listing_recommendation_absent_is_missing() -> None:
    facts = example(R)
    del facts["listing"]["recommendation_opinion"]
    result = check(R, facts, judge="listing")
    assert outcome(result, "listing-recommendation") == "missing"
    assert result["verdict"] == "incomplete"


def test_examples_behave_as_named() -> None:
    for stage in ("application", "closing"):
        assert check(R, example(R, "compliant"), stage=stage)["verdict"] == "eligible", stage
    assert check(R, example(R, "compliant"), judge="listing", stage="application")["verdict"] == "eligible"
    flawed = check(R, example(R, "flawed"))
    assert flawed["verdict"] == "ineligible"
    failed = {r["rule"].split("/")[1] for r in flawed["results"] if r["outcome"] == "fail" and r["severity"] == "error"}
    assert {"application-deadline", "served-unit-grassroots", "plan-draft-sections", "planned-completion",
            "plan-filing", "summary-report", "prohibited-expenses", "venue-restrictions", "emergency-plan",
            "foreign-experts-approval", "no-unapproved-change", "no-third-party", "actual-completion",
            "surplus-return", "expert-unit-feedback", "expert-title", "expert-willing"} <= failed
    listing = check(R, example(R, "flawed"), judge="listing", stage="application")
    assert listing["verdict"] == "ineligible"
    assert {r["rule"].split("/")[1] for r in listing["results"] if r["outcome"] == "fail"} == {
        "listing-deadline", "listing-recommendation", "listing-entries-teams"}


# ---------------------------------------------------------------- stages and dated duties
def test_application_before_deadline_is_eligible_with_dated_duties() -> None:
    result = run_at("2026-06-01", stage="application")
    assert result["verdict"] == "eligible"
    judged = {r["rule"].split("/")[1] for r in result["results"]}
    assert "plan-filing" not in judged and "summary-report" not in judged and "emergency-plan" not in judged
    later = {r["rule"].split("/")[1] for r in result["later_stages"]}
    assert {"plan-filing", "actual-completion", "summary-report", "fund-report", "surplus-return"} <= later
    due = {o["rule"].split("/")[1]: (o["due"], o["status"]) for o in result["obligations"]}
    assert due == {
        "application-deadline": ("2026-06-19", "done"),
        "plan-filing": ("2026-07-10", "pending"),       # start 2026-07-20 − 10 days
        "actual-completion": ("2026-11-30", "pending"),
        "summary-report": ("2026-11-30", "pending"),    # not completed: planned end 2026-10-31 + 1 month
        "fund-report": ("2026-11-30", "pending"),
        "surplus-return": ("2026-11-30", "pending"),
    }


def test_application_not_yet_sent_is_pending_until_the_deadline() -> None:
    for as_of, status, verdict in (("2026-06-19", "pending", "eligible"), ("2026-06-20", "overdue", "ineligible")):
        result = run_at(as_of, deletions=("project.submitted_on",), stage="application")
        assert obligation(result, "application-deadline")["status"] == status
        assert outcome(result, "application-deadline") == ("pending" if status == "pending" else "fail")
        assert result["verdict"] == verdict


def test_listing_not_yet_sent_is_pending_until_the_deadline() -> None:
    for as_of, expected in (("2026-06-19", "pending"), ("2026-06-20", "fail")):
        result = run_at(as_of, deletions=("listing.submitted_on",), stage="application", judge="listing")
        assert outcome(result, "listing-deadline") == expected
        assert obligation(result, "listing-deadline")["due"] == "2026-06-19"


def test_closed_project_judged_at_closing_checks_every_duty() -> None:
    result = run_at("2026-12-15", CLOSED)
    assert result["verdict"] == "eligible"
    for rule in ("plan-filing", "actual-completion", "summary-report", "fund-report", "surplus-return",
                 "expert-unit-feedback", "venue-restrictions", "prohibited-expenses", "emergency-plan",
                 "no-unapproved-change", "no-third-party"):
        assert outcome(result, rule) == "pass", rule
    assert {o["status"] for o in result["obligations"]} == {"done"}
    assert result["later_stages"] == []


@pytest.mark.parametrize("rule,changes,due", [
    ("plan-filing", {}, "2026-07-10"),
    ("actual-completion", {}, "2026-11-30"),
    ("summary-report", {"project.completed_on": "2026-10-15"}, "2026-11-15"),
    ("summary-report", {}, "2026-11-30"),  # not completed: planned end + 1 month
    ("fund-report", {"project.completed_on": "2026-10-15"}, "2026-11-15"),
    ("fund-report", {}, "2026-11-30"),
    ("surplus-return", {"project.surplus_wan": 0.3}, "2026-11-30"),
])
def test_dated_duty_is_pending_on_its_due_date_and_overdue_the_day_after(rule: str, changes: dict, due: str) -> None:
    on_due = run_at(due, changes)
    assert outcome(on_due, rule) == "pending"
    assert (obligation(on_due, rule)["due"], obligation(on_due, rule)["status"]) == (due, "pending")
    after = (dt.date.fromisoformat(due) + dt.timedelta(days=1)).isoformat()
    late = run_at(after, changes)
    assert outcome(late, rule) == "fail"
    assert obligation(late, rule)["status"] == "overdue"
    assert late["verdict"] == "ineligible"


def test_an_unknown_surplus_is_never_overdue() -> None:
    # neither amount nor return date after 11-30: missing (naming the amount), never failed on an absent fact
    result = run_at("2026-12-15")
    assert outcome(result, "surplus-return") == "missing"
    entry = next(r for r in result["results"] if r["rule"] == f"{R}/surplus-return")
    assert "project.surplus_wan" in entry["missing"]
    # the duty list agrees with the rule: past the date, not known to apply → undetermined, not overdue
    assert obligation(result, "surplus-return")["status"] == "undetermined"
    known = run_at("2026-12-15", {"project.surplus_wan": 0.5})
    assert outcome(known, "surplus-return") == "fail" and obligation(known, "surplus-return")["status"] == "overdue"


def test_no_surplus_is_no_duty() -> None:
    result = run_at("2026-12-15", {"project.surplus_wan": 0})
    assert outcome(result, "surplus-return") == "not_applicable"
    assert all(o["rule"] != f"{R}/surplus-return" for o in result["obligations"])


def test_duty_done_late_is_reported_as_such() -> None:
    result = run_at("2026-12-15", {**CLOSED, "project.report_submitted_on": "2026-12-05"})
    assert outcome(result, "summary-report") == "fail"
    assert obligation(result, "summary-report")["status"] == "done_late"


def test_manual_checks_follow_stage_and_subject() -> None:
    application = run_at("2026-06-01", stage="application")
    assert [m["quote"] for m in application["manual_checks"]] == ["有较高的学术造诣和扎实的业务能力"]
    assert "1 项需人工核对" in application["verdict_text"]
    closing = run_at("2026-06-01", stage="closing")
    assert len(closing["manual_checks"]) > len(application["manual_checks"])
    listing = run_at("2026-06-01", stage="application", judge="listing")
    assert [m["quote"] for m in listing["manual_checks"]] == ["申报材料电子版请发邮箱"]


def test_every_result_carries_the_date_caveat() -> None:
    assert "2026-04-27" in run_at("2026-06-01")["caveat"]


# ---------------------------------------------------------------- what never changes the verdict
def test_entitlements_never_change_the_verdict() -> None:
    facts = example(R)
    for expert in facts["experts"]:
        expert["service_days_in_year"] = 0
        expert["notable_achievement"] = False
    result = check(R, facts)
    assert outcome(result, "continuing-education-hours", "E1") == "fail"
    assert outcome(result, "title-tilt-notable-performance", "E1") == "fail"
    assert result["verdict"] == "eligible"


def test_title_tilt_needs_notable_achievement_not_just_service_days() -> None:
    result = run({"experts[0].service_days_in_year": 1, "experts[0].notable_achievement": False})
    assert outcome(result, "title-evaluation-credit", "E1") == "pass"
    assert outcome(result, "title-tilt-notable-performance", "E1") == "fail"


def test_warnings_and_info_never_change_the_verdict() -> None:
    result = run({"project.onsite_days": 6, "project.budget.requested_support_wan": 5,
                  "project.host_incomplete_last_year": True,
                  "project.expenses": [{"category": "insurance", "amount_yuan": 600}],
                  "project.locations": [{"province": "吉林省", "county": "集安市", "provincial_key_county": False}]})
    for rule in ("onsite-days", "funding-support", "prior-year-completion", "allowed-expenses", "service-in-province"):
        assert outcome(result, rule) == "fail", rule
    assert outcome(result, "prohibited-expenses") == "pass"
    assert result["verdict"] == "eligible"


def test_messages_add_no_modal_word_the_notice_lacks() -> None:
    result = run({"project.budget.requested_support_wan": 8})
    message = results_for(result, "funding-support")[0]["message"]
    assert "须" not in message and "一般应" not in message
    absent = run({}, deletions=("project.budget.requested_support_wan",))
    assert "申请资助（万元）：未提供" in results_for(absent, "funding-support")[0]["message"]


def test_place_names_with_or_without_suffix_are_the_same() -> None:
    with_suffix = run({"project.locations": [{"province": "辽宁省", "provincial_key_county": True}]})
    without = run({"project.locations": [{"province": "辽宁", "provincial_key_county": True}]})
    assert with_suffix["results"] == without["results"]
