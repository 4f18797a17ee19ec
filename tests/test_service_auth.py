"""Roles: open endpoints, auditor, staff; 401 without or with an unknown token, 403 with the wrong role."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.auth import TokenConfigError, TokenTable, parse_tokens
from service.testing import AUDITOR_TOKEN, STAFF_TOKEN, auth, make_test_app

DECISION = "/v1/decisions/00000000-0000-0000-0000-000000000000"
PROTECTED = [  # (method, path, least role)
    ("get", DECISION, "auditor"),
    ("post", DECISION + "/replay", "auditor"),
    ("post", "/v1/impact", "staff"),
    ("post", "/v1/admin/reload", "staff"),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app, _, _ = make_test_app(tmp_path_factory.mktemp("auth"))
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(("method", "path", "role"), PROTECTED)
@pytest.mark.parametrize("headers", [{}, auth("not-a-token"), {"Authorization": f"Basic {STAFF_TOKEN}"},
                                     {"Authorization": "Bearer "}], ids=["none", "unknown", "basic", "empty"])
def test_without_a_known_token_401(client: TestClient, method: str, path: str, role: str, headers: dict) -> None:
    response = getattr(client, method)(path, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert [e["field"] for e in response.json()["errors"]] == ["Authorization"]
    assert STAFF_TOKEN not in response.text


@pytest.mark.parametrize(("method", "path", "role"), [p for p in PROTECTED if p[2] == "staff"])
def test_auditor_may_not_do_staff_work(client: TestClient, method: str, path: str, role: str) -> None:
    response = getattr(client, method)(path, headers=auth(AUDITOR_TOKEN))
    assert response.status_code == 403 and "staff" in response.json()["error"]


@pytest.mark.parametrize("token", [AUDITOR_TOKEN, STAFF_TOKEN])
def test_auditor_and_staff_read_decisions(client: TestClient, token: str) -> None:
    assert client.get(DECISION, headers=auth(token)).status_code == 404  # admitted; the decision does not exist


def test_staff_may_reload(client: TestClient) -> None:
    assert client.post("/v1/admin/reload", headers=auth(STAFF_TOKEN)).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/v1/regimes", "/v1/matrix", "/openapi.json"])
def test_open_endpoints_need_no_token(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200


def test_tokens_never_reach_the_log(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/admin/reload", headers=auth(STAFF_TOKEN))
        client.get(DECISION, headers=auth("wrong-guess-123"))
    assert STAFF_TOKEN not in caplog.text and "wrong-guess-123" not in caplog.text


def test_token_table() -> None:
    table = TokenTable(parse_tokens(" auditor:a1 , staff:s1,staff:s2,"))
    assert [table.role_of(t) for t in ("a1", "s1", "s2", "x", "")] == ["auditor", "staff", "staff", None, None]
    assert TokenTable(parse_tokens(None)).role_of("a1") is None
    for spec in ("admin:x", "auditor", "staff:"):
        with pytest.raises(TokenConfigError) as err:
            parse_tokens(spec)
        assert "x" not in str(err.value).replace("REGIMES_TOKENS", "") or spec == "admin:x"


def test_a_token_sent_to_a_service_without_tokens_is_told_so(tmp_path) -> None:
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.auth import TokenTable
    from service.testing import copy_policies

    app = create_app(policies=copy_policies(tmp_path / "policies"), database_url=f"sqlite:///{tmp_path / 'd.db'}",
                     tokens=TokenTable([]))
    with TestClient(app) as c:
        answer = c.get("/v1/decisions/x", headers={"Authorization": "Bearer something"})
        assert answer.status_code == 401 and "未配置任何令牌" in answer.json()["error"]
