"""Policy tests as data: every case beside every policy passes (and counts for rule coverage, through the
evaluate observer of the root conftest.py); `regimes test` reports a broken expectation and bad case files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import registry

from engine.cli.main import main
from engine.evaluate import evaluate
from engine.policy.cases import (
    CaseError,
    case_files,
    cases_path,
    check_against,
    delete_path,
    load_case_file,
    regime_id_for,
    run_case,
    set_path,
)
from engine.registry import policy_files
from engine.settings import settings
from service.testing import copy_policies

ROOT = settings().policies
FILES = case_files(ROOT)


def _cases() -> list:
    out = []
    for path in FILES:
        try:
            cases = load_case_file(path).cases
        except CaseError as exc:  # reported by the test, not as a collection error that hides every other case
            out.append(pytest.param(regime_id_for(path), exc, id=f"{regime_id_for(path)}: 用例文件有误"))
            continue
        for case in cases:
            out.append(pytest.param(regime_id_for(path), case, id=f"{regime_id_for(path)}: {case.name}"))
    return out


@pytest.mark.parametrize(("regime_id", "case"), _cases())
def test_case_passes(regime_id, case):
    assert not isinstance(case, CaseError), "\n".join(case.errors)
    regime = registry().get(regime_id)
    run = run_case(case, regime, evaluate)
    assert run.passed, f"{case.where}: {case.name}\n" + "\n".join(run.differences)


def test_every_regime_has_at_least_six_cases():
    for regime in registry().regimes.values():
        path = cases_path(Path(regime.path))
        assert path.is_file(), f"{regime.id} has no cases at {path}"
        case_file = load_case_file(path)
        assert len(case_file.cases) >= 6, (regime.id, len(case_file.cases))
        assert check_against(case_file, regime) == []


def test_case_files_are_not_policies():
    assert FILES, "no case files found"
    assert all(p.parent.name != "tests" for p in policy_files(ROOT))
    assert not registry().errors
    assert {regime_id_for(p) for p in FILES} == set(registry().regimes)


def test_set_and_delete_paths():
    facts: dict = {"experts": [{"id": "E1"}]}
    set_path(facts, "project.budget.requested_support_wan", 12)
    set_path(facts, "experts[0].title", "senior")
    set_path(facts, "experts[1]", {"id": "E2"})
    assert facts == {"experts": [{"id": "E1", "title": "senior"}, {"id": "E2"}],
                     "project": {"budget": {"requested_support_wan": 12}}}
    delete_path(facts, "experts[0].title")
    assert "title" not in facts["experts"][0]
    with pytest.raises(ValueError, match="不存在"):
        delete_path(facts, "project.name")
    with pytest.raises(ValueError, match="第 5 项"):
        set_path(facts, "experts[5].title", "senior")
    with pytest.raises(ValueError, match="格式不对"):
        set_path(facts, "experts..title", "senior")


# ---------------------------------------------------------------- the command

@pytest.fixture
def policies(tmp_path, monkeypatch) -> Path:
    root = copy_policies(tmp_path / "policies")
    monkeypatch.setenv("REGIMES_POLICIES", str(root))
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: expected {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_all_cases_pass_from_the_command_line(policies, capsys):
    assert main(["test"]) == 0
    out = capsys.readouterr().out
    for regime_id in registry().regimes:
        assert regime_id in out
    assert "0 个未通过" in out and "✗" not in out


def test_a_broken_expectation_fails_with_what_differed(policies, capsys):
    cases = policies / "shanghai" / "tests" / "2026.yaml"
    _edit(cases, "rules: {funding-support-municipal: fail}", "rules: {funding-support-municipal: pass}")
    assert main(["test", "shanghai-2026"]) == 1
    out = capsys.readouterr().out
    assert "✗ 市级服务团申请12万元超过10万元上限" in out
    assert "规则 funding-support-municipal 应为 pass（通过），实际为 fail（不通过）" in out
    assert "市级专家服务团经费支持不超过10万元；申请12万元" in out  # the rule's own message says why
    assert "1 个未通过" in out


def test_a_broken_verdict_and_topic_are_named(policies, capsys):
    cases = policies / "liaoning" / "tests" / "2026.yaml"
    _edit(cases, "      verdict: ineligible\n      rules: {planned-completion: fail}",
          "      verdict: eligible\n      rules: {planned-completion: fail}\n      topics: {project.completion: pass}")
    assert main(["test", "liaoning-2026", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    failed = [c for f in report["files"] for c in f["cases"] if not c["passed"]]
    assert [c["name"] for c in failed] == ["计划12月10日结束超过11月底"]
    assert failed[0]["differences"] == [
        "结论应为 符合条件（eligible），实际为 不符合条件（ineligible）",
        "主题 project.completion 应为 pass（通过），实际为 fail（不通过）（规则 planned-completion）",
    ]
    assert report["totals"]["failed"] == 1


@pytest.mark.parametrize(("old", "new", "message"), [
    ("rules: {planned-completion: fail}", "rules: {planned-completin: fail}", "没有规则 'planned-completin'"),
    ("rules: {planned-completion: fail}", "rules: {planned-completion: failed}", "'failed' 不是允许的取值"),
    ("set: {project.end_date: 2026-12-10}", "set: {project.end_date: 2026-12-32}", "不是有效日期"),
    ("set: {project.end_date: 2026-12-10}", "set: {project.ending: 2026-12-10}", "事实有误"),
    ("    delete: [project.direction]", "    delete: [project.nothing]", "不存在，无法删除"),
    ("    base: flawed", "    base: broken", "找不到 base 示例 'broken'"),
    ("    judge: listing", "    judge: base", "不判定 'base'"),
    ("cases:\n", "cases: [\n", "YAML 语法错误"),
])
def test_bad_case_files_are_bad_input(policies, capsys, old, new, message):
    _edit(policies / "liaoning" / "tests" / "2026.yaml", old, new)
    assert main(["test", "liaoning-2026"]) == 3
    err = capsys.readouterr().err
    assert "用例文件有误" in err and message in err
    assert "policies/liaoning/tests/2026.yaml:" in err  # named by file and line
    assert "Traceback" not in err


def test_unknown_regime_and_missing_case_file(policies, capsys):
    assert main(["test", "nowhere-2026"]) == 3
    assert "未知的规则集" in capsys.readouterr().err
    (policies / "zhejiang" / "tests" / "2023.yaml").unlink()
    assert main(["test", "zhejiang-2023"]) == 3
    assert "没有测试用例" in capsys.readouterr().err
    assert main(["test"]) == 0
    assert "规则集 zhejiang-2023 没有测试用例文件" in capsys.readouterr().out


def test_case_file_of_an_unloaded_regime(policies, capsys):
    (policies / "zhejiang" / "tests" / "2024.yaml").write_text(
        (policies / "zhejiang" / "tests" / "2023.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["test"]) == 3
    assert "规则集 zhejiang-2024 未加载" in capsys.readouterr().err


def test_coverage_lists_outcomes_no_case_produced(policies, capsys):
    assert main(["test", "heilongjiang-2025", "--coverage"]) == 0
    out = capsys.readouterr().out
    assert "用例未覆盖的规则结果" in out
    assert "provincial-base-national-recommendation: pass, fail" in out  # no heilongjiang case judges a base


def test_load_case_file_rejects_a_mismatched_regime(tmp_path):
    path = tmp_path / "shanghai" / "tests" / "2026.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("regime: liaoning-2026\ncases:\n  - {name: x, as_of: 2026-01-01, facts: {}, expect: {verdict: "
                    "incomplete}}\n", encoding="utf-8")
    with pytest.raises(CaseError, match="属于 shanghai-2026，不是 liaoning-2026"):
        load_case_file(path)
