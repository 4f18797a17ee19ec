"""Helpers shared by rule tests and the Gherkin step definitions."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from engine.evaluate import evaluate
from engine.facts import load_facts_file, validate_facts
from engine.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@functools.cache
def registry() -> Registry:
    reg = Registry.load()
    assert not reg.errors, reg.errors
    return reg


@functools.cache
def _example(regime_id: str, name: str) -> dict:
    return load_facts_file(ROOT / "examples" / regime_id / f"{name}.yaml")


def example(regime_id: str, name: str = "compliant") -> dict:
    """A fresh copy of examples/<regime>/<name>.yaml, safe to modify."""
    return copy.deepcopy(_example(regime_id, name))


def _parts(path: str) -> list[str | int]:
    return [int(i) if i else k for k, i in _PART.findall(path)]


def set_path(facts: dict, path: str, value: Any) -> dict:
    """set_path(f, "experts[0].title", "senior"); creates intermediate objects as needed."""
    parts = _parts(path)
    node: Any = facts
    for part, nxt in zip(parts, parts[1:], strict=False):
        if isinstance(part, int):
            node = node[part]
        else:
            node = node.setdefault(part, [] if isinstance(nxt, int) else {})
    node[parts[-1]] = value
    return facts


def delete_path(facts: dict, path: str) -> dict:
    parts = _parts(path)
    node: Any = facts
    for part in parts[:-1]:
        node = node[part]
    del node[parts[-1]]
    return facts


def parse_value(text: str) -> Any:
    """A step's value, written as YAML: 3, 2.5, true, intermediate, [a, b]; dates stay text."""
    from engine.documents import yamlio

    return yamlio.load(text).data


# Rule tests and scenarios that name no stage are judged at `closing`, where every rule of every stage applies;
# the judgement is the one the facts are about (an application when there is a project).
DEFAULT_TEST_STAGE = "closing"


def judgement_for(facts: dict) -> str:
    if facts.get("project") or not facts:
        return "application"
    for subject in ("base", "locality", "listing", "secondment"):
        if facts.get(subject):
            return subject
    return "expert" if facts.get("experts") else "application"


def check(regime_id: str, facts: dict, as_of: dt.date | None = None, engine: str = "durable",
          stage: str | None = None, judge: str | None = None) -> dict:
    errors = validate_facts(facts)
    assert not errors, errors
    return evaluate(registry().get(regime_id), facts, as_of or dt.date(2026, 6, 1), engine=engine,
                    stage=stage or DEFAULT_TEST_STAGE, judge=judge or judgement_for(facts))


def judge_for_rule(regime_id: str, rule_id: str) -> str:
    """The judgement that evaluates `rule_id`: an application where it can, else its subject's own."""
    regime = registry().get(regime_id)
    rule = next(r for r in regime.rules if r.local_id == rule_id or r.id == rule_id)
    names = [name for name, spec in regime.judgements.items() if rule.subject in spec["subjects"]]
    assert names, f"no judgement of {regime_id} evaluates {rule_id}"
    return "application" if "application" in names else names[0]


def check_changed(regime_id: str, changes: dict[str, Any], deletions: tuple[str, ...] = (),
                  base: str = "compliant", rule: str | None = None, stage: str | None = None) -> dict:
    """Evaluate an example with some facts deleted and some set: the unit of every rule test.
    Given the rule under test, the judgement is the one that evaluates it."""
    facts = example(regime_id, base)
    for path in deletions:
        delete_path(facts, path)
    for path, value in changes.items():
        set_path(facts, path, value)
    return check(regime_id, facts, stage=stage, judge=judge_for_rule(regime_id, rule) if rule else None)


def results_for(result: dict, rule: str, subject_id: str | None = None) -> list[dict]:
    full = rule if "/" in rule else f"{result['regime']['id']}/{rule}"
    found = [r for r in result["results"] if r["rule"] == full
             and (subject_id is None or r["subject_id"] == subject_id)]
    assert found, f"no result for {full} {subject_id or ''}; rules: {sorted({r['rule'] for r in result['results']})}"
    return found


def outcome(result: dict, rule: str, subject_id: str | None = None) -> str:
    """The single outcome of `rule` (for `subject_id`); fails if instances disagree."""
    outcomes = {r["outcome"] for r in results_for(result, rule, subject_id)}
    assert len(outcomes) == 1, f"{rule}: instances disagree: {outcomes}"
    return outcomes.pop()


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def case_ids(cases: list) -> list[str]:
    """Readable ids for (rule, subject, changes, deletions, expected) cases: rule-expected-index."""
    return [f"{case[0]}-{case[-1]}-{i}" for i, case in enumerate(cases)]


def assert_cases_cover(regime_id: str, cases: list) -> None:
    """Each rule of the regime has a case for every outcome it can produce (coverage.needed) and, when it has
    a `when`, one where it does not apply; and no case names a rule the regime lacks. A case is a tuple whose
    first item is the rule's local id and whose last is the expected outcome."""
    from engine.policy.coverage import needed

    rules = {r.local_id: r for r in registry().get(regime_id).rules}
    seen: dict[str, set[str]] = {}
    for case in cases:
        seen.setdefault(case[0], set()).add(case[-1])
    assert set(seen) <= set(rules), sorted(set(seen) - set(rules))
    for rule_id, rule in rules.items():
        want = set(needed(rule)) | ({"not_applicable"} if rule.when is not None else set())
        assert want <= seen.get(rule_id, set()), (rule_id, sorted(want - seen.get(rule_id, set())))


@contextlib.contextmanager
def pg_schema_url() -> Iterator[str]:
    """The URL of a private, empty schema on the test PostgreSQL (REGIMES_TEST_PG_URL), dropped afterwards: each
    test isolated and re-runnable. Skips without a server; in CI (CI=true) a missing server is a failure."""
    import os
    import uuid

    import pytest
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from engine.audit.store import database_url

    url = os.environ.get("REGIMES_TEST_PG_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but REGIMES_TEST_PG_URL is not set: the PostgreSQL tests must run in CI")
        pytest.skip("REGIMES_TEST_PG_URL not set (run .ci/postgres.sh)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(database_url(url)).update_query_dict({"options": f"-csearch_path={schema}"}) \
            .render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now, for a server a test starts."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `check` until it returns something truthy (a refused connection counts as not yet); the deadline
    only bounds the wait, it asserts nothing about speed."""
    import time

    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def open_store(kind: str, tmp_path: Path) -> Iterator[Any]:
    """A fresh decision log: SQLite in `tmp_path`, or ("postgresql") a private schema on the test server."""
    from engine.audit.store import Store

    if kind == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'log.db'}")
        try:
            yield store
        finally:
            store.close()
        return
    with pg_schema_url() as url:
        store = Store(url)
        try:
            yield store
        finally:
            store.close()
