"""Auditors find decisions (API, CLI, web pages), every read is logged, read-only commands never create a
database, and a candidate edition reports the decisions of the edition it would replace."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.audit.store import Store
from engine.cli import main as cli
from engine.facts import load_facts_file
from service.testing import AUDITOR_TOKEN, STAFF_TOKEN, auth, make_test_app

ROOT = Path(__file__).resolve().parent.parent
SH_AS_OF, LN_AS_OF = "2026-02-05", "2026-06-15"
FLIPS = "SH-2026-009"  # a municipal team asking 9万元: eligible under a cap of 10, not under 8


def _facts(example: str, **project: Any) -> dict[str, Any]:
    facts = copy.deepcopy(load_facts_file(ROOT / "examples" / example))
    facts["project"].update(project)
    return facts


def _sh(project_id: str, unit: str, level: str, ask: float) -> dict[str, Any]:
    facts = _facts("shanghai-2026/compliant.yaml", id=project_id, applicant_unit=unit, host_unit=unit, level=level,
                   selected_level=level)
    facts["project"]["budget"]["requested_support_wan"] = ask
    return facts


SIX = [  # (regime, as_of, facts): three Shanghai 2026 decisions, three Liaoning 2026 ones
    ("shanghai-2026", SH_AS_OF, _sh(FLIPS, "上海交通大学农业与生物学院", "municipal", 9)),
    ("shanghai-2026", SH_AS_OF, _sh("SH-2026-007", "复旦大学生命科学学院", "municipal", 7)),
    ("shanghai-2026", SH_AS_OF, _facts("shanghai-2026/flawed.yaml")),
    ("liaoning-2026", LN_AS_OF, _facts("liaoning-2026/compliant.yaml")),
    ("liaoning-2026", LN_AS_OF, _facts("liaoning-2026/flawed.yaml")),
    ("liaoning-2026", LN_AS_OF, _facts("liaoning-2026/compliant.yaml", id="LN-2026-099", applicant_unit="大连理工大学")),
]


@dataclass
class Env:
    client: TestClient
    root: Path
    url: str
    ids: dict[str, list[str]]  # regime → decision ids, in logging order
    by_project: dict[str, str]  # project id → decision id
    results: dict[str, dict[str, Any]]  # decision id → result


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    app, root, url = make_test_app(tmp_path)
    monkeypatch.setenv("REGIMES_DATABASE_URL", url)
    monkeypatch.setenv("REGIMES_POLICIES", str(root))
    with TestClient(app) as client:
        ids: dict[str, list[str]] = {}
        by_project: dict[str, str] = {}
        results: dict[str, dict[str, Any]] = {}
        for regime, as_of, facts in SIX:
            response = client.post("/v1/evaluate", json={"regime": regime, "as_of": as_of, "facts": facts})
            assert response.status_code == 200, response.text
            result = response.json()
            ids.setdefault(regime, []).append(result["decision_id"])
            by_project[facts["project"]["id"]] = result["decision_id"]
            results[result["decision_id"]] = result
        yield Env(client, root, url, ids, by_project, results)


def _reads(url: str) -> list[dict[str, Any]]:
    store = Store(url)
    try:
        return store.reads()
    finally:
        store.close()


def test_the_six_decisions_are_what_the_scenarios_need(env: Env) -> None:
    verdicts = {p: env.results[d]["verdict"] for p, d in env.by_project.items()}
    assert verdicts[FLIPS] == "eligible" and verdicts["SH-2026-007"] == "eligible"
    assert verdicts["SH-2026-047"] == "ineligible"  # asks 12万元 for a municipal team


# ---------------------------------------------------------------- API

def test_api_finds_decisions_by_regime_and_by_project(env: Env) -> None:
    for regime, expected in env.ids.items():
        response = env.client.get("/v1/decisions", params={"regime": regime}, headers=auth(AUDITOR_TOKEN))
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == 3 and {i["id"] for i in page["items"]} == set(expected)
        assert [i["id"] for i in page["items"]] == list(reversed(expected))  # newest first
    one = env.client.get("/v1/decisions", params={"project_id": FLIPS}, headers=auth(STAFF_TOKEN)).json()
    assert [i["id"] for i in one["items"]] == [env.by_project[FLIPS]]
    item = one["items"][0]
    assert item["regime"]["id"] == "shanghai-2026" and item["regime"]["hash"].startswith("sha256:")
    assert (item["region"], item["as_of"], item["stage"], item["judged"], item["verdict"]) == (
        "shanghai", SH_AS_OF, "application", "application", "eligible")
    assert item["applicant_unit"] == item["host_unit"] == "上海交通大学农业与生物学院"


@pytest.mark.parametrize(("params", "projects"), [
    ({"region": "上海"}, {FLIPS, "SH-2026-007", "SH-2026-047"}),
    ({"region": "liaoning"}, {"LN-2026-017", "LN-2026-041", "LN-2026-099"}),
    ({"unit": "大连理工大学"}, {"LN-2026-099"}),
    ({"unit": "沈阳农业大学"}, {"LN-2026-017", "LN-2026-099"}),  # the host unit of both
    ({"verdict": "ineligible", "region": "shanghai"}, {"SH-2026-047"}),
    ({"regime": "shanghai-2026", "stage": "closing"}, set()),
    ({"project_id": "nobody"}, set()),
])
def test_api_filters(env: Env, params: dict[str, str], projects: set[str]) -> None:
    page = env.client.get("/v1/decisions", params=params, headers=auth(AUDITOR_TOKEN)).json()
    assert {i["project_id"] for i in page["items"]} == projects and page["total"] == len(projects)


def test_api_dates_and_paging(env: Env) -> None:
    today = env.client.get("/v1/decisions", params={"page_size": 4}, headers=auth(AUDITOR_TOKEN)).json()
    assert (today["total"], today["pages"], len(today["items"])) == (6, 2, 4)
    second = env.client.get("/v1/decisions", params={"page_size": 4, "page": 2}, headers=auth(AUDITOR_TOKEN)).json()
    assert len(second["items"]) == 2 and not {i["id"] for i in second["items"]} & {i["id"] for i in today["items"]}
    day = today["items"][0]["created_at"]
    from engine.audit.search import local_time

    local_day = local_time(day)[:10]
    same = env.client.get("/v1/decisions", params={"from": local_day, "to": local_day}, headers=auth(AUDITOR_TOKEN))
    assert same.json()["total"] == 6
    before = env.client.get("/v1/decisions", params={"to": "2026-01-01"}, headers=auth(AUDITOR_TOKEN))
    assert before.json()["total"] == 0


def test_api_needs_a_token_and_names_bad_filters(env: Env) -> None:
    response = env.client.get("/v1/decisions", params={"regime": "shanghai-2026"})
    assert response.status_code == 401 and response.json()["errors"][0]["field"] == "Authorization"
    assert env.client.get("/v1/decisions", headers=auth("wrong")).status_code == 401
    for params, field in (({"verdict": "maybe"}, "verdict"), ({"from": "2026-02-30"}, "from"),
                          ({"page_size": 1000}, "page_size"), ({"from": "2026-03-02", "to": "2026-03-01"}, "from")):
        response = env.client.get("/v1/decisions", params=params, headers=auth(AUDITOR_TOKEN))
        assert response.status_code == 422, params
        assert any(field in e["field"] for e in response.json()["errors"]), response.json()


def test_every_api_search_is_logged_with_a_token_digest(env: Env) -> None:
    env.client.get("/v1/decisions", params={"regime": "liaoning-2026"}, headers=auth(AUDITOR_TOKEN))
    env.client.get("/v1/decisions", params={"project_id": "nobody"}, headers=auth(STAFF_TOKEN))
    reads = _reads(env.url)
    found = [r for r in reads if r["query"] == {"regime": "liaoning-2026"}]
    assert {r["decision_id"] for r in found} == set(env.ids["liaoning-2026"])
    assert {(r["role"], r["action"]) for r in found} == {("auditor", "api-search")}
    empty = [r for r in reads if r["query"] == {"project_id": "nobody"}]
    assert len(empty) == 1 and empty[0]["decision_id"] is None and empty[0]["role"] == "staff"
    actors = {r["actor"] for r in found + empty}
    assert len(actors) == 2 and all(re.fullmatch(r"sha256:[0-9a-f]{16}", a) for a in actors)
    assert not any(AUDITOR_TOKEN in json.dumps(r) or STAFF_TOKEN in json.dumps(r) for r in reads)


# ---------------------------------------------------------------- command line

def test_cli_finds_decisions_by_regime_and_project(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli.main(["decisions", "--regime", "shanghai-2026", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 3 and {i["id"] for i in out["items"]} == set(env.ids["shanghai-2026"])

    assert cli.main(["decisions", "--project-id", FLIPS, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["id"], r["regime_id"], r["verdict"]) for r in rows] == [(env.by_project[FLIPS], "shanghai-2026", "eligible")]

    assert cli.main(["decisions", "--region", "辽宁", "--verbose"]) == 0
    captured = capsys.readouterr()
    assert all(i in captured.out for i in env.ids["liaoning-2026"]) and "共 3 条" in captured.out
    assert env.url in captured.err and "决策日志" in captured.err

    assert cli.main(["decisions", "--all", "--format", "csv"]) == 0
    assert len(list(csv.DictReader(io.StringIO(capsys.readouterr().out)))) == 6
    assert any(r["role"] == "cli" and r["action"] == "search" for r in _reads(env.url))


def test_cli_shows_one_decision(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    decision_id = env.by_project[FLIPS]
    capsys.readouterr()
    assert cli.main(["decisions", "--id", decision_id, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["decision"]["id"] == decision_id and report["exact"]["identical"] is True
    assert report["regime"]["hash"] == env.results[decision_id]["regime"]["hash"]
    assert cli.main(["decisions", "--id", decision_id]) == 0
    assert "与记录完全一致" in capsys.readouterr().out
    assert cli.main(["decisions", "--id", "no-such-decision"]) == cli.EXIT_BAD_INPUT
    assert "不存在" in capsys.readouterr().err
    assert cli.main(["decisions", "--id", decision_id, "--regime", "x"]) == cli.EXIT_BAD_INPUT


# ---------------------------------------------------------------- web pages

def _login(client: TestClient, token: str) -> None:
    response = client.post("/audit/login", data={"token": token, "next": "/audit"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/audit", response.text


def test_pages_need_a_login_and_the_cookie_holds_only_a_session_id(env: Env) -> None:
    decision_id = env.ids["shanghai-2026"][0]
    for path in ("/audit", f"/audit/decisions/{decision_id}"):
        response = env.client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/audit/login?next=")
    bad = env.client.post("/audit/login", data={"token": "wrong"}, follow_redirects=False)
    assert bad.status_code == 401 and "令牌无效" in bad.text and "set-cookie" not in bad.headers

    response = env.client.post("/audit/login", data={"token": AUDITOR_TOKEN}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/audit" in cookie
    assert AUDITOR_TOKEN not in cookie
    page = env.client.get("/audit")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"

    env.client.post("/audit/logout", follow_redirects=False)
    env.client.cookies.set("regimes_audit", cookie.split(";")[0].split("=", 1)[1], path="/audit")
    assert env.client.get("/audit", follow_redirects=False).status_code == 303  # the session ended server-side


def test_auditor_finds_decisions_on_the_web_and_reads_a_report(env: Env) -> None:
    _login(env.client, AUDITOR_TOKEN)
    page = env.client.get("/audit", params={"regime": "shanghai-2026"})
    assert page.status_code == 200
    assert all(i in page.text for i in env.ids["shanghai-2026"]) and not any(i in page.text for i in env.ids["liaoning-2026"])
    page = env.client.get("/audit", params={"project_id": "LN-2026-041"})
    assert env.by_project["LN-2026-041"] in page.text
    assert not any(d in page.text for p, d in env.by_project.items() if p != "LN-2026-041")
    bad = env.client.get("/audit", params={"from": "2026-13-01"})
    assert bad.status_code == 422 and "不是有效日期" in bad.text

    decision_id = env.by_project[FLIPS]
    result = env.results[decision_id]
    report = env.client.get(f"/audit/decisions/{decision_id}")
    assert report.status_code == 200
    for text in (decision_id, result["regime"]["hash"], result["regime"]["version"], "与记录完全一致",
                 "上海市专家服务团经费支持不超过 10 万元", "周建平", "@media print"):
        assert text in report.text, text
    again = env.client.get(f"/audit/decisions/{decision_id}", params={"regime": "shanghai-2022"})
    assert again.status_code == 200 and "按主题列出的变化" in again.text
    assert env.client.get(f"/audit/decisions/{decision_id}", params={"regime": "atlantis"}).status_code == 422
    assert env.client.get("/audit/decisions/no-such-decision").status_code == 404

    reads = _reads(env.url)
    assert {"web-search", "web-report"} <= {r["action"] for r in reads}
    assert any(r["action"] == "web-report" and r["decision_id"] == decision_id for r in reads)


def test_staff_pages_hide_the_experts_names(env: Env) -> None:
    _login(env.client, STAFF_TOKEN)
    report = env.client.get(f"/audit/decisions/{env.by_project[FLIPS]}")
    assert report.status_code == 200 and "周建平" not in report.text and "姓名已隐去" in report.text


# ---------------------------------------------------------------- no database is ever created by reading

@pytest.mark.parametrize("argv", [["replay", "3f2b6c1e-8d4a-4e0b-9a57-2c1d0e6f9b10"], ["decisions"],
                                  ["impact", str(ROOT / "policies" / "liaoning" / "2026.yaml")]])
def test_read_only_commands_never_create_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.delenv("REGIMES_DATABASE_URL", raising=False)
    assert cli.main(argv) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "sqlite:///./regimes-decisions.db" in err and "不存在" in err and "Traceback" not in err
    assert list(empty.iterdir()) == []


def test_an_unreachable_or_empty_database_is_one_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REGIMES_DATABASE_URL", "postgresql://auditor:hunter2-secret@127.0.0.1:1/log")
    assert cli.main(["decisions", "--verbose"]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "127.0.0.1:1" in err and "hunter2-secret" not in err and "Traceback" not in err
    blank = tmp_path / "blank.db"
    blank.touch()
    monkeypatch.setenv("REGIMES_DATABASE_URL", f"sqlite:///{blank}")
    assert cli.main(["decisions"]) == cli.EXIT_BAD_INPUT
    assert "没有决策日志" in capsys.readouterr().err
    assert blank.stat().st_size == 0  # nothing was created in it either


# ---------------------------------------------------------------- impact across editions

def _candidate_2027(policies: Path, dest: Path, cap: int = 8) -> Path:
    """policies/shanghai/2026.yaml as next year's notice (id, edition, dates, title) with the municipal cap
    lowered from 10 to `cap`, in its own policies folder beside a copy of the sources."""
    text = (policies / "shanghai" / "2026.yaml").read_text(encoding="utf-8")
    for pattern, new in ((r"(?m)^id: shanghai-2026$", "id: shanghai-2027"), (r"(?m)^edition: 2026$", "edition: 2027"),
                         (r"(?m)^issued: .*$", "issued: 2027-01-20"), (r"(?m)^effective_from: .*$", "effective_from: 2027-01-20"),
                         (r"(?m)^(title: .*?)2026年", r"\g<1>2027年")):
        text, n = re.subn(pattern, new, text, count=1)
        assert n == 1, pattern
    start = text.index("- id: funding-support-municipal")
    end = text.index("\n  - id:", start)
    block = text[start:end]
    assert "max_support_wan: 10" in block and "不超过10万元" in block
    block = block.replace("max_support_wan: 10", f"max_support_wan: {cap}").replace("不超过10万元", f"不超过{cap}万元")
    (dest / "shanghai").mkdir(parents=True)
    shutil.copytree(policies / "sources", dest / "sources")
    path = dest / "shanghai" / "2027.yaml"
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return path


def test_a_2027_candidate_reports_the_2026_decisions_it_flips(env: Env, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    candidate = _candidate_2027(env.root, tmp_path / "draft")
    flipped = env.by_project[FLIPS]
    capsys.readouterr()
    assert cli.main(["impact", str(candidate), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["candidate"]["id"] == "shanghai-2027"
    assert out["replaces"] == {"id": "shanghai-2026", "effective_from": "2026-01-19", "why": "in_force"}
    assert out["decisions"] == 3 and out["changed"] == 1 and [c["decision_id"] for c in out["changes"]] == [flipped]
    change = out["changes"][0]
    assert (change["verdict_before"], change["verdict_after"], change["project_id"]) == ("eligible", "ineligible", FLIPS)
    assert [(r["rule"], r["from"], r["to"]) for r in change["rules"]] == [("funding-support-municipal", "pass", "fail")]
    assert out["by_rule"] == [{"rule": "funding-support-municipal", "topic": "funding.support", "decisions": 1,
                               "transitions": {"pass→fail": 1}}]

    assert cli.main(["impact", str(candidate), "--format", "csv"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["decision_id"], r["regime_id"], r["verdict_before"], r["verdict_after"]) for r in rows] == [
        (flipped, "shanghai-2026", "eligible", "ineligible")]
    assert "funding-support-municipal" in rows[0]["changed_rules"]

    assert cli.main(["impact", str(candidate)]) == 1
    text = capsys.readouterr().out
    assert "取代 shanghai-2026" in text and flipped in text and "符合条件 → 不符合条件" in text

    # the same question over HTTP (app.py's /v1/impact calls engine.audit.replay.impact)
    response = env.client.post("/v1/impact", content=candidate.read_bytes(),
                               headers={**auth(STAFF_TOKEN), "Content-Type": "application/yaml"})
    assert response.status_code == 200, response.text
    assert [c["decision_id"] for c in response.json()["changes"]] == [flipped]


def test_impact_exit_codes(env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same_cap = _candidate_2027(env.root, tmp_path / "same", cap=10)
    assert cli.main(["impact", str(same_cap)]) == 0  # nothing changes
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    assert cli.main(["impact", str(broken)]) == cli.EXIT_INVALID_POLICY
    with pytest.raises(SystemExit) as usage:
        cli.main(["impact", str(same_cap), "--format", "xml"])
    assert usage.value.code == cli.EXIT_BAD_INPUT


# ---------------------------------------------------------------- service/app.py wiring (GET one, replay, healthz, impact CSV)

def test_reading_or_replaying_one_decision_is_logged(env: Env) -> None:
    decision_id = env.ids["liaoning-2026"][0]
    assert env.client.get(f"/v1/decisions/{decision_id}", headers=auth(AUDITOR_TOKEN)).status_code == 200
    assert env.client.post(f"/v1/decisions/{decision_id}/replay", headers=auth(STAFF_TOKEN)).status_code == 200
    assert env.client.get(f"/v1/decisions/{decision_id}").status_code == 401
    reads = [r for r in _reads(env.url) if r["decision_id"] == decision_id]
    assert {(r["role"], r["action"]) for r in reads} == {("auditor", "api-get"), ("staff", "api-replay")}


def test_healthz_names_the_database_without_its_password(env: Env) -> None:
    health = env.client.get("/healthz").json()
    assert health["database"] == "sqlite" and health["database_url"] == env.url


def test_impact_over_http_as_csv(env: Env, tmp_path: Path) -> None:
    candidate = _candidate_2027(env.root, tmp_path / "draft")
    response = env.client.post("/v1/impact", params={"format": "csv"}, content=candidate.read_bytes(),
                               headers={**auth(STAFF_TOKEN), "Content-Type": "application/yaml"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["decision_id"] for r in rows] == [env.by_project[FLIPS]]
