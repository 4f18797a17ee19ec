"""Every shanghai-2022 rule on both sides of its boundary; stages, dated duties, judgements and manual checks."""

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
    results_for,
)

R22 = "shanghai-2022"

BASE_2022 = {"name": "闵行区紫竹高新区专家服务基地", "level": "municipal", "host_type": "high_tech_zone",
             "annual_participants": 120, "serves_nationwide": False, "submitted_on": "2022-01-25",
             "host_daily_funding": True}


def run(changes: dict, deletions: tuple[str, ...] = (), base: str = "compliant", rule: str | None = None,
        stage: str | None = None) -> dict:
    return check_changed(R22, changes, deletions, base, rule=rule, stage=stage)


def entries(*kinds: str) -> list[dict]:
    return [{"project_id": f"X{i}", "kind": k} for i, k in enumerate(kinds)]


def base22(**changes: object) -> dict:
    return {"base": {**BASE_2022, **changes}}


def national(*locations: dict) -> dict:
    return {"project.level": "national", "project.locations": list(locations)}


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
    # 以及其他……高层次人才: an open list, so a 长江学者 counts
    ("expert-priority", "E1", {"experts[0].honors": ["changjiang"]}, (), "pass"),
    ("expert-priority", "E1", {"experts[0].honors": ["leading_talent_team"]}, (), "fail"),
    ("expert-priority", "E1", {"experts[0].honors": []}, (), "fail"),
    ("project-level", None, {"project.level": "national"}, (), "pass"),
    ("project-level", None, {"project.level": "municipal"}, (), "pass"),
    ("project-level", None, {"project.level": "provincial"}, (), "fail"),
    # the notice does not ask the applicant to state a level: unstated is not judged
    ("project-level", None, {}, ("project.level",), "not_applicable"),
    ("base-level", None, base22(level="national"), (), "pass"),
    ("base-level", None, base22(level="municipal"), (), "pass"),
    ("base-level", None, base22(level="provincial"), (), "fail"),
    ("base-level", None, {"base": {k: v for k, v in BASE_2022.items() if k != "level"}}, (), "not_applicable"),
    ("municipal-scope", None, {"project.level": "national"}, (), "not_applicable"),
    ("municipal-scope", None, {}, ("project.level",), "not_applicable"),
    ("municipal-scope", None, {"project.locations": [{"province": "上海"}, {"province": "上海市"}]}, (), "pass"),
    ("municipal-scope", None, {"project.locations": [{"province": "上海市"}, {"province": "江苏省"}]}, (), "fail"),
    ("municipal-scope", None, {"project.locations": []}, (), "fail"),
    ("municipal-scope", None, {}, ("project.locations",), "missing"),
    ("priority-key-counties", None, {}, (), "not_applicable"),
    ("priority-key-counties", None, {}, ("project.level",), "not_applicable"),
    ("priority-key-counties", None, national({"province": "云南省", "county": "会泽县", "national_key_county": True}),
     (), "pass"),
    ("priority-key-counties", None, national({"province": "云南省", "county": "呈贡区", "national_key_county": False}),
     (), "fail"),
    ("national-underdeveloped-areas", None, {}, (), "not_applicable"),
    ("national-underdeveloped-areas", None, {}, ("project.level",), "not_applicable"),
    ("national-underdeveloped-areas", None, national({"province": "新疆维吾尔自治区", "county": "伽师县"}), (), "pass"),
    ("national-underdeveloped-areas", None, national({"province": "上海市"}, {"province": "甘肃"}), (), "pass"),
    ("national-underdeveloped-areas", None, national({"province": "江西省", "county": "井冈山市"}), (), "fail"),
    ("base-participants", None, base22(annual_participants=50), (), "pass"),
    ("base-participants", None, base22(annual_participants=49), (), "fail"),
    ("base-host-type", None, base22(host_type="tech_intermediary"), (), "pass"),
    ("base-host-type", None, base22(host_type="other"), (), "fail"),
    ("base-host-funding", None, base22(host_daily_funding=True), (), "pass"),
    ("base-host-funding", None, base22(host_daily_funding=False), (), "fail"),
    ("base-host-funding", None, {"base": {k: v for k, v in BASE_2022.items() if k != "host_daily_funding"}}, (),
     "missing"),
    ("national-base-nationwide", None, base22(), (), "not_applicable"),
    ("national-base-nationwide", None, {"base": {k: v for k, v in BASE_2022.items() if k != "level"}}, (),
     "not_applicable"),
    ("national-base-nationwide", None, base22(level="national", serves_nationwide=True), (), "pass"),
    ("national-base-nationwide", None, base22(level="national", serves_nationwide=False), (), "fail"),
    ("team-experts", None, {}, (), "pass"),
    ("team-experts", None, {}, ("experts",), "missing"),
    ("team-experts", None, {"experts": []}, (), "fail"),
    ("application-form", None, {}, (), "pass"),
    ("application-form", None, {}, ("project.recommender",), "missing"),
    ("application-form", None, {}, ("project.applicant_unit",), "missing"),
    ("application-form", None, {}, ("project.name",), "missing"),
    ("base-application-form", None, base22(), (), "pass"),
    ("base-application-form", None, {"base": {k: v for k, v in BASE_2022.items() if k != "name"}}, (), "missing"),
    ("application-deadline", None, {"project.submitted_on": "2022-01-30"}, (), "pass"),
    ("application-deadline", None, {"project.submitted_on": "2022-01-31"}, (), "fail"),
    # judged on 2026-06-01 with no submission date: the deadline has passed
    ("application-deadline", None, {}, ("project.submitted_on",), "fail"),
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
    ("talent-selection-priority", "E1", {"experts[0].outstanding_contribution": True}, (), "pass"),
    ("talent-selection-priority", "E1", {"experts[0].outstanding_contribution": False}, (), "fail"),
    ("talent-selection-priority", "E1", {}, ("experts[0].outstanding_contribution",), "missing"),
]



@pytest.mark.parametrize(("rule", "subject", "changes", "deletions", "expected"), CASES_2022, ids=case_ids(CASES_2022))
def test_rule_2022(rule: str, subject: str | None, changes: dict, deletions: tuple, expected: str) -> None:
    assert outcome(run(changes, deletions, rule=rule), rule, subject) == expected


def test_every_rule_has_each_possible_outcome() -> None:
    assert_cases_cover(R22, CASES_2022)


# ---------------------------------------------------------------- examples and judgements

@pytest.mark.parametrize("stage", ["application", "closing"])
def test_compliant_team_is_eligible_at_application_and_closing(stage: str) -> None:
    result = check(R22, example(R22, "compliant"), stage=stage)
    assert result["verdict"] == "eligible"
    assert not [r["rule"] for r in result["results"]
                if r["kind"] == "requirement" and r["severity"] != "info" and r["outcome"] in ("fail", "missing")]
    assert {o["status"] for o in result["obligations"]} == {"done"}


@pytest.mark.parametrize("stage", ["application", "closing"])
@pytest.mark.parametrize(("name", "judge"), [("compliant", "listing"), ("compliant", "expert"),
                                             ("base", "base"), ("base", "listing")])
def test_compliant_examples_per_judgement(name: str, judge: str, stage: str) -> None:
    result = check(R22, example(R22, name), stage=stage, judge=judge)
    assert result["verdict"] == "eligible", [(r["rule"], r["outcome"]) for r in result["results"]]


def test_flawed_2022_fails_several_clauses() -> None:
    result = check(R22, example(R22, "flawed"))
    assert result["verdict"] == "ineligible"
    failed = {r["rule"].split("/")[1] for r in result["results"] if r["outcome"] == "fail" and r["severity"] == "error"}
    assert {"expert-employer-approval", "municipal-scope", "application-deadline"} <= failed
    listing = check(R22, example(R22, "flawed"), judge="listing")
    assert listing["verdict"] == "ineligible"
    failed = {r["rule"].split("/")[1] for r in listing["results"] if r["outcome"] == "fail"}
    assert {"listing-quota", "listing-deadline"} <= failed


def test_the_application_judgement_does_not_judge_the_listing_or_a_base() -> None:
    facts = example(R22, "compliant")
    facts.update(base22(annual_participants=10))
    facts["listing"]["entries"] = entries("team", "base")
    result = check(R22, facts)
    assert result["verdict"] == "eligible"
    assert not {r["subject"] for r in result["results"]} & {"base", "listing"}


def test_empty_document_lacks_the_project() -> None:
    result = check(R22, {})
    assert result["verdict"] == "incomplete"
    assert result["missing_subjects"] == ["project"]


def test_an_unstated_level_does_not_make_the_application_incomplete() -> None:
    facts = example(R22, "compliant")
    delete_path(facts, "project.level")
    result = check(R22, facts, stage="application")
    assert result["verdict"] == "eligible"
    assert outcome(result, "project-level") == outcome(result, "municipal-scope") == "not_applicable"


def test_open_lists_never_affect_the_verdict() -> None:
    result = run({"project.expenses": [{"category": "gifts", "amount_yuan": 2000}]}, rule="allowed-expenses")
    assert outcome(result, "allowed-expenses") == "fail" and result["verdict"] == "eligible"
    result = run(base22(host_type="other"), rule="base-host-type")
    assert outcome(result, "base-host-type") == "fail" and result["verdict"] == "eligible"


# ---------------------------------------------------------------- stages

def test_later_stage_rules_are_listed_not_judged_at_application() -> None:
    result = check(R22, example(R22, "compliant"), stage="application")
    judged = {r["rule"] for r in result["results"]}
    later = {r["rule"] for r in result["later_stages"]}
    for rule in ("allowed-expenses", "talent-selection-priority"):
        assert f"{R22}/{rule}" not in judged and f"{R22}/{rule}" in later
    base = check(R22, example(R22, "base"), stage="application", judge="base")
    assert f"{R22}/base-host-funding" not in {r["rule"] for r in base["results"]}
    assert f"{R22}/base-host-funding" in {r["rule"] for r in base["later_stages"]}


def test_host_funding_is_judged_from_implementation() -> None:
    facts = example(R22, "base")
    facts["base"]["host_daily_funding"] = False
    assert check(R22, facts, stage="application", judge="base")["verdict"] == "eligible"
    result = check(R22, facts, stage="implementation", judge="base")
    assert outcome(result, "base-host-funding") == "fail" and result["verdict"] == "ineligible"


# ---------------------------------------------------------------- dated duties: pending up to 01-30, overdue after

DEADLINES = [
    ("application-deadline", "compliant", "project.submitted_on", "application"),
    ("base-deadline", "base", "base.submitted_on", "base"),
    ("listing-deadline", "compliant", "listing.submitted_on", "listing"),
]


@pytest.mark.parametrize(("rule", "name", "path", "judge"), DEADLINES)
@pytest.mark.parametrize(("as_of", "expected", "status", "verdict"), [
    ("2022-01-20", "pending", "pending", "eligible"),
    ("2022-01-30", "pending", "pending", "eligible"),  # 于1月30日前: the day itself is in time
    ("2022-01-31", "fail", "overdue", "ineligible"),
])
def test_deadline_pending_until_the_day_then_overdue(rule: str, name: str, path: str, judge: str, as_of: str,
                                                     expected: str, status: str, verdict: str) -> None:
    facts = example(R22, name)
    delete_path(facts, path)
    result = check(R22, facts, as_of=dt.date.fromisoformat(as_of), stage="application", judge=judge)
    assert outcome(result, rule) == expected
    assert result["verdict"] == verdict
    duty = [o for o in result["obligations"] if o["rule"] == f"{R22}/{rule}"]
    assert [(o["status"], o["due"]) for o in duty] == [(status, "2022-01-30")]


@pytest.mark.parametrize(("submitted", "status"), [("2022-01-30", "done"), ("2022-01-31", "done_late")])
def test_deadline_done_on_the_day_or_late(submitted: str, status: str) -> None:
    result = run({"project.submitted_on": submitted}, rule="application-deadline")
    duty = [o for o in result["obligations"] if o["rule"] == f"{R22}/application-deadline"]
    assert [o["status"] for o in duty] == [status]


def test_deadline_messages_name_the_recommender_and_the_day_itself() -> None:
    for rule, name, _, judge in DEADLINES:
        result = check(R22, example(R22, name), judge=judge)
        message = results_for(result, rule)[0]["message"]
        assert "区人力资源社会保障局" in message and "2022-01-30前（含当日）" in message and "须" not in message


# ---------------------------------------------------------------- manual checks

@pytest.mark.parametrize(("name", "judge", "count", "text"), [
    ("compliant", "application", 4, "学术造诣"),
    ("compliant", "application", 4, "申报单位盖章"),  # 四 “单位盖章后”：人工核对，不由申报表规则判定
    ("compliant", "expert", 3, "本职工作"),
    ("base", "base", 3, "承载能力"),
    ("base", "base", 3, "基地申报表》已由申报单位盖章"),
    ("base", "listing", 1, "进行评估"),
])
def test_manual_checks_per_judgement(name: str, judge: str, count: int, text: str) -> None:
    result = check(R22, example(R22, name), stage="application", judge=judge)
    assert len(result["manual_checks"]) == count
    assert any(text in m["quote"] + m["what"] for m in result["manual_checks"])
    assert f"{count} 项需人工核对" in result["verdict_text"]


def test_the_seal_is_a_manual_check_not_claimed_by_the_form_rules() -> None:
    """四“单位盖章后，提交……”：盖章无事实可判，台账列为人工核对；申报表规则的读法也这样说明。"""
    regime = registry().get(R22)
    seal = [c for c in regime.clauses if "单位盖章后" in c.sentence and c.part == "单位盖章后"]
    assert {(c.status, c.subject) for c in seal} == {("manual", "project"), ("manual", "base")}
    assert not [c for c in regime.clauses if "单位盖章后" in c.sentence and c.status == "encoded"
                and "单位盖章" in c.quote]
    for rule in ("application-form", "base-application-form"):
        found = next(r for r in regime.rules if r.local_id == rule)
        assert "盖章" not in found.title and "人工核对" in (found.reading or "")
    expert_only = check(R22, example(R22, "compliant"), stage="application", judge="expert")
    assert not any("盖章" in m["what"] for m in expert_only["manual_checks"])


# ---------------------------------------------------------------- messages: the notice's own words, nothing added

def _message(result: dict, rule: str) -> str:
    return results_for(result, rule)[0]["message"]


def test_messages_render_absent_counts_as_not_provided() -> None:
    result = run({}, ("project.locations",), rule="municipal-scope")
    assert "服务地点：未提供（缺少：project.locations）" in _message(result, "municipal-scope")
    result = run({}, ("listing.entries",), rule="listing-quota")
    assert "一览表条目：未提供" in _message(result, "listing-quota")
    result = run({"base": {k: v for k, v in BASE_2022.items() if k != "annual_participants"}}, rule="base-participants")
    assert "每年参加：未提供（" in _message(result, "base-participants")


def test_messages_add_no_modal_word() -> None:
    result = run({"project.locations": [{"province": "江苏省"}]}, rule="municipal-scope")
    assert _message(result, "municipal-scope") == "市级专家服务基层工作项目在本市范围内开展；服务地点：1处"
    result = run(base22(host_type="other"), rule="base-host-type")
    message = _message(result, "base-host-type")
    assert "须" not in message and "支持确有需要的其他基层单位设立专家服务基地" in message
    assert message.endswith("依托单位类型：其他")
    result = run({"project.expenses": [{"category": "gifts", "amount_yuan": 1}]}, rule="allowed-expenses")
    assert "须" not in _message(result, "allowed-expenses")


def test_honor_labels_use_the_notice_words() -> None:
    result = run({"experts[0].honors": ["outstanding_young", "returnee"]}, rule="expert-priority")
    assert _message(result, "expert-priority").endswith("人才称号：有突出贡献中青年专家、高层次留学回国人才")
    result = run(base22(host_type="tech_demo_base"), rule="base-host-type")
    assert _message(result, "base-host-type").endswith("依托单位类型：技术示范基地")
