"""Step definitions shared by every features/*.feature file (Chinese Gherkin, pytest-bdd).

Vocabulary (the value after 为 is written as YAML: 3, 2.5, true, intermediate, [a, b], 2026-06-19):
  假如规则集为 "liaoning-2026"
  假如以示例 "compliant" 为基础            (examples/<规则集>/compliant.yaml)
  假如一份空的事实
  假如 "project.onsite_days" 为 4
  假如删除 "project.submitted_on"
  当判定 / 当按地区 "shanghai" 和日期 "2023-06-01" 判定
  那么结论为 "ineligible"
  那么规则 "expert-title" 的结果为 "fail"
  那么规则 "expert-title" 对 "E2" 的结果为 "pass"
  那么缺少事实 "project.submitted_on"
  那么选用的规则集为 "shanghai-2022"
  那么提示包含 "尚无生效的规则集"
  假如阶段为 "application"                  (默认 closing：每个阶段的规则都判定)
  假如判定对象为 "base"                      (默认按事实推断：有 project 即 application)
  那么结论说明包含 "另有 2 项需人工核对"
  那么缺少主体 "project"
  那么待办 "summary-report" 的状态为 "pending"
  那么待办 "summary-report" 的截止日期为 "2026-12-30"
  那么需人工核对的条目包含 "学术造诣"
  那么没有需人工核对的条目
  那么规则 "summary-report" 未判定（属于以后的阶段）
  那么注意事项包含 "日期存疑"
  那么没有待办事项
  那么规则 "funding-support" 的说明包含 "含当日" / 的说明不含 "须"
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, then, when

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import support  # noqa: E402

from engine.evaluate import evaluate  # noqa: E402
from engine.registry import SelectionError  # noqa: E402


@pytest.fixture
def ctx() -> dict:
    return {"regime": None, "facts": {}, "result": None, "error": None, "as_of": dt.date(2026, 6, 1),
            "stage": None, "judge": None}


@given(parsers.re(r'^规则集为 "(?P<regime>[^"]+)"$'))
def given_regime(ctx: dict, regime: str) -> None:
    ctx["regime"] = regime


@given(parsers.re(r'^以示例 "(?P<name>[^"]+)" 为基础$'))
def given_example(ctx: dict, name: str) -> None:
    ctx["facts"] = support.example(ctx["regime"], name)


@given("一份空的事实")
def given_empty(ctx: dict) -> None:
    ctx["facts"] = {}


@given(parsers.re(r'^"(?P<path>[^"]+)" 为 (?P<value>.+)$'))
def given_value(ctx: dict, path: str, value: str) -> None:
    support.set_path(ctx["facts"], path, support.parse_value(value))


@given(parsers.re(r'^删除 "(?P<path>[^"]+)"$'))
def given_deleted(ctx: dict, path: str) -> None:
    support.delete_path(ctx["facts"], path)


@given(parsers.re(r'^基准日期为 "(?P<day>[^"]+)"$'))
def given_as_of(ctx: dict, day: str) -> None:
    ctx["as_of"] = dt.date.fromisoformat(day)


@given(parsers.re(r'^阶段为 "(?P<stage>[^"]+)"$'))
def given_stage(ctx: dict, stage: str) -> None:
    ctx["stage"] = stage


@given(parsers.re(r'^判定对象为 "(?P<judge>[^"]+)"$'))
def given_judge(ctx: dict, judge: str) -> None:
    ctx["judge"] = judge


@when("判定")
def when_check(ctx: dict) -> None:
    ctx["result"] = support.check(ctx["regime"], ctx["facts"], ctx["as_of"], stage=ctx["stage"], judge=ctx["judge"])


@when(parsers.re(r'^按地区 "(?P<region>[^"]+)" 和日期 "(?P<day>[^"]+)" 判定$'))
def when_check_region(ctx: dict, region: str, day: str) -> None:
    try:
        regime = support.registry().select(region, dt.date.fromisoformat(day))
    except SelectionError as exc:
        ctx["error"] = str(exc)
        return
    ctx["result"] = evaluate(regime, ctx["facts"], dt.date.fromisoformat(day),
                             stage=ctx["stage"] or support.DEFAULT_TEST_STAGE,
                             judge=ctx["judge"] or support.judgement_for(ctx["facts"]))


@then(parsers.re(r'^结论为 "(?P<verdict>[^"]+)"$'))
def then_verdict(ctx: dict, verdict: str) -> None:
    assert ctx["result"]["verdict"] == verdict, [
        (r["rule"], r["subject_id"], r["outcome"]) for r in ctx["result"]["results"]
        if r["outcome"] in ("fail", "missing") and r["severity"] == "error"]


@then(parsers.re(r'^规则 "(?P<rule>[^"]+)" 的结果为 "(?P<outcome>[^"]+)"$'))
def then_outcome(ctx: dict, rule: str, outcome: str) -> None:
    assert support.outcome(ctx["result"], rule) == outcome


@then(parsers.re(r'^规则 "(?P<rule>[^"]+)" 对 "(?P<subject>[^"]+)" 的结果为 "(?P<outcome>[^"]+)"$'))
def then_outcome_for(ctx: dict, rule: str, subject: str, outcome: str) -> None:
    assert support.outcome(ctx["result"], rule, subject) == outcome


@then(parsers.re(r'^缺少事实 "(?P<path>[^"]+)"$'))
def then_missing(ctx: dict, path: str) -> None:
    missing = {p for r in ctx["result"]["results"] for p in r["missing"]}
    assert path in missing, sorted(missing)


@then(parsers.re(r'^选用的规则集为 "(?P<regime>[^"]+)"$'))
def then_selected(ctx: dict, regime: str) -> None:
    assert ctx["error"] is None, ctx["error"]
    assert ctx["result"]["regime"]["id"] == regime


@then(parsers.re(r'^提示包含 "(?P<text>[^"]+)"$'))
def then_error(ctx: dict, text: str) -> None:
    assert ctx["error"] is not None and text in ctx["error"], ctx["error"]


@then(parsers.re(r'^结论说明包含 "(?P<text>[^"]+)"$'))
def then_verdict_text(ctx: dict, text: str) -> None:
    assert text in ctx["result"]["verdict_text"], ctx["result"]["verdict_text"]


@then(parsers.re(r'^缺少主体 "(?P<subject>[^"]+)"$'))
def then_missing_subject(ctx: dict, subject: str) -> None:
    assert subject in ctx["result"]["missing_subjects"], ctx["result"]["missing_subjects"]


def _obligation(ctx: dict, rule: str) -> dict:
    full = rule if "/" in rule else f"{ctx['result']['regime']['id']}/{rule}"
    found = [o for o in ctx["result"]["obligations"] if o["rule"] == full]
    assert len(found) == 1, (full, ctx["result"]["obligations"])
    return found[0]


@then(parsers.re(r'^待办 "(?P<rule>[^"]+)" 的状态为 "(?P<status>[^"]+)"$'))
def then_obligation_status(ctx: dict, rule: str, status: str) -> None:
    assert _obligation(ctx, rule)["status"] == status


@then(parsers.re(r'^待办 "(?P<rule>[^"]+)" 的截止日期为 "(?P<day>[^"]+)"$'))
def then_obligation_due(ctx: dict, rule: str, day: str) -> None:
    assert _obligation(ctx, rule)["due"] == day


@then(parsers.re(r'^需人工核对的条目包含 "(?P<text>[^"]+)"$'))
def then_manual(ctx: dict, text: str) -> None:
    quotes = [m["quote"] + m["what"] for m in ctx["result"]["manual_checks"]]
    assert any(text in q for q in quotes), quotes


@then("没有需人工核对的条目")
def then_no_manual(ctx: dict) -> None:
    assert ctx["result"]["manual_checks"] == []


@then(parsers.re(r'^规则 "(?P<rule>[^"]+)" 未判定（属于以后的阶段）$'))
def then_not_judged(ctx: dict, rule: str) -> None:
    full = rule if "/" in rule else f"{ctx['result']['regime']['id']}/{rule}"
    assert all(r["rule"] != full for r in ctx["result"]["results"])
    assert any(r["rule"] == full for r in ctx["result"]["later_stages"])


@then(parsers.re(r'^注意事项包含 "(?P<text>[^"]+)"$'))
def then_caveat(ctx: dict, text: str) -> None:
    assert text in (ctx["result"].get("caveat") or ""), ctx["result"].get("caveat")


@then("没有待办事项")
def then_no_obligations(ctx: dict) -> None:
    assert ctx["result"]["obligations"] == []


@then(parsers.re(r'^规则 "(?P<rule>[^"]+)" 的说明包含 "(?P<text>[^"]+)"$'))
def then_message(ctx: dict, rule: str, text: str) -> None:
    messages = [r["message"] for r in support.results_for(ctx["result"], rule)]
    assert any(text in m for m in messages), messages


@then(parsers.re(r'^规则 "(?P<rule>[^"]+)" 的说明不含 "(?P<text>[^"]+)"$'))
def then_message_lacks(ctx: dict, rule: str, text: str) -> None:
    messages = [r["message"] for r in support.results_for(ctx["result"], rule)]
    assert all(text not in m for m in messages), messages
