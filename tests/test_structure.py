"""The code base has no import cycles between its own modules, function-local imports included."""

from __future__ import annotations

import grimp


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), over every import grimp sees."""
    modules = sorted(m for m in graph.modules if m.split(".")[0] in ("engine", "service"))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if w not in modules:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for m in modules:
        if m not in index:
            visit(m)
    return out


def test_no_import_cycles_among_project_modules() -> None:
    graph = grimp.build_graph("engine", "service", cache_dir=None)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for m in ("engine.a", "engine.b", "engine.c"):
        graph.add_module(m)
    graph.add_import(importer="engine.a", imported="engine.b")
    graph.add_import(importer="engine.b", imported="engine.a")
    graph.add_import(importer="engine.c", imported="engine.a")
    assert _cycles(graph) == [["engine.a", "engine.b"]]
