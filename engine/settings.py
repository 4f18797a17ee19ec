"""Every setting read from the environment, in one place (read on each call, so tests and reloads see changes).

| variable | meaning | default |
|---|---|---|
| REGIMES_POLICIES | folder of policy files | the `policies` package shipped with the code |
| REGIMES_DATABASE_URL | decision log (SQLAlchemy URL) | sqlite:///./regimes-decisions.db |
| REGIMES_TOKENS | `role:TOKEN,…` bearer tokens for the service | none |
| REGIMES_LOG_LEVEL | logging level of the CLI and the service | INFO |
| REGIMES_RATE_LIMIT | logged requests (evaluate, pre-check) per minute per client address; 0 = no limit | 600 |
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///./regimes-decisions.db"


def shipped_policies() -> Path:
    """The policies packaged with the code (a folder in the checkout, or inside an installed wheel)."""
    return Path(str(resources.files("policies")))


@dataclass(frozen=True)
class Settings:
    policies: Path
    database_url: str
    tokens: str | None
    log_level: str
    rate_limit: int


def settings() -> Settings:
    env = os.environ
    return Settings(
        policies=Path(env["REGIMES_POLICIES"]) if env.get("REGIMES_POLICIES") else shipped_policies(),
        database_url=env.get("REGIMES_DATABASE_URL") or DEFAULT_DATABASE_URL,
        tokens=env.get("REGIMES_TOKENS"),
        log_level=(env.get("REGIMES_LOG_LEVEL") or "INFO").upper(),
        rate_limit=int(env.get("REGIMES_RATE_LIMIT") or 600) if (env.get("REGIMES_RATE_LIMIT") or "600").isdigit()
        else 600,
    )


def configure_logging() -> None:
    """One format for the CLI and the service; INFO lines (reloads, refused policies) are kept."""
    root = logging.getLogger("regimes")
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(getattr(logging, settings().log_level, logging.INFO))
