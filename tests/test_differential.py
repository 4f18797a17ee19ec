"""Differential test: the durable-rules backend against the plain-Python reference (engine.backends.reference).

For every regime the registry loads, facts documents are generated from the facts schema,
biased toward the boundaries mined from the regime's own compiled rules (the IR): dates the
day before / of / after each date constant and each field-relative date (plus_days,
plus_months, month ends), numbers at cap − 0.01 / cap / cap + 0.01 and integer thresholds
± 1, texts and lists at length limit − 1 / limit / limit + 1, every enum value, place names
with and without their suffix, and fields, subjects and lists randomly left out so that
`missing` happens. Both backends must give identical evaluation results.

Normal run: about DEFAULT_CASES cases in total, split over the regimes. `REGIMES_SOAK_CASES`
raises the total (e.g. 100000 for `make soak`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from engine.backends import get_backend
from engine.backends.reference import outcome, truth
from engine.evaluate import evaluate
from engine.facts import facts_schema, validate_facts
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
)
from engine.policy.model import SUBJECT_PREFIX, Regime, Rule
from engine.registry import Registry

DEFAULT_CASES = 2000
TOTAL_CASES = int(os.environ.get("REGIMES_SOAK_CASES") or DEFAULT_CASES)
AS_OF = dt.date(2026, 6, 1)
Loc = tuple[str, ...]  # a location in a facts document; "[]" stands for "any item of this list"
ITEM = "[]"
SUBJECT_ROOT: dict[str, Loc] = {"expert": ("experts", ITEM)}
MONTH_ENDS = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2025, 2, 28), dt.date(2026, 1, 29),
              dt.date(2026, 1, 30), dt.date(2026, 1, 31), dt.date(2026, 3, 31), dt.date(2026, 4, 30),
              dt.date(2026, 8, 31), dt.date(2026, 10, 31), dt.date(2026, 11, 30), dt.date(2026, 12, 31)]
TEXTS = ["", "甲", "某某单位", "Sample unit"]
PLACE_SUFFIXES = ("", "省", "市", "区", "县", "自治区", "自治州")


pytestmark = pytest.mark.no_rule_coverage  # generated evaluations prove nothing about a rule


@functools.cache
def registry() -> Registry:
    return Registry.load()  # a regime that fails to load is reported by other tests, not here


def regime_ids() -> list[str]:
    return sorted(registry().regimes)


# ---------------------------------------------------------------------------- mining the IR


@dataclass
class Plan:
    """What to generate for one regime: the locations its rules read and their boundary values."""

    read: set[Loc] = field(default_factory=set)  # read locations and all their prefixes
    values: dict[Loc, list[Any]] = field(default_factory=dict)
    lengths: dict[Loc, list[int]] = field(default_factory=dict)  # text length / list count boundaries
    refs: list[tuple[Loc, Field, Ref]] = field(default_factory=list)  # (scope, left field, right side)

    def note(self, loc: Loc) -> None:
        for i in range(1, len(loc) + 1):
            self.read.add(loc[:i])

    def add(self, loc: Loc, *values: Any) -> None:
        pool = self.values.setdefault(loc, [])
        for v in values:  # 3 and 3.0 are both kept: the engine receives JSON 3 and 3.0
            if not any(type(v) is type(p) and v == p for p in pool):
                pool.append(v)

    def add_length(self, loc: Loc, n: int) -> None:
        pool = self.lengths.setdefault(loc, [])
        pool.extend(k for k in (n - 1, n, n + 1) if k >= 0 and k not in pool)


def _boundaries(value: Any) -> list[Any]:
    if isinstance(value, bool) or isinstance(value, str):
        return [value]
    if isinstance(value, dt.date):
        return [value + dt.timedelta(days=d) for d in (-1, 0, 1)]
    if isinstance(value, int | float):
        out = [round(value - 0.01, 2), value, round(value + 0.01, 2)]
        if float(value).is_integer():
            out += [int(value) - 1, int(value) + 1, float(value)]
        return out
    return [value]


def locate(scope: Loc, path: tuple[str, ...]) -> Loc:
    """Where a field lives in the document: a project rule reads its team from the top-level experts list."""
    if scope in (("project",), ("locality",)) and path[:1] == ("experts",):
        return ("experts", ITEM) + path[1:] if len(path) > 1 else ("experts",)
    return scope + path


def mine(regime: Regime) -> Plan:
    plan = Plan()

    def walk(c: Cond, scope: Loc) -> None:
        if isinstance(c, All | AnyOf):
            for item in c.items:
                walk(item, scope)
        elif isinstance(c, Not):
            walk(c.item, scope)
        elif isinstance(c, Exists):
            plan.note(scope + c.field.path)
        elif isinstance(c, Contains):
            loc = scope + c.field.path
            plan.note(loc)
            plan.add(loc + (ITEM,), c.value)
        elif isinstance(c, Quant):
            loc = scope + c.field.path
            plan.note(loc + (ITEM,))
            walk(c.cond, loc + (ITEM,))
        elif isinstance(c, Cmp):
            loc = locate(scope, c.left.path)
            plan.note(loc)
            if c.left.where is not None:  # count / share of matching items: vary the items and their fields
                plan.note(loc + (ITEM,))
                walk(c.left.where, loc + (ITEM,))
                n = c.right.value if isinstance(c.right, Const) else 0
                for k in {0, 1, 2, 3, 4, int(n)} if c.left.fn == "count_where" else {1, 2, 3, 4}:
                    plan.add_length(loc + (ITEM,), k)
                return
            if isinstance(c.right, Ref):
                rloc = scope + c.right.field.path
                plan.note(rloc)
                plan.refs.append((scope, c.left, c.right))
                if c.right.months:
                    plan.add(rloc, *MONTH_ENDS)
                return
            consts = c.right.value if c.op == "in" else (c.right.value,)
            for const in consts:
                if c.left.fn is not None:
                    plan.add_length(loc + ((ITEM,) if c.left.fn == "count" else ()), int(const))
                    continue
                plan.add(loc, *_boundaries(const))
                if loc[-1] in PLACE_FIELDS and isinstance(const, str):
                    plan.add(loc, *(const + s for s in PLACE_SUFFIXES), f" {const}市 ")

    for rule in regime.rules:
        scope = SUBJECT_ROOT.get(rule.subject, (SUBJECT_PREFIX[rule.subject],))
        plan.note(scope)
        if rule.each:
            scope = scope + tuple(rule.each.split(".")) + (ITEM,)
            plan.note(scope)
        for cond in (rule.when, rule.check):
            if cond is not None:
                walk(cond, scope)
    return plan


# ---------------------------------------------------------------------------- generating facts


@functools.cache
def schema() -> dict[str, Any]:
    return facts_schema()


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = schema()
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _draw_pool(draw: st.DrawFn, pool: list[Any], generic: st.SearchStrategy[Any]) -> Any:
    if pool and draw(st.integers(0, 3)) > 0:  # three in four from the boundaries
        return draw(st.sampled_from(pool))
    return draw(generic)


def _scalar(draw: st.DrawFn, node: dict[str, Any], loc: Loc, plan: Plan) -> Any:
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if "enum" in node:
        return draw(st.sampled_from(node["enum"]))
    if kind == "boolean":
        return draw(st.booleans())
    lo, hi = node.get("minimum", 0), node.get("maximum", 10**9)
    if node.get("format") == "date":
        pool = [v.isoformat() for v in plan.values.get(loc, []) if isinstance(v, dt.date)]
        generic = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
        return _draw_pool(draw, pool, st.one_of(generic, st.sampled_from([d.isoformat() for d in MONTH_ENDS])))
    if kind == "integer":
        pool = [int(v) for v in plan.values.get(loc, []) if isinstance(v, int | float) and float(v).is_integer()
                and lo <= v <= hi]
        return _draw_pool(draw, pool, st.integers(lo, max(lo, min(hi, 1000))))
    if kind == "number":
        pool = [v for v in plan.values.get(loc, []) if isinstance(v, int | float) and not isinstance(v, bool)
                and lo <= v <= hi]
        generic = st.one_of(st.integers(lo, max(lo, min(hi, 1000))),
                            st.floats(lo, min(hi, 1000), allow_nan=False).map(lambda x: round(x, 2)))
        return _draw_pool(draw, pool, generic)
    # text
    max_len = node.get("maxLength", 1000)
    lengths = [n for n in plan.lengths.get(loc, []) if n <= max_len]
    if lengths and draw(st.integers(0, 2)) > 0:
        n = draw(st.sampled_from(lengths))
        return ("专家服务基层ab" * (n // 8 + 1))[:n]
    pool = [v for v in plan.values.get(loc, []) if isinstance(v, str) and len(v) <= max_len]
    return _draw_pool(draw, pool, st.sampled_from(TEXTS))


def _length(draw: st.DrawFn, node: dict[str, Any], loc: Loc, plan: Plan, cap: int) -> int:
    cap = min(cap, node.get("maxItems", cap))
    pool = [n for n in plan.lengths.get(loc + (ITEM,), []) if n <= cap]
    return _draw_pool(draw, pool, st.integers(0, min(cap, 3)))


def _value(draw: st.DrawFn, node: dict[str, Any], loc: Loc, plan: Plan, omit: int) -> Any:
    node = resolve(node)
    if node.get("type") == "object" or "properties" in node:
        obj: dict[str, Any] = {}
        for name, sub in node.get("properties", {}).items():
            sub_loc = loc + (name,)
            if sub_loc in plan.read and draw(st.integers(0, 99)) >= omit:
                obj[name] = _value(draw, sub, sub_loc, plan, omit)
        return obj
    if node.get("type") == "array":
        items = resolve(node.get("items", {}))
        item_loc = loc + (ITEM,)
        if "enum" in items and node.get("uniqueItems"):
            n = _length(draw, node, loc, plan, len(items["enum"]))
            wanted = [v for v in plan.values.get(item_loc, []) if v in items["enum"]]
            order = draw(st.permutations(items["enum"]))
            if wanted and draw(st.booleans()):  # put a value some rule looks for first
                first = draw(st.sampled_from(wanted))
                order = [first] + [v for v in order if v != first]
            return list(order[:n])
        n = _length(draw, node, loc, plan, 60)
        out = [_value(draw, items, item_loc, plan, omit) for _ in range(n)]
        if node.get("uniqueItems"):
            out = [v for i, v in enumerate(out) if v not in out[:i]]
        return out
    return _scalar(draw, node, loc, plan)


def _objects_at(doc: Any, loc: Loc) -> Iterator[dict[str, Any]]:
    """Every object found at `loc` in the document (lists fan out at "[]")."""
    if not loc:
        if isinstance(doc, dict):
            yield doc
        return
    head, rest = loc[0], loc[1:]
    if head == ITEM:
        for item in doc if isinstance(doc, list) else []:
            yield from _objects_at(item, rest)
    elif isinstance(doc, dict) and head in doc:
        yield from _objects_at(doc[head], rest)


def _get(obj: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _put(obj: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        nxt = obj.get(part)
        if not isinstance(nxt, dict):
            nxt = obj[part] = {}
        obj = nxt
    obj[path[-1]] = value


def _tie_refs(draw: st.DrawFn, doc: dict[str, Any], plan: Plan) -> None:
    """Put field-relative comparisons on their boundary: left = right (+ days / months) + {-1, 0, +1}."""
    for scope, left, ref in plan.refs:
        for obj in _objects_at(doc, scope):
            base = _get(obj, ref.field.path)
            if base is None or draw(st.integers(0, 2)) == 0:
                continue
            if left.type == "date":
                target = add_months(dt.date.fromisoformat(base), ref.months) + dt.timedelta(days=ref.days)
                value: Any = (target + dt.timedelta(days=draw(st.sampled_from([-1, 0, 1])))).isoformat()
            elif isinstance(base, int | float) and not isinstance(base, bool):
                value = max(0, base + draw(st.sampled_from([-1, -0.01, 0, 0, 0.01, 1])))
            else:
                value = base
            _put(obj, left.path, value)


@st.composite
def facts_documents(draw: st.DrawFn, plan: Plan) -> dict[str, Any]:
    omit = draw(st.sampled_from([0, 0, 5, 20, 50]))  # per-document chance (%) that a field is left out
    doc: dict[str, Any] = {}
    props = schema()["properties"]
    for key in SUBJECT_PREFIX.values():
        if (key,) not in plan.read or draw(st.integers(0, 9)) == 0:
            continue
        node = props[key]
        if key == "experts":
            item = props[key]["items"]
            doc[key] = [_value(draw, item, (key, ITEM), plan, omit) for _ in range(draw(st.integers(0, 3)))]
        else:
            doc[key] = _value(draw, node, (key,), plan, omit)
    _tie_refs(draw, doc, plan)
    return doc


# ---------------------------------------------------------------------------- comparing


def differences(durable: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    """Every way the two results differ, one line each."""
    if len(durable["results"]) != len(reference["results"]):
        return [f"{len(durable['results'])} results from durable, {len(reference['results'])} from reference"]
    problems: list[str] = []
    for d, r in zip(durable["results"], reference["results"], strict=True):
        if d != r:
            problems.append(f"{d['rule']} [{d['subject_id']}]: durable {d['outcome']}, reference {r['outcome']}")
    for key in ("verdict", "summary", "regime", "as_of"):
        if durable[key] != reference[key]:
            problems.append(f"{key}: durable {durable[key]!r}, reference {reference[key]!r}")
    return problems


def per_regime_cases() -> int:
    return max(50, math.ceil(TOTAL_CASES / max(1, len(regime_ids()))))


@pytest.mark.parametrize("regime_id", regime_ids())
def test_durable_matches_reference(regime_id: str) -> None:
    regime = registry().get(regime_id)
    plan = mine(regime)

    @settings(max_examples=per_regime_cases(), deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                     HealthCheck.filter_too_much])
    @given(facts_documents(plan))
    def check(facts: dict[str, Any]) -> None:
        errors = validate_facts(facts)
        assume(not errors)
        for judge in regime.judgements:  # each judgement reads its own subjects; closing judges every stage
            durable = evaluate(regime, facts, AS_OF, engine="durable", stage="closing", judge=judge)
            reference = evaluate(regime, facts, AS_OF, engine="reference", stage="closing", judge=judge)
            problems = differences(durable, reference)
            event(f"{judge} verdict {reference['verdict']}")
            assert not problems, f"durable and reference disagree ({judge}):\n" + "\n".join(problems)

    check()


def _outcomes_seen(regime: Regime, examples: int) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(facts_documents(mine(regime)))
    def collect(facts: dict[str, Any]) -> None:
        assert not validate_facts(facts), validate_facts(facts)
        for judge in regime.judgements:
            for entry in evaluate(regime, facts, AS_OF, engine="reference", stage="closing", judge=judge)["results"]:
                seen.setdefault(entry["rule"], set()).add(entry["outcome"])

    collect()
    return seen


@pytest.mark.parametrize("regime_id", regime_ids())
def test_generator_reaches_every_outcome(regime_id: str) -> None:
    """The generator is only useful if it drives each rule through several outcomes, and is valid by construction."""
    regime = registry().get(regime_id)
    seen = _outcomes_seen(regime, 100)
    for rule in regime.rules:  # a rule of `exists` tests only is never missing, so: two outcomes at least
        assert len(seen.get(rule.id, set())) >= 2, f"{rule.id}: generated outcomes {sorted(seen.get(rule.id, set()))}"
    assert {"pass", "fail", "missing"} <= set().union(*seen.values()), regime_id


# ---------------------------------------------------------------------------- the engine's $or-in-$iall defect


VENUES = Field(("venues",), None, "list")
SCENIC = Cmp(Field(("scenic_area",), None, "boolean"), "eq", Const(True))
HOTEL = Cmp(Field(("above_standard_hotel",), None, "boolean"), "eq", Const(True))


@pytest.mark.parametrize("name,check", [
    ("every-any", Quant("every", VENUES, AnyOf((SCENIC, HOTEL)))),
    ("none-all", Not(Quant("some", VENUES, All((SCENIC, HOTEL))))),
])
def test_cross_field_or_inside_every_is_refused(name: str, check: Cond) -> None:
    """durable-rules 2.0.28 honours only the branch of a `$or` inside `$iall` that tests an item's
    last property; the adapter refuses such a rule, naming it, instead of answering wrongly."""
    from engine.errors import CompileError

    regime = _single_rule_regime(name, when=None, check=check)
    facts = {"project": {"venues": [{"scenic_area": True, "above_standard_hotel": False}]}}
    assert evaluate(regime, facts, AS_OF, engine="reference")["results"][0]["outcome"] in ("pass", "fail")
    with pytest.raises(CompileError, match=f"{regime.id}/{name}"):
        evaluate(regime, facts, AS_OF, engine="durable")


@pytest.mark.parametrize("check,venue,expected", [
    (Not(Quant("some", VENUES, AnyOf((SCENIC, HOTEL)))), {"scenic_area": True, "above_standard_hotel": False}, "fail"),
    (Not(Quant("some", VENUES, AnyOf((SCENIC, HOTEL)))), {"scenic_area": False, "above_standard_hotel": True}, "fail"),
    (Not(Quant("some", VENUES, AnyOf((SCENIC, HOTEL)))), {"scenic_area": False, "above_standard_hotel": False}, "pass"),
])
def test_or_inside_quantifier_both_backends(check: Cond, venue: dict[str, bool], expected: str) -> None:
    regime = _single_rule_regime("venues", when=None, check=check)
    facts = {"project": {"venues": [venue]}}
    for engine in ("reference", "durable"):
        assert evaluate(regime, facts, AS_OF, engine=engine)["results"][0]["outcome"] == expected, engine


def _single_rule_regime(local_id: str, when: Cond | None, check: Cond) -> Regime:
    import hashlib

    from engine.policy.model import Source

    rule = Rule(id=f"diff-test/{local_id}", local_id=local_id, title=local_id, topic="test", subject="project",
                each=None, kind="requirement", severity="error", params={}, when=when, check=check, message=local_id,
                source=Source("test", "test", "test"))
    digest = hashlib.sha256(repr((local_id, when, check)).encode()).hexdigest()
    return Regime(id="diff-test", region="test", region_name="测试", edition=1, title="t", issuer="t", documents=[],
                  issued=None, effective_from=AS_OF, kind="test", version="0", source_path="", rules=[rule],
                  hash=f"sha256:{digest}")


# ---------------------------------------------------------------------------- reference semantics, by hand


def F(*path: str, type: str = "number", fn: str | None = None) -> Field:  # noqa: A002 - mirrors Field.type
    return Field(tuple(path), fn, type)


def cmp(path: str, op: str, value: Any, type: str = "number") -> Cmp:  # noqa: A002
    return Cmp(F(*path.split("."), type=type), op, Const(value))


def test_reference_backend_is_available_by_name() -> None:
    assert get_backend("reference").name == "reference"
    with pytest.raises(ValueError, match="未知的求值引擎"):
        get_backend("nope")


def test_absent_field_is_unknown_and_rule_missing() -> None:
    c = cmp("onsite_days", "le", 3)
    assert truth(c, {}) is None
    assert truth(c, {"onsite_days": 3}) is True
    assert truth(c, {"onsite_days": 3.01}) is False
    assert truth(cmp("budget.total_wan", "ge", 1), {"budget": {}}) is None
    assert truth(Not(c), {}) is None
    assert outcome(None, c, {}) is None  # missing: left out of the backend's map
    assert outcome(Exists(F("completed_on", type="date")), c, {}) == "not_applicable"
    assert outcome(Exists(F("completed_on", type="date")), c, {"completed_on": "2026-01-01"}) is None
    assert outcome(c, c, {}) is None  # unknown `when`
    provided = Exists(F("submitted_on", type="date"), strict=False)
    assert truth(provided, {}) is None  # `provided`: absent is unknown, so the rule is missing, naming it
    assert truth(provided, {"submitted_on": "2026-01-01"}) is True
    assert truth(Not(provided), {}) is None
    assert outcome(None, provided, {}) is None
    assert outcome(None, Exists(F("submitted_on", type="date")), {}) == "fail"


def test_kleene_connectives() -> None:
    unknown, true, false = cmp("x", "eq", 1), cmp("y", "eq", 1), cmp("y", "eq", 2)
    data = {"y": 1}
    assert truth(AnyOf((unknown, true)), data) is True
    assert truth(AnyOf((unknown, false)), data) is None
    assert truth(All((unknown, false)), data) is False
    assert truth(All((unknown, true)), data) is None
    assert truth(Exists(F("x")), data) is False
    assert truth(Exists(F("y")), data) is True


def test_quantifiers_over_empty_absent_and_partial_lists() -> None:
    inner = cmp("category", "in", ("gifts", "allowance"), type="string")
    every, some = Quant("every", F("expenses", type="list"), inner), Quant("some", F("expenses", type="list"), inner)
    assert truth(every, {"expenses": []}) is True
    assert truth(some, {"expenses": []}) is False
    assert truth(every, {}) is None and truth(some, {}) is None
    partial = {"expenses": [{"category": "gifts"}, {"amount_yuan": 5}]}
    assert truth(every, partial) is None
    assert truth(some, partial) is True
    assert truth(Not(some), partial) is False
    assert truth(every, {"expenses": [{"category": "transport"}, {}]}) is False


def test_counts_lengths_and_contains() -> None:
    count = Cmp(F("service_forms", fn="count"), "ge", Const(1))
    assert truth(count, {"service_forms": []}) is False
    assert truth(count, {"service_forms": ["other"]}) is True
    assert truth(count, {}) is None
    length = Cmp(F("summary_text", fn="len"), "le", Const(3))
    assert truth(length, {"summary_text": "专家服"}) is True
    assert truth(length, {"summary_text": "专家服务"}) is False
    has = Contains(F("plan_sections", type="list"), "budget")
    assert truth(has, {"plan_sections": ["goals", "budget"]}) is True
    assert truth(has, {"plan_sections": []}) is False
    assert truth(has, {}) is None


def test_dates_and_field_references() -> None:
    deadline = cmp("submitted_on", "le", dt.date(2026, 6, 19), type="date")
    assert truth(deadline, {"submitted_on": "2026-06-19"}) is True
    assert truth(deadline, {"submitted_on": "2026-06-20"}) is False
    ten_days_before = Cmp(F("plan_filed_on", type="date"), "le", Ref(F("start_date", type="date"), days=-10))
    assert truth(ten_days_before, {"plan_filed_on": "2026-07-10", "start_date": "2026-07-20"}) is True
    assert truth(ten_days_before, {"plan_filed_on": "2026-07-11", "start_date": "2026-07-20"}) is False
    assert truth(ten_days_before, {"plan_filed_on": "2026-07-11"}) is None
    assert truth(ten_days_before, {"start_date": "2026-07-20"}) is None


def test_plus_months_clamps_to_month_end() -> None:
    within = Cmp(F("report_submitted_on", type="date"), "le", Ref(F("completed_on", type="date"), months=1))
    assert truth(within, {"completed_on": "2026-01-31", "report_submitted_on": "2026-02-28"}) is True
    assert truth(within, {"completed_on": "2026-01-31", "report_submitted_on": "2026-03-01"}) is False
    assert truth(within, {"completed_on": "2024-01-31", "report_submitted_on": "2024-02-29"}) is True
    assert truth(within, {"completed_on": "2024-01-31", "report_submitted_on": "2024-03-01"}) is False
    assert truth(within, {"completed_on": "2026-12-15", "report_submitted_on": "2027-01-15"}) is True
    assert truth(within, {"completed_on": "2026-12-15", "report_submitted_on": "2027-01-16"}) is False
    plus_both = Cmp(F("d", type="date"), "lt", Ref(F("e", type="date"), days=1, months=1))
    assert truth(plus_both, {"e": "2026-01-31", "d": "2026-02-28"}) is True  # 02-28 < 03-01
    assert truth(plus_both, {"e": "2026-01-31", "d": "2026-03-01"}) is False


def test_place_names_compare_without_suffix() -> None:
    province = cmp("province", "eq", canonical_place("上海市"), type="string")
    assert truth(province, {"province": "上海市"}) is True
    assert truth(province, {"province": "上海"}) is True
    assert truth(province, {"province": "浙江省"}) is False
    region = cmp("region", "in", ("广西", "新疆"), type="string")
    assert truth(region, {"region": "广西壮族自治区"}) is True
    inside = Quant("some", F("locations", type="list"), cmp("county", "eq", "浑南", type="string"))
    assert truth(inside, {"locations": [{"county": "浑南区"}]}) is True
    not_a_place = cmp("name", "eq", "上海", type="string")
    assert truth(not_a_place, {"name": "上海市"}) is False


def test_numbers_compare_numerically() -> None:
    cap = cmp("requested_support_wan", "le", 3)
    assert truth(cap, {"requested_support_wan": 3.0}) is True
    assert truth(cap, {"requested_support_wan": 2.99}) is True
    assert truth(cap, {"requested_support_wan": 3.01}) is False
    assert truth(cmp("sessions", "eq", 2.0), {"sessions": 2}) is True


def test_comparator_reports_a_difference() -> None:
    """The differential assertion can fail: a changed outcome is reported, not swallowed."""
    if not regime_ids():
        pytest.skip("no regime loads")
    regime = registry().get(regime_ids()[0])
    facts = {key: [{}] if key == "experts" else {} for key in SUBJECT_PREFIX.values()}
    result = evaluate(regime, facts, AS_OF, engine="reference")
    first = result["results"][0]
    changed = {**result, "results": [dict(first, outcome="pass" if first["outcome"] != "pass" else "fail")]
               + result["results"][1:]}
    problems = differences(changed, result)
    assert problems
