"""Facts: the facts schema (DOMAIN §4) and loading/validating a facts document."""

from engine.facts.schema import (
    MAX_BYTES,
    FactsError,
    facts_schema,
    load_facts_file,
    load_facts_text,
    resolve_ref,
    validate_facts,
)

__all__ = ["MAX_BYTES", "FactsError", "facts_schema", "load_facts_file", "load_facts_text", "resolve_ref",
           "validate_facts"]
