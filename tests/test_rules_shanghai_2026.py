"""Every shanghai-2026 rule on both sides of its boundary, its dated duties, and regime selection by date."""

from __future__ import annotations

import datetime as dt

import pytest
from support import (
    assert_cases_cover,
    case_ids,
    check,
    check_changed,
    delete_path,
    example,
    outcome,
    registry,
    set_path,
)

from engine.registry import SelectionError

R22 = "shanghai-2022"
R26 = "shanghai-2026"


def run(changes: dict, deletions: tuple[str, ...] = (), rule: str | None = None) -> dict:
    return check_changed(R26, changes, deletions, "compliant", rule=rule)


def chars(n: int) -> str:
    """A realistic Chinese text of exactly n characters, punctuation included."""
    unit = "组织专家赴郊区农村开展技术指导与培训。"
    return (unit * (n // len(unit) + 1))[:n]


def spaced(n: int) -> str:
    """n characters of text, with line breaks and spaces that 字数 does not count."""
    text = chars(n)
    return f"{text[:300]}\n\n  {text[300:600]} \n{text[600:]}\u3000"


def entries(*kinds: str) -> list[dict]:
    return [{"project_id": f"X{i}", "kind": k} for i, k in enumerate(kinds)]


def team(*own_unit: bool | None, lead_honors: tuple[str, ...] = ("special_allowance",)) -> list[dict]:
    """A team whose first expert leads; `None` leaves own_unit out."""
    out = []
    for i, own in enumerate(own_unit):
        e = {"id": f"T{i + 1}", "name": f"专家{i + 1}", "role": "lead" if i == 0 else "member", "title": "senior",
             "honors": list(lead_honors) if i == 0 else [], "willing": True, "service_days_in_year": 6}
        if own is not None:
            e["own_unit"] = own
        out.append(e)
    return out


NEW_BASE = {"base.selected_year": 2025}

CASES = [
    # 一、专家遴选范围和条件
    ("expert-title", "E1", {"experts[0].title": "senior"}, (), "pass"),
    ("expert-title", "E1", {"experts[0].title": "associate_senior"}, (), "pass"),
    ("expert-title", "E1", {"experts[0].title": "intermediate"}, (), "fail"),
    ("expert-title", "E1", {"experts[0].title": "none"}, (), "fail"),
    ("expert-willing", "E1", {"experts[0].willing": True}, (), "pass"),
    ("expert-willing", "E1", {"experts[0].willing": False}, (), "fail"),
    ("expert-priority", "E1", {"experts[0].honors": ["major_research_task"]}, (), "pass"),
    ("expert-priority", "E1", {"experts[0].honors": ["academician"]}, (), "pass"),
    ("expert-priority", "E1", {"experts[0].honors": ["hundred_thousand_national"]}, (), "pass"),
    ("expert-priority", "E1", {"experts[0].honors": ["outstanding_young"]}, (), "fail"),
    ("expert-priority", "E1", {"experts[0].honors": ["postdoc"]}, (), "fail"),
    ("expert-priority", "E1", {"experts[0].honors": []}, (), "fail"),
    # 应以本单位专家为主 = more than half
    ("own-unit-majority", None, {}, (), "pass"),  # 2 of 3
    ("own-unit-majority", None, {"experts": team(True, True, True, False, False)}, (), "pass"),  # 3 of 5
    ("own-unit-majority", None, {"experts": team(True, True, False, False)}, (), "fail"),  # exactly half
    ("own-unit-majority", None, {"experts": team(True, False)}, (), "fail"),
    ("own-unit-majority", None, {"experts": team(False, False, False)}, (), "fail"),  # all outside experts
    ("own-unit-majority", None, {"experts": team(True)}, (), "pass"),
    ("own-unit-majority", None, {}, ("experts[2].own_unit",), "missing"),
    ("own-unit-majority", None, {"experts": []}, (), "missing"),
    ("own-unit-majority", None, {}, ("experts",), "missing"),
    # 二、服务形式
    ("cumulative-days", None, {"project.cumulative_service_days": 5}, (), "pass"),
    ("cumulative-days", None, {"project.cumulative_service_days": 4.5}, (), "fail"),
    ("cumulative-days", None, {}, ("project.cumulative_service_days",), "missing"),
    ("problems-per-session", None, {"project.problems_per_session": 1}, (), "pass"),
    ("problems-per-session", None, {"project.problems_per_session": 2}, (), "pass"),
    ("problems-per-session", None, {"project.problems_per_session": 0}, (), "fail"),
    ("problems-per-session", None, {"project.problems_per_session": 3}, (), "fail"),
    # 三、申报重点
    ("project-level", None, {"project.level": "national"}, (), "pass"),
    ("project-level", None, {"project.level": "municipal"}, (), "pass"),
    ("project-level", None, {"project.level": "provincial"}, (), "fail"),
    ("national-cross-region", None, {}, (), "not_applicable"),
    ("national-cross-region", None, {"project.level": "national", "project.locations": [
        {"province": "上海市"}, {"province": "云南省", "county": "屏边苗族自治县"}]}, (), "pass"),
    ("national-cross-region", None, {"project.level": "national", "project.locations": [
        {"province": "河北省", "county": "阜平县", "national_key_county": True}]}, (), "pass"),
    ("national-cross-region", None, {"project.level": "national", "project.locations": [
        {"province": "上海", "national_key_county": False}]}, (), "fail"),
    ("national-cross-region", None, {"project.level": "national", "project.locations": [{"province": "上海"}]}, (),
     "missing"),
    ("national-cross-region", None, {"project.level": "national", "project.locations": [
        {"province": "浙江省", "county": "平湖市", "national_key_county": False}]}, (), "fail"),
    ("national-cross-region", None, {"project.level": "national", "project.locations": [
        {"province": "黑龙江省", "county": "桦南县", "national_key_county": False}]}, (), "fail"),
    ("municipal-scope", None, {"project.level": "national"}, (), "not_applicable"),
    ("municipal-scope", None, {"project.locations": [{"province": "上海"}]}, (), "pass"),
    ("municipal-scope", None, {"project.locations": [{"province": "上海市"}, {"province": "安徽省"}]}, (), "fail"),
    ("municipal-scope", None, {"project.locations": []}, (), "fail"),
    ("multiple-sessions", None, {"project.sessions": 2}, (), "pass"),
    ("multiple-sessions", None, {"project.sessions": 1}, (), "fail"),
    ("multiple-sessions", None, {"project.level": "national", "project.sessions": 1}, (), "not_applicable"),
    ("base-priority", None, {"project.relies_on_base": True}, (), "pass"),
    ("base-priority", None, {"project.relies_on_base": False}, (), "fail"),
    ("base-priority", None, {"project.level": "national", "project.relies_on_base": False}, (), "not_applicable"),
    # 四、专家服务基地动态管理
    ("base-in-scope", None, {"base.selected_year": 2022}, (), "pass"),
    ("base-in-scope", None, {"base.level": "national"}, (), "pass"),
    ("base-in-scope", None, {"base.selected_year": 2021}, (), "fail"),
    ("base-in-scope", None, NEW_BASE, (), "fail"),
    ("base-in-scope", None, {"base.level": "provincial"}, (), "fail"),
    ("base-in-scope", None, {}, ("base.selected_year",), "missing"),
    ("base-commendation", None, {"base.assessment": "commended"}, (), "pass"),
    ("base-commendation", None, {"base.assessment": "satisfactory"}, (), "fail"),
    ("base-commendation", None, {"base.assessment": "rectify"}, (), "fail"),
    ("base-commendation", None, NEW_BASE, (), "not_applicable"),
    # 附件1 申报表
    ("application-form", None, {}, (), "pass"),
    ("application-form", None, {}, ("project.content_text",), "missing"),
    ("application-form", None, {"project.locations": [{"county": "金山区"}]}, (), "missing"),  # 活动地点未填省份
    ("application-form", None, {"project.content_text": "\u3000 "}, (), "missing"),  # 空白服务内容按未填
    ("application-form", None, {}, ("project.budget.sources",), "missing"),
    ("application-form", None, {}, ("project.budget.requested_support_wan",), "missing"),
    ("application-form", None, {}, ("project.recommender",), "missing"),
    ("application-form", None, {"project.direct_to_bureau": False}, ("project.recommender",), "missing"),
    ("application-form", None, {"project.direct_to_bureau": True}, ("project.recommender",), "pass"),
    ("application-form", None, {}, ("experts",), "missing"),
    ("application-form", None, {"experts": []}, (), "fail"),  # 参与服务专家人数 0
    ("application-form", None, {"project.locations": []}, (), "fail"),  # 活动地点一处也没有
    ("application-form", None, {"project.budget.sources": []}, (), "fail"),  # 经费来源一项也没有
    ("application-form", None, {}, ("project.locations",), "missing"),
    ("assistance-declared", None, {"project.locations[0].national_key_county": True}, (), "pass"),
    ("assistance-declared", None, {}, ("project.locations[0].national_key_county",), "missing"),
    ("assistance-declared", None, {}, ("project.locations",), "missing"),
    ("service-forms", None, {"project.service_forms": ["free_clinic"]}, (), "pass"),
    ("service-forms", None, {"project.service_forms": []}, (), "fail"),
    ("base-level-declared", None, {"project.relies_on_base": False}, ("project.base_level", "project.base_name"),
     "not_applicable"),
    ("base-level-declared", None, {"project.base_level": "ministerial"}, (), "pass"),
    ("base-level-declared", None, {}, ("project.base_level",), "missing"),
    ("base-level-declared", None, {}, ("project.base_name",), "missing"),
    ("content-text-limit", None, {"project.content_text": chars(1000)}, (), "pass"),
    ("content-text-limit", None, {"project.content_text": spaced(1000)}, (), "pass"),
    ("content-text-limit", None, {"project.content_text": chars(1001)}, (), "fail"),
    ("content-text-limit", None, {"project.content_text": spaced(1001)}, (), "fail"),
    ("content-text-limit", None, {}, ("project.content_text",), "missing"),
    ("funding-support-national", None, {}, (), "not_applicable"),
    ("funding-support-national", None, {"project.level": "national", "project.budget.requested_support_wan": 20}, (),
     "pass"),
    ("funding-support-national", None, {"project.level": "national", "project.budget.requested_support_wan": 20.01},
     (), "fail"),
    ("funding-support-municipal", None, {"project.level": "national", "project.budget.requested_support_wan": 15}, (),
     "not_applicable"),
    ("funding-support-municipal", None, {"project.budget.requested_support_wan": 10}, (), "pass"),
    ("funding-support-municipal", None, {"project.budget.requested_support_wan": 10.01}, (), "fail"),
    ("funding-support-municipal", None, {}, ("project.budget.requested_support_wan",), "missing"),
    # 附件2 专家服务基地动态管理表
    ("base-form", None, {}, (), "pass"),
    ("base-form", None, {}, ("base.host_unit",), "missing"),
    ("base-form", None, {}, ("base.own_experts",), "missing"),
    ("base-form", None, {}, ("base.activity_record_text",), "missing"),
    ("base-form", None, {}, ("base.three_year_plan_text",), "missing"),
    ("base-form", None, NEW_BASE, ("base.activity_record_text",), "not_applicable"),
    ("base-form", None, {"base.level": "provincial"}, (), "not_applicable"),
    ("base-activities-text-limit", None, {"base.activity_record_text": chars(1000)}, (), "pass"),
    ("base-activities-text-limit", None, {"base.activity_record_text": spaced(1000)}, (), "pass"),
    ("base-activities-text-limit", None, {"base.activity_record_text": chars(1001)}, (), "fail"),
    ("base-activities-text-limit", None, {**NEW_BASE, "base.activity_record_text": chars(1001)}, (),
     "not_applicable"),
    ("base-plan-text-limit", None, {"base.three_year_plan_text": chars(1000)}, (), "pass"),
    ("base-plan-text-limit", None, {"base.three_year_plan_text": chars(1001)}, (), "fail"),
    ("base-plan-text-limit", None, {**NEW_BASE, "base.three_year_plan_text": chars(1001)}, (), "not_applicable"),
    # 附件3 一览表
    ("summary-text-limit", None, {}, ("project.summary_text",), "not_applicable"),
    ("summary-text-limit", None, {"project.summary_text": chars(200)}, (), "pass"),
    ("summary-text-limit", None, {"project.summary_text": chars(201)}, (), "fail"),
    # 五、申报要求
    ("application-deadline", None, {"project.submitted_on": "2026-02-06"}, (), "pass"),
    ("application-deadline", None, {"project.submitted_on": "2026-02-07"}, (), "fail"),
    ("base-deadline", None, {"base.submitted_on": "2026-02-06"}, (), "pass"),
    ("base-deadline", None, {"base.submitted_on": "2026-02-07"}, (), "fail"),
    ("base-deadline", None, {**NEW_BASE, "base.submitted_on": "2026-02-07"}, (), "not_applicable"),
    ("listing-deadline", None, {"listing.submitted_on": "2026-02-06"}, (), "pass"),
    ("listing-deadline", None, {"listing.submitted_on": "2026-02-07"}, (), "fail"),
    ("listing-quota", None, {"listing.entries": []}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("team")}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("team", "base")}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("base", "team", "base", "base")}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("base", "base", "base")}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("team", "team")}, (), "fail"),
    ("listing-quota", None, {"listing.entries": entries("team", "team", "base")}, (), "fail"),
    ("listing-quota", None, {"listing.entries": entries("team", "team", "team")}, (), "fail"),
    ("special-allowance-direct", None, {}, (), "pass"),
    ("special-allowance-direct", None, {"experts[0].honors": ["major_research_task"],
                                        "experts[1].honors": ["special_allowance"]}, (), "fail"),
    ("special-allowance-direct", None, {"experts[0].role": "member"}, (), "fail"),
    ("special-allowance-direct", None, {}, ("experts[0].role",), "missing"),
    ("direct-route-lead", None, {}, (), "not_applicable"),
    ("direct-route-lead", None, {"project.direct_to_bureau": False}, (), "not_applicable"),
    ("direct-route-lead", None, {"project.direct_to_bureau": True}, ("project.recommender",), "pass"),
    ("direct-route-lead", None, {"project.direct_to_bureau": True, "experts[0].honors": ["academician"],
                                 "experts[1].honors": ["special_allowance"]}, (), "fail"),
    ("national-team-funding", None, {"project.level": "national", "project.selected_level": "national"}, (), "pass"),
    ("national-team-funding", None, {}, (), "fail"),
    ("national-team-funding", None, {}, ("project.selected_level",), "missing"),
    ("municipal-team-funding", None, {"project.selected_level": "municipal"}, (), "pass"),
    ("municipal-team-funding", None, {"project.selected_level": "national"}, (), "fail"),
    # 五、专家权益
    ("position-retained", "E1", {"experts[0].service_days_in_year": 1}, (), "pass"),
    ("position-retained", "E1", {"experts[0].service_days_in_year": 0}, (), "fail"),
    ("employer-preference", "E1", {"experts[0].service_days_in_year": 0.5}, (), "pass"),
    ("employer-preference", "E1", {"experts[0].service_days_in_year": 0}, (), "fail"),
    ("continuing-education-hours", "E1", {"experts[0].service_days_in_year": 0.5}, (), "pass"),
    ("continuing-education-hours", "E1", {"experts[0].service_days_in_year": 0}, (), "fail"),
    ("title-evaluation-credit", "E1", {"experts[0].service_outputs": True}, (), "pass"),
    ("title-evaluation-credit", "E3", {"experts[2].service_days_in_year": 30, "experts[2].service_outputs": False}, (),
     "fail"),
    ("title-evaluation-credit", "E1", {}, ("experts[0].service_outputs",), "missing"),
    ("outstanding-expert-recommendation", "E1", {"experts[0].outstanding_contribution": True}, (), "pass"),
    ("outstanding-expert-recommendation", "E2", {"experts[1].service_days_in_year": 30}, (), "fail"),
    ("outstanding-expert-support", "E1", {"experts[0].outstanding_contribution": True}, (), "pass"),
    ("outstanding-expert-support", "E2", {"experts[1].service_days_in_year": 30}, (), "fail"),
]



@pytest.mark.parametrize(("rule", "subject", "changes", "deletions", "expected"), CASES, ids=case_ids(CASES))
def test_rule(rule: str, subject: str | None, changes: dict, deletions: tuple, expected: str) -> None:
    assert outcome(run(changes, deletions, rule=rule), rule, subject) == expected


def test_every_rule_has_each_possible_outcome() -> None:
    assert_cases_cover(R26, CASES)


def test_text_helpers_count_exactly() -> None:
    assert len(chars(1000)) == 1000 and len(chars(201)) == 201
    assert len(spaced(1000)) > 1000 and len("".join(spaced(1000).split())) == 1000


# ---------------------------------------------------------------- the 2026-02-06 deadline (含当日), pending vs overdue

DEADLINES = [("application-deadline", "project.submitted_on", "application"),
             ("base-deadline", "base.submitted_on", "base"),
             ("listing-deadline", "listing.submitted_on", "listing")]


@pytest.mark.parametrize(("rule", "path", "judge"), DEADLINES)
@pytest.mark.parametrize(("as_of", "outcome_", "status", "verdict"), [
    ("2026-01-20", "pending", "pending", "eligible"),
    ("2026-02-06", "pending", "pending", "eligible"),
    ("2026-02-07", "fail", "overdue", "ineligible"),
])
def test_deadline_pending_until_the_day_then_overdue(rule: str, path: str, judge: str, as_of: str, outcome_: str,
                                                     status: str, verdict: str) -> None:
    facts = delete_path(example(R26), path)
    result = check(R26, facts, dt.date.fromisoformat(as_of), stage="application", judge=judge)
    assert outcome(result, rule) == outcome_
    duty = [o for o in result["obligations"] if o["rule"] == f"{R26}/{rule}"]
    assert [(o["status"], o["due"]) for o in duty] == [(status, "2026-02-06")]
    assert result["verdict"] == verdict


@pytest.mark.parametrize(("rule", "path", "judge"), DEADLINES)
@pytest.mark.parametrize(("day", "status"), [("2026-02-06", "done"), ("2026-02-07", "done_late")])
def test_deadline_done_on_the_day_or_late(rule: str, path: str, judge: str, day: str, status: str) -> None:
    facts = example(R26)
    root, field = path.split(".")
    facts[root][field] = day
    result = check(R26, facts, dt.date(2026, 6, 1), stage="application", judge=judge)
    duty = next(o for o in result["obligations"] if o["rule"] == f"{R26}/{rule}")
    assert duty["status"] == status and duty["done_on"] == day


def test_deadline_message_names_the_recommender_and_the_day_itself() -> None:
    result = check(R26, example(R26), stage="application")
    message = next(r for r in result["results"] if r["rule"] == f"{R26}/application-deadline")["message"]
    assert "各委办局及区人社局于2026-02-06前（含当日）将书面材料函报市人社局" in message
    assert "须" not in message


def test_a_new_base_is_out_of_scope_not_judged_like_an_applicant() -> None:
    facts = example(R26)
    facts["base"]["selected_year"] = 2025
    del facts["base"]["activity_record_text"]
    result = check(R26, facts, judge="base")
    by_rule = {r["rule"].split("/")[1]: r["outcome"] for r in result["results"]}
    assert by_rule.pop("base-in-scope") == "fail"
    assert set(by_rule.values()) == {"not_applicable"}
    assert result["verdict"] == "ineligible" and not result["obligations"]


def test_own_unit_share_counts_the_team_list() -> None:
    result = run({"experts": team(False, False, False)}, rule="own-unit-majority")
    entry = next(r for r in result["results"] if r["rule"] == f"{R26}/own-unit-majority")
    assert entry["outcome"] == "fail" and "服务专家人数：3" in entry["message"]
    assert result["verdict"] == "ineligible"
    missing = run({}, ("experts[2].own_unit",), rule="own-unit-majority")
    assert "experts[2].own_unit" in next(r for r in missing["results"]
                                         if r["rule"] == f"{R26}/own-unit-majority")["missing"]


def test_only_the_leads_honours_count_for_the_direct_route() -> None:
    result = run({"experts[0].honors": ["academician"], "experts[2].honors": ["special_allowance"]},
                 rule="special-allowance-direct")
    assert outcome(result, "special-allowance-direct") == "fail"


# ---------------------------------------------------------------- stages, judgements, examples

def test_compliant_is_eligible_at_application_and_at_closing() -> None:
    for stage in ("application", "closing"):
        for judge in ("application", "base", "listing"):
            result = check(R26, example(R26), dt.date(2026, 6, 1), stage=stage, judge=judge)
            assert result["verdict"] == "eligible", (stage, judge)
            assert "需人工核对" in result["verdict_text"]
            assert not [r["rule"] for r in result["results"]
                        if r["kind"] == "requirement" and r["severity"] != "info" and r["outcome"] in ("fail", "missing")]


def test_application_stage_lists_later_duties_without_judging_them() -> None:
    facts = example(R26)
    del facts["project"]["cumulative_service_days"]
    result = check(R26, facts, dt.date(2026, 2, 1), stage="application")
    assert result["verdict"] == "eligible"
    judged = {r["rule"].split("/")[1] for r in result["results"]}
    later = {r["rule"].split("/")[1] for r in result["later_stages"]}
    assert {"cumulative-days", "problems-per-session", "position-retained", "title-evaluation-credit"} <= later
    assert not judged & later
    # 累计服务时长是全程总数：实施中途不判定，结项时未填即材料不全
    during = check(R26, facts, stage="implementation")
    assert during["verdict"] == "eligible"
    assert "cumulative-days" in {r["rule"].split("/")[1] for r in during["later_stages"]}
    assert check(R26, facts, stage="closing")["verdict"] == "incomplete"


@pytest.mark.parametrize(("days", "stage", "expected"), [
    (4, "implementation", None), (0, "implementation", None), (4, "closing", "fail"), (5, "closing", "pass")])
def test_cumulative_days_are_judged_only_when_the_service_is_over(days: int, stage: str,
                                                                   expected: str | None) -> None:
    facts = set_path(example(R26), "project.cumulative_service_days", days)
    result = check(R26, facts, dt.date(2026, 6, 3), stage=stage)
    judged = {r["rule"].split("/")[1]: r["outcome"] for r in result["results"]}
    assert judged.get("cumulative-days") == expected
    assert result["verdict"] == ("ineligible" if expected == "fail" else "eligible")


def test_empty_document_is_incomplete() -> None:
    result = check(R26, {}, stage="application")
    assert result["verdict"] == "incomplete" and result["missing_subjects"] == ["project"]


def test_flawed_is_ineligible_on_each_judgement() -> None:
    flawed = example(R26, "flawed")
    result = check(R26, flawed)
    assert result["verdict"] == "ineligible"
    failed = {r["rule"].split("/")[1] for r in result["results"] if r["outcome"] == "fail" and r["severity"] == "error"}
    assert {"funding-support-municipal", "cumulative-days", "problems-per-session", "application-deadline",
            "own-unit-majority", "service-forms"} <= failed
    cap = next(r for r in result["results"] if r["rule"] == f"{R26}/funding-support-municipal")
    assert "10万元" in cap["message"] and "12万元" in cap["message"]
    listing = check(R26, flawed, judge="listing")
    assert {r["rule"].split("/")[1] for r in listing["results"] if r["outcome"] == "fail"} == {
        "listing-deadline", "listing-quota"}
    assert check(R26, flawed, judge="base")["verdict"] == "ineligible"


def test_topics_expected_by_other_tables() -> None:
    t22 = {r.topic: r for r in registry().get(R22).rules}
    t26 = {r.topic for r in registry().get(R26).rules}
    assert t22["expert.employer_approval"].severity == "error"
    assert "expert.employer_approval" not in t26
    assert {"project.cumulative_days", "funding.support"} <= t26
    for regime in (R22, R26):
        titles = [r for r in registry().get(regime).rules if r.topic == "expert.title"]
        assert [r.severity for r in titles] == ["warning"]


def test_ledger_accounts_for_every_normative_sentence() -> None:
    regime = registry().get(R26)
    statuses = {c.status for c in regime.clauses}
    assert statuses == {"encoded", "manual", "not_for_applicants", "context"}
    ids = {r.local_id for r in regime.rules}
    assert all(set(c.rules) <= ids for c in regime.clauses)


# ---------------------------------------------------------------- regime selection by date

@pytest.mark.parametrize(("day", "expected"), [
    ("2022-01-18", R22), ("2023-06-01", R22), ("2026-01-18", R22), ("2026-01-19", R26), ("2027-03-01", R26)])
def test_selection_by_date(day: str, expected: str) -> None:
    assert registry().select("shanghai", dt.date.fromisoformat(day)).id == expected
    assert registry().select("上海市", dt.date.fromisoformat(day)).id == expected


def test_no_regime_before_first_edition() -> None:
    with pytest.raises(SelectionError, match="尚无生效的规则集"):
        registry().select("shanghai", dt.date(2021, 12, 31))
