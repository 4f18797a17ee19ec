"""Prometheus metrics at GET /metrics: what a deployment watches of what the bench measures.

`install_metrics(app)` (called once from `create_app`) adds, for that app only (its own registry, so
tests may build many apps):

| metric | kind | what |
|---|---|---|
| `regimes_http_request_duration_seconds{method,route,status}` | histogram | every request, by route template |
|   | | (`/v1/decisions/{decision_id}`, never the raw path) and status class (2xx, 4xx, 5xx) |
| `regimes_decisions_logged_total` | counter | decisions committed to the decision log |
| `regimes_decision_log_commit_seconds` | histogram | one group commit (one transaction, one fsync) |
| `regimes_decision_log_batch_size` | histogram | decisions per group commit |
| `regimes_decision_log_queue_depth` | gauge | decisions waiting for the log writer |
| `regimes_engine_live_states` | gauge | evaluations holding a durable-rules state right now (0 when idle) |
| `regimes_policy_info{regime,hash}` | gauge (1) | each regime served and its content hash |
| `regimes_policy_revision` | gauge | the revision served: first 12 hex digits of `/healthz`'s `revision`, as a number |
| `regimes_policy_loaded_timestamp_seconds` | gauge | when the set served was loaded |
| `regimes_policy_reloads_total{outcome}` | counter | reloads (HTTP or SIGHUP): `applied` or `refused` |
| `regimes_policy_refused_total` | counter | problems reported by refused reloads (one per file error) |
| `regimes_policy_skipped_files` | gauge | policy files skipped by the load being served |

Per process by default. With several workers set `PROMETHEUS_MULTIPROC_DIR` to an empty directory shared
by them (before they start): counters and histograms are then summed over the workers in every scrape,
and the gauges carry a `pid` label per worker (prometheus-client's multiprocess mode).

The decision-log figures come from a commit observer on the store (`Store.add_commit_observer`, where
the store has one); failing that, from the group-commit writer directly. Scrape-time figures are read
when /metrics is asked, so nothing is added to the request path beyond one histogram observation.
/metrics is open like /healthz: counts and timings only, no facts, ids or tokens.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.backends import live_states
from service.workers import revision

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
COMMIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
GAUGE_REFRESH_S = 1.0  # multiprocess mode: per-worker gauges are written at most this often
GAUGE_DOCS = {
    "regimes_decision_log_queue_depth": "Decisions waiting for the log writer",
    "regimes_engine_live_states": "Evaluations holding a durable-rules state",
    "regimes_policy_revision": "Policy revision served",
    "regimes_policy_loaded_timestamp_seconds": "When the policy set served was loaded",
    "regimes_policy_skipped_files": "Policy files skipped by the load served",
}


def _multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir"))


class Metrics:
    """The metric objects of one app."""

    def __init__(self, registry: CollectorRegistry):
        r = registry
        self.registry = registry
        self.latency = Histogram("regimes_http_request_duration_seconds", "HTTP request latency by route template",
                                 ("method", "route", "status"), buckets=LATENCY_BUCKETS, registry=r)
        self.logged = Counter("regimes_decisions_logged", "Decisions committed to the decision log", registry=r)
        self.commit = Histogram("regimes_decision_log_commit_seconds", "One group commit of the decision log",
                                buckets=COMMIT_BUCKETS, registry=r)
        self.batch = Histogram("regimes_decision_log_batch_size", "Decisions per group commit",
                               buckets=BATCH_BUCKETS, registry=r)
        self.reloads = Counter("regimes_policy_reloads", "Policy reloads by outcome", ("outcome",), registry=r)
        self.refused = Counter("regimes_policy_refused", "Problems reported by refused policy reloads", registry=r)
        for outcome in ("applied", "refused"):
            self.reloads.labels(outcome)  # both series exist from the start, at 0
        self.app: FastAPI | None = None
        # multiprocess mode only: gauges written by each worker (scrape-time values cannot cross processes),
        # made on their first value (so a figure this deployment lacks, e.g. a revision, is absent, not 0)
        self.mp_gauges: dict[str, Gauge] = {}
        self._gauges_at = 0.0

    def on_commit(self, decisions: int, seconds: float) -> None:
        self.logged.inc(decisions)
        self.commit.observe(seconds)
        self.batch.observe(decisions)

    def snapshot(self) -> dict[str, float]:
        """The scrape-time gauges of this process."""
        out: dict[str, float] = {"regimes_engine_live_states": float(live_states())}
        app = self.app
        if app is None:
            return out
        store = getattr(app.state, "store", None)
        depth = _queue_depth(store)
        if depth is not None:
            out["regimes_decision_log_queue_depth"] = float(depth)
        holder = getattr(app.state, "holder", None)
        if holder is not None:
            # /healthz's revision (hex) as a number: its first 12 hex digits, exact in a float; workers and hosts
            # serving the same set report the same value
            out["regimes_policy_revision"] = float(int(revision(holder.hashes())[:12], 16))
            loaded = getattr(holder, "loaded_at", None)
            if loaded is not None:
                out["regimes_policy_loaded_timestamp_seconds"] = loaded.timestamp()
            out["regimes_policy_skipped_files"] = float(len(getattr(holder, "errors", []) or []))
        return out

    def refresh_mp_gauges(self, force: bool = False) -> None:
        now = time.monotonic()
        if not _multiprocess() or (not force and now - self._gauges_at < GAUGE_REFRESH_S):
            return
        self._gauges_at = now
        for name, value in self.snapshot().items():
            gauge = self.mp_gauges.get(name)
            if gauge is None:
                gauge = self.mp_gauges[name] = Gauge(name, GAUGE_DOCS[name], multiprocess_mode="all",
                                                     registry=self.registry)
            gauge.set(value)


class _ProcessCollector:
    """Scrape-time gauges of this process (single-process mode)."""

    def __init__(self, metrics: Metrics):
        self.metrics = metrics

    def describe(self) -> Iterable[Metric]:
        return []  # values are read at scrape time; nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        for name, value in self.metrics.snapshot().items():
            yield GaugeMetricFamily(name, GAUGE_DOCS[name], value=value)
        holder = getattr(self.metrics.app.state, "holder", None) if self.metrics.app is not None else None
        if holder is not None:
            info = GaugeMetricFamily("regimes_policy_info", "Regimes served and their content hash",
                                     labels=("regime", "hash"))
            for rid, digest in holder.hashes().items():
                info.add_metric((rid, digest), 1.0)
            yield info


def _queue_depth(store: Any) -> int | None:
    if store is None:
        return None
    depth = getattr(store, "queue_depth", None)
    if callable(depth):
        return int(depth())
    writer = getattr(store, "_writer", None)  # until the store has queue_depth(): the group-commit queue itself
    queue = getattr(writer, "_queue", None)
    return int(queue.qsize()) if queue is not None and hasattr(queue, "qsize") else None


def _observe_store(store: Any, metrics: Metrics) -> None:
    """Feed commit figures from the store: its observer hook, or (without one) the writer's write call."""
    if store is None or getattr(store, "_regimes_metrics", None) is metrics:
        return
    add = getattr(store, "add_commit_observer", None)
    if callable(add):
        add(metrics.on_commit)
    else:
        writer = getattr(store, "_writer", None)
        write = getattr(writer, "_write", None)
        if write is None:
            return

        def timed_write(batch: list[Any], _write: Callable[[list[Any]], None] = write) -> None:
            started = time.perf_counter()
            _write(batch)  # raises on failure: nothing counted for a batch not committed
            metrics.on_commit(len(batch), time.perf_counter() - started)

        writer._write = timed_write  # the group-commit thread calls self._write(batch)
    store._regimes_metrics = metrics


def _observe_holder(holder: Any, metrics: Metrics) -> None:
    """Count reloads (HTTP and SIGHUP both call holder.reload()) and the problems of refused ones."""
    if holder is None or getattr(holder, "_regimes_metrics", None) is metrics:
        return
    reload = holder.reload

    def counted_reload(*args: Any, **kwargs: Any) -> Any:
        errors = reload(*args, **kwargs)
        metrics.reloads.labels("refused" if errors else "applied").inc()
        if errors:
            metrics.refused.inc(len(errors))
        metrics.refresh_mp_gauges(force=True)
        return errors

    holder.reload = counted_reload
    holder._regimes_metrics = metrics


class MetricsMiddleware:
    """Times every HTTP request; labels it with its route template once routing has run."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or ("(static)" if scope.get("endpoint") else "(unmatched)")
            self.metrics.latency.labels(scope["method"], template, f"{status[0] // 100}xx").observe(
                time.perf_counter() - started)
            self.metrics.refresh_mp_gauges()


def install_metrics(app: FastAPI) -> Metrics:
    """Add GET /metrics and the request timing middleware to `app`; instrument its store and policy holder
    once the app has started (they are made in its lifespan)."""
    if _multiprocess():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        metrics = Metrics(registry)

        def scrape_registry() -> CollectorRegistry:
            metrics.refresh_mp_gauges(force=True)
            fresh = CollectorRegistry()
            multiprocess.MultiProcessCollector(fresh)
            return fresh
    else:
        registry = CollectorRegistry(auto_describe=False)
        metrics = Metrics(registry)
        registry.register(_ProcessCollector(metrics))

        def scrape_registry() -> CollectorRegistry:
            return registry

    metrics.app = app
    original = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        async with original(a) as state:
            _observe_store(getattr(app.state, "store", None), metrics)
            _observe_holder(getattr(app.state, "holder", None), metrics)
            yield state

    app.router.lifespan_context = lifespan
    app.add_middleware(MetricsMiddleware, metrics=metrics)

    async def metrics_endpoint(_: Request) -> Response:
        return Response(generate_latest(scrape_registry()), media_type=CONTENT_TYPE_LATEST)

    app.add_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)
    app.state.metrics = metrics
    return metrics
