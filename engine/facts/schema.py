"""Load and validate a facts document (DOMAIN §4) against `schemas/facts.schema.json`.

Every problem becomes one Chinese message that starts with the field's path
(`experts[0].title: ...`); jsonschema's English wording never reaches the user.
The document is returned exactly as parsed: validation never changes user input.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import os
from collections.abc import Iterable
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, validators

from engine.documents import yamlio
from engine.documents.schema_errors import schema_messages
from engine.facts.fastpath import FastPath

MAX_BYTES = 10_000_000  # a facts file is a few kilobytes; refuse anything absurd before parsing



class FactsError(Exception):
    """Bad facts input; `.errors` holds one Chinese message per problem."""

    def __init__(self, errors: Iterable[str]):
        self.errors: list[str] = list(errors)
        super().__init__("\n".join(self.errors))

    def __str__(self) -> str:
        return "\n".join(self.errors)


def _finite_number(checker: Any, instance: object) -> bool:
    # NaN compares false with every bound, so `minimum`/`maximum` alone would let `.nan` through.
    if not Draft202012Validator.TYPE_CHECKER.is_type(instance, "number"):
        return False
    # ints are exact (and math.isfinite overflows on huge ones); `maximum` then bounds them
    return isinstance(instance, int) or math.isfinite(instance)  # type: ignore[arg-type]


def _text(checker: Any, instance: object) -> bool:
    # A lone surrogate (from JSON "\ud800") is not Unicode text: the engine and the log would refuse it.
    if not isinstance(instance, str):
        return False
    try:
        instance.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many({"number": _finite_number, "string": _text}),
)


@functools.cache
def _schema() -> dict[str, Any]:
    text = (resources.files("engine.facts") / "facts.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def _validator() -> Any:
    return _Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@functools.cache
def _fast() -> FastPath:
    return FastPath(_schema())


def facts_schema() -> dict[str, Any]:
    """The facts JSON Schema (a copy: callers may change it without harming validation)."""
    return copy.deepcopy(_schema())


def resolve_ref(node: Any, schema: dict[str, Any] | None = None) -> Any:
    """`node` with its local `$ref` (`#/$defs/…`, followed through chains) replaced by the target, the node's own
    keywords kept on top. `schema` defaults to the facts schema; anything else is returned as it is."""
    root = schema if schema is not None else _schema()
    for _ in range(20):  # a cycle of references ends here instead of looping
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not (isinstance(ref, str) and ref.startswith("#/")):
            break
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def validate_facts(data: object) -> list[str]:
    """Chinese messages for everything wrong with `data`; empty when it is a valid facts document.

    `None` (an empty YAML document) counts as a document with no subjects. jsonschema-rs decides
    acceptance (engine/facts/fastpath.py: about 100x faster); the Python validator runs only for
    a document it does not prove valid, to decide and to word every problem in Chinese.
    """
    if data is None or _fast().accepts(data):
        return []
    return [message for _, message in schema_messages(_validator(), data)]


# ---------------------------------------------------------------------------------------------
# loading


def load_facts_text(text: str, filename: str = "<facts>") -> dict[str, Any]:
    """Parse YAML or JSON facts and validate them; raise FactsError naming file, line and field."""
    if len(text) > MAX_BYTES:
        raise FactsError([f"{filename}: 文件过大（超过 {MAX_BYTES} 个字符）"])
    try:
        document = yamlio.load(text)
    except yamlio.YamlError as err:
        raise FactsError([err.at(filename)]) from None
    except RecursionError:
        raise FactsError([f"{filename}: 嵌套层次过深，无法解析"]) from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise FactsError([f"{filename}: 无法解析的值：{exc}"]) from None
    if document.data is None:
        return {}
    problems = [] if _fast().accepts(document.data) else schema_messages(_validator(), document.data)
    if problems:
        errors = []
        for path, message in problems:
            line, col = document.position(path)
            errors.append(f"{filename}:{line}:{col}: {message}")
        raise FactsError(errors)
    return document.data


def load_facts_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a UTF-8 YAML/JSON facts file and validate it; every failure is a FactsError."""
    name = os.fspath(path)
    try:
        text = yamlio.read_text(name, MAX_BYTES)
    except yamlio.YamlError as err:
        raise FactsError([err.at(name)]) from None
    return load_facts_text(text, name)
