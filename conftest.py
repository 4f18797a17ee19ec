"""Rule coverage: record every outcome each rule produced during the test run.

Writes test-artifacts/rule-coverage.json at the end of the session and prints the
rules that no test drove to each outcome they can produce (engine/coverage.py); `regimes validate --coverage`
reads the same file. With REGIMES_REQUIRE_COVERAGE=1 (set by `make test`) a full run
fails if any rule lacks either outcome. Tests marked `no_rule_coverage` (generated or load-test
evaluations) are not recorded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# Tests send many decisions from one address; the rate limit has its own test (tests/test_hardening.py).
os.environ.setdefault("REGIMES_RATE_LIMIT", "0")

from engine.evaluate import add_observer

ROOT = Path(__file__).resolve().parent
ARTIFACT = ROOT / "test-artifacts" / "rule-coverage.json"
_seen: dict[str, set[str]] = {}
_recording_on = True


def _record(result: dict) -> None:
    if _recording_on:
        for entry in result["results"]:
            _seen.setdefault(entry["rule"], set()).add(entry["outcome"])


add_observer(_record)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_rule_coverage: random or load-test evaluations that must not count as "
                                       "rule coverage (only hand-written cases prove a rule is tested)")


@pytest.fixture(autouse=True)
def _rule_coverage_switch(request: pytest.FixtureRequest):
    global _recording_on
    _recording_on = request.node.get_closest_marker("no_rule_coverage") is None
    yield
    _recording_on = True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _seen:
        return
    from engine.policy.coverage import gaps
    from engine.registry import Registry

    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps({k: sorted(v) for k, v in sorted(_seen.items())}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
    missing = gaps(_seen, list(Registry.load(compile_engine=False).regimes.values()))
    session.config._regimes_gaps = missing  # type: ignore[attr-defined]
    full_run = not session.config.option.keyword and not session.config.args[1:] and \
        all(a in ("tests", "features") or a.endswith(("/tests", "/features")) for a in session.config.args)
    if missing and full_run and os.environ.get("REGIMES_REQUIRE_COVERAGE") == "1" and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    missing = getattr(config, "_regimes_gaps", None)
    if missing is None:
        return
    if not missing:
        terminalreporter.write_line("规则覆盖：每条规则都有通过与不通过的测试用例")
        return
    terminalreporter.write_line(f"规则覆盖：{len(missing)} 条规则缺少通过或不通过的用例：")
    for rule, lacking in missing.items():
        terminalreporter.write_line(f"  {rule}: 缺少 {', '.join(lacking)}")
