"""The regimes being served, swapped whole on reload.

A request reads `holder.current` once and keeps that Registry object to the end, so a
reload (HTTP or SIGHUP) never changes the rules under a request in flight. A reload that
finds any problem leaves the last good set in place.

Lifecycle: every Registry loaded here pins its compiled rulesets (engine.backends.durable.retain) and a
weakref finaliser unpins them when the Registry is gone, i.e. once it is no longer served and no request
holds it; a ruleset no registry pins is then freed (after the evaluations in flight on it end).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from pathlib import Path
from typing import Any

from engine.backends import durable
from engine.backends.sandbox import compile_candidate
from engine.errors import EngineError
from engine.policy.checks import folder_problems
from engine.policy.validate import PolicyError
from engine.registry import Registry, policies_dir, policy_files


def candidate_dir(root: Path) -> Path:
    """Where a candidate (POST /v1/impact, a /staff draft) is read as if it sat: one level below policies/, like
    policies/<region>/<edition>.yaml, so its `source_text: ../sources/…` resolves as it will once in place."""
    subdirs = sorted(d for d in root.iterdir() if d.is_dir()) if root.is_dir() else []
    return next((d for d in subdirs if d.name == "sources"), subdirs[0] if subdirs else root)


def load_served(root: Path) -> Registry:
    """Registry.load, with its compiled rulesets pinned for as long as the Registry object lives."""
    registry = Registry.load(root)
    weakref.finalize(registry, durable.release_later, durable.retain(registry.regimes.values()))
    return registry


class RegistryHolder:
    def __init__(self, root: Path | None = None):
        self.root = root or policies_dir()
        self._lock = threading.Lock()
        self.current = load_served(self.root)
        self.errors: list[str] = list(self.current.errors)  # files skipped by the load now being served
        self.loaded_at = dt.datetime.now(dt.UTC)
        self.last_reload: dict[str, Any] | None = None

    def reload(self, confirm_removal: bool = False) -> list[str]:
        """Re-read, validate and compile every policy; swap in the new set only if all of it is good.

        Each file is first validated, compiled and smoke-evaluated in a time-limited child process
        (engine.backends.sandbox), so a policy that would hang or crash the rules engine never reaches this
        process. A regime whose file has disappeared stays served until a reload confirms its removal.
        Returns the problems found (empty when the new set is now served).
        """
        with self._lock:  # two reloads at once would only race to the same answer
            errors = self._reload(confirm_removal)
            self.last_reload = {"at": dt.datetime.now(dt.UTC).isoformat(), "ok": not errors, "errors": errors[:20],
                                "regimes": self.hashes()}
            return errors

    def _reload(self, confirm_removal: bool) -> list[str]:
        try:
            files = policy_files(self.root)
        except OSError as exc:
            return [f"{self.root.name}: 无法读取规则目录（{exc.strerror or exc}）"]
        errors: list[str] = []
        for path in files:
            try:
                text = path.read_text(encoding="utf-8")
                compile_candidate(text, str(path), path.parent, smoke=True)
            except PolicyError as exc:
                errors.extend(exc.errors)
            except (OSError, UnicodeDecodeError) as exc:
                errors.append(f"{path}: 无法读取（{exc.__class__.__name__}）")
            except EngineError as exc:
                errors.append(f"{path}: {exc}")
        errors.extend(folder_problems(files, self.root))  # the same checks as `regimes validate`
        if errors:
            return errors
        fresh = load_served(self.root)  # discarded on error below: its rulesets are then freed
        errors = list(fresh.errors)
        if not fresh.regimes and not errors:
            errors.append(f"{self.root.name}: 没有规则文件")
        gone = sorted(set(self.current.regimes) - set(fresh.regimes))
        if gone and not confirm_removal:
            errors.append("规则集 " + "、".join(gone) + " 的文件已不在规则目录中；仍按原样提供。确需停用时，请以 "
                          "confirm_removal=true 重新加载")
        if errors:
            return errors
        self.current = fresh
        self.errors = []
        self.loaded_at = dt.datetime.now(dt.UTC)
        return []

    def hashes(self) -> dict[str, str]:
        return {rid: r.hash for rid, r in sorted(self.current.regimes.items())}
