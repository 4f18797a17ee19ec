"""The peer table: the durable-rules path against GoRules zen-engine and CEL on the same rules and facts.

Six rules of shanghai-2026 that every engine can state (PEER_RULES: two per-expert rules, a
membership test, a `when` with a bound, a count and a date deadline) over one project and 10
experts (the compliant example, with one expert of too low a title, one unwilling and one whose
title is not given, so every outcome occurs). Engine only: facts in, an outcome per rule and
subject out; no messages, no result building, no validation.

- `durable_engine_p50_us`: the product's durable-rules backend (`get_backend("durable").run`) on a
  regime holding only those six rules; `reference_engine_p50_us`: the plain-Python reference
  backend; `python_p50_us`: the six rules written by hand as Python (a floor, no engine at all).
- `zen_p50_us`, `cel_p50_us` (common-expression-language, Rust) and `celpy_p50_us` (cel-python):
  run by bench/peer_engines.py in bench/.venv-peers, a virtualenv of its own that this module
  creates and fills from PyPI with pinned versions (PEER_PACKAGES). They are never part of the
  project's lock. Without network or PyPI the table says why it is missing; the rest of the bench
  is unaffected.

Every engine's outcomes are checked equal to the durable-rules path's before it is timed.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.workload import ROOT, bench_facts, interleaved

REGIME = "shanghai-2026"
PEER_RULES = ("expert-title", "expert-willing", "project-level", "funding-support-municipal", "service-forms",
              "application-deadline")
PEER_PACKAGES = ("zen-engine==2.1.3", "common-expression-language==0.10.0", "cel-python==0.5.0")
VENV = ROOT / "bench" / ".venv-peers"
EXPERTS = 10


def peer_facts() -> dict[str, Any]:
    facts = copy.deepcopy(bench_facts(REGIME, EXPERTS))
    experts = facts["experts"]
    experts[2]["title"] = "intermediate"
    experts[5]["willing"] = False
    experts[7].pop("title", None)
    return {"project": facts["project"], "experts": experts}


def subset_regime(regime: Any, ids: tuple[str, ...]) -> Any:
    """`regime` with only the rules `ids` (in that order), under a hash of its own (the engine names rulesets by hash)."""
    by_id = {r.local_id: r for r in regime.rules}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise LookupError(f"{regime.id} has no rule {', '.join(missing)}")
    rules = [by_id[i] for i in ids]
    digest = hashlib.sha256((regime.hash + "|" + ",".join(ids)).encode()).hexdigest()
    return dataclasses.replace(regime, rules=rules, hash=f"sha256:{digest}")


def _key(local_id: str) -> str:
    return local_id.replace("-", "_")


def outcomes_by_rule(regime: Any, instances: list[Any], outcomes: dict[tuple[int, int], str]) -> dict[str, Any]:
    """Backend outcomes as {rule: outcome} for project rules and {rule: [outcome per expert]} for expert rules."""
    out: dict[str, Any] = {}
    for index, rule in enumerate(regime.rules):
        got = [outcomes.get((index, i.key), "missing") for i in instances if i.kind == rule.instance_kind]
        out[_key(rule.local_id)] = got if rule.subject == "expert" else got[0]
    return out


def params(regime: Any) -> dict[str, Any]:
    rules = {r.local_id: r for r in regime.rules}
    return {"titles": rules["expert-title"].params["titles"], "levels": rules["project-level"].params["levels"],
            "max_support_wan": rules["funding-support-municipal"].params["max_support_wan"],
            "min_forms": rules["service-forms"].params["min_forms"],
            "deadline": str(rules["application-deadline"].params["deadline"])}


def plain_python(p: dict[str, Any]) -> Any:
    """The six rules by hand, as plain Python: what no engine at all costs."""
    titles, levels, cap, min_forms, deadline = (set(p["titles"]), set(p["levels"]), p["max_support_wan"],
                                                p["min_forms"], p["deadline"])

    def three(value: Any, ok: bool) -> str:
        return "missing" if value is None else "pass" if ok else "fail"

    def run(doc: dict[str, Any]) -> dict[str, Any]:
        project, experts = doc["project"], doc["experts"]
        level = project.get("level")
        support = (project.get("budget") or {}).get("requested_support_wan")
        forms = project.get("service_forms")
        submitted = project.get("submitted_on")
        return {
            "expert_title": [three(e.get("title"), e.get("title") in titles) for e in experts],
            "expert_willing": [three(e.get("willing"), e.get("willing") is True) for e in experts],
            "project_level": three(level, level in levels),
            "funding_support_municipal": ("missing" if level is None else "not_applicable" if level != "municipal"
                                          else three(support, support is not None and support <= cap)),
            "service_forms": three(forms, forms is not None and len(forms) >= min_forms),
            "application_deadline": three(submitted, submitted is not None and submitted <= deadline),
        }

    return run


# ---------------------------------------------------------------- the separate virtualenv

def ensure_venv() -> tuple[Path | None, str]:
    """bench/.venv-peers with PEER_PACKAGES installed (created on first use); (python, "") or (None, why not)."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    wanted = "\n".join(PEER_PACKAGES)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python, ""
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *PEER_PACKAGES],
                       check=True, capture_output=True, text=True, timeout=600)
    except subprocess.CalledProcessError as exc:
        tail = (exc.stderr or exc.stdout or "").strip().splitlines()[-3:] if isinstance(exc.stderr, str) else []
        return None, f"could not install {', '.join(PEER_PACKAGES)} into {VENV}: {' '.join(tail) or exc}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"could not create {VENV}: {exc}"
    stamp.write_text(wanted)
    return python, ""


# ---------------------------------------------------------------- the table

def bench_peers(registry: Any, n: int) -> dict[str, Any]:
    from engine.backends import get_backend
    from engine.evaluate import subject_instances

    try:
        regime = subset_regime(registry.get(REGIME), PEER_RULES)
    except LookupError as exc:
        return {"peers": {"skipped": str(exc)}}
    facts = peer_facts()
    instances, _ = subject_instances(regime, facts)
    durable, reference = get_backend("durable").run, get_backend("reference").run
    expected = outcomes_by_rule(regime, instances, durable(regime, instances))
    assert outcomes_by_rule(regime, instances, reference(regime, instances)) == expected, "reference disagrees"
    p = params(regime)
    python = plain_python(p)
    assert python(facts) == expected, f"the hand-written rules disagree: {python(facts)} != {expected}"
    own = interleaved({"durable": lambda: durable(regime, instances), "reference": lambda: reference(regime, instances),
                       "python": lambda: python(facts)}, n)
    out: dict[str, Any] = {
        "durable_engine_p50_us": round(statistics.median(own["durable"]), 1),
        "reference_engine_p50_us": round(statistics.median(own["reference"]), 1),
        "python_p50_us": round(statistics.median(own["python"]), 1),
    }
    detail: dict[str, Any] = {"regime": REGIME, "rules": list(PEER_RULES), "experts": EXPERTS, "samples": n,
                              "outcomes": expected}
    venv_python, why = ensure_venv()
    if venv_python is None:
        detail["skipped"] = why
        return {**out, "peers": detail}
    with tempfile.TemporaryDirectory(prefix="regimes-bench-peers-") as tmp:
        spec = Path(tmp) / "spec.json"
        spec.write_text(json.dumps({"facts": facts, "expected": expected, "params": p, "n": n}, ensure_ascii=False),
                        encoding="utf-8")
        run = subprocess.run([str(venv_python), str(ROOT / "bench" / "peer_engines.py"), str(spec)],
                             capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        detail["skipped"] = f"bench/peer_engines.py failed: {run.stderr.strip()[-500:]}"
        return {**out, "peers": detail}
    engines = json.loads(run.stdout.strip().splitlines()[-1])
    detail["engines"] = engines
    for name in ("zen", "cel", "celpy"):
        if "p50_us" in engines.get(name, {}):
            out[f"{name}_p50_us"] = engines[name]["p50_us"]
    if "zen_p50_us" in out:
        out["zen_to_durable"] = round(out["zen_p50_us"] / out["durable_engine_p50_us"], 2)
    return {**out, "peers": detail}
