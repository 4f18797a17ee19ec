"""What every backend receives: the subject instances of one evaluation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.policy.model import Regime


@dataclass(frozen=True)
class Instance:
    kind: str  # "expert", "project", "project.served_units", ...
    key: int  # unique within one evaluation; the engine fact id
    data: dict[str, Any]
    prefix: str  # fact path of this instance, e.g. "experts[2]" or "project.served_units[0]"
    subject_id: str


# {(rule index, instance key): pass|fail|not_applicable}; whatever is left out is `missing`.
Outcomes = dict[tuple[int, int], str]
RunFn = Callable[[Regime, list[Instance]], Outcomes]
