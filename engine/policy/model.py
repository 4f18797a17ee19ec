"""The validated, engine-neutral form of a regime: what every later stage reads."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.policy.conditions import Cond, Const, Ref

Severity = Literal["error", "warning", "info"]
Kind = Literal["requirement", "entitlement"]
Stage = Literal["application", "filing", "implementation", "closing"]
Outcome = Literal["pass", "fail", "missing", "not_applicable", "pending"]
Verdict = Literal["eligible", "ineligible", "incomplete"]

# A query names its stage; it judges the rules of that stage and earlier ones (DOMAIN §5 "Stages").
STAGES: tuple[str, ...] = ("application", "filing", "implementation", "closing")
STAGE_RANK = {s: n for n, s in enumerate(STAGES)}
JUDGEMENTS: tuple[str, ...] = ("application", "expert", "base", "locality", "listing", "secondment")
# What each judgement evaluates and which subjects it cannot do without, unless a regime says otherwise.
DEFAULT_JUDGEMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "application": {"subjects": ("project", "expert"), "requires": ("project",)},
    "expert": {"subjects": ("expert",), "requires": ("experts",)},
    "base": {"subjects": ("base",), "requires": ("base",)},
    "locality": {"subjects": ("locality",), "requires": ("locality",)},
    "listing": {"subjects": ("listing",), "requires": ("listing",)},
    "secondment": {"subjects": ("secondment",), "requires": ("secondment",)},
}

SUBJECT_PREFIX = {
    "project": "project",
    "expert": "experts",
    "base": "base",
    "locality": "locality",
    "listing": "listing",
    "secondment": "secondment",
}


@dataclass(frozen=True)
class Source:
    document: str
    clause: str
    quote: str

    def as_dict(self) -> dict[str, str]:
        return {"document": self.document, "clause": self.clause, "quote": self.quote}


@dataclass(frozen=True)
class Due:
    """A dated duty: done when `fact` is given; due on the first of `by` that the facts let us compute."""
    fact: tuple[str, ...]
    by: tuple[Const | Ref, ...]
    what: str


@dataclass(frozen=True)
class Clause:
    """One entry of the clause ledger: a sentence of the source (or a part of it) and how it is accounted for."""
    sentence: str
    status: str  # encoded | manual | not_for_applicants | context
    clause: str = ""
    document: str = ""
    part: str = ""
    rules: tuple[str, ...] = ()
    stage: str | None = None
    subject: str | None = None
    check: str = ""
    why: str = ""
    line: int = 0  # line of the sentence in the source text

    @property
    def quote(self) -> str:
        return self.part or self.sentence


@dataclass(frozen=True)
class Rule:
    id: str  # "<regime>/<rule>"
    local_id: str
    title: str
    topic: str
    subject: str
    each: str | None
    kind: Kind
    severity: Severity
    params: dict[str, Any]
    when: Cond | None
    check: Cond
    message: str
    source: Source  # document is the full reference text, e.g. 沪人社专〔2026〕14号
    line: int = 0
    stage: Stage = "application"
    reading: str = ""
    due: Due | None = None

    @property
    def instance_kind(self) -> str:
        return f"{self.subject}.{self.each}" if self.each else self.subject


@dataclass(frozen=True)
class Document:
    short: str
    name: str
    number: str | None
    issued: dt.date | None


@dataclass
class Regime:
    id: str
    region: str
    region_name: str
    edition: int
    title: str
    issuer: str
    documents: list[Document]
    issued: dt.date | None
    effective_from: dt.date
    kind: str
    version: str
    source_path: str
    rules: list[Rule]
    hash: str  # sha256 of the canonical policy data
    path: str = ""
    date_note: str = ""
    data: dict[str, Any] = field(default_factory=dict, repr=False)
    caveat: str = ""
    judgements: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=lambda: dict(DEFAULT_JUDGEMENTS))
    clauses: list[Clause] = field(default_factory=list)

    @property
    def document_numbers(self) -> list[str]:
        return [d.number for d in self.documents if d.number]

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "region": self.region,
            "region_name": self.region_name,
            "edition": self.edition,
            "title": self.title,
            "issuer": self.issuer,
            "document_numbers": self.document_numbers,
            "documents": [
                {"short": d.short, "name": d.name, "number": d.number,
                 "issued": d.issued.isoformat() if d.issued else None}
                for d in self.documents
            ],
            "issued": self.issued.isoformat() if self.issued else None,
            "effective_from": self.effective_from.isoformat(),
            "date_note": self.date_note,
            "caveat": self.caveat,
            "judgements": sorted(self.judgements),
            "kind": self.kind,
            "rule_count": len(self.rules),
            "version": self.version,
            "hash": self.hash,
        }

    def source_file(self) -> Path:
        """The notice's text, beside the policy file (`source_text` is relative to it)."""
        return Path(self.path).parent / self.source_path

    @functools.cached_property
    def rule_lines(self) -> dict[str, int]:
        """{rule id: source line of the first ledger sentence that the rule encodes}."""
        out: dict[str, int] = {}
        for c in self.clauses:
            for local in c.rules:
                if c.line:
                    out.setdefault(f"{self.id}/{local}", c.line)
        return out

    def ref(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "hash": self.hash}
