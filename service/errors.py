"""One error body for every 4xx/503: `{"error": 摘要, "errors": [{"field": 字段, "message": 说明}]}`.

`field` names the offending input: a dotted path into the JSON body (`facts.experts[0].title`,
`regime`), a query or path parameter (`regimes`, `id`), a header (`Authorization`), or for a
policy file `file:line:col`. Messages are Chinese; field names stay as in the contract.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.registry import SelectionError

MAX_BODY_BYTES = 1024 * 1024
log = logging.getLogger("regimes.service")


class ApiError(Exception):
    """A request the service refuses; becomes the JSON error body with `status`."""

    def __init__(self, status: int, error: str, errors: Iterable[tuple[str, str]] = (),
                 headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None):
        super().__init__(error)
        self.status = status
        self.error = error
        self.errors = list(errors)
        self.headers = headers
        self.extra = extra or {}


def error_body(error: str, errors: Iterable[tuple[str, str]] = (), **extra: Any) -> dict[str, Any]:
    return {"error": error, "errors": [{"field": f, "message": m} for f, m in errors], **extra}


def error_response(status: int, error: str, errors: Iterable[tuple[str, str]] = (),
                   headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(error, errors, **extra), status_code=status, headers=headers)


def facts_errors(messages: list[str], prefix: str = "facts") -> list[tuple[str, str]]:
    """Engine facts messages start with the field path (`experts[0].title: …`); keep it as `field`."""
    out = []
    for message in messages:
        path, sep, _ = message.partition(": ")
        path = path if sep and path != "(根)" else ""
        out.append((f"{prefix}.{path}" if path else prefix, message))
    return out


_LOCATION = re.compile(r"^(.*?:\d+(?::\d+)?|[^:]*?): ")


def policy_errors(lines: list[str]) -> list[tuple[str, str]]:
    """`file:line:col: message` lines; the location is the field."""
    out = []
    for line in lines:
        match = _LOCATION.match(line)
        out.append((match.group(1) if match else "policy", line))
    return out


_PYDANTIC_TEXT = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段（不在接口定义中）",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "string_type": "应为文本",
    "string_too_long": "文本过长",
    "string_too_short": "文本过短",
    "string_pattern_mismatch": "格式不符合要求",
    "list_type": "应为列表",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为布尔值（true/false）",
    "bool_parsing": "应为布尔值（true/false）",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
    "too_long": "列表过长",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "uuid_parsing": "不是有效的编号",
}


def _loc_text(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validation_errors(exc: RequestValidationError) -> list[tuple[str, str]]:
    out = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        where = loc[0] if loc else "body"
        field = _loc_text(loc[1:]) or where
        kind = str(err.get("type", ""))
        if kind == "value_error":  # our own validators already speak Chinese
            text = str(err.get("ctx", {}).get("error", "")) or "取值无效"
        elif kind == "json_invalid":
            text = f"请求体不是有效的 JSON（{err.get('ctx', {}).get('error', '')}）"
            field = "body"
        else:
            text = _PYDANTIC_TEXT.get(kind, f"取值无效（{kind}）")
        out.append((field, f"{field}: {text}"))
    return out


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.error, exc.errors, headers=exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "请求内容有误", validation_errors(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        text = {404: "没有这个地址", 405: "该地址不支持此方法", 400: "请求体无法解析"}.get(exc.status_code, "请求有误")
        return error_response(exc.status_code, text, [("path", text)] if exc.status_code in (404, 405) else [("body", text)],
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(SelectionError)
    async def _selection(_: Request, exc: SelectionError) -> JSONResponse:
        return error_response(422, str(exc), [("regime", str(exc))])

    from engine.errors import EngineError, QueryError

    @app.exception_handler(QueryError)
    async def _query(_: Request, exc: QueryError) -> JSONResponse:
        field = "stage" if "阶段" in str(exc) else "judge"
        return error_response(422, str(exc), [(field, f"{field}: {exc}")])

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        error_id = uuid.uuid4().hex[:12]
        log.error("未预期的错误 %s", error_id, exc_info=exc)
        return error_response(500, f"服务内部错误（错误编号 {error_id}，已记录）", error_id=error_id)

    @app.exception_handler(EngineError)
    async def _engine(_: Request, exc: EngineError) -> JSONResponse:
        return error_response(503, f"规则引擎暂时无法完成判定：{exc}", headers={"Retry-After": "1"})


class BodyLimitMiddleware:
    """Refuse request bodies over `limit` bytes with 413, whether announced by Content-Length or streamed.

    The body is buffered (at most `limit` bytes) before the app sees it, so the app never
    starts on a body that later turns out too large.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                await error_response(400, "Content-Length 无效", [("Content-Length", "Content-Length 不是整数")])(
                    scope, receive, send)
                return
            if too_big:
                await self._refuse(scope, receive, send, more=True)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # client went away; let the app see the disconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send, more=message.get("more_body", False))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, more: bool) -> None:
        text = f"请求体过大（上限 {self.limit // 1024} KiB）"
        if more:  # a client still sending never reads the answer: read what it sends first
            await _drain(receive, DRAIN_LIMIT)
        await error_response(413, text, [("body", text)], headers={"Connection": "close"})(scope, receive, send)


DRAIN_LIMIT = 16 * 1024 * 1024  # beyond this a sender gets the 413 and the connection is closed


async def _drain(receive: Receive, limit: int) -> None:
    seen = 0
    while seen <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


# Pages use inline styles but no scripts; /docs needs its own (local) script. Nothing is framed or loaded elsewhere.
CSP = ("default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
CSP_DOCS = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


class SecurityHeadersMiddleware:
    """CSP, X-Content-Type-Options, frame-ancestors and no referrer on every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = CSP_DOCS if scope.get("path", "").startswith("/docs") else CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-security-policy", b"x-content-type-options")]
                headers += [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
