"""Property-based tests from the OpenAPI document (schemathesis, in-process ASGI): no input gives a 5xx,
and every answer matches the documented schema. Bounded: at most 25 generated examples per operation."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from service.testing import STAFF_TOKEN, auth, make_test_app

_TMP = Path(tempfile.mkdtemp(prefix="regimes-schemathesis-"))
APP, _, _ = make_test_app(_TMP)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _running_app() -> Iterator[None]:
    with TestClient(APP):  # runs the lifespan once: registry, decision log and tokens are in place for every call
        yield
    shutil.rmtree(_TMP, ignore_errors=True)


@schema.parametrize()
# Derandomized so CI is repeatable. Random runs once segfaulted durable-rules inside /v1/compare: a float such as
# 1e-05 in the facts (found and fixed, RELIABILITY.md; tests/test_fuzz_compare.py); long random hunts belong to
# bench/fuzz_compare.py.
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_server_errors_and_documented_answers(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=auth(STAFF_TOKEN),
                           checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
