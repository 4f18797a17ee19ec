"""Every shanghai-2022 rule on both sides of its boundary."""

from __future__ import annotations

import pytest
from support import check, check_changed, example, outcome, registry

from engine.policy.coverage import needed

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


CASES_2022 = [
    # rule, subject, changes, deletions, expected
    ("expert-title", "E1", {"experts[0].title": "senior"}, (), "pass"),
    ("expert-title", "E1", {"experts[0].title": "associate_senior"}, (), "pass"),
    ("expert-title", "E1", {"experts[0].title": "intermediate", "experts[0].equivalent_level": True}, (), "fail"),
    ("expert-willing", "E1", {"experts[0].willing": True}, (), "pass"),
    ("expert-willing", "E1", {"experts[0].willing": False}, (), "fail"),
    ("expert-healthy", "E1", {"experts[0].healthy": True}, (), "pass"),
    ("expert-healthy", "E1", {"experts[0].healthy": False}, (), "fail"),
    ("expert-adaptable", "E1", {"experts[0].adaptable": True}, (), "pass"),
    ("expert-adaptable", "E1", {"experts[0].adaptable": False}, (), "fail"),
    ("expert-employer-approval", "E1", {"experts[0].employer_approved": True}, (), "pass"),
    ("expert-employer-approval", "E1", {"experts[0].employer_approved": False}, (), "fail"),
    ("expert-employer-approval", "E1", {}, ("experts[0].employer_approved",), "missing"),
    ("expert-priority", "E1", {"experts[0].honors": ["returnee"]}, (), "pass"),
    ("expert-priority", "E1", {"experts[0].honors": ["urgent_need", "postdoc"]}, (), "pass"),
    ("expert-priority", "E1", {"experts[0].honors": ["changjiang"]}, (), "fail"),
    ("expert-priority", "E1", {"experts[0].honors": []}, (), "fail"),
    ("project-level", None, {"project.level": "national"}, (), "pass"),
    ("project-level", None, {"project.level": "municipal"}, (), "pass"),
    ("project-level", None, {"project.level": "provincial"}, (), "fail"),
    ("municipal-scope", None, {"project.level": "national"}, (), "not_applicable"),
    ("municipal-scope", None, {"project.locations": [{"province": "上海"}, {"province": "上海市"}]}, (), "pass"),
    ("municipal-scope", None, {"project.locations": [{"province": "上海市"}, {"province": "江苏省"}]}, (), "fail"),
    ("municipal-scope", None, {"project.locations": []}, (), "fail"),
    ("municipal-scope", None, {}, ("project.locations",), "missing"),
    ("priority-key-counties", None, {}, (), "not_applicable"),
    ("priority-key-counties", None, {"project.level": "national", "project.locations": [
        {"province": "云南省", "county": "会泽县", "national_key_county": True}]}, (), "pass"),
    ("priority-key-counties", None, {"project.level": "national", "project.locations": [
        {"province": "云南省", "county": "呈贡区", "national_key_county": False}]}, (), "fail"),
    ("base-participants", None, base22(annual_participants=50), (), "pass"),
    ("base-participants", None, base22(annual_participants=49), (), "fail"),
    ("base-host-type", None, base22(host_type="tech_intermediary"), (), "pass"),
    ("base-host-type", None, base22(host_type="other"), (), "fail"),
    ("national-base-nationwide", None, base22(), (), "not_applicable"),
    ("national-base-nationwide", None, base22(level="national", serves_nationwide=True), (), "pass"),
    ("national-base-nationwide", None, base22(level="national", serves_nationwide=False), (), "fail"),
    ("application-form", None, {}, (), "pass"),
    ("application-form", None, {}, ("project.recommender",), "missing"),
    ("application-form", None, {}, ("project.applicant_unit",), "missing"),
    ("application-deadline", None, {"project.submitted_on": "2022-01-30"}, (), "pass"),
    ("application-deadline", None, {"project.submitted_on": "2022-01-31"}, (), "fail"),
    ("application-deadline", None, {}, ("project.submitted_on",), "missing"),
    ("base-deadline", None, base22(submitted_on="2022-01-30"), (), "pass"),
    ("base-deadline", None, base22(submitted_on="2022-01-31"), (), "fail"),
    ("listing-deadline", None, {"listing.submitted_on": "2022-01-30"}, (), "pass"),
    ("listing-deadline", None, {"listing.submitted_on": "2022-01-31"}, (), "fail"),
    ("listing-quota", None, {"listing.entries": entries("team")}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("base")}, (), "pass"),
    ("listing-quota", None, {"listing.entries": entries("team", "base")}, (), "fail"),
    ("listing-quota", None, {"listing.entries": entries("team", "team")}, (), "fail"),
    ("allowed-expenses", None, {}, ("project.expenses",), "not_applicable"),
    ("allowed-expenses", None, {"project.expenses": [{"category": "insurance", "amount_yuan": 600},
                                                     {"category": "base_subsidy", "amount_yuan": 5000}]}, (), "pass"),
    ("allowed-expenses", None, {"project.expenses": [{"category": "transport", "amount_yuan": 600},
                                                     {"category": "expert_fees", "amount_yuan": 5000}]}, (), "fail"),
]

def _ids(cases: list) -> list[str]:
    return [f"{rule}-{expected}-{i}" for i, (rule, _, _, _, expected) in enumerate(cases)]


@pytest.mark.parametrize(("rule", "subject", "changes", "deletions", "expected"), CASES_2022, ids=_ids(CASES_2022))
def test_rule_2022(rule: str, subject: str | None, changes: dict, deletions: tuple, expected: str) -> None:
    assert outcome(run(R22, changes, deletions, rule=rule), rule, subject) == expected


@pytest.mark.parametrize(("regime", "cases"), [(R22, CASES_2022)])
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


@pytest.mark.parametrize(("regime", "verdict"), [(R22, "eligible")])
def test_compliant_examples(regime: str, verdict: str) -> None:
    result = check(regime, example(regime, "compliant"))
    assert result["verdict"] == verdict
    assert not [r["rule"] for r in result["results"]
                if r["kind"] == "requirement" and r["severity"] != "info" and r["outcome"] in ("fail", "missing")]


def test_flawed_2022_fails_several_clauses() -> None:
    result = check(R22, example(R22, "flawed"))
    assert result["verdict"] == "ineligible"
    failed = {r["rule"].split("/")[1] for r in result["results"] if r["outcome"] == "fail" and r["severity"] == "error"}
    assert {"expert-employer-approval", "municipal-scope", "application-deadline", "listing-quota"} <= failed
