"""engine.compare (compare / matrix / diff), its renderers and the `compare`, `matrix`, `diff` commands."""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
from typing import Any

import pytest
from rich.console import Console

from engine.cli.main import main
from engine.compare import render
from engine.compare.core import (
    NOT_ADDRESSED,
    Describer,
    compare,
    describe_rule,
    diff,
    matrix,
    outcome_table,
    topic_key,
)
from engine.policy.conditions import Cmp, Const, Field
from engine.policy.model import Regime
from engine.policy.validate import load_regime_text
from engine.registry import Registry, SelectionError

HEADER = """
id: {id}
region: alpha
region_name: 甲省
edition: {edition}
title: 甲省专家服务基层通知（{edition}）
issuer: 甲省人社厅
documents:
  - {{short: 通知, name: 甲省通知{edition}, number: 甲人社〔{edition}〕1号, issued: {edition}-01-10}}
issued: {edition}-01-10
effective_from: {edition}-01-10
kind: application_notice
version: 1.0.0
source_text: none.txt
rules:
"""

OLD_RULES = """
  - id: expert-title
    title: 专家职称
    topic: expert.title
    subject: expert
    kind: requirement
    severity: warning
    stage: application
    reading: 测试用规则
    params: {titles: [senior, associate_senior]}
    check: {field: title, in: $titles}
    message: 专家一般应具有副高级及以上职称；职称：{title}
    source: {document: 通知, clause: 一, quote: 专家一般应具有副高级及以上职称}
  - id: employer-approval
    topic: expert.employer_approval
    subject: expert
    kind: requirement
    severity: error
    stage: application
    reading: 测试用规则
    check: {field: employer_approved, eq: true}
    message: 应经单位批准
    source: {document: 通知, clause: 一, quote: 应经单位批准}
  - id: deadline
    topic: application.deadline
    subject: project
    kind: requirement
    severity: error
    stage: application
    reading: 测试用规则
    params: {deadline: 2020-03-01}
    check: {field: submitted_on, le: $deadline}
    message: 于{deadline}前报送
    source: {document: 通知, clause: 五, quote: 于3月1日前报送}
  - id: onsite
    title: 现场服务时间
    topic: project.onsite_days
    subject: project
    kind: requirement
    severity: warning
    stage: application
    reading: 测试用规则
    params: {min_days: 2, max_days: 3}
    check:
      all:
        - {field: onsite_days, ge: $min_days}
        - {field: onsite_days, le: $max_days}
    message: 现场服务一般为2-3天
    source: {document: 通知, clause: 二, quote: 一般为2-3天}
"""

NEW_RULES = """
  - id: expert-title
    title: 专家职称
    topic: expert.title
    subject: expert
    kind: requirement
    severity: error
    stage: application
    reading: 测试用规则
    params: {titles: [senior, associate_senior]}
    check:
      any:
        - {field: title, in: $titles}
        - {field: equivalent_level, eq: true}
    message: 专家应具有副高级以上职称或相应水平；职称：{title}
    source: {document: 通知, clause: 一, quote: 应具有副高级以上职称或相应水平}
  - id: deadline
    topic: application.deadline
    subject: project
    kind: requirement
    severity: error
    stage: application
    reading: 测试用规则
    params: {deadline: 2024-03-01}
    check: {field: submitted_on, le: $deadline}
    message: 于{deadline}前报送
    source: {document: 通知, clause: 五, quote: 于3月1日前报送}
  - id: onsite-visit
    title: 现场服务时间
    topic: project.onsite_days
    subject: project
    kind: requirement
    severity: warning
    stage: application
    reading: 测试用规则
    params: {min_days: 2, max_days: 3}
    check:
      all:
        - {field: onsite_days, ge: $min_days}
        - {field: onsite_days, le: $max_days}
    message: 现场服务一般为2-3天
    source: {document: 通知, clause: 二（一）, quote: 一般为2-3天}
  - id: support-national
    title: 国家级经费上限
    topic: funding.support
    subject: project
    kind: requirement
    severity: error
    stage: application
    reading: 测试用规则
    params: {cap_wan: 20}
    when: {field: level, eq: national}
    check: {field: budget.requested_support_wan, le: $cap_wan}
    message: 国家级不超过{cap_wan}万元
    source: {document: 通知, clause: 附件1 二, quote: 国家级不超过 20 万元 <注> | 含自筹}
  - id: support-municipal
    title: 市级经费上限
    topic: funding.support
    subject: project
    kind: requirement
    severity: error
    stage: application
    reading: 测试用规则
    params: {cap_wan: 10}
    when: {field: level, eq: municipal}
    check: {field: budget.requested_support_wan, le: $cap_wan}
    message: 市级不超过{cap_wan}万元
    source: {document: 通知, clause: 附件1 二, quote: 市级不超过 10 万元}
  - id: no-gifts
    topic: funding.prohibited_expenses
    subject: project
    kind: requirement
    severity: error
    stage: application
    reading: 测试用规则
    params: {prohibited: [gifts, hospitality]}
    when: {exists: expenses}
    check:
      none: expenses
      check: {field: category, in: $prohibited}
    message: 不得用于礼品礼金、公务接待
    source: {document: 通知, clause: 三, quote: 不得用于礼品礼金}
  - id: plan-filing
    topic: reporting.plan_filing
    subject: project
    kind: requirement
    severity: error
    stage: application
    reading: 测试用规则
    params: {days_before: 10}
    check: {field: plan_filed_on, le: {field: start_date, minus_days: $days_before}}
    message: 提前备案
    source: {document: 通知, clause: 四, quote: 开展10日前备案}
  - id: content-limit
    topic: application.text_limits
    subject: project
    kind: requirement
    severity: error
    stage: application
    reading: 测试用规则
    params: {max_chars: 1000}
    check: {field: content_text, max_length: $max_chars}
    message: 不超过1000字
    source: {document: 通知, clause: 附件1, quote: 不超过1000字}
  - id: education-hours
    topic: benefit.continuing_education
    subject: expert
    kind: entitlement
    severity: info
    stage: application
    reading: 测试用规则
    params: {min_days: 0}
    check: {field: service_days_in_year, gt: $min_days}
    message: 可折算为继续教育学时
    source: {document: 通知, clause: 五, quote: 可视为继续教育课时}
"""


def _regime(regime_id: str, edition: int, rules: str) -> Regime:
    return load_regime_text(HEADER.format(id=regime_id, edition=edition) + rules, f"{regime_id}.yaml", check_quotes=False)


@pytest.fixture(scope="module")
def mini() -> Registry:
    old, new = _regime("alpha-2020", 2020, OLD_RULES), _regime("alpha-2024", 2024, NEW_RULES)
    return Registry(regimes={old.id: old, new.id: new})


def _rule(registry: Registry, regime_id: str, local_id: str):
    return next(r for r in registry.get(regime_id).rules if r.local_id == local_id)


# ---------------------------------------------------------------- describing rules

@pytest.mark.parametrize("regime_id, local_id, text", [
    ("alpha-2024", "expert-title", "职称 ∈ 正高级、副高级 或 相应专业技术水平 = 是（硬性要求）"),
    ("alpha-2020", "expert-title", "职称 ∈ 正高级、副高级（一般性要求）"),
    ("alpha-2024", "deadline", "2024-03-01 前报送（硬性要求）"),
    ("alpha-2024", "onsite-visit", "现场服务天数 2–3天（一般性要求）"),
    ("alpha-2024", "support-national", "国家级：申请经费支持 ≤ 20万元（硬性要求）"),
    ("alpha-2024", "no-gifts", "支出中不得有：支出类别 ∈ 礼品礼金、公务接待（硬性要求）"),
    ("alpha-2024", "plan-filing", "方案备案不晚于开始日期前 10 天（硬性要求）"),
    ("alpha-2024", "content-limit", "服务内容字数 ≤ 1000字（硬性要求）"),
    ("alpha-2024", "education-hours", "年度服务基层天数 > 0天（权益）"),
    ("alpha-2020", "employer-approval", "经所在单位批准 = 是（硬性要求）"),
])
def test_describe_rule_reads_as_chinese(mini: Registry, regime_id: str, local_id: str, text: str) -> None:
    assert describe_rule(_rule(mini, regime_id, local_id)) == text


def test_describer_falls_back_to_the_field_name() -> None:
    cond = Cmp(Field(("novel_count",), None, "number"), "ge", Const(3))
    assert Describer("project").describe(cond) == "novel_count ≥ 3"


# ---------------------------------------------------------------- compare

INTERMEDIATE = {"experts": [{"id": "E1", "name": "张伟", "title": "intermediate", "equivalent_level": False,
                             "healthy": True, "willing": True, "adaptable": True, "employer_approved": True}]}


def test_compare_evaluates_every_regime_or_those_named(mini: Registry) -> None:
    everything = compare(mini, INTERMEDIATE, as_of=dt.date(2024, 6, 1), judge="expert")  # the facts hold experts only
    assert list(everything)[:3] == ["stage", "judged", "results"] and everything["judged"] == "expert"
    # on 2024-06-01 an edition not in force (not yet, or superseded) says so, beside the results (edition_notes)
    def in_force(r: Any) -> bool:
        try:
            return mini.select(r.region, dt.date(2024, 6, 1)).id == r.id
        except SelectionError:
            return False

    assert set(everything.get("edition_notes", {})) == {r.id for r in mini.regimes.values() if not in_force(r)}
    assert list(everything["results"]) == ["alpha-2020", "alpha-2024"]
    named = compare(mini, INTERMEDIATE, ["alpha-2024"])
    assert list(named["results"]) == ["alpha-2024"]
    assert named["results"]["alpha-2024"]["verdict"] == "ineligible"
    assert everything["results"]["alpha-2020"]["verdict"] == "eligible"


def _facts(level: str, ok: bool) -> dict:
    expert = {"id": "E1", "name": "李", "title": "senior" if ok else "junior", "equivalent_level": False,
              "employer_approved": ok, "service_days_in_year": 6 if ok else 0}
    project = {"id": "P1", "level": level, "submitted_on": "2020-02-20" if ok else "2024-05-01",
               "onsite_days": 3 if ok else 5, "budget": {"requested_support_wan": 8 if ok else 25},
               "expenses": [{"category": "transport" if ok else "gifts", "amount_yuan": 100}],
               "start_date": "2024-07-01", "plan_filed_on": "2024-06-01" if ok else "2024-06-28",
               "content_text": "技术指导" * (10 if ok else 300)}
    return {"project": project, "experts": [expert]}


@pytest.mark.parametrize("level", ["national", "municipal"])
@pytest.mark.parametrize("ok", [True, False])
def test_compare_every_rule_of_both_regimes_on_good_and_bad_facts(mini: Registry, level: str, ok: bool) -> None:
    results = compare(mini, _facts(level, ok))["results"]
    for rid, result in results.items():
        applied = {r["rule"]: r["outcome"] for r in result["results"] if r["outcome"] != "not_applicable"}
        assert set(applied.values()) == {"pass" if ok else "fail"}, (rid, applied)
        assert result["verdict"] == ("eligible" if ok else "ineligible")
    caps = {r["rule"] for r in results["alpha-2024"]["results"] if r["outcome"] != "not_applicable"}
    assert f"alpha-2024/support-{level}" in caps


def test_compare_unknown_regime_is_a_selection_error(mini: Registry) -> None:
    with pytest.raises(SelectionError, match="nowhere-1999"):
        compare(mini, INTERMEDIATE, ["nowhere-1999"])


def test_outcome_table_marks_disagreeing_topics(mini: Registry) -> None:
    table = outcome_table(compare(mini, INTERMEDIATE), mini)
    rows = {r["topic"]: r for r in table["rows"]}
    title = rows["expert.title"]
    assert title["disagreeing"]
    assert (title["cells"]["alpha-2020"]["outcome"], title["cells"]["alpha-2020"]["severity"]) == ("fail", "warning")
    assert (title["cells"]["alpha-2024"]["outcome"], title["cells"]["alpha-2024"]["severity"]) == ("fail", "error")
    assert title["cells"]["alpha-2024"]["label"] == "不符合（硬性要求）"
    # a pass in one regime and no rule in the other tell the expert the same thing: nothing to fix
    approval = rows["expert.employer_approval"]
    assert approval["cells"]["alpha-2024"]["label"] == NOT_ADDRESSED
    assert approval["cells"]["alpha-2020"]["label"] == "符合"
    assert not approval["disagreeing"]
    assert table["verdicts"]["alpha-2024"]["verdict"] == "ineligible"


def test_outcome_cell_keeps_the_worst_outcome(mini: Registry) -> None:
    facts = {"experts": [dict(INTERMEDIATE["experts"][0], id="E2", title="senior"), INTERMEDIATE["experts"][0]]}
    cell = outcome_table(compare(mini, facts, ["alpha-2024"]))["rows"][0]["cells"]["alpha-2024"]
    assert cell["outcome"] == "fail"
    assert cell["rules"] == ["alpha-2024/expert-title"]


# ---------------------------------------------------------------- matrix

def test_matrix_rows_follow_the_domain_topic_order_and_say_not_addressed(mini: Registry) -> None:
    data = matrix(mini)
    topics = [r["topic"] for r in data["rows"]]
    assert topics == sorted(topics, key=topic_key)
    assert topics[0] == "expert.title"
    assert [r["id"] for r in data["regimes"]] == ["alpha-2020", "alpha-2024"]
    support = next(r for r in data["rows"] if r["topic"] == "funding.support")
    assert support["cells"]["alpha-2020"] == {"addressed": False, "text": NOT_ADDRESSED, "rules": []}
    cell = support["cells"]["alpha-2024"]
    assert cell["text"] == "国家级：申请经费支持 ≤ 20万元（硬性要求）；市级：申请经费支持 ≤ 10万元（硬性要求）"
    assert [r["source"]["clause"] for r in cell["rules"]] == ["附件1 二", "附件1 二"]
    assert cell["rules"][0]["params"] == {"cap_wan": 20}


def test_matrix_topic_filter_keeps_order_given_and_rejects_unknown_topics(mini: Registry) -> None:
    data = matrix(mini, ["alpha-2024"], ["funding.support", "expert.title"])
    assert [r["topic"] for r in data["rows"]] == ["funding.support", "expert.title"]
    with pytest.raises(SelectionError, match="funding.nothing"):
        matrix(mini, topics=["funding.nothing"])


# ---------------------------------------------------------------- diff

def test_diff_topics_and_rule_changes(mini: Registry) -> None:
    data = diff(mini, "alpha-2020", "alpha-2024")
    assert (data["from"], data["to"]) == ("alpha-2020", "alpha-2024")
    assert data["topics"]["added"] == ["application.text_limits", "funding.support", "funding.prohibited_expenses",
                                       "reporting.plan_filing", "benefit.continuing_education"]
    assert data["topics"]["removed"] == ["expert.employer_approval"]
    assert data["topics"]["changed"] == ["expert.title", "application.deadline"]
    by_id = {(e["from"] or e["to"])["local_id"]: e for e in data["rules"]}
    title = by_id["expert-title"]
    assert title["change"] == "changed"
    assert title["changes"]["severity"] == {"from": "warning", "to": "error"}
    assert title["changes"]["requirement"]["to"].startswith("职称 ∈ 正高级、副高级 或 ")
    assert title["from"]["source"]["quote"] == "专家一般应具有副高级及以上职称"
    assert title["to"]["source"]["quote"] == "应具有副高级以上职称或相应水平"
    assert by_id["deadline"]["changes"]["params"] == {"deadline": {"from": "2020-03-01", "to": "2024-03-01"}}
    assert by_id["employer-approval"]["change"] == "removed"
    assert by_id["support-national"]["change"] == "added"


def test_diff_pairs_single_rules_of_a_topic_despite_new_ids(mini: Registry) -> None:
    entry = next(e for e in diff(mini, "alpha-2020", "alpha-2024")["rules"] if e["topic"] == "project.onsite_days")
    assert (entry["from"]["local_id"], entry["to"]["local_id"]) == ("onsite", "onsite-visit")
    # only the clause moved: the requirement is the same
    assert entry["change"] == "reworded"
    assert set(entry["changes"]) == {"source"}


def test_diff_of_a_regime_with_itself_is_empty(mini: Registry) -> None:
    data = diff(mini, "alpha-2024", "alpha-2024")
    assert data["topics"] == {"added": [], "removed": [], "changed": []}
    assert {e["change"] for e in data["rules"]} == {"unchanged"}


def test_diff_unknown_regime(mini: Registry) -> None:
    with pytest.raises(SelectionError):
        diff(mini, "alpha-2020", "beta-2024")


# ---------------------------------------------------------------- renderers

def _recorded(fn, *args) -> str:
    console = Console(record=True, width=220, file=io.StringIO())
    fn(*args, console)
    return console.export_text()


def test_matrix_html_is_one_self_contained_escaped_page(mini: Registry) -> None:
    page = render.matrix_html(matrix(mini))
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page
    assert 'name="viewport"' in page and "@media (max-width:760px)" in page
    assert "国家级：申请经费支持 ≤ 20万元" in page and "市级：申请经费支持 ≤ 10万元" in page
    assert "国家级不超过 20 万元 &lt;注&gt; | 含自筹" in page
    assert "<注>" not in page
    assert not re.search(r"<(script|link|img)\b|src=|https?://", page)
    assert NOT_ADDRESSED in page


def test_matrix_markdown_and_text(mini: Registry) -> None:
    data = matrix(mini)
    md = render.matrix_markdown(data)
    assert "| 主题 | alpha-2020 | alpha-2024 |" in md
    assert "国家级不超过 20 万元 &lt;注&gt; \\| 含自筹" in md
    assert f"*{NOT_ADDRESSED}*" in md
    text = _recorded(render.matrix_text, data)
    assert "市级：申请经费支持 ≤ 10万元（硬性要求）" in text and NOT_ADDRESSED in text


def test_diff_renderers(mini: Registry) -> None:
    data = diff(mini, "alpha-2020", "alpha-2024")
    md = render.diff_markdown(data)
    assert md.startswith("# 规则集差异：alpha-2020 → alpha-2024")
    assert "参数 deadline：2020-03-01 → 2024-03-01" in md
    assert "性质：一般性要求 → 硬性要求" in md
    assert "所在单位批准（expert.employer_approval）" in md
    text = _recorded(render.diff_text, data)
    assert "删除主题：所在单位批准（expert.employer_approval）" in text
    assert "新增：国家级：申请经费支持 ≤ 20万元（硬性要求）" in text


def test_compare_text_marks_disagreement(mini: Registry) -> None:
    text = _recorded(render.compare_text, outcome_table(compare(mini, INTERMEDIATE), mini))
    assert "不符合条件" in text and "符合条件" in text
    title_line = next(line for line in text.splitlines() if "专家职称" in line)
    assert "≠" in title_line and "不符合（硬性要求）" in title_line and "不符合（一般性要求）" in title_line


# ---------------------------------------------------------------- golden tests on the real regimes

GOLDEN = ("liaoning-2026", "shanghai-2022", "shanghai-2026")


@functools.cache
def _real() -> Registry:
    return Registry.load()


@pytest.fixture
def real() -> Registry:
    reg = _real()
    absent = [r for r in GOLDEN if r not in reg.regimes]
    if absent:
        pytest.skip(f"规则文件尚未就绪或未通过校验：{'、'.join(absent)}")
    return reg


def test_golden_shanghai_2022_to_2026_diff(real: Registry) -> None:
    data = diff(real, "shanghai-2022", "shanghai-2026")
    assert {"project.cumulative_days", "funding.support"} <= set(data["topics"]["added"])
    assert "expert.employer_approval" in data["topics"]["removed"]
    removed = [e for e in data["rules"] if e["topic"] == "expert.employer_approval"]
    assert removed and all(e["change"] == "removed" and e["from"]["source"]["quote"] for e in removed)


def test_golden_matrix_shanghai_2026_funding_caps(real: Registry) -> None:
    cell = matrix(real, ["shanghai-2026"], ["funding.support"])["rows"][0]["cells"]["shanghai-2026"]
    assert "国家级：申请经费支持 ≤ 20万元" in cell["text"]
    assert "市级：申请经费支持 ≤ 10万元" in cell["text"]
    quotes = [re.sub(r"\s+", "", r["source"]["quote"]) for r in cell["rules"]]
    assert any("不超过20万元" in q for q in quotes) and any("不超过10万元" in q for q in quotes)
    assert all("经费保障" in r["source"]["clause"] for r in cell["rules"])


def test_golden_compare_intermediate_title_expert(real: Registry) -> None:
    data = compare(real, INTERMEDIATE, ["liaoning-2026", "shanghai-2026"], dt.date(2026, 6, 1))
    row = next(r for r in outcome_table(data, real)["rows"] if r["topic"] == "expert.title")
    ln, sh = row["cells"]["liaoning-2026"], row["cells"]["shanghai-2026"]
    assert (ln["outcome"], ln["severity"]) == ("fail", "error")
    assert (sh["outcome"], sh["severity"]) == ("fail", "warning")
    assert row["disagreeing"]
    assert data["results"]["liaoning-2026"]["verdict"] == "ineligible"


def test_golden_cross_region_diff(real: Registry) -> None:
    data = diff(real, "liaoning-2026", "shanghai-2026")
    title = next(e for e in data["rules"] if e["topic"] == "expert.title")
    assert title["change"] == "changed"
    assert title["changes"]["severity"] == {"from": "error", "to": "warning"}
    assert "expert.title" in data["topics"]["changed"]
    assert "project.cumulative_days" in data["topics"]["added"]


# ---------------------------------------------------------------- CLI

@pytest.fixture
def facts_file(tmp_path):
    path = tmp_path / "expert.json"
    path.write_text(json.dumps(INTERMEDIATE, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_cli_compare_json(real: Registry, facts_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["compare", facts_file, "--regimes", "liaoning-2026,shanghai-2026", "--as-of", "2026-06-01",
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert list(out) == ["stage", "judged", "results"]
    assert list(out["results"]) == ["liaoning-2026", "shanghai-2026"]
    assert out["results"]["liaoning-2026"]["verdict"] == "ineligible"
    assert out["results"]["shanghai-2026"]["regime"]["id"] == "shanghai-2026"


def test_cli_compare_text_exit_zero_even_when_ineligible(real: Registry, facts_file: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", facts_file, "--regimes", "liaoning-2026,shanghai-2026"]) == 0
    out = capsys.readouterr().out
    assert "专家职称" in out and "≠" in out


def test_cli_unknown_regime_is_bad_input(real: Registry, facts_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", facts_file, "--regimes", "liaoning-2026,atlantis-2030"]) == 3
    assert "atlantis-2030" in capsys.readouterr().err
    assert main(["diff", "liaoning-2026", "atlantis-2030"]) == 3
    assert main(["matrix", "--topics", "funding.nothing"]) == 3
    assert "funding.nothing" in capsys.readouterr().err


def test_cli_matrix_formats(real: Registry, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["matrix", "--regimes", "liaoning-2026,shanghai-2026", "--topics", "funding.support,project.cumulative_days"]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["topic"] for r in data["rows"]] == ["funding.support", "project.cumulative_days"]
    assert data["rows"][1]["cells"]["liaoning-2026"]["text"] == NOT_ADDRESSED
    assert main([*args, "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert '<html lang="zh-CN">' in page and "国家级：申请经费支持 ≤ 20万元" in page
    assert main([*args, "--format", "markdown"]) == 0
    assert "| 主题 | liaoning-2026 | shanghai-2026 |" in capsys.readouterr().out
    assert main(args) == 0
    assert "累计服务天数 ≥ 5天（硬性要求）" in capsys.readouterr().out


def test_cli_diff_json_and_markdown(real: Registry, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "shanghai-2022", "shanghai-2026", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"from", "to", "topics", "rules"} <= set(data)
    assert set(data["topics"]) == {"added", "removed", "changed"}
    assert "funding.support" in data["topics"]["added"]
    assert main(["diff", "shanghai-2022", "shanghai-2026", "--format", "markdown"]) == 0
    assert "# 规则集差异：shanghai-2022 → shanghai-2026" in capsys.readouterr().out
    assert main(["diff", "shanghai-2022", "shanghai-2026"]) == 0
    assert "删除主题" in capsys.readouterr().out


def test_every_topic_in_use_has_a_chinese_label() -> None:
    from engine.compare.core import TOPIC_LABELS
    from engine.registry import Registry

    used = {rule.topic for regime in Registry.load().regimes.values() for rule in regime.rules}
    assert used <= set(TOPIC_LABELS), sorted(used - set(TOPIC_LABELS))
