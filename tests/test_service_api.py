"""HTTP API through the ASGI test client: endpoints, the decision log, bad input, OpenAPI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.audit.store import Store
from engine.facts import facts_schema, load_facts_file
from service.testing import AUDITOR_TOKEN, auth, make_test_app

ROOT = Path(__file__).resolve().parent.parent
COMPLIANT = load_facts_file(ROOT / "examples" / "liaoning-2026" / "compliant.yaml")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    app, _, url = make_test_app(tmp_path_factory.mktemp("api"))
    with TestClient(app) as client:
        yield client, url


@pytest.fixture
def client(env: tuple[TestClient, str]) -> TestClient:
    return env[0]


def _count(env: tuple[TestClient, str]) -> int:
    store = Store(env[1])
    try:
        return store.count()
    finally:
        store.close()


def _fields(response: Any) -> list[str]:
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    return [e["field"] for e in body["errors"]]


def test_healthz_lists_regimes_and_hashes(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "sqlite"
    assert body["regimes"]["liaoning-2026"].startswith("sha256:")


def test_regimes_catalogue_and_detail(client: TestClient) -> None:
    listed = client.get("/v1/regimes").json()
    assert "liaoning-2026" in {r["id"] for r in listed}
    detail = client.get("/v1/regimes/liaoning-2026").json()
    assert detail["rule_count"] == len(detail["rules"]) > 0
    assert detail["rules"][0]["source"]["quote"]
    missing = client.get("/v1/regimes/atlantis-2026")
    assert missing.status_code == 404 and _fields(missing) == ["regime_id"]


def test_evaluate_logs_the_decision_exactly_as_answered(env: tuple[TestClient, str]) -> None:
    client = env[0]
    before = _count(env)
    response = client.post("/v1/evaluate", json={"regime": "liaoning-2026", "as_of": "2026-06-15", "facts": COMPLIANT})
    assert response.status_code == 200
    result = response.json()
    assert result["verdict"] == "eligible" and result["as_of"] == "2026-06-15"
    assert _count(env) == before + 1
    logged = client.get(f"/v1/decisions/{result['decision_id']}", headers=auth(AUDITOR_TOKEN)).json()
    assert logged["result"] == result
    assert logged["facts"] == COMPLIANT
    assert logged["regime"] == result["regime"] and logged["as_of"] == "2026-06-15"


def test_evaluate_by_region_picks_the_edition_in_force(client: TestClient) -> None:
    response = client.post("/v1/evaluate", json={"region": "辽宁", "as_of": "2026-06-15", "facts": COMPLIANT})
    assert response.status_code == 200 and response.json()["regime"]["id"] == "liaoning-2026"
    early = client.post("/v1/evaluate", json={"region": "liaoning", "as_of": "2020-01-01", "facts": COMPLIANT})
    assert early.status_code == 422 and _fields(early) == ["region"]


BAD_BODIES = [
    ("malformed JSON", b'{"regime": "liaoning-2026", "facts": {', ["body"]),
    ("not an object", b"[1, 2]", ["body"]),
    ("regime of the wrong type", {"regime": 7, "facts": {}}, ["regime"]),
    ("facts of the wrong type", {"regime": "liaoning-2026", "facts": []}, ["facts"]),
    ("unknown top-level field", {"regime": "liaoning-2026", "facts": {}, "applicant": "x"}, ["applicant"]),
    ("impossible date", {"regime": "liaoning-2026", "as_of": "2026-02-30", "facts": {}}, ["as_of"]),
    ("date in another format", {"regime": "liaoning-2026", "as_of": "15/06/2026", "facts": {}}, ["as_of"]),
    ("unknown regime", {"regime": "atlantis-2026", "facts": {}}, ["regime"]),
    ("unknown region", {"region": "atlantis", "facts": {}}, ["region"]),
    ("neither regime nor region", {"facts": {}}, ["regime"]),
    ("both regime and region", {"regime": "liaoning-2026", "region": "liaoning", "facts": {}}, ["region"]),
    ("unknown enum value", {"regime": "liaoning-2026", "facts": {"experts": [{"id": "E1", "title": "professor"}]}},
     ["facts.experts[0].title"]),
    ("wrong type inside facts", {"regime": "liaoning-2026", "facts": {"project": {"sessions": "three"}}},
     ["facts.project.sessions"]),
    ("personal data outside the schema",
     {"regime": "liaoning-2026", "facts": {"experts": [{"id": "E1", "id_card": "110101199003078888"}]}},
     ["facts.experts[0].id_card"]),
    ("non-finite number", b'{"regime": "liaoning-2026", "facts": {"project": {"onsite_days": NaN}}}',
     ["facts.project.onsite_days"]),
]


@pytest.mark.parametrize(("case", "body", "fields"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_bad_input_is_a_4xx_naming_the_field_and_logs_nothing(env: tuple[TestClient, str], case: str, body: Any,
                                                               fields: list[str]) -> None:
    client = env[0]
    before = _count(env)
    if isinstance(body, bytes):
        response = client.post("/v1/evaluate", content=body, headers={"Content-Type": "application/json"})
    else:
        response = client.post("/v1/evaluate", json=body)
    assert response.status_code == 422, case
    assert _fields(response) == fields
    assert all(e["message"] for e in response.json()["errors"])
    assert _count(env) == before
    if case == "personal data outside the schema":
        assert "110101199003078888" not in response.text


def test_bodies_over_one_mib_are_refused(client: TestClient) -> None:
    big = b'{"facts": {"project": {"name": "' + b"x" * (1024 * 1024) + b'"}}}'
    declared = client.post("/v1/evaluate", content=big, headers={"Content-Type": "application/json"})
    assert declared.status_code == 413 and _fields(declared) == ["body"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must count streamed bytes
        for _ in range(17):
            yield b" " * 65536

    streamed = client.post("/v1/evaluate", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_a_body_just_under_the_limit_is_read(client: TestClient) -> None:
    body = json.dumps({"regime": "liaoning-2026", "facts": {}}).encode()
    response = client.post("/v1/evaluate", content=body + b" " * (1024 * 1024 - len(body)),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 200


def test_compare_matrix_diff(client: TestClient) -> None:
    compared = client.post("/v1/compare", json={"facts": COMPLIANT, "regimes": ["liaoning-2026"], "as_of": "2026-06-15"})
    assert compared.status_code == 200
    assert compared.json()["results"]["liaoning-2026"]["verdict"] == "eligible"
    bad = client.post("/v1/compare", json={"facts": COMPLIANT, "regimes": ["atlantis"]})
    assert bad.status_code == 422 and _fields(bad) == ["regimes"]

    matrix = client.get("/v1/matrix", params={"regimes": "liaoning-2026", "topics": "expert.title"})
    assert matrix.status_code == 200 and [r["topic"] for r in matrix.json()["rows"]] == ["expert.title"]
    for params, field in (({"topics": "no.such"}, "topics"), ({"regimes": "atlantis"}, "regimes")):
        bad = client.get("/v1/matrix", params=params)
        assert bad.status_code == 422 and _fields(bad) == [field]

    ids = sorted(client.get("/healthz").json()["regimes"])
    diff = client.get("/v1/diff", params={"from": ids[0], "to": ids[-1]})
    assert diff.status_code == 200 and (diff.json()["from"], diff.json()["to"]) == (ids[0], ids[-1])
    missing = client.get("/v1/diff", params={"from": ids[0]})
    assert missing.status_code == 422 and _fields(missing) == ["to"]
    unknown = client.get("/v1/diff", params={"from": "atlantis", "to": ids[0]})
    assert unknown.status_code == 422 and _fields(unknown) == ["from"]


def test_unknown_paths_and_methods_are_json(client: TestClient) -> None:
    assert client.get("/v1/nothing").status_code == 404
    wrong = client.get("/v1/evaluate")
    assert wrong.status_code == 405 and wrong.json()["error"]


def test_openapi_documents_the_engine_facts_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]
    engine_schema = facts_schema()
    assert components["Facts"]["properties"].keys() == engine_schema["properties"].keys()
    assert components["Facts"]["additionalProperties"] is False
    assert set(engine_schema["$defs"]) == {k.removeprefix("Facts_") for k in components if k.startswith("Facts_")}
    assert "$defs" not in json.dumps(spec)
    for name in ("EvaluateRequest", "CompareRequest"):
        assert components[name]["properties"]["facts"] == {"$ref": "#/components/schemas/Facts"}
    assert "HTTPValidationError" not in json.dumps(spec)


def _has_example(node: Any, components: dict[str, Any], seen: set[str]) -> bool:
    if isinstance(node, dict):
        if "example" in node or "examples" in node:
            return True
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/") and ref not in seen:
            seen.add(ref)
            if _has_example(components[ref.rsplit("/", 1)[1]], components, seen):
                return True
        return any(_has_example(v, components, seen) for v in node.values())
    if isinstance(node, list):
        return any(_has_example(v, components, seen) for v in node)
    return False


def test_every_operation_has_an_example_request_and_answer(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            ok = op["responses"].get("200", {}).get("content", {})
            assert _has_example(ok, components, set()), f"{method} {path}: no example answer"
            inputs = [op.get("requestBody"), op.get("parameters")]
            if any(inputs):
                assert _has_example(inputs, components, set()), f"{method} {path}: no example input"


def test_docs_page(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and "swagger" in response.text.lower()


def test_evaluate_names_the_edition_in_force_when_another_is_asked_for(client: TestClient) -> None:
    facts = {"experts": [{"id": "E1", "title": "senior"}]}
    asked = client.post("/v1/evaluate", json={"regime": "shanghai-2022", "as_of": "2026-06-01", "facts": facts,
                                             "judge": "expert"}).json()
    assert "shanghai-2026" in asked["edition_note"]
    # part of the answer sent, so the logged decision reads back with it, unchanged
    logged = client.get(f"/v1/decisions/{asked['decision_id']}", headers=auth(AUDITOR_TOKEN)).json()
    assert logged["result"] == asked
    by_region = client.post("/v1/evaluate", json={"region": "上海", "as_of": "2026-06-01", "facts": facts,
                                                 "judge": "expert"}).json()
    assert by_region["regime"]["id"] == "shanghai-2026" and "edition_note" not in by_region
