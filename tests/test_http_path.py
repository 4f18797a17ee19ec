"""The evaluate/compare answer: encoded once (orjson, with a fallback), and its compact form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.facts import load_facts_file
from service.responses import FastJSONResponse, compact
from service.testing import make_test_app

ROOT = Path(__file__).resolve().parent.parent
FLAWED = load_facts_file(ROOT / "examples" / "shanghai-2026" / "flawed.yaml")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app, _, _ = make_test_app(tmp_path_factory.mktemp("http-path"))
    with TestClient(app) as c:
        yield c


def _evaluate(client: TestClient, detail: str | None = None) -> Any:
    url = "/v1/evaluate" + (f"?detail={detail}" if detail else "")
    return client.post(url, json={"regime": "shanghai-2026", "as_of": "2026-02-01", "facts": FLAWED})


def _without_id(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "decision_id"}


def test_the_default_answer_is_the_contract_shape_with_a_source_in_every_entry(client: TestClient) -> None:
    r = _evaluate(client)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["results"] and all("quote" in e["source"] for e in body["results"])
    assert "rules" not in body


def test_compact_gives_what_a_rule_repeats_once_and_loses_nothing(client: TestClient) -> None:
    full, small = _evaluate(client).json(), _evaluate(client, "compact")
    assert small.status_code == 200
    body = small.json()
    assert all("source" not in e and "topic" not in e for e in body["results"])
    assert set(body["rules"]) == {e["rule"] for e in full["results"]}
    assert all("quote" in r["source"] for r in body["rules"].values())
    rebuilt = {**body, "results": [{**body["rules"][e["rule"]], **e} for e in body["results"]]}
    del rebuilt["rules"]
    assert _without_id(rebuilt) == _without_id(full)  # same answer, apart from the new decision's id
    assert len(small.content) < len(_evaluate(client).content)


def test_compact_is_much_smaller_when_rules_repeat_over_many_experts(client: TestClient) -> None:
    experts = [{**FLAWED["experts"][i % len(FLAWED["experts"])], "id": f"E{i}"} for i in range(10)]
    body = {"regime": "shanghai-2026", "as_of": "2026-02-01", "facts": {**FLAWED, "experts": experts}}
    full = client.post("/v1/evaluate", json=body)
    small = client.post("/v1/evaluate?detail=compact", json=body)
    assert full.status_code == small.status_code == 200
    assert len(small.content) < 0.75 * len(full.content)  # 42 → 29 KB for this regime


def test_compare_compact_applies_to_every_regime(client: TestClient) -> None:
    r = client.post("/v1/compare?detail=compact", json={"facts": FLAWED, "as_of": "2026-02-01"})
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) >= 2
    assert all("rules" in res and all("source" not in e for e in res["results"]) for res in results.values())


def test_an_unknown_detail_is_a_422_naming_it(client: TestClient) -> None:
    r = _evaluate(client, "everything")
    assert r.status_code == 422
    assert any(e["field"] == "detail" for e in r.json()["errors"])


def test_the_fast_encoder_matches_the_standard_one_and_falls_back_for_what_it_refuses() -> None:
    data = {"中文": "引号\"与\\", "n": [1, 2.5, None, True], "nested": {"a": []}}
    assert json.loads(FastJSONResponse(data).body) == data
    huge = {"n": 2**70}  # beyond orjson's 64-bit integers: the standard encoder answers instead of a 500
    assert json.loads(FastJSONResponse(huge).body) == huge


def test_compact_keeps_a_result_without_entries_as_it_is() -> None:
    assert compact({"verdict": "incomplete", "results": []}) == {"verdict": "incomplete", "results": [],
                                                                   "rules": {}}


BODIES = [b'{"a": 1, "b": [1.5, -0.0, 1e-05, 12345678901234567890123]}', b'{"x": NaN, "y": Infinity}',
          b'{"s": "\\ud800"}', '{"u": "中文"}'.encode("utf-16"), b'{"a": 1, "a": 2}', b'{"a": 1,}', b'{"a": ',
          b'[1, 2', b'\xef\xbb\xbf{"bom": true}', b'"text"', b'{"n": 1E400}',
          b'{"max": 9223372036854775807, "over": 9223372036854775808, "under": -9223372036854775809}',
          b'{"f": 0.12345678901234567890123, "id": "1234567890123456789012"}']


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_the_orjson_request_reads_every_body_as_starlette_does(body: bytes) -> None:
    import asyncio

    from starlette.requests import Request

    from service.responses import OrjsonRequest

    def read(cls: type[Request]) -> tuple[str, object]:
        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": body, "more_body": False}

        request = cls({"type": "http", "method": "POST", "headers": [], "path": "/", "query_string": b""}, receive)
        try:
            return "ok", asyncio.run(request.json())
        except json.JSONDecodeError as exc:  # FastAPI turns exactly this into its 422 (with exc.pos)
            return "error", (exc.msg, exc.pos)
        except UnicodeDecodeError as exc:
            return "unicode", exc.reason

    fast, plain = read(OrjsonRequest), read(Request)
    assert repr(fast) == repr(plain)  # repr: NaN equals itself as text


def test_the_api_routes_parse_with_orjson_and_malformed_json_is_the_same_422(client: TestClient) -> None:
    r = client.post("/v1/evaluate", content=b'{"regime": "shanghai-2026", "facts": {', headers={
        "content-type": "application/json"})
    assert r.status_code == 422
    assert any(e["field"].startswith("body") for e in r.json()["errors"])
    from service.responses import OrjsonRoute

    assert any(isinstance(route, OrjsonRoute) and route.path == "/v1/evaluate" for route in client.app.routes)
