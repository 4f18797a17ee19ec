"""Evaluate facts against a regime: split facts into subject instances, run a backend.

A backend maps instances to outcomes {(rule index, instance key): pass|fail|not_applicable};
whatever it leaves out is `missing`. The default backend is durable-rules (through
engine.backends.durable); `reference` is the plain-Python oracle when it is installed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from engine.backends import Instance, get_backend
from engine.explain import Query, build_result
from engine.policy.conditions import TEAM_READERS
from engine.policy.model import SUBJECT_PREFIX, Regime


def subject_instances(regime: Regime, facts: dict[str, Any],
                      subjects: tuple[str, ...] | None = None) -> tuple[list[Instance], dict[str, str]]:
    """Instances of every kind the regime's rules read, for the subjects present in the facts
    (only `subjects`, when given: those of the judgement asked for).

    Also returns, for each `subject.list` kind whose list is absent, the parent path and id,
    so a per-item rule can still report the list itself as missing. A project instance also
    carries the document's `experts` (its team), for project rules that count them.
    """
    kinds = {rule.instance_kind for rule in regime.rules}
    out: list[Instance] = []
    absent_lists: dict[str, str] = {}

    def add(kind: str, data: dict, prefix: str, subject_id: str) -> None:
        out.append(Instance(kind, len(out), data, prefix, subject_id))

    for subject, key in SUBJECT_PREFIX.items():
        value = facts.get(key)
        if value is None or (subjects is not None and subject not in subjects):
            continue
        if subject == "expert":
            for i, expert in enumerate(value):
                add("expert", expert, f"experts[{i}]", str(expert.get("id") or expert.get("name") or f"experts[{i}]"))
            continue
        sid = str(value.get("id") or value.get("name") or value.get("county") or value.get("city")
                  or value.get("recommender") or subject)
        if subject in kinds:
            team = facts.get("experts")
            add(subject, {**value, "experts": team} if subject in TEAM_READERS and team is not None else value, key, sid)
        for kind in sorted(k for k in kinds if k.startswith(subject + ".")):
            list_name = kind.split(".", 1)[1]
            items = value.get(list_name)
            if not isinstance(items, list):
                absent_lists[kind] = sid
                continue
            for i, item in enumerate(items):
                add(kind, item, f"{key}.{list_name}[{i}]", str(item.get("name") or f"{sid}/{list_name}[{i}]"))
    return out, absent_lists


_observers: list[Callable[[dict[str, Any]], None]] = []


def add_observer(fn: Callable[[dict[str, Any]], None]) -> Callable[[], None]:
    """Call `fn(result)` after every evaluation (rule coverage uses this); returns a function that removes it."""
    _observers.append(fn)
    return lambda: _observers.remove(fn)


def evaluate(regime: Regime, facts: dict[str, Any], as_of: dt.date | None = None,
             engine: str = "durable", stage: str = "application", judge: str = "application") -> dict[str, Any]:
    """The evaluation result of CONTRACT.md for validated facts, judging `judge` at `stage`."""
    query = Query.make(regime, facts, stage, judge, as_of or dt.date.today())
    instances, absent_lists = subject_instances(regime, facts, query.subjects)
    outcomes = get_backend(engine).run(regime, instances)
    result = build_result(regime, instances, absent_lists, outcomes, query)
    for observe in _observers:
        observe(result)
    return result
