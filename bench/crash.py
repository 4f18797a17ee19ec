"""Crash test: kill -9 the server under load, restart it on the same decision log, find every answered decision.

    python -m bench.crash                         # 3 rounds, kill after 2,000 answers each, 16 concurrent
    python -m bench.crash --rounds 1 --kill-after 300

Each round starts `uvicorn service.app:app` on a free 127.0.0.1 port over the same SQLite
decision log, drives concurrent POST /v1/evaluate, records the decision_id of every 2xx answer
(with the answer itself), and sends SIGKILL while requests are still in flight. After the last
round the server is started once more and every recorded decision is fetched with an auditor
token (GET /v1/decisions/{id}): each must be there, with exactly the result that was answered.
The log must also be readable as a whole: SQLite's integrity check passes, and every decision
of every regime reads back through the store. Exits 1 on any missing or different decision.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from bench.soak import HOST, ROOT, Server, Tally, cases, drive
from service.testing import AUDITOR_TOKEN, TOKENS_SPEC, auth

RESULTS = ROOT / "bench" / "crash-results.json"


def _kill_under_load(server: Server, work: list[Any], kill_after: int, concurrency: int,
                     answered: dict[str, dict[str, Any]], lock: threading.Lock) -> dict[str, Any]:
    """One round: load, SIGKILL once `kill_after` answers arrived while requests are in flight."""
    tally = Tally()
    stop = threading.Event()

    def on_ok(answer: dict[str, Any]) -> None:
        with lock:
            answered[answer["decision_id"]] = answer

    loader = threading.Thread(target=drive, args=(server.url, work, 10**9, concurrency, time.monotonic() + 600, tally),
                              kwargs={"on_ok": on_ok, "stop": stop}, daemon=True)
    loader.start()
    deadline = time.monotonic() + 300
    while tally.ok < kill_after and loader.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    done_before_kill = sum(tally.by_status.values())
    still_loading = loader.is_alive()
    server.kill9()  # SIGKILL while the workers are still posting
    killed_at = time.monotonic()
    stop.set()
    loader.join(timeout=60)
    return {"answered": tally.ok, "sent": sum(tally.by_status.values()), "errors_after_kill": tally.errors,
            "wrong_answers": tally.wrong, "by_status": tally.by_status, "loading_when_killed": still_loading,
            "requests_done_at_kill": done_before_kill, "stop_seconds": round(time.monotonic() - killed_at, 2)}


def _fetch_all(url: str, answered: dict[str, dict[str, Any]], concurrency: int = 8) -> tuple[list[str], list[str]]:
    """(missing ids, ids whose logged result differs from the answer sent)."""
    ids = sorted(answered)
    missing: list[str] = []
    different: list[str] = []
    lock = threading.Lock()

    def check(chunk: list[str]) -> None:
        with httpx.Client(base_url=url, timeout=60, headers=auth(AUDITOR_TOKEN)) as client:
            for decision_id in chunk:
                response = client.get(f"/v1/decisions/{decision_id}")
                with lock:
                    if response.status_code == 404:
                        missing.append(decision_id)
                    elif response.status_code != 200 or response.json()["result"] != answered[decision_id]:
                        different.append(f"{decision_id}: {response.status_code} {response.text[:200]}")

    chunks = [ids[i::concurrency] for i in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(check, chunks))
    return missing, different


def _readable(db: Path) -> dict[str, Any]:
    """Integrity check, and every decision of every regime read back and parsed through the store."""
    from engine.audit.store import Store

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        regimes = [row[0] for row in conn.execute("SELECT DISTINCT regime_id FROM decisions")]
    store = Store(f"sqlite:///{db}")
    try:
        total = store.count()
        read = 0
        for regime_id in regimes:
            for decision in store.decisions_for(regime_id):
                assert decision.result["decision_id"] == decision.id and isinstance(decision.facts, dict)
                read += 1
    finally:
        store.close()
    return {"integrity_check": integrity, "decisions_in_log": total, "decisions_read_back": read}


def run(rounds: int, kill_after: int, concurrency: int, tmp: Path) -> dict[str, Any]:
    work = cases()
    db = tmp / "decisions.db"
    url = f"sqlite:///{db}"
    answered: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    report: dict[str, Any] = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "rounds": [],
                              "kill_after": kill_after, "concurrency": concurrency}
    t0 = time.perf_counter()
    for n in range(rounds):
        server = Server(url, tmp / f"server-{n}.log", tokens=TOKENS_SPEC)
        try:
            started = time.perf_counter()
            server.start()
            boot = time.perf_counter() - started
            outcome = _kill_under_load(server, work, kill_after, concurrency, answered, lock)
            outcome["start_seconds"] = round(boot, 2)
            outcome["exit_code"] = server.proc.returncode if server.proc else None
            report["rounds"].append(outcome)
        finally:
            server.kill9()
    server = Server(url, tmp / "server-after.log", tokens=TOKENS_SPEC)
    missing, different = sorted(answered), []
    report.update({"restart_seconds": None, "evaluate_after_restart": None, "live_engine_states_after": None,
                   "after_error": None})
    try:
        started = time.perf_counter()
        server.start()
        report["restart_seconds"] = round(time.perf_counter() - started, 2)
        missing, different = _fetch_all(server.url, answered)
        with httpx.Client(base_url=server.url, timeout=30) as client:
            again = client.post("/v1/evaluate", content=work[0].body, headers={"content-type": "application/json"})
            health = client.get("/healthz").json()
        report["evaluate_after_restart"] = again.status_code
        report["live_engine_states_after"] = health.get("live_engine_states")
    except (httpx.HTTPError, RuntimeError) as exc:  # reported as a failure with the server's own words, not a traceback
        code = server.proc.poll() if server.proc else None
        report["after_error"] = f"{exc!r}; server exit code {code}; log: {server.log_tail(1500)}"
    finally:
        server.stop()
    report.update(_readable(db))
    report.update({"answered_2xx": len(answered), "verified": len(answered) - len(missing) - len(different),
                   "missing": missing[:20], "missing_count": len(missing), "different": different[:20],
                   "different_count": len(different), "duration_s": round(time.perf_counter() - t0, 1)})
    report["passed"] = bool(
        answered and not missing and not different and report["integrity_check"] == "ok"
        and report["decisions_read_back"] == report["decisions_in_log"] >= len(answered)
        and all(r["loading_when_killed"] and r["wrong_answers"] == 0 for r in report["rounds"])
        and report["evaluate_after_restart"] == 200 and report["after_error"] is None)
    return report


def _print(r: dict[str, Any]) -> None:
    print(f"date (UTC)               {r['date']}")
    for i, rnd in enumerate(r["rounds"], 1):
        print(f"round {i}: started in {rnd['start_seconds']} s; kill -9 after {rnd['answered']} answers "
              f"({rnd['sent']} requests, {rnd['errors_after_kill']} cut off by the kill; still loading: "
              f"{rnd['loading_when_killed']}; exit code {rnd['exit_code']})")
    print(f"restart                  {r['restart_seconds']} s")
    print(f"2xx answers recorded     {r['answered_2xx']}")
    print(f"found, identical         {r['verified']}  (missing {r['missing_count']}, different {r['different_count']})")
    print(f"decisions in the log     {r['decisions_in_log']} (read back {r['decisions_read_back']}; "
          f"integrity_check {r['integrity_check']})")
    print(f"evaluate after restart   {r['evaluate_after_restart']}; live engine states {r['live_engine_states_after']}")
    print(f"duration                 {r['duration_s']} s")
    if r["after_error"]:
        print(f"after the restart        {r['after_error']}")
    print(f"result                   {'PASS' if r['passed'] else 'FAIL'}")
    for line in r["missing"] + r["different"]:
        print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crash", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kill-after", type=int, default=2000, help="answers to wait for before each kill -9")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="regimes-crash-") as tmp:
        report = run(args.rounds, args.kill_after, args.concurrency, Path(tmp))
    report["command"] = " ".join(["python -m bench.crash", *(sys.argv[1:] if argv is None else argv)])
    report["host"] = HOST
    args.results.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _print(report)
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
