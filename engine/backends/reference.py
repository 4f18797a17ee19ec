"""A plain-Python interpreter of the condition IR: the test oracle for the durable-rules backend.

Why it exists: the durable-rules translation (engine.backends.durable) lowers the IR to engine
JSON, precomputes lengths, counts and month offsets, and encodes three-valued logic as three
engine rules per policy rule. Each of those steps can go wrong silently. This module reads the
same IR directly over the raw facts, with Kleene three-valued logic spelled out (True, False,
or None for "unknown: a field it needs is absent"), so the two backends can be compared on
every case (tests/test_differential.py). It shares nothing with the adapter but the IR.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

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


def _value(field: Field, data: Any) -> Any:
    """The comparable value of `field` in `data` (None when absent): dates as dt.date,
    place names canonical, `len` / `count` applied."""
    raw = get_path(data, field.path)
    if raw is None:
        return None
    if field.fn in ("len", "count"):
        return len(raw)
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
    if isinstance(cond, All):
        return _and(truth(c, data) for c in cond.items)
    if isinstance(cond, AnyOf):
        return _or(truth(c, data) for c in cond.items)
    if isinstance(cond, Not):
        inner = truth(cond.item, data)
        return None if inner is None else not inner
    if isinstance(cond, Exists):
        present = get_path(data, cond.field.path) is not None
        return True if present else (False if cond.strict else None)  # `provided` (strict=False): absent is unknown
    if isinstance(cond, Cmp):
        left = _value(cond.left, data)
        right = _right(cond.right, data)
        if left is None or right is None:
            return None
        return _compare(cond.op, left, right)
    if isinstance(cond, Contains):
        items = get_path(data, cond.field.path)
        if items is None:
            return None
        return _as_key(cond.value) in {_as_key(v) for v in items}
    if isinstance(cond, Quant):
        items = get_path(data, cond.field.path)
        if items is None:
            return None
        values = [truth(cond.cond, item) for item in items]
        return _and(values) if cond.kind == "every" else _or(values)
    raise TypeError(f"unknown condition node {type(cond).__name__}")


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

