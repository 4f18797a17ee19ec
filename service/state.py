"""The regimes being served, swapped whole on reload.

A request reads `holder.current` once and keeps that Registry object to the end, so a
reload (HTTP or SIGHUP) never changes the rules under a request in flight. A reload that
finds any problem leaves the last good set in place.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from engine.registry import Registry, policies_dir


class RegistryHolder:
    def __init__(self, root: Path | None = None):
        self.root = root or policies_dir()
        self._lock = threading.Lock()
        self.current = Registry.load(self.root)
        self.errors: list[str] = list(self.current.errors)  # files skipped by the load now being served
        self.loaded_at = dt.datetime.now(dt.UTC)

    def reload(self) -> list[str]:
        """Re-read, validate and compile every policy; swap in the new set only if all of it is good.

        Returns the problems found (empty when the new set is now served).
        """
        with self._lock:  # two reloads at once would only race to the same answer
            try:
                fresh = Registry.load(self.root)
            except OSError as exc:
                return [f"{self.root}: 无法读取规则目录（{exc.strerror or exc}）"]
            errors = list(fresh.errors)
            if not fresh.regimes and not errors:
                errors.append(f"{self.root}: 没有规则文件")
            if errors:
                return errors
            self.current = fresh
            self.errors = []
            self.loaded_at = dt.datetime.now(dt.UTC)
            return []

    def hashes(self) -> dict[str, str]:
        return {rid: r.hash for rid, r in sorted(self.current.regimes.items())}
