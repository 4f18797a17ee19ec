"""Compiled rulesets are freed once no served registry and no request holds them (issue #14, item 8).

Each distinct policy compiled in the server costs ~1.3 MB of engine memory; before this, none was ever freed
(+209 MB over 150 reloads). Now a Registry pins its rulesets (service/state.load_served) and unpins them when it
is gone; an unpinned ruleset is freed after its last evaluation in flight, and compiled again if ever needed.
"""

from __future__ import annotations

import gc
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from engine.backends import durable
from engine.evaluate import evaluate
from engine.facts import load_facts_file
from engine.policy.validate import load_regime_file
from service.state import RegistryHolder, load_served

ROOT = Path(__file__).resolve().parent.parent
FACTS = load_facts_file(ROOT / "examples" / "liaoning-2026" / "compliant.yaml")
TITLES = "titles: [senior, associate_senior]"


def _resident(regime: Any) -> bool:
    found = durable.CompiledRuleset._registry.get(durable._name(regime))
    return found is not None and found._handle is not None


def _one_regime_copy(tmp_path: Path) -> Path:
    """policies/ with liaoning-2026 only (and the source texts): one child compile per reload."""
    root = tmp_path / "policies"
    shutil.copytree(ROOT / "policies" / "sources", root / "sources")
    (root / "liaoning").mkdir()
    shutil.copy(ROOT / "policies" / "liaoning" / "2026.yaml", root / "liaoning" / "2026.yaml")
    return root


def _edit(root: Path, n: int) -> None:
    """A new content hash each time: version 8.0.n, and every other time a tighter title rule."""
    path = root / "liaoning" / "2026.yaml"
    text = (ROOT / "policies" / "liaoning" / "2026.yaml").read_text(encoding="utf-8")
    if n % 2:
        text = text.replace(TITLES, "titles: [senior]", 1)
    path.write_text(re.sub(r"(?m)^version: .*$", f"version: 8.0.{n}", text, count=1), encoding="utf-8")


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_a_registry_frees_its_rulesets_when_it_is_gone_and_a_freed_one_is_compiled_again(tmp_path: Path) -> None:
    root = _one_regime_copy(tmp_path)
    _edit(root, 1001)
    registry = load_served(root)
    regime = registry.get("liaoning-2026")
    expected = evaluate(regime, FACTS, regime.effective_from)
    assert _resident(regime)
    del registry
    gc.collect()
    durable.live_rulesets()  # a safe point: releases queued by finalisers are done here
    assert not _resident(regime)  # freed: no registry pins it and nothing is in flight
    assert evaluate(regime, FACTS, regime.effective_from) == expected  # compiled again on demand, same answer


def test_an_evaluation_in_flight_keeps_its_ruleset_until_it_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _one_regime_copy(tmp_path)
    _edit(root, 1003)
    registry = load_served(root)
    regime = registry.get("liaoning-2026")
    expected = evaluate(regime, FACTS, regime.effective_from)
    inside, go_on = threading.Event(), threading.Event()
    real = durable._dre

    class Paused:  # the C module, with the first action of an evaluation held until the test says so
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        @staticmethod
        def start_action_for_state(handle: int, state: Any) -> Any:
            inside.set()
            go_on.wait(10)
            return real.start_action_for_state(handle, state)

    monkeypatch.setattr(durable, "_dre", Paused())
    answers: list[dict] = []
    worker = threading.Thread(target=lambda: answers.append(evaluate(regime, FACTS, regime.effective_from)))
    worker.start()
    assert inside.wait(10)
    del registry
    gc.collect()
    durable.live_rulesets()
    assert _resident(regime)  # unpinned, but an evaluation is in flight on it: not freed under it
    go_on.set()
    worker.join(10)
    assert answers == [expected]
    assert not _resident(regime)  # the last evaluation out freed it


def test_rulesets_stay_bounded_over_reloads(tmp_path: Path) -> None:
    """30 reloads, each of a changed policy: live rulesets stay at what is served (+ what this process compiled
    outside a registry), and RSS grows by far less than the ~1.3 MB per reload it grew by before."""
    root = _one_regime_copy(tmp_path)
    _edit(root, 0)
    holder = RegistryHolder(root)
    _edit(root, 1)
    assert holder.reload() == []  # warm-up: allocator pools, imports
    gc.collect()
    live_before, rss_before = durable.live_rulesets(), _rss_mib()
    held = holder.current  # a request in flight across the next reload keeps its rules
    for n in range(2, 32):
        _edit(root, n)
        assert holder.reload() == []
        if n == 2:
            assert _resident(held.get("liaoning-2026"))  # still held by that request
            del held
    gc.collect()
    assert durable.live_rulesets() <= live_before  # before this change: live_before + 30
    assert _resident(holder.current.get("liaoning-2026"))
    regime = holder.current.get("liaoning-2026")
    assert evaluate(regime, FACTS, regime.effective_from)["verdict"]
    growth = _rss_mib() - rss_before
    print(f"RSS growth over 30 reloads: {growth:.1f} MiB")
    assert growth < 20, f"RSS grew {growth:.1f} MiB over 30 reloads (unfreed rulesets would add ~40)"


def test_a_discarded_reload_frees_what_it_compiled(tmp_path: Path) -> None:
    root = _one_regime_copy(tmp_path)
    _edit(root, 0)
    (root / "shanghai").mkdir()
    shutil.copy(ROOT / "policies" / "shanghai" / "2026.yaml", root / "shanghai" / "2026.yaml")
    holder = RegistryHolder(root)
    (root / "shanghai" / "2026.yaml").unlink()  # a vanished regime: refused until confirm_removal
    _edit(root, 5)
    assert holder.reload()  # refused, the last good set stays
    gc.collect()
    durable.live_rulesets()
    assert not _resident(load_regime_file(root / "liaoning" / "2026.yaml"))  # compiled by the refused load, freed
    assert _resident(holder.current.get("liaoning-2026")) and _resident(holder.current.get("shanghai-2026"))
