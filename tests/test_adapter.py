"""The durable-rules adapter: correctness on engine sharp edges, guards, and no state left behind."""

from __future__ import annotations

import ast
import gc
import resource
from pathlib import Path

import pytest
from policy_text import regime, rule

from engine.backends import durable as durable_adapter
from engine.backends.durable import CompileError, compile_ruleset
from engine.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent


def outcomes(reg, facts):
    return [(r["rule"].split("/")[1], r["outcome"]) for r in evaluate(reg, facts)["results"]]


VENUES = regime(rule("venues", """
check:
  none: venues
  check:
    any:
      - {field: scenic_area, eq: true}
      - {field: above_standard_hotel, eq: true}
"""))


@pytest.mark.parametrize("venue,expected", [
    ({"scenic_area": True, "above_standard_hotel": False}, "fail"),
    ({"scenic_area": False, "above_standard_hotel": True}, "fail"),
    ({"scenic_area": True, "above_standard_hotel": True}, "fail"),
    ({"scenic_area": False, "above_standard_hotel": False}, "pass"),
    ({"scenic_area": False}, "missing"),
])
def test_or_inside_list_quantifier(venue, expected):
    # An $or inside $iany misfires in durable-rules 2.0.28; the adapter must not emit one.
    assert outcomes(VENUES, {"project": {"venues": [venue]}}) == [("venues", expected)]


def test_empty_and_absent_lists():
    assert outcomes(VENUES, {"project": {"venues": []}}) == [("venues", "pass")]
    assert outcomes(VENUES, {"project": {}}) == [("venues", "missing")]


DATES = regime(rule("filing", """
params: {days: 10}
check: {field: plan_filed_on, le: {field: start_date, minus_days: $days}}
"""), rule("report", """
when: {exists: completed_on}
check: {field: report_submitted_on, le: {field: completed_on, plus_months: 1}}
"""))


@pytest.mark.parametrize("project,expected", [
    ({"plan_filed_on": "2026-02-19", "start_date": "2026-03-01"}, "pass"),  # across February
    ({"plan_filed_on": "2026-02-20", "start_date": "2026-03-01"}, "fail"),
    ({"plan_filed_on": "2026-02-20"}, "missing"),
])
def test_day_arithmetic(project, expected):
    assert outcomes(DATES, {"project": project})[0] == ("filing", expected)


@pytest.mark.parametrize("done,report,expected", [
    ("2024-01-31", "2024-02-29", "pass"), ("2024-01-31", "2024-03-01", "fail"),
    ("2026-12-15", "2027-01-15", "pass"), ("2026-12-15", "2027-01-16", "fail"),
])
def test_calendar_months(done, report, expected):
    facts = {"project": {"completed_on": done, "report_submitted_on": report}}
    assert outcomes(DATES, facts)[1] == ("report", expected)


def test_numbers_compare_as_numbers():
    reg = regime(rule("cap", "check: {field: budget.requested_support_wan, le: 10}"))
    assert outcomes(reg, {"project": {"budget": {"requested_support_wan": 9}}}) == [("cap", "pass")]
    assert outcomes(reg, {"project": {"budget": {"requested_support_wan": 10.01}}}) == [("cap", "fail")]


@pytest.mark.parametrize(("value", "expected"), [(0.000009, "pass"), (0.00001, "pass"), (0.000011, "fail"),
                                               (1e16, "fail")])
def test_a_threshold_python_writes_with_an_exponent_compiles_and_compares(value, expected):
    # json.dumps writes 0.00001 as 1e-05, which the engine's parser cannot read (error 204 before the fix)
    reg = regime(rule("tiny", "check: {field: budget.requested_support_wan, le: 0.00001}"))
    assert outcomes(reg, {"project": {"budget": {"requested_support_wan": value}}}) == [("tiny", expected)]


@pytest.mark.parametrize(("value", "expected"), [(1.5e-7, "pass"), (5e-324, "pass"), (9.99, "pass"), (10, "pass"),
                                               (10.01, "fail"), (1e16, "fail"), (1.5e22, "fail"), (2**70, "fail")])
def test_fact_numbers_are_read_whichever_writer_writes_them(value, expected):
    # orjson writes 1.5e-7 and 5e-324 with an exponent, 1e16 as 1e+16; 2**70 it refuses (json.dumps writes it)
    reg = regime(rule("cap", "check: {field: budget.requested_support_wan, le: 10}"))
    assert outcomes(reg, {"project": {"budget": {"requested_support_wan": value}}}) == [("cap", expected)]


def test_facts_text_is_compact_json_and_nan_is_refused():
    import json

    from engine.errors import EngineError

    facts = [{"id": "1", "kind": "project", "v": {"name": "null 项目", "n": 1e-05, "big": 2**70}}]
    text = durable_adapter._engine_json(facts)  # "null" and 2**70 send it to json.dumps: same compact text
    assert text == json.dumps(facts, ensure_ascii=False, separators=(",", ":")).replace("1e-05", "1.0e-05")
    assert durable_adapter._engine_json([{"id": "1", "v": {"x": 5e-324}}]) == '[{"id":"1","v":{"x":5.0e-324}}]'
    for bad in (float("nan"), float("inf"), -float("inf")):  # orjson would write null: refused, never read as absent
        with pytest.raises(EngineError, match="非有限数值"):
            durable_adapter._engine_json([{"id": "1", "v": {"x": bad}}])


def test_every_fired_action_of_the_examples_takes_the_fast_path(monkeypatch):
    """The engine echoes each fact's text: run() reads the rule and the fact id from its front. A change in how
    the facts are written must keep that form, or every action falls back to a full JSON parse (≈ 2× slower)."""
    from support import example, registry

    slow: list[str] = []
    real = durable_adapter._fired
    monkeypatch.setattr(durable_adapter, "_fired", lambda text: slow.append(text) or real(text))
    reg = registry()
    for rid in sorted(reg.regimes):
        for name in ("compliant", "flawed"):
            assert evaluate(reg.get(rid), example(rid, name))["results"]
    assert slow == []


BLANK_FORM = regime(
    rule("name", "check: {provided: name}"),
    rule("locations", "check: {provided: locations}"),
    rule("some-location", "check: {field: locations, min_count: 1}"),
    rule("province", "check: {every: locations, check: {provided: province}}"),
    rule("named-x", "check: {field: name, eq: x}"),
    rule("if-named", "when: {exists: name}\ncheck: {field: sessions, ge: 1}"),
)


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize(("project", "expected"), [
    ({"name": "x", "locations": [{"province": "上海"}], "sessions": 1},
     {"name": "pass", "locations": "pass", "some-location": "pass", "province": "pass", "named-x": "pass",
      "if-named": "pass"}),
    ({"name": "y", "locations": [{"province": "上海"}, {"province": "江苏"}], "sessions": 0},
     {"name": "pass", "locations": "pass", "some-location": "pass", "province": "pass", "named-x": "fail",
      "if-named": "fail"}),
    # a blank form: blank text is absent for every condition; an empty list is an answer ("none")
    ({"name": "", "locations": [], "sessions": 0},
     {"name": "missing", "locations": "pass", "some-location": "fail", "province": "pass", "named-x": "missing",
      "if-named": "not_applicable"}),
    ({"name": "  \u3000\t", "locations": [{"province": " "}, {"province": "上海"}]},
     {"name": "missing", "locations": "pass", "some-location": "pass", "province": "missing", "named-x": "missing",
      "if-named": "not_applicable"}),
    ({}, {"name": "missing", "locations": "missing", "some-location": "missing", "province": "missing",
          "named-x": "missing", "if-named": "not_applicable"}),
])
def test_blank_text_is_not_provided_and_both_backends_agree(engine, project, expected):
    result = evaluate(BLANK_FORM, {"project": project}, engine=engine)
    got = {r["rule"].split("/")[1]: r["outcome"] for r in result["results"]}
    assert got == expected
    named = {r["rule"].split("/")[1]: r.get("missing") for r in result["results"] if r["outcome"] == "missing"}
    if "name" in named:
        assert named["name"] == ["project.name"]  # the blank field is named, as if it had not been given


def test_too_many_conditions_is_refused_naming_the_rule():
    many = "\n".join(f"    - {{field: sessions, ne: {i}}}" for i in range(70))
    reg = regime(rule("huge", "check:\n  all:\n" + many))
    with pytest.raises(CompileError, match="test-2026/huge"):
        compile_ruleset(reg)


def test_nesting_the_engine_rejects_is_refused_naming_the_rule():
    branches = "\n".join(
        f"    - all: [{{field: sessions, eq: {i}}}, "
        f"{{any: [{{field: onsite_days, eq: {i}}}, {{field: problems_per_session, eq: {i}}}]}}]"
        for i in range(8))
    reg = regime(rule("nested", "check:\n  any:\n" + branches))
    with pytest.raises(CompileError, match="test-2026/nested"):
        compile_ruleset(reg)


def test_same_policy_compiles_once_by_hash():
    reg = regime(rule("cap", "check: {field: sessions, le: 3}"))
    assert compile_ruleset(reg) is compile_ruleset(regime(rule("cap", "check: {field: sessions, le: 3}")))


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_ten_thousand_evaluations_leave_no_state_and_flat_memory():
    from support import example, registry

    reg = registry().get("liaoning-2026")
    facts = example("liaoning-2026", "flawed")
    expected = evaluate(reg, facts)
    for _ in range(1000):  # warm up caches and allocator pools before the baseline
        evaluate(reg, facts)
    gc.collect()
    before = _rss_kib()
    for _ in range(9000):
        assert evaluate(reg, facts)["results"] == expected["results"]
    gc.collect()
    after = _rss_kib()
    assert durable_adapter.live_states() == 0
    assert after <= before * 1.10, f"RSS grew from {before} KiB to {after} KiB"


def test_only_the_adapter_imports_durable_rules():
    importers = []
    for path in list((ROOT / "engine").rglob("*.py")) + list((ROOT / "service").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.startswith(("durable", "durable_rules_engine")) for n in names):
                importers.append(path.relative_to(ROOT).as_posix())
    assert importers == ["engine/backends/durable.py"]


def test_too_many_conditions_for_one_subject_names_the_rule_that_crosses_the_limit():
    rules = [rule(f"r{i}", "check:\n  all:\n" + "\n".join(f"    - {{field: sessions, ne: {i * 20 + j}}}"
                                                        for j in range(20))) for i in range(12)]
    with pytest.raises(CompileError, match=r"test-2026/r\d+.*条件总数"):
        compile_ruleset(regime(*rules))


_FIRING = """
import sys
sys.path.insert(0, "tests")
from engine.backends import durable
durable.MAX_RULES_PER_KIND = 10_000  # the guard off: show what the engine itself does
from policy_text import regime, rule
from engine.evaluate import evaluate
n = int(sys.argv[1])
reg = regime(*[rule(f"r{i}", f"check: {{field: service_days_in_year, ge: {i}}}", subject="expert") for i in range(n)])
for _ in range(3):
    evaluate(reg, {"experts": [{"id": "E1", "service_days_in_year": 500}]}, judge="expert")
print("ok")
"""


def test_many_rules_firing_on_one_fact_abort_the_engine_so_the_adapter_refuses_them():
    """durable-rules aborts the process (free(): invalid size / SIGSEGV) when 64+ rules fire on one fact."""
    import subprocess
    import sys

    def child(n: int) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", _FIRING, str(n)], capture_output=True, text=True, timeout=120,
                              cwd=ROOT)

    assert child(63).stdout.strip() == "ok"
    crashed = child(64)
    assert crashed.returncode != 0 and "ok" not in crashed.stdout  # the engine defect itself, in a child
    many = [rule(f"r{i}", f"check: {{field: service_days_in_year, ge: {i}}}", subject="expert") for i in range(61)]
    with pytest.raises(CompileError, match=r"test-2026/r60.*规则数至此达到 61"):
        compile_ruleset(regime(*many))
    compile_ruleset(regime(*many[:60]))  # 60 is within the guard


def _flaky_create(fail_times: int, message: str):
    real = durable_adapter._dre.create_ruleset
    calls = {"n": 0}

    def create(name, text):
        calls["n"] += 1
        if calls["n"] <= fail_times:
            raise Exception(message)
        return real(name, text)

    return create, calls


def test_a_transient_parse_error_of_create_ruleset_is_retried(monkeypatch):
    # seen once in a full test run: "error code: 102" for a definition that compiled at every other try
    create, calls = _flaky_create(1, "Could not create ruleset, error code: 102")
    monkeypatch.setattr(durable_adapter._dre, "create_ruleset", create)
    reg = regime(rule("retry", "check: {field: budget.requested_support_wan, le: 7.25}"))
    assert outcomes(reg, {"project": {"budget": {"requested_support_wan": 7}}}) == [("retry", "pass")]
    assert calls["n"] == 2


def test_a_parse_error_that_persists_is_a_compile_error_and_other_codes_are_not_retried(monkeypatch):
    create, calls = _flaky_create(99, "Could not create ruleset, error code: 102")
    monkeypatch.setattr(durable_adapter._dre, "create_ruleset", create)
    with pytest.raises(CompileError):
        compile_ruleset(regime(rule("stuck", "check: {field: budget.requested_support_wan, le: 7.5}")))
    assert calls["n"] >= durable_adapter.CREATE_ATTEMPTS
    create, calls = _flaky_create(99, "Could not create ruleset, error code: 113")
    monkeypatch.setattr(durable_adapter._dre, "create_ruleset", create)
    with pytest.raises(CompileError):
        compile_ruleset(regime(rule("nested", "check: {field: budget.requested_support_wan, le: 7.75}")))
    assert calls["n"] == 1 + 1  # one try for the whole ruleset, then _culprit's first trial: no retries
