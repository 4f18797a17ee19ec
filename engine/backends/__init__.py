"""Evaluation backends behind one interface: `durable` (durable-rules, the default) and `reference` (plain Python).

Callers use `get_backend(name)` and the errors of engine.errors; only engine.backends.durable imports
durable-rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.backends.base import Instance, Outcomes, RunFn
from engine.errors import CompileError, EngineError
from engine.policy.model import Regime

__all__ = ["Backend", "CompileError", "EngineError", "Instance", "Outcomes", "get_backend", "live_states", "NAMES"]
NAMES = ("durable", "reference")


@dataclass(frozen=True)
class Backend:
    name: str
    run: RunFn

    def prepare(self, regime: Regime) -> None:
        """Compile ahead of use; CompileError (naming the rule) when the engine cannot run the policy safely."""
        if self.name == "durable":
            from engine.backends import durable

            durable.compile_ruleset(regime)


def _durable_run(regime: Regime, instances: list[Instance]) -> Outcomes:
    from engine.backends import durable

    return durable.compile_ruleset(regime).run((i.kind, i.key, i.data) for i in instances)


def _reference_run(regime: Regime, instances: list[Instance]) -> Outcomes:
    from engine.backends import reference

    return reference.reference_backend(regime, instances)


_BACKENDS = {"durable": Backend("durable", _durable_run), "reference": Backend("reference", _reference_run)}


def get_backend(name: str = "durable") -> Backend:
    try:
        return _BACKENDS[name]
    except KeyError:
        raise ValueError(f"未知的求值引擎 '{name}'（可用：{', '.join(NAMES)}）") from None


def live_states() -> int:
    """Evaluations currently holding an engine state (for soak reports and /healthz)."""
    from engine.backends import durable

    return durable.live_states()
