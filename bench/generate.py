"""Distinct, valid, varied decisions for the replay bench: `decision(seed)` is one of them.

Each seed picks a regime (all five in turn), its compliant or flawed example, 1–20 experts, a
stage, a judgement the regime makes and a date, then changes about one fact in six to another value
the facts schema allows (an enum value, a boolean, a number within its bounds, a date moved by up
to three months, a subset of a multi-choice list). The project id carries the seed, so no two
decisions share their facts, and the outcomes vary as real applications do (passes, failures,
missing facts, pending and overdue duties). Every generated document passes `validate_facts`;
the rare one that would not is replaced by the unchanged example (counted as `fallbacks`).
Deterministic: the same seed always gives the same decision.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import random
from dataclasses import dataclass
from typing import Any

from bench.workload import AS_OF, example_facts
from engine.facts import facts_schema, resolve_ref, validate_facts

STAGES = ("application", "application", "application", "filing", "implementation", "closing", "closing")
CHANGE_EVERY = 6  # about one fact in this many is changed
MAX_EXPERTS = 20


@dataclass(frozen=True)
class Generated:
    seed: int
    regime_id: str
    as_of: dt.date
    stage: str
    judge: str
    facts: dict[str, Any]
    fallback: bool


@functools.cache
def _schema() -> dict[str, Any]:
    return facts_schema()


def _resolve(node: Any) -> dict[str, Any]:
    node = resolve_ref(node, _schema())
    return node if isinstance(node, dict) else {}


def _new_value(rng: random.Random, node: dict[str, Any], value: Any) -> Any:
    """Another value `node` allows, near `value` where that matters (dates, numbers)."""
    if "enum" in node:
        return rng.choice(node["enum"])
    kind = node.get("type")
    if kind == "boolean":
        return rng.random() < 0.7
    if node.get("format") == "date" and isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return (day + dt.timedelta(days=rng.randint(-90, 90))).isoformat()
    if kind in ("integer", "number") and isinstance(value, int | float) and not isinstance(value, bool):
        lo, hi = node.get("minimum", 0), node.get("maximum", 10**9)
        top = min(hi, max(3 * value, 10))
        if kind == "integer":
            return rng.randint(int(lo), int(top))
        return round(rng.uniform(lo, top), 2)
    if kind == "array" and isinstance(value, list):
        items = _resolve(node.get("items", {}))
        if "enum" in items and node.get("uniqueItems"):
            k = rng.randint(0 if rng.random() < 0.1 else 1, min(len(items["enum"]), node.get("maxItems", 10), 5))
            return rng.sample(items["enum"], k)
    return value


def _vary(rng: random.Random, value: Any, node: Any) -> Any:
    """`value` with about one leaf in CHANGE_EVERY changed (objects and lists of objects walked)."""
    node = _resolve(node)
    if isinstance(value, dict):
        props = node.get("properties", {})
        return {k: _vary(rng, v, props[k]) if k in props else v for k, v in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_vary(rng, v, node.get("items", {})) for v in value]
    if rng.randrange(CHANGE_EVERY) == 0:
        return _new_value(rng, node, value)
    return value


@functools.cache
def _examples(regime_id: str) -> dict[str, dict[str, Any]]:
    return {which: example_facts(regime_id, which) for which in ("compliant", "flawed")}


def _build(rng: random.Random, seed: int, base: dict[str, Any], n: int, vary: bool) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    experts = base.get("experts") or []
    if experts:
        doc["experts"] = [{**copy.deepcopy(experts[i % len(experts)]), "id": f"E{i + 1}"} for i in range(n)]
    if vary:
        doc = _vary(rng, doc, _schema())
    if isinstance(doc.get("project"), dict):
        doc["project"]["id"] = f"BENCH-{seed}"  # distinct facts for every decision
    elif experts:
        doc["experts"][0]["name"] = f"专家{seed}"
    return doc


def decision(seed: int, regimes: tuple[str, ...], judgements: dict[str, tuple[str, ...]]) -> Generated:
    """The decision of `seed` over `regimes` (sorted ids) whose `judgements` are the ones each regime makes."""
    rng = random.Random(seed)
    regime_id = regimes[seed % len(regimes)]
    which = "flawed" if rng.random() < 0.3 else "compliant"
    base = _examples(regime_id)[which]
    n = rng.randint(1, MAX_EXPERTS)
    made = judgements[regime_id]
    judge = "expert" if "expert" in made and rng.random() < 0.1 and base.get("experts") else "application"
    if judge not in made:
        judge = made[0]
    as_of = AS_OF + dt.timedelta(days=rng.randint(-200, 200))
    stage = rng.choice(STAGES)
    facts = _build(rng, seed, base, n, vary=True)
    fallback = bool(validate_facts(facts))
    if fallback:
        facts = _build(rng, seed, base, n, vary=False)
        assert not validate_facts(facts), validate_facts(facts)
    return Generated(seed, regime_id, as_of, stage, judge, facts, fallback)
