"""The HTTP service of CONTRACT.md (FastAPI). `regimes serve` runs `service.app:app` under uvicorn.

Configuration, all from the environment: REGIMES_POLICIES (policy directory),
REGIMES_DATABASE_URL (decision log; default a SQLite file in the working directory),
REGIMES_TOKENS (`auditor:TOKEN,staff:TOKEN`). Errors are `{"error", "errors": [{"field",
"message"}]}` (service/errors.py); no input is meant to produce a 500.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from swagger_ui_bundle import swagger_ui_path

from engine.audit.impact_child import DEFAULT_LIMIT, MAX_LIMIT, impact_in_child
from engine.audit.replay import ReplayError, decide, replay
from engine.audit.search import impact_csv
from engine.audit.store import Store, safe_url
from engine.backends import live_states
from engine.backends.sandbox import compile_candidate
from engine.facts import validate_facts
from engine.policy import ledger
from engine.policy.validate import PolicyError
from engine.registry import Registry, SelectionError
from engine.settings import configure_logging, settings
from service import examples, hosts, workers
from service.auth import TokenTable, require
from service.errors import (
    ApiError,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    error_response,
    facts_errors,
    install_handlers,
    policy_errors,
)
from service.models import (
    CompactEvaluationResult,
    CompareRequest,
    CompareResponse,
    DecisionRecord,
    ErrorBody,
    EvaluateRequest,
    EvaluationResult,
    Health,
    ImpactResponse,
    RegimeDetail,
    RegimeSummary,
    ReloadResponse,
    ReplayRequest,
    ReplayResponse,
    parse_date,
)
from service.ratelimit import RateLimitMiddleware
from service.responses import Detail, FastJSONResponse, OrjsonRoute, compact, shaped
from service.routers.decisions import record_read
from service.state import RegistryHolder, candidate_dir

log = logging.getLogger("regimes.service")

DESCRIPTION = """专家服务基层政策规则服务：按规则集判定事实、比较各地规则、记录并复核每一次判定。

角色：`evaluate`、`compare`、`matrix`、`diff`、`regimes`、`healthz` 无需令牌；`decisions` 与 `replay`
需要 auditor 或 staff 令牌；`impact` 与 `admin/reload` 需要 staff 令牌（`Authorization: Bearer <令牌>`）。

错误一律为 `{"error": 摘要, "errors": [{"field": 字段, "message": 说明}]}`：401 缺少或未知令牌，
403 角色无权，404 不存在，413 请求体超过 1 MiB，422 内容有误（JSON 无法解析、类型或取值不对、未知字段或规则集；
字段路径见 `field`），503 规则引擎或决策日志暂不可用。
"""

ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "请求内容有误；`errors[].field` 指明字段"},
    413: {"model": ErrorBody, "description": "请求体过大"},
}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "缺少令牌或令牌未知"},
    403: {"model": ErrorBody, "description": "令牌的角色无权执行此操作"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "不存在"}}


DETAIL_HELP = ("full：每条结果都带出处（默认，见 CONTRACT）；compact：每条规则不变的部分（主题、主体、类别、严重程度、阶段、"
               "出处）只给一次，放在 rules[规则编号]，响应小得多")
DetailParam = Annotated[Detail, Query(description=DETAIL_HELP)]
DecisionIdParam = Annotated[str, PathParam(max_length=64, examples=["3f2b6c1e-8d4a-4e0b-9a57-2c1d0e6f9b10"])]


def _registry(request: Request) -> Registry:
    return request.app.state.holder.current


def _store(request: Request) -> Store:
    return request.app.state.store


def _select(registry: Registry, regime: str | None, region: str | None, as_of: dt.date) -> Any:
    if regime and region:
        raise ApiError(422, "regime 与 region 只能二选一", [("region", "region: 已指定 regime 时不能再指定 region")])
    if not (regime or region):
        raise ApiError(422, "请指定规则集", [("regime", "regime: 请用 regime 指定规则集，或用 region（及 as_of）按地区选择")])
    try:
        return registry.get(regime) if regime else registry.select(region or "", as_of)
    except SelectionError as exc:
        field = "regime" if regime else "region"
        raise ApiError(422, str(exc), [(field, f"{field}: {exc}")]) from None


def _check_facts(facts: dict[str, Any]) -> None:
    problems = validate_facts(facts)
    if problems:
        raise ApiError(422, "事实有误", facts_errors(problems))


def _ids(text: str | None, field: str) -> list[str] | None:
    if text is None or not text.strip():
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    if len(items) > 100:
        raise ApiError(422, f"{field} 过多", [(field, f"{field}: 最多 100 项")])
    return items


def _regime_detail(regime: Any) -> dict[str, Any]:
    out = regime.summary()
    out["rules"] = [{
        "id": r.id, "title": r.title, "topic": r.topic, "subject": r.subject, "each": r.each, "kind": r.kind,
        "severity": r.severity, "params": r.params, "message": r.message, "source": r.source.as_dict(),
        "stage": r.stage, "reading": r.reading or None,
    } for r in regime.rules]
    return out


# ---------------------------------------------------------------- lifecycle

def _hash_list(hashes: dict[str, str]) -> str:
    return ", ".join(f"{k} {v[:19]}" for k, v in hashes.items()) or "（无）"


def _announced(app: FastAPI, announced: str) -> None:
    """Another worker or host announced the revision it serves after a reload: re-read our own files unless we
    already serve it (the worker that announced it, and the workers of its host, do)."""
    if workers.revision(app.state.holder.hashes()) == announced:
        return
    _reload(app, "NOTIFY")
    now = workers.revision(app.state.holder.hashes())
    if now != announced:
        log.warning("重新加载后本机规则版本 %s 仍与其他主机通知的 %s 不同：请确认各主机部署了相同的规则文件", now, announced)


def _reload(app: FastAPI, why: str, confirm_removal: bool = False) -> list[str]:
    before = app.state.holder.hashes()
    errors = app.state.holder.reload(confirm_removal)
    if errors:
        log.warning("重新加载规则（%s）失败，继续使用上一组有效规则 [%s]：%s", why, _hash_list(before), "；".join(errors))
    else:
        log.info("已重新加载规则（%s）：[%s] → [%s]", why, _hash_list(before), _hash_list(app.state.holder.hashes()))
    holder = app.state.holder
    workers.announce(holder.hashes(), reloaded=True, errors=errors)
    if why == "HTTP" and not errors and workers.run_dir() is not None:
        # under `regimes serve --workers N` every other worker reloads too, and this answer waits for them
        report = workers.fan_out(holder.hashes(), confirm_removal)
        if holder.last_reload is not None:
            holder.last_reload["workers"] = report["workers"]
        behind = [w for w in report["workers"] if w["revision"] != report["revision"]]
        if behind:
            log.warning("其他工作进程未加载修订 %s：%s", report["revision"],
                        "；".join(f"pid {w['pid']} 为 {w['revision']}" for w in behind))
            raise ApiError(503, f"本工作进程已加载新规则（修订 {report['revision']}），但有工作进程未在 "
                                f"{workers.FANOUT_TIMEOUT_S:.0f} 秒内加载同一组规则", [
                ("workers", f"workers: 工作进程 pid {w['pid']} 仍为修订 {w['revision'] or '（未就绪）'}"
                            + (f"：{'；'.join(w['errors'])}" if w.get("errors") else "")) for w in behind],
                headers={"Retry-After": "5"}, extra={"revision": report["revision"], "workers": report["workers"]})
    if why == "HTTP" and not errors and app.state.store.dialect == "postgresql":
        try:  # other hosts on this database re-read their files (service/hosts.py)
            hosts.announce(app.state.store.engine, workers.revision(holder.hashes()))
        except SQLAlchemyError as exc:  # this host serves the new set either way; the others are told by hand
            log.warning("无法通知其他主机重新加载规则（%s）：请逐台重新加载", exc.__class__.__name__)
    return errors


def _install_sighup(app: FastAPI) -> bool:
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Future[Any]] = set()

    def on_hup(why: str = "SIGHUP", confirm_removal: bool = False) -> None:
        task = asyncio.ensure_future(asyncio.to_thread(_reload, app, why, confirm_removal))
        pending.add(task)
        task.add_done_callback(pending.discard)

    try:
        loop.add_signal_handler(signal.SIGHUP, on_hup)
        if workers.run_dir() is not None:  # the supervisor passes on a reload that confirmed a removal
            loop.add_signal_handler(signal.SIGUSR2, on_hup, "SIGUSR2：确认停用", True)
    except (NotImplementedError, RuntimeError, ValueError, AttributeError):
        return False  # not the main thread (e.g. the ASGI test client) or no SIGHUP on this platform
    return True


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    configure_logging()
    cfg = app.state.config
    app.state.tokens = cfg.get("tokens") or TokenTable.from_env()
    roles = app.state.tokens.roles()
    log.info("令牌：已配置角色 %s", "、".join(roles) if roles else "（无：只有开放接口可用）")
    app.state.holder = RegistryHolder(cfg.get("policies"))
    for line in app.state.holder.errors:
        log.warning("已跳过无效的规则文件：%s", line)
    app.state.store = cfg.get("store") or Store(cfg.get("database_url"))
    hup = _install_sighup(app)
    workers.announce(app.state.holder.hashes(), errors=app.state.holder.errors)  # its peers see it is up
    listener = None
    if app.state.store.dialect == "postgresql":  # other hosts on this database announce their reloads
        listener = hosts.Listener(app.state.store.url, lambda rev: _announced(app, rev))
        listener.start()
    app.state.host_listener = listener
    try:
        yield
    finally:
        if listener is not None:
            listener.stop()
        workers.depart()
        if hup:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            asyncio.get_running_loop().remove_signal_handler(signal.SIGUSR2)
        if cfg.get("store") is None:
            app.state.store.close()


# ---------------------------------------------------------------- the app

def create_app(policies: Path | None = None, database_url: str | None = None, store: Store | None = None,
               tokens: TokenTable | None = None, rate_limit: int | None = None) -> FastAPI:
    """The service; anything not given comes from the environment when the app starts."""
    app = FastAPI(title="regimes", version="1.0.0", description=DESCRIPTION, lifespan=lifespan, docs_url=None,
                  redoc_url=None)
    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:  # Swagger UI from the packaged bundle: no CDN, works offline
        return get_swagger_ui_html(openapi_url="/openapi.json", title="regimes — 接口文档",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css", swagger_favicon_url="")

    app.state.config = {"policies": policies, "database_url": database_url, "store": store, "tokens": tokens}
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RateLimitMiddleware, per_minute=settings().rate_limit if rate_limit is None else rate_limit)
    app.add_middleware(SecurityHeadersMiddleware)
    install_handlers(app)

    @app.exception_handler(SQLAlchemyError)
    async def _database(_: Request, exc: SQLAlchemyError) -> JSONResponse:
        log.error("决策日志出错：%s", exc.__class__.__name__)
        return error_response(503, "决策日志暂时不可用，请稍后重试", headers={"Retry-After": "5"})

    @app.exception_handler(ReplayError)
    async def _replay(_: Request, exc: ReplayError) -> JSONResponse:
        headers = {"Retry-After": "5"} if exc.status == 503 else None
        return error_response(exc.status, str(exc), [(exc.field, f"{exc.field}: {exc}")], headers=headers)

    app.router.route_class = OrjsonRoute  # the API's JSON bodies parsed with orjson (service/responses.py)
    _routes(app)
    from service.web import router as web_router  # the Chinese pages for applicants and policy staff

    app.include_router(web_router)
    from service.routers import decisions as decisions_router
    from service.routers import staff as staff_router

    app.include_router(decisions_router.router)
    app.include_router(staff_router.router)  # policy staff: preview a draft (validate, diff, impact, questions)
    from service.openapi import install_openapi

    install_openapi(app)
    from service.metrics import install_metrics

    install_metrics(app)  # outermost: it times every request, the middlewares' answers included
    return app


def _routes(app: FastAPI) -> None:  # noqa: C901  (one place that lists the whole HTTP surface)
    staff = [Depends(require("staff"))]

    @app.get("/healthz", response_model=Health, tags=["service"], summary="存活检查，及已加载规则集的内容哈希")
    def healthz(request: Request) -> dict[str, Any]:
        holder = request.app.state.holder
        hashes = holder.hashes()
        return {"status": "ok", "regimes": hashes, "revision": workers.revision(hashes), "pid": os.getpid(),
                "errors": holder.errors,
                "loaded_at": holder.loaded_at.isoformat(), "database": _store(request).dialect,
                "database_url": safe_url(_store(request).url),
                "live_engine_states": live_states(), "last_reload": holder.last_reload}

    @app.get("/v1/regimes", response_model=list[RegimeSummary], tags=["regimes"], summary="全部规则集")
    def list_regimes(request: Request) -> list[dict[str, Any]]:
        regs = sorted(_registry(request).regimes.values(), key=lambda r: (r.region, r.effective_from))
        return [r.summary() for r in regs]

    @app.get("/v1/regimes/{regime_id}", response_model=RegimeDetail, tags=["regimes"], summary="一个规则集及其全部规则",
             responses=NOT_FOUND)
    def get_regime(request: Request,
                   regime_id: Annotated[str, PathParam(max_length=200, examples=["liaoning-2026"])]) -> dict[str, Any]:
        try:
            return _regime_detail(_registry(request).get(regime_id))
        except SelectionError as exc:
            raise ApiError(404, str(exc), [("regime_id", f"regime_id: {exc}")]) from None

    @app.get("/v1/regimes/{regime_id}/ledger", tags=["regimes"], summary="条文台账：原文每句规范性语句及其处理",
             responses={200: {"content": {"application/json": {"example": examples.LEDGER}}}, **NOT_FOUND})
    def get_ledger(request: Request,
                   regime_id: Annotated[str, PathParam(max_length=200, examples=["liaoning-2026"])]) -> JSONResponse:
        try:
            regime = _registry(request).get(regime_id)
        except SelectionError as exc:
            raise ApiError(404, str(exc), [("regime_id", f"regime_id: {exc}")]) from None
        try:
            return JSONResponse(ledger.regime_report(regime))
        except ledger.SourceUnavailable as exc:
            raise ApiError(503, str(exc)) from None

    @app.post("/v1/evaluate", tags=["evaluate"], summary="判定事实（记入决策日志，返回 decision_id）",
              responses={200: {"model": EvaluationResult | CompactEvaluationResult, "description": "判定结果"},
                         **ERRORS,
                         503: {"model": ErrorBody, "description": "规则引擎或决策日志暂不可用"}})
    def evaluate_facts(request: Request, body: EvaluateRequest, detail: DetailParam = "full") -> JSONResponse:
        registry = _registry(request)  # this request keeps these rules even if a reload swaps them
        as_of = parse_date(body.as_of) or dt.date.today()
        regime = _select(registry, body.regime, body.region, as_of)
        _check_facts(body.facts)
        note = registry.edition_note(regime, as_of) if body.regime else ""  # an edition asked for by id
        result = decide(_store(request), regime, as_of, body.facts, body.stage, body.judge, edition_note=note)
        return FastJSONResponse(shaped(result, detail))

    @app.post("/v1/compare", tags=["compare"], summary="同一份事实在各规则集下的判定（不记入日志）",
              responses={200: {"model": CompareResponse}, **ERRORS})
    def compare(request: Request, body: CompareRequest, detail: DetailParam = "full") -> JSONResponse:
        from engine.compare import core as comparison

        _check_facts(body.facts)
        try:
            out = comparison.compare(_registry(request), body.facts, body.regimes, parse_date(body.as_of),
                                     stage=body.stage, judge=body.judge)
        except SelectionError as exc:
            raise ApiError(422, str(exc), [("regimes", f"regimes: {exc}")]) from None
        if detail == "compact":
            out = {**out, "results": {rid: compact(r) for rid, r in out["results"].items()}}
        return FastJSONResponse(out)

    @app.get("/v1/matrix", tags=["compare"], summary="主题 × 规则集：各地要求对照（附出处）",
             responses={200: {"content": {"application/json": {"example": examples.MATRIX}}}, **ERRORS})
    def matrix(request: Request,
               regimes: Annotated[str | None, Query(max_length=5000, description="逗号分隔的规则集编号",
                                                    examples=["liaoning-2026,shanghai-2026"])] = None,
               topics: Annotated[str | None, Query(max_length=5000, description="逗号分隔的主题",
                                                   examples=["expert.title,funding.support"])] = None) -> JSONResponse:
        from engine.compare import core as comparison

        regime_ids, topic_ids = _ids(regimes, "regimes"), _ids(topics, "topics")
        try:
            return JSONResponse(comparison.matrix(_registry(request), regime_ids, topic_ids))
        except SelectionError as exc:
            field = "topics" if "主题" in str(exc) else "regimes"
            raise ApiError(422, str(exc), [(field, f"{field}: {exc}")]) from None

    @app.get("/v1/diff", tags=["compare"], summary="两个规则集之间的变化（按主题、按规则）",
             responses={200: {"content": {"application/json": {"example": examples.DIFF}}}, **ERRORS})
    def diff(request: Request,
             from_id: Annotated[str, Query(alias="from", max_length=200, examples=["shanghai-2022"])],
             to_id: Annotated[str, Query(alias="to", max_length=200, examples=["shanghai-2026"])]) -> JSONResponse:
        from engine.compare import core as comparison

        registry = _registry(request)
        for field, rid in (("from", from_id), ("to", to_id)):
            if rid not in registry.regimes:
                text = f"{field}: 未知的规则集 '{rid}'。可用：{'、'.join(sorted(registry.regimes))}"
                raise ApiError(422, text, [(field, text)])
        return JSONResponse(comparison.diff(registry, from_id, to_id))

    @app.get("/v1/decisions/{decision_id}", response_model=DecisionRecord, tags=["decisions"],
             summary="一条决策记录：输入事实、结果、规则集哈希、时间（auditor / staff）",
             responses={**AUTH_ERRORS, **NOT_FOUND})
    def get_decision(request: Request, decision_id: DecisionIdParam,
                     role: Annotated[str, Depends(require("auditor"))]) -> JSONResponse:
        decision = _store(request).get(decision_id)
        if decision is None:
            raise ApiError(404, f"决策 '{decision_id}' 不存在", [("decision_id", f"decision_id: 决策 '{decision_id}' 不存在")])
        record_read(request, role, "api-get", [decision_id])  # who read it, before it is shown
        return JSONResponse(decision.as_dict())

    @app.post("/v1/decisions/{decision_id}/replay", tags=["decisions"],
              summary="复核一条决策：默认按当时的规则快照精确重算；可换规则集或日期（auditor / staff）",
              responses={200: {"model": ReplayResponse}, **AUTH_ERRORS, **NOT_FOUND, **ERRORS})
    def replay_decision(request: Request, decision_id: DecisionIdParam,
                        role: Annotated[str, Depends(require("auditor"))],
                        body: ReplayRequest | None = None) -> JSONResponse:
        body = body or ReplayRequest()
        try:
            out = replay(_store(request), decision_id, _registry(request), body.regime, parse_date(body.as_of))
        except SelectionError as exc:
            field = "regime" if body.regime else "as_of"
            raise ApiError(422, str(exc), [(field, f"{field}: {exc}")]) from None
        record_read(request, role, "api-replay", [decision_id], body.model_dump(exclude_none=True) or None)
        return JSONResponse(out)

    @app.post("/v1/impact", dependencies=staff, tags=["admin"],
              summary="候选规则文件的影响：按候选规则重算该规则集的全部已记录决策（staff）",
              responses={200: {"model": ImpactResponse, "content": {"text/csv": {"schema": {"type": "string"}}},
                               "description": "JSON；format=csv 时为 CSV（每条结论或规则结果改变的决策一行）"},
                         **AUTH_ERRORS, **ERRORS},
              openapi_extra={"requestBody": {"required": True, "description": "候选规则文件（YAML，UTF-8）", "content": {
                  "application/yaml": {"schema": {"type": "string"}, "example": examples.CANDIDATE_YAML},
                  "text/plain": {"schema": {"type": "string"}}}}})
    async def impact_of(request: Request, format: Annotated[Literal["json", "csv"], Query(
            description="json（默认）或 csv")] = "json",
            limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=(
                f"最多重放的已记录决策数（默认 {DEFAULT_LIMIT}，最大 {MAX_LIMIT}）；超出时 truncated 为 true，"
                "notice 说明只重放了多少条"))] = DEFAULT_LIMIT) -> Response:
        raw = await request.body()
        return await asyncio.to_thread(_impact, request, raw, format, limit)

    @app.post("/v1/admin/reload", dependencies=staff, tags=["admin"], response_model=ReloadResponse,
              summary="重新读取 policies/：全部有效才替换，否则继续使用上一组有效规则并返回错误（staff）",
              responses={**AUTH_ERRORS, 422: {"model": ErrorBody, "description": "规则文件有误，未替换"}})
    async def reload(request: Request, confirm_removal: Annotated[bool, Query(
            description="确认停用文件已被删除的规则集（默认 false：文件消失的规则集继续提供，并返回错误）",
            examples=[False])] = False
    ) -> JSONResponse:
        errors = await asyncio.to_thread(_reload, request.app, "HTTP", confirm_removal)
        hashes = request.app.state.holder.hashes()
        if errors:
            return error_response(422, "规则文件有误，继续使用上一组有效规则", policy_errors(errors), regimes=hashes)
        rev = workers.revision(hashes)
        done = ((request.app.state.holder.last_reload or {}).get("workers")
                or [{"pid": os.getpid(), "revision": rev, "ok": True}])
        return JSONResponse({"reloaded": True, "regimes": hashes, "revision": rev, "workers": done})


def _impact(request: Request, raw: bytes, fmt: str = "json", limit: int = DEFAULT_LIMIT) -> Response:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(422, "候选规则文件不是 UTF-8 文本", [("body", f"body: 第 {exc.start + 1} 字节不是有效的 UTF-8")]) from None
    if not text.strip():
        raise ApiError(422, "请求体应为候选规则文件（YAML）", [("body", "body: 请求体为空")])
    holder = request.app.state.holder
    registry = holder.current
    where = candidate_dir(holder.root)  # read as if it sat in policies/<region>/, so source_text resolves alike
    try:
        # the server never compiles nor evaluates a candidate: it is validated and compiled in a short-lived child
        # (10 s; refused fast, with line numbers), then replayed over the log in another one (engine/audit/
        # impact_child.py: time, memory and output limits); a candidate that would hang or crash the rules engine
        # is refused instead of taking the service down. ImpactError (time limit, busy, log down) is a ReplayError.
        compile_candidate(text, "<候选规则>", where, compile_here=False)
        out = impact_in_child(text, "<候选规则>", where, _store(request).url, registry, limit)
    except PolicyError as exc:
        raise ApiError(422, "候选规则文件有误，未做任何改动", policy_errors(exc.errors)) from None
    if fmt == "csv":
        return Response(impact_csv(out), media_type="text/csv; charset=utf-8")
    return JSONResponse(out)


app = create_app()
