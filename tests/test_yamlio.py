"""Hostile YAML never escapes as a traceback: each case is one YamlError."""

from __future__ import annotations

import pytest

from engine.documents import yamlio


@pytest.mark.parametrize("text,expected", [
    ("a: 1\x1b\n", "控制字符"),
    ("a: " + "[" * 5000 + "]" * 5000, "嵌套层次过深"),
    ("a: " + "9" * 5000, "无法解析的值"),
    ("a: &x [1]\nb: *x\n", "别名"),
    ("a: 1\na: 2\n", "重复的键"),
    ("a: [1,\n", "YAML 语法错误"),
])
def test_hostile_yaml_is_one_clear_error(text: str, expected: str) -> None:
    with pytest.raises(yamlio.YamlError) as info:
        yamlio.load(text)
    assert expected in info.value.message


def test_dates_stay_text_and_positions_are_kept() -> None:
    doc = yamlio.load("a: 2026-02-30\nb:\n  - x: 1\n")
    assert doc.data == {"a": "2026-02-30", "b": [{"x": 1}]}
    assert doc.position(("b", 0, "x")) == (3, 8)  # the value node
