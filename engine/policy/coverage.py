"""Policy coverage: which rules no test drove to each outcome the rule can produce.

A rule needs `pass` and `fail`; a rule whose check only asks for facts to be provided
(`provided:`) can never be definitely false, so it needs `pass` and `missing` instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import assert_never

from engine.policy.conditions import All, AnyOf, Cmp, Cond, Contains, Exists, Not, Quant
from engine.policy.model import Regime, Rule


def can_fail(cond: Cond) -> bool:
    """Whether `cond` can be definitely false (a `provided` only ever passes or is missing)."""
    match cond:
        case Exists():
            return cond.strict
        case All():
            return any(can_fail(c) for c in cond.items)
        case AnyOf():
            return all(can_fail(c) for c in cond.items)
        case Quant():  # "some" is false on an empty list; "every" only if an item's check can be false
            return cond.kind == "some" or can_fail(cond.cond)
        case Not() | Cmp() | Contains():
            return True
        case _:
            assert_never(cond)


def needed(rule: Rule) -> tuple[str, ...]:
    return ("pass", "fail") if can_fail(rule.check) else ("pass", "missing")


def gaps(seen: dict[str, set[str]], regimes: list[Regime]) -> dict[str, list[str]]:
    """{rule id: outcomes it can produce that no test saw}, over every rule of `regimes`."""
    out: dict[str, list[str]] = {}
    for regime in regimes:
        for rule in regime.rules:
            lacking = [o for o in needed(rule) if o not in seen.get(rule.id, set())]
            if lacking:
                out[rule.id] = lacking
    return out


def load(path: Path) -> dict[str, set[str]]:
    return {rule: set(outcomes) for rule, outcomes in json.loads(path.read_text(encoding="utf-8")).items()}
