"""`regimes compare`, `matrix` and `diff` (filled in by the comparison work)."""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(sub: Any, fmt: dict[str, Any]) -> None:
    """Register the comparison subcommands on the `regimes` parser."""
    del sub, fmt


__all__ = ["add_commands", "argparse"]
