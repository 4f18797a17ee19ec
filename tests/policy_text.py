"""A small, valid policy as text, for tests that build regimes in memory."""

from __future__ import annotations

from engine.policy.model import Regime
from engine.policy.validate import load_regime_text

HEADER = """\
id: test-2026
region: test
region_name: 测试
edition: 2026
title: 测试规则集
issuer: 测试厅
documents:
  - {short: 通知, name: 测试通知, number: 测〔2026〕1号, issued: 2026-01-01}
issued: 2026-01-01
effective_from: 2026-01-01
kind: application_notice
version: 1.0.0
source_text: ../sources/none.txt
rules:
"""


def rule(rule_id: str, body: str, subject: str = "project", severity: str = "error", topic: str = "project.scope") -> str:
    lines = [f"  - id: {rule_id}", f"    topic: {topic}", f"    subject: {subject}", "    kind: requirement",
             f"    severity: {severity}", "    stage: application",
             "    reading: 测试用规则", "    message: 测试", "    source: {document: 通知, clause: 一, quote: 测试条款}"]
    lines += ["    " + line for line in body.strip("\n").splitlines()]
    return "\n".join(lines) + "\n"


def regime(*rules: str) -> Regime:
    return load_regime_text(HEADER + "".join(rules), "test.yaml", check_quotes=False)
