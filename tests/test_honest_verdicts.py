"""A green 符合条件 never claims more than the engine checked (issue: honest verdicts)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import icalendar
import pytest
from fastapi.testclient import TestClient
from support import example, registry

from engine.cli.main import main
from engine.evaluate import evaluate
from engine.policy import ledger
from engine.policy.model import STAGES
from engine.policy.validate import PolicyError, load_regime_file
from service.testing import make_test_app

ROOT = Path(__file__).resolve().parent.parent
REGIMES = sorted(registry().regimes)


@pytest.mark.parametrize("regime_id", REGIMES)
def test_an_empty_document_is_never_eligible_for_any_judgement_or_stage(regime_id: str) -> None:
    regime = registry().get(regime_id)
    for judge in regime.judgements:
        for stage in STAGES:
            result = evaluate(regime, {}, dt.date(2026, 6, 1), stage=stage, judge=judge)
            assert result["verdict"] == "incomplete", (judge, stage)
            assert result["missing_subjects"], (judge, stage)


@pytest.mark.parametrize("regime_id", REGIMES)
def test_check_of_an_empty_file_exits_non_zero(regime_id: str, tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert main(["check", str(empty), "--regime", regime_id]) == 2
    assert "缺少项目" in capsys.readouterr().out


@pytest.mark.parametrize("regime_id", REGIMES)
def test_facts_without_a_project_judged_as_an_application_name_the_project(regime_id: str) -> None:
    facts = example(regime_id)
    facts.pop("project", None)
    result = evaluate(registry().get(regime_id), facts, dt.date(2026, 6, 1))
    assert result["verdict"] in ("incomplete", "ineligible")
    assert result["missing_subjects"] == ["project"]


def test_api_and_unknown_judgement(tmp_path: Path) -> None:
    app, _, _ = make_test_app(tmp_path)
    with TestClient(app) as c:
        for body in ({"region": "上海", "facts": {}}, {"regime": "liaoning-2026", "facts": {}, "stage": "closing"}):
            answer = c.post("/v1/evaluate", json=body)
            assert answer.status_code == 200 and answer.json()["verdict"] == "incomplete"
            assert answer.json()["missing_subjects"] == ["project"] and answer.json()["decision_id"]
        refused = c.post("/v1/evaluate", json={"regime": "liaoning-2026", "facts": {}, "judge": "locality"})
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "judge"
        bad_stage = c.post("/v1/evaluate", json={"regime": "liaoning-2026", "facts": {}, "stage": "done"})
        assert bad_stage.status_code == 422


def test_a_later_stage_is_listed_not_judged_and_duties_are_pending_then_overdue() -> None:
    regime = registry().get("liaoning-2026")
    facts = example("liaoning-2026")
    early = evaluate(regime, facts, dt.date(2026, 6, 15))
    assert early["verdict"] == "eligible"
    judged = {r["rule"] for r in early["results"]}
    later = {r["rule"] for r in early["later_stages"]}
    assert "liaoning-2026/summary-report" in later and "liaoning-2026/summary-report" not in judged
    duties = {o["rule"]: o for o in early["obligations"]}
    assert duties["liaoning-2026/plan-filing"]["status"] == "pending"
    assert [o["due"] for o in early["obligations"]] == sorted(o["due"] or "9999" for o in early["obligations"])
    start = dt.date.fromisoformat(facts["project"]["start_date"])
    due = start - dt.timedelta(days=10)
    on_the_day = evaluate(regime, facts, due, stage="filing")
    after = evaluate(regime, facts, due + dt.timedelta(days=1), stage="filing")
    filing = "liaoning-2026/plan-filing"
    assert {r["outcome"] for r in on_the_day["results"] if r["rule"] == filing} == {"pending"}
    assert {r["outcome"] for r in after["results"] if r["rule"] == filing} == {"fail"}
    assert on_the_day["verdict"] == "eligible" and after["verdict"] == "ineligible"


def test_manual_checks_are_named_in_an_all_pass_answer() -> None:
    result = evaluate(registry().get("shanghai-2026"), example("shanghai-2026"), dt.date(2026, 2, 1))
    assert result["verdict"] == "eligible" and result["manual_checks"]
    assert result["verdict_text"] == f"硬性要求均符合；另有 {len(result['manual_checks'])} 项需人工核对"


def _eligible_text(regime_id: str, facts: dict, day: str, stage: str = "application", judge: str = "application") -> dict:
    return evaluate(registry().get(regime_id), facts, dt.date.fromisoformat(day), stage=stage, judge=judge)


def test_an_eligible_answer_counts_what_it_does_not_cover() -> None:
    """The headline of an eligible answer claims the hard requirements only, and counts the rest: a 一般应 not met,
    a 鼓励 not followed, an advisory rule lacking facts, duties not yet due, manual checks (audit of 2026-11-27:
    "可自动判定的条件均符合" was shown over failed 一般性要求)."""
    facts = example("shanghai-2022")
    for expert in facts["experts"]:
        expert["title"] = "intermediate"  # 一般应 副高级及以上: a warning on each expert
    result = _eligible_text("shanghai-2022", facts, "2022-01-20")
    warned = sum(1 for r in result["results"] if r["severity"] == "warning" and r["outcome"] == "fail")
    assert result["verdict"] == "eligible" and warned == len(facts["experts"])
    assert result["verdict_text"].startswith("硬性要求均符合；另有 ")
    assert f"{warned} 项一般性要求未符合" in result["verdict_text"]
    assert "可自动判定的条件均符合" not in result["verdict_text"]
    # an info rule not followed (liaoning: not relying on a base) is counted too
    liaoning = _eligible_text("liaoning-2026", example("liaoning-2026"), "2026-06-15")
    assert liaoning["verdict"] == "eligible" and "1 项倡导性条款未符合" in liaoning["verdict_text"]
    # at closing before anything is due: the hard duties are pending, so only the judged ones are claimed
    closing = _eligible_text("liaoning-2026", example("liaoning-2026"), "2026-06-15", stage="closing")
    pending = sum(1 for r in closing["results"] if r["outcome"] == "pending")
    assert closing["verdict"] == "eligible" and pending
    assert closing["verdict_text"].startswith(f"已判定的硬性要求均符合；另有 {pending} 项待办尚未到期")


def test_a_bare_eligible_only_when_nothing_is_left() -> None:
    from engine.explain import verdict_text

    clean = [{"kind": "requirement", "severity": "error", "outcome": "pass"},
             {"kind": "requirement", "severity": "warning", "outcome": "not_applicable"},
             {"kind": "entitlement", "severity": "info", "outcome": "fail"}]  # an entitlement not granted: no claim
    assert verdict_text("eligible", 0, (), True, results=clean) == "符合条件"
    assert verdict_text("eligible", 2, (), True, results=clean) == "硬性要求均符合；另有 2 项需人工核对"
    missing = clean + [{"kind": "requirement", "severity": "info", "outcome": "missing"}]
    assert verdict_text("eligible", 0, (), True, results=missing) == "硬性要求均符合；另有 1 项提醒缺少事实"


@pytest.mark.parametrize("regime_id", REGIMES)
def test_every_ledger_accounts_for_every_normative_sentence(regime_id: str) -> None:
    report = ledger.regime_report(registry().get(regime_id))
    assert report["normative_sentences"] > 0 and report["coverage"] == 1.0


def test_a_new_sentence_with_a_modal_word_fails_validation_naming_its_line(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies" / "sources", policies / "sources")
    shutil.copytree(ROOT / "policies" / "shanghai", policies / "shanghai")
    source = policies / "sources" / "shanghai-2026.txt"
    lines = source.read_text(encoding="utf-8").splitlines()
    lines.insert(20, "申报单位须另行提交承诺书。")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_regime_file(policies / "shanghai" / "2026.yaml")
    [problem] = [e for e in info.value.errors if "承诺书" in e]
    assert problem.startswith(str(policies / "shanghai" / ".." / "sources" / "shanghai-2026.txt") + ":21:")
    assert "须" in problem


def test_obligations_export_an_icalendar_file(tmp_path: Path, capsysbinary) -> None:
    facts = ROOT / "examples" / "liaoning-2026" / "compliant.yaml"
    assert main(["obligations", str(facts), "--regime", "liaoning-2026", "--as-of", "2026-06-15", "--format", "ics"]) == 0
    calendar = icalendar.Calendar.from_ical(capsysbinary.readouterr().out)
    events = [c for c in calendar.walk("VEVENT")]
    assert events and all("含当日" in str(e["SUMMARY"]) for e in events)
    assert {e.decoded("DTSTART").isoformat() for e in events} >= {"2026-11-30"}


def test_every_missing_outcome_names_what_is_missing() -> None:
    """`missing` tells the applicant what to provide: never an empty list ("缺少：相关事实"), also when a list is
    empty (a share of no experts is unknown: the list is named)."""
    import datetime as dt
    from pathlib import Path

    from engine.evaluate import evaluate
    from engine.facts import load_facts_file
    from engine.registry import Registry

    registry = Registry.load()
    root = Path(__file__).resolve().parent.parent / "examples"
    unnamed = []
    for rid, regime in registry.regimes.items():
        for path in sorted((root / rid).glob("*.yaml")):
            facts = load_facts_file(path)
            for variant in (facts, {**facts, "experts": []}, {k: v for k, v in facts.items() if k != "project"}):
                for judge in regime.judgements:
                    for stage in ("application", "closing"):
                        result = evaluate(regime, variant, dt.date(2026, 6, 1), stage=stage, judge=judge)
                        unnamed += [(rid, path.name, judge, stage, r["rule"]) for r in result["results"]
                                    if r["outcome"] == "missing" and not r["missing"]]
    assert unnamed == []


def test_an_edition_named_out_of_its_time_is_flagged() -> None:
    """`--regime` / `regime` / the form's regime list apply the named edition as asked; the answer says when it was
    not the one in force (service audit of 2026-11-27: liaoning-2026 on 2020-01-01 read green with no note)."""
    from engine.compare.core import compare

    reg = registry()
    liaoning, sh22, sh26 = reg.get("liaoning-2026"), reg.get("shanghai-2022"), reg.get("shanghai-2026")
    assert "尚未适用" in reg.edition_note(liaoning, dt.date(2020, 1, 1))
    assert reg.edition_note(liaoning, liaoning.effective_from) == ""  # on its first day: in force
    assert reg.edition_note(liaoning, liaoning.effective_from - dt.timedelta(days=1)) != ""
    assert "上海现行的是 shanghai-2026" in reg.edition_note(sh22, dt.date(2026, 6, 1))
    assert reg.edition_note(sh22, sh26.effective_from - dt.timedelta(days=1)) == ""  # the day before 2026's
    assert reg.edition_note(sh26, dt.date(2026, 6, 1)) == ""
    out = compare(reg, example("shanghai-2026"), ["shanghai-2022", "shanghai-2026"], dt.date(2026, 6, 1))
    assert "shanghai-2026" in out["edition_notes"]["shanghai-2022"] and "shanghai-2026" not in out["edition_notes"]
    assert all("edition_note" not in r for r in out["results"].values())  # results stay what evaluate gives
