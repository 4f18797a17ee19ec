"""Helpers for the service tests (and for trying the service by hand): a private copy of policies/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from engine.registry import Registry, policies_dir

TITLE_RULE = "titles: [senior, associate_senior]"


def copy_policies(dest: Path, source: Path | None = None) -> Path:
    """Copy policies/ to `dest`, keeping only files that load cleanly right now, so a reload of the copy
    succeeds unless a test breaks it on purpose."""
    shutil.copytree(source or policies_dir(), dest)
    for line in Registry.load(dest).errors:
        Path(line.split(":", 1)[0]).unlink(missing_ok=True)
    return dest


def liaoning_file(root: Path) -> Path:
    return root / "liaoning" / "2026.yaml"


def tighten_title_rule(root: Path, version: str = "9.0.0") -> Path:
    """Edit liaoning-2026 so that only senior titles pass `expert-title` (associate_senior experts now fail)."""
    path = liaoning_file(root)
    text = path.read_text(encoding="utf-8")
    if TITLE_RULE not in text:
        raise AssertionError(f"{path}: expected '{TITLE_RULE}' in the expert-title rule")
    text = text.replace(TITLE_RULE, "titles: [senior]", 1)
    text = re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1)
    path.write_text(text, encoding="utf-8")
    return path


AUDITOR_TOKEN = "auditor-test-token-0f3c"
STAFF_TOKEN = "staff-test-token-9a1d"
TOKENS_SPEC = f"auditor:{AUDITOR_TOKEN},staff:{STAFF_TOKEN}"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_test_app(tmp: Path) -> tuple[Any, Path, str]:
    """(app, policies copy, database URL) in `tmp`: a private policies/ copy, a SQLite log, the test tokens."""
    from service.app import create_app
    from service.auth import TokenTable, parse_tokens

    root = copy_policies(tmp / "policies")
    url = f"sqlite:///{tmp / 'decisions.db'}"
    return create_app(policies=root, database_url=url, tokens=TokenTable(parse_tokens(TOKENS_SPEC))), root, url
