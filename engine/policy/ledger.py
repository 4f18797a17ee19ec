"""The clause ledger: every normative sentence of a notice, and how the policy accounts for it.

The source text came out of PDFs, so sentences are cut on 。；！？ and at the end of short
lines (headings, form rows), with all whitespace removed. A sentence is *normative* when it
holds one of the modal words of DOMAIN.md §3 (refined below) or a dated deadline; `validate`
fails naming `source:line` for every normative sentence that no `clauses:` entry accounts for.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

# Modal, preference and entitlement words (DOMAIN.md §3), and words that bind a deadline or a limit.
MODAL_WORDS: tuple[str, ...] = (
    "必须", "须", "应", "不得", "严禁", "禁止", "不准", "不予", "不再", "不少于", "不超过", "不低于", "不高于",
    "至少", "最多", "一般", "原则上", "鼓励", "优先", "重点", "可", "视同", "视为", "折算", "倾斜", "据实",
    "报销", "保留不变", "逾期", "要", "需", "务必", "确保", "严格", "限期", "支持", "以上", "以下", "以内",
)
# Words that contain a modal character without being modal (应急 is not 应; 需要 is not 需).
NOT_MODAL: tuple[str, ...] = (
    "应急", "相应", "适应", "对应", "供应", "响应", "反应", "应用", "效应", "应届", "应邀", "回应",
    "认可", "许可", "可持续", "可靠", "可行性", "需要", "需求", "急需", "所需", "重要", "主要", "要求", "要素",
    "纪要", "摘要", "要点", "必要", "重点帮扶县", "重点县",
)
DEADLINE = re.compile(r"\d+月\d+日前|\d+日前|月底前|年底前|日内|个月内")
END = "。；！？"
_CONTINUES = "，、：（“《—-"
STATUSES = ("encoded", "manual", "not_for_applicants", "context")
STATUS_TEXT = {"encoded": "已编码", "manual": "需人工核对", "not_for_applicants": "不约束申报方", "context": "背景说明"}


@dataclass(frozen=True)
class Sentence:
    line: int
    text: str  # whitespace removed

    @property
    def key(self) -> str:
        return sentence_key(self.text)

    def modal_words(self) -> list[str]:
        masked = self.text
        for word in NOT_MODAL:
            masked = masked.replace(word, "□" * len(word))
        found = [w for w in MODAL_WORDS if w in masked]
        found += [m.group(0) for m in DEADLINE.finditer(self.text)]
        return found


def sentence_id(text: str) -> str:
    """A stable anchor for a sentence (from its text, not its line): results link to it, replays keep it."""
    return "s-" + hashlib.sha1(sentence_key(text).encode("utf-8")).hexdigest()[:10]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def sentence_key(text: str) -> str:
    """How a ledger sentence is matched: whitespace and the closing punctuation do not count."""
    return squash(text).rstrip(END)


def _ends_block(line: str) -> bool:
    s = line.strip()
    if not s or set(s) <= set("-—=#*"):
        return True
    if s[-1] in END or s[-1] == "：":
        return True
    if s[-1] in _CONTINUES:
        return False
    if s[-1] in "）)>" or "<input" in s or "|" in s:
        return True
    return len(s) <= 30  # a heading or a form row; PDF-wrapped body lines are longer


def sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    buf: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal buf
        s = "".join(buf).strip().lstrip("#").strip()
        if s and not set(s) <= set("-—=#*"):
            out.append(Sentence(start, s))
        buf = []

    for number, raw in enumerate(text.splitlines(), 1):
        line = squash(raw)
        if not line:
            continue
        for ch in line:
            if not buf:
                start = number
            buf.append(ch)
            if ch in END:
                flush()
        if buf and _ends_block(raw):
            flush()
    if buf:
        flush()
    return out


def normative(text: str) -> list[Sentence]:
    return [s for s in sentences(text) if s.modal_words()]


def report(clauses: list[Any], source: str) -> dict[str, Any]:
    """Coverage of a regime's ledger over its source: every normative sentence and how it is accounted for."""
    by_key: dict[str, list[Any]] = {}
    for c in clauses:
        by_key.setdefault(sentence_key(c.sentence), []).append(c)
    rows = []
    for s in sentences(source):
        entries = by_key.get(s.key, [])
        modal = s.modal_words()
        if not entries and not modal:
            continue
        rows.append({
            "line": s.line, "id": sentence_id(s.text), "sentence": s.text, "normative": bool(modal),
            "modal_words": list(dict.fromkeys(modal)),
            "accounted": bool(entries),
            "entries": [{"status": c.status, "part": c.part, "clause": c.clause, "rules": list(c.rules),
                         "stage": c.stage, "check": c.check, "why": c.why} for c in entries],
        })
    normative_rows = [r for r in rows if r["normative"]]
    counts = {status: sum(1 for c in clauses if c.status == status) for status in STATUSES}
    accounted = sum(1 for r in normative_rows if r["accounted"])
    return {
        "normative_sentences": len(normative_rows),
        "accounted": accounted,
        "coverage": round(accounted / len(normative_rows), 4) if normative_rows else 1.0,
        "entries": counts,
        "sentences": rows,
    }


class SourceUnavailable(Exception):
    """The notice's text cannot be read (moved or unreadable)."""


def regime_report(regime: Any) -> dict[str, Any]:
    """`report` for a loaded regime, reading its source text beside the policy file."""
    try:
        source = regime.source_file().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceUnavailable(f"无法读取规则集 {regime.id} 的原文：{exc.__class__.__name__}") from None
    return {"regime": regime.ref(), **report(regime.clauses, source)}
