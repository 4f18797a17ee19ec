"""Turn jsonschema errors into one Chinese message per faulty value, keyed by its data path.

Shared by facts validation and policy validation, so both speak the same language;
jsonschema's English wording never reaches the user.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from jsonschema import ValidationError

from engine.documents import yamlio
from engine.documents.yamlio import Path

_TYPE_NAMES = {
    "object": "对象",
    "array": "列表",
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "布尔值（true/false）",
    "null": "空值",
}
_DATE_HINT = "不是有效日期（格式 YYYY-MM-DD）"



def _show(value: object) -> str:
    """A short, single-line rendering of a user value, prefixed for `实际为…`."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return " true" if value else " false"
    if isinstance(value, dict):
        return "对象"
    if isinstance(value, list | tuple):
        return "列表"
    if isinstance(value, int) and value.bit_length() > 128:
        return "一个过大的整数"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "…"
    return " " + text


def _value(value: object) -> str:
    """A user value at the start of a message: `'professor'`, `20260101`, `true`."""
    return _show(value).strip()


def _key(key: str) -> str:
    """A field name safe to print: no control characters, not kilometres long."""
    if key.isprintable() and len(key) <= 80:
        return key
    text = repr(key)[1:-1]
    return text[:77] + "…" if len(text) > 80 else text


def _number(value: object) -> str:
    if isinstance(value, int) and value.bit_length() > 128:
        return "一个过大的整数"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_date_schema(schema: object) -> bool:
    return isinstance(schema, dict) and schema.get("format") == "date"


def _type_message(error: ValidationError) -> str:
    wanted: Any = error.validator_value
    names = [wanted] if isinstance(wanted, str) else list(wanted)
    wanted_text = " 或 ".join(_TYPE_NAMES.get(n, n) for n in names)
    instance = error.instance
    if isinstance(instance, float) and not math.isfinite(instance) and "number" in names:
        wanted_text = "有限数字"
    return f"应为{wanted_text}，实际为{_show(instance)}"


def _duplicate(items: object) -> str:
    if isinstance(items, list):
        seen: set[Any] = set()
        for item in items:
            try:
                if item in seen:
                    return f"列表中有重复项 {_value(item)}"
                seen.add(item)
            except TypeError:
                break
    return "列表中有重复项"


# Lower rank wins when one value breaks several rules: report the most basic problem once.
_RANK = {
    "type": 0, "additionalProperties": 0, "required": 0,
    "enum": 1, "const": 1, "format": 1, "pattern": 1,
}


def _problems(error: ValidationError) -> list[tuple[Path, int, str]]:
    path: Path = tuple(error.absolute_path)
    kind = str(error.validator)
    rank = _RANK.get(kind, 2)
    value: Any = error.instance
    bound: Any = error.validator_value

    if kind == "additionalProperties" and isinstance(value, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [
            (path + (key,), rank, f"未知字段 '{_key(str(key))}'")
            for key in value
            if key not in known
        ]
    if kind == "required" and isinstance(value, dict):
        return [
            (path + (key,), rank, f"缺少必填字段 '{_key(str(key))}'")
            for key in bound
            if key not in value
        ]

    if _is_date_schema(error.schema) and kind in ("type", "pattern", "format"):
        text = f"{_value(value)} {_DATE_HINT}"
        rank = 1
    elif kind == "type":
        text = _type_message(error)
    elif kind == "enum":
        text = f"{_value(value)} 不是允许的取值（{', '.join(str(v) for v in bound)}）"
    elif kind == "const":
        text = f"应为 {_value(bound)}，实际为{_show(value)}"
    elif kind == "format":
        text = f"{_value(value)} 不符合格式 {bound}"
    elif kind == "pattern":
        text = f"{_value(value)} 不符合格式要求"
    elif kind == "minimum":
        text = f"应不小于 {_number(bound)}，实际为 {_number(value)}"
    elif kind == "maximum":
        text = f"应不大于 {_number(bound)}，实际为 {_number(value)}"
    elif kind == "exclusiveMinimum":
        text = f"应大于 {_number(bound)}，实际为 {_number(value)}"
    elif kind == "exclusiveMaximum":
        text = f"应小于 {_number(bound)}，实际为 {_number(value)}"
    elif kind == "maxLength":
        text = f"文本过长：最多 {bound} 个字符，实际 {len(value)} 个"
    elif kind == "minLength":
        text = f"文本过短：至少 {bound} 个字符，实际 {len(value)} 个"
    elif kind == "maxItems":
        text = f"列表过长：最多 {bound} 项，实际 {len(value)} 项"
    elif kind == "minItems":
        text = f"列表过短：至少 {bound} 项，实际 {len(value)} 项"
    elif kind == "uniqueItems":
        text = _duplicate(value)
    else:
        text = f"不符合要求（规则 {kind}）"
        rank = 3
    return [(path, rank, text)]


def _sort_key(path: Path) -> tuple[tuple[int, Any], ...]:
    return tuple((0, part) if isinstance(part, int) else (1, str(part)) for part in path)


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """For oneOf/anyOf, report the branch that got furthest, not jsonschema's summary."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        deepest = max(len(e.absolute_path) for e in error.context)
        best = [e for e in error.context if len(e.absolute_path) == deepest]
        # an optional value's "is not null" branch is never the interesting complaint
        real = [e for e in best if not (e.validator == "type" and e.validator_value == "null")]
        yield from _leaves((real or best)[0])
        return
    yield error


def schema_messages(validator: Any, data: object) -> list[tuple[Path, str]]:
    """(path, "path: message") per faulty value, sorted by path, one per value."""
    best: dict[Path, tuple[int, str]] = {}
    for error in (leaf for top in validator.iter_errors(data) for leaf in _leaves(top)):
        for path, rank, text in _problems(error):
            if path not in best or (rank, text) < best[path]:
                best[path] = (rank, text)
    out = []
    for path in sorted(best, key=_sort_key):
        shown = tuple(_key(p) if isinstance(p, str) else p for p in path)
        out.append((path, f"{yamlio.path_text(shown)}: {best[path][1]}"))
    return out
