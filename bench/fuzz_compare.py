"""Crash hunt for POST /v1/compare: random facts documents through every regime, both backends, in child processes.

    .venv/bin/python -m bench.fuzz_compare --seconds 600 --seed 1              # hunt for 10 minutes
    .venv/bin/python -m bench.fuzz_compare --seconds 60 --seed 2 --threads 8    # more threads per child
    .venv/bin/python -m bench.fuzz_compare --documents 300 --batch 100 --seed 7 # a fixed amount (the test does this)
    .venv/bin/python -m bench.fuzz_compare --replay /tmp/fuzz-crashes/X.json    # one saved document, alone
    .venv/bin/python -m bench.fuzz_compare --shrink /tmp/fuzz-crashes/X.json    # minimise a crashing document

What one document goes through is what `POST /v1/compare` does with it: `validate_facts`, then
`engine.compare.core.compare` over every loaded regime (durable-rules backend) with a random stage
and judgement; each regime's answer is also checked against the plain-Python reference backend
(a disagreement is saved as a `mismatch-*.json`, it is not a crash).

Documents are generated from engine/facts/facts.schema.json: valid ones and near-valid ones (a
wrong type, an unknown key, one item too many), with edge values: empty, long, quoted, escaped
and non-BMP strings; dates at the calendar's limits; numbers at 0, at the schema's bounds and
far below 1e-4 (the floats Python writes with an exponent), integer-valued floats; long lists
(up to the schema's 500 experts and 1,000 expenses, sometimes beyond), duplicate expert ids;
and the constants the compiled rulesets themselves test.

Isolation. The parent loads the registry once (compiling every ruleset) and forks one child per
batch; the child evaluates its documents from `--threads` threads at once on the same compiled
rulesets, as the server's thread pool does. Before a thread evaluates a document it writes it
(with its stage, judgement and date) to `<work>/current-<thread>.json` and fsyncs; after, it marks
it done. A child that dies by a signal (or hangs past `--batch-timeout`) leaves the documents it
was on: the parent copies them to --out (default /tmp/fuzz-crashes) as `crash-*.json`, replays
each alone in a fresh child to say which one crashes by itself, and carries on.
Exit status: 1 if any child died by a signal or hung, else 0. A summary is printed as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from engine.compare.core import compare
from engine.errors import EngineError, QueryError
from engine.evaluate import evaluate
from engine.facts import facts_schema, resolve_ref, validate_facts
from engine.policy.model import JUDGEMENTS, STAGES
from engine.registry import Registry

SCHEMA = facts_schema()
AS_OF = [dt.date(2026, 6, 1), dt.date(2026, 1, 1), dt.date(2024, 2, 29), dt.date(2030, 12, 31), dt.date(2000, 1, 1)]
TEXTS = ["", " ", "甲", "某某单位", "Sample unit", "辽宁省", "沈阳市", "浦东新区", "乡村振兴", '"', "\\", '\\"', "'",
         "{", "}", "[", "]", ",", ":", '{"a":1}', "1e-05", "NaN", "null", "true", "$s", "sid", "id", "kind", "\t\n\r",
         "\u0000", "\u0001", "\u007f", "\u2028", "\ufeff", "😀", "𠀀", "[一-龥]", "%d", ".*", "e", "E5", "-", "0", "00",
         "a" * 1000, "专" * 1000, "😀" * 1000, "\\" * 999, '"' * 1000]
DATES = ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30", "1970-01-01", "2000-02-29", "2024-02-29", "2025-02-28",
         "2026-01-31", "2026-02-28", "2026-03-31", "2026-05-31", "2026-06-01", "2026-06-02", "2026-12-31", "2100-12-31"]
BAD_DATES = ["2026-02-30", "2026-13-01", "0000-01-01", "２０２６-０６-０１", "2026-6-1", "", "2026-06-01T00:00:00"]
# Numbers: bounds, -0.0, floats Python writes with an exponent (below 1e-4), subnormals, integer-valued floats.
NUMBERS: list[Any] = [0, 0.0, -0.0, 1, 2, 3, 0.5, 0.1, 0.30000000000000004, 1e-05, 2e-05, 1.5e-05, 1e-07, 5e-324,
                      2.2250738585072014e-308, 1e-300, 9.999999999999999e-05, 0.0001, 1e9, 999999999, 999999999.9999999,
                      1e9 - 0.5, 3.0, 30.0, 1000000000.0, 123456789.123456789]
BAD_NUMBERS: list[Any] = [-1, -1e-05, 1e9 + 1, 10**20, 1e300, "1", True, None, [], {}]
FIELD_NAMES = ["x", "sid", "id", "$s", "kind", "项目", "", "__proto__", "v", "q", "d"]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    return resolve_ref(node, SCHEMA)  # type: ignore[no-any-return]


def mined_constants(registry: Registry) -> tuple[list[Any], list[str]]:
    """Numbers and strings the compiled rulesets test (their thresholds and enum values), to hit the boundaries."""
    from engine.backends import durable

    numbers: set[Any] = set()
    strings: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, bool):
            pass
        elif isinstance(x, int | float):
            numbers.add(x)
        elif isinstance(x, str) and not x.startswith(("$", "v.", "d.", "q.")):
            strings.add(x)

    for regime in registry.regimes.values():
        try:
            walk(durable.compile_ruleset(regime).definition)
        except Exception:  # a regime the engine refuses is reported elsewhere
            continue
    near = {v + d for v in numbers for d in (-1, -0.01, 0.01, 1)}
    return sorted(numbers | near, key=repr), sorted(strings)


class Gen:
    """Random facts documents from the schema; `bad` is the chance of a near-valid deviation at each node."""

    def __init__(self, rng: random.Random, numbers: list[Any], strings: list[str], bad: float):
        self.rng = rng
        self.numbers = numbers
        self.strings = strings
        self.bad = bad

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def text(self, max_len: int) -> str:
        r = self.rng.random()
        if r < 0.45:
            s = self.rng.choice(TEXTS)
        elif r < 0.6 and self.strings:
            s = self.rng.choice(self.strings)
            s = s + self.rng.choice(["", "省", "市", "区", "县", "自治区"])
        elif r < 0.9:
            n = self.rng.choice([0, 1, 2, 5, 20, max_len - 1, max_len])
            pool = [chr(self.rng.randrange(0x20, 0x7f)), chr(self.rng.randrange(0x4e00, 0x9fa5)),
                    chr(self.rng.randrange(0x1f600, 0x1f64f)), chr(self.rng.randrange(0xa0, 0x2000)), '"', "\\"]
            s = "".join(self.rng.choice(pool) for _ in range(max(0, n)))
        else:
            s = str(self.number())
        if self.chance(self.bad):
            s = s + "x" * (max_len + 1 - len(s))
        return s[: max_len + (1 if self.chance(self.bad) else 0)]

    def number(self, integer: bool = False, lo: float = 0, hi: float = 1e9) -> Any:
        r = self.rng.random()
        if r < 0.3:
            v: Any = self.rng.choice(NUMBERS)
        elif r < 0.5 and self.numbers:
            v = self.rng.choice(self.numbers)
        elif r < 0.7:  # log-uniform: most of these are written with an exponent
            v = 10 ** self.rng.uniform(-330, 9.1)
            if self.chance(0.5):
                v = float(f"{v:.1g}")  # one significant digit: 1e-05, 3e-12 (an exponent and no fraction)
        elif r < 0.85:
            v = self.rng.randint(0, 1000)
        else:
            v = self.rng.uniform(lo, hi)
        if integer and isinstance(v, float) and not v.is_integer():
            v = round(v) if self.chance(0.8) else float(round(v))
        if self.chance(self.bad):
            v = self.rng.choice(BAD_NUMBERS)
        return v

    def date(self) -> str:
        if self.chance(self.bad):
            return self.rng.choice(BAD_DATES)
        if self.chance(0.6):
            return self.rng.choice(DATES)
        if self.numbers and self.chance(0.5):  # date constants are ordinal days in the compiled rulesets
            days = [int(n) for n in self.numbers if 700_000 < n < 800_000]
            if days:
                return dt.date.fromordinal(self.rng.choice(days) + self.rng.choice([-1, 0, 1])).isoformat()
        return (dt.date(2026, 6, 1) + dt.timedelta(days=self.rng.randint(-3000, 3000))).isoformat()

    def length(self, max_items: int) -> int:
        r = self.rng.random()
        if r < 0.15:
            return 0
        if r < 0.7:
            return self.rng.randint(1, 3)
        if r < 0.9:
            return self.rng.randint(4, 30)
        if r < 0.98:
            return self.rng.choice([max_items, max_items - 1, self.rng.randint(30, max_items)])
        return max_items + 1  # near-valid: one too many

    def value(self, node: dict[str, Any], depth: int = 0) -> Any:
        node = _resolve(node)
        if self.chance(self.bad / 3):
            return self.junk(depth)
        kind = node.get("type")
        if "enum" in node:
            return self.rng.choice(node["enum"]) if not self.chance(self.bad) else self.rng.choice(["", "other", "x"])
        if kind == "object":
            return self.obj(node, depth)
        if kind == "array":
            items = node["items"]
            n = self.length(node.get("maxItems", 50))
            if "enum" in _resolve(items) and node.get("uniqueItems"):
                pool = list(_resolve(items)["enum"])
                self.rng.shuffle(pool)
                out = pool[: min(n, len(pool))]
                if self.chance(self.bad) and out:
                    out.append(out[0])  # near-valid: a duplicate
                return out
            return [self.value(items, depth + 1) for _ in range(n)]
        if kind == "string":
            if node.get("format") == "date":
                return self.date()
            return self.text(node.get("maxLength", 1000))
        if kind == "integer":
            if node.get("maximum") == 1000000000 or "minimum" in node:
                return self.number(integer=True)
            return self.rng.choice([2020, 2021, 2022, 2023, 2026, 0, 1, 2100, 2101, -1, 10**18, 10**19, 2022.0])
        if kind == "number":
            return self.number()
        if kind == "boolean":
            return self.rng.random() < 0.5 if not self.chance(self.bad) else self.rng.choice([0, 1, "true", None])
        return None

    def obj(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        props = node.get("properties", {})
        p = self.rng.choice([0.2, 0.5, 0.8, 1.0])
        out = {k: self.value(v, depth + 1) for k, v in props.items() if self.chance(p)}
        if self.chance(self.bad):
            out[self.rng.choice(FIELD_NAMES)] = self.junk(depth)
        return out

    def junk(self, depth: int) -> Any:
        r = self.rng.random()
        if r < 0.3 or depth > 6:
            return self.rng.choice(BAD_NUMBERS + TEXTS[:12] + [math.nan, math.inf])
        if r < 0.5:
            deep: Any = 1
            for _ in range(self.rng.choice([2, 50, 300])):
                deep = [deep] if self.chance(0.5) else {"a": deep}
            return deep
        if r < 0.75:
            return [self.junk(depth + 1) for _ in range(self.rng.randint(0, 3))]
        return {self.rng.choice(FIELD_NAMES): self.junk(depth + 1) for _ in range(self.rng.randint(0, 3))}

    def document(self) -> dict[str, Any]:
        doc = self.obj(SCHEMA, 0)
        experts = doc.get("experts")
        if isinstance(experts, list) and experts and self.chance(0.3):  # duplicate ids, even duplicate experts
            for _ in range(self.rng.randint(1, 5)):
                i, j = self.rng.randrange(len(experts)), self.rng.randrange(len(experts))
                if isinstance(experts[i], dict) and isinstance(experts[j], dict):
                    experts[j] = dict(experts[i]) if self.chance(0.5) else {**experts[j], "id": experts[i].get("id", "E1")}
        if self.chance(0.05):  # a big team (the schema allows 500)
            template = self.obj(_resolve(SCHEMA["properties"]["experts"]["items"]), 1)
            doc["experts"] = [dict(template, id=f"E{i}") for i in range(self.rng.choice([200, 500, 501, 1000]))]
        return doc


def _has_known_number(x: Any) -> bool:
    if isinstance(x, float):
        text = repr(x)
        return "e" in text and "." not in text.partition("e")[0]
    if isinstance(x, dict):
        return any(_has_known_number(v) for v in x.values())
    if isinstance(x, list):
        return any(_has_known_number(v) for v in x)
    return False


def _avoid_known(x: Any) -> Any:
    """The document with every float written like `1e-05` moved to one written `1.5e-05` (--avoid-known)."""
    if isinstance(x, float) and _has_known_number(x):
        mantissa, _, exponent = repr(x).partition("e")
        moved = float(f"{mantissa}.5e{exponent}")
        return moved if not _has_known_number(moved) else 1.5e-300  # subnormals round back to one digit
    if isinstance(x, dict):
        return {k: _avoid_known(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_avoid_known(v) for v in x]
    return x


# ---------------------------------------------------------------- the child: evaluate documents

REGISTRY: Registry | None = None
CONSTANTS: tuple[list[Any], list[str]] = ([], [])


def _write_sync(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, text.encode("utf-8", "surrogatepass"))
        os.fsync(fd)
    finally:
        os.close(fd)


def check_one(case: dict[str, Any], stats: Counter[str], out: Path | None, oracle: bool = True) -> None:
    """What POST /v1/compare does with one case, plus the reference backend's answer for each regime."""
    assert REGISTRY is not None
    doc = case["facts"]
    try:
        problems = validate_facts(doc)
    except Exception as exc:  # validation itself must not fail either
        stats[f"validate raised {type(exc).__name__}"] += 1
        problems = ["?"]
    if problems and not case.get("raw"):
        stats["refused (invalid)"] += 1
        return
    as_of = dt.date.fromisoformat(case["as_of"])
    try:
        result = compare(REGISTRY, doc, case.get("regimes"), as_of, stage=case["stage"], judge=case["judge"])
    except QueryError:
        stats["no regime judges this"] += 1
        return
    except EngineError as exc:
        stats["EngineError"] += 1
        if not problems:
            _save(out, "engine-error", case, str(exc))
        return
    except Exception as exc:  # a 500 in the server: not a crash, but worth keeping
        stats[f"raised {type(exc).__name__}"] += 1
        if not case.get("raw"):
            _save(out, "exception", case, traceback.format_exc(limit=6))
        return
    if problems:  # --raw: evaluated although the server would refuse it; only a crash counts here
        stats["evaluated although invalid"] += 1
        return
    stats["evaluated"] += 1
    if not oracle:
        return
    for rid, got in result["results"].items():
        try:
            want = evaluate(REGISTRY.get(rid), doc, as_of, engine="reference", stage=case["stage"], judge=case["judge"])
        except Exception:
            stats["reference raised"] += 1
            continue
        if want != got:
            stats["mismatch"] += 1
            diffs = [(a["rule"], a["subject_id"], a["outcome"], b["outcome"])
                     for a, b in zip(got["results"], want["results"], strict=False) if a["outcome"] != b["outcome"]]
            _save(out, "mismatch", {**case, "regimes": [rid]}, json.dumps(diffs[:20], ensure_ascii=False))


_saved = Counter[str]()


def _save(out: Path | None, kind: str, case: dict[str, Any], note: str) -> None:
    if out is None or _saved[kind] >= 20:  # the first few of each kind per child are enough to look at
        return
    _saved[kind] += 1
    name = out / f"{kind}-{os.getpid()}-{_saved[kind]}.json"
    name.write_text(json.dumps({**case, "note": note}, ensure_ascii=False, default=repr), encoding="utf-8")


def make_case(seed: str, bad: float, avoid_known: bool) -> dict[str, Any]:
    rng = random.Random(seed)
    doc = Gen(rng, CONSTANTS[0], CONSTANTS[1], bad).document()
    if avoid_known:
        doc = _avoid_known(doc)
    return {"seed": seed, "facts": doc, "stage": rng.choice(STAGES), "judge": rng.choice(JUDGEMENTS),
            "as_of": rng.choice(AS_OF).isoformat(), "regimes": None}


def child_batch(args: argparse.Namespace, batch: int, work: Path) -> None:
    """One batch in a forked child: `args.threads` threads, each generating and evaluating its share."""
    out = Path(args.out)
    stats: Counter[str] = Counter()
    lock = threading.Lock()

    def worker(t: int) -> None:
        mine: Counter[str] = Counter()
        current = work / f"current-{t}.json"
        for i in range(args.batch // args.threads):
            case = make_case(f"{args.seed}/{batch}/{t}/{i}", args.bad, args.avoid_known)
            case["raw"] = random.Random(case["seed"]).random() < args.raw
            record = {"state": "running", "thread": t, "index": i, **case}
            _write_sync(current, json.dumps(record, ensure_ascii=False, default=repr))
            mine["documents"] += 1
            check_one(case, mine, out, oracle=not args.no_oracle)
            _write_sync(current, '{"state": "done"}')
        with lock:
            stats.update(mine)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(args.threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    _write_sync(work / "stats.json", json.dumps(stats))


def child_replay(case: dict[str, Any], result_path: Path, oracle: bool) -> None:
    stats: Counter[str] = Counter()
    check_one(case, stats, None, oracle=oracle)
    _write_sync(result_path, json.dumps(stats))


# ---------------------------------------------------------------- the parent


_ctx = multiprocessing.get_context("fork")  # the parent has compiled every ruleset and runs no threads


def run_child(target: Any, args: tuple[Any, ...], timeout: float) -> int | None:
    """The child's exit code (negative: killed by that signal), or None if it hung and was killed."""
    proc = _ctx.Process(target=target, args=args)
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return proc.exitcode


def replay(case: dict[str, Any], timeout: float = 120, oracle: bool = False) -> tuple[int | None, dict[str, int]]:
    """Evaluate one case alone in a fresh child: (exit code, stats)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-replay-") as tmp:
        result = Path(tmp) / "result.json"
        code = run_child(child_replay, (case, result, oracle), timeout)
        stats = json.loads(result.read_text()) if result.exists() else {}
    return code, stats


def crashes(case: dict[str, Any]) -> bool:
    code, _ = replay(case)
    return code is None or code < 0


def _candidates(x: Any) -> list[Any]:
    """Smaller versions of x, biggest cuts first."""
    out: list[Any] = []
    if isinstance(x, dict):
        keys = list(x)
        if len(keys) > 1:
            half = len(keys) // 2
            out += [{k: x[k] for k in keys[:half]}, {k: x[k] for k in keys[half:]}]
        out += [{k: v for k, v in x.items() if k != drop} for drop in keys]
        for k in keys:
            out += [{**x, k: c} for c in _candidates(x[k])]
    elif isinstance(x, list):
        n = len(x)
        if n > 1:
            out += [x[: n // 2], x[n // 2:]]
        out += [x[:i] + x[i + 1:] for i in range(n)]
        for i in range(n):
            out += [x[:i] + [c] + x[i + 1:] for c in _candidates(x[i])]
    elif isinstance(x, str) and x:
        out += ["", x[: len(x) // 2]]
    elif isinstance(x, float) and x not in (0.0, 1.0):
        out += [0.0, 1.0]
    elif isinstance(x, int) and not isinstance(x, bool) and x not in (0, 1):
        out += [0, 1]
    return out


def shrink(case: dict[str, Any], still_fails: Any = crashes, budget: int = 400) -> dict[str, Any]:
    """Greedy minimisation: take the first smaller document (or fewer regimes) that still crashes, until none does."""
    tries = 0
    if case.get("regimes") is None and REGISTRY is not None:
        for rid in sorted(REGISTRY.regimes):
            tries += 1
            if still_fails({**case, "regimes": [rid]}):
                case = {**case, "regimes": [rid]}
                break
    progress = True
    while progress and tries < budget:
        progress = False
        for candidate in _candidates(case["facts"]):
            tries += 1
            if still_fails({**case, "facts": candidate}):
                case = {**case, "facts": candidate}
                progress = True
                break
            if tries >= budget:
                break
    print(f"shrink: {tries} tries", file=sys.stderr)
    return case


def hunt(args: argparse.Namespace) -> dict[str, Any]:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.seconds
    totals: Counter[str] = Counter()
    found: list[dict[str, Any]] = []
    batch = 0
    with tempfile.TemporaryDirectory(prefix="fuzz-compare-") as tmp:
        work = Path(tmp)
        while time.monotonic() < deadline and not (args.documents and totals["documents"] >= args.documents):
            for f in work.glob("*.json"):
                f.unlink()
            code = run_child(child_batch, (args, batch, work), args.batch_timeout)
            totals["batches"] += 1
            stats_file = work / "stats.json"
            if stats_file.exists():
                totals.update(json.loads(stats_file.read_text()))
            if code is None or code < 0:
                what = "hang" if code is None else signal.Signals(-code).name
                totals[f"child {what}"] += 1
                for current in sorted(work.glob("current-*.json")):
                    try:
                        case = json.loads(current.read_text())
                    except ValueError:  # that thread was between truncating and writing its file: not in flight
                        continue
                    if case.get("state") != "running":
                        continue
                    totals["documents"] += case["index"] + 1  # this thread's finished ones and the one in flight
                    alone, _ = replay({k: v for k, v in case.items() if k not in ("state", "index", "thread")})
                    name = out / f"crash-{args.seed}-{batch}-t{case['thread']}.json"
                    record = {**case, "child": what, "alone": "hang" if alone is None else alone}
                    name.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=repr), encoding="utf-8")
                    found.append({"file": str(name), "signal": what, "replayed alone, exit": record["alone"]})
                    print(f"batch {batch}: child {what}; in flight: {name} (alone: {record['alone']})", file=sys.stderr)
            elif code != 0:
                totals[f"child exit {code}"] += 1
            batch += 1
    return {"seed": args.seed, "threads": args.threads, "seconds": args.seconds, "avoid_known": args.avoid_known,
            "totals": dict(totals), "crashes": found}


def main(argv: list[str] | None = None) -> int:
    global REGISTRY, CONSTANTS
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--documents", type=int, default=0, help="stop after about this many documents (0: --seconds only)")
    p.add_argument("--threads", type=int, default=4, help="threads per child, sharing the compiled rulesets")
    p.add_argument("--batch", type=int, default=200, help="documents per child process")
    p.add_argument("--batch-timeout", type=float, default=900, help="seconds before a child counts as hung")
    p.add_argument("--bad", type=float, default=0.01, help="chance of a near-valid deviation at each node")
    p.add_argument("--raw", type=float, default=0.0, help="share of documents evaluated even when validation refuses them")
    p.add_argument("--avoid-known", action="store_true", help="no floats written like 1e-05 (the crash already found)")
    p.add_argument("--no-oracle", action="store_true", help="skip the reference backend (faster)")
    p.add_argument("--out", default="/tmp/fuzz-crashes")
    p.add_argument("--replay", type=Path, help="evaluate one saved case alone in a child; exit 1 if it crashes")
    p.add_argument("--shrink", type=Path, help="minimise a saved crashing case; writes <file>.min.json")
    args = p.parse_args(argv)
    REGISTRY = Registry.load()
    if args.replay or args.shrink:
        case = json.loads((args.replay or args.shrink).read_text())
        case = {k: v for k, v in case.items() if k in ("facts", "stage", "judge", "as_of", "regimes", "seed", "raw")}
        if args.replay:
            code, stats = replay(case, oracle=not args.no_oracle)
            print(json.dumps({"exit": code, "stats": stats}, ensure_ascii=False))
            return 1 if code is None or code < 0 else 0
        if not crashes(case):
            print("the case does not crash alone", file=sys.stderr)
            return 0
        small = shrink(case)
        target = args.shrink.with_suffix(".min.json")
        target.write_text(json.dumps(small, ensure_ascii=False, indent=1), encoding="utf-8")
        print(json.dumps(small, ensure_ascii=False))
        return 1
    CONSTANTS = mined_constants(REGISTRY)
    summary = hunt(args)
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 1 if summary["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
