"""Auditors' decision search (GET /v1/decisions) and the read-only auditor pages under /audit.

API: a bearer token whose role grants `auditor` (auditor or staff), as for GET /v1/decisions/{id}.
Pages: a login form takes the token once and sets a cookie holding only a random session id (HttpOnly,
SameSite=Strict, path /audit); the session (role, token digest, expiry) is kept in the decision log's
database, so every worker sees it. Each search and each decision shown is recorded in the read log
(`decision_reads`: role, token digest, time, action, decision ids) before the answer is sent. The experts'
names are shown only to the auditor role; a staff login sees them replaced.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from engine.audit.replay import ReplayError
from engine.audit.search import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    VERDICTS,
    DecisionQuery,
    SearchError,
    decision_report,
    local_time,
    region_query,
    search,
)
from engine.audit.store import Store
from engine.policy.model import STAGES
from engine.registry import Registry, SelectionError
from engine.vocabulary import OUTCOME_TEXT
from service import sessions
from service.auth import login_check, require
from service.errors import ApiError
from service.models import ErrorBody, RegimeRef
from service.sessions import NO_STORE, token_digest
from service.web import templates

log = logging.getLogger("regimes.audit")
router = APIRouter()

COOKIE = "regimes_audit"
FILTER_LABELS = {"regime": "规则集", "region": "地区", "project_id": "项目编号", "unit": "申报单位或承办单位",
                 "verdict": "结论", "stage": "阶段", "from": "自", "to": "至", "page": "页码", "page_size": "每页"}
_NEXT = re.compile(r"^/audit(/[A-Za-z0-9._~%-]+)*/?(\?[A-Za-z0-9._~%&=+-]*)?$")


# ---------------------------------------------------------------- who is reading

def bearer_actor(request: Request) -> str:
    _, _, token = (request.headers.get("authorization") or "").partition(" ")
    return token_digest(token)


def record_read(request: Request, role: str, action: str, decision_ids: list[str],
                query: dict[str, Any] | None = None) -> None:
    """Log that the bearer of this request's token read these decisions (committed before the answer;
    a database error becomes the service's 503, so nothing is shown unlogged)."""
    _store(request).log_read(role, bearer_actor(request), action, decision_ids, query)


def _store(request: Request) -> Store:
    return request.app.state.store


def _registry(request: Request) -> Registry:
    return request.app.state.holder.current


# ---------------------------------------------------------------- API

class DecisionItem(BaseModel):
    id: str
    created_at: str = Field(description="UTC, ISO 8601")
    regime: RegimeRef
    region: str | None = Field(description="region code; null for decisions logged before the search columns")
    as_of: str
    stage: str
    judged: str
    verdict: str | None
    project_id: str | None
    applicant_unit: str | None
    host_unit: str | None


EXAMPLE_PAGE = {
    "items": [{"id": "3f2b6c1e-8d4a-4e0b-9a57-2c1d0e6f9b10", "created_at": "2026-02-05T02:13:45.120391+00:00",
               "regime": {"id": "shanghai-2026", "version": "1.1.0",
                          "hash": "sha256:6cef72d0edce73bb49abc4905074d5a449918843fc09a05a2b67381ceb4f27f1"},
               "region": "shanghai", "as_of": "2026-02-05", "stage": "application", "judged": "application",
               "verdict": "eligible", "project_id": "SH-2026-012", "applicant_unit": "上海交通大学农业与生物学院",
               "host_unit": "上海交通大学农业与生物学院"}],
    "page": 1, "page_size": 20, "total": 1, "pages": 1, "filters": {"region": "shanghai", "project_id": "SH-2026-012"},
}


class DecisionPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_PAGE]})

    items: list[DecisionItem]
    page: int
    page_size: int
    total: int = Field(description="decisions matching every filter")
    pages: int
    filters: dict[str, Any] = Field(description="the filters applied (region as its code)")


AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "缺少令牌或令牌未知"},
    403: {"model": ErrorBody, "description": "令牌的角色无权执行此操作"},
    422: {"model": ErrorBody, "description": "查询条件有误；`errors[].field` 指明参数"},
}

Verdict = Literal["eligible", "ineligible", "incomplete"]
Stage = Literal["application", "filing", "implementation", "closing"]


def _search_errors(exc: SearchError) -> ApiError:
    return ApiError(422, "查询条件有误", exc.problems)


@router.get("/v1/decisions", response_model=DecisionPage, tags=["decisions"], responses=AUTH_ERRORS,
            summary="查找已记录的决策：按规则集、地区、项目编号、单位、结论、阶段、日期筛选，最新的在前（auditor / staff）")
def search_decisions(
    request: Request,
    role: Annotated[str, Depends(require("auditor"))],
    regime: Annotated[str | None, Query(max_length=200, description="规则集编号", examples=["shanghai-2026"])] = None,
    region: Annotated[str | None, Query(max_length=100, description="地区代码或名称（shanghai、上海）")] = None,
    project_id: Annotated[str | None, Query(max_length=1000, description="项目编号（完全一致）")] = None,
    unit: Annotated[str | None, Query(max_length=1000, description="申报单位或承办单位（完全一致）")] = None,
    verdict: Annotated[Verdict | None, Query(description="结论")] = None,
    stage: Annotated[Stage | None, Query(description="阶段")] = None,
    date_from: Annotated[dt.date | None, Query(alias="from", description="决策日期不早于（北京时间，含当日）")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="决策日期不晚于（北京时间，含当日）")] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"每页条数（最多 {MAX_PAGE_SIZE}）")] = 20,
) -> dict[str, Any]:
    code, region_regimes = region_query(_registry(request), region) if region and region.strip() else (None, ())
    query = DecisionQuery(regime=regime or None, region=code, project_id=project_id, unit=unit, verdict=verdict,
                          stage=stage, date_from=date_from, date_to=date_to, page=page, page_size=page_size,
                          region_regimes=region_regimes)
    try:
        out = search(_store(request), query)
    except SearchError as exc:
        raise _search_errors(exc) from None
    record_read(request, role, "api-search", [i["id"] for i in out["items"]], query.filters())
    return out


# ---------------------------------------------------------------- pages: login

def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(NO_STORE)
    return response


def _session(request: Request) -> tuple[str, str] | None:
    return sessions.current(request, COOKIE)


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/audit/login?" + urlencode({"next": target}), status_code=303, headers=NO_STORE)


def _safe_next(value: str | None) -> str:
    """Only a page of /audit itself: a login form must not send anyone elsewhere."""
    return value if value and _NEXT.match(value) and "//" not in value else "/audit"


@router.get("/audit/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return _page(request, "auditor_login.html", {"next": _safe_next(next), "error": None,
                                                 "configured": bool(request.app.state.tokens.entries)})


@router.post("/audit/login", include_in_schema=False)
async def login(request: Request) -> Response:
    form = await request.form()
    token = str(form.get("token") or "").strip()
    target = _safe_next(str(form.get("next") or ""))
    tokens = request.app.state.tokens
    role, error = login_check(tokens, token, "auditor", "审计页面")
    if error is not None or role is None:
        context = {"next": target, "error": error, "configured": bool(tokens.entries)}
        return _page(request, "auditor_login.html", context, status=401)
    return await sessions.start(request, COOKIE, "/audit", role, token, target)


@router.post("/audit/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    return sessions.end(request, COOKIE, "/audit", "/audit/login")


# ---------------------------------------------------------------- pages: search and report

def _text(params: Any, name: str) -> str:
    return str(params.get(name) or "").strip()[:1000]


def _day(params: Any, name: str, errors: dict[str, str]) -> dt.date | None:
    text = _text(params, name)
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = f"“{text}”不是有效日期（格式 YYYY-MM-DD）"
        return None


def _number(params: Any, name: str, default: int, errors: dict[str, str]) -> int:
    text = _text(params, name)
    if not text:
        return default
    if not text.isdigit() or len(text) > 7:
        errors[name] = f"“{text}”不是正整数"
        return default
    return int(text)


def _form_query(request: Request, errors: dict[str, str]) -> tuple[DecisionQuery, dict[str, str]]:
    params = request.query_params
    shown = {k: _text(params, k) for k in ("regime", "region", "project_id", "unit", "verdict", "stage", "from", "to")}
    if shown["verdict"] and shown["verdict"] not in VERDICTS:
        errors["verdict"] = f"“{shown['verdict']}”不是可选的结论"
    if shown["stage"] and shown["stage"] not in STAGES:
        errors["stage"] = f"“{shown['stage']}”不是可选的阶段"
    code, region_regimes = region_query(_registry(request), shown["region"]) if shown["region"] else (None, ())
    query = DecisionQuery(
        regime=shown["regime"] or None, region=code, project_id=shown["project_id"] or None,
        unit=shown["unit"] or None, verdict=(shown["verdict"] or None) if "verdict" not in errors else None,
        stage=(shown["stage"] or None) if "stage" not in errors else None, date_from=_day(params, "from", errors),
        date_to=_day(params, "to", errors), page=_number(params, "page", 1, errors),
        page_size=_number(params, "page_size", 20, errors), region_regimes=region_regimes)
    try:
        query.checked()
    except SearchError as exc:
        errors.update({field: message.split(": ", 1)[-1] for field, message in exc.problems})
    return query, shown


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request) -> Response:
    who = _session(request)
    if who is None:
        return _to_login(request)
    role, actor = who
    errors: dict[str, str] = {}
    query, shown = _form_query(request, errors)
    searched = any(shown.values()) or "page" in request.query_params
    out = None
    if not errors:
        out = search(_store(request), query)
        _store(request).log_read(role, actor, "web-search", [i["id"] for i in out["items"]], query.filters())

    def page_url(n: int) -> str:
        kept = {k: v for k, v in shown.items() if v}
        return "/audit?" + urlencode({**kept, "page": n, "page_size": query.page_size})

    registry = _registry(request)
    return _page(request, "auditor_search.html", {
        "role": role, "shown": shown, "errors": errors, "out": out, "searched": searched, "page_url": page_url,
        "regimes": sorted(registry.regimes.values(), key=lambda r: (r.region, r.effective_from)),
        "regions": sorted({(r.region, r.region_name) for r in registry.regimes.values()}),
        "verdicts": VERDICTS, "stages": STAGES, "local_time": local_time, "page_size": query.page_size,
        "labels": FILTER_LABELS,
    }, status=422 if errors else 200)


@router.get("/audit/decisions/{decision_id}", response_class=HTMLResponse, include_in_schema=False)
def report_page(request: Request, decision_id: str) -> Response:
    who = _session(request)
    if who is None:
        return _to_login(request)
    role, actor = who
    store, registry = _store(request), _registry(request)
    params = request.query_params
    errors: dict[str, str] = {}
    other = _text(params, "regime") or None
    as_of = _day(params, "as_of", errors)
    if other and as_of:
        errors["regime"] = "“改用规则集”与“改用日期”只能二选一"
    elif other and other not in registry.regimes:
        errors["regime"] = f"未知的规则集“{other}”"
    personal = role == "auditor"
    decision_id = decision_id[:64]
    try:
        if errors:
            report = decision_report(store, decision_id, show_personal=personal)
        else:
            try:
                report = decision_report(store, decision_id, registry, other, as_of, show_personal=personal)
            except SelectionError as exc:
                errors["as_of" if as_of else "regime"] = str(exc)
                report = decision_report(store, decision_id, show_personal=personal)
    except ReplayError as exc:
        return _page(request, "auditor_message.html", {"role": role, "title": "找不到这条决策", "message": str(exc)},
                     status=exc.status)
    store.log_read(role, actor, "web-report", [decision_id],
                   {"regime": other, "as_of": as_of.isoformat() if as_of else None} if other or as_of else None)
    region = report["regime"]["region"]
    choices = sorted((r for r in registry.regimes.values() if r.region == region), key=lambda r: r.effective_from)
    facts_yaml = yaml.safe_dump(report["facts"], allow_unicode=True, sort_keys=False, default_flow_style=False)
    return _page(request, "auditor_report.html", {
        "role": role, "report": report, "errors": errors, "facts_yaml": facts_yaml, "choices": choices,
        "picked": {"regime": other or "", "as_of": as_of.isoformat() if as_of else _text(params, "as_of")},
        "OUTCOME_TEXT": OUTCOME_TEXT, "personal": personal,
    }, status=422 if errors else 200)
