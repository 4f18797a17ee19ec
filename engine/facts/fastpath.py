"""The fast acceptance check for facts documents: jsonschema-rs, with the slow validator's readings.

`FastPath(schema).accepts(data)` is True only when the document is certainly valid; False means
"not proven valid" and the caller runs the Python validator (which also writes the Chinese
messages). So the fast path may only ever be stricter than the slow one, never more lenient.
`tests/test_facts_fastpath.py` checks that both accept exactly the same documents.

Where jsonschema-rs reads a document differently from `engine.facts.schema`'s validator, this
module makes it agree or declines to decide:

- Only plain JSON values are handed to jsonschema-rs: the document is encoded and decoded with
  orjson and must come back equal. That refuses lone surrogates (the slow validator's `_text`),
  non-string keys, integers beyond 64 bits, and NaN/±Infinity (encoded as null, so no longer
  equal: the slow validator's finite-number check); tuples, Decimals, dates, UUIDs and plain
  Enum members (which jsonschema-rs would take for arrays, numbers or strings) do not come back
  equal either.
- Every `format` the schema names is checked by the Python validator's own format function
  (jsonschema-rs's built-in `date` accepts 0000-01-01, which `datetime.date` refuses).
- A schema keyword outside `PROVEN_KEYWORDS` (those the differential test generates for) turns
  the fast path off: every document then goes to the slow validator, which is correct, just slower.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jsonschema_rs
import orjson
from jsonschema import Draft202012Validator

# The keywords the differential test (tests/test_facts_fastpath.py) generates documents for.
PROVEN_KEYWORDS = frozenset({
    "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default",
    "type", "properties", "additionalProperties", "items", "required", "enum", "const",
    "format", "pattern", "maxLength", "minLength", "maxItems", "minItems", "uniqueItems",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
})
# Keywords whose value is a map of names to subschemas (the names themselves are not keywords).
_SCHEMA_MAPS = frozenset({"properties", "$defs"})
# Keywords whose value is data, not a subschema.
_DATA = frozenset({"enum", "const", "examples", "default", "required", "type"})


def schema_keywords(schema: Any) -> Iterator[str]:
    """Every keyword used anywhere in `schema` (property names and data values excluded)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            yield key
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                for sub in value.values():
                    yield from schema_keywords(sub)
            elif key not in _DATA:
                if isinstance(value, list):
                    for sub in value:
                        yield from schema_keywords(sub)
                else:
                    yield from schema_keywords(value)


def schema_formats(schema: Any) -> set[str]:
    """Every `format` named in `schema`."""
    out: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "format" and isinstance(value, str):
                out.add(value)
            elif key not in _DATA:
                out |= schema_formats(value)
    elif isinstance(schema, list):
        for sub in schema:
            out |= schema_formats(sub)
    return out


def _python_format(name: str) -> Callable[[str], bool]:
    """The slow validator's check for `format: name`, as a predicate (unknown formats pass, as there)."""
    checker = Draft202012Validator.FORMAT_CHECKER
    entry = checker.checkers.get(name)
    if entry is None:
        return lambda _: True
    func, raises = entry

    def conforms(value: str) -> bool:
        try:
            return bool(func(value))
        except raises:
            return False

    return conforms


class FastPath:
    """jsonschema-rs over `schema`, answering only "certainly valid" (see the module docstring)."""

    def __init__(self, schema: dict[str, Any]):
        self.unproven = sorted(set(schema_keywords(schema)) - PROVEN_KEYWORDS)
        self._validator: Any = None
        if not self.unproven:
            formats = {name: _python_format(name) for name in schema_formats(schema)}
            self._validator = jsonschema_rs.validator_for(schema, validate_formats=True, formats=formats)

    @property
    def enabled(self) -> bool:
        return self._validator is not None

    def accepts(self, data: object) -> bool:
        """True when `data` is certainly a valid document; False when the slow validator must decide."""
        if self._validator is None:
            return False
        try:
            plain = orjson.loads(orjson.dumps(data))
            # equal after the round trip = nothing but plain JSON values (see the module docstring)
            return bool(plain == data and self._validator.is_valid(plain))
        except Exception:  # noqa: BLE001  anything odd is for the slow validator to judge and name
            return False
