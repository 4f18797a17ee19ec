"""Server-rendered Chinese pages: 预审 (pre-check) at `/`, 对比 (compare) under `/compare`.

The pre-check form is the questionnaire of the chosen regime, stage and judgement (service/questionnaire.py):
every fact a judged rule reads is asked, nothing else; each input is named by its fact path and has the id
`field-<name>`, so errors, missing facts and failed requirements point at it. Everything works as plain form
posts without JavaScript (the pages' CSP forbids scripts).

Posts are protected by a double-submit CSRF token (a random cookie echoed in a hidden field), and their fields
are decoded strictly as UTF-8: anything else is a 400 page naming the field, never stored as mojibake.
Parsing, validation and evaluation run in a worker thread, never on the event loop.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import jinja2
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy.exc import SQLAlchemyError

from engine.audit.replay import ReplayError, decide, snapshot_regime
from engine.compare import core as comparison
from engine.compare.render import (  # the matrix page's table and phone-card styles, shared
    CHANGE_LABEL,
    TABLE_CSS,
    change_details,
    citation,
    rule_name,
    template_globals,
)
from engine.errors import EngineError, QueryError
from engine.facts import FactsError, load_facts_text, validate_facts
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
from service import questionnaire as qn
from service.questionnaire import Built, Errors, FormState, Questionnaire

router = APIRouter(include_in_schema=False)

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(HERE / "templates")),
                                jinja2.PackageLoader("engine.compare", "templates")]),  # the one matrix table
    autoescape=True))

MAX_FIELDS = 20_000
MAX_FILES = 4
# A facts document is a few kilobytes; parsing YAML costs ~9 s per MB, so bound what a page will parse.
MAX_UPLOAD_BYTES = 128 * 1024
CHOICE = ("region", "as_of", "regime", "stage", "judge")


# ---------------------------------------------------------------- CSRF: double-submit cookie

CSRF_COOKIE = "regimes_csrf"
CSRF_FIELD = "csrf_token"
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def csrf_token(request: Request) -> tuple[str, bool]:
    """The browser's token (from its cookie), or a new one; True when it is new and must be set."""
    current = request.cookies.get(CSRF_COOKIE, "")
    if _TOKEN_SHAPE.match(current):
        return current, False
    return secrets.token_urlsafe(32), True


def _set_csrf(response: Response, token: str, new: bool) -> Response:
    if new:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


def csrf_ok(request: Request, posted: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(_TOKEN_SHAPE.match(cookie)) and hmac.compare_digest(cookie.encode(), posted.encode())


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page with a CSRF token for its forms (the browser's own, or a new one set as a cookie)."""
    token, new = csrf_token(request)
    response = templates.TemplateResponse(request, name, {**context, "csrf": token}, status_code=status)
    return _set_csrf(response, token, new)


# ---------------------------------------------------------------- posted forms, decoded strictly as UTF-8

class FormError(Exception):
    """A body that is not a form at all (malformed multipart, wrong charset)."""


@dataclass
class Posted:
    pairs: list[tuple[str, str]] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    bad: list[str] = field(default_factory=list)  # fields whose name or value is not UTF-8 (named as far as known)

    def get(self, name: str) -> str:
        return next((v for n, v in self.pairs if n == name), "")

    def getlist(self, name: str) -> list[str]:
        return [v for n, v in self.pairs if n == name]


def _strict(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _urlencoded(body: bytes) -> Posted:
    posted = Posted()
    for n, chunk in enumerate(body.split(b"&")):
        if not chunk:
            continue
        if n >= MAX_FIELDS:
            raise FormError(f"字段过多（上限 {MAX_FIELDS} 个）")
        raw_name, _, raw_value = chunk.partition(b"=")
        name = _strict(unquote_to_bytes(raw_name.replace(b"+", b" ")))
        value = _strict(unquote_to_bytes(raw_value.replace(b"+", b" ")))
        if name is None or value is None:
            posted.bad.append(name if name is not None else f"第 {n + 1} 个字段")
            continue
        posted.pairs.append((name, value))
    return posted


def _multipart(body: bytes, content_type: str) -> Posted:
    _, params = parse_options_header(content_type)
    charset = params.get(b"charset", b"utf-8").decode("latin-1").lower()
    if charset not in ("utf-8", "utf8"):
        raise FormError(f"表单须以 UTF-8 编码提交（收到的是 {charset[:20]}）")
    boundary = params.get(b"boundary")
    if not boundary:
        raise FormError("表单缺少分隔符（boundary）")
    posted = Posted()
    part: dict[str, Any] = {}
    header = [b"", b""]
    count = [0, 0]

    def begin() -> None:
        part.clear()
        part.update(headers={}, data=bytearray())

    def header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def header_end() -> None:
        part["headers"][bytes(header[0]).lower()] = bytes(header[1])
        header[0], header[1] = b"", b""

    def data(chunk: bytes, start: int, end: int) -> None:
        part["data"] += chunk[start:end]
        if len(part["data"]) > MAX_UPLOAD_BYTES + 1 and b"filename" not in part["headers"].get(
                b"content-disposition", b""):
            raise FormError("字段内容过长")

    def end() -> None:
        _, options = parse_options_header(part["headers"].get(b"content-disposition", b""))
        raw_name = options.get(b"name")
        if raw_name is None:
            raise FormError("表单的某个部分没有字段名")
        name = _strict(raw_name)
        if b"filename" in options:
            count[1] += 1
            if count[1] > MAX_FILES:
                raise FormError(f"文件过多（上限 {MAX_FILES} 个）")
            if name is not None:
                posted.files.setdefault(name, (options[b"filename"].decode("utf-8", "replace"), bytes(part["data"])))
            return
        count[0] += 1
        if count[0] > MAX_FIELDS:
            raise FormError(f"字段过多（上限 {MAX_FIELDS} 个）")
        value = _strict(bytes(part["data"]))
        if name is None or value is None:
            posted.bad.append(name if name is not None else f"第 {count[0]} 个字段")
            return
        posted.pairs.append((name, value))

    parser = MultipartParser(boundary, {"on_part_begin": begin, "on_part_data": data, "on_part_end": end,
                                        "on_header_field": header_field, "on_header_value": header_value,
                                        "on_header_end": header_end})
    try:
        parser.write(body)
        parser.finalize()
    except FormError:
        raise
    except Exception as exc:  # noqa: BLE001  every malformed multipart body becomes one message
        raise FormError("表单内容无法解析") from exc
    return posted


def parse_posted(body: bytes, content_type: str) -> Posted:
    """The fields of a urlencoded or multipart body; raise FormError if it is neither."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return _urlencoded(body)
    if kind == "multipart/form-data":
        return _multipart(body, content_type)
    if not body.strip():
        return Posted()
    raise FormError("请通过页面上的表单提交")


def _bad_fields_message(posted: Posted) -> str:
    names = "、".join(f"“{qn.name_label(n)}”" for n in posted.bad[:5])
    return f"{names} 的内容不是有效的 UTF-8 文本，未予保存：请检查输入法或浏览器编码后重新填写提交"


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


def stage_and_judge(state: FormState, regime: Any, errors: Errors) -> tuple[str, str]:
    stage, judge = str(state.get("stage") or "application"), str(state.get("judge") or "application")
    if stage not in STAGE_TEXT:
        errors.add("stage", f"“{stage}”不可选（可选：{'、'.join(STAGE_TEXT.values())}）")
    if judge not in JUDGE_TEXT or regime is not None and judge not in regime.judgements:
        known = regime.judgements if regime is not None else JUDGE_TEXT
        errors.add("judge", f"“{JUDGE_TEXT.get(judge, judge)}”不可选（{regime.id + ' ' if regime else ''}可选："
                            f"{'、'.join(JUDGE_TEXT.get(k, k) for k in known)}）")
    return stage, judge


def current_questionnaire(registry: Registry, state: FormState) -> tuple[Any, Questionnaire | None]:
    """The questionnaire the form's choice names, or (None, None) while it names none (no error shown)."""
    regime, _ = choose_regime(registry, state, Errors())
    if regime is None:
        return None, None
    quiet = Errors()
    stage, judge = stage_and_judge(state, regime, quiet)
    if quiet:
        return regime, None
    return regime, qn.questionnaire(regime, stage, judge)


# ---------------------------------------------------------------- the result, as sections people act on

def _data_url(text: str, mime: str) -> str:
    return f"data:{mime};charset=utf-8;base64,{base64.b64encode(text.encode('utf-8')).decode('ascii')}"


SUBJECT_ID = re.compile(r"^(?:(.*)/)?([a-z_.]+)\[(\d+)\]$")


def subject_label(subject_id: str) -> str:
    """A subject id without codes: "experts[1]" → "专家 2", "SH-1/locations[0]" → "SH-1 · 地点 1"; an id or a
    name stays as it is."""
    match = SUBJECT_ID.match(subject_id)
    if match:
        owner, name, index = match.groups()
        lid = next((lid for lid in qn.lists() if lid == name or lid.endswith("." + name)), None)
        row = f"{qn.lists()[lid].row_label} {int(index) + 1}" if lid else subject_id
        return f"{subject_label(owner)} · {row}" if owner else row
    return qn.PART_TITLES.get(subject_id, subject_id)


def _link(name: str, q: Questionnaire | None, state: FormState) -> str | None:
    """The anchor of a form name when the page shows it, else of its nearest enclosing field, row or list."""
    while name:
        found = _shown(name, q, state)
        if found:
            return found
        name = name.rpartition(".")[0]
    return None


def _shown(name: str, q: Questionnaire | None, state: FormState) -> str | None:
    if q is None:
        return None
    pattern, lid, row = qn.split_name(name)
    if lid and row is not None and row >= state.row_count(lid):
        return None
    if q.asks(name) or name in q.groups:
        return name
    match = re.match(r"^(.+)\.(\d+)$", name)
    if match and match.group(1) in q.groups:
        return name
    return None


@dataclass
class ResultView:
    sections: list[dict[str, Any]]
    chips: list[dict[str, Any]]
    flags: dict[str, list[dict[str, Any]]]
    downloads: dict[str, str]


def result_view(result: dict[str, Any], regime: Any, built: Built, q: Questionnaire | None,
                state: FormState) -> ResultView:
    """`regime` None: a result link whose rules are gone; entries are shown by their rule id, as logged."""
    rules = {r.id: r for r in regime.rules} if regime is not None else {}
    instances = qn.entry_instances(regime, built.facts, result) if regime is not None else None
    flags: dict[str, list[dict[str, Any]]] = {}
    sections: list[dict[str, Any]] = []
    grouped: dict[str, list[dict[str, Any]]] = {}
    for n, entry in enumerate(result["results"]):
        rule = rules.get(entry["rule"])
        css = next((c for (_, pick, _), c in zip(GROUPS, ("fail", "missing", "warning", "pending", "pass",
                                                          "entitlement"), strict=True) if pick(entry)), None)
        if css is None or (rule is None and regime is not None):
            continue
        item = {**entry, "title": rule.title if rule else entry["rule"],
                "requirement": comparison.describe_rule(rule) if rule else "",
                "subject_label": subject_label(entry["subject_id"]), "fix": []}
        paths: list[str] = []
        if entry["outcome"] == "missing":
            paths = entry.get("missing", [])
        elif entry["outcome"] == "fail" and entry["kind"] == "requirement" and instances and instances[n] is not None \
                and rule is not None:
            paths = qn.checked_paths(rule, instances[n])
        for path in paths:
            name = qn.form_name(path, built)
            anchor = _link(name, q, state)
            item["fix"].append({"label": qn.name_label(name), "anchor": anchor, "path": path})
            if anchor and css in ("fail", "missing", "warning"):
                flags.setdefault(anchor, []).append({
                    "css": css, "label": {"fail": "未通过", "missing": "缺少", "warning": "提醒"}[css],
                    "message": entry["message"], "requirement": item["requirement"],
                    "clause": f"{entry['source']['document']} {entry['source']['clause']}",
                    "quote": entry["source"]["quote"], "result": f"r-{n}"})
        item["id"] = f"r-{n}"
        grouped.setdefault(css, []).append(item)
    titles = dict(zip(("fail", "missing", "warning", "pending", "pass", "entitlement"),
                      (g[0] for g in GROUPS), strict=True))
    for css in ("fail", "missing", "warning", "pending"):
        sections.append({"css": css, "title": titles[css], "items": grouped.get(css, []), "open": True})
    sections.append({"css": "manual", "title": "需人工核对", "items": result.get("manual_checks", []), "open": True})
    sections.append({"css": "obligations", "title": "限期事项", "items": result.get("obligations", []), "open": True})
    for css in ("pass", "entitlement"):
        sections.append({"css": css, "title": titles[css], "items": grouped.get(css, []), "open": False})
    # one line per entry (rule × subject), as every other chip counts, so the count equals summary.not_applicable
    na = [f"{rules[r['rule']].title if r['rule'] in rules else r['rule']}（{r['subject_id']}）"
          for r in result["results"] if r["outcome"] == "not_applicable"]
    sections.append({"css": "na", "title": "不适用的条款（条件未触发）", "items": na, "open": False})
    later = result.get("later_stages", [])
    sections.append({"css": "later", "title": "以后阶段的要求（本次未判定）", "items": later, "open": False})
    chips = [{"css": s["css"], "title": s["title"], "count": len(s["items"])} for s in sections if s["items"]]
    downloads = {
        "result_json": _data_url(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "application/json"),
        "result_yaml": _data_url(qn.result_yaml(result), "application/yaml"),
        "facts_yaml": _data_url(_facts_download(built.facts, regime, result), "application/yaml"),
    }
    return ResultView(sections, chips, flags, downloads)


def _facts_download(facts: dict[str, Any], regime: Any, result: dict[str, Any] | None = None) -> str:
    lines = [f"预审事实，{dt.date.today().isoformat()} 由预审页面导出；可用 regimes check 或页面“上传事实文件”重新判定"]
    if regime is not None:
        lines.append(f"规则集 {regime.id} 版本 {regime.version}" + (f"，判定编号 {result['decision_id']}"
                                                                 if result and result.get("decision_id") else ""))
    return qn.facts_yaml(facts, "\n".join(lines))


def inapplicable_names(q: Questionnaire | None, facts: dict[str, Any], state: FormState,
                       built: Built | None) -> set[str]:
    """Questions that, by the answers given, no rule applies to (every `when` reading them is false)."""
    if q is None:
        return set()
    out = set()
    for pattern, question in q.questions.items():
        lid = question.leaf.list_id
        if not lid:
            if qn.inapplicable(question, facts):
                out.add(pattern)
            continue
        used = (built.rows_used if built else {}).get(lid, [])
        for index, row in enumerate(used):
            if qn.inapplicable(question, facts, index):
                out.add(question.leaf.name(row))
    return out


# ---------------------------------------------------------------- page context

def regime_options(registry: Registry) -> dict[str, Any]:
    regimes = sorted(registry.regimes.values(), key=lambda r: (r.region, r.effective_from))
    regions = list(dict.fromkeys((r.region, r.region_name) for r in regimes))
    return {"regimes": regimes, "regions": regions}


def _carried(state: FormState, q: Questionnaire | None) -> list[dict[str, Any]]:
    out = []
    for name, value in qn.carried(state, q):
        leaf = qn.leaf_for(name)
        text = qn.value_text(leaf, value) if leaf or not name.startswith("list.") else \
            dict(qn.LIST_CHOICES).get(value, value)
        out.append({"name": name, "label": qn.name_label(name), "text": text,
                    "values": value if isinstance(value, list) else [value]})
    return out


def _precheck(request: Request, registry: Registry, state: FormState, errors: Errors, status: int = 200,
              q: Questionnaire | None = None, regime: Any = None, facts: dict[str, Any] | None = None,
              built: Built | None = None, **more: Any) -> Response:
    if q is None and regime is None:
        regime, q = current_questionnaire(registry, state)
    judgements = list(regime.judgements) if regime is not None else list(JUDGE_TEXT)
    context = {"state": state, "errors": errors, "q": q, "regime": regime, "judgements": judgements,
               "carried": _carried(state, q), "lists": qn.lists(), "flags": {}, "na": set(), **regime_options(registry),
               **more}
    if facts is not None:
        context["na"] = inapplicable_names(q, facts, state, built)
    view = more.get("view")
    if view is not None:
        context["flags"] = view.flags
    result = more.get("result")
    if regime is not None and isinstance(result, dict) and result.get("as_of"):
        context["edition_note"] = registry.edition_note(regime, dt.date.fromisoformat(result["as_of"]))
    return render(request, "precheck.html", context, status)


def field_label(name: str) -> str:
    """How the error summary names a field: "专家 2 · 职称", "申请经费支持"."""
    return OTHER_LABELS.get(name) or qn.name_label(name)


OTHER_LABELS = {"region": "地区", "as_of": "基准日期", "regime": "规则集", "stage": "阶段", "judge": "判定对象",
                "facts_file": "事实文件", "facts_text": "粘贴的事实", "regimes": "规则集", "topics": "主题",
                "compare_regimes": "规则集", "compare_as_of": "基准日期", "diff_from": "原规则集", "diff_to": "新规则集"}


def place_fact_errors(messages: list[str], built: Built | None, errors: Errors, q: Questionnaire | None,
                      state: FormState) -> None:
    """Engine messages start with the fact path; show each next to its field, or in the summary."""
    for message in messages:
        path, sep, text = message.partition(": ")
        text = _enum_labels(text)
        name = qn.form_name(path, built) if sep else None
        anchor = _link(name, q, state) if name else None
        if anchor:
            errors.add(anchor, text)
        elif name and (qn.leaf_for(name) or name in qn.lists()):
            errors.add(None, f"{field_label(name)}（本问卷未列出的已有内容）：{text}")
        else:
            errors.add(None, message)


def _enum_labels(text: str) -> str:
    """“'x' 不是允许的取值（senior, associate_senior, …）” with the Chinese labels of the codes."""
    def swap(match: re.Match[str]) -> str:
        codes = [c.strip() for c in match.group(1).split(",")]
        return "（可选：" + "、".join(LABELS.get(c, c) for c in codes) + "）" if all(c in LABELS for c in codes) \
            else match.group(0)
    return re.sub(r"（([a-z_0-9]+(?:, [a-z_0-9]+)+)）", swap, text)


def row_who(state: FormState, spec: qn.ListSpec, row: int) -> str:
    """A row's legend: its identity answers ("沈立军", "上海市 嘉定区")."""
    return " ".join(str(state.get(f"{spec.id}.{row}.{key}")) for key in spec.identity
                    if isinstance(state.get(f"{spec.id}.{row}.{key}"), str) and state.get(f"{spec.id}.{row}.{key}"))


MISSING_NOTE = re.compile(r"（缺少：[^（）]*）")


def plain_message(message: str) -> str:
    """A result message without the engine's "（缺少：project.x）" note: the page names those facts in Chinese."""
    return MISSING_NOTE.sub("", message)


templates.env.filters["plain_message"] = plain_message
templates.env.globals.update(template_globals())
templates.env.globals.update(
    STAGE_TEXT=STAGE_TEXT, JUDGE_TEXT=JUDGE_TEXT, SUBJECT_TEXT=SUBJECT_TEXT, OBLIGATION_TEXT=OBLIGATION_TEXT,
    SEVERITY_TEXT=SEVERITY_TEXT, ENTITLEMENT_OUTCOME=ENTITLEMENT_OUTCOME, VERDICT_TEXT=VERDICT_TEXT,
    CHANGE_LABEL=CHANGE_LABEL, citation=citation, TABLE_CSS=TABLE_CSS, field_label=field_label,
    topic_label=comparison.topic_label, LIST_CHOICES=qn.LIST_CHOICES, NONE=qn.NONE, CSRF_FIELD=CSRF_FIELD,
    subject_label=subject_label, row_who=row_who, today=dt.date.today)


# ---------------------------------------------------------------- routes

@router.get("/static/site.css")
def stylesheet() -> FileResponse:
    return FileResponse(HERE / "static" / "site.css", media_type="text/css; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})


@router.get("/", response_class=HTMLResponse)
def precheck_page(request: Request) -> Response:
    """The pre-check page; `?regime=…` (or `?region=…&as_of=…`) and `&stage=…&judge=…` open its questionnaire."""
    params = request.query_params
    state = FormState(values={k: params[k][:200] for k in CHOICE if params.get(k)}, rows=dict.fromkeys(qn.lists(), 1))
    state.values.setdefault("as_of", dt.date.today().isoformat())
    registry: Registry = request.app.state.holder.current
    errors = Errors()
    if params.get("regime") or params.get("region"):
        regime, _ = choose_regime(registry, state, errors)
        if regime is not None:
            stage_and_judge(state, regime, errors)
    return _precheck(request, registry, state, errors, status=422 if errors else 200)


async def _body(request: Request) -> bytes:
    return await request.body()  # I/O only (already buffered by BodyLimitMiddleware); parsing is in a thread


@router.post("/", response_class=HTMLResponse)
async def precheck_submit(request: Request) -> Response:
    registry: Registry = request.app.state.holder.current  # this request keeps these rules even across a reload
    body = await _body(request)
    # parsing, validation and evaluation run in a worker thread: one big upload must not stall other requests
    return await run_in_threadpool(_precheck_submit, request, registry, body)


def _refused(request: Request, posted: Posted | None) -> Response | None:
    """403 for a post without this browser's CSRF token."""
    if posted is not None and csrf_ok(request, posted.get(CSRF_FIELD)):
        return None
    return render(request, "message.html", {
        "title": "提交未被接受", "back": "/",
        "message": "页面已过期或提交来源不明（缺少或不匹配的安全令牌）。为防止跨站伪造提交，本次内容未予处理："
                   "请重新打开页面后再提交。"}, status=403)


def _precheck_submit(request: Request, registry: Registry, body: bytes) -> Response:
    try:
        posted = parse_posted(body, request.headers.get("content-type", ""))
    except FormError as exc:  # nothing was read, so nothing is acted on: no token needed to say so
        return _precheck(request, registry, FormState(rows=dict.fromkeys(qn.lists(), 1)),
                         Errors(general=[f"{exc}，请重新填写后提交"]), status=400)
    refused = _refused(request, posted)
    if refused is not None:
        return refused
    state = qn.state_from_pairs(posted.pairs)
    if posted.bad:
        return _precheck(request, registry, state, Errors(general=[_bad_fields_message(posted)]), status=400)
    action = posted.get("action") or "check"
    if action in ("edit", "questionnaire"):
        errors = Errors()
        regime, _ = choose_regime(registry, state, errors)
        if regime is not None:
            stage_and_judge(state, regime, errors)
        return _precheck(request, registry, state, errors, status=422 if errors else 200)
    if qn.apply_action(state, action):
        return _precheck(request, registry, state, Errors())
    errors = Errors()
    uploaded = _parse_upload(posted.files.get("facts_file"), errors)
    if uploaded is not None:
        keep = {k: state.values[k] for k in CHOICE if k in state.values}
        state = qn.state_from_facts(uploaded)
        state.values.update(keep)
    if errors:
        return _precheck(request, registry, state, errors, status=422)
    if action == "compare":
        as_of = _form_day(state, errors)
        stage, judge = stage_and_judge(state, None, errors)
        built = qn.build_facts(state, errors)
        place_fact_errors(validate_facts(built.facts), built, errors, None, state)
        if errors:
            return _precheck(request, registry, state, errors, status=422)
        return _compare_response(request, registry, state, built.facts, as_of, None, stage, judge)
    if action == "download-facts":  # at any point: no regime needs to be chosen yet
        regime, q = current_questionnaire(registry, state)
        built = qn.build_facts(state, errors)
        place_fact_errors(validate_facts(built.facts), built, errors, q, state)
        if errors:
            return _precheck(request, registry, state, errors, status=422)
        return _download(_facts_download(built.facts, regime), "facts.yaml", "application/yaml")
    regime, as_of = choose_regime(registry, state, errors)
    stage, judge = stage_and_judge(state, regime, errors)
    q = qn.questionnaire(regime, stage, judge) if regime is not None and not errors else None
    built = qn.build_facts(state, errors)
    if uploaded is not None:
        built = Built(uploaded, {lid: list(range(state.row_count(lid))) for lid in qn.lists()})
    place_fact_errors(validate_facts(built.facts), built, errors, q, state)  # fields that did parse are checked too
    if errors or regime is None or as_of is None or q is None:
        return _precheck(request, registry, state, errors, status=422, q=q, regime=regime)
    return _decide(request, registry, state, built, regime, q, as_of)


# ---------------------------------------------------------------- result links: /r/<capability>

LINK_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32}$")  # secrets.token_urlsafe(24)
LINK_NOTE = "保存此链接可随时重新打开本次预审结果；持有链接者均可查看，请勿公开"


def new_capability() -> str:
    """A result link's secret: 192 random bits, so links cannot be guessed or enumerated like ids."""
    return secrets.token_urlsafe(24)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # the page carries (or is reached by) the secret link
    return response


@router.get("/r/{token}", response_class=HTMLResponse)
def result_link(request: Request, token: str) -> Response:
    """The logged decision a result link names, read-only: facts and result exactly as logged."""
    decision = request.app.state.store.find_by_capability(token) if LINK_SHAPE.match(token) else None
    if decision is None:
        return _no_store(render(request, "message.html", {
            "title": "找不到该预审结果", "back": "/",
            "message": "此链接无效或不完整：请核对链接是否完整复制（结果链接只能由提交预审时的页面生成）。"}, 404))
    registry: Registry = request.app.state.holder.current
    regime = registry.regimes.get(decision.regime_id)
    if regime is None or regime.hash != decision.regime_hash:
        try:  # the exact rules it was decided with, from the log's snapshot
            regime = snapshot_regime(request.app.state.store, decision.regime_hash)
        except ReplayError:
            regime = None  # shown by the logged id, version and hash only
    from engine.audit.replay import full_result  # a compact record is rebuilt under its snapshot and checked

    try:
        facts, result = decision.facts, full_result(request.app.state.store, decision)
    except ReplayError as exc:  # the record does not match its rebuild (or its snapshot is gone): say so
        return _no_store(render(request, "message.html", {"title": "无法重建该预审结果", "back": "/",
                                                          "message": str(exc)}, exc.status))
    state = qn.state_from_facts(facts)
    built = Built(facts, {lid: list(range(state.row_count(lid))) for lid in qn.lists()})
    view = result_view(result, regime, built, None, state)
    context = {"result": result, "regime": regime, "view": view, "decision": decision,
               "facts_text": qn.facts_yaml(facts)}
    registry: Registry = request.app.state.holder.current
    live = registry.regimes.get(decision.regime_id)
    if live is not None:  # the edition the served registry holds under that id: was it the one in force?
        context["edition_note"] = registry.edition_note(live, decision.as_of)
    return _no_store(render(request, "result_link.html", context))


def _download(text: str, filename: str, mime: str) -> Response:
    return Response(text.encode("utf-8"), media_type=f"{mime}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


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
        return load_facts_text(raw.decode("utf-8-sig"), filename or "上传的文件")
    except UnicodeDecodeError as exc:
        errors.add("facts_file", f"文件不是有效的 UTF-8 编码（第 {exc.start + 1} 个字节起）")
    except FactsError as exc:
        for line in exc.errors:
            errors.add("facts_file", _enum_labels(line))
    return None


def _decide(request: Request, registry: Registry, state: FormState, built: Built, regime: Any,
            q: Questionnaire, as_of: dt.date) -> Response:
    capability = new_capability()
    try:
        result = decide(request.app.state.store, regime, as_of, built.facts, q.stage, q.judge, capability=capability)
    except (SQLAlchemyError, EngineError) as exc:
        what = "决策日志" if isinstance(exc, SQLAlchemyError) else "规则引擎"
        errors = Errors(general=[f"{what}暂时不可用，请稍后重新提交（已填写的内容保留在下方）"])
        return _precheck(request, registry, state, errors, status=503, q=q, regime=regime)
    view = result_view(result, regime, built, q, state)
    link = {"path": f"/r/{capability}", "url": f"{str(request.base_url).rstrip('/')}/r/{capability}",
            "note": LINK_NOTE}
    return _no_store(_precheck(request, registry, state, Errors(), q=q, regime=regime, facts=built.facts,
                               built=built, result=result, view=view, link=link))


def _counts(result: dict[str, Any]) -> dict[str, int]:
    """The pre-check page's section counts of a result (what its chips say)."""
    out = {c: sum(1 for r in result["results"] if pick(r))
           for (_, pick, _), c in zip(GROUPS, ("fail", "missing", "warning", "pending", "pass", "entitlement"),
                                      strict=True)}
    out["manual"] = len(result.get("manual_checks", []))
    return out


def _ignored(registry: Registry, facts: dict[str, Any], ids: list[str], stage: str, judge: str) -> dict[str, list[str]]:
    """Per regime, the facts given that none of its rules judged here reads (labels): ignored for it."""
    state = qn.state_from_facts(facts)
    out: dict[str, list[str]] = {}
    for rid in ids:
        regime = registry.regimes.get(rid)
        if regime is None or judge not in regime.judgements:
            continue
        q = qn.questionnaire(regime, stage, judge)
        names = [n for n, _ in qn.carried(state, q) if not n.startswith("list.")]
        out[rid] = list(dict.fromkeys(qn.qualified_label(qn.split_name(n)[0]) for n in names))
    return out


def _compare_response(request: Request, registry: Registry, state: FormState | None, facts: dict[str, Any],
                      as_of: dt.date | None = None, regime_ids: list[str] | None = None, stage: str = "application",
                      judge: str = "application") -> Response:
    try:
        comparison_ = comparison.compare(registry, facts, regime_ids, as_of, stage=stage, judge=judge)
        table = comparison.outcome_table(comparison_, registry)
    except QueryError as exc:
        return render(request, "compare.html", _compare_context(registry, Errors(general=[str(exc)])), 422)
    except EngineError:
        return render(request, "compare.html", _compare_context(
            registry, Errors(general=["规则引擎暂时不可用，请稍后重试"])), 503)
    results = comparison_["results"]
    return render(request, "compare_facts.html", {
        "table": table, "state": state, "regimes_by_id": registry.regimes, "as_of": as_of or dt.date.today(),
        "stage": stage, "judge": judge, "skipped": comparison_.get("skipped", {}),
        "counts": {rid: _counts(r) for rid, r in results.items()},
        "verdict_texts": {rid: r.get("verdict_text") for rid, r in results.items()},
        # what each green answer did not judge, on the same screen: manual checks and later-stage rules
        "not_judged": {rid: {"manual": r.get("manual_checks", []), "later": r.get("later_stages", [])}
                       for rid, r in results.items()},
        "ignored": _ignored(registry, facts, list(results), stage, judge),
        "carried": [(n, v if isinstance(v, list) else [v]) for n, v in (state.values.items() if state else [])
                    if v not in ("", [])],
        "rows": state.rows if state else {}})


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
def compare_page(request: Request) -> Response:
    return render(request, "compare.html", _compare_context(request.app.state.holder.current))


def _picked(values: list[str], known: set[str], field_name: str, what: str, errors: Errors) -> list[str]:
    chosen = [v.strip() for v in values if v.strip()][:100]
    unknown = [v for v in chosen if v not in known]
    if unknown:
        errors.add(field_name, f"未知的{what}“{unknown[0]}”")
    return chosen


@router.get("/regimes/{regime_id}/source", response_class=HTMLResponse)
def source_page(request: Request, regime_id: str) -> Response:
    """The notice with every ledger sentence marked by status and linked to its rules."""
    registry: Registry = request.app.state.holder.current
    try:
        regime = registry.get(regime_id)
        data = ledger.regime_report(regime)
    except (SelectionError, ledger.SourceUnavailable) as exc:
        return render(request, "message.html", {"title": "找不到原文", "message": str(exc)}, 404)
    return render(request, "source.html", {"regime": regime, "data": data})


@router.get("/compare/matrix", response_class=HTMLResponse)
def matrix_page(request: Request) -> Response:
    registry: Registry = request.app.state.holder.current
    errors = Errors()
    regime_ids = _picked(request.query_params.getlist("regimes"), set(registry.regimes), "regimes", "规则集", errors)
    topics = _picked(request.query_params.getlist("topics"), set(comparison.ALL_TOPICS), "topics", "主题", errors)
    if errors:
        context = _compare_context(registry, errors, picked={"regimes": regime_ids, "topics": topics})
        return render(request, "compare.html", context, 422)
    data = comparison.matrix(registry, regime_ids or None, topics or None)
    return render(request, "matrix.html", {"data": data})


@router.get("/compare/diff", response_class=HTMLResponse)
def diff_page(request: Request) -> Response:
    registry: Registry = request.app.state.holder.current
    params = request.query_params
    errors = Errors()
    picked = {"from": params.get("from", "").strip(), "to": params.get("to", "").strip()}
    for key, label in (("from", "原规则集"), ("to", "新规则集")):
        if picked[key] not in registry.regimes:
            errors.add(f"diff_{key}", f"请选择{label}" if not picked[key] else f"未知的规则集“{picked[key]}”")
    if errors:
        context = _compare_context(registry, errors, diff_from=picked["from"], diff_to=picked["to"])
        return render(request, "compare.html", context, 422)
    data = comparison.diff(registry, picked["from"], picked["to"])
    show_all = params.get("all") == "1"
    entries = [{**e, "details": change_details(e), "name": rule_name(e)} for e in data["rules"]
               if show_all or e["change"] != "unchanged"]
    return render(request, "diff.html", {"data": data, "entries": entries, "show_all": show_all})


@router.post("/compare/facts", response_class=HTMLResponse)
async def compare_facts(request: Request) -> Response:
    registry: Registry = request.app.state.holder.current
    body = await _body(request)
    return await run_in_threadpool(_compare_facts, request, registry, body)


def _compare_facts(request: Request, registry: Registry, body: bytes) -> Response:
    errors = Errors()
    try:
        posted = parse_posted(body, request.headers.get("content-type", ""))
    except FormError as exc:
        errors.add(None, f"{exc}，请重新提交")
        return render(request, "compare.html", _compare_context(registry, errors), 400)
    refused = _refused(request, posted)
    if refused is not None:
        return refused
    if posted.bad:
        errors.add(None, _bad_fields_message(posted))
        return render(request, "compare.html", _compare_context(registry, errors), 400)
    text = posted.get("facts_text")
    facts = _parse_upload(posted.files.get("facts_file"), errors)
    if facts is None and not errors and text.strip():
        if len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
            errors.add("facts_text", f"粘贴的内容过长：不能超过 {MAX_UPLOAD_BYTES // 1024} KiB")
        else:
            try:
                facts = load_facts_text(text, "粘贴的内容")
            except FactsError as exc:
                for line in exc.errors:
                    errors.add("facts_text", _enum_labels(line))
    if facts is None and not errors:
        errors.add("facts_file", "请上传事实文件，或在下方粘贴 YAML / JSON")
    as_of_text = posted.get("as_of").strip()
    as_of = parse_day(as_of_text) if as_of_text else None
    if as_of_text and as_of is None:
        errors.add("compare_as_of", f"“{as_of_text}”不是有效日期（格式 YYYY-MM-DD）")
    regime_ids = _picked(posted.getlist("regimes"), set(registry.regimes), "compare_regimes", "规则集", errors)
    if errors or facts is None:
        context = _compare_context(registry, errors, facts_text=text, compare_as_of=as_of_text,
                                   picked={"regimes": regime_ids, "topics": []})
        return render(request, "compare.html", context, 422)
    return _compare_response(request, registry, None, facts, as_of, regime_ids or None)
