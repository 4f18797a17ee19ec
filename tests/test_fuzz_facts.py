"""Malformed facts: through engine.facts.load_facts_text and through POST /v1/evaluate, never a traceback or a 5xx.

Each bad document ends in FactsError (or a 4xx answer) whose every message names the
field at fault; each document that is accepted evaluates, with the same answer from both
engines. Hypothesis puts values of the wrong type (NaN, infinities, 400-digit integers,
impossible dates, huge strings and lists, nested junk) at every path of the facts schema,
inside the repository's example documents, and adds unknown keys; hand-made cases cover
what JSON and YAML themselves make possible (deep nesting, lone surrogates, NUL, BOM, duplicate keys).
REGIMES_FUZZ_EXAMPLES raises the number of hypothesis examples.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.evaluate import evaluate
from engine.facts import FactsError, facts_schema, load_facts_file, load_facts_text, resolve_ref
from engine.registry import Registry
from service.testing import make_test_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("REGIMES_FUZZ_EXAMPLES") or 120)
AS_OF = dt.date(2026, 6, 1)
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.function_scoped_fixture])
SCHEMA = facts_schema()
TOP = set(SCHEMA["properties"])
LOCATED = re.compile(r"^<facts>:\d+:\d+: (?P<field>.+?): \S")


pytestmark = pytest.mark.no_rule_coverage  # generated evaluations prove nothing about a rule


def _examples() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted((ROOT / "examples").glob("*/*.yaml")):
        out[f"{path.parent.name}/{path.stem}"] = load_facts_file(path)
    return out


EXAMPLE_FACTS = _examples()
REGIME_OF = {name: name.split("/")[0] for name in EXAMPLE_FACTS}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    return resolve_ref(node, SCHEMA)  # type: ignore[no-any-return]


def _schema_paths(node: dict[str, Any], prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    node = _resolve(node)
    yield prefix
    if "properties" in node:
        for name, sub in node["properties"].items():
            yield from _schema_paths(sub, prefix + (name,))
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        yield from _schema_paths(node["items"], prefix + (0,))


SCHEMA_PATHS = sorted(set(_schema_paths(SCHEMA)), key=lambda p: tuple(map(str, p)))


# ---------------------------------------------------------------- strategies


_BIG: list[Any] = [[0] * 5000, ["onsite"] * 600, [{}] * 501, {"k": "v" * 50_000}, "x" * 1001, "专" * 20_001]


def _big(i: int) -> Any:
    """Large values, drawn by index so that a failing example's report stays short."""
    return _BIG[i]


def junk(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    text = st.text(max_size=30) | st.sampled_from(
        ["", " ", "2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "2026-6-1", "2026-06-01T00:00:00",
         "２０２６-０６-０１", "NaN", "Infinity", "true", "null", "[一-龥]", "$titles", "senior", "provincial", "辽宁省"])
    numbers = st.integers() | st.floats() | st.sampled_from(
        [0, -1, 0.5, -0.0, 1e308, -1e308, 10**400, -(10**400), 2**63, 2**64, 1e12, math.inf, -math.inf, math.nan, 20260601])
    big = st.integers(0, len(_BIG) - 1).map(_big)
    leaf = st.none() | st.booleans() | numbers | text | big
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                        max_leaves=max_leaves)


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of `doc` with `value` at `path`, creating (or overwriting with) containers on the way."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(doc) if isinstance(doc, list) else []
        while len(items) <= head:
            items.append({})
        items[head] = _set(items[head], rest, value)
        return items
    obj = dict(doc) if isinstance(doc, dict) else {}
    obj[head] = _set(obj.get(head), rest, value)
    return obj


@st.composite
def malformed(draw: st.DrawFn) -> tuple[str, Any]:
    name = draw(st.sampled_from(sorted(EXAMPLE_FACTS)))
    doc: Any = EXAMPLE_FACTS[name]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(SCHEMA_PATHS))
        if draw(st.integers(0, 4)) == 0:  # an unknown key next to a known one
            path = path + (draw(st.sampled_from(["x", "__proto__", "Project", "sessions ", "$ref", "项目", "0"])),)
        doc = _set(doc, path, draw(junk()))
    return REGIME_OF[name], doc


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # a value drawn twice must not come out as &anchor / *alias
        return True


def _dump(doc: Any) -> str:
    return yaml.dump(doc, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10_000)


# ---------------------------------------------------------------- checks


def check_facts_error(exc: FactsError, located: bool = True) -> None:
    assert exc.errors
    for line in exc.errors:
        assert isinstance(line, str) and line.startswith("<facts>") and "Traceback" not in line
        if located:
            match = LOCATED.match(line)
            assert match, line
            field = match["field"]
            assert field == "(根)" or field.split(".")[0].split("[")[0] in TOP or "未知字段" in line, line


def check_evaluates(regime_id: str, facts: dict[str, Any]) -> None:
    regime = registry().get(regime_id)
    durable = evaluate(regime, facts, AS_OF)
    assert durable == evaluate(regime, facts, AS_OF, engine="reference")


_registry: list[Registry] = []


def registry() -> Registry:
    if not _registry:
        _registry.append(Registry.load())
    return _registry[0]


def check_answer(status: int, body: Any) -> None:
    assert status < 500, body
    if status == 200:
        assert body["decision_id"] and body["verdict"] in ("eligible", "ineligible", "incomplete")
        return
    assert status in (400, 413, 422), (status, body)
    assert isinstance(body["error"], str) and body["error"]
    assert body["errors"], body
    for item in body["errors"]:
        assert item["field"] and item["message"] and "Traceback" not in item["message"]
        if body["error"] == "事实有误":
            assert item["field"].startswith("facts"), item


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app, _, _ = make_test_app(tmp_path_factory.mktemp("fuzz-facts"))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def post(client: TestClient, body: str | bytes) -> tuple[int, Any]:
    response = client.post("/v1/evaluate", content=body, headers={"content-type": "application/json"})
    try:
        payload = response.json()
    except ValueError:
        payload = response.text
    return response.status_code, payload


# ---------------------------------------------------------------- hypothesis


@FUZZ_SETTINGS
@given(case=malformed())
def test_malformed_facts_text_is_a_located_facts_error(case: tuple[str, Any]) -> None:
    regime_id, doc = case
    try:
        facts = load_facts_text(_dump(doc))
    except FactsError as exc:
        event("FactsError")
        check_facts_error(exc)
        return
    event("accepted")
    check_evaluates(regime_id, facts)


@FUZZ_SETTINGS
@given(case=malformed())
def test_malformed_facts_over_http_is_a_4xx_naming_the_field(client: TestClient, case: tuple[str, Any]) -> None:
    regime_id, doc = case
    body = json.dumps({"regime": regime_id, "as_of": AS_OF.isoformat(), "facts": doc}, ensure_ascii=False)
    status, payload = post(client, body.encode("utf-8"))
    event(str(status))
    check_answer(status, payload)


# ---------------------------------------------------------------- hand-made


def _deep(n: int, open_: str = "[", close: str = "]") -> str:
    return open_ * n + close * n


RAW_BODIES = {
    "10,000 nested lists": '{"regime": "liaoning-2026", "facts": {"project": {"service_forms": ' + _deep(10_000) + "}}}",
    "100,000 nested lists": '{"regime": "liaoning-2026", "facts": {"project": {"x": ' + _deep(100_000) + "}}}",
    "deep objects": '{"regime": "liaoning-2026", "facts": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}",
    "NaN": '{"regime": "liaoning-2026", "facts": {"project": {"sessions": NaN}}}',
    "-Infinity": '{"regime": "liaoning-2026", "facts": {"budget": {"total_wan": -Infinity}}}',
    "1e400": '{"regime": "liaoning-2026", "facts": {"project": {"sessions": 1e400}}}',
    "5,000 digits": '{"regime": "liaoning-2026", "facts": {"project": {"sessions": ' + "9" * 5000 + "}}}",
    "impossible date": '{"regime": "liaoning-2026", "facts": {"project": {"start_date": "2026-02-30"}}}',
    "400-digit integer in a number field": '{"regime": "liaoning-2026", "facts": {"project": {"sessions": 1' + "0" * 400 + "}}}",
    "400-digit integer in money": '{"regime": "liaoning-2026", "facts": {"project": {"budget": {"total_wan": 1' + "0" * 400
                                  + "}}}}",
    "lone surrogate in free text": '{"regime": "liaoning-2026", "facts": {"project": {"name": "\\ud800"}}}',
    "lone surrogate in an enum": '{"regime": "liaoning-2026", "facts": {"project": {"level": "\\udfff"}}}',
    "lone surrogate as a key": '{"regime": "liaoning-2026", "facts": {"project": {"\\ud800": 1}}}',
    "lone surrogate in an expert": '{"regime": "liaoning-2026", "facts": {"experts": [{"id": "\\ud83d", "name": "x"}]}}',
    "NUL in text": '{"regime": "liaoning-2026", "facts": {"project": {"name": "a\\u0000b"}}}',
    "duplicate keys": '{"regime": "liaoning-2026", "facts": {"project": {"sessions": 1, "sessions": "x"}}}',
    "facts is a list": '{"regime": "liaoning-2026", "facts": []}',
    "facts is null": '{"regime": "liaoning-2026", "facts": null}',
    "experts is an object": '{"regime": "liaoning-2026", "facts": {"experts": {"0": {}}}}',
    "trailing garbage": '{"regime": "liaoning-2026", "facts": {}} x',
    "empty body": "",
    "BOM": "\ufeff" + '{"regime": "liaoning-2026", "facts": {}}',
}


def _params(cases: dict[str, str]) -> list[Any]:
    return [pytest.param(v, id=k) for k, v in cases.items()]


@pytest.mark.parametrize("body", _params(RAW_BODIES))
def test_hostile_json_bodies_are_4xx(client: TestClient, body: str) -> None:
    status, payload = post(client, body.encode("utf-8", "surrogatepass"))
    check_answer(status, payload)


def test_binary_and_oversized_bodies_are_4xx(client: TestClient) -> None:
    for raw in (bytes(range(256)), b"\xff\xfe{", b'{"regime": "liaoning-2026", "facts": {"project": {"name": "' + b"x" * 2_000_000
                + b'"}}}'):
        status, payload = post(client, raw)
        check_answer(status, payload)
        assert status in (400, 413, 422)


YAML_TEXTS = {
    "10,000 nested lists": "project:\n  service_forms: " + _deep(10_000) + "\n",
    "10,000 nested mappings": "project: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nproject: *b\n",
    ".nan": "project:\n  sessions: .nan\n",
    ".inf": "budget:\n  total_wan: .inf\n",
    "10**400": f"project:\n  sessions: {10**400}\n",
    "5,000 digits": "project:\n  sessions: " + "9" * 5000 + "\n",
    "impossible date": "project:\n  start_date: 2026-02-30\n",
    "date with time": "project:\n  start_date: 2026-06-01 10:00:00\n",
    "lone surrogate": 'project:\n  name: "\\ud800"\n',
    "NUL": "project:\n  name: a\x00b\n",
    "binary junk": bytes(range(256)).decode("latin-1"),
    "duplicate keys": "project:\n  sessions: 1\n  sessions: 2\n",
    "a list at the top": "- 1\n- 2\n",
    "a scalar at the top": "just text\n",
    "tab indentation": "project:\n\tsessions: 1\n",
    "unclosed flow": "project: {sessions: [1, 2\n",
    "python tag": "project: !!python/object/apply:os.system [echo]\n",
    "huge string": "project:\n  name: " + "x" * 3_000_000 + "\n",
}


@pytest.mark.parametrize("text", _params(YAML_TEXTS))
def test_hostile_facts_text_is_one_facts_error(text: str) -> None:
    try:
        facts = load_facts_text(text)
    except FactsError as exc:
        check_facts_error(exc, located=False)
        return
    check_evaluates("liaoning-2026", facts)


def test_a_facts_error_names_every_bad_field() -> None:
    doc = _set(_set(EXAMPLE_FACTS["liaoning-2026/compliant"], ("project", "sessions"), math.nan), ("experts", 1, "title"), 7)
    with pytest.raises(FactsError) as info:
        load_facts_text(_dump(doc))
    check_facts_error(info.value)
    named = [LOCATED.match(line)["field"] for line in info.value.errors]  # type: ignore[index]
    assert named == ["experts[1].title", "project.sessions"]
