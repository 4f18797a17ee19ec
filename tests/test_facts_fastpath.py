"""The facts fast path (engine/facts/fastpath.py) against the Python validator it stands in for.

`validate_facts` lets jsonschema-rs decide acceptance and runs the jsonschema validator only for
documents the fast path does not prove valid. These tests prove the two accept exactly the same
documents: hypothesis builds valid documents from engine/facts/facts.schema.json itself and then
breaks them the way real input breaks (impossible dates such as 2026-02-30 and 0000-01-01, values
at and just past every bound, NaN and ±Infinity, 400-digit integers, -0.0, 1.0 for an integer,
booleans for numbers, wrong and near-miss enum values, duplicates in unique lists, unknown fields
and non-string keys, deep nesting, lone surrogates and NUL, and Python values no JSON parser
makes: tuples, Decimals, dates, UUIDs, Enum members). For every document:

- `validate_facts` returns exactly what the Python validator alone returns (messages included);
- the fast path never accepts a document the Python validator refuses;
- on plain JSON (what an HTTP body or a YAML file gives), jsonschema-rs accepts exactly the documents
  the Python validator accepts, -0.0 being the one value it refuses and the slow path then admits.

REGIMES_FASTPATH_EXAMPLES raises the number of generated documents (default 400 per test).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import math
import os
import uuid
from collections import OrderedDict
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.documents.schema_errors import schema_messages
from engine.facts import facts_schema, validate_facts
from engine.facts.fastpath import PROVEN_KEYWORDS, FastPath, schema_keywords
from engine.facts.schema import _fast, _validator, load_facts_text

pytestmark = pytest.mark.no_rule_coverage  # schema tests: no rule is evaluated

EXAMPLES = int(os.environ.get("REGIMES_FASTPATH_EXAMPLES") or 400)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])
SCHEMA = facts_schema()
FAST = FastPath(SCHEMA)


def slow_messages(doc: object) -> list[str]:
    """What the Python validator alone says (validate_facts before the fast path)."""
    if doc is None:
        return []
    return [message for _, message in schema_messages(_validator(), doc)]


def resolve(node: Any) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = SCHEMA
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def plain_json(doc: object) -> bool:
    """True when `doc` is exactly what a JSON parser could have produced (finite numbers, 64-bit ints, str keys)."""
    try:
        return bool(orjson.loads(orjson.dumps(doc)) == doc)
    except Exception:  # noqa: BLE001
        return False


def has_negative_zero(doc: object) -> bool:
    if isinstance(doc, float):
        return doc == 0 and math.copysign(1.0, doc) < 0
    if isinstance(doc, dict):
        return any(has_negative_zero(v) for v in doc.values())
    if isinstance(doc, list | tuple):
        return any(has_negative_zero(v) for v in doc)
    return False


# ---------------------------------------------------------------- valid documents, from the schema

SURROGATE_FREE = st.characters(blacklist_categories=["Cs"])


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("type")
    if t is None:
        return ["string"] if "enum" not in node and "const" not in node else []
    return [t] if isinstance(t, str) else list(t)


def _string(node: dict[str, Any]) -> st.SearchStrategy[str]:
    if node.get("format") == "date":
        return st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat)
    if "pattern" in node:
        return st.from_regex(node["pattern"], fullmatch=True)
    lo, hi = node.get("minLength", 0), node.get("maxLength", 10_000)
    short = st.text(SURROGATE_FREE, min_size=lo, max_size=min(hi, 12))
    at_bound = st.sampled_from(["专", "a", "😀", " ", "\x00"]).map(lambda c: c * hi) if hi <= 20_000 else short
    return st.one_of(short, short, short, at_bound)


def _number(node: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    lo, hi = node.get("minimum"), node.get("maximum")
    if "exclusiveMinimum" in node:
        lo = node["exclusiveMinimum"] + (1 if integer else 1e-6)
    if "exclusiveMaximum" in node:
        hi = node["exclusiveMaximum"] - (1 if integer else 1e-6)
    ints = st.integers(None if lo is None else math.ceil(lo), None if hi is None else math.floor(hi))
    edges = [x for x in (lo, hi) if x is not None]
    if integer:
        return st.one_of(ints, st.sampled_from([int(x) for x in edges] or [0]), ints.map(float))
    floats = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    return st.one_of(ints, floats, st.sampled_from(edges or [0.0]), floats.map(lambda x: round(x, 2)))


def valid(node: Any, depth: int = 0) -> st.SearchStrategy[Any]:  # noqa: C901  (one branch per JSON type)
    node = resolve(node)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    options = []
    for t in _types(node):
        if t == "string":
            options.append(_string(node))
        elif t in ("integer", "number"):
            options.append(_number(node, t == "integer"))
        elif t == "boolean":
            options.append(st.booleans())
        elif t == "null":
            options.append(st.none())
        elif t == "array":
            items = valid(node.get("items", {}), depth + 1)
            lo, hi = node.get("minItems", 0), node.get("maxItems", 20)
            size = min(hi, 20 if depth == 0 else 3)
            unique = {"unique_by": lambda v: json.dumps(v, sort_keys=True)} if node.get("uniqueItems") else {}
            options.append(st.lists(items, min_size=lo, max_size=max(lo, size), **unique))  # type: ignore[arg-type]
        elif t == "object":
            options.append(_object(node, depth))
        else:
            raise AssertionError(f"type {t!r} is not generated: extend this test")
    return st.one_of(*options)


def _object(node: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    props = node.get("properties", {})
    required = set(node.get("required", []))

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, sub in props.items():
            if name in required or draw(st.integers(0, 2)) == 0:
                out[name] = draw(valid(sub, depth + 1))
        return out

    return build()


# ---------------------------------------------------------------- breaking them

class PlainEnum(enum.Enum):
    SENIOR = "senior"


class StrEnum(enum.StrEnum):
    SENIOR = "senior"


def _deep(n: int, inner: Any = 1) -> Any:
    out = inner
    for _ in range(n):
        out = [out]
    return out


HOSTILE: list[Any] = [
    None, True, False, 0, -1, 1.5, -0.0, math.nan, math.inf, -math.inf, 10**400, -(10**400), 2**63, 2**64 - 1, 2**64,
    "", " ", "\ud800", "a\udfffb", "\x00", "２０２６-０６-０１", "NaN", [], {}, [None], {"x": 1}, {1: "x"}, {None: 1},
    {"\ud800": 1}, (), ("x",), decimal.Decimal("1"), dt.date(2026, 6, 1), uuid.UUID(int=1), PlainEnum.SENIOR,
    StrEnum.SENIOR, _deep(50), _deep(300), {"a": {"b": {"c": _deep(10)}}},
]
BAD_DATES = ["2026-02-30", "2026-02-29", "2025-02-29", "2100-02-29", "0000-01-01", "0000-02-29", "2026-13-01",
             "2026-00-10", "2026-06-31", "2026-6-1", "2026-06-01\n", "2026-06-01 ", " 2026-06-01",
             "2026-06-01T00:00:00", "20260601", "2026-W01-1", "٢٠٢٦-٠٦-٠١", "9999-12-32", "10000-01-01"]
GOOD_DATES = ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "2026-06-01"]


def near(node: Any) -> st.SearchStrategy[Any]:  # noqa: C901  (one family of near misses per keyword)
    """Values close to what `node` allows, on both sides of each of its bounds, and hostile ones."""
    node = resolve(node)
    out: list[Any] = []
    types = _types(node)
    if "enum" in node:
        for v in node["enum"][:3]:
            if isinstance(v, str):
                out += [v.upper(), v + " ", " " + v, v[:-1], v + "\u200b", v.replace("_", "-")]
        out += ["other_value", StrEnum.SENIOR, PlainEnum.SENIOR]
    if node.get("format") == "date":
        out += BAD_DATES + GOOD_DATES + [dt.date(2026, 6, 1)]
    if "string" in types and "maxLength" in node:
        n = node["maxLength"]
        out += ["专" * n, "专" * (n + 1), "😀" * n, "😀" * (n + 1), "a" * (n - 1) + "\ud800", "\x00" * n]
    for t in ("integer", "number"):
        if t in types:
            for key, step in (("minimum", -1), ("maximum", 1)):
                if key in node:
                    b = node[key]
                    out += [b, b + step, b + step * 0.001, b + step * 1e-9, float(b), b - step * 0.5]
            out += [1.0, 2.5, 1e308, -1e308, 5e-324, True, decimal.Decimal("2"), 10**19, -(2**63), 2**63]
    if "array" in types:
        hi = node.get("maxItems", 3)
        items = resolve(node.get("items", {}))
        sample = items.get("enum", [items.get("const", "x")])[0] if ("enum" in items or "const" in items) else "x"
        out += [[sample] * 2, [sample] * hi, [sample] * (hi + 1), (sample,), [1, 1.0], [True, 1], [0, False],
                [[sample]], [{"id": "E1"}, {"id": "E1"}]]
    if "object" in types:
        props = list(node.get("properties", {}))
        extra = ["x", "__proto__", "Project", "id ", "$ref", "项目", "0", "\ud800"]
        out += [{k: 1} for k in extra] + [{1: "x"}, OrderedDict((p, None) for p in props[:2]),
                                            {p: [] for p in props[:3]}, {p.upper(): 1 for p in props[:2]}]
    return st.one_of(st.sampled_from(out or [None]), st.sampled_from(HOSTILE))


def paths(doc: Any, node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every value of `doc` with the schema node that governs it."""
    node = resolve(node)
    out = [(prefix, node)]
    if isinstance(doc, dict):
        props = node.get("properties", {})
        for k, v in doc.items():
            if k in props:
                out += paths(v, props[k], prefix + (k,))
    elif isinstance(doc, list) and isinstance(node.get("items"), dict):
        for i, v in enumerate(doc):
            out += paths(v, node["items"], prefix + (i,))
    return out


def put(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, list):
        copy = list(doc)
        copy[head] = put(copy[head], rest, value)
        return copy
    copy_d = dict(doc)
    copy_d[head] = put(copy_d[head], rest, value)
    return copy_d


@st.composite
def documents(draw: st.DrawFn) -> tuple[Any, bool]:
    """A generated document, and whether it was left untouched (then it must be valid)."""
    doc = draw(valid(SCHEMA))
    changes = draw(st.integers(0, 3))
    for _ in range(changes):
        path, node = draw(st.sampled_from(paths(doc, SCHEMA)))
        current = doc
        for part in path:
            current = current[part]
        if isinstance(current, dict) and draw(st.booleans()):  # an unknown field next to known ones
            key = draw(st.sampled_from(["x", "Title", "id ", "项目", "\ud800", 1, None, "", "experts"]))
            doc = put(doc, path, {**current, key: draw(near(node))})  # type: ignore[dict-item]
        else:
            doc = put(doc, path, draw(near(node)))
    return doc, changes == 0


# ---------------------------------------------------------------- the tests

def check(doc: Any, record: bool = False) -> bool:
    """Assert the fast path agrees with the Python validator on `doc`; returns whether it is valid."""
    if doc is None:  # an empty YAML document: validate_facts' own rule, before either validator
        assert validate_facts(doc) == []
        return True
    expected = slow_messages(doc)
    fast = FAST.accepts(doc)
    if fast:
        assert expected == [], f"fast path accepted a document the validator refuses: {expected}"
    assert validate_facts(doc) == expected
    if plain_json(doc) and not has_negative_zero(doc):
        assert fast == (expected == []), f"jsonschema-rs and jsonschema disagree: {expected or 'valid'}"
    if record:  # hypothesis statistics (--hypothesis-show-statistics)
        event("valid" if not expected else "invalid")
        event("fast path decided" if fast or expected else "slow path admitted (-0.0 or not plain JSON)")
    return not expected


@SETTINGS
@given(case=documents())
def test_fast_path_accepts_exactly_what_the_validator_accepts(case: tuple[Any, bool]) -> None:
    doc, untouched = case
    valid_doc = check(doc, record=True)
    if untouched:
        assert valid_doc, "a document generated from the schema must be valid (fix the generator)"
        if plain_json(doc) and not has_negative_zero(doc):
            assert FAST.accepts(doc), "the fast path must decide every plain valid document itself"


@SETTINGS
@given(doc=valid(SCHEMA))
def test_every_valid_document_is_accepted_by_the_fast_path(doc: Any) -> None:
    assert slow_messages(doc) == []
    assert FAST.accepts(doc) or has_negative_zero(doc)


def test_the_fast_path_is_on_for_the_shipped_schema() -> None:
    unknown = sorted(set(schema_keywords(SCHEMA)) - PROVEN_KEYWORDS)
    assert not unknown, (f"facts.schema.json uses {unknown}: teach tests/test_facts_fastpath.py to generate "
                         "documents for them, then add them to fastpath.PROVEN_KEYWORDS")
    assert FAST.enabled and _fast().enabled


def test_a_keyword_not_proven_turns_the_fast_path_off() -> None:
    schema = facts_schema()
    schema["properties"]["project"]["oneOf"] = [{"type": "object"}]
    fast = FastPath(schema)
    assert not fast.enabled and fast.unproven == ["oneOf"]
    assert fast.accepts({}) is False  # undecided: the slow validator judges


def _project(**fields: Any) -> dict[str, Any]:
    return {"project": fields}


HAND_MADE: dict[str, tuple[Any, bool]] = {
    "empty": ({}, True),
    "impossible date 2026-02-30": (_project(start_date="2026-02-30"), False),
    "year 0000 (jsonschema-rs alone accepts it)": (_project(start_date="0000-01-01"), False),
    "leap day 2024-02-29": (_project(start_date="2024-02-29"), True),
    "not a leap day 2100-02-29": (_project(start_date="2100-02-29"), False),
    "date with a trailing newline": (_project(start_date="2026-06-01\n"), False),
    "Arabic-Indic digits": (_project(start_date="٢٠٢٦-٠٦-٠١"), False),
    "a date object": (_project(start_date=dt.date(2026, 6, 1)), False),
    "NaN": (_project(sessions=math.nan), False),
    "Infinity": ({"project": {"budget": {"total_wan": math.inf}}}, False),
    "400-digit integer": (_project(sessions=10**400), False),
    "2**64": (_project(sessions=2**64), False),
    "1.0 for an integer": (_project(sessions=1.0), True),
    "true for an integer": (_project(sessions=True), False),
    "-0.0 (jsonschema-rs refuses, the slow path admits)": ({"project": {"budget": {"total_wan": -0.0}}}, True),
    "Decimal (jsonschema-rs alone accepts it)": (_project(sessions=decimal.Decimal(1)), False),
    "lone surrogate in free text (jsonschema-rs alone accepts it)": (_project(name="\ud800"), False),
    "lone surrogate as a key": (_project(**{"\ud800": 1}), False),
    "NUL in text": (_project(name="a\x00b"), True),
    "text at its limit": (_project(name="😀" * 1000), True),
    "text one past its limit": (_project(name="😀" * 1001), False),
    "a tuple for a list (jsonschema-rs alone accepts it)": (_project(service_forms=("other",)), False),
    "duplicates in a unique list": (_project(service_forms=["other", "other"]), False),
    "plain Enum member (jsonschema-rs alone accepts it)": ({"experts": [{"title": PlainEnum.SENIOR}]}, False),
    "str Enum member": ({"experts": [{"title": StrEnum.SENIOR}]}, True),
    "an integer key": ({1: {}}, False),
    "an unknown field": (_project(x=1), False),
    "OrderedDict": (OrderedDict(project=OrderedDict(sessions=2)), True),
    "300 nested lists": (_project(service_forms=_deep(300, "other")), False),
    "a list at the top": ([], False),
    "a string at the top": ("project", False),
    "None (an empty YAML document)": (None, True),
}


@pytest.mark.parametrize(("doc", "ok"), [pytest.param(*v, id=k) for k, v in HAND_MADE.items()])
def test_hand_made_documents(doc: Any, ok: bool) -> None:
    assert check(doc) is ok


def test_messages_come_from_the_python_validator() -> None:
    assert validate_facts(_project(start_date="2026-02-30", level="Provincial")) == [
        "project.level: 'Provincial' 不是允许的取值（national, provincial, municipal）",
        "project.start_date: '2026-02-30' 不是有效日期（格式 YYYY-MM-DD）",
    ]


def test_yaml_loading_uses_the_same_decision() -> None:
    assert load_facts_text("project:\n  start_date: 2024-02-29\n  sessions: 2\n") == {
        "project": {"start_date": "2024-02-29", "sessions": 2}}
    with pytest.raises(Exception, match="0000-01-01"):
        load_facts_text("project:\n  start_date: 0000-01-01\n")
