"""Bearer tokens with roles, from env `REGIMES_TOKENS` (`auditor:TOKEN,staff:TOKEN,…`).

Only SHA-256 digests of the tokens are kept, and every digest is compared in constant
time, so neither the token text nor timing leaks which token (if any) was close. Tokens
are never logged or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable

from fastapi import Request

from engine.settings import settings
from service.errors import ApiError

log = logging.getLogger("regimes.service")
ROLES = ("auditor", "staff")
# what each role may do beyond the open endpoints; staff may also do what auditors do
GRANTS = {"auditor": {"auditor"}, "staff": {"auditor", "staff"}}


class TokenConfigError(ValueError):
    pass


def parse_tokens(spec: str | None) -> list[tuple[bytes, str]]:
    """[(sha256(token), role)]; refuses unknown roles and empty tokens (the message never contains a token)."""
    out: list[tuple[bytes, str]] = []
    for n, item in enumerate((spec or "").split(","), start=1):
        item = item.strip()
        if not item:
            continue
        role, sep, token = item.partition(":")
        role = role.strip()
        if not sep or not token.strip():
            raise TokenConfigError(f"REGIMES_TOKENS 第 {n} 项应写作 角色:令牌")
        if role not in ROLES:
            raise TokenConfigError(f"REGIMES_TOKENS 第 {n} 项的角色 '{role}' 未知（可用：{', '.join(ROLES)}）")
        out.append((hashlib.sha256(token.strip().encode()).digest(), role))
    return out


class TokenTable:
    def __init__(self, entries: list[tuple[bytes, str]]):
        self.entries = entries

    @classmethod
    def from_env(cls) -> TokenTable:
        return cls(parse_tokens(settings().tokens))

    def roles(self) -> list[str]:
        """The roles configured (for the start-up log line; never the tokens)."""
        return sorted({role for _, role in self.entries})

    def role_of(self, token: str) -> str | None:
        digest = hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()
        found = None
        for known, role in self.entries:  # no early exit: the time taken does not depend on which entry matched
            if hmac.compare_digest(digest, known) and found is None:
                found = role
        return found


def _unauthorized(text: str) -> ApiError:
    return ApiError(401, text, [("Authorization", text)], headers={"WWW-Authenticate": "Bearer"})


def require(permission: str) -> Callable[[Request], str]:
    """A dependency that admits a bearer token whose role grants `permission`; returns the role."""

    def check(request: Request) -> str:
        header = request.headers.get("authorization")
        if not header:
            raise _unauthorized("需要令牌：请在请求头中提供 Authorization: Bearer <令牌>")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("Authorization 请求头应为 Bearer <令牌>")
        table = request.app.state.tokens
        if not table.entries:
            raise _unauthorized("本服务未配置任何令牌（REGIMES_TOKENS 为空），需要令牌的接口都不可用；"
                                "请管理员按 README 生成并配置令牌")
        role = table.role_of(token.strip())
        if role is None:
            raise _unauthorized("令牌无效")
        if permission not in GRANTS[role]:
            text = f"角色 {role} 无权执行此操作（需要 {permission}）"
            raise ApiError(403, text, [("Authorization", text)])
        return role

    return check


def login_check(tokens: TokenTable, token: str, permission: str, page: str) -> tuple[str | None, str | None]:
    """(role, None) when `token` may log in to a page needing `permission`, else (None, Chinese reason).
    One check for every token-login page; the token itself is never logged."""
    if not tokens.entries:
        return None, f"本服务未配置令牌（REGIMES_TOKENS），无法登录{page}"
    if not token:
        return None, "请输入令牌"
    role = tokens.role_of(token)
    if role is None:
        log.warning("%s登录失败：令牌无效", page)
        return None, "令牌无效"
    if permission not in GRANTS[role]:
        return None, f"角色 {role} 无权使用{page}（需要 {permission}）"
    return role, None
