"""JSON responses encoded once with orjson, and the compact form of an evaluation result.

orjson encodes a 40 KB evaluation result in ~9 µs against ~140 µs for the standard library
(BENCHMARKS.md); it emits the same JSON for what the engine returns (str keys, ints, floats,
strings, lists). Anything orjson refuses (an integer beyond 64 bits in echoed facts) falls
back to Starlette's encoder, so no answer is lost to the fast path.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from fastapi.responses import JSONResponse

Detail = Literal["full", "compact"]


class FastJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except TypeError:  # orjson's JSONEncodeError: e.g. an int beyond 64 bits
            return super().render(content)


# what is the same in every entry of one rule: given once per rule in the compact form
PER_RULE = ("topic", "subject", "kind", "severity", "stage", "source", "reading")


def compact(result: dict[str, Any]) -> dict[str, Any]:
    """The result with what every entry of a rule repeats (topic, subject, kind, severity, stage, source with
    its quote, reading) given once, under `rules[<rule id>]`; each entry keeps rule, subject_id, outcome,
    message and missing. Expanding `{**rules[e["rule"]], **e}` gives back the full entry."""
    rules: dict[str, dict[str, Any]] = {}
    entries = []
    for entry in result.get("results", []):
        shared = {k: entry[k] for k in PER_RULE if k in entry}
        rules.setdefault(entry["rule"], shared)
        entries.append({k: v for k, v in entry.items() if k not in shared})
    return {**result, "results": entries, "rules": rules}


def shaped(result: dict[str, Any], detail: Detail) -> dict[str, Any]:
    return compact(result) if detail == "compact" else result
