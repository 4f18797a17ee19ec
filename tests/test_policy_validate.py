"""Policy loading and validation: each problem is one Chinese message at file:line:col."""

from __future__ import annotations

import pytest
from policy_text import HEADER, rule

from engine.cli.main import main
from engine.policy.validate import PolicyError, load_regime_file, load_regime_text


def errors_of(text: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_regime_text(text, "p.yaml", check_quotes=False)
    return info.value.errors


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


OK = rule("cap", "check: {field: sessions, le: 3}")


def test_valid_policy_loads_with_a_content_hash():
    reg = load_regime_text(HEADER + OK, "p.yaml", check_quotes=False)
    assert reg.hash.startswith("sha256:") and len(reg.rules) == 1
    assert reg.rules[0].id == "test-2026/cap"


def test_hash_changes_with_any_edit():
    a = load_regime_text(HEADER + OK, "p.yaml", check_quotes=False)
    b = load_regime_text(HEADER + rule("cap", "check: {field: sessions, le: 4}"), "p.yaml", check_quotes=False)
    assert a.hash != b.hash


@pytest.mark.parametrize("body,needle,expected", [
    ("check: {field: sessions, le: 3}\nbogus: 1", "bogus", "未知字段 'bogus'"),
    ("check: {field: sesions, le: 3}", "sesions", "未知字段 'sesions'"),
    ("check: {field: level, eq: provincal}", "provincal", "'provincal' 不是允许的取值"),
    ("check: {field: submitted_on, le: 2026-02-30}", "2026-02-30", "应为日期 YYYY-MM-DD"),
    ("check: {field: sessions, le: $cap}", "$cap", "未定义的参数 '$cap'"),
    ("params: {cap: 3, unused: 1}\ncheck: {field: sessions, le: $cap}", "unused", "参数 'unused' 已定义但条件中未使用"),
    ("check: {field: sessions, between: [1, 3]}", "between", "未知运算符 'between'"),
    ("check: {field: name, gt: 3}", "gt: 3", "只适用于数字或日期字段"),
    ("check: {field: sessions, le: '3'}", "sessions", "应为数字"),
    ("check: {every: teachers, check: {field: title, eq: senior}}", "every", "未知字段 'teachers'"),
])
def test_condition_errors_name_the_line(body, needle, expected):
    text = HEADER + rule("r", body)
    errors = errors_of(text)
    assert len(errors) == 1, errors
    assert expected in errors[0]
    assert errors[0].startswith(f"p.yaml:{line_of(text, needle)}:")


def test_unknown_enum_severity():
    text = HEADER + OK.replace("severity: error", "severity: fatal")
    [err] = errors_of(text)
    assert err.startswith(f"p.yaml:{line_of(text, 'fatal')}:") and "'fatal' 不是允许的取值" in err


def test_wrong_type_and_impossible_date_in_metadata():
    text = HEADER.replace("edition: 2026", "edition: 二〇二六").replace("issued: 2026-01-01\n", "issued: 2026-02-30\n") + OK
    errors = errors_of(text)
    assert any(e.startswith(f"p.yaml:{line_of(text, 'edition')}:") and "应为整数" in e for e in errors), errors
    assert any("'2026-02-30' 不是有效日期" in e for e in errors), errors


def test_malformed_yaml_points_at_the_line():
    [err] = errors_of(HEADER + "  - id: [unclosed\n")
    assert err.startswith("p.yaml:") and "YAML 语法错误" in err


def test_duplicate_keys_and_rule_ids_are_errors():
    [err] = errors_of(HEADER.replace("edition: 2026\n", "edition: 2026\nedition: 2027\n") + OK)
    assert "重复的键 'edition'" in err
    errors = errors_of(HEADER + OK + OK)
    assert any("规则编号 'cap' 重复" in e for e in errors)


def test_lint_topic_document_entitlement_template():
    text = HEADER + rule("t", "check: {field: sessions, le: 3}", topic="project.colour")
    assert "未知主题 'project.colour'" in errors_of(text)[0]
    text = HEADER + OK.replace("document: 通知", "document: 办法")
    assert "不在 documents 的简称中" in errors_of(text)[0]
    text = HEADER + OK.replace("kind: requirement", "kind: entitlement")
    assert "severity 应为 info" in errors_of(text)[0]
    text = HEADER + OK.replace("message: 测试", "message: 共{sesions}次")
    assert "{sesions}" in errors_of(text)[0]


def test_param_named_like_a_field_is_refused():
    text = HEADER + rule("r", "params: {sessions: 3}\ncheck: {field: sessions, le: $sessions}")
    assert "参数名 'sessions' 与该主体的字段同名" in errors_of(text)[0]


def test_aliases_are_refused():
    text = HEADER.replace("issuer: 测试厅", "issuer: &who 测试厅\nnotes: *who") + OK
    assert "不支持 YAML 别名" in errors_of(text)[0]


def test_quote_must_appear_in_source_text(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "test").mkdir()
    source = tmp_path / "sources" / "none.txt"
    source.write_text("第一条　本规则测试其他内容。", encoding="utf-8")
    policy = tmp_path / "test" / "p.yaml"
    policy.write_text((HEADER + OK), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_regime_file(policy)
    assert "引文在原文 ../sources/none.txt 中找不到" in info.value.errors[0]
    source.write_text("第一条　测试\n 条款如下。", encoding="utf-8")  # whitespace is ignored
    assert load_regime_file(policy).rules


def test_validate_command_reports_file_line_col(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEADER + rule("r", "check: {field: sesions, le: 3}"), encoding="utf-8")
    assert main(["validate", str(bad)]) == 4
    err = capsys.readouterr().err
    assert f"{bad}:{line_of(bad.read_text(encoding='utf-8'), 'sesions')}:" in err


def test_validate_command_passes_on_the_shipped_policies(capsys):
    assert main(["validate"]) == 0
    assert "liaoning-2026" in capsys.readouterr().out


def test_every_extra_topic_has_its_reason_in_policies_readme():
    from support import ROOT

    from engine.vocabulary import EXTRA_TOPICS

    readme = (ROOT / "policies" / "README.md").read_text(encoding="utf-8")
    assert all(f"`{topic}`" in readme for topic in EXTRA_TOPICS)
