"""Every shanghai-2026 rule on both sides of its boundary, and regime selection by date."""

from __future__ import annotations

import datetime as dt

import pytest
from support import check, check_changed, example, outcome, registry

from engine.policy.coverage import needed
from engine.registry import SelectionError

R22 = "shanghai-2022"
R26 = "shanghai-2026"

BASE_2022 = {"name": "闵行区紫竹高新区专家服务基地", "level": "municipal", "host_type": "high_tech_zone",
             "annual_participants": 120, "serves_nationwide": False, "submitted_on": "2022-01-25"}
BASE_2026 = {"name": "松江区G60科创走廊专家服务基地", "level": "municipal", "host_type": "industrial_park",
             "own_experts": 12, "external_experts": 8, "submitted_on": "2026-02-04"}


def run(regime: str, changes: dict, deletions: tuple[str, ...] = (), base: str = "compliant",
        rule: str | None = None) -> dict:
    return check_changed(regime, changes, deletions, base, rule=rule)


def chars(n: int) -> str:
    """A realistic Chinese text of exactly n characters."""
    unit = "组织专家赴郊区农村开展技术指导与培训。"
    return (unit * (n // len(unit) + 1))[:n]


def entries(*kinds: str) -> list[dict]:
    return [{"project_id": f"X{i}", "kind": k} for i, k in enumerate(kinds)]


def base22(**changes: object) -> dict:
    return {"base": {**BASE_2022, **changes}}


def base26(**changes: object) -> dict:
    return {"base": {**BASE_2026, **changes}}


CASES_2026 = [
    ("expert-title", "E1", {"experts[0].title": "senior"}, (), "pass"),
    ("expert-title", "E1", {"experts[0].title": "associate_senior"}, (), "pass"),
    ("expert-title", "E1", {"experts[0].title": "intermediate"}, (), "fail"),
    ("expert-title", "E1", {"experts[0].title": "none"}, (), "fail"),
    ("expert-willing", "E1", {"experts[0].willing": True}, (), "pass"),
    ("expert-willing", "E1", {"experts[0].willing": False}, (), "fail"),
    ("expert-priority", "E1", {"experts[0].honors": ["major_research_task"]}, (), "pass"),
    ("expert-priority", "E1", {"experts[0].honors": ["academician"]}, (), "pass"),
    ("expert-priority", "E1", {"experts[0].honors": ["postdoc"]}, (), "fail"),
    ("expert-priority", "E1", {"experts[0].honors": []}, (), "fail"),
    ("cumulative-days", None, {"project.cumulative_service_days": 5}, (), "pass"),
    ("cumulative-days", None, {"project.cumulative_service_days": 4.5}, (), "fail"),
    ("cumulative-days", None, {}, ("project.cumulative_service_days",), "missing"),
    ("problems-per-session", None, {"project.problems_per_session": 1}, (), "pass"),
    ("problems-per-session", None, {"project.problems_per_session": 2}, (), "pass"),
    ("problems-per-session", None, {"project.problems_per_session": 0}, (), "fail"),
    ("problems-per-session", None, {"project.problems_per_session": 3}, (), "fail"),
    ("service-forms", None, {"project.service_forms": ["free_clinic"]}, (), "pass"),
    ("service-forms", None, {"project.service_forms": []}, (), "fail"),
    ("project-level", None, {"project.level": "national"}, (), "pass"),
    ("project-level", None, {"project.level": "municipal"}, (), "pass"),
    ("project-level", None, {"project.level": "provincial"}, (), "fail"),
    ("municipal-scope", None, {"project.level": "national"}, (), "not_applicable"),
    ("municipal-scope", None, {"project.locations": [{"province": "上海"}]}, (), "pass"),
    ("municipal-scope", None, {"project.locations": [{"province": "上海市"}, {"province": "安徽省"}]}, (), "fail"),
    ("national-cross-region", None, {}, (), "not_applicable"),
    ("national-cross-region", None, {"project.level": "national", "project.locations": [
        {"province": "上海市"}, {"province": "云南省", "county": "屏边苗族自治县"}]}, (), "pass"),
    ("national-cross-region", None, {"project.level": "national", "project.locations": [{"province": "上海"}]}, (), "fail"),
    ("multiple-sessions", None, {"project.sessions": 2}, (), "pass"),
    ("multiple-sessions", None, {"project.sessions": 1}, (), "fail"),
    ("base-priority", None, {"project.relies_on_base": True}, (), "pass"),
    ("base-priority", None, {"project.relies_on_base": False}, (), "fail"),
    ("application-form", None, {}, (), "pass"),
    ("application-form", None, {}, ("project.content_text",), "missing"),
    ("application-form", None, {}, ("project.budget.total_wan",), "missing"),
    ("base-level-declared", None, {"project.relies_on_base": False}, ("project.base_level",), "not_applicable"),
    ("base-level-declared", None, {"project.base_level": "ministerial"}, (), "pass"),
    ("base-level-declared", None, {}, ("project.base_level",), "missing"),
    ("content-text-limit", None, {"project.content_text": chars(1000)}, (), "pass"),
    ("content-text-limit", None, {"project.content_text": chars(1001)}, (), "fail"),
    ("content-text-limit", None, {}, ("project.content_text",), "missing"),
    ("summary-text-limit", None, {}, ("project.summary_text",), "not_applicable"),
    ("summary-text-limit", None, {"project.summary_text": chars(200)}, (), "pass"),
    ("summary-text-limit", None, {"project.summary_text": chars(201)}, (), "fail"),
    ("funding-support-national", None, {}, (), "not_applicable"),
    ("funding-support-national", None, {"project.level": "national", "project.budget.requested_support_wan": 20}, (), "pass"),
    ("funding-support-national", None, {"project.level": "national", "project.budget.requested_support_wan": 20.01}, (),
     "fail"),
    ("funding-support-municipal", None, {"project.level": "national", "project.budget.requested_support_wan": 15}, (),
     "not_applicable"),
    ("funding-support-municipal", None, {"project.budget.requested_support_wan": 10}, (), "pass"),
    ("funding-support-municipal", None, {"project.budget.requested_support_wan": 10.01}, (), "fail"),
    ("funding-support-municipal", None, {}, ("project.budget.requested_support_wan",), "missing"),
    ("application-deadline", None, {"project.submitted_on": "2026-02-06"}, (), "pass"),
    ("application-deadline", None, {"project.submitted_on": "2026-02-07"}, (), "fail"),
    ("base-deadline", None, base26(submitted_on="2026-02-06"), (), "pass"),
    ("base-deadline", None, base26(submitted_on="2026-02-07"), (), "fail"),
    ("listing-deadline", None, {"listing.submitted_on": "2026-02-06"}, (), "pass"),
    ("listing-deadline", None, {"listing.submitted_on": "2026-02-07"}, (), "fail"),
    ("listing-quota", None, {"listing.entries": []}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("team")}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("team", "base")}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("base", "base", "base")}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("team", "team")}, (), "fail"),
    ("listing-quota", None, {"listing.entries": entries("team", "team", "team")}, (), "fail"),
    ("listing-quota", None, {"listing.entries": entries("team", "team", "base")}, (), "not_applicable"),
    ("special-allowance-direct", "E1", {"experts[0].honors": ["special_allowance"]}, (), "pass"),
    ("special-allowance-direct", "E1", {"experts[0].honors": ["major_research_task"]}, (), "fail"),
    ("position-retained", "E1", {"experts[0].service_days_in_year": 1}, (), "pass"),
    ("position-retained", "E1", {"experts[0].service_days_in_year": 0}, (), "fail"),
    ("continuing-education-hours", "E1", {"experts[0].service_days_in_year": 0.5}, (), "pass"),
    ("continuing-education-hours", "E1", {"experts[0].service_days_in_year": 0}, (), "fail"),
    ("title-evaluation-credit", "E1", {"experts[0].service_days_in_year": 3}, (), "pass"),
    ("title-evaluation-credit", "E1", {"experts[0].service_days_in_year": 0}, (), "fail"),
]


def _ids(cases: list) -> list[str]:
    return [f"{rule}-{expected}-{i}" for i, (rule, _, _, _, expected) in enumerate(cases)]


@pytest.mark.parametrize(("rule", "subject", "changes", "deletions", "expected"), CASES_2026, ids=_ids(CASES_2026))
def test_rule_2026(rule: str, subject: str | None, changes: dict, deletions: tuple, expected: str) -> None:
    assert outcome(run(R26, changes, deletions, rule=rule), rule, subject) == expected


@pytest.mark.parametrize(("regime", "cases"), [(R26, CASES_2026)])
def test_every_rule_has_each_possible_outcome(regime: str, cases: list) -> None:
    rules = {r.local_id: r for r in registry().get(regime).rules}
    seen: dict[str, set[str]] = {}
    for rule, _, _, _, expected in cases:
        seen.setdefault(rule, set()).add(expected)
    assert set(seen) == set(rules)
    for rule_id, rule in rules.items():
        assert set(needed(rule)) <= seen[rule_id], rule_id
        if rule.when is not None:
            assert "not_applicable" in seen[rule_id], rule_id


def test_chars_helper_counts_exactly() -> None:
    assert len(chars(1000)) == 1000 and len(chars(201)) == 201


@pytest.mark.parametrize(("regime", "verdict"), [(R26, "eligible")])
def test_compliant_examples(regime: str, verdict: str) -> None:
    result = check(regime, example(regime, "compliant"))
    assert result["verdict"] == verdict
    assert not [r["rule"] for r in result["results"]
                if r["kind"] == "requirement" and r["severity"] != "info" and r["outcome"] in ("fail", "missing")]


def test_flawed_2026_fails_municipal_funding_cap() -> None:
    result = check(R26, example(R26, "flawed"))
    assert result["verdict"] == "ineligible"
    failed = {r["rule"].split("/")[1] for r in result["results"] if r["outcome"] == "fail" and r["severity"] == "error"}
    assert {"funding-support-municipal", "cumulative-days", "application-deadline", "listing-quota"} <= failed
    cap = next(r for r in result["results"] if r["rule"] == f"{R26}/funding-support-municipal")
    assert "10万元" in cap["message"] and "12万元" in cap["message"]


def test_topics_expected_by_other_tables() -> None:
    t22 = {r.topic: r for r in registry().get(R22).rules}
    t26 = {r.topic for r in registry().get(R26).rules}
    assert t22["expert.employer_approval"].severity == "error"
    assert "expert.employer_approval" not in t26
    assert {"project.cumulative_days", "funding.support"} <= t26
    for regime in (R22, R26):
        titles = [r for r in registry().get(regime).rules if r.topic == "expert.title"]
        assert [r.severity for r in titles] == ["warning"]


@pytest.mark.parametrize(("day", "expected"), [
    ("2022-01-18", R22), ("2023-06-01", R22), ("2026-01-18", R22), ("2026-01-19", R26), ("2027-03-01", R26)])
def test_selection_by_date(day: str, expected: str) -> None:
    assert registry().select("shanghai", dt.date.fromisoformat(day)).id == expected
    assert registry().select("上海市", dt.date.fromisoformat(day)).id == expected


def test_no_regime_before_first_edition() -> None:
    with pytest.raises(SelectionError, match="尚无生效的规则集"):
        registry().select("shanghai", dt.date(2021, 12, 31))
