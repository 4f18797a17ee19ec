"""The policy staff's page /staff: upload a draft policy file and see, without loading anything, its validation
errors (file:line:col), its diff against the edition it would replace, the impact on logged decisions, and the
questions the pre-check page would ask under it.

Login as for /audit (service/routers/decisions.py): the token is posted once; the browser keeps only a random
session id in an HttpOnly, SameSite=Strict cookie on path /staff; the session lives in the decision log's
database. Only a role granting `staff` may log in. The upload form carries the double-submit CSRF token of
service/web.py. Everything runs in a worker thread; the draft is never compiled nor evaluated in the server:
validation and compilation run in the sandboxed child of engine/backends/sandbox.py, the impact replay in the one of
engine/audit/impact_child.py; the server only parses the YAML (for the diff and the questionnaire preview).
Nothing here touches the registry holder: a draft takes effect only through POST /v1/admin/reload.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from engine.audit.impact_child import impact_in_child
from engine.audit.replay import ReplayError
from engine.audit.store import Store
from engine.backends.sandbox import compile_candidate
from engine.compare.core import diff
from engine.compare.render import change_details, rule_name
from engine.policy.validate import PolicyError
from engine.registry import Registry
from service import sessions
from service.auth import GRANTS, login_check
from service.questionnaire import Questionnaire, RowGroup, questionnaire
from service.sessions import NO_STORE
from service.state import candidate_dir
from service.web import CSRF_FIELD, FormError, csrf_ok, parse_posted, render

log = logging.getLogger("regimes.staff")
router = APIRouter(include_in_schema=False)

COOKIE = "regimes_staff"
MAX_DRAFT_BYTES = 256 * 1024
IMPACT_LIMIT = 2000  # decisions replayed per upload: enough to see the effect, bounded in time
DRAFT_NAME = "<草稿>"
TEMP_SUFFIX = "（草稿）"  # the key a draft gets in the diff registry when it keeps the loaded edition's id


def _store(request: Request) -> Store:
    return request.app.state.store


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    response = render(request, name, context, status)
    response.headers.update(NO_STORE)
    return response


def _staff_session(request: Request) -> tuple[str, str] | None:
    """(role, actor) of this browser's live staff session, else None (a session of a role without staff too)."""
    found = sessions.current(request, COOKIE)
    if found is None or "staff" not in GRANTS.get(found[0], set()):
        return None
    return found


def _to_login() -> RedirectResponse:
    return RedirectResponse("/staff/login", status_code=303, headers=NO_STORE)


# ---------------------------------------------------------------- login

@router.get("/staff/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _page(request, "staff_login.html", {"error": None, "configured": bool(request.app.state.tokens.entries)})


@router.post("/staff/login")
async def login(request: Request) -> Response:
    form = await request.form()
    token = str(form.get("token") or "").strip()
    tokens = request.app.state.tokens
    role, error = login_check(tokens, token, "staff", "规则起草页面")
    if error is not None or role is None:
        return _page(request, "staff_login.html", {"error": error, "configured": bool(tokens.entries)}, 401)
    return await sessions.start(request, COOKIE, "/staff", role, token, "/staff")


@router.post("/staff/logout")
def logout(request: Request) -> Response:
    return sessions.end(request, COOKIE, "/staff", "/staff/login")


# ---------------------------------------------------------------- the page

@router.get("/staff", response_class=HTMLResponse)
def staff_page(request: Request) -> Response:
    who = _staff_session(request)
    if who is None:
        return _to_login()
    return _page(request, "staff.html", _context(request, who[0]))


def _context(request: Request, role: str, **more: Any) -> dict[str, Any]:
    registry: Registry = request.app.state.holder.current
    return {"role": role, "loaded": sorted(registry.regimes), "errors": [], "result": None, "limit": IMPACT_LIMIT,
            "max_kib": MAX_DRAFT_BYTES // 1024, **more}


@router.post("/staff", response_class=HTMLResponse)
async def staff_review(request: Request) -> Response:
    registry: Registry = request.app.state.holder.current  # the rules in force now, kept across a reload
    body = await request.body()  # already buffered by BodyLimitMiddleware; everything else runs in a thread
    return await run_in_threadpool(_review, request, registry, body)


def _review(request: Request, registry: Registry, body: bytes) -> Response:
    who = _staff_session(request)
    if who is None:
        return _to_login()
    role = who[0]
    try:
        posted = parse_posted(body, request.headers.get("content-type", ""))
    except FormError as exc:
        return _page(request, "staff.html", _context(request, role, errors=[f"{exc}，请重新上传"]), 400)
    if not csrf_ok(request, posted.get(CSRF_FIELD)):
        return _page(request, "staff.html", _context(request, role, errors=[
            "页面已过期或提交来源不明（缺少或不匹配的安全令牌）。为防止跨站伪造提交，本次内容未予处理：请重新打开页面后再上传。"]),
            403)
    upload = posted.files.get("policy_file")
    raw = upload[1] if upload is not None and upload[1].strip() else posted.get("policy_text").encode("utf-8")
    text, problem = _decode(raw)
    if problem is not None:
        return _page(request, "staff.html", _context(request, role, errors=[problem]), 422)
    where = candidate_dir(request.app.state.holder.root)  # read as if it sat in policies/<region>/
    try:
        # validated and compiled in a sandboxed child with a time limit; this process only parses it
        candidate = compile_candidate(text, DRAFT_NAME, where, compile_here=False)
        # the impact replay, bounded to IMPACT_LIMIT decisions, in another sandboxed child
        out = impact_in_child(text, DRAFT_NAME, where, _store(request).url, registry, IMPACT_LIMIT)
    except PolicyError as exc:
        return _page(request, "staff.html", _context(request, role, errors=list(exc.errors)), 422)
    except ReplayError as exc:  # ImpactError: time limit, too many at once, log unavailable
        return _page(request, "staff.html", _context(request, role, errors=[str(exc)]), exc.status)
    return _page(request, "staff.html", _context(request, role, result=_result(registry, candidate, out)))


def _decode(raw: bytes) -> tuple[str, str | None]:
    if not raw.strip():
        return "", "请选择规则草稿文件（YAML），或在文本框中粘贴其内容"
    if len(raw) > MAX_DRAFT_BYTES:
        return "", f"文件过大：规则草稿不能超过 {MAX_DRAFT_BYTES // 1024} KiB（收到 {len(raw) // 1024} KiB）"
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return "", f"{DRAFT_NAME}: 文件不是有效的 UTF-8 文本（第 {exc.start + 1} 个字节起）"


def _result(registry: Registry, candidate: Any, out: dict[str, Any]) -> dict[str, Any]:
    replaces = out["replaces"]  # as the child found it: the same id, else the edition in force on effective_from
    old = registry.regimes.get(replaces["id"]) if replaces else None
    comparison = None
    if old is not None:
        key = candidate.id if candidate.id != old.id else candidate.id + TEMP_SUFFIX
        data = diff(Registry(regimes={old.id: old, key: candidate}), old.id, key)
        entries = [{**e, "details": change_details(e), "name": rule_name(e)} for e in data["rules"]
                   if e["change"] != "unchanged"]
        comparison = {"data": data, "entries": entries}
    return {"candidate": candidate, "replaces": replaces, "replaces_loaded": old is not None, "diff": comparison,
            "impact": out, "questionnaires": _questions(candidate)}


def _questions(candidate: Any) -> list[dict[str, Any]]:
    """Per judgement of the draft, the application-stage questions the pre-check page would ask, grouped."""
    out = []
    for judge in candidate.judgements:
        q: Questionnaire = questionnaire(candidate, "application", judge)
        parts = []
        for part in q.parts:
            sections = []
            for section in part.sections:
                items = []
                for item in section.items:
                    if isinstance(item, RowGroup):
                        items.append({"label": item.spec.label, "rows": [_question(x) for x in item.questions]})
                    else:
                        items.append(_question(item))
                sections.append({"title": section.title, "items": items})
            parts.append({"title": part.title, "sections": sections})
        out.append({"judge": judge, "rule_count": q.rule_count, "count": len(q.questions), "parts": parts})
    return out


def _question(question: Any) -> dict[str, Any]:
    leaf = question.leaf
    return {"label": leaf.label, "pattern": leaf.pattern, "unit": leaf.unit, "conditional": question.conditional,
            "rules": [b.rule.local_id for b in question.rules], "rows": None}

