"""All regimes under policies/: load, validate, compile once; select by id or by region and date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from engine.backends import CompileError, get_backend
from engine.policy.conditions import canonical_place
from engine.policy.model import Regime
from engine.policy.validate import PolicyError, load_regime_file
from engine.settings import settings, shipped_policies

DEFAULT_POLICIES = shipped_policies()


class SelectionError(Exception):
    """No regime answers the query; the message says which exist."""


def policies_dir() -> Path:
    return settings().policies


def policy_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*/*.yaml") if p.parent.name != "sources")


@dataclass
class Registry:
    regimes: dict[str, Regime] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path | None = None, compile_engine: bool = True) -> Registry:
        """Every valid policy file; problems are collected in `.errors`, never raised."""
        root = root or policies_dir()
        reg = cls()
        for path in policy_files(root):
            try:
                regime = load_regime_file(path)
            except PolicyError as exc:
                reg.errors.extend(exc.errors)
                continue
            if regime.id in reg.regimes:
                reg.errors.append(f"{path}:1:1: 规则集编号 {regime.id} 与 {reg.regimes[regime.id].path} 重复")
                continue
            if compile_engine:
                try:
                    get_backend().prepare(regime)
                except CompileError as exc:
                    reg.errors.append(f"{path}: {exc}")
                    continue
            reg.regimes[regime.id] = regime
        return reg

    def get(self, regime_id: str) -> Regime:
        if regime_id not in self.regimes:
            known = "、".join(sorted(self.regimes)) or "（无）"
            raise SelectionError(f"未知的规则集 '{regime_id}'。可用：{known}")
        return self.regimes[regime_id]

    def editions(self, region: str) -> list[Regime]:
        key = canonical_place(region.strip()).lower()
        found = [r for r in self.regimes.values() if key in (r.region, r.region_name)]
        return sorted(found, key=lambda r: r.effective_from)

    def edition_note(self, regime: Regime, as_of: dt.date) -> str:
        """A warning when `regime`, named explicitly, was not the edition in force on `as_of`: not yet in force, or
        superseded by a later edition of its region. Empty when it was (or its region has no other edition)."""
        if as_of < regime.effective_from:
            return (f"基准日期 {as_of.isoformat()} 早于 {regime.id} 的适用日期 {regime.effective_from.isoformat()}："
                    "当时本规则集尚未适用，本结论只说明是否符合该规则集")
        later = [r for r in self.editions(regime.region) if regime.effective_from < r.effective_from <= as_of]
        if later:
            newest = later[-1]
            return (f"基准日期 {as_of.isoformat()} 时{regime.region_name}现行的是 {newest.id}（自 "
                    f"{newest.effective_from.isoformat()} 起）；本结论按较早的 {regime.id} 判定")
        return ""

    def select(self, region: str, as_of: dt.date) -> Regime:
        """The latest edition of `region` in force on `as_of`."""
        editions = self.editions(region)
        if not editions:
            regions = sorted({f"{r.region}（{r.region_name}）" for r in self.regimes.values()})
            raise SelectionError(f"未知的地区 '{region}'。可用：{'、'.join(regions)}")
        in_force = [r for r in editions if r.effective_from <= as_of]
        if not in_force:
            listed = "；".join(
                f"{r.id} 自 {r.effective_from.isoformat()} 起" if r.issued is not None else
                f"{r.id} 最早自 {r.effective_from.isoformat()} 起（原文未载明日期，此为推定的最早可能日期，实际可能更晚）"
                for r in editions)
            raise SelectionError(f"{as_of.isoformat()} 时 {editions[0].region_name} 尚无生效的规则集。已有版本：{listed}")
        return in_force[-1]
