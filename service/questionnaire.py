"""The pre-check questionnaire, generated from a regime's rules, and the lossless form ⇄ facts codec.

Every form control is named by its fact path (`project.budget.requested_support_wan`, `experts.0.title`,
`project.locations.1.province`) and has the id `field-<name>`. The codec covers every field of the facts
schema, so a facts document becomes form values and back without loss; the questionnaire decides which of them
are asked: every fact a rule judged at the chosen stage reads (its `when`, its `check`, its due date), grouped
by subject and by the notice's own sections. Whatever else the form holds rides along as hidden inputs (listed
in a details view), so switching regime or stage never drops an answer. A new field or regime needs no template
edit: labels come from the schema (`title` / `description`) and engine.vocabulary.

Explicit answers: a yes/no question is 未填 / 是 / 否; a multiple choice has a “无” box of its own (`__none__`,
the empty list) distinct from no box ticked (absent); a list of rows has a 无 choice (`list.<id>` = `none`,
the empty list) distinct from leaving every row empty (absent).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.backends.reference import truth
from engine.compare import core as comparison
from engine.evaluate import subject_instances
from engine.facts import facts_schema
from engine.policy.conditions import TEAM_READERS, Ref, fields_of
from engine.policy.model import STAGE_RANK, SUBJECT_PREFIX, Regime, Rule
from engine.vocabulary import LABELS, SEVERITY_TEXT

MAX_ROWS = 200  # schema maxItems is 200 for places and units; the 1 MiB body limit bounds the rest
NONE = "__none__"  # the “无” box of a multiple choice: the empty list, not “not given”
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
BOOL_OPTIONS = (("", "未填"), ("true", "是"), ("false", "否"))
LIST_CHOICES = (("", "见下方各行（各行都不填视为未填）"), ("none", "无"))
CONTROL_NAMES = frozenset({"region", "as_of", "regime", "stage", "judge", "action", "csrf_token", "facts_file"})

# How one row of a list is called ("专家 2"); a list not named here is called by its schema label.
ROW_LABELS = {"experts": "专家", "project.locations": "地点", "project.served_units": "单位",
              "project.expenses": "支出", "project.venues": "场所", "listing.entries": "条目"}
PART_TITLES = {"project": "项目", "experts": "专家", "base": "专家服务基地", "locality": "市县年度任务",
               "listing": "推荐一览表", "secondment": "跟岗锻炼"}


# ---------------------------------------------------------------- the facts schema as form controls

@dataclass(frozen=True)
class Leaf:
    """One fact field of the schema as a form control."""

    pattern: str  # "project.budget.total_wan", "experts.*.title" (`*` is the row)
    label: str
    kind: str  # text | textarea | integer | number | date | bool | enum | multi
    unit: str = ""
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    order: int = 0

    @property
    def list_id(self) -> str:
        return self.pattern.rsplit(".*.", 1)[0] if ".*." in self.pattern else ""

    @property
    def key(self) -> str:
        return self.pattern.rsplit(".*.", 1)[1] if ".*." in self.pattern else self.pattern.split(".", 1)[1]

    @property
    def subject(self) -> str:
        return self.pattern.split(".", 1)[0]

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        return BOOL_OPTIONS if self.kind == "bool" else self.options

    def name(self, row: int | None = None) -> str:
        return self.pattern.replace("*", str(row)) if row is not None else self.pattern


@dataclass(frozen=True)
class ListSpec:
    """A list of objects (rows on the form): `project.locations`, `experts`, `listing.entries`."""

    id: str
    label: str
    row_label: str
    identity: tuple[str, ...]  # item keys always asked, so a row can be told apart and counted
    order: int = 0

    @property
    def subject(self) -> str:
        return self.id.split(".", 1)[0]


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], str]:
    ref = node.get("$ref", "")
    if not ref:
        return node, ""
    name = ref.rsplit("/", 1)[1]
    return {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}, name


def _kind(node: dict[str, Any], ref: str) -> str:
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "array":
        return "multi"
    if kind in ("boolean", "integer", "number"):
        return {"boolean": "bool"}.get(kind, kind)
    if "enum" in node:
        return "enum"
    if node.get("format") == "date" or ref == "date":
        return "date"
    return "textarea" if ref == "long_text" else "text"


def _described_options(description: str) -> dict[str, str]:
    """`level：national 国家级 / provincial 省级` → {national: 国家级, …}: labels for codes not in the vocabulary."""
    text = description.split("：", 1)[1] if "：" in description else ""
    out = {}
    for part in re.split(r"\s*/\s*", text):
        match = re.match(r"^([a-z_0-9]+)\s+(.+)$", part.strip())
        if match:
            out[match.group(1)] = match.group(2).strip()
    return out


def _hint(description: str, label: str, kind: str) -> str:
    """The schema's description when it says more than the label (not for choices: their options say it)."""
    text = re.sub(r"（(YYYY-MM-DD|万元|元|可多选)）", "", description.split("：", 1)[0])
    return "" if kind in ("enum", "multi", "bool") or label in text and len(text) <= len(label) + 3 else text


def _label_key(pattern: str) -> str:
    key = pattern.replace(".*", "")
    return "expert" + key[len("experts"):] if key.startswith("experts") else key


def _label(pattern: str, node: dict[str, Any], kind: str) -> tuple[str, str]:
    key = _label_key(pattern)
    description = node.get("description", "")
    label, unit = comparison.FIELD_LABELS.get(key) or comparison.schema_label(key) or \
        (node.get("title") or re.split(r"[：（]", description)[0] or key.rsplit(".", 1)[-1], "")
    if kind == "bool" and description and (pattern.startswith("experts.") or ".locations." in pattern):
        label = re.split(r"[：（]", description)[0]  # the question reads better than the short column label
    return label, "" if kind == "textarea" else unit


def _walk(schema: dict[str, Any]) -> tuple[dict[str, Leaf], dict[str, ListSpec]]:
    defs = schema.get("$defs", {})
    leaves: dict[str, Leaf] = {}
    lists: dict[str, ListSpec] = {}

    def visit(node: dict[str, Any], pattern: str) -> None:
        node, ref = _resolve(node, defs)
        items = node.get("items", {})
        items, _ = _resolve(items, defs) if isinstance(items, dict) else ({}, "")
        if node.get("type") == "object" or "properties" in node:
            for key, child in node.get("properties", {}).items():
                visit(child, f"{pattern}.{key}" if pattern else key)
            return
        if node.get("type") == "array" and (items.get("type") == "object" or "properties" in items):
            label = comparison.FIELD_LABELS.get(_label_key(pattern), ("", ""))[0] or node.get("title") or \
                re.split(r"[：（]", node.get("description", ""))[0] or pattern
            keys = tuple(items.get("properties", {}))
            identity = ("name",) if "name" in keys else tuple(k for k in keys if k.endswith("id"))[:1] or \
                tuple(k for k in keys if _kind(_resolve(items["properties"][k], defs)[0], "") == "text") or keys[:1]
            lists[pattern] = ListSpec(pattern, label, ROW_LABELS.get(pattern, label), identity, len(lists))
            for key, child in items.get("properties", {}).items():
                visit(child, f"{pattern}.*.{key}")
            return
        kind = _kind(node, ref)
        label, unit = _label(pattern, node, kind)
        enum = items.get("enum", []) if kind == "multi" else node.get("enum", [])
        described = _described_options(node.get("description", ""))
        options = tuple((v, LABELS.get(v) or described.get(v, v)) for v in enum)
        leaves[pattern] = Leaf(pattern, label, kind, unit, _hint(node.get("description", ""), label, kind), options,
                               len(leaves))

    visit(schema, "")
    return leaves, lists


@functools.cache
def schema_fields() -> tuple[dict[str, Leaf], dict[str, ListSpec]]:
    return _walk(facts_schema())


def leaves() -> dict[str, Leaf]:
    return schema_fields()[0]


def lists() -> dict[str, ListSpec]:
    return schema_fields()[1]


def _lists_longest_first() -> list[str]:
    return sorted(lists(), key=len, reverse=True)


def split_name(name: str) -> tuple[str, str, int | None]:
    """`experts.1.title` → ("experts.*.title", "experts", 1); `project.level` → ("project.level", "", None)."""
    for lid in _lists_longest_first():
        head = lid + "."
        if name.startswith(head):
            index, _, rest = name[len(head):].partition(".")
            if index.isdigit() and rest:
                return f"{lid}.*.{rest}", lid, int(index)
    return name, "", None


def leaf_for(name: str) -> Leaf | None:
    return leaves().get(split_name(name)[0])


# ---------------------------------------------------------------- form state

@dataclass
class FormState:
    """What the user typed, exactly: field name → text (or list of ticked values), plus row counts."""

    values: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    focus: str = ""  # the field to put the cursor in after adding or removing a row

    def get(self, name: str) -> Any:
        return self.values.get(name, "")

    def checked(self, name: str, value: str) -> bool:
        current = self.values.get(name, [])
        return value in current if isinstance(current, list) else current == value

    def row_count(self, lid: str) -> int:
        return self.rows.get(lid, 1)


@dataclass
class Errors:
    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str | None, message: str) -> None:
        if name:
            self.fields.setdefault(name, []).append(message)
        else:
            self.general.append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


def _clamp(text: str, default: int) -> int:
    try:
        return max(0, min(MAX_ROWS, int(text)))
    except ValueError:
        return default


def _one_line(text: str) -> str:
    return text.replace("\r\n", "\n")  # browsers post line breaks as CRLF; the facts keep LF


def state_from_pairs(pairs: Iterable[tuple[str, str]]) -> FormState:
    """The form state of posted (name, value) pairs: every leaf of the schema, the list choices, the row counts."""
    state = FormState()
    posted_rows: dict[str, str] = {}
    orders: dict[str, str] = {}
    for name, value in pairs:
        if name.startswith("rows."):
            posted_rows[name[5:]] = value
            continue
        if name.startswith("order."):  # the order a multiple choice had in the facts (boxes post in page order)
            orders.setdefault(name[6:], value)
            continue
        if name in CONTROL_NAMES and name not in ("region", "as_of", "regime", "stage", "judge"):
            continue
        leaf = leaf_for(name)
        if leaf is not None and leaf.kind == "multi":
            state.values.setdefault(name, []).append(_one_line(value))
        elif leaf is not None or name in ("region", "as_of", "regime", "stage", "judge") or \
                name.startswith("list.") and name[5:] in lists():
            state.values.setdefault(name, _one_line(value))  # a repeated single field: the first one counts
    for name, order in orders.items():
        values = state.values.get(name)
        if isinstance(values, list):
            rank = {v: i for i, v in enumerate(order.split())}
            values.sort(key=lambda v: rank.get(v, len(rank)))  # stable: boxes ticked since keep the page's order
    for lid in lists():
        seen = [i + 1 for n in state.values if (i := split_name(n)[2]) is not None and split_name(n)[1] == lid]
        state.rows[lid] = max(_clamp(posted_rows.get(lid, ""), 1), min(max(seen, default=0), MAX_ROWS))
    return state


def _row_values(state: FormState, lid: str, row: int) -> dict[str, Any]:
    head = f"{lid}.{row}."
    return {n[len(head):]: v for n, v in state.values.items() if n.startswith(head) and split_name(n)[1] == lid}


def apply_action(state: FormState, action: str) -> bool:
    """Add or remove a row (`add:experts`, `remove:experts:2`); True when the action was one of these."""
    parts = action.split(":")
    if len(parts) < 2 or parts[0] not in ("add", "remove"):
        return False
    lid = parts[1]
    if lid not in lists():
        return True
    count = state.row_count(lid)
    rows = [_row_values(state, lid, i) for i in range(count)]
    spec = lists()[lid]
    if parts[0] == "add" and count < MAX_ROWS:
        rows.append({})
        state.focus = f"{lid}.{len(rows) - 1}.{spec.identity[0]}" if spec.identity else f"add:{lid}"
        state.values.pop(f"list.{lid}", None)  # a row added means the list is not “无”
    elif parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit() and int(parts[2]) < count:
        rows.pop(int(parts[2]))
        state.focus = f"add:{lid}"
    else:
        return True
    state.values = {n: v for n, v in state.values.items() if split_name(n)[1] != lid}
    for i, row in enumerate(rows):
        state.values.update({f"{lid}.{i}.{k}": v for k, v in row.items()})
    state.rows[lid] = len(rows)
    return True


def show_value(value: Any) -> Any:
    """A fact value as the form holds it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [str(v) for v in value] or [NONE]
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else str(value)


def state_from_facts(facts: Mapping[str, Any]) -> FormState:
    """The form filled from a (validated) facts document: every value, whether or not a question asks it."""
    state = FormState(rows=dict.fromkeys(lists(), 1))

    def visit(data: Any, pattern: str, name: str) -> None:
        if pattern in lists():
            items = [i for i in data if isinstance(i, dict)] if isinstance(data, list) else []
            if isinstance(data, list) and not data:
                state.values[f"list.{pattern}"] = "none"
            state.rows[pattern] = min(len(items), MAX_ROWS) if isinstance(data, list) else 1
            for i, item in enumerate(items[:MAX_ROWS]):
                visit(item, f"{pattern}.*", f"{name}.{i}")
            return
        if pattern in leaves():
            if data is not None:
                state.values[name] = show_value(data)
            return
        if isinstance(data, dict):
            for key, value in data.items():
                visit(value, f"{pattern}.{key}" if pattern else key, f"{name}.{key}" if name else key)

    visit(dict(facts), "", "")
    return state


# ---------------------------------------------------------------- form → facts

def parse_value(leaf: Leaf, raw: Any) -> tuple[Any, str | None]:
    """(typed value, or None when empty; error text)."""
    if leaf.kind == "multi":
        values = list(dict.fromkeys(v for v in raw if v != "")) if isinstance(raw, list) else \
            ([raw] if isinstance(raw, str) and raw else [])
        if NONE in values:
            return ([], None) if values == [NONE] else (None, "“无”不能与其他选项同时勾选")
        return (values or None), None
    if isinstance(raw, list):
        raw = raw[0] if raw else ""
    text = raw if leaf.kind == "textarea" else str(raw).strip()
    if not text.strip():
        return None, None
    if leaf.kind == "bool":
        if text in ("true", "false"):
            return text == "true", None
        return None, "请选择“是”或“否”"
    if leaf.kind in ("integer", "number"):
        if not NUMBER.match(text):
            unit = f"（单位：{leaf.unit}）" if leaf.unit else ""
            return None, f"“{text}”不是数字，请只填数字{unit}"
        number = float(text)
        return (int(number) if number.is_integer() and not re.search(r"[.eE]", text) else number), None
    return text, None


def _put(target: dict[str, Any], parts: list[str], value: Any) -> None:
    *parents, last = parts
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


@dataclass
class Built:
    facts: dict[str, Any]
    rows_used: dict[str, list[int]]  # list id → form row of each fact index (empty rows are skipped)


def build_facts(state: FormState, errors: Errors) -> Built:
    """The typed facts of a form state; problems go to `errors` under the field's name."""
    facts: dict[str, Any] = {}
    rows: dict[str, dict[int, dict[str, Any]]] = {}
    for name, raw in state.values.items():
        pattern, lid, row = split_name(name)
        leaf = leaves().get(pattern)
        if leaf is None:
            continue
        value, problem = parse_value(leaf, raw)
        if problem:
            errors.add(name, problem)
        if value is None:
            continue
        if lid and row is not None:
            if row < state.row_count(lid):
                _put(rows.setdefault(lid, {}).setdefault(row, {}), leaf.key.split("."), value)
        else:
            _put(facts, pattern.split("."), value)
    used: dict[str, list[int]] = {}
    for lid in sorted(lists(), key=len):  # parents before their children (none nest today)
        items = rows.get(lid, {})
        order = sorted(i for i, item in items.items() if item)
        choice = str(state.get(f"list.{lid}") or "")
        if choice == "none":
            if order:
                errors.add(f"list.{lid}", f"已选择“无”，但下方填写了 {len(order)} 行：请删除这些行，或改选“见下方各行”")
                continue
            _put(facts, lid.split("."), [])
        elif order:
            used[lid] = order
            _put(facts, lid.split("."), [items[i] for i in order])
    return Built(facts, used)


TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def form_name(path: str, built: Built | None) -> str:
    """The form name of a fact path (`experts[1].title` → `experts.<its form row>.title`)."""
    parts: list[str] = []
    for name, index in TOKEN.findall(path):
        if name:
            parts.append(name)
            continue
        rows = (built.rows_used if built else {}).get(".".join(parts), [])
        parts.append(str(rows[int(index)] if int(index) < len(rows) else index))
    return ".".join(parts)


# ---------------------------------------------------------------- which facts a regime asks

@dataclass(frozen=True)
class Basis:
    """A rule that reads a question: what it requires, where the notice says so."""

    rule: Rule
    requirement: str  # "市级：申请经费支持 ≤ 10万元（硬性要求）"
    when: str  # "" or what makes the rule apply
    in_when_only: bool  # the question only decides whether the rule applies
    when_reads: frozenset[str] = frozenset()  # patterns the rule's `when` reads

    @property
    def severity_text(self) -> str:
        return "权益" if self.rule.kind == "entitlement" else SEVERITY_TEXT[self.rule.severity]


@dataclass
class Question:
    leaf: Leaf
    rules: list[Basis] = field(default_factory=list)
    identity: bool = False  # asked so that a row can be told apart, though no rule reads it

    @property
    def conditional(self) -> str:
        """What must hold for any rule reading this question to apply ("" when one always applies)."""
        if not self.rules or any(not b.when or b.in_when_only or self.leaf.pattern in b.when_reads
                                 for b in self.rules):
            return ""
        return " 或 ".join(dict.fromkeys(b.when for b in self.rules))


@dataclass
class RowGroup:
    spec: ListSpec
    questions: list[Question] = field(default_factory=list)
    rules: list[Basis] = field(default_factory=list)  # rules reading the list itself (count, presence)


@dataclass
class Section:
    key: str
    title: str
    items: list[Question | RowGroup] = field(default_factory=list)
    first: int = 0  # rule order of the first rule in it
    id: str = ""

    @property
    def runs(self) -> list[tuple[str, Any]]:
        """The items as the page lays them out: runs of questions in a grid, and each list on its own."""
        out: list[tuple[str, Any]] = []
        for item in self.items:
            if isinstance(item, RowGroup):
                out.append(("group", item))
            elif out and out[-1][0] == "grid":
                out[-1][1].append(item)
            else:
                out.append(("grid", [item]))
        return out


@dataclass
class Part:
    subject: str
    title: str
    sections: list[Section] = field(default_factory=list)


@dataclass
class Questionnaire:
    regime: Regime
    stage: str
    judge: str
    parts: list[Part]
    questions: dict[str, Question]  # leaf pattern → question
    groups: dict[str, RowGroup]  # list id → rows

    def asks(self, name: str) -> bool:
        if name.startswith("list."):
            return name[5:] in self.groups
        return split_name(name)[0] in self.questions

    @property
    def rule_count(self) -> int:
        return len({b.rule.id for q in self.questions.values() for b in q.rules} |
                   {b.rule.id for g in self.groups.values() for b in g.rules})


def judged_rules(regime: Regime, stage: str, judge: str) -> list[tuple[int, Rule]]:
    subjects = regime.judgements.get(judge, {}).get("subjects", ())
    return [(n, r) for n, r in enumerate(regime.rules)
            if r.subject in subjects and STAGE_RANK.get(r.stage, 0) <= STAGE_RANK.get(stage, 0)]


def _scope(rule: Rule) -> str:
    base = SUBJECT_PREFIX[rule.subject] + (".*" if rule.subject == "expert" else "")
    return f"{base}.{rule.each}.*" if rule.each else base


def _pattern(rule: Rule, path: tuple[str, ...], within: tuple[str, ...] | None) -> str:
    rel = (*within, "*", *path) if within else path
    if rule.subject in TEAM_READERS and rel and rel[0] == "experts":  # a project's own team: the document's experts
        return ".".join(("experts", *rel[1:]))
    return ".".join((_scope(rule), *rel))


def rule_reads(rule: Rule) -> list[tuple[str, bool]]:
    """Every (pattern, read only in `when`) the rule reads: its conditions and its due date."""
    out: list[tuple[str, bool]] = []
    for cond, in_when in ((rule.when, True), (rule.check, False)):
        if cond is None:
            continue
        for f, within in fields_of(cond):
            out.append((_pattern(rule, f.path, within), in_when))
    if rule.due is not None:
        out.append((_pattern(rule, rule.due.fact, None), False))
        out.extend((_pattern(rule, spec.field.path, None), False) for spec in rule.due.by if isinstance(spec, Ref))
    checked = {p for p, w in out if not w}
    return [(p, w and p not in checked) for p, w in dict.fromkeys(out)]


def _targets(pattern: str) -> tuple[list[str], list[str]]:
    """(leaf patterns, list ids) a read pattern stands for: a leaf, a list, or every leaf below an object."""
    if pattern in leaves():
        lid = leaves()[pattern].list_id
        return [pattern], [lid] if lid else []
    if pattern in lists():
        return [], [pattern]
    below = [p for p in leaves() if p.startswith(pattern + ".")]
    return below, sorted({leaves()[p].list_id for p in below if leaves()[p].list_id})


def _basis(rule: Rule, in_when_only: bool) -> Basis:
    when = ""
    reads: frozenset[str] = frozenset()
    if rule.when is not None:
        when = comparison.describe_condition(rule.when, rule.subject, rule.each)
        reads = frozenset(_pattern(rule, f.path, within) for f, within in fields_of(rule.when))
    return Basis(rule, comparison.describe_rule(rule), when, in_when_only, reads)


class _Sections:
    """Section titles in the notice's words: a clause's top-level heading found in the source text."""

    def __init__(self, regime: Regime):
        try:
            self.lines = [re.sub(r"^[#*\s]+|[*\s]+$", "", line) for line in
                          regime.source_file().read_text(encoding="utf-8").splitlines()]
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def _find(self, start: int, pattern: str) -> int | None:
        rx = re.compile(pattern)
        return next((i for i in range(start, len(self.lines)) if rx.match(self.lines[i])), None)

    def of(self, clause: str) -> tuple[str, str]:
        """(key, title) of the section a clause belongs to."""
        text = clause.split("；")[0].strip()
        annex = re.match(r"^(附件\s*\d+)\s*", text)
        start = 0
        prefix = ""
        if annex:
            prefix = re.sub(r"\s+", "", annex.group(1))
            text = text[annex.end():]
            found = self._find(0, rf"^附件\s*{re.escape(prefix[2:])}\s*$")
            if found is None:
                return prefix + " " + text, clause
            start = found
        article = re.match(r"^第[一二三四五六七八九十百]+条", text)
        if article:
            at = self._find(0, rf"^{article.group(0)}")
            chapter = next((self.lines[i] for i in range(at or 0, -1, -1) if at is not None
                            and re.match(r"^第[一二三四五六七八九十]+章", self.lines[i])), None)
            return (chapter, chapter) if chapter else (article.group(0), article.group(0))
        head = re.match(r"^([一二三四五六七八九十]+)(、|\s|（|$)", text)
        if head:
            at = self._find(start, rf"^{head.group(1)}、")
            if at is not None:
                title = re.split(r"[。：]", self.lines[at])[0][:40]
                return prefix + head.group(1), (f"{prefix} · {title}" if prefix else title)
        return prefix + text, (f"{prefix} · {text}" if prefix and text else prefix or text or clause)


def build_questionnaire(regime: Regime, stage: str, judge: str) -> Questionnaire:
    questions: dict[str, Question] = {}
    groups: dict[str, RowGroup] = {}
    first: dict[str, tuple[int, Rule]] = {}  # leaf pattern or list id → the rule that places it

    def place(key: str, n: int, rule: Rule) -> None:
        old = first.get(key)
        better = old is None or (rule.severity == "error") > (old[1].severity == "error") or \
            (rule.severity == "error") == (old[1].severity == "error") and n < old[0]
        if better:
            first[key] = (n, rule)

    for n, rule in judged_rules(regime, stage, judge):
        for pattern, in_when_only in rule_reads(rule):
            basis = _basis(rule, in_when_only)
            targets, list_ids = _targets(pattern)
            for lid in list_ids:
                group = groups.setdefault(lid, RowGroup(lists()[lid]))
                if pattern == lid and all(b.rule is not rule for b in group.rules):
                    group.rules.append(basis)
                place(lid, n, rule)
            for p in targets:
                question = questions.setdefault(p, Question(leaves()[p]))
                if all(b.rule is not rule for b in question.rules):
                    question.rules.append(basis)
                place(p, n, rule)
    for lid, group in groups.items():
        for key in group.spec.identity:
            p = f"{lid}.*.{key}"
            if p in leaves() and p not in questions:
                questions[p] = Question(leaves()[p], identity=True)
        group.questions = sorted((q for p, q in questions.items() if leaves()[p].list_id == lid),
                                 key=lambda q: q.leaf.order)

    finder = _Sections(regime)
    parts: dict[str, Part] = {}
    sections: dict[tuple[str, str], Section] = {}
    items: list[tuple[Question | RowGroup, str, int, Rule | None]] = []
    for p, q in questions.items():
        if not q.leaf.list_id:
            n, rule = first[p]
            items.append((q, q.leaf.subject, n, rule))
    for lid, group in groups.items():
        n, rule = min((first[k] for k in [lid, *(q.leaf.pattern for q in group.questions if q.leaf.pattern in first)]),
                      key=lambda t: (t[1].severity != "error", t[0]))
        items.append((group, group.spec.subject, n, rule))
    for item, subject, n, rule in sorted(items, key=lambda t: (t[2], _order(t[0]))):
        part = parts.setdefault(subject, Part(subject, PART_TITLES.get(subject) or subject))
        if subject == "experts":
            key, title = "experts", "每位专家一行"
        else:
            key, title = finder.of(rule.source.clause) if rule else ("", "")
        section = sections.get((subject, key))
        if section is None:
            section = Section(f"{subject}-{key}", title, first=n, id=f"sec-{subject}-{len(sections) + 1}")
            sections[(subject, key)] = section
            part.sections.append(section)
        section.items.append(item)
    for section in sections.values():
        section.items.sort(key=_order)
    order = list(PART_TITLES)
    ordered = sorted(parts.values(), key=lambda p: order.index(p.subject) if p.subject in order else len(order))
    return Questionnaire(regime, stage, judge, ordered, questions, groups)


def _order(item: Question | RowGroup) -> float:
    if isinstance(item, Question):
        return item.leaf.order
    return min((q.leaf.order for q in item.questions), default=1e9) - 0.5


_cache: dict[tuple[str, str, str, str], Questionnaire] = {}
_cache_lock = threading.Lock()


def questionnaire(regime: Regime, stage: str, judge: str) -> Questionnaire:
    """The questionnaire of a regime at a stage for a judgement (cached by the regime's content hash)."""
    key = (regime.id, regime.hash, stage, judge)
    with _cache_lock:
        found = _cache.get(key)
    if found is not None:
        return found
    built = build_questionnaire(regime, stage, judge)
    with _cache_lock:
        if len(_cache) > 256:
            _cache.clear()
        _cache[key] = built
    return built


# ---------------------------------------------------------------- facts and answers on the form

def _instance_data(facts: Mapping[str, Any], rule: Rule, row: int | None) -> Any:
    """The data a rule's `when` reads for one row of the question (or the subject, for a scalar)."""
    key = SUBJECT_PREFIX[rule.subject]
    value = facts.get(key)
    if rule.subject == "expert":
        return value[row] if isinstance(value, list) and row is not None and row < len(value) else None
    if not isinstance(value, dict):
        return None
    if rule.each:
        items = value.get(rule.each)
        return items[row] if isinstance(items, list) and row is not None and row < len(items) else None
    team = facts.get("experts")
    return {**value, "experts": team} if rule.subject in TEAM_READERS and team is not None else value


def inapplicable(question: Question, facts: Mapping[str, Any], row: int | None = None) -> bool:
    """True when, by the facts given, no rule reading this question applies (every `when` is false)."""
    if not question.rules:
        return False
    for basis in question.rules:
        if basis.rule.when is None or basis.in_when_only:
            return False
        data = _instance_data(facts, basis.rule, row)
        if data is None or truth(basis.rule.when, data) is not False:
            return False
    return True


def carried(state: FormState, q: Questionnaire | None) -> list[tuple[str, Any]]:
    """The state's non-empty values the questionnaire does not show: sent along as hidden inputs."""
    out = []
    for name, value in state.values.items():
        if name in ("region", "as_of", "regime", "stage", "judge") or value in ("", []):
            continue
        _, lid, row = split_name(name)
        if lid and row is not None and row >= state.row_count(lid):
            continue  # beyond the list's rows: a removed row's leftovers, never part of the facts
        if q is None or not q.asks(name):
            out.append((name, value))
    return out


def name_label(name: str) -> str:
    """How a page names a form field: "专家 2 · 职称", "申请经费支持"."""
    if name.startswith("list."):
        spec = lists().get(name[5:])
        return f"{spec.label}（有无）" if spec else name
    pattern, lid, row = split_name(name)
    if lid and row is not None:
        spec = lists()[lid]
        leaf = leaves().get(pattern)
        return f"{spec.row_label} {row + 1}" + (f" · {leaf.label}" if leaf else "")
    if name in lists():
        return lists()[name].label
    match = re.match(r"^(.+)\.(\d+)$", name)
    if match and match.group(1) in lists():
        return f"{lists()[match.group(1)].row_label} {int(match.group(2)) + 1}"
    leaf = leaves().get(pattern)
    if leaf:
        return leaf.label
    label = comparison.FIELD_LABELS.get(_label_key(pattern)) or comparison.schema_label(_label_key(pattern))
    return label[0] if label else PART_TITLES.get(name, name)


def qualified_label(pattern: str) -> str:
    """A field's label with what it belongs to, where the label alone is ambiguous: "服务对象 · 名称",
    "专家服务基地 · 报送日期"; project fields keep their own label."""
    leaf = leaves().get(pattern)
    label = leaf.label if leaf else name_label(pattern)
    if leaf and leaf.list_id:
        return f"{lists()[leaf.list_id].label} · {label}"
    subject = pattern.split(".", 1)[0]
    return label if subject == "project" else f"{PART_TITLES.get(subject, subject)} · {label}"


def value_text(leaf: Leaf | None, value: Any) -> str:
    """A form value in words (enum codes as their labels)."""
    values = value if isinstance(value, list) else [value]
    if leaf is None:
        return "、".join(str(v) for v in values)
    options = dict(leaf.choices)
    shown = ["无" if v == NONE else options.get(v, v) for v in values]
    return "、".join(str(v) for v in shown)


# ---------------------------------------------------------------- results back to the form

def entry_instances(regime: Regime, facts: dict[str, Any], result: dict[str, Any]) -> list[Any] | None:
    """The subject instance (engine.backends Instance, or None for an absent list) of each result entry, in
    result order (the order of engine.explain: rule order, then instance order); None if they do not line up."""
    subjects = regime.judgements.get(result.get("judged", "application"), {}).get("subjects", ())
    instances, absent = subject_instances(regime, facts, tuple(subjects))
    by_kind: dict[str, list[Any]] = {}
    for inst in instances:
        by_kind.setdefault(inst.kind, []).append(inst)
    out: list[Any] = []
    for _, rule in judged_rules(regime, result.get("stage", "application"), result.get("judged", "application")):
        kind = rule.instance_kind
        out.extend([None] if kind in absent else by_kind.get(kind, []))
    entries = result.get("results", [])
    if len(out) != len(entries):
        return None
    return out


def checked_paths(rule: Rule, inst: Any) -> list[str]:
    """Fact paths (engine notation) of what a rule's check reads for one instance: the fields to fix."""
    out: list[str] = []
    reads = [(f.path, within) for f, within in fields_of(rule.check)]
    if rule.due is not None:
        reads.append((rule.due.fact, None))
    for path, within in reads:
        rel = within if within else path  # inside a quantifier: the list itself
        if inst.prefix in ("project", "locality") and rel and rel[0] == "experts":
            out.append(".".join(rel))
        else:
            out.append(f"{inst.prefix}.{'.'.join(rel)}")
    return list(dict.fromkeys(out))


def facts_yaml(facts: dict[str, Any], header: str = "") -> str:
    """The facts as a YAML document in schema order, readable and loadable by `regimes check`."""
    import yaml

    order = {p: n for n, p in enumerate(leaves())}
    order.update({p: n - 0.5 for n, p in enumerate(lists())})

    def sort(data: Any, pattern: str) -> Any:
        if isinstance(data, dict):
            keys = sorted(data, key=lambda k: min((v for p, v in order.items()
                                                   if p == f"{pattern}{k}" or p.startswith(f"{pattern}{k}.")),
                                                  default=1e9))
            return {k: sort(data[k], f"{pattern}{k}.") for k in keys}
        if isinstance(data, list):
            return [sort(v, f"{pattern}*.") for v in data]
        return data

    body = yaml.safe_dump(sort(facts, ""), allow_unicode=True, sort_keys=False, width=100) if facts else "{}\n"
    head = "# yaml-language-server: $schema=engine/facts/facts.schema.json\n"
    if header:
        head += "".join(f"# {line}\n" for line in header.splitlines())
    return head + body


def result_yaml(result: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(json.loads(json.dumps(result, ensure_ascii=False, default=str)), allow_unicode=True,
                          sort_keys=False, width=100)
