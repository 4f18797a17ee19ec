"""`regimes test` and `regimes new-edition`: policy staff's tools for a new notice."""

from __future__ import annotations

from typing import Any


def add_commands(sub: Any, fmt: dict[str, Any]) -> None:
    """Register the policy-staff subcommands on the `regimes` parser."""
