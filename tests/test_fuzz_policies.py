"""Hostile policy YAML: every input ends in PolicyError (or CompileError, or loads) within seconds, never anything else.

Hand-made cases cover the known attacks (alias bombs, deep nesting, huge numbers, unknown
and regex-like operators, thousands of rules, binary junk, oversized files); hypothesis
then puts random values of any type anywhere in a valid policy, and builds random
condition trees from the real field names, operators and junk. A random policy that loads
must also compile, and both engines must give the same answer on it.

The riskiest inputs also go through engine.backends.sandbox.compile_candidate, the child-process
compile the impact endpoint uses, including test-hooked children that segfault, hang or
exit without an answer (REGIMES_SANDBOX_TEST_CRASH, read only in the child).

A C-level hang in durable-rules holds the GIL, so no Python alarm could interrupt it:
`watchdog` arms faulthandler, which dumps every thread's stack and ends the run instead of
letting it hang. REGIMES_FUZZ_EXAMPLES raises the number of hypothesis examples.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import math
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from policy_text import HEADER, rule

from engine.backends import sandbox
from engine.backends.durable import MAX_CONDITIONS_PER_KIND, CompileError, EngineError, compile_ruleset
from engine.evaluate import evaluate
from engine.facts import facts_schema, load_facts_file
from engine.policy.validate import MAX_RULES, PolicyError, load_regime_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("REGIMES_FUZZ_EXAMPLES") or 150)
CASE_SECONDS = 20.0  # generous: the slowest hand-made case (2,001 rules) takes ~5 s on the 2-core machine
AS_OF = dt.date(2026, 6, 1)
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.filter_too_much])


pytestmark = pytest.mark.no_rule_coverage  # generated evaluations prove nothing about a rule


@pytest.fixture(autouse=True)
def watchdog() -> Iterator[None]:
    """End the run with every thread's stack if a test hangs, even inside C code holding the GIL."""
    faulthandler.dump_traceback_later(240, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def attempt(text: str, filename: str = "fuzz.yaml") -> tuple[str, Any]:
    """('ok', regime) | ('policy', error lines) | ('compile', message); any other exception escapes to fail the test."""
    started = time.monotonic()
    try:
        regime = load_regime_text(text, filename, check_quotes=False)
        compile_ruleset(regime)
        return "ok", regime
    except PolicyError as exc:
        assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
        assert all("Traceback" not in e for e in exc.errors)
        return "policy", exc.errors
    except CompileError as exc:
        assert str(exc)
        return "compile", str(exc)
    finally:
        elapsed = time.monotonic() - started
        assert elapsed < CASE_SECONDS, f"took {elapsed:.1f} s"


def refused(text: str) -> str:
    kind, detail = attempt(text)
    assert kind in ("policy", "compile"), "expected the policy to be refused"
    return "\n".join(detail) if kind == "policy" else detail


def one_rule(body: str, subject: str = "project") -> str:
    return HEADER + rule("r", body, subject=subject)


def nested(depth: int, words: tuple[str, ...] = ("all", "any"), leaf: str = "{field: sessions, ge: 1}") -> str:
    node = leaf
    for i in range(depth):
        word = words[i % len(words)]
        node = f"{{not: {node}}}" if word == "not" else f"{{{word}: [{node}]}}"
    return node


def billion_laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return one_rule("check: {field: sessions, ge: 1}") + "\n".join(lines) + f"\nnotes: *a{levels - 1}\n"


# ---------------------------------------------------------------- hand-made hostile policies


HOSTILE: list[tuple[str, str, str]] = [
    ("empty file", "", "应为对象"),
    ("whitespace only", " \n  \n", "应为对象"),
    ("a tab", "\t", "YAML 语法错误"),
    ("a list, not a mapping", "- 1\n- 2\n", "应为对象"),
    ("a bare number", str(10**400), "应为对象"),
    ("binary junk", bytes(range(256)).decode("latin-1"), "控制字符"),
    ("NUL in a value", HEADER.replace("测试规则集", "测试\x00规则集"), "控制字符"),
    ("3 MB file", HEADER + "# " + "x" * 3_000_000 + "\n", "文件过大"),
    ("3 MB of CJK", HEADER + "notes: " + "规" * 1_000_000 + "\n", "文件过大"),
    ("billion laughs", billion_laughs(), "别名"),
    ("merge key", HEADER.replace("rules:\n", "base: &b {x: 1}\nother: {<<: *b}\nrules:\n"), "不支持 YAML"),
    ("10,000 nested YAML lists", HEADER.replace("rules:\n", "notes: " + "[" * 10_000 + "]" * 10_000 + "\nrules:\n"),
     "嵌套层次过深"),
    ("10,000 nested all/any", one_rule("check: " + nested(10_000)), "嵌套层次过深"),
    ("10,000 nested not", one_rule("check: " + nested(10_000, ("not",))), "嵌套层次过深"),
    ("1,500 nested block mappings", HEADER.replace("rules:\n", "notes:\n" + "".join(
        " " * i + f"k{i}:\n" for i in range(1, 1500)) + "rules:\n"), "嵌套层次过深"),
    ("integer with 5,000 digits", HEADER.replace("edition: 2026", "edition: " + "9" * 5000), "无法解析的值"),
    ("edition 10**400", HEADER.replace("edition: 2026", f"edition: {10**400}"), "edition"),
    ("threshold 10**400", one_rule(f"check: {{field: sessions, ge: {10**400}}}"), "数值过大"),
    ("threshold 1e308", one_rule("check: {field: sessions, ge: 1.0e+308}"), "数值过大"),
    ("threshold -1e308", one_rule("check: {field: sessions, ge: -1.0e+308}"), "数值过大"),
    ("threshold .inf", one_rule("check: {field: sessions, le: .inf}"), "数值过大"),
    ("threshold 1e308 as text", one_rule("check: {field: sessions, ge: '1e308'}"), "应为数字"),
    ("min_count 10**400", one_rule(f"check: {{field: service_forms, min_count: {10**400}}}"), "min_count"),
    ("plus_days 10**400", one_rule(f"check: {{field: end_date, le: {{field: start_date, plus_days: {10**400}}}}}"),
     "plus_days"),
    ("param 10**400", one_rule(f"params: {{cap: {10**400}}}\ncheck: {{field: sessions, le: $cap}}"), "数值过大"),
    ("date 2026-02-30", one_rule("check: {field: end_date, le: 2026-02-30}"), "日期"),
    ("date as a number", one_rule("check: {field: end_date, le: 20260230}"), "日期"),
    ("unknown operator", one_rule("check: {field: name, like: 专家%}"), "未知运算符 'like'"),
    ("regex operator", one_rule(r"check: {field: name, regex: '^\d+$'}"), "未知运算符 'regex'"),
    ("matches operator", one_rule("check: {field: name, matches: '[一-龥]+'}"), "未知运算符 'matches'"),
    ("engine $mt operator", one_rule("check: {field: name, $mt: '[一-龥]+'}"), "未知运算符 '$mt'"),
    ("engine expression as condition", one_rule("check: {$mt: {name: '%d+'}}"), "无法识别的条件"),
    ("two operators", one_rule("check: {field: sessions, ge: 1, le: 3}"), "只能有一个运算符"),
    ("unknown field", one_rule("check: {field: '__proto__.x', eq: 1}"), "未知字段"),
    ("field is a list", one_rule("check: {field: [name], eq: x}"), "field"),
    ("condition is a list", one_rule("check: [{field: sessions, ge: 1}]"), "check"),
    ("condition is empty", one_rule("check: {}"), "check"),
    ("all is empty", one_rule("check: {all: []}"), "非空"),
    ("all of numbers", one_rule("check: {all: [1, 2]}"), "all"),
    ("in with a mapping", one_rule("check: {field: level, in: {a: 1}}"), "in"),
    ("undefined param", one_rule("check: {field: sessions, ge: $nope}"), "未定义的参数"),
    ("rules is text", HEADER + "  x\n", "rules"),
    ("rules of numbers", HEADER + "  - 1\n  - 2\n", "rules"),
    ("rule id is a number", HEADER + rule("r", "check: {field: sessions, ge: 1}").replace("id: r", "id: 5"), "id"),
    ("source is null", one_rule("check: {field: sessions, ge: 1}").replace(
        "source: {document: 通知, clause: 一, quote: 测试条款}", "source: null"), "source"),
    ("message template junk", one_rule("check: {field: sessions, ge: 1}").replace("message: 测试", "message: '{0!r:{'"),
     "message"),
    (f"{MAX_RULES + 1} rules", HEADER + "".join(rule(f"r{i}", "check: {field: sessions, ge: 1}")
                                                 for i in range(MAX_RULES + 1)), "规则过多"),
    ("100-way any in one rule", one_rule("check: {any: [" + ", ".join(
        f"{{field: sessions, eq: {i}}}" for i in range(100)) + "]}"), "规则 test-2026/r（第"),
    ("1,500 rules on one subject", HEADER + "".join(rule(f"r{i}", f"check: {{field: sessions, ge: {i}}}")
                                                     for i in range(1500)),
     "超过引擎安全上限"),
    ("250 rules on one subject", HEADER + "".join(rule(f"r{i}", f"check: {{field: sessions, ge: {i}}}")
                                                   for i in range(250)),
     "超过引擎安全上限"),
    ("every over every", one_rule("check: {every: locations, check: {every: locations, check: {field: city, eq: x}}}"),
     "嵌套"),
]


@pytest.mark.parametrize("text,expected", [pytest.param(t, e, id=name)
                                           for name, t, e in HOSTILE])
def test_hostile_policy_is_one_clear_refusal(text: str, expected: str) -> None:
    message = refused(text)
    assert expected in message
    assert "Traceback" not in message and "File \"" not in message


@pytest.mark.parametrize("depth", [100, 200, 300, 500, 999])
@pytest.mark.parametrize("words", [("all", "any"), ("not",), ("any", "not"), ("some",)], ids=lambda w: "/".join(w))
def test_nesting_of_any_depth_loads_or_is_refused(depth: int, words: tuple[str, ...]) -> None:
    """Between 'fine' and 'the YAML parser gives up' lies every depth at which some recursive stage could fail."""
    if words == ("some",):
        body = "check: {some: locations, check: " + nested(depth - 1, leaf="{field: province, eq: 辽宁}") + "}"
    else:
        body = "check: " + nested(depth, words)
    kind, detail = attempt(one_rule(body))
    if kind == "policy":
        assert any("嵌套" in line or "过深" in line for line in detail), detail


def test_rules_just_under_the_engine_limits_compile_and_run() -> None:
    """The guards are not so strict that a large but legal policy is refused; and it evaluates on both engines alike."""
    per_rule = 9
    n = (MAX_CONDITIONS_PER_KIND // per_rule) // 3  # each rule yields a pass and a fail pattern of ~3 conditions
    text = HEADER + "".join(rule(f"r{i}", f"check: {{field: sessions, ge: {i}}}") for i in range(n))
    kind, regime = attempt(text)
    assert kind == "ok", regime
    for facts in ({}, {"project": {"sessions": 7}}, {"project": {"sessions": 10**9}}):
        assert same_on_both_engines(regime, facts)


def test_a_regex_looking_value_is_just_a_value() -> None:
    """There is no regex operator: `[一-龥]` (which segfaults durable-rules inside $mt) is compared as plain text."""
    kind, regime = attempt(one_rule("check: {field: name, in: ['[一-龥]', '%d+', '.*', '^\\d+$']}"))
    assert kind == "ok", regime
    # blank text counts as not given (conditions.get_path): missing, in both backends
    for name, want in (("[一-龥]", "pass"), ("%d+", "pass"), (".*", "pass"), ("中文", "fail"), ("123", "fail"),
                       ("", "missing"), (" ", "missing")):
        for engine in ("durable", "reference"):
            result = evaluate(regime, {"project": {"name": name}}, AS_OF, engine=engine)
            assert result["results"][0]["outcome"] == want, (engine, name)


NON_FINITE = [".nan", ".inf", "-.inf", ".NaN"]


@pytest.mark.parametrize("value", NON_FINITE)
def test_non_finite_thresholds_are_refused(value: str) -> None:
    """A NaN threshold compares false with everything in Python but not in the engine: it must never load."""
    message = refused(one_rule(f"check: {{field: sessions, ge: {value}}}"))
    assert "sessions" in message or "ge" in message


@pytest.mark.parametrize("value", NON_FINITE)
def test_non_finite_params_are_refused(value: str) -> None:
    refused(one_rule(f"params: {{cap: {value}}}\ncheck: {{field: sessions, in: [1, $cap]}}"))


# ---------------------------------------------------------------- the child-process compile (impact endpoint)


NASTY = [pytest.param(text, id=name) for name, text, _ in HOSTILE
         if name in ("billion laughs", "10,000 nested all/any", "250 rules on one subject", "100-way any in one rule")]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A policy folder whose sources/ holds the text the test policies cite (`source_text: ../sources/none.txt`)."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "none.txt").write_text("测试条款", encoding="utf-8")
    (tmp_path / "test").mkdir()
    return tmp_path / "test"


@pytest.mark.parametrize("text", NASTY)
def test_sandbox_refuses_nasty_candidates_with_the_same_messages(text: str, sources: Path) -> None:
    with pytest.raises(PolicyError) as info:
        sandbox.compile_candidate(text, "<候选规则>", sources, timeout=60)
    kind, detail = attempt(text, "<候选规则>")
    expected = detail if kind == "policy" else [f"<候选规则>:1:1: {detail}"]
    assert info.value.errors == expected


def test_sandbox_returns_a_compiled_regime_for_a_good_candidate() -> None:
    path = ROOT / "policies" / "liaoning" / "2026.yaml"
    regime = sandbox.compile_candidate(path.read_text(encoding="utf-8"), "<候选规则>", path.parent)
    assert regime.id == "liaoning-2026" and regime.rules
    facts = load_facts_file(ROOT / "examples" / "liaoning-2026" / "compliant.yaml")
    assert evaluate(regime, facts, AS_OF) == evaluate(regime, facts, AS_OF, engine="reference")


@pytest.mark.parametrize("hook,expected", [
    ("segv", "SIGSEGV"),
    ("hang", "规则编译超时（超过 2 秒）"),
    ("exit", "退出码 3"),
])
def test_a_child_that_crashes_or_hangs_is_refused_and_the_parent_lives(monkeypatch: pytest.MonkeyPatch, hook: str,
                                                                        expected: str, sources: Path) -> None:
    text = one_rule("check: {field: sessions, ge: 1}")
    monkeypatch.setenv(sandbox.TEST_HOOK_ENV, hook)
    before = _children()
    started = time.monotonic()
    with pytest.raises(PolicyError) as info:
        sandbox.compile_candidate(text, "<候选规则>", sources, timeout=2)
    assert time.monotonic() - started < 15
    assert _children() <= before  # the child was killed and reaped, not left running
    assert len(info.value.errors) == 1
    line = info.value.errors[0]
    assert line.startswith("<候选规则>: ") and expected in line and "已拒绝" in line
    monkeypatch.delenv(sandbox.TEST_HOOK_ENV)
    assert sandbox.compile_candidate(text, "<候选规则>", sources).id == "test-2026"  # this process is fine


def _children() -> set[int]:
    me = str(os.getpid())
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me and fields[0] != "Z":
                out.add(int(entry.name))
    return out


def test_the_test_hook_is_read_only_in_the_child() -> None:
    """The hook cannot fire in the serving process: only the child's entry point reads it."""
    source = (ROOT / "engine" / "backends" / "sandbox.py").read_text(encoding="utf-8")
    uses = [line for line in source.splitlines() if "TEST_HOOK_ENV" in line and "os.environ" in line]
    assert len(uses) == 1
    os.environ[sandbox.TEST_HOOK_ENV] = "segv"
    try:
        kind, _ = attempt(one_rule("check: {field: sessions, ge: 1}"))  # in-process compile ignores it
    finally:
        del os.environ[sandbox.TEST_HOOK_ENV]
    assert kind == "ok"
    assert signal.getsignal(signal.SIGSEGV) is not None


# ---------------------------------------------------------------- hypothesis: random values anywhere


def json_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
        ["", "[一-龥]", "^\\d+$", "%d", ".*", "$titles", "$", "2026-02-30", "2026-06-01", "0000-00-00", "senior",
         "project", "sessions", "locations", "{x}", "{{", "<<", "&a", "*a", "null", "~", "__guard__", "\"", "'"])
    numbers = (st.integers() | st.integers(-(10**400), 10**400) | st.floats() | st.sampled_from(
        [0, -1, 1e308, -1e308, 1e12, 1e12 + 1, 2**63, 2**64, 10**400, math.inf, -math.inf, math.nan]))
    leaf = st.none() | st.booleans() | numbers | text
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                        max_leaves=max_leaves)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # a value drawn twice must not come out as &anchor / *alias
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10_000)


BASE_TEXT = HEADER + rule("r1", "params: {titles: [senior]}\ncheck: {field: title, in: $titles}", subject="expert") + \
    rule("r2", "when: {exists: start_date}\ncheck: {all: [{field: sessions, ge: 1}, "
               "{field: end_date, le: {field: start_date, plus_months: 3}}, "
               "{every: locations, check: {field: province, eq: 辽宁}}]}")
BASE = yaml.safe_load(BASE_TEXT)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, prefix + (i,))
    return out


BASE_PATHS = _paths(BASE)


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _replace(copy[path[0]], path[1:], value)
    return copy


def _delete(node: Any, path: tuple[Any, ...]) -> Any:
    if len(path) == 1:
        copy = dict(node) if isinstance(node, dict) else list(node)
        del copy[path[0]]
        return copy
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _delete(copy[path[0]], path[1:])
    return copy


def test_the_base_policy_is_valid() -> None:
    kind, regime = attempt(dump(BASE))
    assert kind == "ok", regime
    assert len(regime.rules) == 2


@FUZZ_SETTINGS
@given(changes=st.lists(st.tuples(st.sampled_from(BASE_PATHS), json_values(), st.booleans()), min_size=1, max_size=3))
def test_random_values_anywhere_in_a_valid_policy(changes: list[tuple[tuple[Any, ...], Any, bool]]) -> None:
    data: Any = BASE
    for path, value, delete in changes:
        try:
            data = _delete(data, path) if delete and path else _replace(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or retyped this path
    kind, detail = attempt(dump(data))
    event(kind)
    if kind == "ok":
        for facts in FACTS_SAMPLES:
            assert same_on_both_engines(detail, facts)


# ---------------------------------------------------------------- hypothesis: random condition trees


def _fields(schema: dict[str, Any], node: dict[str, Any], prefix: str = "", depth: int = 0) -> tuple[list[str], list[str]]:
    """(dotted scalar and list fields, lists of objects) under an object schema."""
    plain: list[str] = []
    objects: list[str] = []
    for name, sub in node.get("properties", {}).items():
        while "$ref" in sub:
            target: Any = schema
            for part in sub["$ref"][2:].split("/"):
                target = target[part]
            sub = {**target, **{k: v for k, v in sub.items() if k != "$ref"}}
        kind = sub.get("type")
        if kind == "object" and depth < 2:
            p, o = _fields(schema, sub, f"{prefix}{name}.", depth + 1)
            plain += p
            objects += o
        elif kind == "array" and sub.get("items", {}).get("type") == "object":
            objects.append(prefix + name)
        else:
            plain.append(prefix + name)
    return plain, objects


SCHEMA = facts_schema()
PROJECT_FIELDS, PROJECT_LISTS = _fields(SCHEMA, SCHEMA["properties"]["project"])

def _item_schema(schema: dict[str, Any], dotted: str) -> dict[str, Any]:
    node: Any = schema["properties"]["project"]
    for part in dotted.split("."):
        node = node["properties"][part]
        while "$ref" in node:
            target: Any = schema
            for p in node["$ref"][2:].split("/"):
                target = target[p]
            node = target
    items = node["items"]
    while "$ref" in items:
        target = schema
        for p in items["$ref"][2:].split("/"):
            target = target[p]
        items = target
    return items


ITEM_FIELDS = sorted({f for name in PROJECT_LISTS for f in _fields(SCHEMA, _item_schema(SCHEMA, name))[0]})
OPS = ["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "contains_all", "contains_any", "min_count",
       "max_count", "min_length", "max_length"]
JUNK_OPS = ["regex", "matches", "$mt", "like", "==", "$and", "", "eq "]
VALUE_POOL = [0, 1, 2, 3, 10, 0.5, 2.99, 3.01, -1, 10**12, 10**13, True, False, None, "", "辽宁", "辽宁省", "[一-龥]",
              "senior", "provincial", "onsite", "2026-06-01", "2026-02-29", "2026-02-30", "$titles", [], [1, 2],
              ["senior", "associate_senior"], ["onsite"], {"field": "start_date"}, {"field": "start_date", "plus_days": 10},
              {"field": "end_date", "minus_months": 1}, {"field": "sessions"}, {"field": "nope"}]


@st.composite
def conditions(draw: st.DrawFn, depth: int = 0, item: bool = False) -> Any:
    fields = ITEM_FIELDS if item else PROJECT_FIELDS
    choice = draw(st.integers(0, 9 if depth < 4 else 5))
    if choice <= 4:
        op = draw(st.sampled_from(OPS) if draw(st.integers(0, 9)) else st.sampled_from(JUNK_OPS))
        value = draw(st.sampled_from(VALUE_POOL) | json_values(3))
        field = draw(st.sampled_from(fields) if draw(st.integers(0, 19)) else json_values(2))
        return {"field": field, op: value}
    if choice == 5:
        return {draw(st.sampled_from(["exists", "provided"])): draw(st.sampled_from(fields))}
    if choice in (6, 7):
        return {draw(st.sampled_from(["all", "any"])): draw(st.lists(conditions(depth + 1, item), min_size=1, max_size=4))}
    if choice == 8:
        return {"not": draw(conditions(depth + 1, item))}
    if item or not PROJECT_LISTS:
        return {"all": [draw(conditions(depth + 1, item))]}
    return {draw(st.sampled_from(["every", "some", "none"])): draw(st.sampled_from(PROJECT_LISTS)),
            "check": draw(conditions(depth + 1, item=True))}


def _example_facts() -> list[dict[str, Any]]:
    samples: list[dict[str, Any]] = [{}, {"project": {}}]
    for path in sorted((ROOT / "examples").glob("*/*.yaml"))[:4]:
        samples.append(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return samples


FACTS_SAMPLES = _example_facts()


def same_on_both_engines(regime: Any, facts: dict[str, Any]) -> bool:
    facts = _dates_as_text(facts)
    try:
        durable = evaluate(regime, facts, AS_OF)
    except EngineError as exc:  # the engine refusing facts is a clear error too, but compile should have caught it
        raise AssertionError(f"a compiled policy was refused at evaluation: {exc}") from None
    reference = evaluate(regime, facts, AS_OF, engine="reference")
    assert durable == reference
    return True


def _dates_as_text(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value


@FUZZ_SETTINGS
@given(data=st.data(), each=st.sampled_from([None, None, None, *PROJECT_LISTS]))
def test_random_condition_trees(data: st.DataObject, each: str | None) -> None:
    body: dict[str, Any] = {"check": data.draw(conditions(item=each is not None), label="check")}
    if data.draw(st.booleans(), label="has when"):
        body["when"] = data.draw(conditions(item=each is not None), label="when")
    text = one_rule(dump(body).rstrip("\n"))
    if each is not None:
        text = text.replace("    kind: requirement", f"    each: {each}\n    kind: requirement", 1)
    kind, detail = attempt(text)
    event(kind)
    if kind == "ok":
        for facts in FACTS_SAMPLES:
            assert same_on_both_engines(detail, facts)


# ---------------------------------------------------------------- the impact endpoint uses the child-process compile


@pytest.mark.parametrize("hook,expected", [("segv", "SIGSEGV"), ("hang", "规则编译超时")])
def test_impact_endpoint_refuses_a_crashing_compile_and_keeps_serving(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                       hook: str, expected: str) -> None:
    from fastapi.testclient import TestClient

    from service.testing import STAFF_TOKEN, auth, liaoning_file, make_test_app

    app, root, _ = make_test_app(tmp_path)
    candidate = liaoning_file(root).read_text(encoding="utf-8")
    monkeypatch.setenv(sandbox.TEST_HOOK_ENV, hook)
    monkeypatch.setattr(sandbox.compile_candidate, "__defaults__", (2.0, False))  # the endpoint's timeout, shortened
    with TestClient(app) as client:
        refused_answer = client.post("/v1/impact", content=candidate.encode("utf-8"),
                                     headers={**auth(STAFF_TOKEN), "content-type": "application/yaml"})
        assert refused_answer.status_code == 422, refused_answer.text
        assert any(expected in e["message"] for e in refused_answer.json()["errors"]), refused_answer.text
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["live_engine_states"] == 0
        monkeypatch.delenv(sandbox.TEST_HOOK_ENV)
        accepted = client.post("/v1/impact", content=candidate.encode("utf-8"),
                               headers={**auth(STAFF_TOKEN), "content-type": "application/yaml"})
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["candidate"]["id"] == "liaoning-2026"


def test_the_sandbox_child_inherits_no_secrets(monkeypatch) -> None:
    monkeypatch.setenv("REGIMES_TOKENS", "staff:s3cret")
    monkeypatch.setenv("REGIMES_DATABASE_URL", "postgresql://u:pw@db/x")
    env = sandbox.child_environment()
    assert "REGIMES_TOKENS" not in env and "REGIMES_DATABASE_URL" not in env
    assert not any("s3cret" in v or "pw@" in v for v in env.values())
