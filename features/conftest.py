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
    return {"regime": None, "facts": {}, "result": None, "error": None, "as_of": dt.date(2026, 6, 1)}


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


@when("判定")
def when_check(ctx: dict) -> None:
    ctx["result"] = support.check(ctx["regime"], ctx["facts"], ctx["as_of"])


@when(parsers.re(r'^按地区 "(?P<region>[^"]+)" 和日期 "(?P<day>[^"]+)" 判定$'))
def when_check_region(ctx: dict, region: str, day: str) -> None:
    try:
        regime = support.registry().select(region, dt.date.fromisoformat(day))
    except SelectionError as exc:
        ctx["error"] = str(exc)
        return
    ctx["result"] = evaluate(regime, ctx["facts"], dt.date.fromisoformat(day))


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
