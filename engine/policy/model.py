"""The validated, engine-neutral form of a regime: what every later stage reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from engine.policy.conditions import Cond

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
class Rule:
    id: str  # "<regime>/<rule>"
    local_id: str
    title: str
    topic: str
    subject: str
    each: str | None
    kind: str
    severity: str
    params: dict[str, Any]
    when: Cond | None
    check: Cond
    message: str
    source: Source  # document is the full reference text, e.g. 沪人社专〔2026〕14号
    line: int = 0

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
            "kind": self.kind,
            "rule_count": len(self.rules),
            "version": self.version,
            "hash": self.hash,
        }

    def ref(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "hash": self.hash}
