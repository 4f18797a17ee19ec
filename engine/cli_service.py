"""`regimes replay` and `impact` (filled in by the service work)."""

from __future__ import annotations

from typing import Any


def add_commands(sub: Any, fmt: dict[str, Any]) -> None:
    """Register the decision-log subcommands on the `regimes` parser."""
    del sub, fmt
