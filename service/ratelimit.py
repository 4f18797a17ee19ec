"""A per-client limit on the endpoints that write to the decision log (429 with Retry-After).

Token bucket per client address: `per_minute` requests a minute, bursts up to the same number. The log is
append-only, so what a client may add to it in a minute is bounded (RELIABILITY.md has the bytes per decision).
"""

from __future__ import annotations

import math
import threading
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from service.errors import error_response

LOGGED = {("POST", "/v1/evaluate"), ("POST", "/")}
MAX_CLIENTS = 100_000  # buckets kept; the oldest are dropped beyond this


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, per_minute: int):
        self.app = app
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last refill time)
        self._lock = threading.Lock()

    def _take(self, client: str) -> float:
        """0 if the request may go on, else the seconds to wait."""
        rate = self.per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._buckets.pop(next(iter(self._buckets)))
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.per_minute <= 0 or (scope["method"], scope["path"]) not in LOGGED:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        wait = self._take(client)
        if wait:
            seconds = str(max(1, math.ceil(wait)))
            text = f"请求过于频繁：每个客户端每分钟最多 {self.per_minute} 次判定，请 {seconds} 秒后重试"
            await error_response(429, text, headers={"Retry-After": seconds})(scope, receive, send)
            return
        await self.app(scope, receive, send)
