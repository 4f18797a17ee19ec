"""The condition language: parse a rule's `when` / `check` YAML into a typed tree.

The tree (IR) is what both evaluators read. `exists: p` is two-valued (absent is false,
for `when`); `provided: p` is true when present and unknown when absent, so a required
fact that was not given comes out `missing`, naming it, rather than `fail`. Blank text counts as absent for
every condition (`get_path`); an empty list is an answer ("none"), so a form row that needs at least one
item says `min_count: 1`. Operators that are sugar (`ne`, `not_in`,
`contains_all`, `max_length`, `none`, ...) are lowered here to a handful of node kinds,
so each evaluator only implements: All, Any, Not, Exists, Cmp, Contains, Quant.
`count`/`share` over a list of objects are numeric fields (Field.fn "count_where"/"share_where" with a
`where` condition on each item); a project rule may read the top-level `experts` list (the team).
Field paths and enum values are checked against the facts schema, so a typo in a
policy is a validation error with its line, not a rule that silently never fires.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, assert_never

from engine.documents.yamlio import Path

SUBJECT_ROOT = {
    "project": ("properties", "project"),
    "expert": ("properties", "experts", "items"),
    "base": ("properties", "base"),
    "locality": ("properties", "locality"),
    "listing": ("properties", "listing"),
    "secondment": ("properties", "secondment"),
}

# Subjects whose rules may read the document's top-level `experts` (a project's team; a city's recommendations).
TEAM_READERS = ("project", "locality")
ORDER_OPS = {"lt", "le", "gt", "ge"}
COMPARE_OPS = {"eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"}
LIST_OPS = {"contains", "contains_all", "contains_any", "min_count", "max_count"}
TEXT_OPS = {"min_length", "max_length"}
ALL_FIELD_OPS = COMPARE_OPS | LIST_OPS | TEXT_OPS
NEGATE = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq"}


class ConditionError(Exception):
    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class FieldInfo:
    type: str  # date | number | integer | string | boolean | list | object
    enum: tuple[str, ...] | None = None
    item: FieldInfo | None = None  # for lists
    schema: Any = None  # the object schema, for objects and list items that are objects


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]  # relative to the subject instance, or to the list item inside a quantifier
    fn: str | None  # None, "len" (text length, whitespace not counted), "count" (list length),
    # "count_where" / "share_where" (items of a list of objects for which `where` is true: number / share 0–1)
    type: str  # type of the value after fn: date, number, string, boolean, list
    where: Cond | None = None

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Const:
    value: Any  # date values are datetime.date; `in` takes a tuple


@dataclass(frozen=True)
class Ref:
    field: Field
    days: int = 0
    months: int = 0


@dataclass(frozen=True)
class Cmp:
    left: Field
    op: str  # eq ne lt le gt ge in
    right: Const | Ref


@dataclass(frozen=True)
class Contains:
    field: Field  # a list of scalars
    value: Any


@dataclass(frozen=True)
class Exists:
    field: Field
    strict: bool = True  # False for `provided`: absent is unknown (missing), never false


@dataclass(frozen=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


@dataclass(frozen=True)
class Quant:
    kind: str  # every | some
    field: Field  # a list of objects
    cond: Cond  # paths relative to the item


Cond = All | AnyOf | Not | Exists | Cmp | Contains | Quant


def fields_of(cond: Cond) -> list[tuple[Field, tuple[str, ...] | None]]:
    """Every field a condition reads: (field, list path if read inside a quantifier)."""
    out: list[tuple[Field, tuple[str, ...] | None]] = []

    def add(f: Field, within: tuple[str, ...] | None) -> None:
        out.append((f, within))
        if f.where is not None:
            walk(f.where, f.path)

    def walk(c: Cond, within: tuple[str, ...] | None) -> None:
        match c:
            case All() | AnyOf():
                for item in c.items:
                    walk(item, within)
            case Not():
                walk(c.item, within)
            case Exists() | Contains():
                add(c.field, within)
            case Cmp():
                add(c.left, within)
                if isinstance(c.right, Ref):
                    add(c.right.field, within)
            case Quant():
                add(c.field, within)
                walk(c.cond, c.field.path)
            case _:
                assert_never(c)
    walk(cond, None)
    return out


def get_path(data: Any, path: tuple[str, ...]) -> Any:
    """The value at a field path of a facts instance, or None where any step is absent. Text that is empty or
    only whitespace counts as absent: a blank form field was not filled in, so every rule reading it is
    `missing` (naming it), never passed on nothing."""
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    if isinstance(data, str) and (not data or data.isspace()):
        return None
    return data


# ---------------------------------------------------------------- schema lookup

def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"unsupported $ref {ref}")
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def field_info(schema: dict, node: dict) -> FieldInfo:
    node = _resolve(schema, node)
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if node.get("format") == "date":
        return FieldInfo("date")
    if "enum" in node:
        return FieldInfo("string", enum=tuple(node["enum"]))
    if kind == "array":
        return FieldInfo("list", item=field_info(schema, node.get("items", {})))
    if kind == "object":
        return FieldInfo("object", schema=node)
    if kind == "integer":
        return FieldInfo("number")
    return FieldInfo(kind or "string")


def subject_schema(schema: dict, subject: str) -> dict:
    node: Any = schema
    for part in SUBJECT_ROOT[subject]:
        node = _resolve(schema, node[part])
    if subject in TEAM_READERS:  # a project (or a city's) rule may read the document's top-level experts
        node = {**node, "properties": {**node.get("properties", {}), "experts": schema["properties"]["experts"]}}
    return node


# ---------------------------------------------------------------- parsing

class Parser:
    """Parses one rule's conditions; `scope` is the object schema paths are relative to."""

    def __init__(self, schema: dict, scope: dict, params: dict[str, Any], where: Path):
        self.schema = schema
        self.scope = scope
        self.params = params
        self.where = where
        self.used_params: set[str] = set()
        self.place = False

    def err(self, message: str, path: Path) -> ConditionError:
        return ConditionError(message, self.where + path)

    def lookup(self, dotted: Any, path: Path, scope: dict | None = None) -> tuple[tuple[str, ...], FieldInfo]:
        if not isinstance(dotted, str) or not dotted:
            raise self.err(f"字段名应为文本，实际为 {dotted!r}", path)
        node = scope if scope is not None else self.scope
        parts = tuple(dotted.split("."))
        info = FieldInfo("object", schema=node)
        for i, part in enumerate(parts):
            props = (info.schema or {}).get("properties", {}) if info.type == "object" else {}
            if part not in props:
                known = "、".join(sorted(props)) or "无"
                where = ".".join(parts[:i]) or "主体"
                raise self.err(f"未知字段 '{dotted}'：{where} 下没有 '{part}'（可用：{known}）", path)
            info = field_info(self.schema, props[part])
        return parts, info

    def param(self, value: Any, path: Path) -> Any:
        if isinstance(value, str) and value.startswith("$"):
            name = value[1:]
            if name not in self.params:
                known = "、".join(sorted(self.params)) or "无"
                raise self.err(f"未定义的参数 '{value}'（已定义：{known}）", path)
            self.used_params.add(name)
            return self.params[name]
        return value

    def scalar(self, value: Any, info: FieldInfo, path: Path, what: str) -> Any:
        """Check a constant against a field's type; dates become datetime.date."""
        value = self.param(value, path)
        t = info.type
        if t == "date":
            if isinstance(value, str):
                try:
                    if len(value) == 10:
                        return dt.date.fromisoformat(value)
                except ValueError:
                    pass
            raise self.err(f"{what} 应为日期 YYYY-MM-DD，实际为 {value!r}", path)
        if t == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.err(f"{what} 应为数字，实际为 {value!r}", path)
            if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > 1e12:
                raise self.err(f"{what} 数值过大或不是有限数字：{value!r}", path)
            return value
        if t == "boolean":
            if not isinstance(value, bool):
                raise self.err(f"{what} 应为 true 或 false，实际为 {value!r}", path)
            return value
        if t == "string":
            if not isinstance(value, str):
                raise self.err(f"{what} 应为文本，实际为 {value!r}", path)
            if info.enum is not None and value not in info.enum:
                raise self.err(f"{what} '{value}' 不是允许的取值（{', '.join(info.enum)}）", path)
            return canonical_place(value) if self.place else value
        raise self.err(f"{what} 的类型 {t} 不能直接比较", path)

    def integer(self, value: Any, path: Path, what: str) -> int:
        value = self.param(value, path)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
            raise self.err(f"{what} 应为 0 到 100000 的整数，实际为 {value!r}", path)
        return value

    def parse(self, node: Any, path: Path = ()) -> Cond:
        if not isinstance(node, dict) or not node:
            raise self.err("条件应为非空映射，如 {field: title, in: [...]} 或 {all: [...]}", path)
        keys = set(node)
        for group, cls in (("all", All), ("any", AnyOf)):
            if group in node:
                self.only(node, {group}, path)
                items = node[group]
                if not isinstance(items, list) or not items:
                    raise self.err(f"'{group}' 应为非空条件列表", path + (group,))
                parsed = tuple(self.parse(item, path + (group, i)) for i, item in enumerate(items))
                return parsed[0] if len(parsed) == 1 else cls(parsed)
        if "not" in node:
            self.only(node, {"not"}, path)
            return Not(self.parse(node["not"], path + ("not",)))
        for word in ("exists", "provided"):
            if word in node:
                self.only(node, {word}, path)
                parts, info = self.lookup(node[word], path + (word,))
                return Exists(Field(parts, None, info.type), strict=word == "exists")
        for agg in ("count", "share"):
            if agg in node:
                return self.aggregate(agg, node, path)
        for quant in ("every", "some", "none"):
            if quant in node:
                self.only(node, {quant, "check"}, path)
                return self.quantifier(quant, node, path)
        if "field" in node:
            ops = keys - {"field"}
            unknown = ops - ALL_FIELD_OPS
            if unknown:
                raise self.err(f"未知运算符 '{sorted(unknown)[0]}'（可用：{', '.join(sorted(ALL_FIELD_OPS))}）",
                               path + (sorted(unknown)[0],))
            if len(ops) != 1:
                raise self.err("field 条件须且只能有一个运算符", path)
            op = ops.pop()
            return self.field_op(node["field"], op, node[op], path)
        raise self.err(f"无法识别的条件，键为 {sorted(keys)}；应为 all/any/not/exists/provided/every/some/none 或 field", path)

    def only(self, node: dict, allowed: set[str], path: Path) -> None:
        extra = set(node) - allowed
        if extra:
            key = sorted(extra)[0]
            raise self.err(f"条件中多余的键 '{key}'", path + (key,))

    def quantifier(self, quant: str, node: dict, path: Path) -> Cond:
        if self.scope is not self.root_scope:
            raise self.err("不支持嵌套的 every/some/none", path)
        parts, info = self.lookup(node[quant], path + (quant,))
        if info.type != "list" or info.item is None or info.item.type != "object":
            raise self.err(f"'{quant}' 需要对象列表字段，'{node[quant]}' 不是", path + (quant,))
        if "check" not in node:
            raise self.err(f"'{quant}' 缺少 check", path)
        self.scope = info.item.schema
        try:
            inner = self.parse(node["check"], path + ("check",))
        finally:
            self.scope = self.root_scope
        field = Field(parts, None, "list")
        if quant == "none":
            return Not(Quant("some", field, inner))
        return Quant(quant, field, inner)

    def aggregate(self, agg: str, node: dict, path: Path) -> Cond:
        """`{count|share: list, where: cond, <op>: n}` — a number compared like any numeric field."""
        if self.scope is not self.root_scope:
            raise self.err(f"不支持在列表条件内使用 {agg}", path)
        ops = set(node) - {agg, "where"}
        if "where" not in node:
            raise self.err(f"'{agg}' 缺少 where（每一项须满足的条件）", path)
        if len(ops) != 1 or not ops <= {"eq", "ne", "lt", "le", "gt", "ge"}:
            raise self.err(f"'{agg}' 须且只能有一个比较运算符（eq ne lt le gt ge）", path)
        parts, info = self.lookup(node[agg], path + (agg,))
        if info.type != "list" or info.item is None or info.item.type != "object":
            raise self.err(f"'{agg}' 需要对象列表字段，'{node[agg]}' 不是", path + (agg,))
        self.scope = info.item.schema
        try:
            where = self.parse(node["where"], path + ("where",))
        finally:
            self.scope = self.root_scope
        op = ops.pop()
        value = self.scalar(node[op], FieldInfo("number"), path + (op,), op)
        if agg == "share" and not 0 <= value <= 1:
            raise self.err(f"share 的比较值应在 0 到 1 之间（比例），实际为 {value!r}", path + (op,))
        field = Field(parts, "count_where" if agg == "count" else "share_where", "number", where)
        if op == "ne":
            return Not(Cmp(field, "eq", Const(value)))
        return Cmp(field, op, Const(value))

    @property
    def root_scope(self) -> dict:
        return self._root

    def start(self, node: Any, path: Path) -> Cond:
        self._root = self.scope
        return self.parse(node, path)

    def field_op(self, name: Any, op: str, arg: Any, path: Path) -> Cond:
        parts, info = self.lookup(name, path + ("field",))
        argpath = path + (op,)
        if op in TEXT_OPS:
            if info.type != "string":
                raise self.err(f"'{op}' 只适用于文本字段，'{name}' 不是", argpath)
            n = self.integer(arg, argpath, op)
            return Cmp(Field(parts, "len", "number"), "le" if op == "max_length" else "ge", Const(n))
        if op in ("min_count", "max_count"):
            if info.type != "list":
                raise self.err(f"'{op}' 只适用于列表字段，'{name}' 不是", argpath)
            n = self.integer(arg, argpath, op)
            return Cmp(Field(parts, "count", "number"), "ge" if op == "min_count" else "le", Const(n))
        if op in ("contains", "contains_all", "contains_any"):
            if info.type != "list" or info.item is None or info.item.type == "object":
                raise self.err(f"'{op}' 只适用于取值列表字段，'{name}' 不是", argpath)
            field = Field(parts, None, "list")
            if op == "contains":
                return Contains(field, self.scalar(arg, info.item, argpath, op))
            values = self.param(arg, argpath)
            if not isinstance(values, list) or not values:
                raise self.err(f"'{op}' 应为非空取值列表", argpath)
            items = tuple(Contains(field, self.scalar(v, info.item, argpath + (i,), op)) for i, v in enumerate(values))
            if len(items) == 1:
                return items[0]
            return All(items) if op == "contains_all" else AnyOf(items)
        if info.type in ("list", "object"):
            raise self.err(f"'{op}' 不适用于{'列表' if info.type == 'list' else '对象'}字段 '{name}'", argpath)
        field = Field(parts, None, info.type)
        self.place = parts[-1] in PLACE_FIELDS
        if op in ("in", "not_in"):
            values = self.param(arg, argpath)
            if not isinstance(values, list) or not values:
                raise self.err(f"'{op}' 应为非空取值列表", argpath)
            consts = tuple(self.scalar(v, info, argpath + (i,), op) for i, v in enumerate(values))
            cond: Cond = Cmp(field, "in", Const(consts))
            return Not(cond) if op == "not_in" else cond
        if op in ORDER_OPS and info.type not in ("number", "date"):
            raise self.err(f"'{op}' 只适用于数字或日期字段，'{name}' 是 {info.type}", argpath)
        right = self.operand(arg, info, argpath, op)
        if op == "ne":
            return Not(Cmp(field, "eq", right))
        return Cmp(field, op, right)

    def operand(self, arg: Any, info: FieldInfo, path: Path, op: str) -> Const | Ref:
        if isinstance(arg, dict):
            allowed = {"field", "plus_days", "minus_days", "plus_months", "minus_months"}
            extra = set(arg) - allowed
            if extra or "field" not in arg:
                raise self.err("字段引用应为 {field: 字段名[, plus_days|minus_days|plus_months|minus_months: n]}",
                               path)
            parts, rinfo = self.lookup(arg["field"], path + ("field",))
            if rinfo.type != info.type:
                raise self.err(f"不能比较 {info.type} 与 {rinfo.type}（'{arg['field']}'）", path + ("field",))
            days = months = 0
            for key, sign in (("plus_days", 1), ("minus_days", -1), ("plus_months", 1), ("minus_months", -1)):
                if key in arg:
                    if info.type != "date":
                        raise self.err(f"'{key}' 只适用于日期字段", path + (key,))
                    n = self.integer(arg[key], path + (key,), key) * sign
                    if key.endswith("days"):
                        days += n
                    else:
                        months += n
            return Ref(Field(parts, None, rinfo.type), days, months)
        return Const(self.scalar(arg, info, path, op))


def parse_condition(schema: dict, subject: str, each: str | None, node: Any, params: dict[str, Any],
                    where: Path) -> tuple[Cond, set[str]]:
    """Parse `node` for a rule on `subject` (and list `each`, if given); returns (IR, params used)."""
    scope = subject_schema(schema, subject)
    if each:
        parser = Parser(schema, scope, params, where)
        parts, info = parser.lookup(each, ("each",))
        if info.type != "list" or info.item is None or info.item.type != "object":
            raise ConditionError(f"each 需要对象列表字段，'{each}' 不是", where[:-1] + ("each",))
        scope = info.item.schema
    parser = Parser(schema, scope, params, where)
    cond = parser.start(node, ())
    return cond, parser.used_params


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (01-31 + 1 month = 02-28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day if year < dt.MAXYEAR \
        or month < 12 else 31
    return dt.date(year, month, min(day.day, last))


PLACE_FIELDS = {"province", "city", "county", "region"}
_PLACE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "省", "市", "区", "县")


def canonical_place(name: str) -> str:
    """上海市 and 上海 are the same place (DOMAIN §4); compare without the suffix."""
    name = name.strip()
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name
