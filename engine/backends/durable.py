"""The only module that knows durable-rules exists (see shared/notes/durable-rules.md).

Translation. Each rule becomes up to three engine rules over one pattern each:
`<n>.p` fires when `when` is definitely true and `check` definitely true (pass),
`<n>.f` when `when` is definitely true and `check` definitely false (fail),
`<n>.n` when `when` is definitely false (not applicable). "Definitely" is Kleene
three-valued logic: a comparison on an absent field is neither true nor false, so if
none of the three fires the outcome is `missing`. Every pattern tests `kind`, so no
pattern can match the engine's own state fact.

Facts. One engine fact per subject instance, holding only the fields the ruleset
reads (the 255-property limit), with dates as ordinal days and text lengths, list
counts and month offsets precomputed (the engine has no such functions).

Calls. The low-level `durable_rules_engine` C API only (no Host, no durable.lang);
a fresh sid per evaluation, deleted in `finally`; a guard fact that always fires so
`delete_state` never meets a state where nothing fired; evaluations in flight per
ruleset bounded well below the engine's 1024 live states.

Facts text. The engine's JSON reader stops at the first fact it cannot parse and still reports
success: the unread facts are silently not asserted and, if it was the first fact, the state
handle it returns is uninitialised memory, which segfaults the next call. Python writes some
floats in a form that reader cannot parse (`1e-05`: an exponent with no fraction), so
`_engine_json` rewrites those; and the guard fact goes first (the state handle always comes
from a fact that parses) with an end marker last that must fire, so that any other text the
engine cannot read is a refused evaluation (EngineError), never a crash or a silent `missing`.
The text is written by orjson (≈ 10× json.dumps; compact, so a fired action's echo of its fact reads
`{"id":"<key>"`); json.dumps with the same compact separators writes what orjson refuses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, assert_never

import durable_rules_engine as _dre
import orjson

from engine.backends.reference import derived_value
from engine.errors import CompileError, EngineError
from engine.policy.conditions import (
    All,
    AnyOf,
    Cmp,
    Cond,
    Contains,
    Exists,
    Field,
    Not,
    Quant,
    Ref,
    add_months,
    canonical_place,
    fields_of,
    get_path,
)
from engine.policy.model import Regime, Rule

log = logging.getLogger("regimes.durable")

MAX_IN_FLIGHT = 512  # live sids per ruleset; the engine's hard limit is 1024
MAX_CONDITIONS_PER_PATTERN = 60  # the engine fails on assert above 64 on one fact at one point
MAX_CONDITIONS_PER_KIND = 400  # above ~512 under one shared condition create_ruleset never returns
MAX_FACT_PROPERTIES = 240  # the engine's limit is 255 properties per fact, nested leaves included
# One fact matched by 64 or more engine rules aborts the process in delete_state (free(): invalid size; measured:
# 63 ran, 64 crashed). Each policy rule fires at most one of its pass/fail/n.a. variants per fact.
MAX_RULES_PER_KIND = 60
CMP = {"eq": None, "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
NEG = {"eq": "$neq", "lt": "$gte", "le": "$gt", "gt": "$lte", "ge": "$lt"}
GUARD_KIND = "__guard__"
NEVER_KIND = "__never__"  # no fact has this kind: a pattern branch that cannot match


def _ordinal(value: Any) -> Any:
    return value.toordinal() if isinstance(value, dt.date) else value


@dataclass
class _KindPlan:
    """What the engine fact of one instance kind must carry."""
    paths: set[tuple[str, ...]] = field(default_factory=set)  # plain fields, relative to the instance
    # one projected copy of a list of objects per quantifier: key -> (list path, item fields it reads)
    item_lists: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = field(default_factory=dict)
    derived: dict[str, tuple[Field, int]] = field(default_factory=dict)  # key -> (field, months to add)
    dates: set[tuple[str, ...]] = field(default_factory=set)
    places: set[tuple[str, ...]] = field(default_factory=set)


def _key(path: tuple[str, ...]) -> str:
    return "__".join(path)


class _Translator:
    def __init__(self, rule: Rule, plan: _KindPlan):
        self.rule = rule
        self.plan = plan
        self.count = 0

    def fail(self, message: str) -> CompileError:
        return CompileError(f"规则 {self.rule.id}（第 {self.rule.line} 行）：{message}")

    def leaf(self, expr: dict) -> dict:
        self.count += 1
        return expr

    def ref(self, f: Field, item: bool, months: int = 0) -> str:
        if item:
            if f.fn or months:
                raise self.fail("列表项内的条件不支持文本长度、计数或按月推算（引擎限制）")
            return "$i." + ".".join(f.path)
        if f.fn or months:
            name = f"{f.fn or 'm'}{months if months else ''}__{_key(f.path)}".replace("-", "_")
            if f.where is not None:  # one derived number per distinct `where`
                name += "__" + hashlib.sha1(repr(f.where).encode()).hexdigest()[:10]
            self.plan.derived[name] = (f, months)
            return "d." + name
        self.plan.paths.add(f.path)
        if f.type == "date":
            self.plan.dates.add(f.path)
        if f.path[-1] in ("province", "city", "county", "region"):
            self.plan.places.add(f.path)
        return "v." + ".".join(f.path)

    def item_list(self, lst: Field, inner: Cond) -> str:
        """Engine key of a copy of the list holding only the fields this quantifier reads.

        Inside $iall/$iany durable-rules 2.0.28 honours only the $or branch that tests an
        item's last property, so items must carry nothing but the fields being tested."""
        wanted = tuple(sorted({f.path for f, _ in fields_of(inner)}))
        key = f"q{len(self.plan.item_lists)}__{_key(lst.path)}"
        for existing, spec in self.plan.item_lists.items():
            if spec == (lst.path, wanted):
                return "q." + existing
        self.plan.item_lists[key] = (lst.path, wanted)
        return "q." + key

    def truth(self, c: Cond, want: bool, item: bool = False) -> dict:
        """Engine expression that holds when `c` is definitely `want`."""
        if isinstance(c, Not):
            return self.truth(c.item, not want, item)
        if isinstance(c, All | AnyOf):
            parts = [self.truth(x, want, item) for x in c.items]
            conj = isinstance(c, All) == want
            return {"$and" if conj else "$or": parts}
        if isinstance(c, Exists):
            if not want and not c.strict:
                return {"kind": NEVER_KIND}  # `provided` is never definitely false: absent means missing
            # blank text never reaches the engine (engine_fact leaves it out, as get_path reads it as absent)
            return self.leaf({"$ex" if want else "$nex": {self.ref(c.field, item): 1}})
        if isinstance(c, Contains):
            key = self.ref(c.field, item)
            if want:
                return self.leaf({"$iany": {key: {"$i": _ordinal(c.value)}}})
            # the derived count exists only when the list does, so no separate $ex is needed;
            # keeping this a flat $or matters: an $or of 7+ branches that each hold an $or
            # makes create_ruleset fail (error 113)
            count = self.count_ref(c.field, item)
            return {"$or": [self.leaf({count: 0}), self.leaf({"$iall": {key: {"$neq": {"$i": _ordinal(c.value)}}}})]}
        if isinstance(c, Cmp):
            return self.compare(c, want, item)
        if isinstance(c, Quant):
            if item:
                raise self.fail("不支持嵌套的 every/some/none")
            key = self.item_list(c.field, c.cond)
            every = c.kind == "every"
            inner = _flatten(self.truth(c.cond, want, item=True))
            if every == want:  # every/true or some/false: all items agree, or the list is empty
                # CNF, one $iall per clause: iall(a and b) == iall(a) and iall(b)
                clauses = _normal(inner, "$and", "$or")
                for clause in clauses:
                    if len({_item_field(leaf) for leaf in clause}) > 1:
                        raise self.fail("列表条件中“任一满足”跨越多个字段（如 every 下的 any、none 下的 all），"
                                        "规则引擎对此判断不可靠；请改写，例如拆成几条规则")
                alls = [self.leaf({"$iall": {key: _join("$or", clause)}}) for clause in clauses]
                return {"$or": [self.leaf({self.count_ref(c.field, False): 0}), _join("$and", alls)]}
            # every/false or some/true: some item has the wanted truth value. DNF, one $iany per
            # conjunction: an $or inside $iany misfires in durable-rules 2.0.28 (tests/test_adapter.py)
            return _join("$or", [self.leaf({"$iany": {key: _join("$and", conj)}})
                                 for conj in _normal(inner, "$or", "$and")])
        assert_never(c)  # a new condition kind fails type checking here until it is translated

    def count_ref(self, f: Field, item: bool) -> str:
        return self.ref(Field(f.path, "count", "number"), item)

    def compare(self, c: Cmp, want: bool, item: bool) -> dict:
        left = self.ref(c.left, item)
        guards: list[dict] = []
        if isinstance(c.right, Ref):
            r = c.right
            rkey = self.ref(r.field, item, r.months)
            guards.append(self.leaf({"$ex": {rkey: 1}}))
            value: Any = {"$m": rkey}
            if r.days:
                value = {"$add" if r.days > 0 else "$sub": {"$l": value, "$r": abs(r.days)}}
        else:
            value = c.right.value
        if c.op == "in":
            values = [_ordinal(v) for v in value]
            if want:
                return {"$or": [self.leaf({left: v}) for v in values]}
            return {"$and": [self.leaf({"$ex": {left: 1}})] + [self.leaf({"$neq": {left: v}}) for v in values]}
        value = _ordinal(value)
        if want:
            test = {left: value} if c.op == "eq" else {CMP[c.op]: {left: value}}
            parts = guards + [self.leaf(test)]
        else:
            parts = guards + [self.leaf({"$ex": {left: 1}}), self.leaf({NEG[c.op]: {left: value}})]
        return parts[0] if len(parts) == 1 else {"$and": parts}


def _item_field(leaf: dict) -> str:
    """The `$i.` field a leaf inside a list quantifier tests."""
    text = json.dumps(leaf)
    start = text.find('"$i.')
    return text[start:text.find('"', start + 1)] if start >= 0 else "$i"


def _join(op: str, items: list[dict]) -> dict:
    return items[0] if len(items) == 1 else {op: items}


def _normal(expr: dict, outer: str, inner: str) -> list[list[dict]]:
    """DNF (outer=$or, inner=$and) or CNF (outer=$and, inner=$or) of an engine expression."""
    if outer in expr:
        return [group for sub in expr[outer] for group in _normal(sub, outer, inner)]
    if inner in expr:
        groups: list[list[dict]] = [[]]
        for sub in expr[inner]:
            groups = [g + h for g in groups for h in _normal(sub, outer, inner)]
            if len(groups) > MAX_CONDITIONS_PER_PATTERN:
                raise CompileError("列表条件展开后过大，请拆分规则")
        return groups
    return [[expr]]


def _flatten(expr: dict) -> dict:
    """Merge nested $and/$or of the same kind: fewer network nodes for the same test."""
    for op in ("$and", "$or"):
        if op in expr:
            items: list[dict] = []
            for sub in expr[op]:
                sub = _flatten(sub)
                items.extend(sub[op] if op in sub else [sub])
            return items[0] if len(items) == 1 else {op: items}
    return expr


class CompiledRuleset:
    """A regime compiled into one durable-rules ruleset, named by its content hash.

    Lifecycle: a ruleset lives in `_registry` until it is freed. `retain` pins the rulesets of a registry being
    served and `release` unpins them once no request holds that registry (service/state.py); an unpinned ruleset
    is freed (`delete_ruleset`) at once, or by the last evaluation still in flight on it. A freed ruleset is never
    used: an evaluation that looked it up just before finds its handle gone and compiles the regime again.
    Rulesets never pinned (decision snapshots being replayed, the command line) stay, as before.
    """

    _registry: dict[str, CompiledRuleset] = {}
    _registry_lock = threading.Lock()

    def __init__(self, regime: Regime):
        self.regime = regime
        self.plans: dict[str, _KindPlan] = {}
        self.definition: dict[str, Any] = {GUARD_KIND: {"all": [{"m": {"kind": GUARD_KIND}}]}}
        per_kind_conditions: dict[str, int] = {}
        per_kind_rules: dict[str, int] = {}
        for n, rule in enumerate(regime.rules):
            count = per_kind_rules[rule.instance_kind] = per_kind_rules.get(rule.instance_kind, 0) + 1
            if count > MAX_RULES_PER_KIND:
                raise CompileError(f"规则 {rule.id}（第 {rule.line} 行）：主体 {rule.instance_kind} 的规则数至此达到 "
                                   f"{count}，超过引擎安全上限 {MAX_RULES_PER_KIND}（同一事实触发 64 条以上规则会使规则引擎"
                                   "崩溃），请拆分规则集或合并规则")
            plan = self.plans.setdefault(rule.instance_kind, _KindPlan())
            tr = _Translator(rule, plan)
            kind_test = {"kind": rule.instance_kind}
            variants: dict[str, list[dict]] = {}
            if rule.when is not None:
                wt, wf = tr.truth(rule.when, True), tr.truth(rule.when, False)
                variants["p"] = [kind_test, wt, tr.truth(rule.check, True)]
                variants["f"] = [kind_test, wt, tr.truth(rule.check, False)]
                variants["n"] = [kind_test, wf]
            else:
                variants["p"] = [kind_test, tr.truth(rule.check, True)]
                variants["f"] = [kind_test, tr.truth(rule.check, False)]
            for suffix, parts in variants.items():
                expr = _flatten({"$and": parts})
                size = _size(expr)
                if size > MAX_CONDITIONS_PER_PATTERN:
                    raise tr.fail(f"条件过多（{size} 个，引擎上限约 64 个），请拆分为几条规则")
                total = per_kind_conditions[rule.instance_kind] = per_kind_conditions.get(rule.instance_kind, 0) + size
                if total > MAX_CONDITIONS_PER_KIND:  # checked as we go, so the message can name the rule
                    raise tr.fail(f"主体 {rule.instance_kind} 的条件总数至此达到 {total}，超过引擎安全上限 "
                                  f"{MAX_CONDITIONS_PER_KIND}（再多会使规则引擎停止响应），请精简或拆分规则集")
                self.definition[f"{n}.{suffix}"] = {"all": [{"m": expr}]}
        for kind, plan in self.plans.items():
            props = len(plan.paths) + len(plan.derived) + len(plan.item_lists) + 3
            if props > MAX_FACT_PROPERTIES:
                raise CompileError(f"规则集 {regime.id} 的主体 {kind} 需读取 {props} 个字段，超过引擎上限")
        self.name = "r" + regime.hash.split(":")[-1][:32]
        names = {"p": "pass", "f": "fail", "n": "not_applicable"}
        self._rule_outcomes: dict[str, tuple[int, str]] = {
            name: (int(name.partition(".")[0]), names[name.partition(".")[2]])
            for name in self.definition if name != GUARD_KIND}
        self._projections: dict[str, _Projection] = {}
        self._slots = threading.BoundedSemaphore(MAX_IN_FLIGHT)
        self._state_lock = threading.Lock()  # guards _handle against _in_flight: never freed under an evaluation
        self._in_flight = 0
        self._pins = 0  # registries being served that hold this ruleset (retain/release)
        self._retired = False  # unpinned: free once the evaluations in flight end
        self._handle: int | None = self._create()

    def _create(self) -> int:
        with self._registry_lock:
            existing = self._registry.get(self.name)
            if existing is not None and existing._handle is not None:  # only on a 128-bit name collision
                return existing._handle
            text = _readable(json.dumps(self.definition, ensure_ascii=False))
            try:
                handle = _create_ruleset(self.name, text)
            except Exception as exc:  # the C extension raises bare Exceptions with C error codes
                raise CompileError(self._culprit(exc)) from None
            self._registry[self.name] = self
            return handle

    def _culprit(self, exc: Exception) -> str:
        """Name the rule the engine refused, by compiling each rule alone (error path only)."""
        guard = {GUARD_KIND: self.definition[GUARD_KIND]}
        for name, body in self.definition.items():
            if name == GUARD_KIND:
                continue
            trial = f"{self.name}_trial_{name.replace('.', '_')}"
            try:
                _dre.delete_ruleset(_dre.create_ruleset(trial, _readable(json.dumps({**guard, name: body},
                                                                                      ensure_ascii=False))))
            except Exception:
                rule = self.regime.rules[int(name.split(".")[0])]
                return (f"规则 {rule.id}（第 {rule.line} 行）超出规则引擎的能力（{exc}）：条件嵌套过深，"
                        "例如 any 下有 7 个以上各含 any 的 all；请拆分为几条规则")
        return f"规则集 {self.regime.id} 无法编译（{exc}）"

    # ---------------------------------------------------------------- facts

    def _projection(self, kind: str) -> _Projection | None:
        """The precomputed reading plan of one kind (built on first use; plans are final once compiled)."""
        proj = self._projections.get(kind)
        if proj is None and kind in self.plans:
            proj = self._projections[kind] = _Projection(self.plans[kind])
        return proj

    def engine_fact(self, kind: str, key: int, data: dict) -> dict:
        # "id" comes first: the engine hands each matched fact back as the text it was given, so a
        # fired action reads `{"<rule>":{"m":{"id":"<key>",...` and run() can take the id from the front
        fact: dict[str, Any] = {"id": str(key), "kind": kind}
        proj = self._projection(kind)
        if proj is None:
            return fact
        values: dict[str, Any] = {}
        value: Any
        for path, head, conv in proj.paths:
            value = data.get(head) if path is None else get_path(data, path)
            if value is None or (value.__class__ is str and (not value or value.isspace())):  # as get_path
                continue
            if conv == _DATE:
                value = dt.date.fromisoformat(value).toordinal()
            elif conv == _PLACE and isinstance(value, str):
                value = canonical_place(value)
            if path is None:
                values[head] = value
            else:
                _put(values, path, value)
        lists: dict[str, Any] = {}
        for list_key, lst_path, wanted in proj.item_lists:
            items = get_path(data, lst_path)
            if not isinstance(items, list):
                continue
            projected = []
            for item in items:
                row: dict[str, Any] = {}
                for p, place in wanted:
                    v = get_path(item, p)
                    if v is not None:
                        if place and isinstance(v, str):
                            v = canonical_place(v)
                        _put(row, p, v)
                projected.append(row)
            lists[list_key] = projected
        derived: dict[str, Any] = {}
        for name, f, months in proj.derived:
            value = get_path(data, f.path)
            if value is None:
                continue
            if f.fn is not None:  # lengths, counts, count/share of matching items: the engine has no such functions
                number = derived_value(f, value)
                if number is not None:
                    derived[name] = number
            else:
                derived[name] = add_months(dt.date.fromisoformat(value), months).toordinal()
        fact["v"] = values
        fact["d"] = derived
        fact["q"] = lists
        return fact

    # ---------------------------------------------------------------- evaluation

    def run(self, instances: Iterable[tuple[str, int, dict]]) -> dict[tuple[int, int], str]:
        """Evaluate instances (kind, key, data); returns {(rule index, key): pass|fail|not_applicable}."""
        sid = uuid.uuid4().hex
        engine_fact = self.engine_fact
        facts = [{"id": "guard", "kind": GUARD_KIND}]  # first: the state handle comes from a fact that parses
        facts.extend(engine_fact(kind, key, data) for kind, key, data in instances)
        facts.append({"id": _END_ID, "kind": GUARD_KIND})  # last: it fires only if the engine read every fact
        for fact in facts:
            fact["sid"] = sid
        payload = _engine_json(facts)
        ruleset = self
        while True:
            outcomes = ruleset._evaluate(sid, payload)
            if outcomes is not None:
                return outcomes
            ruleset = compile_ruleset(self.regime)  # freed since the caller looked it up: compile it again

    def _evaluate(self, sid: str, payload: str) -> dict[tuple[int, int], str] | None:
        """Outcomes of the asserted facts; None if this ruleset has been freed (the caller recompiles)."""
        if not self._slots.acquire(timeout=30):
            raise EngineError("规则引擎繁忙，请稍后重试")
        with self._state_lock:
            handle = self._handle
            if handle is not None:
                self._in_flight += 1
        if handle is None:
            self._slots.release()
            return None
        outcomes: dict[tuple[int, int], str] = {}
        rules = self._rule_outcomes
        read_all = False  # the end marker fired
        try:
            try:
                _, state = _dre.assert_facts(handle, payload)
            except Exception as exc:
                raise EngineError(f"规则引擎拒绝了这些事实：{exc}") from None
            result = _dre.start_action_for_state(handle, state)
            text = result[1] if result else None
            complete = _dre.complete_and_start_action
            mid, skip = _FIRED_MID, len(_FIRED_MID)
            while text:
                end = text.find('"', 2)
                if text.startswith(mid, end) and text.startswith('{"'):  # _fired's fast path, inlined (hot loop)
                    start = end + skip
                    rule = rules.get(text[2:end])
                    if rule is not None:
                        outcomes[(rule[0], int(text[start:text.find('"', start)]))] = rule[1]
                    elif text.startswith(_END_MARK, start):
                        read_all = True
                else:
                    for name, fact_id in _fired(text):
                        rule = rules.get(name)
                        if rule is not None:
                            outcomes[(rule[0], int(fact_id))] = rule[1]
                        elif name == GUARD_KIND and fact_id == _END_ID:
                            read_all = True
                text = complete(handle, state)
            if not read_all:
                raise EngineError("规则引擎未能读取全部事实（其 JSON 解析器不接受其中某个值），已拒绝判定")
        finally:
            try:
                _dre.delete_state(handle, sid)
            except Exception:  # a state the engine refused may not exist; keep the original error
                pass
            finally:
                with self._state_lock:
                    self._in_flight -= 1
                    last_out = self._retired and not self._in_flight
                self._slots.release()
                if last_out:
                    self._free()
                if _released:
                    _release_pending()
        return outcomes

    def _free(self) -> None:
        """Delete the engine ruleset now if it is unpinned and no evaluation is in flight on it (else the last
        evaluation to end does it). Lock order: registry, then state."""
        with self._registry_lock:
            with self._state_lock:
                if self._pins or self._in_flight or self._handle is None:
                    return
                handle, self._handle = self._handle, None
            if self._registry.get(self.name) is self:
                del self._registry[self.name]
        _dre.delete_ruleset(handle)


# create_ruleset once answered "error code: 102" (ERR_PARSE_STRING) for a definition it compiled at every other
# try, in one full test run out of four, after hundreds of rulesets created and deleted in that process; not
# reproduced alone. Our definitions are json.dumps output, so a JSON parse error (101–105) is the engine's, not
# the policy's: try again before calling the policy uncompilable.
_TRANSIENT = re.compile(r"error code: 10[1-5]\b")
CREATE_ATTEMPTS = 3


def _create_ruleset(name: str, text: str) -> int:
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return int(_dre.create_ruleset(name, text))
        except Exception as exc:
            if attempt == CREATE_ATTEMPTS or not _TRANSIENT.search(str(exc)):
                raise
            log.warning("规则引擎创建规则集 %s 时报告解析错误（%s），重试第 %d 次", name, exc, attempt)
    raise AssertionError("unreachable")


_PLAIN, _DATE, _PLACE = 0, 1, 2
_FIRED_MID = '":{"m":{"id":"'  # `_engine_json` writes compact JSON; the engine echoes each fact's text as given
_END_ID = "end"  # id of the last fact of every evaluation
_END_MARK = _END_ID + '"'  # how that id reads where a fired action's text gives the fact id
# durable-rules reads an exponent only after a fraction (json.c getNumber): `1e-05` stops at the `e`.
# Python writes a float so when its repr needs an exponent but no fraction digit (below 1e-4 or from 1e16).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?e[-+]\d+')


def _with_fraction(match: re.Match[str]) -> str:
    token = match.group(0)
    if token[0] == '"' or "." in token:  # a string (kept as it is), or a number the engine reads
        return token
    mantissa, _, exponent = token.partition("e")
    return f"{mantissa}.0e{exponent}"


def _engine_json(facts: list[dict[str, Any]]) -> str:
    """The facts as JSON text that durable-rules' own parser reads in full (see the module docstring)."""
    try:
        raw = orjson.dumps(facts, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS)
    except TypeError:  # orjson's refusals: an int beyond 64 bits, a lone surrogate, a non-str key, a date
        raw = None
    if raw is None or b"null" in raw:  # orjson writes NaN and ±Infinity as null: json.dumps tells them apart
        try:
            text = json.dumps(facts, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except ValueError:  # NaN / Infinity (validated facts have none): the engine cannot read Infinity
            raise EngineError("事实中含有非有限数值（NaN 或无穷大），规则引擎无法判定") from None
        return _readable(text)
    # searched in the bytes: 2-5× cheaper than in the decoded text, which Chinese makes 2 bytes per character
    if raw.find(b"e-") < 0 and raw.find(b"e+") < 0:
        return raw.decode()
    return _TOKEN.sub(_with_fraction, raw.decode())


def _readable(text: str) -> str:
    """JSON text with every exponent number given a fraction (`1e-05` → `1.0e-05`), strings untouched: the form
    durable-rules' parser reads, for facts and for ruleset definitions (a threshold of 0.00001) alike."""
    if "e-" in text or "e+" in text:  # rare (Python writes every exponent with a sign): skip the pass otherwise
        text = _TOKEN.sub(_with_fraction, text)
    return text


class _Projection:
    """A _KindPlan laid out for engine_fact: lists to walk instead of sets to test, per field."""

    def __init__(self, plan: _KindPlan):
        self.paths: list[tuple[tuple[str, ...] | None, str, int]] = []
        for path in plan.paths:  # the set's own order, so each fact's text is what it always was
            conv = _DATE if path in plan.dates else _PLACE if path in plan.places else _PLAIN
            self.paths.append((None, path[0], conv) if len(path) == 1 else (path, path[0], conv))
        self.item_lists = [(key, lst_path, tuple((p, p[-1] in ("province", "city", "county")) for p in wanted))
                           for key, (lst_path, wanted) in plan.item_lists.items()]
        self.derived = [(name, f, months) for name, (f, months) in plan.derived.items()]


def _fired(text: str) -> list[tuple[str, str]]:
    """(engine rule name, fact id) of one fired action, `{"<rule>":{"m":{"id":"<id>",...}}}`.

    The engine returns the matched fact as the JSON text it was asserted with, and engine_fact puts
    `id` first, so the front of the text is enough; anything else is parsed in full."""
    end = text.find('"', 2)
    if text.startswith('{"', 0) and text.startswith(_FIRED_MID, end):
        start = end + len(_FIRED_MID)
        stop = text.find('"', start)
        if stop > start:
            return [(text[2:end], text[start:stop])]
    return [(name, str(match["m"]["id"])) for name, match in json.loads(text).items()]


def _size(expr: Any) -> int:
    if isinstance(expr, dict):
        if "$and" in expr or "$or" in expr:
            return sum(_size(x) for x in (expr.get("$and") or expr.get("$or") or []))
        if "$iall" in expr or "$iany" in expr:
            inner = next(iter((expr.get("$iall") or expr.get("$iany") or {}).values()))
            return 1 + (_size(inner) if isinstance(inner, dict) and ("$and" in inner or "$or" in inner) else 0)
        return 1
    return 1


def _put(target: dict, path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


_compile_lock = threading.Lock()  # one compile at a time, so two callers never make two rulesets of one name


def _name(regime: Regime) -> str:
    return "r" + regime.hash.split(":")[-1][:32]


def compile_ruleset(regime: Regime) -> CompiledRuleset:
    """Compile (or reuse, by content hash) the engine ruleset of a regime; a freed one is compiled again."""
    existing = CompiledRuleset._registry.get(_name(regime))
    if existing is not None and existing.regime.hash == regime.hash:
        return existing
    with _compile_lock:
        existing = CompiledRuleset._registry.get(_name(regime))
        if existing is not None and existing.regime.hash == regime.hash:
            return existing
        return CompiledRuleset(regime)


def retain(regimes: Iterable[Regime]) -> list[str]:
    """Pin the compiled rulesets of `regimes` (a registry about to be served) so that they are not freed,
    compiling any not (or no longer) resident; returns the names to give to `release` once no request holds
    that registry. A regime the engine refuses is skipped (a loaded Registry holds none)."""
    _release_pending()
    names = []
    for regime in regimes:
        while True:
            try:
                ruleset = compile_ruleset(regime)
            except CompileError:
                break
            with CompiledRuleset._registry_lock:
                if ruleset._handle is not None and CompiledRuleset._registry.get(ruleset.name) is ruleset:
                    ruleset._pins += 1
                    ruleset._retired = False
                    names.append(ruleset.name)
                    break
            # freed between compile and pin: compile again
    return names


_released: list[list[str]] = []  # names released by finalizers, freed at the next safe point


def release_later(names: list[str]) -> None:
    """`release`, deferred: safe from a weakref finaliser or the garbage collector, which may run in any thread
    at any allocation, even one holding the registry lock. Done at the next evaluation's end or `retain`."""
    _released.append(names)


def _release_pending() -> None:
    while _released:
        try:
            names = _released.pop()
        except IndexError:  # another thread took the last one
            return
        release(names)


def release(names: list[str]) -> None:
    """Unpin rulesets pinned by `retain`; each one no longer pinned is freed once no evaluation is in flight."""
    for name in names:
        with CompiledRuleset._registry_lock:
            ruleset = CompiledRuleset._registry.get(name)
            if ruleset is None or ruleset._pins <= 0:
                continue
            ruleset._pins -= 1
            if ruleset._pins:
                continue
            ruleset._retired = True
        ruleset._free()


def live_rulesets() -> int:
    """Compiled rulesets resident in this process (for /healthz-style reports and the lifecycle test)."""
    _release_pending()
    return len(CompiledRuleset._registry)


def live_states() -> int:
    """Evaluations currently holding an engine state, over all rulesets (for soak reports)."""
    _release_pending()  # /healthz calls this: a safe point for releases queued by finalisers
    return sum(MAX_IN_FLIGHT - rs._slots._value for rs in list(CompiledRuleset._registry.values()))
