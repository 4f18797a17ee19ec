"""A plain-Python interpreter of the condition IR: the test oracle for the durable-rules backend.

Why it exists: the durable-rules translation (engine.backends.durable) lowers the IR to engine
JSON, precomputes lengths, counts and month offsets, and encodes three-valued logic as three
engine rules per policy rule. Each of those steps can go wrong silently. This module reads the
same IR directly over the raw facts, with Kleene three-valued logic spelled out (True, False,
or None for "unknown: a field it needs is absent"), so the two backends can be compared on
every case (tests/test_differential.py). It shares nothing with the adapter but the IR and
`derived_value`: the numbers the engine cannot compute (text length, list counts, `count`/`share`
of items matching a condition), which the adapter precomputes with this same function.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, assert_never

from engine.backends.base import Instance
from engine.policy.conditions import (
    PLACE_FIELDS,
    All,
    AnyOf,
    Cmp,
    Cond,
    Const,
    Contains,
    Exists,
    Field,
    Not,
    Quant,
    Ref,
    add_months,
    canonical_place,
    get_path,
)
from engine.policy.model import Regime

Truth = bool | None  # None: unknown (a field the condition reads is absent)


def _and(values: Iterable[Truth]) -> Truth:
    """Kleene conjunction: false wins, then unknown; the empty conjunction is true."""
    unknown = False
    for v in values:
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def _or(values: Iterable[Truth]) -> Truth:
    """Kleene disjunction: true wins, then unknown; the empty disjunction is false."""
    unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


_SPACE = re.compile(r"\s")


def text_length(text: str) -> int:
    """字数 as the notices count it: every character except whitespace (line breaks, spaces); punctuation counts."""
    return len(_SPACE.sub("", text))


def derived_value(field: Field, raw: Any) -> Any:
    """`len`, `count`, `count_where`, `share_where` of a present value; None when it cannot be known
    (an item whose `where` is unknown, or the share of an empty list)."""
    if field.fn == "len":
        return text_length(raw) if isinstance(raw, str) else len(raw)
    if field.fn == "count":
        return len(raw)
    assert field.where is not None and field.fn in ("count_where", "share_where")
    if not isinstance(raw, list):
        return None
    truths = [truth(field.where, item) for item in raw]
    if any(t is None for t in truths):
        return None
    hits = sum(1 for t in truths if t)
    if field.fn == "count_where":
        return hits
    return hits / len(raw) if raw else None


def _value(field: Field, data: Any) -> Any:
    """The comparable value of `field` in `data` (None when absent): dates as dt.date,
    place names canonical, `len` / `count` / `count_where` / `share_where` applied."""
    raw = get_path(data, field.path)
    if raw is None:
        return None
    if field.fn is not None:
        return derived_value(field, raw)
    if field.type == "date":
        return dt.date.fromisoformat(raw)
    if field.path and field.path[-1] in PLACE_FIELDS and isinstance(raw, str):
        return canonical_place(raw)
    return raw


def _as_key(value: Any) -> Any:
    """Dates compare as ordinal days, so `date + n days` never overflows the calendar."""
    return value.toordinal() if isinstance(value, dt.date) else value


def _right(right: Const | Ref, data: Any) -> Any:
    if isinstance(right, Const):
        return right.value
    base = _value(right.field, data)
    if base is None:
        return None
    if right.months:
        base = add_months(base, right.months)
    if right.days:
        return base.toordinal() + right.days  # an ordinal: only ever compared through _as_key
    return base


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "in":
        return _as_key(left) in {_as_key(v) for v in right}
    a, b = _as_key(left), _as_key(right)
    if op == "eq":
        return a == b
    if op == "lt":
        return a < b
    if op == "le":
        return a <= b
    if op == "gt":
        return a > b
    if op == "ge":
        return a >= b
    raise ValueError(f"unknown comparison operator {op!r}")


def truth(cond: Cond, data: Any) -> Truth:
    """Three-valued truth of `cond` over one instance's raw facts (or one list item's)."""
    match cond:
        case All():
            return _and(truth(c, data) for c in cond.items)
        case AnyOf():
            return _or(truth(c, data) for c in cond.items)
        case Not():
            inner = truth(cond.item, data)
            return None if inner is None else not inner
        case Exists():
            present = get_path(data, cond.field.path) is not None  # blank text reads as absent (get_path)
            return True if present else (False if cond.strict else None)  # `provided`: absent is unknown
        case Cmp():
            left = _value(cond.left, data)
            right = _right(cond.right, data)
            if left is None or right is None:
                return None
            return _compare(cond.op, left, right)
        case Contains():
            items = get_path(data, cond.field.path)
            if items is None:
                return None
            return _as_key(cond.value) in {_as_key(v) for v in items}
        case Quant():
            items = get_path(data, cond.field.path)
            if items is None:
                return None
            values = [truth(cond.cond, item) for item in items]
            return _and(values) if cond.kind == "every" else _or(values)
        case _:
            assert_never(cond)


def unknown_fields(cond: Cond, data: Any) -> list[tuple[Field, tuple[str, ...] | None, int | None]]:
    """The fields whose absence leaves `cond` unknown: (field, list path, item index) for each.

    Only sub-conditions that are themselves unknown and could still decide the whole are followed:
    a conjunction that is already false, or a disjunction already true, names nothing."""
    if truth(cond, data) is not None:
        return []
    out: list[tuple[Field, tuple[str, ...] | None, int | None]] = []

    def walk(c: Cond, d: Any, within: tuple[str, ...] | None, index: int | None) -> None:
        if truth(c, d) is not None:
            return
        match c:
            case All() | AnyOf():
                for item in c.items:
                    walk(item, d, within, index)
            case Not():
                walk(c.item, d, within, index)
            case Exists() | Contains():
                out.append((c.field, within, index))
            case Cmp():
                for f in (c.left, c.right.field if isinstance(c.right, Ref) else None):
                    if f is None:
                        continue
                    raw = get_path(d, f.path)
                    if raw is None:
                        out.append((f, within, index))
                    elif f.where is not None and isinstance(raw, list):
                        if not raw and f.fn == "share_where":  # a share of no items is unknown: the list is short
                            out.append((f, within, index))
                        for i, item in enumerate(raw):
                            walk(f.where, item, f.path, i)
            case Quant():
                items = get_path(d, c.field.path)
                if items is None:
                    out.append((c.field, within, index))
                    return
                for i, item in enumerate(items):
                    walk(c.cond, item, c.field.path, i)
            case _:
                assert_never(c)

    walk(cond, data, None, None)
    return out


def outcome(when: Cond | None, check: Cond, data: Any) -> str | None:
    """pass / fail / not_applicable, or None for missing (left out of the backend's map)."""
    w = True if when is None else truth(when, data)
    if w is False:
        return "not_applicable"
    if w is None:
        return None
    c = truth(check, data)
    if c is None:
        return None
    return "pass" if c else "fail"


def reference_backend(regime: Regime, instances: list[Instance]) -> dict[tuple[int, int], str]:
    """The Backend of engine.evaluate, computed in plain Python."""
    out: dict[tuple[int, int], str] = {}
    for n, rule in enumerate(regime.rules):
        kind = rule.instance_kind
        for inst in instances:
            if inst.kind != kind:
                continue
            result = outcome(rule.when, rule.check, inst.data)
            if result is not None:
                out[(n, inst.key)] = result
    return out

