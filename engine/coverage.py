"""Policy coverage: which rules no test drove to both outcomes (pass and fail)."""

from __future__ import annotations

import json
from pathlib import Path

from engine.model import Regime

NEEDED = ("pass", "fail")


def gaps(seen: dict[str, set[str]], regimes: list[Regime] | None = None) -> dict[str, list[str]]:
    """{rule id: outcomes never seen}; with `regimes`, rules never evaluated at all count too."""
    rules = [r.id for regime in regimes for r in regime.rules] if regimes else sorted(seen)
    return {rule: [o for o in NEEDED if o not in seen.get(rule, set())]
            for rule in rules if any(o not in seen.get(rule, set()) for o in NEEDED)}


def load(path: Path) -> dict[str, set[str]]:
    return {rule: set(outcomes) for rule, outcomes in json.loads(path.read_text(encoding="utf-8")).items()}
