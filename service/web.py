"""Server-rendered Chinese pages: 预审 (pre-check) at `/`, 对比 (compare) under `/compare`.

Everything works as plain form posts without JavaScript. The pre-check form is derived from the facts
JSON Schema: each input is named by its fact path (`project.budget.requested_support_wan`,
`experts.0.title`) and has the id `field-<name>`, so validation errors and missing facts can point at
it. An empty input means the fact is absent (the result then says `missing`), never a default value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import FormData, UploadFile

from engine.audit.replay import decide
from engine.compare import core as comparison
from engine.compare.render import (  # the matrix page's table and phone-card styles, shared
    CHANGE_LABEL,
    TABLE_CSS,
    change_details,
    citation,
    rule_name,
    template_globals,
)
from engine.facts import FactsError, facts_schema, load_facts_text, validate_facts
from engine.policy import ledger
from engine.registry import Registry, SelectionError
from engine.vocabulary import (
    ENTITLEMENT_OUTCOME,
    JUDGE_TEXT,
    LABELS,
    OBLIGATION_TEXT,
    SEVERITY_TEXT,
    STAGE_TEXT,
    SUBJECT_TEXT,
    VERDICT_TEXT,
)
from engine.vocabulary import RESULT_GROUPS as GROUPS

router = APIRouter(include_in_schema=False)

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(HERE / "templates")),
                                jinja2.PackageLoader("engine.compare", "templates")]),  # the one matrix table
    autoescape=True))

MAX_ROWS = 200  # schema maxItems is 200 for places and units; the 1 MiB body limit bounds the rest
MAX_FIELDS = 20_000
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
BOOL_OPTIONS = (("", "未填"), ("true", "是"), ("false", "否"))


# ---------------------------------------------------------------- the form, derived from the facts schema

@dataclass(frozen=True)
class Field:
    key: str  # path below its group: "budget.total_wan", "title"
    label: str
    kind: str  # text | textarea | integer | number | date | bool | enum | multi
    unit: str = ""
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        return BOOL_OPTIONS if self.kind == "bool" else self.options


@dataclass(frozen=True)
class Group:
    """A fieldset: the project's scalar fields (`prefix` "project"), or repeatable rows of a list."""

    id: str  # form name prefix and anchor: "project.basics", "experts", "project.served_units"
    legend: str
    fields: tuple[Field, ...]
    prefix: str  # fact path the keys hang from: "project", "experts", "project.served_units"
    rows: bool = False
    row_label: str = ""
    hint: str = ""

    def name(self, key: str, row: int | None = None) -> str:
        return f"{self.prefix}.{row}.{key}" if self.rows else f"{self.prefix}.{key}"


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], str]:
    ref = node.get("$ref", "")
    if not ref:
        return node, ""
    name = ref.rsplit("/", 1)[1]
    return {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}, name


def _kind(node: dict[str, Any], ref: str) -> str:
    kind = node.get("type")
    if kind == "array":
        return "multi"
    if kind in ("boolean", "integer", "number"):
        return {"boolean": "bool"}.get(kind, kind)
    if "enum" in node:
        return "enum"
    return {"date": "date", "long_text": "textarea"}.get(ref, "text")


def _hint(description: str, label: str, kind: str) -> str:
    """The schema's description when it says more than the label (not for enums: options say it)."""
    text = re.sub(r"（(YYYY-MM-DD|万元|元|可多选)）", "", description.split("：", 1)[0])
    return "" if kind in ("enum", "multi", "bool") or label in text and len(text) <= len(label) + 3 else text


def _field(node: dict[str, Any], key: str, label_key: str, defs: dict[str, Any]) -> Field:
    node, ref = _resolve(node, defs)
    kind = _kind(node, ref)
    enum = node.get("items", {}).get("enum", []) if kind == "multi" else node.get("enum", [])
    description = node.get("description", key)
    label, unit = comparison.FIELD_LABELS.get(label_key) or (re.split(r"[：（]", description)[0], "")
    unit = "" if kind == "textarea" else unit  # "字" is how the rules count text, not an input unit
    if kind == "bool" and label_key.startswith(("expert.", "project.locations.")):
        label = re.split(r"[：（]", description)[0]  # the question reads better than the short column label
    return Field(key, label, kind, unit, _hint(description, label, kind), tuple((v, LABELS.get(v, v)) for v in enum))


PROJECT_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("basics", "项目基本信息", ("id", "name", "applicant_unit", "host_unit", "recommender", "level", "direction",
                          "relies_on_base", "base_level")),
    ("service", "服务安排", ("service_forms", "service_modes", "sessions", "start_date", "end_date", "onsite_days",
                         "cumulative_service_days", "problems_per_session")),
    ("plan", "实施方案与申报文字", ("plan_sections", "content_text", "summary_text")),
    ("budget", "经费与报送", ("budget.total_wan", "budget.requested_support_wan", "budget.sources", "submitted_on")),
)
# Lists shown as rows: (group id, fact path, legend, one row's label, hint)
ROW_GROUPS: tuple[tuple[str, str, str, str], ...] = (
    ("project.locations", "服务地点", "地点", "省、市、县（区）；是否属于重点帮扶县、山区县"),
    ("project.served_units", "服务对象单位", "单位", "接受服务的基层单位"),
    ("experts", "专家", "专家", "每位专家一行；未填写的专家行不提交"),
)
PAGE_ORDER = ("project.basics", "project.service", "project.locations", "project.served_units", "project.plan",
              "project.budget", "experts")


def _subschema(schema: dict[str, Any], path: str) -> dict[str, Any]:
    node = schema
    for part in path.split("."):
        node = node["properties"][part]
        if node.get("type") == "array":
            node = node["items"]
    return node


def _prop(node: dict[str, Any], dotted: str) -> dict[str, Any]:
    for part in dotted.split("."):
        node = node["properties"][part]
    return node


def _label_key(prefix: str, key: str) -> str:
    return ("expert" if prefix == "experts" else prefix) + "." + key


def build_groups() -> tuple[Group, ...]:
    schema = facts_schema()
    defs = schema["$defs"]
    project = schema["properties"]["project"]
    groups: dict[str, Group] = {}
    for sid, legend, keys in PROJECT_SECTIONS:
        fields = tuple(_field(_prop(project, k), k, f"project.{k}", defs) for k in keys)
        groups[f"project.{sid}"] = Group(f"project.{sid}", legend, fields, "project")
    for path, legend, row_label, hint in ROW_GROUPS:
        item = _subschema(schema, path)
        fields = tuple(_field(node, k, _label_key(path, k), defs) for k, node in item["properties"].items())
        groups[path] = Group(path, legend, fields, path, rows=True, row_label=row_label, hint=hint)
    return tuple(groups[g] for g in PAGE_ORDER)


GROUPS_ON_FORM = build_groups()
ROWS = {g.id: g for g in GROUPS_ON_FORM if g.rows}
PROJECT_FIELDS = {f.key: f for g in GROUPS_ON_FORM if not g.rows for f in g.fields}
PROJECT_TOP_KEYS = {k.split(".")[0] for k in PROJECT_FIELDS} | {"locations", "served_units"}


# ---------------------------------------------------------------- form state

@dataclass
class FormState:
    """What the user typed, exactly: field name -> text (or list of checked values), plus row counts."""

    values: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROWS, 1))
    extra: str = ""  # facts from an uploaded file that the form has no field for (JSON), sent along
    focus: str = ""  # the field to put the cursor in after adding or removing a row

    def get(self, name: str) -> Any:
        return self.values.get(name, "")

    def checked(self, name: str, value: str) -> bool:
        current = self.values.get(name, [])
        return value in current if isinstance(current, list) else current == value


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


def state_from_form(form: FormData) -> FormState:
    state = FormState(extra=str(form.get("extra_facts") or ""))
    multi = {g.name(f.key, None if not g.rows else 0) for g in GROUPS_ON_FORM for f in g.fields if f.kind == "multi"}
    for name in form.keys():
        if name in ("facts_file", "extra_facts", "action") or name.startswith("rows."):
            continue
        if _is_multi(name, multi):
            state.values[name] = [str(v) for v in form.getlist(name) if isinstance(v, str)]
        else:
            value = form.get(name)
            state.values[name] = value if isinstance(value, str) else ""
    for gid in ROWS:
        seen = [int(m.group(1)) + 1 for n in state.values if (m := re.match(rf"^{re.escape(gid)}\.(\d+)\.", n))]
        state.rows[gid] = max(_clamp(str(form.get(f"rows.{gid}") or ""), 1), min(max(seen, default=0), MAX_ROWS))
    return state


def _is_multi(name: str, multi: set[str]) -> bool:
    return re.sub(r"\.\d+\.", ".0.", name) in multi


def _row_values(state: FormState, gid: str, row: int) -> dict[str, Any]:
    head = f"{gid}.{row}."
    return {n[len(head):]: v for n, v in state.values.items() if n.startswith(head)}


def apply_action(state: FormState, action: str) -> bool:
    """Add or remove a row (`add:experts`, `remove:experts:2`); True when the action was one of these."""
    parts = action.split(":")
    if len(parts) < 2 or parts[1] not in ROWS:
        return False
    gid = parts[1]
    count = state.rows[gid]
    rows = [_row_values(state, gid, i) for i in range(count)]
    if parts[0] == "add" and count < MAX_ROWS:
        rows.append({})
        state.focus = ROWS[gid].name(ROWS[gid].fields[0].key, len(rows) - 1)
    elif parts[0] == "remove" and len(parts) == 3 and parts[2].isdigit() and int(parts[2]) < count:
        rows.pop(int(parts[2]))
        state.focus = f"add:{gid}"
    else:
        return parts[0] in ("add", "remove")
    state.values = {n: v for n, v in state.values.items() if not n.startswith(f"{gid}.")}
    for i, row in enumerate(rows):
        state.values.update({f"{gid}.{i}.{k}": v for k, v in row.items()})
    state.rows[gid] = len(rows)
    return True


def _show(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [str(v) for v in value]
    return "" if value is None else str(value)


def state_from_facts(facts: dict[str, Any]) -> FormState:
    """The form filled from a facts document; whatever has no field on the form is kept in `extra`."""
    state = FormState(rows=dict.fromkeys(ROWS, 0))
    project = facts.get("project") if isinstance(facts.get("project"), dict) else {}
    for key in PROJECT_FIELDS:
        value: Any = project
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            state.values[f"project.{key}"] = _show(value)
    for gid, group in ROWS.items():
        items = facts.get("experts") if gid == "experts" else project.get(gid.split(".", 1)[1])
        items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        state.rows[gid] = min(max(len(items), 1), MAX_ROWS)
        for i, item in enumerate(items[:MAX_ROWS]):
            state.values.update({group.name(k, i): _show(v) for k, v in item.items() if v is not None})
    extra = {k: v for k, v in facts.items() if k not in ("project", "experts")}
    rest = {k: v for k, v in project.items() if k not in PROJECT_TOP_KEYS}
    if rest:
        extra["project"] = rest
    state.extra = json.dumps(extra, ensure_ascii=False, indent=2) if extra else ""
    return state


# ---------------------------------------------------------------- form -> facts

def parse_value(f: Field, raw: Any) -> tuple[Any, str | None]:
    """(typed value or None when empty, error text)."""
    if f.kind == "multi":
        values = list(dict.fromkeys(raw)) if isinstance(raw, list) else []
        return (values or None), None
    text = raw if f.kind == "textarea" else str(raw).strip()
    if not text.strip():
        return None, None
    if f.kind == "bool":
        if text in ("true", "false"):
            return text == "true", None
        return None, "请选择“是”或“否”"
    if f.kind in ("integer", "number"):
        if not NUMBER.match(text):
            unit = f"（单位：{f.unit}）" if f.unit else ""
            return None, f"“{text}”不是数字，请只填数字{unit}"
        number = float(text)
        return (int(number) if number.is_integer() and "." not in text else number), None
    return text, None


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


@dataclass
class Built:
    facts: dict[str, Any]
    rows_used: dict[str, list[int]]  # list path -> form row of each fact index (empty rows are skipped)


def build_facts(state: FormState, errors: Errors) -> Built:
    facts: dict[str, Any] = {}
    project: dict[str, Any] = {}
    for key, f in PROJECT_FIELDS.items():
        name = f"project.{key}"
        value, problem = parse_value(f, state.get(name))
        if problem:
            errors.add(name, problem)
        if value is not None:
            _put(project, key, value)
    used: dict[str, list[int]] = {}
    for gid, group in ROWS.items():
        items = []
        for i in range(state.rows[gid]):
            item: dict[str, Any] = {}
            for f in group.fields:
                value, problem = parse_value(f, state.get(group.name(f.key, i)))
                if problem:
                    errors.add(group.name(f.key, i), problem)
                if value is not None:
                    item[f.key] = value
            if item:
                items.append(item)
                used.setdefault(gid, []).append(i)
        if items:
            (facts if gid == "experts" else project)[gid.split(".")[-1]] = items
    if project:
        facts["project"] = project
    _merge_extra(facts, state.extra, errors)
    return Built(facts, used)


def _merge_extra(facts: dict[str, Any], text: str, errors: Errors) -> None:
    if not text.strip():
        return
    if len(text) > MAX_UPLOAD_BYTES:
        errors.add("extra_facts", f"内容过长：不能超过 {MAX_UPLOAD_BYTES // 1024} KiB")
        return
    try:
        extra = json.loads(text)
    except (ValueError, RecursionError):
        errors.add("extra_facts", "不是有效的 JSON")
        return
    if not isinstance(extra, dict):
        errors.add("extra_facts", "应为 JSON 对象")
        return
    for key, value in extra.items():
        if key in facts and isinstance(facts[key], dict) and isinstance(value, dict):
            facts[key] = {**value, **facts[key]}  # what the user typed on the form wins
        elif key not in facts:
            facts[key] = value


TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def form_name(path: str, built: Built | None) -> str | None:
    """The form field a fact path refers to (`experts[1].title` -> `experts.<its form row>.title`), or its
    nearest enclosing field or fieldset; None when the form has nothing for it (e.g. `listing.*`)."""
    parts: list[str] = []
    for name, index in TOKEN.findall(path):
        if name:
            parts.append(name)
            continue
        rows = (built.rows_used if built else {}).get(".".join(parts), [])
        parts.append(str(rows[int(index)] if int(index) < len(rows) else index))
    while parts:
        candidate = ".".join(parts)
        if candidate in KNOWN_NAMES or re.sub(r"\.\d+(\.|$)", r".0\1", candidate) in KNOWN_NAMES:
            return candidate
        parts.pop()
    return None


def _known_names() -> set[str]:
    names = {g.id for g in GROUPS_ON_FORM} | {"project.budget"}
    for g in GROUPS_ON_FORM:
        names |= {g.name(f.key, 0 if g.rows else None) for f in g.fields}
        if g.rows:
            names.add(f"{g.id}.0")
    return names


KNOWN_NAMES = _known_names()
OTHER_LABELS = {"region": "地区", "as_of": "基准日期", "regime": "规则集", "stage": "阶段", "judge": "判定对象",
                "facts_file": "事实文件",
                "extra_facts": "表单以外的事实", "facts_text": "粘贴的事实", "regimes": "规则集", "topics": "主题",
                "project.budget": "经费"}


def field_label(name: str) -> str:
    """How the error summary names a field: "专家 2 · 职称", "申请经费支持"."""
    if name in OTHER_LABELS:
        return OTHER_LABELS[name]
    if name.startswith("project.") and name[len("project."):] in PROJECT_FIELDS:
        return PROJECT_FIELDS[name[len("project."):]].label
    for gid, group in ROWS.items():
        match = re.match(rf"^{re.escape(gid)}\.(\d+)(?:\.(.+))?$", name)
        if match:
            f = next((f for f in group.fields if f.key == match.group(2)), None)
            return f"{group.row_label} {int(match.group(1)) + 1}" + (f" · {f.label}" if f else "")
    return next((g.legend for g in GROUPS_ON_FORM if g.id == name), name)


def place_fact_errors(messages: list[str], built: Built | None, errors: Errors, prefix: str = "") -> None:
    """Engine messages start with the fact path; show each next to its field, or in the summary."""
    for message in messages:
        path, sep, text = message.partition(": ")
        name = form_name(path, built) if sep else None
        if name:
            errors.add(name, text)
        else:
            errors.add(None, prefix + message)


templates.env.globals.update(template_globals())
templates.env.globals.update(STAGE_TEXT=STAGE_TEXT, JUDGE_TEXT=JUDGE_TEXT, SUBJECT_TEXT=SUBJECT_TEXT,
                             OBLIGATION_TEXT=OBLIGATION_TEXT)
templates.env.globals.update(
    SEVERITY_TEXT=SEVERITY_TEXT, ENTITLEMENT_OUTCOME=ENTITLEMENT_OUTCOME, VERDICT_TEXT=VERDICT_TEXT,
    CHANGE_LABEL=CHANGE_LABEL, citation=citation, TABLE_CSS=TABLE_CSS, field_label=field_label,
    topic_label=comparison.topic_label)


# ---------------------------------------------------------------- choosing the regime

def parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _form_day(state: FormState, errors: Errors) -> dt.date | None:
    text = str(state.get("as_of")).strip()
    as_of = parse_day(text) if text else dt.date.today()
    if as_of is None:
        errors.add("as_of", f"“{text}”不是有效日期（格式 YYYY-MM-DD）")
    return as_of


def choose_regime(registry: Registry, state: FormState, errors: Errors) -> tuple[Any, dt.date | None]:
    as_of = _form_day(state, errors)
    if as_of is None:
        return None, None
    regime_id, region = str(state.get("regime")).strip(), str(state.get("region")).strip()
    try:
        if regime_id:
            return registry.get(regime_id), as_of
        if not region:
            errors.add("region", "请选择地区（或在下方直接选择规则集）")
            return None, as_of
        return registry.select(region, as_of), as_of
    except SelectionError as exc:
        where = "regime" if regime_id else ("as_of" if registry.editions(region) else "region")
        errors.add(where, str(exc))
        return None, as_of


# ---------------------------------------------------------------- page data

def regime_options(registry: Registry) -> dict[str, Any]:
    regimes = sorted(registry.regimes.values(), key=lambda r: (r.region, r.effective_from))
    regions = list(dict.fromkeys((r.region, r.region_name) for r in regimes))
    return {"regimes": regimes, "regions": regions}


def _path_label(path: str) -> str:
    key = re.sub(r"\[\d+\]", "", path)
    key = "expert" + key[len("experts"):] if key.startswith("experts") else key
    label = comparison.FIELD_LABELS.get(key, (key, ""))[0]
    row = re.findall(r"\[(\d+)\]", path)
    return f"{label}（第 {int(row[-1]) + 1} 项）" if row and not path.endswith("]") else label


def _missing_link(path: str, built: Built | None) -> tuple[str, str, str | None]:
    """(fact path, what to call it, form field to link to or None)."""
    name = form_name(path, built)
    return path, field_label(name) if name else _path_label(path), name


def result_groups(result: dict[str, Any], regime: Any, built: Built | None) -> list[dict[str, Any]]:
    titles = {r.id: r.title for r in regime.rules}
    groups = []
    for (title, pick, _colour), css in zip(GROUPS, ("fail", "missing", "warning", "pending", "pass", "entitlement"),
                                           strict=True):
        rows = [r for r in result["results"] if pick(r)]
        items = [{**r, "title": titles.get(r["rule"], r["rule"]),
                  "links": [_missing_link(p, built) for p in r.get("missing", [])]} for r in rows]
        groups.append({"title": title, "css": css, "items": items})
    return groups


def not_applicable(result: dict[str, Any], regime: Any) -> list[str]:
    titles = {r.id: r.title for r in regime.rules}
    return sorted({titles.get(r["rule"], r["rule"]) for r in result["results"] if r["outcome"] == "not_applicable"})


def _context(registry: Registry, state: FormState, errors: Errors, **more: Any) -> dict[str, Any]:
    return {"groups": GROUPS_ON_FORM, "state": state, "errors": errors, **regime_options(registry), **more}


# ---------------------------------------------------------------- routes

@router.get("/static/site.css")
def stylesheet() -> FileResponse:
    return FileResponse(HERE / "static" / "site.css", media_type="text/css; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})


@router.get("/", response_class=HTMLResponse)
def precheck_page(request: Request) -> HTMLResponse:
    state = FormState(values={"as_of": dt.date.today().isoformat()})
    return templates.TemplateResponse(request, "precheck.html", _context(request.app.state.holder.current, state, Errors()))


async def _read_form(request: Request) -> FormData | None:
    try:
        return await request.form(max_files=4, max_fields=MAX_FIELDS)
    except Exception:  # noqa: BLE001  malformed multipart/urlencoded bodies of every kind become one page
        return None


# A facts document is a few kilobytes; parsing YAML costs ~9 s per MB, so bound what a page will parse.
MAX_UPLOAD_BYTES = 128 * 1024


async def _upload_bytes(form: FormData) -> tuple[str, bytes] | None:
    """The uploaded file's name and bytes (read on the event loop: I/O only, no parsing)."""
    upload = form.get("facts_file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    raw = await upload.read(MAX_UPLOAD_BYTES + 1)
    return upload.filename, raw


def _parse_upload(upload: tuple[str, bytes] | None, errors: Errors) -> dict[str, Any] | None:
    """Parse an uploaded facts file; call off the event loop."""
    if upload is None:
        return None
    filename, raw = upload
    if not raw.strip():
        return None
    if len(raw) > MAX_UPLOAD_BYTES:
        errors.add("facts_file", f"文件过大：上传的事实文件不能超过 {MAX_UPLOAD_BYTES // 1024} KiB")
        return None
    try:
        return load_facts_text(raw.decode("utf-8-sig"), filename)
    except UnicodeDecodeError:
        errors.add("facts_file", "文件不是有效的 UTF-8 编码")
    except FactsError as exc:
        for line in exc.errors:
            errors.add("facts_file", line)
    return None


def _precheck_response(request: Request, registry: Registry, state: FormState, errors: Errors,
                       status: int = 200, **more: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, "precheck.html", _context(registry, state, errors, **more),
                                      status_code=status)


@router.post("/", response_class=HTMLResponse)
async def precheck_submit(request: Request) -> HTMLResponse:
    registry: Registry = request.app.state.holder.current  # this request keeps these rules even across a reload
    form = await _read_form(request)
    if form is None:
        errors = Errors(general=["表单内容无法解析，请重新填写后提交"])
        return _precheck_response(request, registry, FormState(), errors, status=400)
    upload = await _upload_bytes(form)
    # parsing, validation and evaluation run in a worker thread: one big upload must not stall other requests
    return await run_in_threadpool(_precheck_submit, request, registry, form, upload)


def _precheck_submit(request: Request, registry: Registry, form: FormData,
                     upload: tuple[str, bytes] | None) -> HTMLResponse:
    state = state_from_form(form)
    action = str(form.get("action") or "check")
    if action == "edit" or apply_action(state, action):
        return _precheck_response(request, registry, state, Errors())
    errors = Errors()
    uploaded = _parse_upload(upload, errors)
    if uploaded is not None:
        keep = {k: state.values[k] for k in ("as_of", "region", "regime", "stage", "judge") if k in state.values}
        state = state_from_facts(uploaded)
        state.values.update(keep)
    regime, as_of = (None, _form_day(state, errors)) if action == "compare" else choose_regime(registry, state, errors)
    built = build_facts(state, errors)
    if uploaded is not None:
        built = Built(uploaded, {gid: list(range(state.rows[gid])) for gid in ROWS})
    place_fact_errors(validate_facts(built.facts), built, errors)  # fields that did parse are checked too
    if action == "compare" and not errors:
        return _compare_response(request, registry, state, built.facts, as_of)
    if errors or regime is None or as_of is None:
        return _precheck_response(request, registry, state, errors, status=422)
    return _decide(request, registry, state, built, regime, as_of)


def _decide(request: Request, registry: Registry, state: FormState, built: Built, regime: Any,
                  as_of: dt.date) -> HTMLResponse:
    from engine.errors import EngineError

    facts = built.facts

    stage, judge = str(state.get("stage") or "application"), str(state.get("judge") or "application")
    bad = [(n, v, known) for n, v, known in (("stage", stage, STAGE_TEXT), ("judge", judge, JUDGE_TEXT)) if v not in known]
    if judge not in regime.judgements:
        bad.append(("judge", judge, {k: JUDGE_TEXT[k] for k in regime.judgements}))
    if bad:
        errors = Errors()
        for name, value, known in bad:
            errors.add(name, f"“{value}”不可选（可选：{'、'.join(known.values())}）")
        return _precheck_response(request, registry, state, errors, status=422)
    try:
        result = decide(request.app.state.store, regime, as_of, facts, stage, judge)
    except (SQLAlchemyError, EngineError) as exc:
        what = "决策日志" if isinstance(exc, SQLAlchemyError) else "规则引擎"
        errors = Errors(general=[f"{what}暂时不可用，请稍后重新提交（已填写的内容保留在下方）"])
        return _precheck_response(request, registry, state, errors, status=503)
    return _precheck_response(request, registry, state, Errors(), result=result, regime=regime,
                              result_groups=result_groups(result, regime, built),
                              not_applicable=not_applicable(result, regime))


def _compare_response(request: Request, registry: Registry, state: FormState | None,
                            facts: dict[str, Any], as_of: dt.date | None = None,
                            regime_ids: list[str] | None = None) -> HTMLResponse:
    from engine.errors import EngineError

    def run() -> dict[str, Any]:
        return comparison.outcome_table(comparison.compare(registry, facts, regime_ids, as_of), registry)

    try:
        table = run()
    except EngineError:
        return templates.TemplateResponse(request, "compare.html", _compare_context(
            registry, Errors(general=["规则引擎暂时不可用，请稍后重试"])), status_code=503)
    return templates.TemplateResponse(request, "compare_facts.html", {
        "table": table, "state": state, "regimes_by_id": registry.regimes, "as_of": as_of or dt.date.today()})


# ---------------------------------------------------------------- compare pages

def _compare_context(registry: Registry, errors: Errors | None = None, **more: Any) -> dict[str, Any]:
    ids = sorted(registry.regimes)
    default_from, default_to = ("shanghai-2022", "shanghai-2026") if {"shanghai-2022", "shanghai-2026"} <= set(ids) \
        else (ids[0] if ids else "", ids[-1] if ids else "")
    topics = sorted({r.topic for g in registry.regimes.values() for r in g.rules}, key=comparison.topic_key)
    return {"errors": errors or Errors(), **regime_options(registry), "diff_from": default_from, "diff_to": default_to,
            "topics": [(t, comparison.topic_label(t)) for t in topics], "today": dt.date.today().isoformat(),
            "picked": {"regimes": [], "topics": []}, **more}


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "compare.html", _compare_context(request.app.state.holder.current))


def _picked(values: list[str], known: set[str], field_name: str, what: str, errors: Errors) -> list[str]:
    chosen = [v.strip() for v in values if v.strip()][:100]
    unknown = [v for v in chosen if v not in known]
    if unknown:
        errors.add(field_name, f"未知的{what}“{unknown[0]}”")
    return chosen


@router.get("/regimes/{regime_id}/source", response_class=HTMLResponse)
def source_page(request: Request, regime_id: str) -> HTMLResponse:
    """The notice with every ledger sentence marked by status and linked to its rules."""
    registry: Registry = request.app.state.holder.current
    try:
        regime = registry.get(regime_id)
        data = ledger.regime_report(regime)
    except (SelectionError, ledger.SourceUnavailable) as exc:
        return templates.TemplateResponse(request, "message.html", {"title": "找不到原文", "message": str(exc)},
                                          status_code=404)
    return templates.TemplateResponse(request, "source.html", {"regime": regime, "data": data})


@router.get("/compare/matrix", response_class=HTMLResponse)
def matrix_page(request: Request) -> HTMLResponse:
    registry: Registry = request.app.state.holder.current
    errors = Errors()
    regime_ids = _picked(request.query_params.getlist("regimes"), set(registry.regimes), "regimes", "规则集", errors)
    topics = _picked(request.query_params.getlist("topics"), set(comparison.ALL_TOPICS), "topics", "主题", errors)
    if errors:
        context = _compare_context(registry, errors, picked={"regimes": regime_ids, "topics": topics})
        return templates.TemplateResponse(request, "compare.html", context, status_code=422)
    data = comparison.matrix(registry, regime_ids or None, topics or None)
    return templates.TemplateResponse(request, "matrix.html", {"data": data})


@router.get("/compare/diff", response_class=HTMLResponse)
def diff_page(request: Request) -> HTMLResponse:
    registry: Registry = request.app.state.holder.current
    params = request.query_params
    errors = Errors()
    picked = {"from": params.get("from", "").strip(), "to": params.get("to", "").strip()}
    for key, label in (("from", "原规则集"), ("to", "新规则集")):
        if picked[key] not in registry.regimes:
            errors.add(f"diff_{key}", f"请选择{label}" if not picked[key] else f"未知的规则集“{picked[key]}”")
    if errors:
        context = _compare_context(registry, errors, diff_from=picked["from"], diff_to=picked["to"])
        return templates.TemplateResponse(request, "compare.html", context, status_code=422)
    data = comparison.diff(registry, picked["from"], picked["to"])
    show_all = params.get("all") == "1"
    entries = [{**e, "details": change_details(e), "name": rule_name(e)} for e in data["rules"]
               if show_all or e["change"] != "unchanged"]
    return templates.TemplateResponse(request, "diff.html", {"data": data, "entries": entries, "show_all": show_all})


@router.post("/compare/facts", response_class=HTMLResponse)
async def compare_facts(request: Request) -> HTMLResponse:
    registry: Registry = request.app.state.holder.current
    form = await _read_form(request)
    errors = Errors()
    if form is None:
        errors.add(None, "表单内容无法解析，请重新提交")
        return templates.TemplateResponse(request, "compare.html", _compare_context(registry, errors), status_code=400)
    upload = await _upload_bytes(form)
    return await run_in_threadpool(_compare_facts, request, registry, form, upload, errors)


def _compare_facts(request: Request, registry: Registry, form: FormData, upload: tuple[str, bytes] | None,
                   errors: Errors) -> HTMLResponse:
    text = str(form.get("facts_text") or "")
    facts = _parse_upload(upload, errors)
    if facts is None and not errors and text.strip():
        if len(text.encode("utf-8", "surrogatepass")) > MAX_UPLOAD_BYTES:
            errors.add("facts_text", f"粘贴的内容过长：不能超过 {MAX_UPLOAD_BYTES // 1024} KiB")
        else:
            try:
                facts = load_facts_text(text, "粘贴的内容")
            except FactsError as exc:
                for line in exc.errors:
                    errors.add("facts_text", line)
    if facts is None and not errors:
        errors.add("facts_file", "请上传事实文件，或在下方粘贴 YAML / JSON")
    as_of_text = str(form.get("as_of") or "").strip()
    as_of = parse_day(as_of_text) if as_of_text else None
    if as_of_text and as_of is None:
        errors.add("compare_as_of", f"“{as_of_text}”不是有效日期（格式 YYYY-MM-DD）")
    regime_ids = _picked([str(v) for v in form.getlist("regimes")], set(registry.regimes), "compare_regimes", "规则集",
                         errors)
    if errors or facts is None:
        context = _compare_context(registry, errors, facts_text=text, compare_as_of=as_of_text,
                                   picked={"regimes": regime_ids, "topics": []})
        return templates.TemplateResponse(request, "compare.html", context, status_code=422)
    return _compare_response(request, registry, None, facts, as_of, regime_ids or None)
