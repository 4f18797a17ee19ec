"""JSON in and out with orjson: request bodies parsed, responses encoded once; and the compact evaluation result.

Request bodies: FastAPI parses a JSON body with `await request.json()`, in the event loop; `OrjsonRoute` gives
the API's routes a Request whose `json()` uses orjson (≈ 3× faster, so a large body holds the loop a third as
long) and falls back to the standard parser for anything orjson refuses — NaN literals, integers beyond 64 bits,
lone surrogates, UTF-16 — so every body is read exactly as before, and a malformed one fails with the same
`json.JSONDecodeError` (position included) that FastAPI turns into its 422.

orjson encodes a 40 KB evaluation result in ~9 µs against ~140 µs for the standard library
(BENCHMARKS.md); it emits the same JSON for what the engine returns (str keys, ints, floats,
strings, lists). Anything orjson refuses (an integer beyond 64 bits in echoed facts) falls
back to Starlette's encoder, so no answer is lost to the fast path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

Detail = Literal["full", "compact"]


# 19 digits in a row may be an integer beyond 64 bits, which orjson would read as a float: the standard parser
# reads those bodies (a false alarm inside a string only costs the slower parse)
_LONG_DIGITS = re.compile(rb"\d{19}")


class OrjsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                if _LONG_DIGITS.search(body):
                    raise orjson.JSONDecodeError("long integer", "", 0)
                self._json = orjson.loads(body)
            except orjson.JSONDecodeError:
                self._json = json.loads(body)  # what orjson refuses: as Starlette reads it (or its exact error)
        return self._json


class OrjsonRoute(APIRoute):
    """An API route whose JSON body is parsed by `OrjsonRequest` (FastAPI's documented custom-route pattern)."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            return await handler(OrjsonRequest(request.scope, request.receive))

        return route


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
