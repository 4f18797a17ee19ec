"""OpenAPI document: FastAPI's, plus the engine's facts JSON Schema under `components/schemas/Facts`.

The facts schema is inserted from engine/facts/facts.schema.json at startup (its `$defs`
become `Facts_<name>` components), so the API documents exactly the schema it enforces.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from engine.facts import facts_schema
from service.models import FACTS_MARKER

DEFS_PREFIX = "Facts_"


def _link_facts(node: Any) -> Any:
    """Facts placeholders become $refs to the engine schema; FastAPI's default 422 body becomes ours."""
    if isinstance(node, dict):
        if node.get(FACTS_MARKER):
            return {"$ref": "#/components/schemas/Facts"}
        if node.get("$ref") == "#/components/schemas/HTTPValidationError":
            return {"$ref": "#/components/schemas/ErrorBody"}
        return {k: _link_facts(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_link_facts(v) for v in node]
    return node


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite_refs(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = "#/components/schemas/" + DEFS_PREFIX + ref[len("#/$defs/"):]
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def facts_components() -> dict[str, Any]:
    schema = facts_schema()
    defs = schema.pop("$defs", {})
    for key in ("$schema", "$id"):  # an $id would change how every $ref below it resolves
        schema.pop(key, None)
    out = {"Facts": _rewrite_refs(schema)}
    out.update({DEFS_PREFIX + name: _rewrite_refs(body) for name, body in defs.items()})
    return out


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes, tags=app.openapi_tags)
            schema = _link_facts(schema)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for unused in ("HTTPValidationError", "ValidationError"):
                components.pop(unused, None)
            components.update(facts_components())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]
