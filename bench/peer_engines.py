"""The peer table's other engines: GoRules zen-engine and CEL, on the same six Shanghai 2026 rules.

Run by `bench/peers.py` with the Python of bench/.venv-peers (a separate virtualenv the bench creates:
these engines are bench-only and never enter the project's lock), as
`python bench/peer_engines.py SPEC.json`. Imports nothing of the project. SPEC holds the facts (one
project and its experts), the rules' parameters, the outcomes the durable-rules path gave and the
number of timed calls; every engine's outcomes are checked against those before it is timed, so
the table compares engines that gave the same answer. Prints one JSON object.

Each engine gets the document as a Python dict and returns, per rule and subject, pass / fail /
missing / not_applicable: Kleene logic as in the product (an absent fact is `missing`; a `when`
that is false is `not_applicable`, an unknown one `missing`).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _time(fn: Callable[[], Any], n: int, warmup: int = 50) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    out = []
    clock = time.perf_counter
    for _ in range(n):
        t = clock()
        fn()
        out.append((clock() - t) * 1e6)
    return {"p50_us": round(statistics.median(out), 1), "p99_us": round(_p(out, 99), 1)}


def _quoted(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


# ---------------------------------------------------------------- zen-engine (GoRules)

def zen_expressions(p: dict[str, Any]) -> dict[str, str]:
    titles, levels = _quoted(p["titles"]), _quoted(p["levels"])
    return {
        "expert_title": f"map(experts, #.title == null ? 'missing' : (#.title in {titles} ? 'pass' : 'fail'))",
        "expert_willing": "map(experts, #.willing == null ? 'missing' : (#.willing == true ? 'pass' : 'fail'))",
        "project_level": f"project.level == null ? 'missing' : (project.level in {levels} ? 'pass' : 'fail')",
        "funding_support_municipal": (
            "project.level == null ? 'missing' : (project.level != 'municipal' ? 'not_applicable' : "
            "(project.budget == null or project.budget.requested_support_wan == null ? 'missing' : "
            f"(project.budget.requested_support_wan <= {p['max_support_wan']} ? 'pass' : 'fail')))"),
        "service_forms": (f"project.service_forms == null ? 'missing' : "
                          f"(len(project.service_forms) >= {p['min_forms']} ? 'pass' : 'fail')"),
        "application_deadline": (f"project.submitted_on == null ? 'missing' : "
                                 f"(date(project.submitted_on) <= date('{p['deadline']}') ? 'pass' : 'fail')"),
    }


def zen_runner(p: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    import zen

    content = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
            {"id": "rules", "type": "expressionNode", "name": "rules", "position": {"x": 200, "y": 0},
             "content": {"expressions": [{"id": k, "key": k, "value": v} for k, v in zen_expressions(p).items()]}},
            {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 400, "y": 0}},
        ],
        "edges": [{"id": "e1", "sourceId": "in", "targetId": "rules", "type": "edge"},
                  {"id": "e2", "sourceId": "rules", "targetId": "out", "type": "edge"}],
    }
    decision = zen.ZenEngine().create_decision(json.dumps(content))
    return lambda doc: decision.evaluate(doc)["result"]


# ---------------------------------------------------------------- CEL

def cel_expression(p: dict[str, Any]) -> str:
    titles, levels = _quoted(p["titles"]), _quoted(p["levels"])
    return "{" + ", ".join([
        f"'expert_title': experts.map(e, !has(e.title) ? 'missing' : (e.title in {titles} ? 'pass' : 'fail'))",
        "'expert_willing': experts.map(e, !has(e.willing) ? 'missing' : (e.willing == true ? 'pass' : 'fail'))",
        f"'project_level': !has(project.level) ? 'missing' : (project.level in {levels} ? 'pass' : 'fail')",
        ("'funding_support_municipal': !has(project.level) ? 'missing' : (project.level != 'municipal' ? "
         "'not_applicable' : (!has(project.budget) || !has(project.budget.requested_support_wan) ? 'missing' : "
         f"(double(project.budget.requested_support_wan) <= {float(p['max_support_wan'])} ? 'pass' : 'fail')))"),
        (f"'service_forms': !has(project.service_forms) ? 'missing' : "
         f"(size(project.service_forms) >= {p['min_forms']} ? 'pass' : 'fail')"),
        (f"'application_deadline': !has(project.submitted_on) ? 'missing' : "
         f"(project.submitted_on <= '{p['deadline']}' ? 'pass' : 'fail')"),
    ]) + "}"


def cel_runner(p: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    import cel  # common-expression-language: CEL in Rust

    program = cel.compile(cel_expression(p))
    return lambda doc: program.execute(doc)  # type: ignore[no-any-return]


def celpy_runner(p: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    import celpy  # cel-python: CEL in pure Python

    env = celpy.Environment()
    program = env.program(env.compile(cel_expression(p)))

    def run(doc: dict[str, Any]) -> dict[str, Any]:
        out = program.evaluate({k: celpy.json_to_cel(v) for k, v in doc.items()})
        return json.loads(json.dumps(out, cls=celpy.CELJSONEncoder))  # type: ignore[no-any-return]

    return run


RUNNERS = {"zen": ("zen-engine", zen_runner), "cel": ("common-expression-language", cel_runner),
           "celpy": ("cel-python", celpy_runner)}


def main(path: str) -> int:
    spec = json.loads(open(path, encoding="utf-8").read())
    doc, expected, n = spec["facts"], spec["expected"], spec["n"]
    out: dict[str, Any] = {}
    for name, (package, make) in RUNNERS.items():
        entry: dict[str, Any] = {"package": package}
        try:
            entry["version"] = metadata.version(package)
            run = make(spec["params"])
            got = run(doc)
            if got != expected:
                entry["error"] = f"outcomes differ from the durable-rules path: {json.dumps(got, ensure_ascii=False)}"
            else:
                entry.update(_time(lambda r=run: r(doc), n))
        except Exception as exc:  # noqa: BLE001  one engine failing must not hide the others
            entry["error"] = f"{exc.__class__.__name__}: {exc}"
        out[name] = entry
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
