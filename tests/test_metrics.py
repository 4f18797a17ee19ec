"""GET /metrics: counts and timings a deployment can watch (no facts, no tokens)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from service.testing import make_test_app


def test_metrics_count_decisions_and_time_requests(tmp_path: Path) -> None:
    app, _, _ = make_test_app(tmp_path)
    with TestClient(app) as c:
        before = c.get("/metrics")
        assert before.status_code == 200 and before.headers["content-type"].startswith("text/plain")
        assert c.post("/v1/evaluate", json={"regime": "liaoning-2026", "facts": {"project": {"name": "测"}}}).status_code == 200
        text = c.get("/metrics").text
    assert "regimes_" in text
    logged = [line for line in text.splitlines() if line.startswith("regimes_decisions_logged") and " " in line]
    assert logged and float(logged[-1].rsplit(" ", 1)[1]) >= 1, logged
    assert "测" not in text  # nothing from the facts


def test_metrics_report_the_policy_revision_healthz_reports(tmp_path: Path) -> None:
    app, _, _ = make_test_app(tmp_path)
    with TestClient(app) as c:
        rev = c.get("/healthz").json()["revision"]
        text = c.get("/metrics").text
    lines = [line for line in text.splitlines() if line.startswith("regimes_policy_revision ")]
    assert lines, "regimes_policy_revision missing from /metrics"
    assert float(lines[0].rsplit(" ", 1)[1]) == float(int(rev[:12], 16))
