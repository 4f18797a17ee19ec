"""Errors any backend raises, in a module that knows no backend (so callers never import one)."""


class CompileError(Exception):
    """A policy the engine cannot run safely; the message names the rule."""


class EngineError(Exception):
    """The engine refused an evaluation (busy, or facts beyond its limits)."""


class QueryError(Exception):
    """A question the regime cannot answer as asked (unknown stage, or a judgement it does not make)."""
